//! The admin panel over real HTTP against a real SQLite file: login and its throttling, sessions, CSRF,
//! office isolation on every office route, paper entry with corrections, publication of a new
//! questionnaire version, redaction of comments, and the audit log.

// Test helpers may unwrap: a panic is how a test reports a broken premise.
#![allow(clippy::unwrap_used)]

use calamine::{DataType, Reader};
use std::sync::Arc;

use rusqlite::Connection;
use survey::wire::Outcome;
use survey::{AnswerValue, Channel, QuestionKey, Response};
use sync_server::http::AppState;
use sync_server::http::admin::MAX_LOGIN_BYTES;
use sync_server::http::admin::throttle::LoginThrottle;
use sync_server::ingest::ingest;
use sync_server::store::DB_FILE;

mod panel;
use panel::{PASSWORD, Panel, csrf_of, reply};

fn panel_with(throttle: LoginThrottle) -> Panel {
    let (dir, store) = panel::store();
    let state = AppState { logins: Arc::new(throttle), ..AppState::new(store.clone()) };
    Panel::serve(dir, store, state)
}

fn panel() -> Panel {
    panel_with(LoginThrottle::default())
}

fn form_value(page: &str, name: &str) -> String {
    page.split(&format!("name=\"{name}\" value=\"")).nth(1).unwrap().split('"').next().unwrap().to_owned()
}

#[test]
fn login_sets_a_strict_http_only_cookie_and_logout_ends_the_session() {
    let p = panel();
    let r = p.login_attempt("alfa_admin", PASSWORD);
    assert_eq!((r.status, r.location.as_str()), (303, "/admin/"));
    let raw =
        p.agent.post(format!("{}/admin/logowanie", p.base)).header("Content-Type", "application/x-www-form-urlencoded");
    let raw = raw.send(format!("login=alfa_admin&password={PASSWORD}")).unwrap();
    let set_cookie = raw.headers().get("set-cookie").unwrap().to_str().unwrap().to_owned();
    assert!(
        set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Strict") && set_cookie.contains("Path=/admin")
    );

    let cookie = r.cookie.unwrap();
    assert_eq!(p.get("/admin/", &cookie).location, "/admin/urzad/alfa/pulpit");
    let dashboard = p.get("/admin/urzad/alfa/pulpit", &cookie);
    assert_eq!(dashboard.status, 200);
    assert!(dashboard.body.contains("Nie wygenerowano jeszcze żadnego raportu"), "a missing report is warned about");

    let csrf = csrf_of(&dashboard.body);
    assert_eq!(p.post("/admin/wyloguj", &cookie, &format!("csrf={csrf}")).location, "/admin/logowanie");
    assert_eq!(p.get("/admin/urzad/alfa/pulpit", &cookie).location, "/admin/logowanie", "the session must be gone");
}

#[test]
fn wrong_passwords_are_refused_and_throttled_per_account() {
    let p = panel_with(LoginThrottle::new(3, 1000));
    for _ in 0..3 {
        let r = p.login_attempt("alfa_admin", "zle-haslo-123");
        assert_eq!(r.status, 401);
        assert!(r.body.contains("Nieprawidłowy login lub hasło."));
    }
    // Locked now, even with the right password; another account is not.
    let r = p.login_attempt("alfa_admin", PASSWORD);
    assert_eq!(r.status, 429);
    assert!(r.body.contains("Zbyt wiele nieudanych prób logowania na to konto"), "{}", r.body);
    assert!(r.cookie.is_none());
    assert_eq!(p.login_attempt("beta_admin", PASSWORD).status, 303);
    assert_eq!(p.count("SELECT count(*) FROM audit_log WHERE action = 'nieudane logowanie'"), 3);
}

#[test]
fn wrong_passwords_are_throttled_overall() {
    let p = panel_with(LoginThrottle::new(100, 3));
    for login in ["kto1", "kto2", "kto3"] {
        assert_eq!(p.login_attempt(login, "zle-haslo-123").status, 401);
    }
    let r = p.login_attempt("beta_admin", PASSWORD);
    assert_eq!(r.status, 429);
    assert!(r.body.contains("Logowanie jest chwilowo wstrzymane dla wszystkich kont"), "{}", r.body);
}

#[test]
fn a_planted_session_cookie_never_becomes_a_session() {
    let p = panel();
    let planted = "ocen_sesja=0000000000000000000000000000000000000000000000000000000000000000";
    assert_eq!(p.get("/admin/urzad/alfa/pulpit", planted).location, "/admin/logowanie");
    let r = p.post("/admin/logowanie", planted, &format!("login=alfa_admin&password={PASSWORD}"));
    let fresh = r.cookie.unwrap();
    assert_ne!(fresh, planted, "login must issue a new session id");
    assert_eq!(p.get("/admin/urzad/alfa/pulpit", planted).location, "/admin/logowanie");
    assert_eq!(p.get("/admin/urzad/alfa/pulpit", &fresh).status, 200);
}

#[test]
fn posts_without_the_session_csrf_token_or_from_another_site_are_refused() {
    let p = panel();
    let (cookie, csrf) = p.login("alfa_admin");
    let sheet = "token=&serial=A-1&date=2026-01-15&q_ogolna_ocena=4";
    for body in [sheet.to_owned(), format!("csrf=zly-token&{sheet}")] {
        let r = p.post("/admin/urzad/alfa/papier", &cookie, &body);
        assert_eq!(r.status, 403);
        assert!(r.body.contains("Formularz jest nieważny"), "{}", r.body);
    }
    let cross = p
        .agent
        .post(format!("{}/admin/urzad/alfa/papier", p.base))
        .header("Cookie", &cookie)
        .header("Sec-Fetch-Site", "cross-site")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .send(format!("csrf={csrf}&{sheet}"))
        .unwrap();
    assert_eq!(cross.status(), 403);
    assert_eq!(p.count("SELECT count(*) FROM responses"), 0);

    // The same form with the token goes through.
    let r = p.post("/admin/urzad/alfa/papier", &cookie, &format!("csrf={csrf}&{sheet}"));
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(p.count("SELECT count(*) FROM responses"), 1);
}

/// Every route under `/admin/urzad/{slug}` (as in `http::admin::router`), GET and POST.
const OFFICE_ROUTES: [(&str, &str); 37] = [
    ("GET", "/pulpit"),
    ("GET", "/papier"),
    ("POST", "/papier"),
    ("GET", "/papier/lista"),
    ("GET", "/papier/{id}"),
    ("POST", "/papier/{id}"),
    ("POST", "/papier/{id}/wycofaj"),
    ("GET", "/dane"),
    ("POST", "/dane"),
    ("POST", "/komorki"),
    ("GET", "/ankieta"),
    ("POST", "/ankieta/zmiana"),
    ("GET", "/ankieta/podglad"),
    ("POST", "/ankieta/publikuj"),
    ("POST", "/ankieta/odrzuc"),
    ("GET", "/uwagi"),
    ("POST", "/uwagi/anonimizuj"),
    ("POST", "/logo"),
    ("POST", "/logo/usun"),
    ("GET", "/kioski"),
    ("POST", "/kioski"),
    ("POST", "/kioski/1/odwolaj"),
    ("POST", "/kioski/1/pin"),
    ("GET", "/raporty/nowy?od=2026-01-01&do=2026-12-31"),
    ("GET", "/raporty/csv?od=2026-01-01&do=2026-12-31"),
    ("GET", "/raporty/xlsx?od=2026-01-01&do=2026-12-31"),
    ("GET", "/raporty/pdf?od=2026-01-01&do=2026-12-31"),
    ("GET", "/raporty/1/pdf"),
    ("POST", "/raporty/archiwizuj"),
    ("GET", "/ankieta/pdf"),
    ("GET", "/raporty/1/publikacja"),
    ("POST", "/raporty/1/publikuj"),
    ("POST", "/raporty/1/wycofaj-publikacje"),
    ("GET", "/raporty/1/dzialania"),
    ("POST", "/raporty/1/dzialania"),
    ("GET", "/dzialania/1"),
    ("POST", "/dzialania/1"),
];

#[test]
fn an_office_admin_can_never_reach_another_office() {
    let p = panel();
    // Beta has a paper sheet, a comment, a report and a draft to reach for.
    let mut sheet = Response::new("beta", 1, Channel::Paper);
    sheet.paper_serial = Some("B-1".into());
    sheet.answers.insert(QuestionKey::parse("ogolna_ocena").unwrap(), AnswerValue::Rating(2));
    sheet.answers.insert(QuestionKey::parse("inne_uwagi").unwrap(), AnswerValue::Text("Uwaga z Bety".into()));
    assert_eq!(ingest(&p.store, &sheet).unwrap(), Outcome::Stored);
    let id = sheet.id.to_string();
    let snapshot = |p: &Panel| {
        let conn = Connection::open(p.dir.path().join(DB_FILE)).unwrap();
        conn.query_row(
            "WITH b AS (SELECT id FROM offices WHERE slug = 'beta')
             SELECT (SELECT group_concat(payload || ifnull(withdrawn_at, '')) FROM responses WHERE office_id IN b)
                 || (SELECT name || address FROM offices WHERE id IN b)
                 || (SELECT count(*) FROM questionnaire_drafts WHERE office_id IN b)
                 || (SELECT count(*) FROM departments WHERE office_id IN b)
                 || (SELECT count(*) FROM questionnaire_versions WHERE office_id IN b)
                 || (SELECT count(*) FROM report_publications WHERE office_id IN b)
                 || (SELECT count(*) FROM corrective_actions WHERE office_id IN b)",
            [],
            |r| r.get::<_, String>(0),
        )
        .unwrap()
    };
    let beta_before = snapshot(&p);

    let (cookie, csrf) = p.login("alfa_admin");
    let mut extra =
        vec![("GET", "/raporty".to_owned()), ("GET", "/raporty/1".to_owned()), ("GET", "/dziennik".to_owned())];
    extra.extend(OFFICE_ROUTES.iter().map(|(m, path)| (*m, path.replace("{id}", &id))));
    let body = format!(
        "csrf={csrf}&name=Przejęty&key=nowa&op=add_section&title_pl=X&response={id}&text=x&serial=Z&date=2026-01-01&q_ogolna_ocena=5&token="
    );
    for (method, path) in &extra {
        let url = format!("/admin/urzad/beta{path}");
        let r = if *method == "GET" { p.get(&url, &cookie) } else { p.post(&url, &cookie, &body) };
        assert_eq!(r.status, 404, "{method} {url} answered {}", r.status);
        assert!(r.body.contains("Nie ma takiego urzędu albo nie masz do niego dostępu."), "{method} {url}");
        assert!(!r.body.contains("Uwaga z Bety") && !r.body.contains("Urząd Gminy Beta"), "{method} {url} leaked");
        // The same route of one's own office answers (with the id of a foreign sheet it must still refuse).
        let own = format!("/admin/urzad/alfa{path}");
        let r = if *method == "GET" { p.get(&own, &cookie) } else { p.post(&own, &cookie, &body) };
        assert_ne!(r.status, 403, "{method} {own}");
        assert!(!r.body.contains("Uwaga z Bety"), "{method} {own} leaked Beta's comment");
    }
    assert_eq!(snapshot(&p), beta_before, "Beta's data changed");

    // Operator-only actions are refused to an office admin.
    for path in ["/admin/urzedy", "/admin/administratorzy"] {
        let r = p.post(path, &cookie, &format!("csrf={csrf}&slug=gamma&name=Gamma&office=beta&login=intruz"));
        assert_eq!(r.status, 403, "{path}");
    }
    assert_eq!(p.count("SELECT count(*) FROM offices"), 2);
    assert_eq!(p.count("SELECT count(*) FROM admins WHERE login = 'intruz'"), 0);

    // An operator reaches both.
    let (op_cookie, _) = p.login("operator");
    assert_eq!(p.get("/admin/urzad/beta/pulpit", &op_cookie).status, 200);
    assert_eq!(p.get("/admin/urzad/alfa/pulpit", &op_cookie).status, 200);
}

#[test]
fn paper_sheets_are_entered_once_corrected_and_withdrawn_with_a_record() {
    let p = panel();
    let (cookie, csrf) = p.login("alfa_admin");
    let form = p.get("/admin/urzad/alfa/papier", &cookie).body;
    let token = form_value(&form, "token");
    let sheet = format!(
        "csrf={csrf}&token={token}&serial=2026-007&date=2026-03-02&q_ogolna_ocena=2&q_sprawa_zalatwiona=1&q_parking=0&q_co_poprawic=Wi%C4%99cej+%C5%82awek"
    );
    let r = p.post("/admin/urzad/alfa/papier", &cookie, &sheet);
    assert_eq!((r.status, r.location.as_str()), (303, "/admin/urzad/alfa/papier?zapisano=2026-007"));
    // A double click: the same form again is the same sheet.
    assert_eq!(p.post("/admin/urzad/alfa/papier", &cookie, &sheet).status, 303);
    assert_eq!(p.count("SELECT count(*) FROM responses"), 1);
    let next = p.get(&r.location, &cookie).body;
    assert!(next.contains("Zapisano ankietę, arkusz nr 2026-007. Wprowadź następną."));
    assert_ne!(form_value(&next, "token"), token, "the next sheet gets a new token");

    // The same serial on another sheet is refused, naming when it was entered; nothing is stored.
    let other =
        format!("csrf={csrf}&token={}&serial=2026-007&date=2026-03-02&q_ogolna_ocena=5", form_value(&next, "token"));
    let r = p.post("/admin/urzad/alfa/papier", &cookie, &other);
    assert_eq!(r.status, 422);
    // …in office time, Polish words ("1 grudnia 2026, 09:45"), not the stored UTC text.
    let when = r
        .body
        .split_once("Arkusz nr 2026-007 został już wprowadzony ")
        .and_then(|(_, rest)| rest.split_once(". Sprawdź numer"))
        .map(|(when, _)| when.to_owned())
        .unwrap_or_else(|| panic!("no entry time in {}", r.body));
    let (date, clock) = when.split_once(", ").unwrap_or_else(|| panic!("{when}"));
    assert!(date.split(' ').nth(1).is_some_and(|m| m.ends_with('a') || m.ends_with("ego")), "{when}");
    assert!(clock.len() == 5 && clock.as_bytes()[2] == b':', "{when}");
    assert!(!when.contains('T') && !when.contains("UTC"), "{when}");
    assert!(r.body.contains("value=\"5\""), "what was typed stays in the form");
    assert_eq!(p.count("SELECT count(*) FROM responses"), 1);

    // Typing errors are named per question.
    let bad =
        format!("csrf={csrf}&token={}&serial=&date=2026-03-02&q_ogolna_ocena=7&q_plec=9", form_value(&next, "token"));
    let r = p.post("/admin/urzad/alfa/papier", &cookie, &bad);
    assert_eq!(r.status, 422);
    assert!(r.body.contains("„7” nie jest oceną"), "{}", r.body);
    assert!(r.body.contains("„9” nie jest numerem odpowiedzi"));

    // Correct it: overall 2 → 3. The content before is recorded.
    let id: String = Connection::open(p.dir.path().join(DB_FILE))
        .unwrap()
        .query_row("SELECT id FROM responses", [], |r| r.get(0))
        .unwrap();
    let correction = p.get(&format!("/admin/urzad/alfa/papier/{id}"), &cookie).body;
    assert!(correction.contains("name=\"q_ogolna_ocena\" value=\"2\""), "the correction form shows what was typed");
    let fixed = format!("csrf={csrf}&serial=2026-007&date=2026-03-02&q_ogolna_ocena=3&q_sprawa_zalatwiona=1");
    assert_eq!(p.post(&format!("/admin/urzad/alfa/papier/{id}"), &cookie, &fixed).status, 303);
    assert_eq!(p.count("SELECT rating FROM answers WHERE question_key = 'ogolna_ocena'"), 3);
    assert_eq!(p.count("SELECT count(*) FROM answers WHERE question_key = 'co_poprawic'"), 0);
    assert_eq!(
        p.count(
            "SELECT count(*) FROM response_changes WHERE change = 'corrected' AND before_payload LIKE '%\"rating\":2%'"
        ),
        1
    );

    // Withdraw it: stored, recorded, counted nowhere.
    assert_eq!(p.post(&format!("/admin/urzad/alfa/papier/{id}/wycofaj"), &cookie, &format!("csrf={csrf}")).status, 303);
    assert_eq!(p.count("SELECT count(*) FROM responses WHERE withdrawn_at IS NOT NULL"), 1);
    assert_eq!(p.store.response_counts("alfa").unwrap().iter().map(|(_, n)| n).sum::<u64>(), 0);
    let log = p.get("/admin/urzad/alfa/dziennik", &cookie).body;
    for action in ["logowanie", "wprowadzenie ankiety", "poprawienie ankiety", "wycofanie ankiety"] {
        assert!(log.contains(&format!("<td>{action}</td>")), "audit log lacks {action}");
    }
    // The audit log cannot be changed, even by hand in the database.
    let conn = Connection::open(p.dir.path().join(DB_FILE)).unwrap();
    assert!(conn.execute("DELETE FROM audit_log", []).is_err());
    assert!(conn.execute("UPDATE audit_log SET actor = 'ktoś'", []).is_err());
}

#[test]
fn publishing_archives_a_report_first_and_never_changes_answers_given() {
    let p = panel();
    let mut given = Response::new("alfa", 1, Channel::Web);
    given.answers.insert(QuestionKey::parse("ogolna_ocena").unwrap(), AnswerValue::Rating(4));
    given.answers.insert(QuestionKey::parse("parking").unwrap(), AnswerValue::Rating(2));
    assert_eq!(ingest(&p.store, &given).unwrap(), Outcome::Stored);
    let payload_before: String = Connection::open(p.dir.path().join(DB_FILE))
        .unwrap()
        .query_row("SELECT payload FROM responses", [], |r| r.get(0))
        .unwrap();

    let (cookie, csrf) = p.login("alfa_admin");
    let edit =
        format!("csrf={csrf}&op=reword_question&key=parking&text_pl=Miejsca+do+parkowania&text_en=Parking&text_uk=");
    assert_eq!(p.post("/admin/urzad/alfa/ankieta/zmiana", &cookie, &edit).status, 303);
    let remove = format!("csrf={csrf}&op=remove_question&key=ogolna_ocena");
    let refused = p.post("/admin/urzad/alfa/ankieta/zmiana", &cookie, &remove);
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains("pytania o ogólną ocenę nie można usunąć"));
    assert_eq!(p.count("SELECT count(*) FROM questionnaire_versions"), 2, "a draft publishes nothing");

    let preview = p.get("/admin/urzad/alfa/ankieta/podglad", &cookie).body;
    assert!(preview.contains("Miejsca do parkowania") && !preview.contains("type=\"submit\" class=\"button\""));

    let r = p.post("/admin/urzad/alfa/ankieta/publikuj", &cookie, &format!("csrf={csrf}"));
    assert_eq!(r.status, 200);
    assert!(
        r.body.contains("Opublikowano wersję 2 ankiety. Przed publikacją zarchiwizowano raport nr 1"),
        "{}",
        r.body
    );

    let current = p.store.current_questionnaire("alfa").unwrap();
    assert_eq!(current.version, 2);
    assert_eq!(current.question(&QuestionKey::parse("parking").unwrap()).unwrap().text.pl, "Miejsca do parkowania");
    assert_eq!(
        *p.store.questionnaire_version("alfa", 1).unwrap(),
        survey::default_questionnaire::default_questionnaire()
    );
    let payload_after: String = Connection::open(p.dir.path().join(DB_FILE))
        .unwrap()
        .query_row("SELECT payload FROM responses", [], |r| r.get(0))
        .unwrap();
    assert_eq!(payload_after, payload_before, "publication must not touch answers already given");

    // The archived report holds the figures up to the change, with a checksum of them.
    let report = p.store.reports(p.store.office("alfa").unwrap().id).unwrap().remove(0);
    assert_eq!(report.reason, "przed zmianą ankiety");
    assert_eq!(report.checksum, blake3::hash(report.figures.as_bytes()).to_hex().to_string());
    let figures: serde_json::Value = serde_json::from_str(&report.figures).unwrap();
    assert_eq!(figures["overall"]["distribution"], serde_json::json!([0, 0, 0, 1, 0]));
    assert_eq!(figures["by_channel"][0], serde_json::json!(["ankieta internetowa", 1]));
    let page = p.get(&format!("/admin/urzad/alfa/raporty/{}", report.id), &cookie).body;
    assert!(page.contains(&report.checksum));
    // Shown as a report, with its PDF kept beside it under its own checksum.
    assert!(page.contains("Ogólna ocena obsługi"), "{page}");
    let pdf_sum = report.pdf_checksum.clone().unwrap();
    assert!(page.contains(&pdf_sum));
    let pdf = p.get_bytes(&format!("/admin/urzad/alfa/raporty/{}/pdf", report.id), &cookie);
    assert!(pdf.starts_with(b"%PDF"));
    assert_eq!(blake3::hash(&pdf).to_hex().to_string(), pdf_sum);
    assert!(p.get("/admin/urzad/alfa/dziennik", &cookie).body.contains("publikacja ankiety"));

    // An answer to version 1 sent later (a kiosk offline for weeks) is still accepted under version 1.
    let mut late = Response::new("alfa", 1, Channel::KioskTouch);
    late.answers.insert(QuestionKey::parse("ogolna_ocena").unwrap(), AnswerValue::Rating(5));
    assert_eq!(ingest(&p.store, &late).unwrap(), Outcome::Stored);
}

#[test]
fn a_redacted_comment_is_kept_nowhere() {
    let p = panel();
    let secret = "Pani Zofia Sekretna z pokoju 12";
    let mut r = Response::new("alfa", 1, Channel::Paper);
    r.answers.insert(QuestionKey::parse("ogolna_ocena").unwrap(), AnswerValue::Rating(1));
    r.answers.insert(QuestionKey::parse("inne_uwagi").unwrap(), AnswerValue::Text(secret.into()));
    assert_eq!(ingest(&p.store, &r).unwrap(), Outcome::Stored);
    let (cookie, csrf) = p.login("alfa_admin");
    // A correction first, so an earlier version of the response holds the text too.
    let fixed =
        format!("csrf={csrf}&serial=&date=2026-03-02&q_ogolna_ocena=2&q_inne_uwagi=Pani+Zofia+Sekretna+z+pokoju+12");
    assert_eq!(p.post(&format!("/admin/urzad/alfa/papier/{}", r.id), &cookie, &fixed).status, 303);

    assert!(p.get("/admin/urzad/alfa/uwagi", &cookie).body.contains(secret));
    let body = format!("csrf={csrf}&response={}&key=inne_uwagi&text=%5Busuni%C4%99to%5D+z+pokoju+12", r.id);
    let page = p.post("/admin/urzad/alfa/uwagi/anonimizuj", &cookie, &body);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("[usunięto] z pokoju 12") && !page.body.contains(secret));

    for entry in std::fs::read_dir(p.dir.path()).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        assert!(!bytes.windows(6).any(|w| w == b"Zofia "), "the redacted text is still on disk");
    }
}

#[test]
fn office_data_reaches_the_public_pages_and_departments_keep_their_key() {
    let p = panel();
    let (cookie, csrf) = p.login("alfa_admin");
    let data = format!(
        "csrf={csrf}&name=Urz%C4%85d+Gminy+Alfa-Zdr%C3%B3j&address=ul.+Rynek+1%2C+00-001+Alfa&email=sekretariat%40alfa.example.pl&phone=48+123+456+789&opening_hours=pon.+8%3A00%E2%80%9316%3A00%0D%0Awt.+8%3A00%E2%80%9315%3A00"
    );
    let r = p.post("/admin/urzad/alfa/dane", &cookie, &data);
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Zapisano dane urzędu."));
    let home = p.get("/alfa/", "").body;
    for shown in [
        "Urząd Gminy Alfa-Zdrój",
        "ul. Rynek 1, 00-001 Alfa",
        "sekretariat@alfa.example.pl",
        "<li>pon. 8:00–16:00</li>",
    ] {
        assert!(home.contains(shown), "home page lacks {shown}");
    }
    assert!(p.get("/alfa/deklaracja-dostepnosci", "").body.contains("sekretariat@alfa.example.pl"));
    let empty_name = p.post("/admin/urzad/alfa/dane", &cookie, &format!("csrf={csrf}&name=+"));
    assert_eq!(empty_name.status, 422);
    assert!(empty_name.body.contains("nazwa urzędu nie może być pusta"));

    assert_eq!(
        p.post("/admin/urzad/alfa/komorki", &cookie, &format!("csrf={csrf}&key=usc&name=USC&active=1")).status,
        200
    );
    let mut r = Response::new("alfa", 1, Channel::Web);
    r.answers.insert(QuestionKey::parse("ogolna_ocena").unwrap(), AnswerValue::Rating(5));
    r.answers.insert(QuestionKey::parse("komorka").unwrap(), AnswerValue::Choice("usc".into()));
    assert_eq!(ingest(&p.store, &r).unwrap(), Outcome::Stored);
    let renamed = p.post(
        "/admin/urzad/alfa/komorki",
        &cookie,
        &format!("csrf={csrf}&key=usc&name=Urz%C4%85d+Stanu+Cywilnego&active=1"),
    );
    assert!(renamed.body.contains("<td>usc</td><td>Urząd Stanu Cywilnego</td><td>USC</td>"), "{}", renamed.body);
    assert!(p.get("/alfa/ankieta", "").body.contains("Urząd Stanu Cywilnego"));
    assert_eq!(p.count("SELECT count(*) FROM answers WHERE question_key = 'komorka' AND choice = 'usc'"), 1);
    let bad_key = p.post("/admin/urzad/alfa/komorki", &cookie, &format!("csrf={csrf}&key=U+S+C&name=X"));
    assert_eq!(bad_key.status, 422);
}

#[test]
fn the_operator_creates_offices_and_their_admins_with_a_password_shown_once() {
    let p = panel();
    let (cookie, csrf) = p.login("operator");
    let list = p.get("/admin/", &cookie);
    assert!(list.body.contains("Urząd Gminy Alfa") && list.body.contains("Urząd Gminy Beta"));
    let r = p.post("/admin/urzedy", &cookie, &format!("csrf={csrf}&slug=gamma&name=Urz%C4%85d+Gminy+Gamma"));
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Urząd Gminy Gamma"));
    let dup = p.post("/admin/urzedy", &cookie, &format!("csrf={csrf}&slug=gamma&name=Inny"));
    assert_eq!(dup.status, 422);
    assert!(dup.body.contains("urząd o adresie „gamma” już istnieje"));

    let r = p.post("/admin/administratorzy", &cookie, &format!("csrf={csrf}&office=gamma&login=gamma_admin"));
    let shown = r.body.split("<code>").nth(1).unwrap().split("</code>").next().unwrap().to_owned();
    assert_eq!(shown.len(), 20);
    assert_eq!(p.login_attempt("gamma_admin", &shown).status, 303, "the shown password works");
    assert!(!p.get("/admin/", &cookie).body.contains(&shown), "the password is shown once");
}

/// The text of the first `<code>` after `after` on a page.
fn code_after<'a>(page: &'a str, after: &str) -> &'a str {
    page.split(after).nth(1).unwrap().split("<code>").nth(1).unwrap().split("</code>").next().unwrap()
}

#[test]
fn a_kiosk_gets_its_own_pin_shown_once_and_an_easy_one_is_refused_in_the_panel() {
    let p = panel();
    let (cookie, csrf) = p.login("alfa_admin");
    let r = p.post("/admin/urzad/alfa/kioski", &cookie, &format!("csrf={csrf}&name=parter"));
    assert_eq!(r.status, 200, "{}", r.body);
    let pin = code_after(&r.body, "PIN ekranu serwisowego tego kiosku").to_owned();
    assert_eq!(survey::service_pin::check(&pin), Ok(()), "{pin}");
    let office = p.store.office("alfa").unwrap();
    let device = p.store.devices(office.id).unwrap().remove(0);
    let stored = p.store.device_pin_hash(device.id).unwrap().unwrap();
    assert!(sync_server::password::verify(&pin, &stored), "the PIN shown is the one kept (as a hash)");
    assert!(!stored.contains(&pin));
    let page = p.get("/admin/urzad/alfa/kioski", &cookie).body;
    assert!(!page.contains(&format!("<code>{pin}</code>")), "the PIN is shown once");
    assert!(page.contains("zmieniony") && page.contains("w panelu"), "{page}");

    // Easy PINs are refused with the reason, and nothing changes.
    let path = format!("/admin/urzad/alfa/kioski/{}/pin", device.id);
    for (easy, reason) in [
        ("1234", "od 6 do 12 cyfr"),
        ("2468", "od 6 do 12 cyfr"),
        ("123456", "ciągiem cyfr"),
        ("000000", "powtórzeniem"),
        ("12a456", "tylko z cyfr"),
    ] {
        let r = p.post(&path, &cookie, &format!("csrf={csrf}&pin={easy}"));
        assert_eq!(r.status, 422, "{easy}");
        assert!(r.body.contains("Nie zmieniono PIN-u") && r.body.contains(reason), "{easy}: {}", r.body);
    }
    assert_eq!(p.store.device_pin_hash(device.id).unwrap().as_deref(), Some(stored.as_str()));

    // One the admin chose: kept and not repeated on the page; an empty field draws one, shown once.
    let r = p.post(&path, &cookie, &format!("csrf={csrf}&pin=739152"));
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("Zapisano nowy PIN ekranu serwisowego kiosku „parter”") && !r.body.contains("739152"));
    assert!(sync_server::password::verify("739152", &p.store.device_pin_hash(device.id).unwrap().unwrap()));
    let r = p.post(&path, &cookie, &format!("csrf={csrf}&pin="));
    let drawn = code_after(&r.body, "Nowy PIN ekranu serwisowego kiosku").to_owned();
    assert!(sync_server::password::verify(&drawn, &p.store.device_pin_hash(device.id).unwrap().unwrap()));
    let changes =
        p.count("SELECT count(*) FROM audit_log WHERE action = 'zmiana PIN-u kiosku' AND actor = 'alfa_admin'");
    assert_eq!(changes, 2, "each change is in the audit log; refusals are not");

    // A revoked kiosk's PIN cannot be changed.
    assert!(p.store.revoke_device(office.id, "alfa_admin", device.id).unwrap());
    assert_eq!(p.post(&path, &cookie, &format!("csrf={csrf}&pin=582914")).status, 404);
}

#[test]
fn a_logo_is_uploaded_checked_and_shown_on_the_public_pages() {
    use sync_server::http::admin::{LOGO_MAX_BYTES, LOGO_UPLOAD_BYTES};
    let p = panel();
    let (cookie, csrf) = p.login("alfa_admin");
    let upload = |query: &str, bytes: &[u8]| {
        let mut body = b"--XyZ\r\nContent-Disposition: form-data; name=\"logo\"; filename=\"herb.png\"\r\nContent-Type: image/png\r\n\r\n".to_vec();
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n--XyZ--\r\n");
        reply(
            p.agent
                .post(format!("{}/admin/urzad/alfa/logo{query}", p.base))
                .header("Cookie", &cookie)
                .header("Content-Type", "multipart/form-data; boundary=XyZ")
                .send(&body[..])
                .unwrap(),
        )
    };
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR-not-a-whole-image-but-a-png-signature";
    assert_eq!(upload("", png).status, 403, "an upload needs the CSRF token too");
    let text = upload(&format!("?csrf={csrf}"), b"<svg onload=alert(1)>");
    assert_eq!(text.status, 422);
    assert!(text.body.contains("Logo musi być obrazem PNG lub JPEG."));
    assert_eq!(p.get("/alfa/logo", "").status, 404);

    // Just over the logo's limit (read whole), and far over the upload's limit (reading stops midway).
    for size in [LOGO_MAX_BYTES + 1, 2 * LOGO_UPLOAD_BYTES] {
        let mut big = png.to_vec();
        big.resize(size, 0);
        let refused = upload(&format!("?csrf={csrf}"), &big);
        assert_eq!(refused.status, 422, "{size}");
        assert!(refused.body.contains("Plik z logo jest za duży: najwyżej 512 KB."), "{size}: {}", refused.body);
    }
    let ok = upload(&format!("?csrf={csrf}"), png);
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert!(ok.body.contains("Zapisano logo urzędu."));
    let logo = p.agent.get(format!("{}/alfa/logo", p.base)).call().unwrap();
    assert_eq!(logo.headers().get("content-type").unwrap(), "image/png");
    assert!(p.get("/alfa/", "").body.contains("<img src=\"/alfa/logo\" alt=\"\" class=\"logo\">"));
    assert!(!p.get("/beta/", "").body.contains("/logo"));
}

#[test]
fn changing_the_password_needs_the_old_one_and_ends_other_sessions() {
    let p = panel();
    let (cookie, csrf) = p.login("alfa_admin");
    let (other, _) = p.login("alfa_admin");
    let change = |current: &str, new: &str, repeat: &str| {
        p.post("/admin/haslo", &cookie, &format!("csrf={csrf}&current={current}&new={new}&repeat={repeat}"))
    };
    assert!(change("zle", "Nowe-Haslo-Alfy-1", "Nowe-Haslo-Alfy-1").body.contains("Obecne hasło jest nieprawidłowe."));
    assert!(change(PASSWORD, "krotkie", "krotkie").body.contains("musi mieć co najmniej 12"));
    assert!(change(PASSWORD, "Nowe-Haslo-Alfy-1", "Nowe-Haslo-Alfy-2").body.contains("Powtórzone hasło różni się"));
    let ok = change(PASSWORD, "Nowe-Haslo-Alfy-1", "Nowe-Haslo-Alfy-1");
    assert_eq!(ok.status, 200);
    assert!(ok.body.contains("Hasło zmienione."));
    assert_eq!(p.get("/admin/urzad/alfa/pulpit", &other).location, "/admin/logowanie", "other sessions end");
    assert_eq!(p.get("/admin/urzad/alfa/pulpit", &cookie).status, 200, "this session stays");
    assert_eq!(p.login_attempt("alfa_admin", PASSWORD).status, 401);
    assert_eq!(p.login_attempt("alfa_admin", "Nowe-Haslo-Alfy-1").status, 303);
}

/// A PDF checked by `qpdf --check`, and its text as `pdftotext` reads it (wrapped lines joined).
fn pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("raport.pdf");
    std::fs::write(&path, pdf).unwrap();
    let check = std::process::Command::new("qpdf").arg("--check").arg(&path).output().unwrap();
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stdout));
    let out = std::process::Command::new("pdftotext").arg(&path).arg("-").output().unwrap();
    String::from_utf8(out.stdout).unwrap().split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn a_report_is_generated_exported_and_archived_with_conclusions() {
    let p = panel();
    for rating in [5, 4, 2] {
        let mut r = Response::new("alfa", 1, Channel::Web);
        r.answers.insert(QuestionKey::parse("ogolna_ocena").unwrap(), AnswerValue::Rating(rating));
        if rating == 2 {
            let payload = "=HYPERLINK(\"http://zly.example\")";
            r.answers.insert(QuestionKey::parse("inne_uwagi").unwrap(), AnswerValue::Text(payload.into()));
        }
        assert_eq!(ingest(&p.store, &r).unwrap(), Outcome::Stored);
    }
    let (cookie, csrf) = p.login("alfa_admin");
    let today = chrono::Utc::now().date_naive();
    let period = format!("od={}&do={today}", today - chrono::Duration::days(30));
    let page = p.get(&format!("/admin/urzad/alfa/raporty/nowy?{period}"), &cookie);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Ogólna ocena obsługi"));
    assert!(page.body.contains("<td class=\"num\">3</td><td class=\"num\">3,67</td>"), "n 3, mean 11/3");

    // The CSV, read by a CSV reader: a header and one row per response, the comment kept as text.
    let csv = p.get(&format!("/admin/urzad/alfa/raporty/csv?{period}"), &cookie).body;
    assert!(csv.starts_with('\u{feff}'), "a byte-order mark for spreadsheets");
    let mut reader =
        csv::ReaderBuilder::new().delimiter(b';').from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let header = reader.headers().unwrap().clone();
    assert!(header.iter().any(|h| h == "Jak ogólnie ocenia Pan/Pani obsługę w Urzędzie?"));
    let comment_column = header.iter().position(|h| h.starts_with("Inne uwagi")).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3, "one row per response");
    assert!(rows.iter().any(|r| &r[comment_column] == "'=HYPERLINK(\"http://zly.example\")"), "inert as a formula");
    // Two times per row: ISO 8601 in UTC for programs, and the same instant in Polish office time for people.
    assert_eq!((&header[1], &header[2]), ("Czas zapisu (UTC, ISO 8601)", "Data i godzina (czas polski)"));
    for row in &rows {
        let utc = chrono::DateTime::parse_from_rfc3339(&row[1]).unwrap();
        assert!(row[1].ends_with('Z'), "{}", &row[1]);
        assert_eq!(&row[2], sync_server::local_time::human(utc.with_timezone(&chrono::Utc)));
    }

    // The XLSX, opened with a spreadsheet reader: the figures sheet and every response as text.
    let bytes = p.get_bytes(&format!("/admin/urzad/alfa/raporty/xlsx?{period}"), &cookie);
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();

    assert_eq!(book.sheet_names(), ["Wskaźniki", "Odpowiedzi"]);
    let answers = book.worksheet_range("Odpowiedzi").unwrap();
    assert_eq!(answers.height(), 4, "a header and one row per response");
    let cells: Vec<String> = answers.rows().flat_map(|r| r.iter().map(|c| c.to_string())).collect();
    assert!(cells.contains(&"=HYPERLINK(\"http://zly.example\")".to_string()), "a string cell, not a formula");
    assert!(book.worksheet_formula("Odpowiedzi").unwrap().used_cells().next().is_none(), "no formulas at all");
    let figures = book.worksheet_range("Wskaźniki").unwrap();
    let overall = figures.rows().find(|r| r[0] == "Ogólna ocena obsługi").unwrap();
    // The mean as the number itself (11/3), not its rounded text read back; shown to two decimals.
    assert_eq!(overall[1].to_string(), "3");
    assert!((overall[2].get_float().unwrap() - 11.0 / 3.0).abs() < 1e-12, "{:?}", overall[2]);

    // The PDF: sound, with the Polish headings and the figures in it.
    let pdf = p.get_bytes(&format!("/admin/urzad/alfa/raporty/pdf?{period}"), &cookie);
    let text = pdf_text(&pdf);
    for expected in [
        "Raport z badania satysfakcji klientów",
        "Ogólna ocena obsługi",
        "3,67",
        "Kiedy klienci odpowiadają w kioskach",
        "=HYPERLINK",
    ] {
        assert!(text.contains(expected), "the PDF lacks „{expected}”:\n{text}");
    }

    let body = format!("csrf={csrf}&{period}&wnioski=Wyd%C5%82u%C5%BCy%C4%87+godziny+pracy+w+czwartki");
    let archived = p.post("/admin/urzad/alfa/raporty/archiwizuj", &cookie, &body);
    assert_eq!(archived.status, 303);
    let report = p.get(&archived.location, &cookie).body;
    assert!(report.contains("Wydłużyć godziny pracy w czwartki"));
    assert!(p.get("/admin/urzad/alfa/pulpit", &cookie).body.contains("ostatni zarchiwizowano"));
    assert!(!p.get("/admin/urzad/alfa/pulpit", &cookie).body.contains("Nie wygenerowano jeszcze żadnego raportu"));
}

#[test]
fn the_printable_questionnaire_downloads_as_pdf() {
    let p = panel();
    let (cookie, _) = p.login("alfa_admin");
    let r = p
        .agent
        .get(format!("{}/admin/urzad/alfa/ankieta/pdf?arkusze=2&od=41", p.base))
        .header("Cookie", &cookie)
        .call()
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers().get("content-type").unwrap(), "application/pdf");
    let bytes = r.into_body().read_to_vec().unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    assert!(p.get("/admin/urzad/alfa/dziennik", &cookie).body.contains("arkusze "));
    let too_many = p.get("/admin/urzad/alfa/ankieta/pdf?arkusze=501", &cookie);
    assert_eq!(too_many.status, 422);
}

#[test]
fn the_printable_questionnaire_comes_in_the_residents_language() {
    let p = panel();
    let (cookie, _) = p.login("alfa_admin");
    // The editor offers the three languages, Polish chosen.
    let editor = p.get("/admin/urzad/alfa/ankieta", &cookie).body;
    assert!(editor.contains(r#"<option value="pl" selected>polski</option><option value="en">angielski</option><option value="uk">ukraiński</option>"#));
    for (lang, words) in [
        (
            "en",
            [
                "Overall, how do you rate the service at the office?",
                "Sheet number: 2026-00003",
                "Page 1 of",
                "You can also fill in the survey online",
            ],
        ),
        (
            "uk",
            [
                "Як загалом Ви оцінюєте обслуговування в установі?",
                "Номер аркуша: 2026-00003",
                "Анкету можна заповнити також в інтернеті",
                "Сторінка 1 з",
            ],
        ),
        (
            "pl",
            [
                "Jak ogólnie ocenia Pan/Pani obsługę w Urzędzie?",
                "Numer arkusza: 2026-00003",
                "Strona 1 z",
                "Ankietę można wypełnić także w internecie",
            ],
        ),
    ] {
        let r = p
            .agent
            .get(format!("{}/admin/urzad/alfa/ankieta/pdf?jezyk={lang}&arkusze=1&od=3", p.base))
            .header("Cookie", &cookie)
            .call()
            .unwrap();
        assert_eq!(r.status(), 200);
        let name = r.headers().get("content-disposition").unwrap().to_str().unwrap().to_owned();
        assert!(name.contains(&format!("ankieta-alfa-{lang}.pdf")), "{name}");
        let text = pdf_text(&r.into_body().read_to_vec().unwrap());
        for w in words {
            assert!(
                text.contains(w.replace("2026", &chrono::Utc::now().format("%Y").to_string()).as_str()),
                "{lang}: no „{w}” in {text}"
            );
        }
    }
    assert!(p.get("/admin/urzad/alfa/dziennik", &cookie).body.contains("język: uk"));
    // A language the questionnaire does not have is refused in Polish, and nothing is logged for it.
    let logged = p.count("SELECT count(*) FROM audit_log");
    let r = p.get("/admin/urzad/alfa/ankieta/pdf?jezyk=de", &cookie);
    assert_eq!(r.status, 422);
    assert!(
        r.body.contains("Ankietę można wydrukować po polsku (pl), angielsku (en) lub ukraińsku (uk)"),
        "{}",
        r.body
    );
    assert_eq!(p.count("SELECT count(*) FROM audit_log"), logged);
}

#[test]
fn the_report_form_starts_filled_in_and_one_press_makes_a_report() {
    let p = panel();
    let mut r = Response::new("alfa", 1, Channel::Web);
    r.answers.insert(QuestionKey::parse("ogolna_ocena").unwrap(), AnswerValue::Rating(5));
    assert_eq!(ingest(&p.store, &r).unwrap(), Outcome::Stored);
    let (cookie, _) = p.login("alfa_admin");
    let form = p.get("/admin/urzad/alfa/raporty/nowy", &cookie);
    assert_eq!(form.status, 200);
    // This year to date, in the office's days.
    let today = sync_server::local_time::local(chrono::Utc::now()).date();
    let (from, to) = (form_value(&form.body, "od"), form_value(&form.body, "do"));
    assert_eq!((from.as_str(), to.clone()), (format!("{}-01-01", today.format("%Y")).as_str(), today.to_string()));
    assert!(form.body.contains("kwartał"), "calendar quarters are offered by name");
    assert!(!form.body.contains("<h2>Raport:"), "no report before the button is pressed");
    // Submitted as it stands, as a browser sends it: the dates, an empty department, no channel ticked.
    let report = p.get(&format!("/admin/urzad/alfa/raporty/nowy?od={from}&do={to}&komorka="), &cookie);
    assert_eq!(report.status, 200);
    let heading = format!(
        "<h2>Raport: Urząd Gminy Alfa, 1 stycznia {} – {}</h2>",
        today.format("%Y"),
        sync_server::local_time::date_pl(today)
    );
    assert!(report.body.contains(&heading), "the period in Polish words: {}", report.body);
    assert!(report.body.contains("Ogólna ocena obsługi"));
    // Every preset link makes a report too.
    let presets: Vec<String> = links(&form.body, "/admin/urzad/alfa/raporty/nowy?");
    assert!(presets.len() >= 6, "{presets:?}");
    for link in presets {
        let r = p.get(&link.replace("&#38;", "&"), &cookie);
        assert_eq!(r.status, 200, "{link}");
        assert!(r.body.contains("<h2>Raport: "), "{link}");
    }
}

#[test]
fn the_dashboard_leads_with_the_figures_the_report_gives() {
    let p = panel();
    let today = sync_server::local_time::local(chrono::Utc::now()).date();
    let sample = sync_server::sample_data::fill(&p.store, "alfa", today).unwrap();
    let (cookie, _) = p.login("alfa_admin");
    let page = p.get("/admin/urzad/alfa/pulpit", &cookie);
    assert_eq!(page.status, 200);
    let body = &page.body;

    // The headline index is the report's, for the period the report form starts with.
    let office = p.store.office("alfa").unwrap();
    let from = chrono::NaiveDate::from_ymd_opt(chrono::Datelike::year(&today), 1, 1).unwrap();
    let filter =
        sync_server::store::ReportFilter { office_id: office.id, from, to: today, department: None, channels: vec![] };
    let report = sync_server::documents::report_figures::generate(&p.store, &office, filter, 5).unwrap();
    let tile = body.split("Indeks ogólnej oceny").nth(1).unwrap();
    let shown = tile.split("<p class=\"tile-value\">").nth(1).unwrap().split('<').next().unwrap();
    let decimal = sync_server::documents::report_figures::decimal;
    assert_eq!(shown, decimal(report.overall.index, 1));
    assert!(body.contains(&format!("{}%", decimal(report.overall.satisfied, 1))), "% satisfied as in the report");
    assert!(body.contains(&format!("Ogólną ocenę obsługi w tym okresie podało {} osób", report.overall.n)));
    // The link to the full report carries the same period.
    assert!(body.contains(&format!("raporty/nowy?od={from}&#38;do={today}")), "askama escapes & as &#38;");

    // The trend: an image with a title and description, and the same months in a table.
    let svg = body.split("<svg").nth(1).unwrap().split("</svg>").next().unwrap();
    assert!(
        svg.contains(r#"role="img""#)
            && svg.contains("aria-labelledby=")
            && svg.contains("<title id=")
            && svg.contains("<desc id=\"")
            && svg.contains("Indeks ogólnej oceny obsługi (0–100) w kolejnych miesiącach: od ")
    );
    let table = body.split("Dane wykresu w tabeli").nth(1).unwrap().split("</table>").next().unwrap();
    assert_eq!(table.matches("<tr><td>").count(), 12, "twelve months");
    assert!(svg.matches("data-value=").count() >= 10, "a year of sample data scores nearly every month");

    // This month by channel, the latest comments (a few, in office time), and no day-by-day table.
    assert!(body.contains("Odpowiedzi: ") && body.contains("<li>kiosk (przyciski): "));
    let comments = body.split("Najnowsze uwagi mieszkańców").nth(1).unwrap().split("</ul>").next().unwrap();
    assert!((1..=3).contains(&comments.matches("<li>").count()), "{comments}");
    assert!(comments.contains(" 20") && comments.contains(", ") && !comments.contains('T'), "{comments}");
    assert!(!body.contains("Ostatnie 30 dni"));
    assert!(body.contains("brak zarchiwizowanych raportów"));
    assert!(sample.total() > 0);
}

/// The `href` and `src` values of a page that start with `prefix`.
fn links(html: &str, prefix: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        for (at, _) in html.match_indices(attr) {
            let rest = &html[at + attr.len()..];
            let value = &rest[..rest.find('"').unwrap()];
            if value.starts_with(prefix) {
                out.push(value.replace("&amp;", "&"));
            }
        }
    }
    out
}

#[test]
fn every_admin_page_links_to_its_help_and_no_help_link_is_broken() {
    let p = panel();
    let (cookie, _) = p.login("alfa_admin");
    let (operator, _) = p.login("operator");
    let mut to_check: Vec<String> = Vec::new();
    // Each page of the panel names its help section, and the manual's pages link to one another.
    let pages: Vec<(String, &str)> = OFFICE_ROUTES
        .iter()
        .filter(|(method, path)| {
            *method == "GET" && !path.contains("pdf") && !path.contains("csv") && !path.contains("xlsx")
        })
        .map(|(_, path)| (format!("/admin/urzad/alfa{path}"), cookie.as_str()))
        .chain([("/admin/haslo".to_owned(), cookie.as_str()), ("/admin/".to_owned(), operator.as_str())])
        .collect();
    for (path, who) in &pages {
        let page = p.get(path, who);
        if page.status != 200 {
            continue; // e.g. /papier/1 of a sheet that does not exist
        }
        let help: Vec<String> = links(&page.body, "/admin/pomoc/");
        assert!(!help.is_empty(), "{path} has no help link");
        to_check.extend(help);
    }
    to_check.extend(links(&p.get("/admin/logowanie", "").body, "/admin/pomoc"));
    for (stem, _) in sync_server::http::admin::help::CHAPTERS {
        let page = p.get(&format!("/admin/pomoc/{stem}"), "");
        assert_eq!(page.status, 200, "chapter {stem}");
        to_check.extend(links(&page.body, "/admin/pomoc"));
    }
    for page in sync_server::http::admin::help::PAGES {
        to_check.push(format!("/admin/pomoc/{}", sync_server::http::admin::help::section_for(page)));
    }
    to_check.sort();
    to_check.dedup();
    assert!(to_check.len() > 20, "the manual links to itself: {to_check:?}");
    for link in &to_check {
        let (path, fragment) = link.split_once('#').map_or((link.as_str(), None), |(p, f)| (p, Some(f)));
        let target = p.get(path, "");
        assert_eq!(target.status, 200, "broken help link {link}");
        if let Some(fragment) = fragment {
            assert!(target.body.contains(&format!("id=\"{fragment}\"")), "no section #{fragment} in {path}");
        }
    }
}

#[test]
fn markup_typed_by_residents_or_admins_is_shown_as_text_everywhere() {
    let p = panel();
    let payload = "<script>alert('x')</script><img src=x onerror=alert(1)>";
    let office = p.store.office("alfa").unwrap();
    let data = sync_server::store::OfficeData {
        name: format!("Urząd {payload}"),
        address: payload.into(),
        email: "urzad@example.pl".into(),
        phone: "123".into(),
        opening_hours: payload.into(),
        ..Default::default()
    };
    let report = sync_server::store::ReportFiles { figures: "{}", pdf: b"%PDF" };
    p.store.update_office_data(office.id, "alfa_admin", &data, &report).unwrap();
    p.store.add_department("alfa", "zly", payload).unwrap();
    let mut r = Response::new("alfa", 1, Channel::Web);
    r.answers.insert(QuestionKey::parse("ogolna_ocena").unwrap(), AnswerValue::Rating(3));
    r.answers.insert(QuestionKey::parse("komorka").unwrap(), AnswerValue::Choice("zly".into()));
    r.answers.insert(QuestionKey::parse("inne_uwagi").unwrap(), AnswerValue::Text(payload.into()));
    assert_eq!(ingest(&p.store, &r).unwrap(), Outcome::Stored);
    let (cookie, _) = p.login("alfa_admin");
    let today = chrono::Utc::now().date_naive();
    let period = format!("od={}&do={today}", today - chrono::Duration::days(7));
    for path in [
        "/admin/urzad/alfa/pulpit".to_owned(),
        "/admin/urzad/alfa/uwagi".into(),
        "/admin/urzad/alfa/dane".into(),
        format!("/admin/urzad/alfa/raporty/nowy?{period}"),
        "/admin/urzad/alfa/papier".into(),
        "/alfa/".into(),
        "/alfa/ankieta".into(),
        "/alfa/deklaracja-dostepnosci".into(),
        "/alfa/prywatnosc".into(),
        "/admin/urzad/alfa/prywatnosc".into(),
    ] {
        let page = p.get(&path, &cookie);
        assert_eq!(page.status, 200, "{path}");
        assert!(!page.body.contains("<script>alert") && !page.body.contains("<img src=x"), "{path} shows markup raw");
        // The office's name is on every page: there, escaped, the text is shown as typed.
        assert!(
            page.body.contains("&lt;script&gt;") || page.body.contains("&#60;script&#62;"),
            "{path}: no escaped text"
        );
    }
    // In the report's PDF it is text, not markup: extracted as it was typed.
    let pdf = p.get_bytes(&format!("/admin/urzad/alfa/raporty/pdf?{period}"), &cookie);
    assert!(pdf_text(&pdf).contains("<script>alert('x')</script>"));
}

#[test]
fn a_session_id_chosen_before_login_is_never_adopted() {
    let p = panel();
    let planted = "ocen_sesja=atakujacy-wybral-ten-identyfikator";
    let login = p
        .agent
        .post(format!("{}/admin/logowanie", p.base))
        .header("Cookie", planted)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .send(format!("login=alfa_admin&password={PASSWORD}"))
        .unwrap();
    let issued = reply(login).cookie.unwrap();
    assert_ne!(issued, planted, "login issues a new session id");
    assert_eq!(p.get("/admin/urzad/alfa/pulpit", planted).location, "/admin/logowanie", "the planted id opens nothing");
    assert_eq!(p.get("/admin/urzad/alfa/pulpit", &issued).status, 200);
}

#[test]
fn questionnaire_text_typed_by_an_admin_is_inert_in_pages_pdfs_and_spreadsheets() {
    let p = panel();
    let (cookie, csrf) = p.login("alfa_admin");
    // A question reworded into markup that also starts like a spreadsheet formula.
    let payload = "=1+1<script>alert('q')</script>";
    let edit = format!(
        "csrf={csrf}&op=reword_question&key=parking&text_pl={}&text_en={}&text_uk=",
        form_urlencoded::byte_serialize(payload.as_bytes()).collect::<String>(),
        form_urlencoded::byte_serialize(payload.as_bytes()).collect::<String>(),
    );
    assert_eq!(p.post("/admin/urzad/alfa/ankieta/zmiana", &cookie, &edit).status, 303);
    let preview = p.get("/admin/urzad/alfa/ankieta/podglad", &cookie);
    assert!(!preview.body.contains("<script>alert('q')"), "the preview shows markup raw");
    assert!(preview.body.contains("script&gt;alert") || preview.body.contains("script&#62;alert"), "{}", preview.body);
    assert_eq!(p.post("/admin/urzad/alfa/ankieta/publikuj", &cookie, &format!("csrf={csrf}")).status, 200);

    let mut r = Response::new("alfa", 2, Channel::Web);
    r.answers.insert(QuestionKey::parse("ogolna_ocena").unwrap(), AnswerValue::Rating(4));
    r.answers.insert(QuestionKey::parse("parking").unwrap(), AnswerValue::Rating(2));
    assert_eq!(ingest(&p.store, &r).unwrap(), Outcome::Stored);
    let today = chrono::Utc::now().date_naive();
    let period = format!("od={}&do={today}", today - chrono::Duration::days(7));

    for path in [
        "/alfa/ankieta".to_owned(),
        "/alfa/ankieta?lang=en".into(),
        "/admin/urzad/alfa/ankieta".into(),
        "/admin/urzad/alfa/papier".into(),
        format!("/admin/urzad/alfa/raporty/nowy?{period}"),
    ] {
        let page = p.get(&path, &cookie);
        assert_eq!(page.status, 200, "{path}");
        assert!(!page.body.contains("<script>alert('q')"), "{path} shows the question's markup raw");
        assert!(page.body.contains("&lt;script&gt;alert") || page.body.contains("&#60;script&#62;alert"), "{path}");
    }
    // PDFs: the wording is text, extracted exactly as typed.
    for path in ["/admin/urzad/alfa/ankieta/pdf".to_owned(), format!("/admin/urzad/alfa/raporty/pdf?{period}")] {
        let text = pdf_text(&p.get_bytes(&path, &cookie));
        assert!(text.contains("<script>alert('q')</script>"), "{path}: {text}");
    }
    // CSV: the header cell cannot start a formula.
    let csv = p.get(&format!("/admin/urzad/alfa/raporty/csv?{period}"), &cookie).body;
    let mut reader =
        csv::ReaderBuilder::new().delimiter(b';').from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let header = reader.headers().unwrap().clone();
    assert!(header.iter().any(|h| h == format!("'{payload}")), "{header:?}");
    assert!(!header.iter().any(|h| h.starts_with('=')), "{header:?}");
    // XLSX: a string cell, and no formula anywhere.
    let bytes = p.get_bytes(&format!("/admin/urzad/alfa/raporty/xlsx?{period}"), &cookie);
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let answers = book.worksheet_range("Odpowiedzi").unwrap();
    assert!(answers.rows().next().unwrap().iter().any(|c| c.get_string() == Some(payload)));
    for sheet in book.sheet_names() {
        assert!(book.worksheet_formula(&sheet).unwrap().used_cells().next().is_none(), "a formula in {sheet}");
    }
}

#[test]
fn an_oversized_login_form_is_refused_in_polish() {
    let p = panel();
    let r = p.post("/admin/logowanie", "", &format!("login=alfa_admin&password={}", "x".repeat(MAX_LOGIN_BYTES)));
    assert_eq!(r.status, 413);
    assert!(r.body.contains("Formularz logowania jest nieprawidłowy lub zbyt obszerny."), "{}", r.body);
    assert_eq!(p.login_attempt("alfa_admin", PASSWORD).status, 303, "an ordinary login still works");
}
