//! "Pobierz ankietę do wydrukowania (pdf)": the office's current questionnaire as an A4 sheet to print,
//! with boxes to tick, lines for comments and the metryczka. Options are numbered exactly as paper entry
//! reads them (ratings 1–5, 0 for "nie dotyczy"; choices 1, 2, …), so typing a sheet in is typing the
//! numbers ticked. A question is never split across a page break. Each sheet carries a QR code of the
//! online survey's address, the short information clause (RODO) with the address of the full one, and
//! in a numbered batch its serial number. The sheet is printed in the resident's language (Polish,
//! English or Ukrainian: the questionnaire carries all three); the numbers are the same in every
//! language, so any sheet is typed in the same way. The information clause stays Polish.

use survey::{Lang, QuestionKind, Questionnaire};

use crate::documents::a4::{Block, Document, MARGIN, Mark, PAGE_W, paragraph, paragraph_in};
use crate::documents::fonts::PT;

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
    /// The language the sheet is printed in.
    pub lang: Lang,
}

/// The sheet's own words (the questions' words come from the questionnaire) in one language.
struct Words {
    title: &'static str,
    serial: &'static str,
    required: &'static str,
    anonymous: &'static str,
    how_to: &'static str,
    return_it: &'static str,
    online: &'static str,
    department_other: &'static str,
    department_write_in: &'static str,
    sheet: &'static str,
    page: fn(usize, usize) -> String,
}

fn words(lang: Lang) -> Words {
    match lang {
        Lang::Pl => Words {
            title: "Ankieta – badanie satysfakcji klienta",
            serial: "Numer arkusza",
            required: "wymagane",
            anonymous: "Badanie jest anonimowe – odpowiedzi prezentujemy wyłącznie w zbiorczych zestawieniach.",
            how_to: "Jak wypełnić: przy każdym pytaniu prosimy zaznaczyć krzyżykiem (X) jedną kratkę (przy pytaniu wielokrotnego wyboru – tyle, ile trzeba). Oceny: 1 – bardzo słabo, 2 – słabo, 3 – dostatecznie, 4 – dobrze, 5 – bardzo dobrze, 0 – nie dotyczy / nie mam zdania. Obowiązkowa jest tylko ogólna ocena; odpowiedzi na pozostałe pytania są dobrowolne.",
            return_it: "Wypełnioną ankietę prosimy wrzucić do urny przy wyjściu lub zostawić w punkcie obsługi klienta.",
            online: "Ankietę można wypełnić także w internecie",
            department_other: "inna",
            department_write_in: "(komórka – prosimy wpisać obok)",
            sheet: "Arkusz",
            page: |i, n| format!("Strona {i} z {n}"),
        },
        Lang::En => Words {
            title: "Questionnaire – customer satisfaction survey",
            serial: "Sheet number",
            required: "required",
            anonymous: "The survey is anonymous – answers are only ever presented in aggregate.",
            how_to: "How to fill in: for each question mark one box with a cross (X) (for a multiple-choice question, as many as apply). Ratings: 1 – very poor, 2 – poor, 3 – fair, 4 – good, 5 – very good, 0 – not applicable / no opinion. Only the overall rating is required; answer the other questions if you wish.",
            return_it: "Please drop the completed questionnaire into the box at the exit or leave it at the customer service desk.",
            online: "You can also fill in the survey online",
            department_other: "other",
            department_write_in: "(department – write it next to this)",
            sheet: "Sheet",
            page: |i, n| format!("Page {i} of {n}"),
        },
        Lang::Uk => Words {
            title: "Анкета – опитування щодо задоволеності клієнтів",
            serial: "Номер аркуша",
            required: "обов’язково",
            anonymous: "Опитування анонімне – відповіді подаються лише в узагальненому вигляді.",
            how_to: "Як заповнити: біля кожного запитання позначте хрестиком (X) одну клітинку (у запитанні з кількома варіантами – скільки потрібно). Оцінки: 1 – дуже погано, 2 – погано, 3 – задовільно, 4 – добре, 5 – дуже добре, 0 – не стосується / не маю думки. Обов’язковою є лише загальна оцінка; на інші запитання відповідайте за бажанням.",
            return_it: "Заповнену анкету вкиньте до скриньки біля виходу або залиште в пункті обслуговування клієнтів.",
            online: "Анкету можна заповнити також в інтернеті",
            department_other: "інший",
            department_write_in: "(відділ – впишіть поруч)",
            sheet: "Аркуш",
            page: |i, n| format!("Сторінка {i} з {n}"),
        },
    }
}

/// The logo's height on the sheet, in mm.
const LOGO_HEIGHT: f32 = 18.0;

/// Numbered choices of a question, as paper entry numbers them.
fn options(
    q: &Questionnaire,
    kind: &QuestionKind,
    departments: &[(String, String)],
    lang: Lang,
) -> Vec<(String, String)> {
    match kind {
        QuestionKind::Rating { not_applicable, .. } => {
            let mut list: Vec<(String, String)> = q
                .rating_labels
                .iter()
                .enumerate()
                .map(|(i, l)| ((i + 1).to_string(), l.get(lang).to_owned()))
                .collect();
            if *not_applicable {
                list.push(("0".into(), q.not_applicable_label.get(lang).to_owned()));
            }
            list
        }
        QuestionKind::SingleChoice { options } | QuestionKind::MultipleChoice { options } => {
            options.iter().enumerate().map(|(i, o)| ((i + 1).to_string(), o.label.get(lang).to_owned())).collect()
        }
        QuestionKind::Department => departments
            .iter()
            .map(|(_, name)| name.clone())
            .chain(std::iter::once(if departments.is_empty() {
                words(lang).department_write_in.to_owned()
            } else {
                words(lang).department_other.to_owned()
            }))
            .enumerate()
            .map(|(i, name)| ((i + 1).to_string(), name))
            .collect(),
        QuestionKind::FreeText { .. } => Vec::new(),
    }
}

fn blocks(sheet: &Sheet<'_>, serial: Option<&str>, logo: Option<usize>) -> Vec<Block> {
    let q = sheet.questionnaire;
    let (lang, w) = (sheet.lang, words(sheet.lang));
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
    paragraph_in(&mut marks, &mut y, heading, q.title.get(lang), 16.0, true);
    paragraph_in(&mut marks, &mut y, heading, sheet.office_name, 12.0, true);
    if let Some(serial) = serial {
        paragraph_in(&mut marks, &mut y, heading, &format!("{}: {serial}", w.serial), BODY, true);
    }
    marks.extend(qr_marks(sheet.survey_url, PAGE_W - MARGIN - QR_SIDE, 0.0));
    y = y.max(QR_SIDE).max(if logo_width > 0.0 { LOGO_HEIGHT } else { 0.0 });
    y += 2.0;
    for text in
        [w.anonymous, w.how_to, w.return_it, &format!("{}: {}", w.online, sheet.survey_url), sheet.privacy_clause]
    {
        paragraph(&mut marks, &mut y, MARGIN, text, BODY, false);
        y += 1.0;
    }
    out.push(Block { height: y + 2.0, marks });

    let mut number = 0;
    for section in &q.sections {
        let mut heading = Vec::new();
        let mut hy = 2.0;
        paragraph(&mut heading, &mut hy, MARGIN, section.title.get(lang), 12.0, true);
        let mut first = true;
        for question in &section.questions {
            number += 1;
            // The section heading travels with its first question.
            let (mut marks, mut y) = if first { (std::mem::take(&mut heading), hy) } else { (Vec::new(), 0.0) };
            first = false;
            let required = if question.required { format!(" ({})", w.required) } else { String::new() };
            paragraph(
                &mut marks,
                &mut y,
                MARGIN,
                &format!("{number}. {}{required}", question.text.get(lang)),
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
                    for (n, label) in options(q, kind, sheet.departments, lang) {
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
    let w = words(sheet.lang);
    let mut doc = Document::new(w.title)?;
    let logo = sheet.logo.map(|p| doc.add_image(p));
    let serials: Vec<Option<&str>> =
        if sheet.serials.is_empty() { vec![None] } else { sheet.serials.iter().map(|s| Some(s.as_str())).collect() };
    for serial in serials {
        let footer = serial.map(|s| format!("{} {s} · ", w.sheet)).unwrap_or_default();
        doc.add_numbered(blocks(sheet, serial, logo), &footer, w.page);
    }
    Ok(doc.save())
}
