//! Whether a response may be accepted, and if not, exactly which question is wrong and why.
//!
//! Every channel validates with [`validate`]: the web form before storing, the kiosk before committing,
//! the server again when a kiosk's batch arrives (a kiosk may run an old build).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::questionnaire::{OTHER_DEPARTMENT, QuestionKey, QuestionKind, Questionnaire, RATING_MAX, RATING_MIN};
use crate::response::{AnswerValue, Channel, Response};
use crate::text::Lang;

/// Longest device name and paper serial accepted, in characters.
pub const LABEL_MAX_CHARS: usize = 64;

/// What the validator needs to know besides the questionnaire.
#[derive(Debug, Clone, Default)]
pub struct ValidationContext {
    /// Keys of the office's departments that may be chosen now.
    pub departments: BTreeSet<String>,
    /// Question keys that exist in other versions of this office's questionnaire, so that an answer to one
    /// of them is reported as "belongs to another version" instead of "unknown".
    pub keys_in_other_versions: BTreeSet<QuestionKey>,
}

/// One reason a response is refused. `question` is `None` for problems of the response as a whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ValidationError {
    /// The question concerned, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<QuestionKey>,
    /// What is wrong.
    #[serde(flatten)]
    pub problem: Problem,
}

/// What is wrong with an answer or a response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum Problem {
    /// The response claims another questionnaire version than the one it is checked against.
    WrongVersion {
        /// The version it is checked against.
        expected: u32,
        /// The version it claims.
        got: u32,
    },
    /// The id is not a UUIDv7.
    IdNotV7,
    /// A paper serial on a response that did not come from paper.
    SerialOnlyOnPaper,
    /// Device name or paper serial empty or longer than [`LABEL_MAX_CHARS`].
    BadLabel {
        /// The field concerned: `device` or `paper_serial`.
        field: String,
    },
    /// No question with this key exists in any version.
    UnknownQuestion,
    /// The question exists, but only in another version of the questionnaire.
    QuestionOfAnotherVersion,
    /// A required question was not answered.
    RequiredMissing,
    /// A rating outside 1–5.
    OutOfRange {
        /// Lowest allowed.
        min: u8,
        /// Highest allowed.
        max: u8,
        /// What was given.
        got: u8,
    },
    /// "Not applicable" for a question that does not offer it.
    NotApplicableNotAllowed,
    /// The kind of answer does not fit the question (a text for a rating, say).
    WrongKind,
    /// A choice that is not one of the question's options.
    UnknownOption {
        /// The option given.
        option: String,
    },
    /// A multiple choice with nothing chosen, or an option chosen twice.
    BadChoices,
    /// A text answer longer than the question allows.
    TextTooLong {
        /// Longest allowed, in characters.
        max: u32,
        /// Length given, in characters.
        got: u32,
    },
    /// A text answer with nothing but spaces: leave the question out instead.
    EmptyText,
    /// The response names another office than the device sending it belongs to.
    WrongOffice,
    /// The response's channel cannot come through this way (a kiosk sending a web answer).
    WrongChannel,
    /// The item could not be read as a response or a press at all (malformed JSON, a number out of range,
    /// an unknown reason); the rest of its batch is read all the same.
    Unreadable {
        /// What the reader said, for the technician.
        detail: String,
    },
    /// The server could not store this one item (it failed alone; the rest of its batch was stored).
    NotStorable,
    /// A problem this build does not know yet (sent by a newer server): refused all the same.
    #[serde(other)]
    Unrecognised,
}

impl ValidationError {
    fn on(question: &QuestionKey, problem: Problem) -> Self {
        ValidationError { question: Some(question.clone()), problem }
    }

    fn whole(problem: Problem) -> Self {
        ValidationError { question: None, problem }
    }

    /// A sentence for a person, in their language, saying what is wrong and what to do.
    pub fn message(&self, lang: Lang) -> String {
        let (pl, en, uk): (String, String, String) = match &self.problem {
            Problem::WrongVersion { expected, got } => (
                format!(
                    "Ankieta została zmieniona (wersja {got}, obecna {expected}). Prosimy odświeżyć stronę i wypełnić ankietę ponownie."
                ),
                format!(
                    "The questionnaire has changed (version {got}, current {expected}). Reload the page and fill it in again."
                ),
                format!("Анкету змінено (версія {got}, поточна {expected}). Оновіть сторінку та заповніть її ще раз."),
            ),
            Problem::IdNotV7 => (
                "Identyfikator odpowiedzi jest nieprawidłowy.".into(),
                "The response identifier is invalid.".into(),
                "Ідентифікатор відповіді недійсний.".into(),
            ),
            Problem::SerialOnlyOnPaper => (
                "Numer arkusza można podać tylko dla ankiety papierowej.".into(),
                "A sheet number belongs only to a paper questionnaire.".into(),
                "Номер аркуша можна вказати лише для паперової анкети.".into(),
            ),
            Problem::BadLabel { field } => (
                format!("Pole „{field}” musi mieć od 1 do {LABEL_MAX_CHARS} znaków."),
                format!("The field “{field}” must have 1 to {LABEL_MAX_CHARS} characters."),
                format!("Поле «{field}» повинно мати від 1 до {LABEL_MAX_CHARS} символів."),
            ),
            Problem::UnknownQuestion => (
                "Ankieta nie zawiera takiego pytania.".into(),
                "The questionnaire has no such question.".into(),
                "В анкеті немає такого питання.".into(),
            ),
            Problem::QuestionOfAnotherVersion => (
                "To pytanie należy do innej wersji ankiety.".into(),
                "This question belongs to another version of the questionnaire.".into(),
                "Це питання належить до іншої версії анкети.".into(),
            ),
            Problem::RequiredMissing => (
                "Odpowiedź na to pytanie jest wymagana.".into(),
                "An answer to this question is required.".into(),
                "Відповідь на це питання обов’язкова.".into(),
            ),
            Problem::OutOfRange { min, max, got } => (
                format!("Ocena {got} jest poza skalą. Prosimy wybrać ocenę od {min} do {max}."),
                format!("Rating {got} is off the scale. Choose a rating from {min} to {max}."),
                format!("Оцінка {got} поза шкалою. Оберіть оцінку від {min} до {max}."),
            ),
            Problem::NotApplicableNotAllowed => (
                "W tym pytaniu prosimy wybrać jedną z ocen.".into(),
                "Choose one of the ratings for this question.".into(),
                "Оберіть одну з оцінок для цього питання.".into(),
            ),
            Problem::WrongKind => (
                "Ta odpowiedź nie pasuje do pytania.".into(),
                "This answer does not fit the question.".into(),
                "Ця відповідь не відповідає питанню.".into(),
            ),
            Problem::UnknownOption { .. } => (
                "Prosimy wybrać jedną z podanych odpowiedzi.".into(),
                "Choose one of the answers given.".into(),
                "Оберіть одну з наведених відповідей.".into(),
            ),
            Problem::BadChoices => (
                "Prosimy zaznaczyć co najmniej jedną odpowiedź, każdą tylko raz.".into(),
                "Tick at least one answer, each only once.".into(),
                "Позначте принаймні одну відповідь, кожну лише один раз.".into(),
            ),
            Problem::TextTooLong { max, got } => (
                format!("Tekst ma {got} znaków, a można wpisać najwyżej {max}. Prosimy go skrócić."),
                format!("The text has {got} characters; at most {max} are allowed. Please shorten it."),
                format!("Текст містить {got} символів, а дозволено щонайбільше {max}. Будь ласка, скоротіть його."),
            ),
            Problem::EmptyText => (
                "Pole zawiera same spacje. Prosimy wpisać tekst lub zostawić pole puste.".into(),
                "The field holds only spaces. Enter text or leave it empty.".into(),
                "Поле містить лише пробіли. Введіть текст або залиште його порожнім.".into(),
            ),
            Problem::WrongOffice => (
                "Odpowiedź dotyczy innego urzędu niż ten, do którego należy urządzenie.".into(),
                "The response names another office than the device belongs to.".into(),
                "Відповідь стосується іншої установи, ніж та, до якої належить пристрій.".into(),
            ),
            Problem::WrongChannel => (
                "Tym kanałem nie można przesłać odpowiedzi tego rodzaju.".into(),
                "Responses of this kind cannot come through this channel.".into(),
                "Цим каналом не можна надіслати відповідь такого типу.".into(),
            ),
            Problem::Unreadable { detail } => (
                format!("Nie można odczytać tej pozycji: {detail}"),
                format!("This item cannot be read: {detail}"),
                format!("Неможливо прочитати цей запис: {detail}"),
            ),
            Problem::NotStorable => (
                "Serwer nie może zapisać tej odpowiedzi; pozostałe zapisano.".into(),
                "The server cannot store this response; the others were stored.".into(),
                "Сервер не може зберегти цю відповідь; решту збережено.".into(),
            ),
            Problem::Unrecognised => (
                "Serwer odrzucił tę odpowiedź.".into(),
                "The server refused this response.".into(),
                "Сервер відхилив цю відповідь.".into(),
            ),
        };
        match lang {
            Lang::Pl => pl,
            Lang::En => en,
            Lang::Uk => uk,
        }
    }
}

fn bad_label(value: Option<&String>) -> bool {
    value.is_some_and(|v| v.trim().is_empty() || v.chars().count() > LABEL_MAX_CHARS)
}

/// Checks `response` against the questionnaire version it must belong to. Returns every problem found,
/// response-level problems first, then per question in questionnaire order, then unknown keys.
pub fn validate(
    questionnaire: &Questionnaire,
    ctx: &ValidationContext,
    response: &Response,
) -> Result<(), Vec<ValidationError>> {
    let mut errors = Vec::new();
    if response.questionnaire_version != questionnaire.version {
        errors.push(ValidationError::whole(Problem::WrongVersion {
            expected: questionnaire.version,
            got: response.questionnaire_version,
        }));
    }
    if response.id.get_version_num() != 7 {
        errors.push(ValidationError::whole(Problem::IdNotV7));
    }
    if response.paper_serial.is_some() && response.channel != Channel::Paper {
        errors.push(ValidationError::whole(Problem::SerialOnlyOnPaper));
    }
    if bad_label(response.device.as_ref()) {
        errors.push(ValidationError::whole(Problem::BadLabel { field: "device".into() }));
    }
    if bad_label(response.paper_serial.as_ref()) {
        errors.push(ValidationError::whole(Problem::BadLabel { field: "paper_serial".into() }));
    }

    for (_, question) in questionnaire.questions() {
        match response.answers.get(&question.key) {
            None if question.required => errors.push(ValidationError::on(&question.key, Problem::RequiredMissing)),
            None => {}
            Some(answer) => {
                if let Err(problem) = check_answer(&question.kind, ctx, answer) {
                    errors.push(ValidationError::on(&question.key, problem));
                }
            }
        }
    }

    for key in response.answers.keys() {
        if questionnaire.question(key).is_none() {
            let problem = if ctx.keys_in_other_versions.contains(key) {
                Problem::QuestionOfAnotherVersion
            } else {
                Problem::UnknownQuestion
            };
            errors.push(ValidationError::on(key, problem));
        }
    }

    if errors.is_empty() { Ok(()) } else { Err(errors) }
}

fn check_answer(kind: &QuestionKind, ctx: &ValidationContext, answer: &AnswerValue) -> Result<(), Problem> {
    match (kind, answer) {
        (QuestionKind::Rating { .. }, AnswerValue::Rating(v)) => {
            if (RATING_MIN..=RATING_MAX).contains(v) {
                Ok(())
            } else {
                Err(Problem::OutOfRange { min: RATING_MIN, max: RATING_MAX, got: *v })
            }
        }
        (QuestionKind::Rating { not_applicable, .. }, AnswerValue::NotApplicable) => {
            if *not_applicable {
                Ok(())
            } else {
                Err(Problem::NotApplicableNotAllowed)
            }
        }
        (QuestionKind::SingleChoice { options }, AnswerValue::Choice(choice)) => {
            if options.iter().any(|o| o.key.as_str() == choice) {
                Ok(())
            } else {
                Err(Problem::UnknownOption { option: choice.clone() })
            }
        }
        (QuestionKind::MultipleChoice { options }, AnswerValue::Choices(choices)) => {
            let distinct: BTreeSet<&String> = choices.iter().collect();
            if choices.is_empty() || distinct.len() != choices.len() {
                return Err(Problem::BadChoices);
            }
            match choices.iter().find(|c| !options.iter().any(|o| o.key.as_str() == c.as_str())) {
                Some(unknown) => Err(Problem::UnknownOption { option: unknown.clone() }),
                None => Ok(()),
            }
        }
        (QuestionKind::Department, AnswerValue::Choice(choice)) => {
            if choice == OTHER_DEPARTMENT || ctx.departments.contains(choice) {
                Ok(())
            } else {
                Err(Problem::UnknownOption { option: choice.clone() })
            }
        }
        (QuestionKind::FreeText { max_chars }, AnswerValue::Text(text)) => {
            let chars = u32::try_from(text.chars().count()).unwrap_or(u32::MAX);
            if text.trim().is_empty() {
                Err(Problem::EmptyText)
            } else if chars > *max_chars {
                Err(Problem::TextTooLong { max: *max_chars, got: chars })
            } else {
                Ok(())
            }
        }
        _ => Err(Problem::WrongKind),
    }
}

#[cfg(test)]
mod tests {
    use rstest::rstest;

    use super::*;
    use crate::default_questionnaire::{COMMENT_MAX_CHARS, default_questionnaire};

    fn key(k: &str) -> QuestionKey {
        QuestionKey::parse(k).unwrap()
    }

    fn ctx() -> ValidationContext {
        ValidationContext {
            departments: ["usc".to_string(), "podatki".to_string()].into(),
            keys_in_other_versions: [key("stare_pytanie")].into(),
        }
    }

    /// A valid web response answering only the required overall question.
    fn minimal() -> Response {
        let mut r = Response::new("urzad", 1, Channel::Web);
        r.answers.insert(key("ogolna_ocena"), AnswerValue::Rating(4));
        r
    }

    fn with(answers: &[(&str, AnswerValue)]) -> Response {
        let mut r = minimal();
        for (k, v) in answers {
            r.answers.insert(key(k), v.clone());
        }
        r
    }

    fn problems(r: &Response) -> Vec<(Option<String>, Problem)> {
        match validate(&default_questionnaire(), &ctx(), r) {
            Ok(()) => vec![],
            Err(errors) => errors.into_iter().map(|e| (e.question.map(|k| k.to_string()), e.problem)).collect(),
        }
    }

    #[test]
    fn minimal_response_is_valid() {
        assert_eq!(problems(&minimal()), vec![]);
    }

    #[rstest]
    #[case::rating("lokalizacja", AnswerValue::Rating(1))]
    #[case::rating_top("lokalizacja", AnswerValue::Rating(5))]
    #[case::not_applicable("parking", AnswerValue::NotApplicable)]
    #[case::importance("wizerunek_waznosc", AnswerValue::Rating(3))]
    #[case::single_choice("sprawa_zalatwiona", AnswerValue::Choice("w_toku".into()))]
    #[case::department("komorka", AnswerValue::Choice("usc".into()))]
    #[case::other_department("komorka", AnswerValue::Choice("inna".into()))]
    #[case::text("co_poprawic", AnswerValue::Text("Więcej miejsc parkingowych, proszę.".into()))]
    #[case::text_at_limit("inne_uwagi", AnswerValue::Text("ż".repeat(COMMENT_MAX_CHARS as usize)))]
    fn accepts(#[case] k: &str, #[case] v: AnswerValue) {
        assert_eq!(problems(&with(&[(k, v)])), vec![]);
    }

    #[rstest]
    #[case::rating_zero("lokalizacja", AnswerValue::Rating(0), Problem::OutOfRange { min: 1, max: 5, got: 0 })]
    #[case::rating_six("lokalizacja", AnswerValue::Rating(6), Problem::OutOfRange { min: 1, max: 5, got: 6 })]
    #[case::na_on_overall("ogolna_ocena", AnswerValue::NotApplicable, Problem::NotApplicableNotAllowed)]
    #[case::text_for_rating("lokalizacja", AnswerValue::Text("5".into()), Problem::WrongKind)]
    #[case::rating_for_choice("plec", AnswerValue::Rating(1), Problem::WrongKind)]
    #[case::unknown_option("plec", AnswerValue::Choice("inna".into()), Problem::UnknownOption { option: "inna".into() })]
    #[case::unknown_department("komorka", AnswerValue::Choice("kadry".into()), Problem::UnknownOption { option: "kadry".into() })]
    #[case::too_long(
        "co_poprawic",
        AnswerValue::Text("a".repeat(COMMENT_MAX_CHARS as usize + 1)),
        Problem::TextTooLong { max: COMMENT_MAX_CHARS, got: COMMENT_MAX_CHARS + 1 }
    )]
    #[case::blank_text("inne_uwagi", AnswerValue::Text("  \n ".into()), Problem::EmptyText)]
    #[case::unknown_key("nie_ma_takiego", AnswerValue::Rating(3), Problem::UnknownQuestion)]
    #[case::other_version("stare_pytanie", AnswerValue::Rating(3), Problem::QuestionOfAnotherVersion)]
    fn refuses_naming_the_question(#[case] k: &str, #[case] v: AnswerValue, #[case] expected: Problem) {
        assert_eq!(problems(&with(&[(k, v)])), vec![(Some(k.to_string()), expected)]);
    }

    #[test]
    fn required_answer_missing() {
        let mut r = minimal();
        r.answers.clear();
        assert_eq!(problems(&r), vec![(Some("ogolna_ocena".into()), Problem::RequiredMissing)]);
    }

    #[test]
    fn wrong_version_is_a_response_level_problem() {
        let mut r = minimal();
        r.questionnaire_version = 2;
        assert_eq!(problems(&r), vec![(None, Problem::WrongVersion { expected: 1, got: 2 })]);
    }

    #[test]
    fn id_must_be_uuid_v7() {
        let mut r = minimal();
        r.id = uuid::Uuid::nil();
        assert_eq!(problems(&r), vec![(None, Problem::IdNotV7)]);
    }

    #[test]
    fn serial_only_on_paper_and_labels_bounded() {
        let mut r = minimal();
        r.paper_serial = Some("A-0001".into());
        assert_eq!(problems(&r), vec![(None, Problem::SerialOnlyOnPaper)]);
        r.channel = Channel::Paper;
        assert_eq!(problems(&r), vec![]);
        r.paper_serial = Some("x".repeat(LABEL_MAX_CHARS + 1));
        assert_eq!(problems(&r), vec![(None, Problem::BadLabel { field: "paper_serial".into() })]);
        r.paper_serial = None;
        r.device = Some(" ".into());
        assert_eq!(problems(&r), vec![(None, Problem::BadLabel { field: "device".into() })]);
    }

    #[rstest]
    #[case::empty(vec![], Some(Problem::BadChoices))]
    #[case::duplicate(vec!["a", "a"], Some(Problem::BadChoices))]
    #[case::unknown(vec!["a", "z"], Some(Problem::UnknownOption { option: "z".into() }))]
    #[case::fine(vec!["b", "a"], None)]
    fn multiple_choice(#[case] chosen: Vec<&str>, #[case] expected: Option<Problem>) {
        let options = ["a", "b", "c"]
            .iter()
            .map(|k| crate::ChoiceOption { key: key(k), label: crate::LocalizedText::new(k, k, k) })
            .collect();
        let kind = QuestionKind::MultipleChoice { options };
        let answer = AnswerValue::Choices(chosen.into_iter().map(String::from).collect());
        assert_eq!(check_answer(&kind, &ctx(), &answer).err(), expected);
    }

    #[test]
    fn every_problem_is_reported_not_only_the_first() {
        let mut r = with(&[("lokalizacja", AnswerValue::Rating(9)), ("xyz", AnswerValue::Rating(1))]);
        r.answers.remove(&key("ogolna_ocena"));
        let keys: Vec<Option<String>> = problems(&r).into_iter().map(|(k, _)| k).collect();
        assert_eq!(keys, vec![Some("lokalizacja".into()), Some("ogolna_ocena".into()), Some("xyz".into())]);
    }

    #[test]
    fn messages_exist_in_every_language_and_differ() {
        let e = ValidationError::on(&key("lokalizacja"), Problem::OutOfRange { min: 1, max: 5, got: 7 });
        assert_eq!(e.message(Lang::Pl), "Ocena 7 jest poza skalą. Prosimy wybrać ocenę od 1 do 5.");
        assert!(e.message(Lang::En).contains("off the scale"));
        assert!(e.message(Lang::Uk).contains("поза шкалою"));
    }

    #[test]
    fn errors_serialize_as_structured_json() {
        let e = ValidationError::on(&key("co_poprawic"), Problem::TextTooLong { max: 2000, got: 2001 });
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            r#"{"question":"co_poprawic","problem":"text_too_long","max":2000,"got":2001}"#
        );
    }
}
