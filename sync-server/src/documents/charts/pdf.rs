//! The PDF back end: a chart's shapes as printpdf drawing operations, so the PDF's charts are vector
//! drawings of the same geometry as the page's SVG. Text is placed by its measured width (the embedded
//! font's advance widths), so centred and right-aligned labels sit where the SVG puts them.

use printpdf::{
    Color, FontId, Line, LineDashPattern, LinePoint, Mm, Op, PaintMode, PdfFontHandle, Point, Polygon, PolygonRing, Pt,
    Rect, TextItem, WindingOrder,
};

use super::{Anchor, Chart, Rgb, Shape};
use crate::documents::fonts::{self, PT};

/// Where and how large the chart is drawn: its top-left corner in millimetres from the page's
/// bottom-left corner (PDF's origin), and its width in millimetres (the height follows).
#[derive(Debug, Clone, Copy)]
pub struct Placement {
    pub left: f32,
    pub top: f32,
    pub width: f32,
}

fn colour(c: Rgb) -> Color {
    Color::Rgb(printpdf::Rgb {
        r: f32::from(c.0) / 255.0,
        g: f32::from(c.1) / 255.0,
        b: f32::from(c.2) / 255.0,
        icc_profile: None,
    })
}

fn point(x: f32, y: f32) -> LinePoint {
    LinePoint { p: Point { x: Mm(x).into(), y: Mm(y).into() }, bezier: false }
}

impl Chart {
    /// The height in millimetres when drawn `width` millimetres wide.
    pub fn height_at(&self, width: f32) -> f32 {
        self.height * width / self.width.max(1.0)
    }

    /// The drawing operations of the chart at `at`, its text in the embedded fonts `regular` and `bold`.
    pub fn pdf_ops(&self, at: Placement, (regular, bold): (&FontId, &FontId)) -> Vec<Op> {
        let k = at.width / self.width.max(1.0);
        let x_of = |x: f32| at.left + x * k;
        let y_of = |y: f32| at.top - y * k;
        let mut ops = vec![Op::SaveGraphicsState];
        for shape in &self.shapes {
            match shape {
                Shape::Rect { x, y, width, height, fill, .. } => {
                    ops.push(Op::SetFillColor { col: colour(*fill) });
                    ops.push(Op::DrawRectangle {
                        rectangle: Rect {
                            x: Mm(x_of(*x)).into(),
                            y: Mm(y_of(y + height)).into(),
                            width: Mm(width * k).into(),
                            height: Mm(height * k).into(),
                            mode: Some(PaintMode::Fill),
                            winding_order: None,
                        },
                    });
                }
                Shape::Line { points, stroke, width, dashed } => {
                    ops.push(Op::SetOutlineColor { col: colour(*stroke) });
                    // Line widths in chart units, as points: 1 unit is 1/96 in on screen, 0.75 pt.
                    ops.push(Op::SetOutlineThickness { pt: Pt(width * k / PT) });
                    let dash = if *dashed {
                        LineDashPattern::new(0.0, &[6.0 * k / PT, 4.0 * k / PT])
                    } else {
                        LineDashPattern::solid()
                    };
                    ops.push(Op::SetLineDashPattern { dash });
                    ops.push(Op::DrawLine {
                        line: Line {
                            points: points.iter().map(|(x, y)| point(x_of(*x), y_of(*y))).collect(),
                            is_closed: false,
                        },
                    });
                    ops.push(Op::SetLineDashPattern { dash: LineDashPattern::solid() });
                }
                Shape::Dot { x, y, radius, fill, square, .. } => {
                    let (cx, cy, r) = (x_of(*x), y_of(*y), radius * k);
                    // A circle as a 16-sided polygon: at these sizes (a millimetre or two) it prints round.
                    let corners: Vec<LinePoint> = if *square {
                        vec![point(cx - r, cy - r), point(cx + r, cy - r), point(cx + r, cy + r), point(cx - r, cy + r)]
                    } else {
                        (0..16)
                            .map(|i| {
                                let a = i as f32 * std::f32::consts::TAU / 16.0;
                                point(cx + r * a.cos(), cy + r * a.sin())
                            })
                            .collect()
                    };
                    ops.push(Op::SetFillColor { col: colour(*fill) });
                    ops.push(Op::DrawPolygon {
                        polygon: Polygon {
                            rings: vec![PolygonRing { points: corners }],
                            mode: PaintMode::Fill,
                            winding_order: WindingOrder::NonZero,
                        },
                    });
                }
                Shape::Text { x, y, size, anchor, bold: is_bold, fill, text } => {
                    // Font size in points: chart units scaled to millimetres, then to points.
                    let pt = size * k / PT;
                    let width = fonts::text_width(text, pt, *is_bold) * PT;
                    let left = match anchor {
                        Anchor::Start => x_of(*x),
                        Anchor::Middle => x_of(*x) - width / 2.0,
                        Anchor::End => x_of(*x) - width,
                    };
                    let font = if *is_bold { bold.clone() } else { regular.clone() };
                    ops.push(Op::SetFillColor { col: colour(*fill) });
                    ops.push(Op::StartTextSection);
                    ops.push(Op::SetFont { font: PdfFontHandle::External(font), size: Pt(pt) });
                    ops.push(Op::SetTextCursor { pos: Point { x: Mm(left).into(), y: Mm(y_of(*y)).into() } });
                    ops.push(Op::ShowText { items: vec![TextItem::Text(text.clone())] });
                    ops.push(Op::EndTextSection);
                }
            }
        }
        ops.push(Op::RestoreGraphicsState);
        ops
    }
}
