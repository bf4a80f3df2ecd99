//! The posted survey form: field names, and turning what the browser sent into `survey` answers.
//!
//! Field names: `q_<question key>` for answers (repeated for multiple choice), `lang`, `version`, `token`
//! (the response id, a UUIDv7 made when the form was served: a resend of the same form is the same
//! response), and `website`, a honeypot that people never see and bots fill in.

use std::collections::BTreeMap;

use survey::validation::{Problem, ValidationError};
use survey::{AnswerValue, Answers, Lang, QuestionKey, QuestionKind, Questionnaire};
use uuid::Uuid;

/// Prefix of answer fields.
pub const ANSWER_PREFIX: &str = "q_";
/// Value of the "nie dotyczy" radio button.
pub const NOT_APPLICABLE: &str = "na";
/// Name of the honeypot field.
pub const HONEYPOT: &str = "website";

/// A posted form, parsed as far as it goes. Raw values are kept so the form can be shown again exactly
/// as the resident left it, invalid values included.
#[derive(Debug, Default)]
pub struct PostedForm {
    pub lang: Lang,
    pub version: Option<u32>,
    pub token: Option<Uuid>,
    pub honeypot_filled: bool,
    /// Raw values by question key (as sent, unchecked).
    pub raw: BTreeMap<String, Vec<String>>,
}

impl PostedForm {
    /// Reads an `application/x-www-form-urlencoded` body.
    pub fn parse(body: &[u8]) -> PostedForm {
        let mut form = PostedForm::default();
        for (name, value) in form_urlencoded::parse(body) {
            match name.as_ref() {
                "lang" => form.lang = Lang::from_code(&value).unwrap_or_default(),
                "version" => form.version = value.parse().ok(),
                "token" => form.token = Uuid::parse_str(&value).ok(),
                HONEYPOT => form.honeypot_filled |= !value.trim().is_empty(),
                other => {
                    if let Some(key) = other.strip_prefix(ANSWER_PREFIX) {
                        // Browsers send CRLF line ends; count and store text with LF only.
                        let value = value.replace("\r\n", "\n");
                        form.raw.entry(key.to_owned()).or_default().push(value);
                    }
                }
            }
        }
        form
    }

    /// The raw values of one question.
    pub fn values(&self, key: &str) -> &[String] {
        self.raw.get(key).map(Vec::as_slice).unwrap_or_default()
    }

    /// The answers in `survey` terms, plus problems found while reading them (a field that cannot even be
    /// read as the question's kind). Empty fields are no answer. Fields of questions this version does not
    /// have are passed on, so validation names them.
    pub fn answers(&self, questionnaire: &Questionnaire) -> (Answers, Vec<ValidationError>) {
        let mut answers = Answers::new();
        let mut problems = Vec::new();
        for (name, values) in &self.raw {
            let values: Vec<&String> = values.iter().filter(|v| !v.trim().is_empty()).collect();
            if values.is_empty() {
                continue;
            }
            let Ok(key) = QuestionKey::parse(name) else {
                problems.push(ValidationError { question: None, problem: Problem::UnknownQuestion });
                continue;
            };
            let kind = questionnaire.question(&key).map(|q| &q.kind);
            match read_answer(kind, &values) {
                Some(answer) => {
                    answers.insert(key, answer);
                }
                None => problems.push(ValidationError { question: Some(key), problem: Problem::WrongKind }),
            }
        }
        (answers, problems)
    }
}

/// One question's values as an answer; `None` when they cannot be read as that kind at all.
fn read_answer(kind: Option<&QuestionKind>, values: &[&String]) -> Option<AnswerValue> {
    let single = || if let [only] = values { Some(only.to_string()) } else { None };
    match kind {
        Some(QuestionKind::Rating { .. }) => {
            let value = single()?;
            if value == NOT_APPLICABLE {
                Some(AnswerValue::NotApplicable)
            } else {
                value.trim().parse::<u8>().ok().map(AnswerValue::Rating)
            }
        }
        Some(QuestionKind::SingleChoice { .. } | QuestionKind::Department) => single().map(AnswerValue::Choice),
        Some(QuestionKind::MultipleChoice { .. }) => {
            Some(AnswerValue::Choices(values.iter().map(|v| v.to_string()).collect()))
        }
        // Unknown questions are carried as text so validation reports them by key.
        Some(QuestionKind::FreeText { .. }) | None => single().map(AnswerValue::Text),
    }
}

#[cfg(test)]
mod tests {
    use survey::default_questionnaire::default_questionnaire;

    use super::*;

    fn key(k: &str) -> QuestionKey {
        QuestionKey::parse(k).unwrap()
    }

    #[test]
    fn reads_every_kind_and_skips_empty_fields() {
        let body = "lang=en&version=1&token=019ac8f2-5a40-7cc1-9a3e-0c2b7d1e4f01&website=\
                    &q_ogolna_ocena=4&q_parking=na&q_plec=kobieta&q_komorka=inna\
                    &q_co_poprawic=Wi%C4%99cej+%C5%82awek%0D%0Aprosz%C4%99&q_inne_uwagi=";
        let form = PostedForm::parse(body.as_bytes());
        assert_eq!(form.lang, Lang::En);
        assert_eq!(form.version, Some(1));
        assert!(form.token.is_some());
        assert!(!form.honeypot_filled);
        let (answers, problems) = form.answers(&default_questionnaire());
        assert_eq!(problems, vec![]);
        assert_eq!(answers[&key("ogolna_ocena")], AnswerValue::Rating(4));
        assert_eq!(answers[&key("parking")], AnswerValue::NotApplicable);
        assert_eq!(answers[&key("plec")], AnswerValue::Choice("kobieta".into()));
        assert_eq!(answers[&key("komorka")], AnswerValue::Choice("inna".into()));
        assert_eq!(answers[&key("co_poprawic")], AnswerValue::Text("Więcej ławek\nproszę".into()));
        assert!(!answers.contains_key(&key("inne_uwagi")));
    }

    #[test]
    fn unreadable_values_become_problems_not_guesses() {
        let form = PostedForm::parse(b"q_ogolna_ocena=abc&q_lokalizacja=300&q_plec=a&q_plec=b&q_BAD=1&q_nowe=5");
        let (answers, problems) = form.answers(&default_questionnaire());
        let keys: Vec<Option<String>> = problems.iter().map(|p| p.question.as_ref().map(|k| k.to_string())).collect();
        assert_eq!(keys, vec![None, Some("lokalizacja".into()), Some("ogolna_ocena".into()), Some("plec".into())]);
        // A key the questionnaire does not have is passed on for validation to name.
        assert_eq!(answers[&key("nowe")], AnswerValue::Text("5".into()));
    }

    #[test]
    fn honeypot_and_bad_hidden_fields() {
        let form = PostedForm::parse(b"website=http%3A%2F%2Fspam&lang=xx&version=abc&token=123");
        assert!(form.honeypot_filled);
        assert_eq!(form.lang, Lang::Pl);
        assert_eq!(form.version, None);
        assert_eq!(form.token, None);
    }
}
