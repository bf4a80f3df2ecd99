//! The tablet at the counter (`/kiosk/`) in a real headless Chromium with a persistent profile, driven by
//! `tests/browser/tablet.mjs` through a proxy it steers, against a real server on a loopback port with a
//! real SQLite file. The admin enrols the tablet in the panel and later revokes it there. Then the
//! database is checked: every answer the tablet delivered is stored exactly once (50 given offline and
//! delivered after a reload offline, five whose receipt never arrived because the browser was closed,
//! three whose receipt was lost), and none of the answers the revoked tablet kept. An answer the browser
//! refuses to store shows "not saved", never the thank-you.
//!
//! With `TABLET_SCREENSHOT_DIR` set (`scripts/screenshots` points it at `docs/instrukcja/img`), the
//! tablet's screens are saved there for the manual.

// Test helpers may unwrap: a panic is how a test reports a broken premise.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;

use survey::Channel;
use sync_server::http::AppState;
use sync_server::store::{NewAdmin, Store};

fn strings(value: &serde_json::Value) -> Vec<String> {
    value.as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()).collect()
}

#[test]
fn a_tablet_works_offline_and_delivers_every_answer_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let office = store.create_office("urzad", "Urząd Gminy Testowo").unwrap();
    store.add_department("urzad", "usc", "Urząd Stanu Cywilnego").unwrap();
    store.add_department("urzad", "podatki", "Referat Podatków i Opłat").unwrap();
    let password = "Haslo-Do-Testu-123";
    let hash = sync_server::password::hash(password).unwrap();
    store.create_admin(&NewAdmin { login: "sekretarz", password_hash: &hash, office_slug: Some("urzad") }).unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let addr = listener.local_addr().unwrap();
    runtime.spawn(sync_server::serve::serve_on(listener, AppState::new(store.clone()), std::future::pending()));

    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut args = vec![format!("http://{addr}"), "sekretarz".into(), password.into()];
    if let Some(shots) = std::env::var_os("TABLET_SCREENSHOT_DIR") {
        std::fs::create_dir_all(&shots).unwrap();
        args.push(PathBuf::from(shots).display().to_string());
    }
    let out = Command::new("node")
        .arg(root.join("browser/tablet.mjs"))
        .args(&args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run node (scripts/install-deps installs it): {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "tablet browser test failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    let summary: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();

    let screens = summary["axe"].as_object().unwrap();
    for screen in [
        "pairing",
        "start",
        "start_en",
        "start_uk_large",
        "question_uk_large",
        "thanks",
        "privacy",
        "pin",
        "service",
        "revoked_start",
        "revoked_service",
        "not_saved",
    ] {
        assert_eq!(screens[screen]["violations"], 0, "{screen}");
    }
    assert_eq!(screens.len(), 12, "every tablet screen is checked: {screens:?}");
    assert_eq!(
        strings(&summary["scenarios"]),
        [
            "paired",
            "reload_offline",
            "offline_50",
            "closed_during_batch",
            "receipt_lost",
            "service_screen",
            "revoked_export",
            "not_saved"
        ]
    );

    // The questionnaire is fetched once and then asked for by its ETag: unchanged, 304 and no body.
    assert_eq!(summary["questionnaire_statuses"], serde_json::json!([200, 304]));

    // What the server said to each delivery.
    let receipts = &summary["receipts"];
    let outcomes = |name: &str| strings(&receipts[name]);
    assert_eq!(outcomes("offline"), vec!["stored"; 50], "the 50 answers given offline are new to the server");
    assert_eq!(outcomes("after_close"), vec!["already_stored"; 5], "the batch sent before the close is recognised");
    assert_eq!(outcomes("lost"), vec!["stored"; 3]);
    assert_eq!(outcomes("resent"), vec!["already_stored"; 3], "the resend after a lost receipt changes nothing");

    // Exactly the answers the tablet delivered, once each, and none of those the revoked tablet kept.
    let delivered: BTreeSet<String> = strings(&summary["delivered"]).into_iter().collect();
    let kept: BTreeSet<String> = strings(&summary["kept"]).into_iter().collect();
    assert_eq!(delivered.len(), 1 + 50 + 5 + 3 + 1, "one online, 50 offline, five, three, one in full mode");
    assert_eq!(kept.len(), 2);
    assert_eq!(strings(&summary["exported"]).into_iter().collect::<BTreeSet<_>>(), kept);
    let stored = store.responses_of("urzad").unwrap();
    let ids: Vec<String> = stored.iter().map(|r| r.id.to_string()).collect();
    assert_eq!(ids.len(), delivered.len(), "no answer stored twice, none missing");
    assert_eq!(ids.iter().cloned().collect::<BTreeSet<_>>(), delivered);
    assert!(kept.is_disjoint(&ids.iter().cloned().collect()));
    for r in &stored {
        assert_eq!(r.channel, Channel::KioskTouch);
        assert_eq!(r.device.as_deref(), Some("tablet-okienko-3"));
        assert!(r.id.get_version_num() == 7, "a UUIDv7 made on the tablet: {}", r.id);
    }

    // The panel sees the tablet like a kiosk: its heartbeat, its version, revoked at the end.
    let devices = store.devices(office.id).unwrap();
    let tablet = devices.iter().find(|d| d.name == "tablet-okienko-3").unwrap();
    assert_eq!(tablet.reported_version.as_deref(), Some("tablet-web 1"));
    assert_eq!(tablet.kind, survey::wire::DeviceKind::Tablet, "the heartbeat said it is a tablet");
    assert_eq!(tablet.reported_pending, Some(0));
    assert!(tablet.last_seen_at.is_some() && tablet.revoked_at.is_some());
}
