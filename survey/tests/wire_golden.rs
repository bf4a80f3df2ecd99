//! Golden tests: the sync JSON is frozen in `tests/golden/*.json`. A failing test here means the wire
//! format changed; kiosks in the field speak the old one. If the change is intended, bump
//! `WIRE_VERSION`, keep accepting the old format, and regenerate with `UPDATE_GOLDEN=1 cargo test`.

// Test helpers may unwrap: a panic is how a test reports a broken premise.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use chrono::{TimeZone, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;
use survey::validation::{Problem, ValidationError};
use survey::wire::{
    ApiError, DeviceClock, DeviceKind, FilterReason, FilteredPress, Heartbeat, HeartbeatReply, ItemReceipt, Outcome,
    PairReply, PairRequest, PrivacyNotice, UploadBatch, UploadReceipt, WIRE_VERSION,
};
use survey::{AnswerValue, CaptureClock, Channel, QuestionKey, Response};
use uuid::Uuid;

fn key(k: &str) -> QuestionKey {
    QuestionKey::parse(k).unwrap()
}

fn id(s: &str) -> Uuid {
    Uuid::parse_str(s).unwrap()
}

fn kiosk_response() -> Response {
    Response {
        id: id("019ac8f2-5a40-7cc1-9a3e-0c2b7d1e4f01"),
        office: "urzad".into(),
        questionnaire_version: 3,
        channel: Channel::KioskTouch,
        captured_at: Utc.with_ymd_and_hms(2026, 11, 28, 9, 15, 30).unwrap(),
        device: Some("kiosk-parter".into()),
        paper_serial: None,
        answers: [
            (key("ogolna_ocena"), AnswerValue::Rating(4)),
            (key("komorka"), AnswerValue::Choice("usc".into())),
            (key("parking"), AnswerValue::NotApplicable),
            (key("co_poprawic"), AnswerValue::Text("Więcej ławek w poczekalni – dziękuję!".into())),
            (key("powody_wizyty"), AnswerValue::Choices(vec!["podatki".into(), "meldunek".into()])),
        ]
        .into(),
        clock: Some(CaptureClock { boot_id: "6f1c2d3e-4a5b-4c6d-8e7f-0123456789ab".into(), uptime_ms: 7_340_112 }),
    }
}

fn paper_response() -> Response {
    Response {
        id: id("019ac8f2-5a40-7cc1-9a3e-0c2b7d1e4f02"),
        office: "urzad".into(),
        questionnaire_version: 3,
        channel: Channel::Paper,
        captured_at: Utc.with_ymd_and_hms(2026, 11, 27, 14, 0, 0).unwrap(),
        device: None,
        paper_serial: Some("2026-00042".into()),
        answers: [(key("ogolna_ocena"), AnswerValue::Rating(2))].into(),
        clock: None,
    }
}

fn golden<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(name: &str, value: &T) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(name);
    let json = serde_json::to_string_pretty(value).unwrap() + "\n";
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &json).unwrap();
    }
    let frozen = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(json, frozen, "the wire format of {name} changed");
    let parsed: T = serde_json::from_str(&frozen).unwrap();
    assert_eq!(&parsed, value, "{name} does not read back to the same value");
}

#[test]
fn upload_batch_v1() {
    assert_eq!(WIRE_VERSION, 1);
    let batch = UploadBatch {
        wire_version: WIRE_VERSION,
        device: "kiosk-parter".into(),
        responses: vec![kiosk_response(), paper_response()],
        device_clock: Some(DeviceClock {
            monotonic: CaptureClock { boot_id: "6f1c2d3e-4a5b-4c6d-8e7f-0123456789ab".into(), uptime_ms: 7_400_000 },
            wall: Utc.with_ymd_and_hms(2026, 11, 28, 9, 16, 30).unwrap(),
        }),
        filtered_presses: vec![FilteredPress {
            id: id("019ac8f2-5a40-7cc1-9a3e-0c2b7d1e4f09"),
            captured_at: Utc.with_ymd_and_hms(2026, 11, 28, 9, 15, 31).unwrap(),
            button: 5,
            reason: FilterReason::TooSoon,
        }],
    };
    golden("upload_batch_v1.json", &batch);
}

#[test]
fn upload_receipt_v1() {
    let receipt = UploadReceipt {
        wire_version: WIRE_VERSION,
        results: vec![
            ItemReceipt { id: id("019ac8f2-5a40-7cc1-9a3e-0c2b7d1e4f01"), outcome: Outcome::Stored },
            ItemReceipt { id: id("019ac8f2-5a40-7cc1-9a3e-0c2b7d1e4f02"), outcome: Outcome::AlreadyStored },
            ItemReceipt { id: id("019ac8f2-5a40-7cc1-9a3e-0c2b7d1e4f03"), outcome: Outcome::Conflict },
            ItemReceipt {
                id: id("019ac8f2-5a40-7cc1-9a3e-0c2b7d1e4f04"),
                outcome: Outcome::Rejected {
                    errors: vec![
                        ValidationError {
                            question: Some(key("ogolna_ocena")),
                            problem: Problem::OutOfRange { min: 1, max: 5, got: 7 },
                        },
                        ValidationError { question: None, problem: Problem::WrongVersion { expected: 3, got: 2 } },
                    ],
                },
            },
        ],
        filtered_results: vec![],
    };
    golden("upload_receipt_v1.json", &receipt);
}

/// Receipts for filtered presses and the problems of items the server could not read or store were added
/// within version 1: a kiosk that does not know them ignores the new field, and an unknown problem reads
/// as [`Problem::Unrecognised`] instead of failing the whole receipt.
#[test]
fn upload_receipt_v1_with_filtered_presses() {
    let refused = |problem| Outcome::Rejected { errors: vec![ValidationError { question: None, problem }] };
    let receipt = UploadReceipt {
        wire_version: WIRE_VERSION,
        results: vec![
            ItemReceipt {
                id: id("019ac8f2-5a40-7cc1-9a3e-0c2b7d1e4f01"),
                outcome: refused(Problem::Unreadable { detail: "invalid value: integer `300`".into() }),
            },
            ItemReceipt { id: id("019ac8f2-5a40-7cc1-9a3e-0c2b7d1e4f02"), outcome: refused(Problem::NotStorable) },
        ],
        filtered_results: vec![
            ItemReceipt { id: id("019ac8f2-5a40-7cc1-9a3e-0c2b7d1e4f09"), outcome: Outcome::Stored },
            ItemReceipt {
                id: id("019ac8f2-5a40-7cc1-9a3e-0c2b7d1e4f0a"),
                outcome: refused(Problem::OutOfRange { min: 1, max: 5, got: 9 }),
            },
        ],
    };
    golden("upload_receipt_v1_filtered.json", &receipt);
    let from_a_newer_server = r#"{"id":"019ac8f2-5a40-7cc1-9a3e-0c2b7d1e4f01","outcome":"rejected","errors":[{"problem":"something_new","detail":7}]}"#;
    let read: ItemReceipt = serde_json::from_str(from_a_newer_server).unwrap();
    assert_eq!(read.outcome, refused(Problem::Unrecognised));
}

#[test]
fn api_error_v1() {
    golden(
        "api_error_v1.json",
        &ApiError::new("batch_too_large", "Za dużo odpowiedzi w jednej paczce (najwyżej 500)."),
    );
}

#[test]
fn pairing_and_heartbeat_v1() {
    golden("pair_request_v1.json", &PairRequest { wire_version: WIRE_VERSION, code: "K7PX-M2QD".into() });
    golden(
        "pair_reply_v1.json",
        &PairReply {
            wire_version: WIRE_VERSION,
            token: "9f".repeat(32),
            office: "urzad".into(),
            device: "kiosk-parter".into(),
            service_pin_hash: None,
        },
    );
    golden(
        "heartbeat_v1.json",
        &Heartbeat {
            wire_version: WIRE_VERSION,
            app_version: "0.1.0".into(),
            pending: 3,
            clock: DeviceClock {
                monotonic: CaptureClock {
                    boot_id: "6f1c2d3e-4a5b-4c6d-8e7f-0123456789ab".into(),
                    uptime_ms: 7_400_000,
                },
                wall: Utc.with_ymd_and_hms(2026, 11, 28, 9, 16, 30).unwrap(),
            },
            free_disk_bytes: Some(12_000_000_000),
            service_pin_hash: None,
            device_kind: None,
        },
    );
    golden(
        "heartbeat_v1_tablet.json",
        &Heartbeat {
            wire_version: WIRE_VERSION,
            app_version: "tablet-web 1".into(),
            pending: 2,
            clock: DeviceClock {
                monotonic: CaptureClock { boot_id: "019ac8f2-5a40-7cc1-9a3e-0c2b7d1e4f0a".into(), uptime_ms: 5_000 },
                wall: Utc.with_ymd_and_hms(2026, 11, 28, 9, 16, 30).unwrap(),
            },
            free_disk_bytes: None,
            service_pin_hash: None,
            device_kind: Some(DeviceKind::Tablet),
        },
    );
}

/// An argon2id hash as the server and the kiosk write it (PHC string), for the PIN fields.
const PIN_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$3vlBqpRjtT5pGXVdMO8o+G5y5D1Qa4nJpJvZ3ZL0XHk";

#[test]
fn service_pin_fields_v1() {
    golden(
        "pair_reply_v1_service_pin.json",
        &PairReply {
            wire_version: WIRE_VERSION,
            token: "9f".repeat(32),
            office: "urzad".into(),
            device: "kiosk-parter".into(),
            service_pin_hash: Some(PIN_HASH.into()),
        },
    );
    golden(
        "heartbeat_v1_service_pin.json",
        &Heartbeat {
            wire_version: WIRE_VERSION,
            app_version: "0.1.0".into(),
            pending: 0,
            clock: DeviceClock {
                monotonic: CaptureClock {
                    boot_id: "6f1c2d3e-4a5b-4c6d-8e7f-0123456789ab".into(),
                    uptime_ms: 7_400_000,
                },
                wall: Utc.with_ymd_and_hms(2026, 11, 28, 9, 16, 30).unwrap(),
            },
            free_disk_bytes: None,
            service_pin_hash: Some(PIN_HASH.into()),
            device_kind: None,
        },
    );
    golden(
        "heartbeat_reply_v1_service_pin.json",
        &HeartbeatReply {
            wire_version: WIRE_VERSION,
            server_time: Utc.with_ymd_and_hms(2026, 11, 28, 9, 16, 31).unwrap(),
            service_pin_hash: Some(PIN_HASH.into()),
        },
    );
}

#[test]
fn replies_of_a_server_before_the_pin_fields_still_read() {
    // What a server of the first releases sends: no PIN anywhere. The kiosk then keeps what it has.
    let reply: HeartbeatReply =
        serde_json::from_str(r#"{"wire_version":1,"server_time":"2026-11-28T09:16:31Z"}"#).unwrap();
    assert_eq!(reply.service_pin_hash, None);
    let pair: PairReply =
        serde_json::from_str(r#"{"wire_version":1,"token":"t","office":"urzad","device":"k1"}"#).unwrap();
    assert_eq!(pair.service_pin_hash, None);
}

#[test]
fn a_kiosk_of_this_version_reads_a_batch_written_by_hand() {
    // Written the way the format is documented, not generated: catches a change that the golden
    // files would follow if someone regenerated them without thinking.
    let json = r#"{"wire_version":1,"device":"k1","responses":[{"id":"019ac8f2-5a40-7cc1-9a3e-0c2b7d1e4f01",
        "office":"urzad","questionnaire_version":1,"channel":"kiosk_buttons","captured_at":"2026-01-02T03:04:05Z",
        "answers":{"ogolna_ocena":{"rating":5},"parking":"not_applicable"}}]}"#;
    let batch: UploadBatch = serde_json::from_str(json).unwrap();
    let r = &batch.responses[0];
    assert_eq!(r.channel, Channel::KioskButtons);
    assert_eq!(r.answers[&key("ogolna_ocena")], AnswerValue::Rating(5));
    assert_eq!(r.answers[&key("parking")], AnswerValue::NotApplicable);
    assert_eq!(r.device, None);
}

#[test]
fn malformed_json_is_refused_not_guessed() {
    for bad in [
        r#"{"wire_version":1,"device":"k1"}"#,
        r#"{"wire_version":1,"device":"k1","responses":[{"id":"not-a-uuid"}]}"#,
        r#"{"wire_version":1,"device":"k1","responses":[{"id":"019ac8f2-5a40-7cc1-9a3e-0c2b7d1e4f01","office":"u","questionnaire_version":1,"channel":"fax","captured_at":"2026-01-02T03:04:05Z","answers":{}}]}"#,
        r#"{"wire_version":1,"device":"k1","responses":[{"id":"019ac8f2-5a40-7cc1-9a3e-0c2b7d1e4f01","office":"u","questionnaire_version":1,"channel":"web","captured_at":"2026-01-02T03:04:05Z","answers":{"Bad Key":{"rating":1}}}]}"#,
        r#"{"wire_version":1,"device":"k1","responses":[{"id":"019ac8f2-5a40-7cc1-9a3e-0c2b7d1e4f01","office":"u","questionnaire_version":1,"channel":"web","captured_at":"2026-01-02T03:04:05Z","answers":{"a":{"rating":300}}}]}"#,
    ] {
        assert!(serde_json::from_str::<UploadBatch>(bad).is_err(), "accepted: {bad}");
    }
}

#[test]
fn privacy_notice_v1() {
    let notice = PrivacyNotice {
        text: "Klauzula informacyjna – badanie satysfakcji klientów „Oceń Urząd”\n\n1. Administratorem danych osobowych jest Urząd Gminy Książki.".into(),
        url: "https://ankieta.ksiazki.pl/ksiazki/prywatnosc".into(),
    };
    golden("privacy_notice_v1.json", &notice);
}
