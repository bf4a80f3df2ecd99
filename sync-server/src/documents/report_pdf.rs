//! The measurement report as a PDF: the same figures as the page, in tables, with bars and the hour ×
//! weekday map drawn as vector rectangles (no chart needs a browser). Suppressed cells read "< N" here
//! too; comments and conclusions are printed as text, never interpreted.

use crate::documents::a4::{Block, Document, MARGIN, Mark, PAGE_W, PT, paragraph};
use crate::documents::report_figures::{Figures, Report};

const BODY: f32 = 9.0;
const ROW: f32 = 5.2;
const WIDTH: f32 = PAGE_W - 2.0 * MARGIN;

/// A heading kept with what follows it (the caller adds the first row to the same block).
fn heading(text: &str) -> Block {
    let mut marks = Vec::new();
    let mut y = 3.0;
    paragraph(&mut marks, &mut y, MARGIN, text, 12.0, true);
    Block { height: y + 1.0, marks }
}

fn text_block(text: &str, size: f32, bold: bool) -> Block {
    let mut marks = Vec::new();
    let mut y = 0.0;
    paragraph(&mut marks, &mut y, MARGIN, text, size, bold);
    Block { height: y + 1.0, marks }
}

/// A table: column widths as shares of the text width; the first column left, the others right-aligned
/// by their start (numbers are short). The heading block carries the header row and the first row.
fn table(blocks: &mut Vec<Block>, title: &str, columns: &[(&str, f32)], rows: Vec<Vec<String>>) {
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
            let fits = ((share * WIDTH) / (BODY * PT * 0.55)) as usize;
            let text: String = value.chars().take(fits.max(4)).collect();
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

fn figures_row(label: &str, f: &Figures) -> Vec<String> {
    vec![
        label.to_owned(),
        f.n.to_string(),
        f.mean.clone(),
        f.satisfied.clone(),
        f.neutral.clone(),
        f.dissatisfied.clone(),
        f.index.clone(),
    ]
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
fn figure_columns(first: &'static str, change: bool) -> Vec<(&'static str, f32)> {
    let mut c = FIGURE_COLUMNS.to_vec();
    c[0].0 = first;
    if change {
        c[0].1 = 0.30;
        c.push(("Zmiana", 0.10));
    }
    c
}

/// Horizontal bars of the overall rating's distribution.
fn distribution(f: &Figures) -> Block {
    let mut block = heading("Rozkład ogólnej oceny");
    let top = block.height;
    for i in 0..5 {
        let y = top + i as f32 * 6.0;
        block.marks.push(Mark::Text { x: MARGIN, y, size: BODY, bold: false, text: format!("{}", i + 1) });
        let width = f.bars[i] as f32 * 1.2;
        if width > 0.0 {
            block.marks.push(Mark::Fill { x: MARGIN + 6.0, y: y + 0.3, width, height: 4.0, gray: 0.25 });
        }
        let label = format!("{} ({} %)", f.distribution[i], f.bars[i]);
        block.marks.push(Mark::Text { x: MARGIN + 8.0 + width, y, size: BODY, bold: false, text: label });
    }
    block.height = top + 5.0 * 6.0 + 2.0;
    block
}

/// The hour × weekday map: a grid of grey cells, darker for more answers, each with its count.
fn heatmap(r: &Report) -> Vec<Block> {
    let map = &r.heatmap;
    let mut out = vec![text_block(
        &format!("Odpowiedzi z kiosków ({}) według dnia tygodnia i godziny (czas polski).", map.total),
        BODY,
        false,
    )];
    let mut block = heading("Kiedy klienci odpowiadają w kioskach");
    std::mem::swap(&mut out[0], &mut block);
    out.insert(0, block);
    let mut grid = Block::default();
    let cell = ((WIDTH - 24.0) / map.hours.len().max(1) as f32).min(10.0);
    for (i, hour) in map.hours.iter().enumerate() {
        grid.marks.push(Mark::Text {
            x: MARGIN + 24.0 + i as f32 * cell,
            y: 0.0,
            size: 7.0,
            bold: false,
            text: format!("{hour}"),
        });
    }
    for (row_index, row) in map.rows.iter().enumerate() {
        let y = 4.0 + row_index as f32 * 6.0;
        grid.marks.push(Mark::Text { x: MARGIN, y: y + 1.0, size: 8.0, bold: false, text: row.day.clone() });
        for (i, (n, shade)) in row.cells.iter().enumerate() {
            let x = MARGIN + 24.0 + i as f32 * cell;
            let gray = [1.0, 0.85, 0.7, 0.55, 0.4][usize::from(*shade).min(4)];
            grid.marks.push(Mark::Fill { x, y, width: cell - 0.4, height: 5.4, gray });
            if *n > 0 {
                grid.marks.push(Mark::Text { x: x + 0.6, y: y + 1.2, size: 6.0, bold: false, text: n.to_string() });
            }
        }
    }
    grid.height = 4.0 + 7.0 * 6.0 + 3.0;
    out.push(grid);
    out
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
        format!("Okres: {} – {}; zakres: {}.", r.from, r.to, r.scope),
        format!(
            "Odpowiedzi: {} (poprzedni okres tej samej długości, {} – {}: {}).",
            r.total, r.previous_from, r.previous_to, r.previous_total
        ),
        format!("Wygenerowano {} (UTC).", r.generated_at),
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
    row.push(r.overall_change.clone());
    table(&mut b, "Ogólna ocena obsługi", &overall, vec![row]);
    b.push(distribution(&r.overall));

    let areas = figure_columns("Obszar", true);
    let mut rows: Vec<Vec<String>> = r
        .areas
        .iter()
        .map(|a| {
            let mut row = figures_row(&a.title, &a.satisfaction);
            row.push(a.change.clone());
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
                .map(|p| vec![p.area.clone(), p.importance.clone(), p.satisfaction.clone(), p.gap.clone()])
                .collect(),
        );
    }
    for area in &r.areas {
        table(
            &mut b,
            &format!("Pytania obszaru {}", area.title),
            &figure_columns("Pytanie", false),
            area.items.iter().map(|i| figures_row(&i.text, &i.figures)).collect(),
        );
    }

    table(
        &mut b,
        "Ogólna ocena według komórki",
        &[("Komórka", 0.4), ("n", 0.12), ("Średnia", 0.15), ("Zadowoleni %", 0.15)],
        r.departments
            .iter()
            .map(|d| match &d.figures {
                Some(f) => vec![d.name.clone(), f.n.to_string(), f.mean.clone(), f.satisfied.clone()],
                None => vec![d.name.clone(), format!("< {}", r.threshold), String::new(), String::new()],
            })
            .collect(),
    );
    b.push(text_block(
        &format!(
            "Komórki z mniej niż {} odpowiedziami są ukryte („< {}”), aby nie dało się rozpoznać osób.",
            r.threshold, r.threshold
        ),
        8.0,
        false,
    ));
    table(
        &mut b,
        "Czy udało się załatwić sprawę?",
        &[("Odpowiedź", 0.4), ("n", 0.12), ("%", 0.15)],
        r.settled.iter().map(|(label, n, pct)| vec![label.clone(), n.to_string(), pct.clone()]).collect(),
    );
    table(
        &mut b,
        "Ogólna ocena według miesięcy",
        &[("Miesiąc", 0.2), ("n", 0.1), ("Średnia", 0.12), ("Zadowoleni %", 0.15), ("", 0.43)],
        r.months
            .iter()
            .map(|(m, f)| match f {
                Some(f) => vec![m.clone(), f.n.to_string(), f.mean.clone(), f.satisfied.clone()],
                None => vec![m.clone(), format!("< {}", r.threshold), String::new(), String::new()],
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
    b.push(heading("Jak liczono"));
    b.push(text_block(
        "n – liczba ocen 1–5 („nie dotyczy” nie wchodzi do n ani do średniej). Średnia – suma ocen / n. Zadowoleni – odsetek ocen 4 i 5, neutralni – 3, niezadowoleni – 1 i 2. Indeks 0–100 = (średnia − 1) / 4 × 100. Obszar łączy wszystkie oceny swoich pytań. Zmiana – różnica średnich względem poprzedniego okresu tej samej długości. Dni i godziny według czasu polskiego.",
        8.0,
        false,
    ));
    doc.add(b, &format!("{} · raport {} – {} · ", r.office, r.from, r.to));
    Ok(doc.save())
}
