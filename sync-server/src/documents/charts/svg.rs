//! The SVG back end: a chart as an inline `<svg>` for the report page, with its `<title>` and `<desc>`
//! named by `aria-labelledby` (`role="img"`), so a screen reader announces what it shows; the table
//! beside it carries the numbers.

use std::fmt::Write;

use super::{Anchor, Chart, Rgb, Shape};

fn colour(c: Rgb) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

/// A coordinate to two decimals, without trailing zeros.
fn num(v: f32) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// An id for the title and description, the same for the same chart (several charts share a page).
fn id_of(title: &str, desc: &str) -> String {
    // FNV-1a: short, stable, and collisions only risk a repeated id, not wrong content.
    let hash = title
        .bytes()
        .chain([0])
        .chain(desc.bytes())
        .fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
    format!("wykres-{:08x}", hash as u32)
}

impl Chart {
    /// The chart as an inline SVG element, scaled to the width of its container (the page's style sheet
    /// caps it at its natural width: the content security policy allows no inline style).
    pub fn to_svg(&self, title: &str, desc: &str) -> String {
        let id = id_of(title, desc);
        let mut out = String::with_capacity(256 + self.shapes.len() * 96);
        let _ = write!(
            out,
            r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {w} {h}" width="100%" role="img" aria-labelledby="{id}-t {id}-d" font-family="DejaVu Sans, Verdana, sans-serif"><title id="{id}-t">{title}</title><desc id="{id}-d">{desc}</desc>"#,
            w = num(self.width),
            h = num(self.height),
            title = crate::markup::escape(title),
            desc = crate::markup::escape(desc),
        );
        for shape in &self.shapes {
            match shape {
                Shape::Rect { x, y, width, height, fill, value } => {
                    let _ = write!(
                        out,
                        r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{}""#,
                        num(*x),
                        num(*y),
                        num(*width),
                        num(*height),
                        colour(*fill)
                    );
                    if let Some(v) = value {
                        let _ = write!(out, r#" data-value="{v}""#);
                    }
                    out.push_str("/>");
                }
                Shape::Line { points, stroke, width, dashed } => {
                    let list: Vec<String> = points.iter().map(|(x, y)| format!("{},{}", num(*x), num(*y))).collect();
                    let _ = write!(
                        out,
                        r#"<polyline points="{}" fill="none" stroke="{}" stroke-width="{}"{}/>"#,
                        list.join(" "),
                        colour(*stroke),
                        num(*width),
                        if *dashed { r#" stroke-dasharray="6 4""# } else { "" }
                    );
                }
                Shape::Dot { x, y, radius, fill, square, value } => {
                    if *square {
                        let _ = write!(
                            out,
                            r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{}""#,
                            num(x - radius),
                            num(y - radius),
                            num(2.0 * radius),
                            num(2.0 * radius),
                            colour(*fill)
                        );
                    } else {
                        let _ = write!(
                            out,
                            r#"<circle cx="{}" cy="{}" r="{}" fill="{}""#,
                            num(*x),
                            num(*y),
                            num(*radius),
                            colour(*fill)
                        );
                    }
                    if let Some(v) = value {
                        let _ = write!(out, r#" data-value="{v}""#);
                    }
                    out.push_str("/>");
                }
                Shape::Text { x, y, size, anchor, bold, fill, text } => {
                    let anchor = match anchor {
                        Anchor::Start => "start",
                        Anchor::Middle => "middle",
                        Anchor::End => "end",
                    };
                    let _ = write!(
                        out,
                        r#"<text x="{}" y="{}" font-size="{}" text-anchor="{anchor}" fill="{}"{}>{}</text>"#,
                        num(*x),
                        num(*y),
                        num(*size),
                        colour(*fill),
                        if *bold { r#" font-weight="bold""# } else { "" },
                        crate::markup::escape(text)
                    );
                }
            }
        }
        out.push_str("</svg>");
        out
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::super::{bars, monthly_trend};

    #[test]
    fn the_svg_is_xml_with_a_title_and_description_it_is_labelled_by() {
        let chart = monthly_trend(
            &[("2026-01".into(), Some(75.0)), ("2026-02".into(), None), ("2026-03".into(), Some(62.5))],
            &[("2025-01".into(), Some(50.0))],
        );
        let svg = chart.to_svg("Indeks <ogólny> & trend", "Styczeń 75, marzec 62,5");
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let root = doc.root_element();
        assert_eq!(root.attribute("role"), Some("img"));
        let labelled: Vec<&str> = root.attribute("aria-labelledby").unwrap().split(' ').collect();
        let title = doc.descendants().find(|n| n.has_tag_name("title")).unwrap();
        let desc = doc.descendants().find(|n| n.has_tag_name("desc")).unwrap();
        assert_eq!(labelled, vec![title.attribute("id").unwrap(), desc.attribute("id").unwrap()]);
        assert_eq!(title.text(), Some("Indeks <ogólny> & trend"));
        assert_eq!(desc.text(), Some("Styczeń 75, marzec 62,5"));
        // The points carry the numbers of the table: two months of this period, one of the previous.
        let mut values: Vec<f64> =
            doc.descendants().filter_map(|n| n.attribute("data-value")).map(|v| v.parse().unwrap()).collect();
        values.sort_by(f64::total_cmp);
        assert_eq!(values, vec![50.0, 62.5, 75.0]);
    }

    #[test]
    fn bar_lengths_are_proportional_to_the_values() {
        let chart = bars(&[("papier".into(), 10.0), ("www".into(), 40.0), ("kiosk".into(), 0.0)], None);
        let svg = chart.to_svg("Odpowiedzi według kanału", "papier 10, www 40, kiosk 0");
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let bars: Vec<(f64, f64)> = doc
            .descendants()
            .filter(|n| n.has_tag_name("rect"))
            .filter_map(|n| Some((n.attribute("data-value")?.parse().ok()?, n.attribute("width")?.parse().ok()?)))
            .collect();
        assert_eq!(bars.len(), 3);
        let (_, longest) = bars[1];
        for (value, width) in &bars {
            assert!((width / longest - value / 40.0).abs() < 1e-3, "{value} drawn {width} against {longest}");
        }
        let texts: Vec<&str> = doc.descendants().filter(|n| n.has_tag_name("text")).filter_map(|n| n.text()).collect();
        for label in ["papier", "www", "kiosk", "10", "40", "0"] {
            assert!(texts.contains(&label), "{label} missing from {texts:?}");
        }
    }
}
