//! The report's charts, made from the report's numbers for the page (SVG) and the PDF (vector drawing)
//! alike: the monthly trend of the overall index beside the previous period, the rating distribution per
//! area, answers per channel, importance against satisfaction, and the hour × weekday map of kiosk
//! answers. Each comes with a title and a description that says in words what it shows; the table with
//! its numbers stays next to it on the page and in the PDF.

use super::charts::{self, Chart};
use super::report_figures::{Figures, Report, decimal};

/// A chart with its title and its description in words.
pub struct ReportChart {
    pub chart: Chart,
    pub title: String,
    pub desc: String,
}

impl ReportChart {
    pub fn svg(&self) -> String {
        self.chart.to_svg(&self.title, &self.desc)
    }
}

fn index_of(f: &Option<Figures>) -> Option<f64> {
    f.as_ref().and_then(|f| f.index)
}

/// The overall index (0–100) per month, with the previous period's months under them by position.
pub fn trend(r: &Report) -> Option<ReportChart> {
    if r.months.is_empty() {
        return None;
    }
    let now: Vec<(String, Option<f64>)> = r.months.iter().map(|(m, f)| (m.clone(), index_of(f))).collect();
    let before: Vec<(String, Option<f64>)> = r.previous_months.iter().map(|(m, f)| (m.clone(), index_of(f))).collect();
    let words: Vec<String> = now
        .iter()
        .map(|(m, v)| match v {
            Some(v) => format!("{m}: {}", decimal(Some(*v), 1)),
            None => format!("{m}: ukryty (mniej niż {} odpowiedzi)", r.threshold),
        })
        .collect();
    Some(ReportChart {
        chart: charts::monthly_trend(&now, &before),
        title: "Indeks ogólnej oceny (0–100) według miesięcy".to_owned(),
        desc: format!(
            "Linia ciągła – bieżący okres, przerywana – poprzedni okres. {}. Liczby w tabeli „Ogólna ocena według miesięcy”.",
            words.join("; ")
        ),
    })
}

/// The share of each rating, the overall rating first, then each area.
pub fn distribution(r: &Report) -> ReportChart {
    let mut rows = vec![("Ogólna ocena".to_owned(), r.overall.distribution)];
    rows.extend(r.areas.iter().map(|a| (a.title.clone(), a.satisfaction.distribution)));
    let words: Vec<String> = rows
        .iter()
        .map(|(label, d)| {
            let n: u64 = d.iter().sum();
            let shares: Vec<String> = d
                .iter()
                .enumerate()
                .map(|(i, c)| format!("{} – {} %", i + 1, decimal((n > 0).then(|| *c as f64 * 100.0 / n as f64), 0)))
                .collect();
            format!("{label}: {}", shares.join(", "))
        })
        .collect();
    ReportChart {
        chart: charts::rating_distribution(&rows),
        title: "Rozkład ocen: ogólna ocena i obszary".to_owned(),
        desc: format!("Udział ocen od 1 (bardzo słabo) do 5 (bardzo dobrze). {}.", words.join("; ")),
    }
}

/// Answers per channel.
pub fn channels(r: &Report) -> ReportChart {
    let items: Vec<(String, f64)> = r.by_channel.iter().map(|(c, n)| (c.clone(), *n as f64)).collect();
    let words: Vec<String> = r.by_channel.iter().map(|(c, n)| format!("{c} – {n}")).collect();
    ReportChart {
        chart: charts::bars(&items, None),
        title: "Odpowiedzi według kanału".to_owned(),
        desc: format!("{}.", words.join("; ")),
    }
}

/// Importance against satisfaction per area, where importance was asked.
pub fn quadrant(r: &Report) -> Option<ReportChart> {
    if r.priorities.is_empty() {
        return None;
    }
    let points: Vec<(String, f64, f64)> =
        r.priorities.iter().map(|p| (p.area.clone(), p.importance, p.satisfaction)).collect();
    let words: Vec<String> = r
        .priorities
        .iter()
        .map(|p| format!("{}: ważność {}, zadowolenie {}", p.area, p.importance_text(), p.satisfaction_text()))
        .collect();
    Some(ReportChart {
        chart: charts::quadrant(&points),
        title: "Ważność a zadowolenie według obszaru".to_owned(),
        desc: format!("Obszary w prawej dolnej ćwiartce są ważne i słabo ocenione. {}.", words.join("; ")),
    })
}

/// Kiosk answers by weekday and hour.
pub fn heatmap(r: &Report) -> ReportChart {
    let rows: Vec<(String, Vec<(u64, u8)>)> =
        r.heatmap.rows.iter().map(|row| (row.day.clone(), row.cells.clone())).collect();
    let busiest = r
        .heatmap
        .rows
        .iter()
        .flat_map(|row| row.cells.iter().zip(&r.heatmap.hours).map(move |((n, _), h)| (*n, row.day.as_str(), *h)))
        .max_by_key(|(n, _, _)| *n)
        .filter(|(n, _, _)| *n > 0);
    ReportChart {
        chart: charts::heatmap(&r.heatmap.hours, &rows),
        title: "Odpowiedzi z kiosków według dnia tygodnia i godziny".to_owned(),
        desc: match busiest {
            Some((n, day, hour)) => format!(
                "Razem {} odpowiedzi; najwięcej ({n}) w {day} o godzinie {hour}. Ciemniejsze pole – więcej odpowiedzi; liczba jest wpisana w każde pole.",
                r.heatmap.total
            ),
            None => "Brak odpowiedzi z kiosków w tym okresie.".to_owned(),
        },
    }
}

impl Report {
    /// The charts as inline SVG, for the page (askama calls these).
    pub fn trend_svg(&self) -> String {
        trend(self).map(|c| c.svg()).unwrap_or_default()
    }

    pub fn distribution_svg(&self) -> String {
        distribution(self).svg()
    }

    pub fn channels_svg(&self) -> String {
        channels(self).svg()
    }

    pub fn quadrant_svg(&self) -> String {
        quadrant(self).map(|c| c.svg()).unwrap_or_default()
    }

    pub fn heatmap_svg(&self) -> String {
        heatmap(self).svg()
    }

    /// The overall change of the mean with its sign.
    pub fn overall_change_text(&self) -> String {
        super::report_figures::signed(self.overall_change)
    }
}
