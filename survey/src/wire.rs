//! The JSON a kiosk and the server exchange. Frozen by golden tests: a change here breaks kiosks in the
//! field, so it comes with a new [`WIRE_VERSION`] and the server keeps accepting the old one.
//!
//! The kiosk sends an [`UploadBatch`]; the server answers with an [`UploadReceipt`] holding one
//! [`ItemReceipt`] per response, in the order sent. Errors of the request as a whole are an [`ApiError`].

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::response::Response;
use crate::validation::ValidationError;

/// The wire format version this build speaks.
pub const WIRE_VERSION: u32 = 1;

/// Most responses a kiosk sends in one batch; the server refuses bigger batches with an [`ApiError`].
pub const MAX_BATCH: usize = 500;

/// Responses sent by one kiosk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadBatch {
    /// Always [`WIRE_VERSION`] when sent by this build.
    pub wire_version: u32,
    /// The kiosk's device name, as paired.
    pub device: String,
    /// The responses, oldest first.
    pub responses: Vec<Response>,
}

/// The server's answer to an [`UploadBatch`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadReceipt {
    /// The wire version of the reply.
    pub wire_version: u32,
    /// One entry per response sent, in the same order.
    pub results: Vec<ItemReceipt>,
}

/// What became of one response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemReceipt {
    /// The response's id.
    pub id: Uuid,
    /// What the server did with it.
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// What the server did with one response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// Stored now.
    Stored,
    /// Already stored before (a resend).
    AlreadyStored,
    /// Another response with the same id but different content is stored; this one was kept aside.
    Conflict,
    /// Refused; resending the same content will not help.
    Rejected {
        /// Why.
        errors: Vec<ValidationError>,
    },
}

impl Outcome {
    /// Whether the server now holds this response durably (stored, stored before, or kept aside as a
    /// conflict), so the kiosk may mark it sent. A rejected response stays on the kiosk, marked rejected.
    pub fn is_held_by_server(&self) -> bool {
        !matches!(self, Outcome::Rejected { .. })
    }
}

/// An error of a whole request, for machines: a stable code plus a Polish message for the technician.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    /// The wire version of the reply.
    pub wire_version: u32,
    /// Stable, machine-readable code, e.g. `unsupported_wire_version`.
    pub code: String,
    /// What went wrong and what to do, in Polish.
    pub message: String,
}

impl ApiError {
    /// An error with this code and message.
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        ApiError { wire_version: WIRE_VERSION, code: code.to_owned(), message: message.into() }
    }
}

/// Refuses wire versions this build does not speak.
pub fn check_wire_version(version: u32) -> Result<(), ApiError> {
    if version == WIRE_VERSION {
        Ok(())
    } else {
        Err(ApiError::new(
            "unsupported_wire_version",
            format!(
                "Nieobsługiwana wersja formatu synchronizacji {version} (serwer obsługuje {WIRE_VERSION}). Zaktualizuj kiosk lub serwer."
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_current_wire_version_is_accepted() {
        assert!(check_wire_version(WIRE_VERSION).is_ok());
        let err = check_wire_version(WIRE_VERSION + 1).unwrap_err();
        assert_eq!(err.code, "unsupported_wire_version");
    }

    #[test]
    fn rejected_is_the_only_outcome_the_server_does_not_hold() {
        assert!(Outcome::Stored.is_held_by_server());
        assert!(Outcome::AlreadyStored.is_held_by_server());
        assert!(Outcome::Conflict.is_held_by_server());
        assert!(!Outcome::Rejected { errors: vec![] }.is_held_by_server());
    }
}
