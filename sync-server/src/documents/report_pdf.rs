//! The measurement report as a PDF: the same figures as the page, in tables, and the same charts drawn
//! as vector graphics from the same geometry (`charts`). Suppressed cells read "< N" here too; comments
//! and conclusions are printed as text, never interpreted, wrapped by the font's real glyph widths.

use crate::documents::a4::{Block, Document, MARGIN, Mark, PAGE_W, paragraph, text_width};
use crate::documents::report_charts::{self, ReportChart};
use crate::documents::report_figures::{Figures, Report};
use crate::local_time::iso_day_text;

const BODY: f32 = 9.0;
const ROW: f32 = 5.2;
const WIDTH: f32 = PAGE_W - 2.0 * MARGIN;

/// A heading kept with what follows it (the caller adds the first row to the same block).
pub(super) fn heading(text: &str) -> Block {
    let mut marks = Vec::new();
    let mut y = 3.0;
    paragraph(&mut marks, &mut y, MARGIN, text, 12.0, true);
    Block { height: y + 1.0, marks }
}

pub(super) fn text_block(text: &str, size: f32, bold: bool) -> Block {
    let mut marks = Vec::new();
    let mut y = 0.0;
    paragraph(&mut marks, &mut y, MARGIN, text, size, bold);
    Block { height: y + 1.0, marks }
}

/// A table: column widths as shares of the text width; the first column left, the others right-aligned
/// by their start (numbers are short). The heading block carries the header row and the first row.
pub(super) fn table(blocks: &mut Vec<Block>, title: &str, columns: &[(&str, f32)], rows: Vec<Vec<String>>) {
    let mut head = heading(title);
    let xs: Vec<f32> = columns
        .iter()
        .scan(MARGIN, |x, (_, share)| {
            let at = *x;
            *x += share * WIDTH;
            Some(at)
        })
        .collect();
    let cells = |marks: &mut Vec<Mark>, y: f32, values: &[String], bold: bool| {
        for ((x, (_, share)), value) in xs.iter().zip(columns).zip(values) {
            // Cut what would run into the next column (long question texts are wrapped instead, below).
            let text = fit(value, BODY, bold, share * WIDTH - 1.0);
            marks.push(Mark::Text { x: *x, y, size: BODY, bold, text });
        }
    };
    let header: Vec<String> = columns.iter().map(|(h, _)| (*h).to_owned()).collect();
    let y = head.height;
    cells(&mut head.marks, y, &header, true);
    head.marks.push(Mark::Rule { x: MARGIN, y: y + ROW - 0.8, width: WIDTH });
    head.height += ROW;
    let mut first = Some(head);
    for row in rows {
        // A long first cell (a question's text) wraps within its column; the figures stand on its first line.
        let first_width = columns.first().map_or(WIDTH, |c| c.1 * WIDTH) - 2.0;
        let lines = crate::documents::a4::wrap(row.first().map_or("", String::as_str), BODY, first_width);
        let mut block = first.take().unwrap_or_default();
        let y = block.height;
        for (i, line) in lines.iter().enumerate() {
            block.marks.push(Mark::Text {
                x: MARGIN,
                y: y + i as f32 * ROW * 0.8,
                size: BODY,
                bold: false,
                text: line.clone(),
            });
        }
        cells(&mut block.marks, y, &[vec![String::new()], row[1..].to_vec()].concat(), false);
        block.height = y + ROW.max(lines.len() as f32 * ROW * 0.8 + 0.8);
        blocks.push(block);
    }
    if let Some(head) = first {
        blocks.push(head);
    }
}

/// `text` cut to `width` mm (measured), ending in "…" when cut.
fn fit(text: &str, size: f32, bold: bool, width: f32) -> String {
    if text_width(text, size, bold) <= width {
        return text.to_owned();
    }
    let mut out = String::new();
    for c in text.chars() {
        out.push(c);
        if text_width(&format!("{out}…"), size, bold) > width {
            out.pop();
            break;
        }
    }
    out.push('…');
    out
}

pub(super) fn figures_row(label: &str, f: &Figures) -> Vec<String> {
    vec![
        label.to_owned(),
        f.n.to_string(),
        f.mean_text(),
        f.satisfied_text(),
        f.neutral_text(),
        f.dissatisfied_text(),
        f.index_text(),
    ]
}

/// A chart the width of the text, kept whole on one page, with its title above it (the description
/// is the table printed beside it).
fn chart_block(chart: ReportChart) -> Block {
    let mut block = text_block(&chart.title, BODY, true);
    let y = block.height;
    block.height = y + chart.chart.height_at(WIDTH) + 3.0;
    block.marks.push(Mark::Chart { x: MARGIN, y, width: WIDTH, chart: chart.chart });
    block
}

const FIGURE_COLUMNS: [(&str, f32); 7] = [
    ("", 0.40),
    ("n", 0.08),
    ("Średnia", 0.10),
    ("Zadow. %", 0.11),
    ("Neutr. %", 0.10),
    ("Niezad. %", 0.11),
    ("Indeks", 0.10),
];

/// The figure columns under `first`; with a "Zmiana" column after them when `change` (the first column
/// narrows to make room).
pub(super) fn figure_columns(first: &'static str, change: bool) -> Vec<(&'static str, f32)> {
    let mut c = FIGURE_COLUMNS.to_vec();
    c[0].0 = first;
    if change {
        c[0].1 = 0.30;
        c.push(("Zmiana", 0.10));
    }
    c
}

/// The hour × weekday map: its note and the chart (the counts are written in its cells).
fn heatmap(r: &Report) -> Vec<Block> {
    vec![
        heading("Kiedy klienci odpowiadają w kioskach"),
        text_block(
            &format!("Odpowiedzi z kiosków ({}) według dnia tygodnia i godziny (czas polski).", r.heatmap.total),
            BODY,
            false,
        ),
        chart_block(report_charts::heatmap(r)),
    ]
}

/// Departments by overall rating and area: area columns are numbered (O1…), named in a line below.
fn departments(b: &mut Vec<Block>, r: &Report) {
    let area_share = if r.areas.is_empty() { 0.0 } else { 0.42 / r.areas.len() as f32 };
    let names: Vec<String> = (1..=r.areas.len()).map(|i| format!("O{i}")).collect();
    let mut columns: Vec<(&str, f32)> = vec![("Komórka", 0.28), ("n", 0.08), ("Ogólna", 0.11), ("Zadow. %", 0.11)];
    columns.extend(names.iter().map(|n| (n.as_str(), area_share)));
    let hidden = format!("< {}", r.threshold);
    let rows = r
        .departments
        .iter()
        .map(|d| {
            let mut row = match &d.figures {
                Some(f) => vec![d.name.clone(), f.n.to_string(), f.mean_text(), f.satisfied_text()],
                None => vec![d.name.clone(), hidden.clone(), String::new(), String::new()],
            };
            row.extend(d.areas.iter().map(|cell| cell.as_ref().map_or_else(|| hidden.clone(), Figures::mean_text)));
            row
        })
        .collect();
    table(b, "Komórki: ogólna ocena i obszary (średnie 1–5)", &columns, rows);
    let legend: Vec<String> = r.areas.iter().enumerate().map(|(i, a)| format!("O{} – {}", i + 1, a.title)).collect();
    b.push(text_block(&format!("Obszary: {}.", legend.join("; ")), 8.0, false));
    b.push(text_block(
        &format!(
            "Pole z mniej niż {} osobami, które na nie odpowiedziały, jest ukryte („< {}”), aby nie dało się rozpoznać osób. Gdy w kolumnie byłoby ukryte tylko jedno pole, ukrywamy też najmniejsze z pozostałych, by nie dało się go wyliczyć z sumy.",
            r.threshold, r.threshold
        ),
        8.0,
        false,
    ));
}

/// Every choice question: options with counts and percentages, suppressed cells as "< N".
fn choices(b: &mut Vec<Block>, r: &Report) {
    b.push(heading("Pytania wyboru i metryczka"));
    b.push(text_block(
        &format!(
            "Przy pytaniach wielokrotnego wyboru odsetek liczymy od osób, którym zadano pytanie, więc odsetki mogą dać razem więcej niż 100 %. Odpowiedź wskazana przez mniej niż {} osób jest ukryta.",
            r.threshold
        ),
        8.0,
        false,
    ));
    let hidden = format!("< {}", r.threshold);
    for c in &r.choices {
        let title = format!("{}{}", c.question, if c.multiple { " (wielokrotny wybór)" } else { "" });
        if !c.shown {
            let mut block = text_block(&title, BODY, true);
            let mut y = block.height;
            paragraph(
                &mut block.marks,
                &mut y,
                MARGIN,
                &format!("Mniej niż {} odpowiedzi: wyników nie pokazujemy.", r.threshold),
                BODY,
                false,
            );
            block.height = y + 1.0;
            b.push(block);
            continue;
        }
        let mut rows: Vec<Vec<String>> = c
            .rows
            .iter()
            .map(|row| match row.count {
                Some(n) => vec![row.label.clone(), n.to_string(), row.percent_text()],
                None => vec![row.label.clone(), hidden.clone(), String::new()],
            })
            .collect();
        let base = if c.multiple { "osoby, którym zadano pytanie" } else { "odpowiedzi razem" };
        rows.push(vec![base.to_owned(), c.base.to_string(), String::new()]);
        table(
            b,
            &title,
            &[("Odpowiedź", 0.55), ("Liczba", 0.15), (if c.multiple { "% osób" } else { "%" }, 0.15)],
            rows,
        );
    }
}

/// The corrective actions decided from earlier reports and how far each has got: a wrapped paragraph
/// each (an action's text and its deadline in words are too long for table columns).
fn actions(b: &mut Vec<Block>, r: &Report) {
    if r.actions.is_empty() {
        return;
    }
    let mut head = heading("Działania naprawcze z poprzednich raportów");
    for (i, a) in r.actions.iter().enumerate() {
        let overdue = if a.overdue { " (po terminie)" } else { "" };
        let mut text = format!(
            "{}. {} – odpowiada: {}; termin: {}; status: {}{overdue}; z raportu nr {}.",
            i + 1,
            a.what,
            a.responsible,
            a.deadline,
            a.status,
            a.report_id
        );
        if !a.notes.trim().is_empty() {
            text.push_str(&format!(" Uwagi: {}", a.notes));
        }
        let block = text_block(&text, BODY, false);
        if i == 0 {
            // The heading stays on the page of the first action.
            let top = head.height;
            head.marks.extend(block.marks.into_iter().map(|m| match m {
                Mark::Text { x, y, size, bold, text } => Mark::Text { x, y: y + top, size, bold, text },
                other => other,
            }));
            head.height += block.height;
            b.push(std::mem::take(&mut head));
        } else {
            b.push(block);
        }
    }
}

/// The report as an A4 PDF.
pub fn report_pdf(r: &Report, conclusions: Option<&str>) -> Result<Vec<u8>, String> {
    let mut doc = Document::new(&format!("Raport z badania satysfakcji klientów – {}", r.office))?;
    let mut b: Vec<Block> = Vec::new();
    let mut title = Vec::new();
    let mut y = 0.0;
    paragraph(&mut title, &mut y, MARGIN, "Raport z badania satysfakcji klientów", 16.0, true);
    paragraph(&mut title, &mut y, MARGIN, &r.office, 12.0, true);
    for line in [
        format!("Okres: {} – {}; zakres: {}.", iso_day_text(&r.from), iso_day_text(&r.to), r.scope),
        format!(
            "Odpowiedzi: {} (poprzedni okres tej samej długości, {} – {}: {}).",
            r.total,
            iso_day_text(&r.previous_from),
            iso_day_text(&r.previous_to),
            r.previous_total
        ),
        format!("Wygenerowano {}.", crate::local_time::human_text(&r.generated_at)),
    ] {
        paragraph(&mut title, &mut y, MARGIN, &line, BODY, false);
    }
    b.push(Block { height: y + 2.0, marks: title });
    if let Some(note) = &r.versions_note {
        b.push(text_block(note, BODY, false));
    }

    table(
        &mut b,
        "Odpowiedzi według kanału",
        &[("Kanał", 0.4), ("Razem", 0.15), ("Pełne", 0.15), ("Niepełne", 0.15)],
        r.completeness
            .iter()
            .map(|(c, full, part)| vec![c.clone(), (full + part).to_string(), full.to_string(), part.to_string()])
            .collect(),
    );
    b.push(chart_block(report_charts::channels(r)));
    b.push(text_block(
        "Pełna odpowiedź to taka, w której oceniono (lub zaznaczono „nie dotyczy”) każde pytanie z oceną; kiosk w trybie buziek i przyciski zbierają z założenia tylko ogólną ocenę.",
        8.0,
        false,
    ));
    if r.capture_times_replaced > 0 {
        let note = format!(
            "Odpowiedzi z kiosków z niemożliwym czasem zapisu (sprzed rozpoczęcia badania lub z przyszłości), policzone w chwili odebrania przez serwer: {}.",
            r.capture_times_replaced
        );
        b.push(text_block(&note, BODY, false));
    }
    if !r.filtered_presses.is_empty() {
        let list: Vec<String> = r.filtered_presses.iter().map(|(reason, n)| format!("{reason} – {n}")).collect();
        b.push(text_block(
            &format!("Naciśnięcia przycisków nieliczone jako odpowiedzi: {}.", list.join("; ")),
            BODY,
            false,
        ));
    }

    let overall = figure_columns("Ogólna ocena obsługi", true);
    let mut row = figures_row("wszystkie odpowiedzi", &r.overall);
    row.push(r.overall_change_text());
    table(&mut b, "Ogólna ocena obsługi", &overall, vec![row]);
    b.push(chart_block(report_charts::distribution(r)));

    let areas = figure_columns("Obszar", true);
    let mut rows: Vec<Vec<String>> = r
        .areas
        .iter()
        .map(|a| {
            let mut row = figures_row(&a.title, &a.satisfaction);
            row.push(a.change_text());
            row
        })
        .collect();
    let mut all = figures_row("Wszystkie obszary", &r.all_areas);
    all.push("–".into());
    rows.push(all);
    table(&mut b, "Obszary (zadowolenie)", &areas, rows);
    if !r.priorities.is_empty() {
        table(
            &mut b,
            "Ważność a zadowolenie (największa luka – pierwsza do poprawy)",
            &[("Obszar", 0.4), ("Ważność", 0.15), ("Zadowolenie", 0.15), ("Luka", 0.15)],
            r.priorities
                .iter()
                .map(|p| vec![p.area.clone(), p.importance_text(), p.satisfaction_text(), p.gap_text()])
                .collect(),
        );
        b.extend(report_charts::quadrant(r).map(chart_block));
    }
    for area in &r.areas {
        table(
            &mut b,
            &format!("Pytania obszaru {}", area.title),
            &figure_columns("Pytanie", false),
            area.items.iter().map(|i| figures_row(&i.text, &i.figures)).collect(),
        );
    }

    departments(&mut b, r);
    choices(&mut b, r);
    b.extend(report_charts::trend(r).map(chart_block));
    table(
        &mut b,
        "Ogólna ocena według miesięcy",
        &[("Miesiąc", 0.2), ("n", 0.1), ("Średnia", 0.12), ("Zadowoleni %", 0.15), ("Indeks", 0.12), ("", 0.31)],
        r.months
            .iter()
            .map(|(m, f)| match f {
                Some(f) => vec![m.clone(), f.n.to_string(), f.mean_text(), f.satisfied_text(), f.index_text()],
                None => vec![m.clone(), format!("< {}", r.threshold), String::new(), String::new(), String::new()],
            })
            .collect(),
    );
    b.extend(heatmap(r));

    b.push(heading("Uwagi mieszkańców"));
    if r.comments.is_empty() {
        b.push(text_block("Brak uwag w tym okresie.", BODY, false));
    }
    for (day, key, text) in &r.comments {
        b.push(text_block(&format!("{day} ({key}): {text}"), BODY, false));
    }
    b.push(heading("Wnioski i działania korygujące"));
    match conclusions.filter(|c| !c.trim().is_empty()) {
        Some(text) => {
            for line in text.lines() {
                b.push(text_block(line, BODY, false));
            }
        }
        None => b.push(text_block("(nie wpisano)", BODY, false)),
    }
    actions(&mut b, r);
    // The heading and its text as one block, so the heading never ends a page alone.
    let mut how = heading("Jak liczono");
    let how_text = text_block(
        "n – liczba ocen 1–5 („nie dotyczy” nie wchodzi do n ani do średniej). Średnia – suma ocen / n. Zadowoleni – odsetek ocen 4 i 5, neutralni – 3, niezadowoleni – 1 i 2. Indeks 0–100 = (średnia − 1) / 4 × 100. Obszar łączy wszystkie oceny swoich pytań. Zmiana – różnica średnich względem poprzedniego okresu tej samej długości. Pytania wyboru: odsetek wśród osób, które odpowiedziały (wielokrotny wybór: wśród osób, którym zadano pytanie). Pole oparte na mniej niż progu osób jest ukryte; gdy w tabeli sumującej się do pokazanej sumy ukryte byłoby tylko jedno pole, ukrywamy też najmniejsze z pozostałych. Dni i godziny według czasu polskiego.",
        8.0,
        false,
    );
    let top = how.height;
    how.marks.extend(how_text.marks.into_iter().map(|m| match m {
        Mark::Text { x, y, size, bold, text } => Mark::Text { x, y: y + top, size, bold, text },
        other => other,
    }));
    how.height += how_text.height;
    b.push(how);
    doc.add(b, &format!("{} · raport {} – {} · ", r.office, iso_day_text(&r.from), iso_day_text(&r.to)));
    Ok(doc.save())
}
