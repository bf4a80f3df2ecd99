//! Limits the guessing of pairing codes: after [`WRONG_CODES_PER_MINUTE`] wrong codes within a minute, a
//! client waits until the oldest of them is a minute old. Clients are told apart without keeping their
//! address (`client_key.rs`).
//!
//! A code is spent by the first request that brings it, so whoever guesses one owns a kiosk's token. Ten a
//! minute is more than a technician mistyping ever needs and makes guessing a live code hopeless.

use std::collections::VecDeque;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::http::client_key::PerClient;

/// Wrong codes one client may send within [`PER`].
pub const WRONG_CODES_PER_MINUTE: usize = 10;
/// The window the wrong codes are counted in.
pub const PER: Duration = Duration::from_secs(60);

/// Clients remembered before those with nothing left in the window are forgotten.
const FORGET_ABOVE: usize = 1024;

/// The wrong codes of each client within the last minute.
pub struct PairingLimiter {
    limit: usize,
    attempts: Mutex<PerClient<VecDeque<Instant>>>,
}

impl Default for PairingLimiter {
    fn default() -> Self {
        PairingLimiter::new(WRONG_CODES_PER_MINUTE)
    }
}

fn forget_old(times: &mut VecDeque<Instant>, now: Instant) {
    while times.front().is_some_and(|t| now.duration_since(*t) >= PER) {
        times.pop_front();
    }
}

impl PairingLimiter {
    /// A limiter allowing `limit` wrong codes per client per [`PER`].
    pub fn new(limit: usize) -> Self {
        PairingLimiter { limit, attempts: Mutex::new(PerClient::new(Instant::now())) }
    }

    /// Lets the client try a code now, counting it as wrong until [`PairingLimiter::paired`] says
    /// otherwise, or says how long it must wait. Counting before the code is checked keeps many requests
    /// sent at once from all slipping through.
    pub fn try_code(&self, client: Option<IpAddr>) -> Result<(), Duration> {
        self.try_code_at(client, Instant::now())
    }

    /// The code was right: it does not count against the client.
    pub fn paired(&self, client: Option<IpAddr>) {
        let mut attempts = self.attempts.lock().unwrap_or_else(|p| p.into_inner());
        attempts.entry(client, Instant::now()).pop_back();
    }

    fn try_code_at(&self, client: Option<IpAddr>, now: Instant) -> Result<(), Duration> {
        let mut attempts = self.attempts.lock().unwrap_or_else(|p| p.into_inner());
        if attempts.clients() > FORGET_ABOVE {
            attempts.retain(|times| {
                forget_old(times, now);
                !times.is_empty()
            });
        }
        let times = attempts.entry(client, now);
        forget_old(times, now);
        if times.len() >= self.limit
            && let Some(oldest) = times.front()
        {
            return Err(PER.saturating_sub(now.duration_since(*oldest)));
        }
        times.push_back(now);
        Ok(())
    }
}

/// Whole seconds to tell a client to wait (`Retry-After`), rounded up and at least one.
pub fn seconds(wait: Duration) -> u64 {
    (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(a: &str) -> Option<IpAddr> {
        a.parse().ok()
    }

    #[test]
    fn the_eleventh_wrong_code_within_a_minute_waits_for_the_first_to_age() {
        let limiter = PairingLimiter::new(10);
        let start = Instant::now();
        for n in 0..10 {
            assert_eq!(limiter.try_code_at(ip("192.0.2.1"), start + Duration::from_secs(n)), Ok(()));
        }
        let eleventh = start + Duration::from_secs(15);
        assert_eq!(limiter.try_code_at(ip("192.0.2.1"), eleventh), Err(Duration::from_secs(45)));
        assert_eq!(limiter.try_code_at(ip("192.0.2.2"), eleventh), Ok(()), "another client");
        // A minute after the first, one more try is allowed, and the next waits for the second to age.
        let later = start + PER;
        assert_eq!(limiter.try_code_at(ip("192.0.2.1"), later), Ok(()));
        assert_eq!(limiter.try_code_at(ip("192.0.2.1"), later), Err(Duration::from_secs(1)));
    }

    #[test]
    fn an_ipv6_client_is_limited_by_its_slash_64() {
        let limiter = PairingLimiter::new(3);
        let now = Instant::now();
        for host in ["::1", "::2", "::3"] {
            assert_eq!(limiter.try_code_at(ip(&format!("2001:db8:5:6{host}")), now), Ok(()));
        }
        assert!(limiter.try_code_at(ip("2001:db8:5:6:ffff::9"), now).is_err());
        assert_eq!(limiter.try_code_at(ip("2001:db8:5:7::1"), now), Ok(()));
    }

    #[test]
    fn a_right_code_does_not_count() {
        let limiter = PairingLimiter::new(2);
        for _ in 0..5 {
            limiter.try_code(ip("198.51.100.3")).unwrap();
            limiter.paired(ip("198.51.100.3"));
        }
        assert_eq!(limiter.try_code(ip("198.51.100.3")), Ok(()));
    }

    #[test]
    fn clients_with_nothing_in_the_window_are_forgotten() {
        let limiter = PairingLimiter::new(10);
        let start = Instant::now();
        for n in 0..=FORGET_ABOVE {
            let client = std::net::Ipv4Addr::from(0x0a00_0000 + u32::try_from(n).unwrap());
            limiter.try_code_at(Some(IpAddr::V4(client)), start).unwrap();
        }
        limiter.try_code_at(ip("192.0.2.1"), start + PER).unwrap();
        assert_eq!(limiter.attempts.lock().unwrap().clients(), 1);
    }

    #[test]
    fn waits_are_whole_seconds_rounded_up() {
        assert_eq!(seconds(Duration::from_millis(44_001)), 45);
        assert_eq!(seconds(Duration::from_secs(45)), 45);
        assert_eq!(seconds(Duration::ZERO), 1);
    }
}
