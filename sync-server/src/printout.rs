//! "Pobierz ankietę do wydrukowania (pdf)": the office's current questionnaire as an A4 sheet to print,
//! with boxes to tick, lines for comments and the metryczka. Options are numbered exactly as paper entry
//! reads them (ratings 1–5, 0 for "nie dotyczy"; choices 1, 2, …), so typing a sheet in is typing the
//! numbers ticked. A question is never split across a page break. DejaVu Sans is embedded whole: a file
//! is about 0.75 MB (subsetting needs a heavier build of the PDF library).

use printpdf::{
    Color, Line, LinePoint, Mm, Op, PaintMode, ParsedFont, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point,
    Pt, Rect, Rgb, TextItem,
};
use survey::{Lang, QuestionKind, Questionnaire};

const PAGE_W: f32 = 210.0;
const PAGE_H: f32 = 297.0;
const MARGIN: f32 = 18.0;
const BODY: f32 = 10.0;
const LINE: f32 = 5.0;
/// DejaVu Sans is wide: about 0.6 em a letter on average keeps wrapped lines inside the margins.
const EM_PER_CHAR: f32 = 0.6;
/// Short option labels are mostly lowercase letters and digits: about 0.52 em a letter.
const OPTION_EM_PER_CHAR: f32 = 0.52;

/// Where the sheet comes from and what it says about itself.
pub struct Sheet<'a> {
    pub office_name: &'a str,
    pub survey_url: &'a str,
    pub questionnaire: &'a Questionnaire,
    pub departments: &'a [(String, String)],
    /// The sheets to print: one per serial number, or a single sheet without one.
    pub serials: Vec<String>,
}

/// One thing drawn, in mm from the top of its block.
enum Mark {
    Text { x: f32, y: f32, size: f32, bold: bool, text: String },
    Box { x: f32, y: f32 },
    Rule { x: f32, y: f32, width: f32 },
}

/// Marks that must stay on one page, and their height.
struct Block {
    height: f32,
    marks: Vec<Mark>,
}

fn wrap(text: &str, size: f32, width: f32) -> Vec<String> {
    let per_line = ((width / (size * 0.3528 * EM_PER_CHAR)) as usize).max(10);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > per_line {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

fn paragraph(marks: &mut Vec<Mark>, y: &mut f32, x: f32, text: &str, size: f32, bold: bool) {
    for line in wrap(text, size, PAGE_W - MARGIN - x) {
        marks.push(Mark::Text { x, y: *y, size, bold, text: line });
        *y += size * 0.3528 * 1.45;
    }
}

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
                "(komórka – wpisz obok)".to_owned()
            } else {
                "inna".to_owned()
            }))
            .enumerate()
            .map(|(i, name)| ((i + 1).to_string(), name))
            .collect(),
        QuestionKind::FreeText { .. } => Vec::new(),
    }
}

fn blocks(sheet: &Sheet<'_>, serial: Option<&str>) -> Vec<Block> {
    let q = sheet.questionnaire;
    let mut out = Vec::new();
    let mut marks = Vec::new();
    let mut y = 0.0;
    paragraph(&mut marks, &mut y, MARGIN, q.title.get(Lang::Pl), 16.0, true);
    paragraph(&mut marks, &mut y, MARGIN, sheet.office_name, 12.0, true);
    if let Some(serial) = serial {
        paragraph(&mut marks, &mut y, MARGIN, &format!("Numer arkusza: {serial}"), BODY, true);
    }
    y += 2.0;
    for text in [
        "Badanie jest anonimowe – odpowiedzi prezentujemy wyłącznie w zbiorczych zestawieniach.",
        "Jak wypełnić: przy każdym pytaniu zaznacz krzyżykiem (X) jedną kratkę (przy pytaniu wielokrotnego wyboru – tyle, ile trzeba). Oceny: 1 – bardzo słabo, 2 – słabo, 3 – dostatecznie, 4 – dobrze, 5 – bardzo dobrze, 0 – nie dotyczy / nie mam zdania. Obowiązkowa jest tylko ogólna ocena; na pozostałe pytania odpowiedz, jeśli chcesz.",
        "Wypełnioną ankietę wrzuć do urny przy wyjściu lub zostaw w punkcie obsługi klienta.",
        &format!("Ankietę można wypełnić także w internecie: {}", sheet.survey_url),
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
                        let width = 6.0 + text.chars().count() as f32 * BODY * 0.3528 * OPTION_EM_PER_CHAR + 4.0;
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

fn mm(v: f32) -> Pt {
    Mm(v).into()
}

/// The sheet as a PDF.
pub fn questionnaire_pdf(sheet: &Sheet<'_>) -> Result<Vec<u8>, String> {
    let mut doc = PdfDocument::new("Ankieta – badanie satysfakcji klienta");
    let mut warnings = Vec::new();
    let regular =
        ParsedFont::from_bytes(crate::fonts::REGULAR, 0, &mut warnings).ok_or("nie można wczytać czcionki")?;
    let bold = ParsedFont::from_bytes(crate::fonts::BOLD, 0, &mut warnings).ok_or("nie można wczytać czcionki")?;
    let regular = doc.add_font(&regular);
    let bold = doc.add_font(&bold);

    let serials: Vec<Option<&str>> =
        if sheet.serials.is_empty() { vec![None] } else { sheet.serials.iter().map(|s| Some(s.as_str())).collect() };
    let mut rendered = Vec::new();
    for serial in serials {
        rendered.extend(sheet_pages(&lay_out(blocks(sheet, serial)), regular.clone(), bold.clone()));
    }
    doc.with_pages(rendered);
    let mut save_warnings = Vec::new();
    Ok(doc.save(&PdfSaveOptions::default(), &mut save_warnings))
}

/// Lays blocks out on pages: a block that does not fit starts the next page.
fn lay_out(blocks: Vec<Block>) -> Vec<Vec<(f32, Block)>> {
    let usable = PAGE_H - 2.0 * MARGIN - 8.0;
    let mut pages: Vec<Vec<(f32, Block)>> = vec![Vec::new()];
    let mut used = 0.0;
    for block in blocks {
        if used + block.height > usable && used > 0.0 {
            pages.push(Vec::new());
            used = 0.0;
        }
        let top = used;
        used += block.height;
        if let Some(page) = pages.last_mut() {
            page.push((top, block));
        }
    }
    pages
}

/// Draws one sheet's pages.
fn sheet_pages(pages: &[Vec<(f32, Block)>], regular: printpdf::FontId, bold: printpdf::FontId) -> Vec<PdfPage> {
    let total = pages.len();
    let black = Color::Rgb(Rgb { r: 0.0, g: 0.0, b: 0.0, icc_profile: None });
    pages
        .iter()
        .enumerate()
        .map(|(index, blocks)| {
            let mut ops = vec![
                Op::SetOutlineColor { col: black.clone() },
                Op::SetOutlineThickness { pt: Pt(0.8) },
                Op::SetFillColor { col: black.clone() },
            ];
            let text = |ops: &mut Vec<Op>, x: f32, top: f32, size: f32, is_bold: bool, s: String| {
                let font = if is_bold { bold.clone() } else { regular.clone() };
                ops.push(Op::StartTextSection);
                ops.push(Op::SetFont { font: PdfFontHandle::External(font), size: Pt(size) });
                // PDF's origin is the bottom-left corner; blocks are laid out from the top.
                ops.push(Op::SetTextCursor { pos: Point { x: mm(x), y: mm(PAGE_H - MARGIN - top - size * 0.3528) } });
                ops.push(Op::ShowText { items: vec![TextItem::Text(s)] });
                ops.push(Op::EndTextSection);
            };
            for (top, block) in blocks {
                let top = *top;
                for mark in &block.marks {
                    match *mark {
                        Mark::Text { x, y, size, bold: b, text: ref s } => {
                            text(&mut ops, x, top + y, size, b, s.clone())
                        }
                        Mark::Box { x, y } => ops.push(Op::DrawRectangle {
                            rectangle: Rect {
                                x: mm(x),
                                y: mm(PAGE_H - MARGIN - top - y - 4.0),
                                width: mm(4.0),
                                height: mm(4.0),
                                mode: Some(PaintMode::Stroke),
                                winding_order: None,
                            },
                        }),
                        Mark::Rule { x, y, width } => {
                            let at = PAGE_H - MARGIN - top - y;
                            ops.push(Op::DrawLine {
                                line: Line {
                                    points: vec![
                                        LinePoint { p: Point { x: mm(x), y: mm(at) }, bezier: false },
                                        LinePoint { p: Point { x: mm(x + width), y: mm(at) }, bezier: false },
                                    ],
                                    is_closed: false,
                                },
                            });
                        }
                    }
                }
            }
            let footer = format!("Strona {} z {total}", index + 1);
            text(&mut ops, MARGIN, PAGE_H - 2.0 * MARGIN + 4.0, 8.0, false, footer);
            PdfPage::new(Mm(PAGE_W), Mm(PAGE_H), ops)
        })
        .collect()
}
