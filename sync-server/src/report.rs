//! The measurement report ("Generuj raport z wyników pomiaru"): the period's figures, computed by the
//! `survey` crate from the store's SQL counts and prepared for display. Figures are formatted the Polish
//! way (decimal comma); breakdown cells with fewer answers than the threshold are suppressed (RODO: in a
//! small gmina a department and a date can identify a person).

use serde::Serialize;
use survey::default_questionnaire::MATTER_SETTLED;
use survey::scoring::{RatingStats, Scorecard};
use survey::{Lang, QuestionKind, Questionnaire};

use crate::store::PeriodCounts;

/// Breakdown cells with fewer answers than this are shown as "< 5".
pub const DEFAULT_SUPPRESSION: u64 = 5;

/// One set of figures, formatted.
#[derive(Debug, Clone, Serialize, PartialEq)]
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

#[derive(Debug, Clone, Serialize)]
pub struct AreaRow {
    pub title: String,
    pub satisfaction: Figures,
    pub importance: Figures,
    pub change: String,
    pub items: Vec<ItemRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ItemRow {
    pub text: String,
    pub figures: Figures,
}

/// A breakdown cell: figures, or suppressed for having too few answers.
#[derive(Debug, Clone, Serialize)]
pub struct DepartmentRow {
    pub name: String,
    pub figures: Option<Figures>,
}

#[derive(Debug, Clone, Serialize)]
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
    pub months: Vec<(String, Figures)>,
    pub comments: Vec<(String, String, String)>,
    pub versions_note: Option<String>,
    /// Button presses not counted as answers, by reason (in Polish), beside the answers.
    pub filtered_presses: Vec<(String, u64)>,
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
    pub threshold: u64,
}

/// A button press's filter reason (as the kiosk reports it) in Polish.
pub fn filtered_reason_label(reason: &str) -> &str {
    match reason {
        "too_soon" => "za szybko po poprzednim naciśnięciu",
        "burst" => "seria naciśnięć",
        "outside_hours" => "poza godzinami otwarcia",
        other => other,
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
        months: input.now.overall_by_month.iter().map(|(m, s)| (m.clone(), Figures::of(s))).collect(),
        comments: input.comments,
        versions_note,
        filtered_presses: input
            .filtered_presses
            .iter()
            .map(|(reason, n)| (filtered_reason_label(reason).to_owned(), *n))
            .collect(),
    }
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
