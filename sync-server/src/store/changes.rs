//! Changes an admin makes to stored responses: correcting or withdrawing a typed-in paper sheet, and
//! redacting a comment that holds personal data. Each change is recorded with the content before it
//! (except a redacted text, which is kept nowhere) and in the audit log.

use rusqlite::{OptionalExtension, params};
use survey::{AnswerValue, QuestionKey, Response};

use super::responses::insert_answers;
use super::{Store, StoreError, audit, checkpoint, now_text, tally};

/// A stored response with what the list of paper entries shows about it.
#[derive(Debug, Clone)]
pub struct StoredResponse {
    pub response: Response,
    pub office_id: i64,
    pub received_at: String,
    pub withdrawn_at: Option<String>,
    /// How many times it was corrected.
    pub corrections: u32,
}

/// A free-text answer, for the comments list.
#[derive(Debug, Clone)]
pub struct Comment {
    pub response_id: String,
    pub question_key: String,
    pub text: String,
    pub captured_at: String,
    pub channel: String,
}

fn parse(json: &str) -> Result<Response, StoreError> {
    serde_json::from_str(json).map_err(|e| StoreError::Corrupt(format!("odpowiedź: {e}")))
}

fn to_json(r: &Response) -> Result<String, StoreError> {
    serde_json::to_string(r).map_err(|e| StoreError::Corrupt(e.to_string()))
}

impl Store {
    /// One response of the office, if it exists there.
    pub fn stored_response(&self, office_id: i64, id: &str) -> Result<Option<StoredResponse>, StoreError> {
        Ok(self.stored_responses(office_id, "r.id = ?2", &id, 1)?.pop())
    }

    /// The office's paper entries, newest first.
    pub fn paper_entries(&self, office_id: i64, limit: u32) -> Result<Vec<StoredResponse>, StoreError> {
        self.stored_responses(office_id, "r.channel = ?2", &"paper", limit)
    }

    /// The office's responses matching `condition` (on `r`, with `?2` bound to `value`), newest first, in
    /// one query.
    fn stored_responses(
        &self,
        office_id: i64,
        condition: &str,
        value: &dyn rusqlite::ToSql,
        limit: u32,
    ) -> Result<Vec<StoredResponse>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!(
            "SELECT payload, received_at, withdrawn_at,
                    (SELECT count(*) FROM response_changes c WHERE c.response_id = r.id AND c.change = 'corrected')
             FROM responses r WHERE r.office_id = ?1 AND {condition}
             ORDER BY r.received_at DESC, r.id DESC LIMIT ?3"
        ))?;
        let rows = stmt.query_map(params![office_id, value, limit], |r| {
            Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?;
        rows.map(|row| {
            let (payload, received_at, withdrawn_at, corrections) = row?;
            Ok(StoredResponse { response: parse(&payload)?, office_id, received_at, withdrawn_at, corrections })
        })
        .collect()
    }

    /// Replaces a paper entry's answers (and serial, date) with `corrected`, already validated. The
    /// content before is kept in `response_changes`.
    pub fn correct_response(&self, office_id: i64, actor: &str, corrected: &Response) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let id = corrected.id.to_string();
        let before: String = tx
            .query_row("SELECT payload FROM responses WHERE id = ?1 AND office_id = ?2", params![id, office_id], |r| {
                r.get(0)
            })
            .optional()?
            .ok_or_else(|| StoreError::Corrupt(format!("brak odpowiedzi {id}")))?;
        if let Some(serial) = &corrected.paper_serial {
            let other: Option<String> = tx
                .query_row(
                    "SELECT received_at FROM responses WHERE office_id = ?1 AND paper_serial = ?2 AND id <> ?3",
                    params![office_id, serial, id],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(entered_at) = other {
                return Err(StoreError::DuplicateSerial { serial: serial.clone(), entered_at });
            }
        }
        tx.execute(
            "INSERT INTO response_changes (response_id, at, actor, change, before_payload) VALUES (?1, ?2, ?3, 'corrected', ?4)",
            params![id, now_text(), actor, before],
        )?;
        tally::recount(&tx, &id, -1)?;
        tx.execute(
            "UPDATE responses SET payload = ?1, paper_serial = ?2, captured_at = ?3 WHERE id = ?4",
            params![
                to_json(corrected)?,
                corrected.paper_serial,
                corrected.captured_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                id
            ],
        )?;
        tx.execute("DELETE FROM answers WHERE response_id = ?1", [&id])?;
        insert_answers(&tx, &id, &corrected.answers)?;
        tally::recount(&tx, &id, 1)?;
        audit::record(&tx, Some(office_id), actor, "poprawienie ankiety", &id)?;
        tx.commit()?;
        Ok(())
    }

    /// Withdraws a response: it stays stored and recorded, but is counted nowhere.
    pub fn withdraw_response(&self, office_id: i64, actor: &str, id: &str) -> Result<bool, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let payload: Option<String> = tx
            .query_row(
                "SELECT payload FROM responses WHERE id = ?1 AND office_id = ?2 AND withdrawn_at IS NULL",
                params![id, office_id],
                |r| r.get(0),
            )
            .optional()?;
        let Some(payload) = payload else { return Ok(false) };
        tally::recount(&tx, id, -1)?;
        tx.execute("UPDATE responses SET withdrawn_at = ?1 WHERE id = ?2", params![now_text(), id])?;
        tx.execute(
            "INSERT INTO response_changes (response_id, at, actor, change, before_payload) VALUES (?1, ?2, ?3, 'withdrawn', ?4)",
            params![id, now_text(), actor, payload],
        )?;
        audit::record(&tx, Some(office_id), actor, "wycofanie ankiety", id)?;
        tx.commit()?;
        Ok(true)
    }

    /// The office's free-text answers, newest first.
    pub fn comments(&self, office_id: i64, limit: u32) -> Result<Vec<Comment>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT a.response_id, a.question_key, a.text, r.captured_at, r.channel
             FROM answers a JOIN responses r ON r.id = a.response_id
             WHERE r.office_id = ?1 AND r.withdrawn_at IS NULL AND a.text IS NOT NULL
             ORDER BY r.captured_at DESC, r.id DESC LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![office_id, limit], |r| {
            Ok(Comment {
                response_id: r.get(0)?,
                question_key: r.get(1)?,
                text: r.get(2)?,
                captured_at: r.get(3)?,
                channel: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Replaces a comment with `redacted` everywhere it is stored: the answer, the response, earlier
    /// versions of the response and conflicting copies. The original text is kept nowhere.
    pub fn redact_comment(
        &self,
        office_id: i64,
        actor: &str,
        response_id: &str,
        key: &QuestionKey,
        redacted: &str,
    ) -> Result<bool, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let payload: Option<String> = tx
            .query_row(
                "SELECT payload FROM responses WHERE id = ?1 AND office_id = ?2",
                params![response_id, office_id],
                |r| r.get(0),
            )
            .optional()?;
        let Some(payload) = payload else { return Ok(false) };
        let rewrite = |json: &str| -> Result<String, StoreError> {
            let mut r = parse(json)?;
            if let Some(AnswerValue::Text(text)) = r.answers.get_mut(key) {
                redacted.clone_into(text);
            }
            to_json(&r)
        };
        if !matches!(parse(&payload)?.answers.get(key), Some(AnswerValue::Text(_))) {
            return Ok(false);
        }
        tx.execute("UPDATE responses SET payload = ?1 WHERE id = ?2", params![rewrite(&payload)?, response_id])?;
        tx.execute(
            "UPDATE answers SET text = ?1 WHERE response_id = ?2 AND question_key = ?3",
            params![redacted, response_id, key.as_str()],
        )?;
        let earlier: Vec<(i64, String)> = tx
            .prepare(
                "SELECT id, before_payload FROM response_changes WHERE response_id = ?1 AND before_payload IS NOT NULL",
            )?
            .query_map([response_id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        for (change_id, json) in earlier {
            tx.execute(
                "UPDATE response_changes SET before_payload = ?1 WHERE id = ?2",
                params![rewrite(&json)?, change_id],
            )?;
        }
        let conflicts: Vec<(i64, String)> = tx
            .prepare("SELECT id, payload FROM response_conflicts WHERE response_id = ?1")?
            .query_map([response_id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        for (conflict_id, json) in conflicts {
            tx.execute(
                "UPDATE response_conflicts SET payload = ?1 WHERE id = ?2",
                params![rewrite(&json)?, conflict_id],
            )?;
        }
        tx.execute(
            "INSERT INTO response_changes (response_id, at, actor, change, before_payload) VALUES (?1, ?2, ?3, 'redacted', NULL)",
            params![response_id, now_text(), actor],
        )?;
        audit::record(&tx, Some(office_id), actor, "anonimizacja komentarza", &format!("{response_id} / {key}"))?;
        tx.commit()?;
        drop(conn);
        // The write-ahead log still holds the pages as they were: copy it into the database and cut it.
        // Until that is done the text is on disk, so a redaction that cannot do it says so.
        self.empty_log(checkpoint::EMPTY_LOG_WITHIN)?;
        Ok(true)
    }

    /// Empties the write-ahead log into the database, waiting at most `within` for readers to leave it.
    pub(super) fn empty_log(&self, within: std::time::Duration) -> Result<(), StoreError> {
        checkpoint::empty_log(&self.checkpoint_turn, || self.conn(), within)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn a_log_held_by_a_reader_is_reported_not_claimed_empty() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        store.create_office("alfa", "Urząd Gminy Alfa").unwrap();
        let mut reader = rusqlite::Connection::open(dir.path().join(super::super::DB_FILE)).unwrap();
        let snapshot = reader.transaction().unwrap();
        let _: i64 = snapshot.query_row("SELECT count(*) FROM offices", [], |r| r.get(0)).unwrap();
        // Written after the reader's snapshot: the log cannot be cut while the reader may still need it.
        store.create_office("beta", "Urząd Gminy Beta").unwrap();

        let held = store.empty_log(Duration::from_millis(300));
        assert!(matches!(held, Err(StoreError::LogNotEmptied)), "{held:?}");
        drop(snapshot);
        store.empty_log(Duration::from_millis(300)).unwrap();
        let log = dir.path().join(format!("{}-wal", super::super::DB_FILE));
        assert_eq!(std::fs::metadata(log).unwrap().len(), 0);
    }
}
