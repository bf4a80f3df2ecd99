//! What the server sends over a real loopback connection to someone on mobile data: text (the survey page)
//! travels compressed when the client accepts gzip or Brotli; files that are compressed already (PDF,
//! PNG, XLSX) travel as they are; and files that change only with the program or an upload carry an
//! ETag, so asking again with it costs an empty `304 Not Modified`.

// Test helpers may unwrap: a panic is how a test reports a broken premise.
#![allow(clippy::unwrap_used)]

use std::io::Read;

use sync_server::http::AppState;
use sync_server::store::{NewAdmin, Store};

const PASSWORD: &str = "Haslo-Do-Testu-123";

struct Server {
    store: Store,
    base: String,
    agent: ureq::Agent,
    _dir: tempfile::TempDir,
    _runtime: tokio::runtime::Runtime,
}

struct Reply {
    status: u16,
    headers: ureq::http::HeaderMap,
    body: Vec<u8>,
}

impl Reply {
    /// A response header, its values joined as one.
    fn header(&self, name: &str) -> Option<String> {
        let all: Vec<&str> = self.headers.get_all(name).iter().map(|v| v.to_str().unwrap()).collect();
        (!all.is_empty()).then(|| all.join(", "))
    }
}

fn server() -> Server {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    store.create_office("urzad", "Urząd Gminy Testowo").unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    runtime.spawn(sync_server::serve::serve_on(listener, AppState::new(store.clone()), std::future::pending()));
    let agent = ureq::Agent::config_builder().http_status_as_error(false).max_redirects(0).build().new_agent();
    Server { store, base, agent, _dir: dir, _runtime: runtime }
}

impl Server {
    /// A GET with these request headers. The client decodes nothing: the body is as it travelled.
    fn get(&self, path: &str, headers: &[(&str, &str)]) -> Reply {
        let mut req = self.agent.get(format!("{}{path}", self.base));
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        let mut r = req.call().unwrap();
        Reply { status: r.status().as_u16(), headers: r.headers().clone(), body: r.body_mut().read_to_vec().unwrap() }
    }

    /// The session cookie of an office admin.
    fn admin_cookie(&self) -> String {
        let hash = sync_server::password::hash(PASSWORD).unwrap();
        self.store.create_admin(&NewAdmin { login: "a", password_hash: &hash, office_slug: Some("urzad") }).unwrap();
        let r = self
            .agent
            .post(format!("{}/admin/logowanie", self.base))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .send(format!("login=a&password={PASSWORD}"))
            .unwrap();
        assert_eq!(r.status(), 303);
        r.headers().get("set-cookie").unwrap().to_str().unwrap().split(';').next().unwrap().to_owned()
    }
}

/// The page with its form token (new on every request) blanked out.
fn without_token(html: &str) -> String {
    let (before, after) = html.split_once("name=\"token\" value=\"").unwrap();
    let (_, rest) = after.split_once('"').unwrap();
    format!("{before}name=\"token\" value=\"\"{rest}")
}

#[test]
fn the_survey_page_travels_compressed_to_those_who_accept_it() {
    let s = server();
    let plain = s.get("/urzad/ankieta", &[]);
    assert_eq!(plain.status, 200);
    assert_eq!(plain.header("content-encoding"), None);
    let html = String::from_utf8(plain.body).unwrap();
    assert!(html.len() > 20_000, "the page is {} bytes: is this the survey?", html.len());

    let gzip = s.get("/urzad/ankieta", &[("Accept-Encoding", "gzip")]);
    assert_eq!(gzip.status, 200);
    assert_eq!(gzip.header("content-encoding").as_deref(), Some("gzip"));
    assert!(gzip.header("vary").unwrap().to_lowercase().contains("accept-encoding"));
    let mut decoded = String::new();
    flate2::read::GzDecoder::new(gzip.body.as_slice()).read_to_string(&mut decoded).unwrap();
    assert_eq!(without_token(&decoded), without_token(&html));
    assert!(gzip.body.len() * 4 < html.len(), "{} bytes compressed from {}", gzip.body.len(), html.len());

    // Browsers offer both with equal preference; the server then picks Brotli, the smaller.
    let brotli = s.get("/urzad/ankieta", &[("Accept-Encoding", "gzip, deflate, br")]);
    assert_eq!(brotli.header("content-encoding").as_deref(), Some("br"));
    assert!(brotli.body.len() * 4 < html.len(), "{} bytes compressed from {}", brotli.body.len(), html.len());
}

#[test]
fn compressed_formats_travel_as_they_are() {
    let s = server();
    let cookie = s.admin_cookie();
    let accept = ("Accept-Encoding", "gzip, deflate, br");
    for (path, content_type, magic) in [
        ("/admin/pomoc/instrukcja.pdf", "application/pdf", &b"%PDF"[..]),
        ("/urzad/baner/300x100.png", "image/png", &b"\x89PNG"[..]),
        (
            "/admin/urzad/urzad/raporty/xlsx?od=2026-01-01&do=2026-12-31",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            &b"PK"[..],
        ),
    ] {
        let r = s.get(path, &[accept, ("Cookie", &cookie)]);
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.header("content-type").as_deref(), Some(content_type), "{path}");
        assert_eq!(r.header("content-encoding"), None, "{path} was compressed");
        assert!(r.body.starts_with(magic), "{path}");
        assert!(r.body.len() > 1024, "{path} is too small to tell");
    }
}

#[test]
fn files_answer_their_own_etag_with_not_modified() {
    let s = server();
    // A real picture as the office's logo: the banner drawn by the server.
    let png = s.get("/urzad/baner/250x250.png", &[]).body;
    let office = s.store.office("urzad").unwrap();
    s.store.set_logo(office.id, "test", Some((&png, "image/png"))).unwrap();

    for (path, cache_control) in [
        ("/static/style.css", Some("public, max-age=3600")),
        ("/static/admin.css", Some("public, max-age=3600")),
        ("/static/favicon.svg", Some("public, max-age=86400")),
        ("/urzad/logo", Some("public, max-age=300")),
        ("/urzad/baner/300x100.svg", Some("public, max-age=86400")),
        ("/urzad/baner/300x100.png", Some("public, max-age=86400")),
        ("/admin/pomoc/img/ankieta.png", Some("public, max-age=3600")),
        ("/admin/pomoc/instrukcja.pdf", None),
        ("/api/v1/openapi.json", None),
    ] {
        let first = s.get(path, &[]);
        assert_eq!(first.status, 200, "{path}");
        let etag = first.header("etag").unwrap_or_else(|| panic!("{path} has no ETag"));
        assert!(etag.starts_with('"') && etag.len() > 40, "{path}: {etag} is not a strong content hash");
        assert_eq!(first.header("cache-control").as_deref(), cache_control, "{path}");

        let again = s.get(path, &[("If-None-Match", &etag)]);
        assert_eq!(again.status, 304, "{path}");
        assert!(again.body.is_empty(), "{path}");
        assert_eq!(again.header("etag"), Some(etag.clone()), "{path}");
        assert_eq!(again.header("cache-control").as_deref(), cache_control, "{path}");

        let stale = s.get(path, &[("If-None-Match", "\"an-older-copy\"")]);
        assert_eq!((stale.status, stale.body.len()), (200, first.body.len()), "{path}");
    }
}

#[test]
fn a_compressed_copy_has_a_weak_etag_that_still_answers_not_modified() {
    let s = server();
    let plain = s.get("/static/style.css", &[]);
    let strong = plain.header("etag").unwrap();
    let gzip = s.get("/static/style.css", &[("Accept-Encoding", "gzip")]);
    assert_eq!(gzip.header("content-encoding").as_deref(), Some("gzip"));
    let weak = gzip.header("etag").unwrap();
    assert_eq!(weak, format!("W/{strong}"));
    let again = s.get("/static/style.css", &[("Accept-Encoding", "gzip"), ("If-None-Match", &weak)]);
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
}
