//! One's own sessions ("Moje sesje"): when each began and was last used (Polish time), in which
//! browser, and "Wyloguj wszędzie", which ends them all, this one included.

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use super::view::AdminChrome;
use super::{login, render};
use crate::http::AppState;
use crate::local_time;
use crate::store::Session;

/// A session as the page lists it.
pub struct SessionRow {
    pub created: String,
    pub last_seen: String,
    pub browser: String,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "admin/sessions.html")]
struct SessionsPage {
    page: AdminChrome,
    sessions: Vec<SessionRow>,
}

pub async fn page(State(state): State<AppState>, Extension(session): Extension<Session>) -> Response {
    let admin_id = session.admin.id;
    match state.db(move |s| s.sessions_of(admin_id)).await {
        Ok(sessions) => render(
            StatusCode::OK,
            &SessionsPage {
                page: AdminChrome::new(&session, None, "sesje", "Moje sesje"),
                sessions: sessions
                    .into_iter()
                    .map(|s| SessionRow {
                        current: s.token_hash == session.token_hash,
                        created: local_time::human_text(&s.created_at),
                        last_seen: local_time::human_text(&s.last_seen),
                        browser: if s.user_agent.is_empty() { "nieznana przeglądarka".into() } else { s.user_agent },
                    })
                    .collect(),
            },
        ),
        Err(e) => e.into_response(),
    }
}

/// Ends every session of the account, this one included, and leads to the login page.
pub async fn end_everywhere(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    headers: HeaderMap,
) -> Response {
    let admin = session.admin.clone();
    if let Err(e) = state.db(move |s| s.end_all_sessions(&admin)).await {
        return e.into_response();
    }
    let mut response = Redirect::to("/admin/logowanie").into_response();
    login::clear_cookie(&mut response, &headers);
    response
}
