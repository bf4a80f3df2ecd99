//! Taking in answers from every channel, in one place: the web survey ([`ingest_web`], into the group
//! commit), paper entry ([`ingest_paper`]) and the kiosks' batches ([`ingest_kiosk_batch`]).
//!
//! Every answer goes through the same steps, each once: it is read (a kiosk's item that cannot be read is
//! refused alone), checked against the device that sent it, validated against the questionnaire version it
//! answers ([`Checker`]), given the capture time to count (`survey::capture_time`), and stored exactly once
//! by the store, which carries out `survey::sync::decide`. One answer that cannot be stored never blocks
//! the rest of its batch: it gets its own outcome in the receipt.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use survey::capture_time::{CountedTime, counted_capture_time, plausible_or_received};
use survey::validation::{Problem, ValidationContext, ValidationError, validate};
use survey::wire::{DeviceClock, FilteredPress, ItemReceipt, Outcome};
use survey::{Channel, Questionnaire, Response, sync::SyncDecision};
use uuid::Uuid;

use crate::store::{Incoming, Office, PairedDevice, Store, StoreError};

/// Validates and stores a response whose capture time is trusted as given (typed in by an admin, sample
/// data, tests). Answers to an older questionnaire version are accepted against that version (a kiosk
/// offline for weeks must not lose its answers because the questionnaire changed); a version the office
/// never published is refused.
pub fn ingest(store: &Store, response: &Response) -> Result<Outcome, StoreError> {
    ingest_trusted(store, response, None)
}

/// A paper sheet typed in by `actor` (recorded in the audit log). Its date was typed too and is checked
/// by the form: sheets may come from before the office's survey began in this system.
pub fn ingest_paper(store: &Store, response: &Response, actor: &str) -> Result<Outcome, StoreError> {
    ingest_trusted(store, response, Some(actor))
}

fn ingest_trusted(store: &Store, response: &Response, actor: Option<&str>) -> Result<Outcome, StoreError> {
    if let Err(errors) = Checker::new(store).check(response)? {
        return Ok(Outcome::Rejected { errors });
    }
    let incoming = Incoming { actor, ..Incoming::as_given(response) };
    Ok(outcome(store.record_one(&incoming)?))
}

/// A correction of a paper sheet typed in by `actor`: validated like a new sheet against the version it
/// answers, then stored over the old content (which `response_changes` keeps). `Ok(Err(errors))` when
/// it may not be stored.
pub fn correct_paper(
    store: &Store,
    office_id: i64,
    corrected: &Response,
    actor: &str,
) -> Result<Result<(), Vec<ValidationError>>, StoreError> {
    if let Err(errors) = Checker::new(store).check(corrected)? {
        return Ok(Err(errors));
    }
    store.correct_response(office_id, actor, corrected).map(Ok)
}

/// A web survey, validated against the questionnaire the form showed (`questionnaire`, with `ctx`),
/// stored once and durably together with the surveys sent at the same moment. Its capture time is the
/// moment the server served the form; it is checked like any other.
pub async fn ingest_web(
    store: &Store,
    office: &Office,
    questionnaire: &Questionnaire,
    ctx: &ValidationContext,
    response: Response,
) -> Result<Outcome, StoreError> {
    if let Err(errors) = validate(questionnaire, ctx, &response) {
        return Ok(Outcome::Rejected { errors });
    }
    let counted = counted_capture_time(&response, None, Utc::now(), survey_began(office));
    Ok(outcome(store.record_web_response(response, counted).await?))
}

/// Every problem of a response that is not going to be stored anyway (its form has fields that could not
/// be read), so that a person sees all of them at once.
pub fn problems(questionnaire: &Questionnaire, ctx: &ValidationContext, response: &Response) -> Vec<ValidationError> {
    validate(questionnaire, ctx, response).err().unwrap_or_default()
}

/// An item of a kiosk's batch that could not be read as what it should be.
#[derive(Debug, Clone)]
pub struct Unreadable {
    /// Its id, when at least that could be read (else the nil UUID in its receipt).
    pub id: Option<Uuid>,
    /// What the reader said.
    pub detail: String,
}

/// A kiosk's batch as it arrived, item by item.
pub struct KioskBatch<'a> {
    pub device: &'a PairedDevice,
    /// When the server received it.
    pub received_at: DateTime<Utc>,
    /// The device's clocks when it sent the batch, when it said and they could be read.
    pub clock: Option<&'a DeviceClock>,
    pub responses: &'a [Result<Response, Unreadable>],
    pub presses: &'a [Result<FilteredPress, Unreadable>],
}

/// What became of each item of a [`KioskBatch`], in the order sent.
#[derive(Debug)]
pub struct KioskReceipt {
    pub responses: Vec<ItemReceipt>,
    pub presses: Vec<ItemReceipt>,
}

/// Takes in a kiosk's batch: every readable, valid response is stored in one transaction, each under its
/// own savepoint, so one that cannot be stored is refused alone; filtered presses are checked and stored
/// the same way. An error of the database as a whole (a full disk) fails the batch: nothing is committed
/// and the kiosk sends it again.
pub fn ingest_kiosk_batch(store: &Store, batch: &KioskBatch<'_>) -> Result<KioskReceipt, StoreError> {
    let mut checker = Checker::new(store);
    // Everything a device may send belongs to its own office (`refused_for_device`).
    let began = survey_began(&store.office(&batch.device.office_slug)?);
    let mut results: Vec<Option<Outcome>> = Vec::with_capacity(batch.responses.len());
    let mut valid: Vec<Incoming<'_>> = Vec::new();
    for item in batch.responses {
        let refused = match item {
            Err(unreadable) => Some(refusal(Problem::Unreadable { detail: unreadable.detail.clone() })),
            Ok(response) => match refused_for_device(batch.device, response) {
                Some(problem) => Some(refusal(problem)),
                None => checker.check(response)?.err().map(|errors| Outcome::Rejected { errors }),
            },
        };
        if let (None, Ok(response)) = (&refused, item) {
            let CountedTime { at, replaced } = counted_capture_time(response, batch.clock, batch.received_at, began);
            valid.push(Incoming { response, counted_at: at, time_replaced: replaced, actor: None });
        }
        results.push(refused);
    }
    let mut stored = store.record_batch(&valid)?.into_iter().zip(&valid);
    let responses = batch
        .responses
        .iter()
        .zip(results)
        .map(|(item, refused)| {
            let outcome = refused.unwrap_or_else(|| match stored.next() {
                Some((Ok(decision), _)) => outcome(decision),
                Some((Err(e), incoming)) => {
                    tracing::warn!(response = %incoming.response.id, error = %e, "odpowiedź z kiosku nie do zapisania: odrzucona, reszta paczki zapisana");
                    refusal(Problem::NotStorable)
                }
                // Every valid response has a decision; should one be missing, the kiosk keeps it aside.
                None => refusal(Problem::NotStorable),
            });
            ItemReceipt { id: item_id(item, |r| r.id), outcome }
        })
        .collect();

    let mut presses: Vec<Option<Outcome>> = Vec::with_capacity(batch.presses.len());
    let mut keep: Vec<(&FilteredPress, DateTime<Utc>)> = Vec::new();
    for item in batch.presses {
        presses.push(match item {
            Err(unreadable) => Some(refusal(Problem::Unreadable { detail: unreadable.detail.clone() })),
            Ok(press) => match press.check() {
                Err(error) => Some(Outcome::Rejected { errors: vec![error] }),
                Ok(()) => {
                    keep.push((press, plausible_or_received(press.captured_at, batch.received_at, began).at));
                    None
                }
            },
        });
    }
    let mut new = store.record_filtered_presses(batch.device, &keep)?.into_iter();
    let presses = batch
        .presses
        .iter()
        .zip(presses)
        .map(|(item, refused)| {
            let outcome = refused.unwrap_or_else(|| match new.next() {
                Some(true) => Outcome::Stored,
                _ => Outcome::AlreadyStored,
            });
            ItemReceipt { id: item_id(item, |p| p.id), outcome }
        })
        .collect();
    Ok(KioskReceipt { responses, presses })
}

fn item_id<T>(item: &Result<T, Unreadable>, id: impl Fn(&T) -> Uuid) -> Uuid {
    match item {
        Ok(value) => id(value),
        Err(unreadable) => unreadable.id.unwrap_or(Uuid::nil()),
    }
}

fn refusal(problem: Problem) -> Outcome {
    Outcome::Rejected { errors: vec![ValidationError { question: None, problem }] }
}

/// What a device may not send at all: an answer of another office, or of a channel that is not a kiosk's.
fn refused_for_device(device: &PairedDevice, r: &Response) -> Option<Problem> {
    if r.office != device.office_slug {
        Some(Problem::WrongOffice)
    } else if !matches!(r.channel, Channel::KioskTouch | Channel::KioskButtons) {
        Some(Problem::WrongChannel)
    } else {
        None
    }
}

fn outcome(decision: SyncDecision) -> Outcome {
    match decision {
        SyncDecision::Store => Outcome::Stored,
        SyncDecision::AlreadyStored => Outcome::AlreadyStored,
        SyncDecision::Conflict => Outcome::Conflict,
    }
}

/// How long before its office was created here a kiosk may have taken answers: a kiosk set up and used
/// before it was paired keeps them until it is.
const ANSWERS_BEFORE_PAIRING: chrono::TimeDelta = chrono::TimeDelta::days(90);

/// When the office's survey began, for checking device times: its creation here, less
/// [`ANSWERS_BEFORE_PAIRING`]. A device's capture time before it cannot be true. An unreadable creation
/// time sets no lower bound.
fn survey_began(office: &Office) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(&office.created_at)
        .ok()
        .and_then(|t| t.to_utc().checked_sub_signed(ANSWERS_BEFORE_PAIRING))
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// A questionnaire version with what validation needs besides it; `None` for a version never published.
type Version = Option<(Arc<Questionnaire>, ValidationContext)>;

/// Validates responses, loading each questionnaire version once per intake.
pub struct Checker<'s> {
    store: &'s Store,
    versions: HashMap<(String, u32), Version>,
}

impl<'s> Checker<'s> {
    pub fn new(store: &'s Store) -> Checker<'s> {
        Checker { store, versions: HashMap::new() }
    }

    /// Validates `response` against the version it answers: `Ok(Err(errors))` when it may not be stored.
    pub fn check(&mut self, response: &Response) -> Result<Result<(), Vec<ValidationError>>, StoreError> {
        let key = (response.office.clone(), response.questionnaire_version);
        if !self.versions.contains_key(&key) {
            let loaded = self.load(&response.office, response.questionnaire_version)?;
            self.versions.insert(key.clone(), loaded);
        }
        Ok(match self.versions.get(&key).and_then(Option::as_ref) {
            None => {
                let current = self.store.current_questionnaire(&response.office)?;
                let problem = Problem::WrongVersion { expected: current.version, got: response.questionnaire_version };
                Err(vec![ValidationError { question: None, problem }])
            }
            Some((questionnaire, ctx)) => validate(questionnaire, ctx, response),
        })
    }

    fn load(&self, office: &str, version: u32) -> Result<Version, StoreError> {
        match self.store.questionnaire_version(office, version) {
            Ok(q) => Ok(Some((
                q,
                ValidationContext {
                    departments: self.store.department_keys(office)?,
                    keys_in_other_versions: self.store.keys_outside_version(office, version)?,
                },
            ))),
            Err(StoreError::UnknownQuestionnaireVersion { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }
}
