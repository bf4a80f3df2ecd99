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

/// The client's address for the limit: the connecting peer, or behind a reverse proxy on this server
/// (`behind_proxy`) the address the proxy appended last to `X-Forwarded-For` (nginx:
/// `$proxy_add_x_forwarded_for`). Only a proxy may be trusted with it: a client could write anything in
/// the earlier entries, which is why the last one is taken.
pub fn client_address(
    peer: Option<std::net::IpAddr>,
    headers: &axum::http::HeaderMap,
    behind_proxy: bool,
) -> Option<std::net::IpAddr> {
    if !behind_proxy {
        return peer;
    }
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .last()
        .and_then(|last| last.trim().parse().ok())
        .or(peer)
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

    #[test]
    fn behind_a_proxy_the_last_forwarded_address_is_the_client() {
        let peer: std::net::IpAddr = "127.0.0.1".parse().unwrap();
        let mut headers = axum::http::HeaderMap::new();
        headers.insert("x-forwarded-for", "10.9.9.9, 203.0.113.7".parse().unwrap());
        assert_eq!(client_address(Some(peer), &headers, false), Some(peer), "not trusted unless configured");
        assert_eq!(client_address(Some(peer), &headers, true), "203.0.113.7".parse().ok());
        headers.insert("x-forwarded-for", "nonsense".parse().unwrap());
        assert_eq!(client_address(Some(peer), &headers, true), Some(peer));
        assert_eq!(client_address(Some(peer), &axum::http::HeaderMap::new(), true), Some(peer));
    }
}
