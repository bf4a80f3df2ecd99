//! "Działania naprawcze": from an archived report's conclusions the admin records actions (what, who is
//! responsible, the deadline, the status, notes) and changes them later. The store writes each change
//! with its audit log line in one transaction; a form with a mistake comes back with everything typed.

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::view::{AdminChrome, no_archived_report, path_id};
use super::{admin_message, field, render};
use crate::http::AppState;
use crate::store::{ActionInput, ActionStatus, ArchivedReport, CorrectiveAction, Office, Session};

/// Longest description of an action.
pub const WHAT_MAX_CHARS: usize = 500;
/// Longest name of whoever is responsible.
pub const RESPONSIBLE_MAX_CHARS: usize = 200;
/// Longest notes.
pub const NOTES_MAX_CHARS: usize = 2000;

/// The action form as typed, and what is wrong with each field.
#[derive(Debug, Clone)]
pub struct ActionForm {
    pub what: String,
    pub responsible: String,
    pub deadline: String,
    pub status: String,
    pub notes: String,
    pub errors: Vec<(&'static str, String)>,
}

impl Default for ActionForm {
    fn default() -> Self {
        ActionForm {
            what: String::new(),
            responsible: String::new(),
            deadline: String::new(),
            status: ActionStatus::Planned.as_str().to_owned(),
            notes: String::new(),
            errors: Vec::new(),
        }
    }
}

impl ActionForm {
    /// Reads the posted form.
    pub fn parse(body: &[u8]) -> (ActionForm, Option<ActionInput>) {
        let mut form = ActionForm {
            what: field(body, "co"),
            responsible: field(body, "kto"),
            deadline: field(body, "termin"),
            status: field(body, "status"),
            notes: field(body, "uwagi"),
            errors: Vec::new(),
        };
        // Checked in the order of the form, so the error summary reads top to bottom.
        let mut errors = Vec::new();
        let mut check = |name: &'static str, result: Result<String, crate::input::InputError>| {
            result.map_err(|e| errors.push((name, e.0))).ok()
        };
        let what = check("co", crate::input::required_line(&form.what, "co trzeba zrobić", WHAT_MAX_CHARS));
        let responsible =
            check("kto", crate::input::required_line(&form.responsible, "kto odpowiada", RESPONSIBLE_MAX_CHARS));
        let deadline = crate::input::day(&form.deadline, "termin").map_err(|e| errors.push(("termin", e.0))).ok();
        let status = ActionStatus::parse(&form.status);
        if status.is_none() {
            errors.push(("status-planned", "wybierz status działania".into()));
        }
        let notes =
            crate::input::notes(&form.notes, "uwagi", NOTES_MAX_CHARS).map_err(|e| errors.push(("uwagi", e.0))).ok();
        form.errors = errors;
        let input = match (what, responsible, deadline, status, notes) {
            (Some(what), Some(responsible), Some(deadline), Some(status), Some(notes)) => {
                Some(ActionInput { what, responsible, deadline, status, notes })
            }
            _ => None,
        };
        (form, input)
    }

    fn of(action: &CorrectiveAction) -> ActionForm {
        let a = &action.input;
        ActionForm {
            what: a.what.clone(),
            responsible: a.responsible.clone(),
            deadline: a.deadline.to_string(),
            status: a.status.as_str().to_owned(),
            notes: a.notes.clone(),
            errors: Vec::new(),
        }
    }

    /// The error of field `name`, if any.
    pub fn error(&self, name: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| *f == name).map(|(_, m)| m.as_str())
    }
}

/// A status choice of the form.
pub struct StatusChoice {
    pub value: &'static str,
    pub label: &'static str,
    pub checked: bool,
}

fn statuses(form: &ActionForm) -> Vec<StatusChoice> {
    ActionStatus::ALL
        .iter()
        .map(|s| StatusChoice { value: s.as_str(), label: s.label_pl(), checked: form.status == s.as_str() })
        .collect()
}

/// An action as listed.
pub struct ActionRow {
    pub id: i64,
    pub what: String,
    pub responsible: String,
    pub deadline: String,
    pub status: &'static str,
    pub overdue: bool,
    pub notes: String,
}

#[derive(Template)]
#[template(path = "admin/actions.html")]
struct ActionsPage {
    page: AdminChrome,
    slug: String,
    report: ArchivedReport,
    actions: Vec<ActionRow>,
    form: ActionForm,
    statuses: Vec<StatusChoice>,
}

#[derive(Template)]
#[template(path = "admin/action_edit.html")]
struct EditPage {
    page: AdminChrome,
    slug: String,
    id: i64,
    report_id: i64,
    form: ActionForm,
    statuses: Vec<StatusChoice>,
}

fn no_action() -> Response {
    admin_message(StatusCode::NOT_FOUND, "Nie znaleziono", "Nie ma takiego działania naprawczego w tym urzędzie.")
}

async fn show(
    state: &AppState,
    session: &Session,
    office: &Office,
    report_id: i64,
    form: Option<ActionForm>,
    notice: Option<String>,
) -> Response {
    let office_id = office.id;
    let found = state
        .db(move |s| Ok((s.archived_report(office_id, report_id)?, s.report_actions(office_id, report_id)?)))
        .await;
    let (report, actions) = match found {
        Ok((Some(report), actions)) => (report, actions),
        Ok((None, _)) => return no_archived_report(),
        Err(e) => return e.into_response(),
    };
    let status = if form.as_ref().is_some_and(|f| !f.errors.is_empty()) {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let form = form.unwrap_or_default();
    let today = crate::local_time::today();
    let title = format!("Działania naprawcze – raport nr {report_id}");
    let page = ActionsPage {
        page: AdminChrome::new(session, Some(office), "raporty", &title)
            .with_notice(notice)
            .with_help("08-raporty#dzialania-naprawcze"),
        slug: office.slug.clone(),
        report,
        actions: actions
            .iter()
            .map(|a| ActionRow {
                id: a.id,
                what: a.input.what.clone(),
                responsible: a.input.responsible.clone(),
                deadline: crate::local_time::date_pl(a.input.deadline),
                status: a.input.status.label_pl(),
                overdue: a.is_overdue(today),
                notes: a.input.notes.clone(),
            })
            .collect(),
        statuses: statuses(&form),
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
    let Some(report_id) = path_id(&params) else { return no_archived_report() };
    let query = query.unwrap_or_default();
    let notice = form_urlencoded::parse(query.as_bytes()).find_map(|(k, v)| match k.as_ref() {
        "dodano" => Some(format!("Zapisano działanie nr {v}.")),
        "zmieniono" => Some(format!("Zapisano zmiany działania nr {v}.")),
        _ => None,
    });
    show(&state, &session, &office, report_id, None, notice).await
}

/// Records a new action of the report; the form comes back with its errors when something is wrong.
pub async fn add(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Extension(office): Extension<Office>,
    Path(params): Path<std::collections::HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let Some(report_id) = path_id(&params) else { return no_archived_report() };
    let (form, input) = ActionForm::parse(&body);
    let Some(input) = input else {
        return show(&state, &session, &office, report_id, Some(form), None).await;
    };
    let (office_id, actor) = (office.id, session.admin.login.clone());
    let today = crate::local_time::today();
    match state.db(move |s| s.add_action(office_id, report_id, &actor, &input, today)).await {
        Ok(Some(id)) => {
            Redirect::to(&format!("/admin/urzad/{}/raporty/{report_id}/dzialania?dodano={id}", office.slug))
                .into_response()
        }
        Ok(None) => no_archived_report(),
        Err(e) => e.into_response(),
    }
}

async fn edit_page(
    state: &AppState,
    session: &Session,
    office: &Office,
    id: i64,
    form: Option<ActionForm>,
) -> Response {
    let office_id = office.id;
    let action = match state.db(move |s| s.action(office_id, id)).await {
        Ok(Some(action)) => action,
        Ok(None) => return no_action(),
        Err(e) => return e.into_response(),
    };
    let status = if form.as_ref().is_some_and(|f| !f.errors.is_empty()) {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let form = form.unwrap_or_else(|| ActionForm::of(&action));
    let page = EditPage {
        page: AdminChrome::new(session, Some(office), "raporty", &format!("Działanie naprawcze nr {id}"))
            .with_help("08-raporty#dzialania-naprawcze"),
        slug: office.slug.clone(),
        id,
        report_id: action.report_id,
        statuses: statuses(&form),
        form,
    };
    render(status, &page)
}

pub async fn edit_form(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Extension(office): Extension<Office>,
    Path(params): Path<std::collections::HashMap<String, String>>,
) -> Response {
    let Some(id) = path_id(&params) else { return no_action() };
    edit_page(&state, &session, &office, id, None).await
}

/// Saves the changed action; the form comes back with its errors when something is wrong.
pub async fn save(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Extension(office): Extension<Office>,
    Path(params): Path<std::collections::HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let Some(id) = path_id(&params) else { return no_action() };
    let (form, input) = ActionForm::parse(&body);
    let Some(input) = input else {
        return edit_page(&state, &session, &office, id, Some(form)).await;
    };
    let (office_id, actor) = (office.id, session.admin.login.clone());
    let today = crate::local_time::today();
    let saved = state
        .db(move |s| {
            if !s.update_action(office_id, id, &actor, &input, today)? {
                return Ok(None);
            }
            Ok(s.action(office_id, id)?.map(|a| a.report_id))
        })
        .await;
    match saved {
        Ok(Some(report_id)) => {
            Redirect::to(&format!("/admin/urzad/{}/raporty/{report_id}/dzialania?zmieniono={id}", office.slug))
                .into_response()
        }
        Ok(None) => no_action(),
        Err(e) => e.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_action_is_checked_field_by_field_and_kept_as_typed() {
        let (form, input) = ActionForm::parse(
            "co=Tablica+informacyjna+przy+wej%C5%9Bciu&kto=Referat+Organizacyjny&termin=2026-06-30&status=in_progress&uwagi=zam%C3%B3wiona".as_bytes(),
        );
        assert!(form.errors.is_empty(), "{:?}", form.errors);
        let input = input.unwrap();
        assert_eq!(input.what, "Tablica informacyjna przy wejściu");
        assert_eq!(input.status, ActionStatus::InProgress);
        assert_eq!(input.deadline.to_string(), "2026-06-30");

        let long = "x".repeat(WHAT_MAX_CHARS + 1);
        let (form, none) =
            ActionForm::parse(format!("co={long}&kto=&termin=30.06.2026&status=zrobione&uwagi=").as_bytes());
        assert!(none.is_none());
        assert_eq!(form.what, long, "what was typed is kept");
        assert_eq!(form.deadline, "30.06.2026");
        assert!(form.error("co").unwrap().contains("najwyżej 500 znaków"));
        assert_eq!(form.error("kto"), Some("wpisz: kto odpowiada"));
        assert!(form.error("termin").unwrap().contains("RRRR-MM-DD"));
        assert_eq!(form.error("status-planned"), Some("wybierz status działania"));
        assert_eq!(form.error("uwagi"), None);
    }
}
