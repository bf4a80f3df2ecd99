//! Logging in and out, and changing one's password (which a generated password must be, before anything
//! else: see `access::require_permission`).
//!
//! The login form is the one form anyone may send, so what it carries is checked before it is used: a
//! login that cannot be one (too long, other characters — a password typed into the wrong field, say) is
//! never looked up, remembered or logged; a well-formed login that names no account is logged as
//! [`UNKNOWN_LOGIN`], not as typed.

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use super::view::AdminChrome;
use super::{SESSION_COOKIE, admin_message, field, render, session_token};
use crate::http::AppState;
use crate::store::Session;
use crate::{input, password};

#[derive(Template)]
#[template(path = "admin/login.html")]
struct LoginPage {
    login: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/password.html")]
struct PasswordPage {
    page: AdminChrome,
    error: Option<String>,
    /// The password was generated and must be changed before the panel opens.
    forced: bool,
}

/// What the audit log says instead of a login that names no account (or cannot be one).
pub const UNKNOWN_LOGIN: &str = "(nieznany login)";

/// The message of a refused login; it does not say whether the login exists.
const WRONG: &str = "Nieprawidłowy login lub hasło.";

/// The session cookie: only for the panel, never readable by scripts, never sent by other sites; `Secure`
/// when the server is reached over HTTPS (behind a TLS proxy that says so).
fn session_cookie(token: &str, max_age: i64, headers: &HeaderMap) -> Option<HeaderValue> {
    let https = headers.get("x-forwarded-proto").is_some_and(|v| v == "https");
    let secure = if https { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={token}; Path=/admin; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
    ))
    .ok()
}

pub async fn login_form(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = session_token(&headers)
        && let Ok(Some(_)) = state.db(move |s| s.session(&token)).await
    {
        return Redirect::to("/admin/").into_response();
    }
    render(StatusCode::OK, &LoginPage { login: String::new(), error: None })
}

pub async fn login(State(state): State<AppState>, headers: HeaderMap, body: Result<Bytes, BytesRejection>) -> Response {
    if crate::http::cross_site::is_cross_site(&headers) {
        return admin_message(StatusCode::FORBIDDEN, "Odmowa", "Logowanie z innej witryny jest niedozwolone.");
    }
    let refuse = |status, error: String, login: String| render(status, &LoginPage { login, error: Some(error) });
    let body = match body {
        Ok(body) => body,
        Err(rejection) => {
            return refuse(
                rejection.status(),
                "Formularz logowania jest nieprawidłowy lub zbyt obszerny.".into(),
                String::new(),
            );
        }
    };
    let login = field(&body, "login").trim().to_owned();
    let given = field(&body, "password");

    if !input::could_be_login(&login) {
        // Not even shown back: it may be a password typed into the wrong field. Such tries are throttled
        // together, so that they cannot fill the log faster than failures on real logins.
        if let Err(refusal) = state.logins.check(UNKNOWN_LOGIN) {
            return refuse(StatusCode::TOO_MANY_REQUESTS, refusal.message(), String::new());
        }
        state.logins.failed(UNKNOWN_LOGIN);
        let _ = state.db(|s| s.audit(None, UNKNOWN_LOGIN, "nieudane logowanie", "login w niedozwolonej postaci")).await;
        return refuse(
            StatusCode::UNAUTHORIZED,
            format!("{WRONG} Login ma od 3 do 64 znaków: litery bez polskich znaków, cyfry oraz . _ - @."),
            String::new(),
        );
    }
    if let Err(refusal) = state.logins.check(&login) {
        return refuse(StatusCode::TOO_MANY_REQUESTS, refusal.message(), login);
    }
    let lookup = login.clone();
    let admin = match state.db(move |s| s.admin_by_login(&lookup)).await {
        Ok(admin) => admin,
        Err(e) => return e.into_response(),
    };
    // An unknown login costs the same hash as a wrong password, so timing does not tell which it was.
    let hash = admin.as_ref().map(|a| a.password_hash.clone()).unwrap_or_else(|| password::dummy_hash().to_owned());
    let matches = tokio::task::spawn_blocking(move || password::verify(&given, &hash)).await.unwrap_or(false);
    // A failure on an existing account shows in that office's log; an unknown login is not written down.
    let office = admin.as_ref().and_then(|a| a.office_id);
    let actor = admin.as_ref().map_or_else(|| UNKNOWN_LOGIN.to_owned(), |a| a.login.clone());
    let Some(admin) = admin.filter(|_| matches) else {
        state.logins.failed(&login);
        let _ = state.db(move |s| s.audit(office, &actor, "nieudane logowanie", "")).await;
        return refuse(StatusCode::UNAUTHORIZED, WRONG.into(), login);
    };
    // Said only to whoever knows the password: it tells nothing to a guesser.
    if admin.disabled_at.is_some() {
        let _ = state.db(move |s| s.audit(office, &actor, "logowanie na wyłączone konto", "")).await;
        return refuse(
            StatusCode::FORBIDDEN,
            "To konto jest wyłączone. Aby z niego korzystać, poproś administratora urzędu o jego ponowne włączenie."
                .into(),
            login,
        );
    }
    state.logins.succeeded(&login);
    let browser = headers
        .get(header::USER_AGENT)
        .map(|v| super::browser_name::describe_browser(&String::from_utf8_lossy(v.as_bytes())))
        .unwrap_or_default();
    let (id, office_id) = (admin.id, admin.office_id);
    let started = state
        .db(move |s| {
            let token = s.start_session_in(id, &browser)?;
            s.audit(office_id, &actor, "logowanie", "")?;
            Ok(token)
        })
        .await;
    let next = if admin.must_change_password { "/admin/haslo" } else { "/admin/" };
    match started {
        Ok(token) => {
            let mut response = Redirect::to(next).into_response();
            if let Some(cookie) = session_cookie(&token, crate::store::sessions_max_age_secs(), &headers) {
                response.headers_mut().insert(header::SET_COOKIE, cookie);
            }
            response
        }
        Err(e) => e.into_response(),
    }
}

pub async fn logout(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    headers: HeaderMap,
) -> Response {
    let (hash, office_id, actor) = (session.token_hash.clone(), session.admin.office_id, session.admin.login.clone());
    let ended = state
        .db(move |s| {
            s.end_session(&hash)?;
            s.audit(office_id, &actor, "wylogowanie", "")
        })
        .await;
    if let Err(e) = ended {
        return e.into_response();
    }
    let mut response = Redirect::to("/admin/logowanie").into_response();
    clear_cookie(&mut response, &headers);
    response
}

/// Tells the browser to forget the session cookie (after a logout).
pub(super) fn clear_cookie(response: &mut Response, headers: &HeaderMap) {
    if let Some(cookie) = session_cookie("", 0, headers) {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
}

pub async fn password_form(Extension(session): Extension<Session>) -> Response {
    let forced = session.admin.must_change_password;
    render(
        StatusCode::OK,
        &PasswordPage { page: AdminChrome::new(&session, None, "haslo", "Zmień hasło"), error: None, forced },
    )
}

pub async fn change_password(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    body: Bytes,
) -> Response {
    let (current, new, repeated) = (field(&body, "current"), field(&body, "new"), field(&body, "repeat"));
    let forced = session.admin.must_change_password;
    let page = |error: Option<String>, notice: Option<String>, status| {
        let chrome = AdminChrome::new(&session, None, "haslo", "Zmień hasło").with_notice(notice);
        render(status, &PasswordPage { page: chrome, error, forced })
    };
    let hash = session.admin.password_hash.clone();
    let given = current.clone();
    if !tokio::task::spawn_blocking(move || password::verify(&given, &hash)).await.unwrap_or(false) {
        return page(Some("Obecne hasło jest nieprawidłowe.".into()), None, StatusCode::UNPROCESSABLE_ENTITY);
    }
    if new == current {
        return page(Some("Nowe hasło musi różnić się od obecnego.".into()), None, StatusCode::UNPROCESSABLE_ENTITY);
    }
    if let Err(e) = input::password(&new) {
        return page(Some(format!("Nowe hasło: {e}.")), None, StatusCode::UNPROCESSABLE_ENTITY);
    }
    if new != repeated {
        return page(Some("Powtórzone hasło różni się od nowego.".into()), None, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let new_hash = match tokio::task::spawn_blocking(move || password::hash(&new)).await {
        Ok(Ok(h)) => h,
        _ => {
            return page(
                Some("Nie udało się zapisać hasła. Spróbuj ponownie.".into()),
                None,
                StatusCode::INTERNAL_SERVER_ERROR,
            );
        }
    };
    let (admin, keep) = (session.admin.clone(), session.token_hash.clone());
    match state
        .db(move |s| {
            s.set_password_hash(&admin, &new_hash)?;
            s.end_other_sessions(admin.id, &keep)
        })
        .await
    {
        // After a generated password, the panel opens now.
        Ok(()) if forced => Redirect::to("/admin/").into_response(),
        Ok(()) => page(None, Some("Hasło zmienione. Inne sesje tego konta zostały zakończone.".into()), StatusCode::OK),
        Err(e) => e.into_response(),
    }
}
