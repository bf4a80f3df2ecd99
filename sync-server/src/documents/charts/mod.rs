//! Charts drawn on the server, for the report page and its PDF alike: each chart is computed once as a
//! list of shapes with coordinates ([`Chart`]), and two small back ends draw the same shapes — SVG text
//! for the page ([`svg`]) and printpdf drawing operations for the PDF ([`pdf`]) — so the PDF's charts are
//! vector drawings of exactly what the page shows. No JavaScript anywhere.
//!
//! Accessibility: every colour of a data mark has a contrast of at least 3:1 against the white
//! background (WCAG 1.4.11), and colour never carries meaning alone: series differ by line style and
//! marker shape, segments of stacked bars are separated by white gaps and labelled with their rating, and
//! every chart is shown beside the table with its numbers.

pub mod pdf;
pub mod svg;

/// A colour, 8 bits a channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

/// Text, axes and the current period's series.
pub const INK: Rgb = Rgb(0x1a, 0x1a, 0x1a);
/// The current period; bars.
pub const BLUE: Rgb = Rgb(0x0b, 0x3d, 0x91);
/// The previous period (drawn dashed, with square markers).
pub const GREY: Rgb = Rgb(0x59, 0x59, 0x59);
/// Grid lines: decoration only (every value is also written as text), so lighter than 3:1 on purpose.
pub const GRID: Rgb = Rgb(0xd0, 0xd0, 0xd0);
pub const WHITE: Rgb = Rgb(0xff, 0xff, 0xff);
/// Ratings 1 to 5, from "bardzo słabo" (red) to "bardzo dobrze" (dark blue); each at least 3:1 on white.
pub const RATING: [Rgb; 5] =
    [Rgb(0xa5, 0x00, 0x26), Rgb(0xc2, 0x41, 0x0c), Rgb(0x6b, 0x6b, 0x6b), Rgb(0x2b, 0x6c, 0xb0), Rgb(0x0b, 0x3d, 0x91)];
/// Shades of the hour × weekday map, none to most; the count is written in every cell that has one.
pub const HEAT: [Rgb; 5] =
    [Rgb(0xff, 0xff, 0xff), Rgb(0xd6, 0xe4, 0xf5), Rgb(0x8d, 0xb2, 0xdf), Rgb(0x2b, 0x6c, 0xb0), Rgb(0x0b, 0x3d, 0x91)];

/// Where a text's `x` is: its start, middle or end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    Start,
    Middle,
    End,
}

/// One thing drawn, in the chart's units (1 unit = 1 CSS pixel on screen; scaled to millimetres in the
/// PDF), the origin at the top left.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// A filled rectangle; `value` is the datum it shows, if it shows one (written as `data-value` in SVG).
    Rect { x: f32, y: f32, width: f32, height: f32, fill: Rgb, value: Option<f64> },
    /// A polyline.
    Line { points: Vec<(f32, f32)>, stroke: Rgb, width: f32, dashed: bool },
    /// A data point: a circle, or a square for the second series.
    Dot { x: f32, y: f32, radius: f32, fill: Rgb, square: bool, value: Option<f64> },
    /// Text; `y` is its baseline.
    Text { x: f32, y: f32, size: f32, anchor: Anchor, bold: bool, fill: Rgb, text: String },
}

/// A chart: its size and its shapes.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Chart {
    pub width: f32,
    pub height: f32,
    pub shapes: Vec<Shape>,
}

/// A number the Polish way: whole numbers as they are, others with one decimal and a comma.
pub fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 { format!("{v:.0}") } else { format!("{v:.1}").replace('.', ",") }
}

const WIDTH: f32 = 640.0;
const FONT: f32 = 12.0;

/// The font size at which `text` fits `room` units (measured with the embedded font the page names
/// first and the PDF uses): `FONT`, or smaller for a long label, but never below 7.
fn fitted(text: &str, room: f32) -> f32 {
    let width = crate::documents::fonts::text_width(text, FONT, false);
    if width <= room { FONT } else { (FONT * room / width).max(7.0) }
}

impl Chart {
    fn text(&mut self, x: f32, y: f32, anchor: Anchor, text: impl Into<String>) {
        self.shapes.push(Shape::Text { x, y, size: FONT, anchor, bold: false, fill: INK, text: text.into() });
    }

    /// A row's label, right-aligned at `x` and shrunk to fit the `room` left of it.
    fn label(&mut self, x: f32, y: f32, room: f32, text: &str) {
        let size = fitted(text, room);
        self.shapes.push(Shape::Text {
            x,
            y,
            size,
            anchor: Anchor::End,
            bold: false,
            fill: INK,
            text: text.to_owned(),
        });
    }

    fn small(&mut self, x: f32, y: f32, anchor: Anchor, fill: Rgb, text: impl Into<String>) {
        self.shapes.push(Shape::Text { x, y, size: FONT - 2.0, anchor, bold: false, fill, text: text.into() });
    }

    fn line(&mut self, points: Vec<(f32, f32)>, stroke: Rgb, width: f32, dashed: bool) {
        self.shapes.push(Shape::Line { points, stroke, width, dashed });
    }

    /// Horizontal grid lines with their labels at the left, for `ticks` on a scale from `min` to `max`
    /// drawn between `top` and `bottom`.
    fn y_axis(&mut self, (left, right): (f32, f32), (top, bottom): (f32, f32), (min, max): (f64, f64), ticks: &[f64]) {
        for t in ticks {
            let y = scale(*t, (min, max), (bottom, top));
            self.line(vec![(left, y), (right, y)], GRID, 1.0, false);
            self.small(left - 6.0, y + 4.0, Anchor::End, INK, number(*t));
        }
    }
}

/// `v` from the range `from` mapped to the range `to`.
fn scale(v: f64, from: (f64, f64), to: (f32, f32)) -> f32 {
    let share = if from.1 > from.0 { ((v - from.0) / (from.1 - from.0)).clamp(0.0, 1.0) } else { 0.0 };
    to.0 + (to.1 - to.0) * share as f32
}

/// A legend entry for a line series: a short line in the series' style with its marker, then the label.
fn legend_line(chart: &mut Chart, x: f32, y: f32, colour: Rgb, dashed: bool, label: &str) {
    chart.line(vec![(x, y - 4.0), (x + 28.0, y - 4.0)], colour, 2.5, dashed);
    chart.shapes.push(Shape::Dot { x: x + 14.0, y: y - 4.0, radius: 4.0, fill: colour, square: dashed, value: None });
    chart.text(x + 34.0, y, Anchor::Start, label);
}

/// The line of one series: runs of known points joined, a gap where a month has no value.
fn series(chart: &mut Chart, points: &[(f32, Option<f64>)], to_y: impl Fn(f64) -> f32, colour: Rgb, dashed: bool) {
    let mut run: Vec<(f32, f32)> = Vec::new();
    for (x, v) in points {
        match v {
            Some(v) => run.push((*x, to_y(*v))),
            None if run.len() > 1 => chart.line(std::mem::take(&mut run), colour, 2.5, dashed),
            None => run.clear(),
        }
    }
    if run.len() > 1 {
        chart.line(run, colour, 2.5, dashed);
    }
    for (x, v) in points {
        if let Some(v) = v {
            chart.shapes.push(Shape::Dot {
                x: *x,
                y: to_y(*v),
                radius: 4.0,
                fill: colour,
                square: dashed,
                value: Some(*v),
            });
        }
    }
}

/// The monthly trend of a 0–100 index: the current period as a solid line with round points, the
/// previous period (month by month in the same order) dashed with square points. A month with no value
/// (`None`: no answers, or fewer than the suppression threshold) leaves a gap. The previous period's
/// labels are not drawn: its months stand under the current ones by position.
pub fn monthly_trend(current: &[(String, Option<f64>)], previous: &[(String, Option<f64>)]) -> Chart {
    let (left, right, top, bottom) = (44.0, WIDTH - 12.0, 34.0, 214.0);
    let mut chart = Chart { width: WIDTH, height: 246.0, shapes: Vec::new() };
    legend_line(&mut chart, left, 16.0, BLUE, false, "bieżący okres");
    if previous.iter().any(|(_, v)| v.is_some()) {
        legend_line(&mut chart, left + 170.0, 16.0, GREY, true, "poprzedni okres");
    }
    chart.y_axis((left, right), (top, bottom), (0.0, 100.0), &[0.0, 25.0, 50.0, 75.0, 100.0]);
    let count = current.len().max(1);
    let step = (right - left) / count as f32;
    let x_of = |i: usize| left + step * (i as f32 + 0.5);
    let to_y = |v: f64| scale(v, (0.0, 100.0), (bottom, top));
    // Month labels: every one when they fit, else every second or third.
    let every = (count as f32 * 48.0 / (right - left)).ceil().max(1.0) as usize;
    for (i, (label, _)) in current.iter().enumerate() {
        if i % every == 0 {
            chart.small(x_of(i), bottom + 18.0, Anchor::Middle, INK, label.clone());
        }
    }
    let before: Vec<(f32, Option<f64>)> =
        previous.iter().take(count).enumerate().map(|(i, (_, v))| (x_of(i), *v)).collect();
    series(&mut chart, &before, to_y, GREY, true);
    let now: Vec<(f32, Option<f64>)> = current.iter().enumerate().map(|(i, (_, v))| (x_of(i), *v)).collect();
    series(&mut chart, &now, to_y, BLUE, false);
    chart
}

/// Horizontal bars, one per item, each with its value written after it; the longest bar is the largest
/// value (or `max`, when given, e.g. 100 for percentages).
pub fn bars(items: &[(String, f64)], max: Option<f64>) -> Chart {
    let (label_w, row) = (170.0, 30.0);
    let right = WIDTH - 70.0;
    let top = 8.0;
    let biggest = max.unwrap_or_else(|| items.iter().map(|(_, v)| *v).fold(0.0, f64::max));
    let mut chart = Chart { width: WIDTH, height: top + row * items.len() as f32 + 8.0, shapes: Vec::new() };
    for (i, (label, v)) in items.iter().enumerate() {
        let y = top + row * i as f32;
        chart.label(label_w - 8.0, y + 17.0, label_w - 12.0, label);
        let width = scale(*v, (0.0, biggest), (0.0, right - label_w));
        chart.shapes.push(Shape::Rect { x: label_w, y: y + 3.0, width, height: 20.0, fill: BLUE, value: Some(*v) });
        chart.text(label_w + width + 6.0, y + 17.0, Anchor::Start, number(*v));
    }
    chart.line(vec![(label_w, top), (label_w, top + row * items.len() as f32)], INK, 1.0, false);
    chart
}

/// One 100 % bar per row, split into the shares of ratings 1 to 5 (white gaps between them, each
/// segment wide enough labelled with its rating), and a legend. Rows with no ratings are drawn empty
/// with "brak ocen".
pub fn rating_distribution(rows: &[(String, [u64; 5])]) -> Chart {
    let (label_w, row, top) = (210.0, 30.0, 34.0);
    let right = WIDTH - 12.0;
    let mut chart = Chart { width: WIDTH, height: top + row * rows.len() as f32 + 8.0, shapes: Vec::new() };
    let labels = ["1 bardzo słabo", "2 słabo", "3 dostatecznie", "4 dobrze", "5 bardzo dobrze"];
    let mut x = 12.0;
    for (colour, label) in RATING.iter().zip(labels) {
        chart.shapes.push(Shape::Rect { x, y: 6.0, width: 12.0, height: 12.0, fill: *colour, value: None });
        chart.small(x + 16.0, 16.0, Anchor::Start, INK, label);
        x += 24.0 + label.chars().count() as f32 * 6.0;
    }
    for (i, (label, counts)) in rows.iter().enumerate() {
        let y = top + row * i as f32;
        chart.label(label_w - 8.0, y + 17.0, label_w - 12.0, label);
        let total: u64 = counts.iter().sum();
        if total == 0 {
            chart.small(label_w, y + 17.0, Anchor::Start, INK, "brak ocen");
            continue;
        }
        let mut start = label_w;
        for (rating, n) in counts.iter().enumerate() {
            let width = (right - label_w) * *n as f32 / total as f32;
            if width <= 0.0 {
                continue;
            }
            let pct = *n as f64 * 100.0 / total as f64;
            // A 1-unit white gap separates neighbouring segments, so no two colours touch.
            chart.shapes.push(Shape::Rect {
                x: start,
                y: y + 3.0,
                width: (width - 1.0).max(0.5),
                height: 20.0,
                fill: RATING[rating],
                value: Some(pct),
            });
            if width >= 22.0 {
                chart.small(start + width / 2.0, y + 17.0, Anchor::Middle, WHITE, (rating + 1).to_string());
            }
            start += width;
        }
    }
    chart
}

/// Importance (across) against satisfaction (up), both means on 1–5, one labelled point per area; the
/// dashed lines at 3 divide the four quadrants, named in their corners.
pub fn quadrant(points: &[(String, f64, f64)]) -> Chart {
    let (left, right, top, bottom) = (50.0, WIDTH - 150.0, 16.0, 316.0);
    let mut chart = Chart { width: WIDTH, height: 356.0, shapes: Vec::new() };
    let x_of = |v: f64| scale(v, (1.0, 5.0), (left, right));
    let y_of = |v: f64| scale(v, (1.0, 5.0), (bottom, top));
    chart.y_axis((left, right), (top, bottom), (1.0, 5.0), &[1.0, 2.0, 3.0, 4.0, 5.0]);
    for t in [1.0, 2.0, 3.0, 4.0, 5.0] {
        chart.small(x_of(t), bottom + 16.0, Anchor::Middle, INK, number(t));
    }
    chart.line(vec![(x_of(3.0), top), (x_of(3.0), bottom)], GREY, 1.0, true);
    chart.line(vec![(left, y_of(3.0)), (right, y_of(3.0))], GREY, 1.0, true);
    chart.small(right - 4.0, bottom - 6.0, Anchor::End, GREY, "ważne, słabo ocenione");
    chart.small(right - 4.0, top + 14.0, Anchor::End, GREY, "ważne, dobrze ocenione");
    chart.text((left + right) / 2.0, bottom + 34.0, Anchor::Middle, "ważność (średnia 1–5)");
    chart.text(left - 30.0, top - 4.0, Anchor::Start, "zadowolenie");
    for (label, importance, satisfaction) in points {
        let (x, y) = (x_of(*importance), y_of(*satisfaction));
        chart.shapes.push(Shape::Dot { x, y, radius: 5.0, fill: BLUE, square: false, value: Some(*satisfaction) });
        // The label after the point, or before it when it would run off the chart.
        let fits = x + 8.0 + crate::documents::fonts::text_width(label, FONT - 2.0, false) <= WIDTH;
        if fits {
            chart.small(x + 8.0, y + 4.0, Anchor::Start, INK, label.clone());
        } else {
            chart.small(x - 8.0, y + 4.0, Anchor::End, INK, label.clone());
        }
    }
    chart
}

/// The hour × weekday map: a cell per day and hour, darker for more answers (`shade` 0–4), with its
/// count written in it; white text on the two darkest shades keeps it readable.
pub fn heatmap(hours: &[u32], rows: &[(String, Vec<(u64, u8)>)]) -> Chart {
    let (label_w, top, cell_h) = (100.0, 22.0, 26.0);
    let cell_w = ((WIDTH - label_w - 4.0) / hours.len().max(1) as f32).min(40.0);
    let mut chart = Chart { width: WIDTH, height: top + cell_h * rows.len() as f32 + 4.0, shapes: Vec::new() };
    for (i, h) in hours.iter().enumerate() {
        chart.small(label_w + cell_w * (i as f32 + 0.5), 14.0, Anchor::Middle, INK, h.to_string());
    }
    for (r, (day, cells)) in rows.iter().enumerate() {
        let y = top + cell_h * r as f32;
        chart.small(label_w - 6.0, y + 17.0, Anchor::End, INK, day.clone());
        for (i, (n, shade)) in cells.iter().enumerate() {
            let x = label_w + cell_w * i as f32;
            let shade = usize::from(*shade).min(4);
            chart.shapes.push(Shape::Rect {
                x,
                y,
                width: cell_w - 1.0,
                height: cell_h - 1.0,
                fill: HEAT[shade],
                value: Some(*n as f64),
            });
            if *n > 0 {
                let ink = if shade >= 3 { WHITE } else { INK };
                chart.small(x + (cell_w - 1.0) / 2.0, y + 17.0, Anchor::Middle, ink, n.to_string());
            }
        }
    }
    chart
}

#[cfg(test)]
mod tests {
    use super::*;

    /// WCAG's relative luminance and contrast ratio.
    fn contrast(a: Rgb, b: Rgb) -> f64 {
        let lum = |c: Rgb| {
            let ch = |v: u8| {
                let s = f64::from(v) / 255.0;
                if s <= 0.03928 { s / 12.92 } else { ((s + 0.055) / 1.055).powf(2.4) }
            };
            0.2126 * ch(c.0) + 0.7152 * ch(c.1) + 0.0722 * ch(c.2)
        };
        let (x, y) = (lum(a), lum(b));
        (x.max(y) + 0.05) / (x.min(y) + 0.05)
    }

    #[test]
    fn data_colours_stand_out_from_the_background_by_three_to_one() {
        for c in RATING.iter().chain([&BLUE, &GREY, &INK]) {
            assert!(contrast(*c, WHITE) >= 3.0, "{c:?}: {}", contrast(*c, WHITE));
        }
        // Text written on the two darkest shades of the map is white, and readable (4.5:1).
        for c in &HEAT[3..] {
            assert!(contrast(*c, WHITE) >= 4.5, "{c:?}");
        }
        // Text on the lighter shades is black.
        for c in &HEAT[..3] {
            assert!(contrast(*c, INK) >= 4.5, "{c:?}");
        }
    }

    #[test]
    fn numbers_are_written_the_polish_way() {
        assert_eq!(number(12.0), "12");
        assert_eq!(number(62.54), "62,5");
    }

    #[test]
    fn a_missing_month_leaves_a_gap_in_the_line() {
        let months: Vec<(String, Option<f64>)> = [Some(50.0), Some(60.0), None, Some(70.0), Some(80.0)]
            .iter()
            .enumerate()
            .map(|(i, v)| (format!("m{i}"), *v))
            .collect();
        let chart = monthly_trend(&months, &[]);
        let lines: Vec<usize> = chart
            .shapes
            .iter()
            .filter_map(|s| match s {
                Shape::Line { points, stroke, .. } if *stroke == BLUE && points.len() > 1 && points[0].0 > 40.0 => {
                    Some(points.len())
                }
                _ => None,
            })
            .collect();
        // Three lines of two points: the legend's sample, and the data's two runs either side of the gap.
        assert_eq!(lines.iter().filter(|n| **n == 2).count(), 3, "{lines:?}");
        let dots = chart.shapes.iter().filter(|s| matches!(s, Shape::Dot { value: Some(_), .. })).count();
        assert_eq!(dots, 4);
    }

    #[test]
    fn points_sit_at_their_values_on_the_index_scale() {
        let chart = monthly_trend(
            &[("2026-01".into(), Some(0.0)), ("2026-02".into(), Some(100.0))],
            &[("2025-01".into(), Some(50.0))],
        );
        let dots: Vec<(f32, f64, bool)> = chart
            .shapes
            .iter()
            .filter_map(|s| match s {
                Shape::Dot { y, value: Some(v), square, .. } => Some((*y, *v, *square)),
                _ => None,
            })
            .collect();
        // Previous first (drawn under), then the current period; 0 at the bottom (214), 100 at the top (34).
        assert_eq!(dots, vec![(124.0, 50.0, true), (214.0, 0.0, false), (34.0, 100.0, false)]);
    }

    #[test]
    fn stacked_bars_split_the_row_by_the_shares_of_each_rating() {
        let chart = rating_distribution(&[("Obszar".into(), [1, 0, 1, 0, 2]), ("Pusty".into(), [0; 5])]);
        let segments: Vec<(Rgb, f64)> = chart
            .shapes
            .iter()
            .filter_map(|s| match s {
                Shape::Rect { fill, value: Some(v), .. } => Some((*fill, *v)),
                _ => None,
            })
            .collect();
        assert_eq!(segments, vec![(RATING[0], 25.0), (RATING[2], 25.0), (RATING[4], 50.0)]);
        assert!(chart.shapes.iter().any(|s| matches!(s, Shape::Text { text, .. } if text == "brak ocen")));
    }
}
