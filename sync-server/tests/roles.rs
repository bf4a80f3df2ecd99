//! Roles and accounts over real HTTP against a real SQLite file: every route of the panel walked with
//! every role (and without a session) from the one table that grants them, the navigation showing only
//! what a role may open, the account lifecycle (create, forced password change, disable, enable, reset,
//! delete, and the refusals that keep an office administered), one's own sessions and "Wyloguj wszędzie",
//! and a login field that cannot grow the database.

// Test helpers may unwrap: a panic is how a test reports a broken premise.
#![allow(clippy::unwrap_used)]

use rusqlite::Connection;
use sync_server::http::AppState;
use sync_server::http::admin::access::{ROUTES, allows};
use sync_server::http::admin::{MAX_LOGIN_BYTES, SESSION_COOKIE};
use sync_server::store::{Admin, DB_FILE, Role, Store};

mod panel;
use panel::{PASSWORD, Panel};

const REFUSED: &str = "Twoje konto nie ma uprawnień do tej strony ani czynności.";

/// An account of office `alfa` with `role` and a password of its own (no change due).
fn account(store: &Store, actor: &Admin, login: &str, role: Role) -> Admin {
    let hash = sync_server::password::hash(PASSWORD).unwrap();
    let office = store.office("alfa").unwrap();
    let admin = store.create_account(actor, &office, login, role, &hash).unwrap();
    store.set_password_hash(&admin, &hash).unwrap();
    store.admin_by_login(login).unwrap().unwrap()
}

fn panel() -> Panel {
    let (dir, store) = panel::store();
    let operator = store.admin_by_login("operator").unwrap().unwrap();
    account(&store, &operator, "alfa_nadzor", Role::Supervisor);
    account(&store, &operator, "alfa_wprowadza", Role::DataEntry);
    let state = AppState::new(store.clone());
    Panel::serve(dir, store, state)
}

impl Panel {
    /// A fresh session of the account, made in the store (cheaper than a login: no password hashing).
    fn session(&self, login: &str) -> (String, String) {
        let admin = self.store.admin_by_login(login).unwrap().unwrap();
        let token = self.store.start_session(admin.id).unwrap();
        let csrf = self.store.session(&token).unwrap().unwrap().csrf;
        (format!("{SESSION_COOKIE}={token}"), csrf)
    }

    fn account_id(&self, login: &str) -> i64 {
        self.store.admin_by_login(login).unwrap().unwrap().id
    }
}

/// The generated password a page shows once.
fn shown_password(page: &str) -> String {
    page.split("<code>").nth(1).unwrap().split("</code>").next().unwrap().to_owned()
}

/// The links of the panel's navigation.
fn nav_links(page: &str) -> Vec<String> {
    let nav = page.split("<nav aria-label=\"Panel administracyjny\">").nth(1).unwrap().split("</nav>").next().unwrap();
    nav.split("href=\"").skip(1).map(|s| s.split('"').next().unwrap().to_owned()).collect()
}

const ROLES: [(&str, Role); 4] = [
    ("operator", Role::Operator),
    ("alfa_admin", Role::OfficeAdmin),
    ("alfa_nadzor", Role::Supervisor),
    ("alfa_wprowadza", Role::DataEntry),
];

#[test]
fn every_route_is_walked_with_every_role_and_refused_unless_the_table_grants_it() {
    let p = panel();
    assert!(ROUTES.len() >= 45, "the table lists every route of the panel");
    let mut checked = 0;
    for route in ROUTES {
        // Ids that exist nowhere: an allowed request reaches its handler (and is told "not found"),
        // a refused one never gets that far.
        let path = route.path.replace("{slug}", "alfa").replace("{id}", "999999");
        for (login, role) in ROLES {
            // A fresh session each time: some routes end it (logout, "Wyloguj wszędzie").
            let (cookie, csrf) = p.session(login);
            let r = if route.method == "GET" {
                p.get(&path, &cookie)
            } else {
                p.post(&path, &cookie, &format!("csrf={csrf}"))
            };
            if allows(role, &route.method.parse().unwrap(), route.path) {
                assert_ne!(r.status, 403, "{login} may use {} {path}: {}", route.method, r.body);
                assert!(!r.body.contains(REFUSED), "{login} {} {path}", route.method);
                // Only the two logouts lead to the login page: the session was good.
                if !path.contains("wyloguj") {
                    assert_ne!(r.location, "/admin/logowanie", "{login} {} {path}", route.method);
                }
            } else {
                assert_eq!(r.status, 403, "{login} may not use {} {path}", route.method);
                assert!(r.body.contains("<html lang=\"pl\">") && r.body.contains("Brak uprawnień"), "{}", r.body);
                assert!(r.body.contains(REFUSED));
            }
            checked += 1;
        }
        // Without a session: to the login page, or "session expired" for a form.
        let r = if route.method == "GET" { p.get(&path, "") } else { p.post(&path, "", "csrf=x") };
        if route.method == "GET" {
            assert_eq!((r.status, r.location.as_str()), (303, "/admin/logowanie"), "{path}");
        } else {
            assert_eq!(r.status, 401, "{path}");
            assert!(r.body.contains("Sesja wygasła"), "{path}");
        }
    }
    assert_eq!(checked, ROUTES.len() * ROLES.len());
    // Nothing the refused requests asked for happened: no office, account or kiosk was added.
    assert_eq!(p.count("SELECT count(*) FROM offices"), 2);
    assert_eq!(p.count("SELECT count(*) FROM admins"), 5);
}

/// Whether a concrete address (query left out) is a route `pattern` of the table.
fn matches(pattern: &str, address: &str) -> bool {
    let address = address.split('?').next().unwrap();
    let (p, a): (Vec<&str>, Vec<&str>) = (pattern.split('/').collect(), address.split('/').collect());
    p.len() == a.len() && p.iter().zip(&a).all(|(p, a)| p.starts_with('{') || p == a)
}

/// The panel addresses a page links to (`GET`) and sends forms to (`POST`).
fn targets(page: &str) -> Vec<(&'static str, String)> {
    let mut found: Vec<(&'static str, String)> =
        page.split("href=\"").skip(1).map(|s| ("GET", s.split('"').next().unwrap().to_owned())).collect();
    for form in page.split("<form ").skip(1) {
        let attr =
            |name: &str| form.split(&format!("{name}=\"")).nth(1).map(|v| v.split('"').next().unwrap().to_owned());
        let method = if attr("method").as_deref() == Some("post") { "POST" } else { "GET" };
        found.push((method, attr("action").unwrap()));
    }
    found.retain(|(_, a)| a.starts_with("/admin/urzad/"));
    // A link to a part of a page (`#do-druku`) or with a query is a link to the page's route.
    found.into_iter().map(|(m, a)| (m, a.split(['#', '?']).next().unwrap_or_default().to_owned())).collect()
}

#[test]
fn pages_link_to_and_offer_forms_for_only_what_the_role_may_use() {
    use survey::{AnswerValue, Channel, QuestionKey, Response};
    let p = panel();
    let mut sheet = Response::new("alfa", 1, Channel::Paper);
    sheet.paper_serial = Some("A-1".into());
    sheet.answers.insert(QuestionKey::parse("ogolna_ocena").unwrap(), AnswerValue::Rating(4));
    sync_server::ingest::ingest(&p.store, &sheet).unwrap();
    let today = chrono::Utc::now().date_naive();
    for (login, role) in ROLES {
        let (cookie, _) = p.session(login);
        let mut seen = 0;
        for route in ROUTES.iter().filter(|r| r.method == "GET" && r.path.starts_with("/admin/urzad/{slug}/")) {
            if !allows(role, &axum::http::Method::GET, route.path)
                || route.path.ends_with("pdf")
                || route.path.ends_with("csv")
                || route.path.ends_with("xlsx")
            {
                continue;
            }
            let mut path = route.path.replace("{slug}", "alfa").replace("{id}", &sheet.id.to_string());
            if path.ends_with("raporty/nowy") {
                path.push_str(&format!("?od=2020-01-01&do={today}"));
            }
            if route.path.contains("raporty/{id}") || route.path.contains("dzialania/{id}") {
                continue; // no archived report or corrective action to show
            }
            let page = p.get(&path, &cookie);
            assert_eq!(page.status, 200, "{login} {path}");
            for (method, target) in targets(&page.body) {
                let granted = ROUTES.iter().any(|r| {
                    r.method == method && matches(r.path, &target) && allows(role, &method.parse().unwrap(), r.path)
                });
                assert!(granted, "{login}: {path} offers {method} {target}, which the role may not use");
                seen += 1;
            }
        }
        assert!(seen > 3, "{login}: the pages were looked at");
    }
}

#[test]
fn a_read_only_and_a_paper_only_role_are_kept_to_their_pages() {
    let p = panel();
    // Spelled out, not read from the table: the table itself is what is checked here.
    let nadzor = ["pulpit", "raporty", "dziennik", "alerty"];
    let wprowadza = ["papier", "papier/lista"];
    for (login, own_pages, home) in
        [("alfa_nadzor", &nadzor[..], "pulpit"), ("alfa_wprowadza", &wprowadza[..], "papier")]
    {
        let (cookie, csrf) = p.login_as(login, PASSWORD);
        let r = p.get("/admin/", &cookie);
        assert_eq!(r.location, format!("/admin/urzad/alfa/{home}"), "{login}");
        let page = p.get(&r.location, &cookie);
        assert_eq!(page.status, 200, "{login}");
        let office_links: Vec<String> = nav_links(&page.body)
            .into_iter()
            .filter_map(|l| l.strip_prefix("/admin/urzad/alfa/").map(str::to_owned))
            .collect();
        assert_eq!(office_links, own_pages, "{login} sees only its pages");
        assert!(nav_links(&page.body).contains(&"/admin/sesje".to_owned()));
        for link in office_links {
            assert_eq!(p.get(&format!("/admin/urzad/alfa/{link}"), &cookie).status, 200, "{login} {link}");
        }
        for refused in ["dane", "ankieta", "uwagi", "kioski", "konta"] {
            assert_eq!(p.get(&format!("/admin/urzad/alfa/{refused}"), &cookie).status, 403, "{login} {refused}");
        }
        // Nor another office.
        assert_eq!(p.get(&format!("/admin/urzad/beta/{home}"), &cookie).status, 404, "{login}");
        let _ = csrf;
    }
    // The supervisor changes nothing: archiving a report is refused and leaves no report.
    let (cookie, csrf) = p.login_as("alfa_nadzor", PASSWORD);
    let r =
        p.post("/admin/urzad/alfa/raporty/archiwizuj", &cookie, &format!("csrf={csrf}&from=2026-01-01&to=2026-12-31"));
    assert_eq!(r.status, 403);
    assert_eq!(p.count("SELECT count(*) FROM reports"), 0);
    // The administrator sees the accounts page; the nav of an operator starts with the offices.
    let (cookie, _) = p.login_as("alfa_admin", PASSWORD);
    let links = nav_links(&p.get("/admin/urzad/alfa/pulpit", &cookie).body);
    assert!(
        links.contains(&"/admin/urzad/alfa/konta".to_owned()) && links.contains(&"/admin/urzad/alfa/dane".to_owned())
    );
    let (cookie, _) = p.login_as("operator", PASSWORD);
    assert_eq!(nav_links(&p.get("/admin/urzad/alfa/pulpit", &cookie).body)[0], "/admin/");
}

#[test]
fn an_account_is_created_changes_its_password_first_and_is_disabled_reset_and_deleted() {
    let p = panel();
    let (admin, csrf) = p.login_as("alfa_admin", PASSWORD);
    let created = p.post("/admin/urzad/alfa/konta", &admin, &format!("csrf={csrf}&login=jan.kowalski&role=supervisor"));
    assert_eq!(created.status, 200, "{}", created.body);
    let generated = shown_password(&created.body);
    assert_eq!(generated.len(), 20);
    assert!(!p.get("/admin/urzad/alfa/konta", &admin).body.contains(&generated), "shown once");
    let bad = p.post("/admin/urzad/alfa/konta", &admin, &format!("csrf={csrf}&login=ja+n&role=supervisor"));
    assert_eq!(bad.status, 422);
    let bad_role = p.post("/admin/urzad/alfa/konta", &admin, &format!("csrf={csrf}&login=ewa&role=operator"));
    assert_eq!(bad_role.status, 422, "an office cannot make an operator");
    let taken = p.post("/admin/urzad/alfa/konta", &admin, &format!("csrf={csrf}&login=JAN.kowalski&role=data_entry"));
    assert_eq!(taken.status, 409);
    assert!(taken.body.contains("jest już zajęty"));

    // The generated password leads to the password page, and only there, until changed.
    let r = p.login_with("jan.kowalski", &generated, "test");
    assert_eq!((r.status, r.location.as_str()), (303, "/admin/haslo"));
    let jan = r.cookie.unwrap();
    let jan_csrf = p.store.session(jan.split_once('=').unwrap().1).unwrap().unwrap().csrf;
    let r = p.get("/admin/urzad/alfa/pulpit", &jan);
    assert_eq!((r.status, r.location.as_str()), (303, "/admin/haslo"));
    assert!(p.get("/admin/haslo", &jan).body.contains("Ustal własne hasło"));
    let same = p.post(
        "/admin/haslo",
        &jan,
        &format!("csrf={jan_csrf}&current={generated}&new={generated}&repeat={generated}"),
    );
    assert_eq!(same.status, 422, "the generated password cannot be kept");
    let own = "Moje-Wlasne-Haslo-7";
    let r = p.post("/admin/haslo", &jan, &format!("csrf={jan_csrf}&current={generated}&new={own}&repeat={own}"));
    assert_eq!((r.status, r.location.as_str()), (303, "/admin/"));
    assert_eq!(p.get("/admin/urzad/alfa/pulpit", &jan).status, 200);
    assert_eq!(p.get("/admin/urzad/alfa/dane", &jan).status, 403, "nadzór changes nothing");

    // Disabled: the session ends at once, and the right password gets a clear refusal.
    let id = p.account_id("jan.kowalski");
    let r = p.post(&format!("/admin/urzad/alfa/konta/{id}/wylacz"), &admin, &format!("csrf={csrf}"));
    assert_eq!(r.status, 200);
    assert!(r.body.contains("wyłączone od"), "{}", r.body);
    assert_eq!(p.get("/admin/urzad/alfa/pulpit", &jan).location, "/admin/logowanie");
    let r = p.login_with("jan.kowalski", own, "test");
    assert_eq!(r.status, 403);
    assert!(r.body.contains("To konto jest wyłączone"), "{}", r.body);
    assert!(r.cookie.is_none());
    assert_eq!(p.login_with("jan.kowalski", "zle-haslo-zle-haslo", "test").status, 401, "a guesser learns nothing");
    let r = p.post(&format!("/admin/urzad/alfa/konta/{id}/wlacz"), &admin, &format!("csrf={csrf}"));
    assert_eq!(r.status, 200);
    let (jan, _) = p.login_as("jan.kowalski", own);

    // Reset: a new one-time password, the old one and the session gone, a change due again.
    let r = p.post(&format!("/admin/urzad/alfa/konta/{id}/haslo"), &admin, &format!("csrf={csrf}"));
    let reset = shown_password(&r.body);
    assert_eq!(p.get("/admin/urzad/alfa/pulpit", &jan).location, "/admin/logowanie");
    assert_eq!(p.login_with("jan.kowalski", own, "test").status, 401);
    assert_eq!(p.login_with("jan.kowalski", &reset, "test").location, "/admin/haslo");

    // Nobody locks themselves out, nor leaves the office without an administrator.
    let me = p.account_id("alfa_admin");
    for action in ["wylacz", "usun"] {
        let r = p.post(&format!("/admin/urzad/alfa/konta/{me}/{action}"), &admin, &format!("csrf={csrf}"));
        assert_eq!(r.status, 409, "{action}");
        assert!(r.body.contains("Nie można wyłączyć ani usunąć własnego konta"), "{}", r.body);
        let (operator, op_csrf) = p.login_as("operator", PASSWORD);
        let r = p.post(&format!("/admin/urzad/alfa/konta/{me}/{action}"), &operator, &format!("csrf={op_csrf}"));
        assert_eq!(r.status, 409, "{action}");
        assert!(r.body.contains("To ostatni czynny administrator urzędu"), "{}", r.body);
    }
    // Another office's account is not found from this office, and stays as it was.
    let beta = p.account_id("beta_admin");
    let r = p.post(&format!("/admin/urzad/alfa/konta/{beta}/wylacz"), &admin, &format!("csrf={csrf}"));
    assert_eq!(r.status, 404);
    assert_eq!(p.count("SELECT count(*) FROM admins WHERE login = 'beta_admin' AND disabled_at IS NULL"), 1);

    // Deleted: it cannot log in, its login is not given again, its history stays in the log.
    let r = p.post(&format!("/admin/urzad/alfa/konta/{id}/usun"), &admin, &format!("csrf={csrf}"));
    assert_eq!(r.status, 200);
    assert!(!r.body.contains("jan.kowalski</td>"), "a deleted account is not listed");
    assert_eq!(p.login_with("jan.kowalski", &reset, "test").status, 401);
    let again = p.post("/admin/urzad/alfa/konta", &admin, &format!("csrf={csrf}&login=jan.kowalski&role=data_entry"));
    assert_eq!(again.status, 409);
    assert_eq!(p.count("SELECT count(*) FROM admins WHERE login = 'jan.kowalski' AND password_hash = ''"), 1);
    assert_eq!(p.count("SELECT count(*) FROM audit_log WHERE actor = 'jan.kowalski' AND action = 'zmiana hasła'"), 1);
    for action in ["utworzenie konta", "wyłączenie konta", "włączenie konta", "reset hasła", "usunięcie konta"] {
        assert_eq!(
            p.count(&format!(
                "SELECT count(*) FROM audit_log WHERE actor = 'alfa_admin' AND action = '{action}' AND details LIKE 'jan.kowalski%'"
            )),
            1,
            "{action}"
        );
    }
    let log = p.get("/admin/urzad/alfa/dziennik", &admin).body;
    assert!(log.contains("usunięcie konta") && log.contains("jan.kowalski"));
}

#[test]
fn one_sees_ones_own_sessions_in_polish_time_and_logs_out_everywhere() {
    let p = panel();
    let firefox = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0";
    let chrome =
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    let first = p.login_with("alfa_admin", PASSWORD, firefox).cookie.unwrap();
    let second = p.login_with("alfa_admin", PASSWORD, chrome).cookie.unwrap();
    let (other, _) = p.login_as("alfa_nadzor", PASSWORD);
    let page = p.get("/admin/sesje", &second);
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("<td>Firefox, Windows</td>") && page.body.contains("<td>Chrome, Linux</td>"),
        "{}",
        page.body
    );
    assert!(!page.body.contains(firefox), "the whole header is not kept");
    assert_eq!(page.body.matches("tak – ta przeglądarka").count(), 1);
    assert_eq!(page.body.matches("<tr><td>").count(), 2, "only one's own sessions");
    let created: String = Connection::open(p.dir.path().join(DB_FILE))
        .unwrap()
        .query_row("SELECT created_at FROM sessions WHERE user_agent = 'Chrome, Linux'", [], |r| r.get(0))
        .unwrap();
    assert!(page.body.contains(&sync_server::local_time::human_text(&created)), "times are Polish");

    let csrf = p.store.session(second.split_once('=').unwrap().1).unwrap().unwrap().csrf;
    let r = p.post("/admin/sesje/wyloguj-wszedzie", &second, &format!("csrf={csrf}"));
    assert_eq!((r.status, r.location.as_str()), (303, "/admin/logowanie"));
    for cookie in [&first, &second] {
        assert_eq!(p.get("/admin/sesje", cookie).location, "/admin/logowanie");
    }
    assert_eq!(p.get("/admin/sesje", &other).status, 200, "another account's session stays");
    assert_eq!(
        p.count("SELECT count(*) FROM audit_log WHERE action = 'wylogowanie ze wszystkich sesji' AND details = '2'"),
        1
    );
}

/// The database's size with everything checkpointed into the main file.
fn database_bytes(p: &Panel) -> u64 {
    let conn = Connection::open(p.dir.path().join(DB_FILE)).unwrap();
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap();
    let wal = std::fs::metadata(p.dir.path().join(format!("{DB_FILE}-wal"))).map_or(0, |m| m.len());
    std::fs::metadata(p.dir.path().join(DB_FILE)).unwrap().len() + wal
}

#[test]
fn a_megabyte_login_does_not_grow_the_database_and_no_login_text_is_logged_unchecked() {
    let p = panel();
    let audit_rows = |p: &Panel| p.count("SELECT count(*) FROM audit_log");
    let (size, rows) = (database_bytes(&p), audit_rows(&p));
    let huge = "a".repeat(1024 * 1024);
    let r = p.login_with(&huge, PASSWORD, "test");
    assert_eq!(r.status, 413);
    assert!(r.body.contains("Formularz logowania jest nieprawidłowy lub zbyt obszerny."));
    assert!(!r.body.contains(&huge[..100]));
    assert_eq!(database_bytes(&p), size, "the database did not grow");
    assert_eq!(audit_rows(&p), rows);

    // Under the body limit but too long for a login: refused before use, logged as a marker only.
    let long = "b".repeat(MAX_LOGIN_BYTES / 2);
    let r = p.login_with(&long, PASSWORD, "test");
    assert_eq!(r.status, 401);
    assert!(!r.body.contains(&long[..65]), "not shown back");
    // A password typed into the login field: the same.
    let typed = "Moje Tajne Haslo 2026!";
    let r = p.login_with(typed, "", "test");
    assert_eq!(r.status, 401);
    assert!(r.body.contains("Login ma od 3 do 64 znaków") && !r.body.contains("Tajne"));
    // A well-formed login of no account: the log says so, not what was typed.
    assert_eq!(p.login_with("nikt.taki", PASSWORD, "test").status, 401);
    assert_eq!(audit_rows(&p), rows + 3);
    assert_eq!(p.count("SELECT count(*) FROM audit_log WHERE actor = '(nieznany login)'"), 3);
    assert_eq!(
        p.count("SELECT count(*) FROM audit_log WHERE actor LIKE '%bbb%' OR actor LIKE '%Tajne%' OR actor LIKE '%nikt%' OR details LIKE '%Tajne%'"),
        0
    );
    assert!(p.count("SELECT max(length(actor)) FROM audit_log") <= 64);
    // A failure on an existing account is still logged under its login, and logins still work.
    assert_eq!(p.login_with("alfa_admin", "zle-haslo-zle-haslo", "test").status, 401);
    assert_eq!(
        p.count("SELECT count(*) FROM audit_log WHERE actor = 'alfa_admin' AND action = 'nieudane logowanie'"),
        1
    );
    assert_eq!(p.login_with("alfa_admin", PASSWORD, "test").status, 303);

    // Malformed logins are throttled together: they cannot fill the log faster than real failures.
    for _ in 0..3 {
        assert_eq!(p.login_with("zły login", PASSWORD, "test").status, 401);
    }
    let rows = audit_rows(&p);
    let r = p.login_with("zły login", PASSWORD, "test");
    assert_eq!(r.status, 429);
    assert!(r.body.contains("Zbyt wiele nieudanych prób"), "{}", r.body);
    assert_eq!(audit_rows(&p), rows);
    assert_eq!(p.login_with("alfa_admin", PASSWORD, "test").status, 303, "real logins still work");
}

#[test]
fn alerts_are_acknowledged_resolved_and_set_up_in_the_panel_with_a_badge_and_the_audit_log() {
    use sync_server::store::{Mail, NewAlert};
    let p = panel();
    let alfa = p.store.office("alfa").unwrap();
    let alert = NewAlert {
        office_id: Some(alfa.id),
        kind: "silent_kiosk",
        dedupe_key: "silent_kiosk:1:nigdy".into(),
        title: "Kiosk „parter” milczy".into(),
        details: "Kiosk „parter” nie łączy się z serwerem.".into(),
    };
    let mail = Mail { subject: "s".into(), text: "t".into(), html: "h".into() };
    let id = p.store.raise_alert(&alert, &mail, &[], "2026-12-01T10:00:00Z").unwrap().unwrap();
    let state = || {
        p.count(&format!(
            "SELECT CASE state WHEN 'new' THEN 0 WHEN 'acknowledged' THEN 1 ELSE 2 END FROM alerts WHERE id = {id}"
        ))
    };

    // The supervisor sees it, and the badge on every page, but no form to change it; a post is refused.
    let (cookie, csrf) = p.session("alfa_nadzor");
    let page = p.get("/admin/urzad/alfa/pulpit", &cookie);
    assert!(page.body.contains("Nowe alerty: <strong>1</strong>"), "{}", page.body);
    let list = p.get("/admin/urzad/alfa/alerty", &cookie);
    assert_eq!(list.status, 200);
    assert!(list.body.contains("Kiosk „parter” milczy") && !list.body.contains("Przyjmij do wiadomości"));
    let r = p.post(&format!("/admin/urzad/alfa/alerty/{id}"), &cookie, &format!("csrf={csrf}&stan=resolved"));
    assert_eq!(r.status, 403);
    assert_eq!(state(), 0);

    // The administrator must say something when acknowledging; nothing changes without it.
    let (cookie, csrf) = p.session("alfa_admin");
    let r = p.post(
        &format!("/admin/urzad/alfa/alerty/{id}"),
        &cookie,
        &format!("csrf={csrf}&stan=acknowledged&komentarz=+"),
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("wpisz komentarz"), "{}", r.body);
    assert_eq!(state(), 0);
    let r = p.post(
        &format!("/admin/urzad/alfa/alerty/{id}"),
        &cookie,
        &format!("csrf={csrf}&stan=acknowledged&komentarz=Informatyk+sprawdza+zasilanie"),
    );
    assert_eq!((r.status, r.location.as_str()), (303, "/admin/urzad/alfa/alerty"));
    assert_eq!(state(), 1);
    let page = p.get("/admin/urzad/alfa/alerty", &cookie);
    assert!(page.body.contains("Alerty: brak nowych") && page.body.contains("Informatyk sprawdza zasilanie"));
    let r = p.post(&format!("/admin/urzad/alfa/alerty/{id}"), &cookie, &format!("csrf={csrf}&stan=resolved"));
    assert_eq!(r.status, 303);
    assert_eq!(state(), 2);
    assert_eq!(p.count("SELECT count(*) FROM audit_log WHERE action = 'zmiana stanu alertu'"), 2);
    // Another office's administrator cannot reach it.
    let (beta, beta_csrf) = p.session("beta_admin");
    let r = p.post(
        &format!("/admin/urzad/beta/alerty/{id}"),
        &beta,
        &format!("csrf={beta_csrf}&stan=acknowledged&komentarz=x"),
    );
    assert_eq!(r.status, 404);

    // Settings: every mistake is named and nothing is saved; then a good form is saved with its recipients.
    let bad = format!(
        "csrf={csrf}&spike_enabled=1&spike_window_hours=4&spike_min_answers=1&spike_margin_points=20&silent_minutes=60&opening_hours=pn-pt+8-16&recipients=zly+adres"
    );
    let r = p.post("/admin/urzad/alfa/alerty/ustawienia", &cookie, &bad);
    assert_eq!(r.status, 422);
    assert!(r.body.contains("Najmniejsza liczba odpowiedzi: od 3 do 1000"), "{}", r.body);
    assert!(r.body.contains("Godziny otwarcia „pn-pt 8-16”") && r.body.contains("nie wygląda na adres e-mail"));
    assert!(r.body.contains("value=\"pn-pt 8-16\""), "the form comes back as typed");
    assert_eq!(p.count("SELECT count(*) FROM alert_settings"), 0);
    let good = format!(
        "csrf={csrf}&spike_enabled=1&spike_window_hours=3&spike_min_answers=8&spike_margin_points=25&silent_minutes=45&opening_hours=1-4+07%3A30-15%3A30%3B+5+07%3A30-13%3A00&recipients=sekretarz%40alfa.example.pl%0D%0Awojt%40alfa.example.pl"
    );
    let r = p.post("/admin/urzad/alfa/alerty/ustawienia", &cookie, &good);
    assert_eq!(r.status, 200, "{}", r.body);
    let saved = p.store.office_alert_settings(alfa.id).unwrap();
    assert_eq!((saved.spike_window_hours, saved.silent_minutes, saved.silent_enabled), (3, 45, false));
    assert_eq!(saved.opening_hours, "1-4 07:30-15:30; 5 07:30-13:00");
    assert_eq!(p.count("SELECT count(*) FROM alert_recipients WHERE admin_id IS NULL"), 2);
    assert_eq!(p.count("SELECT count(*) FROM audit_log WHERE action = 'ustawienia alertów zmienione'"), 1);

    // Each account its own subscription: the supervisor subscribes, not twice, and nobody else removes it.
    let (cookie, csrf) = p.session("alfa_nadzor");
    let r = p.post("/admin/powiadomienia", &cookie, &format!("csrf={csrf}&email=nadzor%40alfa.example.pl"));
    assert_eq!(r.status, 200);
    let r = p.post("/admin/powiadomienia", &cookie, &format!("csrf={csrf}&email=nadzor%40alfa.example.pl"));
    assert_eq!(r.status, 422);
    assert!(r.body.contains("jest już na liście odbiorców"), "{}", r.body);
    let sub = p.count("SELECT id FROM alert_recipients WHERE admin_id IS NOT NULL");
    let (other, other_csrf) = p.session("alfa_admin");
    assert_eq!(p.post(&format!("/admin/powiadomienia/{sub}/usun"), &other, &format!("csrf={other_csrf}")).status, 404);
    assert_eq!(p.post(&format!("/admin/powiadomienia/{sub}/usun"), &cookie, &format!("csrf={csrf}")).status, 200);
    assert_eq!(p.count("SELECT count(*) FROM alert_recipients WHERE admin_id IS NOT NULL"), 0);

    // The operator's page of the server's alerts; without [mail] the test mail says what to do.
    let (cookie, csrf) = p.session("operator");
    assert_eq!(p.get("/admin/alerty", &cookie).status, 200);
    let r = p.post("/admin/poczta/test", &cookie, &format!("csrf={csrf}&do=it%40example.pl"));
    assert_eq!(r.status, 422);
    assert!(r.body.contains("Poczta nie jest skonfigurowana"), "{}", r.body);
    let (cookie, _) = p.session("alfa_admin");
    assert_eq!(p.get("/admin/alerty", &cookie).status, 403);
}
