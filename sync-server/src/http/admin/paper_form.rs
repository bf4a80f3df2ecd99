//! Typing in a paper sheet: every question is one short field where the number printed on the sheet is
//! typed (ratings 1–5, 0 for "nie dotyczy"; options by their number; several numbers for a multiple
//! choice), comments are text. This module reads those fields into answers and writes answers back into
//! them (for corrections). The printed questionnaire numbers options the same way.

use survey::questionnaire::OTHER_DEPARTMENT;
use survey::{AnswerValue, Question, QuestionKind, Questionnaire};

/// A field as the admin sees it: the question, what to type, what was typed, what is wrong.
pub struct PaperField {
    /// The section's title, on the first question of each section (as the sheet prints it).
    pub section: Option<String>,
    pub number: usize,
    pub key: String,
    pub text: String,
    pub hint: String,
    pub textarea: bool,
    pub value: String,
    pub error: Option<String>,
}

/// The choices of a question by number, as printed: `(number, option key, label)`.
pub fn numbered_options(q: &Question, departments: &[(String, String)]) -> Vec<(usize, String, String)> {
    let options: Vec<(String, String)> = match &q.kind {
        QuestionKind::SingleChoice { options } | QuestionKind::MultipleChoice { options } => {
            options.iter().map(|o| (o.key.to_string(), o.label.pl.clone())).collect()
        }
        QuestionKind::Department => departments
            .iter()
            .cloned()
            .chain(std::iter::once((OTHER_DEPARTMENT.to_owned(), "Inna".to_owned())))
            .collect(),
        _ => Vec::new(),
    };
    options.into_iter().enumerate().map(|(i, (k, l))| (i + 1, k, l)).collect()
}

fn hint(q: &Question, departments: &[(String, String)]) -> String {
    match &q.kind {
        QuestionKind::Rating { not_applicable: true, .. } => "ocena 1–5; 0 = nie dotyczy".into(),
        QuestionKind::Rating { .. } => "ocena 1–5".into(),
        QuestionKind::FreeText { max_chars } => format!("tekst z arkusza, najwyżej {max_chars} znaków"),
        QuestionKind::MultipleChoice { .. } => {
            let list =
                numbered_options(q, departments).iter().map(|(n, _, l)| format!("{n} = {l}")).collect::<Vec<_>>();
            format!("numery oddzielone spacjami: {}", list.join(", "))
        }
        _ => {
            numbered_options(q, departments).iter().map(|(n, _, l)| format!("{n} = {l}")).collect::<Vec<_>>().join(", ")
        }
    }
}

/// Reads one typed field. Empty is no answer; anything unreadable is an error naming what to type.
pub fn read(q: &Question, departments: &[(String, String)], typed: &str) -> Result<Option<AnswerValue>, String> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Ok(None);
    }
    let option_by_number = |n: &str| -> Result<String, String> {
        let options = numbered_options(q, departments);
        n.parse::<usize>()
            .ok()
            .and_then(|n| options.iter().find(|(i, _, _)| *i == n))
            .map(|(_, key, _)| key.clone())
            .ok_or_else(|| format!("„{n}” nie jest numerem odpowiedzi: wpisz {}", hint(q, departments)))
    };
    match &q.kind {
        QuestionKind::Rating { .. } => match typed {
            "0" | "n" | "N" => Ok(Some(AnswerValue::NotApplicable)),
            _ => typed
                .parse::<u8>()
                .ok()
                .filter(|v| (1..=5).contains(v))
                .map(|v| Some(AnswerValue::Rating(v)))
                // The hint names "ocena" in the nominative; after "wpisz" it takes the accusative.
                .ok_or_else(|| {
                    format!("„{typed}” nie jest oceną: wpisz {}", hint(q, departments).replacen("ocena", "ocenę", 1))
                }),
        },
        QuestionKind::SingleChoice { .. } | QuestionKind::Department => {
            option_by_number(typed).map(|k| Some(AnswerValue::Choice(k)))
        }
        QuestionKind::MultipleChoice { .. } => typed
            .split(|c: char| c.is_whitespace() || c == ',' || c == ';')
            .filter(|p| !p.is_empty())
            .map(option_by_number)
            .collect::<Result<Vec<_>, _>>()
            .map(|keys| Some(AnswerValue::Choices(keys))),
        QuestionKind::FreeText { .. } => Ok(Some(AnswerValue::Text(typed.replace("\r\n", "\n")))),
    }
}

/// Writes an answer back as it would be typed.
pub fn show(q: &Question, departments: &[(String, String)], answer: &AnswerValue) -> String {
    let number_of = |key: &str| {
        numbered_options(q, departments)
            .iter()
            .find(|(_, k, _)| k == key)
            .map_or_else(String::new, |(n, _, _)| n.to_string())
    };
    match answer {
        AnswerValue::Rating(v) => v.to_string(),
        AnswerValue::NotApplicable => "0".into(),
        AnswerValue::Choice(k) => number_of(k),
        AnswerValue::Choices(ks) => ks.iter().map(|k| number_of(k)).collect::<Vec<_>>().join(" "),
        AnswerValue::Text(t) => t.clone(),
    }
}

/// The fields of the whole sheet, in the order of the paper, with typed values and errors.
pub fn fields(
    questionnaire: &Questionnaire,
    departments: &[(String, String)],
    typed: &dyn Fn(&str) -> String,
    error: &dyn Fn(&str) -> Option<String>,
) -> Vec<PaperField> {
    let mut last_section = None;
    questionnaire
        .questions()
        .enumerate()
        .map(|(i, (section, q))| PaperField {
            section: (last_section.replace(&section.key) != Some(&section.key)).then(|| section.title.pl.clone()),
            number: i + 1,
            key: q.key.to_string(),
            text: format!("{}{}", q.text.pl, if q.required { " (wymagane)" } else { "" }),
            hint: hint(q, departments),
            textarea: matches!(q.kind, QuestionKind::FreeText { .. }),
            value: typed(q.key.as_str()),
            error: error(q.key.as_str()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use survey::default_questionnaire::default_questionnaire;

    use super::*;

    fn question(key: &str) -> Question {
        let q = default_questionnaire();
        q.questions().map(|(_, q)| q.clone()).find(|q| q.key.as_str() == key).unwrap()
    }

    #[test]
    fn typed_numbers_become_answers_and_back() {
        let depts = vec![("usc".to_owned(), "USC".to_owned()), ("podatki".to_owned(), "Podatki".to_owned())];
        let cases = [
            ("ogolna_ocena", "4", AnswerValue::Rating(4)),
            ("parking", "0", AnswerValue::NotApplicable),
            ("sprawa_zalatwiona", "3", AnswerValue::Choice("w_toku".into())),
            ("komorka", "2", AnswerValue::Choice("podatki".into())),
            ("komorka", "3", AnswerValue::Choice("inna".into())),
            ("co_poprawic", "Krótsze kolejki", AnswerValue::Text("Krótsze kolejki".into())),
        ];
        for (key, typed, answer) in cases {
            let q = question(key);
            assert_eq!(read(&q, &depts, typed), Ok(Some(answer.clone())), "{key} {typed}");
            assert_eq!(show(&q, &depts, &answer), typed, "{key}");
        }
        assert_eq!(read(&question("ogolna_ocena"), &depts, "  "), Ok(None));
    }

    #[test]
    fn unreadable_fields_say_what_to_type() {
        let q = question("ogolna_ocena");
        assert_eq!(read(&q, &[], "7").unwrap_err(), "„7” nie jest oceną: wpisz ocenę 1–5");
        assert!(read(&question("plec"), &[], "9").unwrap_err().contains("1 = kobieta"));
        assert!(read(&question("lokalizacja"), &[], "x").is_err());
    }
}
