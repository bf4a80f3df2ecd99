//! Backup and restore with the real binary: a backup taken while answers keep arriving holds every answer
//! acknowledged before it began and restores to a sound database with consistent report counts; restore
//! refuses while a server is serving the directory, and refuses a file that is not a backup, leaving the
//! database as it was.

// Test helpers may unwrap: a panic is how a test reports a broken premise.
#![allow(clippy::unwrap_used)]

use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use survey::wire::Outcome;
use survey::{AnswerValue, Channel, QuestionKey, Response};
use sync_server::ingest::ingest;
use sync_server::store::{DB_FILE, Store};

fn server(data_dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_sync-server"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env("OCEN_CONFIG", "/dev/null")
        .output()
        .unwrap()
}

fn answer(rating: u8) -> Response {
    let mut r = Response::new("urzad", 1, Channel::Web);
    r.answers.insert(QuestionKey::parse("ogolna_ocena").unwrap(), AnswerValue::Rating(rating));
    r
}

#[test]
fn a_backup_under_write_load_restores_every_acknowledged_answer() {
    let live = tempfile::tempdir().unwrap();
    let store = Store::open(live.path()).unwrap();
    store.create_office("urzad", "Urząd Gminy Testowo").unwrap();

    // A writer storing answers one by one (each acknowledged after its durable commit) until told to stop.
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (store, acknowledged, stop) = (store.clone(), acknowledged.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut i = 0u8;
            while !stop.load(Ordering::Relaxed) {
                let r = answer(i % 5 + 1);
                assert_eq!(ingest(&store, &r).unwrap(), Outcome::Stored);
                acknowledged.lock().unwrap().push(r.id);
                i = i.wrapping_add(1);
            }
        })
    };
    while acknowledged.lock().unwrap().len() < 200 {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let before_backup: Vec<uuid::Uuid> = acknowledged.lock().unwrap().clone();
    let copy = tempfile::tempdir().unwrap();
    let file = copy.path().join("kopia.sqlite3");
    let out = server(live.path(), &["backup", "--to", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Zapisano kopię bazy"));
    // The writer went on during the backup.
    std::thread::sleep(std::time::Duration::from_millis(100));
    stop.store(true, Ordering::Relaxed);
    writer.join().unwrap();
    let all = acknowledged.lock().unwrap().len();
    assert!(all > before_backup.len());

    let restored = tempfile::tempdir().unwrap();
    let out = server(restored.path(), &["restore", "--from", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let back = Store::open(restored.path()).unwrap();
    let ids: std::collections::HashSet<uuid::Uuid> =
        back.responses_of("urzad").unwrap().into_iter().map(|r| r.id).collect();
    assert!(before_backup.iter().all(|id| ids.contains(id)), "an answer acknowledged before the backup is missing");
    assert!(ids.len() <= all);
    assert!(back.report_counts_agree().unwrap());
    let mode = std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(back.path()).unwrap().permissions());
    assert_eq!(mode & 0o777, 0o600, "the restored database is the service's alone");
}

#[test]
fn restore_refuses_a_running_server_and_a_file_that_is_not_a_backup() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    store.create_office("urzad", "Urząd Gminy Testowo").unwrap();
    ingest(&store, &answer(4)).unwrap();
    drop(store);
    let backup_dir = tempfile::tempdir().unwrap();
    let backup = backup_dir.path().join("kopia.sqlite3");
    assert!(server(dir.path(), &["backup", "--to", backup.to_str().unwrap()]).status.success());
    let digest = || blake3::hash(&std::fs::read(dir.path().join(DB_FILE)).unwrap()).to_hex().to_string();

    // Not a database at all.
    let junk = backup_dir.path().join("notatki.txt");
    std::fs::write(&junk, "to nie jest kopia").unwrap();
    let before = digest();
    let out = server(dir.path(), &["restore", "--from", junk.to_str().unwrap()]);
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("nie można przywrócić kopii"), "{said}");
    assert_eq!(digest(), before, "nothing changed");

    // A server serving the directory holds it: restore waits for it to stop.
    let mut serving = Command::new(env!("CARGO_BIN_EXE_sync-server"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("OCEN_CONFIG", "/dev/null")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    let mut stdout = std::io::BufReader::new(serving.stdout.take().unwrap());
    while !line.contains("działa pod adresem") {
        line.clear();
        assert!(std::io::BufRead::read_line(&mut stdout, &mut line).unwrap() > 0, "the server ended early");
    }
    let out = server(dir.path(), &["restore", "--from", backup.to_str().unwrap()]);
    serving.kill().unwrap();
    serving.wait().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("w użyciu przez działający serwer"));
}
