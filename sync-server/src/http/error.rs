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
}

impl AppError {
    pub(crate) fn from_join(e: tokio::task::JoinError) -> Self {
        AppError::Internal(format!("zadanie bazy danych przerwane: {e}"))
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::UnknownOffice(_) => AppError::NotFound(e.to_string()),
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
        };
        (status, Json(body)).into_response()
    }
}
