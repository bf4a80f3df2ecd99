//! What the kiosk asks and in which order, and what it stores: a state machine that knows no widgets and
//! no SQL. The UI shows [`Flow::screen`] and reports taps; the storage thread stores what [`Flow`] returns.

use survey::questionnaire::OTHER_DEPARTMENT;
use survey::wire::QuestionnairePackage;
use survey::{AnswerValue, Answers, Channel, Lang, QuestionKey, QuestionKind, Response};

use crate::config::{Config, Mode, Partial};

/// One tappable choice on a question screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// The answer value as stored: `"1"`…`"5"`, `"na"`, or an option key.
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// What the screen shows now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Screen {
    /// The faces of the overall question.
    Start { question: String, faces: Vec<Choice> },
    /// A question with choices; `multiple` needs "Dalej" to go on.
    Question { text: String, choices: Vec<Choice>, multiple: bool, progress: String, can_go_back: bool },
    /// "Dziękujemy".
    Thanks,
}

/// The questionnaire in progress.
pub struct Flow {
    config: Config,
    package: QuestionnairePackage,
    office: String,
    device: String,
    lang: Lang,
    /// The questions asked after the start screen, by key.
    steps: Vec<QuestionKey>,
    /// Where we are: `None` on the start screen, `Some(i)` on `steps[i]`, `Some(steps.len())` at the end.
    at: Option<usize>,
    answers: Answers,
    thanks: bool,
}

/// The faces shown for 4 or 5 faces: ratings on the one 1–5 scale (4 faces leave out the neutral 3).
pub fn face_ratings(faces: u8) -> &'static [u8] {
    if faces == 4 { &[1, 2, 4, 5] } else { &[1, 2, 3, 4, 5] }
}

impl Flow {
    /// A flow over the office's current questionnaire.
    pub fn new(config: Config, package: QuestionnairePackage, office: &str, device: &str) -> Flow {
        let q = &package.questionnaire;
        // Free-text questions need a keyboard: a counter kiosk does not ask them.
        let askable =
            |key: &QuestionKey| q.question(key).is_some_and(|x| !matches!(x.kind, QuestionKind::FreeText { .. }));
        let steps: Vec<QuestionKey> = match config.mode {
            Mode::Smiley => {
                config.follow_ups.iter().filter_map(|k| QuestionKey::parse(k).ok()).filter(|k| askable(k)).collect()
            }
            // The overall rating first: whatever is left unanswered, every stored answer has it.
            Mode::Full => {
                q.questions().map(|(_, x)| x.key.clone()).filter(|k| *k != q.overall_question && askable(k)).collect()
            }
        };
        Flow {
            config,
            package,
            office: office.to_owned(),
            device: device.to_owned(),
            lang: Lang::Pl,
            steps,
            at: None,
            answers: Answers::new(),
            thanks: false,
        }
    }

    /// Takes a newer questionnaire (fetched by the sync) for the next visitor. Only between visitors:
    /// a questionnaire in progress keeps the version it started with.
    pub fn update_package(&mut self, package: QuestionnairePackage) {
        if self.in_progress() || package == self.package {
            return;
        }
        *self = Flow::new(self.config.clone(), package, &self.office, &self.device);
    }

    /// The language of the texts.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// Switches the language of the texts (the answers stay).
    pub fn set_lang(&mut self, lang: Lang) {
        self.lang = lang;
    }

    /// The office's name.
    pub fn office_name(&self) -> &str {
        &self.package.office_name
    }

    /// Whether a questionnaire is in progress (something answered, not yet finished).
    pub fn in_progress(&self) -> bool {
        !self.answers.is_empty() && !self.thanks
    }

    fn rating_label(&self, n: u8) -> String {
        let labels = &self.package.questionnaire.rating_labels;
        labels
            .get(usize::from(n.saturating_sub(1)))
            .map_or_else(|| n.to_string(), |l| format!("{n} – {}", l.get(self.lang)))
    }

    fn choices(&self, key: &QuestionKey) -> (Vec<Choice>, bool) {
        let q = &self.package.questionnaire;
        let Some(question) = q.question(key) else { return (Vec::new(), false) };
        let given = self.answers.get(key);
        let selected = |value: &str| match given {
            Some(AnswerValue::Rating(n)) => n.to_string() == value,
            Some(AnswerValue::NotApplicable) => value == "na",
            Some(AnswerValue::Choice(c)) => c == value,
            Some(AnswerValue::Choices(cs)) => cs.iter().any(|c| c == value),
            _ => false,
        };
        let choice = |value: &str, label: String| Choice { value: value.to_owned(), label, selected: selected(value) };
        match &question.kind {
            QuestionKind::Rating { not_applicable, .. } => {
                let mut list: Vec<Choice> = (1..=5).map(|n| choice(&n.to_string(), self.rating_label(n))).collect();
                if *not_applicable {
                    list.push(choice("na", q.not_applicable_label.get(self.lang).to_owned()));
                }
                (list, false)
            }
            QuestionKind::SingleChoice { options } => {
                (options.iter().map(|o| choice(o.key.as_str(), o.label.get(self.lang).to_owned())).collect(), false)
            }
            QuestionKind::MultipleChoice { options } => {
                (options.iter().map(|o| choice(o.key.as_str(), o.label.get(self.lang).to_owned())).collect(), true)
            }
            QuestionKind::Department => {
                let other = match self.lang {
                    Lang::Pl => "Inna",
                    Lang::En => "Other",
                    Lang::Uk => "Інший",
                };
                let mut list: Vec<Choice> =
                    self.package.departments.iter().map(|(k, name)| choice(k, name.clone())).collect();
                list.push(choice(OTHER_DEPARTMENT, other.to_owned()));
                (list, false)
            }
            QuestionKind::FreeText { .. } => (Vec::new(), false),
        }
    }

    /// What to show now.
    pub fn screen(&self) -> Screen {
        if self.thanks {
            return Screen::Thanks;
        }
        let q = &self.package.questionnaire;
        match self.at {
            Some(i) if i < self.steps.len() => {
                let key = &self.steps[i];
                let (choices, multiple) = self.choices(key);
                Screen::Question {
                    text: q.question(key).map(|x| x.text.get(self.lang).to_owned()).unwrap_or_default(),
                    choices,
                    multiple,
                    progress: format!("{} / {}", i + 2, self.steps.len() + 1),
                    can_go_back: true,
                }
            }
            _ => Screen::Start {
                question: q.overall().map(|x| x.text.get(self.lang).to_owned()).unwrap_or_default(),
                faces: face_ratings(self.config.faces)
                    .iter()
                    .map(|n| Choice { value: n.to_string(), label: self.rating_label(*n), selected: false })
                    .collect(),
            },
        }
    }

    /// A face tapped on the start screen: the overall rating. Returns the response to store when that was
    /// the last question.
    pub fn tap_face(&mut self, rating: u8) -> Option<Response> {
        if self.at.is_some() || self.thanks || !face_ratings(self.config.faces).contains(&rating) {
            return None;
        }
        self.answers.insert(self.package.questionnaire.overall_question.clone(), AnswerValue::Rating(rating));
        self.advance(0)
    }

    /// Whether panel button `button` (from 1) is one of the configured faces.
    pub fn has_button(&self, button: u8) -> bool {
        usize::from(button).checked_sub(1).is_some_and(|i| i < face_ratings(self.config.faces).len())
    }

    /// Someone is answering on the screen (past the faces).
    pub fn answering(&self) -> bool {
        self.at.is_some()
    }

    /// Someone is answering on the screen, or the thank-you is showing.
    pub fn busy(&self) -> bool {
        self.at.is_some() || self.thanks
    }

    /// A press of button `button` (from 1) of the physical panel: the overall rating, like a face, but
    /// from the buttons channel and without follow-ups. Only on the start screen; `None` otherwise or for a
    /// button the configured number of faces does not have.
    pub fn press_button(&mut self, button: u8) -> Option<Response> {
        if self.at.is_some() || self.thanks {
            return None;
        }
        let rating = *face_ratings(self.config.faces).get(usize::from(button).checked_sub(1)?)?;
        self.answers.insert(self.package.questionnaire.overall_question.clone(), AnswerValue::Rating(rating));
        self.thanks = true;
        let mut response = self.response();
        response.channel = Channel::KioskButtons;
        Some(response)
    }

    /// A choice tapped on a question screen. Single choices go on at once; multiple ones toggle.
    pub fn choose(&mut self, value: &str) -> Option<Response> {
        let i = self.at.filter(|i| *i < self.steps.len())?;
        let key = self.steps[i].clone();
        let (_, multiple) = self.choices(&key);
        let kind = self.package.questionnaire.question(&key).map(|q| q.kind.clone());
        if multiple {
            let mut chosen = match self.answers.remove(&key) {
                Some(AnswerValue::Choices(cs)) => cs,
                _ => Vec::new(),
            };
            match chosen.iter().position(|c| c == value) {
                Some(p) => {
                    chosen.remove(p);
                }
                None => chosen.push(value.to_owned()),
            }
            if !chosen.is_empty() {
                self.answers.insert(key, AnswerValue::Choices(chosen));
            }
            return None;
        }
        let answer = match kind {
            Some(QuestionKind::Rating { .. }) if value == "na" => AnswerValue::NotApplicable,
            Some(QuestionKind::Rating { .. }) => AnswerValue::Rating(value.parse().ok()?),
            _ => AnswerValue::Choice(value.to_owned()),
        };
        self.answers.insert(key, answer);
        self.advance(i + 1)
    }

    /// "Dalej" / "Pomijam pytanie": on without (another) answer.
    pub fn skip(&mut self) -> Option<Response> {
        let i = self.at.filter(|i| *i < self.steps.len())?;
        self.advance(i + 1)
    }

    /// "Wstecz".
    pub fn back(&mut self) {
        self.at = match self.at {
            Some(0) | None => None,
            Some(i) => Some(i - 1),
        };
        if self.at.is_none() {
            // Back on the faces: the overall rating is asked again.
            self.answers.remove(&self.package.questionnaire.overall_question);
        }
    }

    fn advance(&mut self, next: usize) -> Option<Response> {
        if next < self.steps.len() {
            self.at = Some(next);
            None
        } else {
            self.thanks = true;
            self.at = None;
            Some(self.response())
        }
    }

    fn response(&self) -> Response {
        let mut r = Response::new(&self.office, self.package.questionnaire.version, Channel::KioskTouch);
        r.device = Some(self.device.clone());
        r.answers = self.answers.clone();
        r.clock = crate::clock::now();
        r
    }

    /// No touch for a while: back to the start in Polish. A questionnaire left in the middle is returned
    /// for storing when the configuration says so (it always has the overall rating, asked first).
    pub fn idle(&mut self) -> Option<Response> {
        let partial = (self.in_progress() && self.config.partial == Partial::Save).then(|| self.response());
        self.reset();
        partial
    }

    /// Back to the start screen, in Polish, with nothing answered.
    pub fn reset(&mut self) {
        self.answers.clear();
        self.at = None;
        self.thanks = false;
        self.lang = Lang::Pl;
    }
}

#[cfg(test)]
mod tests {
    use survey::default_questionnaire::default_questionnaire;

    use super::*;

    fn package() -> QuestionnairePackage {
        QuestionnairePackage {
            wire_version: 1,
            office_name: "Urząd Gminy Testowo".into(),
            questionnaire: default_questionnaire(),
            departments: vec![("usc".into(), "Urząd Stanu Cywilnego".into())],
        }
    }

    fn flow(config: Config) -> Flow {
        Flow::new(config, package(), "urzad", "parter")
    }

    fn key(k: &str) -> QuestionKey {
        QuestionKey::parse(k).unwrap()
    }

    #[test]
    fn smiley_mode_asks_the_faces_then_two_follow_ups() {
        let mut f = flow(Config::default());
        let Screen::Start { question, faces } = f.screen() else { panic!() };
        assert_eq!(question, "Jak ogólnie ocenia Pan/Pani obsługę w Urzędzie?");
        assert_eq!(faces.iter().map(|c| c.value.as_str()).collect::<Vec<_>>(), ["1", "2", "3", "4", "5"]);
        assert_eq!(f.tap_face(4), None);
        let Screen::Question { text, choices, .. } = f.screen() else { panic!() };
        assert_eq!(text, "W której komórce Urzędu załatwiał(a) Pan/Pani sprawę?");
        assert_eq!(choices.iter().map(|c| c.label.as_str()).collect::<Vec<_>>(), ["Urząd Stanu Cywilnego", "Inna"]);
        assert_eq!(f.choose("usc"), None);
        let response = f.choose("tak").expect("the last follow-up finishes");
        assert_eq!(f.screen(), Screen::Thanks);
        assert_eq!(response.channel, Channel::KioskTouch);
        assert_eq!(response.device.as_deref(), Some("parter"));
        assert_eq!(response.answers[&key("ogolna_ocena")], AnswerValue::Rating(4));
        assert_eq!(response.answers[&key("komorka")], AnswerValue::Choice("usc".into()));
        assert_eq!(response.answers[&key("sprawa_zalatwiona")], AnswerValue::Choice("tak".into()));
        assert!(response.clock.is_some());
        let ctx =
            survey::validation::ValidationContext { departments: ["usc".to_string()].into(), ..Default::default() };
        assert_eq!(survey::validation::validate(&default_questionnaire(), &ctx, &response), Ok(()));
    }

    #[test]
    fn four_faces_mean_one_two_four_five() {
        let mut f = flow(Config { faces: 4, follow_ups: vec![], ..Config::default() });
        let Screen::Start { faces, .. } = f.screen() else { panic!() };
        assert_eq!(faces.iter().map(|c| c.value.as_str()).collect::<Vec<_>>(), ["1", "2", "4", "5"]);
        assert_eq!(f.tap_face(3), None, "no neutral face with four faces");
        let r = f.tap_face(2).expect("no follow-ups: the face finishes");
        assert_eq!(r.answers.len(), 1);
    }

    #[test]
    fn full_mode_asks_the_overall_rating_first_then_every_question_but_free_text() {
        let mut f = flow(Config { mode: Mode::Full, ..Config::default() });
        f.tap_face(5);
        let Screen::Question { progress, can_go_back, .. } = f.screen() else { panic!() };
        // 40 questions, less the overall rating and the two comments: 37 steps after the faces.
        assert_eq!(progress, "2 / 38");
        assert!(can_go_back);
        f.choose("inna");
        f.back();
        assert!(matches!(f.screen(), Screen::Question { .. }));
        let mut stored = None;
        for _ in 0..40 {
            if let Some(r) = f.skip() {
                stored = Some(r);
                break;
            }
        }
        let r = stored.expect("skipping to the end finishes");
        assert_eq!(r.answers[&key("komorka")], AnswerValue::Choice("inna".into()));
    }

    #[test]
    fn idle_saves_or_drops_the_part_answered_and_returns_to_polish() {
        let mut f = flow(Config::default());
        f.set_lang(Lang::Uk);
        f.tap_face(2);
        let partial = f.idle().expect("the default saves the part answered");
        assert_eq!(partial.answers.len(), 1);
        assert_eq!(f.lang(), Lang::Pl);
        assert!(matches!(f.screen(), Screen::Start { .. }));
        assert_eq!(f.idle(), None, "nothing answered, nothing saved");

        let mut f = flow(Config { partial: Partial::Drop, ..Config::default() });
        f.tap_face(2);
        assert_eq!(f.idle(), None);
    }

    #[test]
    fn a_new_questionnaire_waits_for_the_next_visitor() {
        let mut f = flow(Config::default());
        let mut newer = package();
        newer.questionnaire.version = 2;
        newer.office_name = "Urząd Gminy Nowa Nazwa".into();
        f.tap_face(3);
        f.update_package(newer.clone());
        let r = {
            f.choose("inna");
            f.choose("tak").unwrap()
        };
        assert_eq!(r.questionnaire_version, 1, "the visitor finishes the version they started");
        f.reset();
        f.update_package(newer);
        assert_eq!(f.office_name(), "Urząd Gminy Nowa Nazwa");
        f.tap_face(5);
        f.choose("inna");
        assert_eq!(f.choose("tak").unwrap().questionnaire_version, 2);
    }

    #[test]
    fn a_panel_button_answers_the_overall_question_from_the_buttons_channel() {
        let mut f = flow(Config { faces: 4, ..Config::default() });
        let r = f.press_button(3).unwrap();
        assert_eq!(r.channel, Channel::KioskButtons);
        assert_eq!(r.answers.len(), 1);
        assert_eq!(r.answers[&key("ogolna_ocena")], AnswerValue::Rating(4), "with four buttons the third is 4");
        assert_eq!(f.screen(), Screen::Thanks);
        f.reset();
        assert_eq!(f.press_button(5), None, "no fifth button on a four-button panel");
        f.tap_face(2);
        assert_eq!(f.press_button(1), None, "not in the middle of a questionnaire");
    }

    #[test]
    fn texts_follow_the_language() {
        let mut f = flow(Config::default());
        f.set_lang(Lang::En);
        let Screen::Start { question, faces } = f.screen() else { panic!() };
        assert_eq!(question, "Overall, how do you rate the service at the office?");
        assert_eq!(faces[4].label, "5 – very good");
    }
}
