//! The office's kiosks: enrolment (a one-time pairing code and the kiosk's own service PIN, both shown
//! once), a new service PIN, their state as last reported, revocation.

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::view::AdminChrome;
use super::{admin_message, field, render};
use crate::http::AppState;
use crate::store::{Device, Office, Session};
// Askama looks the templates' `|local_time` filter up as `filters::…` in this module.
use crate::local_time::filters;

/// A kiosk silent for longer than this is flagged: it should sync or at least send a heartbeat hourly.
pub const SILENT_AFTER_MINUTES: i64 = 120;

/// A kiosk as the panel shows it.
pub struct KioskRow {
    pub device: Device,
    pub state: String,
    pub silent: bool,
    /// Its service PIN in words: missing, or when and where it last changed (Polish local time).
    pub pin: String,
}

/// The kiosk's service PIN in words, for the panel.
fn pin_state(device: &Device) -> String {
    if !device.has_service_pin {
        return "brak – nadaj PIN".to_owned();
    }
    let when = device
        .service_pin_set_at
        .as_deref()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .map(|t| crate::local_time::local(t.to_utc()).format("%Y-%m-%d %H:%M").to_string());
    let place = if device.service_pin_set_by.as_deref() == Some("kiosk") { "na kiosku" } else { "w panelu" };
    match when {
        Some(when) => format!("zmieniony {when} {place}"),
        None => "ustawiony".to_owned(),
    }
}

/// How a kiosk is doing, in words, and whether it is silent for too long.
pub fn describe(device: Device) -> KioskRow {
    let (state, silent) = if device.revoked_at.is_some() {
        ("odwołany".to_owned(), false)
    } else if device.paired_at.is_none() {
        ("czeka na sparowanie".to_owned(), false)
    } else {
        match device.last_seen_at.as_deref().and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok()) {
            None => ("sparowany, jeszcze się nie odezwał".to_owned(), true),
            Some(seen) => {
                let minutes = chrono::Utc::now().signed_duration_since(seen).num_minutes();
                if minutes > SILENT_AFTER_MINUTES {
                    (format!("MILCZY od {} godz. – sprawdź zasilanie i sieć", minutes / 60), true)
                } else {
                    ("działa".to_owned(), false)
                }
            }
        }
    };
    let pin = pin_state(&device);
    KioskRow { device, state, silent, pin }
}

#[derive(Template)]
#[template(path = "admin/kiosks.html")]
struct KiosksPage {
    page: AdminChrome,
    slug: String,
    kiosks: Vec<KioskRow>,
    shown: Shown,
    error: Option<String>,
}

/// What the page shows once, after the action that made it.
#[derive(Default)]
enum Shown {
    #[default]
    Nothing,
    /// A new kiosk: its name, pairing code and service PIN.
    Enrolled { name: String, code: String, pin: String },
    /// A kiosk's new service PIN (generated ones are shown; one the admin typed is not repeated).
    NewPin { name: String, pin: Option<String> },
}

async fn show(state: &AppState, session: &Session, office: &Office, shown: Shown, error: Option<String>) -> Response {
    let id = office.id;
    match state.db(move |s| s.devices(id)).await {
        Ok(devices) => render(
            if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK },
            &KiosksPage {
                page: AdminChrome::new(session, Some(office), "kioski", "Kioski"),
                slug: office.slug.clone(),
                kiosks: devices.into_iter().map(describe).collect(),
                shown,
                error,
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
    show(&state, &session, &office, Shown::Nothing, None).await
}

pub async fn enroll(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Extension(office): Extension<Office>,
    body: Bytes,
) -> Response {
    let name = field(&body, "name").trim().to_owned();
    if name.is_empty() || name.chars().count() > 40 || name.chars().any(char::is_control) {
        return show(
            &state,
            &session,
            &office,
            Shown::Nothing,
            Some("Nazwa kiosku musi mieć od 1 do 40 znaków (np. „parter-wejście”).".into()),
        )
        .await;
    }
    let (id, actor, enrolled) = (office.id, session.admin.login.clone(), name.clone());
    match state.db(move |s| Ok(s.enroll_device(id, &actor, &enrolled))).await {
        Ok(Ok(e)) => show(&state, &session, &office, Shown::Enrolled { name, code: e.code, pin: e.pin }, None).await,
        Ok(Err(e)) => show(&state, &session, &office, Shown::Nothing, Some(e.to_string())).await,
        Err(e) => e.into_response(),
    }
}

/// A new service PIN for a kiosk: the one typed (checked by the rules), or a generated one when the field
/// is left empty. The kiosk learns it at its next heartbeat.
pub async fn set_pin(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Extension(office): Extension<Office>,
    Path(params): Path<std::collections::HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let Some(device_id) = params.get("id").and_then(|v| v.parse::<i64>().ok()) else {
        return admin_message(StatusCode::NOT_FOUND, "Nie znaleziono", "Nie ma takiego kiosku.");
    };
    let typed = field(&body, "pin").trim().to_owned();
    let (pin, shown_pin) = if typed.is_empty() {
        let pin = crate::kiosk_pin::generate();
        (pin.clone(), Some(pin))
    } else {
        (typed, None)
    };
    if let Err(problem) = survey::service_pin::check(&pin) {
        let error = format!("Nie zmieniono PIN-u: {problem}");
        return show(&state, &session, &office, Shown::Nothing, Some(error)).await;
    }
    let (id, actor) = (office.id, session.admin.login.clone());
    // The hash is slow: made on the blocking pool before the database is touched.
    let changed = state
        .db(move |s| {
            let hash = crate::kiosk_pin::hash(&pin).map_err(|e| crate::store::StoreError::PinHash(e.to_string()))?;
            s.set_device_pin(id, &actor, device_id, &hash)
        })
        .await;
    match changed {
        Ok(Some(name)) => show(&state, &session, &office, Shown::NewPin { name, pin: shown_pin }, None).await,
        Ok(None) => admin_message(
            StatusCode::NOT_FOUND,
            "Nie znaleziono",
            "Nie ma takiego kiosku w tym urzędzie albo został odwołany.",
        ),
        Err(e) => e.into_response(),
    }
}

pub async fn revoke(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Extension(office): Extension<Office>,
    Path(params): Path<std::collections::HashMap<String, String>>,
) -> Response {
    let Some(device_id) = params.get("id").and_then(|v| v.parse::<i64>().ok()) else {
        return admin_message(StatusCode::NOT_FOUND, "Nie znaleziono", "Nie ma takiego kiosku.");
    };
    let (id, actor) = (office.id, session.admin.login.clone());
    match state.db(move |s| s.revoke_device(id, &actor, device_id)).await {
        Ok(true) => show(&state, &session, &office, Shown::Nothing, None).await,
        Ok(false) => admin_message(
            StatusCode::NOT_FOUND,
            "Nie znaleziono",
            "Nie ma takiego kiosku w tym urzędzie albo już go odwołano.",
        ),
        Err(e) => e.into_response(),
    }
}
