//! What the office dashboard shows, worked out from the report counts: the headline figures (the overall
//! index and the share of satisfied residents this year so far, with the change against the same part of
//! last year), this month's answers by channel, and the 12-month trend. Pure functions of counts and dates,
//! so they are tested without a database.
//!
//! The period is the year to date because it is also what the report form starts with: the figure on the
//! dashboard is the figure one press on "Generuj raport" gives.

use std::collections::BTreeMap;

use chrono::{Datelike, Months, NaiveDate};
use survey::Channel;
use survey::scoring::RatingStats;

use crate::documents::charts::{self, Chart};
use crate::local_time::{MONTHS_NOMINATIVE, date_pl};
use crate::store::ReportFilter;

/// Short month labels under the chart's axis.
const MONTHS_SHORT: [&str; 12] = ["sty", "lut", "mar", "kwi", "maj", "cze", "lip", "sie", "wrz", "paź", "lis", "gru"];

/// The period of the headline figures and the one they are compared with: this year to `today`, and the
/// same days of last year (29 February stands for 28 February in a year without it).
pub fn periods(today: NaiveDate) -> ((NaiveDate, NaiveDate), (NaiveDate, NaiveDate)) {
    let start = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
    let year_ago = today.checked_sub_months(Months::new(12)).unwrap_or(today);
    let previous_start = NaiveDate::from_ymd_opt(today.year() - 1, 1, 1).unwrap_or(year_ago);
    ((start, today), (previous_start, year_ago))
}

/// The first day of the month twelve months back: the trend shows this month and the eleven before it.
pub fn trend_start(today: NaiveDate) -> NaiveDate {
    let this_month = today.with_day(1).unwrap_or(today);
    this_month.checked_sub_months(Months::new(11)).unwrap_or(this_month)
}

/// A filter of the office's every answer (all departments and channels) between two days.
pub fn whole_office(office_id: i64, (from, to): (NaiveDate, NaiveDate)) -> ReportFilter {
    ReportFilter { office_id, from, to, department: None, channels: Vec::new() }
}

/// A number as Polish text, with a decimal comma.
fn one_decimal(v: f64) -> String {
    format!("{v:.1}").replace('.', ",")
}

/// A change with its sign ("+2,5", "−1,0", "0,0"): a minus sign, not a hyphen, as Polish typesetting has it.
fn signed(d: f64) -> String {
    let rounded = (d * 10.0).round() / 10.0;
    if rounded > 0.0 {
        format!("+{}", one_decimal(rounded))
    } else if rounded < 0.0 {
        format!("−{}", one_decimal(-rounded))
    } else {
        "0,0".to_owned()
    }
}

/// One headline figure: its value, and the change against the previous period when both have enough answers.
pub struct Figure {
    pub value: String,
    pub change: Option<String>,
    pub previous: Option<String>,
}

/// The headline figures of the period.
pub struct Headline {
    /// "1 stycznia – 1 grudnia 2026".
    pub period: String,
    /// "1 stycznia – 1 grudnia 2025".
    pub previous_period: String,
    /// Answers to the overall question in the period and in the previous one.
    pub n: u64,
    pub previous_n: u64,
    /// The overall index (0–100); `None` when the period has fewer answers than the threshold.
    pub index: Option<Figure>,
    /// Satisfied residents (ratings 4 and 5), in %.
    pub satisfied: Option<Figure>,
    /// The report form's query of the period, for the link to the full report.
    pub report_query: String,
}

fn period_text(from: NaiveDate, to: NaiveDate) -> String {
    if from.year() == to.year() {
        let to_text = date_pl(to);
        let from_text = date_pl(from);
        // "1 stycznia – 1 grudnia 2026": the year said once.
        let from_short = from_text.strip_suffix(&format!(" {}", from.year())).unwrap_or(&from_text);
        format!("{from_short} – {to_text}")
    } else {
        format!("{} – {}", date_pl(from), date_pl(to))
    }
}

/// The headline of `now` against `before`; figures from fewer than `threshold` answers are not shown,
/// as the report does not show them either.
pub fn headline(
    periods: ((NaiveDate, NaiveDate), (NaiveDate, NaiveDate)),
    now: &RatingStats,
    before: &RatingStats,
    threshold: u64,
) -> Headline {
    let ((from, to), (previous_from, previous_to)) = periods;
    let enough = |s: &RatingStats| s.n() >= threshold.max(1);
    let figure = |value: fn(&RatingStats) -> Option<f64>| {
        let v = value(now).filter(|_| enough(now))?;
        let previous = value(before).filter(|_| enough(before));
        Some(Figure {
            value: one_decimal(v),
            change: previous.map(|p| signed(v - p)),
            previous: previous.map(one_decimal),
        })
    };
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.append_pair("od", &from.to_string()).append_pair("do", &to.to_string());
    Headline {
        period: period_text(from, to),
        previous_period: period_text(previous_from, previous_to),
        n: now.n(),
        previous_n: before.n(),
        index: figure(RatingStats::index),
        satisfied: figure(RatingStats::pct_satisfied),
        report_query: query.finish(),
    }
}

/// This month's answers by channel, every channel named (zero included).
pub struct MonthChannels {
    pub month: String,
    pub by_channel: Vec<(&'static str, u64)>,
    pub total: u64,
}

pub fn month_channels(today: NaiveDate, by_channel: &BTreeMap<Channel, u64>) -> MonthChannels {
    let by_channel: Vec<(&'static str, u64)> =
        Channel::ALL.iter().map(|c| (c.label_pl(), by_channel.get(c).copied().unwrap_or(0))).collect();
    MonthChannels {
        month: format!("{} {}", MONTHS_NOMINATIVE[today.month0() as usize], today.year()),
        total: by_channel.iter().map(|(_, n)| n).sum(),
        by_channel,
    }
}

/// One month of the trend.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// The month in full, for the description and the table ("grudzień 2026").
    pub month: String,
    /// Its short label under the axis ("gru 26").
    pub short: String,
    /// The overall index, or `None` when the month had too few answers.
    pub index: Option<f64>,
    /// Answers to the overall question that month.
    pub n: u64,
}

/// The trend drawn by the report's chart module, so that the dashboard and the report look alike.
pub fn trend_chart(points: &[Point]) -> Chart {
    let months: Vec<(String, Option<f64>)> = points.iter().map(|p| (p.short.clone(), p.index)).collect();
    charts::monthly_trend(&months, &[])
}

/// What the trend shows, in words: the text alternative of the chart.
pub fn trend_description(points: &[Point]) -> String {
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
        text.push_str(&format!(" Najwyżej {} ({}), najniżej {} ({}).", value(high), high.month, value(low), low.month));
    }
    let gaps = points.len() - scored.len();
    if gaps > 0 {
        text.push_str(&format!(" Miesiące bez wyniku (za mało odpowiedzi): {gaps}."));
    }
    text.push_str(" Liczby są w tabeli pod wykresem.");
    text
}

/// The twelve months from `start`, each with its index when it has at least `threshold` answers.
pub fn trend(start: NaiveDate, by_month: &BTreeMap<String, RatingStats>, threshold: u64) -> Vec<Point> {
    (0..12)
        .filter_map(|i| start.checked_add_months(Months::new(i)))
        .enumerate()
        .map(|(i, month)| {
            let stats = by_month.get(&month.format("%Y-%m").to_string());
            let n = stats.map_or(0, RatingStats::n);
            Point {
                month: format!("{} {}", MONTHS_NOMINATIVE[month.month0() as usize], month.year()),
                // The year beside the first month and every January, so that twelve months read unambiguously.
                short: if i == 0 || month.month() == 1 {
                    format!("{} {:02}", MONTHS_SHORT[month.month0() as usize], month.year() % 100)
                } else {
                    MONTHS_SHORT[month.month0() as usize].to_owned()
                },
                index: stats.and_then(RatingStats::index).filter(|_| n >= threshold.max(1)),
                n,
            }
        })
        .collect()
}

/// An index as the trend's table shows it.
pub fn index_text(index: Option<f64>) -> String {
    index.map_or_else(|| "za mało odpowiedzi".to_owned(), one_decimal)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// Ratings 1–5 given `counts` times.
    fn stats(counts: [u64; 5]) -> RatingStats {
        RatingStats::from_counts(counts, 0)
    }

    #[test]
    fn the_year_so_far_is_compared_with_the_same_days_of_last_year() {
        assert_eq!(
            periods(day(2026, 12, 1)),
            ((day(2026, 1, 1), day(2026, 12, 1)), (day(2025, 1, 1), day(2025, 12, 1)))
        );
        assert_eq!(periods(day(2028, 2, 29)).1, (day(2027, 1, 1), day(2027, 2, 28)));
        assert_eq!(trend_start(day(2026, 12, 1)), day(2026, 1, 1));
        assert_eq!(trend_start(day(2026, 3, 31)), day(2025, 4, 1));
    }

    #[test]
    fn headline_figures_and_their_change() {
        // Now: 10 answers, 8 of them 4–5 → 80,0 % satisfied; before: 10 answers, 5 of them 4–5.
        let now = stats([0, 1, 1, 4, 4]);
        let before = stats([1, 2, 2, 3, 2]);
        let h = headline(periods(day(2026, 12, 1)), &now, &before, 5);
        assert_eq!(h.period, "1 stycznia – 1 grudnia 2026");
        assert_eq!(h.previous_period, "1 stycznia – 1 grudnia 2025");
        assert_eq!((h.n, h.previous_n), (10, 10));
        let satisfied = h.satisfied.unwrap();
        assert_eq!((satisfied.value.as_str(), satisfied.change.as_deref()), ("80,0", Some("+30,0")));
        assert_eq!(satisfied.previous.as_deref(), Some("50,0"));
        // The index is survey::scoring's: means 4,1 and 3,3 on 1–5 → 77,5 and 57,5 on 0–100.
        let index = h.index.unwrap();
        assert_eq!((index.value.as_str(), index.change.as_deref()), ("77,5", Some("+20,0")));
        assert_eq!(h.report_query, "od=2026-01-01&do=2026-12-01");

        // Worse than before: the change has a minus sign.
        let h = headline(periods(day(2026, 12, 1)), &before, &now, 5);
        assert_eq!(h.index.unwrap().change.as_deref(), Some("−20,0"));
    }

    #[test]
    fn too_few_answers_give_no_figure_and_no_change() {
        let few = stats([0, 0, 0, 1, 2]);
        let many = stats([0, 0, 2, 4, 4]);
        let h = headline(periods(day(2026, 6, 1)), &few, &many, 5);
        assert!(h.index.is_none() && h.satisfied.is_none());
        let h = headline(periods(day(2026, 6, 1)), &many, &few, 5);
        let index = h.index.unwrap();
        assert!(index.change.is_none() && index.previous.is_none(), "no change against 3 answers");
    }

    #[test]
    fn the_trend_has_twelve_months_with_gaps_where_answers_are_few() {
        let mut by_month = BTreeMap::new();
        by_month.insert("2025-12".to_owned(), stats([0, 0, 0, 0, 6]));
        by_month.insert("2026-01".to_owned(), stats([0, 0, 0, 1, 1]));
        by_month.insert("2026-11".to_owned(), stats([0, 0, 5, 0, 0]));
        let points = trend(day(2025, 12, 1), &by_month, 5);
        assert_eq!(points.len(), 12);
        assert_eq!((points[0].month.as_str(), points[0].index, points[0].n), ("grudzień 2025", Some(100.0), 6));
        assert_eq!(points[0].short, "gru 25");
        assert_eq!((points[1].short.as_str(), points[1].index, points[1].n), ("sty 26", None, 2));
        assert_eq!(points[2].short, "lut");
        assert_eq!(points[11].index, Some(50.0));
        assert!(points[2..11].iter().all(|p| p.index.is_none() && p.n == 0));
    }

    #[test]
    fn this_months_answers_name_every_channel() {
        let counts = BTreeMap::from([(Channel::Web, 3), (Channel::Paper, 2)]);
        let m = month_channels(day(2026, 12, 1), &counts);
        assert_eq!(m.month, "grudzień 2026");
        assert_eq!(m.total, 5);
        assert_eq!(m.by_channel.len(), 4);
        assert!(m.by_channel.contains(&(Channel::KioskButtons.label_pl(), 0)));
    }

    #[test]
    fn the_trend_chart_parses_is_described_and_its_points_are_the_figures() {
        let mut by_month = BTreeMap::new();
        by_month.insert("2026-01".to_owned(), stats([0, 0, 0, 5, 5]));
        by_month.insert("2026-03".to_owned(), stats([0, 5, 5, 0, 0]));
        let points = trend(day(2026, 1, 1), &by_month, 5);
        let desc = trend_description(&points);
        assert_eq!(
            desc,
            "Indeks ogólnej oceny obsługi (0–100) w kolejnych miesiącach: od 87,5 (styczeń 2026) do 37,5 \
             (marzec 2026). Najwyżej 87,5 (styczeń 2026), najniżej 37,5 (marzec 2026). Miesiące bez wyniku (za \
             mało odpowiedzi): 10. Liczby są w tabeli pod wykresem."
        );
        let svg = trend_chart(&points).to_svg("Trend", &desc);
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let root = doc.root_element();
        assert_eq!(root.attribute("role"), Some("img"));
        let text_of = |tag: &str| root.children().find(|n| n.has_tag_name(tag)).and_then(|n| n.text()).unwrap_or("");
        assert_eq!((text_of("title"), text_of("desc")), ("Trend", desc.as_str()));
        // One point per scored month carrying its index; the month between has none.
        let dots: Vec<f64> =
            root.descendants().filter_map(|n| n.attribute("data-value")).map(|v| v.parse().unwrap()).collect();
        assert_eq!(dots, [87.5, 37.5]);
        assert!(svg.contains(">sty 26<") && svg.contains(">lut<"));
    }

    #[test]
    fn a_trend_without_results_says_so() {
        let points = trend(day(2026, 1, 1), &BTreeMap::new(), 5);
        assert_eq!(trend_description(&points), "Brak miesięcy z wystarczającą liczbą odpowiedzi, by policzyć indeks.");
    }
}
