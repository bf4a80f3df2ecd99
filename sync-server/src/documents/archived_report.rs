//! A report as it is archived: its figures as JSON and its PDF, kept together with a checksum so the
//! archive shows later exactly what was reported (see `store/report_archive.rs`).

use super::report_figures::{Report, generate};
use crate::store::{Office, ReportFiles, ReportFilter, Store, StoreError};

/// The report as archived: its figures as JSON and its PDF (with the conclusions printed in it).
pub fn files(report: &Report, conclusions: &str) -> Result<(String, Vec<u8>), StoreError> {
    let figures = serde_json::to_string_pretty(report).map_err(|e| StoreError::Document(e.to_string()))?;
    let pdf = super::report_pdf::report_pdf(report, Some(conclusions)).map_err(StoreError::Document)?;
    Ok((figures, pdf))
}

/// Generates and archives the report of `from`..=`to` for every channel and department, by "automat"
/// (the quarterly or yearly timer); returns the archived report's id.
pub fn archive_period(
    store: &Store,
    office: &Office,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
    threshold: u64,
) -> Result<i64, StoreError> {
    let filter = ReportFilter { office_id: office.id, from, to, department: None, channels: vec![] };
    let report = generate(store, office, filter, threshold)?;
    let (figures, pdf) = files(&report, "")?;
    let period = (from.to_string(), to.to_string());
    store.archive_report(
        office.id,
        "automat",
        (&period.0, &period.1),
        &ReportFiles { figures: &figures, pdf: &pdf },
        "",
    )
}
