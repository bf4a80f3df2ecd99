//! Counting per client without keeping its address: the survey's rate limit and the limit on pairing
//! codes count under these keys.
//!
//! The client's IP address is personal data (RODO), so it is never stored, logged or kept in memory: it is
//! replaced at once by a keyed BLAKE3 hash. The key is random, lives only in memory and is replaced every
//! hour together with everything counted under it, so no hash outlives the hour and none can be linked to
//! an address later.
//!
//! An IPv6 client is counted by its /64 network: a home or an office is given a whole /64 and a device in
//! it may take a new address for every request, so counting single IPv6 addresses would limit nobody.

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::{Duration, Instant};

use rand::RngCore;

/// How long a key, and everything counted under it, lives.
pub const REKEY_EVERY: Duration = Duration::from_secs(3600);

/// The part of an address that stands for one client: an IPv4 address whole, the /64 network of an IPv6
/// address. An IPv4 address written as IPv6 (`::ffff:192.0.2.1`, from a dual-stack socket) is IPv4.
pub fn network(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6((u128::from(v6) & !u128::from(u64::MAX)).into()),
        },
    }
}

/// Something counted for each client, under a key replaced every [`REKEY_EVERY`].
pub struct PerClient<V> {
    key: [u8; 32],
    started: Instant,
    counted: HashMap<[u8; 32], V>,
}

impl<V: Default> PerClient<V> {
    /// Nothing counted yet, under a fresh key.
    pub fn new(now: Instant) -> Self {
        let mut key = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut key);
        PerClient { key, started: now, counted: HashMap::new() }
    }

    /// What is counted for `client`. Clients whose address is not known (a request that did not come
    /// through a socket) share one entry. Once an hour everything starts afresh under a new key.
    pub fn entry(&mut self, client: Option<IpAddr>, now: Instant) -> &mut V {
        if now.duration_since(self.started) >= REKEY_EVERY {
            *self = PerClient::new(now);
        }
        let hashed = *blake3::keyed_hash(&self.key, &Self::bytes(client)).as_bytes();
        self.counted.entry(hashed).or_default()
    }

    /// Keeps only the entries `keep` says still matter.
    pub fn retain(&mut self, mut keep: impl FnMut(&mut V) -> bool) {
        self.counted.retain(|_, v| keep(v));
    }

    /// How many clients have an entry.
    pub fn clients(&self) -> usize {
        self.counted.len()
    }

    fn bytes(client: Option<IpAddr>) -> Vec<u8> {
        match client.map(network) {
            Some(IpAddr::V4(v4)) => [&[4u8][..], &v4.octets()].concat(),
            Some(IpAddr::V6(v6)) => [&[6u8][..], &v6.octets()[..8]].concat(),
            None => vec![0],
        }
    }

    /// The hashed keys, for tests that no address is kept.
    #[cfg(test)]
    pub fn keys(&self) -> impl Iterator<Item = &[u8; 32]> {
        self.counted.keys()
    }
}

/// The client's address, for every per-client limit: the connecting peer, or behind a reverse proxy on
/// this server (`behind_proxy`) the address the proxy appended last to `X-Forwarded-For` (nginx:
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
    use rstest::rstest;

    use super::*;

    #[rstest]
    #[case("192.0.2.1", "192.0.2.1")]
    #[case("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::")]
    #[case("2001:db8:1:2::1", "2001:db8:1:2::")]
    #[case("::ffff:198.51.100.7", "198.51.100.7")]
    #[case("::1", "::")]
    fn a_client_is_its_ipv4_address_or_its_ipv6_slash_64(#[case] address: &str, #[case] client: &str) {
        assert_eq!(network(address.parse().unwrap()), client.parse::<IpAddr>().unwrap());
    }

    #[rstest]
    #[case("2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:ffff", true)]
    #[case("2001:db8:1:2::1", "2001:db8:1:3::1", false)]
    #[case("192.0.2.1", "192.0.2.2", false)]
    #[case("192.0.2.1", "::ffff:192.0.2.1", true)]
    fn addresses_of_one_client_share_an_entry(#[case] a: &str, #[case] b: &str, #[case] shared: bool) {
        let now = Instant::now();
        let mut counts = PerClient::<u32>::new(now);
        *counts.entry(a.parse().ok(), now) += 1;
        assert_eq!(*counts.entry(b.parse().ok(), now) == 1, shared);
    }

    #[test]
    fn everything_starts_afresh_every_hour_under_a_new_key() {
        let now = Instant::now();
        let mut counts = PerClient::<u32>::new(now);
        let client = "203.0.113.9".parse().ok();
        *counts.entry(client, now) += 1;
        let before: Vec<[u8; 32]> = counts.keys().copied().collect();
        assert_eq!(*counts.entry(client, now + REKEY_EVERY), 0);
        assert_eq!(counts.clients(), 1);
        assert_ne!(counts.keys().copied().collect::<Vec<_>>(), before, "the same hash an hour later");
    }

    #[test]
    fn no_address_is_kept_in_memory() {
        let now = Instant::now();
        let mut counts = PerClient::<u32>::new(now);
        for address in ["198.51.100.77", "2001:db8:abcd:12::5"] {
            *counts.entry(address.parse().ok(), now) += 1;
        }
        for hashed in counts.keys() {
            for plain in [&[198u8, 51, 100, 77][..], b"198.51.100.77", &[0x20, 0x01, 0x0d, 0xb8, 0xab, 0xcd, 0, 0x12]] {
                assert!(!hashed.windows(plain.len()).any(|w| w == plain));
            }
        }
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
