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

/// Validates a kiosk's batch (each questionnaire version loaded once) and stores every valid response in
/// one transaction. Items are `(response, capture time to count)`; the outcomes come back in order.
pub fn ingest_batch(
    store: &Store,
    batch: &[(Response, chrono::DateTime<chrono::Utc>)],
) -> Result<Vec<Outcome>, StoreError> {
    use std::collections::HashMap;
    let mut contexts: HashMap<(String, u32), Option<(survey::Questionnaire, ValidationContext)>> = HashMap::new();
    let mut outcomes: Vec<Option<Outcome>> = Vec::with_capacity(batch.len());
    let mut valid: Vec<(&Response, chrono::DateTime<chrono::Utc>)> = Vec::new();
    for (response, at) in batch {
        let key = (response.office.clone(), response.questionnaire_version);
        if !contexts.contains_key(&key) {
            let loaded = match store.questionnaire_version(&response.office, response.questionnaire_version) {
                Ok(q) => Some((
                    q,
                    ValidationContext {
                        departments: store.department_keys(&response.office)?,
                        keys_in_other_versions: store
                            .keys_outside_version(&response.office, response.questionnaire_version)?,
                    },
                )),
                Err(StoreError::UnknownQuestionnaireVersion { .. }) => None,
                Err(e) => return Err(e),
            };
            contexts.insert(key.clone(), loaded);
        }
        match contexts.get(&key).and_then(Option::as_ref) {
            None => {
                let current = store.current_questionnaire(&response.office)?;
                let problem = Problem::WrongVersion { expected: current.version, got: response.questionnaire_version };
                outcomes.push(Some(Outcome::Rejected { errors: vec![ValidationError { question: None, problem }] }));
            }
            Some((questionnaire, ctx)) => match validate(questionnaire, ctx, response) {
                Err(errors) => outcomes.push(Some(Outcome::Rejected { errors })),
                Ok(()) => {
                    outcomes.push(None);
                    valid.push((response, *at));
                }
            },
        }
    }
    let mut decisions = store.record_batch(&valid)?.into_iter();
    Ok(outcomes
        .into_iter()
        .map(|o| {
            o.unwrap_or_else(|| match decisions.next() {
                Some(SyncDecision::Store) => Outcome::Stored,
                Some(SyncDecision::AlreadyStored) => Outcome::AlreadyStored,
                // Every valid response has a decision; a missing one cannot happen, and counts as held aside.
                Some(SyncDecision::Conflict) | None => Outcome::Conflict,
            })
        })
        .collect())
}
