//! The dashboard of an office, and the operator's home: every office, new offices and their admins.

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Datelike;
use survey::scoring::RatingStats;

use super::dashboard_view::{self, Headline, MonthChannels, whole_office};
use super::view::AdminChrome;
use super::{admin_message, field, render};
use crate::http::AppState;
use crate::store::{Office, Role, Session};
use crate::{input, password};
// Askama looks the templates' `|local_time` filter up as `filters::…` in this module.
use crate::local_time::filters;

/// Reports older than this many days earn a warning: the ordinance asks for one at least yearly.
const REPORT_DUE_DAYS: i64 = 365;

#[derive(Template)]
#[template(path = "admin/dashboard.html")]
struct DashboardPage {
    page: AdminChrome,
    slug: String,
    headline: Headline,
    this_month: MonthChannels,
    /// The trend chart (SVG) and the same numbers as (month, index as text, answers).
    trend_svg: String,
    trend_rows: Vec<(String, String, u64)>,
    /// Answers ever, all channels (withdrawn ones not counted).
    total: u64,
    /// The latest comments: (when, in office time; text).
    comments: Vec<(String, String)>,
    last_report: Option<String>,
    report_warning: Option<String>,
    conflicts: u64,
    has_draft: bool,
    /// Kiosks that need attention (silent, or never heard from since pairing), and how many there are.
    kiosks_attention: Vec<super::kiosks::KioskRow>,
    kiosk_count: usize,
    overdue_actions: Vec<OverdueAction>,
    /// Presses of button panels not counted as answers, by reason (in Polish).
    filtered: Vec<(String, u64)>,
}

/// How many of the latest comments the dashboard shows; the rest are on the comments page.
const LATEST_COMMENTS: u32 = 3;

/// A corrective action past its deadline, as the dashboard lists it.
pub struct OverdueAction {
    pub what: String,
    pub who: String,
    /// The deadline as a person reads it ("1 grudnia 2026").
    pub deadline: String,
}

/// The office's corrective actions past their deadline (not done or dropped by the office's today).
fn overdue_actions(
    store: &crate::store::Store,
    office_id: i64,
) -> Result<Vec<OverdueAction>, crate::store::StoreError> {
    let overdue = store.overdue_actions(office_id, crate::local_time::today())?;
    Ok(overdue
        .into_iter()
        .map(|a| OverdueAction {
            what: a.input.what,
            who: a.input.responsible,
            deadline: crate::local_time::date_pl(a.input.deadline),
        })
        .collect())
}

#[derive(Template)]
#[template(path = "admin/offices.html")]
struct OfficesPage {
    page: AdminChrome,
    offices: Vec<(Office, Vec<String>)>,
    error: Option<String>,
    new_password: Option<(String, String)>,
}

/// `/admin/`: an office's account goes to the first page of their office its role may use (the
/// dashboard, or for paper entry the sheet form); an operator sees every office.
pub async fn home(State(state): State<AppState>, Extension(session): Extension<Session>) -> Response {
    if session.admin.role != Role::Operator {
        let office_id = session.admin.office_id;
        let page = if super::access::allows(session.admin.role, &Method::GET, "/admin/urzad/{slug}/pulpit") {
            "pulpit"
        } else {
            "papier"
        };
        return match state.db(move |s| s.offices()).await {
            Ok(offices) => match offices.iter().find(|o| Some(o.id) == office_id) {
                Some(o) => Redirect::to(&format!("/admin/urzad/{}/{page}", o.slug)).into_response(),
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

pub async fn create_office(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    body: Bytes,
) -> Response {
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

/// Creates an office admin with a generated password, shown once to the operator to pass on and changed
/// by its owner at the first login. (Only the operator gets here: see `access::ROUTES`.)
pub async fn create_admin(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    body: Bytes,
) -> Response {
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
    let (actor, new_login) = (session.admin.clone(), login.clone());
    let created = state
        .db(move |s| {
            let office = s.office(&slug)?;
            s.create_account(&actor, &office, &new_login, Role::OfficeAdmin, &hash)
        })
        .await;
    match created {
        Ok(_) => offices_page(&state, &session, None, Some((login, generated)), StatusCode::OK).await,
        Err(e) => offices_page(&state, &session, Some(error_text(e)), None, StatusCode::UNPROCESSABLE_ENTITY).await,
    }
}

pub async fn office_dashboard(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Extension(office): Extension<Office>,
) -> Response {
    let (slug, id, threshold) = (office.slug.clone(), office.id, state.suppression_threshold);
    let today = crate::local_time::local(chrono::Utc::now()).date();
    let loaded = state
        .db(move |s| {
            let overall_key = s.current_questionnaire(&slug)?.overall_question.clone();
            let overall = overall_key.to_string();
            let ((from, to), previous) = dashboard_view::periods(today);
            // The trend's twelve months hold this year's every month too: the year so far is summed from them.
            let trend = s.period_counts(&whole_office(id, (dashboard_view::trend_start(today), today)), &overall)?;
            let before = s.period_counts(&whole_office(id, previous), &overall)?;
            let month = s.period_counts(&whole_office(id, (today.with_day(1).unwrap_or(today), today)), &overall)?;
            let mut now = RatingStats::default();
            for (m, stats) in &trend.overall_by_month {
                if m.as_str() >= from.format("%Y-%m").to_string().as_str() {
                    now.merge(stats);
                }
            }
            let before = before.items.get(&overall_key).cloned().unwrap_or_default();
            let comments =
                s.period_comments(&whole_office(id, (dashboard_view::trend_start(today), today)), LATEST_COMMENTS)?;
            Ok(Loaded {
                headline: dashboard_view::headline(((from, to), previous), &now, &before, threshold),
                this_month: dashboard_view::month_channels(today, &month.by_channel),
                trend: dashboard_view::trend(dashboard_view::trend_start(today), &trend.overall_by_month, threshold),
                total: s.response_counts(&slug)?.iter().map(|(_, n)| n).sum(),
                comments: comments
                    .into_iter()
                    .map(|(at, _, text)| (crate::local_time::human_text(&at), text))
                    .collect(),
                last_report: s.last_report_at(id)?,
                conflicts: s.conflict_count()?,
                has_draft: s.draft(id)?.is_some(),
                devices: s.devices(id)?,
                filtered: s.filtered_counts(id)?,
                overdue_actions: overdue_actions(s, id)?,
            })
        })
        .await;
    let l = match loaded {
        Ok(v) => v,
        Err(e) => return e.into_response(),
    };
    let report_warning = match &l.last_report {
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
    let kiosks: Vec<_> =
        l.devices.into_iter().filter(|d| d.revoked_at.is_none()).map(super::kiosks::describe).collect();
    let kiosk_count = kiosks.len();
    render(
        StatusCode::OK,
        &DashboardPage {
            page: AdminChrome::new(&session, Some(&office), "pulpit", "Pulpit"),
            slug: office.slug.clone(),
            trend_svg: dashboard_view::trend_chart(&l.trend).to_svg(
                "Indeks ogólnej oceny obsługi (0–100) w ostatnich 12 miesiącach",
                &dashboard_view::trend_description(&l.trend),
            ),
            trend_rows: l.trend.iter().map(|p| (p.month.clone(), dashboard_view::index_text(p.index), p.n)).collect(),
            headline: l.headline,
            this_month: l.this_month,
            total: l.total,
            comments: l.comments,
            last_report: l.last_report,
            report_warning,
            conflicts: l.conflicts,
            has_draft: l.has_draft,
            kiosks_attention: kiosks.into_iter().filter(|k| k.silent).collect(),
            kiosk_count,
            overdue_actions: l.overdue_actions,
            filtered: l
                .filtered
                .iter()
                .map(|(reason, n)| (crate::documents::report_figures::filtered_reason_label(reason).to_owned(), *n))
                .collect(),
        },
    )
}

/// What the dashboard reads from the database, in one go.
struct Loaded {
    headline: Headline,
    this_month: MonthChannels,
    trend: Vec<dashboard_view::Point>,
    total: u64,
    comments: Vec<(String, String)>,
    last_report: Option<String>,
    conflicts: u64,
    has_draft: bool,
    devices: Vec<crate::store::Device>,
    filtered: Vec<(String, u64)>,
    overdue_actions: Vec<OverdueAction>,
}
