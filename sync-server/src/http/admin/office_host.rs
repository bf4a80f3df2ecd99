//! The office's own host name (`ankieta.gmina.pl`), set by the operator: the office's home page is then
//! served at `/` of that name. The same as `sync-server office set-host` on the command line.

use axum::Extension;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::dashboard::{error_text, offices_page};
use super::field;
use crate::http::AppState;
use crate::input;
use crate::store::Session;

/// `POST /admin/hosty`: `office` and `host` (empty removes the office's own host name). Only the operator
/// reaches it (`access::ROUTES`).
pub async fn set(State(state): State<AppState>, Extension(session): Extension<Session>, body: Bytes) -> Response {
    let (slug, typed) = (field(&body, "office"), field(&body, "host"));
    let host = if typed.trim().is_empty() {
        None
    } else {
        match input::host_name(&typed) {
            Ok(host) => Some(host),
            Err(e) => {
                return offices_page(&state, &session, Some(e.to_string()), None, StatusCode::UNPROCESSABLE_ENTITY)
                    .await;
            }
        }
    };
    let actor = session.admin.login.clone();
    let saved = host.clone();
    match state.db(move |s| s.set_office_host(&slug, &actor, saved.as_deref())).await {
        Ok(()) => offices_page(&state, &session, None, None, StatusCode::OK).await,
        Err(e) => offices_page(&state, &session, Some(error_text(e)), None, StatusCode::UNPROCESSABLE_ENTITY).await,
    }
}
