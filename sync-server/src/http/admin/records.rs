//! What the office keeps: the audit log, the archive of reports, and the free-text comments (with
//! redaction of personal data).

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use survey::QuestionKey;

use super::view::AdminChrome;
use super::{admin_message, field, render};
use crate::http::{AppError, AppState};
use crate::store::{ArchivedReport, AuditEntry, Comment, Office, Session, StoreError};
// Askama looks the templates' `|local_time` filter up as `filters::…` in this module.
use crate::local_time::filters;

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    page: AdminChrome,
    entries: Vec<AuditEntry>,
}

#[derive(Template)]
#[template(path = "admin/reports.html")]
struct ReportsPage {
    page: AdminChrome,
    slug: String,
    reports: Vec<ArchivedReport>,
}

#[derive(Template)]
#[template(path = "admin/report.html")]
struct ReportPage {
    page: AdminChrome,
    slug: String,
    /// The figures as a report, when they are in the current format (older archives show them raw).
    parsed: Option<crate::documents::report_figures::Report>,
    report: ArchivedReport,
    /// Whether its public version is published, and how many corrective actions it has.
    published: bool,
    actions: usize,
}

#[derive(Template)]
#[template(path = "admin/comments.html")]
struct CommentsPage {
    page: AdminChrome,
    slug: String,
    comments: Vec<Comment>,
}

pub async fn audit_log(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Extension(office): Extension<Office>,
) -> Response {
    let id = office.id;
    match state.db(move |s| s.audit_log(id, 1000)).await {
        Ok(entries) => render(
            StatusCode::OK,
            &AuditPage { page: AdminChrome::new(&session, Some(&office), "dziennik", "Dziennik zdarzeń"), entries },
        ),
        Err(e) => e.into_response(),
    }
}

pub async fn reports(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Extension(office): Extension<Office>,
) -> Response {
    let id = office.id;
    match state.db(move |s| s.reports(id)).await {
        Ok(reports) => render(
            StatusCode::OK,
            &ReportsPage {
                page: AdminChrome::new(&session, Some(&office), "raporty", "Raporty"),
                slug: office.slug.clone(),
                reports,
            },
        ),
        Err(e) => e.into_response(),
    }
}

pub async fn report(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Extension(office): Extension<Office>,
    Path(params): Path<std::collections::HashMap<String, String>>,
) -> Response {
    let wanted: i64 = params.get("id").and_then(|id| id.parse().ok()).unwrap_or(0);
    let id = office.id;
    let found = state
        .db(move |s| {
            let report = s.archived_report(id, wanted)?;
            Ok((report, s.publication(id, wanted)?.is_some(), s.report_actions(id, wanted)?.len()))
        })
        .await;
    match found {
        Ok((report, published, actions)) => match report {
            Some(report) => {
                let title = format!("Raport nr {}", report.id);
                let parsed = serde_json::from_str(&report.figures).ok();
                let page = AdminChrome::new(&session, Some(&office), "raporty", &title);
                render(
                    StatusCode::OK,
                    &ReportPage { page, slug: office.slug.clone(), parsed, report, published, actions },
                )
            }
            None => super::view::no_archived_report(),
        },
        Err(e) => e.into_response(),
    }
}

/// An archived report's PDF, exactly as archived.
pub async fn report_pdf(
    State(state): State<AppState>,
    Extension(office): Extension<Office>,
    Path(params): Path<std::collections::HashMap<String, String>>,
) -> Response {
    let Some(wanted) = super::view::path_id(&params) else { return super::view::no_archived_report() };
    let id = office.id;
    match state.db(move |s| s.report_pdf(id, wanted)).await {
        Ok(Some(pdf)) => super::view::pdf_response(pdf, &format!("raport-{}-nr-{wanted}.pdf", office.slug)),
        Ok(None) => admin_message(StatusCode::NOT_FOUND, "Nie znaleziono", "Ten raport nie ma zapisanego pliku PDF."),
        Err(e) => e.into_response(),
    }
}

async fn comments_page(state: &AppState, session: &Session, office: &Office, notice: Option<String>) -> Response {
    let id = office.id;
    match state.db(move |s| s.comments(id, 500)).await {
        Ok(comments) => render(
            StatusCode::OK,
            &CommentsPage {
                page: AdminChrome::new(session, Some(office), "uwagi", "Uwagi mieszkańców").with_notice(notice),
                slug: office.slug.clone(),
                comments,
            },
        ),
        Err(e) => e.into_response(),
    }
}

pub async fn comments(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Extension(office): Extension<Office>,
) -> Response {
    comments_page(&state, &session, &office, None).await
}

/// Replaces a comment with the redacted text the admin typed (e.g. a name replaced by "[usunięto]").
pub async fn redact(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Extension(office): Extension<Office>,
    body: Bytes,
) -> Response {
    let (response_id, key, text) = (field(&body, "response"), field(&body, "key"), field(&body, "text"));
    let Ok(key) = QuestionKey::parse(&key) else {
        return admin_message(StatusCode::BAD_REQUEST, "Błędne dane", "Nieznane pytanie.");
    };
    let text = if text.trim().is_empty() { "[usunięto]".to_owned() } else { text.trim().replace("\r\n", "\n") };
    let (id, actor) = (office.id, session.admin.login.clone());
    // The store's own error is kept: one of them means the change is made but not yet complete.
    match state.db(move |s| Ok(s.redact_comment(id, &actor, &response_id, &key, &text))).await {
        Ok(Ok(true)) => {
            comments_page(
                &state,
                &session,
                &office,
                Some("Komentarz zanonimizowany; pierwotna treść nie jest nigdzie przechowywana.".into()),
            )
            .await
        }
        Ok(Ok(false)) => {
            admin_message(StatusCode::NOT_FOUND, "Nie znaleziono", "Nie ma takiego komentarza w tym urzędzie.")
        }
        Ok(Err(StoreError::LogNotEmptied)) => admin_message(
            StatusCode::SERVICE_UNAVAILABLE,
            "Anonimizacja niedokończona",
            "Komentarz zmieniono w bazie, ale pierwotna treść mogła jeszcze zostać w dzienniku zapisu bazy, bo serwer był w tej chwili zajęty odczytami. Ponów anonimizację za chwilę (ten sam formularz); dopiero komunikat o powodzeniu oznacza, że treści nie ma nigdzie.",
        ),
        Ok(Err(e)) => AppError::from(e).into_response(),
        Err(e) => e.into_response(),
    }
}
