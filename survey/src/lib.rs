//! The domain of Oceń Urząd, shared by the server and the kiosk.
//!
//! This crate owns what a questionnaire is ([`questionnaire`]), the default questionnaire real offices use
//! ([`default_questionnaire`]), what an answer is ([`response`]), whether an answer is acceptable
//! ([`validation`]), what the answers add up to ([`scoring`]), whether an incoming answer is new, a resend
//! or a conflict ([`sync`]), when an answer counts whatever a device's clock says ([`capture_time`]), which
//! kiosk service PINs are too easy to guess ([`service_pin`]), and the JSON that kiosks and the server
//! exchange ([`wire`]).
//!
//! It does not own storage, HTTP or any user interface: no SQL, no sockets, no widgets. Everything here
//! is pure and deterministic, so the web survey, the kiosk, the reports and the dashboard agree to the
//! decimal because they all call the same functions.
//!
//! With the `openapi` feature (the server enables it), the sync wire types and the types they carry
//! also derive their OpenAPI schemas (`utoipa::ToSchema`), so the published API document follows serde.

pub mod capture_time;
pub mod default_questionnaire;
pub mod editing;
pub mod questionnaire;
pub mod response;
pub mod scoring;
pub mod service_pin;
pub mod sync;
pub mod text;
pub mod validation;
pub mod wire;

pub use questionnaire::{ChoiceOption, Question, QuestionKey, QuestionKind, Questionnaire, RatingPurpose, Section};
pub use response::{AnswerValue, Answers, CaptureClock, Channel, Response};
pub use text::{Lang, LocalizedText};
