//! Storing responses exactly once, whatever the channel and however often they are resent.

use rusqlite::{OptionalExtension, params};
use survey::sync::{Stored, SyncDecision, decide};
use survey::{AnswerValue, Channel, Response};

use super::tally::Tally;
use super::{Store, StoreError, audit, now_text, offices};

/// What [`Store::record_response`] did: the sync decision, carried out.
pub type RecordOutcome = SyncDecision;

/// A validated response on its way into the database, with what the intake learnt about it.
#[derive(Debug, Clone, Copy)]
pub struct Incoming<'a> {
    pub response: &'a Response,
    /// The capture time to count (a device's clock corrected, or replaced by the receiving time).
    pub counted_at: chrono::DateTime<chrono::Utc>,
    /// Whether `counted_at` replaced a capture time that could not be true.
    pub time_replaced: bool,
    /// The admin who typed it in (paper), recorded in the audit log.
    pub actor: Option<&'a str>,
}

impl<'a> Incoming<'a> {
    /// A response counted at its own capture time, entered by nobody in particular.
    pub fn as_given(response: &'a Response) -> Incoming<'a> {
        Incoming { response, counted_at: response.captured_at, time_replaced: false, actor: None }
    }
}

impl Store {
    /// Stores a validated response once, at its own capture time (see [`Store::record_one`]).
    pub fn record_response(&self, response: &Response) -> Result<RecordOutcome, StoreError> {
        self.record_one(&Incoming::as_given(response))
    }

    /// Stores one validated response once, in its own transaction. What happens is decided by
    /// `survey::sync::decide`: a resend of the same content is a no-op; the same id with other content is
    /// kept aside in `response_conflicts` and not counted. A paper sheet whose serial is already entered
    /// is refused, naming when it was entered.
    pub fn record_one(&self, incoming: &Incoming<'_>) -> Result<RecordOutcome, StoreError> {
        record_alone(&mut self.conn(), incoming)
    }

    /// Records a kiosk's batch in one transaction: one durable commit for all of it, so a backlog drains
    /// at the speed of the disk's batched writes rather than one flush per answer. Each item has its own
    /// savepoint: one that cannot be stored ([`StoreError::concerns_one_item`]) is rolled back alone and
    /// gets its error, while the rest are committed. An error of the database as a whole (a full disk)
    /// fails the batch: nothing is committed and the kiosk sends it again.
    pub fn record_batch(&self, batch: &[Incoming<'_>]) -> Result<Vec<Result<RecordOutcome, StoreError>>, StoreError> {
        let mut conn = self.conn();
        let mut tx = conn.transaction()?;
        let outcomes = record_each(&mut tx, &mut Tally::default(), batch.iter())?;
        tx.commit()?;
        Ok(outcomes)
    }

    /// Responses stored for the office, per channel (channels without responses included, as zero).
    pub fn response_counts(&self, office_slug: &str) -> Result<Vec<(Channel, u64)>, StoreError> {
        let conn = self.conn();
        let office = offices::office_by_slug(&conn, office_slug)?;
        let mut stmt = conn
            .prepare("SELECT count(*) FROM responses WHERE office_id = ?1 AND channel = ?2 AND withdrawn_at IS NULL")?;
        Channel::ALL
            .into_iter()
            .map(|c| Ok((c, stmt.query_row(params![office.id, c.as_str()], |r| r.get(0))?)))
            .collect()
    }

    /// Every response the office has ever received, withdrawn ones included: whether it has real data.
    pub fn responses_ever(&self, office_id: i64) -> Result<u64, StoreError> {
        Ok(self.conn().query_row("SELECT count(*) FROM responses WHERE office_id = ?1", [office_id], |r| r.get(0))?)
    }

    /// How many responses are kept aside as conflicts.
    pub fn conflict_count(&self) -> Result<u64, StoreError> {
        Ok(self.conn().query_row("SELECT count(*) FROM response_conflicts", [], |r| r.get(0))?)
    }
}

/// One response in a transaction of its own, with its counts.
pub(super) fn record_alone(
    conn: &mut rusqlite::Connection,
    incoming: &Incoming<'_>,
) -> Result<RecordOutcome, StoreError> {
    let tx = conn.transaction()?;
    let mut tally = Tally::default();
    let decision = record_in(&tx, &mut tally, incoming)?;
    tally.flush(&tx)?;
    tx.commit()?;
    Ok(decision)
}

/// Records each item under its own savepoint in `tx`: an item that fails with an error of its own
/// ([`StoreError::concerns_one_item`]) is rolled back alone, with the counts it would have added, and gets
/// its error; the others stay. Any other error (a full disk) ends the whole transaction at once: SQLite
/// may already have rolled it back, and a savepoint opened after that would commit on its own. The counts
/// are written at the end; committing `tx` is the caller's. `tally` may come with questionnaire versions
/// already parsed (the group commit keeps them from one commit to the next); counts it holds from a
/// failed earlier transaction are dropped first.
pub(super) fn record_each<'a>(
    tx: &mut rusqlite::Transaction<'_>,
    tally: &mut Tally,
    items: impl Iterator<Item = &'a Incoming<'a>>,
) -> Result<Vec<Result<RecordOutcome, StoreError>>, StoreError> {
    tally.drop_pending();
    let mut outcomes = Vec::with_capacity(items.size_hint().0);
    for incoming in items {
        let savepoint = tx.savepoint()?;
        let outcome = tally.keep_if_ok(|tally| record_in(&savepoint, tally, incoming));
        match outcome {
            Ok(_) => savepoint.commit()?,
            // Dropping a savepoint that was not committed rolls it back.
            Err(e) if !e.concerns_one_item() || savepoint.is_autocommit() => return Err(e),
            Err(_) => {}
        }
        outcomes.push(outcome);
    }
    tally.flush(tx)?;
    Ok(outcomes)
}

/// The sync decision for one response, carried out inside the caller's transaction.
pub(super) fn record_in(
    tx: &rusqlite::Connection,
    tally: &mut Tally,
    incoming: &Incoming<'_>,
) -> Result<RecordOutcome, StoreError> {
    let response = incoming.response;
    let id = response.id.to_string();
    let payload = serde_json::to_string(response).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let stored: Option<String> =
        tx.prepare_cached("SELECT payload FROM responses WHERE id = ?1")?.query_row([&id], |r| r.get(0)).optional()?;
    let stored: Option<Response> = stored
        .map(|json| serde_json::from_str(&json).map_err(|e| StoreError::Corrupt(format!("odpowiedź {id}: {e}"))))
        .transpose()?;
    let changed = match &stored {
        Some(_) => changed_by_admin(tx, &id)?,
        None => false,
    };
    let decision = decide(stored.as_ref().map(|response| Stored { response, changed_by_admin: changed }), response);
    match decision {
        SyncDecision::Store => insert(tx, tally, incoming, &id, &payload)?,
        SyncDecision::AlreadyStored => {}
        SyncDecision::Conflict => {
            tx.execute(
                "INSERT INTO response_conflicts (response_id, received_at, payload) VALUES (?1, ?2, ?3)",
                params![id, now_text(), payload],
            )?;
            tracing::warn!(response = %id, "odpowiedź o tym samym identyfikatorze, ale innej treści: odłożona jako konflikt");
        }
    }
    if let (Some(actor), SyncDecision::Store) = (incoming.actor, decision) {
        let office = offices::office_by_slug(tx, &response.office)?;
        let serial = response.paper_serial.as_deref().unwrap_or("bez numeru");
        audit::record(tx, Some(office.id), actor, "wprowadzenie ankiety", &format!("{id} (arkusz {serial})"))?;
    }
    Ok(decision)
}

fn insert(
    tx: &rusqlite::Connection,
    tally: &mut Tally,
    incoming: &Incoming<'_>,
    id: &str,
    payload: &str,
) -> Result<(), StoreError> {
    let (r, captured_at) = (incoming.response, incoming.counted_at);
    let office_id = office_id(tx, &r.office)?;
    // The version's definition is read once per tally (a batch answers one or two versions; the group
    // commit's tally lives as long as its thread): published versions never change or go away.
    let definition: Option<String> = if tally.knows(office_id, r.questionnaire_version) {
        None
    } else {
        let stored = tx
            .query_row(
                "SELECT definition FROM questionnaire_versions WHERE office_id = ?1 AND version = ?2",
                params![office_id, r.questionnaire_version],
                |row| row.get(0),
            )
            .optional()?;
        if stored.is_none() {
            return Err(StoreError::UnknownQuestionnaireVersion {
                office: r.office.clone(),
                version: r.questionnaire_version,
            });
        }
        stored
    };
    if let Some(serial) = &r.paper_serial {
        let entered_at: Option<String> = tx
            .query_row(
                "SELECT received_at FROM responses WHERE office_id = ?1 AND paper_serial = ?2",
                params![office_id, serial],
                |row| row.get(0),
            )
            .optional()?;
        if let Some(entered_at) = entered_at {
            return Err(StoreError::DuplicateSerial { serial: serial.clone(), entered_at });
        }
    }
    let captured_text = captured_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    tx.prepare_cached(
        "INSERT INTO responses (id, office_id, questionnaire_version, channel, captured_at, received_at, device, paper_serial, payload, capture_time_replaced)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![id, office_id, r.questionnaire_version, r.channel.as_str(), captured_text, now_text(), r.device, r.paper_serial, payload, incoming.time_replaced],
    )?;
    insert_answers(tx, id, &r.answers)?;
    // The stored time is whole seconds; counting that same time keeps the counts equal to a rebuild.
    let counted_at = chrono::DateTime::parse_from_rfc3339(&captured_text).map_or(captured_at, |t| t.to_utc());
    match definition {
        Some(definition) => tally.add_to_version((office_id, r.questionnaire_version, &definition), r, counted_at, 1),
        None => {
            tally.add_to_known(office_id, r.questionnaire_version, r, counted_at, 1);
            Ok(())
        }
    }
}

/// The row id of the office `slug`: all that storing a response needs of it (not the whole office).
fn office_id(tx: &rusqlite::Connection, slug: &str) -> Result<i64, StoreError> {
    tx.prepare_cached("SELECT id FROM offices WHERE slug = ?1")?
        .query_row([slug], |row| row.get(0))
        .optional()?
        .ok_or_else(|| StoreError::UnknownOffice(slug.to_owned()))
}

pub(super) fn changed_by_admin(tx: &rusqlite::Connection, id: &str) -> Result<bool, StoreError> {
    Ok(tx
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM response_changes WHERE response_id = ?1)")?
        .query_row([id], |r| r.get(0))?)
}

/// Writes the answers table rows of a response (one per answer, one per chosen option).
pub(super) fn insert_answers(tx: &rusqlite::Connection, id: &str, answers: &survey::Answers) -> Result<(), StoreError> {
    let mut answer = tx.prepare_cached(
        "INSERT INTO answers (response_id, question_key, rating, not_applicable, choice, text) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for (key, value) in answers {
        let key = key.as_str();
        match value {
            AnswerValue::Rating(v) => answer.execute(params![id, key, v, false, None::<&str>, None::<&str>])?,
            AnswerValue::NotApplicable => {
                answer.execute(params![id, key, None::<u8>, true, None::<&str>, None::<&str>])?
            }
            AnswerValue::Choice(c) => answer.execute(params![id, key, None::<u8>, false, c, None::<&str>])?,
            AnswerValue::Text(t) => answer.execute(params![id, key, None::<u8>, false, None::<&str>, t])?,
            AnswerValue::Choices(cs) => {
                for c in cs {
                    answer.execute(params![id, key, None::<u8>, false, c, None::<&str>])?;
                }
                cs.len()
            }
        };
    }
    Ok(())
}

impl Store {
    /// Every response of the office, oldest capture first. For tests and small exports; reports aggregate
    /// in SQL instead of loading responses.
    pub fn responses_of(&self, office_slug: &str) -> Result<Vec<Response>, StoreError> {
        let conn = self.conn();
        let office = offices::office_by_slug(&conn, office_slug)?;
        let mut stmt = conn.prepare("SELECT payload FROM responses WHERE office_id = ?1 ORDER BY captured_at, id")?;
        let payloads = stmt.query_map([office.id], |r| r.get::<_, String>(0))?;
        payloads
            .map(|json| serde_json::from_str(&json?).map_err(|e| StoreError::Corrupt(format!("odpowiedź: {e}"))))
            .collect()
    }
}
