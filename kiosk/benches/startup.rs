//! The kiosk's start-up and memory: the release program is launched as systemd would launch it and timed
//! to its READY=1 (sent on the first turn of the UI's event loop, with the window shown), then its
//! resident memory is read at once and after a few seconds idle. Runs on an X display with Slint's
//! software renderer; starts `Xvfb :93` when `DISPLAY` is unset (Debian package `xvfb`). Prints figures;
//! asserts nothing. Run: `cargo bench -p kiosk --bench startup`.

// A benchmark's setup may unwrap: a panic is how it reports a broken premise.
#![allow(clippy::unwrap_used)]

use std::os::unix::net::UnixDatagram;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

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
    let mut xvfb = None;
    let display = match std::env::var("DISPLAY") {
        Ok(d) => d,
        Err(_) => {
            xvfb = Some(
                Command::new("Xvfb")
                    .args([":93", "-screen", "0", "1024x768x24", "-nolisten", "tcp"])
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()
                    .expect("Xvfb (apt install xvfb) or a DISPLAY"),
            );
            std::thread::sleep(Duration::from_millis(800));
            ":93".to_owned()
        }
    };
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("kiosk.toml");
    std::fs::write(&config, "fullscreen = true\nsync_interval_seconds = 3600\n").unwrap();
    let binary = env!("CARGO_BIN_EXE_kiosk");
    println!("kiosk binary: {:.1} MB", std::fs::metadata(binary).unwrap().len() as f64 / 1e6);
    let mut starts = Vec::new();
    for run in 0..5 {
        let socket_path = dir.path().join(format!("notify-{run}"));
        let socket = UnixDatagram::bind(&socket_path).unwrap();
        socket.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let started = Instant::now();
        let mut kiosk = Command::new(binary)
            .arg("--data-dir")
            .arg(dir.path().join("dane"))
            .arg("--config")
            .arg(&config)
            .env("DISPLAY", &display)
            .env("NOTIFY_SOCKET", &socket_path)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut buf = [0u8; 256];
        loop {
            let n = socket.recv(&mut buf).expect("READY=1 within 30 s");
            if String::from_utf8_lossy(&buf[..n]).contains("READY=1") {
                break;
            }
        }
        let ready = started.elapsed();
        let at_start = rss_mb(kiosk.id());
        std::thread::sleep(Duration::from_secs(3));
        let idle = rss_mb(kiosk.id());
        println!(
            "run {}: ready in {:.0} ms, resident {:.1} MB at once, {:.1} MB after 3 s idle",
            run + 1,
            ready.as_secs_f64() * 1000.0,
            at_start,
            idle
        );
        starts.push(ready);
        kiosk.kill().unwrap();
        kiosk.wait().unwrap();
    }
    starts.sort();
    println!("start-up to READY=1, median of 5: {:.0} ms", starts[2].as_secs_f64() * 1000.0);
    if let Some(mut x) = xvfb {
        let _ = x.kill();
        let _ = x.wait();
    }
}
