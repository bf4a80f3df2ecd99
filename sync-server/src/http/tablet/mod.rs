//! The tablet at the counter: an installable web app served at `/kiosk/` that asks the same questions as
//! the Slint kiosk and talks to the same sync API (`/api/v1/`). Its files live in `sync-server/tablet/`
//! and are embedded in the binary, so the server serves the app of its own version.
//!
//! Unlike the web survey (no JavaScript at all), this surface runs scripts, but only its own: the
//! Content-Security-Policy allows `'self'` and nothing else, and nothing is loaded from another origin.
//! The service worker (`sw.js`) keeps a copy of every file so that the app starts with no network; its
//! text carries a hash of all the files, so a new version of the server makes the tablets take the new
//! app at their next start with network.

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;

use super::AppState;
use super::validators;

/// The tablet's pages may run only their own scripts and talk only to this server. `worker-src` for the
/// service worker, `manifest-src` for the installable app's manifest; no inline script or style.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; connect-src 'self'; worker-src 'self'; manifest-src 'self'; form-action 'self'; \
     base-uri 'none'; frame-ancestors 'none'";

/// One file of the app: its path under `/kiosk/`, its type and its content.
type File = (&'static str, &'static str, &'static [u8]);

const JS: &str = "text/javascript; charset=utf-8";

macro_rules! file {
    ($path:literal, $mime:expr) => {
        ($path, $mime, include_bytes!(concat!("../../../tablet/", $path)))
    };
}

/// Every file of the app. The service worker caches exactly these (`sw.js` reads the list from
/// `files.json`, made from this table).
const FILES: &[File] = &[
    ("", "text/html; charset=utf-8", include_bytes!("../../../tablet/index.html")),
    file!("app.js", JS),
    file!("db.js", JS),
    file!("flow.js", JS),
    file!("pin.js", JS),
    file!("sync.js", JS),
    file!("uuid7.js", JS),
    file!("words.js", JS),
    file!("style.css", "text/css; charset=utf-8"),
    file!("icon.svg", "image/svg+xml"),
    file!("icon-192.png", "image/png"),
    file!("icon-512.png", "image/png"),
    file!("manifest.webmanifest", "application/manifest+json"),
    file!("vendor/noble-hashes/argon2.js", JS),
    file!("vendor/noble-hashes/_u64.js", JS),
    file!("vendor/noble-hashes/blake2.js", JS),
    file!("vendor/noble-hashes/_blake.js", JS),
    file!("vendor/noble-hashes/_md.js", JS),
    file!("vendor/noble-hashes/utils.js", JS),
    file!("vendor/noble-hashes/LICENSE", "text/plain; charset=utf-8"),
];

/// The service worker's text, with its version (a hash of every file) and its list of files filled in.
const SERVICE_WORKER: &str = include_str!("../../../tablet/sw.js");

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/kiosk", get(|| async { Redirect::permanent("/kiosk/") }))
        .route("/kiosk/", get(|headers: HeaderMap| async move { serve("", &headers) }))
        .route("/kiosk/sw.js", get(service_worker))
        .route(
            "/kiosk/{*path}",
            get(|Path(path): Path<String>, headers: HeaderMap| async move { serve(&path, &headers) }),
        )
}

/// A version of the app: changes whenever any of its files does.
fn version() -> String {
    let mut hasher = blake3::Hasher::new();
    for (path, _, content) in FILES {
        hasher.update(path.as_bytes());
        hasher.update(&(content.len() as u64).to_le_bytes());
        hasher.update(content);
    }
    hasher.finalize().to_hex()[..16].to_owned()
}

/// The addresses the service worker keeps, as a JavaScript array.
fn cached_paths() -> String {
    let paths: Vec<String> = FILES.iter().map(|(path, _, _)| format!("/kiosk/{path}")).collect();
    serde_json::to_string(&paths).unwrap_or_else(|_| "[]".to_owned())
}

fn service_worker_text() -> String {
    SERVICE_WORKER.replace("__VERSION__", &version()).replace("__FILES__", &cached_paths())
}

async fn service_worker(headers: HeaderMap) -> Response {
    let mut response =
        with_policy(validators::file(&headers, HeaderValue::from_static(JS), Some("no-cache"), service_worker_text()));
    // The worker controls the whole app under /kiosk/, and nothing else of the server.
    response.headers_mut().insert("service-worker-allowed", HeaderValue::from_static("/kiosk/"));
    response
}

/// A file of the app, always revalidated (`no-cache` with its ETag: a `304` costs a few bytes), so that a
/// tablet with network has the server's version; without network the service worker answers.
fn serve(path: &str, headers: &HeaderMap) -> Response {
    match FILES.iter().find(|(p, _, _)| *p == path) {
        Some((_, mime, content)) => {
            with_policy(validators::file(headers, HeaderValue::from_static(mime), Some("no-cache"), *content))
        }
        None => with_policy(
            (StatusCode::NOT_FOUND, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], "Nie ma takiego pliku.")
                .into_response(),
        ),
    }
}

fn with_policy(mut response: Response) -> Response {
    response.headers_mut().insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    response
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::http::Request;
    use tower::ServiceExt;

    use super::*;
    use crate::store::Store;

    async fn get(app: &Router, uri: &str) -> Response {
        app.clone().oneshot(Request::get(uri).body(Body::empty()).unwrap()).await.unwrap()
    }

    fn app() -> (tempfile::TempDir, Router) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        (dir, crate::http::app(AppState::new(store)))
    }

    #[tokio::test]
    async fn every_file_is_served_with_the_strict_policy() {
        let (_dir, app) = app();
        for (path, mime, content) in FILES {
            let response = get(&app, &format!("/kiosk/{path}")).await;
            assert_eq!(response.status(), StatusCode::OK, "{path}");
            assert_eq!(response.headers()[header::CONTENT_TYPE], *mime, "{path}");
            assert_eq!(response.headers()[header::CONTENT_SECURITY_POLICY], CONTENT_SECURITY_POLICY, "{path}");
            assert!(!content.is_empty(), "{path}");
        }
        assert!(!CONTENT_SECURITY_POLICY.contains("unsafe"), "no inline script, no eval");
        let missing = get(&app, "/kiosk/nie-ma.js").await;
        assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    }

    #[tokio::test]
    async fn the_service_worker_lists_every_file_and_changes_with_them() {
        let (_dir, app) = app();
        let response = get(&app, "/kiosk/sw.js").await;
        assert_eq!(response.status(), StatusCode::OK);
        let body = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
        let text = String::from_utf8(body.to_vec()).unwrap();
        assert!(!text.contains("__VERSION__") && !text.contains("__FILES__"));
        assert!(text.contains(&version()));
        for (path, _, _) in FILES {
            assert!(text.contains(&format!("\"/kiosk/{path}\"")), "{path} is not cached by the worker");
        }
    }

    #[tokio::test]
    async fn the_address_without_slash_leads_to_the_app() {
        let (_dir, app) = app();
        let response = get(&app, "/kiosk").await;
        assert_eq!(response.status(), StatusCode::PERMANENT_REDIRECT);
        assert_eq!(response.headers()[header::LOCATION], "/kiosk/");
    }
}
