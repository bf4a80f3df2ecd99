//! Limits how many surveys one client sends, without keeping its address (see `client_key.rs`: a keyed
//! hash replaced every hour, an IPv6 client counted by its /64).

use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::http::client_key::{PerClient, REKEY_EVERY};

/// Surveys accepted from one client per window.
pub const SUBMISSIONS_PER_WINDOW: u32 = 20;
/// How long counts live: they start afresh with the hourly key.
pub const WINDOW: Duration = REKEY_EVERY;

/// Counts accepted submissions per client, per window.
pub struct RateLimiter {
    limit: u32,
    counts: Mutex<PerClient<u32>>,
}

impl Default for RateLimiter {
    fn default() -> Self {
        RateLimiter::new(SUBMISSIONS_PER_WINDOW)
    }
}

impl RateLimiter {
    /// A limiter allowing `limit` submissions per client per [`WINDOW`].
    pub fn new(limit: u32) -> Self {
        RateLimiter { limit, counts: Mutex::new(PerClient::new(Instant::now())) }
    }

    fn with_count<T>(&self, client: IpAddr, f: impl FnOnce(&mut u32, u32) -> T) -> T {
        let mut counts = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        f(counts.entry(Some(client), Instant::now()), self.limit)
    }

    /// Whether this client may send another survey now.
    pub fn allows(&self, client: IpAddr) -> bool {
        self.with_count(client, |count, limit| *count < limit)
    }

    /// Records an accepted survey from this client.
    pub fn record(&self, client: IpAddr) {
        self.with_count(client, |count, _| *count = count.saturating_add(1));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_each_client_separately() {
        let limiter = RateLimiter::new(2);
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "2001:db8::1".parse().unwrap();
        assert!(limiter.allows(a));
        limiter.record(a);
        limiter.record(a);
        assert!(!limiter.allows(a));
        assert!(limiter.allows(b));
    }

    #[test]
    fn an_ipv6_client_is_limited_by_its_slash_64() {
        let limiter = RateLimiter::new(2);
        let one: IpAddr = "2001:db8:7:1::1".parse().unwrap();
        limiter.record(one);
        // A new address in the same /64 for every survey: the same client.
        limiter.record("2001:db8:7:1::2".parse().unwrap());
        assert!(!limiter.allows("2001:db8:7:1:dead:beef:0:3".parse().unwrap()));
        assert!(limiter.allows("2001:db8:7:2::1".parse().unwrap()));
    }

    #[test]
    fn keeps_no_address_in_memory() {
        let limiter = RateLimiter::new(5);
        let a: IpAddr = "198.51.100.77".parse().unwrap();
        limiter.record(a);
        let counts = limiter.counts.lock().unwrap();
        let plain = a.to_string();
        for hashed in counts.keys() {
            assert!(!hashed.windows(plain.len()).any(|w| w == plain.as_bytes()));
        }
        assert_eq!(counts.clients(), 1);
    }
}
