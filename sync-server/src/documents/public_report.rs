//! The public version of an archived report, fit to post in the BIP: built only from the figures the
//! archive holds, so the published numbers are exactly the archived ones. It copies what may be shown
//! field by field (a field added to the report later stays out until it is added here on purpose):
//! never residents' comments, never a cell with fewer answers than the report's threshold, nothing of
//! the kiosks' internal counts (filtered presses, the hour × weekday map). It carries the sign-off block
//! and the office's name and period; [`public_pdf`] draws it as an A4 PDF with the office's logo.

use super::a4::{Block, Document, MARGIN, Mark, paragraph};
use super::logo::Pixels;
use super::report_figures::{ChoiceTable, Figures, Report, decimal, signed};
use super::report_pdf::{figure_columns, figures_row, heading, table, text_block};
use crate::local_time::{date_pl, iso_day_text};
use crate::store::SignOff;

/// An area's figures as published.
#[derive(Debug, Clone)]
pub struct PublicArea {
    pub title: String,
    pub satisfaction: Figures,
    pub importance_mean: Option<f64>,
    pub change: Option<f64>,
    pub items: Vec<(String, Figures)>,
}

/// The public version of archived report nr `report_id`.
#[derive(Debug, Clone)]
pub struct PublicReport {
    pub report_id: i64,
    pub office: String,
    /// The period in words ("1 stycznia 2026 – 31 marca 2026").
    pub period: String,
    pub scope: String,
    pub total: u64,
    pub previous_total: u64,
    pub previous_period: String,
    pub by_channel: Vec<(String, u64)>,
    pub overall: Figures,
    pub overall_change: Option<f64>,
    pub all_areas: Figures,
    pub areas: Vec<PublicArea>,
    pub departments: Vec<(String, Option<Figures>)>,
    /// Every choice question and the respondent profile, as the archive suppressed them.
    pub choices: Vec<ChoiceTable>,
    pub months: Vec<(String, Option<Figures>)>,
    pub threshold: u64,
    pub prepared_by: String,
    pub approved_by: String,
    pub approved_on: String,
}

/// A choice question as published: a row below the threshold is hidden whatever the archive says.
fn public_choice(c: &ChoiceTable, threshold: u64) -> ChoiceTable {
    let mut c = c.clone();
    c.shown = c.shown && c.base >= threshold;
    for row in &mut c.rows {
        if row.count.is_some_and(|n| n < threshold) {
            row.count = None;
            row.percent = None;
        }
    }
    c
}

impl PublicArea {
    pub fn importance_text(&self) -> String {
        decimal(self.importance_mean, 2)
    }

    pub fn change_text(&self) -> String {
        signed(self.change)
    }
}

impl PublicReport {
    pub fn overall_change_text(&self) -> String {
        signed(self.overall_change)
    }

    /// The public version of `report` (archived as nr `report_id`) with its sign-off.
    pub fn of(report: &Report, report_id: i64, sign_off: &SignOff) -> PublicReport {
        let threshold = report.threshold;
        PublicReport {
            report_id,
            office: report.office.clone(),
            period: format!("{} – {}", iso_day_text(&report.from), iso_day_text(&report.to)),
            scope: report.scope.clone(),
            total: report.total,
            previous_total: report.previous_total,
            previous_period: format!("{} – {}", iso_day_text(&report.previous_from), iso_day_text(&report.previous_to)),
            by_channel: report.by_channel.clone(),
            overall: report.overall.clone(),
            overall_change: report.overall_change,
            all_areas: report.all_areas.clone(),
            areas: report
                .areas
                .iter()
                .map(|a| PublicArea {
                    title: a.title.clone(),
                    satisfaction: a.satisfaction.clone(),
                    importance_mean: a.importance.mean,
                    change: a.change,
                    items: a.items.iter().map(|i| (i.text.clone(), i.figures.clone())).collect(),
                })
                .collect(),
            // Suppressed in the archived figures already; a cell is never un-suppressed here.
            departments: report
                .departments
                .iter()
                .map(|d| (d.name.clone(), d.figures.clone().filter(|f| f.n >= threshold)))
                .collect(),
            // Suppressed in the archived figures already (with the complementary rule); a count below
            // the threshold that reached the archive all the same is hidden here too, never shown.
            choices: report.choices.iter().map(|c| public_choice(c, threshold)).collect(),
            months: report.months.iter().map(|(m, f)| (m.clone(), f.clone().filter(|f| f.n >= threshold))).collect(),
            threshold,
            prepared_by: sign_off.prepared_by.clone(),
            approved_by: sign_off.approved_by.clone(),
            approved_on: date_pl(sign_off.approved_on),
        }
    }
}

/// The public version as an A4 PDF, with the office's logo (when it has one) beside its name.
pub fn public_pdf(r: &PublicReport, logo: Option<&Pixels>) -> Result<Vec<u8>, String> {
    let mut doc = Document::new(&format!("Wyniki badania satysfakcji klientów – {}", r.office))?;
    let image = logo.map(|p| doc.add_image(p));
    let mut b: Vec<Block> = Vec::new();
    let mut marks = Vec::new();
    let mut y = 0.0;
    let indent = match (image, logo) {
        (Some(image), Some(p)) => {
            let height = 16.0;
            let width = (height * p.width as f32 / p.height.max(1) as f32).min(40.0);
            marks.push(Mark::Image {
                x: MARGIN,
                y: 0.0,
                width,
                height: width * p.height as f32 / p.width.max(1) as f32,
                image,
            });
            width + 4.0
        }
        _ => 0.0,
    };
    let x = MARGIN + indent;
    paragraph(&mut marks, &mut y, x, "Wyniki badania satysfakcji klientów", 16.0, true);
    paragraph(&mut marks, &mut y, x, &r.office, 12.0, true);
    paragraph(&mut marks, &mut y, x, &format!("Okres: {}; zakres: {}.", r.period, r.scope), 9.0, false);
    if indent > 0.0 {
        y = y.max(18.0);
    }
    b.push(Block { height: y + 2.0, marks });
    b.push(text_block(
        &format!(
            "Odpowiedzi: {} (poprzedni okres tej samej długości, {}: {}). Badanie jest anonimowe; wyniki przedstawiono wyłącznie w zbiorczych zestawieniach, bez uwag wpisanych przez klientów. Grupy z mniej niż {} odpowiedziami ukryto („< {}”).",
            r.total, r.previous_period, r.previous_total, r.threshold, r.threshold
        ),
        9.0,
        false,
    ));
    table(
        &mut b,
        "Odpowiedzi według kanału",
        &[("Kanał", 0.4), ("Odpowiedzi", 0.2)],
        r.by_channel.iter().map(|(c, n)| vec![c.clone(), n.to_string()]).collect(),
    );
    let mut row = figures_row("wszystkie odpowiedzi", &r.overall);
    row.push(signed(r.overall_change));
    table(&mut b, "Ogólna ocena obsługi", &figure_columns("Ogólna ocena obsługi", true), vec![row]);
    let mut rows: Vec<Vec<String>> = r
        .areas
        .iter()
        .map(|a| {
            let mut row = figures_row(&a.title, &a.satisfaction);
            row.push(signed(a.change));
            row
        })
        .collect();
    let mut all = figures_row("Wszystkie obszary", &r.all_areas);
    all.push("–".into());
    rows.push(all);
    table(&mut b, "Obszary (zadowolenie)", &figure_columns("Obszar", true), rows);
    for area in &r.areas {
        table(
            &mut b,
            &format!("Pytania obszaru {}", area.title),
            &figure_columns("Pytanie", false),
            area.items.iter().map(|(text, f)| figures_row(text, f)).collect(),
        );
    }
    let hidden = || vec![format!("< {}", r.threshold), String::new(), String::new()];
    table(
        &mut b,
        "Ogólna ocena według komórki",
        &[("Komórka", 0.4), ("n", 0.12), ("Średnia", 0.15), ("Zadowoleni %", 0.15)],
        r.departments
            .iter()
            .map(|(name, f)| {
                let cells =
                    f.as_ref().map_or_else(hidden, |f| vec![f.n.to_string(), f.mean_text(), f.satisfied_text()]);
                [vec![name.clone()], cells].concat()
            })
            .collect(),
    );
    for c in r.choices.iter().filter(|c| c.shown) {
        let title = format!("{}{}", c.question, if c.multiple { " (wielokrotny wybór)" } else { "" });
        table(
            &mut b,
            &title,
            &[("Odpowiedź", 0.4), ("n", 0.12), (if c.multiple { "% osób" } else { "%" }, 0.15)],
            c.rows
                .iter()
                .map(|row| match row.count {
                    Some(n) => vec![row.label.clone(), n.to_string(), row.percent_text()],
                    None => vec![row.label.clone(), format!("< {}", r.threshold), String::new()],
                })
                .collect(),
        );
    }
    table(
        &mut b,
        "Ogólna ocena według miesięcy",
        &[("Miesiąc", 0.2), ("n", 0.1), ("Średnia", 0.12), ("Zadowoleni %", 0.15), ("", 0.43)],
        r.months
            .iter()
            .map(|(m, f)| {
                let cells =
                    f.as_ref().map_or_else(hidden, |f| vec![f.n.to_string(), f.mean_text(), f.satisfied_text()]);
                [vec![m.clone()], cells].concat()
            })
            .collect(),
    );
    b.push(heading("Sporządzenie i zatwierdzenie"));
    for line in [
        format!("Sporządził(a): {}", r.prepared_by),
        format!("Zatwierdził(a): {}", r.approved_by),
        format!("Data zatwierdzenia: {}", r.approved_on),
    ] {
        b.push(text_block(&line, 9.0, false));
    }
    b.push(text_block(
        "n – liczba ocen 1–5 („nie dotyczy” nie wchodzi do n ani do średniej). Średnia – suma ocen / n. Zadowoleni – odsetek ocen 4 i 5, neutralni – 3, niezadowoleni – 1 i 2. Indeks 0–100 = (średnia − 1) / 4 × 100. Zmiana – różnica średnich względem poprzedniego okresu tej samej długości.",
        8.0,
        false,
    ));
    doc.add(b, &format!("{} · wyniki badania, raport nr {} · ", r.office, r.report_id));
    Ok(doc.save())
}
