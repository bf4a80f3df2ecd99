//! The one error type of HTTP handlers, and the form each surface gives it.
//!
//! A handler returns an [`AppError`]; its response carries a [`Failure`] (what went wrong and what to do,
//! in Polish) and logs what went wrong inside. Each surface's router then gives every failure, and
//! axum's own refusals (a body too large, a malformed query), its form: the sync API answers JSON
//! ([`survey::wire::ApiError`], [`as_json`]), the public pages and the admin panel a Polish HTML page
//! ([`as_page`] with the surface's own page). No handler chooses the form itself.

use axum::Json;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use survey::wire::ApiError;

use crate::store::StoreError;

/// An error a handler returns.
#[derive(Debug)]
pub enum AppError {
    /// Something on our side failed; the details go to the log, not to the visitor.
    Internal(String),
    /// The thing asked for does not exist.
    NotFound(String),
    /// What was asked clashes with what is stored (a name already taken); the message says which.
    Conflict(String),
    /// The server's disk is full: nothing was stored now, nothing stored before is harmed.
    DiskFull,
}

/// What a full disk means to the person who sees it.
pub const DISK_FULL: &str = "Na dysku serwera zabrakło miejsca: tego zapisu nie wykonano, wcześniej zapisane dane są nienaruszone. Spróbuj ponownie później i powiadom administratora.";

const INTERNAL: &str = "Wystąpił błąd po stronie serwera; nic z tego, co już zapisano, nie zostało utracone. Spróbuj ponownie za chwilę, a jeśli błąd się powtarza, zgłoś go administratorowi.";

/// What a failed request tells whoever made it: a stable code for machines, a title and a message for
/// people. Set on the response as an extension; the surface's router gives it its form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub code: &'static str,
    pub title: &'static str,
    pub message: String,
}

impl AppError {
    pub(crate) fn from_join(e: tokio::task::JoinError) -> Self {
        AppError::Internal(format!("zadanie bazy danych przerwane: {e}"))
    }

    /// The status and what to tell the person; never the inside details of an internal error.
    pub fn failure(&self) -> (StatusCode, Failure) {
        match self {
            AppError::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                Failure { code: "internal", title: "Błąd serwera", message: INTERNAL.to_owned() },
            ),
            AppError::NotFound(detail) => {
                (StatusCode::NOT_FOUND, Failure { code: "not_found", title: "Nie znaleziono", message: detail.clone() })
            }
            AppError::Conflict(detail) => (
                StatusCode::CONFLICT,
                Failure { code: "conflict", title: "Nie można zapisać", message: detail.clone() },
            ),
            AppError::DiskFull => (
                StatusCode::SERVICE_UNAVAILABLE,
                Failure { code: "disk_full", title: "Brak miejsca na dysku serwera", message: DISK_FULL.to_owned() },
            ),
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::UnknownOffice(_) | StoreError::UnknownAccount => AppError::NotFound(e.to_string()),
            StoreError::DuplicateSlug(_)
            | StoreError::DuplicateHost(_)
            | StoreError::DuplicateDevice(_)
            | StoreError::DuplicateLogin(_)
            | StoreError::DuplicateRecipient(_)
            | StoreError::DuplicateSerial { .. } => AppError::Conflict(e.to_string()),
            ref full if full.is_disk_full() => {
                tracing::error!("brak miejsca na dysku serwera: zapis odrzucony, zapisane dane nienaruszone");
                AppError::DiskFull
            }
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(detail) = &self {
            tracing::error!(%detail, "błąd serwera");
        }
        let (status, failure) = self.failure();
        // Plain text until the surface's router gives it its form.
        let mut response = (status, failure.message.clone()).into_response();
        response.extensions_mut().insert(failure);
        response
    }
}

/// The failure a response carries: set by [`AppError`], or read from one of axum's own refusals (plain
/// text in English or an empty body, for a malformed request) by its status. `None` for any other response.
fn failure_of(response: &Response) -> Option<Failure> {
    if let Some(failure) = response.extensions().get::<Failure>() {
        return Some(failure.clone());
    }
    let status = response.status();
    // axum's refusals are plain text, or nothing at all (a method not allowed).
    let plain_or_empty = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v.starts_with("text/plain"));
    if !(status.is_client_error() || status.is_server_error()) || !plain_or_empty {
        return None;
    }
    let (code, title, message) = match status {
        StatusCode::PAYLOAD_TOO_LARGE => {
            ("too_large", "Za dużo danych", "Przesłano za dużo danych naraz. Skróć treść lub wyślij mniejszy plik.")
        }
        StatusCode::NOT_FOUND => ("not_found", "Nie znaleziono", "Nie ma takiej strony. Prosimy sprawdzić adres."),
        StatusCode::METHOD_NOT_ALLOWED => {
            ("method_not_allowed", "Niedozwolona operacja", "Tego adresu nie można użyć w ten sposób.")
        }
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            ("unsupported_media_type", "Nieobsługiwany format", "Dane przesłano w nieobsługiwanym formacie.")
        }
        s if s.is_server_error() => ("internal", "Błąd serwera", INTERNAL),
        _ => (
            "bad_request",
            "Nieprawidłowe żądanie",
            "Żądanie jest nieprawidłowe. Wróć, odśwież stronę i spróbuj ponownie.",
        ),
    };
    Some(Failure { code, title, message: message.to_owned() })
}

/// The sync API's form: every failure as [`ApiError`] JSON with its stable code.
pub async fn as_json(response: Response) -> Response {
    match failure_of(&response) {
        Some(failure) => with_headers_of(response, Json(ApiError::new(failure.code, failure.message))),
        None => response,
    }
}

/// A page surface's form: every failure drawn by `page(status, title, message)` (the surface's own
/// Polish page); any other response untouched.
pub fn as_page(response: Response, page: impl FnOnce(StatusCode, &str, &str) -> Response) -> Response {
    match failure_of(&response) {
        Some(failure) => {
            let drawn = page(response.status(), failure.title, &failure.message);
            with_headers_of(response, drawn)
        }
        None => response,
    }
}

/// `body` with the status and the headers (other than the body's own) of `original`: a `Retry-After`,
/// `Connection: close` or security header set for the failure stays.
fn with_headers_of(original: Response, body: impl IntoResponse) -> Response {
    let (parts, _) = original.into_parts();
    let mut shown = body.into_response();
    *shown.status_mut() = parts.status;
    for (name, value) in &parts.headers {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            shown.headers_mut().insert(name, value.clone());
        }
    }
    shown
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[tokio::test]
    async fn an_internal_error_is_json_for_machines_and_never_shows_its_detail() {
        let response = as_json(AppError::Internal("SELECT tajne FROM x".into()).into_response()).await;
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = axum::body::to_bytes(response.into_body(), 10_000).await.unwrap();
        let error: ApiError = serde_json::from_slice(&body).unwrap();
        assert_eq!(error.code, "internal");
        assert!(!error.message.contains("tajne"));
    }

    #[tokio::test]
    async fn axum_refusals_in_plain_english_get_the_surface_form() {
        let refusal = (StatusCode::PAYLOAD_TOO_LARGE, "length limit exceeded").into_response();
        let response = as_json(refusal).await;
        let body = axum::body::to_bytes(response.into_body(), 10_000).await.unwrap();
        assert_eq!(serde_json::from_slice::<ApiError>(&body).unwrap().code, "too_large");
        // A page that is not a failure passes untouched.
        let fine = as_json((StatusCode::OK, "ok").into_response()).await;
        assert_eq!(axum::body::to_bytes(fine.into_body(), 100).await.unwrap(), "ok");
    }
}
