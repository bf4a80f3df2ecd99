//! Web survey submissions per second and their latency, through real HTTP on loopback into a real SQLite
//! file with `synchronous=FULL` (every acknowledged survey is durable). Prints figures; asserts nothing
//! about speed. Run: `cargo bench -p sync-server --bench web_submit`.

// A benchmark's setup may unwrap: a panic is how it reports a broken premise.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use sync_server::http::AppState;
use sync_server::http::public::rate_limit::RateLimiter;
use sync_server::store::Store;

const SUBMISSIONS: usize = 6000;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index]
}

fn main() {
    tracing_subscriber::fmt().with_writer(std::io::stderr).init();
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    store.create_office("urzad", "Urząd Gminy Testowo").unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let base = format!("http://{}/urzad/ankieta", listener.local_addr().unwrap());
    // Every client here shares one address; the per-client limit would stop the run after 20 surveys.
    let state = AppState { limiter: Arc::new(RateLimiter::new(u32::MAX)), ..AppState::new(store.clone()) };
    runtime.spawn(sync_server::serve::serve_on(listener, state, std::future::pending()));

    println!("web survey submissions: {SUBMISSIONS} per run, each a full questionnaire page's worth of answers");
    println!("{:>8} {:>12} {:>10} {:>10} {:>10}", "clients", "surveys/s", "p50 ms", "p95 ms", "p99 ms");
    let mut stored_before = 0;
    for clients in [1usize, 16, 64] {
        let started = Instant::now();
        let threads: Vec<_> = (0..clients)
            .map(|c| {
                let base = base.clone();
                std::thread::spawn(move || {
                    let agent: ureq::Agent =
                        ureq::Agent::config_builder().http_status_as_error(false).max_redirects(0).build().into();
                    let mut latencies = Vec::new();
                    for i in (c..SUBMISSIONS).step_by(clients) {
                        let token = uuid::Uuid::now_v7();
                        let rating = 1 + i % 5;
                        let body = format!(
                            "lang=pl&version=1&token={token}&website=&q_ogolna_ocena={rating}&q_lokalizacja={rating}\
                             &q_parking=na&q_wiedza=4&q_uprzejmosc=5&q_plec=kobieta&q_wiek=od_36_do_45\
                             &q_sprawa_zalatwiona=tak&q_co_poprawic=Wi%C4%99cej+%C5%82awek+w+poczekalni"
                        );
                        let t = Instant::now();
                        let mut reply = agent
                            .post(&base)
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .send(&body)
                            .unwrap();
                        let status = reply.status();
                        if status != 303 {
                            let page = reply.body_mut().read_to_string().unwrap_or_default();
                            let notice = page.lines().find(|l| l.contains("role=\"alert\"")).unwrap_or("");
                            panic!("a submission was refused with {status}: {notice}");
                        }
                        latencies.push(t.elapsed());
                    }
                    latencies
                })
            })
            .collect();
        let mut latencies: Vec<Duration> = threads.into_iter().flat_map(|t| t.join().unwrap()).collect();
        let elapsed = started.elapsed();
        latencies.sort();
        let stored: u64 = store.response_counts("urzad").unwrap().iter().map(|(_, n)| n).sum();
        assert_eq!(stored - stored_before, SUBMISSIONS as u64, "every acknowledged survey must be stored");
        stored_before = stored;
        println!(
            "{clients:>8} {:>12.0} {:>10.2} {:>10.2} {:>10.2}",
            SUBMISSIONS as f64 / elapsed.as_secs_f64(),
            percentile(&latencies, 0.50).as_secs_f64() * 1000.0,
            percentile(&latencies, 0.95).as_secs_f64() * 1000.0,
            percentile(&latencies, 0.99).as_secs_f64() * 1000.0,
        );
    }
    // The log is copied back in the background (store/checkpoint.rs); it must not grow without bound.
    let size = |suffix: &str| {
        std::fs::metadata(dir.path().join(format!("{}{suffix}", sync_server::store::DB_FILE))).map_or(0, |m| m.len())
    };
    println!("database {:.1} MB, write-ahead log {:.1} MB", size("") as f64 / 1e6, size("-wal") as f64 / 1e6);
}
