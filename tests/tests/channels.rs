//! Across crates: answers from every channel go through the server's intake into a real SQLite file, a
//! real server answers on a loopback port, and the figures the survey crate computes from what was
//! stored are the figures expected by hand.

// Test helpers may unwrap: a panic is how a test reports a broken premise.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;

use survey::scoring::{RatingStats, Scorecard};
use survey::wire::Outcome;
use survey::{AnswerValue, Channel, QuestionKey, Response};
use sync_server::ingest::ingest;
use sync_server::store::Store;

fn key(k: &str) -> QuestionKey {
    QuestionKey::parse(k).unwrap()
}

fn answer(channel: Channel, overall: u8, extra: &[(&str, AnswerValue)]) -> Response {
    let mut r = Response::new("urzad", 1, channel);
    r.answers.insert(key("ogolna_ocena"), AnswerValue::Rating(overall));
    for (k, v) in extra {
        r.answers.insert(key(k), v.clone());
    }
    if channel == Channel::KioskTouch || channel == Channel::KioskButtons {
        r.device = Some("kiosk-parter".into());
    }
    r
}

#[test]
fn every_channel_is_stored_once_and_scored_the_same_way() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    store.create_office("urzad", "Urząd Gminy Testowo").unwrap();

    let mut sheet = answer(Channel::Paper, 2, &[("czystosc", AnswerValue::Rating(3))]);
    sheet.paper_serial = Some("A-001".into());
    let responses = vec![
        answer(Channel::Web, 5, &[("czystosc", AnswerValue::Rating(4))]),
        answer(Channel::KioskTouch, 4, &[]),
        answer(Channel::KioskButtons, 1, &[]),
        sheet,
        answer(Channel::Web, 3, &[("czystosc", AnswerValue::NotApplicable)]),
    ];
    for r in &responses {
        assert_eq!(ingest(&store, r).unwrap(), Outcome::Stored);
        // A resend, as a kiosk retrying after a lost acknowledgement would make.
        assert_eq!(ingest(&store, r).unwrap(), Outcome::AlreadyStored);
    }

    let counts: BTreeMap<Channel, u64> = store.response_counts("urzad").unwrap().into_iter().collect();
    assert_eq!(counts[&Channel::Web], 2);
    assert_eq!(counts[&Channel::KioskTouch], 1);
    assert_eq!(counts[&Channel::KioskButtons], 1);
    assert_eq!(counts[&Channel::Paper], 1);

    // Overall ratings 5, 4, 1, 2, 3: mean 3, 40 % satisfied, 40 % dissatisfied, index 50.
    let q = store.current_questionnaire("urzad").unwrap();
    let card = Scorecard::from_answers(&q, responses.iter().map(|r| &r.answers));
    assert_eq!(card.overall, RatingStats::from_counts([1, 1, 1, 1, 1], 0));
    assert_eq!(card.overall.mean(), Some(3.0));
    assert_eq!(card.overall.pct_satisfied(), Some(40.0));
    assert_eq!(card.overall.index(), Some(50.0));
    // czystosc: 4, 3 and one "nie dotyczy" → n 2, mean 3.5.
    assert_eq!(card.items[&key("czystosc")], RatingStats::from_counts([0, 0, 1, 1, 0], 1));
}

#[test]
fn the_server_answers_on_a_real_loopback_port() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let addr = listener.local_addr().unwrap();
    let app = sync_server::http::app(sync_server::http::AppState::new(store));
    runtime.spawn(async move { axum_serve(listener, app).await });

    let mut reply = ureq::get(format!("http://{addr}/healthz")).call().unwrap();
    assert_eq!(reply.status(), 200);
    let body: serde_json::Value = serde_json::from_str(&reply.body_mut().read_to_string().unwrap()).unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], "ok");

    let missing = ureq::get(format!("http://{addr}/nie-ma-takiej-strony")).call();
    assert!(matches!(missing, Err(ureq::Error::StatusCode(404))), "{missing:?}");
}

async fn axum_serve(listener: tokio::net::TcpListener, app: axum::Router) {
    if let Err(e) = axum::serve(listener, app).await {
        panic!("server stopped: {e}");
    }
}
