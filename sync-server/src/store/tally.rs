//! The running counts behind reports (table `tally`, see `migrations/0006_tally.sql`). Every response
//! stored adds its rows, a withdrawal subtracts them, a correction subtracts the old and adds the new, all
//! in the caller's transaction, so the counts always equal what the responses say. `rebuild` recomputes
//! them from the responses (after the migration, and in tests as the reference).

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use chrono::{DateTime, Timelike, Utc};
use rusqlite::{Connection, params};
use survey::default_questionnaire::DEPARTMENT;
use survey::{AnswerValue, Questionnaire, Response};

use super::StoreError;
use crate::local_time;

/// The scope of every response.
pub(super) const ALL: &str = "*";
/// Pseudo-questions: whether the response is complete ('1'/'0'), its questionnaire version, the local
/// hour it was given ('00'..'23'), and the overall rating per department (`#dept:KEY`).
pub(super) const COMPLETE: &str = "#complete";
pub(super) const VERSION: &str = "#version";
pub(super) const HOUR: &str = "#hour";
pub(super) const DEPT_OVERALL: &str = "#dept:";
/// The value of "nie dotyczy" (ratings are '1'..'5'; choice keys start with a letter).
pub(super) const NOT_APPLICABLE: &str = "-";

/// The scope of one department's responses; `None` for responses that named none.
pub(super) fn department_scope(department: Option<&str>) -> String {
    format!("dept:{}", department.unwrap_or(""))
}

/// The (scope, question, value) rows one response counts in.
fn rows(q: &Questionnaire, r: &Response, hour: u32) -> Vec<(String, String, String)> {
    let department = match r.answers.iter().find(|(k, _)| k.as_str() == DEPARTMENT) {
        Some((_, AnswerValue::Choice(c))) => Some(c.as_str()),
        _ => None,
    };
    let mut values: Vec<(String, String)> = Vec::with_capacity(r.answers.len() + 3);
    for (key, answer) in &r.answers {
        let key = key.as_str();
        match answer {
            AnswerValue::Rating(v) => values.push((key.to_owned(), v.to_string())),
            AnswerValue::NotApplicable => values.push((key.to_owned(), NOT_APPLICABLE.to_owned())),
            AnswerValue::Choice(c) => values.push((key.to_owned(), c.clone())),
            AnswerValue::Choices(cs) => values.extend(cs.iter().map(|c| (key.to_owned(), c.clone()))),
            // Comments are read from the answers themselves; there is nothing to count.
            AnswerValue::Text(_) => {}
        }
    }
    values.push((COMPLETE.to_owned(), if survey::scoring::is_complete(q, &r.answers) { "1" } else { "0" }.into()));
    values.push((VERSION.to_owned(), r.questionnaire_version.to_string()));
    let scope = department_scope(department);
    let mut out: Vec<(String, String, String)> =
        values.iter().map(|(k, v)| (scope.clone(), k.clone(), v.clone())).collect();
    out.extend(values.into_iter().map(|(k, v)| (ALL.to_owned(), k, v)));
    out.push((ALL.to_owned(), HOUR.to_owned(), format!("{hour:02}")));
    if let Some(AnswerValue::Rating(v)) = r.answers.get(&q.overall_question) {
        out.push((ALL.to_owned(), format!("{DEPT_OVERALL}{}", department.unwrap_or("")), v.to_string()));
    }
    out
}

fn add_to(
    pending: &mut HashMap<Key, i64>,
    office_id: i64,
    q: &Questionnaire,
    r: &Response,
    captured_at: DateTime<Utc>,
    sign: i64,
) {
    let local = local_time::local(captured_at);
    let day = local.date().to_string();
    for (scope, key, value) in rows(q, r, local.hour()) {
        *pending.entry((office_id, scope, day.clone(), r.channel.as_str(), key, value)).or_default() += sign;
    }
}

/// One count's key: office, scope, day, channel, question, value.
type Key = (i64, String, String, &'static str, String, String);

/// Counts gathered in memory and written at once: a kiosk's batch of a day's answers touches a few
/// hundred counts, not a few dozen per answer. Also keeps each questionnaire version parsed once.
#[derive(Default)]
pub(super) struct Tally {
    pending: HashMap<Key, i64>,
    versions: HashMap<(i64, u32), Questionnaire>,
}

impl Tally {
    /// Adds (`sign` = 1) or subtracts (`sign` = -1) one response's counts.
    pub(super) fn add(
        &mut self,
        office_id: i64,
        q: &Questionnaire,
        r: &Response,
        captured_at: DateTime<Utc>,
        sign: i64,
    ) {
        add_to(&mut self.pending, office_id, q, r, captured_at, sign);
    }

    /// Forgets the counts gathered and not written (a transaction that failed), keeping the parsed
    /// versions.
    pub(super) fn drop_pending(&mut self) {
        self.pending.clear();
    }

    /// Whether `version` was already read: published versions never change or go away.
    pub(super) fn knows(&self, office_id: i64, version: u32) -> bool {
        self.versions.contains_key(&(office_id, version))
    }

    /// [`Tally::add`] for a response to a version [`Tally::knows`].
    pub(super) fn add_to_known(
        &mut self,
        office_id: i64,
        version: u32,
        r: &Response,
        captured_at: DateTime<Utc>,
        sign: i64,
    ) {
        if let Some(q) = self.versions.get(&(office_id, version)) {
            add_to(&mut self.pending, office_id, q, r, captured_at, sign);
        }
    }

    /// [`Tally::add`] for a response to `version`, whose stored definition is given: each version is
    /// parsed once.
    pub(super) fn add_to_version(
        &mut self,
        (office_id, version, definition): (i64, u32, &str),
        r: &Response,
        captured_at: DateTime<Utc>,
        sign: i64,
    ) -> Result<(), StoreError> {
        let q = match self.versions.entry((office_id, version)) {
            Entry::Occupied(known) => known.into_mut(),
            Entry::Vacant(slot) => slot.insert(super::questionnaires::parse(definition)?),
        };
        add_to(&mut self.pending, office_id, q, r, captured_at, sign);
        Ok(())
    }

    /// Runs `work`, keeping the counts it adds only when it succeeds: a response refused inside a shared
    /// transaction (its savepoint rolled back) must leave no counts behind.
    pub(super) fn keep_if_ok<T>(
        &mut self,
        work: impl FnOnce(&mut Tally) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let kept = std::mem::take(&mut self.pending);
        let result = work(self);
        let added = std::mem::replace(&mut self.pending, kept);
        if result.is_ok() {
            for (key, n) in added {
                *self.pending.entry(key).or_default() += n;
            }
        }
        result
    }

    /// Writes the gathered counts in the caller's transaction.
    pub(super) fn flush(&mut self, tx: &Connection) -> Result<(), StoreError> {
        let mut stmt = tx.prepare_cached(
            "INSERT INTO tally (office_id, scope, day, channel, question_key, value, n) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT DO UPDATE SET n = n + excluded.n",
        )?;
        for ((office_id, scope, day, channel, key, value), n) in self.pending.drain() {
            if n != 0 {
                stmt.execute(params![office_id, scope, day, channel, key, value, n])?;
            }
        }
        Ok(())
    }
}

/// Adds or subtracts the counts of the stored response `id` as it is now in the database.
pub(super) fn recount(tx: &Connection, id: &str, sign: i64) -> Result<(), StoreError> {
    let (office_id, payload, captured_at, definition): (i64, String, String, String) = tx.query_row(
        "SELECT r.office_id, r.payload, r.captured_at, v.definition FROM responses r
         JOIN questionnaire_versions v ON v.office_id = r.office_id AND v.version = r.questionnaire_version
         WHERE r.id = ?1",
        [id],
        |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
    )?;
    let (response, at) = parse(&payload, &captured_at)?;
    let mut tally = Tally::default();
    tally.add(office_id, &super::questionnaires::parse(&definition)?, &response, at, sign);
    tally.flush(tx)
}

/// A stored response and the time it counts at.
fn parse(payload: &str, captured_at: &str) -> Result<(Response, DateTime<Utc>), StoreError> {
    let response: Response =
        serde_json::from_str(payload).map_err(|e| StoreError::Corrupt(format!("odpowiedź: {e}")))?;
    let at = DateTime::parse_from_rfc3339(captured_at)
        .map_err(|e| StoreError::Corrupt(format!("czas odpowiedzi: {e}")))?
        .with_timezone(&Utc);
    Ok((response, at))
}

/// Recomputes every count from the responses that are not withdrawn.
pub(super) fn rebuild(tx: &Connection) -> Result<u64, StoreError> {
    tx.execute("DELETE FROM tally", [])?;
    let mut tally = Tally::default();
    let mut stmt = tx.prepare(
        "SELECT r.office_id, r.questionnaire_version, r.payload, r.captured_at, v.definition FROM responses r
         JOIN questionnaire_versions v ON v.office_id = r.office_id AND v.version = r.questionnaire_version
         WHERE r.withdrawn_at IS NULL",
    )?;
    let mut rows = stmt.query([])?;
    let mut counted = 0;
    while let Some(row) = rows.next()? {
        let (office_id, version, payload, captured_at, definition): (i64, u32, String, String, String) =
            (row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?);
        let (response, at) = parse(&payload, &captured_at)?;
        tally.add_to_version((office_id, version, &definition), &response, at, 1)?;
        counted += 1;
        if counted % 10_000 == 0 {
            tally.flush(tx)?;
        }
    }
    tally.flush(tx)?;
    Ok(counted)
}

/// One row of the counts: office, scope, day, channel, question, value, count.
type Row = (i64, String, String, String, String, String, i64);

/// Every non-zero count, in order.
fn snapshot(tx: &Connection) -> Result<Vec<Row>, StoreError> {
    let mut stmt = tx.prepare(
        "SELECT office_id, scope, day, channel, question_key, value, n FROM tally WHERE n <> 0 ORDER BY 1, 2, 3, 4, 5, 6",
    )?;
    let rows =
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

impl super::Store {
    /// Whether the report counts equal a recount from the responses (nothing is changed: the recount is
    /// rolled back). For tests and for checking a database after a restore.
    pub fn report_counts_agree(&self) -> Result<bool, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let kept = snapshot(&tx)?;
        rebuild(&tx)?;
        Ok(kept == snapshot(&tx)?)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use survey::{AnswerValue, Channel, QuestionKey, Response};

    use super::*;

    #[test]
    fn counts_of_failed_work_are_dropped_and_of_successful_work_kept() {
        let q = survey::default_questionnaire::default_questionnaire();
        let mut r = Response::new("urzad", 1, Channel::Web);
        r.answers.insert(QuestionKey::parse("ogolna_ocena").unwrap(), AnswerValue::Rating(4));
        let at = Utc::now();
        let mut tally = Tally::default();
        tally.add(1, &q, &r, at, 1);
        let before = tally.pending.clone();

        let failed: Result<(), StoreError> = tally.keep_if_ok(|t| {
            t.add(1, &q, &r, at, 1);
            Err(StoreError::Corrupt("odmowa".into()))
        });
        assert!(failed.is_err());
        assert_eq!(tally.pending, before);

        tally
            .keep_if_ok(|t| {
                t.add(1, &q, &r, at, 1);
                Ok(())
            })
            .unwrap();
        assert!(!before.is_empty());
        for (key, n) in &before {
            assert_eq!(tally.pending[key], 2 * n);
        }
        assert_eq!(tally.pending.len(), before.len());
    }
}
