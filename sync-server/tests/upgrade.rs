//! Upgrading in place: a database of the previous schema (version 5, before the report counts) is
//! brought up to date when the server opens it, its responses are counted, and nothing is lost.

// Test helpers may unwrap: a panic is how a test reports a broken premise.
#![allow(clippy::unwrap_used)]

use chrono::{NaiveDate, TimeZone, Utc};
use survey::{AnswerValue, Channel, QuestionKey, Response};
use sync_server::ingest::ingest;
use sync_server::store::{ReportFilter, Store};

#[test]
fn a_version_5_database_is_upgraded_and_its_responses_counted() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let office = store.create_office("urzad", "Urząd Gminy Testowo").unwrap();
    for (day, rating) in [(5, 5), (6, 4), (7, 2)] {
        let mut r = Response::new("urzad", 1, Channel::Web);
        r.captured_at = Utc.with_ymd_and_hms(2026, 5, day, 10, 0, 0).unwrap();
        r.answers.insert(QuestionKey::parse("ogolna_ocena").unwrap(), AnswerValue::Rating(rating));
        ingest(&store, &r).unwrap();
    }
    let path = store.path().to_owned();
    drop(store);
    // What version 5 had: everything but the report counts.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "DROP TABLE tally; ALTER TABLE reports DROP COLUMN pdf; ALTER TABLE reports DROP COLUMN pdf_checksum; PRAGMA user_version = 5;",
    )
    .unwrap();
    drop(conn);

    let store = Store::open(dir.path()).unwrap();
    let version: i64 =
        rusqlite::Connection::open(&path).unwrap().query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    let fresh = tempfile::tempdir().unwrap();
    let latest: i64 = rusqlite::Connection::open(Store::open(fresh.path()).unwrap().path())
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, latest);
    let filter = ReportFilter {
        office_id: office.id,
        from: NaiveDate::from_ymd_opt(2026, 5, 1).unwrap(),
        to: NaiveDate::from_ymd_opt(2026, 5, 31).unwrap(),
        department: None,
        channels: vec![],
    };
    let counts = store.period_counts(&filter, "ogolna_ocena").unwrap();
    assert_eq!(counts.by_channel[&Channel::Web], 3);
    assert_eq!(counts.items[&QuestionKey::parse("ogolna_ocena").unwrap()].distribution, [0, 1, 0, 1, 1]);
    assert!(store.report_counts_agree().unwrap());
    assert_eq!(store.responses_of("urzad").unwrap().len(), 3);
}
