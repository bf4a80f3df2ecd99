//! The questionnaire: sections of questions, each with a stable key, published as immutable versions.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::text::LocalizedText;

/// The stable name of a question. Reports match answers across questionnaire versions by this key, so a
/// reworded question keeps its key and a question with a new meaning gets a new one.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
// On the wire a plain string (serde goes through `String`), limited to the shape `is_valid_key` checks.
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(value_type = String, pattern = "^[a-z][a-z0-9_]{0,63}$", example = "ogolna_ocena")
)]
#[serde(try_from = "String", into = "String")]
pub struct QuestionKey(String);

/// Why a string is not a usable question or option key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("klucz „{0}” jest nieprawidłowy: dozwolone są małe litery a–z, cyfry i „_”, od 1 do 64 znaków")]
pub struct InvalidKey(pub String);

/// Checks the shape shared by question keys and option keys: short, ASCII, safe in URLs, HTML ids and SQL.
pub fn is_valid_key(s: &str) -> bool {
    (1..=64).contains(&s.len())
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && s.as_bytes()[0].is_ascii_lowercase()
}

impl QuestionKey {
    /// Parses a key, refusing anything outside `[a-z][a-z0-9_]{0,63}`.
    pub fn parse(s: &str) -> Result<Self, InvalidKey> {
        if is_valid_key(s) { Ok(QuestionKey(s.to_owned())) } else { Err(InvalidKey(s.to_owned())) }
    }

    /// The key as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for QuestionKey {
    type Error = InvalidKey;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        if is_valid_key(&s) { Ok(QuestionKey(s)) } else { Err(InvalidKey(s)) }
    }
}

impl From<QuestionKey> for String {
    fn from(k: QuestionKey) -> String {
        k.0
    }
}

impl fmt::Display for QuestionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The option key every department question offers besides the office's own departments ("Inna").
pub const OTHER_DEPARTMENT: &str = "inna";

/// The lowest and highest value of every rating. One 1–5 scale serves every channel so that means from
/// the web, paper and the kiosk can be added together; a 4-face kiosk offers 1, 2, 4 and 5.
pub const RATING_MIN: u8 = 1;
/// See [`RATING_MIN`].
pub const RATING_MAX: u8 = 5;

/// A published (or draft) questionnaire of one office.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Questionnaire {
    /// The version number. Once published, a version never changes; edits create the next number.
    pub version: u32,
    /// The title shown above the questionnaire.
    pub title: LocalizedText,
    /// The key of the overall rating: the one question every channel asks, the kiosk's smiley question.
    pub overall_question: QuestionKey,
    /// Labels of ratings 1 to 5, in order.
    #[cfg_attr(feature = "openapi", schema(min_items = 5, max_items = 5))]
    pub rating_labels: [LocalizedText; 5],
    /// Label of the "not applicable / no opinion" answer.
    pub not_applicable_label: LocalizedText,
    /// The sections in the order they are asked.
    pub sections: Vec<Section>,
}

/// A group of questions shown together. Sections holding satisfaction ratings are the report's "areas".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Section {
    /// Stable key of the section; also the area key in reports.
    pub key: QuestionKey,
    /// Heading.
    pub title: LocalizedText,
    /// Optional instruction under the heading.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intro: Option<LocalizedText>,
    /// The questions in the order they are asked.
    pub questions: Vec<Question>,
}

/// One question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Question {
    /// Stable key (see [`QuestionKey`]).
    pub key: QuestionKey,
    /// The question as the resident reads it.
    pub text: LocalizedText,
    /// Whether an answer is required to accept the response.
    pub required: bool,
    /// What kind of answer it takes.
    pub kind: QuestionKind,
}

/// What a rating measures: satisfaction counts in the area's figures, importance is shown beside them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RatingPurpose {
    /// "How well did we do?"
    Satisfaction,
    /// "How important is this area to you?"
    Importance,
}

/// The kinds of question the system knows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum QuestionKind {
    /// A rating from 1 to 5, optionally with "nie dotyczy / nie mam zdania".
    Rating {
        /// Whether "not applicable" may be chosen.
        not_applicable: bool,
        /// Satisfaction or importance.
        purpose: RatingPurpose,
    },
    /// Exactly one of the options.
    SingleChoice {
        /// The options in display order.
        options: Vec<ChoiceOption>,
    },
    /// Any number (at least one) of the options.
    MultipleChoice {
        /// The options in display order.
        options: Vec<ChoiceOption>,
    },
    /// Free text up to `max_chars` characters.
    FreeText {
        /// Longest accepted answer, in characters (not bytes).
        max_chars: u32,
    },
    /// One of the office's departments, or "Inna" ([`OTHER_DEPARTMENT`]). The options are not part of
    /// the questionnaire: they come from the office's data when the question is shown or validated.
    Department,
}

/// One option of a choice question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChoiceOption {
    /// Stable key stored in answers.
    pub key: QuestionKey,
    /// The label the resident reads.
    pub label: LocalizedText,
}

impl Questionnaire {
    /// Every question in the order asked, with the section it belongs to.
    pub fn questions(&self) -> impl Iterator<Item = (&Section, &Question)> {
        self.sections.iter().flat_map(|s| s.questions.iter().map(move |q| (s, q)))
    }

    /// The question with this key, if this version has it.
    pub fn question(&self, key: &QuestionKey) -> Option<&Question> {
        self.questions().map(|(_, q)| q).find(|q| &q.key == key)
    }

    /// The overall rating question, if the questionnaire is well formed.
    pub fn overall(&self) -> Option<&Question> {
        self.question(&self.overall_question)
    }

    /// Checks that the questionnaire itself is usable: unique keys, an overall rating question that is a
    /// required satisfaction rating, choice questions with unique options. Run before publishing.
    pub fn check(&self) -> Result<(), Vec<String>> {
        let mut problems = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        for section in &self.sections {
            if !seen.insert(section.key.as_str()) {
                problems.push(format!("klucz „{}” występuje więcej niż raz", section.key));
            }
            for q in &section.questions {
                if !seen.insert(q.key.as_str()) {
                    problems.push(format!("klucz „{}” występuje więcej niż raz", q.key));
                }
                if q.text.pl.trim().is_empty() {
                    problems.push(format!("pytanie „{}” nie ma treści po polsku", q.key));
                }
                if let QuestionKind::SingleChoice { options } | QuestionKind::MultipleChoice { options } = &q.kind {
                    let mut option_keys = std::collections::BTreeSet::new();
                    if options.is_empty() {
                        problems.push(format!("pytanie „{}” nie ma odpowiedzi do wyboru", q.key));
                    }
                    for o in options {
                        if !option_keys.insert(o.key.as_str()) {
                            problems.push(format!("pytanie „{}”: odpowiedź „{}” powtarza się", q.key, o.key));
                        }
                    }
                }
            }
        }
        match self.overall() {
            None => problems.push(format!("brak pytania o ogólną ocenę „{}”", self.overall_question)),
            Some(q) => {
                let is_rating = matches!(q.kind, QuestionKind::Rating { purpose: RatingPurpose::Satisfaction, .. });
                if !is_rating || !q.required {
                    problems.push(format!(
                        "pytanie o ogólną ocenę „{}” musi być obowiązkową oceną 1–5",
                        self.overall_question
                    ));
                }
            }
        }
        if problems.is_empty() { Ok(()) } else { Err(problems) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_accept_only_the_safe_shape() {
        for good in ["a", "ogolna_ocena", "b2", "x_1_y"] {
            assert!(QuestionKey::parse(good).is_ok(), "{good}");
        }
        let too_long = "a".repeat(65);
        for bad in ["", "Ogolna", "1abc", "ogólna", "a-b", "a b", too_long.as_str()] {
            assert!(QuestionKey::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn keys_refuse_bad_shapes_when_deserialized() {
        assert!(serde_json::from_str::<QuestionKey>("\"ok_key\"").is_ok());
        assert!(serde_json::from_str::<QuestionKey>("\"<script>\"").is_err());
    }
}
