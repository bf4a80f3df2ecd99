//! Throttling of failed logins, per account and overall, in memory. A restart forgets it, which only
//! gives a guesser a fresh few tries; nothing about the person trying is kept.
//!
//! The memory is bounded whatever is sent: logins are checked (at most 64 characters) before they get
//! here, failures older than [`WINDOW`] are dropped, and at most [`MAX_ACCOUNTS`] logins are
//! remembered — past that, the one whose last failure is oldest is forgotten first. The overall count
//! holds at most [`OVERALL`] times: more add nothing to what it decides.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failed logins to one account within [`WINDOW`] before it is locked for the rest of the window.
pub const PER_ACCOUNT: usize = 5;
/// Failed logins to all accounts together within [`WINDOW`] before every login waits.
pub const OVERALL: usize = 100;
/// How long failures are remembered.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Most logins with failures remembered at once.
pub const MAX_ACCOUNTS: usize = 10_000;

/// Why a login is not even tried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// This account had too many failures; try again in this many minutes.
    Account(u64),
    /// Too many failures overall (an attack); try again in this many minutes.
    Overall(u64),
}

impl Refusal {
    /// The message shown on the login page.
    pub fn message(&self) -> String {
        match self {
            Refusal::Account(m) => format!(
                "Zbyt wiele nieudanych prób logowania na to konto. Ze względów bezpieczeństwa logowanie jest wstrzymane – spróbuj ponownie za {m} min."
            ),
            Refusal::Overall(m) => format!(
                "Zbyt wiele nieudanych prób logowania w ostatnim czasie. Logowanie jest chwilowo wstrzymane dla wszystkich kont – spróbuj ponownie za {m} min."
            ),
        }
    }
}

#[derive(Default)]
struct Failures {
    per_account: HashMap<String, VecDeque<Instant>>,
    overall: VecDeque<Instant>,
}

/// Remembers failed logins.
pub struct LoginThrottle {
    per_account: usize,
    overall: usize,
    max_accounts: usize,
    failures: Mutex<Failures>,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        LoginThrottle::new(PER_ACCOUNT, OVERALL)
    }
}

fn minutes_left(oldest: Instant, now: Instant) -> u64 {
    (WINDOW.saturating_sub(now.duration_since(oldest)).as_secs() / 60) + 1
}

fn forget_old(times: &mut VecDeque<Instant>, now: Instant) {
    while times.front().is_some_and(|t| now.duration_since(*t) >= WINDOW) {
        times.pop_front();
    }
}

impl LoginThrottle {
    /// A throttle with these limits (tests use small ones).
    pub fn new(per_account: usize, overall: usize) -> Self {
        LoginThrottle { per_account, overall, max_accounts: MAX_ACCOUNTS, failures: Mutex::default() }
    }

    /// The same with another bound on the logins remembered (tests use a small one).
    pub fn with_max_accounts(mut self, max_accounts: usize) -> Self {
        self.max_accounts = max_accounts.max(1);
        self
    }

    /// How many logins with failures are remembered now.
    pub fn remembered(&self) -> usize {
        self.failures.lock().unwrap_or_else(|p| p.into_inner()).per_account.len()
    }

    /// Whether a login to `login` may be tried now.
    pub fn check(&self, login: &str) -> Result<(), Refusal> {
        let now = Instant::now();
        let mut f = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        forget_old(&mut f.overall, now);
        if f.overall.len() >= self.overall
            && let Some(oldest) = f.overall.front()
        {
            return Err(Refusal::Overall(minutes_left(*oldest, now)));
        }
        if let Some(times) = f.per_account.get_mut(&login.to_lowercase()) {
            forget_old(times, now);
            if times.len() >= self.per_account
                && let Some(oldest) = times.front()
            {
                return Err(Refusal::Account(minutes_left(*oldest, now)));
            }
        }
        Ok(())
    }

    /// Records a failed login (to an existing account or not: both count).
    pub fn failed(&self, login: &str) {
        let now = Instant::now();
        let mut f = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        f.overall.push_back(now);
        forget_old(&mut f.overall, now);
        // Beyond the limit the oldest times decide nothing: `check` looks at the count and the oldest.
        while f.overall.len() > self.overall {
            f.overall.pop_front();
        }
        let key = login.to_lowercase();
        if !f.per_account.contains_key(&key) && f.per_account.len() >= self.max_accounts {
            f.per_account.retain(|_, times| {
                forget_old(times, now);
                !times.is_empty()
            });
            if f.per_account.len() >= self.max_accounts
                && let Some(oldest) =
                    f.per_account.iter().min_by_key(|(_, times)| times.back().copied()).map(|(k, _)| k.clone())
            {
                f.per_account.remove(&oldest);
            }
        }
        let times = f.per_account.entry(key).or_default();
        times.push_back(now);
        while times.len() > self.per_account {
            times.pop_front();
        }
    }

    /// A successful login clears the account's failures.
    pub fn succeeded(&self, login: &str) {
        let mut f = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        f.per_account.remove(&login.to_lowercase());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_one_account_then_everyone() {
        let t = LoginThrottle::new(2, 3);
        t.failed("Jan");
        assert_eq!(t.check("jan"), Ok(()));
        t.failed("jan");
        assert!(matches!(t.check("JAN"), Err(Refusal::Account(15))));
        assert_eq!(t.check("ewa"), Ok(()));
        t.failed("ewa");
        assert!(matches!(t.check("ewa"), Err(Refusal::Overall(_))));
    }

    #[test]
    fn the_memory_stays_bounded_however_many_logins_fail() {
        let t = LoginThrottle::new(2, 10).with_max_accounts(50);
        for i in 0..1_000 {
            for _ in 0..3 {
                t.failed(&format!("konto{i}"));
            }
        }
        assert_eq!(t.remembered(), 50);
        let f = t.failures.lock().unwrap_or_else(|p| p.into_inner());
        assert_eq!(f.overall.len(), 10);
        assert!(f.per_account.values().all(|times| times.len() == 2));
        // The most recent are the ones kept.
        assert!(f.per_account.contains_key("konto999") && !f.per_account.contains_key("konto949"));
        drop(f);
        // What is kept still decides: everyone waits after ten failures.
        assert!(matches!(t.check("ktokolwiek"), Err(Refusal::Overall(_))));
    }

    #[test]
    fn success_clears_the_account() {
        let t = LoginThrottle::new(2, 100);
        t.failed("jan");
        t.succeeded("jan");
        t.failed("jan");
        assert_eq!(t.check("jan"), Ok(()));
    }
}
