//! What the fuzz targets share: a server with one office, one paired kiosk and one logged-in admin, on a
//! real SQLite file, called in-process (no socket) so that an input costs a fraction of a millisecond.
//! Every check is "no panic and no 5xx": bad input gets a 4xx and a clear answer, never a server error.

use std::sync::OnceLock;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use sync_server::http::AppState;
use sync_server::http::public::rate_limit::RateLimiter;
use sync_server::store::{NewAdmin, Store};
use tower::ServiceExt;

const PASSWORD: &str = "Haslo-Do-Fuzzingu-123";

/// The server under test and the credentials of its kiosk and admin.
pub struct Harness {
    runtime: tokio::runtime::Runtime,
    app: Router,
    pub store: Store,
    /// The paired kiosk's bearer token.
    pub device_token: String,
    /// The admin's session cookie (`name=value`) and the session's CSRF token.
    pub cookie: String,
    pub csrf: String,
    _dir: tempfile::TempDir,
}

/// A reply: status, headers and body.
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

/// The one harness of this process, made on first use.
pub fn harness() -> &'static Harness {
    static HARNESS: OnceLock<Harness> = OnceLock::new();
    HARNESS.get_or_init(Harness::new)
}

impl Harness {
    fn new() -> Harness {
        // In memory when the machine has a tmpfs: the durable commits then cost nothing.
        let dir = tempfile::tempdir_in("/dev/shm").or_else(|_| tempfile::tempdir()).expect("a temporary directory");
        let store = Store::open(dir.path()).expect("the database opens");
        let office = store.create_office("urzad", "Urząd Gminy Testowo").expect("an office");
        store.add_department("urzad", "usc", "Urząd Stanu Cywilnego").expect("a department");
        let hash = sync_server::password::hash(PASSWORD).expect("a password hash");
        store
            .create_admin(&NewAdmin { login: "admin", password_hash: &hash, office_slug: Some("urzad") })
            .expect("an admin");
        let runtime =
            tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().expect("tokio");
        // Every input comes from one client; the per-client survey limit would stop the run at once.
        let state =
            AppState { limiter: std::sync::Arc::new(RateLimiter::new(u32::MAX)), ..AppState::new(store.clone()) };
        let app = sync_server::http::app(state);
        let mut h = Harness {
            runtime,
            app,
            store,
            device_token: String::new(),
            cookie: String::new(),
            csrf: String::new(),
            _dir: dir,
        };

        let code = h.store.enroll_device(office.id, "admin", "parter").expect("an enrolment code").code;
        let pair = h.post("/api/v1/pair", "application/json", &[], pair_body(&code));
        assert_eq!(pair.status, StatusCode::OK, "pairing: {}", String::from_utf8_lossy(&pair.body));
        let pair: serde_json::Value = serde_json::from_slice(&pair.body).expect("pairing JSON");
        h.device_token = pair["token"].as_str().expect("a token").to_owned();

        let login = h.post(
            "/admin/logowanie",
            "application/x-www-form-urlencoded",
            &[],
            format!("login=admin&password={PASSWORD}").into_bytes(),
        );
        let cookie = login.headers.get(header::SET_COOKIE).and_then(|v| v.to_str().ok()).expect("a session cookie");
        h.cookie = cookie.split(';').next().unwrap_or_default().to_owned();
        let page = h.get("/admin/urzad/urzad/papier", &[("cookie", &h.cookie.clone())]);
        let page = String::from_utf8_lossy(&page.body).into_owned();
        h.csrf = page
            .split("name=\"csrf\" value=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("the paper form carries a CSRF token")
            .to_owned();
        h
    }

    /// Sends one request through the whole router (every layer, as served).
    pub fn send(&self, request: Request<Body>) -> Reply {
        self.runtime.block_on(async {
            let response = self.app.clone().oneshot(request).await.expect("the router never fails");
            let (parts, body) = response.into_parts();
            let body = axum::body::to_bytes(body, usize::MAX).await.expect("a body").to_vec();
            Reply { status: parts.status, headers: parts.headers, body }
        })
    }

    pub fn post(&self, path: &str, content_type: &str, headers: &[(&str, &str)], body: Vec<u8>) -> Reply {
        let mut request = Request::post(path).header(header::CONTENT_TYPE, content_type);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.send(request.body(Body::from(body)).expect("a request"))
    }

    pub fn get(&self, path: &str, headers: &[(&str, &str)]) -> Reply {
        let mut request = Request::get(path);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.send(request.body(Body::empty()).expect("a request"))
    }
}

fn pair_body(code: &str) -> Vec<u8> {
    serde_json::json!({ "wire_version": survey::wire::WIRE_VERSION, "code": code }).to_string().into_bytes()
}

/// Replaces every `@TOKEN@` in a form body with a form token made now, so that the fuzzer can reach the
/// checks behind the token's age (a token is a UUIDv7 whose time must be recent).
pub fn with_fresh_token(data: &[u8]) -> Vec<u8> {
    const MARK: &[u8] = b"@TOKEN@";
    let mut out = Vec::with_capacity(data.len() + 36);
    let mut rest = data;
    while let Some(at) = rest.windows(MARK.len()).position(|w| w == MARK) {
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(uuid::Uuid::now_v7().to_string().as_bytes());
        rest = &rest[at + MARK.len()..];
    }
    out.extend_from_slice(rest);
    out
}

/// The check of every target: bad input is the client's error, never the server's.
pub fn assert_not_server_error(surface: &str, reply: &Reply, input: &[u8]) {
    assert!(
        !reply.status.is_server_error(),
        "{surface} answered {} to {:?}: {}",
        reply.status,
        String::from_utf8_lossy(input),
        String::from_utf8_lossy(&reply.body)
    );
}
