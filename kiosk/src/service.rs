//! The service side of the kiosk, without widgets: opening the service screen with the kiosk's PIN (and
//! the growing pause after wrong tries, `service_pin.rs`), a new PIN typed twice, the pairing code typed on
//! the screen, pairing, and the status text that both the service screen and `kiosk status` show.
//!
//! A [`ServiceDesk`] lives on the touchscreen's storage thread (`ui/worker.rs`): checking a PIN is a slow
//! argon2id hash and reads the database, neither of which may hold up the screen.

use std::time::Instant;

use crate::service_pin::{Attempt, Expected, NewPin, NewPinStep, PinGate};
use crate::store::{Store, StoreError};

/// The kiosk's state in Polish, one fact a line: answers pending, sent and rejected, the last sync and
/// its last error, filtered presses by reason, the pairing and the questionnaire's version.
pub fn status_report(store: &Store) -> Result<String, StoreError> {
    let s = store.status()?;
    let mut lines = vec![
        format!("Odpowiedzi oczekujące: {}", s.pending),
        format!("Odpowiedzi wysłane: {}", s.sent),
        format!("Odpowiedzi odrzucone przez serwer: {}", s.rejected),
        format!("Ostatnia udana synchronizacja: {}", s.last_sync.as_deref().unwrap_or("nigdy")),
        format!("Ostatni błąd synchronizacji: {}", s.last_error.as_deref().unwrap_or("brak")),
    ];
    for (reason, n) in &s.filtered {
        let label = crate::filter::FilterReason::parse(reason).map_or(reason.as_str(), |r| r.label_pl());
        lines.push(format!("Naciśnięcia odfiltrowane ({label}): {n}"));
    }
    lines.push(match store.pairing()? {
        Some(p) => format!("Sparowany jako „{}” z urzędem /{} na {}", p.device, p.office, p.server),
        None => "Kiosk nie jest sparowany (kiosk pair --server ADRES --code KOD).".to_owned(),
    });
    let version = store.questionnaire()?.map_or(1, |(p, _)| p.questionnaire.version);
    lines.push(format!("Wersja ankiety: {version}"));
    Ok(lines.join("\n"))
}

/// The status text for the screen: a database error is said instead.
pub fn status_text(store: &Store) -> String {
    status_report(store).unwrap_or_else(|e| format!("Błąd bazy danych kiosku: {e}"))
}

/// How the service screen opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opening {
    /// Ask for the PIN.
    AskPin,
    /// Open at once, saying why (not paired and no PIN anywhere: the technician must be able to pair).
    Unlocked(String),
    /// The kiosk has no PIN to check against: say so, keep the screen closed.
    Closed(String),
}

/// What became of one entry of a new PIN: the prompt for the next, and the message to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPinReply {
    /// What the digit pad asks for next; empty when entry is over.
    pub prompt: String,
    pub message: String,
    /// Entry is over (the PIN was changed, or could not be saved).
    pub done: bool,
}

/// The prompt of the first entry of a new PIN.
pub const NEW_PIN_PROMPT: &str = "Nowy PIN (od 6 do 12 cyfr):";

/// The PIN side of the service screen, kept where the database is.
pub struct ServiceDesk {
    store: Store,
    configured_pin: Option<String>,
    gate: PinGate,
    new_pin: NewPin,
}

impl ServiceDesk {
    /// A desk over `store`; `configured_pin` is the settings file's PIN (used until the server gives the
    /// kiosk its own). Wrong tries counted before a restart still count.
    pub fn new(store: Store, configured_pin: Option<String>, now: Instant) -> ServiceDesk {
        let failures = store.service_pin_failures().unwrap_or_else(|e| {
            tracing::error!(error = %e, "nie można odczytać licznika błędnych PIN-ów; liczę od zera");
            0
        });
        ServiceDesk { store, configured_pin, gate: PinGate::new(failures, now), new_pin: NewPin::Idle }
    }

    fn expected(&self) -> Expected {
        let own = self.store.service_pin_hash().unwrap_or_else(|e| {
            tracing::error!(error = %e, "nie można odczytać PIN-u kiosku");
            None
        });
        let paired = self.store.pairing().ok().flatten().is_some();
        Expected::choose(own, self.configured_pin.as_deref(), paired)
    }

    /// The service screen is asked for (the corner held): how it opens.
    pub fn open(&mut self) -> Opening {
        self.new_pin = NewPin::Idle;
        match self.expected() {
            Expected::NoneBeforePairing => Opening::Unlocked(
                "Kiosk nie jest sparowany i nie ma PIN-u: po sparowaniu ekran chroni PIN nadany w panelu.".to_owned(),
            ),
            Expected::NoneButPaired => Opening::Closed(Attempt::NoPin.message()),
            Expected::Hash(_) | Expected::Configured(_) => Opening::AskPin,
        }
    }

    /// A PIN typed to open the screen, at `now`. The count of wrong tries is saved for a restart.
    pub fn try_pin(&mut self, typed: &str, now: Instant) -> Attempt {
        let expected = self.expected();
        let attempt = self.gate.try_pin(typed, &expected, now);
        if let Err(e) = self.store.set_service_pin_failures(self.gate.failures()) {
            tracing::error!(error = %e, "nie można zapisać licznika błędnych PIN-ów");
        }
        attempt
    }

    /// "Zmień PIN" on the unlocked screen: the next entries are a new PIN.
    pub fn start_new_pin(&mut self) {
        self.new_pin = NewPin::First;
    }

    /// One entry of a new PIN: checked, asked again, then stored; the server gets it with the next
    /// heartbeat (the caller wakes the sync).
    pub fn enter_new_pin(&mut self, typed: &str) -> NewPinReply {
        match self.new_pin.enter(typed) {
            NewPinStep::Confirm => {
                NewPinReply { prompt: "Powtórz nowy PIN:".to_owned(), message: String::new(), done: false }
            }
            NewPinStep::Refused(reason) => {
                NewPinReply { prompt: NEW_PIN_PROMPT.to_owned(), message: reason, done: false }
            }
            NewPinStep::Done(hash) => {
                self.new_pin = NewPin::Idle;
                let message = match self.store.set_service_pin_here(&hash) {
                    Ok(()) => "PIN zmieniony. Serwer dostanie go przy najbliższej synchronizacji.".to_owned(),
                    Err(e) => format!("Nie zapisano nowego PIN-u: {e}"),
                };
                NewPinReply { prompt: String::new(), message, done: true }
            }
        }
    }
}

/// The pairing code as typed on the service screen's keys: `K7PX-M2QD`, the hyphen put in by itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PairingCode(String);

impl PairingCode {
    /// One key.
    pub fn push(&mut self, key: &str) {
        if self.0.len() < 9 {
            if self.0.len() == 4 {
                self.0.push('-');
            }
            self.0.push_str(key);
        }
    }

    /// The last character, and the hyphen with it when it is left at the end.
    pub fn backspace(&mut self) {
        self.0.pop();
        if self.0.ends_with('-') {
            self.0.pop();
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Pairs with `server` using `code` (network: never on the UI thread) and says how it went, in Polish.
pub fn pair(store: &Store, server: &str, code: &str) -> String {
    if server.is_empty() {
        return "Brak adresu serwera w konfiguracji (server = ...). Użyj polecenia kiosk pair.".to_owned();
    }
    match crate::sync::pair(store, server, code) {
        Ok(p) => format!("Sparowano jako „{}” (urząd /{}). Synchronizacja zaczyna się sama.", p.device, p.office),
        Err(e) => format!("Nie udało się sparować: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::service_pin::{ALLOWED_TRIES, hash_new, verify};

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        (dir, store)
    }

    #[test]
    fn wrong_pins_pause_longer_and_longer_without_waiting_for_real() {
        let (_dir, store) = store();
        store.service_pin_from_server(&hash_new("739152").unwrap(), None).unwrap();
        let start = Instant::now();
        let mut desk = ServiceDesk::new(store.clone(), None, start);
        assert_eq!(desk.open(), Opening::AskPin);
        for left in (1..ALLOWED_TRIES).rev() {
            assert_eq!(desk.try_pin("000001", start), Attempt::Wrong { left });
        }
        assert_eq!(desk.try_pin("000001", start), Attempt::Paused { seconds: 60 });
        // The clock is given, not waited for: half a minute later the right PIN is still not checked.
        assert_eq!(desk.try_pin("739152", start + Duration::from_secs(30)), Attempt::Paused { seconds: 30 });
        // After the pause, five more wrong tries pause twice as long.
        let later = start + Duration::from_secs(61);
        for _ in 1..ALLOWED_TRIES {
            assert!(matches!(desk.try_pin("000001", later), Attempt::Wrong { .. }));
        }
        assert_eq!(desk.try_pin("000001", later), Attempt::Paused { seconds: 120 });
        assert_eq!(store.service_pin_failures().unwrap(), 2 * ALLOWED_TRIES);
        // A restart remembers: the pause starts again, and the right PIN waits for it.
        let mut again = ServiceDesk::new(store.clone(), None, later);
        assert!(matches!(again.try_pin("739152", later), Attempt::Paused { .. }));
        let much_later = later + Duration::from_secs(3600);
        assert_eq!(again.try_pin("739152", much_later), Attempt::Opened);
        assert_eq!(store.service_pin_failures().unwrap(), 0);
    }

    #[test]
    fn how_the_screen_opens() {
        let (_dir, store) = store();
        let now = Instant::now();
        assert!(matches!(ServiceDesk::new(store.clone(), None, now).open(), Opening::Unlocked(_)));
        assert_eq!(ServiceDesk::new(store.clone(), Some("582914".into()), now).open(), Opening::AskPin);
        store
            .set_pairing(&crate::store::Pairing {
                server: "http://127.0.0.1:9".into(),
                token: "t".into(),
                office: "urzad".into(),
                device: "parter".into(),
            })
            .unwrap();
        let Opening::Closed(why) = ServiceDesk::new(store, None, now).open() else { panic!("opened without a PIN") };
        assert!(why.contains("panelu"), "{why}");
    }

    #[test]
    fn a_new_pin_is_typed_twice_then_kept_for_the_server() {
        let (_dir, store) = store();
        let mut desk = ServiceDesk::new(store.clone(), None, Instant::now());
        desk.start_new_pin();
        let refused = desk.enter_new_pin("123456");
        assert_eq!((refused.prompt.as_str(), refused.done), (NEW_PIN_PROMPT, false));
        assert!(refused.message.contains("ciągiem cyfr"), "{}", refused.message);
        assert_eq!(desk.enter_new_pin("582914").prompt, "Powtórz nowy PIN:");
        let done = desk.enter_new_pin("582914");
        assert!(done.done && done.message.starts_with("PIN zmieniony"), "{done:?}");
        assert!(verify("582914", &store.service_pin_unreported().unwrap().unwrap()));
    }

    #[test]
    fn the_pairing_code_takes_its_hyphen_by_itself() {
        let mut code = PairingCode::default();
        for key in ["K", "7", "P", "X", "M", "2", "Q", "D", "Z"] {
            code.push(key);
        }
        assert_eq!(code.as_str(), "K7PX-M2QD", "nine characters at most");
        for _ in 0..4 {
            code.backspace();
        }
        assert_eq!(code.as_str(), "K7PX", "the hyphen goes with the character after it");
    }

    #[test]
    fn the_status_names_everything_a_technician_asks_first() {
        let (_dir, store) = store();
        let text = status_report(&store).unwrap();
        for line in [
            "Odpowiedzi oczekujące: 0",
            "Ostatnia udana synchronizacja: nigdy",
            "Kiosk nie jest sparowany (kiosk pair --server ADRES --code KOD).",
            "Wersja ankiety: 1",
        ] {
            assert!(text.lines().any(|l| l == line), "{line}:\n{text}");
        }
        assert_eq!(
            pair(&store, "", "K7PX-M2QD"),
            "Brak adresu serwera w konfiguracji (server = ...). Użyj polecenia kiosk pair."
        );
        let refused = pair(&store, "http://127.0.0.1:9", "K7PX-M2QD");
        assert!(refused.starts_with("Nie udało się sparować"), "{refused}");
    }
}
