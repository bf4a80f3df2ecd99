//! The buttons-only kiosk as it runs in the box: `kiosk --headless --panel stdin`, fed presses on standard
//! input, acknowledging each stored answer on standard output. Mashing and opening hours are filtered
//! visibly; SIGKILLs at varying moments in the middle of thousands of presses lose and double nothing on the server.

// Test helpers may unwrap: a panic is how a test reports a broken premise.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use kiosk::store::Store as KioskStore;
use survey::Channel;
use sync_server::http::AppState;
use sync_server::store::Store;

fn start_kiosk(data: &Path, config: &Path) -> (Child, std::process::ChildStdin, Receiver<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kiosk"))
        .args(["--headless", "--panel", "stdin", "--data-dir"])
        .arg(data)
        .arg("--config")
        .arg(config)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdin = child.stdin.take().unwrap();
    let (tx, lines) = channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    (child, stdin, lines)
}

fn config(dir: &Path, body: &str) -> std::path::PathBuf {
    let path = dir.join("kiosk.toml");
    std::fs::write(&path, body).unwrap();
    path
}

#[test]
fn a_mash_of_ten_presses_is_one_answer_and_nine_filtered() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path(), "press_interval_seconds = 5\nsync_interval_seconds = 3600\n");
    let data = dir.path().join("dane");
    let (mut child, mut stdin, lines) = start_kiosk(&data, &cfg);
    for _ in 0..10 {
        writeln!(stdin, "5").unwrap();
    }
    drop(stdin);
    assert!(child.wait().unwrap().success());
    let out: Vec<String> = lines.try_iter().collect();
    assert_eq!(out.iter().filter(|l| l.starts_with("DZIĘKUJEMY ")).count(), 1, "{out:?}");
    assert_eq!(out.iter().filter(|l| *l == "ODFILTROWANO too_soon").count(), 9, "{out:?}");

    let store = KioskStore::open(&data).unwrap();
    let answers = store.pending(100).unwrap();
    assert_eq!(answers.len(), 1);
    assert_eq!(answers[0].channel, Channel::KioskButtons);
    assert_eq!(store.status().unwrap().filtered, vec![("too_soon".to_string(), 9)]);

    let status = Command::new(env!("CARGO_BIN_EXE_kiosk")).arg("--data-dir").arg(&data).arg("status").output().unwrap();
    let text = String::from_utf8_lossy(&status.stdout);
    assert!(text.contains("Odpowiedzi oczekujące: 1"), "{text}");
    assert!(text.contains("Naciśnięcia odfiltrowane (za szybko po poprzednim naciśnięciu): 9"), "{text}");
    assert!(text.contains("Kiosk nie jest sparowany"), "{text}");
}

#[test]
fn presses_outside_opening_hours_are_marked() {
    let dir = tempfile::tempdir().unwrap();
    // Open only in an hour twelve hours from now: now is surely outside.
    let now = chrono::Local::now().naive_local().time();
    let from = now + chrono::Duration::hours(12);
    let to = from + chrono::Duration::minutes(30);
    let (from, to) = if from < to { (from, to) } else { (chrono::NaiveTime::from_hms_opt(0, 0, 0).unwrap(), to) };
    let hours = format!("opening_hours = [\"1-7 {}-{}\"]\n", from.format("%H:%M"), to.format("%H:%M"));
    let cfg = config(dir.path(), &format!("press_interval_seconds = 0\nsync_interval_seconds = 3600\n{hours}"));
    let data = dir.path().join("dane");
    let (mut child, mut stdin, lines) = start_kiosk(&data, &cfg);
    writeln!(stdin, "3").unwrap();
    drop(stdin);
    assert!(child.wait().unwrap().success());
    assert_eq!(lines.try_iter().collect::<Vec<_>>(), vec!["ODFILTROWANO outside_hours".to_string()]);
    let store = KioskStore::open(&data).unwrap();
    assert_eq!(store.pending(10).unwrap().len(), 0);
    assert_eq!(store.status().unwrap().filtered, vec![("outside_hours".to_string(), 1)]);
}

#[test]
fn a_gpio_panel_off_a_raspberry_pi_is_a_clear_error_when_required() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_kiosk"))
        .args(["--headless", "--panel", "gpio", "--data-dir"])
        .arg(dir.path().join("dane"))
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("nie można otworzyć panelu przycisków"), "{err}");
}

/// Presses acknowledged so far: the answer ids the kiosk printed.
fn drain_acks(lines: &Receiver<String>, acked: &mut Vec<String>, timeout: Duration) {
    while let Ok(line) = lines.recv_timeout(timeout) {
        if let Some(id) = line.strip_prefix("DZIĘKUJEMY ") {
            acked.push(id.to_owned());
        }
    }
}

#[test]
fn a_kill_in_the_middle_of_presses_loses_and_doubles_nothing() {
    let server_dir = tempfile::tempdir().unwrap();
    let server = Store::open(server_dir.path()).unwrap();
    let office = server.create_office("urzad", "Urząd Gminy Testowo").unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let addr = listener.local_addr().unwrap();
    runtime.spawn(sync_server::serve::serve_on(listener, AppState::new(server.clone()), std::future::pending()));

    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("dane");
    let code = server.enroll_device(office.id, "test", "wyjscie").unwrap().code;
    kiosk::sync::pair(&KioskStore::open(&data).unwrap(), &format!("http://{addr}"), &code).unwrap();
    let cfg = config(dir.path(), "press_interval_seconds = 0\nburst_per_minute = 1000000\nsync_interval_seconds = 1\n");

    // Six power cuts at moments that vary from round to round (a fixed sequence, the same every run), each
    // in the middle of a run of 400 presses and of the background sync: thousands of presses in all.
    let mut acked = Vec::new();
    let mut sent = 0;
    let mut moment: u64 = 7;
    for round in 0..6 {
        let (mut child, mut stdin, lines) = start_kiosk(&data, &cfg);
        for i in 0..400 {
            writeln!(stdin, "{}", 1 + (i + round) % 5).unwrap();
        }
        sent += 400;
        moment = (moment * 1_103_515_245 + 12_345) % 2_147_483_648;
        std::thread::sleep(Duration::from_millis(30 + moment % 300));
        // Power cut: no chance to finish anything.
        child.kill().unwrap();
        child.wait().unwrap();
        drain_acks(&lines, &mut acked, Duration::from_millis(200));
    }
    assert!(
        acked.len() >= 60 && acked.len() < sent,
        "kills came in the middle ({} of {sent} acknowledged)",
        acked.len()
    );

    let (mut child, mut stdin, lines) = start_kiosk(&data, &cfg);
    for i in 0..25 {
        writeln!(stdin, "{}", 1 + i % 5).unwrap();
    }
    drop(stdin);
    assert!(child.wait().unwrap().success());
    drain_acks(&lines, &mut acked, Duration::from_millis(100));
    assert_eq!(
        kiosk::sync::sync_once(&KioskStore::open(&data).unwrap()).unwrap().sent,
        0,
        "the kiosk sent everything itself"
    );

    let stored = server.responses_of("urzad").unwrap();
    let stored_ids: std::collections::BTreeSet<String> = stored.iter().map(|r| r.id.to_string()).collect();
    assert_eq!(stored_ids.len(), stored.len(), "nothing doubled");
    for id in &acked {
        assert!(stored_ids.contains(id), "acknowledged answer {id} is missing on the server");
    }
    // A press committed in the instant before a kill, whose thank-you was never shown, may count too: it
    // was answered. Nothing else may: at most one per power cut.
    assert!(stored.len() <= acked.len() + 6, "{} stored, {} acknowledged", stored.len(), acked.len());
    assert!(stored.iter().all(|r| r.channel == Channel::KioskButtons && r.office == "urzad"));
}
