//! The service screen's PIN on the kiosk: which PIN applies, checking a typed one with a pause after
//! repeated wrong tries, and setting a new one (by the same rules as the panel, `survey::service_pin`).
//!
//! Each kiosk has its own PIN: the server makes it when the admin enrols the kiosk and sends its argon2id
//! hash at pairing; a change in the panel arrives with a heartbeat reply, and a change made here is
//! reported with the next heartbeat (`sync.rs`). A six-digit PIN is weak on its own: the slow hash and the
//! pause after [`ALLOWED_TRIES`] wrong tries (counted in the database, so a restart does not reset them)
//! are what keep guessing impractical.

use std::time::{Duration, Instant};

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

/// Wrong PINs allowed in a row before a pause.
pub const ALLOWED_TRIES: u32 = 5;

/// The first pause; each further round of wrong tries doubles it, up to [`LONGEST_PAUSE`].
pub const FIRST_PAUSE: Duration = Duration::from_secs(60);

/// The longest pause.
pub const LONGEST_PAUSE: Duration = Duration::from_secs(15 * 60);

/// The PIN that opens the service screen now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expected {
    /// The kiosk's own PIN, as an argon2id hash.
    Hash(String),
    /// The PIN of the settings file (`service_pin`), until the server gives the kiosk its own.
    Configured(String),
    /// No PIN anywhere and not paired: the screen opens, so that the technician can pair the kiosk.
    NoneBeforePairing,
    /// Paired but without a PIN (enrolled before PINs were per kiosk): the screen stays closed until the
    /// admin sets one in the panel.
    NoneButPaired,
}

impl Expected {
    /// Which PIN applies: the kiosk's own first, then the settings file's.
    pub fn choose(own_hash: Option<String>, configured: Option<&str>, paired: bool) -> Expected {
        match (own_hash, configured) {
            (Some(hash), _) => Expected::Hash(hash),
            (None, Some(pin)) => Expected::Configured(pin.to_owned()),
            (None, None) if paired => Expected::NoneButPaired,
            (None, None) => Expected::NoneBeforePairing,
        }
    }

    fn matches(&self, typed: &str) -> bool {
        match self {
            Expected::Hash(hash) => verify(typed, hash),
            Expected::Configured(pin) => typed == pin,
            Expected::NoneBeforePairing | Expected::NoneButPaired => false,
        }
    }
}

/// What became of a typed PIN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attempt {
    /// Right: the service screen opens.
    Opened,
    /// Wrong; this many tries are left before a pause.
    Wrong { left: u32 },
    /// Too many wrong tries: no PIN is checked for this long.
    Paused { seconds: u64 },
    /// The kiosk has no PIN to check against (see [`Expected::NoneButPaired`]).
    NoPin,
}

impl Attempt {
    /// What the service screen says, in Polish (the technician reads it).
    pub fn message(&self) -> String {
        match self {
            Attempt::Opened => String::new(),
            Attempt::Wrong { left } => format!("Nieprawidłowy PIN. Pozostałe próby przed przerwą: {left}."),
            Attempt::Paused { seconds } => format!(
                "Zbyt wiele błędnych prób. Kolejny PIN można wpisać za {} (przerwa chroni przed zgadywaniem).",
                pause_in_words(*seconds)
            ),
            Attempt::NoPin => {
                "Ten kiosk nie ma jeszcze własnego PIN-u serwisowego. Nadaj go w panelu administracyjnym \
                 (Kioski → Zmień PIN); kiosk pozna go przy najbliższej synchronizacji."
                    .to_owned()
            }
        }
    }
}

fn pause_in_words(seconds: u64) -> String {
    if seconds <= 90 { format!("{seconds} s") } else { format!("{} min", seconds.div_ceil(60)) }
}

/// Counts wrong tries and enforces the pauses. The count survives restarts through the caller, which
/// saves [`PinGate::failures`] after each try.
#[derive(Debug, Clone)]
pub struct PinGate {
    failures: u32,
    paused_until: Option<Instant>,
}

impl PinGate {
    /// A gate that remembers `failures` wrong tries in a row from before a restart: if they had reached a
    /// pause, the pause starts again now.
    pub fn new(failures: u32, now: Instant) -> PinGate {
        let paused_until = (failures >= ALLOWED_TRIES).then(|| now + pause_after(failures));
        PinGate { failures, paused_until }
    }

    /// Wrong tries in a row so far.
    pub fn failures(&self) -> u32 {
        self.failures
    }

    /// Checks a typed PIN against `expected`. During a pause nothing is checked (not even the right PIN).
    pub fn try_pin(&mut self, typed: &str, expected: &Expected, now: Instant) -> Attempt {
        if let Some(until) = self.paused_until {
            if now < until {
                return Attempt::Paused { seconds: until.duration_since(now).as_secs().max(1) };
            }
            self.paused_until = None;
        }
        match expected {
            Expected::NoneBeforePairing => return Attempt::Opened,
            Expected::NoneButPaired => return Attempt::NoPin,
            Expected::Hash(_) | Expected::Configured(_) => {}
        }
        if expected.matches(typed) {
            self.failures = 0;
            return Attempt::Opened;
        }
        self.failures = self.failures.saturating_add(1);
        if self.failures.is_multiple_of(ALLOWED_TRIES) {
            let pause = pause_after(self.failures);
            self.paused_until = Some(now + pause);
            Attempt::Paused { seconds: pause.as_secs() }
        } else {
            Attempt::Wrong { left: ALLOWED_TRIES - self.failures % ALLOWED_TRIES }
        }
    }
}

/// The pause after `failures` wrong tries: one minute after the first five, doubling after every five more.
fn pause_after(failures: u32) -> Duration {
    let rounds = (failures / ALLOWED_TRIES).max(1);
    FIRST_PAUSE.saturating_mul(2u32.saturating_pow(rounds - 1)).min(LONGEST_PAUSE)
}

/// Whether `pin` matches the argon2id `hash`. A malformed hash never matches.
pub fn verify(pin: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| Argon2::default().verify_password(pin.as_bytes(), &parsed).is_ok())
}

/// Checks a new PIN by the shared rules and hashes it (argon2id, PHC string) for the store and the server.
/// The error is the Polish reason to show.
pub fn hash_new(pin: &str) -> Result<String, String> {
    survey::service_pin::check(pin).map_err(|problem| problem.to_string())?;
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(pin.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| format!("Nie udało się zabezpieczyć PIN-u: {e}"))
}

/// Entering a new PIN on the service screen: typed once, then again to confirm.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum NewPin {
    /// Not changing the PIN.
    #[default]
    Idle,
    /// Asking for the new PIN.
    First,
    /// Asking for it again; holds the first entry.
    Again(String),
}

/// What a step of entering a new PIN came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NewPinStep {
    /// Ask for it again.
    Confirm,
    /// Both entries agree and the PIN passes the rules: its hash, to store and report.
    Done(String),
    /// Refused (rules, or the entries differ): the reason; entry starts over.
    Refused(String),
}

impl NewPin {
    /// Takes one entry.
    pub fn enter(&mut self, typed: &str) -> NewPinStep {
        match std::mem::take(self) {
            NewPin::Idle | NewPin::First => {
                if let Err(problem) = survey::service_pin::check(typed) {
                    *self = NewPin::First;
                    return NewPinStep::Refused(problem.to_string());
                }
                *self = NewPin::Again(typed.to_owned());
                NewPinStep::Confirm
            }
            NewPin::Again(first) if first == typed => match hash_new(typed) {
                Ok(hash) => NewPinStep::Done(hash),
                Err(reason) => NewPinStep::Refused(reason),
            },
            NewPin::Again(_) => {
                *self = NewPin::First;
                NewPinStep::Refused("Wpisane PIN-y się różnią. Wpisz nowy PIN jeszcze raz.".to_owned())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hashed(pin: &str) -> Expected {
        Expected::Hash(hash_new(pin).unwrap())
    }

    #[test]
    fn the_kiosks_own_pin_opens_and_a_wrong_one_does_not() {
        let expected = hashed("739152");
        let now = Instant::now();
        let mut gate = PinGate::new(0, now);
        assert_eq!(gate.try_pin("739153", &expected, now), Attempt::Wrong { left: 4 });
        assert_eq!(gate.failures(), 1);
        assert_eq!(gate.try_pin("739152", &expected, now), Attempt::Opened);
        assert_eq!(gate.failures(), 0);
    }

    #[test]
    fn five_wrong_tries_pause_even_the_right_pin_and_the_pause_grows() {
        let expected = hashed("739152");
        let start = Instant::now();
        let mut gate = PinGate::new(0, start);
        for left in [4, 3, 2, 1] {
            assert_eq!(gate.try_pin("000001", &expected, start), Attempt::Wrong { left });
        }
        assert_eq!(gate.try_pin("000001", &expected, start), Attempt::Paused { seconds: 60 });
        // During the pause the right PIN is not even checked.
        let later = start + Duration::from_secs(30);
        assert_eq!(gate.try_pin("739152", &expected, later), Attempt::Paused { seconds: 30 });
        // After it, five more wrong ones give a longer pause.
        let after = start + Duration::from_secs(61);
        for _ in 0..4 {
            assert!(matches!(gate.try_pin("000001", &expected, after), Attempt::Wrong { .. }));
        }
        assert_eq!(gate.try_pin("000001", &expected, after), Attempt::Paused { seconds: 120 });
        assert_eq!(pause_after(1000), LONGEST_PAUSE);
    }

    #[test]
    fn a_restart_does_not_forget_the_wrong_tries() {
        let expected = hashed("739152");
        let now = Instant::now();
        let mut gate = PinGate::new(ALLOWED_TRIES, now);
        assert_eq!(gate.try_pin("739152", &expected, now), Attempt::Paused { seconds: 60 });
        let mut gate = PinGate::new(3, now);
        assert_eq!(gate.try_pin("000001", &expected, now), Attempt::Wrong { left: 1 });
    }

    #[test]
    fn which_pin_applies() {
        assert_eq!(Expected::choose(Some("h".into()), Some("582914"), true), Expected::Hash("h".into()));
        assert_eq!(Expected::choose(None, Some("582914"), true), Expected::Configured("582914".into()));
        assert_eq!(Expected::choose(None, None, false), Expected::NoneBeforePairing);
        assert_eq!(Expected::choose(None, None, true), Expected::NoneButPaired);
        let now = Instant::now();
        let mut gate = PinGate::new(0, now);
        assert_eq!(gate.try_pin("", &Expected::NoneBeforePairing, now), Attempt::Opened);
        assert_eq!(gate.try_pin("582914", &Expected::NoneButPaired, now), Attempt::NoPin);
        assert!(Attempt::NoPin.message().contains("panelu"));
        assert_eq!(gate.try_pin("582914", &Expected::Configured("582914".into()), now), Attempt::Opened);
    }

    #[test]
    fn a_new_pin_follows_the_rules_and_must_be_typed_twice() {
        let mut entry = NewPin::First;
        for trivial in ["2468", "123456", "000000", "121212"] {
            let NewPinStep::Refused(reason) = entry.enter(trivial) else { panic!("{trivial} accepted") };
            assert!(reason.starts_with("PIN "), "{reason}");
            assert_eq!(entry, NewPin::First);
        }
        assert_eq!(entry.enter("582914"), NewPinStep::Confirm);
        assert_eq!(
            entry.enter("582915"),
            NewPinStep::Refused("Wpisane PIN-y się różnią. Wpisz nowy PIN jeszcze raz.".into())
        );
        assert_eq!(entry.enter("582914"), NewPinStep::Confirm);
        let NewPinStep::Done(hash) = entry.enter("582914") else { panic!("not done") };
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(verify("582914", &hash));
        assert!(!verify("582915", &hash));
        assert!(!verify("582914", "nie skrót"));
    }
}
