//! Connects the Slint screens to the [`Flow`]: shows what the flow says, reports taps to it, and hands the
//! answers it returns to a storage thread. The thank-you appears only once the storage thread reports the
//! answer committed, so the database never blocks the UI and nothing is thanked for that is not on disk.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::Duration;

use slint::{ComponentHandle, ModelRc, SharedString, Timer, TimerMode, VecModel};
use survey::{Lang, Response};

use crate::config::Config;
use crate::flow::{Choice, Flow, Screen};
use crate::store::Store;
use crate::sync::Worker;
use crate::{ChoiceData, FaceData, KioskWindow, Theme};

/// What the storage thread is asked to keep: an answer (and whether a thank-you follows), or a press of
/// the button panel that did not count.
enum ToStore {
    Answer { response: Response, thank: bool },
    Filtered(survey::wire::FilteredPress),
}

/// What the storage thread reports back.
struct Stored {
    thank: bool,
    id: String,
    channel: survey::Channel,
    result: Result<(), String>,
}

struct State {
    flow: RefCell<Flow>,
    config: Config,
    store: Store,
    to_storage: Sender<ToStore>,
    from_storage: Receiver<Stored>,
    worker: Option<Worker>,
    pin: RefCell<String>,
    /// Wrong PINs and the pause after too many (`service_pin.rs`).
    gate: RefCell<crate::service_pin::PinGate>,
    /// A new PIN being typed on the service screen.
    new_pin: RefCell<crate::service_pin::NewPin>,
    code: RefCell<String>,
    /// The outcome of a pairing running on its own thread, picked up by the poll timer.
    paired: std::sync::Arc<std::sync::Mutex<Option<String>>>,
    panel: RefCell<Option<crate::panel::Panel>>,
    filter: RefCell<crate::filter::PressFilter>,
    idle: Timer,
    thanks: Timer,
    poll: Timer,
    /// Finished answers sent to the storage thread and not yet reported committed: until then the
    /// thank-you is not shown, whatever else redraws the screen (a late tap, a language switch).
    committing: std::cell::Cell<u32>,
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

/// Starts the storage thread: it commits each answer and reports when it is on disk.
fn storage_thread(store: Store) -> (Sender<ToStore>, Receiver<Stored>) {
    let (to_storage, incoming) = channel::<ToStore>();
    let (done, from_storage) = channel();
    std::thread::Builder::new()
        .name("storage".into())
        .spawn(move || {
            for job in incoming {
                let (response, thank) = match job {
                    ToStore::Answer { response, thank } => (response, thank),
                    ToStore::Filtered(press) => {
                        if let Err(e) = store.record_filtered(&press) {
                            tracing::error!(error = %e, "nie udało się zapisać odfiltrowanego naciśnięcia");
                        }
                        continue;
                    }
                };
                let result = store.record(&response).map_err(|e| e.to_string());
                let stored = Stored { thank, id: response.id.to_string(), channel: response.channel, result };
                if done.send(stored).is_err() {
                    return;
                }
            }
        })
        .map_or_else(|e| tracing::error!(error = %e, "nie można uruchomić wątku zapisu"), |_| ());
    (to_storage, from_storage)
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
        let (to_storage, from_storage) = storage_thread(store.clone());
        let (config_press_interval, config_burst) = (config.press_interval_seconds, config.burst_per_minute);
        // Checked when the configuration was loaded; a bad value here means no opening hours.
        let config_hours = crate::filter::parse_hours(&config.opening_hours).unwrap_or_default();
        let failures = store.service_pin_failures().unwrap_or_else(|e| {
            tracing::error!(error = %e, "nie można odczytać licznika błędnych PIN-ów; liczę od zera");
            0
        });
        let state = Rc::new(State {
            flow: RefCell::new(flow),
            config,
            store,
            to_storage,
            from_storage,
            worker,
            pin: RefCell::new(String::new()),
            gate: RefCell::new(crate::service_pin::PinGate::new(failures, std::time::Instant::now())),
            new_pin: RefCell::default(),
            code: RefCell::new(String::new()),
            paired: std::sync::Arc::default(),
            panel: RefCell::new(None),
            filter: RefCell::new(crate::filter::PressFilter::new(
                Duration::from_secs(config_press_interval),
                config_burst,
                config_hours,
            )),
            idle: Timer::default(),
            thanks: Timer::default(),
            poll: Timer::default(),
            committing: std::cell::Cell::new(0),
        });
        let kiosk = Kiosk { window, state };
        kiosk.wire();
        kiosk.show_flow();
        Ok(kiosk)
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
            *k.state.new_pin.borrow_mut() = crate::service_pin::NewPin::Idle;
            k.window.set_pin_entered("".into());
            k.window.set_pin_prompt("".into());
            k.window.set_pin_keypad(true);
            k.window.set_service_unlocked(false);
            k.window.set_service_message("".into());
            k.window.set_screen("service".into());
            match k.expected_pin() {
                // Not paired and no PIN anywhere: open, so that the kiosk can be paired.
                crate::service_pin::Expected::NoneBeforePairing => k.unlock_service(
                    "Kiosk nie jest sparowany i nie ma PIN-u: po sparowaniu ekran chroni PIN nadany w panelu.",
                ),
                crate::service_pin::Expected::NoneButPaired => {
                    k.window.set_service_message(crate::service_pin::Attempt::NoPin.message().into());
                }
                _ => {}
            }
        }));
        w.on_pin_backspace(on(|k| {
            let mut pin = k.state.pin.borrow_mut();
            pin.pop();
            k.window.set_pin_entered("•".repeat(pin.len()).into());
        }));
        w.on_change_pin(on(|k| {
            *k.state.new_pin.borrow_mut() = crate::service_pin::NewPin::First;
            k.state.pin.borrow_mut().clear();
            k.window.set_pin_entered("".into());
            k.window.set_pin_prompt("Nowy PIN (od 6 do 12 cyfr):".into());
            k.window.set_pin_keypad(true);
            k.window.set_service_message("".into());
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
            if k.window.get_service_unlocked() {
                k.new_pin_entered(&typed);
                return;
            }
            let expected = k.expected_pin();
            let attempt = k.state.gate.borrow_mut().try_pin(&typed, &expected, std::time::Instant::now());
            if let Err(e) = k.state.store.set_service_pin_failures(k.state.gate.borrow().failures()) {
                tracing::error!(error = %e, "nie można zapisać licznika błędnych PIN-ów");
            }
            match attempt {
                crate::service_pin::Attempt::Opened => k.unlock_service(""),
                refused => k.window.set_service_message(refused.message().into()),
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
            k.refresh_service_status();
        }));
        w.on_code_key(with_value(|k, key| {
            let mut code = k.state.code.borrow_mut();
            if code.len() < 9 {
                if code.len() == 4 {
                    code.push('-');
                }
                code.push_str(key);
            }
            k.window.set_pairing_code(code.as_str().into());
        }));
        w.on_code_backspace(on(|k| {
            let mut code = k.state.code.borrow_mut();
            code.pop();
            if code.ends_with('-') {
                code.pop();
            }
            k.window.set_pairing_code(code.as_str().into());
        }));
        w.on_pair(on(|k| {
            let server = k.state.config.server.clone();
            if server.is_empty() {
                k.window.set_service_message(
                    "Brak adresu serwera w konfiguracji (server = ...). Użyj polecenia kiosk pair.".into(),
                );
                return;
            }
            let (store, code, result) = (k.state.store.clone(), k.state.code.borrow().clone(), k.state.paired.clone());
            k.window.set_service_message("Paruję…".into());
            // The network may be slow or down: never on the UI thread.
            std::thread::spawn(move || {
                let message = match crate::sync::pair(&store, &server, &code) {
                    Ok(p) => {
                        format!("Sparowano jako „{}” (urząd /{}). Synchronizacja zaczyna się sama.", p.device, p.office)
                    }
                    Err(e) => format!("Nie udało się sparować: {e}"),
                };
                *result.lock().unwrap_or_else(|p| p.into_inner()) = Some(message);
            });
        }));
        w.on_service_closed(on(|k| {
            k.window.set_service_unlocked(false);
            k.state.flow.borrow_mut().reset();
            k.set_language(Lang::Pl);
            k.show_flow();
        }));

        // The storage thread's reports, picked up on the UI thread.
        let (weak, state) = (w.as_weak(), self.state.clone());
        self.state.poll.start(TimerMode::Repeated, Duration::from_millis(25), move || {
            let Some(window) = weak.upgrade() else { return };
            let kiosk = Kiosk { window, state: state.clone() };
            while let Ok(stored) = state.from_storage.try_recv() {
                kiosk.on_stored(stored);
            }
            kiosk.take_panel_presses();
            let paired = state.paired.lock().unwrap_or_else(|p| p.into_inner()).take();
            if let Some(message) = paired {
                if let Some(worker) = &state.worker {
                    worker.wake();
                }
                kiosk.window.set_service_message(message.into());
                kiosk.refresh_service_status();
            }
        });
    }

    /// Lets presses of a physical button panel answer the smiley question, as taps on the faces do.
    pub fn attach_panel(&self, panel: crate::panel::Panel) {
        *self.state.panel.borrow_mut() = Some(panel);
    }

    fn take_panel_presses(&self) {
        let presses: Vec<u8> = match &*self.state.panel.borrow() {
            Some(panel) => panel.presses.try_iter().collect(),
            None => return,
        };
        for button in presses {
            // On the service screen the panel is being tested: a press shows which button it was.
            if self.window.get_screen() == "service" {
                self.window.set_service_message(format!("Test panelu: naciśnięto przycisk {button}.").into());
                continue;
            }
            let decision =
                self.state.filter.borrow_mut().decide(std::time::Instant::now(), chrono::Local::now().naive_local());
            match decision {
                Ok(()) => {
                    let response = self.state.flow.borrow_mut().press_button(button);
                    if let Some(response) = response {
                        self.commit_then_thank(response);
                    }
                }
                Err(reason) => {
                    let press = survey::wire::FilteredPress {
                        id: uuid::Uuid::now_v7(),
                        captured_at: chrono::Utc::now(),
                        button,
                        reason,
                    };
                    let _ = self.state.to_storage.send(ToStore::Filtered(press));
                    if let Some(panel) = &*self.state.panel.borrow() {
                        panel.feedback.filtered(reason.as_str());
                    }
                }
            }
        }
    }

    /// After every tap: restart the idle countdown, store a finished questionnaire, show the flow.
    fn after_input(&self, finished: Option<Response>) {
        if let Some(response) = finished {
            self.commit_then_thank(response);
            return;
        }
        self.show_flow();
        let (weak, state) = (self.window.as_weak(), self.state.clone());
        self.state.idle.start(TimerMode::SingleShot, Duration::from_secs(self.state.config.idle_seconds), move || {
            if let Some(window) = weak.upgrade() {
                Kiosk { window, state: state.clone() }.on_idle();
            }
        });
    }

    fn on_idle(&self) {
        if self.window.get_screen() == "service" {
            return;
        }
        if let Some(partial) = self.state.flow.borrow_mut().idle() {
            let _ = self.state.to_storage.send(ToStore::Answer { response: partial, thank: false });
        }
        self.set_language(Lang::Pl);
        self.window.global::<Theme>().set_scale(1.0);
        self.refresh_questionnaire();
        self.show_flow();
    }

    /// Sends a finished answer to be committed; the thank-you waits for the commit (see `on_stored`).
    fn commit_then_thank(&self, response: survey::Response) {
        self.state.committing.set(self.state.committing.get().saturating_add(1));
        let _ = self.state.to_storage.send(ToStore::Answer { response, thank: true });
        self.state.idle.stop();
    }

    fn on_stored(&self, stored: Stored) {
        if stored.thank {
            self.state.committing.set(self.state.committing.get().saturating_sub(1));
        }
        let saved = stored.result.is_ok();
        match stored.result {
            Ok(()) => {
                if let Some(worker) = &self.state.worker {
                    worker.wake();
                }
                if stored.channel == survey::Channel::KioskButtons
                    && let Some(panel) = &*self.state.panel.borrow()
                {
                    panel.feedback.thank_you(&stored.id);
                }
            }
            Err(e) => tracing::error!(error = %e, "nie udało się zapisać odpowiedzi"),
        }
        if stored.thank {
            // Thanks only for what is on disk; otherwise the client is told it was not saved.
            if saved {
                self.show_flow();
            } else {
                self.window.set_screen("not-saved".into());
            }
            let (weak, state) = (self.window.as_weak(), self.state.clone());
            self.state.thanks.start(
                TimerMode::SingleShot,
                Duration::from_secs(self.state.config.thanks_seconds),
                move || {
                    if let Some(window) = weak.upgrade() {
                        let kiosk = Kiosk { window, state: state.clone() };
                        kiosk.state.flow.borrow_mut().reset();
                        // Between visitors: a questionnaire published meanwhile is shown to the next one.
                        kiosk.refresh_questionnaire();
                        kiosk.set_language(Lang::Pl);
                        kiosk.window.global::<Theme>().set_scale(1.0);
                        kiosk.show_flow();
                    }
                },
            );
        }
    }

    /// Between visitors: take the questionnaire the sync fetched, if it changed.
    fn refresh_questionnaire(&self) {
        if let Ok(Some((package, _))) = self.state.store.questionnaire() {
            self.state.flow.borrow_mut().update_package(package);
        }
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
        let flow = self.state.flow.borrow();
        w.set_office_name(flow.office_name().into());
        match flow.screen() {
            Screen::Start { question, faces } => {
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
                w.set_screen("start".into());
            }
            Screen::Question { text, choices, multiple, progress, .. } => {
                let half = choices.len().div_ceil(2);
                w.set_question(text.into());
                w.set_progress(progress.into());
                w.set_multiple(multiple);
                w.set_choices_left(model(choices[..half].iter().map(choice_data).collect()));
                w.set_choices_right(model(choices[half..].iter().map(choice_data).collect()));
                w.set_screen("question".into());
            }
            // Thanks only for what is on disk: until the storage thread reports the commit, the screen stays.
            Screen::Thanks if self.state.committing.get() > 0 => {}
            Screen::Thanks => w.set_screen("thanks".into()),
        }
    }

    /// The "Informacja o danych" screen, from what the last sync stored (a default before the first). It
    /// returns to the start screen after a wait longer than a questionnaire's: reading takes longer.
    fn show_privacy(&self) {
        let stored = self.state.store.privacy_notice().unwrap_or_else(|e| {
            tracing::error!(error = %e, "nie można odczytać informacji o danych; pokazuję tekst domyślny");
            None
        });
        let notice = crate::privacy::shown(stored);
        let qr = crate::privacy::qr_image(&notice.url);
        self.window.set_privacy_has_qr(qr.is_some());
        self.window.set_privacy_qr(qr.unwrap_or_default());
        self.window.set_privacy_text(notice.text.into());
        self.window.set_privacy_url(notice.url.into());
        self.window.set_screen("privacy".into());
        let wait = Duration::from_secs(self.state.config.idle_seconds.max(crate::privacy::IDLE_SECONDS));
        let (weak, state) = (self.window.as_weak(), self.state.clone());
        self.state.idle.start(TimerMode::SingleShot, wait, move || {
            if let Some(window) = weak.upgrade() {
                Kiosk { window, state: state.clone() }.on_idle();
            }
        });
    }

    /// The PIN that opens the service screen now (the store may have a new one from the last sync).
    fn expected_pin(&self) -> crate::service_pin::Expected {
        let own = self.state.store.service_pin_hash().unwrap_or_else(|e| {
            tracing::error!(error = %e, "nie można odczytać PIN-u kiosku");
            None
        });
        let paired = self.state.store.pairing().ok().flatten().is_some();
        crate::service_pin::Expected::choose(own, self.state.config.service_pin.as_deref(), paired)
    }

    fn unlock_service(&self, message: &str) {
        self.window.set_service_unlocked(true);
        self.window.set_pin_keypad(false);
        self.window.set_service_message(message.into());
        self.refresh_service_status();
    }

    /// One entry of a new PIN on the unlocked service screen: checked, asked again, then stored and
    /// reported to the server with the next heartbeat.
    fn new_pin_entered(&self, typed: &str) {
        use crate::service_pin::NewPinStep;
        let step = self.state.new_pin.borrow_mut().enter(typed);
        match step {
            NewPinStep::Confirm => {
                self.window.set_pin_prompt("Powtórz nowy PIN:".into());
                self.window.set_service_message("".into());
            }
            NewPinStep::Refused(reason) => {
                self.window.set_pin_prompt("Nowy PIN (od 6 do 12 cyfr):".into());
                self.window.set_service_message(reason.into());
            }
            NewPinStep::Done(hash) => {
                *self.state.new_pin.borrow_mut() = crate::service_pin::NewPin::Idle;
                let message = match self.state.store.set_service_pin_here(&hash) {
                    Ok(()) => {
                        if let Some(worker) = &self.state.worker {
                            worker.wake();
                        }
                        "PIN zmieniony. Serwer dostanie go przy najbliższej synchronizacji.".to_owned()
                    }
                    Err(e) => format!("Nie zapisano nowego PIN-u: {e}"),
                };
                self.window.set_pin_prompt("".into());
                self.window.set_pin_keypad(false);
                self.window.set_service_message(message.into());
            }
        }
    }

    fn refresh_service_status(&self) {
        let text = match (self.state.store.status(), self.state.store.pairing()) {
            (Ok(s), Ok(pairing)) => {
                let (server, device) = pairing
                    .map_or(("(niesparowany)".to_owned(), "(niesparowany)".to_owned()), |p| (p.server, p.device));
                let version =
                    self.state.store.questionnaire().ok().flatten().map_or(1, |(p, _)| p.questionnaire.version);
                format!(
                    "Odpowiedzi oczekujące: {}\nWysłane: {}\nOdrzucone: {}\nOstatnia synchronizacja: {}\nOstatni błąd: {}\nSerwer: {server}\nKiosk: {device}\nWersja ankiety: {version}",
                    s.pending,
                    s.sent,
                    s.rejected,
                    s.last_sync.unwrap_or_else(|| "nigdy".into()),
                    s.last_error.unwrap_or_else(|| "brak".into()),
                )
            }
            (Err(e), _) | (_, Err(e)) => format!("Błąd bazy danych kiosku: {e}"),
        };
        self.window.set_service_status(text.into());
    }
}
