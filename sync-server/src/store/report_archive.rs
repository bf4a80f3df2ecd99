//! The archive of reports: each kept unchanged with its time, author, reason, its figures and its PDF, and
//! a checksum of each.

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
    pub period_from: Option<String>,
    pub conclusions: String,
    /// BLAKE3 of the PDF (reports archived before PDFs were kept have none).
    pub pdf_checksum: Option<String>,
}

/// A report to archive: its figures (JSON) and its PDF.
pub struct ReportFiles<'a> {
    pub figures: &'a str,
    pub pdf: &'a [u8],
}

/// What an archived report holds besides its figures.
pub(super) struct Archived<'a> {
    pub reason: &'a str,
    /// The period covered; `None` for "everything up to now" (the report before a questionnaire change).
    pub period_from: Option<&'a str>,
    pub period_to: &'a str,
    pub conclusions: &'a str,
}

/// Archives a report inside the caller's transaction; returns its id.
pub(super) fn archive(
    tx: &Transaction<'_>,
    office_id: i64,
    author: &str,
    what: &Archived<'_>,
    files: &ReportFiles<'_>,
) -> Result<i64, StoreError> {
    let checksum = blake3::hash(files.figures.as_bytes()).to_hex().to_string();
    let pdf_checksum = blake3::hash(files.pdf).to_hex().to_string();
    tx.execute(
        "INSERT INTO reports (office_id, created_at, author, reason, period_from, period_to, figures, checksum, conclusions, pdf, pdf_checksum)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![office_id, now_text(), author, what.reason, what.period_from, what.period_to, files.figures, checksum, what.conclusions, files.pdf, pdf_checksum],
    )?;
    Ok(tx.last_insert_rowid())
}

/// Archives the report of the results to date (`files`, made by the caller just before) inside the
/// transaction of a change to what the survey asks or counts by (the questionnaire, the office's data,
/// its departments): the results as they stood are kept before the change, as the ordinance asks.
/// `reason` says which change; returns the report's id.
pub(super) fn archive_before_change(
    tx: &Transaction<'_>,
    office_id: i64,
    actor: &str,
    reason: &str,
    files: &ReportFiles<'_>,
) -> Result<i64, StoreError> {
    let now = now_text();
    let what = Archived { reason, period_from: None, period_to: &now, conclusions: "" };
    archive(tx, office_id, actor, &what, files)
}

impl Store {
    /// Archives a generated report with its period and the admin's conclusions; returns its id.
    pub fn archive_report(
        &self,
        office_id: i64,
        author: &str,
        period: (&str, &str),
        files: &ReportFiles<'_>,
        conclusions: &str,
    ) -> Result<i64, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let what =
            Archived { reason: "raport okresowy", period_from: Some(period.0), period_to: period.1, conclusions };
        let id = archive(&tx, office_id, author, &what, files)?;
        super::audit::record(
            &tx,
            Some(office_id),
            author,
            "archiwizacja raportu",
            &format!("nr {id}: {} – {}", period.0, period.1),
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// The office's archived reports, newest first.
    pub fn reports(&self, office_id: i64) -> Result<Vec<ArchivedReport>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT id, created_at, author, reason, period_to, checksum, figures, period_from, conclusions, pdf_checksum FROM reports
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
                period_from: r.get(7)?,
                conclusions: r.get(8)?,
                pdf_checksum: r.get(9)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// One archived report of the office.
    pub fn archived_report(&self, office_id: i64, id: i64) -> Result<Option<ArchivedReport>, StoreError> {
        Ok(self.reports(office_id)?.into_iter().find(|r| r.id == id))
    }

    /// An archived report's PDF, if it has one.
    pub fn report_pdf(&self, office_id: i64, id: i64) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self
            .conn()
            .query_row("SELECT pdf FROM reports WHERE office_id = ?1 AND id = ?2", params![office_id, id], |r| r.get(0))
            .optional()?
            .flatten())
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
