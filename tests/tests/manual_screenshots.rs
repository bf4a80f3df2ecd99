//! The manual's screenshots of the web pages, made by the project itself: a server filled with a sample
//! office's quarter (four channels, departments, comments, a paired kiosk, an archived report) and
//! `tests/browser/screenshots.mjs` in headless Chromium. Pictures go to `$MANUAL_SCREENSHOT_DIR` (default
//! `target/manual-screens`); `scripts/screenshots` points it at `docs/instrukcja/img` and then, with
//! `$MANUAL_PDF`, prints the whole manual to PDF. The test also checks that the manual shows only
//! pictures this command (or the kiosk's screen test, or the tablet's browser test) makes, and that each of them is in the manual's
//! folder.

// Test helpers may unwrap: a panic is how a test reports a broken premise.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{Duration, Utc};
use survey::wire::Outcome;
use survey::{AnswerValue, Channel, QuestionKey, Response};
use sync_server::http::AppState;
use sync_server::ingest::ingest;
use sync_server::store::{DeviceReport, NewAdmin, Store};

fn key(k: &str) -> QuestionKey {
    QuestionKey::parse(k).unwrap()
}

/// A quarter of a small office, the same every run (a fixed sequence, not random).
fn sample_office(store: &Store) {
    let office = store.create_office("urzad", "Urząd Gminy Przykładowo").unwrap();
    for (k, name) in [
        ("usc", "Urząd Stanu Cywilnego"),
        ("podatki", "Referat Podatków i Opłat"),
        ("budownictwo", "Referat Budownictwa"),
    ] {
        store.add_department("urzad", k, name).unwrap();
    }
    let q = store.current_questionnaire("urzad").unwrap();
    let comments =
        ["Bardzo miła obsługa w USC.", "Za mało miejsc parkingowych.", "Proszę o dłuższe godziny w czwartki."];
    for i in 0..240u32 {
        let channel = [Channel::Web, Channel::KioskTouch, Channel::KioskButtons, Channel::Paper][(i % 4) as usize];
        let mut r = Response::new("urzad", 1, channel);
        let hour = 8 + (i * 7 % 8) as i64;
        r.captured_at = Utc::now() - Duration::days(i64::from(i % 85) + 1) + Duration::hours(hour - 12);
        let rating = [5, 4, 4, 3, 5, 2, 4, 5, 1, 4][(i % 10) as usize];
        r.answers.insert(key("ogolna_ocena"), AnswerValue::Rating(rating));
        if channel == Channel::Paper {
            r.paper_serial = Some(format!("2026-{:05}", i + 1));
        }
        if channel != Channel::KioskButtons {
            let dept = ["usc", "podatki", "budownictwo", "usc"][(i / 4 % 4) as usize];
            r.answers.insert(key("komorka"), AnswerValue::Choice(dept.into()));
            r.answers
                .insert(key("sprawa_zalatwiona"), AnswerValue::Choice(if i % 5 == 0 { "nie" } else { "tak" }.into()));
            for (n, (_, question)) in q.questions().enumerate() {
                if matches!(question.kind, survey::QuestionKind::Rating { .. }) && question.key != q.overall_question {
                    let v = (rating as usize + n + i as usize) % 5 + 1;
                    r.answers.insert(question.key.clone(), AnswerValue::Rating(v.max(2) as u8));
                }
            }
        }
        if i % 20 == 3 {
            r.answers.insert(key("inne_uwagi"), AnswerValue::Text(comments[(i / 20 % 3) as usize].into()));
        }
        assert_eq!(ingest(store, &r).unwrap(), Outcome::Stored, "sample answer {i}");
    }
    for name in ["parter-wejscie", "pietro-usc"] {
        let code = store.enroll_device(office.id, "sekretarz", name).unwrap().code;
        let device = store.pair_device(&code).unwrap().unwrap().device;
        let report = DeviceReport {
            version: "0.1.0".into(),
            pending: 0,
            clock_offset_secs: 1,
            free_disk_bytes: Some(5_000_000_000),
        };
        store.device_seen(device.id, Some(&report)).unwrap();
    }
    let today = sync_server::local_time::local(Utc::now()).date();
    sync_server::documents::archived_report::archive_period(
        store,
        &office,
        today - Duration::days(90),
        today - Duration::days(1),
        5,
    )
    .unwrap();
}

/// The pictures the manual shows: every `img/NAME.png` named in its chapters.
fn pictures_in_manual(manual: &Path) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for dir in [manual.to_owned(), manual.join("en")] {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "md") {
                let text = std::fs::read_to_string(path).unwrap();
                for (at, _) in text.match_indices("img/") {
                    let rest = &text[at + 4..];
                    if let Some(end) = rest.find(".png") {
                        names.insert(format!("{}.png", &rest[..end]));
                    }
                }
            }
        }
    }
    names
}

#[test]
fn the_manuals_pictures_are_made_from_a_sample_office() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let password = "Haslo-Do-Zrzutow-123";
    let hash = sync_server::password::hash(password).unwrap();
    sample_office(&store);
    store.create_admin(&NewAdmin { login: "sekretarz", password_hash: &hash, office_slug: Some("urzad") }).unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let addr = listener.local_addr().unwrap();
    runtime.spawn(sync_server::serve::serve_on(listener, AppState::new(store.clone()), std::future::pending()));

    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let out =
        std::env::var_os("MANUAL_SCREENSHOT_DIR").map_or_else(|| root.join("target/manual-screens"), PathBuf::from);
    std::fs::create_dir_all(&out).unwrap();
    let mut args = vec![format!("http://{addr}"), "sekretarz".into(), password.into(), out.display().to_string()];
    let pdf = std::env::var("MANUAL_PDF").ok();
    args.extend(pdf.clone());
    let run = Command::new("node")
        .arg(root.join("tests/browser/screenshots.mjs"))
        .args(&args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run node (scripts/install-deps installs it): {e}"));
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(run.status.success(), "screenshots failed:\n{stdout}\n{}", String::from_utf8_lossy(&run.stderr));
    if let Some(pdf) = pdf {
        let bytes = std::fs::read(pdf).unwrap();
        assert!(bytes.starts_with(b"%PDF") && bytes.len() > 100_000, "the manual's PDF");
        return;
    }
    let summary: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    let taken: BTreeSet<String> =
        summary["taken"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()).collect();
    for name in &taken {
        let png = std::fs::read(out.join(name)).unwrap();
        assert!(png.starts_with(b"\x89PNG") && png.len() > 10_000, "{name} is a real picture");
    }

    // The manual shows what this command and the kiosk's screen test make, and its folder has each.
    let manual = root.join("docs/instrukcja");
    let shown = pictures_in_manual(&manual);
    for name in &shown {
        assert!(
            taken.contains(name) || name.starts_with("kiosk-") || name.starts_with("tablet-"),
            "the manual shows {name}, which no screenshot command makes"
        );
        assert!(
            manual.join("img").join(name).exists(),
            "{name} is missing from docs/instrukcja/img: run scripts/screenshots"
        );
    }
    for name in &taken {
        assert!(shown.contains(name), "{name} is made but the manual never shows it");
    }
}
