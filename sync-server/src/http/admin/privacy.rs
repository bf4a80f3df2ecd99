//! The office's information clause (klauzula informacyjna, art. 13 RODO): the text residents read on
//! the web survey, the kiosk and the paper questionnaire. The admin may write their own or go back to
//! the default made from the office's data (`documents::privacy_notice`).

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::view::AdminChrome;
use super::{field, render};
use crate::documents::privacy_notice;
use crate::http::AppState;
use crate::store::{Office, Session};

/// Longest clause accepted: offices' real clauses are 3,000–6,000 characters.
pub const MAX_CHARS: usize = 20_000;

#[derive(Template)]
#[template(path = "admin/privacy.html")]
struct PrivacyEditPage {
    page: AdminChrome,
    slug: String,
    text: String,
    is_default: bool,
    missing: Vec<&'static str>,
    error: Option<String>,
}

fn show(
    session: &Session,
    office: &Office,
    text: Option<String>,
    error: Option<String>,
    notice: Option<String>,
) -> Response {
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page = PrivacyEditPage {
        page: AdminChrome::new(session, Some(office), "prywatnosc", "Klauzula informacyjna (RODO)").with_notice(notice),
        slug: office.slug.clone(),
        text: text.unwrap_or_else(|| privacy_notice::text(office)),
        is_default: office.privacy_notice.is_none(),
        missing: privacy_notice::missing_data(office),
        error,
    };
    render(status, &page)
}

pub async fn page(Extension(session): Extension<Session>, Extension(office): Extension<Office>) -> Response {
    show(&session, &office, None, None, None)
}

/// Saves the admin's text, or with `action=domyslna` goes back to the default.
pub async fn save(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Extension(office): Extension<Office>,
    body: Bytes,
) -> Response {
    let restore = field(&body, "action") == "domyslna";
    // Line ends as the browser sends them (CRLF) become plain ones, as the default has.
    let text = field(&body, "text").replace("\r\n", "\n").trim().to_owned();
    if !restore {
        let problem = if text.is_empty() {
            Some("Klauzula nie może być pusta. Aby wrócić do tekstu domyślnego, użyj przycisku „Przywróć tekst domyślny”.".to_owned())
        } else if text.chars().count() > MAX_CHARS {
            Some(format!("Klauzula może mieć najwyżej {MAX_CHARS} znaków (ma {}).", text.chars().count()))
        } else {
            None
        };
        if let Some(error) = problem {
            return show(&session, &office, Some(text), Some(error), None);
        }
    }
    let saved = (!restore).then(|| text.clone());
    let (id, actor, stored) = (office.id, session.admin.login.clone(), saved.clone());
    match state.db(move |s| s.set_privacy_notice(id, &actor, stored.as_deref())).await {
        Ok(()) => {
            let notice = if restore {
                "Przywrócono domyślny tekst klauzuli, tworzony z danych urzędu."
            } else {
                "Zapisano klauzulę informacyjną."
            };
            show(&session, &Office { privacy_notice: saved, ..office }, None, None, Some(notice.to_owned()))
        }
        Err(e) => e.into_response(),
    }
}
