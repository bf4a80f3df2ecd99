//! The real kiosk store and sync client against a real server on loopback: answers made offline arrive
//! exactly once when the server appears; a lost receipt and a server restart in the middle lose and
//! duplicate nothing; resets mid-body, truncated replies, 500s and delays end with the server count equal
//! to the kiosk count; a revoked kiosk is refused and keeps its answers; a conflicting resend is kept aside.

// Test helpers may unwrap: a panic is how a test reports a broken premise.
#![allow(clippy::unwrap_used)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use kiosk::store::Store as KioskStore;
use kiosk::sync::{SyncError, pair, sync_once};
use survey::{AnswerValue, Channel, QuestionKey, Response};
use sync_server::http::AppState;
use sync_server::store::Store;

/// A server on its own runtime; dropping it stops it.
struct Server {
    addr: SocketAddr,
    _runtime: tokio::runtime::Runtime,
}

fn start_server(store: &Store) -> Server {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let addr = listener.local_addr().unwrap();
    runtime.spawn(sync_server::serve::serve_on(listener, AppState::new(store.clone()), std::future::pending()));
    Server { addr, _runtime: runtime }
}

/// A byte relay between the kiosk and the server that can swallow the server's replies (the request
/// still reaches the server): a receipt lost on the way back.
struct Proxy {
    addr: SocketAddr,
    upstream: Arc<Mutex<SocketAddr>>,
    swallow_replies: Arc<AtomicBool>,
}

fn relay(mut from: TcpStream, mut to: TcpStream, swallow: Option<Arc<AtomicBool>>) {
    let mut buf = [0u8; 16 * 1024];
    while let Ok(n) = from.read(&mut buf) {
        if n == 0 {
            break;
        }
        if swallow.as_ref().is_some_and(|s| s.load(Ordering::SeqCst)) {
            // Drop the reply and the connection, as a network cut just after the server answered.
            let _ = to.shutdown(std::net::Shutdown::Both);
            return;
        }
        if to.write_all(&buf[..n]).is_err() {
            break;
        }
    }
    let _ = to.shutdown(std::net::Shutdown::Write);
}

fn start_proxy(upstream: SocketAddr) -> Proxy {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let upstream = Arc::new(Mutex::new(upstream));
    let swallow_replies = Arc::new(AtomicBool::new(false));
    let (up, swallow) = (upstream.clone(), swallow_replies.clone());
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let target = *up.lock().unwrap();
            let Ok(server) = TcpStream::connect(target) else {
                let _ = client.shutdown(std::net::Shutdown::Both);
                continue;
            };
            let (c2, s2) = (client.try_clone().unwrap(), server.try_clone().unwrap());
            std::thread::spawn(move || relay(c2, s2, None));
            let swallow = swallow.clone();
            std::thread::spawn(move || relay(server, client, Some(swallow)));
        }
    });
    Proxy { addr, upstream, swallow_replies }
}

fn answer(rating: u8) -> Response {
    // Taken before pairing: no office yet; the sync names it.
    let mut r = Response::new("", 1, Channel::KioskTouch);
    r.device = Some("parter".into());
    r.answers.insert(QuestionKey::parse("ogolna_ocena").unwrap(), AnswerValue::Rating(rating));
    r.clock = kiosk::clock::now();
    r
}

/// A server with one office, and a kiosk paired with it.
struct Paired {
    server_store: Store,
    office: sync_server::store::Office,
    kiosk: KioskStore,
    kiosk_dir: tempfile::TempDir,
    _server: Server,
    _dirs: tempfile::TempDir,
}

fn paired() -> Paired {
    let server_dir = tempfile::tempdir().unwrap();
    let server_store = Store::open(server_dir.path()).unwrap();
    let office = server_store.create_office("urzad", "Urząd Gminy Testowo").unwrap();
    let server = start_server(&server_store);
    let kiosk_dir = tempfile::tempdir().unwrap();
    let kiosk = KioskStore::open(kiosk_dir.path()).unwrap();
    let code = server_store.enroll_device(office.id, "test", "parter").unwrap().code;
    pair(&kiosk, &format!("http://{}", server.addr), &code).unwrap();
    Paired { server_store, office, kiosk, kiosk_dir, _server: server, _dirs: server_dir }
}

fn server_count(store: &Store) -> u64 {
    store.response_counts("urzad").unwrap().iter().map(|(_, n)| n).sum()
}

#[test]
fn offline_answers_arrive_exactly_once_through_lost_receipts_and_a_server_restart() {
    let server_dir = tempfile::tempdir().unwrap();
    let server_store = Store::open(server_dir.path()).unwrap();
    let office = server_store.create_office("urzad", "Urząd Gminy Testowo").unwrap();
    let kiosk_dir = tempfile::tempdir().unwrap();
    let kiosk = KioskStore::open(kiosk_dir.path()).unwrap();

    // Weeks without a server: the kiosk keeps answering.
    let taken: Vec<Response> = (0..450).map(|i| answer(1 + (i % 5) as u8)).collect();
    for r in &taken {
        kiosk.record(r).unwrap();
    }
    assert!(matches!(sync_once(&kiosk), Err(SyncError::NotPaired)));

    let first = start_server(&server_store);
    let proxy = start_proxy(first.addr);
    let code = server_store.enroll_device(office.id, "test", "parter").unwrap().code;
    pair(&kiosk, &format!("http://{}", proxy.addr), &code).unwrap();

    // The first batch reaches the server, but its receipt is lost: the kiosk must keep all 450 pending.
    proxy.swallow_replies.store(true, Ordering::SeqCst);
    assert!(matches!(sync_once(&kiosk), Err(SyncError::Network(_))));
    assert_eq!(kiosk.status().unwrap().pending, 450);
    let stored_blind = server_count(&server_store);
    assert_eq!(stored_blind, 200, "the server stored the batch whose receipt was lost");

    // The server goes down and comes back (same database, new address).
    proxy.swallow_replies.store(false, Ordering::SeqCst);
    drop(first);
    std::thread::sleep(Duration::from_millis(100));
    assert!(sync_once(&kiosk).is_err(), "no server: the pass fails and nothing is lost");
    assert_eq!(kiosk.status().unwrap().pending, 450);
    let second = start_server(&server_store);
    *proxy.upstream.lock().unwrap() = second.addr;

    let report = sync_once(&kiosk).unwrap();
    assert_eq!(report.sent, 450);
    assert_eq!(report.rejected, 0);
    assert!(report.questionnaire_updated);
    assert_eq!(kiosk.status().unwrap().pending, 0);
    assert_eq!(server_count(&server_store), 450, "every answer exactly once");
    assert_eq!(server_store.conflict_count().unwrap(), 0);
    let stored = server_store.responses_of("urzad").unwrap();
    let mut ids: Vec<_> = stored.iter().map(|r| r.id).collect();
    ids.sort();
    let mut expected: Vec<_> = taken.iter().map(|r| r.id).collect();
    expected.sort();
    assert_eq!(ids, expected);
    assert!(stored.iter().all(|r| r.office == "urzad"));

    // Nothing more to send: a pass sends nothing.
    assert_eq!(sync_once(&kiosk).unwrap().sent, 0);
    // The dashboard sees the kiosk.
    let device = server_store.devices(office.id).unwrap().remove(0);
    assert_eq!(device.reported_pending, Some(0));
    assert!(device.last_seen_at.is_some());
}

#[test]
fn a_revoked_kiosk_is_refused_and_keeps_its_answers() {
    let Paired { server_store, office, kiosk, _server, _dirs, .. } = paired();
    kiosk.record(&answer(5)).unwrap();
    assert_eq!(sync_once(&kiosk).unwrap().sent, 1);

    let device = server_store.devices(office.id).unwrap().remove(0);
    server_store.revoke_device(office.id, "test", device.id).unwrap();
    kiosk.record(&answer(1)).unwrap();
    match sync_once(&kiosk) {
        Err(SyncError::Refused { status: 401, code, .. }) => assert_eq!(code, "unauthorized"),
        other => panic!("a revoked kiosk must be refused: {other:?}"),
    }
    assert_eq!(kiosk.status().unwrap().pending, 1, "the refused answer stays on the kiosk");
    assert_eq!(server_count(&server_store), 1);
}

#[test]
fn a_conflicting_resend_is_kept_aside_and_not_counted() {
    let Paired { server_store, kiosk, kiosk_dir, _server, _dirs, .. } = paired();
    let original = answer(5);
    kiosk.record(&original).unwrap();
    sync_once(&kiosk).unwrap();

    // The same id comes again with other content (a restored old backup of the kiosk, say).
    let mut altered = original.clone();
    altered.office = "urzad".into();
    altered.answers.insert(QuestionKey::parse("ogolna_ocena").unwrap(), AnswerValue::Rating(1));
    let db = rusqlite::Connection::open(kiosk_dir.path().join(kiosk::store::DB_FILE)).unwrap();
    db.execute(
        "UPDATE answers SET state = 'pending', payload = ?1 WHERE id = ?2",
        rusqlite::params![serde_json::to_string(&altered).unwrap(), original.id.to_string()],
    )
    .unwrap();
    let report = sync_once(&kiosk).unwrap();
    assert_eq!(report.sent, 1, "a conflict is held by the server: the kiosk may let it go");
    assert_eq!(server_store.conflict_count().unwrap(), 1);
    assert_eq!(server_count(&server_store), 1);
    let stored = server_store.responses_of("urzad").unwrap();
    assert_eq!(stored[0].answers[&QuestionKey::parse("ogolna_ocena").unwrap()], AnswerValue::Rating(5));
}

/// Answers no server may take (a questionnaire version never published, a rating off the scale), one with
/// a clock that cannot be true, and one the kiosk's own database cannot read, in the middle of the queue:
/// everything else arrives, each poisoned answer is held aside on the kiosk with its reason, and the next
/// pass has nothing left to send.
#[test]
fn poisoned_answers_in_the_middle_of_the_queue_do_not_stop_the_rest() {
    let Paired { server_store, kiosk, kiosk_dir, _server, _dirs, .. } = paired();
    let db = rusqlite::Connection::open(kiosk_dir.path().join(kiosk::store::DB_FILE)).unwrap();
    let mut good = 0;
    for i in 0..30u8 {
        let mut r = answer(i % 5 + 1);
        match i {
            7 => r.questionnaire_version = 99,
            12 => {
                r.answers.insert(QuestionKey::parse("ogolna_ocena").unwrap(), AnswerValue::Rating(9));
            }
            // A clock decades behind in another boot: counted when received, flagged, not refused.
            18 => {
                r.captured_at = chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 1990, 1, 1, 0, 0, 0).unwrap();
                r.clock = Some(survey::CaptureClock { boot_id: "inny-rozruch".into(), uptime_ms: 1 });
                good += 1;
            }
            _ => good += 1,
        }
        kiosk.record(&r).unwrap();
        if i == 22 {
            db.execute("UPDATE answers SET payload = '{\"uszkodzone\": true' WHERE id = ?1", [r.id.to_string()])
                .unwrap();
            good -= 1;
        }
    }
    let report = sync_once(&kiosk).unwrap();
    assert_eq!((report.sent, report.rejected), (good, 2));
    assert_eq!(server_count(&server_store), good as u64);
    let status = kiosk.status().unwrap();
    assert_eq!((status.pending, status.rejected), (0, 3), "held aside on the kiosk, with the reason");
    let reasons: Vec<String> = db
        .prepare("SELECT outcome FROM answers WHERE state = 'rejected' ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(reasons[0].contains("wrong_version") && reasons[1].contains("out_of_range"), "{reasons:?}");
    assert!(reasons[2].contains("unreadable"), "{reasons:?}");
    assert_eq!(sync_once(&kiosk).unwrap(), kiosk::sync::PassReport::default(), "nothing left to send");
}

/// What the faulty network does to one connection.
#[derive(Clone, Copy, Debug)]
enum Fault {
    /// Passes it through.
    None,
    /// Forwards half of the request's first chunk, then cuts the connection (a reset mid-body).
    ResetMidRequest,
    /// Forwards the request, then half of the reply's first chunk, then cuts (a truncated reply).
    TruncatedReply,
    /// Answers 500 itself, without reaching the server.
    ServerError,
    /// Waits, then passes it through.
    Delay,
}

fn forward_half(mut from: TcpStream, mut to: TcpStream) {
    let mut buf = [0u8; 16 * 1024];
    if let Ok(n) = from.read(&mut buf) {
        let _ = to.write_all(&buf[..n / 2]);
    }
    let _ = to.shutdown(std::net::Shutdown::Both);
    let _ = from.shutdown(std::net::Shutdown::Both);
}

/// A relay that, while `faults` is on, gives each connection the next fault of a fixed cycle.
fn start_faulty_proxy(upstream: SocketAddr) -> (SocketAddr, Arc<AtomicBool>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let faults = Arc::new(AtomicBool::new(true));
    let on = faults.clone();
    std::thread::spawn(move || {
        let cycle = [Fault::ResetMidRequest, Fault::TruncatedReply, Fault::None, Fault::ServerError, Fault::Delay];
        for (n, client) in listener.incoming().flatten().enumerate() {
            let fault = if on.load(Ordering::SeqCst) { cycle[n % cycle.len()] } else { Fault::None };
            std::thread::spawn(move || {
                if let Fault::ServerError = fault {
                    let mut client = client;
                    let mut buf = [0u8; 16 * 1024];
                    let _ = client.read(&mut buf);
                    let _ = client.write_all(
                        b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                    );
                    let _ = client.shutdown(std::net::Shutdown::Both);
                    return;
                }
                if let Fault::Delay = fault {
                    std::thread::sleep(Duration::from_millis(300));
                }
                let Ok(server) = TcpStream::connect(upstream) else { return };
                let (c2, s2) = (client.try_clone().unwrap(), server.try_clone().unwrap());
                match fault {
                    Fault::ResetMidRequest => forward_half(c2, s2),
                    Fault::TruncatedReply => {
                        std::thread::spawn(move || relay(c2, s2, None));
                        forward_half(server, client);
                    }
                    _ => {
                        std::thread::spawn(move || relay(c2, s2, None));
                        relay(server, client, None);
                    }
                }
            });
        }
    });
    (addr, faults)
}

#[test]
fn through_resets_truncated_replies_500s_and_delays_every_answer_arrives_once() {
    let server_dir = tempfile::tempdir().unwrap();
    let server_store = Store::open(server_dir.path()).unwrap();
    let office = server_store.create_office("urzad", "Urząd Gminy Testowo").unwrap();
    let server = start_server(&server_store);
    let (proxy, faults) = start_faulty_proxy(server.addr);
    let kiosk_dir = tempfile::tempdir().unwrap();
    let kiosk = KioskStore::open(kiosk_dir.path()).unwrap();
    faults.store(false, Ordering::SeqCst);
    let code = server_store.enroll_device(office.id, "test", "parter").unwrap().code;
    pair(&kiosk, &format!("http://{proxy}"), &code).unwrap();
    faults.store(true, Ordering::SeqCst);

    let taken: Vec<Response> = (0..1000).map(|i| answer(1 + (i % 5) as u8)).collect();
    let mut failures = 0;
    for chunk in taken.chunks(100) {
        for r in chunk {
            kiosk.record(r).unwrap();
        }
        // Sync passes while the network misbehaves: some fail, some deliver, some lose their receipt.
        for _ in 0..3 {
            if sync_once(&kiosk).is_err() {
                failures += 1;
            }
        }
    }
    assert!(failures > 5, "the faults happened ({failures} failed passes)");

    // The network heals: the kiosk sends what is left.
    faults.store(false, Ordering::SeqCst);
    for _ in 0..20 {
        if kiosk.status().unwrap().pending == 0 {
            break;
        }
        let _ = sync_once(&kiosk);
    }
    assert_eq!(kiosk.status().unwrap().pending, 0);
    assert_eq!(server_count(&server_store), 1000, "server count equals kiosk count");
    assert_eq!(server_store.conflict_count().unwrap(), 0);
    let stored = server_store.responses_of("urzad").unwrap();
    let ids: std::collections::BTreeSet<_> = stored.iter().map(|r| r.id).collect();
    assert_eq!(ids.len(), 1000, "no duplicates");
    assert!(taken.iter().all(|r| ids.contains(&r.id)));
    assert!(server_store.report_counts_agree().unwrap());
}
