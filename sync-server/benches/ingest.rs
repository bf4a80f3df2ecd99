//! Sync ingest against the floor set by SQLite itself: the same kiosk answers (every question of the
//! default questionnaire) stored (1) through the sync API over loopback HTTP, in batches of 500 — parse,
//! validation, the exactly-once decision, the report counts — and (2) as raw batched inserts of the same
//! rows (response and answer rows, no checks, no counts) into a database with the same settings (WAL,
//! `synchronous=FULL`), measured in the same run. Prints both rates and their ratio; asserts nothing
//! about speed. Run: `cargo bench -p sync-server --bench ingest`.

// A benchmark's setup may unwrap: a panic is how it reports a broken premise.
#![allow(clippy::unwrap_used)]

use std::time::Instant;

use rusqlite::params;
use survey::wire::{Outcome, PairReply, UploadBatch, UploadReceipt, WIRE_VERSION};
use survey::{AnswerValue, Channel, QuestionKind, Response};
use sync_server::http::AppState;
use sync_server::store::{DB_FILE, Store};

const ANSWERS: usize = 20_000;
const BATCH: usize = 500;

fn answers(store: &Store) -> Vec<Response> {
    let q = store.current_questionnaire("urzad").unwrap();
    let start = chrono::Utc::now() - chrono::Duration::days(1);
    (0..ANSWERS)
        .map(|i| {
            let mut r = Response::new("urzad", 1, Channel::KioskTouch);
            r.device = Some("parter".into());
            r.captured_at = start + chrono::Duration::seconds(i as i64);
            for (n, (_, question)) in q.questions().enumerate() {
                let answer = match &question.kind {
                    QuestionKind::Rating { .. } => AnswerValue::Rating(((i + n) % 5 + 1) as u8),
                    QuestionKind::SingleChoice { options } => {
                        AnswerValue::Choice(options[(i + n) % options.len()].key.as_str().to_owned())
                    }
                    QuestionKind::MultipleChoice { options } => {
                        AnswerValue::Choices(vec![options[(i + n) % options.len()].key.as_str().to_owned()])
                    }
                    QuestionKind::Department => AnswerValue::Choice("inna".into()),
                    QuestionKind::FreeText { .. } => continue,
                };
                r.answers.insert(question.key.clone(), answer);
            }
            r
        })
        .collect()
}

/// The same rows as the store writes, inserted without any check: the floor.
fn raw_inserts(dir: &std::path::Path, responses: &[Response]) -> f64 {
    // The schema and settings of a real database, then a connection of our own.
    let office_id = Store::open(dir).unwrap().create_office("urzad", "Urząd").unwrap().id;
    let mut conn = rusqlite::Connection::open(dir.join(DB_FILE)).unwrap();
    let _: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0)).unwrap();
    conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA cache_size = -32768;").unwrap();
    let started = Instant::now();
    for batch in responses.chunks(BATCH) {
        let tx = conn.transaction().unwrap();
        {
            let mut response = tx
                .prepare_cached(
                    "INSERT INTO responses (id, office_id, questionnaire_version, channel, captured_at, received_at, device, paper_serial, payload)
                     VALUES (?1, ?2, 1, 'kiosk_touch', ?3, ?3, 'parter', NULL, ?4)",
                )
                .unwrap();
            let mut answer = tx
                .prepare_cached(
                    "INSERT INTO answers (response_id, question_key, rating, not_applicable, choice, text) VALUES (?1, ?2, ?3, 0, ?4, NULL)",
                )
                .unwrap();
            for r in batch {
                let id = r.id.to_string();
                let at = r.captured_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
                response.execute(params![id, office_id, at, serde_json::to_string(r).unwrap()]).unwrap();
                for (key, value) in &r.answers {
                    match value {
                        AnswerValue::Rating(v) => answer.execute(params![id, key.as_str(), v, None::<&str>]).unwrap(),
                        AnswerValue::Choice(c) => answer.execute(params![id, key.as_str(), None::<u8>, c]).unwrap(),
                        AnswerValue::Choices(cs) => {
                            cs.iter().map(|c| answer.execute(params![id, key.as_str(), None::<u8>, c]).unwrap()).sum()
                        }
                        _ => 0,
                    };
                }
            }
        }
        tx.commit().unwrap();
    }
    responses.len() as f64 / started.elapsed().as_secs_f64()
}

fn through_the_api(dir: &std::path::Path) -> (f64, usize) {
    let store = Store::open(dir).unwrap();
    let office = store.create_office("urzad", "Urząd").unwrap();
    let responses = answers(&store);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let base = format!("http://{}/api/v1", listener.local_addr().unwrap());
    runtime.spawn(sync_server::serve::serve_on(listener, AppState::new(store.clone()), std::future::pending()));
    let agent = ureq::Agent::config_builder().http_status_as_error(false).build().new_agent();
    let code = store.enroll_device(office.id, "bench", "parter").unwrap().code;
    let pair: PairReply = agent
        .post(format!("{base}/pair"))
        .send_json(serde_json::json!({ "wire_version": WIRE_VERSION, "code": code }))
        .unwrap()
        .body_mut()
        .read_json()
        .unwrap();
    let started = Instant::now();
    let mut stored = 0;
    for batch in responses.chunks(BATCH) {
        let body = UploadBatch {
            wire_version: WIRE_VERSION,
            device: "parter".into(),
            responses: batch.to_vec(),
            device_clock: None,
            filtered_presses: vec![],
        };
        let receipt: UploadReceipt = agent
            .post(format!("{base}/responses"))
            .header("Authorization", format!("Bearer {}", pair.token))
            .send_json(&body)
            .unwrap()
            .body_mut()
            .read_json()
            .unwrap();
        stored += receipt.results.iter().filter(|r| r.outcome == Outcome::Stored).count();
    }
    (responses.len() as f64 / started.elapsed().as_secs_f64(), stored)
}

fn main() {
    let api_dir = tempfile::tempdir().unwrap();
    let (api_rate, stored) = through_the_api(api_dir.path());
    assert_eq!(stored, ANSWERS, "every answer stored once");
    let raw_dir = tempfile::tempdir().unwrap();
    let responses = answers(&Store::open(api_dir.path()).unwrap());
    let raw_rate = raw_inserts(raw_dir.path(), &responses);
    let per = responses[0].answers.len();
    println!("{ANSWERS} kiosk answers, {per} answers each, batches of {BATCH}, WAL + synchronous=FULL");
    println!(
        "raw batched inserts of the same rows: {raw_rate:.0} responses/s ({:.0} rows/s)",
        raw_rate * (per as f64 + 1.0)
    );
    println!("through the sync API (HTTP, validation, exactly-once, report counts): {api_rate:.0} responses/s");
    println!("ratio: {:.2} (target at least 0.50)", api_rate / raw_rate);
}
