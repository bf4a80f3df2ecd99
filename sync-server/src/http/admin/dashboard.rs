//! The dashboard of an office, and the operator's home: every office, new offices and their admins.

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use survey::Channel;

use super::view::AdminChrome;
use super::{admin_message, field, render};
use crate::http::AppState;
use crate::store::{NewAdmin, Office, Role, Session};
use crate::{input, password};

/// Reports older than this many days earn a warning: the ordinance asks for one at least yearly.
const REPORT_DUE_DAYS: i64 = 365;

#[derive(Template)]
#[template(path = "admin/dashboard.html")]
struct DashboardPage {
    page: AdminChrome,
    slug: String,
    by_channel: Vec<(&'static str, u64)>,
    total: u64,
    last_30_days: Vec<(String, u64)>,
    last_30_total: u64,
    last_report: Option<String>,
    report_warning: Option<String>,
    conflicts: u64,
    has_draft: bool,
    kiosks: Vec<super::kiosks::KioskRow>,
    /// Presses of button panels not counted as answers, by reason (in Polish).
    filtered: Vec<(String, u64)>,
}

#[derive(Template)]
#[template(path = "admin/offices.html")]
struct OfficesPage {
    page: AdminChrome,
    offices: Vec<(Office, Vec<String>)>,
    error: Option<String>,
    new_password: Option<(String, String)>,
}

/// `/admin/`: an office admin goes to their office; an operator sees every office.
pub async fn home(State(state): State<AppState>, Extension(session): Extension<Session>) -> Response {
    if session.admin.role == Role::OfficeAdmin {
        let office_id = session.admin.office_id;
        return match state.db(move |s| s.offices()).await {
            Ok(offices) => match offices.iter().find(|o| Some(o.id) == office_id) {
                Some(o) => Redirect::to(&format!("/admin/urzad/{}/pulpit", o.slug)).into_response(),
                None => {
                    admin_message(StatusCode::NOT_FOUND, "Brak urzędu", "Twoje konto nie jest przypisane do urzędu.")
                }
            },
            Err(e) => e.into_response(),
        };
    }
    offices_page(&state, &session, None, None, StatusCode::OK).await
}

pub(super) async fn offices_page(
    state: &AppState,
    session: &Session,
    error: Option<String>,
    new_password: Option<(String, String)>,
    status: StatusCode,
) -> Response {
    let offices = state
        .db(|s| s.offices()?.into_iter().map(|o| Ok((s.office_admins(o.id)?, o))).collect::<Result<Vec<_>, _>>())
        .await;
    match offices {
        Ok(offices) => render(
            status,
            &OfficesPage {
                page: AdminChrome::new(session, None, "urzedy", "Urzędy"),
                offices: offices.into_iter().map(|(admins, o)| (o, admins)).collect(),
                error,
                new_password,
            },
        ),
        Err(e) => e.into_response(),
    }
}

pub(super) fn operator_only(session: &Session) -> Option<Response> {
    (session.admin.role != Role::Operator).then(|| {
        admin_message(StatusCode::FORBIDDEN, "Brak uprawnień", "Urzędy i ich administratorów tworzy operator systemu.")
    })
}

pub async fn create_office(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    body: Bytes,
) -> Response {
    if let Some(refusal) = operator_only(&session) {
        return refusal;
    }
    let (slug, name) = (field(&body, "slug"), field(&body, "name"));
    let checked = input::slug(&slug).and_then(|slug| Ok((slug.to_owned(), input::office_name(&name)?.to_owned())));
    let (slug, name) = match checked {
        Ok(v) => v,
        Err(e) => {
            return offices_page(&state, &session, Some(e.to_string()), None, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let actor = session.admin.login.clone();
    let created = state
        .db(move |s| {
            let office = s.create_office(&slug, &name)?;
            s.audit(Some(office.id), &actor, "utworzenie urzędu", &office.slug)?;
            Ok(office)
        })
        .await;
    match created {
        Ok(_) => offices_page(&state, &session, None, None, StatusCode::OK).await,
        Err(e) => offices_page(&state, &session, Some(error_text(e)), None, StatusCode::UNPROCESSABLE_ENTITY).await,
    }
}

/// What the operator is told when an office or admin cannot be created: what the store said for a
/// duplicate name or a missing office, never the inside details of an internal error.
pub(super) fn error_text(e: crate::http::AppError) -> String {
    match e {
        crate::http::AppError::NotFound(m) | crate::http::AppError::Conflict(m) => m,
        other => other.failure().1.message,
    }
}

/// Creates an office admin with a generated password, shown once to the operator to pass on.
pub async fn create_admin(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    body: Bytes,
) -> Response {
    if let Some(refusal) = operator_only(&session) {
        return refusal;
    }
    let (slug, login) = (field(&body, "office"), field(&body, "login"));
    if let Err(e) = input::login(&login) {
        return offices_page(&state, &session, Some(e.to_string()), None, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let generated = password::generate();
    let hash = match tokio::task::spawn_blocking({
        let generated = generated.clone();
        move || password::hash(&generated)
    })
    .await
    {
        Ok(Ok(hash)) => hash,
        _ => return admin_message(StatusCode::INTERNAL_SERVER_ERROR, "Błąd", "Nie udało się utworzyć hasła."),
    };
    let (actor, new_login) = (session.admin.login.clone(), login.clone());
    let created = state
        .db(move |s| {
            let admin =
                s.create_admin(&NewAdmin { login: &new_login, password_hash: &hash, office_slug: Some(&slug) })?;
            s.audit(admin.office_id, &actor, "utworzenie administratora", &admin.login)
        })
        .await;
    match created {
        Ok(()) => offices_page(&state, &session, None, Some((login, generated)), StatusCode::OK).await,
        Err(e) => offices_page(&state, &session, Some(error_text(e)), None, StatusCode::UNPROCESSABLE_ENTITY).await,
    }
}

pub async fn office_dashboard(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Extension(office): Extension<Office>,
) -> Response {
    let (slug, id) = (office.slug.clone(), office.id);
    let loaded = state
        .db(move |s| {
            Ok((
                s.response_counts(&slug)?,
                s.daily_counts(id, 30)?,
                s.last_report_at(id)?,
                s.conflict_count()?,
                s.draft(id)?,
                s.devices(id)?,
                s.filtered_counts(id)?,
            ))
        })
        .await;
    let (by_channel, days, last_report, conflicts, draft, devices, filtered) = match loaded {
        Ok(v) => v,
        Err(e) => return e.into_response(),
    };
    let report_warning = match &last_report {
        None => Some(
            "Nie wygenerowano jeszcze żadnego raportu. Zarządzenie wymaga raportu co najmniej raz w roku.".to_owned(),
        ),
        Some(at) => chrono::DateTime::parse_from_rfc3339(at).ok().and_then(|t| {
            let days = chrono::Utc::now().signed_duration_since(t).num_days();
            (days > REPORT_DUE_DAYS).then(|| {
                format!(
                    "Ostatni raport ma {days} dni. Zarządzenie wymaga raportu co najmniej raz w roku – wygeneruj nowy."
                )
            })
        }),
    };
    let by_channel: Vec<(&'static str, u64)> =
        by_channel.into_iter().map(|(c, n): (Channel, u64)| (c.label_pl(), n)).collect();
    render(
        StatusCode::OK,
        &DashboardPage {
            page: AdminChrome::new(&session, Some(&office), "pulpit", "Pulpit"),
            slug: office.slug.clone(),
            total: by_channel.iter().map(|(_, n)| n).sum(),
            by_channel,
            last_30_total: days.iter().map(|(_, n)| n).sum(),
            last_30_days: days,
            last_report,
            report_warning,
            conflicts,
            has_draft: draft.is_some(),
            kiosks: devices.into_iter().filter(|d| d.revoked_at.is_none()).map(super::kiosks::describe).collect(),
            filtered: filtered
                .iter()
                .map(|(reason, n)| (crate::documents::report_figures::filtered_reason_label(reason).to_owned(), *n))
                .collect(),
        },
    )
}
