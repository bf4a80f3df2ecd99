//! The web survey over real HTTP on a loopback port, against a real SQLite file: every refusal is clear,
//! keeps what was entered, and stores nothing; a resend is counted once; no client address is kept.

// Test helpers may unwrap: a panic is how a test reports a broken premise.
#![allow(clippy::unwrap_used)]

use std::net::SocketAddr;
use std::sync::Arc;

use rusqlite::Connection;
use sync_server::http::AppState;
use sync_server::http::public::rate_limit::RateLimiter;
use sync_server::store::{DB_FILE, Store};

struct Server {
    dir: tempfile::TempDir,
    store: Store,
    base: String,
    agent: ureq::Agent,
    _runtime: tokio::runtime::Runtime,
}

fn server_with(limit: u32, offices: &[(&str, &str)]) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    for (slug, name) in offices {
        store.create_office(slug, name).unwrap();
    }
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    let state = AppState { limiter: Arc::new(RateLimiter::new(limit)), ..AppState::new(store.clone()) };
    runtime.spawn(sync_server::serve::serve_on(listener, state, std::future::pending()));
    let agent = ureq::Agent::config_builder().http_status_as_error(false).max_redirects(0).build().new_agent();
    Server { dir, store, base: format!("http://{addr}"), agent, _runtime: runtime }
}

fn server() -> Server {
    server_with(1000, &[("urzad", "Urząd Gminy Testowo")])
}

struct Reply {
    status: u16,
    location: String,
    body: String,
}

impl Server {
    fn get(&self, path: &str) -> Reply {
        let mut r = self.agent.get(format!("{}{path}", self.base)).call().unwrap();
        Reply {
            status: r.status().as_u16(),
            location: r.headers().get("location").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default(),
            body: r.body_mut().read_to_string().unwrap(),
        }
    }

    fn get_with_host(&self, path: &str, host: &str) -> Reply {
        let mut r = self.agent.get(format!("{}{path}", self.base)).header("Host", host).call().unwrap();
        Reply { status: r.status().as_u16(), location: String::new(), body: r.body_mut().read_to_string().unwrap() }
    }

    fn post(&self, path: &str, body: &str, headers: &[(&str, &str)]) -> Reply {
        let mut req =
            self.agent.post(format!("{}{path}", self.base)).header("Content-Type", "application/x-www-form-urlencoded");
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let mut r = req.send(body).unwrap();
        Reply {
            status: r.status().as_u16(),
            location: r.headers().get("location").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default(),
            body: r.body_mut().read_to_string().unwrap(),
        }
    }

    /// A fresh form's hidden fields, as a browser would send them back.
    fn form_fields(&self, lang: &str) -> String {
        let page = self.get(&format!("/urzad/ankieta?lang={lang}")).body;
        let token = page.split("name=\"token\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
        format!("lang={lang}&version=1&token={token}&website=")
    }

    fn responses(&self) -> i64 {
        Connection::open(self.dir.path().join(DB_FILE))
            .unwrap()
            .query_row("SELECT count(*) FROM responses", [], |r| r.get(0))
            .unwrap()
    }
}

#[test]
fn a_valid_submission_is_stored_and_leads_to_thanks() {
    let s = server();
    let body = format!("{}&q_ogolna_ocena=5&q_co_poprawic=Wi%C4%99cej+%C5%82awek", s.form_fields("pl"));
    let reply = s.post("/urzad/ankieta", &body, &[]);
    assert_eq!(reply.status, 303);
    assert_eq!(reply.location, "/urzad/dziekujemy");
    assert_eq!(s.responses(), 1);
    assert!(s.get("/urzad/dziekujemy").body.contains("Dziękujemy za poświęcenie czasu i wypełnienie ankiety"));
}

#[test]
fn a_resend_of_the_same_form_is_counted_once() {
    let s = server();
    let body = format!("{}&q_ogolna_ocena=4", s.form_fields("en"));
    for _ in 0..3 {
        let reply = s.post("/urzad/ankieta", &body, &[]);
        assert_eq!((reply.status, reply.location.as_str()), (303, "/urzad/dziekujemy?lang=en"));
    }
    assert_eq!(s.responses(), 1);

    // The same form sent again with other answers: the first one counts, the resident is told so.
    let changed = body.replace("q_ogolna_ocena=4", "q_ogolna_ocena=1");
    let reply = s.post("/urzad/ankieta", &changed, &[]);
    assert_eq!(reply.status, 200);
    assert!(reply.body.contains("This survey has already been sent."), "{}", reply.body);
    assert_eq!(s.responses(), 1);
}

/// Each refused submission: status, message, the entered comment still in the form, nothing stored.
#[test]
fn invalid_submissions_are_refused_clearly_keeping_what_was_entered() {
    let s = server();
    let comment = "q_inne_uwagi=Zostaje+w+formularzu";
    let long = "a".repeat(2001);
    let cases: Vec<(String, u16, &str)> = vec![
        (comment.to_string(), 422, "Odpowiedź na to pytanie jest wymagana."),
        (format!("{comment}&q_ogolna_ocena=7"), 422, "Ocena 7 jest poza skalą. Prosimy wybrać ocenę od 1 do 5."),
        (format!("{comment}&q_ogolna_ocena=abc"), 422, "Ta odpowiedź nie pasuje do pytania."),
        (format!("{comment}&q_ogolna_ocena=4&q_nieznane=1"), 422, "Ankieta nie zawiera takiego pytania."),
        (format!("{comment}&q_ogolna_ocena=4&q_plec=inna"), 422, "Prosimy wybrać jedną z podanych odpowiedzi."),
        (
            format!("{comment}&q_ogolna_ocena=4&q_co_poprawic={long}"),
            422,
            "Tekst ma 2001 znaków, a można wpisać najwyżej 2000.",
        ),
    ];
    for (answers, status, message) in cases {
        let body = format!("{}&{answers}", s.form_fields("pl"));
        let reply = s.post("/urzad/ankieta", &body, &[]);
        assert_eq!(reply.status, status, "{answers}");
        assert!(reply.body.contains(message), "{answers}: no „{message}” in the page");
        assert!(reply.body.contains("class=\"error-summary\""), "{answers}: no error summary");
        assert!(reply.body.contains(">Zostaje w formularzu</textarea>"), "{answers}: the comment was lost");
    }
    assert_eq!(s.responses(), 0);
}

#[test]
fn wrong_version_expired_form_and_honeypot_are_refused_keeping_answers() {
    let s = server();
    let fresh = s.form_fields("pl");
    let old_version = format!("{}&q_ogolna_ocena=4&q_inne_uwagi=Moja+uwaga", fresh.replace("version=1", "version=0"));
    let reply = s.post("/urzad/ankieta", &old_version, &[]);
    assert_eq!(reply.status, 409);
    assert!(reply.body.contains("Ankieta została zmieniona (wersja 0, obecna 1)"), "{}", reply.body);
    assert!(reply.body.contains(">Moja uwaga</textarea>"));
    assert!(reply.body.contains("value=\"4\" checked"), "the rating must stay checked");

    // A token made two days ago: a UUIDv7 whose time is long past.
    let old_ms = (chrono::Utc::now() - chrono::Duration::days(2)).timestamp_millis() as u64;
    let old_token = uuid::Builder::from_unix_timestamp_millis(old_ms, &[7; 10]).into_uuid();
    let expired = format!("lang=pl&version=1&token={old_token}&q_ogolna_ocena=4&q_inne_uwagi=Moja+uwaga");
    let reply = s.post("/urzad/ankieta", &expired, &[]);
    assert_eq!(reply.status, 422);
    assert!(reply.body.contains("Formularz był otwarty zbyt długo."), "{}", reply.body);
    assert!(!reply.body.contains(&old_token.to_string()), "an expired form gets a new token");
    assert!(reply.body.contains(">Moja uwaga</textarea>"));

    let bot = format!("{}&q_ogolna_ocena=5", fresh.replace("website=", "website=http%3A%2F%2Fspam.example"));
    let reply = s.post("/urzad/ankieta", &bot, &[]);
    assert_eq!(reply.status, 400);
    assert!(reply.body.contains("Formularz dotarł niekompletny."));
    assert_eq!(s.responses(), 0);
}

#[test]
fn oversized_and_cross_site_submissions_are_refused() {
    let s = server();
    let huge = format!("{}&q_ogolna_ocena=4&q_co_poprawic={}", s.form_fields("pl"), "x".repeat(70 * 1024));
    let reply = s.post("/urzad/ankieta", &huge, &[]);
    assert_eq!(reply.status, 413);
    assert!(reply.body.contains("Ankieta jest zbyt obszerna"), "{}", reply.body);

    let body = format!("{}&q_ogolna_ocena=4", s.form_fields("pl"));
    let reply = s.post("/urzad/ankieta", &body, &[("Sec-Fetch-Site", "cross-site")]);
    assert_eq!(reply.status, 403);
    assert!(reply.body.contains("Ankietę można wysłać tylko z formularza na stronie urzędu."));
    let reply = s.post("/urzad/ankieta", &body, &[("Origin", "https://evil.example")]);
    assert_eq!(reply.status, 403);
    assert_eq!(s.responses(), 0);

    // The same form from the page itself goes through.
    let reply = s.post("/urzad/ankieta", &body, &[("Sec-Fetch-Site", "same-origin")]);
    assert_eq!(reply.status, 303);
    assert_eq!(s.responses(), 1);
}

#[test]
fn too_many_submissions_from_one_client_are_refused_keeping_answers() {
    let s = server_with(2, &[("urzad", "Urząd Gminy Testowo")]);
    for _ in 0..2 {
        let body = format!("{}&q_ogolna_ocena=4", s.form_fields("pl"));
        assert_eq!(s.post("/urzad/ankieta", &body, &[]).status, 303);
    }
    let body = format!("{}&q_ogolna_ocena=4&q_inne_uwagi=Trzecia", s.form_fields("pl"));
    let reply = s.post("/urzad/ankieta", &body, &[]);
    assert_eq!(reply.status, 429);
    assert!(reply.body.contains("zbyt wiele ankiet"), "{}", reply.body);
    assert!(reply.body.contains(">Trzecia</textarea>"));
    assert_eq!(s.responses(), 2);
}

#[test]
fn no_client_address_is_stored() {
    let s = server();
    let body = format!("{}&q_ogolna_ocena=4", s.form_fields("pl"));
    assert_eq!(s.post("/urzad/ankieta", &body, &[]).status, 303);
    drop(s._runtime);
    for entry in std::fs::read_dir(s.dir.path()).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        assert!(!bytes.windows(9).any(|w| w == b"127.0.0.1"), "a client address was written to disk");
    }
}

#[test]
fn one_office_at_root_several_listed_and_own_host_names() {
    let s = server();
    let root = s.get("/");
    assert_eq!((root.status, root.location.as_str()), (303, "/urzad/"));
    assert_eq!(s.get("/?lang=uk").location, "/urzad/?lang=uk");

    let s = server_with(1000, &[("ksiazki", "Urząd Gminy Książki"), ("wola", "Urząd Gminy Wola")]);
    let root = s.get("/");
    assert_eq!(root.status, 200);
    assert!(root.body.contains("<a href=\"/ksiazki/\">Urząd Gminy Książki</a>"), "{}", root.body);
    assert!(root.body.contains("<a href=\"/wola/\">Urząd Gminy Wola</a>"));

    Store::open(s.dir.path()).unwrap().set_office_host("wola", "test", Some("Wola.Example.PL")).unwrap();
    let by_host = s.get_with_host("/", "wola.example.pl:8080");
    assert_eq!(by_host.status, 200);
    assert!(by_host.body.contains("<h1>Urząd Gminy Wola</h1>"), "{}", by_host.body);
    assert!(by_host.body.contains("href=\"/wola/ankieta\""));
}

#[test]
fn pages_exist_in_three_languages_with_the_right_lang_attribute() {
    let s = server();
    for (lang, text) in [("pl", "Oceń Urząd – wypełnij ankietę"), ("en", "Rate the Office"), ("uk", "Оцініть установу")]
    {
        let home = s.get(&format!("/urzad/?lang={lang}"));
        assert!(home.body.contains(&format!("<html lang=\"{lang}\">")), "{lang}");
        assert!(home.body.contains(text), "{lang}");
        assert!(
            home.body.contains("Deklaracja dostępności")
                || home.body.contains("statement")
                || home.body.contains("Декларація")
        );
    }
    let statement = s.get("/urzad/deklaracja-dostepnosci");
    assert!(statement.body.contains("Urząd Gminy Testowo zobowiązuje się zapewnić dostępność cyfrową"));
    let missing = s.get("/nie-ma-takiego-urzedu/");
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("Nie ma takiej strony."));
}

#[test]
fn every_page_carries_the_security_headers() {
    let s = server();
    for path in ["/urzad/", "/urzad/ankieta", "/healthz", "/nie-ma"] {
        let r = s.agent.get(format!("{}{path}", s.base)).call().unwrap();
        let h = r.headers();
        let csp = h.get("content-security-policy").unwrap().to_str().unwrap();
        assert!(csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(!csp.contains("script-src"), "{path}: no script is allowed at all");
        assert_eq!(h.get("referrer-policy").unwrap(), "no-referrer");
        assert_eq!(h.get("x-frame-options").unwrap(), "DENY");
        assert_eq!(h.get("x-content-type-options").unwrap(), "nosniff");
    }
}

#[test]
fn the_banner_kit_offers_a_snippet_linking_to_the_survey_and_images_in_every_size() {
    let s = server();
    let kit = s.get("/urzad/baner");
    assert_eq!(kit.status, 200);
    let host = s.base.trim_start_matches("http://");
    let expected = format!(
        "<a href=\"http://{host}/urzad/\"><img src=\"http://{host}/urzad/baner/300x100.png\" width=\"300\" \
         height=\"100\" alt=\"Oceń Urząd – ankieta satysfakcji klienta: Urząd Gminy Testowo\"></a>"
    );
    let shown = kit.body.split("<textarea id=\"kod-300x100\" rows=\"4\" readonly>").nth(1).unwrap();
    let shown = shown.split("</textarea>").next().unwrap();
    let decoded = shown.replace("&#60;", "<").replace("&#62;", ">").replace("&#34;", "\"").replace("&#38;", "&");
    assert_eq!(decoded, expected);
    for size in ["300x100", "468x60", "728x90", "250x250"] {
        let png = s.agent.get(format!("{}/urzad/baner/{size}.png", s.base)).call().unwrap();
        assert_eq!(png.headers().get("content-type").unwrap(), "image/png");
        let svg = s.get(&format!("/urzad/baner/{size}.svg"));
        assert!(svg.body.contains("<title>Oceń Urząd – ankieta satysfakcji klienta: Urząd Gminy Testowo</title>"));
    }
    assert_eq!(s.get("/urzad/baner/1x1.png").status, 404);
    assert_eq!(s.get("/urzad/baner/300x100.gif").status, 404);
}

#[test]
fn only_the_sites_an_office_names_may_frame_its_survey() {
    let s = server();
    let csp_and_xfo = |path: &str| {
        let r = s.agent.get(format!("{}{path}", s.base)).call().unwrap();
        let h = r.headers();
        (
            h.get("content-security-policy").unwrap().to_str().unwrap().to_owned(),
            h.get("x-frame-options").map(|v| v.to_str().unwrap().to_owned()),
        )
    };
    let (csp, xfo) = csp_and_xfo("/urzad/ankieta");
    assert!(csp.ends_with("frame-ancestors 'none'"), "{csp}");
    assert_eq!(xfo.as_deref(), Some("DENY"));

    Store::open(s.dir.path()).unwrap().set_embed_origins("urzad", &["https://gmina.example.pl".into()]).unwrap();
    for path in ["/urzad/", "/urzad/ankieta", "/urzad/dziekujemy"] {
        let (csp, xfo) = csp_and_xfo(path);
        assert!(csp.ends_with("frame-ancestors 'self' https://gmina.example.pl"), "{path}: {csp}");
        assert_eq!(xfo, None, "{path}: X-Frame-Options would forbid what the policy allows");
    }
    // Pages that are not part of the survey stay unframable.
    let (csp, xfo) = csp_and_xfo("/urzad/baner");
    assert!(csp.ends_with("frame-ancestors 'none'"), "{csp}");
    assert_eq!(xfo.as_deref(), Some("DENY"));
}

#[test]
fn a_full_disk_refuses_new_surveys_clearly_keeps_the_answers_and_recovers() {
    let s = server();
    let first = format!("{}&q_ogolna_ocena=5", s.form_fields("pl"));
    assert_eq!(s.post("/urzad/ankieta", &first, &[]).status, 303);

    // The database may not grow any more: surveys fit in its free pages until they do not.
    s.store.simulate_full_disk(true).unwrap();
    let mut stored = 1;
    let (second, refused) = loop {
        let body = format!("{}&q_ogolna_ocena=2&q_co_poprawic=D%C5%82uga+kolejka+{stored}", s.form_fields("pl"));
        let reply = s.post("/urzad/ankieta", &body, &[]);
        if reply.status != 303 {
            break (body, reply);
        }
        stored += 1;
        assert!(stored < 500, "the disk never filled up");
    };
    assert_eq!(refused.status, 503);
    assert!(refused.body.contains("Serwer chwilowo nie może zapisywać ankiet"), "{}", refused.body);
    assert!(refused.body.contains(&format!("Długa kolejka {stored}")), "what was typed is kept");
    assert_eq!(s.responses(), stored, "every acknowledged survey is stored, the refused one is not");
    assert_eq!(s.get("/urzad/").status, 200, "pages that only read still answer");
    let integrity: String = Connection::open(s.dir.path().join(DB_FILE))
        .unwrap()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok", "nothing stored is damaged");

    // Space is back: the same form goes through, once.
    s.store.simulate_full_disk(false).unwrap();
    assert_eq!(s.post("/urzad/ankieta", &second, &[]).status, 303);
    assert_eq!(s.post("/urzad/ankieta", &second, &[]).status, 303);
    assert_eq!(s.responses(), stored + 1);
}

/// The survey page is drawn once and kept (`public/fresh_form.rs`): each resident still gets a token of
/// their own, and whatever an admin changes shows on the next page served.
#[test]
fn the_kept_survey_page_gives_each_resident_a_token_and_follows_every_change() {
    let s = server();
    let token =
        |page: &str| page.split("name=\"token\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let (first, second) = (s.get("/urzad/ankieta"), s.get("/urzad/ankieta"));
    assert_eq!((first.status, second.status), (200, 200));
    let (t1, t2) = (token(&first.body), token(&second.body));
    assert_ne!(t1, t2, "every form has its own token");
    assert_eq!(first.body.replace(&t1, ""), second.body.replace(&t2, ""), "the rest of the page is the same");
    // Both tokens are usable: each submission is stored as a survey of its own.
    for t in [&t1, &t2] {
        let sent = s.post("/urzad/ankieta", &format!("lang=pl&version=1&token={t}&website=&q_ogolna_ocena=4"), &[]);
        assert_eq!(sent.status, 303, "{}", sent.body);
    }
    assert_eq!(s.responses(), 2);

    // A department added, then a logo: each shows on the next page at once.
    assert!(!second.body.contains("Referat Podatków i Opłat"));
    s.store.add_department("urzad", "podatki", "Referat Podatków i Opłat").unwrap();
    let with_department = s.get("/urzad/ankieta").body;
    assert!(with_department.contains("Referat Podatków i Opłat"), "{with_department}");
    assert!(!with_department.contains("/urzad/logo"));
    let office = s.store.office("urzad").unwrap();
    s.store.set_logo(office.id, "admin", Some((b"\x89PNG\r\n\x1a\n", "image/png"))).unwrap();
    assert!(s.get("/urzad/ankieta").body.contains("src=\"/urzad/logo\""));
    // Another language is a page of its own, not the Polish one.
    let english = s.get("/urzad/ankieta?lang=en").body;
    assert!(english.contains("<html lang=\"en\">"), "{english}");
    assert!(english.contains("Referat Podatków i Opłat"));
}
