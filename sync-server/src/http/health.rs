//! `/healthz`: whether the server and its database answer. For monitoring and the systemd watchdog.

use axum::routing::get;
use axum::{Json, Router, extract::State};
use serde::Serialize;

use super::{AppError, AppState};

#[derive(Serialize)]
struct Health {
    status: &'static str,
    database: &'static str,
    version: &'static str,
}

pub fn router() -> Router<AppState> {
    Router::new().route("/healthz", get(healthz))
}

async fn healthz(State(state): State<AppState>) -> Result<Json<Health>, AppError> {
    state.db(|store| store.ping()).await?;
    Ok(Json(Health { status: "ok", database: "ok", version: env!("CARGO_PKG_VERSION") }))
}
