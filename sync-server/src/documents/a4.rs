//! A4 pages drawn with printpdf, shared by the printable questionnaire and the report: things to draw
//! ("marks") are grouped in blocks that must stay on one page, laid out top to bottom, and drawn with
//! the embedded DejaVu Sans (subset, see `assets/fonts/README.md`). Everything is vector: text, boxes,
//! rules and filled rectangles (bars, QR modules, map cells), so it prints sharp in black and white.

use printpdf::{
    Color, Line, LinePoint, Mm, Op, PaintMode, ParsedFont, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point,
    Pt, RawImage, RawImageData, RawImageFormat, Rect, Rgb, TextItem, XObjectId, XObjectTransform,
};

use crate::documents::fonts::PT;

pub const PAGE_W: f32 = 210.0;
pub const PAGE_H: f32 = 297.0;
pub const MARGIN: f32 = 18.0;

/// One thing drawn, in mm from the top of its block.
pub enum Mark {
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        text: String,
    },
    /// A 4 mm box to tick.
    Box {
        x: f32,
        y: f32,
    },
    Rule {
        x: f32,
        y: f32,
        width: f32,
    },
    /// A filled rectangle; `gray` 0.0 is black, 1.0 white.
    Fill {
        x: f32,
        y: f32,
        width: f32,
        height: f32,
        gray: f32,
    },
    /// A picture added with [`Document::add_image`], drawn `width` × `height` mm.
    Image {
        x: f32,
        y: f32,
        width: f32,
        height: f32,
        image: usize,
    },
    /// A chart (see `charts`) drawn `width` mm wide, its top-left corner at (`x`, `y`).
    Chart {
        x: f32,
        y: f32,
        width: f32,
        chart: crate::documents::charts::Chart,
    },
}

/// Marks that must stay on one page, and their height.
#[derive(Default)]
pub struct Block {
    pub height: f32,
    pub marks: Vec<Mark>,
}

/// The width in mm of `text` set at `size` pt in the embedded font.
pub fn text_width(text: &str, size: f32, bold: bool) -> f32 {
    crate::documents::fonts::text_width(text, size, bold) * PT
}

/// Splits `text` into lines that fit `width` mm at `size` pt, measured with the embedded regular font.
pub fn wrap(text: &str, size: f32, width: f32) -> Vec<String> {
    wrap_in_font(text, size, false, width)
}

/// Splits `text` into lines that fit `width` mm at `size` pt in the regular or bold face: words are
/// measured with the font's own glyph widths, and a word longer than a whole line (a long address, a
/// comment typed without spaces) is broken between characters rather than run off the page.
pub fn wrap_in_font(text: &str, size: f32, bold: bool, width: f32) -> Vec<String> {
    let space = text_width(" ", size, bold);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0.0;
    for word in text.split_whitespace() {
        let word_width = text_width(word, size, bold);
        if !line.is_empty() && used + space + word_width <= width {
            line.push(' ');
            line.push_str(word);
            used += space + word_width;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        if word_width <= width {
            line.push_str(word);
            used = word_width;
            continue;
        }
        // Longer than a line: as many characters as fit on each line, at least one.
        used = 0.0;
        for c in word.chars() {
            let w = text_width(c.encode_utf8(&mut [0; 4]), size, bold);
            if !line.is_empty() && used + w > width {
                lines.push(std::mem::take(&mut line));
                used = 0.0;
            }
            line.push(c);
            used += w;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Adds `text` wrapped to the right margin from `x`, moving `y` down past it.
pub fn paragraph(marks: &mut Vec<Mark>, y: &mut f32, x: f32, text: &str, size: f32, bold: bool) {
    paragraph_in(marks, y, (x, PAGE_W - MARGIN - x), text, size, bold);
}

/// [`paragraph`] within (`x`, `width`).
pub fn paragraph_in(marks: &mut Vec<Mark>, y: &mut f32, (x, width): (f32, f32), text: &str, size: f32, bold: bool) {
    for line in wrap_in_font(text, size, bold, width) {
        marks.push(Mark::Text { x, y: *y, size, bold, text: line });
        *y += size * PT * 1.45;
    }
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

fn mm(v: f32) -> Pt {
    Mm(v).into()
}

/// A PDF being written: its fonts and pages.
pub struct Document {
    doc: PdfDocument,
    regular: printpdf::FontId,
    bold: printpdf::FontId,
    pages: Vec<PdfPage>,
    /// Pictures added, with their size in pixels.
    images: Vec<(XObjectId, usize, usize)>,
}

impl Document {
    pub fn new(title: &str) -> Result<Document, String> {
        let mut doc = PdfDocument::new(title);
        let mut warnings = Vec::new();
        let regular = ParsedFont::from_bytes(crate::documents::fonts::REGULAR, 0, &mut warnings)
            .ok_or("nie można wczytać czcionki")?;
        let bold = ParsedFont::from_bytes(crate::documents::fonts::BOLD, 0, &mut warnings)
            .ok_or("nie można wczytać czcionki")?;
        let regular = doc.add_font(&regular);
        let bold = doc.add_font(&bold);
        Ok(Document { doc, regular, bold, pages: Vec::new(), images: Vec::new() })
    }

    /// Adds a picture once (however many pages show it); [`Mark::Image`] refers to it by the number
    /// returned.
    pub fn add_image(&mut self, picture: &crate::documents::logo::Pixels) -> usize {
        let raw = RawImage {
            pixels: RawImageData::U8(picture.rgb.clone()),
            width: picture.width,
            height: picture.height,
            data_format: RawImageFormat::RGB8,
            tag: Vec::new(),
        };
        self.images.push((self.doc.add_image(&raw), picture.width, picture.height));
        self.images.len() - 1
    }

    /// Lays `blocks` out and adds their pages, numbered "Strona i z n" after `footer`.
    pub fn add(&mut self, blocks: Vec<Block>, footer: &str) {
        self.add_numbered(blocks, footer, |i, n| format!("Strona {i} z {n}"));
    }

    /// [`Document::add`] with the page numbers worded by `page_label(i, n)` (a printout in English or
    /// Ukrainian numbers its pages in that language).
    pub fn add_numbered(&mut self, blocks: Vec<Block>, footer: &str, page_label: impl Fn(usize, usize) -> String) {
        let pages = lay_out(blocks);
        let total = pages.len();
        for (index, blocks) in pages.iter().enumerate() {
            let mut ops = Vec::new();
            for (top, block) in blocks {
                for mark in &block.marks {
                    self.draw(&mut ops, *top, mark);
                }
            }
            let text = format!("{footer}{}", page_label(index + 1, total));
            let y = PAGE_H - 2.0 * MARGIN + 4.0;
            self.draw(&mut ops, 0.0, &Mark::Text { x: MARGIN, y, size: 8.0, bold: false, text });
            self.pages.push(PdfPage::new(Mm(PAGE_W), Mm(PAGE_H), ops));
        }
    }

    fn draw(&self, ops: &mut Vec<Op>, top: f32, mark: &Mark) {
        let gray = |g: f32| Color::Rgb(Rgb { r: g, g, b: g, icc_profile: None });
        // PDF's origin is the bottom-left corner; blocks are laid out from the top.
        let from_top = |y: f32| mm(PAGE_H - MARGIN - top - y);
        let rect = |x: f32, y: f32, width: f32, height: f32, mode: PaintMode| Op::DrawRectangle {
            rectangle: Rect {
                x: mm(x),
                y: from_top(y + height),
                width: mm(width),
                height: mm(height),
                mode: Some(mode),
                winding_order: None,
            },
        };
        match mark {
            Mark::Text { x, y, size, bold, text } => {
                let font = if *bold { self.bold.clone() } else { self.regular.clone() };
                ops.push(Op::SetFillColor { col: gray(0.0) });
                ops.push(Op::StartTextSection);
                ops.push(Op::SetFont { font: PdfFontHandle::External(font), size: Pt(*size) });
                ops.push(Op::SetTextCursor { pos: Point { x: mm(*x), y: from_top(y + size * PT) } });
                ops.push(Op::ShowText { items: vec![TextItem::Text(text.clone())] });
                ops.push(Op::EndTextSection);
            }
            Mark::Box { x, y } => {
                ops.push(Op::SetOutlineColor { col: gray(0.0) });
                ops.push(Op::SetOutlineThickness { pt: Pt(0.8) });
                ops.push(rect(*x, *y, 4.0, 4.0, PaintMode::Stroke));
            }
            Mark::Rule { x, y, width } => {
                ops.push(Op::SetOutlineColor { col: gray(0.0) });
                ops.push(Op::SetOutlineThickness { pt: Pt(0.8) });
                ops.push(Op::DrawLine {
                    line: Line {
                        points: vec![
                            LinePoint { p: Point { x: mm(*x), y: from_top(*y) }, bezier: false },
                            LinePoint { p: Point { x: mm(x + width), y: from_top(*y) }, bezier: false },
                        ],
                        is_closed: false,
                    },
                });
            }
            Mark::Fill { x, y, width, height, gray: g } => {
                ops.push(Op::SetFillColor { col: gray(*g) });
                ops.push(rect(*x, *y, *width, *height, PaintMode::Fill));
            }
            Mark::Chart { x, y, width, chart } => {
                let at = crate::documents::charts::pdf::Placement {
                    left: *x,
                    top: PAGE_H - MARGIN - top - y,
                    width: *width,
                };
                ops.extend(chart.pdf_ops(at, (&self.regular, &self.bold)));
            }
            Mark::Image { x, y, width, height, image } => {
                let Some((id, px_w, px_h)) = self.images.get(*image) else { return };
                // At 72 dpi a pixel is a point; scaled from there to the size asked for.
                ops.push(Op::UseXobject {
                    id: id.clone(),
                    transform: XObjectTransform {
                        translate_x: Some(mm(*x)),
                        translate_y: Some(from_top(y + height)),
                        scale_x: Some(mm(*width).0 / *px_w as f32),
                        scale_y: Some(mm(*height).0 / *px_h as f32),
                        dpi: Some(72.0),
                        ..XObjectTransform::default()
                    },
                });
            }
        }
    }

    /// The finished file.
    pub fn save(mut self) -> Vec<u8> {
        self.doc.with_pages(self.pages);
        let mut warnings = Vec::new();
        self.doc.save(&PdfSaveOptions::default(), &mut warnings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapped_lines_fit_their_width_by_the_fonts_measure() {
        let text = "Proszę o dłuższe godziny pracy w czwartki oraz o więcej miejsc parkingowych przy urzędzie gminy.";
        let lines = wrap(text, 9.0, 60.0);
        assert!(lines.len() > 1);
        assert_eq!(lines.join(" "), text);
        for line in &lines {
            assert!(text_width(line, 9.0, false) <= 60.0, "{line}");
        }
    }

    #[test]
    fn a_word_longer_than_the_line_is_broken_between_characters() {
        let long = format!("https://example.org/{}", "ż".repeat(200));
        let lines = wrap(&format!("Zobacz {long} dalej"), 9.0, 80.0);
        assert!(lines.len() > 3, "{lines:?}");
        for line in &lines {
            assert!(text_width(line, 9.0, false) <= 80.0, "{line}");
        }
        // Nothing lost: the pieces put together are the text again.
        assert_eq!(lines.concat().replace(' ', ""), format!("Zobacz{long}dalej"));
    }
}
