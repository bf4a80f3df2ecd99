//! Random and mangled input against the server's decoders: the sync API (JSON batches, pairing), the web
//! survey form and paper entry get generated bodies — arbitrary bytes, valid bodies with bytes flipped,
//! forms of known fields with arbitrary values. No request may crash the server or get a 5xx, and what
//! is stored stays consistent. A bounded random search (proptest, a few hundred cases per surface), run
//! in every test pass; not coverage-guided fuzzing.

// Test helpers may unwrap: a panic is how a test reports a broken premise.
#![allow(clippy::unwrap_used)]

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use survey::wire::{PairReply, UploadBatch, WIRE_VERSION};
use survey::{AnswerValue, Channel, QuestionKey, Response};
use sync_server::http::AppState;
use sync_server::store::{NewAdmin, Store};

struct Target {
    store: Store,
    base: String,
    agent: ureq::Agent,
    token: String,
    cookie: String,
    csrf: String,
    _dir: tempfile::TempDir,
    _runtime: tokio::runtime::Runtime,
}

fn status(r: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> u16 {
    let mut r = r.unwrap();
    let _ = r.body_mut().read_to_vec();
    r.status().as_u16()
}

fn target() -> Target {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let office = store.create_office("urzad", "Urząd Gminy Testowo").unwrap();
    let hash = sync_server::password::hash("Haslo-Do-Testu-123").unwrap();
    store.create_admin(&NewAdmin { login: "a", password_hash: &hash, office_slug: Some("urzad") }).unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let state = AppState {
        limiter: std::sync::Arc::new(sync_server::http::public::rate_limit::RateLimiter::new(u32::MAX)),
        ..AppState::new(store.clone())
    };
    runtime.spawn(sync_server::serve::serve_on(listener, state, std::future::pending()));
    let agent = ureq::Agent::config_builder().http_status_as_error(false).max_redirects(0).build().new_agent();
    let code = store.enroll_device(office.id, "a", "parter").unwrap().code;
    let pair: PairReply = agent
        .post(format!("{base}/api/v1/pair"))
        .send_json(serde_json::json!({ "wire_version": WIRE_VERSION, "code": code }))
        .unwrap()
        .body_mut()
        .read_json()
        .unwrap();
    let login = agent
        .post(format!("{base}/admin/logowanie"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .send("login=a&password=Haslo-Do-Testu-123")
        .unwrap();
    let cookie = login.headers().get("set-cookie").unwrap().to_str().unwrap().split(';').next().unwrap().to_owned();
    let page = agent
        .get(format!("{base}/admin/urzad/urzad/papier"))
        .header("Cookie", &cookie)
        .call()
        .unwrap()
        .body_mut()
        .read_to_string()
        .unwrap();
    let csrf = page.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    Target { store, base, agent, token: pair.token, cookie, csrf, _dir: dir, _runtime: runtime }
}

fn valid_batch() -> Vec<u8> {
    let mut r = Response::new("urzad", 1, Channel::KioskTouch);
    r.answers.insert(QuestionKey::parse("ogolna_ocena").unwrap(), AnswerValue::Rating(4));
    r.answers.insert(QuestionKey::parse("inne_uwagi").unwrap(), AnswerValue::Text("Dziękuję".into()));
    let batch = UploadBatch {
        wire_version: WIRE_VERSION,
        device: "parter".into(),
        responses: vec![r],
        device_clock: None,
        filtered_presses: vec![],
    };
    serde_json::to_vec(&batch).unwrap()
}

/// A valid body with some bytes replaced, or arbitrary bytes.
fn mangled(valid: Vec<u8>) -> impl Strategy<Value = Vec<u8>> {
    let len = valid.len();
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..2048),
        prop::collection::vec((0..len, any::<u8>()), 1..8).prop_map(move |edits| {
            let mut body = valid.clone();
            for (at, byte) in edits {
                body[at] = byte;
            }
            body
        }),
        (0..len).prop_map({
            let valid = valid_batch();
            move |cut| valid[..cut.min(valid.len())].to_vec()
        }),
    ]
}

/// A form of known and unknown field names with arbitrary values, percent-encoded.
fn form(fields: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop::collection::vec((prop::sample::select(fields), ".{0,40}"), 0..12).prop_map(|pairs| {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in pairs {
            s.append_pair(k, &v);
        }
        s.finish()
    })
}

const SURVEY_FIELDS: &[&str] = &[
    "lang",
    "version",
    "token",
    "website",
    "q_ogolna_ocena",
    "q_komorka",
    "q_sprawa_zalatwiona",
    "q_parking",
    "q_powody_wizyty",
    "q_co_poprawic",
    "q_plec",
    "q_nieznane",
    "csrf",
];
const PAPER_FIELDS: &[&str] = &[
    "token",
    "serial",
    "date",
    "q_ogolna_ocena",
    "q_komorka",
    "q_czestotliwosc",
    "q_parking",
    "q_lokalizacja",
    "q_co_poprawic",
    "q_wiek",
    "q_x",
];

#[test]
fn no_request_body_crashes_the_server_or_gets_a_5xx() {
    let t = target();
    let mut runner = TestRunner::new(Config { cases: 300, failure_persistence: None, ..Config::default() });
    runner
        .run(&mangled(valid_batch()), |body| {
            let s = status(
                t.agent
                    .post(format!("{}/api/v1/responses", t.base))
                    .header("Authorization", format!("Bearer {}", t.token))
                    .header("Content-Type", "application/json")
                    .send(&body[..]),
            );
            prop_assert!(s < 500, "sync upload answered {s}");
            let s = status(
                t.agent
                    .post(format!("{}/api/v1/pair", t.base))
                    .header("Content-Type", "application/json")
                    .send(&body[..]),
            );
            prop_assert!(s < 500, "pairing answered {s}");
            Ok(())
        })
        .unwrap();
    runner
        .run(&form(SURVEY_FIELDS), |body| {
            let s = status(
                t.agent
                    .post(format!("{}/urzad/ankieta", t.base))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .send(body.as_bytes()),
            );
            prop_assert!(s < 500, "the survey answered {s} to {body}");
            Ok(())
        })
        .unwrap();
    runner
        .run(&form(PAPER_FIELDS), |body| {
            let s = status(
                t.agent
                    .post(format!("{}/admin/urzad/urzad/papier", t.base))
                    .header("Cookie", &t.cookie)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .send(format!("csrf={}&{body}", t.csrf).as_bytes()),
            );
            prop_assert!(s < 500, "paper entry answered {s} to {body}");
            Ok(())
        })
        .unwrap();
    assert_eq!(status(t.agent.get(format!("{}/healthz", t.base)).call()), 200);
    assert!(t.store.report_counts_agree().unwrap());
}
