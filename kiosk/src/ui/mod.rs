//! Connects the Slint screens to the controllers and nothing more: taps go to the [`Flow`], panel presses
//! to the press path (`press.rs`), the service screen's PINs and pairing to `service.rs`, and every
//! database read or write to the storage thread (`worker.rs`), whose answers come back through the event
//! loop. The thank-you appears only once the storage thread reports the answer committed, so the database
//! never blocks the UI and nothing is thanked for that is not on disk.

mod worker;

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::mpsc::{Receiver, Sender};
use std::time::Duration;

use slint::{ComponentHandle, ModelRc, SharedString, Timer, TimerMode, VecModel};
use survey::wire::PrivacyNotice;
use survey::{Lang, Response};
use worker::{Job, Messenger, News};

use crate::config::Config;
use crate::flow::{Choice, Flow, Screen as FlowScreen};
use crate::press::{Decision, Press, PressPath};
use crate::service::{Opening, PairingCode};
use crate::service_pin::Attempt;
use crate::store::Store;
use crate::sync::Worker;
use crate::{ChoiceData, FaceData, KioskWindow, Screen, Theme};

struct State {
    flow: RefCell<Flow>,
    config: Config,
    store: Store,
    jobs: Sender<Job>,
    news: Receiver<News>,
    messenger: Messenger,
    worker: Option<Worker>,
    /// The PIN being typed on the service screen.
    pin: RefCell<String>,
    /// A new PIN is being typed (after "Zmień PIN" on the unlocked screen).
    entering_new_pin: Cell<bool>,
    code: RefCell<PairingCode>,
    presses: RefCell<PressPath>,
    /// The information clause last read from the store (a default before the first sync).
    privacy: RefCell<PrivacyNotice>,
    idle: Timer,
    thanks: Timer,
    /// The problem the system reports (`problem.rs`), shown instead of the survey while there is one.
    problem: RefCell<Option<String>>,
    problem_check: Timer,
    /// Finished answers sent to the storage thread and not yet reported committed: until then the
    /// thank-you is not shown, whatever else redraws the screen (a late tap, a language switch).
    committing: Cell<u32>,
}

/// The running kiosk UI.
pub struct Kiosk {
    pub window: KioskWindow,
    state: Rc<State>,
}

fn model<T: Clone + 'static>(items: Vec<T>) -> ModelRc<T> {
    ModelRc::new(VecModel::from(items))
}

fn choice_data(c: &Choice) -> ChoiceData {
    ChoiceData { value: c.value.clone().into(), label: c.label.clone().into(), selected: c.selected }
}

impl Kiosk {
    /// Builds the window over `flow`; answers go to `store`, and `worker` (when paired) is woken after each.
    pub fn new(
        config: Config,
        flow: Flow,
        store: Store,
        worker: Option<Worker>,
    ) -> Result<Kiosk, slint::PlatformError> {
        let window = KioskWindow::new()?;
        let (jobs, news, messenger) = worker::start(store.clone(), config.service_pin.clone(), window.as_weak());
        // Checked when the configuration was loaded; a bad value here means no opening hours.
        let presses = PressPath::new(&config).unwrap_or_else(|e| {
            tracing::error!(error = %e, "godziny otwarcia nieczytelne: naciśnięcia liczone o każdej porze");
            PressPath::with_hours(&config, Vec::new())
        });
        let state = Rc::new(State {
            flow: RefCell::new(flow),
            config,
            store,
            jobs,
            news,
            messenger,
            worker,
            pin: RefCell::new(String::new()),
            entering_new_pin: Cell::new(false),
            code: RefCell::default(),
            presses: RefCell::new(presses),
            privacy: RefCell::new(crate::privacy::shown(None)),
            idle: Timer::default(),
            thanks: Timer::default(),
            problem: RefCell::new(None),
            problem_check: Timer::default(),
            committing: Cell::new(0),
        });
        let kiosk = Kiosk { window, state };
        kiosk.wire();
        kiosk.show_flow();
        // The questionnaire and the information clause the last sync stored, read off the UI thread.
        kiosk.ask(Job::Questionnaire);
        kiosk.ask(Job::PrivacyNotice);
        Ok(kiosk)
    }

    fn ask(&self, job: Job) {
        if self.state.jobs.send(job).is_err() {
            tracing::error!("wątek zapisu nie działa");
        }
    }

    fn wire(&self) {
        let w = &self.window;
        let on = |f: fn(&Kiosk)| {
            let (weak, state) = (w.as_weak(), self.state.clone());
            move || {
                if let Some(window) = weak.upgrade() {
                    f(&Kiosk { window, state: state.clone() });
                }
            }
        };
        let with_value = |f: fn(&Kiosk, &str)| {
            let (weak, state) = (w.as_weak(), self.state.clone());
            move |value: SharedString| {
                if let Some(window) = weak.upgrade() {
                    f(&Kiosk { window, state: state.clone() }, value.as_str());
                }
            }
        };
        w.on_face_tapped(with_value(|k, v| {
            let done = v.parse().ok().and_then(|rating| k.state.flow.borrow_mut().tap_face(rating));
            k.after_input(done);
        }));
        w.on_choice_tapped(with_value(|k, v| {
            let done = k.state.flow.borrow_mut().choose(v);
            k.after_input(done);
        }));
        w.on_next(on(|k| {
            let done = k.state.flow.borrow_mut().skip();
            k.after_input(done);
        }));
        w.on_back(on(|k| {
            k.state.flow.borrow_mut().back();
            k.after_input(None);
        }));
        w.on_language_chosen(with_value(|k, code| {
            k.set_language(Lang::from_code(code).unwrap_or_default());
            k.after_input(None);
        }));
        w.on_text_size_toggled(on(|k| {
            let theme = k.window.global::<Theme>();
            theme.set_scale(if theme.get_scale() > 1.0 { 1.0 } else { 1.3 });
            k.after_input(None);
        }));
        w.on_privacy_requested(on(|k| k.show_privacy()));
        w.on_privacy_closed(on(|k| k.after_input(None)));
        w.on_service_requested(on(|k| {
            k.state.pin.borrow_mut().clear();
            k.state.entering_new_pin.set(false);
            k.window.set_pin_entered("".into());
            k.window.set_pin_prompt("".into());
            k.window.set_pin_keypad(true);
            k.window.set_service_unlocked(false);
            k.window.set_service_message("".into());
            k.window.set_service_status("".into());
            k.window.set_screen(Screen::Service);
            k.ask(Job::OpenService);
        }));
        w.on_pin_backspace(on(|k| {
            let mut pin = k.state.pin.borrow_mut();
            pin.pop();
            k.window.set_pin_entered("•".repeat(pin.len()).into());
        }));
        w.on_change_pin(on(|k| {
            k.state.entering_new_pin.set(true);
            k.state.pin.borrow_mut().clear();
            k.window.set_pin_entered("".into());
            k.window.set_pin_prompt(crate::service::NEW_PIN_PROMPT.into());
            k.window.set_pin_keypad(true);
            k.window.set_service_message("".into());
            k.ask(Job::StartNewPin);
        }));
        w.on_pin_digit(with_value(|k, d| {
            let mut pin = k.state.pin.borrow_mut();
            if pin.len() < 12 {
                pin.push_str(d);
            }
            k.window.set_pin_entered("•".repeat(pin.len()).into());
        }));
        w.on_pin_submitted(on(|k| {
            let typed = std::mem::take(&mut *k.state.pin.borrow_mut());
            k.window.set_pin_entered("".into());
            if k.window.get_service_unlocked() && k.state.entering_new_pin.get() {
                k.window.set_service_message("Sprawdzam PIN…".into());
                k.ask(Job::NewPin(typed));
            } else if !k.window.get_service_unlocked() {
                k.window.set_service_message("Sprawdzam PIN…".into());
                k.ask(Job::TryPin(typed));
            }
        }));
        w.on_sync_now(on(|k| {
            match &k.state.worker {
                Some(worker) => {
                    worker.wake();
                    k.window.set_service_message("Synchronizacja uruchomiona.".into());
                }
                None => k.window.set_service_message("Kiosk nie jest sparowany: użyj polecenia kiosk pair.".into()),
            }
            k.ask(Job::Status);
        }));
        w.on_code_key(with_value(|k, key| {
            let mut code = k.state.code.borrow_mut();
            code.push(key);
            k.window.set_pairing_code(code.as_str().into());
        }));
        w.on_code_backspace(on(|k| {
            let mut code = k.state.code.borrow_mut();
            code.backspace();
            k.window.set_pairing_code(code.as_str().into());
        }));
        w.on_pair(on(|k| {
            let server = k.state.config.server.clone();
            let (store, code) = (k.state.store.clone(), k.state.code.borrow().as_str().to_owned());
            let messenger = k.state.messenger.clone();
            k.window.set_service_message("Paruję…".into());
            // The network may be slow or down: never on the UI thread, nor on the storage thread.
            std::thread::spawn(move || messenger.send(News::Paired(crate::service::pair(&store, &server, &code))));
        }));
        w.on_service_closed(on(|k| {
            k.window.set_service_unlocked(false);
            k.state.flow.borrow_mut().reset();
            k.set_language(Lang::Pl);
            k.show_flow();
        }));
        w.on_news_arrived(on(|k| {
            while let Ok(news) = k.state.news.try_recv() {
                k.on_news(news);
            }
        }));
    }

    /// Lets presses of a physical button panel answer the smiley question, as taps on the faces do. The
    /// presses arrive through the event loop; the panel's feedback follows each commit on the storage
    /// thread.
    pub fn attach_panel(&self, panel: crate::panel::Panel) {
        let (presses, feedback, hardware) = panel.into_parts();
        self.ask(Job::PanelFeedback(feedback));
        let messenger = self.state.messenger.clone();
        let spawned = std::thread::Builder::new().name("panel".into()).spawn(move || {
            // The pins' interrupts live as long as this thread reads their presses.
            let _hardware = hardware;
            for button in presses.iter() {
                messenger.send(News::Pressed(button));
            }
        });
        if let Err(e) = spawned {
            tracing::error!(error = %e, "nie można uruchomić wątku panelu przycisków");
        }
    }

    /// Shows the problem the file at `path` reports (`problem.rs`) instead of the survey, now and whenever
    /// it appears; the survey comes back when the file is removed or emptied. `identity` says which kiosk
    /// this is.
    pub fn watch_problems(&self, path: std::path::PathBuf, identity: String) {
        self.window.set_kiosk_name(identity.into());
        self.check_problem(&path);
        let (weak, state) = (self.window.as_weak(), self.state.clone());
        self.state.problem_check.start(TimerMode::Repeated, crate::problem::RECHECK, move || {
            if let Some(window) = weak.upgrade() {
                Kiosk { window, state: state.clone() }.check_problem(&path);
            }
        });
    }

    fn check_problem(&self, path: &std::path::Path) {
        let now = crate::problem::read(path);
        let before = self.state.problem.replace(now.clone());
        match (before, now) {
            (before, Some(text)) => {
                if before.is_none() {
                    tracing::warn!(problem = %text, "zgłoszony problem: ekran ankiety zastąpiony komunikatem");
                    // Whatever was being answered is kept as a questionnaire left in the middle.
                    if let Some(partial) = self.state.flow.borrow_mut().idle() {
                        self.ask(Job::Keep { decision: Decision::Answer(partial), thank: false, from_panel: false });
                    }
                }
                self.window.set_problem_text(text.into());
                if self.window.get_screen() != Screen::Service {
                    self.window.set_screen(Screen::Problem);
                }
            }
            (Some(_), None) => {
                tracing::info!("problem usunięty: wracam do ankiety");
                if self.window.get_screen() == Screen::Problem {
                    self.between_visitors();
                }
            }
            (None, None) => {}
        }
    }

    fn on_news(&self, news: News) {
        match news {
            News::Kept { thank, saved } => self.on_kept(thank, saved),
            News::Questionnaire(package) => {
                // Only between visitors: the flow keeps a questionnaire in progress as it started.
                self.state.flow.borrow_mut().update_package(*package);
                if !self.state.flow.borrow().in_progress() && self.window.get_screen() == Screen::Start {
                    self.show_flow();
                }
            }
            News::Privacy(notice) => {
                *self.state.privacy.borrow_mut() = notice;
                if self.window.get_screen() == Screen::Privacy {
                    self.fill_privacy();
                }
            }
            News::ServiceOpened { opening, status } => {
                self.window.set_service_status(status.into());
                match opening {
                    Opening::AskPin => {}
                    Opening::Unlocked(message) => self.unlock_service(&message),
                    Opening::Closed(message) => self.window.set_service_message(message.into()),
                }
            }
            News::PinTried { attempt, status } => {
                self.window.set_service_status(status.into());
                match attempt {
                    Attempt::Opened => self.unlock_service(""),
                    refused => self.window.set_service_message(refused.message().into()),
                }
            }
            News::NewPin(reply) => {
                self.window.set_pin_prompt(reply.prompt.into());
                self.window.set_service_message(reply.message.into());
                if reply.done {
                    self.state.entering_new_pin.set(false);
                    self.window.set_pin_keypad(false);
                    if let Some(worker) = &self.state.worker {
                        worker.wake();
                    }
                }
            }
            News::Status(status) => self.window.set_service_status(status.into()),
            News::Paired(message) => {
                if let Some(worker) = &self.state.worker {
                    worker.wake();
                }
                self.window.set_service_message(message.into());
                self.ask(Job::Status);
            }
            News::Pressed(button) => self.on_pressed(button),
        }
    }

    fn on_pressed(&self, button: u8) {
        // On the service screen the panel is being tested: a press shows which button it was.
        if self.window.get_screen() == Screen::Service {
            self.window.set_service_message(format!("Test panelu: naciśnięto przycisk {button}.").into());
            return;
        }
        let decision = {
            let mut flow = self.state.flow.borrow_mut();
            self.state.presses.borrow_mut().decide(&mut flow, Press::now(button))
        };
        match decision {
            Decision::Answer(_) => {
                self.commit_then_thank(decision, true);
            }
            Decision::Filtered(_) | Decision::Ignored(_) => {
                self.ask(Job::Keep { decision, thank: false, from_panel: true });
            }
        }
    }

    /// After every tap: restart the idle countdown, store a finished questionnaire, show the flow.
    fn after_input(&self, finished: Option<Response>) {
        if let Some(response) = finished {
            self.commit_then_thank(Decision::Answer(response), false);
            return;
        }
        self.show_flow();
        // A late tap while the last answer is on its way to disk must not set the idle countdown going
        // again: it would send the screen back to the start before the thank-you.
        if self.state.committing.get() == 0 {
            self.restart_idle(Duration::from_secs(self.state.config.idle_seconds));
        }
    }

    fn restart_idle(&self, wait: Duration) {
        let (weak, state) = (self.window.as_weak(), self.state.clone());
        self.state.idle.start(TimerMode::SingleShot, wait, move || {
            if let Some(window) = weak.upgrade() {
                Kiosk { window, state: state.clone() }.on_idle();
            }
        });
    }

    fn on_idle(&self) {
        if self.window.get_screen() == Screen::Service {
            return;
        }
        if let Some(partial) = self.state.flow.borrow_mut().idle() {
            self.ask(Job::Keep { decision: Decision::Answer(partial), thank: false, from_panel: false });
        }
        self.between_visitors();
    }

    /// Back to the start for the next visitor: Polish, normal text, and the questionnaire the sync may
    /// have fetched meanwhile (it comes back as news and replaces the flow's only between visitors).
    fn between_visitors(&self) {
        self.state.flow.borrow_mut().reset();
        self.set_language(Lang::Pl);
        self.window.global::<Theme>().set_scale(1.0);
        self.show_flow();
        self.ask(Job::Questionnaire);
        self.ask(Job::PrivacyNotice);
    }

    /// Sends a finished answer to be committed; the thank-you waits for the commit (see `on_kept`).
    fn commit_then_thank(&self, decision: Decision, from_panel: bool) {
        self.state.committing.set(self.state.committing.get().saturating_add(1));
        self.ask(Job::Keep { decision, thank: true, from_panel });
        self.state.idle.stop();
    }

    fn on_kept(&self, thank: bool, saved: bool) {
        if saved && let Some(worker) = &self.state.worker {
            worker.wake();
        }
        if !thank {
            return;
        }
        self.state.committing.set(self.state.committing.get().saturating_sub(1));
        // Thanks only for what is on disk; otherwise the client is told it was not saved.
        if saved {
            self.show_flow();
        } else {
            self.window.set_screen(Screen::NotSaved);
        }
        let (weak, state) = (self.window.as_weak(), self.state.clone());
        self.state.thanks.start(
            TimerMode::SingleShot,
            Duration::from_secs(self.state.config.thanks_seconds),
            move || {
                if let Some(window) = weak.upgrade() {
                    Kiosk { window, state: state.clone() }.between_visitors();
                }
            },
        );
    }

    fn set_language(&self, lang: Lang) {
        self.state.flow.borrow_mut().set_lang(lang);
        // Polish is the source language of the kiosk's words: the empty name selects it.
        let bundle = if lang == Lang::Pl { "" } else { lang.code() };
        if let Err(e) = slint::select_bundled_translation(bundle) {
            tracing::warn!(error = %e, "brak tłumaczenia");
        }
        self.window.set_language(lang.code().into());
    }

    /// Shows the flow's current screen.
    pub fn show_flow(&self) {
        let w = &self.window;
        if self.state.problem.borrow().is_some() {
            w.set_screen(Screen::Problem);
            return;
        }
        let flow = self.state.flow.borrow();
        w.set_office_name(flow.office_name().into());
        match flow.screen() {
            FlowScreen::Start { question, faces } => {
                w.set_question(question.into());
                w.set_faces(model(
                    faces
                        .iter()
                        .map(|f| FaceData {
                            value: f.value.clone().into(),
                            rating: f.value.parse().unwrap_or(3),
                            label: f.label.clone().into(),
                            caption: f.label.split_once(" – ").map_or(f.label.as_str(), |(_, words)| words).into(),
                        })
                        .collect(),
                ));
                w.set_screen(Screen::Start);
            }
            FlowScreen::Question { text, choices, multiple, progress, .. } => {
                let half = choices.len().div_ceil(2);
                w.set_question(text.into());
                w.set_progress(progress.into());
                w.set_multiple(multiple);
                w.set_choices_left(model(choices[..half].iter().map(choice_data).collect()));
                w.set_choices_right(model(choices[half..].iter().map(choice_data).collect()));
                w.set_screen(Screen::Question);
            }
            // Thanks only for what is on disk: until the storage thread reports the commit, the screen stays.
            FlowScreen::Thanks if self.state.committing.get() > 0 => {}
            FlowScreen::Thanks => w.set_screen(Screen::Thanks),
        }
    }

    fn fill_privacy(&self) {
        let notice = self.state.privacy.borrow();
        let qr = crate::privacy::qr_image(&notice.url);
        self.window.set_privacy_has_qr(qr.is_some());
        self.window.set_privacy_qr(qr.unwrap_or_default());
        self.window.set_privacy_text(notice.text.as_str().into());
        self.window.set_privacy_url(notice.url.as_str().into());
    }

    /// The "Informacja o danych" screen, from what the last sync stored (a default before the first), asked
    /// again of the store meanwhile. It returns to the start screen after a wait longer than a
    /// questionnaire's: reading takes longer.
    fn show_privacy(&self) {
        self.fill_privacy();
        self.window.set_screen(Screen::Privacy);
        self.ask(Job::PrivacyNotice);
        self.restart_idle(Duration::from_secs(self.state.config.idle_seconds.max(crate::privacy::IDLE_SECONDS)));
    }

    fn unlock_service(&self, message: &str) {
        self.window.set_service_unlocked(true);
        self.window.set_pin_keypad(false);
        self.window.set_service_message(message.into());
        self.ask(Job::Status);
    }
}

/// Only the problem screen, for a kiosk that cannot even start (its settings or its database cannot be
/// opened) while the file at `path` reports why. Returns once the file is removed or emptied, for the
/// caller to start the kiosk again.
pub fn problem_only(path: std::path::PathBuf, identity: String) -> Result<(), slint::PlatformError> {
    let window = KioskWindow::new()?;
    window.set_kiosk_name(identity.into());
    window.set_problem_text(crate::problem::read(&path).unwrap_or_default().into());
    window.set_screen(Screen::Problem);
    let weak = window.as_weak();
    let timer = Timer::default();
    timer.start(TimerMode::Repeated, crate::problem::RECHECK, move || match crate::problem::read(&path) {
        Some(text) => {
            if let Some(window) = weak.upgrade() {
                window.set_problem_text(text.into());
            }
        }
        None => {
            if let Err(e) = slint::quit_event_loop() {
                tracing::error!(error = %e, "nie można zamknąć ekranu problemu");
            }
        }
    });
    let _watchdog = crate::systemd::ready_and_watchdog_on_ui_thread();
    window.run()
}
