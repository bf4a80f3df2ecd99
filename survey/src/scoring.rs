//! What the answers add up to: counts, means, shares of satisfied clients and a 0–100 index, per question
//! (item), per area (a section of satisfaction ratings) and overall.
//!
//! Definitions, the same everywhere (report, dashboard, kiosk):
//! - `n` counts ratings 1–5; "nie dotyczy" is counted separately and excluded from every figure.
//! - mean = sum of ratings / n, on the 1–5 scale.
//! - % satisfied = share of 4 and 5; % neutral = share of 3; % dissatisfied = share of 1 and 2 (of n).
//! - index = (mean − 1) / 4 × 100: the mean mapped onto 0–100 (1 → 0, 3 → 50, 5 → 100).
//! - An area pools every satisfaction rating of its items (each answer weighs the same, so a rarely
//!   answered item does not weigh as much as a common one). Importance ratings are kept apart.
//! - With n = 0 every figure is `None`: "no data" is not zero.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::questionnaire::{QuestionKey, QuestionKind, Questionnaire, RATING_MIN, RatingPurpose};
use crate::response::{AnswerValue, Answers};

/// Whether a response is complete: every rating question of its questionnaire version was answered (a
/// rating or "nie dotyczy"). A smiley-mode kiosk or a button press answers a few questions by design, so
/// reports show complete and incomplete responses side by side rather than dropping either.
pub fn is_complete(questionnaire: &Questionnaire, answers: &Answers) -> bool {
    questionnaire.questions().all(|(_, q)| {
        !matches!(q.kind, QuestionKind::Rating { .. })
            || matches!(answers.get(&q.key), Some(AnswerValue::Rating(_) | AnswerValue::NotApplicable))
    })
}

/// Counts of the ratings given to one question or pooled over several.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RatingStats {
    /// How many times each rating was given: index 0 holds the count of 1s, index 4 the count of 5s.
    pub distribution: [u64; 5],
    /// How many answered "nie dotyczy / nie mam zdania".
    pub not_applicable: u64,
}

impl RatingStats {
    /// Stats from counts, as SQL `GROUP BY rating` returns them.
    pub fn from_counts(distribution: [u64; 5], not_applicable: u64) -> Self {
        RatingStats { distribution, not_applicable }
    }

    /// Counts one answer; answers that are not ratings are ignored, out-of-range ratings too (validation
    /// keeps them out of storage; scoring must not panic on them all the same).
    pub fn add(&mut self, answer: &AnswerValue) {
        match answer {
            AnswerValue::Rating(v) => {
                if let Some(slot) = v.checked_sub(RATING_MIN).and_then(|i| self.distribution.get_mut(usize::from(i))) {
                    *slot += 1;
                }
            }
            AnswerValue::NotApplicable => self.not_applicable += 1,
            _ => {}
        }
    }

    /// Adds another set of counts to this one.
    pub fn merge(&mut self, other: &RatingStats) {
        for (mine, theirs) in self.distribution.iter_mut().zip(other.distribution) {
            *mine += theirs;
        }
        self.not_applicable += other.not_applicable;
    }

    /// Number of ratings 1–5.
    pub fn n(&self) -> u64 {
        self.distribution.iter().sum()
    }

    /// Mean rating on the 1–5 scale.
    pub fn mean(&self) -> Option<f64> {
        let n = self.n();
        if n == 0 {
            return None;
        }
        let sum: u64 = self.distribution.iter().zip(1u64..).map(|(count, value)| count * value).sum();
        Some(sum as f64 / n as f64)
    }

    fn share(&self, count: u64) -> Option<f64> {
        let n = self.n();
        (n > 0).then(|| count as f64 * 100.0 / n as f64)
    }

    /// Percent of ratings 4 and 5.
    pub fn pct_satisfied(&self) -> Option<f64> {
        self.share(self.distribution[3] + self.distribution[4])
    }

    /// Percent of ratings 3.
    pub fn pct_neutral(&self) -> Option<f64> {
        self.share(self.distribution[2])
    }

    /// Percent of ratings 1 and 2.
    pub fn pct_dissatisfied(&self) -> Option<f64> {
        self.share(self.distribution[0] + self.distribution[1])
    }

    /// The mean mapped onto 0–100.
    pub fn index(&self) -> Option<f64> {
        self.mean().map(|m| (m - 1.0) * 25.0)
    }
}

/// The figures of one area: its items' satisfaction pooled, and the importance the area was given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AreaScore {
    /// The section key.
    pub area: QuestionKey,
    /// All satisfaction ratings of the area's items, pooled.
    pub satisfaction: RatingStats,
    /// Importance ratings of the area, pooled (empty when importance is not asked).
    pub importance: RatingStats,
}

/// Every figure of a set of responses to one questionnaire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scorecard {
    /// Per rating question, by key.
    pub items: BTreeMap<QuestionKey, RatingStats>,
    /// Per area, in questionnaire order. Only sections with satisfaction items are areas.
    pub areas: Vec<AreaScore>,
    /// The overall rating question.
    pub overall: RatingStats,
    /// Every satisfaction rating of every area, pooled (the overall question not included).
    pub all_areas: RatingStats,
}

impl Scorecard {
    /// Scores answers by walking them once. Fine for thousands; reports over millions feed
    /// [`Scorecard::from_items`] with counts from SQL instead.
    pub fn from_answers<'a>(questionnaire: &Questionnaire, answers: impl IntoIterator<Item = &'a Answers>) -> Self {
        let mut items: BTreeMap<QuestionKey, RatingStats> = BTreeMap::new();
        let rating_keys: Vec<&QuestionKey> = questionnaire
            .questions()
            .filter(|(_, q)| matches!(q.kind, QuestionKind::Rating { .. }))
            .map(|(_, q)| &q.key)
            .collect();
        for response in answers {
            for key in &rating_keys {
                if let Some(answer) = response.get(*key) {
                    items.entry((*key).clone()).or_default().add(answer);
                }
            }
        }
        Scorecard::from_items(questionnaire, items)
    }

    /// Builds areas and overall figures from per-item counts.
    pub fn from_items(questionnaire: &Questionnaire, items: BTreeMap<QuestionKey, RatingStats>) -> Self {
        let mut areas = Vec::new();
        let mut all_areas = RatingStats::default();
        for section in &questionnaire.sections {
            let mut area = AreaScore {
                area: section.key.clone(),
                satisfaction: RatingStats::default(),
                importance: RatingStats::default(),
            };
            let mut has_items = false;
            for q in &section.questions {
                if q.key == questionnaire.overall_question {
                    continue;
                }
                let stats = items.get(&q.key).copied().unwrap_or_default();
                match q.kind {
                    QuestionKind::Rating { purpose: RatingPurpose::Satisfaction, .. } => {
                        has_items = true;
                        area.satisfaction.merge(&stats);
                    }
                    QuestionKind::Rating { purpose: RatingPurpose::Importance, .. } => area.importance.merge(&stats),
                    _ => {}
                }
            }
            if has_items {
                all_areas.merge(&area.satisfaction);
                areas.push(area);
            }
        }
        let overall = items.get(&questionnaire.overall_question).copied().unwrap_or_default();
        Scorecard { items, areas, overall, all_areas }
    }
}

#[cfg(test)]
// One column per figure keeps the table below readable as a table.
#[allow(clippy::too_many_arguments)]
mod tests {
    use rstest::rstest;

    use super::*;
    use crate::default_questionnaire::default_questionnaire;

    const EPS: f64 = 1e-9;

    fn close(got: Option<f64>, want: Option<f64>) -> bool {
        match (got, want) {
            (Some(g), Some(w)) => (g - w).abs() < EPS,
            (None, None) => true,
            _ => false,
        }
    }

    // Expectations computed by hand:
    //   [1,2,3,4,5] once each: mean 15/5 = 3, satisfied 2/5 = 40 %, neutral 20 %, dissatisfied 40 %, index 50.
    //   [0,0,0,1,3]: mean (4 + 15)/4 = 4.75, satisfied 100 %, index 93.75.
    //   [2,0,1,0,0]: mean (2 + 3)/3 = 1.666…, dissatisfied 2/3, neutral 1/3, index 16.666….
    //   [0,0,0,0,7]: mean 5, index 100.   [1,0,0,0,0]: mean 1, index 0.
    #[rstest]
    #[case::one_of_each([1, 1, 1, 1, 1], 0, 5, Some(3.0), Some(40.0), Some(20.0), Some(40.0), Some(50.0))]
    #[case::mostly_happy([0, 0, 0, 1, 3], 2, 4, Some(4.75), Some(100.0), Some(0.0), Some(0.0), Some(93.75))]
    #[case::unhappy([2, 0, 1, 0, 0], 0, 3, Some(5.0 / 3.0), Some(0.0), Some(100.0 / 3.0), Some(200.0 / 3.0), Some(50.0 / 3.0))]
    #[case::all_top([0, 0, 0, 0, 7], 1, 7, Some(5.0), Some(100.0), Some(0.0), Some(0.0), Some(100.0))]
    #[case::single_bottom([1, 0, 0, 0, 0], 0, 1, Some(1.0), Some(0.0), Some(0.0), Some(100.0), Some(0.0))]
    #[case::empty([0, 0, 0, 0, 0], 0, 0, None, None, None, None, None)]
    #[case::all_not_applicable([0, 0, 0, 0, 0], 9, 0, None, None, None, None, None)]
    fn rating_stats(
        #[case] distribution: [u64; 5],
        #[case] not_applicable: u64,
        #[case] n: u64,
        #[case] mean: Option<f64>,
        #[case] satisfied: Option<f64>,
        #[case] neutral: Option<f64>,
        #[case] dissatisfied: Option<f64>,
        #[case] index: Option<f64>,
    ) {
        let s = RatingStats::from_counts(distribution, not_applicable);
        assert_eq!(s.n(), n);
        assert!(close(s.mean(), mean), "mean {:?} != {mean:?}", s.mean());
        assert!(close(s.pct_satisfied(), satisfied), "satisfied {:?}", s.pct_satisfied());
        assert!(close(s.pct_neutral(), neutral), "neutral {:?}", s.pct_neutral());
        assert!(close(s.pct_dissatisfied(), dissatisfied), "dissatisfied {:?}", s.pct_dissatisfied());
        assert!(close(s.index(), index), "index {:?}", s.index());
    }

    #[test]
    fn add_counts_ratings_and_not_applicable_and_ignores_the_rest() {
        let mut s = RatingStats::default();
        for a in [
            AnswerValue::Rating(5),
            AnswerValue::Rating(5),
            AnswerValue::Rating(1),
            AnswerValue::NotApplicable,
            AnswerValue::Text("5".into()),
            AnswerValue::Rating(0),
            AnswerValue::Rating(6),
        ] {
            s.add(&a);
        }
        assert_eq!(s, RatingStats::from_counts([1, 0, 0, 0, 2], 1));
    }

    fn answers(pairs: &[(&str, AnswerValue)]) -> Answers {
        pairs.iter().map(|(k, v)| (QuestionKey::parse(k).unwrap(), v.clone())).collect()
    }

    #[test]
    fn scorecard_pools_areas_and_keeps_importance_apart() {
        let q = default_questionnaire();
        let responses = vec![
            answers(&[
                ("ogolna_ocena", AnswerValue::Rating(5)),
                ("lokalizacja", AnswerValue::Rating(4)),
                ("parking", AnswerValue::Rating(2)),
                ("wizerunek_waznosc", AnswerValue::Rating(5)),
                ("wiedza", AnswerValue::Rating(5)),
            ]),
            answers(&[
                ("ogolna_ocena", AnswerValue::Rating(3)),
                ("lokalizacja", AnswerValue::NotApplicable),
                ("parking", AnswerValue::Rating(3)),
                ("plec", AnswerValue::Choice("kobieta".into())),
            ]),
            answers(&[("ogolna_ocena", AnswerValue::Rating(4))]),
        ];
        let card = Scorecard::from_answers(&q, &responses);

        // Overall: 5, 3, 4 → mean 4, satisfied 2/3.
        assert_eq!(card.overall, RatingStats::from_counts([0, 0, 1, 1, 1], 0));
        assert!(close(card.overall.mean(), Some(4.0)));

        // Wizerunek pools lokalizacja (4, n/a) and parking (2, 3): ratings 4, 2, 3 → mean 3; importance apart.
        let wizerunek = &card.areas[0];
        assert_eq!(wizerunek.area.as_str(), "wizerunek");
        assert_eq!(wizerunek.satisfaction, RatingStats::from_counts([0, 1, 1, 1, 0], 1));
        assert_eq!(wizerunek.importance, RatingStats::from_counts([0, 0, 0, 0, 1], 0));
        assert!(close(wizerunek.satisfaction.mean(), Some(3.0)));

        // Five areas; an area with no answers has n = 0 and no mean.
        let area_keys: Vec<&str> = card.areas.iter().map(|a| a.area.as_str()).collect();
        assert_eq!(area_keys, ["wizerunek", "podejscie", "kompetencje", "terminowosc", "rzetelnosc"]);
        assert_eq!(card.areas[1].satisfaction.n(), 0);
        assert_eq!(card.areas[1].satisfaction.mean(), None);

        // All areas pooled: 4, 2, 3 from wizerunek and 5 from kompetencje → mean 14/4 = 3.5.
        assert!(close(card.all_areas.mean(), Some(3.5)));
        assert_eq!(card.all_areas.not_applicable, 1);
    }

    #[test]
    fn scorecard_of_nothing_has_no_figures() {
        let card = Scorecard::from_answers(&default_questionnaire(), &Vec::<Answers>::new());
        assert_eq!(card.overall.n(), 0);
        assert_eq!(card.overall.mean(), None);
        assert!(card.areas.iter().all(|a| a.satisfaction.mean().is_none()));
    }

    #[test]
    fn from_items_equals_from_answers() {
        let q = default_questionnaire();
        let responses =
            vec![answers(&[("ogolna_ocena", AnswerValue::Rating(2)), ("szacunek", AnswerValue::Rating(4))])];
        let walked = Scorecard::from_answers(&q, &responses);
        let counted = Scorecard::from_items(&q, walked.items.clone());
        assert_eq!(walked, counted);
    }

    #[test]
    fn a_response_is_complete_when_every_rating_question_is_answered() {
        let q = default_questionnaire();
        let ratings: Vec<QuestionKey> = q
            .questions()
            .filter(|(_, x)| matches!(x.kind, QuestionKind::Rating { .. }))
            .map(|(_, x)| x.key.clone())
            .collect();
        let mut answers: Answers = ratings.iter().map(|k| (k.clone(), AnswerValue::Rating(4))).collect();
        assert!(is_complete(&q, &answers));
        // "nie dotyczy" is an answer; a missing rating is not; other questions do not matter.
        answers.insert(ratings[1].clone(), AnswerValue::NotApplicable);
        assert!(is_complete(&q, &answers));
        answers.remove(&ratings[2]);
        assert!(!is_complete(&q, &answers));
        assert!(!is_complete(&q, &Answers::new()));
    }
}
