//! Editing a draft questionnaire: add, remove, reorder and reword sections and questions, options and the
//! rating scale's labels. Every operation leaves a well-formed questionnaire ([`Questionnaire::check`]) or
//! fails with a Polish message and changes nothing. Publishing (a new immutable version) is the server's.

use crate::questionnaire::{ChoiceOption, Question, QuestionKey, QuestionKind, Questionnaire, Section};
use crate::text::LocalizedText;

/// Why an edit was refused; the message is for the admin.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct EditError(pub String);

fn refuse<T>(message: impl Into<String>) -> Result<T, EditError> {
    Err(EditError(message.into()))
}

/// Which way to move an element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Towards the beginning.
    Up,
    /// Towards the end.
    Down,
}

/// One change to a draft.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// A new, empty section at the end.
    AddSection { key: QuestionKey, title: LocalizedText },
    /// New title and instruction of a section.
    RewordSection { key: QuestionKey, title: LocalizedText, intro: Option<LocalizedText> },
    /// Remove a section and its questions (not the one holding the overall rating).
    RemoveSection { key: QuestionKey },
    /// Move a section one place.
    MoveSection { key: QuestionKey, direction: Direction },
    /// A new question at the end of a section.
    AddQuestion { section: QuestionKey, question: Question },
    /// New wording, requiredness and options of a question; its key and kind stay.
    RewordQuestion { key: QuestionKey, text: LocalizedText, required: bool, options: Option<Vec<ChoiceOption>> },
    /// Remove a question (not the overall rating).
    RemoveQuestion { key: QuestionKey },
    /// Move a question one place within its section, or into the neighbouring section at its edge.
    MoveQuestion { key: QuestionKey, direction: Direction },
    /// New labels of ratings 1–5 and of "not applicable".
    RelabelScale { labels: Box<[LocalizedText; 5]>, not_applicable: LocalizedText },
}

impl Edit {
    /// A short Polish description for the audit log.
    pub fn describe(&self) -> String {
        match self {
            Edit::AddSection { key, .. } => format!("dodanie sekcji {key}"),
            Edit::RewordSection { key, .. } => format!("zmiana sekcji {key}"),
            Edit::RemoveSection { key } => format!("usunięcie sekcji {key}"),
            Edit::MoveSection { key, .. } => format!("przesunięcie sekcji {key}"),
            Edit::AddQuestion { question, .. } => format!("dodanie pytania {}", question.key),
            Edit::RewordQuestion { key, .. } => format!("zmiana pytania {key}"),
            Edit::RemoveQuestion { key } => format!("usunięcie pytania {key}"),
            Edit::MoveQuestion { key, .. } => format!("przesunięcie pytania {key}"),
            Edit::RelabelScale { .. } => "zmiana opisów skali ocen".into(),
        }
    }
}

fn position<T>(items: &[T], found: impl Fn(&T) -> bool, what: &str) -> Result<usize, EditError> {
    items.iter().position(found).map_or_else(|| refuse(format!("nie ma {what}")), Ok)
}

fn locate(q: &Questionnaire, key: &QuestionKey) -> Result<(usize, usize), EditError> {
    for (si, s) in q.sections.iter().enumerate() {
        if let Some(qi) = s.questions.iter().position(|x| &x.key == key) {
            return Ok((si, qi));
        }
    }
    refuse(format!("nie ma pytania „{key}”"))
}

fn key_taken(q: &Questionnaire, key: &QuestionKey) -> bool {
    q.sections.iter().any(|s| &s.key == key || s.questions.iter().any(|x| &x.key == key))
}

/// Applies `edit` to a copy of `draft`; the draft itself changes only if the result is well formed.
pub fn apply(draft: &Questionnaire, edit: Edit) -> Result<Questionnaire, EditError> {
    let mut q = draft.clone();
    match edit {
        Edit::AddSection { key, title } => {
            if key_taken(&q, &key) {
                return refuse(format!("klucz „{key}” jest już użyty"));
            }
            q.sections.push(Section { key, title, intro: None, questions: Vec::new() });
        }
        Edit::RewordSection { key, title, intro } => {
            let i = position(&q.sections, |s| s.key == key, &format!("sekcji „{key}”"))?;
            q.sections[i].title = title;
            q.sections[i].intro = intro;
        }
        Edit::RemoveSection { key } => {
            let i = position(&q.sections, |s| s.key == key, &format!("sekcji „{key}”"))?;
            if q.sections[i].questions.iter().any(|x| x.key == q.overall_question) {
                return refuse("tej sekcji nie można usunąć: zawiera pytanie o ogólną ocenę, zadawane w każdym kanale");
            }
            q.sections.remove(i);
        }
        Edit::MoveSection { key, direction } => {
            let i = position(&q.sections, |s| s.key == key, &format!("sekcji „{key}”"))?;
            match direction {
                Direction::Up if i > 0 => q.sections.swap(i, i - 1),
                Direction::Down if i + 1 < q.sections.len() => q.sections.swap(i, i + 1),
                _ => {}
            }
        }
        Edit::AddQuestion { section, question } => {
            if key_taken(&q, &question.key) {
                return refuse(format!("klucz „{}” jest już użyty", question.key));
            }
            let i = position(&q.sections, |s| s.key == section, &format!("sekcji „{section}”"))?;
            q.sections[i].questions.push(question);
        }
        Edit::RewordQuestion { key, text, required, options } => {
            let (si, qi) = locate(&q, &key)?;
            let question = &mut q.sections[si].questions[qi];
            question.text = text;
            question.required = required;
            if let Some(new_options) = options {
                match &mut question.kind {
                    QuestionKind::SingleChoice { options } | QuestionKind::MultipleChoice { options } => {
                        *options = new_options
                    }
                    _ => return refuse(format!("pytanie „{key}” nie ma odpowiedzi do wyboru")),
                }
            }
        }
        Edit::RemoveQuestion { key } => {
            if key == q.overall_question {
                return refuse("pytania o ogólną ocenę nie można usunąć: zadają je wszystkie kanały, także kiosk");
            }
            let (si, qi) = locate(&q, &key)?;
            q.sections[si].questions.remove(qi);
        }
        Edit::MoveQuestion { key, direction } => {
            let (si, qi) = locate(&q, &key)?;
            let len = q.sections[si].questions.len();
            match direction {
                Direction::Up if qi > 0 => q.sections[si].questions.swap(qi, qi - 1),
                Direction::Up if si > 0 => {
                    let moved = q.sections[si].questions.remove(qi);
                    q.sections[si - 1].questions.push(moved);
                }
                Direction::Down if qi + 1 < len => q.sections[si].questions.swap(qi, qi + 1),
                Direction::Down if si + 1 < q.sections.len() => {
                    let moved = q.sections[si].questions.remove(qi);
                    q.sections[si + 1].questions.insert(0, moved);
                }
                _ => {}
            }
        }
        Edit::RelabelScale { labels, not_applicable } => {
            q.rating_labels = *labels;
            q.not_applicable_label = not_applicable;
        }
    }
    q.check().map_err(|problems| EditError(problems.join("; ")))?;
    Ok(q)
}

/// Reads choice options written one per line as `key | polski | English | українська` (the translations
/// may be left out). Blank lines are skipped.
pub fn parse_options(text: &str) -> Result<Vec<ChoiceOption>, EditError> {
    let mut options = Vec::new();
    for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let parts: Vec<&str> = line.split('|').map(str::trim).collect();
        let (Some(key), Some(pl)) = (parts.first(), parts.get(1)) else {
            return refuse(format!("wiersz {}: zapisz odpowiedź jako „klucz | polski | English | українська”", n + 1));
        };
        let key = QuestionKey::parse(key).map_err(|e| EditError(format!("wiersz {}: {e}", n + 1)))?;
        if pl.is_empty() {
            return refuse(format!("wiersz {}: brak treści po polsku", n + 1));
        }
        let label = LocalizedText::new(pl, parts.get(2).unwrap_or(&""), parts.get(3).unwrap_or(&""));
        options.push(ChoiceOption { key, label });
    }
    if options.is_empty() {
        return refuse("podaj co najmniej jedną odpowiedź do wyboru");
    }
    Ok(options)
}

/// Writes options in the form [`parse_options`] reads.
pub fn format_options(options: &[ChoiceOption]) -> String {
    options
        .iter()
        .map(|o| format!("{} | {} | {} | {}", o.key, o.label.pl, o.label.en, o.label.uk))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::default_questionnaire::default_questionnaire;
    use crate::questionnaire::RatingPurpose;

    fn key(k: &str) -> QuestionKey {
        QuestionKey::parse(k).unwrap()
    }

    fn keys(q: &Questionnaire, section: usize) -> Vec<&str> {
        q.sections[section].questions.iter().map(|x| x.key.as_str()).collect()
    }

    #[test]
    fn add_reword_move_and_remove_a_question() {
        let q = default_questionnaire();
        let question = Question {
            key: key("kolejka"),
            text: LocalizedText::new("Czy kolejka była krótka?", "", ""),
            required: false,
            kind: QuestionKind::Rating { not_applicable: true, purpose: RatingPurpose::Satisfaction },
        };
        let q = apply(&q, Edit::AddQuestion { section: key("terminowosc"), question }).unwrap();
        let terminowosc = q.sections.iter().position(|s| s.key.as_str() == "terminowosc").unwrap();
        assert_eq!(keys(&q, terminowosc).last(), Some(&"kolejka"));

        let q = apply(&q, Edit::MoveQuestion { key: key("kolejka"), direction: Direction::Up }).unwrap();
        assert_eq!(keys(&q, terminowosc)[3..], ["dotrzymanie_terminu", "kolejka", "terminowosc_waznosc"]);

        let text = LocalizedText::new("Czy czekał(a) Pan/Pani krótko?", "Was the wait short?", "");
        let q =
            apply(&q, Edit::RewordQuestion { key: key("kolejka"), text: text.clone(), required: true, options: None })
                .unwrap();
        assert_eq!(q.question(&key("kolejka")).map(|x| &x.text), Some(&text));

        let q = apply(&q, Edit::RemoveQuestion { key: key("kolejka") }).unwrap();
        assert!(q.question(&key("kolejka")).is_none());
    }

    #[test]
    fn moving_past_the_edge_of_a_section_enters_the_next() {
        let q = default_questionnaire();
        let q = apply(&q, Edit::MoveQuestion { key: key("wlasciwy_pracownik"), direction: Direction::Down }).unwrap();
        assert_eq!(keys(&q, 1)[0], "wlasciwy_pracownik");
        // At the very top nothing moves.
        let top = apply(&q, Edit::MoveQuestion { key: key("komorka"), direction: Direction::Up }).unwrap();
        assert_eq!(top, q);
    }

    #[test]
    fn refusals_change_nothing() {
        let q = default_questionnaire();
        let cases = [
            Edit::RemoveQuestion { key: key("ogolna_ocena") },
            Edit::RemoveSection { key: key("ogolna") },
            Edit::AddSection { key: key("wiedza"), title: LocalizedText::new("X", "", "") },
            Edit::RemoveQuestion { key: key("nie_ma") },
            Edit::RewordQuestion {
                key: key("lokalizacja"),
                text: LocalizedText::new("Lokalizacja", "", ""),
                required: false,
                options: Some(vec![]),
            },
            Edit::RewordQuestion {
                key: key("plec"),
                text: LocalizedText::new("   ", "", ""),
                required: false,
                options: None,
            },
        ];
        for edit in cases {
            assert!(apply(&q, edit.clone()).is_err(), "{edit:?} was accepted");
        }
    }

    #[test]
    fn options_round_trip_through_text() {
        let text = "tak | tak | yes | так\nnie | nie\n\n w_toku | sprawa w toku | | ";
        let options = parse_options(text).unwrap();
        assert_eq!(options.len(), 3);
        assert_eq!(options[1].label.en, "");
        assert_eq!(parse_options(&format_options(&options)).unwrap(), options);
        assert!(parse_options("Tak | tak").is_err());
        assert!(parse_options("tak |  ").is_err());
        assert!(parse_options("\n").is_err());
    }
}
