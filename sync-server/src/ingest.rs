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
    if let Some(rejected) = check(store, response, &mut Versions::new())? {
        return Ok(rejected);
    }
    Ok(outcome(store.record_response_as(response, intake.actor, intake.capture_time)?))
}

fn outcome(decision: SyncDecision) -> Outcome {
    match decision {
        SyncDecision::Store => Outcome::Stored,
        SyncDecision::AlreadyStored => Outcome::AlreadyStored,
        SyncDecision::Conflict => Outcome::Conflict,
    }
}

/// Questionnaire versions with their validation context, loaded once per (office, version); `None` for a
/// version the office never published.
type Versions =
    std::collections::HashMap<(String, u32), Option<(std::sync::Arc<survey::Questionnaire>, ValidationContext)>>;

/// Validates `response` against the version it answers; `Some(rejection)` when it may not be stored.
fn check(store: &Store, response: &Response, versions: &mut Versions) -> Result<Option<Outcome>, StoreError> {
    let key = (response.office.clone(), response.questionnaire_version);
    if !versions.contains_key(&key) {
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
        versions.insert(key.clone(), loaded);
    }
    Ok(match versions.get(&key).and_then(Option::as_ref) {
        None => {
            let current = store.current_questionnaire(&response.office)?;
            let problem = Problem::WrongVersion { expected: current.version, got: response.questionnaire_version };
            Some(Outcome::Rejected { errors: vec![ValidationError { question: None, problem }] })
        }
        Some((questionnaire, ctx)) => {
            validate(questionnaire, ctx, response).err().map(|errors| Outcome::Rejected { errors })
        }
    })
}

/// Validates a kiosk's batch (each questionnaire version loaded once) and stores every valid response in
/// one transaction. Items are `(response, capture time to count)`; the outcomes come back in order.
pub fn ingest_batch(
    store: &Store,
    batch: &[(Response, chrono::DateTime<chrono::Utc>)],
) -> Result<Vec<Outcome>, StoreError> {
    let mut versions = Versions::new();
    let mut outcomes: Vec<Option<Outcome>> = Vec::with_capacity(batch.len());
    let mut valid: Vec<(&Response, chrono::DateTime<chrono::Utc>)> = Vec::new();
    for (response, at) in batch {
        let rejected = check(store, response, &mut versions)?;
        if rejected.is_none() {
            valid.push((response, *at));
        }
        outcomes.push(rejected);
    }
    let mut decisions = store.record_batch(&valid)?.into_iter();
    Ok(outcomes
        .into_iter()
        .map(|o| {
            // Every valid response has a decision; a missing one cannot happen, and counts as held aside.
            o.unwrap_or_else(|| decisions.next().map_or(Outcome::Conflict, outcome))
        })
        .collect())
}
