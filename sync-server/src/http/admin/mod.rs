//! The admin panel at `/admin`: login, the operator's list of offices, and each office's pages under
//! `/admin/urzad/{slug}/…`.
//!
//! Access is enforced by layers, not by each handler: every route but the login page passes
//! [`require_login`] (a live session of an enabled account), [`check_csrf`] (a POST carries the session's
//! token and comes from this site) and [`access::require_permission`] (the account's role may use the
//! route, by the one table [`access::ROUTES`]; a route missing from it is refused to everyone); every
//! route under `/admin/urzad/{slug}` also passes [`require_office`], which lets an office's accounts into
//! their own office only. A route added there is protected without further code.

pub mod access;
mod accounts;
mod actions;
mod alerts;
mod browser_name;
mod dashboard;
mod dashboard_view;
mod editor;
pub mod help;
mod kiosks;
mod login;
mod office_data;
mod office_host;
mod paper;
mod paper_form;
mod privacy;
mod publication;
mod records;
mod report_pages;
mod sessions;
mod statement;
pub mod throttle;
mod view;

use std::collections::HashMap;

use askama::Template;
use axum::body::{Body, to_bytes};
use axum::extract::{DefaultBodyLimit, Path, Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::{Next, from_fn, from_fn_with_state};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};

use super::{AppError, AppState};
use crate::store::{Office, Role, Session};

pub use office_data::{LOGO_MAX_BYTES, LOGO_UPLOAD_BYTES};
pub use view::admin_message;

/// A kiosk's state in words (for the command line, the same as the panel shows).
pub fn kiosk_state(device: crate::store::Device) -> String {
    kiosks::describe(device).state
}

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "ocen_sesja";
/// Largest admin form accepted (a questionnaire draft with long translations fits).
pub const MAX_FORM_BYTES: usize = 512 * 1024;
/// Largest login form accepted: a login (64 letters) and a password at their longest (256 letters of up
/// to four bytes), every byte percent-encoded, fit. The login is the one form anyone may send, so its
/// limit is small: nothing larger is read, let alone stored.
pub const MAX_LOGIN_BYTES: usize = 4 * 1024;

pub fn router(state: AppState) -> Router<AppState> {
    let office = Router::new()
        .route("/pulpit", get(dashboard::office_dashboard))
        .route("/papier", get(paper::entry_form).post(paper::save_entry))
        .route("/papier/lista", get(paper::list))
        .route("/papier/{id}", get(paper::correction_form).post(paper::save_correction))
        .route("/papier/{id}/wycofaj", post(paper::withdraw))
        .route("/dane", get(office_data::page).post(office_data::save))
        .route("/komorki", post(office_data::save_department))
        .route("/prywatnosc", get(privacy::page).post(privacy::save))
        .route("/deklaracja", get(statement::page).post(statement::save))
        .route("/logo", post(office_data::upload_logo).layer(DefaultBodyLimit::max(office_data::LOGO_UPLOAD_BYTES)))
        .route("/logo/usun", post(office_data::remove_logo))
        .route("/ankieta", get(editor::page))
        .route("/ankieta/zmiana", post(editor::edit))
        .route("/ankieta/podglad", get(editor::preview))
        .route("/ankieta/pdf", get(report_pages::questionnaire_pdf))
        .route("/ankieta/publikuj", post(editor::publish))
        .route("/ankieta/odrzuc", post(editor::discard))
        .route("/uwagi", get(records::comments))
        .route("/uwagi/anonimizuj", post(records::redact))
        .route("/raporty", get(records::reports))
        .route("/raporty/nowy", get(report_pages::page))
        .route("/raporty/csv", get(report_pages::csv))
        .route("/raporty/xlsx", get(report_pages::xlsx))
        .route("/raporty/pdf", get(report_pages::report_pdf))
        .route("/raporty/archiwizuj", post(report_pages::archive))
        .route("/raporty/{id}", get(records::report))
        .route("/raporty/{id}/pdf", get(records::report_pdf))
        .route("/raporty/{id}/publikacja", get(publication::page))
        .route("/raporty/{id}/publikuj", post(publication::publish))
        .route("/raporty/{id}/wycofaj-publikacje", post(publication::withdraw))
        .route("/raporty/{id}/dzialania", get(actions::page).post(actions::add))
        .route("/dzialania/{id}", get(actions::edit_form).post(actions::save))
        .route("/dziennik", get(records::audit_log))
        .route("/kioski", get(kiosks::page).post(kiosks::enroll))
        .route("/kioski/{id}/odwolaj", post(kiosks::revoke))
        .route("/kioski/{id}/pin", post(kiosks::set_pin))
        .route("/konta", get(accounts::page).post(accounts::create))
        .route("/konta/{id}/wylacz", post(accounts::disable))
        .route("/konta/{id}/wlacz", post(accounts::enable))
        .route("/konta/{id}/usun", post(accounts::delete))
        .route("/konta/{id}/haslo", post(accounts::reset_password))
        .route("/alerty", get(alerts::page))
        .route("/alerty/ustawienia", get(alerts::settings_form).post(alerts::save_settings))
        .route("/alerty/{id}", post(alerts::change))
        .route_layer(from_fn_with_state(state.clone(), require_office));

    let protected = Router::new()
        .route("/admin", get(dashboard::home))
        .route("/admin/", get(dashboard::home))
        .route("/admin/urzedy", post(dashboard::create_office))
        .route("/admin/administratorzy", post(dashboard::create_admin))
        .route("/admin/hosty", post(office_host::set))
        .route("/admin/haslo", get(login::password_form).post(login::change_password))
        .route("/admin/wyloguj", post(login::logout))
        .route("/admin/sesje", get(sessions::page))
        .route("/admin/sesje/wyloguj-wszedzie", post(sessions::end_everywhere))
        .route("/admin/alerty", get(alerts::server))
        .route("/admin/alerty/{id}", post(alerts::change_server))
        .route("/admin/poczta/test", post(alerts::test_mail))
        .route("/admin/powiadomienia", get(alerts::subscriptions).post(alerts::subscribe))
        .route("/admin/powiadomienia/{id}/usun", post(alerts::unsubscribe))
        .nest("/admin/urzad/{slug}", office)
        .route_layer(from_fn(access::require_permission))
        .route_layer(from_fn(check_csrf))
        .route_layer(from_fn_with_state(state, require_login))
        // Handlers read the form again after `check_csrf`, under the same limit.
        .layer(DefaultBodyLimit::max(MAX_FORM_BYTES));

    Router::new()
        .route(
            "/admin/logowanie",
            get(login::login_form).post(login::login).layer(DefaultBodyLimit::max(MAX_LOGIN_BYTES)),
        )
        .route("/admin/pomoc", get(|| help::page(None)))
        .route("/admin/pomoc/instrukcja.pdf", get(help::pdf))
        .route("/admin/pomoc/calosc", get(help::whole))
        .route("/admin/pomoc/img/{name}", get(help::image))
        .route("/admin/pomoc/en/{chapter}", get(help::english))
        .route("/admin/pomoc/{chapter}", get(|chapter| help::page(Some(chapter))))
        .route("/static/admin.css", get(stylesheet))
        .merge(protected)
        .layer(axum::middleware::map_response(show_failure))
}

/// The panel shows every failure as its own Polish page (see `http::error`).
pub(crate) async fn show_failure(response: Response) -> Response {
    super::error::as_page(response, view::admin_message)
}

async fn stylesheet(headers: axum::http::HeaderMap) -> Response {
    let css = header::HeaderValue::from_static("text/css; charset=utf-8");
    super::validators::file(&headers, css, Some("public, max-age=3600"), include_str!("../../../static/admin.css"))
}

fn render(status: StatusCode, page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => AppError::Internal(format!("szablon panelu: {e}")).into_response(),
    }
}

/// One field of a posted form, as sent (empty when absent).
fn field(body: &[u8], name: &str) -> String {
    form_urlencoded::parse(body).find(|(k, _)| k == name).map(|(_, v)| v.into_owned()).unwrap_or_default()
}

/// The session cookie's value, if the request has one.
fn session_token(req: &axum::http::HeaderMap) -> Option<String> {
    req.get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_owned())
}

async fn require_login(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let session = match session_token(req.headers()) {
        Some(token) => state.db(move |s| s.session(&token)).await,
        None => Ok(None),
    };
    match session {
        Ok(Some(session)) => {
            req.extensions_mut().insert(session);
            let mut response = next.run(req).await;
            // Admin pages hold personal data at times (comments): never cache them.
            response.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
            response
        }
        Ok(None) if req.method() == Method::GET => Redirect::to("/admin/logowanie").into_response(),
        Ok(None) => admin_message(
            StatusCode::UNAUTHORIZED,
            "Sesja wygasła",
            "Sesja wygasła lub nie jesteś zalogowany. Zaloguj się ponownie; niezapisane zmiany trzeba wprowadzić jeszcze raz.",
        ),
        Err(e) => e.into_response(),
    }
}

/// Every POST of a logged-in admin carries the session's CSRF token in the field `csrf` and comes from
/// this site. The body is read here and handed on unchanged.
async fn check_csrf(Extension(session): Extension<Session>, req: Request, next: Next) -> Response {
    if req.method() != Method::POST {
        return next.run(req).await;
    }
    if super::cross_site::is_cross_site(req.headers()) {
        return admin_message(StatusCode::FORBIDDEN, "Odmowa", "Formularz wysłano z innej witryny. Odmówiono.");
    }
    let refusal = || {
        admin_message(
            StatusCode::FORBIDDEN,
            "Formularz nieważny",
            "Formularz jest nieważny (brak lub zły token bezpieczeństwa), np. otwarty przed ponownym zalogowaniem. Wróć, odśwież stronę i spróbuj jeszcze raz.",
        )
    };
    // Compared as hashes: equal-length, constant-time comparison.
    let valid = |token: Option<String>| {
        token.is_some_and(|t| blake3::hash(t.as_bytes()) == blake3::hash(session.csrf.as_bytes()))
    };
    // A file upload carries the token in the address: its body is not read here.
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if multipart {
        let query = req.uri().query().unwrap_or_default().as_bytes();
        let token = form_urlencoded::parse(query).find(|(k, _)| k == "csrf").map(|(_, v)| v.into_owned());
        return if valid(token) { next.run(req).await } else { refusal() };
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_FORM_BYTES).await else {
        return admin_message(StatusCode::PAYLOAD_TOO_LARGE, "Za dużo danych", "Formularz jest zbyt obszerny.");
    };
    let token = form_urlencoded::parse(&bytes).find(|(k, _)| k == "csrf").map(|(_, v)| v.into_owned());
    if !valid(token) {
        return refusal();
    }
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}

/// Lets the admin into the office of the address: an operator into any, an office admin into their own.
/// Any other office answers "not found", the same as an office that does not exist, so its name is not
/// confirmed either.
async fn require_office(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(params): Path<HashMap<String, String>>,
    mut req: Request,
    next: Next,
) -> Response {
    let slug = params.get("slug").cloned().unwrap_or_default();
    let office: Result<Office, AppError> = state.db(move |s| s.office(&slug)).await;
    let allowed = match (&office, session.admin.role) {
        (Ok(_), Role::Operator) => true,
        (Ok(o), _) => session.admin.office_id == Some(o.id),
        (Err(_), _) => false,
    };
    match office {
        Ok(office) if allowed => {
            req.extensions_mut().insert(office);
            next.run(req).await
        }
        Err(AppError::Internal(e)) => AppError::Internal(e).into_response(),
        _ => admin_message(
            StatusCode::NOT_FOUND,
            "Nie znaleziono",
            "Nie ma takiego urzędu albo nie masz do niego dostępu.",
        ),
    }
}
