//! The period's responses and figures for spreadsheets: CSV (UTF-8 with a byte-order mark, `;`-separated,
//! as Polish spreadsheets expect) and XLSX. Both have the same columns, one row per response, Polish
//! headers and answers as the questionnaire words them. Nothing typed by a resident can become a formula:
//! CSV cells that start like one are prefixed with an apostrophe, and XLSX cells are written as strings.

use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};
use survey::{AnswerValue, Lang, QuestionKey, QuestionKind, Questionnaire, Response};

use crate::documents::report_figures::{Figures, Report};
use crate::store::{ReportFilter, Store, StoreError};

/// The columns: fixed ones, then every question of the current questionnaire.
pub struct Columns {
    questionnaire: Questionnaire,
    keys: Vec<QuestionKey>,
    pub header: Vec<String>,
}

impl Columns {
    pub fn of(questionnaire: Questionnaire) -> Columns {
        // Two times: the ISO UTC instant for programs that read the file, the Polish one for people.
        let mut header: Vec<String> = [
            "Identyfikator",
            "Czas zapisu (UTC, ISO 8601)",
            "Data i godzina (czas polski)",
            "Kanał",
            "Wersja ankiety",
            "Numer arkusza",
        ]
        .map(str::to_owned)
        .to_vec();
        let keys: Vec<QuestionKey> = questionnaire.questions().map(|(_, q)| q.key.clone()).collect();
        header.extend(questionnaire.questions().map(|(_, q)| q.text.get(Lang::Pl).to_owned()));
        Columns { questionnaire, keys, header }
    }

    /// One response's cells.
    pub fn row(&self, r: &Response) -> Vec<String> {
        let mut row = vec![
            r.id.to_string(),
            r.captured_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            crate::local_time::human(r.captured_at),
            r.channel.label_pl().to_owned(),
            r.questionnaire_version.to_string(),
            r.paper_serial.clone().unwrap_or_default(),
        ];
        row.extend(self.keys.iter().map(|k| r.answers.get(k).map(|a| self.answer_text(k, a)).unwrap_or_default()));
        row
    }

    fn answer_text(&self, key: &QuestionKey, answer: &AnswerValue) -> String {
        let label = |k: &str| {
            self.questionnaire
                .question(key)
                .and_then(|x| match &x.kind {
                    QuestionKind::SingleChoice { options } | QuestionKind::MultipleChoice { options } => {
                        options.iter().find(|o| o.key.as_str() == k).map(|o| o.label.get(Lang::Pl).to_owned())
                    }
                    _ => None,
                })
                .unwrap_or_else(|| k.to_owned())
        };
        match answer {
            AnswerValue::Rating(v) => v.to_string(),
            AnswerValue::NotApplicable => "nie dotyczy".into(),
            AnswerValue::Choice(c) => label(c),
            AnswerValue::Choices(cs) => cs.iter().map(|c| label(c)).collect::<Vec<_>>().join("; "),
            AnswerValue::Text(t) => t.clone(),
        }
    }
}

/// A CSV cell: quoted, and never starting like a formula (a spreadsheet would run `=HYPERLINK(…)`).
pub fn csv_cell(value: &str) -> String {
    let value =
        if value.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{value}") } else { value.to_owned() };
    format!("\"{}\"", value.replace('"', "\"\""))
}

fn csv_line(out: &mut String, cells: &[String]) {
    out.push_str(&cells.iter().map(|c| csv_cell(c)).collect::<Vec<_>>().join(";"));
    out.push_str("\r\n");
}

/// The period's responses as CSV.
pub fn csv(store: &Store, slug: &str, filter: &ReportFilter) -> Result<String, StoreError> {
    let columns = Columns::of(std::sync::Arc::unwrap_or_clone(store.current_questionnaire(slug)?));
    let mut out = String::from("\u{feff}");
    csv_line(&mut out, &columns.header);
    store.for_each_response(filter, |r| csv_line(&mut out, &columns.row(&r)))?;
    Ok(out)
}

fn xlsx_error(e: XlsxError) -> StoreError {
    StoreError::Document(format!("arkusz XLSX: {e}"))
}

/// A figure's cell: the number itself (so the spreadsheet can compute with it), shown to one decimal
/// (two for the mean, column 2), or "–" for none.
fn figure(sheet: &mut Worksheet, row: u32, col: u16, value: Option<f64>) -> Result<(), XlsxError> {
    let shown = Format::new().set_num_format(if col == 2 { "0.00" } else { "0.0" });
    match value {
        Some(v) => sheet.write_number_with_format(row, col, v, &shown).map(|_| ()),
        None => sheet.write_string(row, col, "–").map(|_| ()),
    }
}

fn figures_sheet(sheet: &mut Worksheet, report: &Report, bold: &Format) -> Result<(), XlsxError> {
    sheet.set_name("Wskaźniki")?;
    sheet.write_string_with_format(0, 0, format!("Raport: {}", report.office), bold)?;
    sheet.write_string(1, 0, format!("Okres {} – {}; {}", report.from, report.to, report.scope))?;
    let header =
        ["Pozycja", "n", "Średnia", "Zadowoleni %", "Neutralni %", "Niezadowoleni %", "Indeks 0–100", "Nie dotyczy"];
    for (c, h) in header.iter().enumerate() {
        sheet.write_string_with_format(3, c as u16, *h, bold)?;
    }
    // (label, figures or None for a suppressed cell)
    let mut lines: Vec<(String, Option<&Figures>)> = vec![
        ("Ogólna ocena obsługi".to_owned(), Some(&report.overall)),
        ("Wszystkie obszary".to_owned(), Some(&report.all_areas)),
    ];
    for area in &report.areas {
        lines.push((format!("Obszar: {}", area.title), Some(&area.satisfaction)));
        lines.extend(area.items.iter().map(|i| (format!("  {}", i.text), Some(&i.figures))));
    }
    lines.extend(report.departments.iter().map(|d| (format!("Komórka: {}", d.name), d.figures.as_ref())));
    for d in &report.departments {
        for (area, cell) in report.areas.iter().zip(&d.areas) {
            lines.push((format!("Komórka: {} – {}", d.name, area.title), cell.as_ref()));
        }
    }
    let lines_len = lines.len();
    for (row, (label, figures)) in (4..).zip(lines) {
        sheet.write_string(row, 0, label)?;
        let Some(f) = figures else {
            sheet.write_string(row, 1, format!("< {}", report.threshold))?;
            continue;
        };
        sheet.write_number(row, 1, f.n as f64)?;
        for (c, v) in (2..).zip([f.mean, f.satisfied, f.neutral, f.dissatisfied, f.index]) {
            figure(sheet, row, c, v)?;
        }
        sheet.write_number(row, 7, f.not_applicable as f64)?;
    }
    // The choice questions below: option, count, percentage (suppressed cells as "< N").
    let mut row = 4 + u32::try_from(lines_len).unwrap_or(0) + 1;
    for c in &report.choices {
        sheet.write_string_with_format(row, 0, &c.question, bold)?;
        sheet.write_string(row, 1, if c.multiple { "% osób (wielokrotny wybór)" } else { "%" })?;
        row += 1;
        for option in &c.rows {
            sheet.write_string(row, 0, format!("  {}", option.label))?;
            match (c.shown, option.count) {
                (true, Some(n)) => {
                    sheet.write_number(row, 1, n as f64)?;
                    figure(sheet, row, 2, option.percent)?;
                }
                _ => {
                    sheet.write_string(row, 1, format!("< {}", report.threshold))?;
                }
            }
            row += 1;
        }
        sheet.write_string(row, 0, if c.multiple { "  osoby, którym zadano pytanie" } else { "  odpowiedzi razem" })?;
        sheet.write_number(row, 1, c.base as f64)?;
        row += 2;
    }
    sheet.set_column_width(0, 60)?;
    Ok(())
}

/// The report's figures and the period's responses as an XLSX workbook. The responses sheet is written
/// row by row to a temporary file (constant memory), so a year of a busy office fits.
pub fn xlsx(store: &Store, slug: &str, filter: &ReportFilter, report: &Report) -> Result<Vec<u8>, StoreError> {
    let columns = Columns::of(std::sync::Arc::unwrap_or_clone(store.current_questionnaire(slug)?));
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    figures_sheet(workbook.add_worksheet(), report, &bold).map_err(xlsx_error)?;
    let sheet = workbook.add_worksheet_with_constant_memory().map_err(xlsx_error)?;
    sheet.set_name("Odpowiedzi").map_err(xlsx_error)?;
    for (c, h) in columns.header.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, h, &bold).map_err(xlsx_error)?;
    }
    let mut row = 1;
    let mut failed = None;
    store.for_each_response(filter, |r| {
        for (c, value) in columns.row(&r).iter().enumerate() {
            if let Err(e) = sheet.write_string(row, c as u16, value) {
                failed.get_or_insert(e);
            }
        }
        row += 1;
    })?;
    if let Some(e) = failed {
        return Err(xlsx_error(e));
    }
    workbook.save_to_buffer().map_err(xlsx_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_are_quoted_and_never_formulas() {
        assert_eq!(csv_cell("Więcej ławek"), "\"Więcej ławek\"");
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_cell("+48 123"), "\"'+48 123\"");
        assert_eq!(csv_cell("-1"), "\"'-1\"");
        assert_eq!(csv_cell("@SUM(A1)"), "\"'@SUM(A1)\"");
    }
}
