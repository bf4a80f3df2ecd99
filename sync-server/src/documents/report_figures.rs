//! The measurement report ("Generuj raport z wyników pomiaru"): the period's figures, computed by the
//! `survey` crate from the store's SQL counts. The report carries numbers; the page, the PDF and the
//! spreadsheet format them (Polish decimal comma on the page and in the PDF, numbers in the spreadsheet).
//! Breakdown cells with fewer answers than the threshold are suppressed (RODO: in a small gmina a
//! department, a date or an answer of the respondent profile can identify a person), see [`suppressed`].

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use survey::scoring::{RatingStats, Scorecard};
use survey::{Lang, QuestionKey, QuestionKind, Questionnaire};

use crate::store::{Office, PeriodCounts, ReportFilter, Store, StoreError};

/// Breakdown cells with fewer answers than this are shown as "< 5".
pub const DEFAULT_SUPPRESSION: u64 = 5;

/// One set of rating figures: counts and the scores `survey::scoring` gives them (`None` where there
/// is nothing to score).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Figures {
    pub n: u64,
    pub not_applicable: u64,
    pub mean: Option<f64>,
    pub satisfied: Option<f64>,
    pub neutral: Option<f64>,
    pub dissatisfied: Option<f64>,
    pub index: Option<f64>,
    pub distribution: [u64; 5],
}

/// A number with `places` decimals and a decimal comma; "–" for none.
pub fn decimal(value: Option<f64>, places: usize) -> String {
    value.map_or_else(|| "–".to_owned(), |v| format!("{v:.places$}").replace('.', ","))
}

/// A change with its sign ("+0,50", "-1,25"); "–" for none.
pub fn signed(value: Option<f64>) -> String {
    match value {
        Some(d) if d > 0.0 => format!("+{}", decimal(Some(d), 2)),
        other => decimal(other, 2),
    }
}

impl Figures {
    /// Scored counts.
    pub fn of(s: &RatingStats) -> Figures {
        Figures {
            n: s.n(),
            not_applicable: s.not_applicable,
            mean: s.mean(),
            satisfied: s.pct_satisfied(),
            neutral: s.pct_neutral(),
            dissatisfied: s.pct_dissatisfied(),
            index: s.index(),
            distribution: s.distribution,
        }
    }

    /// The mean to two decimals, Polish style.
    pub fn mean_text(&self) -> String {
        decimal(self.mean, 2)
    }

    pub fn satisfied_text(&self) -> String {
        decimal(self.satisfied, 1)
    }

    pub fn neutral_text(&self) -> String {
        decimal(self.neutral, 1)
    }

    pub fn dissatisfied_text(&self) -> String {
        decimal(self.dissatisfied, 1)
    }

    pub fn index_text(&self) -> String {
        decimal(self.index, 1)
    }
}

/// The change of a mean against the previous period.
fn change(now: &RatingStats, before: &RatingStats) -> Option<f64> {
    Some(now.mean()? - before.mean()?)
}

/// Which cells of a breakdown to hide. A cell is hidden when it counts fewer than `threshold` answers
/// (but more than none: "nobody" identifies no one). When the cells add up to a total the report shows
/// (`additive`: the options of a single-choice question, departments, months) and exactly one cell is
/// hidden, it could be recovered by subtracting the others from the total; so the smallest other cell is
/// hidden too ("complementary suppression"). Multiple-choice cells add up to nothing shown, so a single
/// hidden cell stays single there.
pub fn suppressed(counts: &[u64], threshold: u64, additive: bool) -> Vec<bool> {
    let mut hidden: Vec<bool> = counts.iter().map(|n| *n > 0 && *n < threshold).collect();
    if additive && hidden.iter().filter(|h| **h).count() == 1 {
        let smallest_shown =
            counts.iter().enumerate().filter(|(i, _)| !hidden[*i]).min_by_key(|(_, n)| **n).map(|(i, _)| i);
        if let Some(i) = smallest_shown {
            hidden[i] = true;
        }
    }
    hidden
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AreaRow {
    pub title: String,
    pub satisfaction: Figures,
    pub importance: Figures,
    /// The change of the mean against the previous period.
    pub change: Option<f64>,
    pub items: Vec<ItemRow>,
}

impl AreaRow {
    pub fn change_text(&self) -> String {
        signed(self.change)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ItemRow {
    pub text: String,
    pub figures: Figures,
}

/// A department's overall rating and its five areas (in the order of `Report::areas`); each cell is
/// `None` when suppressed for having too few respondents.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DepartmentRow {
    pub name: String,
    /// The overall rating.
    pub figures: Option<Figures>,
    #[serde(default)]
    pub areas: Vec<Option<Figures>>,
}

/// A single- or multiple-choice question (the department asked too) and how often each option was
/// chosen.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChoiceTable {
    /// The section's title, then the question's text (Polish).
    pub section: String,
    pub question: String,
    /// Several options could be chosen: percentages are of respondents and may add up to over 100 %.
    pub multiple: bool,
    /// The respondents the percentages are of: who answered (single choice), or who were asked, i.e.
    /// answered a questionnaire version with the question (multiple choice).
    pub base: u64,
    /// `false` when fewer than the threshold answered at all: then no option is shown.
    pub shown: bool,
    pub rows: Vec<ChoiceRow>,
}

/// One option: its label, and its count and percentage unless suppressed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChoiceRow {
    pub label: String,
    pub count: Option<u64>,
    pub percent: Option<f64>,
}

impl ChoiceRow {
    pub fn percent_text(&self) -> String {
        decimal(self.percent, 1)
    }
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
    pub overall_change: Option<f64>,
    pub all_areas: Figures,
    pub areas: Vec<AreaRow>,
    pub departments: Vec<DepartmentRow>,
    pub threshold: u64,
    /// Every single- and multiple-choice question of the period's questionnaire versions, in the order
    /// asked.
    #[serde(default)]
    pub choices: Vec<ChoiceTable>,
    /// The overall rating per month; `None` for a month with fewer answers than the threshold.
    pub months: Vec<(String, Option<Figures>)>,
    /// The same for the previous period, month by month in order.
    #[serde(default)]
    pub previous_months: Vec<(String, Option<Figures>)>,
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
    /// When the report was made (RFC 3339, UTC; shown in office time by [`crate::local_time::human_text`]).
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
    pub importance: f64,
    pub satisfaction: f64,
    pub gap: f64,
}

impl Priority {
    pub fn importance_text(&self) -> String {
        decimal(Some(self.importance), 2)
    }

    pub fn satisfaction_text(&self) -> String {
        decimal(Some(self.satisfaction), 2)
    }

    pub fn gap_text(&self) -> String {
        decimal(Some(self.gap), 2)
    }
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
    /// The questionnaire versions answered in the period (any order); their choice questions are
    /// reported even when the current version no longer asks them.
    pub versions: &'a [Arc<Questionnaire>],
    /// Rating counts per question of each department (see `Store::period_department_ratings`).
    pub department_ratings: &'a BTreeMap<Option<String>, BTreeMap<QuestionKey, RatingStats>>,
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

/// The rating figures of a period's months, each suppressed below the threshold (complementary: months
/// add up to the period's total).
fn months_of(by_month: &BTreeMap<String, RatingStats>, threshold: u64) -> Vec<(String, Option<Figures>)> {
    let counts: Vec<u64> = by_month.values().map(RatingStats::n).collect();
    let hidden = suppressed(&counts, threshold, true);
    by_month
        .iter()
        .zip(hidden)
        .map(|((m, s), hide)| (m.clone(), (!hide && s.n() >= threshold).then(|| Figures::of(s))))
        .collect()
}

/// A choice question as it is to be reported, gathered across the period's versions.
struct ChoiceQuestion<'q> {
    section: &'q str,
    question: &'q survey::Question,
    /// Option labels by key, from every version that had them (the newest wording wins).
    labels: BTreeMap<&'q str, &'q str>,
    /// Respondents of the versions that asked it.
    asked: u64,
}

/// Every choice question of the period's versions, by key: the current version's in its order, then
/// those only older versions asked.
fn choice_questions<'q>(
    current: &'q Questionnaire,
    versions: &'q [Arc<Questionnaire>],
    now: &PeriodCounts,
) -> Vec<ChoiceQuestion<'q>> {
    let mut ordered: Vec<&'q Questionnaire> = vec![current];
    let mut older: Vec<&'q Questionnaire> = versions.iter().map(Arc::as_ref).collect();
    older.sort_by_key(|q| std::cmp::Reverse(q.version));
    ordered.extend(older);
    let mut out: Vec<ChoiceQuestion<'q>> = Vec::new();
    for q in &ordered {
        for (section, question) in q.questions() {
            let options = match &question.kind {
                QuestionKind::SingleChoice { options } | QuestionKind::MultipleChoice { options } => options.as_slice(),
                QuestionKind::Department => &[],
                _ => continue,
            };
            let entry = match out.iter().position(|c| c.question.key == question.key) {
                Some(i) => &mut out[i],
                None => {
                    out.push(ChoiceQuestion {
                        section: section.title.get(Lang::Pl),
                        question,
                        labels: BTreeMap::new(),
                        asked: 0,
                    });
                    let last = out.len() - 1;
                    &mut out[last]
                }
            };
            for option in options {
                entry.labels.entry(option.key.as_str()).or_insert(option.label.get(Lang::Pl));
            }
        }
    }
    for c in &mut out {
        c.asked = versions
            .iter()
            .filter(|v| v.question(&c.question.key).is_some())
            .map(|v| now.respondents_by_version.get(&v.version).copied().unwrap_or(0))
            .sum();
    }
    out
}

/// One choice question's table: options in the questionnaire's order (departments in the office's),
/// then any other value answered, each suppressed by [`suppressed`].
fn choice_table(
    c: &ChoiceQuestion<'_>,
    counts: Option<&BTreeMap<String, u64>>,
    departments: &[(String, String)],
    threshold: u64,
) -> ChoiceTable {
    let empty = BTreeMap::new();
    let counts = counts.unwrap_or(&empty);
    let multiple = matches!(c.question.kind, QuestionKind::MultipleChoice { .. });
    let mut keys: Vec<(String, String)> = match &c.question.kind {
        QuestionKind::Department => departments
            .iter()
            .cloned()
            .chain([(survey::questionnaire::OTHER_DEPARTMENT.to_owned(), "inna".to_owned())])
            .collect(),
        QuestionKind::SingleChoice { options } | QuestionKind::MultipleChoice { options } => options
            .iter()
            .map(|o| {
                (o.key.as_str().to_owned(), c.labels.get(o.key.as_str()).copied().unwrap_or(o.key.as_str()).to_owned())
            })
            .collect(),
        _ => Vec::new(),
    };
    for key in counts.keys() {
        if !keys.iter().any(|(k, _)| k == key) {
            keys.push((key.clone(), c.labels.get(key.as_str()).map_or_else(|| key.clone(), |l| (*l).to_owned())));
        }
    }
    let values: Vec<u64> = keys.iter().map(|(k, _)| counts.get(k).copied().unwrap_or(0)).collect();
    let base = if multiple { c.asked.max(values.iter().copied().max().unwrap_or(0)) } else { values.iter().sum() };
    let shown = base >= threshold;
    let hidden = suppressed(&values, threshold, !multiple);
    let rows = keys
        .into_iter()
        .zip(values.iter().zip(hidden))
        .map(|((_, label), (n, hide))| {
            let visible = shown && !hide;
            ChoiceRow {
                label,
                count: visible.then_some(*n),
                percent: (visible && base > 0).then(|| *n as f64 * 100.0 / base as f64),
            }
        })
        .collect();
    ChoiceTable {
        section: c.section.to_owned(),
        question: c.question.text.get(Lang::Pl).to_owned(),
        multiple,
        base,
        shown,
        rows,
    }
}

/// The fewest respondents an area's figures can rest on: each respondent rates each question once, so
/// at least as many answered the area as rated its most-rated question.
fn area_respondents(q: &Questionnaire, area: &str, items: &BTreeMap<QuestionKey, RatingStats>) -> u64 {
    q.sections
        .iter()
        .filter(|s| s.key.as_str() == area)
        .flat_map(|s| &s.questions)
        .filter(|x| matches!(x.kind, QuestionKind::Rating { purpose: survey::RatingPurpose::Satisfaction, .. }))
        .filter_map(|x| items.get(&x.key).map(RatingStats::n))
        .max()
        .unwrap_or(0)
}

/// Builds the report. Questions are matched across versions by key; the current version gives the
/// wording and the areas.
pub fn build(input: ReportInput<'_>) -> Report {
    let q = input.questionnaire;
    let card = Scorecard::from_items(q, input.now.items.clone());
    let previous = Scorecard::from_items(q, input.before.items.clone());
    let areas: Vec<AreaRow> = q
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
    let area_keys: Vec<&str> =
        q.sections.iter().filter(|s| card.areas.iter().any(|a| a.area == s.key)).map(|s| s.key.as_str()).collect();
    let name_of = |key: &Option<String>| match key {
        None => "nie podano".to_owned(),
        Some(k) if k == survey::questionnaire::OTHER_DEPARTMENT => "inna".to_owned(),
        Some(k) => input.departments.iter().find(|(dk, _)| dk == k).map_or_else(|| k.clone(), |(_, name)| name.clone()),
    };
    let departments = departments_by_area(&input, q, &area_keys, &name_of);
    let choices = choice_questions(q, input.versions, input.now)
        .iter()
        .map(|c| choice_table(c, input.now.choices.get(c.question.key.as_str()), input.departments, input.threshold))
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
    let mut priorities: Vec<Priority> = card
        .areas
        .iter()
        .filter_map(|a| {
            let (importance, satisfaction) = (a.importance.mean()?, a.satisfaction.mean()?);
            let title = q.sections.iter().find(|s| s.key == a.area)?.title.get(Lang::Pl).to_owned();
            Some(Priority { area: title, importance, satisfaction, gap: importance - satisfaction })
        })
        .collect();
    priorities.sort_by(|a, b| b.gap.total_cmp(&a.gap));
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
        choices,
        months: months_of(&input.now.overall_by_month, input.threshold),
        previous_months: months_of(&input.before.overall_by_month, input.threshold),
        // The day a person reads is the office's day, not the UTC one stored.
        comments: input
            .comments
            .into_iter()
            .map(|(at, key, text)| (crate::local_time::day_text(&at), key, text))
            .collect(),
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

/// The departments' overall rating and areas. Each column is suppressed on its own (a department can
/// show its overall rating and hide an area few of its respondents rated), by the respondents behind
/// each cell, with the complementary rule of [`suppressed`]: departments add up to the totals shown.
fn departments_by_area(
    input: &ReportInput<'_>,
    q: &Questionnaire,
    area_keys: &[&str],
    name_of: &dyn Fn(&Option<String>) -> String,
) -> Vec<DepartmentRow> {
    let keys: Vec<&Option<String>> = input.now.overall_by_department.keys().collect();
    let overall_n: Vec<u64> = input.now.overall_by_department.values().map(RatingStats::n).collect();
    let overall_hidden = suppressed(&overall_n, input.threshold, true);
    let empty = BTreeMap::new();
    let cards: Vec<Scorecard> = keys
        .iter()
        .map(|k| Scorecard::from_items(q, input.department_ratings.get(*k).unwrap_or(&empty).clone()))
        .collect();
    let area_columns: Vec<Vec<Option<Figures>>> = area_keys
        .iter()
        .map(|area| {
            let respondents: Vec<u64> = keys
                .iter()
                .map(|k| area_respondents(q, area, input.department_ratings.get(*k).unwrap_or(&empty)))
                .collect();
            let hidden = suppressed(&respondents, input.threshold, true);
            cards
                .iter()
                .zip(respondents.iter().zip(hidden))
                .map(|(card, (n, hide))| {
                    // Nobody rated the area: "–", not "< N" (there is no one to protect).
                    let stats = card.areas.iter().find(|a| a.area.as_str() == *area).map(|a| a.satisfaction);
                    (!hide && (*n >= input.threshold || *n == 0)).then(|| Figures::of(&stats.unwrap_or_default()))
                })
                .collect()
        })
        .collect();
    keys.iter()
        .zip(input.now.overall_by_department.values())
        .zip(overall_hidden)
        .enumerate()
        .map(|(row, ((key, stats), hide))| DepartmentRow {
            name: name_of(key),
            figures: (!hide && stats.n() >= input.threshold).then(|| Figures::of(stats)),
            areas: area_columns.iter().map(|column| column[row].clone()).collect(),
        })
        .collect()
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
    let versions =
        now.versions.iter().map(|v| store.questionnaire_version(&office.slug, *v)).collect::<Result<Vec<_>, _>>()?;
    let department_keys: Vec<Option<String>> = now.overall_by_department.keys().cloned().collect();
    let department_ratings = store.period_department_ratings(&filter, &department_keys)?;
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
        versions: &versions,
        department_ratings: &department_ratings,
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
    fn figures_are_numbers_formatted_the_polish_way() {
        let f = Figures::of(&RatingStats::from_counts([1, 0, 1, 1, 1], 2));
        assert_eq!((f.n, f.mean, f.satisfied, f.index), (4, Some(3.25), Some(50.0), Some(56.25)));
        assert_eq!(
            (f.mean_text().as_str(), f.satisfied_text().as_str(), f.index_text().as_str()),
            ("3,25", "50,0", "56,2")
        );
        let empty = Figures::of(&RatingStats::default());
        assert_eq!((empty.mean, empty.mean_text().as_str()), (None, "–"));
    }

    #[test]
    fn changes_carry_their_sign() {
        let up = RatingStats::from_counts([0, 0, 0, 0, 2], 0);
        let down = RatingStats::from_counts([0, 0, 2, 0, 0], 0);
        assert_eq!(signed(change(&up, &down)), "+2,00");
        assert_eq!(signed(change(&down, &up)), "-2,00");
        assert_eq!(signed(change(&up, &RatingStats::default())), "–");
    }

    #[test]
    fn small_cells_are_hidden_and_a_lone_one_gets_a_companion() {
        // Below 5 hidden; nobody (0) is shown.
        assert_eq!(suppressed(&[12, 3, 0, 7, 2], 5, true), [false, true, false, false, true]);
        // One hidden cell of an additive table: the smallest shown one (here 0) is hidden with it, so
        // the total minus the shown cells no longer gives it away.
        assert_eq!(suppressed(&[12, 3, 0, 7], 5, true), [false, true, true, false]);
        assert_eq!(suppressed(&[12, 3, 9, 7], 5, true), [false, true, false, true]);
        // Multiple choice: cells do not add up to a total, so a lone hidden cell stays alone.
        assert_eq!(suppressed(&[12, 3, 9, 7], 5, false), [false, true, false, false]);
        // Nothing hidden, nothing added.
        assert_eq!(suppressed(&[12, 9], 5, true), [false, false]);
    }
}
