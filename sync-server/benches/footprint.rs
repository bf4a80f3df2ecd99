//! The server's footprint: the size of its binary and its resident memory when idle, right after start on
//! an empty database and after a year's report has been made. Prints figures; asserts nothing.
//! Run: `cargo bench -p sync-server --bench footprint`.

// A benchmark's setup may unwrap: a panic is how it reports a broken premise.
#![allow(clippy::unwrap_used)]

use std::io::BufRead;
use std::process::{Command, Stdio};

fn rss_mb(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap();
    kb / 1024.0
}

fn main() {
    let binary = env!("CARGO_BIN_EXE_sync-server");
    println!("sync-server binary: {:.1} MB ({binary})", std::fs::metadata(binary).unwrap().len() as f64 / 1e6);
    let dir = tempfile::tempdir().unwrap();
    let mut server = Command::new(binary)
        .arg("--data-dir")
        .arg(dir.path())
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("OCEN_CONFIG", "/dev/null")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(server.stdout.take().unwrap()).lines();
    let base = loop {
        let line = lines.next().unwrap().unwrap();
        if let Some(rest) = line.split("http://").nth(1) {
            break format!("http://{}", rest.split('/').next().unwrap());
        }
    };
    std::thread::spawn(move || for _ in lines {});
    std::thread::sleep(std::time::Duration::from_secs(1));
    println!("idle after start, empty database: {:.1} MB resident", rss_mb(server.id()));
    // The pages every visitor and admin sees first, a few times over.
    let agent = ureq::Agent::config_builder().http_status_as_error(false).build().new_agent();
    for _ in 0..200 {
        for path in ["/urzad/", "/urzad/ankieta", "/admin/logowanie", "/healthz"] {
            agent.get(format!("{base}{path}")).call().unwrap().body_mut().read_to_vec().unwrap();
        }
    }
    std::thread::sleep(std::time::Duration::from_secs(1));
    println!("idle after 800 page views: {:.1} MB resident", rss_mb(server.id()));
    server.kill().unwrap();
    server.wait().unwrap();
}
