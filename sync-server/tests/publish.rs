//! The public version of an archived report and the corrective actions, over real HTTP against a real
//! SQLite file: what reaches the public page and its PDF (no comment, no suppressed cell, the archived
//! numbers), publishing and withdrawing with the audit log, "not found" for what is not published, and
//! actions recorded, changed, refused when wrong and listed by the next report.

// Test helpers may unwrap: a panic is how a test reports a broken premise.
#![allow(clippy::unwrap_used)]

use chrono::{Duration, NaiveDate, Utc};
use survey::wire::Outcome;
use survey::{AnswerValue, Channel, QuestionKey, Response};
use sync_server::documents::report_figures::generate;
use sync_server::http::AppState;
use sync_server::ingest::ingest;
use sync_server::store::{ActionInput, ActionStatus, ReportFiles, ReportFilter, Store};

mod panel;
use panel::Panel;

/// Written into every comment: it must never reach a public page or PDF.
const MARKER: &str = "ZNACZNIK-UWAGI-7F3A";

fn server() -> Panel {
    let (dir, store) = panel::store();
    store.add_department("alfa", "usc", "Urząd Stanu Cywilnego").unwrap();
    store.add_department("alfa", "podatki", "Referat Podatków").unwrap();
    let state = AppState::new(store.clone());
    Panel::serve(dir, store, state)
}

impl Panel {
    /// A public PDF (no session).
    fn bytes(&self, path: &str) -> Vec<u8> {
        let mut r = self.agent.get(format!("{}{path}", self.base)).call().unwrap();
        assert_eq!(r.status(), 200, "{path}");
        assert_eq!(r.headers().get("content-type").unwrap(), "application/pdf");
        r.body_mut().read_to_vec().unwrap()
    }
}

/// A PDF checked by `qpdf --check`, and its text as `pdftotext` reads it (whitespace collapsed).
fn pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wyniki.pdf");
    std::fs::write(&path, pdf).unwrap();
    let check = std::process::Command::new("qpdf").arg("--check").arg(&path).output().unwrap();
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stdout));
    let out = std::process::Command::new("pdftotext").arg(&path).arg("-").output().unwrap();
    String::from_utf8(out.stdout).unwrap().split_whitespace().collect::<Vec<_>>().join(" ")
}

fn key(k: &str) -> QuestionKey {
    QuestionKey::parse(k).unwrap()
}

/// Seven answers two days ago: USC 5, 5, 4, 4, 4 (matter settled: yes), Podatki 1 (settled: no) and 2
/// (not said); every one with a comment carrying [`MARKER`].
fn seed(store: &Store) {
    let answers = [(5, "usc", Some("tak")), (5, "usc", Some("tak")), (4, "usc", Some("tak")), (4, "usc", Some("tak"))];
    let more = [(4, "usc", Some("tak")), (1, "podatki", Some("nie")), (2, "podatki", None)];
    for (i, (rating, department, settled)) in answers.into_iter().chain(more).enumerate() {
        let mut r = Response::new("alfa", 1, Channel::Web);
        r.captured_at = Utc::now() - Duration::days(2);
        r.answers.insert(key("ogolna_ocena"), AnswerValue::Rating(rating));
        r.answers.insert(key("komorka"), AnswerValue::Choice(department.into()));
        if let Some(s) = settled {
            r.answers.insert(key("sprawa_zalatwiona"), AnswerValue::Choice(s.into()));
        }
        r.answers.insert(key("inne_uwagi"), AnswerValue::Text(format!("{MARKER} nr {i}: pani Kowalska z pokoju 12")));
        assert_eq!(ingest(store, &r).unwrap(), Outcome::Stored);
    }
}

fn period() -> String {
    let today = Utc::now().date_naive();
    format!("od={}&do={today}", today - Duration::days(30))
}

/// Generates and archives the report of the last 30 days through the panel; the archived report's id.
fn archive(s: &Panel, cookie: &str, csrf: &str) -> i64 {
    let body = format!("csrf={csrf}&{}&wnioski=Poprawi%C4%87+oznakowanie", period());
    let r = s.post("/admin/urzad/alfa/raporty/archiwizuj", cookie, &body);
    assert_eq!(r.status, 303, "{}", r.body);
    r.location.rsplit('/').next().unwrap().parse().unwrap()
}

/// The page's help link leads to the manual's section `anchor`, which exists.
fn help_link_resolves(s: &Panel, page: &str, anchor: &str) {
    let link = format!("/admin/pomoc/08-raporty#{anchor}");
    assert!(page.contains(&format!("href=\"{link}\"")), "the page links its help section {link}");
    assert!(s.get("/admin/pomoc/08-raporty", "").body.contains(&format!("id=\"{anchor}\"")), "no section #{anchor}");
}

const SIGN_OFF: &str =
    "sporzadzil=Anna+Nowak%2C+inspektor&zatwierdzil=Jan+Kowalski%2C+W%C3%B3jt+Gminy&data_zatwierdzenia=2026-11-30";

#[test]
fn no_comment_and_no_suppressed_cell_reaches_the_public_version() {
    let s = server();
    seed(&s.store);
    let (cookie, csrf) = s.login("alfa_admin");
    let id = archive(&s, &cookie, &csrf);

    // The premise: the archive holds the comments and the figures the public version must leave out.
    let archived = s.get(&format!("/admin/urzad/alfa/raporty/{id}"), &cookie).body;
    assert!(archived.contains(MARKER), "the archived report keeps the comments");
    // „nie” was answered once: the report hides such a cell already, archived as shown.
    assert!(!archived.contains("16,7") && archived.contains("83,3"), "settled „nie” (1 of 6) is hidden in the archive");

    let published =
        s.post(&format!("/admin/urzad/alfa/raporty/{id}/publikuj"), &cookie, &format!("csrf={csrf}&{SIGN_OFF}"));
    assert_eq!(published.status, 303, "{}", published.body);
    assert!(s.get(&published.location, &cookie).body.contains("Opublikowano wyniki"));

    let page = s.get(&format!("/alfa/wyniki/{id}"), "");
    assert_eq!(page.status, 200);
    let pdf = pdf_text(&s.bytes(&format!("/alfa/wyniki/{id}/pdf")));
    for (what, text) in [("page", &page.body), ("PDF", &pdf)] {
        assert!(!text.contains(MARKER) && !text.contains("Kowalska"), "a comment reached the public {what}");
        // Podatki has 2 answers (1 and 2, mean 1,50): below the threshold of 5, hidden in every form.
        assert!(!text.contains("1,50"), "the suppressed department's mean reached the public {what}");
        // „nie” was answered once (16,7 % of 6): hidden too, while „tak” (5, 83,3 %) is shown.
        assert!(!text.contains("16,7"), "a suppressed answer count reached the public {what}");
        assert!(text.contains("83,3"), "the public {what} lacks the shown answer's share");
        // Overall by hand: 5+5+4+4+4+1+2 = 25 over 7 → 3,57; satisfied 5/7 = 71,4 %. USC (5 answers, 22/5 =
        // 4,40) is hidden too: with Podatki the only other department hidden, USC's count would give
        // Podatki's away by subtraction from the total (the complementary rule of the report).
        for figure in ["3,57", "71,4", "28,6", "4,40", "Poprawić oznakowanie"] {
            let expected = !matches!(figure, "Poprawić oznakowanie" | "4,40");
            assert_eq!(text.contains(figure), expected, "{figure} in the public {what}");
        }
        for words in ["Urząd Gminy Alfa", "Anna Nowak, inspektor", "Jan Kowalski, Wójt Gminy", "30 listopada 2026"] {
            assert!(text.contains(words), "the public {what} lacks „{words}”");
        }
    }
    assert!(page.body.contains("Referat Podatków</th><td class=\"num\" colspan=\"3\">&lt; 5</td>"));
    // pdftotext sets "< 5" tight or apart, depending on the glyphs' spacing.
    assert!(pdf.replace(' ', "").contains("ReferatPodatków<5"), "{pdf}");
    assert!(page.body.contains("Urząd Stanu Cywilnego</th><td class=\"num\" colspan=\"3\">&lt; 5</td>"));

    // The numbers are the archived ones: the same figures as the archived report's page.
    for figure in ["3,57", "71,4", "83,3"] {
        assert!(archived.contains(figure), "{figure} is an archived figure");
    }
    // Answers coming in after archiving change nothing published.
    let mut late = Response::new("alfa", 1, Channel::Web);
    late.captured_at = Utc::now() - Duration::days(1);
    late.answers.insert(key("ogolna_ocena"), AnswerValue::Rating(1));
    ingest(&s.store, &late).unwrap();
    assert!(s.get(&format!("/alfa/wyniki/{id}"), "").body.contains("3,57"));
}

#[test]
fn publishing_and_withdrawing_are_audited_and_what_is_not_published_is_not_found() {
    let s = server();
    seed(&s.store);
    let (cookie, csrf) = s.login("alfa_admin");
    let id = archive(&s, &cookie, &csrf);

    // Nothing published yet: the list says so, the report and its PDF are not found, the home page has no link.
    assert!(s.get("/alfa/wyniki", "").body.contains("Urząd nie opublikował jeszcze wyników."));
    assert_eq!(s.get(&format!("/alfa/wyniki/{id}"), "").status, 404);
    assert_eq!(s.get(&format!("/alfa/wyniki/{id}/pdf"), "").status, 404);
    assert!(!s.get("/alfa/", "").body.contains("/alfa/wyniki"));
    // Unknown office or report, and a report of another office.
    assert_eq!(s.get("/nieznany/wyniki", "").status, 404);
    assert_eq!(s.get("/nieznany/wyniki/1", "").status, 404);
    assert_eq!(s.get("/alfa/wyniki/999", "").status, 404);
    assert_eq!(s.get("/alfa/wyniki/abc", "").status, 404);

    // A sign-off with mistakes: refused in Polish, what was typed kept, nothing published.
    let form = s.get(&format!("/admin/urzad/alfa/raporty/{id}/publikacja"), &cookie).body;
    help_link_resolves(&s, &form, "wersja-do-publikacji");
    assert!(form.contains("value=\"alfa_admin\""), "the preparer defaults to the admin");
    let today = sync_server::local_time::today();
    assert!(form.contains(&format!("value=\"{today}\"")), "the date defaults to today");
    let tomorrow = today + Duration::days(1);
    let bad = format!("csrf={csrf}&sporzadzil=Anna+Nowak&zatwierdzil=+&data_zatwierdzenia={tomorrow}");
    let refused = s.post(&format!("/admin/urzad/alfa/raporty/{id}/publikuj"), &cookie, &bad);
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains("wpisz: kto zatwierdził"));
    assert!(refused.body.contains("data zatwierdzenia nie może być późniejsza niż dziś"));
    assert!(refused.body.contains("value=\"Anna Nowak\""), "typed values are kept");
    let bad_date = format!("csrf={csrf}&sporzadzil=A&zatwierdzil=B&data_zatwierdzenia=30.11.2026");
    let refused = s.post(&format!("/admin/urzad/alfa/raporty/{id}/publikuj"), &cookie, &bad_date);
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains("nie jest datą; podaj ją w postaci RRRR-MM-DD"));
    assert_eq!(s.count("SELECT count(*) FROM report_publications"), 0);

    // Another office's admin cannot publish it.
    let (beta, beta_csrf) = s.login("beta_admin");
    let foreign =
        s.post(&format!("/admin/urzad/beta/raporty/{id}/publikuj"), &beta, &format!("csrf={beta_csrf}&{SIGN_OFF}"));
    assert_eq!(foreign.status, 404);
    assert_eq!(
        s.post(&format!("/admin/urzad/alfa/raporty/{id}/publikuj"), &beta, &format!("csrf={beta_csrf}&{SIGN_OFF}"))
            .status,
        404
    );
    assert_eq!(s.count("SELECT count(*) FROM report_publications"), 0);

    assert_eq!(
        s.post(&format!("/admin/urzad/alfa/raporty/{id}/publikuj"), &cookie, &format!("csrf={csrf}&{SIGN_OFF}")).status,
        303
    );
    let list = s.get("/alfa/wyniki", "").body;
    assert!(list.contains(&format!("href=\"/alfa/wyniki/{id}\"")) && list.contains("zatwierdzono 30 listopada 2026"));
    let home = s.get("/alfa/", "").body;
    assert!(home.contains("href=\"/alfa/wyniki\"") && home.contains("Wyniki badania satysfakcji klientów"));
    assert!(!s.get("/beta/", "").body.contains("/beta/wyniki"), "another office's home page does not link them");
    assert!(s.get("/beta/wyniki", "").body.contains("Urząd nie opublikował jeszcze wyników."));
    assert_eq!(s.get(&format!("/beta/wyniki/{id}"), "").status, 404, "a report is public under its own office only");

    let withdrawn =
        s.post(&format!("/admin/urzad/alfa/raporty/{id}/wycofaj-publikacje"), &cookie, &format!("csrf={csrf}"));
    assert_eq!(withdrawn.status, 303);
    assert_eq!(s.get(&format!("/alfa/wyniki/{id}"), "").status, 404);
    assert_eq!(s.get(&format!("/alfa/wyniki/{id}/pdf"), "").status, 404);
    assert!(!s.get("/alfa/", "").body.contains("/alfa/wyniki"));
    let again = s.post(&format!("/admin/urzad/alfa/raporty/{id}/wycofaj-publikacje"), &cookie, &format!("csrf={csrf}"));
    assert_eq!(again.status, 404, "nothing left to withdraw");

    let log = s.store.audit_log(s.store.office("alfa").unwrap().id, 50).unwrap();
    let published = log.iter().find(|e| e.action == "publikacja wyników raportu").unwrap();
    assert!(published.details.contains("Jan Kowalski, Wójt Gminy") && published.details.contains("2026-11-30"));
    let withdrawn = log.iter().find(|e| e.action == "wycofanie publikacji wyników").unwrap();
    assert_eq!(
        (withdrawn.actor.as_str(), withdrawn.details.as_str()),
        ("alfa_admin", format!("raport nr {id}").as_str())
    );
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn actions_are_recorded_changed_audited_and_refused_when_wrong() {
    let s = server();
    seed(&s.store);
    let (cookie, csrf) = s.login("alfa_admin");
    let id = archive(&s, &cookie, &csrf);
    let page = format!("/admin/urzad/alfa/raporty/{id}/dzialania");
    let shown = s.get(&page, &cookie).body;
    assert!(shown.contains("Poprawić oznakowanie"), "the conclusions are shown beside the form");
    help_link_resolves(&s, &shown, "dzialania-naprawcze");

    // Mistakes: every field named, what was typed kept, nothing stored, nothing logged.
    let long = "x".repeat(501);
    let bad = format!("csrf={csrf}&co={long}&kto=&termin=31.05.2026&status=zrobione&uwagi=notatka");
    let refused = s.post(&page, &cookie, &bad);
    assert_eq!(refused.status, 422);
    for message in [
        "co trzeba zrobić: najwyżej 500 znaków (wpisano 501)",
        "wpisz: kto odpowiada",
        "nie jest datą",
        "wybierz status działania",
    ] {
        assert!(refused.body.contains(message), "{message}");
    }
    assert!(refused.body.contains(&format!("value=\"{long}\"")) && refused.body.contains(">notatka</textarea>"));
    assert_eq!(s.count("SELECT count(*) FROM corrective_actions"), 0);
    assert_eq!(s.count("SELECT count(*) FROM audit_log WHERE action LIKE '%działania naprawczego'"), 0);

    let add = format!(
        "csrf={csrf}&co=Nowe+oznakowanie+pi%C4%99ter&kto=Referat+Organizacyjny&termin=2026-05-31&status=planned&uwagi="
    );
    let added = s.post(&page, &cookie, &add);
    assert_eq!(added.status, 303);
    let listed = s.get(&added.location, &cookie).body;
    assert!(listed.contains("Zapisano działanie nr 1."));
    assert!(listed.contains("Nowe oznakowanie pięter") && listed.contains("31 maja 2026"));
    assert!(listed.contains("zaplanowane <strong>(po terminie)</strong>"), "open and past its deadline");

    // Changed: the edit form shows what is stored; a bad change is refused and keeps the typing.
    let form = s.get("/admin/urzad/alfa/dzialania/1", &cookie).body;
    assert!(form.contains("value=\"Referat Organizacyjny\"") && form.contains("value=\"planned\" checked"));
    let refused = s.post(
        "/admin/urzad/alfa/dzialania/1",
        &cookie,
        &format!("csrf={csrf}&co=&kto=Sekretarz&termin=2026-02-30&status=done"),
    );
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains("value=\"Sekretarz\"") && refused.body.contains("value=\"done\" checked"));
    let change = format!(
        "csrf={csrf}&co=Nowe+oznakowanie+pi%C4%99ter&kto=Sekretarz&termin=2026-05-31&status=done&uwagi=Tablice+zawieszone"
    );
    let saved = s.post("/admin/urzad/alfa/dzialania/1", &cookie, &change);
    assert_eq!(saved.status, 303);
    let listed = s.get(&saved.location, &cookie).body;
    assert!(listed.contains("Zapisano zmiany działania nr 1.") && listed.contains("wykonane"));
    assert!(!listed.contains("po terminie"), "a done action is never overdue");

    // Another office reaches neither the action nor the report's actions.
    let (beta, beta_csrf) = s.login("beta_admin");
    assert_eq!(s.get("/admin/urzad/beta/dzialania/1", &beta).status, 404);
    assert_eq!(
        s.post(
            "/admin/urzad/beta/dzialania/1",
            &beta,
            &format!("csrf={beta_csrf}&co=X&kto=Y&termin=2026-01-01&status=planned")
        )
        .status,
        404
    );
    assert_eq!(
        s.post(
            &format!("/admin/urzad/beta/raporty/{id}/dzialania"),
            &beta,
            &format!("csrf={beta_csrf}&co=X&kto=Y&termin=2026-01-01&status=planned")
        )
        .status,
        404
    );
    assert_eq!(s.count("SELECT count(*) FROM corrective_actions"), 1);

    let office = s.store.office("alfa").unwrap();
    let log = s.store.audit_log(office.id, 50).unwrap();
    let added = log.iter().find(|e| e.action == "dodanie działania naprawczego").unwrap();
    assert!(
        added.details.contains(&format!("działanie nr 1 (raport nr {id})"))
            && added.details.contains("status: zaplanowane")
    );
    let changed = log.iter().find(|e| e.action == "zmiana działania naprawczego").unwrap();
    assert_eq!(
        changed.details,
        format!(
            "działanie nr 1 (raport nr {id}): odpowiada: Referat Organizacyjny → Sekretarz; status: zaplanowane → wykonane; uwagi: „” → „Tablice zawieszone”"
        )
    );
    let action = s.store.action(office.id, 1).unwrap().unwrap();
    assert_eq!(action.closed_on, Some(sync_server::local_time::today()));
}

#[test]
fn the_next_report_lists_the_actions_and_overdue_ones_are_found() {
    let s = server();
    let office = s.store.office("alfa").unwrap();
    // Report A covers the first quarter of 2026; report B the second.
    let files = ReportFiles { figures: "{}", pdf: b"" };
    let a = s.store.archive_report(office.id, "alfa_admin", ("2026-01-01", "2026-03-31"), &files, "").unwrap();
    let action = |what: &str, deadline, status| ActionInput {
        what: what.into(),
        responsible: "Sekretarz".into(),
        deadline,
        status,
        notes: String::new(),
    };
    let add =
        |input: &ActionInput, today| s.store.add_action(office.id, a, "alfa_admin", input, today).unwrap().unwrap();
    let march = day(2026, 3, 20);
    let signs = add(&action("Oznakowanie", day(2026, 5, 31), ActionStatus::Planned), march);
    let hours = add(&action("Dłuższe czwartki", day(2026, 9, 30), ActionStatus::InProgress), march);
    // Closed in March, before the second quarter began: the first quarter's business, not the next report's.
    add(&action("Ławki", day(2026, 3, 15), ActionStatus::Done), march);
    let dropped = add(&action("Numerki", day(2026, 4, 30), ActionStatus::Planned), march);
    s.store
        .update_action(
            office.id,
            dropped,
            "alfa_admin",
            &action("Numerki", day(2026, 4, 30), ActionStatus::Dropped),
            day(2026, 4, 10),
        )
        .unwrap();
    // An action decided from a later report (B, ending in June) is not the first quarter's report's.
    let b = s.store.archive_report(office.id, "alfa_admin", ("2026-04-01", "2026-06-30"), &files, "").unwrap();
    let web = s
        .store
        .add_action(
            office.id,
            b,
            "alfa_admin",
            &action("Strona WWW", day(2026, 8, 31), ActionStatus::Planned),
            day(2026, 7, 1),
        )
        .unwrap()
        .unwrap();

    let q2 = ReportFilter {
        office_id: office.id,
        from: day(2026, 4, 1),
        to: day(2026, 6, 30),
        department: None,
        channels: vec![],
    };
    let report = generate(&s.store, &office, q2.clone(), 5).unwrap();
    let listed: Vec<(&str, &str, &str, bool, i64)> = report
        .actions
        .iter()
        .map(|l| (l.what.as_str(), l.status.as_str(), l.deadline.as_str(), l.overdue, l.report_id))
        .collect();
    // By deadline. Oznakowanie: open, deadline 31 May 2026 passed → overdue. Dłuższe czwartki: in progress, deadline
    // 30 September 2026, passed by the time this test runs (December 2026 or later) → overdue. Numerki:
    // dropped in April, inside the period → listed, never overdue. Ławki (closed in March) and Strona WWW
    // (report B, after this period) → not listed.
    assert_eq!(
        listed,
        [
            ("Numerki", "zaniechane", "30 kwietnia 2026", false, a),
            ("Oznakowanie", "zaplanowane", "31 maja 2026", true, a),
            ("Dłuższe czwartki", "w toku", "30 września 2026", true, a),
        ]
    );
    let q1 = ReportFilter { from: day(2026, 1, 1), to: day(2026, 3, 31), ..q2.clone() };
    assert!(
        generate(&s.store, &office, q1, 5).unwrap().actions.is_empty(),
        "a report of report A's own period is report A again: it lists none of A's actions"
    );

    // Overdue on 1 June 2026: Oznakowanie only (Numerki dropped, Ławki done, the others not yet due).
    let overdue = s.store.overdue_actions(office.id, day(2026, 6, 1)).unwrap();
    assert_eq!(overdue.iter().map(|a| a.id).collect::<Vec<_>>(), [signs]);
    let overdue = s.store.overdue_actions(office.id, day(2026, 10, 1)).unwrap();
    assert_eq!(
        overdue.iter().map(|a| a.id).collect::<Vec<_>>(),
        [signs, web, hours],
        "by deadline: 31 May, 31 August, 30 September"
    );
    assert!(
        s.store.overdue_actions(office.id, day(2026, 5, 31)).unwrap().is_empty(),
        "due on the day is not overdue yet"
    );
    let beta = s.store.office("beta").unwrap();
    assert!(s.store.overdue_actions(beta.id, day(2027, 1, 1)).unwrap().is_empty(), "each office sees its own");

    // Through the panel: the on-screen report, its PDF and the report archived next list them.
    let (cookie, csrf) = s.login("alfa_admin");
    let q = "od=2026-04-01&do=2026-06-30";
    let page = s.get(&format!("/admin/urzad/alfa/raporty/nowy?{q}"), &cookie).body;
    assert!(page.contains("Działania naprawcze z poprzednich raportów"));
    assert!(page.contains(
        "<td>Oznakowanie</td><td>Sekretarz</td><td>31 maja 2026</td><td>zaplanowane <strong>(po terminie)</strong></td>"
    ));
    assert!(page.contains("<td>Numerki</td><td>Sekretarz</td><td>30 kwietnia 2026</td><td>zaniechane</td>"));
    assert!(!page.contains("Ławki") && !page.contains("Strona WWW"));
    let mut r =
        s.agent.get(format!("{}/admin/urzad/alfa/raporty/pdf?{q}", s.base)).header("Cookie", &cookie).call().unwrap();
    let pdf = pdf_text(&r.body_mut().read_to_vec().unwrap());
    assert!(
        pdf.contains("Działania naprawcze z poprzednich raportów")
            && pdf.contains("Oznakowanie – odpowiada: Sekretarz; termin: 31 maja 2026; status: zaplanowane (po terminie); z raportu nr"),
        "{pdf}"
    );
    let archived = s.post("/admin/urzad/alfa/raporty/archiwizuj", &cookie, &format!("csrf={csrf}&{q}"));
    assert_eq!(archived.status, 303);
    let archived = s.get(&archived.location, &cookie).body;
    assert!(archived.contains("<td>Dłuższe czwartki</td><td>Sekretarz</td><td>30 września 2026</td><td>w toku <strong>(po terminie)</strong></td>"));
}
