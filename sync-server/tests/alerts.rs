//! Alerts and their mails with real components: a real SQLite file, the worker's pass run with a chosen
//! clock, and a real SMTP server on a loopback port (Debian's python3-aiosmtpd, `tests/smtp_sink.py`),
//! which writes each accepted message to a file. The last test runs the real server binary: with the SMTP
//! server down the mail waits, arrives once when it is back, and restarts send nothing twice.

// Test helpers may unwrap: a panic is how a test reports a broken premise.
#![allow(clippy::unwrap_used)]

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use survey::wire::Outcome;
use survey::{AnswerValue, Channel, QuestionKey, Response};
use sync_server::alerts::{self, Context, OfficeAlertSettings};
use sync_server::config::{AlertServerSettings, MailSettings, SmtpSecurity};
use sync_server::ingest::ingest;
use sync_server::store::{DB_FILE, Store};

/// The python with Debian's aiosmtpd (not whatever `python3` is first on the PATH).
const PYTHON: &str = "/usr/bin/python3";

fn utc(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

/// An answer captured at `at` with overall rating `rating` and, optionally, a comment.
fn answer(at: &str, rating: u8, comment: Option<&str>) -> Response {
    let mut r = Response::new("urzad", 1, Channel::Paper);
    r.captured_at = utc(at);
    r.answers.insert(QuestionKey::parse("ogolna_ocena").unwrap(), AnswerValue::Rating(rating));
    if let Some(text) = comment {
        r.answers.insert(QuestionKey::parse("co_poprawic").unwrap(), AnswerValue::Text(text.into()));
    }
    r
}

fn store_answers(store: &Store, answers: &[Response]) {
    for r in answers {
        assert_eq!(ingest(store, r).unwrap(), Outcome::Stored, "{r:?}");
    }
}

/// The worker's context: no disk or backup alert (the test machine's free space and backups are not
/// the subject).
fn context(data_dir: &Path, mail: Option<MailSettings>) -> Context {
    Context {
        data_dir: data_dir.to_owned(),
        server: AlertServerSettings {
            min_free_disk_mb: 0,
            backup_max_age_hours: 100_000,
            ..AlertServerSettings::default()
        },
        mail,
    }
}

/// Tuesday 1 December 2026, 11:00 in Warsaw.
const NOW: &str = "2026-12-01T10:00:00Z";

/// November: 60 answers, 6 of them 1 or 2 (a 10 % baseline).
fn november() -> Vec<Response> {
    (0..60)
        .map(|i| {
            answer(&format!("2026-11-{:02}T09:{:02}:00Z", 2 + i % 25, i % 60), if i % 10 == 0 { 1 } else { 5 }, None)
        })
        .collect()
}

fn office_store() -> (tempfile::TempDir, Store, i64) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let office = store.create_office("urzad", "Urząd Gminy Testowo").unwrap();
    (dir, store, office.id)
}

#[test]
fn a_negative_spike_on_known_data_is_raised_once_with_its_mails() {
    let (dir, store, office) = office_store();
    store.add_alert_recipient(Some(office), None, "sekretarz@example.pl", false, "admin").unwrap();
    store_answers(&store, &november());
    // This morning: 12 answers in the last 4 hours, 7 of them 1 or 2 (58 %), one with a comment.
    let mut morning: Vec<Response> = (0..12)
        .map(|i| answer(&format!("2026-12-01T0{}:{:02}:00Z", 6 + i / 4, (i % 4) * 10), if i < 7 { 2 } else { 4 }, None))
        .collect();
    morning.push(answer("2026-12-01T09:50:00Z", 5, Some("Pan Jan Kowalski z pokoju 12 był niemiły")));
    store_answers(&store, &morning);
    let ctx = context(dir.path(), None);

    // At 11:00 the last four hours hold 13 answers, 7 low (54 %) against 10 %: an alert.
    assert_eq!(alerts::evaluate(&store, &ctx, utc(NOW)).unwrap(), 1);
    let raised = store.alerts(Some(office), false, 10).unwrap();
    assert_eq!(raised.len(), 1);
    assert_eq!(raised[0].kind, "negative_spike");
    assert!(raised[0].details.contains("7 z 13 ocen ogólnych to oceny 1 lub 2 (54 %)"), "{}", raised[0].details);
    assert!(raised[0].details.contains("z ostatnich 90 dni: 10 %"), "{}", raised[0].details);
    // Its mail was written with it, to the office's recipient; no comment is quoted by default.
    let outbox = store.outbox(10).unwrap();
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].recipient, "sekretarz@example.pl");
    assert!(!outbox[0].body_text.contains("Kowalski") && !outbox[0].body_html.contains("Kowalski"));

    // Ten minutes later the condition still holds: the same occurrence, nothing new.
    assert_eq!(alerts::evaluate(&store, &ctx, utc("2026-12-01T10:10:00Z")).unwrap(), 0);
    assert_eq!(store.outbox(10).unwrap().len(), 1);
    // In the evening the morning is out of the window: nothing.
    assert_eq!(alerts::evaluate(&store, &ctx, utc("2026-12-01T19:00:00Z")).unwrap(), 0);
    // A quiet morning with only two unhappy visitors is no alert either (too few answers).
    store_answers(&store, &[answer("2026-12-02T07:10:00Z", 1, None), answer("2026-12-02T07:20:00Z", 1, None)]);
    assert_eq!(alerts::evaluate(&store, &ctx, utc("2026-12-02T08:00:00Z")).unwrap(), 0);
}

#[test]
fn an_office_that_turns_comments_on_gets_them_in_its_mails_and_the_rule_off_raises_nothing() {
    let (dir, store, office) = office_store();
    store.add_alert_recipient(Some(office), None, "sekretarz@example.pl", false, "admin").unwrap();
    store_answers(&store, &november());
    let mut morning: Vec<Response> =
        (0..10).map(|i| answer(&format!("2026-12-01T08:{:02}:00Z", i * 5), 1, None)).collect();
    morning.push(answer("2026-12-01T09:50:00Z", 2, Some("Długa kolejka")));
    store_answers(&store, &morning);
    let ctx = context(dir.path(), None);

    let off = OfficeAlertSettings { spike_enabled: false, ..OfficeAlertSettings::default() };
    store.save_alert_settings_json(office, &serde_json::to_string(&off).unwrap(), "admin", "test").unwrap();
    assert_eq!(alerts::evaluate(&store, &ctx, utc(NOW)).unwrap(), 0, "the rule is off");

    let quoting = OfficeAlertSettings { include_comments: true, ..OfficeAlertSettings::default() };
    store.save_alert_settings_json(office, &serde_json::to_string(&quoting).unwrap(), "admin", "test").unwrap();
    assert_eq!(alerts::evaluate(&store, &ctx, utc(NOW)).unwrap(), 1);
    let outbox = store.outbox(10).unwrap();
    assert!(outbox[0].body_text.contains("„Długa kolejka”"), "{}", outbox[0].body_text);
}

#[test]
fn a_kiosk_silent_in_opening_hours_is_raised_once_and_resolved_when_it_is_heard() {
    let (dir, store, office) = office_store();
    let code = store.enroll_device(office, "admin", "parter").unwrap().code;
    let paired = store.pair_device(&code).unwrap().unwrap();
    let set_last_seen = |at: &str| {
        let conn = rusqlite::Connection::open(dir.path().join(DB_FILE)).unwrap();
        conn.execute("UPDATE devices SET last_seen_at = ?1 WHERE id = ?2", rusqlite::params![at, paired.device.id])
            .unwrap();
    };
    let ctx = context(dir.path(), None);

    // Last heard at 7:00 local; at 7:30 UTC (8:30, half an hour after opening) it is not yet an hour.
    set_last_seen("2026-12-01T06:00:00Z");
    assert_eq!(alerts::evaluate(&store, &ctx, utc("2026-12-01T07:30:00Z")).unwrap(), 0);
    // At 10:30 it has been silent for 2 h 30 min of opening hours.
    assert_eq!(alerts::evaluate(&store, &ctx, utc("2026-12-01T09:30:00Z")).unwrap(), 1);
    assert_eq!(alerts::evaluate(&store, &ctx, utc("2026-12-01T10:30:00Z")).unwrap(), 0, "once per silence");
    let open = store.alerts(Some(office), false, 10).unwrap();
    assert_eq!(
        (open.len(), open[0].kind.as_str(), open[0].title.as_str()),
        (1, "silent_kiosk", "Kiosk „parter” milczy")
    );

    // Heard again: the silence has ended and the system resolves it; no new alert.
    set_last_seen("2026-12-01T10:35:00Z");
    assert_eq!(alerts::evaluate(&store, &ctx, utc("2026-12-01T10:40:00Z")).unwrap(), 0);
    let all = store.alerts(Some(office), true, 10).unwrap();
    assert_eq!(all[0].resolved_by.as_deref(), Some("system"));
    // Silent all night and all Saturday: the office is closed, nothing is raised.
    assert_eq!(alerts::evaluate(&store, &ctx, utc("2026-12-01T22:00:00Z")).unwrap(), 0);
    assert_eq!(alerts::evaluate(&store, &ctx, utc("2026-12-05T11:00:00Z")).unwrap(), 0);
    let log = store.audit_log(office, 20).unwrap();
    assert!(log.iter().any(|e| e.action == "alert zgłoszony"));
    assert!(log.iter().any(|e| e.action == "alert rozwiązany"));
}

#[test]
fn a_silent_tablet_is_named_a_tablet() {
    let (dir, store, office) = office_store();
    let code = store.enroll_device(office, "admin", "okienko").unwrap().code;
    let paired = store.pair_device(&code).unwrap().unwrap();
    store.device_kind_reported(paired.device.id, survey::wire::DeviceKind::Tablet).unwrap();
    let conn = rusqlite::Connection::open(dir.path().join(DB_FILE)).unwrap();
    conn.execute(
        "UPDATE devices SET last_seen_at = '2026-12-01T06:00:00Z' WHERE id = ?1",
        rusqlite::params![paired.device.id],
    )
    .unwrap();
    let ctx = context(dir.path(), None);
    assert_eq!(alerts::evaluate(&store, &ctx, utc("2026-12-01T09:30:00Z")).unwrap(), 1);
    let open = store.alerts(Some(office), false, 10).unwrap();
    assert_eq!((open[0].kind.as_str(), open[0].title.as_str()), ("silent_kiosk", "Tablet „okienko” milczy"));
}

#[test]
fn the_yearly_report_and_a_missing_backup_are_announced() {
    let (dir, store, office) = office_store();
    let ctx = Context {
        server: AlertServerSettings { min_free_disk_mb: 0, backup_max_age_hours: 48, ..AlertServerSettings::default() },
        ..context(dir.path(), None)
    };
    // The office was set up today: its first yearly report is due in a year, announced 30 days before.
    // No backup is recorded: counted from the worker's first pass, now.
    let in_340_days = Utc::now() + chrono::Duration::days(340);
    assert_eq!(alerts::evaluate(&store, &ctx, Utc::now()).unwrap(), 0);
    assert_eq!(alerts::evaluate(&store, &ctx, Utc::now() + chrono::Duration::hours(47)).unwrap(), 0);
    assert_eq!(alerts::evaluate(&store, &ctx, Utc::now() + chrono::Duration::days(300)).unwrap(), 1, "no backup");
    let server = store.alerts(None, false, 10).unwrap();
    assert_eq!(server[0].kind, "backup_missing");
    assert_eq!(alerts::evaluate(&store, &ctx, in_340_days).unwrap(), 1, "the report");
    assert_eq!(store.alerts(Some(office), false, 10).unwrap()[0].kind, "report_due");
    // A backup ends the backup alert (resolved by the system).
    store.backup_to(&dir.path().join("kopia.sqlite3")).unwrap();
    alerts::evaluate(&store, &ctx, Utc::now()).unwrap();
    assert!(store.alerts(None, false, 10).unwrap().is_empty());
}

/// The SMTP server of the tests; killed when dropped.
struct Sink {
    child: Child,
    dir: PathBuf,
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Sink {
    fn start(port: u16, dir: &Path) -> Sink {
        let mut child = Command::new(PYTHON)
            .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/smtp_sink.py"))
            .arg(port.to_string())
            .arg(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3-aiosmtpd (scripts/install-deps)");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        assert_eq!(line.trim(), "ready", "the SMTP server did not start");
        Sink { child, dir: dir.to_owned() }
    }

    /// The messages received, in order.
    fn messages(&self) -> Vec<serde_json::Value> {
        messages(&self.dir)
    }
}

fn messages(dir: &Path) -> Vec<serde_json::Value> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files.iter().map(|f| serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap()).collect()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn mail_settings(port: u16) -> MailSettings {
    MailSettings {
        host: "127.0.0.1".into(),
        port,
        security: SmtpSecurity::None,
        user: None,
        password_file: None,
        from: "Oceń Urząd <ankieta@example.pl>".into(),
        operator_to: vec!["informatyk@example.pl".into()],
        retry_base: Duration::from_secs(60),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alert_mails_arrive_at_a_real_smtp_server_with_their_content_and_failures_wait() {
    let (dir, store, office) = office_store();
    store.add_alert_recipient(Some(office), None, "sekretarz@example.pl", false, "admin").unwrap();
    store.add_alert_recipient(Some(office), None, "wojt@example.pl", false, "admin").unwrap();
    store_answers(&store, &november());
    let morning: Vec<Response> = (0..10).map(|i| answer(&format!("2026-12-01T08:{:02}:00Z", i * 5), 1, None)).collect();
    store_answers(&store, &morning);
    assert_eq!(alerts::evaluate(&store, &context(dir.path(), None), utc(NOW)).unwrap(), 1);

    // The SMTP server is down: both mails fail, keep their reason and wait (60 s, then longer).
    let port = free_port();
    let settings = mail_settings(port);
    assert_eq!(alerts::send_due(&store, &settings, utc(NOW)).await.unwrap(), 0);
    let waiting = store.unsent_mails(Some(office), 10).unwrap();
    assert_eq!(waiting.len(), 2);
    assert!(waiting.iter().all(|m| m.attempts == 1 && m.next_attempt_at == "2026-12-01T10:01:00Z"));
    assert!(waiting[0].last_error.as_deref().unwrap().contains("serwer SMTP odmówił lub jest nieosiągalny"));
    // Not due yet at 10:00:30, even with the server up.
    let mails = tempfile::tempdir().unwrap();
    let sink = Sink::start(port, mails.path());
    assert_eq!(alerts::send_due(&store, &settings, utc("2026-12-01T10:00:30Z")).await.unwrap(), 0);
    // Due at 10:01: both arrive, once each.
    assert_eq!(alerts::send_due(&store, &settings, utc("2026-12-01T10:01:00Z")).await.unwrap(), 2);
    assert_eq!(alerts::send_due(&store, &settings, utc("2026-12-01T10:05:00Z")).await.unwrap(), 0);
    let got = sink.messages();
    assert_eq!(got.len(), 2);
    let mut to: Vec<&str> = got.iter().map(|m| m["to"][0].as_str().unwrap()).collect();
    to.sort_unstable();
    assert_eq!(to, ["sekretarz@example.pl", "wojt@example.pl"]);
    let m = &got[0];
    assert_eq!(m["from"], "ankieta@example.pl");
    assert_eq!(m["subject"], "[Oceń Urząd] Urząd Gminy Testowo: Nagły wzrost niskich ocen");
    assert!(m["text"].as_str().unwrap().contains("10 z 10 ocen ogólnych to oceny 1 lub 2 (100 %)"), "{m}");
    assert!(m["html"].as_str().unwrap().contains("<h1>Nagły wzrost niskich ocen</h1>"), "{m}");
    assert!(m["message_id"].as_str().unwrap().ends_with("@ocen-urzad>"), "{m}");
    assert!(store.unsent_mails(Some(office), 10).unwrap().is_empty());
}

/// The real server binary on `data_dir` with `config`; returns once it listens.
fn serve(data_dir: &Path, config: &Path) -> Child {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sync-server"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(["--config", config.to_str().unwrap(), "serve", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    while !line.contains("działa pod adresem") {
        line.clear();
        assert!(stdout.read_line(&mut line).unwrap() > 0, "the server ended early");
    }
    child
}

/// Waits (polling the database, at most a minute) until `done` holds.
fn wait_for(what: &str, data_dir: &Path, mut done: impl FnMut(&rusqlite::Connection) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(conn) = rusqlite::Connection::open(data_dir.join(DB_FILE))
            && conn.busy_timeout(Duration::from_secs(5)).is_ok()
            && done(&conn)
        {
            return;
        }
        assert!(Instant::now() < deadline, "gave up waiting for: {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn query<T: rusqlite::types::FromSql>(conn: &rusqlite::Connection, sql: &str) -> Option<T> {
    conn.query_row(sql, [], |r| r.get(0)).ok()
}

/// Waits until the worker has finished two more passes than when called (it marks the end of each pass,
/// in whole seconds, one second apart): the second began after this call, so whatever was due has been
/// looked at by a whole pass.
fn two_more_passes(data_dir: &Path) {
    let mut first: Option<Option<String>> = None;
    let mut changes = 0;
    wait_for("two passes of the alert worker", data_dir, |conn| {
        let tick: Option<String> = query(conn, "SELECT value FROM server_facts WHERE key = 'alerts_last_tick'");
        match &first {
            None => first = Some(tick),
            Some(last) if *last != tick => {
                changes += 1;
                first = Some(tick);
            }
            Some(_) => {}
        }
        changes >= 2
    });
}

fn stop(mut server: Child) {
    server.kill().unwrap();
    server.wait().unwrap();
}

#[test]
fn with_the_smtp_server_down_the_alert_waits_and_arrives_once_across_restarts() {
    let data = tempfile::tempdir().unwrap();
    let mails = tempfile::tempdir().unwrap();
    let port = free_port();
    let config = data.path().join("server.toml");
    // A petabyte of free space is never there: the low-disk alert fires at once, for the operator.
    std::fs::write(
        &config,
        format!(
            "[mail]\nhost = \"127.0.0.1\"\nport = {port}\nsecurity = \"none\"\nfrom = \"Oceń Urząd <ankieta@example.pl>\"\n\
             operator_to = [\"informatyk@example.pl\"]\nretry_base_secs = 1\n\
             [alerts]\ninterval_secs = 1\nmin_free_disk_mb = 1000000000\nbackup_max_age_hours = 100000\n"
        ),
    )
    .unwrap();

    // SMTP down: the alert is raised, its mail tried and kept with the reason.
    let server = serve(data.path(), &config);
    wait_for("a failed attempt", data.path(), |conn| {
        query::<i64>(
            conn,
            "SELECT count(*) FROM outbox WHERE attempts >= 1 AND last_error IS NOT NULL AND sent_at IS NULL",
        ) == Some(1)
    });
    // Killed, as by a power cut, while the mail waits.
    stop(server);
    assert!(messages(mails.path()).is_empty());

    // SMTP back, server started again: the mail arrives.
    let sink = Sink::start(port, mails.path());
    let server = serve(data.path(), &config);
    wait_for("the mail sent", data.path(), |conn| {
        query::<i64>(conn, "SELECT count(*) FROM outbox WHERE sent_at IS NOT NULL") == Some(1)
    });
    two_more_passes(data.path());
    stop(server);
    // And once more: a restart sends nothing again and raises nothing again.
    let server = serve(data.path(), &config);
    two_more_passes(data.path());
    stop(server);

    let got = sink.messages();
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0]["to"][0], "informatyk@example.pl");
    assert_eq!(got[0]["subject"], "[Oceń Urząd] serwer: Mało miejsca na dysku serwera");
    assert!(got[0]["text"].as_str().unwrap().contains("(próg: 1000000000 MB)"), "{}", got[0]);
    let conn = rusqlite::Connection::open(data.path().join(DB_FILE)).unwrap();
    assert_eq!(query::<i64>(&conn, "SELECT count(*) FROM alerts"), Some(1));
    assert_eq!(query::<i64>(&conn, "SELECT count(*) FROM outbox"), Some(1));
    assert!(query::<i64>(&conn, "SELECT attempts FROM outbox").unwrap() >= 2);
}

#[test]
fn the_operators_test_mail_goes_through_the_real_smtp_server_and_a_refusal_is_shown() {
    use sync_server::store::NewAdmin;
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let hash = sync_server::password::hash("Bardzo-Dlugie-Haslo-1").unwrap();
    let operator =
        store.create_admin(&NewAdmin { login: "operator", password_hash: &hash, office_slug: None }).unwrap();
    let token = store.start_session(operator.id).unwrap();
    let csrf = store.session(&token).unwrap().unwrap().csrf;
    let port = free_port();
    let state = sync_server::http::AppState {
        mail: Some(std::sync::Arc::new(mail_settings(port))),
        ..sync_server::http::AppState::new(store.clone())
    };
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    runtime.spawn(sync_server::serve::serve_on(listener, state, std::future::pending()));
    let agent = ureq::Agent::config_builder().http_status_as_error(false).build().new_agent();
    let post = |to: &str| {
        let body =
            form_urlencoded::Serializer::new(String::new()).append_pair("csrf", &csrf).append_pair("do", to).finish();
        let mut r = agent
            .post(format!("{base}/admin/poczta/test"))
            .header("Cookie", &format!("{}={token}", sync_server::http::admin::SESSION_COOKIE))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .send(body)
            .unwrap();
        (r.status().as_u16(), r.body_mut().read_to_string().unwrap())
    };

    // Nobody listens yet: the operator sees why, in Polish.
    let (status, page) = post("it@example.pl");
    assert_eq!(status, 422);
    assert!(page.contains("Nie udało się wysłać wiadomości testowej do it@example.pl"), "{page}");
    assert!(page.contains("serwer SMTP odmówił lub jest nieosiągalny"), "{page}");
    // A wrong address is refused before any connection.
    assert_eq!(post("nie adres").0, 422);

    let mails = tempfile::tempdir().unwrap();
    let sink = Sink::start(port, mails.path());
    let (status, page) = post("it@example.pl");
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Serwer SMTP przyjął wiadomość testową do it@example.pl"), "{page}");
    let got = sink.messages();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0]["subject"], "[Oceń Urząd] serwer: Wiadomość testowa");
    assert!(got[0]["text"].as_str().unwrap().contains("Wysłał ją operator"), "{}", got[0]);
    // Each try is in the audit log.
    let conn = rusqlite::Connection::open(dir.path().join(DB_FILE)).unwrap();
    assert_eq!(query::<i64>(&conn, "SELECT count(*) FROM audit_log WHERE action = 'wiadomość testowa'"), Some(2));
}

#[test]
fn the_weekly_summary_is_written_once_on_monday_with_the_weeks_figures_and_no_comment_text() {
    let (dir, store, office) = office_store();
    store.add_alert_recipient(Some(office), None, "sekretarz@example.pl", false, "admin").unwrap();
    let on = OfficeAlertSettings { weekly_summary: true, spike_enabled: false, ..OfficeAlertSettings::default() };
    store.save_alert_settings_json(office, &serde_json::to_string(&on).unwrap(), "admin", "test").unwrap();
    // The week of 23–29 November 2026: 4 answers (ratings 5, 4, 4, 1), one with a comment; and one of
    // the week after, which the summary must not count.
    let mut week = vec![
        answer("2026-11-23T09:00:00Z", 5, None),
        answer("2026-11-25T09:00:00Z", 4, Some("Pani Nowak z kasy była miła")),
        answer("2026-11-27T09:00:00Z", 4, None),
        answer("2026-11-29T09:00:00Z", 1, None),
    ];
    week.push(answer("2026-11-30T09:00:00Z", 1, None));
    store_answers(&store, &week);
    let ctx = context(dir.path(), None);

    // Monday 30 November, 6:30 local: too early.
    alerts::evaluate(&store, &ctx, utc("2026-11-30T05:30:00Z")).unwrap();
    assert!(store.outbox(10).unwrap().is_empty());
    // 7:30: written, once.
    alerts::evaluate(&store, &ctx, utc("2026-11-30T06:30:00Z")).unwrap();
    alerts::evaluate(&store, &ctx, utc("2026-11-30T07:30:00Z")).unwrap();
    alerts::evaluate(&store, &ctx, utc("2026-12-01T07:30:00Z")).unwrap();
    let outbox = store.outbox(10).unwrap();
    assert_eq!(outbox.len(), 1, "{outbox:?}");
    let m = &outbox[0];
    assert_eq!(m.kind, "weekly");
    assert_eq!(m.subject, "[Oceń Urząd] Urząd Gminy Testowo: Podsumowanie tygodnia 2026-W48");
    assert!(m.body_text.contains("od 23 listopada 2026 do 29 listopada 2026"), "{}", m.body_text);
    assert!(m.body_text.contains("Odpowiedzi: 4 (ankieta papierowa: 4)"), "{}", m.body_text);
    assert!(m.body_text.contains("średnia 3,50 (w skali 1–5), zadowolonych (4–5): 75 %"), "{}", m.body_text);
    assert!(m.body_text.contains("Nowe uwagi mieszkańców: 1"), "{}", m.body_text);
    assert!(!m.body_text.contains("Nowak") && !m.body_html.contains("Nowak"), "no comment text");
}
