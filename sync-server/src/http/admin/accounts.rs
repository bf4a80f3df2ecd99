//! The accounts of an office ("Konta"): its administrator (or the operator) creates accounts with a role
//! and a generated password, disables and enables them, deletes them and resets their passwords. The
//! store refuses one's own account and the office's last administrator; who may come here at all is
//! decided by `access::ROUTES`.

use std::collections::HashMap;

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::view::AdminChrome;
use super::{field, render};
use crate::http::{AppError, AppState};
use crate::local_time;
use crate::store::{AccountChange, Admin, Office, Role, Session};
use crate::{input, password};

/// An account as the page lists it.
pub struct AccountRow {
    pub id: i64,
    pub login: String,
    pub role: &'static str,
    pub created: String,
    /// "czynne", "wyłączone od …", or "czeka na zmianę hasła".
    pub state: String,
    pub enabled: bool,
    /// The account of whoever looks at the page: no buttons to lock oneself out.
    pub own: bool,
}

#[derive(Template)]
#[template(path = "admin/accounts.html")]
struct AccountsPage {
    page: AdminChrome,
    slug: String,
    accounts: Vec<AccountRow>,
    roles: Vec<(&'static str, &'static str)>,
    error: Option<String>,
    /// A generated password, shown this once: (login, password).
    new_password: Option<(String, String)>,
}

fn row(account: Admin, viewer: &Admin) -> AccountRow {
    let state = match (&account.disabled_at, account.must_change_password) {
        (Some(at), _) => format!("wyłączone od {}", local_time::human_text(at)),
        (None, true) => "czynne, czeka na zmianę hasła".to_owned(),
        (None, false) => "czynne".to_owned(),
    };
    AccountRow {
        id: account.id,
        own: account.id == viewer.id,
        enabled: account.disabled_at.is_none(),
        role: account.role.label(),
        created: local_time::human_text(&account.created_at),
        login: account.login,
        state,
    }
}

/// The page, with an error or a password shown once, and the status that goes with it.
async fn show(
    state: &AppState,
    session: &Session,
    office: &Office,
    error: Option<String>,
    new_password: Option<(String, String)>,
    status: StatusCode,
) -> Response {
    let id = office.id;
    match state.db(move |s| s.office_accounts(id)).await {
        Ok(accounts) => render(
            status,
            &AccountsPage {
                page: AdminChrome::new(session, Some(office), "konta", "Konta"),
                slug: office.slug.clone(),
                accounts: accounts.into_iter().map(|a| row(a, &session.admin)).collect(),
                roles: Role::OFFICE.iter().map(|r| (r.as_str(), r.label())).collect(),
                error,
                new_password,
            },
        ),
        Err(e) => e.into_response(),
    }
}

pub async fn page(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Extension(office): Extension<Office>,
) -> Response {
    show(&state, &session, &office, None, None, StatusCode::OK).await
}

/// A generated password and its hash (hashing takes a while: off the async threads).
async fn generated_password() -> Result<(String, String), Response> {
    let generated = password::generate();
    let for_hash = generated.clone();
    match tokio::task::spawn_blocking(move || password::hash(&for_hash)).await {
        Ok(Ok(hash)) => Ok((generated, hash)),
        _ => Err(AppError::Internal("nie udało się zabezpieczyć hasła".into()).into_response()),
    }
}

/// What the page says about a failed change: the store's words for a clash or a missing account, the
/// general message for anything else.
fn error_text(e: AppError) -> String {
    match e {
        AppError::NotFound(m) | AppError::Conflict(m) => m,
        other => other.failure().1.message,
    }
}

pub async fn create(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Extension(office): Extension<Office>,
    body: Bytes,
) -> Response {
    let (login, role) = (field(&body, "login").trim().to_owned(), field(&body, "role"));
    let refuse =
        |message: String| show(&state, &session, &office, Some(message), None, StatusCode::UNPROCESSABLE_ENTITY);
    if let Err(e) = input::login(&login) {
        return refuse(format!("Konto nie zostało utworzone: {e}.")).await;
    }
    let Some(role) = Role::parse(&role).filter(|r| Role::OFFICE.contains(r)) else {
        return refuse("Konto nie zostało utworzone: wybierz rolę z listy.".into()).await;
    };
    let (generated, hash) = match generated_password().await {
        Ok(v) => v,
        Err(response) => return response,
    };
    let (actor, o, new_login) = (session.admin.clone(), office.clone(), login.clone());
    match state.db(move |s| s.create_account(&actor, &o, &new_login, role, &hash)).await {
        Ok(_) => show(&state, &session, &office, None, Some((login, generated)), StatusCode::OK).await,
        Err(e @ AppError::Conflict(_)) => {
            show(&state, &session, &office, Some(error_text(e)), None, StatusCode::CONFLICT).await
        }
        Err(e) => e.into_response(),
    }
}

/// Carries out one change of the account in the address and shows the page again.
async fn change(
    state: AppState,
    session: Session,
    office: Office,
    params: HashMap<String, String>,
    change: AccountChange,
    generated: Option<String>,
) -> Response {
    let Some(account_id) = params.get("id").and_then(|v| v.parse::<i64>().ok()) else {
        return AppError::NotFound("Nie ma takiego konta w tym urzędzie.".into()).into_response();
    };
    let (actor, office_id) = (session.admin.clone(), office.id);
    let changed = state.db(move |s| s.change_account(&actor, office_id, account_id, change)).await;
    match changed {
        Ok(Ok(account)) => {
            let shown = generated.map(|password| (account.login, password));
            show(&state, &session, &office, None, shown, StatusCode::OK).await
        }
        Ok(Err(refusal)) => {
            show(&state, &session, &office, Some(refusal.message().to_owned()), None, StatusCode::CONFLICT).await
        }
        Err(e) => e.into_response(),
    }
}

pub async fn disable(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Extension(office): Extension<Office>,
    Path(params): Path<HashMap<String, String>>,
) -> Response {
    change(state, session, office, params, AccountChange::Disable, None).await
}

pub async fn enable(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Extension(office): Extension<Office>,
    Path(params): Path<HashMap<String, String>>,
) -> Response {
    change(state, session, office, params, AccountChange::Enable, None).await
}

pub async fn delete(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Extension(office): Extension<Office>,
    Path(params): Path<HashMap<String, String>>,
) -> Response {
    change(state, session, office, params, AccountChange::Delete, None).await
}

/// A one-time password for the account, shown once; its owner must change it at the next login.
pub async fn reset_password(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Extension(office): Extension<Office>,
    Path(params): Path<HashMap<String, String>>,
) -> Response {
    let (generated, hash) = match generated_password().await {
        Ok(v) => v,
        Err(response) => return response,
    };
    change(state, session, office, params, AccountChange::ResetPassword(hash), Some(generated)).await
}
