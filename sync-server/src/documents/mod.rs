//! Documents the server makes: the measurement report's figures ([`report_figures`]), its charts
//! ([`report_charts`]) and its PDF ([`report_pdf`]), the report as archived ([`archived_report`]), the
//! CSV and XLSX exports ([`export`]), the printable questionnaire ([`printout`]), the information clause
//! of RODO art. 13 ([`privacy_notice`]), the public version of an archived report ([`public_report`]),
//! and what they share: the A4 page layout ([`a4`]), the charts drawn for the page and the PDF alike
//! ([`charts`]), the embedded fonts ([`fonts`]) and the office's logo ([`logo`]). No HTTP here: the
//! panel's and the public pages serve what these make.

pub mod a4;
pub mod archived_report;
pub mod charts;
pub mod export;
pub mod fonts;
pub mod logo;
pub mod printout;
pub mod privacy_notice;
pub mod public_report;
pub mod report_charts;
pub mod report_figures;
pub mod report_pdf;
