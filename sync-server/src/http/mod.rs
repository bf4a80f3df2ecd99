//! The HTTP surface. One module per surface, each with its own `router()`; [`app`] puts them together.
//! Tests build the router with [`app`] and call it without a socket.

pub mod admin;
pub mod api;
pub mod client_key;
pub mod cross_site;
pub mod error;
mod health;
pub mod public;
pub mod tablet;
mod unread_body;
mod validators;

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::http::{Extensions, HeaderMap, HeaderName, HeaderValue, StatusCode, Version, header};
use axum::response::{IntoResponse, Response};
use axum::{Router, middleware};
use survey::Lang;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{Predicate, SizeAbove};

use crate::store::Store;

pub use error::AppError;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub limiter: Arc<public::rate_limit::RateLimiter>,
    pub logins: Arc<admin::throttle::LoginThrottle>,
    /// Wrong pairing codes per client (`api/pairing_limit.rs`).
    pub pairings: Arc<api::pairing_limit::PairingLimiter>,
    /// Report breakdown cells with fewer answers are shown as "< N" (server setting).
    pub suppression_threshold: u64,
    /// A reverse proxy on this machine forwards the clients: their address is in `X-Forwarded-For`.
    pub behind_proxy: bool,
    /// The SMTP server of the settings file, for the operator's test mail and page (never a password).
    pub mail: Option<Arc<crate::config::MailSettings>>,
    /// The survey page as first shown, kept per office and language (`public/fresh_form.rs`).
    pub fresh_forms: Arc<public::fresh_form::FreshForms>,
}

impl AppState {
    /// State over `store` with the default survey rate limit.
    pub fn new(store: Store) -> AppState {
        AppState {
            store,
            limiter: Arc::default(),
            logins: Arc::default(),
            pairings: Arc::default(),
            suppression_threshold: crate::documents::report_figures::DEFAULT_SUPPRESSION,
            behind_proxy: false,
            mail: None,
            fresh_forms: Arc::default(),
        }
    }

    /// The same state with another suppression threshold.
    pub fn with_suppression_threshold(self, threshold: u64) -> AppState {
        AppState { suppression_threshold: threshold, ..self }
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

/// Content Security Policy of the pages: no script at all, styles and images from this server only, forms
/// post only here, and framing only by the sites listed (`'none'` for most pages).
pub fn content_security_policy(frame_ancestors: &str) -> String {
    format!(
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; \
         frame-ancestors {frame_ancestors}"
    )
}

/// Largest request body of a route that does not set its own limit. Routes that read a body set one to
/// fit what they take (the sync API, the survey form, the admin panel's forms and logo, the login); this
/// one bounds a route added without thinking of it.
pub const DEFAULT_BODY_BYTES: usize = 16 * 1024;

/// The whole application, with the security headers every response carries, compressed for clients
/// that accept gzip or Brotli. A response to a request whose body was left unread closes the connection
/// (`unread_body.rs`).
pub fn app(state: AppState) -> Router {
    Router::new()
        .merge(health::router())
        .merge(admin::router(state.clone()))
        .merge(api::router())
        .merge(public::router())
        .merge(tablet::router())
        .fallback(not_found)
        .with_state(state)
        .layer(DefaultBodyLimit::max(DEFAULT_BODY_BYTES))
        .layer(middleware::map_response(security_headers))
        // Below about one network packet, compressing saves nothing worth the time.
        .layer(CompressionLayer::new().compress_when(SizeAbove::new(1024).and(is_text)))
        .layer(middleware::map_response(validators::weaken_when_encoded))
        .layer(middleware::from_fn(unread_body::close_if_unread))
}

/// Whether a response is text, which gzip shrinks several times over (pages, CSS, JSON, SVG, CSV).
/// Everything else here is compressed already (PDF, PNG, JPEG, XLSX – a ZIP file): compressing it
/// again costs time and saves nothing. tower-http's default would compress all but raster images.
fn is_text(_: StatusCode, _: Version, headers: &HeaderMap, _: &Extensions) -> bool {
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let mime = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    mime.starts_with("text/") || matches!(mime.as_str(), "application/json" | "image/svg+xml")
}

/// Adds the security headers a handler did not set itself. A page that may be framed by an office's own
/// site sets its own `frame-ancestors`; every other page is framed by nobody (CSP and, for old browsers,
/// `X-Frame-Options`).
async fn security_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY)
        && let Ok(csp) = HeaderValue::from_str(&content_security_policy("'none'"))
    {
        headers.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    let framed_by_nobody = headers
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|csp| csp.contains("frame-ancestors 'none'"));
    if framed_by_nobody {
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    for (name, value) in [
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (HeaderName::from_static("permissions-policy"), "camera=(), microphone=(), geolocation=()"),
    ] {
        headers.entry(name).or_insert(HeaderValue::from_static(value));
    }
    response
}

/// An address no surface has: answered in the form of the surface it looks like (JSON under the API).
async fn not_found(uri: axum::http::Uri) -> Response {
    let missing = AppError::NotFound("Nie ma takiego adresu. Prosimy sprawdzić adres.".into()).into_response();
    if uri.path().starts_with("/api/") {
        return error::as_json(missing).await;
    }
    if uri.path().starts_with("/admin") {
        return admin::show_failure(missing).await;
    }
    let w = public::i18n::words(Lang::Pl);
    public::message_page(StatusCode::NOT_FOUND, Lang::Pl, None, w.not_found, w.not_found)
}

#[cfg(test)]
mod tests {
    use rstest::rstest;

    use super::*;

    #[rstest]
    #[case("text/html; charset=utf-8", true)]
    #[case("text/css; charset=utf-8", true)]
    #[case("text/csv; charset=utf-8", true)]
    #[case("application/json", true)]
    #[case("image/svg+xml", true)]
    #[case("application/pdf", false)]
    #[case("image/png", false)]
    #[case("image/jpeg", false)]
    #[case("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", false)]
    #[case("", false)]
    fn only_text_is_compressed(#[case] content_type: &str, #[case] compressed: bool) {
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_str(content_type).unwrap());
        assert_eq!(is_text(StatusCode::OK, Version::HTTP_11, &headers, &Extensions::new()), compressed);
    }
}
