//! Every surface answers a failure in its own language: the sync API in JSON with a stable code, the
//! public pages and the admin panel as a Polish HTML page saying what to do — including axum's own
//! refusals (a malformed query, a body too large, an address that does not exist), which would otherwise
//! be a line of English plain text.

// Test helpers may unwrap: a panic is how a test reports a broken premise.
#![allow(clippy::unwrap_used)]

use survey::wire::ApiError;
use sync_server::http::AppState;
use sync_server::store::Store;

struct Reply {
    status: u16,
    content_type: String,
    body: String,
}

fn server() -> (String, ureq::Agent, tokio::runtime::Runtime, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    store.create_office("urzad", "Urząd Gminy Testowo").unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    runtime.spawn(sync_server::serve::serve_on(listener, AppState::new(store), std::future::pending()));
    let agent = ureq::Agent::config_builder().http_status_as_error(false).max_redirects(0).build().new_agent();
    (base, agent, runtime, dir)
}

fn reply(r: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Reply {
    let mut r = r.unwrap();
    let content_type = r.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    Reply { status: r.status().as_u16(), content_type, body: r.body_mut().read_to_string().unwrap() }
}

fn assert_polish_page(r: &Reply, status: u16, words: &str) {
    assert_eq!(r.status, status, "{}", r.body);
    assert!(r.content_type.starts_with("text/html"), "{}: {}", r.content_type, r.body);
    assert!(r.body.contains("<html lang=\"pl\""), "{}", r.body);
    assert!(r.body.contains(words), "{words:?} not in {}", r.body);
}

#[test]
fn the_api_answers_json_everywhere_even_for_what_axum_refuses() {
    let (base, agent, _rt, _dir) = server();
    let missing = reply(agent.get(format!("{base}/api/v1/nie-ma")).call());
    assert_eq!((missing.status, missing.content_type.as_str()), (404, "application/json"));
    assert_eq!(serde_json::from_str::<ApiError>(&missing.body).unwrap().code, "not_found");
    let wrong_method = reply(agent.get(format!("{base}/api/v1/pair")).call());
    assert_eq!(wrong_method.status, 405);
    assert_eq!(serde_json::from_str::<ApiError>(&wrong_method.body).unwrap().code, "method_not_allowed");
    let no_json = reply(agent.post(format!("{base}/api/v1/pair")).header("Content-Type", "text/plain").send("x"));
    assert!(serde_json::from_str::<ApiError>(&no_json.body).is_ok(), "{}", no_json.body);
}

#[test]
fn public_pages_and_the_panel_show_polish_pages_with_what_to_do() {
    let (base, agent, _rt, _dir) = server();
    // A query axum cannot read (the language twice).
    let malformed = reply(agent.get(format!("{base}/urzad/?lang=pl&lang=en")).call());
    assert_polish_page(&malformed, 400, "Żądanie jest nieprawidłowe");
    let wrong_method = reply(agent.put(format!("{base}/urzad/ankieta")).send(""));
    assert_polish_page(&wrong_method, 405, "Tego adresu nie można użyć w ten sposób");
    let missing = reply(agent.get(format!("{base}/admin/nie-ma-takiej-strony")).call());
    assert_polish_page(&missing, 404, "Nie ma takiego adresu");
    let too_large = reply(
        agent
            .post(format!("{base}/admin/logowanie"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .send(format!("login={}&password=x", "a".repeat(3 * 1024 * 1024))),
    );
    assert_polish_page(&too_large, 413, "zbyt obszerny");
}
