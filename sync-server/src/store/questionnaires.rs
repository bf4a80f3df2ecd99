//! Published questionnaire versions of each office. A version, once stored, never changes (a trigger in
//! the schema refuses updates); publishing a change stores the next version.

use std::collections::BTreeSet;

use rusqlite::{OptionalExtension, Transaction, params};
use survey::{QuestionKey, Questionnaire};

use super::{Store, StoreError, now_text, offices};

impl Store {
    /// The office's newest published questionnaire.
    pub fn current_questionnaire(&self, office_slug: &str) -> Result<Questionnaire, StoreError> {
        let conn = self.conn();
        let office = offices::office_by_slug(&conn, office_slug)?;
        let json: String = conn.query_row(
            "SELECT definition FROM questionnaire_versions WHERE office_id = ?1 ORDER BY version DESC LIMIT 1",
            [office.id],
            |r| r.get(0),
        )?;
        parse(&json)
    }

    /// One published version of the office's questionnaire.
    pub fn questionnaire_version(&self, office_slug: &str, version: u32) -> Result<Questionnaire, StoreError> {
        let conn = self.conn();
        let office = offices::office_by_slug(&conn, office_slug)?;
        let json: Option<String> = conn
            .query_row(
                "SELECT definition FROM questionnaire_versions WHERE office_id = ?1 AND version = ?2",
                params![office.id, version],
                |r| r.get(0),
            )
            .optional()?;
        let json =
            json.ok_or_else(|| StoreError::UnknownQuestionnaireVersion { office: office_slug.to_owned(), version })?;
        parse(&json)
    }

    /// Question keys that exist in some version of the office's questionnaire other than `version`.
    pub fn keys_outside_version(&self, office_slug: &str, version: u32) -> Result<BTreeSet<QuestionKey>, StoreError> {
        let conn = self.conn();
        let office = offices::office_by_slug(&conn, office_slug)?;
        let mut stmt =
            conn.prepare("SELECT definition FROM questionnaire_versions WHERE office_id = ?1 AND version <> ?2")?;
        let definitions = stmt.query_map(params![office.id, version], |r| r.get::<_, String>(0))?;
        let mut keys = BTreeSet::new();
        for json in definitions {
            keys.extend(parse(&json?)?.questions().map(|(_, q)| q.key.clone()));
        }
        Ok(keys)
    }
}

fn parse(json: &str) -> Result<Questionnaire, StoreError> {
    serde_json::from_str(json).map_err(|e| StoreError::Corrupt(format!("definicja ankiety: {e}")))
}

pub(super) fn insert_version(tx: &Transaction<'_>, office_id: i64, q: &Questionnaire) -> Result<(), StoreError> {
    let json = serde_json::to_string(q).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    tx.execute(
        "INSERT INTO questionnaire_versions (office_id, version, definition, published_at) VALUES (?1, ?2, ?3, ?4)",
        params![office_id, q.version, json, now_text()],
    )?;
    Ok(())
}
