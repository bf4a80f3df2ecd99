//! The measurement report ("Generuj raport z wyników pomiaru"): the period's figures, computed by the
//! `survey` crate from the store's SQL counts and prepared for display. Figures are formatted the Polish
//! way (decimal comma); breakdown cells with fewer answers than the threshold are suppressed (RODO: in a
//! small gmina a department and a date can identify a person).

use serde::{Deserialize, Serialize};
use survey::default_questionnaire::MATTER_SETTLED;
use survey::scoring::{RatingStats, Scorecard};
use survey::{Lang, QuestionKind, Questionnaire};

use crate::store::{Office, PeriodCounts, ReportFilter, Store, StoreError};

/// Breakdown cells with fewer answers than this are shown as "< 5".
pub const DEFAULT_SUPPRESSION: u64 = 5;

/// One set of figures, formatted.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Figures {
    pub n: u64,
    pub not_applicable: u64,
    pub mean: String,
    pub satisfied: String,
    pub neutral: String,
    pub dissatisfied: String,
    pub index: String,
    pub distribution: [u64; 5],
    /// Width in percent of each rating's bar in the distribution chart.
    pub bars: [u32; 5],
}

fn decimal(value: Option<f64>, places: usize) -> String {
    value.map_or_else(|| "–".to_owned(), |v| format!("{v:.places$}").replace('.', ","))
}

impl Figures {
    /// Formats scored counts.
    pub fn of(s: &RatingStats) -> Figures {
        let n = s.n();
        Figures {
            n,
            not_applicable: s.not_applicable,
            mean: decimal(s.mean(), 2),
            satisfied: decimal(s.pct_satisfied(), 1),
            neutral: decimal(s.pct_neutral(), 1),
            dissatisfied: decimal(s.pct_dissatisfied(), 1),
            index: decimal(s.index(), 1),
            distribution: s.distribution,
            bars: s.distribution.map(|c| (c * 100).checked_div(n).map_or(0, |pct| u32::try_from(pct).unwrap_or(100))),
        }
    }
}

/// The change of a mean against the previous period, formatted with its sign.
fn change(now: &RatingStats, before: &RatingStats) -> String {
    match (now.mean(), before.mean()) {
        (Some(a), Some(b)) => {
            let d = a - b;
            format!("{}{}", if d > 0.0 { "+" } else { "" }, decimal(Some(d), 2))
        }
        _ => "–".to_owned(),
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AreaRow {
    pub title: String,
    pub satisfaction: Figures,
    pub importance: Figures,
    pub change: String,
    pub items: Vec<ItemRow>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ItemRow {
    pub text: String,
    pub figures: Figures,
}

/// A breakdown cell: figures, or suppressed for having too few answers.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DepartmentRow {
    pub name: String,
    pub figures: Option<Figures>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    pub office: String,
    pub from: String,
    pub to: String,
    pub previous_from: String,
    pub previous_to: String,
    pub scope: String,
    pub total: u64,
    pub previous_total: u64,
    pub by_channel: Vec<(String, u64)>,
    pub overall: Figures,
    pub overall_change: String,
    pub all_areas: Figures,
    pub areas: Vec<AreaRow>,
    pub departments: Vec<DepartmentRow>,
    pub threshold: u64,
    pub settled: Vec<(String, u64, String)>,
    /// The overall rating per month; `None` for a month with fewer answers than the threshold.
    pub months: Vec<(String, Option<Figures>)>,
    pub comments: Vec<(String, String, String)>,
    pub versions_note: Option<String>,
    /// Button presses not counted as answers, by reason (in Polish), beside the answers.
    pub filtered_presses: Vec<(String, u64)>,
    /// Per channel: label, complete and incomplete responses.
    #[serde(default)]
    pub completeness: Vec<(String, u64, u64)>,
    /// Kiosk answers by local weekday and hour.
    #[serde(default)]
    pub heatmap: Heatmap,
    /// Areas by the gap between importance and satisfaction, largest first (where importance was asked).
    #[serde(default)]
    pub priorities: Vec<Priority>,
    /// When the report was made (UTC).
    #[serde(default)]
    pub generated_at: String,
    /// Responses whose device capture time could not be true (before the survey began, or in the
    /// future), counted at the moment the server received them.
    #[serde(default)]
    pub capture_times_replaced: u64,
    /// Corrective actions decided from earlier reports, with how far each has got when this report was
    /// made (see `Store::actions_for_period`).
    #[serde(default)]
    pub actions: Vec<ActionLine>,
}

/// A corrective action as a later report lists it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ActionLine {
    /// The archived report it was decided from.
    pub report_id: i64,
    pub what: String,
    pub responsible: String,
    /// The deadline in words ("30 czerwca 2026").
    pub deadline: String,
    /// The status in Polish ("w toku").
    pub status: String,
    pub notes: String,
    /// Open and past its deadline on the day the report was made.
    pub overdue: bool,
}

impl ActionLine {
    /// The line of `action` in a report made on `today`.
    pub fn of(action: &crate::store::CorrectiveAction, today: chrono::NaiveDate) -> ActionLine {
        ActionLine {
            report_id: action.report_id,
            what: action.input.what.clone(),
            responsible: action.input.responsible.clone(),
            deadline: crate::local_time::date_pl(action.input.deadline),
            status: action.input.status.label_pl().to_owned(),
            notes: action.input.notes.clone(),
            overdue: action.is_overdue(today),
        }
    }
}

/// The hour × weekday map of kiosk answers: the hours with any answer (at least 8:00–15:00), a row per
/// weekday with its counts and a shade 0–4 for each.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Heatmap {
    pub hours: Vec<u32>,
    pub rows: Vec<HeatmapRow>,
    pub total: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HeatmapRow {
    pub day: String,
    pub cells: Vec<(u64, u8)>,
}

/// An area's importance against its satisfaction: a large gap is where corrective action pays most.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Priority {
    pub area: String,
    pub importance: String,
    pub satisfaction: String,
    pub gap: String,
}

const WEEKDAYS: [&str; 7] = ["poniedziałek", "wtorek", "środa", "czwartek", "piątek", "sobota", "niedziela"];

impl Heatmap {
    fn of(counts: &[[u64; 24]; 7]) -> Heatmap {
        let total: u64 = counts.iter().flatten().sum();
        let busy = |h: usize| counts.iter().any(|day| day[h] > 0);
        let first = (0..24).find(|h| busy(*h)).unwrap_or(8).min(8);
        let last = (0..24).rev().find(|h| busy(*h)).unwrap_or(15).max(15);
        let max = counts.iter().flatten().copied().max().unwrap_or(0);
        // Shades in fifths of the busiest hour; any answer at all is at least shade 1.
        let shade =
            |n: u64| if n == 0 { 0 } else { u8::try_from((n * 4).div_ceil(max.max(1))).unwrap_or(4).clamp(1, 4) };
        Heatmap {
            hours: (first..=last).map(|h| h as u32).collect(),
            rows: WEEKDAYS
                .iter()
                .zip(counts)
                .map(|(day, hours)| HeatmapRow {
                    day: (*day).to_owned(),
                    cells: (first..=last).map(|h| (hours[h], shade(hours[h]))).collect(),
                })
                .collect(),
            total,
        }
    }
}

/// What the report is about.
pub struct ReportInput<'a> {
    pub office: &'a str,
    pub from: chrono::NaiveDate,
    pub to: chrono::NaiveDate,
    pub scope: String,
    pub questionnaire: &'a Questionnaire,
    pub departments: &'a [(String, String)],
    pub now: &'a PeriodCounts,
    pub before: &'a PeriodCounts,
    pub comments: Vec<(String, String, String)>,
    pub filtered_presses: Vec<(String, u64)>,
    /// Responses of the period whose device capture time could not be true, counted when received.
    pub capture_times_replaced: u64,
    pub threshold: u64,
}

/// A button press's filter reason (as the kiosk reports it) in Polish.
pub fn filtered_reason_label(reason: &str) -> &str {
    match survey::wire::FilterReason::parse(reason) {
        Some(known) => known.label_pl(),
        None => reason,
    }
}

/// Builds the report. Questions are matched across versions by key; the current version gives the
/// wording and the areas.
pub fn build(input: ReportInput<'_>) -> Report {
    let q = input.questionnaire;
    let card = Scorecard::from_items(q, input.now.items.clone());
    let previous = Scorecard::from_items(q, input.before.items.clone());
    let areas = q
        .sections
        .iter()
        .filter_map(|section| {
            let score = card.areas.iter().find(|a| a.area == section.key)?;
            let before =
                previous.areas.iter().find(|a| a.area == section.key).map(|a| a.satisfaction).unwrap_or_default();
            let items = section
                .questions
                .iter()
                .filter(|x| matches!(x.kind, QuestionKind::Rating { purpose: survey::RatingPurpose::Satisfaction, .. }))
                .map(|x| ItemRow {
                    text: x.text.get(Lang::Pl).to_owned(),
                    figures: Figures::of(&card.items.get(&x.key).copied().unwrap_or_default()),
                })
                .collect();
            Some(AreaRow {
                title: section.title.get(Lang::Pl).to_owned(),
                satisfaction: Figures::of(&score.satisfaction),
                importance: Figures::of(&score.importance),
                change: change(&score.satisfaction, &before),
                items,
            })
        })
        .collect();
    let name_of = |key: &Option<String>| match key {
        None => "nie podano".to_owned(),
        Some(k) if k == survey::questionnaire::OTHER_DEPARTMENT => "inna".to_owned(),
        Some(k) => input.departments.iter().find(|(dk, _)| dk == k).map_or_else(|| k.clone(), |(_, name)| name.clone()),
    };
    let departments = input
        .now
        .overall_by_department
        .iter()
        .map(|(key, stats)| DepartmentRow {
            name: name_of(key),
            figures: (stats.n() >= input.threshold).then(|| Figures::of(stats)),
        })
        .collect();
    let settled_counts = input.now.choices.get(MATTER_SETTLED).cloned().unwrap_or_default();
    let settled_total: u64 = settled_counts.values().sum();
    let option_label = |key: &str| {
        q.question(&survey::QuestionKey::parse(MATTER_SETTLED).unwrap_or_else(|_| q.overall_question.clone()))
            .and_then(|x| match &x.kind {
                QuestionKind::SingleChoice { options } => {
                    options.iter().find(|o| o.key.as_str() == key).map(|o| o.label.pl.clone())
                }
                _ => None,
            })
            .unwrap_or_else(|| key.to_owned())
    };
    let settled = settled_counts
        .iter()
        .map(|(k, n)| (option_label(k), *n, decimal(Some(*n as f64 * 100.0 / settled_total.max(1) as f64), 1)))
        .collect();
    let total: u64 = input.now.by_channel.values().sum();
    let versions_note = (input.now.versions.len() > 1).then(|| {
        let list: Vec<String> = input.now.versions.iter().map(u32::to_string).collect();
        format!(
            "Okres obejmuje odpowiedzi na wersje ankiety {}. Pytania są łączone po stałym kluczu; pytanie, którego nie było w którejś wersji, jest liczone z wersji, które je miały.",
            list.join(", ")
        )
    });
    let length = input.to - input.from;
    let mut gaps: Vec<(f64, Priority)> = card
        .areas
        .iter()
        .filter_map(|a| {
            let (importance, satisfaction) = (a.importance.mean()?, a.satisfaction.mean()?);
            let title = q.sections.iter().find(|s| s.key == a.area)?.title.get(Lang::Pl).to_owned();
            Some((
                importance - satisfaction,
                Priority {
                    area: title,
                    importance: decimal(Some(importance), 2),
                    satisfaction: decimal(Some(satisfaction), 2),
                    gap: decimal(Some(importance - satisfaction), 2),
                },
            ))
        })
        .collect();
    gaps.sort_by(|a, b| b.0.total_cmp(&a.0));
    let priorities = gaps.into_iter().map(|(_, p)| p).collect();
    Report {
        office: input.office.to_owned(),
        from: input.from.to_string(),
        to: input.to.to_string(),
        previous_from: (input.from - length - chrono::Duration::days(1)).to_string(),
        previous_to: (input.from - chrono::Duration::days(1)).to_string(),
        scope: input.scope,
        total,
        previous_total: input.before.by_channel.values().sum(),
        by_channel: survey::Channel::ALL
            .iter()
            .map(|c| (c.label_pl().to_owned(), input.now.by_channel.get(c).copied().unwrap_or(0)))
            .collect(),
        overall: Figures::of(&card.overall),
        overall_change: change(&card.overall, &previous.overall),
        all_areas: Figures::of(&card.all_areas),
        areas,
        departments,
        threshold: input.threshold,
        settled,
        months: input
            .now
            .overall_by_month
            .iter()
            .map(|(m, s)| (m.clone(), (s.n() >= input.threshold).then(|| Figures::of(s))))
            .collect(),
        comments: input.comments,
        versions_note,
        filtered_presses: input
            .filtered_presses
            .iter()
            .map(|(reason, n)| (filtered_reason_label(reason).to_owned(), *n))
            .collect(),
        completeness: survey::Channel::ALL
            .iter()
            .map(|c| {
                let counts = input.now.completeness.get(c).copied().unwrap_or_default();
                (c.label_pl().to_owned(), counts.complete, counts.incomplete)
            })
            .collect(),
        heatmap: Heatmap::of(&input.now.kiosk_hours),
        priorities,
        generated_at: crate::store::now_text(),
        capture_times_replaced: input.capture_times_replaced,
        actions: Vec::new(),
    }
}

/// The report of `filter` for `office`, from the store: the period, the previous period of the same
/// length, comments and filtered presses.
pub fn generate(store: &Store, office: &Office, filter: ReportFilter, threshold: u64) -> Result<Report, StoreError> {
    let (from, to) = (filter.from, filter.to);
    let length = to - from;
    let before = ReportFilter {
        from: from - length - chrono::Duration::days(1),
        to: from - chrono::Duration::days(1),
        ..filter.clone()
    };
    let questionnaire = store.current_questionnaire(&office.slug)?;
    let departments: Vec<(String, String)> =
        store.all_departments(office.id)?.into_iter().map(|d| (d.key, d.name)).collect();
    let department = filter
        .department
        .as_ref()
        .map(|key| departments.iter().find(|(k, _)| k == key).map_or_else(|| key.clone(), |(_, name)| name.clone()));
    let scope = format!(
        "{}; {}",
        department.map_or_else(|| "wszystkie komórki".to_owned(), |d| format!("komórka: {d}")),
        if filter.channels.is_empty() {
            "wszystkie kanały".to_owned()
        } else {
            filter.channels.iter().map(|c| c.label_pl()).collect::<Vec<_>>().join(", ")
        }
    );
    let overall = questionnaire.overall_question.to_string();
    let now = store.period_counts(&filter, &overall)?;
    let previous = store.period_counts(&before, &overall)?;
    let comments = store.period_comments(&filter, 500)?;
    let filtered_presses = store.period_filtered_presses(&filter)?;
    let capture_times_replaced = store.period_capture_times_replaced(&filter)?;
    let today = crate::local_time::today();
    let actions = store.actions_for_period(office.id, from, to)?.iter().map(|a| ActionLine::of(a, today)).collect();
    let mut report = build(ReportInput {
        office: &office.name,
        from,
        to,
        scope,
        questionnaire: &questionnaire,
        departments: &departments,
        now: &now,
        before: &previous,
        comments,
        filtered_presses,
        capture_times_replaced,
        threshold,
    });
    report.actions = actions;
    Ok(report)
}

/// The report of every result to date (from the first response to today), as made before the
/// questionnaire changes.
pub fn everything_to_date(store: &Store, office: &Office, threshold: u64) -> Result<Report, StoreError> {
    let today = crate::local_time::local(chrono::Utc::now()).date();
    let from = store.first_response_day(office.id)?.unwrap_or(today).min(today);
    generate(
        store,
        office,
        ReportFilter { office_id: office.id, from, to: today, department: None, channels: vec![] },
        threshold,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_are_formatted_the_polish_way() {
        let f = Figures::of(&RatingStats::from_counts([1, 0, 1, 1, 1], 2));
        assert_eq!((f.n, f.mean.as_str(), f.satisfied.as_str(), f.index.as_str()), (4, "3,25", "50,0", "56,2"));
        assert_eq!(f.bars, [25, 0, 25, 25, 25]);
        let empty = Figures::of(&RatingStats::default());
        assert_eq!((empty.mean.as_str(), empty.bars), ("–", [0; 5]));
    }

    #[test]
    fn changes_carry_their_sign() {
        let up = RatingStats::from_counts([0, 0, 0, 0, 2], 0);
        let down = RatingStats::from_counts([0, 0, 2, 0, 0], 0);
        assert_eq!(change(&up, &down), "+2,00");
        assert_eq!(change(&down, &up), "-2,00");
        assert_eq!(change(&up, &RatingStats::default()), "–");
    }
}
