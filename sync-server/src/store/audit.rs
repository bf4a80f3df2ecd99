//! The audit log: who did what and when. Written by the store operations that change things, read by
//! the office admin; the schema refuses any update or delete.

use rusqlite::{Connection, params};

use super::{Store, StoreError, now_text};

/// One line of the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub details: String,
}

/// Appends to the log inside the caller's transaction, so the record and the change stand or fall together.
pub(crate) fn record(
    conn: &Connection,
    office_id: Option<i64>,
    actor: &str,
    action: &str,
    details: &str,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO audit_log (at, office_id, actor, action, details) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![now_text(), office_id, actor, action, details],
    )?;
    Ok(())
}

impl Store {
    /// Records an action on its own (logins, exports: things that change no other table).
    pub fn audit(&self, office_id: Option<i64>, actor: &str, action: &str, details: &str) -> Result<(), StoreError> {
        record(&self.conn(), office_id, actor, action, details)
    }

    /// The office's log, newest first (at most `limit` lines).
    pub fn audit_log(&self, office_id: i64, limit: u32) -> Result<Vec<AuditEntry>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT at, actor, action, details FROM audit_log WHERE office_id = ?1 ORDER BY id DESC LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![office_id, limit], |r| {
            Ok(AuditEntry { at: r.get(0)?, actor: r.get(1)?, action: r.get(2)?, details: r.get(3)? })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
