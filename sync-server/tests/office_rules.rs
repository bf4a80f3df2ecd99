//! An office's own rules over real HTTP against a real SQLite file: the information clause (RODO art. 13)
//! on the public pages, the printed questionnaire and the kiosks' API, edited and restored in the panel;
//! the office's data with its checks; the office's own host name; the report archived before a change of
//! office data or departments; the accessibility statement as the office fills it in.

// Test helpers may unwrap: a panic is how a test reports a broken premise.
#![allow(clippy::unwrap_used)]

use rusqlite::Connection;
use survey::wire::{ApiError, PairReply, PairRequest, PrivacyNotice, WIRE_VERSION};
use sync_server::http::AppState;
use sync_server::store::{DB_FILE, NewAdmin, Store};

const PASSWORD: &str = "Bardzo-Dlugie-Haslo-1";

struct Server {
    dir: tempfile::TempDir,
    store: Store,
    base: String,
    agent: ureq::Agent,
    _runtime: tokio::runtime::Runtime,
}

struct Reply {
    status: u16,
    cookie: Option<String>,
    body: String,
}

fn server() -> Server {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    store.create_office("alfa", "Urząd Gminy Alfa").unwrap();
    store.create_office("beta", "Urząd Gminy Beta").unwrap();
    let hash = sync_server::password::hash(PASSWORD).unwrap();
    for (login, office) in [("alfa_admin", Some("alfa")), ("beta_admin", Some("beta")), ("operator", None)] {
        store.create_admin(&NewAdmin { login, password_hash: &hash, office_slug: office }).unwrap();
    }
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    runtime.spawn(sync_server::serve::serve_on(listener, AppState::new(store.clone()), std::future::pending()));
    let agent = ureq::Agent::config_builder().http_status_as_error(false).max_redirects(0).build().new_agent();
    Server { dir, store, base, agent, _runtime: runtime }
}

fn reply(mut r: ureq::http::Response<ureq::Body>) -> Reply {
    let cookie = r.headers().get("set-cookie").and_then(|c| c.to_str().unwrap().split(';').next().map(str::to_owned));
    Reply {
        status: r.status().as_u16(),
        cookie,
        body: String::from_utf8_lossy(&r.body_mut().read_to_vec().unwrap()).into_owned(),
    }
}

fn encode(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

impl Server {
    fn get(&self, path: &str, cookie: &str) -> Reply {
        reply(self.agent.get(format!("{}{path}", self.base)).header("Cookie", cookie).call().unwrap())
    }

    fn get_bytes(&self, path: &str, cookie: &str) -> Vec<u8> {
        let mut r = self.agent.get(format!("{}{path}", self.base)).header("Cookie", cookie).call().unwrap();
        assert_eq!(r.status(), 200, "{path}");
        r.body_mut().read_to_vec().unwrap()
    }

    /// Posts the form `fields` (encoded here) with the session's CSRF token.
    fn post(&self, path: &str, (cookie, csrf): &(String, String), fields: &[(&str, &str)]) -> Reply {
        let mut body = format!("csrf={}", encode(csrf));
        for (name, value) in fields {
            body.push_str(&format!("&{name}={}", encode(value)));
        }
        let req = self
            .agent
            .post(format!("{}{path}", self.base))
            .header("Cookie", cookie)
            .header("Content-Type", "application/x-www-form-urlencoded");
        reply(req.send(body).unwrap())
    }

    /// Logs in; the session cookie and its CSRF token.
    fn login(&self, login: &str) -> (String, String) {
        let req = self
            .agent
            .post(format!("{}/admin/logowanie", self.base))
            .header("Content-Type", "application/x-www-form-urlencoded");
        let r = reply(req.send(format!("login={login}&password={PASSWORD}")).unwrap());
        assert_eq!(r.status, 303, "{}", r.body);
        let cookie = r.cookie.unwrap();
        let page = self.get("/admin/haslo", &cookie).body;
        let csrf = page.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
        (cookie, csrf)
    }

    /// Pairs a kiosk of `office`; its bearer token.
    fn kiosk(&self, office: &str) -> String {
        let office = self.store.office(office).unwrap();
        let code = self.store.enroll_device(office.id, "test", "parter").unwrap().code;
        let body = serde_json::to_string(&PairRequest { wire_version: WIRE_VERSION, code }).unwrap();
        let r = reply(
            self.agent
                .post(format!("{}/api/v1/pair", self.base))
                .header("Content-Type", "application/json")
                .send(body)
                .unwrap(),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        serde_json::from_str::<PairReply>(&r.body).unwrap().token
    }

    fn api_get(&self, path: &str, token: Option<&str>) -> Reply {
        let mut req = self.agent.get(format!("{}/api/v1{path}", self.base));
        if let Some(token) = token {
            req = req.header("Authorization", &format!("Bearer {token}"));
        }
        reply(req.call().unwrap())
    }

    fn count(&self, sql: &str) -> i64 {
        Connection::open(self.dir.path().join(DB_FILE)).unwrap().query_row(sql, [], |r| r.get(0)).unwrap()
    }
}

fn pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ankieta.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdftotext").arg(&path).arg("-").output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap().split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn the_information_clause_is_linked_before_the_first_question_and_on_the_thank_you_page() {
    let s = server();
    let page = s.get("/alfa/prywatnosc", "");
    assert_eq!(page.status, 200);
    for part in [
        "Administratorem danych osobowych jest Urząd Gminy Alfa",
        "art. 6 ust. 1 lit. e RODO",
        "Prezesa Urzędu Ochrony Danych Osobowych",
        "profilowania",
    ] {
        assert!(page.body.contains(part), "the clause lacks {part}");
    }

    let form = s.get("/alfa/ankieta", "").body;
    let link = form.find("href=\"/alfa/prywatnosc\"").expect("the survey links to the clause");
    let first_question = form.find("<fieldset").unwrap();
    assert!(link < first_question, "the link comes before the first question");
    assert!(form.contains("klauzula informacyjna (RODO)"));

    // In English the sentence is English, says the clause is Polish, and keeps the language on the link.
    let english = s.get("/alfa/ankieta?lang=en", "").body;
    assert!(english.contains("href=\"/alfa/prywatnosc?lang=en\""), "{english}");
    assert!(english.contains("privacy notice (GDPR, in Polish)"));
    let english_clause = s.get("/alfa/prywatnosc?lang=en", "").body;
    assert!(english_clause.contains("The notice below is in Polish"));
    assert!(english_clause.contains("<div lang=\"pl\" class=\"clause\">"), "the Polish text is marked as Polish");

    let thanks = s.get("/alfa/dziekujemy?lang=uk", "").body;
    assert!(thanks.contains("href=\"/alfa/prywatnosc?lang=uk\""));
    assert!(thanks.contains("польською мовою"));

    assert_eq!(s.get("/nie-ma/prywatnosc", "").status, 404);
}

#[test]
fn the_admin_edits_the_clause_restores_the_default_and_bad_text_changes_nothing() {
    let s = server();
    let admin = s.login("alfa_admin");
    let edit = s.get("/admin/urzad/alfa/prywatnosc", &admin.0);
    assert_eq!(edit.status, 200);
    assert!(edit.body.contains("tekst domyślny"));
    // A new office has no IOD yet: the panel says what the default lacks.
    assert!(edit.body.contains("imię i nazwisko inspektora ochrony danych"), "{}", edit.body);

    let own = "Klauzula informacyjna Urzędu Gminy Alfa.\r\n\r\n1. Administratorem jest Wójt Gminy Alfa.";
    let saved = s.post("/admin/urzad/alfa/prywatnosc", &admin, &[("text", own), ("action", "zapisz")]);
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert!(saved.body.contains("Zapisano klauzulę informacyjną."));
    let public = s.get("/alfa/prywatnosc", "").body;
    assert!(public.contains("1. Administratorem jest Wójt Gminy Alfa."));
    assert!(!public.contains("Prezesa Urzędu Ochrony Danych Osobowych"), "the default is replaced");
    assert_eq!(s.store.office("alfa").unwrap().privacy_notice.as_deref(), Some(own.replace("\r\n", "\n").as_str()));

    // Empty or too long: refused with a Polish message, the stored text unchanged.
    let empty = s.post("/admin/urzad/alfa/prywatnosc", &admin, &[("text", "  "), ("action", "zapisz")]);
    assert_eq!(empty.status, 422);
    assert!(empty.body.contains("Klauzula nie może być pusta"));
    let long = "ż".repeat(20_001);
    let too_long = s.post("/admin/urzad/alfa/prywatnosc", &admin, &[("text", &long), ("action", "zapisz")]);
    assert_eq!(too_long.status, 422);
    assert!(too_long.body.contains("najwyżej 20000 znaków"), "{}", too_long.body);
    assert!(s.get("/alfa/prywatnosc", "").body.contains("Wójt Gminy Alfa"));

    // The default follows the office's data once restored.
    let restored = s.post("/admin/urzad/alfa/prywatnosc", &admin, &[("text", own), ("action", "domyslna")]);
    assert!(restored.body.contains("Przywrócono domyślny tekst klauzuli"));
    assert_eq!(s.store.office("alfa").unwrap().privacy_notice, None);
    assert!(s.get("/alfa/prywatnosc", "").body.contains("Prezesa Urzędu Ochrony Danych Osobowych"));
    assert_eq!(
        s.count(
            "SELECT count(*) FROM audit_log WHERE action IN ('zmiana klauzuli informacyjnej', 'przywrócenie domyślnej klauzuli')"
        ),
        2
    );

    // Another office's admin cannot reach it.
    let beta = s.login("beta_admin");
    assert_eq!(s.get("/admin/urzad/alfa/prywatnosc", &beta.0).status, 404);
    let foreign = s.post("/admin/urzad/alfa/prywatnosc", &beta, &[("text", "Cudza"), ("action", "zapisz")]);
    assert_eq!(foreign.status, 404);
    assert_eq!(s.store.office("alfa").unwrap().privacy_notice, None);
}

#[test]
fn kiosks_get_the_clause_and_its_address_and_strangers_get_a_structured_401() {
    let s = server();
    let token = s.kiosk("alfa");
    let r = s.api_get("/privacy-notice", Some(&token));
    assert_eq!(r.status, 200, "{}", r.body);
    let notice: PrivacyNotice = serde_json::from_str(&r.body).unwrap();
    assert!(notice.text.contains("Administratorem danych osobowych jest Urząd Gminy Alfa"));
    assert_eq!(notice.url, format!("{}/alfa/prywatnosc", s.base));

    s.store.set_privacy_notice(s.store.office("alfa").unwrap().id, "test", Some("Własna klauzula.")).unwrap();
    s.store.set_office_host("alfa", Some("ankieta.alfa.example.pl")).unwrap();
    let notice: PrivacyNotice = serde_json::from_str(&s.api_get("/privacy-notice", Some(&token)).body).unwrap();
    assert_eq!(notice.text, "Własna klauzula.");
    assert_eq!(notice.url, "https://ankieta.alfa.example.pl/alfa/prywatnosc");

    for token in [None, Some("nieznany-token")] {
        let r = s.api_get("/privacy-notice", token);
        assert_eq!(r.status, 401);
        assert_eq!(serde_json::from_str::<ApiError>(&r.body).unwrap().code, "unauthorized");
    }
}

#[test]
fn the_printed_questionnaire_carries_the_short_clause_and_the_address_of_the_full_one() {
    let s = server();
    let admin = s.login("alfa_admin");
    let text = pdf_text(&s.get_bytes("/admin/urzad/alfa/ankieta/pdf", &admin.0));
    assert!(text.contains("Administratorem danych osobowych jest Urząd Gminy Alfa."), "{text}");
    assert!(text.contains(&format!("{}/alfa/prywatnosc", s.base)), "{text}");
}
