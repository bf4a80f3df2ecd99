//! The `sync-server` binary as an administrator runs it: good input works, bad input gives a clear
//! Polish error and a non-zero exit, and leaves the database as it was.

// Test helpers may unwrap: a panic is how a test reports a broken premise.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use rusqlite::Connection;
use sync_server::store::DB_FILE;

fn bin() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sync-server"));
    // An empty settings file: a settings file installed on this machine must not change what is tested.
    cmd.env_remove("OCEN_DATA_DIR").env_remove("OCEN_LISTEN").env("OCEN_CONFIG", "/dev/null").env("RUST_LOG", "warn");
    cmd
}

fn run(data_dir: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = bin()
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A command refused before it reads its input closes the pipe; that is not the test's failure.
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    child.wait_with_output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Everything an administrator could have changed, as text, to compare before and after.
fn snapshot(data_dir: &Path) -> String {
    let conn = Connection::open(data_dir.join(DB_FILE)).unwrap();
    let mut out = String::new();
    for sql in [
        "SELECT slug || '|' || name FROM offices ORDER BY id",
        "SELECT login || '|' || role || '|' || ifnull(office_id, '-') || '|' || password_hash FROM admins ORDER BY id",
        "SELECT office_id || '|' || version FROM questionnaire_versions ORDER BY 1",
    ] {
        let mut stmt = conn.prepare(sql).unwrap();
        for row in stmt.query_map([], |r| r.get::<_, String>(0)).unwrap() {
            out.push_str(&row.unwrap());
            out.push('\n');
        }
    }
    out
}

fn with_office() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["office", "create", "--slug", "ksiazki", "--name", "Urząd Gminy Książki"], "");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("Utworzono urząd „Urząd Gminy Książki” (adres /ksiazki)"), "{}", stdout(&out));
    dir
}

#[test]
fn office_create_and_list() {
    let dir = with_office();
    let out = run(dir.path(), &["office", "list"], "");
    assert!(out.status.success());
    assert_eq!(stdout(&out), "ksiazki\tUrząd Gminy Książki\n");
}

#[test]
fn duplicate_slug_fails_cleanly() {
    let dir = with_office();
    let before = snapshot(dir.path());
    let out = run(dir.path(), &["office", "create", "--slug", "ksiazki", "--name", "Drugi"], "");
    assert!(!out.status.success());
    assert!(stderr(&out).contains("urząd o adresie „ksiazki” już istnieje"), "{}", stderr(&out));
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn bad_slug_and_empty_name_fail_cleanly() {
    let dir = with_office();
    let before = snapshot(dir.path());
    for (args, message) in [
        (["--slug", "Książki", "--name", "X"], "adres urzędu „Książki” jest nieprawidłowy"),
        (["--slug", "nowy", "--name", "  "], "nazwa urzędu nie może być pusta"),
    ] {
        let out = run(dir.path(), &[&["office", "create"][..], &args[..]].concat(), "");
        assert!(!out.status.success());
        assert!(stderr(&out).contains(message), "{}", stderr(&out));
    }
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn admin_create_with_password_from_stdin() {
    let dir = with_office();
    let out = run(
        dir.path(),
        &["admin", "create", "--office", "ksiazki", "--login", "sekretarz", "--password-stdin"],
        "Bardzo-Dlugie-Haslo-1\n",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let conn = Connection::open(dir.path().join(DB_FILE)).unwrap();
    let hash: String =
        conn.query_row("SELECT password_hash FROM admins WHERE login = 'sekretarz'", [], |r| r.get(0)).unwrap();
    assert!(sync_server::password::verify("Bardzo-Dlugie-Haslo-1", &hash));
    assert!(!hash.contains("Bardzo"));

    let out = run(
        dir.path(),
        &["admin", "create", "--operator", "--login", "operator", "--password-stdin"],
        "Inne-Dlugie-Haslo-22\n",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("operatora"));
}

#[test]
fn bad_admin_input_fails_cleanly() {
    let dir = with_office();
    let ok = run(
        dir.path(),
        &["admin", "create", "--office", "ksiazki", "--login", "sekretarz", "--password-stdin"],
        "Bardzo-Dlugie-Haslo-1\n",
    );
    assert!(ok.status.success());
    let before = snapshot(dir.path());
    let cases: [(&[&str], &str, &str); 5] = [
        (
            &["--office", "nieznany", "--login", "jan", "--password-stdin"],
            "Bardzo-Dlugie-Haslo-1\n",
            "nie ma urzędu o adresie „nieznany”",
        ),
        (&["--office", "ksiazki", "--login", "jan", "--password-stdin"], "\n", "hasło jest puste"),
        (&["--office", "ksiazki", "--login", "jan", "--password-stdin"], "", "hasło jest puste"),
        (&["--office", "ksiazki", "--login", "jan", "--password-stdin"], "krotkie\n", "musi mieć co najmniej 12"),
        (
            &["--office", "ksiazki", "--login", "SEKRETARZ", "--password-stdin"],
            "Bardzo-Dlugie-Haslo-2\n",
            "login „SEKRETARZ” jest już zajęty",
        ),
    ];
    for (args, stdin, message) in cases {
        let out = run(dir.path(), &[&["admin", "create"][..], args].concat(), stdin);
        assert!(!out.status.success(), "{args:?} succeeded");
        assert!(stderr(&out).contains(message), "{args:?}: {}", stderr(&out));
    }
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn password_is_never_taken_from_the_command_line() {
    let dir = with_office();
    let out = run(dir.path(), &["admin", "create", "--office", "ksiazki", "--login", "jan"], "Bardzo-Dlugie-Haslo-1\n");
    assert!(!out.status.success());
    assert!(stderr(&out).contains("--password-stdin"), "{}", stderr(&out));
}

#[test]
fn unwritable_data_dir_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    // A data directory below a regular file cannot be created, even by root.
    let file = dir.path().join("plik");
    std::fs::write(&file, "nie katalog").unwrap();
    let out = run(&file.join("dane"), &["office", "list"], "");
    assert!(!out.status.success());
    assert!(stderr(&out).contains("nie można utworzyć katalogu danych"), "{}", stderr(&out));

    let out = run(&file.join("dane"), &["serve", "--listen", "127.0.0.1:0"], "");
    assert!(!out.status.success());
    assert!(stderr(&out).contains("nie można utworzyć katalogu danych"), "{}", stderr(&out));
}

#[test]
fn read_only_data_dir_is_a_clear_error() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("dane");
    std::fs::create_dir(&data).unwrap();
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o555)).unwrap();
    if std::fs::write(data.join("probe"), "x").is_ok() {
        // Root ignores directory permissions; the case above (a path below a file) covers root.
        eprintln!("running as root: a read-only directory is writable, nothing to check here");
        return;
    }
    let out = run(&data, &["office", "list"], "");
    assert!(!out.status.success());
    assert!(stderr(&out).contains("nie można otworzyć bazy danych"), "{}", stderr(&out));
}

/// A running `sync-server serve` on a free loopback port, with its stdout lines up to the address.
struct Server {
    child: Child,
    banner: Vec<String>,
    url: String,
}

impl Server {
    fn start(data_dir: &Path) -> Server {
        let mut child = bin()
            .arg("serve")
            .env("OCEN_DATA_DIR", data_dir)
            .env("OCEN_LISTEN", "127.0.0.1:0")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut banner = Vec::new();
        let url = loop {
            let line = lines.next().expect("server exited before listening").unwrap();
            if let Some(rest) = line.strip_prefix("Oceń Urząd działa pod adresem ") {
                break rest.split_whitespace().next().unwrap().trim_end_matches('/').to_owned();
            }
            banner.push(line);
        };
        // Keep draining stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Server { child, banner, url }
    }

    fn terminate(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
        for _ in 0..100 {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        self.child.kill().unwrap();
        panic!("the server did not stop within 5 s of SIGTERM");
    }
}

#[test]
fn first_start_writes_credentials_to_a_private_file_once_then_serves_until_sigterm() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("dane");
    // Standard output is a pipe here, as under systemd: the password goes to a file, never to the log.
    let server = Server::start(&data);

    let banner = server.banner.join("\n");
    let file = data.join(sync_server::serve::FIRST_LOGIN_FILE);
    assert!(banner.contains(&file.display().to_string()), "{banner}");
    assert!(!banner.contains("Hasło:"), "{banner}");
    assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
    let written = std::fs::read_to_string(&file).unwrap();
    assert!(written.contains("Login: admin"), "{written}");
    let password = written
        .lines()
        .find_map(|l| l.trim().strip_prefix("Hasło: "))
        .unwrap_or_else(|| panic!("no password in: {written}"))
        .to_owned();
    assert_eq!(password.len(), 20);
    assert!(!banner.contains(&password));

    let mut reply = ureq::get(format!("{}/healthz", server.url)).call().unwrap();
    let body = reply.body_mut().read_to_string().unwrap();
    assert!(body.contains(r#""status":"ok""#), "{body}");

    assert!(server.terminate().success(), "SIGTERM must end the server cleanly");

    let conn = Connection::open(data.join(DB_FILE)).unwrap();
    let (hash, must_change): (String, bool) = conn
        .query_row("SELECT password_hash, must_change_password FROM admins WHERE login = 'admin'", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert!(sync_server::password::verify(&password, &hash), "the written password must be the admin's");
    assert!(must_change, "the generated password must be changed at the first login");

    // A second start writes no password and creates no second admin.
    let again = Server::start(&data);
    assert!(!again.banner.join("\n").contains("Pierwsze uruchomienie"), "{:?}", again.banner);
    assert!(again.terminate().success());
    assert_eq!(std::fs::read_to_string(&file).unwrap(), written);
    let admins: i64 = conn.query_row("SELECT count(*) FROM admins", [], |r| r.get(0)).unwrap();
    assert_eq!(admins, 1);
}

#[test]
fn in_a_terminal_first_start_prints_the_credentials_and_writes_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("dane");
    // A busy port: the server sets up the first admin, prints, and then stops with an error, so the
    // terminal's output is complete when `script` returns.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let serve = format!(
        "{} serve --data-dir {} --listen {}",
        env!("CARGO_BIN_EXE_sync-server"),
        data.display(),
        taken.local_addr().unwrap()
    );
    // `script` (util-linux) runs the server with a pseudo-terminal as its standard output.
    let out = Command::new("script")
        .args(["-qec", &serve, "/dev/null"])
        .env_remove("OCEN_DATA_DIR")
        .env_remove("OCEN_LISTEN")
        .env_remove("INVOCATION_ID")
        .env_remove("JOURNAL_STREAM")
        .env("OCEN_CONFIG", "/dev/null")
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let printed = String::from_utf8_lossy(&out.stdout).replace('\r', "");
    let password = printed
        .lines()
        .find_map(|l| l.trim().strip_prefix("Hasło: "))
        .unwrap_or_else(|| panic!("no password in: {printed}"))
        .to_owned();
    assert!(printed.contains("Login: admin"), "{printed}");
    assert!(!data.join(sync_server::serve::FIRST_LOGIN_FILE).exists(), "no file when a person watches");
    let conn = Connection::open(data.join(DB_FILE)).unwrap();
    let hash: String =
        conn.query_row("SELECT password_hash FROM admins WHERE login = 'admin'", [], |r| r.get(0)).unwrap();
    assert!(sync_server::password::verify(&password, &hash), "the printed password must be the admin's");
}

#[test]
fn a_busy_port_is_a_clear_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["serve", "--listen", &addr], "");
    assert!(!out.status.success());
    assert!(stderr(&out).contains(&format!("nie można nasłuchiwać na {addr}")), "{}", stderr(&out));
}

#[test]
fn embedding_is_allowed_only_for_well_formed_origins() {
    let dir = with_office();
    let out = run(dir.path(), &["office", "embed", "--slug", "ksiazki", "--allow", "https://ksiazki.example.pl"], "");
    assert!(out.status.success(), "{}", stderr(&out));
    let out = run(dir.path(), &["office", "embed", "--slug", "ksiazki", "--allow", "https://*.example.pl"], "");
    assert!(!out.status.success());
    assert!(stderr(&out).contains("nie jest adresem witryny"), "{}", stderr(&out));
    let conn = Connection::open(dir.path().join(DB_FILE)).unwrap();
    let origins: String = conn.query_row("SELECT embed_origins FROM offices", [], |r| r.get(0)).unwrap();
    assert_eq!(origins, "https://ksiazki.example.pl");
}

#[test]
fn report_archive_archives_the_last_whole_quarter_for_the_timer() {
    let dir = with_office();
    let out = run(dir.path(), &["report", "archive", "--all-offices", "--previous-period", "quarter"], "");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("Zarchiwizowano raport nr 1 urzędu /ksiazki za okres"), "{}", stdout(&out));
    let conn = Connection::open(dir.path().join(DB_FILE)).unwrap();
    let (author, from, pdf): (String, String, Vec<u8>) = conn
        .query_row("SELECT author, period_from, pdf FROM reports", [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap();
    assert_eq!(author, "automat");
    assert!(
        from.ends_with("-01-01") || from.ends_with("-04-01") || from.ends_with("-07-01") || from.ends_with("-10-01")
    );
    assert!(pdf.starts_with(b"%PDF"));

    let refused = run(dir.path(), &["report", "archive", "--office", "nieznany", "--previous-period", "year"], "");
    assert!(!refused.status.success());
    assert!(stderr(&refused).contains("nie ma urzędu o adresie „nieznany”"), "{}", stderr(&refused));
}

#[test]
fn a_settings_file_with_a_mistake_is_refused_in_polish() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("server.toml");
    std::fs::write(&file, "listen = \"127.0.0.1:80\"\nport = 9\n").unwrap();
    let out = bin().arg("--config").arg(&file).args(["office", "list"]).output().unwrap();
    assert!(!out.status.success());
    assert!(stderr(&out).contains("błąd w pliku konfiguracji"), "{}", stderr(&out));
}

#[test]
fn sample_data_fills_a_new_office_and_is_refused_on_one_with_answers() {
    let dir = with_office();
    let out = run(dir.path(), &["office", "sample", "--slug", "ksiazki"], "");
    assert!(out.status.success(), "{}", stderr(&out));
    let said = stdout(&out);
    assert!(said.starts_with("Dodano "), "{said}");
    let told: i64 = said.trim_start_matches("Dodano ").split(' ').next().unwrap().parse().unwrap();
    let conn = Connection::open(dir.path().join(DB_FILE)).unwrap();
    let count = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap();
    assert_eq!(count("SELECT count(*) FROM responses"), told, "the count said is the count stored");
    assert_eq!(count("SELECT count(DISTINCT channel) FROM responses"), 4, "every channel");
    assert!(said.contains("dodano 4 przykładowe"), "{said}");

    // Again: refused in Polish, with a non-zero exit, and nothing changes.
    let before =
        (snapshot(dir.path()), count("SELECT count(*) FROM responses"), count("SELECT count(*) FROM departments"));
    let again = run(dir.path(), &["office", "sample", "--slug", "ksiazki"], "");
    assert!(!again.status.success());
    assert!(stderr(&again).contains("urząd /ksiazki ma już odpowiedzi"), "{}", stderr(&again));
    let after =
        (snapshot(dir.path()), count("SELECT count(*) FROM responses"), count("SELECT count(*) FROM departments"));
    assert_eq!(before, after);

    let unknown = run(dir.path(), &["office", "sample", "--slug", "nie-ma"], "");
    assert!(!unknown.status.success());
    assert!(stderr(&unknown).contains("nie ma urzędu o adresie „nie-ma”"), "{}", stderr(&unknown));
}

#[test]
fn set_host_gives_an_office_its_own_host_name_and_refuses_a_taken_or_malformed_one() {
    let dir = with_office();
    let out = run(dir.path(), &["office", "create", "--slug", "wola", "--name", "Urząd Gminy Wola"], "");
    assert!(out.status.success(), "{}", stderr(&out));
    let host_of = |slug: &str| -> Option<String> {
        let conn = Connection::open(dir.path().join(DB_FILE)).unwrap();
        conn.query_row("SELECT host FROM offices WHERE slug = ?1", [slug], |r| r.get(0)).unwrap()
    };

    let out = run(dir.path(), &["office", "set-host", "--slug", "ksiazki", "--host", "Ankieta.Ksiazki.PL"], "");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("https://ankieta.ksiazki.pl/"), "{}", stdout(&out));
    assert_eq!(host_of("ksiazki").as_deref(), Some("ankieta.ksiazki.pl"));

    let out = run(dir.path(), &["office", "set-host", "--slug", "wola", "--host", "ankieta.ksiazki.pl"], "");
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("nazwa hosta „ankieta.ksiazki.pl” jest już przypisana innemu urzędowi"),
        "{}",
        stderr(&out)
    );
    let out = run(dir.path(), &["office", "set-host", "--slug", "wola", "--host", "https://wola.pl/"], "");
    assert!(!out.status.success());
    assert!(stderr(&out).contains("nie jest nazwą hosta"), "{}", stderr(&out));
    let out = run(dir.path(), &["office", "set-host", "--slug", "nie-ma", "--host", "nie-ma.pl"], "");
    assert!(!out.status.success());
    assert!(stderr(&out).contains("nie ma urzędu o adresie „nie-ma”"), "{}", stderr(&out));
    assert_eq!(host_of("wola"), None, "refusals change nothing");

    let out = run(dir.path(), &["office", "set-host", "--slug", "ksiazki", "--remove"], "");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(host_of("ksiazki"), None);
}
