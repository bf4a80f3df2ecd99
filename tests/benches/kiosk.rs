//! Kiosk figures, printed: the time from a tap to the durable commit of the answer (the thank-you waits
//! for it), and how fast a backlog of 100,000 offline answers drains to a local server through the real
//! sync client. Run: `cargo bench -p e2e --bench kiosk`. Prints figures; asserts only correctness.

// A benchmark's setup may unwrap: a panic is how it reports a broken premise.
#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use kiosk::config::Config;
use kiosk::flow::Flow;
use kiosk::store::Store as KioskStore;
use survey::default_questionnaire::default_questionnaire;
use survey::wire::QuestionnairePackage;
use sync_server::http::AppState;
use sync_server::store::Store;

const TAPS: usize = 2000;
const BACKLOG: usize = 100_000;

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize].as_secs_f64() * 1000.0
}

fn main() {
    let package = flow_package();
    let kiosk_dir = tempfile::tempdir().unwrap();
    let kiosk = KioskStore::open(kiosk_dir.path()).unwrap();

    // Tap to durable commit: the face, then the commit the thank-you waits for (WAL, synchronous=FULL).
    let config = Config { follow_ups: vec![], ..Config::default() };
    let mut flow = Flow::new(config, package, "urzad", "parter");
    let mut times = Vec::with_capacity(TAPS);
    for i in 0..TAPS {
        let tapped = Instant::now();
        let response = flow.tap_face(1 + (i % 5) as u8).unwrap();
        kiosk.record(&response).unwrap();
        times.push(tapped.elapsed());
        flow.reset();
    }
    times.sort();
    println!(
        "kiosk: tap to durable commit over {TAPS} answers: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        percentile(&times, 0.5),
        percentile(&times, 0.99),
        percentile(&times, 1.0)
    );

    // The backlog: answers taken offline, then a server appears.
    let mut flow = Flow::new(Config { follow_ups: vec![], ..Config::default() }, flow_package(), "urzad", "parter");
    let filled = Instant::now();
    for i in 0..BACKLOG - TAPS {
        let response = flow.tap_face(1 + (i % 5) as u8).unwrap();
        kiosk.record(&response).unwrap();
        flow.reset();
    }
    println!("kiosk: {BACKLOG} answers stored offline in {:.1} s", filled.elapsed().as_secs_f64());

    let server_dir = tempfile::tempdir().unwrap();
    let server = Store::open(server_dir.path()).unwrap();
    let office = server.create_office("urzad", "Urząd Gminy").unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let addr = listener.local_addr().unwrap();
    runtime.spawn(sync_server::serve::serve_on(listener, AppState::new(server.clone()), std::future::pending()));
    let code = server.enroll_device(office.id, "bench", "parter").unwrap().code;
    kiosk::sync::pair(&kiosk, &format!("http://{addr}"), &code).unwrap();

    let started = Instant::now();
    let report = kiosk::sync::sync_once(&kiosk).unwrap();
    let elapsed = started.elapsed().as_secs_f64();
    let stored: u64 = server.response_counts("urzad").unwrap().iter().map(|(_, n)| n).sum();
    assert_eq!(report.sent, BACKLOG);
    assert_eq!(stored, BACKLOG as u64, "every answer exactly once");
    println!(
        "kiosk: backlog of {BACKLOG} drained to a local server in {elapsed:.1} s ({:.0} answers/s, batches of {})",
        BACKLOG as f64 / elapsed,
        kiosk::sync::BATCH
    );
}

fn flow_package() -> QuestionnairePackage {
    QuestionnairePackage {
        wire_version: 1,
        office_name: "Urząd Gminy".into(),
        questionnaire: default_questionnaire(),
        departments: vec![],
    }
}
