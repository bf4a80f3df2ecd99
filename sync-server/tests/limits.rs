//! What one client, or many, may hold of the server: a bounded number of connections served at once, and
//! no place kept by a connection that sends nothing.

// Test helpers may unwrap: a panic is how a test reports a broken premise.
#![allow(clippy::unwrap_used)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use sync_server::http::AppState;
use sync_server::serve::{Limits, serve_with};
use sync_server::store::Store;

struct Server {
    addr: SocketAddr,
    _dir: tempfile::TempDir,
    _runtime: tokio::runtime::Runtime,
}

fn server(limits: Limits) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let addr = listener.local_addr().unwrap();
    runtime.spawn(serve_with(listener, AppState::new(store), std::future::pending(), limits));
    Server { addr, _dir: dir, _runtime: runtime }
}

/// Sends a health check on `stream` and waits at most `within` for the start of a reply; the reply is
/// read whole, so the connection can be used again.
fn health(stream: &mut TcpStream, within: Duration) -> Option<String> {
    stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    stream.set_read_timeout(Some(within)).unwrap();
    let mut reply = Vec::new();
    let mut byte = [0u8; 1];
    while !reply.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => reply.push(byte[0]),
            _ => return None,
        }
    }
    let head = String::from_utf8(reply).unwrap();
    let length: usize = head
        .lines()
        .find_map(|l| l.to_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse().unwrap()))
        .unwrap_or(0);
    stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    stream.read_exact(&mut vec![0u8; length]).unwrap();
    Some(head.lines().next().unwrap().to_owned())
}

/// Whether the server closes `stream` within `within` (whatever it sends before).
fn closed_within(stream: &mut TcpStream, within: Duration) -> bool {
    stream.set_read_timeout(Some(within)).unwrap();
    loop {
        match stream.read(&mut [0u8; 256]) {
            Ok(0) => return true,
            Ok(_) => {}
            Err(e) => return e.kind() == std::io::ErrorKind::ConnectionReset,
        }
    }
}

#[test]
fn connections_beyond_the_limit_wait_until_one_ends() {
    let s = server(Limits { connections: 2, ..Limits::default() });
    let mut first = TcpStream::connect(s.addr).unwrap();
    let mut second = TcpStream::connect(s.addr).unwrap();
    for kept in [&mut first, &mut second] {
        assert_eq!(health(kept, Duration::from_secs(5)).as_deref(), Some("HTTP/1.1 200 OK"));
    }
    // Both kept open: a third client is not served meanwhile...
    let mut third = TcpStream::connect(s.addr).unwrap();
    assert_eq!(health(&mut third, Duration::from_millis(500)), None, "served beyond the limit");
    // ...and is, as soon as one of them leaves.
    drop(first);
    let started = Instant::now();
    let mut reply = Vec::new();
    third.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut byte = [0u8; 1];
    while !reply.ends_with(b"\r\n") {
        assert_eq!(third.read(&mut byte).unwrap(), 1);
        reply.push(byte[0]);
    }
    assert_eq!(reply, b"HTTP/1.1 200 OK\r\n");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(health(&mut second, Duration::from_secs(5)).as_deref(), Some("HTTP/1.1 200 OK"));
}

#[test]
fn a_connection_that_sends_nothing_keeps_no_place() {
    let s = server(Limits { connections: 1, head_timeout: Duration::from_millis(300) });
    // Half a request's head, and nothing more.
    let mut stalled = TcpStream::connect(s.addr).unwrap();
    stalled.write_all(b"GET /healthz HTTP/1.1\r\nHo").unwrap();
    assert!(closed_within(&mut stalled, Duration::from_secs(3)), "a stalled head kept its connection");
    // A kept connection idle after its request.
    let mut idle = TcpStream::connect(s.addr).unwrap();
    assert_eq!(health(&mut idle, Duration::from_secs(5)).as_deref(), Some("HTTP/1.1 200 OK"));
    assert!(closed_within(&mut idle, Duration::from_secs(3)), "an idle connection kept its place");
    // The only place is free again.
    let mut next = TcpStream::connect(s.addr).unwrap();
    assert_eq!(health(&mut next, Duration::from_secs(5)).as_deref(), Some("HTTP/1.1 200 OK"));
}
