//! Upgrading in place: `fixtures/release-v5.sqlite3` was written by the previous release's own binary
//! (schema version 5: before the report counts and archived PDFs; see `fixtures/make-release-fixture`).
//! Opened by this build it is upgraded, its responses are counted for reports, and nothing is lost: the
//! answers, the admin who could log in, the paired kiosk.

// Test helpers may unwrap: a panic is how a test reports a broken premise.
#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use survey::{Channel, QuestionKey};
use sync_server::store::{DB_FILE, ReportFilter, Store};

fn schema_version(path: &std::path::Path) -> i64 {
    rusqlite::Connection::open(path).unwrap().query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap()
}

#[test]
fn a_database_of_the_previous_release_is_upgraded_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/release-v5.sqlite3");
    std::fs::copy(&fixture, dir.path().join(DB_FILE)).unwrap();
    assert_eq!(schema_version(&dir.path().join(DB_FILE)), 5);

    let store = Store::open(dir.path()).unwrap();
    let fresh = tempfile::tempdir().unwrap();
    assert_eq!(schema_version(store.path()), schema_version(Store::open(fresh.path()).unwrap().path()));

    // The three kiosk answers (5, 4 and a button press of 2 on 5–7 May 2026) are there and counted.
    assert_eq!(store.responses_of("urzad").unwrap().len(), 3);
    let office = store.office("urzad").unwrap();
    let may = ReportFilter {
        office_id: office.id,
        from: NaiveDate::from_ymd_opt(2026, 5, 1).unwrap(),
        to: NaiveDate::from_ymd_opt(2026, 5, 31).unwrap(),
        department: None,
        channels: vec![],
    };
    let counts = store.period_counts(&may, "ogolna_ocena").unwrap();
    assert_eq!(counts.by_channel[&Channel::KioskTouch], 2);
    assert_eq!(counts.by_channel[&Channel::KioskButtons], 1);
    assert_eq!(counts.items[&QuestionKey::parse("ogolna_ocena").unwrap()].distribution, [0, 1, 0, 1, 1]);
    assert!(store.report_counts_agree().unwrap());
    let report = sync_server::documents::report_figures::generate(&store, &office, may, 5).unwrap();
    assert_eq!(report.comments.len(), 1);

    // The admin created by the old release still logs in; the offices and the kiosk are kept.
    let admin = store.admin_by_login("stary").unwrap().unwrap();
    assert!(sync_server::password::verify("Stare-Haslo-Wydania-1", &admin.password_hash));
    // Rebuilt by migration 0009 with the same id and role; a password someone chose need not change.
    assert_eq!(admin.role, sync_server::store::Role::OfficeAdmin);
    assert_eq!(admin.office_id, Some(office.id));
    assert!(!admin.must_change_password && admin.disabled_at.is_none());
    let token = store.start_session(admin.id).unwrap();
    assert_eq!(store.session(&token).unwrap().unwrap().admin.id, admin.id);
    assert_eq!(store.offices().unwrap().len(), 2);
    assert_eq!(store.devices(office.id).unwrap().len(), 1);
}

#[test]
fn a_database_of_a_newer_release_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DB_FILE);
    std::fs::copy(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/release-v5.sqlite3"), &path)
        .unwrap();
    rusqlite::Connection::open(&path).unwrap().execute_batch("PRAGMA user_version = 99").unwrap();
    let digest = |p: &std::path::Path| blake3::hash(&std::fs::read(p).unwrap()).to_hex().to_string();
    let before = digest(&path);
    let err = Store::open(dir.path()).err().unwrap().to_string();
    assert!(err.contains("wersję schematu 99") && err.contains("nowszej wersji programu"), "{err}");
    assert_eq!(digest(&path), before, "the newer database is not touched");
}
