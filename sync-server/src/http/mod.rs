//! The HTTP surface. One module per surface, each with its own `router()`; [`app`] puts them together.
//! Tests build the router with [`app`] and call it without a socket.

mod error;
mod health;

use axum::Router;

use crate::store::Store;

pub use error::AppError;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
}

impl AppState {
    /// Runs blocking store work off the async threads.
    pub async fn db<T, F>(&self, work: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&Store) -> Result<T, crate::store::StoreError> + Send + 'static,
    {
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || work(&store))
            .await
            .map_err(AppError::from_join)?
            .map_err(AppError::from)
    }
}

/// The whole application.
pub fn app(state: AppState) -> Router {
    Router::new().merge(health::router()).with_state(state)
}
