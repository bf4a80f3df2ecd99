//! The HTTP surface. One module per surface, each with its own `router()`; [`app`] puts them together.
//! Tests build the router with [`app`] and call it without a socket.

mod error;
mod health;
pub mod public;

use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::Response;
use survey::Lang;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::store::Store;

pub use error::AppError;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub limiter: Arc<public::rate_limit::RateLimiter>,
}

impl AppState {
    /// State over `store` with the default survey rate limit.
    pub fn new(store: Store) -> AppState {
        AppState { store, limiter: Arc::default() }
    }

    /// Runs blocking store work off the async threads.
    pub async fn db<T, F>(&self, work: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&Store) -> Result<T, crate::store::StoreError> + Send + 'static,
    {
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || work(&store)).await.map_err(AppError::from_join)?.map_err(AppError::from)
    }
}

/// Content Security Policy of every page: no script at all, styles and images from this server only, forms
/// post only here, and no framing by other sites.
const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; \
                   base-uri 'none'; frame-ancestors 'none'";

/// The whole application, with the security headers every response carries.
pub fn app(state: AppState) -> Router {
    let headers = [
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (HeaderName::from_static("permissions-policy"), "camera=(), microphone=(), geolocation=()"),
    ];
    let mut router =
        Router::new().merge(health::router()).merge(public::router()).fallback(not_found).with_state(state);
    for (name, value) in headers {
        router = router.layer(SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value)));
    }
    router
}

async fn not_found() -> Response {
    let w = public::i18n::words(Lang::Pl);
    public::message_page(StatusCode::NOT_FOUND, Lang::Pl, None, w.not_found, w.not_found)
}
