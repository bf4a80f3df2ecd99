//! Taking in one response from any channel: validate it against the questionnaire version it answers,
//! then store it exactly once. The web survey, paper entry and the kiosks' sync API all come through here.

use survey::validation::{Problem, ValidationContext, ValidationError, validate};
use survey::wire::Outcome;
use survey::{Response, sync::SyncDecision};

use crate::store::{Store, StoreError};

/// Validates and stores `response`. Answers to an older questionnaire version are accepted against that
/// version (a kiosk offline for weeks must not lose its answers because the questionnaire changed); a
/// version the office never published is refused.
pub fn ingest(store: &Store, response: &Response) -> Result<Outcome, StoreError> {
    ingest_with(store, response, &Intake::default())
}

/// Who brought a response in and when it really was captured, when that is known better than the
/// response says.
#[derive(Debug, Default)]
pub struct Intake<'a> {
    /// The admin who typed it in (paper), recorded in the audit log.
    pub actor: Option<&'a str>,
    /// The capture time to count, when the device's clock was corrected (see
    /// `survey::wire::corrected_capture_time`); the response itself keeps what the device said.
    pub capture_time: Option<chrono::DateTime<chrono::Utc>>,
}

/// [`ingest`] with what the channel knows about the response's intake.
pub fn ingest_with(store: &Store, response: &Response, intake: &Intake<'_>) -> Result<Outcome, StoreError> {
    let questionnaire = match store.questionnaire_version(&response.office, response.questionnaire_version) {
        Ok(q) => q,
        Err(StoreError::UnknownQuestionnaireVersion { .. }) => {
            let current = store.current_questionnaire(&response.office)?;
            let problem = Problem::WrongVersion { expected: current.version, got: response.questionnaire_version };
            return Ok(Outcome::Rejected { errors: vec![ValidationError { question: None, problem }] });
        }
        Err(e) => return Err(e),
    };
    let ctx = ValidationContext {
        departments: store.department_keys(&response.office)?,
        keys_in_other_versions: store.keys_outside_version(&response.office, response.questionnaire_version)?,
    };
    if let Err(errors) = validate(&questionnaire, &ctx, response) {
        return Ok(Outcome::Rejected { errors });
    }
    Ok(match store.record_response_as(response, intake.actor, intake.capture_time)? {
        SyncDecision::Store => Outcome::Stored,
        SyncDecision::AlreadyStored => Outcome::AlreadyStored,
        SyncDecision::Conflict => Outcome::Conflict,
    })
}
