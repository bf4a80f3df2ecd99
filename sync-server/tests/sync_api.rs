//! The kiosks' sync API over real HTTP against a real SQLite file: pairing, exactly-once upload with
//! per-answer receipts, refusals one by one, revocation, structured errors, ETags, heartbeats and the
//! correction of a kiosk's wrong clock.

// Test helpers may unwrap: a panic is how a test reports a broken premise.
#![allow(clippy::unwrap_used)]

use chrono::{TimeZone, Utc};
use rusqlite::Connection;
use survey::validation::Problem;
use survey::wire::{
    ApiError, DeviceClock, Heartbeat, HeartbeatReply, Outcome, PairReply, PairRequest, QuestionnairePackage,
    UploadBatch, UploadReceipt, WIRE_VERSION,
};
use survey::{AnswerValue, CaptureClock, Channel, QuestionKey, Response};
use sync_server::http::AppState;
use sync_server::store::{DB_FILE, Store};

struct Api {
    dir: tempfile::TempDir,
    store: Store,
    base: String,
    agent: ureq::Agent,
    _runtime: tokio::runtime::Runtime,
}

fn api() -> Api {
    api_with(|state| state)
}

/// The API served with the state `configure` makes of the default one.
fn api_with(configure: impl FnOnce(AppState) -> AppState) -> Api {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    store.create_office("urzad", "Urząd Gminy Testowo").unwrap();
    store.create_office("inny", "Inny Urząd").unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let base = format!("http://{}/api/v1", listener.local_addr().unwrap());
    let state = configure(AppState::new(store.clone()));
    runtime.spawn(sync_server::serve::serve_on(listener, state, std::future::pending()));
    let agent = ureq::Agent::config_builder().http_status_as_error(false).build().new_agent();
    Api { dir, store, base, agent, _runtime: runtime }
}

impl Api {
    fn post<T: serde::Serialize>(&self, path: &str, token: Option<&str>, body: &T) -> (u16, String) {
        let mut req = self.agent.post(format!("{}{path}", self.base)).header("Content-Type", "application/json");
        if let Some(t) = token {
            req = req.header("Authorization", &format!("Bearer {t}"));
        }
        let mut r = req.send(serde_json::to_string(body).unwrap()).unwrap();
        (r.status().as_u16(), r.body_mut().read_to_string().unwrap())
    }

    fn paired(&self, office: &str, name: &str) -> String {
        let office = self.store.office(office).unwrap();
        let code = self.store.enroll_device(office.id, "test", name).unwrap().code;
        let (status, body) =
            self.post("/pair", None, &PairRequest { wire_version: WIRE_VERSION, code: code.to_lowercase() });
        assert_eq!(status, 200, "{body}");
        let reply: PairReply = serde_json::from_str(&body).unwrap();
        assert_eq!((reply.office.as_str(), reply.device.as_str()), (office.slug.as_str(), name));
        // The code worked once.
        let (status, body) = self.post("/pair", None, &PairRequest { wire_version: WIRE_VERSION, code });
        assert_eq!(status, 403);
        assert_eq!(serde_json::from_str::<ApiError>(&body).unwrap().code, "unknown_code");
        reply.token
    }

    fn upload(&self, token: &str, responses: Vec<Response>, clock: Option<DeviceClock>) -> Vec<Outcome> {
        let batch = UploadBatch {
            wire_version: WIRE_VERSION,
            device: "k".into(),
            responses,
            device_clock: clock,
            filtered_presses: vec![],
        };
        let (status, body) = self.post("/responses", Some(token), &batch);
        assert_eq!(status, 200, "{body}");
        serde_json::from_str::<UploadReceipt>(&body).unwrap().results.into_iter().map(|r| r.outcome).collect()
    }

    fn count(&self, sql: &str) -> i64 {
        Connection::open(self.dir.path().join(DB_FILE)).unwrap().query_row(sql, [], |r| r.get(0)).unwrap()
    }
}

fn kiosk_answer(office: &str, rating: u8) -> Response {
    let mut r = Response::new(office, 1, Channel::KioskTouch);
    r.device = Some("parter".into());
    r.answers.insert(QuestionKey::parse("ogolna_ocena").unwrap(), AnswerValue::Rating(rating));
    r
}

#[test]
fn answers_arrive_exactly_once_and_refusals_come_one_by_one() {
    let a = api();
    let token = a.paired("urzad", "parter");
    let good = kiosk_answer("urzad", 5);
    let mut out_of_range = kiosk_answer("urzad", 5);
    out_of_range.answers.insert(QuestionKey::parse("lokalizacja").unwrap(), AnswerValue::Rating(9));
    let foreign = kiosk_answer("inny", 4);
    let mut web = kiosk_answer("urzad", 3);
    web.channel = Channel::Web;
    let outcomes = a.upload(&token, vec![good.clone(), out_of_range, foreign, web], None);
    assert_eq!(outcomes[0], Outcome::Stored);
    let problems: Vec<String> = outcomes[1..]
        .iter()
        .map(|o| match o {
            Outcome::Rejected { errors } => {
                serde_json::to_value(&errors[0]).unwrap()["problem"].as_str().unwrap().to_owned()
            }
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(problems, ["out_of_range", "wrong_office", "wrong_channel"]);
    assert_eq!(a.count("SELECT count(*) FROM responses"), 1);

    // The same batch again (the acknowledgement was lost): nothing new.
    assert_eq!(a.upload(&token, vec![good.clone()], None), [Outcome::AlreadyStored]);
    let mut altered = good.clone();
    altered.answers.insert(QuestionKey::parse("ogolna_ocena").unwrap(), AnswerValue::Rating(1));
    assert_eq!(a.upload(&token, vec![altered], None), [Outcome::Conflict]);
    assert_eq!(a.count("SELECT count(*) FROM responses"), 1);
    assert_eq!(a.count("SELECT count(*) FROM response_conflicts"), 1);
    assert_eq!(a.count("SELECT rating FROM answers WHERE question_key = 'ogolna_ocena'"), 5);
}

#[test]
fn a_revoked_or_unknown_kiosk_is_refused_at_once() {
    let a = api();
    let token = a.paired("urzad", "parter");
    assert_eq!(a.upload(&token, vec![kiosk_answer("urzad", 4)], None), [Outcome::Stored]);
    let office = a.store.office("urzad").unwrap();
    let device = a.store.devices(office.id).unwrap().remove(0);
    assert!(a.store.revoke_device(office.id, "test", device.id).unwrap());
    for t in [token.as_str(), "nieznany-token"] {
        let batch = UploadBatch {
            wire_version: 1,
            device: "x".into(),
            responses: vec![kiosk_answer("urzad", 1)],
            device_clock: None,
            filtered_presses: vec![],
        };
        let (status, body) = a.post("/responses", Some(t), &batch);
        assert_eq!(status, 401);
        let e: ApiError = serde_json::from_str(&body).unwrap();
        assert_eq!(e.code, "unauthorized");
        assert!(e.message.contains("Sparuj kiosk ponownie"));
    }
    let (status, _) = a.post("/responses", None, &serde_json::json!({}));
    assert_eq!(status, 401);
    assert_eq!(a.count("SELECT count(*) FROM responses"), 1);
}

#[test]
fn bad_requests_get_structured_errors() {
    let a = api();
    let token = a.paired("urzad", "parter");
    let raw = |body: &str| {
        let mut r = a
            .agent
            .post(format!("{}/responses", a.base))
            .header("Authorization", &format!("Bearer {token}"))
            .header("Content-Type", "application/json")
            .send(body.to_owned())
            .unwrap();
        let status = r.status().as_u16();
        (status, serde_json::from_str::<ApiError>(&r.body_mut().read_to_string().unwrap()).unwrap())
    };
    let (status, e) = raw("{not json");
    assert_eq!((status, e.code.as_str()), (400, "bad_json"));
    let (status, e) = raw(r#"{"wire_version":9,"device":"k","responses":[]}"#);
    assert_eq!((status, e.code.as_str()), (400, "unsupported_wire_version"));
    let many: Vec<Response> = (0..501).map(|_| kiosk_answer("urzad", 3)).collect();
    let (status, e) = raw(&serde_json::to_string(&UploadBatch {
        wire_version: 1,
        device: "k".into(),
        responses: many,
        device_clock: None,
        filtered_presses: vec![],
    })
    .unwrap());
    assert_eq!((status, e.code.as_str()), (413, "batch_too_large"));
    let huge = format!(r#"{{"wire_version":1,"device":"{}","responses":[]}}"#, "x".repeat(9 * 1024 * 1024));
    let (status, e) = raw(&huge);
    assert_eq!((status, e.code.as_str()), (413, "too_large"));
    assert_eq!(a.count("SELECT count(*) FROM responses"), 0);
}

#[test]
fn the_questionnaire_comes_with_an_etag() {
    let a = api();
    let token = a.paired("urzad", "parter");
    let get = |etag: Option<&str>| {
        let mut req =
            a.agent.get(format!("{}/questionnaire", a.base)).header("Authorization", &format!("Bearer {token}"));
        if let Some(e) = etag {
            req = req.header("If-None-Match", e);
        }
        let mut r = req.call().unwrap();
        let etag = r.headers().get("etag").map(|v| v.to_str().unwrap().to_owned());
        (r.status().as_u16(), etag, r.body_mut().read_to_string().unwrap())
    };
    let (status, etag, body) = get(None);
    assert_eq!(status, 200);
    let package: QuestionnairePackage = serde_json::from_str(&body).unwrap();
    assert_eq!(package.office_name, "Urząd Gminy Testowo");
    assert_eq!(package.questionnaire.version, 1);
    let etag = etag.unwrap();
    assert_eq!(get(Some(&etag)).0, 304);
    a.store.add_department("urzad", "usc", "Urząd Stanu Cywilnego").unwrap();
    let (status, new_etag, body) = get(Some(&etag));
    assert_eq!(status, 200, "a change of the office's data is a new version of the package");
    assert_ne!(new_etag.unwrap(), etag);
    assert!(body.contains("Urząd Stanu Cywilnego"));
}

#[test]
fn a_wrong_kiosk_clock_is_corrected_and_reported() {
    let a = api();
    let token = a.paired("urzad", "parter");
    // After a power cut without network the kiosk believes it is 1 January 2000.
    let wrong = Utc.with_ymd_and_hms(2000, 1, 1, 0, 10, 0).unwrap();
    let boot = "8b1e0c52-3f7a-4d2b-9c11-2a4e5f6a7b8c";
    let mut answer = kiosk_answer("urzad", 4);
    answer.captured_at = wrong;
    answer.clock = Some(CaptureClock { boot_id: boot.into(), uptime_ms: 60_000 });
    let now = DeviceClock {
        monotonic: CaptureClock { boot_id: boot.into(), uptime_ms: 660_000 },
        wall: wrong + chrono::Duration::minutes(10),
    };
    assert_eq!(a.upload(&token, vec![answer.clone()], Some(now.clone())), [Outcome::Stored]);

    let stored: String = Connection::open(a.dir.path().join(DB_FILE))
        .unwrap()
        .query_row("SELECT captured_at FROM responses", [], |r| r.get(0))
        .unwrap();
    let stored = chrono::DateTime::parse_from_rfc3339(&stored).unwrap().with_timezone(&Utc);
    let expected = Utc::now() - chrono::Duration::minutes(10);
    assert!((stored - expected).num_seconds().abs() < 30, "stored {stored}, expected about {expected}");
    // The answer itself keeps what the kiosk said, so a resend is still the same answer.
    assert_eq!(a.upload(&token, vec![answer], Some(now.clone())), [Outcome::AlreadyStored]);

    let beat = Heartbeat {
        wire_version: 1,
        app_version: "0.1.0".into(),
        pending: 7,
        clock: now,
        free_disk_bytes: Some(1_000_000),
        service_pin_hash: None,
        device_kind: None,
    };
    let (status, _) = a.post("/heartbeat", Some(&token), &beat);
    assert_eq!(status, 200);
    let office = a.store.office("urzad").unwrap();
    let device = a.store.devices(office.id).unwrap().remove(0);
    assert_eq!(device.reported_pending, Some(7));
    assert!(device.clock_offset_secs.unwrap() < -800_000_000, "the offset shows the clock is decades behind");
}

/// The kiosk's own PIN: its hash comes with the pairing, a change made on the kiosk is taken from the
/// heartbeat (once, logged), a change in the panel goes back in the heartbeat reply, and a hash that is
/// not argon2id is refused without touching the one stored.
#[test]
fn the_service_pin_travels_with_pairing_and_heartbeats() {
    let a = api();
    let office = a.store.office("urzad").unwrap();
    let enrolment = a.store.enroll_device(office.id, "sekretarz", "parter").unwrap();
    assert_eq!(survey::service_pin::check(&enrolment.pin), Ok(()));
    let (status, body) = a.post("/pair", None, &PairRequest { wire_version: WIRE_VERSION, code: enrolment.code });
    assert_eq!(status, 200, "{body}");
    let reply: PairReply = serde_json::from_str(&body).unwrap();
    let at_pairing = reply.service_pin_hash.expect("the PIN's hash comes with the pairing");
    assert!(sync_server::password::verify(&enrolment.pin, &at_pairing), "the hash is of the PIN shown once");

    let clock = DeviceClock { monotonic: CaptureClock { boot_id: "b".into(), uptime_ms: 1 }, wall: Utc::now() };
    let beat = |hash: Option<String>| Heartbeat {
        wire_version: 1,
        app_version: "0.1.0".into(),
        pending: 0,
        clock: clock.clone(),
        free_disk_bytes: None,
        service_pin_hash: hash,
        device_kind: None,
    };
    let heartbeat = |hash: Option<String>| {
        let (status, body) = a.post("/heartbeat", Some(&reply.token), &beat(hash));
        (status, body)
    };
    let reply_pin = |body: &str| serde_json::from_str::<HeartbeatReply>(body).unwrap().service_pin_hash;
    let (status, body) = heartbeat(None);
    assert_eq!(status, 200, "{body}");
    assert_eq!(reply_pin(&body).as_deref(), Some(at_pairing.as_str()));

    // Changed on the kiosk: taken, and a resend changes nothing more.
    let from_kiosk = sync_server::kiosk_pin::hash("582914").unwrap();
    for _ in 0..2 {
        let (status, body) = heartbeat(Some(from_kiosk.clone()));
        assert_eq!(status, 200, "{body}");
        assert_eq!(reply_pin(&body).as_deref(), Some(from_kiosk.as_str()));
    }
    let changes = |s: &Store| {
        s.audit_log(office.id, 50).unwrap().into_iter().filter(|e| e.action == "zmiana PIN-u kiosku").count()
    };
    assert_eq!(changes(&a.store), 1);
    let device = a.store.devices(office.id).unwrap().remove(0);
    assert_eq!(device.service_pin_set_by.as_deref(), Some("kiosk"));

    // Changed in the panel: the next reply carries it.
    let in_panel = sync_server::kiosk_pin::hash("739152").unwrap();
    assert_eq!(
        a.store.set_device_pin(office.id, "sekretarz", device.id, &in_panel).unwrap().as_deref(),
        Some("parter")
    );
    let (_, body) = heartbeat(None);
    assert_eq!(reply_pin(&body).as_deref(), Some(in_panel.as_str()));
    assert_eq!(changes(&a.store), 2);

    // Not an argon2id hash: refused, the panel's PIN stays.
    let (status, body) = heartbeat(Some("1234".into()));
    assert_eq!(status, 422, "{body}");
    assert_eq!(serde_json::from_str::<ApiError>(&body).unwrap().code, "unusable_service_pin_hash");
    assert_eq!(a.store.device_pin_hash(device.id).unwrap().as_deref(), Some(in_panel.as_str()));
}

#[test]
fn the_api_is_documented() {
    let a = api();
    let mut r = a.agent.get(format!("{}/openapi.json", a.base)).call().unwrap();
    let doc: serde_json::Value = serde_json::from_str(&r.body_mut().read_to_string().unwrap()).unwrap();
    for path in ["/api/v1/pair", "/api/v1/responses", "/api/v1/questionnaire", "/api/v1/heartbeat"] {
        assert!(doc["paths"][path].is_object(), "{path} is not documented");
    }
}

#[test]
fn filtered_presses_are_checked_one_by_one_stored_once_and_counted_for_the_dashboard() {
    let a = api();
    let token = a.paired("urzad", "parter");
    let press = |reason: &str, button: u32| serde_json::json!({"id": uuid::Uuid::now_v7(), "captured_at": Utc::now(), "button": button, "reason": reason});
    let presses = vec![
        press("too_soon", 5),
        press("too_soon", 1),
        press("outside_hours", 3),
        press("made_up", 2),
        press("burst", 9),
        press("burst", 300),
    ];
    let batch = serde_json::json!({"wire_version": 1, "device": "k", "responses": [], "filtered_presses": presses});
    let refused = |receipt: &survey::wire::ItemReceipt| match &receipt.outcome {
        Outcome::Rejected { errors } => Some(errors[0].problem.clone()),
        _ => None,
    };
    for expected_new in [Outcome::Stored, Outcome::AlreadyStored] {
        let (status, body) = a.post("/responses", Some(&token), &batch);
        assert_eq!(status, 200, "{body}");
        let receipt: UploadReceipt = serde_json::from_str(&body).unwrap();
        let ids: Vec<String> = receipt.filtered_results.iter().map(|r| r.id.to_string()).collect();
        let sent: Vec<String> = presses.iter().map(|p| p["id"].as_str().unwrap().to_owned()).collect();
        assert_eq!(ids, sent, "one receipt per press, in order");
        for r in &receipt.filtered_results[..3] {
            assert_eq!(r.outcome, expected_new);
        }
        assert!(
            matches!(refused(&receipt.filtered_results[3]), Some(Problem::Unreadable { detail }) if detail.contains("made_up"))
        );
        assert_eq!(refused(&receipt.filtered_results[4]), Some(Problem::OutOfRange { min: 1, max: 5, got: 9 }));
        assert!(matches!(refused(&receipt.filtered_results[5]), Some(Problem::Unreadable { .. })));
    }
    let office = a.store.office("urzad").unwrap();
    assert_eq!(
        a.store.filtered_counts(office.id).unwrap(),
        vec![("outside_hours".to_string(), 1), ("too_soon".to_string(), 2)]
    );
}

#[test]
fn a_full_disk_is_a_503_the_kiosk_retries_and_nothing_is_lost() {
    let a = api();
    let token = a.paired("urzad", "parter");
    a.store.simulate_full_disk(true).unwrap();
    // Batches fill the free pages until one does not fit; that batch is refused as a whole.
    let mut acknowledged = 0;
    let (status, body, refused) = loop {
        let batch: Vec<Response> = (0..50).map(|i| kiosk_answer("urzad", (i % 5 + 1) as u8)).collect();
        let upload = UploadBatch {
            wire_version: WIRE_VERSION,
            device: "k".into(),
            responses: batch.clone(),
            device_clock: None,
            filtered_presses: vec![],
        };
        let (status, body) = a.post("/responses", Some(&token), &upload);
        if status != 200 {
            break (status, body, batch);
        }
        acknowledged += 50;
        assert!(acknowledged < 20_000, "the disk never filled up");
    };
    let e: ApiError = serde_json::from_str(&body).unwrap();
    assert_eq!((status, e.code.as_str()), (503, "disk_full"));
    assert!(e.message.contains("zapisane dane są nienaruszone"));
    assert_eq!(a.count("SELECT count(*) FROM responses"), acknowledged);
    a.store.simulate_full_disk(false).unwrap();
    assert!(a.upload(&token, refused.clone(), None).iter().all(|o| *o == Outcome::Stored));
    assert!(a.upload(&token, refused, None).iter().all(|o| *o == Outcome::AlreadyStored));
    assert_eq!(a.count("SELECT count(*) FROM responses"), acknowledged + 50);
}

/// Device clocks with numbers out of the ordinary used to panic the capture-time correction and fail the
/// whole batch with a 500, for ever. Now every answer gets its own outcome, and a capture time that
/// cannot be true is counted when received, flagged, and said on the report and the kiosk page.
#[test]
fn hostile_device_clocks_crash_nothing_and_impossible_times_are_counted_when_received() {
    let a = api();
    let token = a.paired("urzad", "parter");
    let boot = "8b1e0c52-3f7a-4d2b-9c11-2a4e5f6a7b8c";
    let answer = |captured_at, uptime_ms| {
        let mut r = kiosk_answer("urzad", 4);
        r.captured_at = captured_at;
        r.clock = Some(CaptureClock { boot_id: boot.into(), uptime_ms });
        r
    };
    let decades_ago = Utc.with_ymd_and_hms(1995, 6, 1, 10, 0, 0).unwrap();
    let centuries_ahead = Utc.with_ymd_and_hms(2466, 6, 1, 10, 0, 0).unwrap();
    let batches = [
        // Captured at uptime 0, sent at the largest uptime there is: "elapsed" is beyond any date.
        (vec![answer(Utc::now(), 0)], u64::MAX),
        (vec![answer(Utc::now(), u64::MAX)], u64::MAX),
        (vec![answer(Utc.with_ymd_and_hms(1900, 1, 1, 0, 0, 0).unwrap(), 5)], i64::MAX as u64),
        // Another boot: nothing to correct with; the device's times are impossible.
        (vec![answer(decades_ago, 5), answer(centuries_ahead, 5)], 1),
    ];
    for (responses, uptime_now) in batches {
        let clock = DeviceClock {
            monotonic: CaptureClock {
                boot_id: if uptime_now == 1 { "inny" } else { boot }.into(),
                uptime_ms: uptime_now,
            },
            wall: Utc::now(),
        };
        let outcomes = a.upload(&token, responses, Some(clock));
        assert!(outcomes.iter().all(|o| *o == Outcome::Stored), "{outcomes:?}");
    }
    assert_eq!(a.count("SELECT count(*) FROM responses"), 5);
    // Nothing is counted decades ago or centuries ahead: all five are within a minute of now.
    let days: Vec<String> = {
        let conn = Connection::open(a.dir.path().join(DB_FILE)).unwrap();
        let mut stmt = conn.prepare("SELECT captured_at FROM responses").unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
    };
    for day in days {
        let at = chrono::DateTime::parse_from_rfc3339(&day).unwrap();
        assert!((Utc::now() - at.to_utc()).num_seconds().abs() < 60, "counted at {day}");
    }
    // The three impossible ones are flagged (the first two were in range once corrected or as given).
    assert_eq!(a.count("SELECT count(*) FROM responses WHERE capture_time_replaced = 1"), 3);
    let office = a.store.office("urzad").unwrap();
    let device = a.store.devices(office.id).unwrap().remove(0);
    assert_eq!(device.capture_times_replaced, 3);
    let today = sync_server::local_time::local(Utc::now()).date();
    let filter = sync_server::store::ReportFilter {
        office_id: office.id,
        from: today - chrono::Duration::days(1),
        to: today,
        department: None,
        channels: vec![],
    };
    let report = sync_server::documents::report_figures::generate(&a.store, &office, filter, 1).unwrap();
    assert_eq!(report.capture_times_replaced, 3);
}

/// An answer that cannot be read or cannot be stored gets its own refusal; everything around it in the
/// batch is stored, and a resend of the batch changes nothing.
#[test]
fn a_poisoned_answer_in_the_middle_of_a_batch_does_not_block_the_rest() {
    let a = api();
    let token = a.paired("urzad", "parter");
    let good: Vec<Response> = (1..=4).map(|i| kiosk_answer("urzad", i)).collect();
    let value = |r: &Response| serde_json::to_value(r).unwrap();
    let mut unreadable = value(&kiosk_answer("urzad", 3));
    unreadable["answers"]["ogolna_ocena"] = serde_json::json!({"rating": 300});
    let poisoned_id = unreadable["id"].as_str().unwrap().to_owned();
    let mut not_an_object = serde_json::json!([1, 2, 3]);
    let mut newer_version = kiosk_answer("urzad", 5);
    newer_version.questionnaire_version = 99;
    let responses = vec![
        value(&good[0]),
        unreadable,
        value(&good[1]),
        std::mem::take(&mut not_an_object),
        value(&good[2]),
        value(&newer_version),
        value(&good[3]),
    ];
    let batch = serde_json::json!({"wire_version": 1, "device": "k", "responses": responses});
    for expected in [Outcome::Stored, Outcome::AlreadyStored] {
        let (status, body) = a.post("/responses", Some(&token), &batch);
        assert_eq!(status, 200, "{body}");
        let receipt: UploadReceipt = serde_json::from_str(&body).unwrap();
        assert_eq!(receipt.results.len(), 7);
        for i in [0, 2, 4, 6] {
            assert_eq!(receipt.results[i].outcome, expected, "item {i}");
        }
        let problem = |i: usize| match &receipt.results[i].outcome {
            Outcome::Rejected { errors } => errors[0].problem.clone(),
            other => panic!("item {i}: {other:?}"),
        };
        assert!(matches!(problem(1), Problem::Unreadable { .. }));
        assert_eq!(receipt.results[1].id.to_string(), poisoned_id, "the refusal names the answer");
        assert!(matches!(problem(3), Problem::Unreadable { .. }));
        assert_eq!(receipt.results[3].id, uuid::Uuid::nil());
        assert!(matches!(problem(5), Problem::WrongVersion { expected: 1, got: 99 }));
    }
    assert_eq!(a.count("SELECT count(*) FROM responses"), 4);
    assert!(a.store.report_counts_agree().unwrap());
}

/// One reply read off a raw connection: status, headers (names in lower case) and body.
fn raw_reply(stream: &mut std::net::TcpStream) -> (u16, Vec<(String, String)>, String) {
    use std::io::Read;
    let mut bytes = Vec::new();
    let mut byte = [0u8; 1];
    while !bytes.ends_with(b"\r\n\r\n") {
        assert_eq!(stream.read(&mut byte).unwrap(), 1, "the connection ended inside a reply's head");
        bytes.push(byte[0]);
    }
    let head = String::from_utf8(bytes).unwrap();
    let mut lines = head.lines();
    let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(name, value)| (name.trim().to_lowercase(), value.trim().to_owned()))
        .collect();
    let length = headers.iter().find(|(n, _)| n == "content-length").map_or(0, |(_, v)| v.parse().unwrap());
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body).unwrap();
    (status, headers, String::from_utf8(body).unwrap())
}

fn closes(headers: &[(String, String)]) -> bool {
    headers.iter().any(|(n, v)| n == "connection" && v.eq_ignore_ascii_case("close"))
}

/// Whether the server ended the connection (rather than keeping it for another request).
fn ended(stream: &mut std::net::TcpStream) -> bool {
    use std::io::Read;
    stream.set_read_timeout(Some(std::time::Duration::from_secs(2))).unwrap();
    match stream.read(&mut [0u8; 1]) {
        Ok(0) => true,
        Err(e) => e.kind() == std::io::ErrorKind::ConnectionReset,
        Ok(_) => false,
    }
}

#[test]
fn a_reply_given_before_the_body_is_read_ends_the_connection_and_says_so() {
    use std::io::Write;
    let a = api();
    let addr = a.base.trim_start_matches("http://").split('/').next().unwrap().to_owned();
    let batch = r#"{"wire_version":1,"device":"k","responses":[]}"#;
    let head = |token: &str, length: usize| {
        format!(
            "POST /api/v1/responses HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
             Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n"
        )
    };

    // The body is still on its way when the token is refused, as with a large upload on a slow line.
    let mut slow = std::net::TcpStream::connect(&addr).unwrap();
    slow.write_all(head("nieznany", batch.len()).as_bytes()).unwrap();
    let (status, headers, body) = raw_reply(&mut slow);
    assert_eq!(status, 401, "{body}");
    assert!(closes(&headers), "a kept-alive client would send its next request into a closed connection: {headers:?}");

    // The body came with the head: hyper could keep the connection, but the header is a promise it keeps.
    let mut whole = std::net::TcpStream::connect(&addr).unwrap();
    whole.write_all(format!("{}{batch}", head("nieznany", batch.len())).as_bytes()).unwrap();
    let (status, headers, _) = raw_reply(&mut whole);
    assert_eq!(status, 401);
    assert!(closes(&headers), "{headers:?}");
    assert!(ended(&mut whole), "the connection stayed open after `Connection: close`");

    // A reply given after the body was read keeps the connection for the next request.
    let token = a.paired("urzad", "parter");
    let mut kept = std::net::TcpStream::connect(&addr).unwrap();
    for _ in 0..2 {
        kept.write_all(format!("{}{batch}", head(&token, batch.len())).as_bytes()).unwrap();
        let (status, headers, body) = raw_reply(&mut kept);
        assert_eq!(status, 200, "{body}");
        assert!(!closes(&headers), "{headers:?}");
    }
}

#[test]
fn wrong_pairing_codes_are_limited_per_client_and_a_right_code_from_another_still_pairs() {
    // Behind a proxy the client is the address it forwards: one test can be many clients.
    let a = api_with(|state| AppState { behind_proxy: true, ..state });
    let pair = |client: &str, code: &str| {
        let mut r = a
            .agent
            .post(format!("{}/pair", a.base))
            .header("X-Forwarded-For", client)
            .send_json(PairRequest { wire_version: WIRE_VERSION, code: code.into() })
            .unwrap();
        let retry_after = r.headers().get("retry-after").map(|v| v.to_str().unwrap().parse::<u64>().unwrap());
        (r.status().as_u16(), retry_after, serde_json::from_str::<ApiError>(&r.body_mut().read_to_string().unwrap()))
    };
    let office = a.store.office("urzad").unwrap();
    for n in 0..10 {
        let (status, _, e) = pair("203.0.113.5", &format!("ZLY{n:01}-KOD0"));
        assert_eq!((status, e.unwrap().code.as_str()), (403, "unknown_code"), "wrong code {n}");
    }
    let right = a.store.enroll_device(office.id, "test", "parter").unwrap().code;
    // The eleventh code within the minute is not even tried, right or wrong.
    for code in ["ZLY0-KOD1", right.as_str()] {
        let (status, retry_after, e) = pair("203.0.113.5", code);
        assert_eq!(status, 429);
        let e = e.unwrap();
        assert_eq!((e.wire_version, e.code.as_str()), (WIRE_VERSION, "too_many_attempts"));
        assert!(e.message.contains("Zbyt wiele błędnych kodów parowania"), "{}", e.message);
        let retry_after = retry_after.expect("Retry-After");
        assert!((1..=60).contains(&retry_after), "{retry_after}");
    }
    let (status, _, _) = pair("198.51.100.20", &right);
    assert_eq!(status, 200, "another client pairs with the right code");

    // An IPv6 client is its /64: a new address in it does not start a new count.
    for n in 0..10 {
        assert_eq!(pair(&format!("2001:db8:aa:1::{n:x}"), "ZLY0-KOD2").0, 403);
    }
    assert_eq!(pair("2001:db8:aa:1:ffff::1", "ZLY0-KOD2").0, 429);
    assert_eq!(pair("2001:db8:aa:2::1", "ZLY0-KOD2").0, 403);
}

#[test]
fn an_oversized_pairing_or_heartbeat_gets_a_structured_413() {
    let a = api();
    let token = a.paired("urzad", "parter");
    let padding = "x".repeat(sync_server::http::api::MAX_SMALL_BYTES);
    let pairing = format!(r#"{{"wire_version":1,"code":"{padding}"}}"#);
    let heartbeat = format!(
        r#"{{"wire_version":1,"app_version":"{padding}","pending":0,"clock":{{"boot_id":"b","uptime_ms":1,"wall":"2026-01-01T00:00:00Z"}}}}"#
    );
    for (path, body) in [("/pair", pairing), ("/heartbeat", heartbeat)] {
        let mut r = a
            .agent
            .post(format!("{}{path}", a.base))
            .header("Authorization", &format!("Bearer {token}"))
            .header("Content-Type", "application/json")
            .send(body)
            .unwrap();
        assert_eq!(r.status().as_u16(), 413, "{path}");
        let e: ApiError = serde_json::from_str(&r.body_mut().read_to_string().unwrap()).unwrap();
        assert_eq!((e.wire_version, e.code.as_str()), (WIRE_VERSION, "too_large"), "{path}");
        assert!(
            e.message.contains(&format!("najwyżej {} bajtów", sync_server::http::api::MAX_SMALL_BYTES)),
            "{}",
            e.message
        );
    }
}

#[test]
fn a_client_still_sending_after_a_413_gets_the_reply_not_a_reset() {
    use std::io::{Read, Write};
    let a = api();
    let token = a.paired("urzad", "parter");
    let addr = a.base.trim_start_matches("http://").split('/').next().unwrap().to_owned();
    let length = sync_server::http::api::MAX_UPLOAD_BYTES + 1024 * 1024;
    let mut s = std::net::TcpStream::connect(&addr).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(10))).unwrap();
    write!(
        s,
        "POST /api/v1/responses HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n"
    )
    .unwrap();
    // Past the limit: the server refuses while this client has a megabyte still to send.
    let chunk = vec![b' '; 64 * 1024];
    let mut sent = 0;
    while sent < sync_server::http::api::MAX_UPLOAD_BYTES + 64 * 1024 {
        s.write_all(&chunk).expect("the server stopped reading before its limit");
        sent += chunk.len();
    }
    let (status, headers, body) = raw_reply(&mut s);
    assert_eq!(status, 413);
    assert!(closes(&headers), "{headers:?}");
    assert_eq!(serde_json::from_str::<ApiError>(&body).unwrap().code, "too_large");
    // The rest arrives after the reply: it is read and thrown away, not answered with a reset.
    while sent < length {
        std::thread::sleep(std::time::Duration::from_millis(5));
        s.write_all(&chunk).expect("the server reset the connection while the client was still sending");
        sent += chunk.len();
    }
    s.shutdown(std::net::Shutdown::Write).unwrap();
    assert_eq!(s.read(&mut [0u8; 1]).unwrap(), 0, "the server's side ends after the reply");
}

/// What the reader says about an unreadable item may quote it; a receipt never echoes a huge value back.
#[test]
fn an_unreadable_item_is_described_briefly() {
    let a = api();
    let token = a.paired("urzad", "parter");
    let long_reason = "x".repeat(100_000);
    let press =
        serde_json::json!({"id": uuid::Uuid::now_v7(), "captured_at": Utc::now(), "button": 1, "reason": long_reason});
    let batch = serde_json::json!({"wire_version": 1, "device": "k", "responses": [], "filtered_presses": [press]});
    let (status, body) = a.post("/responses", Some(&token), &batch);
    assert_eq!(status, 200, "{body}");
    let receipt: UploadReceipt = serde_json::from_str(&body).unwrap();
    match &receipt.filtered_results[0].outcome {
        Outcome::Rejected { errors } => match &errors[0].problem {
            Problem::Unreadable { detail } => assert!(detail.chars().count() <= 200, "{} characters", detail.len()),
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
    assert!(body.len() < 2_000, "the receipt is {} bytes", body.len());
}
