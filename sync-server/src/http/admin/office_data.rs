//! The office's data (name, address, contact, opening hours) and its departments. The public pages and
//! the printouts show them.

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use survey::questionnaire::is_valid_key;

use super::render;

fn trimmed(body: &[u8], name: &str) -> String {
    super::field(body, name).trim().to_owned()
}
use super::view::AdminChrome;
use crate::http::AppState;
use crate::input;
use crate::store::{Department, Office, OfficeData, Session};

#[derive(Template)]
#[template(path = "admin/office_data.html")]
struct DataPage {
    page: AdminChrome,
    slug: String,
    has_logo: bool,
    data: OfficeData,
    departments: Vec<Department>,
    error: Option<String>,
}

async fn show(
    state: &AppState,
    session: &Session,
    office: &Office,
    data: Option<OfficeData>,
    error: Option<String>,
    notice: Option<String>,
) -> Response {
    let id = office.id;
    let departments = match state.db(move |s| s.all_departments(id)).await {
        Ok(d) => d,
        Err(e) => return e.into_response(),
    };
    let data = data.unwrap_or_else(|| OfficeData::of(office));
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    render(
        status,
        &DataPage {
            page: AdminChrome::new(session, Some(office), "dane", "Dane urzędu").with_notice(notice),
            slug: office.slug.clone(),
            has_logo: office.has_logo,
            data,
            departments,
            error,
        },
    )
}

pub async fn page(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Extension(office): Extension<Office>,
) -> Response {
    show(&state, &session, &office, None, None, None).await
}

pub async fn save(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Extension(office): Extension<Office>,
    body: Bytes,
) -> Response {
    let data = OfficeData {
        name: trimmed(&body, "name"),
        address: trimmed(&body, "address"),
        email: trimmed(&body, "email"),
        phone: trimmed(&body, "phone"),
        opening_hours: trimmed(&body, "opening_hours"),
        website: trimmed(&body, "website"),
        bip_url: trimmed(&body, "bip_url"),
        epuap: trimmed(&body, "epuap"),
        survey_owner_name: trimmed(&body, "survey_owner_name"),
        survey_owner_position: trimmed(&body, "survey_owner_position"),
        iod_name: trimmed(&body, "iod_name"),
        iod_email: trimmed(&body, "iod_email"),
        iod_phone: trimmed(&body, "iod_phone"),
    };
    if let Some(error) = problems(&data) {
        return show(&state, &session, &office, Some(data), Some(error), None).await;
    }
    let (id, actor, saved) = (office.id, session.admin.login.clone(), data.clone());
    if let Err(e) = state.db(move |s| s.update_office_data(id, &actor, &saved)).await {
        return e.into_response();
    }
    let office = data.applied_to(office);
    show(&state, &session, &office, None, None, Some("Zapisano dane urzędu.".into())).await
}

/// What is wrong with the data typed, every problem at once, or `None`.
fn problems(data: &OfficeData) -> Option<String> {
    let err = |r: Result<&str, input::InputError>| r.err().map(|e| e.to_string());
    let named = |what: &str, r: Result<&str, input::InputError>| r.err().map(|e| format!("{what}: {e}"));
    let found: Vec<String> = [
        err(input::office_name(&data.name)),
        err(input::line(&data.address, "Adres", 200)),
        err(input::line(&data.phone, "Telefon", 200)),
        named("E-mail", input::email(&data.email)),
        named("Strona internetowa", input::web_address(&data.website)),
        named("BIP", input::web_address(&data.bip_url)),
        err(input::line(&data.epuap, "Adres skrytki ePUAP", 200)),
        err(input::line(&data.survey_owner_name, "Osoba odpowiedzialna za badanie", 200)),
        err(input::line(&data.survey_owner_position, "Stanowisko osoby odpowiedzialnej", 200)),
        err(input::line(&data.iod_name, "Inspektor ochrony danych", 200)),
        named("E-mail inspektora ochrony danych", input::email(&data.iod_email)),
        err(input::line(&data.iod_phone, "Telefon inspektora ochrony danych", 200)),
        // Opening hours are several lines, so only their length is limited.
        (data.opening_hours.chars().count() > 2000).then(|| "Godziny otwarcia: najwyżej 2000 znaków".to_owned()),
    ]
    .into_iter()
    .flatten()
    .collect();
    (!found.is_empty()).then(|| found.join(" "))
}

pub async fn save_department(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Extension(office): Extension<Office>,
    body: Bytes,
) -> Response {
    let (key, name, active) = (trimmed(&body, "key"), trimmed(&body, "name"), trimmed(&body, "active") == "1");
    if !is_valid_key(&key) {
        let error = format!(
            "Klucz komórki „{key}” jest nieprawidłowy: małe litery a–z, cyfry i „_”, zaczynając od litery (np. „usc”). Klucz się nie zmienia – łączy odpowiedzi z komórką."
        );
        return show(&state, &session, &office, None, Some(error), None).await;
    }
    if name.is_empty() || name.chars().count() > 120 {
        return show(&state, &session, &office, None, Some("Nazwa komórki musi mieć od 1 do 120 znaków.".into()), None)
            .await;
    }
    let (id, actor, saved_name) = (office.id, session.admin.login.clone(), name.clone());
    match state.db(move |s| s.save_department(id, &actor, &key, &saved_name, active)).await {
        Ok(()) => show(&state, &session, &office, None, None, Some(format!("Zapisano komórkę „{name}”."))).await,
        Err(e) => e.into_response(),
    }
}

/// Largest logo accepted.
pub const LOGO_MAX_BYTES: usize = 512 * 1024;
/// Largest upload of a logo: the file and the form around it.
pub const LOGO_UPLOAD_BYTES: usize = LOGO_MAX_BYTES + 16 * 1024;

/// The MIME type of an accepted logo, recognised by its first bytes (not by what the browser claims).
fn logo_type(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else {
        None
    }
}

pub async fn upload_logo(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Extension(office): Extension<Office>,
    mut multipart: Multipart,
) -> Response {
    let mut bytes = None;
    // A file over the upload's limit stops the reading midway; it is a file too large, not a missing one.
    let mut over_limit = false;
    loop {
        match multipart.next_field().await {
            Ok(Some(part)) if part.name() == Some("logo") => match part.bytes().await {
                Ok(read) => bytes = Some(read),
                Err(e) => over_limit |= e.status() == StatusCode::PAYLOAD_TOO_LARGE,
            },
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(e) => {
                over_limit |= e.status() == StatusCode::PAYLOAD_TOO_LARGE;
                break;
            }
        }
    }
    let refuse = |error: &str| show(&state, &session, &office, None, Some(error.to_owned()), None);
    if over_limit || bytes.as_ref().is_some_and(|b| b.len() > LOGO_MAX_BYTES) {
        return refuse("Plik z logo jest za duży: najwyżej 512 KB.").await;
    }
    let Some(bytes) = bytes.filter(|b| !b.is_empty()) else {
        return refuse("Wybierz plik z logo (PNG lub JPEG).").await;
    };
    let Some(mime) = logo_type(&bytes) else {
        return refuse("Logo musi być obrazem PNG lub JPEG.").await;
    };
    let (id, actor) = (office.id, session.admin.login.clone());
    match state.db(move |s| s.set_logo(id, &actor, Some((&bytes, mime)))).await {
        Ok(()) => {
            let office = Office { has_logo: true, ..office };
            show(&state, &session, &office, None, None, Some("Zapisano logo urzędu.".into())).await
        }
        Err(e) => e.into_response(),
    }
}

pub async fn remove_logo(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Extension(office): Extension<Office>,
) -> Response {
    let (id, actor) = (office.id, session.admin.login.clone());
    match state.db(move |s| s.set_logo(id, &actor, None)).await {
        Ok(()) => {
            let office = Office { has_logo: false, ..office };
            show(&state, &session, &office, None, None, Some("Usunięto logo urzędu.".into())).await
        }
        Err(e) => e.into_response(),
    }
}
