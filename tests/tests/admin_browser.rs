//! The admin panel in a real headless Chromium, driven by `tests/browser/admin.mjs` against a real server
//! on loopback: login, a paper sheet typed in by keyboard alone, its correction, a new questionnaire
//! version with its archived report, the audit log, a nadzór account created and its forced password
//! change at the first login, a kiosk with its PIN shown once and an easy PIN refused, a report archived, published and given a corrective action by keyboard
//! alone, the information clause, the accessibility statement, the operator's host name form, axe-core on
//! every admin page and the public results pages; and an office full of sample data: its dashboard and a
//! report made with one press on the form as it starts.

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
    // A second office, full of sample data, for the dashboard and the report form as a newcomer sees them.
    store.create_office("demo", "Urząd Gminy Pokazowej").unwrap();
    store.create_admin(&NewAdmin { login: "pokaz", password_hash: &hash, office_slug: Some("demo") }).unwrap();
    let today = sync_server::local_time::local(chrono::Utc::now()).date();
    sync_server::sample_data::fill(&store, "demo", today).unwrap();
    store.create_admin(&NewAdmin { login: "operator", password_hash: &hash, office_slug: None }).unwrap();
    // An alert waiting on the office's alerts page (and its badge on every page).
    let alert = sync_server::store::NewAlert {
        office_id: Some(store.office("urzad").unwrap().id),
        kind: "silent_kiosk",
        dedupe_key: "silent_kiosk:1:nigdy".into(),
        title: "Kiosk „parter” milczy".into(),
        details: "Kiosk „parter” nie łączy się z serwerem od 90 min w godzinach otwarcia.".into(),
    };
    let mail = sync_server::store::Mail { subject: "s".into(), text: "t".into(), html: "h".into() };
    store.raise_alert(&alert, &mail, &[], "2026-12-01T10:00:00Z").unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let addr = listener.local_addr().unwrap();
    runtime.spawn(sync_server::serve::serve_on(listener, AppState::new(store.clone()), std::future::pending()));

    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("browser/admin.mjs");
    let out = Command::new("node")
        .arg(&script)
        .args([format!("http://{addr}"), "sekretarz".into(), password.into(), "pokaz".into(), "operator".into()])
        .output()
        .unwrap_or_else(|e| panic!("cannot run node (scripts/install-deps installs it): {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "browser test failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    let summary: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    for (page, result) in summary["axe"].as_object().unwrap() {
        assert_eq!(result["violations"], 0, "{page}");
    }
    assert_eq!(summary["axe"].as_object().unwrap().len(), 40, "every admin page is checked");
    assert!(summary["steps"].as_array().unwrap().iter().any(|s| s == "forced_password_change"));
    // The account made in the browser has its own password now, and is read-only.
    // The alert acknowledged in the browser, with the comment typed there.
    let acknowledged = store.alerts(Some(store.office("urzad").unwrap().id), true, 5).unwrap();
    assert_eq!(acknowledged[0].state, sync_server::store::AlertState::Acknowledged);
    assert_eq!(acknowledged[0].comment, "Informatyk sprawdza zasilanie");
    let nadzor = store.admin_by_login("jan.nadzor").unwrap().unwrap();
    assert_eq!(nadzor.role, sync_server::store::Role::Supervisor);
    assert!(!nadzor.must_change_password);
    assert!(sync_server::password::verify("Nadzor-Wlasne-Haslo-9", &nadzor.password_hash));
    let steps = summary["steps"].as_array().unwrap();
    assert!(steps.iter().any(|s| s == "report_one_press"), "{steps:?}");
    for step in [
        "report_archived_by_keyboard",
        "published_by_keyboard",
        "action_added_by_keyboard",
        "public_results",
        "alert_acknowledged",
    ] {
        assert!(summary["steps"].as_array().unwrap().iter().any(|s| s == step), "{step}");
    }

    // What the keyboard-only run left: the archived report published with the typed sign-off, and the action.
    let office = store.office("urzad").unwrap();
    let publications = store.publications(office.id).unwrap();
    assert_eq!(publications.len(), 1);
    assert_eq!(publications[0].sign_off.prepared_by, "sekretarz");
    assert_eq!(publications[0].sign_off.approved_by, "Jan Kowalski, Wójt Gminy");
    let actions = store.report_actions(office.id, publications[0].report_id).unwrap();
    assert_eq!(actions.len(), 1);
    assert_eq!(actions[0].input.what, "Tablica z planem budynku przy wejściu");
    assert_eq!(actions[0].input.deadline.to_string(), "2027-06-30");
    assert_eq!(actions[0].input.status, sync_server::store::ActionStatus::Planned);
    assert_eq!(actions[0].input.notes, "Projekt tablicy gotowy.");
    // What the browser saved: the default clause restored, the statement with its status.
    assert_eq!(office.privacy_notice, None);
    let statement = store.accessibility_statement(office.id).unwrap();
    assert_eq!(statement.status, Some(sync_server::store::Compliance::Partial));
    assert_eq!(statement.non_conformities, "Raport PDF nie ma struktury nagłówków.");
    assert!(statement.missing().is_empty());

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
