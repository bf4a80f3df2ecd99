//! The web survey in a real headless Chromium (Debian's `chromium`), driven by `tests/browser/web_survey.mjs`
//! (playwright-core) against a real server on a loopback port: keyboard-only in Polish, by mouse in
//! English, errors in Ukrainian keeping what was entered, 200 % zoom, and axe-core on every page with zero
//! WCAG 2.1 A/AA violations. Then the answers the browser sent are checked in the database.

// Test helpers may unwrap: a panic is how a test reports a broken premise.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;
use std::process::Command;

use survey::{AnswerValue, Channel, QuestionKey, Response};
use sync_server::http::AppState;
use sync_server::store::Store;

fn key(k: &str) -> QuestionKey {
    QuestionKey::parse(k).unwrap()
}

#[test]
fn residents_fill_in_the_survey_in_chromium_and_axe_finds_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    store.create_office("urzad", "Urząd Gminy Testowo").unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let addr = listener.local_addr().unwrap();
    runtime.spawn(sync_server::serve::serve_on(listener, AppState::new(store.clone()), std::future::pending()));

    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("browser/web_survey.mjs");
    let out = Command::new("node")
        .arg(&script)
        .arg(format!("http://{addr}"))
        .output()
        .unwrap_or_else(|e| panic!("cannot run node (scripts/install-deps installs it): {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "browser test failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));

    let summary: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    let pages = summary["axe"].as_object().unwrap();
    for page in [
        "home",
        "survey_pl",
        "survey_uk",
        "errors",
        "thanks",
        "statement",
        "privacy_pl",
        "privacy_en",
        "not_found",
        "banner_kit",
    ] {
        assert_eq!(pages[page]["violations"], 0, "{page}");
    }
    assert_eq!(summary["scenarios"], serde_json::json!(["keyboard_pl", "mouse_en", "errors_kept_uk", "zoom_200"]));

    // Exactly the three surveys the browser sent, with the answers it gave.
    let stored: Vec<Response> = store.responses_of("urzad").unwrap();
    assert_eq!(stored.len(), 3, "{stored:#?}");
    assert!(stored.iter().all(|r| r.channel == Channel::Web));
    let overall: Vec<&AnswerValue> = stored.iter().map(|r| &r.answers[&key("ogolna_ocena")]).collect();
    assert_eq!(overall, [&AnswerValue::Rating(4), &AnswerValue::Rating(5), &AnswerValue::Rating(3)]);
    assert_eq!(stored[0].answers[&key("co_poprawic")], AnswerValue::Text("Więcej ławek w poczekalni, proszę.".into()));
    assert_eq!(stored[1].answers[&key("plec")], AnswerValue::Choice("kobieta".into()));
    assert_eq!(stored[1].answers[&key("parking")], AnswerValue::NotApplicable);
    assert_eq!(stored[2].answers[&key("lokalizacja")], AnswerValue::Rating(2));
    assert_eq!(stored[2].answers[&key("inne_uwagi")], AnswerValue::Text("Дякую за допомогу".into()));
}
