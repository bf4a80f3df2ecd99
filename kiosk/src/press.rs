//! The press of a panel button, written once for both kiosks (the touchscreen with a panel, `ui.rs`, and
//! the buttons-only one, `headless.rs`): [`PressPath::decide`] runs the anti-mashing filter and the flow
//! and says what the press came to; [`keep`] commits it to the kiosk's database and only then gives the
//! panel's feedback (the thank-you LED, or a line on stdout for the simulated panel). Filtered presses are
//! recorded with their reason and reported, never dropped.

use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDateTime, Utc};
use survey::Response;
use survey::wire::FilteredPress;

use crate::config::Config;
use crate::filter::{OpenSpan, PressFilter, parse_hours};
use crate::flow::Flow;
use crate::panel::Feedback;
use crate::store::{Store, StoreError};

/// One press as it arrived: the button (from 1) and the clocks at that moment.
#[derive(Debug, Clone, Copy)]
pub struct Press {
    pub button: u8,
    /// The monotonic clock, for the gaps between presses.
    pub at: Instant,
    /// The office's wall clock, for the opening hours.
    pub local: NaiveDateTime,
    /// When it was captured, as reported with a filtered press.
    pub utc: DateTime<Utc>,
}

impl Press {
    /// A press of `button` now.
    pub fn now(button: u8) -> Press {
        Press { button, at: Instant::now(), local: chrono::Local::now().naive_local(), utc: Utc::now() }
    }
}

/// What a press came to.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// Counted: the answer to commit; the panel thanks once it is on disk.
    Answer(Response),
    /// Not counted, with its reason: recorded and reported beside the answers.
    Filtered(FilteredPress),
    /// Not a press the kiosk can take as an answer, and not one the filter judged: a button beyond the
    /// configured faces, or a press while someone is answering on the touchscreen. Logged only.
    Ignored(&'static str),
}

/// The filter between the panel and the flow.
pub struct PressPath {
    filter: PressFilter,
}

impl PressPath {
    /// The path with the configuration's filter (gap between presses, presses a minute, opening hours).
    pub fn new(config: &Config) -> Result<PressPath, String> {
        Ok(PressPath::with_hours(config, parse_hours(&config.opening_hours)?))
    }

    /// The path with the configuration's gap and presses a minute, and these opening hours.
    pub fn with_hours(config: &Config, hours: Vec<OpenSpan>) -> PressPath {
        PressPath {
            filter: PressFilter::new(
                Duration::from_secs(config.press_interval_seconds),
                config.burst_per_minute,
                hours,
            ),
        }
    }

    /// Filter, then flow. A button beyond the faces, or a press while someone answers on the screen, is
    /// ignored before the filter sees it, so that it does not count as the last press of a mash.
    pub fn decide(&mut self, flow: &mut Flow, press: Press) -> Decision {
        if !flow.has_button(press.button) {
            return Decision::Ignored("przycisk spoza skonfigurowanej liczby buziek");
        }
        if flow.answering() {
            return Decision::Ignored("naciśnięcie przycisku w trakcie ankiety na ekranie");
        }
        match self.filter.decide(press.at, press.local) {
            Ok(()) => match flow.press_button(press.button) {
                Some(response) => Decision::Answer(response),
                None => Decision::Ignored("naciśnięcie przycisku w czasie podziękowania"),
            },
            Err(reason) => Decision::Filtered(FilteredPress {
                id: uuid::Uuid::now_v7(),
                captured_at: press.utc,
                button: press.button,
                reason,
            }),
        }
    }
}

/// Commits what a press came to, then gives `feedback` (when there is a panel to give it): the thank-you
/// only for an answer on disk. An ignored press is logged. A failed commit is returned and not thanked.
pub fn keep(store: &Store, decision: &Decision, feedback: Option<&dyn Feedback>) -> Result<(), StoreError> {
    match decision {
        Decision::Answer(response) => {
            store.record(response)?;
            if let Some(feedback) = feedback {
                feedback.thank_you(&response.id.to_string());
            }
        }
        Decision::Filtered(press) => {
            store.record_filtered(press)?;
            if let Some(feedback) = feedback {
                feedback.filtered(press.reason.as_str());
            }
        }
        Decision::Ignored(why) => tracing::warn!("naciśnięcie pominięte: {why}"),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use chrono::NaiveDate;
    use survey::default_questionnaire::default_questionnaire;
    use survey::wire::{FilterReason, QuestionnairePackage};
    use survey::{AnswerValue, Channel, QuestionKey};

    use super::*;

    fn flow(config: &Config) -> Flow {
        let package = QuestionnairePackage {
            wire_version: 1,
            office_name: "Urząd Gminy Testowo".into(),
            questionnaire: default_questionnaire(),
            departments: Vec::new(),
        };
        Flow::new(config.clone(), package, "urzad", "parter")
    }

    fn wednesday(h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, 25).unwrap().and_hms_opt(h, 0, 0).unwrap()
    }

    fn press(button: u8, at: Instant, hour: u32) -> Press {
        Press { button, at, local: wednesday(hour), utc: Utc::now() }
    }

    /// What the panel was told, in order.
    #[derive(Clone, Default)]
    struct Told(Arc<Mutex<Vec<String>>>);

    impl Feedback for Told {
        fn thank_you(&self, answer_id: &str) {
            self.0.lock().unwrap().push(format!("dziękujemy {answer_id}"));
        }
        fn filtered(&self, reason: &str) {
            self.0.lock().unwrap().push(format!("odfiltrowano {reason}"));
        }
    }

    #[test]
    fn a_counted_press_is_an_answer_on_disk_then_thanked() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let config = Config::default();
        let (mut path, mut flow, told) = (PressPath::new(&config).unwrap(), flow(&config), Told::default());
        let t0 = Instant::now();
        let Decision::Answer(response) = path.decide(&mut flow, press(4, t0, 10)) else { panic!("not counted") };
        assert_eq!(response.channel, Channel::KioskButtons);
        assert_eq!(response.answers[&QuestionKey::parse("ogolna_ocena").unwrap()], AnswerValue::Rating(4));
        keep(&store, &Decision::Answer(response.clone()), Some(&told)).unwrap();
        assert_eq!(store.pending(10).unwrap(), vec![response.clone()]);
        assert_eq!(*told.0.lock().unwrap(), vec![format!("dziękujemy {}", response.id)]);
    }

    #[test]
    fn too_soon_and_outside_hours_are_recorded_with_their_reason() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let config = Config { opening_hours: vec!["1-5 08:00-16:00".into()], ..Config::default() };
        let (mut path, mut flow, told) = (PressPath::new(&config).unwrap(), flow(&config), Told::default());
        let t0 = Instant::now();
        let first = path.decide(&mut flow, press(5, t0, 10));
        assert!(matches!(first, Decision::Answer(_)));
        flow.reset();
        let soon = path.decide(&mut flow, press(1, t0 + Duration::from_secs(1), 10));
        let Decision::Filtered(filtered) = &soon else { panic!("{soon:?}") };
        assert_eq!((filtered.button, filtered.reason), (1, FilterReason::TooSoon));
        keep(&store, &soon, Some(&told)).unwrap();
        let night = path.decide(&mut flow, press(2, t0 + Duration::from_secs(600), 20));
        assert!(matches!(&night, Decision::Filtered(f) if f.reason == FilterReason::OutsideHours));
        keep(&store, &night, Some(&told)).unwrap();
        assert_eq!(store.pending_filtered(10).unwrap().len(), 2);
        assert_eq!(*told.0.lock().unwrap(), vec!["odfiltrowano too_soon", "odfiltrowano outside_hours"]);
        assert!(store.pending(10).unwrap().is_empty(), "only the first press was kept as an answer, by the caller");
    }

    #[test]
    fn a_press_the_flow_cannot_take_is_ignored_and_does_not_count_for_the_filter() {
        let config = Config { faces: 4, ..Config::default() };
        let (mut path, mut flow) = (PressPath::new(&config).unwrap(), flow(&config));
        let t0 = Instant::now();
        // A fifth button on a four-face kiosk.
        assert!(matches!(path.decide(&mut flow, press(5, t0, 10)), Decision::Ignored(_)));
        // Someone answering on the screen: the panel waits.
        assert_eq!(flow.tap_face(4), None);
        assert!(matches!(path.decide(&mut flow, press(1, t0, 10)), Decision::Ignored(_)));
        flow.reset();
        // Neither counted as the last press: a press now is not "too soon".
        assert!(matches!(path.decide(&mut flow, press(4, t0, 10)), Decision::Answer(_)));
    }

    #[test]
    fn a_failed_commit_is_not_thanked() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let db = rusqlite::Connection::open(dir.path().join(crate::store::DB_FILE)).unwrap();
        db.execute_batch(
            "CREATE TRIGGER full_card BEFORE INSERT ON answers BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END;",
        )
        .unwrap();
        let config = Config::default();
        let (mut path, mut flow, told) = (PressPath::new(&config).unwrap(), flow(&config), Told::default());
        let decision = path.decide(&mut flow, press(3, Instant::now(), 10));
        assert!(keep(&store, &decision, Some(&told)).is_err());
        assert!(told.0.lock().unwrap().is_empty());
    }
}
