//! The JSON a kiosk and the server exchange. Frozen by golden tests: a change here breaks kiosks in the
//! field, so it comes with a new [`WIRE_VERSION`] and the server keeps accepting the old one.
//!
//! The kiosk sends an [`UploadBatch`]; the server answers with an [`UploadReceipt`] holding one
//! [`ItemReceipt`] per response, in the order sent. Errors of the request as a whole are an [`ApiError`].

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::questionnaire::Questionnaire;
use crate::response::{CaptureClock, Response};
use crate::validation::ValidationError;

/// The wire format version this build speaks.
pub const WIRE_VERSION: u32 = 1;

/// Most responses a kiosk sends in one batch; the server refuses bigger batches with an [`ApiError`].
pub const MAX_BATCH: usize = 500;

/// Responses sent by one kiosk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UploadBatch {
    /// Always [`WIRE_VERSION`] when sent by this build.
    pub wire_version: u32,
    /// The kiosk's device name, as paired.
    pub device: String,
    /// The responses, oldest first.
    pub responses: Vec<Response>,
    /// The device's clocks when it sent the batch, so the server can correct capture times.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_clock: Option<DeviceClock>,
    /// Button presses not counted as answers (anti-mashing, opening hours), reported so that the
    /// dashboard shows them beside the answers. Stored once by id, like answers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub filtered_presses: Vec<FilteredPress>,
}

/// A press of the button panel that was not counted as an answer, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FilteredPress {
    /// UUIDv7 made at the press.
    pub id: Uuid,
    /// When it was pressed, by the device's clock.
    pub captured_at: DateTime<Utc>,
    /// Which button, from 1 (the unhappiest face) to at most [`MAX_FACES`].
    pub button: u8,
    /// Why it was not counted.
    pub reason: FilterReason,
}

/// Most buttons (faces) a kiosk has; a filtered press naming a higher button is refused.
pub const MAX_FACES: u8 = 5;

/// Why a press of the button panel was not counted as an answer. The kiosk decides it, the server
/// checks it; both read it from here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FilterReason {
    /// Closer to the last counted press than the configured interval.
    TooSoon,
    /// Too many counted presses within a minute: someone playing with the buttons.
    Burst,
    /// Outside the office's opening hours.
    OutsideHours,
}

impl FilterReason {
    /// Every reason, in the order the panel lists them.
    pub const ALL: [FilterReason; 3] = [FilterReason::TooSoon, FilterReason::Burst, FilterReason::OutsideHours];

    /// The name used in databases and on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            FilterReason::TooSoon => "too_soon",
            FilterReason::Burst => "burst",
            FilterReason::OutsideHours => "outside_hours",
        }
    }

    /// Reads the name used in databases and on the wire.
    pub fn parse(name: &str) -> Option<FilterReason> {
        FilterReason::ALL.into_iter().find(|r| r.as_str() == name)
    }

    /// The reason in Polish, for `kiosk status` and the panel.
    pub fn label_pl(self) -> &'static str {
        match self {
            FilterReason::TooSoon => "za szybko po poprzednim naciśnięciu",
            FilterReason::Burst => "seria naciśnięć",
            FilterReason::OutsideHours => "poza godzinami otwarcia",
        }
    }
}

impl FilteredPress {
    /// Why the server refuses to keep this press, if it does: a button the panel cannot have.
    pub fn check(&self) -> Result<(), ValidationError> {
        if (1..=MAX_FACES).contains(&self.button) {
            Ok(())
        } else {
            let problem = crate::validation::Problem::OutOfRange { min: 1, max: MAX_FACES, got: self.button };
            Err(ValidationError { question: None, problem })
        }
    }
}

/// A device's clocks at one moment: its wall clock (possibly wrong) and its monotonic clock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeviceClock {
    /// The monotonic clock now.
    #[serde(flatten)]
    pub monotonic: CaptureClock,
    /// The wall clock now, as the device believes it.
    pub wall: DateTime<Utc>,
}

/// A kiosk's request to pair with the one-time code the admin gave it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PairRequest {
    /// Always [`WIRE_VERSION`] when sent by this build.
    pub wire_version: u32,
    /// The code shown in the admin panel, e.g. `K7PX-M2QD`.
    pub code: String,
}

/// The server's answer to a successful pairing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PairReply {
    /// The wire version of the reply.
    pub wire_version: u32,
    /// The kiosk's secret token, sent as `Authorization: Bearer …` from now on. Shown only this once.
    pub token: String,
    /// The office the kiosk belongs to (its slug).
    pub office: String,
    /// The kiosk's name, as the admin enrolled it.
    pub device: String,
    /// The kiosk's own service PIN as an argon2id hash (PHC string), generated when the admin enrolled the
    /// kiosk and shown to them once. The kiosk checks the PIN typed on its service screen against it.
    /// Absent from servers before this field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_pin_hash: Option<String>,
}

/// What a kiosk reports regularly, whether or not it has answers to send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Heartbeat {
    /// Always [`WIRE_VERSION`] when sent by this build.
    pub wire_version: u32,
    /// The kiosk program's version.
    pub app_version: String,
    /// Answers stored on the kiosk and not yet acknowledged.
    pub pending: u64,
    /// The kiosk's clocks now.
    pub clock: DeviceClock,
    /// Free space on the kiosk's data disk, in bytes, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub free_disk_bytes: Option<u64>,
    /// A service PIN set on the kiosk's service screen and not yet confirmed by the server, as an argon2id
    /// hash (PHC string); the PIN itself never leaves the kiosk. Sent with every heartbeat until a reply
    /// carries the same hash.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_pin_hash: Option<String>,
    /// What the device is, so that the panel can tell a tablet from a kiosk. Absent from kiosks (and from
    /// devices before this field): a kiosk.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_kind: Option<DeviceKind>,
}

/// What kind of device talks to the sync API: the Slint kiosk, or the web app on a tablet (`/kiosk/`).
/// Both send the same answers (channel `kiosk_touch`); the panel names them differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeviceKind {
    /// The kiosk program (a Raspberry Pi with a touch screen or a button panel).
    Kiosk,
    /// The tablet's web app served by the server.
    Tablet,
}

impl DeviceKind {
    /// Every kind.
    pub const ALL: [DeviceKind; 2] = [DeviceKind::Kiosk, DeviceKind::Tablet];

    /// The name used in databases and on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            DeviceKind::Kiosk => "kiosk",
            DeviceKind::Tablet => "tablet",
        }
    }

    /// Reads the name used in databases and on the wire.
    pub fn parse(name: &str) -> Option<DeviceKind> {
        DeviceKind::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// The kind in Polish, capitalised, for the panel ("Kiosk", "Tablet").
    pub fn label_pl(self) -> &'static str {
        match self {
            DeviceKind::Kiosk => "Kiosk",
            DeviceKind::Tablet => "Tablet",
        }
    }
}

/// The server's answer to a heartbeat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HeartbeatReply {
    /// The wire version of the reply.
    pub wire_version: u32,
    /// The server's clock, for the kiosk to show its own offset on the service screen.
    pub server_time: DateTime<Utc>,
    /// The kiosk's current service PIN as an argon2id hash (PHC string): the one set in the panel or
    /// reported by the kiosk, whichever reached the server last. Absent when the server has none for the
    /// kiosk (and from servers before this field); the kiosk then keeps what it has.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_pin_hash: Option<String>,
}

/// What a kiosk needs to ask the office's questions: the current questionnaire and the departments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuestionnairePackage {
    /// The wire version of the reply.
    pub wire_version: u32,
    /// The office's name, shown on the start screen.
    pub office_name: String,
    /// The current version.
    pub questionnaire: Questionnaire,
    /// The office's departments in display order: (key, name).
    pub departments: Vec<(String, String)>,
}

/// The office's information clause (klauzula informacyjna, art. 13 RODO), for a kiosk to show on request
/// and to offer as a QR code of its web address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PrivacyNotice {
    /// The clause in Polish, as the office's admin set it (or the default made from the office's data):
    /// plain text, paragraphs separated by a blank line.
    pub text: String,
    /// The public page with the same text, `https://…/prywatnosc`.
    pub url: String,
}

/// The server's answer to an [`UploadBatch`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UploadReceipt {
    /// The wire version of the reply.
    pub wire_version: u32,
    /// One entry per response sent, in the same order.
    pub results: Vec<ItemReceipt>,
    /// One entry per filtered press sent, in the same order (absent from servers before this field).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub filtered_results: Vec<ItemReceipt>,
}

/// What became of one response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemReceipt {
    /// The response's id.
    pub id: Uuid,
    /// What the server did with it.
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// What the server did with one response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
