//! Bringing answers home: the HTTP client of the server's sync API, one sync pass, and the background
//! worker that runs passes with exponential backoff and jitter until the network is back.
//!
//! An answer is marked sent only after the server's receipt names it; a lost receipt means the batch is
//! sent again, and the server recognises every answer in it as already stored.

use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::Duration;

use rand::Rng;
use survey::wire::{
    ApiError, Heartbeat, PairReply, PairRequest, PrivacyNotice, QuestionnairePackage, UploadBatch, UploadReceipt,
    WIRE_VERSION,
};

use crate::clock;
use crate::store::{Pairing, Store, StoreError};

/// Answers per upload.
pub const BATCH: usize = 200;

/// Why a sync did not go through.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("brak połączenia z serwerem: {0}")]
    Network(String),
    #[error("serwer odmówił ({status}, {code}): {message}")]
    Refused { status: u16, code: String, message: String },
    #[error("niezrozumiała odpowiedź serwera: {0}")]
    BadReply(String),
    #[error("kiosk nie jest sparowany z serwerem")]
    NotPaired,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The server's sync API.
pub struct Client {
    agent: ureq::Agent,
    base: String,
}

impl Client {
    /// A client of the server at `server` (e.g. `https://ankieta.gmina.pl`).
    pub fn new(server: &str) -> Client {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(5)))
            .timeout_global(Some(Duration::from_secs(60)))
            // The system's authorities, an office's own among them (tls.rs).
            .tls_config(ureq::tls::TlsConfig::builder().root_certs(crate::tls::root_certs()).build())
            .build()
            .new_agent();
        Client { agent, base: format!("{}/api/v1", server.trim_end_matches('/')) }
    }

    fn reply<T: serde::de::DeserializeOwned>(
        result: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    ) -> Result<T, SyncError> {
        let mut response = result.map_err(|e| SyncError::Network(e.to_string()))?;
        let status = response.status().as_u16();
        let text = response.body_mut().read_to_string().map_err(|e| SyncError::Network(e.to_string()))?;
        if status == 200 {
            serde_json::from_str(&text).map_err(|e| SyncError::BadReply(e.to_string()))
        } else {
            let error: ApiError =
                serde_json::from_str(&text).unwrap_or(ApiError::new("http", format!("HTTP {status}")));
            Err(SyncError::Refused { status, code: error.code, message: error.message })
        }
    }

    /// Exchanges a pairing code for the kiosk's token.
    pub fn pair(&self, code: &str) -> Result<PairReply, SyncError> {
        let body = PairRequest { wire_version: WIRE_VERSION, code: code.trim().to_owned() };
        // Sent once, never again at once: the server spends the code when it reads the request, so if the
        // connection broke after that, a resend could only be refused as a used code, and the technician
        // would be told the code was wrong rather than that the network failed. Pairing is the first
        // request of a new client anyway, so it never goes out on a kept connection the server has closed.
        Self::reply(self.agent.post(format!("{}/pair", self.base)).send_json(&body))
    }

    /// Sends a batch; the receipt says what became of each answer.
    pub fn upload(&self, token: &str, batch: &UploadBatch) -> Result<UploadReceipt, SyncError> {
        let auth = format!("Bearer {token}");
        // Idempotent: every answer has its id, a resend is recognised as already stored.
        Self::reply(again_if_closed(|| {
            self.agent.post(format!("{}/responses", self.base)).header("Authorization", &auth).send_json(batch)
        }))
    }

    /// The current questionnaire, or `None` when it has not changed since `etag`.
    pub fn questionnaire(
        &self,
        token: &str,
        etag: Option<&str>,
    ) -> Result<Option<(QuestionnairePackage, String)>, SyncError> {
        let auth = format!("Bearer {token}");
        let mut response = again_if_closed(|| {
            let mut request = self.agent.get(format!("{}/questionnaire", self.base)).header("Authorization", &auth);
            if let Some(etag) = etag {
                request = request.header("If-None-Match", etag);
            }
            request.call()
        })
        .map_err(|e| SyncError::Network(e.to_string()))?;
        if response.status().as_u16() == 304 {
            return Ok(None);
        }
        let etag = response.headers().get("etag").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        let status = response.status().as_u16();
        let text = response.body_mut().read_to_string().map_err(|e| SyncError::Network(e.to_string()))?;
        if status != 200 {
            let error: ApiError =
                serde_json::from_str(&text).unwrap_or(ApiError::new("http", format!("HTTP {status}")));
            return Err(SyncError::Refused { status, code: error.code, message: error.message });
        }
        let package = serde_json::from_str(&text).map_err(|e| SyncError::BadReply(e.to_string()))?;
        Ok(Some((package, etag)))
    }

    /// The office's information clause (art. 13 RODO) and its web address, or `None` from a server that
    /// does not offer it yet (`404`): the kiosk then keeps what it has.
    pub fn privacy_notice(&self, token: &str) -> Result<Option<PrivacyNotice>, SyncError> {
        let auth = format!("Bearer {token}");
        let result = Self::reply::<PrivacyNotice>(again_if_closed(|| {
            self.agent.get(format!("{}/privacy-notice", self.base)).header("Authorization", &auth).call()
        }));
        match result {
            Ok(notice) => Ok(Some(notice)),
            Err(SyncError::Refused { status: 404, code, .. }) if code == "not_found" => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Reports the kiosk's state; returns the hash of the service PIN the server holds for the kiosk, when
    /// the reply carries one ([`survey::wire::HeartbeatReply`]; servers before PINs per kiosk send none).
    pub fn heartbeat(&self, token: &str, beat: &Heartbeat) -> Result<Option<String>, SyncError> {
        let auth = format!("Bearer {token}");
        // Idempotent: it only says how the kiosk is now (and a PIN reported twice is the same PIN).
        let reply = Self::reply::<serde_json::Value>(again_if_closed(|| {
            self.agent.post(format!("{}/heartbeat", self.base)).header("Authorization", &auth).send_json(beat)
        }))?;
        Ok(reply.get("service_pin_hash").and_then(|h| h.as_str()).map(str::to_owned))
    }
}

/// Sends a request that may safely arrive twice, and sends it once more at once when the first try found
/// its connection closed by the server.
///
/// The agent keeps connections open between the requests of a pass. The server (or a proxy before it) may
/// close a kept connection just as the next request goes out on it: after a refusal, after its idle time,
/// at a restart. That request then fails before any reply, and nothing is wrong with the network: waiting
/// a backoff period (seconds to minutes) for it would only delay the answers. The second try takes another
/// connection; if it fails too, the failure is real and the usual backoff follows.
fn again_if_closed(
    send: impl Fn() -> Result<ureq::http::Response<ureq::Body>, ureq::Error>,
) -> Result<ureq::http::Response<ureq::Body>, ureq::Error> {
    match send() {
        Err(e) if closed_by_server(&e) => {
            tracing::debug!(error = %e, "połączenie zamknięte przez serwer; ponawiam od razu");
            send()
        }
        other => other,
    }
}

/// Whether a request failed because the connection it went out on was already closed at the other end.
/// ureq reports the end of the connection before a reply as `UnexpectedEof` ("Peer disconnected"); a
/// reset, an abort or a broken pipe are the same, seen at another moment of the send.
fn closed_by_server(e: &ureq::Error) -> bool {
    use std::io::ErrorKind;
    matches!(e, ureq::Error::Io(io) if matches!(
        io.kind(),
        ErrorKind::UnexpectedEof | ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted | ErrorKind::BrokenPipe
    ))
}

/// Pairs the kiosk: exchanges the code for a token and saves the pairing.
pub fn pair(store: &Store, server: &str, code: &str) -> Result<Pairing, SyncError> {
    let reply = Client::new(server).pair(code)?;
    let pairing = Pairing {
        server: server.trim_end_matches('/').to_owned(),
        token: reply.token,
        office: reply.office,
        device: reply.device,
    };
    store.set_pairing(&pairing)?;
    // The kiosk's own PIN, made when the admin enrolled it; a PIN set here before pairing is replaced.
    if let Some(hash) = &reply.service_pin_hash {
        let unreported = store.service_pin_unreported()?;
        store.service_pin_from_server(hash, unreported.as_deref())?;
    }
    Ok(pairing)
}

/// What one pass did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PassReport {
    pub sent: usize,
    pub rejected: usize,
    pub questionnaire_updated: bool,
}

/// One sync pass: send every pending answer in batches, fetch the questionnaire if it changed and the
/// office's information clause, report the kiosk's state (and a PIN changed here; take the server's),
/// prune old acknowledged answers. Stops at the first failure; what was acknowledged
/// before it stays acknowledged.
pub fn sync_once(store: &Store) -> Result<PassReport, SyncError> {
    let pairing = store.pairing()?.ok_or(SyncError::NotPaired)?;
    let client = Client::new(&pairing.server);
    let mut report = PassReport::default();

    loop {
        let mut pending = store.pending(BATCH)?;
        let filtered = store.pending_filtered(BATCH)?;
        if pending.is_empty() && filtered.is_empty() {
            break;
        }
        // Answers taken before the kiosk was paired name no office; they have never left the kiosk, so
        // naming it now changes nothing the server has seen (and is the same on every retry).
        for r in pending.iter_mut().filter(|r| r.office.is_empty()) {
            r.office.clone_from(&pairing.office);
        }
        let batch = UploadBatch {
            wire_version: WIRE_VERSION,
            device: pairing.device.clone(),
            responses: pending,
            device_clock: clock::device_clock(),
            filtered_presses: filtered,
        };
        let receipt = client.upload(&pairing.token, &batch)?;
        // Only answers the receipt names are acknowledged; any other stays pending for the next pass.
        let results: Vec<_> = receipt
            .results
            .into_iter()
            .filter(|r| batch.responses.iter().any(|sent| sent.id == r.id))
            .map(|r| (r.id, r.outcome))
            .collect();
        if results.is_empty() && !batch.responses.is_empty() {
            return Err(SyncError::BadReply("potwierdzenie nie dotyczy wysłanych odpowiedzi".into()));
        }
        report.sent += results.iter().filter(|(_, o)| o.is_held_by_server()).count();
        report.rejected += results.iter().filter(|(_, o)| !o.is_held_by_server()).count();
        store.acknowledge(&results)?;
        // The receipt came after the server stored the filtered presses of the batch too.
        store.filtered_sent(&batch.filtered_presses)?;
    }
    // Answers first: they are what must not wait; the questionnaire matters only for the next visitor.
    let etag = store.questionnaire()?.map(|(_, etag)| etag);
    if let Some((package, etag)) = client.questionnaire(&pairing.token, etag.as_deref())? {
        store.set_questionnaire(&package, &etag)?;
        report.questionnaire_updated = true;
    }
    // Small and rarely changed; fetched each pass so that an edit in the panel reaches the kiosk's screen.
    if let Some(notice) = client.privacy_notice(&pairing.token)?
        && store.privacy_notice()?.as_ref() != Some(&notice)
    {
        store.set_privacy_notice(&notice)?;
    }
    if let Some(clock) = clock::device_clock() {
        let beat = Heartbeat {
            wire_version: WIRE_VERSION,
            app_version: env!("CARGO_PKG_VERSION").into(),
            pending: store.status()?.pending,
            clock,
            free_disk_bytes: None,
            service_pin_hash: store.service_pin_unreported()?,
            device_kind: None,
        };
        if let Some(hash) = client.heartbeat(&pairing.token, &beat)? {
            store.service_pin_from_server(&hash, beat.service_pin_hash.as_deref())?;
        }
    }
    store.prune()?;
    store.note_sync(None)?;
    Ok(report)
}

/// How long to wait after `failures` failed passes in a row: doubling from 2 s up to 5 min, plus up to
/// 20 % random jitter so that many kiosks coming back after an outage do not all call at once.
pub fn backoff(failures: u32, rng: &mut impl Rng) -> Duration {
    let base =
        Duration::from_secs(2).saturating_mul(2u32.saturating_pow(failures.min(16))).min(Duration::from_secs(300));
    base + base.mul_f64(rng.gen_range(0.0..0.2))
}

/// A running sync worker: wake it after a new answer so it is sent at once when the network is up.
#[derive(Clone)]
pub struct Worker {
    wake: Sender<()>,
}

impl Worker {
    /// Asks for a pass now.
    pub fn wake(&self) {
        let _ = self.wake.send(());
    }
}

/// Starts the worker thread: a pass at start, after every wake, and every `interval` while all is well;
/// after a failure, the next pass waits [`backoff`].
pub fn start(store: Store, interval: Duration) -> Worker {
    let (wake, woken) = channel();
    std::thread::Builder::new()
        .name("sync".into())
        .spawn(move || run(&store, interval, &woken))
        .map_or_else(|e| tracing::error!(error = %e, "nie można uruchomić wątku synchronizacji"), |_| ());
    Worker { wake }
}

fn run(store: &Store, interval: Duration, woken: &Receiver<()>) {
    let mut failures = 0u32;
    let mut rng = rand::thread_rng();
    loop {
        let wait = match sync_once(store) {
            Ok(report) => {
                if report.sent + report.rejected > 0 {
                    tracing::info!(sent = report.sent, rejected = report.rejected, "synchronizacja zakończona");
                }
                failures = 0;
                interval
            }
            Err(SyncError::NotPaired) => interval,
            Err(e) => {
                tracing::warn!(error = %e, "synchronizacja nieudana; ponowię");
                let _ = store.note_sync(Some(&e.to_string()));
                failures += 1;
                backoff(failures, &mut rng)
            }
        };
        match woken.recv_timeout(wait) {
            Ok(()) | Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::{TcpListener, TcpStream};
    use std::sync::{Arc, Mutex};

    use rand::SeedableRng;
    use survey::CaptureClock;
    use survey::wire::DeviceClock;

    use super::*;

    /// What the loopback server saw: request lines in order, and how many connections.
    #[derive(Default)]
    struct Seen {
        requests: Vec<String>,
        connections: usize,
    }

    /// A server on loopback that answers `{}` to every request but the second: that one it reads and then
    /// closes the connection without a reply, as a server does that closes a kept connection just as the
    /// client sends its next request on it.
    fn closing_server() -> (String, Arc<Mutex<Seen>>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Seen::default()));
        let counted = Arc::clone(&seen);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { return };
                counted.lock().unwrap().connections += 1;
                let counted = Arc::clone(&counted);
                std::thread::spawn(move || serve(stream, &counted));
            }
        });
        (base, seen)
    }

    fn serve(stream: TcpStream, seen: &Mutex<Seen>) {
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut writer = stream;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            let mut length = 0;
            loop {
                let mut header = String::new();
                reader.read_line(&mut header).unwrap();
                if header.trim().is_empty() {
                    break;
                }
                if let Some((name, value)) = header.split_once(':')
                    && name.eq_ignore_ascii_case("content-length")
                {
                    length = value.trim().parse().unwrap();
                }
            }
            reader.read_exact(&mut vec![0u8; length]).unwrap();
            let number = {
                let mut seen = seen.lock().unwrap();
                seen.requests.push(line.trim().to_owned());
                seen.requests.len()
            };
            if number == 2 {
                return;
            }
            writer
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
                .unwrap();
        }
    }

    fn beat() -> Heartbeat {
        Heartbeat {
            wire_version: WIRE_VERSION,
            app_version: "test".into(),
            pending: 0,
            clock: DeviceClock {
                monotonic: CaptureClock { boot_id: "b".into(), uptime_ms: 1 },
                wall: chrono::Utc::now(),
            },
            free_disk_bytes: None,
            service_pin_hash: None,
            device_kind: None,
        }
    }

    #[test]
    fn a_kept_connection_closed_by_the_server_is_replaced_at_once() {
        let (base, seen) = closing_server();
        let client = Client::new(&base);
        client.heartbeat("t", &beat()).unwrap();
        // Goes out on the kept connection, which the server closes: sent again at once on a new one.
        client.heartbeat("t", &beat()).unwrap();
        let seen = seen.lock().unwrap();
        assert_eq!(seen.requests.len(), 3, "{:?}", seen.requests);
        assert_eq!(seen.connections, 2);
    }

    #[test]
    fn a_pairing_is_never_sent_twice() {
        let (base, seen) = closing_server();
        let client = Client::new(&base);
        client.heartbeat("t", &beat()).unwrap();
        let failed = client.pair("K7PX-M2QD");
        assert!(matches!(failed, Err(SyncError::Network(_))), "{failed:?}");
        let seen = seen.lock().unwrap();
        assert_eq!(seen.requests, ["POST /api/v1/heartbeat HTTP/1.1", "POST /api/v1/pair HTTP/1.1"]);
    }

    #[test]
    fn backoff_doubles_up_to_five_minutes_with_bounded_jitter() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        for (failures, base) in [(0u32, 2u64), (1, 4), (2, 8), (5, 64), (8, 300), (40, 300)] {
            let wait = backoff(failures, &mut rng);
            let base = Duration::from_secs(base);
            assert!(wait >= base && wait <= base.mul_f64(1.2), "{failures}: {wait:?}");
        }
    }
}
