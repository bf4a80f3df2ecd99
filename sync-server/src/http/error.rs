//! The one error type of HTTP handlers: it logs what went wrong inside and tells the person, in Polish,
//! what happened and what to do; machines get the same as JSON ([`survey::wire::ApiError`]).

use axum::Json;
use axum::http::StatusCode;
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
    /// The server's disk is full: nothing was stored now, nothing stored before is harmed.
    DiskFull,
}

/// What a full disk means to the person who sees it.
pub const DISK_FULL: &str = "Na dysku serwera zabrakło miejsca: tego zapisu nie wykonano, wcześniej zapisane dane są nienaruszone. Spróbuj ponownie później i powiadom administratora.";

impl AppError {
    pub(crate) fn from_join(e: tokio::task::JoinError) -> Self {
        AppError::Internal(format!("zadanie bazy danych przerwane: {e}"))
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::UnknownOffice(_) => AppError::NotFound(e.to_string()),
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
        let (status, body) = match self {
            AppError::Internal(detail) => {
                tracing::error!(%detail, "błąd serwera");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    ApiError::new(
                        "internal",
                        "Wystąpił błąd po stronie serwera. Spróbuj ponownie za chwilę; jeśli błąd się powtarza, zgłoś go administratorowi.",
                    ),
                )
            }
            AppError::NotFound(detail) => (StatusCode::NOT_FOUND, ApiError::new("not_found", detail)),
            AppError::DiskFull => (StatusCode::SERVICE_UNAVAILABLE, ApiError::new("disk_full", DISK_FULL)),
        };
        (status, Json(body)).into_response()
    }
}
