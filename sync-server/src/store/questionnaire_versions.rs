//! Storing a published questionnaire version: the one insert shared by creating an office (which starts
//! with the default questionnaire) and publishing an edited draft. Kept apart from `questionnaires` so
//! that `offices` can create an office without importing the module that itself reads offices.

use rusqlite::{Transaction, params};
use survey::Questionnaire;

use super::{StoreError, now_text};

pub(super) fn insert_version(tx: &Transaction<'_>, office_id: i64, q: &Questionnaire) -> Result<(), StoreError> {
    let json = serde_json::to_string(q).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    tx.execute(
        "INSERT INTO questionnaire_versions (office_id, version, definition, published_at) VALUES (?1, ?2, ?3, ?4)",
        params![office_id, q.version, json, now_text()],
    )?;
    Ok(())
}
