//! The archive of reports: each kept unchanged with its time, author, reason and a checksum of its figures.

use rusqlite::{OptionalExtension, Transaction, params};

use super::{Store, StoreError, now_text};

/// An archived report as listed.
#[derive(Debug, Clone)]
pub struct ArchivedReport {
    pub id: i64,
    pub created_at: String,
    pub author: String,
    pub reason: String,
    pub period_to: String,
    pub checksum: String,
    pub figures: String,
}

/// Archives a report inside the caller's transaction; returns its id.
pub(super) fn archive(
    tx: &Transaction<'_>,
    office_id: i64,
    author: &str,
    reason: &str,
    figures: &str,
) -> Result<i64, StoreError> {
    let now = now_text();
    let checksum = blake3::hash(figures.as_bytes()).to_hex().to_string();
    tx.execute(
        "INSERT INTO reports (office_id, created_at, author, reason, period_to, figures, checksum)
         VALUES (?1, ?2, ?3, ?4, ?2, ?5, ?6)",
        params![office_id, now, author, reason, figures, checksum],
    )?;
    Ok(tx.last_insert_rowid())
}

impl Store {
    /// The office's archived reports, newest first.
    pub fn reports(&self, office_id: i64) -> Result<Vec<ArchivedReport>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT id, created_at, author, reason, period_to, checksum, figures FROM reports
             WHERE office_id = ?1 ORDER BY id DESC",
        )?;
        let rows = stmt.query_map([office_id], |r| {
            Ok(ArchivedReport {
                id: r.get(0)?,
                created_at: r.get(1)?,
                author: r.get(2)?,
                reason: r.get(3)?,
                period_to: r.get(4)?,
                checksum: r.get(5)?,
                figures: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// When the office's last report was archived.
    pub fn last_report_at(&self, office_id: i64) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn()
            .query_row("SELECT max(created_at) FROM reports WHERE office_id = ?1", [office_id], |r| r.get(0))
            .optional()?
            .flatten())
    }
}
