//! Limits how many surveys one client sends, without keeping its address.
//!
//! The client's IP address is personal data (RODO), so it is never stored, logged or kept in memory: it is
//! replaced at once by a keyed BLAKE3 hash. The key is random, lives only in memory and is replaced every
//! hour together with all counts, so no hash outlives the hour and none can be linked to an address later.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use rand::RngCore;

/// Surveys accepted from one client per window.
pub const SUBMISSIONS_PER_WINDOW: u32 = 20;
/// How long a key and its counts live.
pub const WINDOW: Duration = Duration::from_secs(3600);

struct Window {
    key: [u8; 32],
    started: Instant,
    counts: HashMap<[u8; 32], u32>,
}

impl Window {
    fn fresh(now: Instant) -> Window {
        let mut key = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut key);
        Window { key, started: now, counts: HashMap::new() }
    }
}

/// Counts accepted submissions per client, per window.
pub struct RateLimiter {
    limit: u32,
    window: Mutex<Window>,
}

impl Default for RateLimiter {
    fn default() -> Self {
        RateLimiter::new(SUBMISSIONS_PER_WINDOW)
    }
}

impl RateLimiter {
    /// A limiter allowing `limit` submissions per client per [`WINDOW`].
    pub fn new(limit: u32) -> Self {
        RateLimiter { limit, window: Mutex::new(Window::fresh(Instant::now())) }
    }

    fn with_window<T>(&self, client: IpAddr, f: impl FnOnce(&mut u32, u32) -> T) -> T {
        let now = Instant::now();
        let mut window = self.window.lock().unwrap_or_else(|p| p.into_inner());
        if now.duration_since(window.started) >= WINDOW {
            *window = Window::fresh(now);
        }
        let hashed = *blake3::keyed_hash(&window.key, client.to_string().as_bytes()).as_bytes();
        let count = window.counts.entry(hashed).or_insert(0);
        f(count, self.limit)
    }

    /// Whether this client may send another survey now.
    pub fn allows(&self, client: IpAddr) -> bool {
        self.with_window(client, |count, limit| *count < limit)
    }

    /// Records an accepted survey from this client.
    pub fn record(&self, client: IpAddr) {
        self.with_window(client, |count, _| *count = count.saturating_add(1));
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
    fn keeps_no_address_in_memory() {
        let limiter = RateLimiter::new(5);
        let a: IpAddr = "198.51.100.77".parse().unwrap();
        limiter.record(a);
        let window = limiter.window.lock().unwrap();
        let plain = a.to_string();
        for hashed in window.counts.keys() {
            assert!(!hashed.windows(plain.len()).any(|w| w == plain.as_bytes()));
        }
        assert_eq!(window.counts.len(), 1);
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
