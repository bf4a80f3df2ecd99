//! An office's own rules over real HTTP against a real SQLite file: the information clause (RODO art. 13)
//! on the public pages, the printed questionnaire and the kiosks' API, edited and restored in the panel;
//! the office's data with its checks; the office's own host name; the report archived before a change of
//! office data or departments; the accessibility statement as the office fills it in.

// Test helpers may unwrap: a panic is how a test reports a broken premise.
#![allow(clippy::unwrap_used)]

use rusqlite::Connection;
use survey::wire::{ApiError, PairReply, PairRequest, PrivacyNotice, WIRE_VERSION};
use sync_server::store::{DB_FILE, Store};

mod panel;
use panel::{Panel, Reply, reply};

fn server() -> Panel {
    Panel::start()
}

fn encode(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

impl Panel {
    /// Posts the form `fields` (encoded here) with the session's CSRF token.
    fn post_form(&self, path: &str, (cookie, csrf): &(String, String), fields: &[(&str, &str)]) -> Reply {
        let mut body = format!("csrf={}", encode(csrf));
        for (name, value) in fields {
            body.push_str(&format!("&{name}={}", encode(value)));
        }
        self.post(path, cookie, &body)
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
    let saved = s.post_form("/admin/urzad/alfa/prywatnosc", &admin, &[("text", own), ("action", "zapisz")]);
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert!(saved.body.contains("Zapisano klauzulę informacyjną."));
    let public = s.get("/alfa/prywatnosc", "").body;
    assert!(public.contains("1. Administratorem jest Wójt Gminy Alfa."));
    assert!(!public.contains("Prezesa Urzędu Ochrony Danych Osobowych"), "the default is replaced");
    assert_eq!(s.store.office("alfa").unwrap().privacy_notice.as_deref(), Some(own.replace("\r\n", "\n").as_str()));

    // Empty or too long: refused with a Polish message, the stored text unchanged.
    let empty = s.post_form("/admin/urzad/alfa/prywatnosc", &admin, &[("text", "  "), ("action", "zapisz")]);
    assert_eq!(empty.status, 422);
    assert!(empty.body.contains("Klauzula nie może być pusta"));
    let long = "ż".repeat(20_001);
    let too_long = s.post_form("/admin/urzad/alfa/prywatnosc", &admin, &[("text", &long), ("action", "zapisz")]);
    assert_eq!(too_long.status, 422);
    assert!(too_long.body.contains("najwyżej 20000 znaków"), "{}", too_long.body);
    assert!(s.get("/alfa/prywatnosc", "").body.contains("Wójt Gminy Alfa"));

    // The default follows the office's data once restored.
    let restored = s.post_form("/admin/urzad/alfa/prywatnosc", &admin, &[("text", own), ("action", "domyslna")]);
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
    let foreign = s.post_form("/admin/urzad/alfa/prywatnosc", &beta, &[("text", "Cudza"), ("action", "zapisz")]);
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
    s.store.set_office_host("alfa", "test", Some("ankieta.alfa.example.pl")).unwrap();
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

/// Every field of the office data form, as the panel sends it.
fn office_form<'a>(changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![
        ("name", "Urząd Gminy Alfa"),
        ("address", "ul. Główna 1, 00-001 Alfa"),
        ("email", "urzad@alfa.example.pl"),
        ("phone", "11 111 11 11"),
        ("opening_hours", "pon.–pt. 8:00–16:00"),
        ("website", "https://alfa.example.pl"),
        ("bip_url", "https://bip.alfa.example.pl/"),
        ("epuap", "/UGAlfa/SkrytkaESP"),
        ("survey_owner_name", "Anna Nowak"),
        ("survey_owner_position", "Sekretarz Gminy"),
        ("iod_name", "Jan Kowalski"),
        ("iod_email", "iod@alfa.example.pl"),
        ("iod_phone", "11 111 11 12"),
    ];
    for (name, value) in changes {
        fields.iter_mut().find(|(n, _)| n == name).unwrap().1 = value;
    }
    fields
}

#[test]
fn office_data_is_checked_and_shown_where_it_belongs() {
    let s = server();
    let admin = s.login("alfa_admin");
    let bad = s.post_form(
        "/admin/urzad/alfa/dane",
        &admin,
        &office_form(&[("website", "alfa.example.pl"), ("bip_url", "javascript:alert(1)"), ("iod_email", "iod@")]),
    );
    assert_eq!(bad.status, 422);
    for message in [
        "Strona internetowa: „alfa.example.pl” nie jest adresem strony",
        "BIP: „javascript:alert(1)” nie jest adresem strony",
        "E-mail inspektora ochrony danych: „iod@” nie wygląda na adres e-mail",
    ] {
        assert!(bad.body.contains(message), "no {message:?} in the refusal");
    }
    assert!(bad.body.contains("value=\"Jan Kowalski\""), "what was typed stays in the form");
    let stored = s.store.office("alfa").unwrap();
    assert_eq!((stored.address.as_str(), stored.iod_name.as_str()), ("", ""), "nothing is saved");
    assert_eq!(s.count("SELECT count(*) FROM reports"), 0);

    let good = s.post_form("/admin/urzad/alfa/dane", &admin, &office_form(&[]));
    assert_eq!(good.status, 200, "{}", good.body);
    assert!(good.body.contains("Zapisano dane urzędu."));
    let stored = s.store.office("alfa").unwrap();
    assert_eq!(
        (stored.bip_url.as_str(), stored.epuap.as_str(), stored.iod_email.as_str()),
        ("https://bip.alfa.example.pl/", "/UGAlfa/SkrytkaESP", "iod@alfa.example.pl")
    );

    let home = s.get("/alfa/", "").body;
    for part in [
        "href=\"https://alfa.example.pl\"",
        "href=\"https://bip.alfa.example.pl/\"",
        "/UGAlfa/SkrytkaESP",
        "href=\"/alfa/prywatnosc\"",
    ] {
        assert!(home.contains(part), "the home page lacks {part}");
    }
    let clause = s.get("/alfa/prywatnosc", "").body;
    assert!(clause.contains("inspektora ochrony danych (Jan Kowalski)"));
    assert!(clause.contains("e-mail: iod@alfa.example.pl, tel. 11 111 11 12"));
    assert!(clause.contains("Za badanie satysfakcji klientów odpowiada: Anna Nowak, Sekretarz Gminy."));
    let panel = s.get("/admin/urzad/alfa/prywatnosc", &admin.0).body;
    assert!(!panel.contains("Tekst domyślny nie zawiera jeszcze"), "nothing is missing any more");
}

fn answer(store: &Store, rating: u8) {
    let mut r = survey::Response::new("alfa", 1, survey::Channel::Web);
    r.answers.insert(survey::QuestionKey::parse("ogolna_ocena").unwrap(), survey::AnswerValue::Rating(rating));
    assert_eq!(sync_server::ingest::ingest(store, &r).unwrap(), survey::wire::Outcome::Stored);
}

/// (reason, total responses in its figures) of every archived report, oldest first.
fn archived(s: &Panel) -> Vec<(String, u64)> {
    let conn = Connection::open(s.dir.path().join(DB_FILE)).unwrap();
    let mut stmt = conn.prepare("SELECT reason, figures FROM reports ORDER BY id").unwrap();
    stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
        .unwrap()
        .map(|row| {
            let (reason, figures) = row.unwrap();
            let figures: serde_json::Value = serde_json::from_str(&figures).unwrap();
            (reason, figures["total"].as_u64().unwrap())
        })
        .collect()
}

#[test]
fn the_results_to_date_are_archived_before_the_office_data_or_departments_change() {
    let s = server();
    let admin = s.login("alfa_admin");
    for rating in [5, 4, 2] {
        answer(&s.store, rating);
    }
    let saved = s.post_form("/admin/urzad/alfa/dane", &admin, &office_form(&[]));
    assert!(saved.body.contains("Przed zmianą zarchiwizowano raport nr 1"), "{}", saved.body);
    assert_eq!(archived(&s), [("przed zmianą danych urzędu".to_owned(), 3)]);

    answer(&s.store, 3);
    let added = s.post_form("/admin/urzad/alfa/komorki", &admin, &[("key", "usc"), ("name", "USC"), ("active", "1")]);
    assert!(added.body.contains("Przed zmianą zarchiwizowano raport nr 2"), "{}", added.body);
    let renamed = s.post_form(
        "/admin/urzad/alfa/komorki",
        &admin,
        &[("key", "usc"), ("name", "Urząd Stanu Cywilnego"), ("active", "1")],
    );
    assert!(renamed.body.contains("raport nr 3"));
    assert_eq!(
        archived(&s)[1..],
        [("przed zmianą komórek urzędu".to_owned(), 4), ("przed zmianą komórek urzędu".to_owned(), 4)]
    );

    // Saving what is already stored changes nothing and archives nothing.
    let same = s.post_form("/admin/urzad/alfa/dane", &admin, &office_form(&[]));
    assert!(same.body.contains("bez zmian"), "{}", same.body);
    let same = s.post_form(
        "/admin/urzad/alfa/komorki",
        &admin,
        &[("key", "usc"), ("name", "Urząd Stanu Cywilnego"), ("active", "1")],
    );
    assert!(same.body.contains("Bez zmian – nic nie zapisano."));
    assert_eq!(archived(&s).len(), 3);
    // The audit log names the archived report beside each change.
    assert_eq!(s.count("SELECT count(*) FROM audit_log WHERE details LIKE '%zarchiwizowany przed zmianą%'"), 3);
}

#[test]
fn the_operator_sets_the_host_name_and_a_taken_or_malformed_one_is_refused() {
    let s = server();
    let operator = s.login("operator");
    let set = s.post_form("/admin/hosty", &operator, &[("office", "alfa"), ("host", "Ankieta.Alfa.Example.PL")]);
    assert_eq!(set.status, 200, "{}", set.body);
    assert!(set.body.contains("<td>ankieta.alfa.example.pl</td>"));
    assert_eq!(s.store.office("alfa").unwrap().host.as_deref(), Some("ankieta.alfa.example.pl"));

    let taken = s.post_form("/admin/hosty", &operator, &[("office", "beta"), ("host", "ankieta.alfa.example.pl")]);
    assert_eq!(taken.status, 422);
    assert!(taken.body.contains("nazwa hosta „ankieta.alfa.example.pl” jest już przypisana innemu urzędowi"));
    for bad in ["https://beta.example.pl", "beta.example.pl/ankieta", "beta", "bęta.pl"] {
        let r = s.post_form("/admin/hosty", &operator, &[("office", "beta"), ("host", bad)]);
        assert_eq!(r.status, 422, "{bad}");
        assert!(r.body.contains("nie jest nazwą hosta"), "{bad}");
    }
    assert_eq!(s.store.office("beta").unwrap().host, None, "nothing changed for beta");

    let office_admin = s.login("alfa_admin");
    let r = s.post_form("/admin/hosty", &office_admin, &[("office", "alfa"), ("host", "inna.example.pl")]);
    assert_eq!(r.status, 403);
    assert_eq!(s.store.office("alfa").unwrap().host.as_deref(), Some("ankieta.alfa.example.pl"));

    let removed = s.post_form("/admin/hosty", &operator, &[("office", "alfa"), ("host", "")]);
    assert_eq!(removed.status, 200);
    assert_eq!(s.store.office("alfa").unwrap().host, None);
    assert_eq!(s.count("SELECT count(*) FROM audit_log WHERE action = 'zmiana nazwy hosta urzędu'"), 2);
}

#[test]
fn the_statement_claims_nothing_until_the_office_fills_it_in() {
    let s = server();
    let created = s.store.office("alfa").unwrap().created_at[..10].to_owned();
    let page = s.get("/alfa/deklaracja-dostepnosci", "").body;
    assert!(page.contains("Deklaracja dostępności nie jest jeszcze kompletna."));
    assert!(page.contains("stan zgodności") && page.contains("dostępność architektoniczna budynku"));
    assert!(!page.contains("Strona internetowa jest"), "no compliance status is claimed");
    assert!(!page.contains("Data publikacji") && !page.contains(&created), "the creation date is no publication date");
    assert!(page.contains("<a href=\"https://bip.brpo.gov.pl/\">"), "the complaint procedure names the RPO");

    let admin = s.login("alfa_admin");
    let form = |status: &'static str, non_conformities: &'static str| {
        vec![
            ("status", status),
            ("non_conformities", non_conformities),
            ("published_on", "2026-01-15"),
            ("updated_on", "2026-06-30"),
            ("prepared_on", "2026-01-10"),
            ("reviewed_on", "2026-06-30"),
            ("prepared_by", "zewnetrzna"),
            ("assessor", "Fundacja Dostępna Gmina"),
            ("contact_name", "Anna Nowak"),
            ("contact_email", "dostepnosc@alfa.example.pl"),
            ("contact_phone", "11 111 11 13"),
            ("architecture", "Wejście od ul. Głównej z podjazdem.\r\n\r\nW budynku jest winda."),
        ]
    };
    // "Partly compliant" without the non-conformities is refused and nothing is saved.
    let refused = s.post_form("/admin/urzad/alfa/deklaracja", &admin, &form("czesciowo_zgodna", ""));
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains("wymień niezgodności i ich przyczyny"));
    assert_eq!(s.count("SELECT count(*) FROM accessibility_statements"), 0);
    assert!(s.get("/alfa/deklaracja-dostepnosci", "").body.contains("nie jest jeszcze kompletna"));

    let saved = s.post_form(
        "/admin/urzad/alfa/deklaracja",
        &admin,
        &form("czesciowo_zgodna", "Logo urzędu nie ma tekstu alternatywnego.\r\nPDF raportu bez struktury."),
    );
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert!(saved.body.contains("Zapisano deklarację dostępności."));
    let page = s.get("/alfa/deklaracja-dostepnosci", "").body;
    for part in [
        "Strona internetowa jest <strong>częściowo zgodna</strong>",
        "<li>Logo urzędu nie ma tekstu alternatywnego.</li>",
        "<li>PDF raportu bez struktury.</li>",
        "Data publikacji strony internetowej: 2026-01-15.",
        "Data ostatniej istotnej aktualizacji: 2026-06-30.",
        "Deklarację sporządzono dnia 2026-01-10.",
        "badania przeprowadzonego przez podmiot zewnętrzny: Fundacja Dostępna Gmina.",
        "Deklarację ostatnio poddano przeglądowi i aktualizacji dnia 2026-06-30.",
        "Osobą kontaktową jest\nAnna Nowak, adres e-mail <a href=\"mailto:dostepnosc@alfa.example.pl\">",
        "telefon 11 111 11 13",
        "<h2>Dostępność architektoniczna</h2>",
        "W budynku jest winda.",
    ] {
        assert!(page.contains(part), "the statement lacks {part:?}");
    }
    assert!(!page.contains("nie jest jeszcze kompletna"));

    let beta = s.login("beta_admin");
    assert_eq!(s.get("/admin/urzad/alfa/deklaracja", &beta.0).status, 404);
    assert_eq!(s.post_form("/admin/urzad/alfa/deklaracja", &beta, &form("zgodna", "")).status, 404);
    assert_eq!(s.count("SELECT count(*) FROM accessibility_statements WHERE status = 'zgodna'"), 0);
}
