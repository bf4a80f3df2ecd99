//! The dashboard's trend chart: the overall index (0–100) month by month, drawn on the server as SVG so the
//! page needs no script. The chart is an image with a title and a description (`role="img"`), and the page
//! shows the same numbers as a table beside it: the drawing never carries the only copy of a figure.
//!
//! A month with too few answers to score has no point (the line breaks there) rather than a point drawn
//! from two answers, as the report suppresses small cells.

use std::fmt::Write;

/// One month of the trend.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// The month in full, for the description and the table ("grudzień 2026").
    pub month: String,
    /// Its short label under the axis ("gru").
    pub short: String,
    /// The year, written under the first month and under every January.
    pub year_mark: Option<String>,
    /// The overall index, or `None` when the month had too few answers.
    pub index: Option<f64>,
    /// Answers to the overall question that month.
    pub n: u64,
}

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 240.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 44.0;
/// The line's colour: the panel's dark blue, contrast 10:1 against white (WCAG asks 3:1 for graphics).
const LINE: &str = "#0b3d91";
/// Text and axes: contrast 12.6:1.
const INK: &str = "#333333";
const GRID: &str = "#c8c8c8";

/// The x of the `i`-th of `count` months: the plot's width divided evenly, each month in its slot's middle.
pub fn x_of(i: usize, count: usize) -> f64 {
    let slot = (WIDTH - LEFT - RIGHT) / count.max(1) as f64;
    LEFT + slot * (i as f64 + 0.5)
}

/// The y of an index value (0 at the bottom of the plot, 100 at its top).
pub fn y_of(index: f64) -> f64 {
    let plot = HEIGHT - TOP - BOTTOM;
    TOP + plot * (1.0 - index.clamp(0.0, 100.0) / 100.0)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn one_decimal(v: f64) -> String {
    format!("{v:.1}").replace('.', ",")
}

/// What the chart shows, in words: the text alternative of the image.
pub fn description(points: &[Point]) -> String {
    let scored: Vec<&Point> = points.iter().filter(|p| p.index.is_some()).collect();
    let (Some(first), Some(last)) = (scored.first(), scored.last()) else {
        return "Brak miesięcy z wystarczającą liczbą odpowiedzi, by policzyć indeks.".to_owned();
    };
    let value = |p: &Point| p.index.map(one_decimal).unwrap_or_default();
    let mut text = format!(
        "Indeks ogólnej oceny obsługi (0–100) w kolejnych miesiącach: od {} ({}) do {} ({}).",
        value(first),
        first.month,
        value(last),
        last.month
    );
    let by_value = |a: &&&Point, b: &&&Point| a.index.partial_cmp(&b.index).unwrap_or(std::cmp::Ordering::Equal);
    if let (Some(high), Some(low)) = (scored.iter().max_by(by_value), scored.iter().min_by(by_value)) {
        let _ = write!(text, " Najwyżej {} ({}), najniżej {} ({}).", value(high), high.month, value(low), low.month);
    }
    let gaps = points.len() - scored.len();
    if gaps > 0 {
        let _ = write!(text, " Miesiące bez wyniku (za mało odpowiedzi): {gaps}.");
    }
    text
}

/// The chart as an `<svg>` element to put in a page; `id` makes its title's and description's ids unique.
pub fn svg(id: &str, title: &str, points: &[Point]) -> String {
    let mut out = String::new();
    let desc = description(points);
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" aria-labelledby="{id}-title {id}-desc" font-family="DejaVu Sans, Verdana, sans-serif" font-size="12"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        escape(title),
        escape(&desc)
    );
    // Grid lines and the scale, every 25 points.
    for v in [0.0, 25.0, 50.0, 75.0, 100.0] {
        let y = y_of(v);
        let _ = write!(
            out,
            r#"<line x1="{LEFT}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="{GRID}" stroke-width="1"/><text x="{:.1}" y="{:.1}" text-anchor="end" fill="{INK}">{v}</text>"#,
            WIDTH - RIGHT,
            LEFT - 6.0,
            y + 4.0
        );
    }
    let count = points.len();
    for (i, p) in points.iter().enumerate() {
        let x = x_of(i, count);
        let _ = write!(
            out,
            r#"<text x="{x:.1}" y="{:.1}" text-anchor="middle" fill="{INK}">{}</text>"#,
            HEIGHT - BOTTOM + 16.0,
            escape(&p.short)
        );
        if let Some(year) = &p.year_mark {
            let _ = write!(
                out,
                r#"<text x="{x:.1}" y="{:.1}" text-anchor="middle" fill="{INK}">{}</text>"#,
                HEIGHT - BOTTOM + 32.0,
                escape(year)
            );
        }
    }
    // The line, broken where a month has no result, and a point on every month that has one.
    let mut run: Vec<(f64, f64)> = Vec::new();
    let mut runs = Vec::new();
    for (i, p) in points.iter().enumerate() {
        match p.index {
            Some(v) => run.push((x_of(i, count), y_of(v))),
            None if !run.is_empty() => runs.push(std::mem::take(&mut run)),
            None => {}
        }
    }
    if !run.is_empty() {
        runs.push(run);
    }
    for run in runs.iter().filter(|r| r.len() > 1) {
        let coords: Vec<String> = run.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect();
        let _ = write!(
            out,
            r#"<polyline points="{}" fill="none" stroke="{LINE}" stroke-width="2.5" stroke-linejoin="round"/>"#,
            coords.join(" ")
        );
    }
    for (x, y) in runs.iter().flatten() {
        let _ = write!(out, r#"<circle class="point" cx="{x:.1}" cy="{y:.1}" r="4" fill="{LINE}"/>"#);
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(month: &str, index: Option<f64>) -> Point {
        Point { month: month.to_owned(), short: month[..3].to_owned(), year_mark: None, index, n: 40 }
    }

    #[test]
    fn the_chart_parses_has_a_title_and_description_and_its_points_match_the_figures() {
        let points = vec![
            point("styczeń 2026", Some(80.0)),
            point("luty 2026", None),
            point("marzec 2026", Some(62.5)),
            point("kwiecień 2026", Some(90.0)),
        ];
        let svg = svg("trend", "Indeks <ogólny> & trend", &points);
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let root = doc.root_element();
        assert_eq!(root.attribute("role"), Some("img"));
        let text_of = |tag: &str| {
            root.children().find(|n| n.has_tag_name(tag)).and_then(|n| n.text()).map(str::to_owned).unwrap_or_default()
        };
        assert_eq!(text_of("title"), "Indeks <ogólny> & trend");
        assert_eq!(
            text_of("desc"),
            "Indeks ogólnej oceny obsługi (0–100) w kolejnych miesiącach: od 80,0 (styczeń 2026) do 90,0 \
             (kwiecień 2026). Najwyżej 90,0 (kwiecień 2026), najniżej 62,5 (marzec 2026). Miesiące bez wyniku \
             (za mało odpowiedzi): 1."
        );
        // One point per scored month, at the height of its index; none for the month without a result.
        let dots: Vec<(f64, f64)> = root
            .descendants()
            .filter(|n| n.has_tag_name("circle"))
            .map(|n| (n.attribute("cx").unwrap().parse().unwrap(), n.attribute("cy").unwrap().parse().unwrap()))
            .collect();
        assert_eq!(dots.len(), 3);
        for ((x, y), (i, v)) in dots.iter().zip([(0, 80.0), (2, 62.5), (3, 90.0)]) {
            assert!((x - x_of(i, 4)).abs() < 0.06 && (y - y_of(v)).abs() < 0.06, "({x}, {y}) for month {i}");
        }
        // Read back from the drawing: the plot is 184 units tall for 100 points of the index.
        let index_drawn = |y: f64| (HEIGHT - BOTTOM - y) / (HEIGHT - TOP - BOTTOM) * 100.0;
        assert!((index_drawn(dots[1].1) - 62.5).abs() < 0.05);
        // The line breaks at the gap: the only polyline joins March and April.
        let lines: Vec<&str> =
            root.descendants().filter(|n| n.has_tag_name("polyline")).filter_map(|n| n.attribute("points")).collect();
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].split(' ').count(), 2);
    }

    #[test]
    fn a_chart_without_results_says_so() {
        let svg = svg("t", "Trend", &[point("styczeń 2026", None)]);
        assert!(roxmltree::Document::parse(&svg).is_ok());
        assert!(svg.contains("Brak miesięcy z wystarczającą liczbą odpowiedzi"));
        assert!(!svg.contains("<circle"));
    }
}
