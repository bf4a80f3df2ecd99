//! "Wprowadź ankietę papierową": typing in paper sheets, the list of sheets entered, corrections and
//! withdrawals. Each saved sheet leaves the form empty and ready for the next one.

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{NaiveDate, TimeZone, Utc};
use serde::Deserialize;
use survey::validation::{ValidationContext, ValidationError};
use survey::wire::Outcome;
use survey::{Channel, QuestionKey, Questionnaire, Response as SurveyResponse};
use uuid::Uuid;

use super::paper_form::{self, PaperField};
use super::view::AdminChrome;
use super::{admin_message, field, render};
use crate::http::{AppError, AppState};
use crate::ingest::{self, ingest_paper};
use crate::store::{Office, Session, StoreError, StoredResponse};
// Askama looks the templates' `|local_time` filter up as `filters::…` in this module.
use crate::local_time::filters;

#[derive(Template)]
#[template(path = "admin/paper.html")]
struct PaperPage {
    page: AdminChrome,
    action: String,
    submit: &'static str,
    token: String,
    serial: String,
    serial_error: Option<String>,
    date: String,
    date_error: Option<String>,
    fields: Vec<PaperField>,
    errors: Vec<(String, String)>,
    withdraw_action: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/paper_list.html")]
struct ListPage {
    page: AdminChrome,
    slug: String,
    entries: Vec<StoredResponse>,
}

#[derive(Deserialize)]
pub struct Saved {
    zapisano: Option<String>,
}

/// What a typed-in sheet needs from the store: the questionnaire version and the departments.
async fn sheet_context(
    state: &AppState,
    office: &Office,
    version: Option<u32>,
) -> Result<(std::sync::Arc<Questionnaire>, Vec<(String, String)>), Response> {
    let slug = office.slug.clone();
    state
        .db(move |s| {
            let q = match version {
                Some(v) => s.questionnaire_version(&slug, v)?,
                None => s.current_questionnaire(&slug)?,
            };
            Ok((q, s.departments(&slug)?))
        })
        .await
        .map_err(IntoResponse::into_response)
}

/// A typed sheet read into a response, or the page to show again with its errors.
struct Typed {
    serial: String,
    date: String,
    values: std::collections::BTreeMap<String, String>,
}

impl Typed {
    fn parse(body: &[u8]) -> Typed {
        let mut values = std::collections::BTreeMap::new();
        for (k, v) in form_urlencoded::parse(body) {
            if let Some(key) = k.strip_prefix("q_") {
                values.insert(key.to_owned(), v.into_owned());
            }
        }
        Typed { serial: field(body, "serial").trim().to_owned(), date: field(body, "date"), values }
    }
}

#[allow(clippy::too_many_arguments)]
fn page(
    session: &Session,
    office: &Office,
    questionnaire: &Questionnaire,
    departments: &[(String, String)],
    typed: &Typed,
    token: String,
    errors: &[(String, String)],
    serial_error: Option<String>,
    date_error: Option<String>,
    notice: Option<String>,
    correcting: Option<&str>,
) -> Response {
    let title = if correcting.is_some() { "Popraw ankietę papierową" } else { "Wprowadź ankietę papierową" };
    let current = if correcting.is_some() { "papier/lista" } else { "papier" };
    let fields =
        paper_form::fields(questionnaire, departments, &|k| typed.values.get(k).cloned().unwrap_or_default(), &|k| {
            errors.iter().find(|(key, _)| key == k).map(|(_, m)| m.clone())
        });
    let status = if errors.is_empty() && serial_error.is_none() && date_error.is_none() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut summary: Vec<(String, String)> = Vec::new();
    if let Some(e) = &serial_error {
        summary.push(("serial".into(), e.clone()));
    }
    if let Some(e) = &date_error {
        summary.push(("date".into(), e.clone()));
    }
    summary.extend(
        fields
            .iter()
            .filter_map(|f| f.error.as_ref().map(|e| (format!("q-{}", f.key), format!("{}. {}", f.number, e)))),
    );
    render(
        status,
        &PaperPage {
            page: AdminChrome::new(session, Some(office), current, title).with_notice(notice),
            action: match correcting {
                Some(id) => format!("/admin/urzad/{}/papier/{id}", office.slug),
                None => format!("/admin/urzad/{}/papier", office.slug),
            },
            submit: if correcting.is_some() { "Zapisz poprawkę" } else { "Zapisz i wprowadź następną" },
            token,
            serial: typed.serial.clone(),
            serial_error,
            date: typed.date.clone(),
            date_error,
            fields,
            errors: summary,
            withdraw_action: correcting.map(|id| format!("/admin/urzad/{}/papier/{id}/wycofaj", office.slug)),
        },
    )
}

pub async fn entry_form(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Extension(office): Extension<Office>,
    Query(saved): Query<Saved>,
) -> Response {
    let (q, departments) = match sheet_context(&state, &office, None).await {
        Ok(v) => v,
        Err(page) => return page,
    };
    let notice = saved.zapisano.map(|s| {
        if s.is_empty() {
            "Zapisano ankietę. Wprowadź następną.".to_owned()
        } else {
            format!("Zapisano ankietę, arkusz nr {s}. Wprowadź następną.")
        }
    });
    let typed =
        Typed { serial: String::new(), date: Utc::now().format("%Y-%m-%d").to_string(), values: Default::default() };
    page(&session, &office, &q, &departments, &typed, Uuid::now_v7().to_string(), &[], None, None, notice, None)
}

/// Reads the typed sheet into a response with `id`; errors by question key, and for serial and date.
#[allow(clippy::type_complexity)]
fn read_sheet(
    office: &Office,
    q: &Questionnaire,
    departments: &[(String, String)],
    typed: &Typed,
    id: Uuid,
) -> (SurveyResponse, Vec<(String, String)>, Option<String>, Option<String>) {
    let mut errors = Vec::new();
    let mut response = SurveyResponse::new(&office.slug, q.version, Channel::Paper);
    response.id = id;
    for (_, question) in q.questions() {
        let value = typed.values.get(question.key.as_str()).map(String::as_str).unwrap_or("");
        match paper_form::read(question, departments, value) {
            Ok(Some(answer)) => {
                response.answers.insert(question.key.clone(), answer);
            }
            Ok(None) => {}
            Err(message) => errors.push((question.key.to_string(), message)),
        }
    }
    let serial_error = (typed.serial.chars().count() > survey::validation::LABEL_MAX_CHARS)
        .then(|| format!("Numer arkusza może mieć najwyżej {} znaków.", survey::validation::LABEL_MAX_CHARS));
    response.paper_serial = (!typed.serial.is_empty()).then(|| typed.serial.clone());
    let date = NaiveDate::parse_from_str(&typed.date, "%Y-%m-%d").ok().filter(|d| *d <= Utc::now().date_naive());
    let date_error = match date.and_then(|d| d.and_hms_opt(12, 0, 0)) {
        // Noon UTC: the same calendar day in Poland whatever the season.
        Some(noon) => {
            response.captured_at = Utc.from_utc_datetime(&noon);
            None
        }
        None => Some("Podaj datę wypełnienia arkusza (RRRR-MM-DD), nie późniejszą niż dziś.".into()),
    };
    // A sheet with fields that could not be read is not stored; its other problems are shown with them.
    // A readable sheet is validated once, by the intake, when it is saved.
    let unreadable = !errors.is_empty() || serial_error.is_some() || date_error.is_some();
    if unreadable {
        let ctx = ValidationContext {
            departments: departments.iter().map(|(k, _)| k.clone()).collect(),
            ..Default::default()
        };
        errors.extend(by_question(&ingest::problems(q, &ctx, &response)));
    }
    (response, errors, serial_error, date_error)
}

pub async fn save_entry(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Extension(office): Extension<Office>,
    body: Bytes,
) -> Response {
    let (q, departments) = match sheet_context(&state, &office, None).await {
        Ok(v) => v,
        Err(page) => return page,
    };
    let typed = Typed::parse(&body);
    // The form's token is the response id: a double click saves the sheet once.
    let token =
        Uuid::parse_str(&field(&body, "token")).ok().filter(|t| t.get_version_num() == 7).unwrap_or_else(Uuid::now_v7);
    let (response, errors, serial_error, date_error) = read_sheet(&office, &q, &departments, &typed, token);
    let again = |errors: &[(String, String)], serial_error: Option<String>| {
        page(
            &session,
            &office,
            &q,
            &departments,
            &typed,
            token.to_string(),
            errors,
            serial_error,
            date_error.clone(),
            None,
            None,
        )
    };
    if !errors.is_empty() || serial_error.is_some() || date_error.is_some() {
        return again(&errors, serial_error);
    }
    let actor = session.admin.login.clone();
    let serial = typed.serial.clone();
    let outcome = match state.db(move |s| Ok(ingest_paper(s, &response, &actor))).await {
        Ok(outcome) => outcome,
        Err(e) => return e.into_response(),
    };
    match outcome {
        Ok(Outcome::Stored | Outcome::AlreadyStored) => {
            let query: String =
                form_urlencoded::Serializer::new(String::new()).append_pair("zapisano", &serial).finish();
            Redirect::to(&format!("/admin/urzad/{}/papier?{query}", office.slug)).into_response()
        }
        Ok(Outcome::Rejected { errors }) => again(&by_question(&errors), None),
        Ok(Outcome::Conflict) => {
            again(&[], Some("Ten formularz został już zapisany z inną treścią. Otwórz formularz ponownie.".into()))
        }
        Err(StoreError::DuplicateSerial { serial, entered_at }) => {
            again(&[], Some(duplicate_serial(&serial, &entered_at)))
        }
        Err(e) => AppError::from(e).into_response(),
    }
}

/// Validation errors as (question key, Polish message), as the sheet's form shows them.
fn by_question(errors: &[ValidationError]) -> Vec<(String, String)> {
    errors
        .iter()
        .map(|e| (e.question.as_ref().map_or_else(String::new, QuestionKey::to_string), e.message(survey::Lang::Pl)))
        .collect()
}

fn duplicate_serial(serial: &str, entered_at: &str) -> String {
    format!(
        "Arkusz nr {serial} został już wprowadzony {}. Sprawdź numer – ten sam arkusz nie może być policzony dwa razy.",
        crate::local_time::human_text(entered_at)
    )
}

pub async fn list(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Extension(office): Extension<Office>,
) -> Response {
    let id = office.id;
    match state.db(move |s| s.paper_entries(id, 500)).await {
        Ok(entries) => render(
            StatusCode::OK,
            &ListPage {
                page: AdminChrome::new(&session, Some(&office), "papier/lista", "Wprowadzone ankiety papierowe"),
                slug: office.slug.clone(),
                entries,
            },
        ),
        Err(e) => e.into_response(),
    }
}

async fn stored_paper(state: &AppState, office: &Office, id: String) -> Result<StoredResponse, Response> {
    let office_id = office.id;
    match state.db(move |s| s.stored_response(office_id, &id)).await {
        Ok(Some(stored)) if stored.response.channel == Channel::Paper => Ok(stored),
        Ok(_) => Err(admin_message(
            StatusCode::NOT_FOUND,
            "Nie znaleziono",
            "Nie ma takiej ankiety papierowej w tym urzędzie.",
        )),
        Err(e) => Err(e.into_response()),
    }
}

/// A stored paper sheet with the questionnaire version and departments it was typed against.
async fn stored_sheet(
    state: &AppState,
    office: &Office,
    id: String,
) -> Result<(StoredResponse, std::sync::Arc<Questionnaire>, Vec<(String, String)>), Response> {
    let stored = stored_paper(state, office, id).await?;
    let (q, departments) = sheet_context(state, office, Some(stored.response.questionnaire_version)).await?;
    Ok((stored, q, departments))
}

pub async fn correction_form(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Extension(office): Extension<Office>,
    Path(params): Path<std::collections::HashMap<String, String>>,
) -> Response {
    let id = params.get("id").cloned().unwrap_or_default();
    let (stored, q, departments) = match stored_sheet(&state, &office, id.clone()).await {
        Ok(v) => v,
        Err(page) => return page,
    };
    let values = q
        .questions()
        .filter_map(|(_, question)| {
            stored
                .response
                .answers
                .get(&question.key)
                .map(|a| (question.key.to_string(), paper_form::show(question, &departments, a)))
        })
        .collect();
    let typed = Typed {
        serial: stored.response.paper_serial.clone().unwrap_or_default(),
        date: stored.response.captured_at.format("%Y-%m-%d").to_string(),
        values,
    };
    let notice = stored.withdrawn_at.as_ref().map(|at| format!("Ta ankieta została wycofana {at} i nie jest liczona."));
    page(&session, &office, &q, &departments, &typed, id.clone(), &[], None, None, notice, Some(&id))
}

pub async fn save_correction(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Extension(office): Extension<Office>,
    Path(params): Path<std::collections::HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let id = params.get("id").cloned().unwrap_or_default();
    let (stored, q, departments) = match stored_sheet(&state, &office, id.clone()).await {
        Ok(v) => v,
        Err(page) => return page,
    };
    let typed = Typed::parse(&body);
    let (corrected, errors, serial_error, date_error) =
        read_sheet(&office, &q, &departments, &typed, stored.response.id);
    if !errors.is_empty() || serial_error.is_some() || date_error.is_some() {
        return page(
            &session,
            &office,
            &q,
            &departments,
            &typed,
            id.clone(),
            &errors,
            serial_error,
            date_error,
            None,
            Some(&id),
        );
    }
    let (office_id, actor) = (office.id, session.admin.login.clone());
    let saved = match state.db(move |s| Ok(ingest::correct_paper(s, office_id, &corrected, &actor))).await {
        Ok(saved) => saved,
        Err(e) => return e.into_response(),
    };
    match saved {
        Ok(Ok(())) => Redirect::to(&format!("/admin/urzad/{}/papier/lista", office.slug)).into_response(),
        Ok(Err(found)) => {
            let errors = by_question(&found);
            page(&session, &office, &q, &departments, &typed, id.clone(), &errors, None, None, None, Some(&id))
        }
        Err(StoreError::DuplicateSerial { serial, entered_at }) => {
            let error = Some(duplicate_serial(&serial, &entered_at));
            page(&session, &office, &q, &departments, &typed, id.clone(), &[], error, None, None, Some(&id))
        }
        Err(e) => AppError::from(e).into_response(),
    }
}

pub async fn withdraw(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Extension(office): Extension<Office>,
    Path(params): Path<std::collections::HashMap<String, String>>,
) -> Response {
    let id = params.get("id").cloned().unwrap_or_default();
    if let Err(page) = stored_paper(&state, &office, id.clone()).await {
        return page;
    }
    let (office_id, actor) = (office.id, session.admin.login.clone());
    match state.db(move |s| s.withdraw_response(office_id, &actor, &id)).await {
        Ok(_) => Redirect::to(&format!("/admin/urzad/{}/papier/lista", office.slug)).into_response(),
        Err(e) => e.into_response(),
    }
}
