//! "Wersja do publikacji": an admin opts an archived report into publication with its sign-off block
//! (prepared by, approved by, date of approval). The public version is built from the archived figures
//! (`documents::public_report`), its PDF kept with the publication; the admin may withdraw it. Both
//! steps are in the audit log.

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;

use super::view::{AdminChrome, no_archived_report, path_id};
use super::{admin_message, field, render};
use crate::documents::public_report::{PublicReport, public_pdf};
use crate::documents::report_figures::Report;
use crate::http::AppState;
use crate::store::{ArchivedReport, Office, Publication, Session, SignOff, StoreError};

/// Longest name in the sign-off block.
pub const NAME_MAX_CHARS: usize = 200;

/// The sign-off form as typed, and what is wrong with each field.
#[derive(Debug, Clone, Default)]
pub struct SignOffForm {
    pub prepared_by: String,
    pub approved_by: String,
    pub approved_on: String,
    pub errors: Vec<(&'static str, String)>,
}

impl SignOffForm {
    /// Reads the posted form; `today` bounds the date of approval (it cannot be in the future).
    pub fn parse(body: &[u8], today: NaiveDate) -> (SignOffForm, Option<SignOff>) {
        let mut form = SignOffForm {
            prepared_by: field(body, "sporzadzil"),
            approved_by: field(body, "zatwierdzil"),
            approved_on: field(body, "data_zatwierdzenia"),
            errors: Vec::new(),
        };
        let prepared = crate::input::required_line(&form.prepared_by, "kto sporządził", NAME_MAX_CHARS)
            .map_err(|e| form.errors.push(("sporzadzil", e.0)))
            .ok();
        let approved = crate::input::required_line(&form.approved_by, "kto zatwierdził", NAME_MAX_CHARS)
            .map_err(|e| form.errors.push(("zatwierdzil", e.0)))
            .ok();
        let on = match crate::input::day(&form.approved_on, "datę zatwierdzenia") {
            Ok(day) if day > today => {
                form.errors.push(("data_zatwierdzenia", "data zatwierdzenia nie może być późniejsza niż dziś".into()));
                None
            }
            Ok(day) => Some(day),
            Err(e) => {
                form.errors.push(("data_zatwierdzenia", e.0));
                None
            }
        };
        let sign_off = match (prepared, approved, on) {
            (Some(prepared_by), Some(approved_by), Some(approved_on)) => {
                Some(SignOff { prepared_by, approved_by, approved_on })
            }
            _ => None,
        };
        (form, sign_off)
    }

    /// The error of field `name`, if any.
    pub fn error(&self, name: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| *f == name).map(|(_, m)| m.as_str())
    }
}

#[derive(Template)]
#[template(path = "admin/publication.html")]
struct PublicationPage {
    page: AdminChrome,
    slug: String,
    report: ArchivedReport,
    /// Whether the archived figures can be published (reports archived in an old format cannot).
    publishable: bool,
    publication: Option<Publication>,
    published_on: String,
    form: SignOffForm,
}

/// The form's starting values: the last publication's names (the same people usually sign), or the
/// admin's login as the one who prepared it; today as the date of approval.
async fn defaults(state: &AppState, office: &Office, session: &Session) -> Result<SignOffForm, Response> {
    let id = office.id;
    let last = state.db(move |s| s.publications(id)).await.map_err(IntoResponse::into_response)?;
    let last = last.into_iter().max_by(|a, b| a.published_at.cmp(&b.published_at));
    Ok(SignOffForm {
        prepared_by: last.as_ref().map_or_else(|| session.admin.login.clone(), |p| p.sign_off.prepared_by.clone()),
        approved_by: last.map(|p| p.sign_off.approved_by).unwrap_or_default(),
        approved_on: crate::local_time::today().to_string(),
        errors: Vec::new(),
    })
}

async fn show(
    state: &AppState,
    session: &Session,
    office: &Office,
    id: i64,
    form: Option<SignOffForm>,
    notice: Option<String>,
) -> Response {
    let office_id = office.id;
    let found = state.db(move |s| Ok((s.archived_report(office_id, id)?, s.publication(office_id, id)?))).await;
    let (report, publication) = match found {
        Ok((Some(report), publication)) => (report, publication),
        Ok((None, _)) => return no_archived_report(),
        Err(e) => return e.into_response(),
    };
    let status = if form.as_ref().is_some_and(|f| !f.errors.is_empty()) {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let form = match form {
        Some(form) => form,
        None => match &publication {
            Some(p) => SignOffForm {
                prepared_by: p.sign_off.prepared_by.clone(),
                approved_by: p.sign_off.approved_by.clone(),
                approved_on: p.sign_off.approved_on.to_string(),
                errors: Vec::new(),
            },
            None => match defaults(state, office, session).await {
                Ok(form) => form,
                Err(page) => return page,
            },
        },
    };
    let title = format!("Wersja do publikacji – raport nr {id}");
    let page = PublicationPage {
        page: AdminChrome::new(session, Some(office), "raporty", &title)
            .with_notice(notice)
            .with_help("08-raporty#wersja-do-publikacji"),
        slug: office.slug.clone(),
        publishable: serde_json::from_str::<Report>(&report.figures).is_ok(),
        published_on: publication
            .as_ref()
            .and_then(|p| chrono::DateTime::parse_from_rfc3339(&p.published_at).ok())
            .map(|t| crate::local_time::date_pl(crate::local_time::local(t.to_utc()).date()))
            .unwrap_or_default(),
        report,
        publication,
        form,
    };
    render(status, &page)
}

pub async fn page(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Extension(office): Extension<Office>,
    Path(params): Path<std::collections::HashMap<String, String>>,
    RawQuery(query): RawQuery,
) -> Response {
    let Some(id) = path_id(&params) else { return no_archived_report() };
    let query = query.unwrap_or_default();
    let notice = form_urlencoded::parse(query.as_bytes()).find_map(|(k, _)| match k.as_ref() {
        "opublikowano" => {
            Some("Opublikowano wyniki: strona publiczna i plik PDF są dostępne pod adresami poniżej.".to_owned())
        }
        "wycofano" => Some("Wycofano publikację: wyniki tego raportu nie są już dostępne publicznie.".to_owned()),
        _ => None,
    });
    show(&state, &session, &office, id, None, notice).await
}

/// Publishes the report with the typed sign-off; shows the form again with its errors when it is wrong.
pub async fn publish(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Extension(office): Extension<Office>,
    Path(params): Path<std::collections::HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let Some(id) = path_id(&params) else { return no_archived_report() };
    let (form, sign_off) = SignOffForm::parse(&body, crate::local_time::today());
    let Some(sign_off) = sign_off else {
        return show(&state, &session, &office, id, Some(form), None).await;
    };
    let (office_id, actor) = (office.id, session.admin.login.clone());
    let done = state
        .db(move |s| {
            let Some(report) = s.archived_report(office_id, id)? else { return Ok(Err(no_archived_report())) };
            let Ok(figures) = serde_json::from_str::<Report>(&report.figures) else {
                return Ok(Err(admin_message(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "Nie można opublikować",
                    "Ten raport zarchiwizowano w dawnym formacie, z którego nie da się przygotować wersji publicznej. Wygeneruj raport za ten okres ponownie, zarchiwizuj go i opublikuj nowy.",
                )));
            };
            // The office's name as archived with the figures, the logo as it is now.
            let public = PublicReport::of(&figures, id, &sign_off);
            let logo = s.logo(office_id)?.and_then(|(bytes, mime)| crate::documents::logo::decode(&bytes, &mime));
            let pdf = public_pdf(&public, logo.as_ref()).map_err(StoreError::Corrupt)?;
            s.publish_report(office_id, id, &actor, &sign_off, &pdf)?;
            Ok(Ok(()))
        })
        .await;
    match done {
        Ok(Ok(())) => {
            Redirect::to(&format!("/admin/urzad/{}/raporty/{id}/publikacja?opublikowano", office.slug)).into_response()
        }
        Ok(Err(page)) => page,
        Err(e) => e.into_response(),
    }
}

/// Withdraws the publication (the public page and PDF answer "not found" from then on).
pub async fn withdraw(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Extension(office): Extension<Office>,
    Path(params): Path<std::collections::HashMap<String, String>>,
) -> Response {
    let Some(id) = path_id(&params) else { return no_archived_report() };
    let (office_id, actor) = (office.id, session.admin.login.clone());
    match state.db(move |s| s.withdraw_publication(office_id, id, &actor)).await {
        Ok(true) => {
            Redirect::to(&format!("/admin/urzad/{}/raporty/{id}/publikacja?wycofano", office.slug)).into_response()
        }
        Ok(false) => admin_message(StatusCode::NOT_FOUND, "Nie znaleziono", "Ten raport nie jest opublikowany."),
        Err(e) => e.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sign_off_is_checked_field_by_field_and_kept_as_typed() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let (form, ok) = SignOffForm::parse(
            b"sporzadzil=Anna+Nowak&zatwierdzil=Jan+Kowalski%2C+Burmistrz&data_zatwierdzenia=2026-11-30",
            today,
        );
        assert!(form.errors.is_empty());
        let ok = ok.unwrap();
        assert_eq!((ok.prepared_by.as_str(), ok.approved_by.as_str()), ("Anna Nowak", "Jan Kowalski, Burmistrz"));

        let (form, none) =
            SignOffForm::parse(b"sporzadzil=Anna+Nowak&zatwierdzil=+&data_zatwierdzenia=2026-12-02", today);
        assert!(none.is_none());
        assert_eq!(form.prepared_by, "Anna Nowak", "what was typed is kept");
        assert_eq!(form.error("zatwierdzil"), Some("wpisz: kto zatwierdził"));
        assert_eq!(form.error("data_zatwierdzenia"), Some("data zatwierdzenia nie może być późniejsza niż dziś"));
        assert_eq!(form.error("sporzadzil"), None);
    }
}
