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

/// Longest browser description kept with a session.
pub const BROWSER_MAX_CHARS: usize = 60;

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

/// The browser and system of a `User-Agent` header in a few words ("Firefox, Windows"): enough to tell
/// one's sessions apart, without keeping the whole header (version numbers and the like).
pub fn describe_browser(user_agent: &str) -> String {
    // Order matters: Edge and Opera also say "Chrome", Chrome also says "Safari".
    const BROWSERS: [(&str, &str); 6] = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("Chromium/", "Chromium"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ];
    const SYSTEMS: [(&str, &str); 7] = [
        ("Android", "Android"),
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ];
    let browser = BROWSERS.iter().find(|(token, _)| user_agent.contains(token)).map(|(_, name)| *name);
    let system = SYSTEMS.iter().find(|(token, _)| user_agent.contains(token)).map(|(_, name)| *name);
    match (browser, system) {
        (Some(b), Some(s)) => format!("{b}, {s}"),
        (Some(one), None) | (None, Some(one)) => one.to_owned(),
        // Something else (a script, a rare browser): its own first words, printable and short.
        (None, None) => {
            let shown: String =
                user_agent.chars().filter(|c| !c.is_control()).take(BROWSER_MAX_CHARS).collect::<String>();
            if shown.trim().is_empty() { "nieznana przeglądarka".to_owned() } else { shown.trim().to_owned() }
        }
    }
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

#[cfg(test)]
mod tests {
    use super::describe_browser;

    #[test]
    fn browsers_are_described_in_a_few_words() {
        let cases = [
            ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox, Windows"),
            (
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
                "Chrome, Linux",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
                "Edge, Windows",
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1",
                "Safari, iPhone",
            ),
            ("curl/8.5.0", "curl/8.5.0"),
            ("", "nieznana przeglądarka"),
        ];
        for (agent, described) in cases {
            assert_eq!(describe_browser(agent), described, "{agent}");
        }
        assert_eq!(describe_browser(&"x".repeat(10_000)).chars().count(), super::BROWSER_MAX_CHARS);
    }
}
