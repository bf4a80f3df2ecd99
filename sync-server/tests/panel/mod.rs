//! What the panel's HTTP tests share: a real server on a loopback port over a real SQLite file in a
//! temporary directory, with the offices `alfa` and `beta`, an administrator of each (`alfa_admin`,
//! `beta_admin`) and the operator (`operator`), all with the password `PASSWORD`; and a client that
//! shows redirects and error statuses as they come instead of following or raising them.

// Each test file uses its own part of this module.
#![allow(dead_code)]

use rusqlite::Connection;
use sync_server::http::AppState;
use sync_server::store::{DB_FILE, NewAdmin, Store};

pub const PASSWORD: &str = "Bardzo-Dlugie-Haslo-1";

pub struct Panel {
    pub dir: tempfile::TempDir,
    pub store: Store,
    pub base: String,
    pub agent: ureq::Agent,
    _runtime: tokio::runtime::Runtime,
}

pub struct Reply {
    pub status: u16,
    pub location: String,
    /// The `name=value` part of a cookie the reply sets.
    pub cookie: Option<String>,
    /// The body as text (files such as PDFs shown lossily).
    pub body: String,
}

pub fn reply(mut r: ureq::http::Response<ureq::Body>) -> Reply {
    let header = |name: &str| r.headers().get(name).map(|v| v.to_str().unwrap().to_owned());
    Reply {
        status: r.status().as_u16(),
        location: header("location").unwrap_or_default(),
        cookie: header("set-cookie").and_then(|c| c.split(';').next().map(str::to_owned)),
        body: String::from_utf8_lossy(&r.body_mut().read_to_vec().unwrap()).into_owned(),
    }
}

/// A store in a new temporary directory with the two offices and the three accounts.
pub fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    store.create_office("alfa", "Urząd Gminy Alfa").unwrap();
    store.create_office("beta", "Urząd Gminy Beta").unwrap();
    let hash = sync_server::password::hash(PASSWORD).unwrap();
    for (login, office) in [("operator", None), ("alfa_admin", Some("alfa")), ("beta_admin", Some("beta"))] {
        store.create_admin(&NewAdmin { login, password_hash: &hash, office_slug: office }).unwrap();
    }
    (dir, store)
}

impl Panel {
    /// The standard store served with the default state.
    pub fn start() -> Panel {
        let (dir, store) = store();
        let state = AppState::new(store.clone());
        Panel::serve(dir, store, state)
    }

    /// Serves `state` (made over `store`, which lives in `dir`) on a free loopback port.
    pub fn serve(dir: tempfile::TempDir, store: Store, state: AppState) -> Panel {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        runtime.spawn(sync_server::serve::serve_on(listener, state, std::future::pending()));
        let agent = ureq::Agent::config_builder().http_status_as_error(false).max_redirects(0).build().new_agent();
        Panel { dir, store, base, agent, _runtime: runtime }
    }

    pub fn get(&self, path: &str, cookie: &str) -> Reply {
        reply(self.agent.get(format!("{}{path}", self.base)).header("Cookie", cookie).call().unwrap())
    }

    /// The body of a page that must answer 200, as bytes.
    pub fn get_bytes(&self, path: &str, cookie: &str) -> Vec<u8> {
        let mut r = self.agent.get(format!("{}{path}", self.base)).header("Cookie", cookie).call().unwrap();
        assert_eq!(r.status(), 200, "{path}");
        r.body_mut().read_to_vec().unwrap()
    }

    /// Posts a form body already encoded.
    pub fn post(&self, path: &str, cookie: &str, body: &str) -> Reply {
        let req = self
            .agent
            .post(format!("{}{path}", self.base))
            .header("Cookie", cookie)
            .header("Content-Type", "application/x-www-form-urlencoded");
        reply(req.send(body).unwrap())
    }

    pub fn login_attempt(&self, login: &str, password: &str) -> Reply {
        self.login_with(login, password, "test")
    }

    /// A login from a browser that calls itself `user_agent`.
    pub fn login_with(&self, login: &str, password: &str, user_agent: &str) -> Reply {
        let req = self
            .agent
            .post(format!("{}/admin/logowanie", self.base))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("User-Agent", user_agent);
        let body: String = form_urlencoded::Serializer::new(String::new())
            .append_pair("login", login)
            .append_pair("password", password)
            .finish();
        reply(req.send(body).unwrap())
    }

    /// Logs in over HTTP; the session cookie and the session's CSRF token.
    pub fn login_as(&self, login: &str, password: &str) -> (String, String) {
        let r = self.login_attempt(login, password);
        assert_eq!(r.status, 303, "{login}: {}", r.body);
        let cookie = r.cookie.unwrap();
        let token = cookie.split_once('=').unwrap().1.to_owned();
        (cookie, self.store.session(&token).unwrap().unwrap().csrf)
    }

    /// Logs in with `PASSWORD`.
    pub fn login(&self, login: &str) -> (String, String) {
        self.login_as(login, PASSWORD)
    }

    /// The one number an SQL query over the database file gives.
    pub fn count(&self, sql: &str) -> i64 {
        Connection::open(self.dir.path().join(DB_FILE)).unwrap().query_row(sql, [], |r| r.get(0)).unwrap()
    }
}

/// The CSRF token a page's form carries.
pub fn csrf_of(page: &str) -> String {
    page.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned()
}
