//! "Pobierz ankietę do wydrukowania (pdf)": the office's current questionnaire as an A4 sheet to print,
//! with boxes to tick, lines for comments and the metryczka. Options are numbered exactly as paper entry
//! reads them (ratings 1–5, 0 for "nie dotyczy"; choices 1, 2, …), so typing a sheet in is typing the
//! numbers ticked. A question is never split across a page break. Each sheet carries a QR code of the
//! online survey's address, the short information clause (RODO) with the address of the full one, and
//! in a numbered batch its serial number.

use survey::{Lang, QuestionKind, Questionnaire};

use crate::documents::a4::{Block, Document, MARGIN, Mark, PAGE_W, PT, paragraph, paragraph_in};

const BODY: f32 = 10.0;
const LINE: f32 = 5.0;
/// Short option labels are mostly lowercase letters and digits: about 0.52 em a letter.
const OPTION_EM_PER_CHAR: f32 = 0.52;
/// The QR code's side on the sheet, in mm: big enough for any phone camera at arm's length.
const QR_SIDE: f32 = 24.0;

/// Where the sheet comes from and what it says about itself.
pub struct Sheet<'a> {
    pub office_name: &'a str,
    pub survey_url: &'a str,
    /// The short information clause (RODO) with the address of the full text
    /// (`documents::privacy_notice::short_clause`).
    pub privacy_clause: &'a str,
    pub questionnaire: &'a Questionnaire,
    pub departments: &'a [(String, String)],
    /// The sheets to print: one per serial number, or a single sheet without one.
    pub serials: Vec<String>,
    /// The office's logo, printed top left.
    pub logo: Option<&'a crate::documents::logo::Pixels>,
}

/// The logo's height on the sheet, in mm.
const LOGO_HEIGHT: f32 = 18.0;

/// Numbered choices of a question, as paper entry numbers them.
fn options(q: &Questionnaire, kind: &QuestionKind, departments: &[(String, String)]) -> Vec<(String, String)> {
    match kind {
        QuestionKind::Rating { not_applicable, .. } => {
            let mut list: Vec<(String, String)> = q
                .rating_labels
                .iter()
                .enumerate()
                .map(|(i, l)| ((i + 1).to_string(), l.get(Lang::Pl).to_owned()))
                .collect();
            if *not_applicable {
                list.push(("0".into(), q.not_applicable_label.get(Lang::Pl).to_owned()));
            }
            list
        }
        QuestionKind::SingleChoice { options } | QuestionKind::MultipleChoice { options } => {
            options.iter().enumerate().map(|(i, o)| ((i + 1).to_string(), o.label.get(Lang::Pl).to_owned())).collect()
        }
        QuestionKind::Department => departments
            .iter()
            .map(|(_, name)| name.clone())
            .chain(std::iter::once(if departments.is_empty() {
                "(komórka – prosimy wpisać obok)".to_owned()
            } else {
                "inna".to_owned()
            }))
            .enumerate()
            .map(|(i, name)| ((i + 1).to_string(), name))
            .collect(),
        QuestionKind::FreeText { .. } => Vec::new(),
    }
}

fn blocks(sheet: &Sheet<'_>, serial: Option<&str>, logo: Option<usize>) -> Vec<Block> {
    let q = sheet.questionnaire;
    let mut out = Vec::new();
    let mut marks = Vec::new();
    let mut y = 0.0;
    // The logo stands top left and the QR code (to the online survey) top right; the heading wraps
    // between them.
    let logo_width = match (logo, sheet.logo) {
        (Some(image), Some(p)) => {
            let width = (LOGO_HEIGHT * p.width as f32 / p.height.max(1) as f32).min(40.0);
            let height = width * p.height as f32 / p.width.max(1) as f32;
            marks.push(Mark::Image { x: MARGIN, y: 0.0, width, height, image });
            width + 4.0
        }
        _ => 0.0,
    };
    let heading = (MARGIN + logo_width, PAGE_W - 2.0 * MARGIN - QR_SIDE - 4.0 - logo_width);
    paragraph_in(&mut marks, &mut y, heading, q.title.get(Lang::Pl), 16.0, true);
    paragraph_in(&mut marks, &mut y, heading, sheet.office_name, 12.0, true);
    if let Some(serial) = serial {
        paragraph_in(&mut marks, &mut y, heading, &format!("Numer arkusza: {serial}"), BODY, true);
    }
    marks.extend(qr_marks(sheet.survey_url, PAGE_W - MARGIN - QR_SIDE, 0.0));
    y = y.max(QR_SIDE).max(if logo_width > 0.0 { LOGO_HEIGHT } else { 0.0 });
    y += 2.0;
    for text in [
        "Badanie jest anonimowe – odpowiedzi prezentujemy wyłącznie w zbiorczych zestawieniach.",
        "Jak wypełnić: przy każdym pytaniu prosimy zaznaczyć krzyżykiem (X) jedną kratkę (przy pytaniu wielokrotnego wyboru – tyle, ile trzeba). Oceny: 1 – bardzo słabo, 2 – słabo, 3 – dostatecznie, 4 – dobrze, 5 – bardzo dobrze, 0 – nie dotyczy / nie mam zdania. Obowiązkowa jest tylko ogólna ocena; odpowiedzi na pozostałe pytania są dobrowolne.",
        "Wypełnioną ankietę prosimy wrzucić do urny przy wyjściu lub zostawić w punkcie obsługi klienta.",
        &format!("Ankietę można wypełnić także w internecie: {}", sheet.survey_url),
        sheet.privacy_clause,
    ] {
        paragraph(&mut marks, &mut y, MARGIN, text, BODY, false);
        y += 1.0;
    }
    out.push(Block { height: y + 2.0, marks });

    let mut number = 0;
    for section in &q.sections {
        let mut heading = Vec::new();
        let mut hy = 2.0;
        paragraph(&mut heading, &mut hy, MARGIN, section.title.get(Lang::Pl), 12.0, true);
        let mut first = true;
        for question in &section.questions {
            number += 1;
            // The section heading travels with its first question.
            let (mut marks, mut y) = if first { (std::mem::take(&mut heading), hy) } else { (Vec::new(), 0.0) };
            first = false;
            let required = if question.required { " (wymagane)" } else { "" };
            paragraph(
                &mut marks,
                &mut y,
                MARGIN,
                &format!("{number}. {}{required}", question.text.get(Lang::Pl)),
                BODY,
                true,
            );
            match &question.kind {
                QuestionKind::FreeText { .. } => {
                    for _ in 0..3 {
                        y += 7.0;
                        marks.push(Mark::Rule { x: MARGIN + 4.0, y, width: PAGE_W - 2.0 * MARGIN - 4.0 });
                    }
                    y += 3.0;
                }
                kind => {
                    // Options side by side while they fit, each a box, its number and its label.
                    let mut x = MARGIN + 4.0;
                    y += 1.0;
                    for (n, label) in options(q, kind, sheet.departments) {
                        let text = format!("{n} {label}");
                        let width = 6.0 + text.chars().count() as f32 * BODY * PT * OPTION_EM_PER_CHAR + 4.0;
                        if x + width > PAGE_W - MARGIN && x > MARGIN + 4.0 {
                            x = MARGIN + 4.0;
                            y += LINE + 1.5;
                        }
                        marks.push(Mark::Box { x, y });
                        marks.push(Mark::Text { x: x + 5.5, y, size: BODY, bold: false, text });
                        x += width;
                    }
                    y += LINE + 3.0;
                }
            }
            out.push(Block { height: y, marks });
        }
    }
    out
}

/// The QR code of `url` as black squares, `QR_SIDE` mm wide, at (`x`, `y`).
fn qr_marks(url: &str, x: f32, y: f32) -> Vec<Mark> {
    let Ok(code) = qrcode::QrCode::new(url.as_bytes()) else { return Vec::new() };
    let width = code.width();
    // Four modules of quiet zone on each side, as scanners expect.
    let module = QR_SIDE / (width + 8) as f32;
    let colors = code.to_colors();
    let mut marks = Vec::new();
    // Each row's runs of dark modules as one rectangle, a hair taller than a module, so that no seam of
    // white shows between neighbours when the page is rasterised.
    for (row, line) in colors.chunks(width).enumerate() {
        let mut col = 0;
        while col < width {
            if line[col] != qrcode::Color::Dark {
                col += 1;
                continue;
            }
            let start = col;
            while col < width && line[col] == qrcode::Color::Dark {
                col += 1;
            }
            marks.push(Mark::Fill {
                x: x + (start as f32 + 4.0) * module,
                y: y + (row as f32 + 4.0) * module,
                width: (col - start) as f32 * module,
                height: module + 0.05,
                gray: 0.0,
            });
        }
    }
    marks
}

/// The sheet as a PDF.
pub fn questionnaire_pdf(sheet: &Sheet<'_>) -> Result<Vec<u8>, String> {
    let mut doc = Document::new("Ankieta – badanie satysfakcji klienta")?;
    let logo = sheet.logo.map(|p| doc.add_image(p));
    let serials: Vec<Option<&str>> =
        if sheet.serials.is_empty() { vec![None] } else { sheet.serials.iter().map(|s| Some(s.as_str())).collect() };
    for serial in serials {
        let footer = serial.map(|s| format!("Arkusz {s} · ")).unwrap_or_default();
        doc.add(blocks(sheet, serial, logo), &footer);
    }
    Ok(doc.save())
}
