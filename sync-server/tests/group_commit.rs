//! Web surveys sent at the same moment are committed together by one writer: each is stored once and
//! durably, the ones that cannot be stored are refused alone, and the report counts stay exact.

// Test helpers may unwrap: a panic is how a test reports a broken premise.
#![allow(clippy::unwrap_used)]

use std::collections::HashMap;

use rusqlite::Connection;
use survey::sync::SyncDecision;
use survey::{AnswerValue, Channel, QuestionKey, Response};
use sync_server::store::{DB_FILE, Store, StoreError};

fn survey(version: u32, overall: u8) -> Response {
    let mut r = Response::new("urzad", version, Channel::Web);
    r.answers.insert(QuestionKey::parse("ogolna_ocena").unwrap(), AnswerValue::Rating(overall));
    r
}

#[test]
fn concurrent_surveys_resends_and_refusals_end_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    store.create_office("urzad", "Urząd Gminy Testowo").unwrap();

    let originals: Vec<Response> = (0..300).map(|i| survey(1, 1 + (i % 5) as u8)).collect();
    let mut sent: Vec<(&'static str, Response)> = Vec::new();
    for (i, r) in originals.iter().enumerate() {
        sent.push(("nowa", r.clone()));
        if i % 3 == 0 {
            sent.push(("ponowna", r.clone()));
        }
        if i % 10 == 0 {
            let mut changed = r.clone();
            changed
                .answers
                .insert(QuestionKey::parse("ogolna_ocena").unwrap(), AnswerValue::Rating(6 - (1 + (i % 5) as u8)));
            if changed != *r {
                sent.push(("zmieniona", changed));
            }
        }
        if i % 25 == 0 {
            sent.push(("odrzucona", survey(9, 4)));
        }
    }

    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(4).build().unwrap();
    let outcomes: Vec<(&str, uuid::Uuid, Result<SyncDecision, StoreError>)> = runtime.block_on(async {
        let tasks: Vec<_> = sent
            .into_iter()
            .map(|(kind, r)| {
                let store = store.clone();
                tokio::spawn(async move {
                    (kind, r.id, {
                        let counted = survey::capture_time::CountedTime { at: r.captured_at, replaced: false };
                        store.record_web_response(r, counted).await
                    })
                })
            })
            .collect();
        let mut outcomes = Vec::new();
        for task in tasks {
            outcomes.push(task.await.unwrap());
        }
        outcomes
    });

    let mut stored_per_id: HashMap<uuid::Uuid, usize> = HashMap::new();
    let (mut conflicts, mut refused) = (0, 0);
    for (kind, id, outcome) in &outcomes {
        match outcome {
            Ok(SyncDecision::Store) => *stored_per_id.entry(*id).or_default() += 1,
            Ok(SyncDecision::AlreadyStored) => {}
            Ok(SyncDecision::Conflict) => conflicts += 1,
            Err(StoreError::UnknownQuestionnaireVersion { .. }) if *kind == "odrzucona" => refused += 1,
            Err(e) => panic!("unexpected error for a {kind} survey: {e}"),
        }
    }
    // Every survey is stored exactly once, whichever of its copies arrived first.
    assert_eq!(stored_per_id.len(), 300);
    assert!(stored_per_id.values().all(|&n| n == 1), "{stored_per_id:?}");
    assert_eq!(refused, 12);
    // A changed copy is kept aside, never counted: at least one per changed survey (two when the changed
    // copy came first and both identical copies of the original came after it).
    assert!(conflicts >= 30, "{conflicts}");
    assert_eq!(store.conflict_count().unwrap(), conflicts);

    let counted: u64 = store.response_counts("urzad").unwrap().iter().map(|(_, n)| n).sum();
    assert_eq!(counted, 300);
    assert!(store.report_counts_agree().unwrap());

    // Durable: a fresh connection (as after a restart) sees every acknowledged survey.
    drop(store);
    let on_disk: i64 = Connection::open(dir.path().join(DB_FILE))
        .unwrap()
        .query_row("SELECT count(*) FROM responses", [], |r| r.get(0))
        .unwrap();
    assert_eq!(on_disk, 300);
}
