//! No client address in the logs (RODO: an IP address is personal data). The real binary serves a busy
//! mix of requests: surveys accepted, refused and throttled, failed logins until throttled, kiosk calls
//! with bad credentials, oversized bodies, unknown pages. Its whole output, at the default level and at
//! `trace` for every crate (`RUST_LOG=trace`), must not contain the address of the client, whether it connects directly or
//! through a proxy that names it in `X-Forwarded-For`. The database files are scanned too.

// Test helpers may unwrap: a panic is how a test reports a broken premise.
#![allow(clippy::unwrap_used)]

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The server listens on 127.0.0.2; a client connecting to it from this machine comes from 127.0.0.1,
/// so the client's address differs from anything the server says about itself.
const SERVER_IP: &str = "127.0.0.2";
const DIRECT_CLIENT: &str = "127.0.0.1";
/// The address a proxy reports for the resident (documentation range, RFC 5737).
const PROXIED_CLIENT: &str = "203.0.113.77";

fn free_port() -> u16 {
    std::net::TcpListener::bind((SERVER_IP, 0)).unwrap().local_addr().unwrap().port()
}

fn wait_ready(agent: &ureq::Agent, base: &str) {
    let started = Instant::now();
    while agent.get(format!("{base}/healthz")).call().map(|r| r.status() != 200).unwrap_or(true) {
        assert!(started.elapsed() < Duration::from_secs(20), "the server did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Drives the mix of requests; every one carries `X-Forwarded-For` (ignored unless behind a proxy).
fn traffic(agent: &ureq::Agent, base: &str) {
    let xff = ("X-Forwarded-For", PROXIED_CLIENT);
    let form = "application/x-www-form-urlencoded";
    let get = |path: &str| {
        let _ = agent.get(format!("{base}{path}")).header(xff.0, xff.1).call().map(|mut r| r.body_mut().read_to_vec());
    };
    let post = |path: &str, content_type: &str, body: &str| {
        agent
            .post(format!("{base}{path}"))
            .header(xff.0, xff.1)
            .header("Content-Type", content_type)
            .send(body)
            .map(|mut r| {
                let _ = r.body_mut().read_to_vec();
                r.status().as_u16()
            })
            .unwrap()
    };
    get("/");
    get("/urzad/ankieta");
    get("/nie-ma-takiej-strony");
    get("/urzad/dostepnosc");
    // Surveys until the per-client limit refuses them (the limit's log, if any, must not name the client).
    let mut throttled = false;
    for i in 0..40 {
        let token = uuid::Uuid::now_v7();
        let status = post(
            "/urzad/ankieta",
            form,
            &format!("lang=pl&version=1&token={token}&website=&q_ogolna_ocena={}", 1 + i % 5),
        );
        throttled |= status == 429;
    }
    assert!(throttled, "the survey limit was never reached: the throttling path was not exercised");
    // Refused surveys: missing token, honeypot, cross-site.
    post("/urzad/ankieta", form, "lang=pl&version=1&q_ogolna_ocena=3");
    post("/urzad/ankieta", form, "lang=pl&version=1&website=spam&q_ogolna_ocena=3");
    let _ = agent
        .post(format!("{base}/urzad/ankieta"))
        .header(xff.0, xff.1)
        .header("Sec-Fetch-Site", "cross-site")
        .header("Content-Type", form)
        .send("lang=pl");
    // An oversized survey body.
    post("/urzad/ankieta", form, &"x".repeat(200 * 1024));
    // Failed logins until throttled, then the kiosk API with bad credentials.
    for _ in 0..12 {
        post("/admin/logowanie", form, "login=admin&password=zle-haslo");
    }
    post("/api/v1/pair", "application/json", r#"{"wire_version":1,"code":"000000"}"#);
    post("/api/v1/responses", "application/json", "{}");
    let _ = agent
        .post(format!("{base}/api/v1/responses"))
        .header(xff.0, xff.1)
        .header("Authorization", "Bearer nieprawidlowy")
        .header("Content-Type", "application/json")
        .send("{\"wire_version\":1}");
}

fn run_server(behind_proxy: bool, log_level: Option<&str>) -> (String, Vec<u8>) {
    let (output, _, files) = run_server_with(behind_proxy, log_level, false);
    (output, files)
}

/// The server's standard output and error together, its standard error alone, and the bytes of its data
/// directory's files; `journal`: started as systemd starts it with its error output to the journal.
fn run_server_with(behind_proxy: bool, log_level: Option<&str>, journal: bool) -> (String, String, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let base = format!("http://{SERVER_IP}:{port}");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sync-server"));
    cmd.env("OCEN_CONFIG", "/dev/null")
        .env_remove("RUST_LOG")
        .arg("--data-dir")
        .arg(dir.path())
        .args(["serve", "--listen", &format!("{SERVER_IP}:{port}"), "--behind-proxy", &behind_proxy.to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(level) = log_level {
        cmd.env("RUST_LOG", level);
    }
    if journal {
        cmd.env("JOURNAL_STREAM", "8:12345");
    } else {
        cmd.env_remove("JOURNAL_STREAM");
    }
    let mut server = cmd.spawn().unwrap();
    // Both pipes are drained while the server runs, so that it never blocks writing its logs.
    let mut out = server.stdout.take().unwrap();
    let mut err = server.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut s = Vec::new();
        out.read_to_end(&mut s).unwrap();
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = Vec::new();
        err.read_to_end(&mut s).unwrap();
        s
    });

    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).max_redirects(0).build().into();
    wait_ready(&agent, &base);
    traffic(&agent, &base);

    // A graceful stop, so that everything the server would log is logged.
    let stopped = Command::new("kill").args(["-TERM", &server.id().to_string()]).status().unwrap();
    assert!(stopped.success());
    assert!(server.wait().unwrap().success());
    let mut output = out.join().unwrap();
    let err = err.join().unwrap();
    output.extend(&err);
    let output = String::from_utf8_lossy(&output).into_owned();
    let err = String::from_utf8_lossy(&err).into_owned();

    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        files.extend(std::fs::read(entry.unwrap().path()).unwrap());
    }
    (output, err, files)
}

fn assert_no_client_address(output: &str, files: &[u8], what: &str) {
    // The run did log: an empty log would pass trivially.
    assert!(
        output.contains(&format!("{SERVER_IP}:")),
        "{what}: the log does not even show the listening address:\n{output}"
    );
    for client in [DIRECT_CLIENT, PROXIED_CLIENT] {
        assert!(!output.contains(client), "{what}: the log names the client {client}:\n{output}");
        let bytes = client.as_bytes();
        assert!(!files.windows(bytes.len()).any(|w| w == bytes), "{what}: the data directory holds {client}");
    }
}

#[test]
fn no_client_address_reaches_the_logs_at_the_default_level() {
    let (output, files) = run_server(true, None);
    assert_no_client_address(&output, &files, "behind a proxy, default level");
    let (output, files) = run_server(false, None);
    assert_no_client_address(&output, &files, "direct, default level");
}

#[test]
fn no_client_address_reaches_the_logs_at_trace_level() {
    let (output, files) = run_server(true, Some("trace"));
    assert_no_client_address(&output, &files, "behind a proxy, trace");
    let (output, files) = run_server(false, Some("trace"));
    assert_no_client_address(&output, &files, "direct, trace");
}

#[test]
fn under_systemd_each_log_line_carries_its_priority_for_the_journal() {
    let (_, err, _) = run_server_with(false, Some("trace"), true);
    let lines: Vec<&str> = err.lines().collect();
    assert!(lines.iter().any(|l| l.starts_with("<6>") && l.contains(&format!("{SERVER_IP}:"))), "{err}");
    for line in &lines {
        let priority = line.strip_prefix('<').and_then(|l| l.split_once('>')).map(|(p, _)| p);
        assert!(matches!(priority, Some("3" | "4" | "6" | "7")), "a line without its priority: {line}");
    }
}
