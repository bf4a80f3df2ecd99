//! Published reports: an archived report the admin chose to make public (for the BIP), with its
//! sign-off block and the public PDF made from the archived figures when it was published. Publishing
//! and withdrawing are recorded in the audit log in the same transaction.

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError, now_text};

/// Who prepared and who approved the published version, and when it was approved (typed by the admin).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignOff {
    pub prepared_by: String,
    pub approved_by: String,
    pub approved_on: NaiveDate,
}

/// A published report as listed on the public page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Publication {
    pub report_id: i64,
    pub sign_off: SignOff,
    /// When it was published (UTC, RFC 3339) and by whom.
    pub published_at: String,
    pub published_by: String,
    /// BLAKE3 of the public PDF.
    pub pdf_checksum: String,
    /// The archived report's period: its first day (none for "everything up to now") and its last day.
    pub period_from: Option<String>,
    pub period_to: String,
}

const COLUMNS: &str = "p.report_id, p.prepared_by, p.approved_by, p.approved_on, p.published_at, p.published_by, \
                       p.pdf_checksum, r.period_from, substr(r.period_to, 1, 10)";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Publication> {
    let approved_on: String = r.get(3)?;
    Ok(Publication {
        report_id: r.get(0)?,
        sign_off: SignOff {
            prepared_by: r.get(1)?,
            approved_by: r.get(2)?,
            approved_on: NaiveDate::parse_from_str(&approved_on, "%Y-%m-%d")
                .map_err(|e| rusqlite::Error::FromSqlConversionFailure(3, rusqlite::types::Type::Text, Box::new(e)))?,
        },
        published_at: r.get(4)?,
        published_by: r.get(5)?,
        pdf_checksum: r.get(6)?,
        period_from: r.get(7)?,
        period_to: r.get(8)?,
    })
}

impl Store {
    /// Publishes archived report `report_id` of the office with its sign-off and public PDF (a report
    /// published before gets the new sign-off and PDF). `false` when the office has no such report.
    pub fn publish_report(
        &self,
        office_id: i64,
        report_id: i64,
        actor: &str,
        sign_off: &SignOff,
        pdf: &[u8],
    ) -> Result<bool, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let exists: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM reports WHERE office_id = ?1 AND id = ?2)",
            params![office_id, report_id],
            |r| r.get(0),
        )?;
        if !exists {
            return Ok(false);
        }
        let checksum = blake3::hash(pdf).to_hex().to_string();
        tx.execute(
            "INSERT INTO report_publications
                 (report_id, office_id, prepared_by, approved_by, approved_on, published_at, published_by, pdf, pdf_checksum)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             ON CONFLICT (report_id) DO UPDATE SET prepared_by = excluded.prepared_by,
                 approved_by = excluded.approved_by, approved_on = excluded.approved_on,
                 published_at = excluded.published_at, published_by = excluded.published_by,
                 pdf = excluded.pdf, pdf_checksum = excluded.pdf_checksum",
            params![
                report_id,
                office_id,
                sign_off.prepared_by,
                sign_off.approved_by,
                sign_off.approved_on.to_string(),
                now_text(),
                actor,
                pdf,
                checksum
            ],
        )?;
        super::audit::record(
            &tx,
            Some(office_id),
            actor,
            "publikacja wyników raportu",
            &format!(
                "raport nr {report_id}; sporządził(a): {}; zatwierdził(a): {}, {}; PDF (BLAKE3): {checksum}",
                sign_off.prepared_by, sign_off.approved_by, sign_off.approved_on
            ),
        )?;
        tx.commit()?;
        Ok(true)
    }

    /// Withdraws the publication of report `report_id`; `false` when it was not published.
    pub fn withdraw_publication(&self, office_id: i64, report_id: i64, actor: &str) -> Result<bool, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let removed = tx.execute(
            "DELETE FROM report_publications WHERE office_id = ?1 AND report_id = ?2",
            params![office_id, report_id],
        )?;
        if removed == 0 {
            return Ok(false);
        }
        super::audit::record(
            &tx,
            Some(office_id),
            actor,
            "wycofanie publikacji wyników",
            &format!("raport nr {report_id}"),
        )?;
        tx.commit()?;
        Ok(true)
    }

    /// The publication of report `report_id`, if it is published.
    pub fn publication(&self, office_id: i64, report_id: i64) -> Result<Option<Publication>, StoreError> {
        Ok(self
            .reader()?
            .query_row(
                &format!(
                    "SELECT {COLUMNS} FROM report_publications p JOIN reports r ON r.id = p.report_id
                     WHERE p.office_id = ?1 AND p.report_id = ?2"
                ),
                params![office_id, report_id],
                row,
            )
            .optional()?)
    }

    /// The office's published reports, newest period first.
    pub fn publications(&self, office_id: i64) -> Result<Vec<Publication>, StoreError> {
        let conn = self.reader()?;
        let mut stmt = conn.prepare(&format!(
            "SELECT {COLUMNS} FROM report_publications p JOIN reports r ON r.id = p.report_id
             WHERE p.office_id = ?1 ORDER BY substr(r.period_to, 1, 10) DESC, p.report_id DESC"
        ))?;
        let rows = stmt.query_map([office_id], row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The public PDF of a published report.
    pub fn publication_pdf(&self, office_id: i64, report_id: i64) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self
            .reader()?
            .query_row(
                "SELECT pdf FROM report_publications WHERE office_id = ?1 AND report_id = ?2",
                params![office_id, report_id],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Whether the office has published any report (its home page then links the results).
    pub fn has_publications(&self, office_id: i64) -> Result<bool, StoreError> {
        Ok(self.reader()?.query_row(
            "SELECT EXISTS (SELECT 1 FROM report_publications WHERE office_id = ?1)",
            [office_id],
            |r| r.get(0),
        )?)
    }
}
