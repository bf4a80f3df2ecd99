//! The admin panel in a real headless Chromium, driven by `tests/browser/admin.mjs` against a real server
//! on loopback: login, a paper sheet typed in by keyboard alone, its correction, a new questionnaire
//! version with its archived report, the audit log, a kiosk with its PIN shown once and an easy PIN refused,
//! and axe-core on every admin page.

// Test helpers may unwrap: a panic is how a test reports a broken premise.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;
use std::process::Command;

use survey::{AnswerValue, Channel, QuestionKey};
use sync_server::http::AppState;
use sync_server::store::{NewAdmin, Store};

#[test]
fn an_admin_runs_the_study_in_chromium_and_axe_finds_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    store.create_office("urzad", "Urząd Gminy Testowo").unwrap();
    let password = "Haslo-Do-Testu-123";
    let hash = sync_server::password::hash(password).unwrap();
    store.create_admin(&NewAdmin { login: "sekretarz", password_hash: &hash, office_slug: Some("urzad") }).unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let addr = listener.local_addr().unwrap();
    runtime.spawn(sync_server::serve::serve_on(listener, AppState::new(store.clone()), std::future::pending()));

    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("browser/admin.mjs");
    let out = Command::new("node")
        .arg(&script)
        .args([format!("http://{addr}"), "sekretarz".into(), password.into()])
        .output()
        .unwrap_or_else(|e| panic!("cannot run node (scripts/install-deps installs it): {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "browser test failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    let summary: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    for (page, result) in summary["axe"].as_object().unwrap() {
        assert_eq!(result["violations"], 0, "{page}");
    }
    assert_eq!(summary["axe"].as_object().unwrap().len(), 17, "every admin page is checked");

    // The sheet typed in by keyboard, as corrected: one paper response, overall 2, with the typed answers.
    let stored = store.responses_of("urzad").unwrap();
    assert_eq!(stored.len(), 1);
    let sheet = &stored[0];
    assert_eq!(sheet.channel, Channel::Paper);
    assert_eq!(sheet.paper_serial.as_deref(), Some("P-0001"));
    let answer = |k: &str| sheet.answers.get(&QuestionKey::parse(k).unwrap()).cloned();
    assert_eq!(answer("ogolna_ocena"), Some(AnswerValue::Rating(2)));
    assert_eq!(answer("komorka"), Some(AnswerValue::Choice("inna".into())));
    assert_eq!(answer("czestotliwosc"), Some(AnswerValue::Choice("kilka_razy_w_roku".into())));
    assert_eq!(answer("lokalizacja"), Some(AnswerValue::Rating(5)));
    assert_eq!(answer("parking"), Some(AnswerValue::NotApplicable));
    assert_eq!(answer("strona_internetowa"), Some(AnswerValue::Rating(3)));
    assert_eq!(store.current_questionnaire("urzad").unwrap().version, 2);
}
