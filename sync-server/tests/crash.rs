//! A server killed with SIGKILL (a power cut, as far as the process can tell) in the middle of a kiosk's
//! uploads: after a restart every answer acknowledged before the kill is stored, resending what was not
//! acknowledged stores it once, and the report counts equal a recount. Runs the real binary.

// Test helpers may unwrap: a panic is how a test reports a broken premise.
#![allow(clippy::unwrap_used)]

use std::collections::HashSet;
use std::io::BufRead;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

use survey::wire::{Outcome, PairReply, UploadBatch, UploadReceipt, WIRE_VERSION};
use survey::{AnswerValue, Channel, QuestionKey, Response};
use sync_server::store::Store;

fn binary() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_sync-server"));
    c.env("OCEN_CONFIG", "/dev/null");
    c
}

/// Starts `serve` on a free port; returns the process and its address (the caller waits for it; a
/// server that ends before listening fails the test, and its process has ended anyway).
#[allow(clippy::zombie_processes)]
fn serve(dir: &std::path::Path) -> (Child, String) {
    let mut child = binary()
        .arg("--data-dir")
        .arg(dir)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    loop {
        let line = lines.next().expect("the server ended before listening").unwrap();
        if let Some(rest) = line.split("http://").nth(1) {
            let addr = rest.split('/').next().unwrap().to_owned();
            // Keep reading its output so it never blocks on a full pipe.
            std::thread::spawn(move || for _ in lines {});
            return (child, format!("http://{addr}"));
        }
    }
}

fn answer(i: usize) -> Response {
    let mut r = Response::new("urzad", 1, Channel::KioskTouch);
    r.device = Some("parter".into());
    r.answers.insert(QuestionKey::parse("ogolna_ocena").unwrap(), AnswerValue::Rating((i % 5 + 1) as u8));
    r
}

fn upload(agent: &ureq::Agent, base: &str, token: &str, batch: &[Response]) -> Option<UploadReceipt> {
    let body = UploadBatch {
        wire_version: WIRE_VERSION,
        device: "parter".into(),
        responses: batch.to_vec(),
        device_clock: None,
        filtered_presses: vec![],
    };
    let mut reply = agent
        .post(format!("{base}/api/v1/responses"))
        .header("Authorization", format!("Bearer {token}"))
        .send_json(&body)
        .ok()?;
    (reply.status() == 200).then(|| reply.body_mut().read_json().ok()).flatten()
}

#[test]
fn every_acknowledged_answer_survives_a_kill_and_a_resend_counts_once() {
    let dir = tempfile::tempdir().unwrap();
    let (mut server, base) = serve(dir.path());
    let enrolled = binary()
        .arg("--data-dir")
        .arg(dir.path())
        .args(["device", "enroll", "--office", "urzad", "--name", "parter"])
        .output()
        .unwrap();
    let said = String::from_utf8(enrolled.stdout).unwrap();
    let code = said.split(": ").nth(1).unwrap().lines().next().unwrap().trim().to_owned();
    let agent = ureq::Agent::config_builder().http_status_as_error(false).build().new_agent();
    let pair: PairReply = agent
        .post(format!("{base}/api/v1/pair"))
        .send_json(serde_json::json!({ "wire_version": WIRE_VERSION, "code": code }))
        .unwrap()
        .body_mut()
        .read_json()
        .unwrap();

    let answers: Vec<Response> = (0..3000).map(answer).collect();
    let acknowledged = Arc::new(Mutex::new(HashSet::new()));
    let uploader = {
        let (answers, acknowledged, agent, base, token) =
            (answers.clone(), acknowledged.clone(), agent.clone(), base.clone(), pair.token.clone());
        std::thread::spawn(move || {
            for batch in answers.chunks(50) {
                let Some(receipt) = upload(&agent, &base, &token, batch) else { return };
                let mut acked = acknowledged.lock().unwrap();
                for item in receipt.results {
                    assert!(matches!(item.outcome, Outcome::Stored | Outcome::AlreadyStored), "{item:?}");
                    acked.insert(item.id);
                }
            }
        })
    };
    // Kill it while batches are going in.
    while acknowledged.lock().unwrap().len() < 500 {
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    server.kill().unwrap();
    server.wait().unwrap();
    uploader.join().unwrap();
    let acked: HashSet<uuid::Uuid> = acknowledged.lock().unwrap().clone();
    assert!(acked.len() < answers.len(), "the kill came before the end");

    // Restarted, the server has every acknowledged answer; the kiosk resends everything not acknowledged
    // (and, to be sure, some that were).
    let (mut server, base) = serve(dir.path());
    let resend: Vec<Response> =
        answers.iter().filter(|r| !acked.contains(&r.id)).cloned().chain(answers[..100].iter().cloned()).collect();
    for batch in resend.chunks(200) {
        let receipt = upload(&agent, &base, &pair.token, batch).unwrap();
        assert!(receipt.results.iter().all(|i| matches!(i.outcome, Outcome::Stored | Outcome::AlreadyStored)));
    }
    server.kill().unwrap();
    server.wait().unwrap();

    let store = Store::open(dir.path()).unwrap();
    let stored: Vec<uuid::Uuid> = store.responses_of("urzad").unwrap().into_iter().map(|r| r.id).collect();
    let unique: HashSet<uuid::Uuid> = stored.iter().copied().collect();
    assert!(acked.iter().all(|id| unique.contains(id)), "an acknowledged answer was lost");
    assert_eq!(stored.len(), answers.len(), "every answer once, none twice");
    assert_eq!(unique.len(), answers.len());
    assert!(store.report_counts_agree().unwrap());
}
