//! The accessibility statement's facts, set by the office's admin: contact person, dates, the compliance
//! status with the non-conformities, how the statement was prepared, the building's architectural
//! accessibility. The public page (`/{slug}/deklaracja-dostepnosci`) shows them; until they are given it
//! says the statement is not complete.

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;

use super::view::AdminChrome;
use super::{field, render};
use crate::http::AppState;
use crate::input;
use crate::store::{Assessment, Compliance, Office, Session, Statement};

/// Longest free text (non-conformities, architectural accessibility).
const MAX_TEXT_CHARS: usize = 10_000;

#[derive(Template)]
#[template(path = "admin/statement.html")]
struct StatementEditPage {
    page: AdminChrome,
    slug: String,
    s: Statement,
    /// (code, label, chosen) of each status and of each way of preparing the statement.
    statuses: Vec<(&'static str, &'static str, bool)>,
    assessments: Vec<(&'static str, &'static str, bool)>,
    missing: Vec<&'static str>,
    errors: Vec<String>,
}

fn show(session: &Session, office: &Office, s: Statement, errors: Vec<String>, notice: Option<String>) -> Response {
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = StatementEditPage {
        page: AdminChrome::new(session, Some(office), "deklaracja", "Deklaracja dostępności").with_notice(notice),
        slug: office.slug.clone(),
        statuses: Compliance::ALL.iter().map(|c| (c.code(), c.label(), s.status == Some(*c))).collect(),
        assessments: Assessment::ALL
            .iter()
            .map(|a| {
                let label = match a {
                    Assessment::SelfAssessment => "samoocena przeprowadzona przez urząd",
                    Assessment::External => "badanie przeprowadzone przez podmiot zewnętrzny",
                };
                (a.code(), label, s.prepared_by == Some(*a))
            })
            .collect(),
        missing: s.missing(),
        s,
        errors,
    };
    render(status, &page)
}

pub async fn page(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Extension(office): Extension<Office>,
) -> Response {
    let id = office.id;
    match state.db(move |s| s.accessibility_statement(id)).await {
        Ok(s) => show(&session, &office, s, Vec::new(), None),
        Err(e) => e.into_response(),
    }
}

/// A date field: `None` when empty; an error when not a real date or later than `today`.
fn date(body: &[u8], name: &str, what: &str, today: NaiveDate, errors: &mut Vec<String>) -> Option<String> {
    let value = field(body, name).trim().to_owned();
    if value.is_empty() {
        return None;
    }
    match NaiveDate::parse_from_str(&value, "%Y-%m-%d") {
        Ok(day) if day <= today => Some(day.to_string()),
        Ok(_) => {
            errors.push(format!("{what}: data {value} jest w przyszłości."));
            Some(value)
        }
        Err(_) => {
            errors.push(format!("{what}: „{value}” nie jest datą (RRRR-MM-DD)."));
            Some(value)
        }
    }
}

/// The statement as posted, and every problem with it.
fn read(body: &[u8], today: NaiveDate) -> (Statement, Vec<String>) {
    let text = |name: &str| field(body, name).replace("\r\n", "\n").trim().to_owned();
    let mut errors = Vec::new();
    let s = Statement {
        contact_name: text("contact_name"),
        contact_email: text("contact_email"),
        contact_phone: text("contact_phone"),
        published_on: date(body, "published_on", "Data publikacji", today, &mut errors),
        updated_on: date(body, "updated_on", "Data ostatniej istotnej aktualizacji", today, &mut errors),
        prepared_on: date(body, "prepared_on", "Data sporządzenia deklaracji", today, &mut errors),
        reviewed_on: date(body, "reviewed_on", "Data ostatniego przeglądu", today, &mut errors),
        status: Compliance::from_code(&text("status")),
        non_conformities: text("non_conformities"),
        prepared_by: Assessment::from_code(&text("prepared_by")),
        assessor: text("assessor"),
        architecture: text("architecture"),
    };
    for (value, what) in
        [(&s.contact_name, "Osoba do kontaktu"), (&s.contact_phone, "Telefon"), (&s.assessor, "Podmiot")]
    {
        if let Err(e) = input::line(value, what, 200) {
            errors.push(format!("{e}."));
        }
    }
    if let Err(e) = input::email(&s.contact_email) {
        errors.push(format!("E-mail osoby do kontaktu: {e}."));
    }
    for (value, what) in [(&s.non_conformities, "Niezgodności"), (&s.architecture, "Dostępność architektoniczna")] {
        if value.chars().count() > MAX_TEXT_CHARS {
            errors.push(format!("{what}: najwyżej {MAX_TEXT_CHARS} znaków."));
        }
    }
    if matches!(s.status, Some(Compliance::Partial | Compliance::None)) && s.non_conformities.is_empty() {
        errors.push("Przy stanie „częściowo zgodna” lub „niezgodna” wymień niezgodności i ich przyczyny.".into());
    }
    if s.prepared_by == Some(Assessment::External) && s.assessor.is_empty() {
        errors.push("Przy badaniu przez podmiot zewnętrzny podaj nazwę tego podmiotu.".into());
    }
    if let (Some(published), Some(updated)) = (&s.published_on, &s.updated_on)
        && updated < published
    {
        errors.push("Data ostatniej istotnej aktualizacji nie może być wcześniejsza niż data publikacji.".into());
    }
    if let (Some(prepared), Some(reviewed)) = (&s.prepared_on, &s.reviewed_on)
        && reviewed < prepared
    {
        errors.push("Data ostatniego przeglądu nie może być wcześniejsza niż data sporządzenia deklaracji.".into());
    }
    (s, errors)
}

pub async fn save(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Extension(office): Extension<Office>,
    body: Bytes,
) -> Response {
    let today = crate::local_time::local(chrono::Utc::now()).date();
    let (statement, errors) = read(&body, today);
    if !errors.is_empty() {
        return show(&session, &office, statement, errors, None);
    }
    let (id, actor, saved) = (office.id, session.admin.login.clone(), statement.clone());
    match state.db(move |s| s.save_accessibility_statement(id, &actor, &saved)).await {
        Ok(()) => show(&session, &office, statement, Vec::new(), Some("Zapisano deklarację dostępności.".into())),
        Err(e) => e.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
    }

    #[test]
    fn the_statement_form_is_checked_as_a_whole() {
        let today = day("2026-12-01");
        let (s, errors) = read(
            b"contact_name=Anna&contact_email=a%40b.pl&published_on=2026-02-01&updated_on=2026-03-01&status=zgodna&prepared_by=samoocena&prepared_on=2026-02-01",
            today,
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!((s.status, s.updated_on.as_deref()), (Some(Compliance::Full), Some("2026-03-01")));

        let (_, errors) = read(
            b"contact_email=zly&published_on=2026-05-01&updated_on=2026-04-01&prepared_on=2027-01-01&reviewed_on=31.12.2026&status=niezgodna&prepared_by=zewnetrzna",
            today,
        );
        for expected in [
            "nie wygląda na adres e-mail",
            "nie może być wcześniejsza niż data publikacji",
            "jest w przyszłości",
            "„31.12.2026” nie jest datą",
            "wymień niezgodności",
            "podaj nazwę tego podmiotu",
        ] {
            assert!(errors.iter().any(|e| e.contains(expected)), "no {expected:?} in {errors:?}");
        }
    }
}
