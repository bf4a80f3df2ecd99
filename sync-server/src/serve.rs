//! `sync-server serve`: first-start set-up, then the HTTP server until SIGTERM or Ctrl-C.

mod linger;

use std::io::Write;
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::Extension;
use axum::extract::ConnectInfo;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::sync::{Semaphore, watch};
use tower::Layer;

use crate::config::Settings;
use crate::http::{AppState, app};
use crate::password;
use crate::store::{ServeLock, Store};

/// The office created on first start when there is none; both are changed later in the admin panel.
pub const FIRST_OFFICE_SLUG: &str = "urzad";
/// See [`FIRST_OFFICE_SLUG`].
pub const FIRST_OFFICE_NAME: &str = "Urząd Gminy";
/// Login of the admin created on first start.
pub const FIRST_ADMIN_LOGIN: &str = "admin";

/// Opens the database, sets up the first office and admin if there is no account yet, and serves.
pub fn run(settings: &Settings) -> anyhow::Result<()> {
    let listen = settings.listen;
    let store = Store::open(&settings.data_dir)?;
    // Held while serving: `sync-server restore` refuses to replace the database under a running server.
    let _lock = ServeLock::take(&settings.data_dir)?;
    if let Some(file) = &settings.file {
        println!("Ustawienia z pliku {}", file.display());
    }
    first_start(&store, &mut std::io::stdout(), CredentialsTo::for_this_process(&settings.data_dir))?;
    let state = AppState {
        behind_proxy: settings.behind_proxy,
        mail: settings.mail.clone().map(Arc::new),
        ..AppState::new(store.clone()).with_suppression_threshold(settings.suppression_threshold)
    };

    let runtime = tokio::runtime::Runtime::new().context("nie udało się uruchomić środowiska wykonawczego")?;
    runtime.block_on(async move {
        // Listen for SIGTERM before announcing the address: a stop right after start must be graceful too.
        let sigterm = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .context("nie można nasłuchiwać sygnału SIGTERM")?;
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .with_context(|| format!("nie można nasłuchiwać na {listen} (czy inny program zajmuje ten port?)"))?;
        let addr = listener.local_addr().context("nie można odczytać adresu nasłuchu")?;
        println!("Oceń Urząd działa pod adresem http://{addr}/ (dane: {})", store.path().display());
        tracing::info!(%addr, "serwer nasłuchuje");
        // Alerts are looked for and mailed in the background, never in the intake of answers.
        let (stop_alerts, alerts_stopping) = watch::channel(false);
        let ctx = crate::alerts::Context {
            data_dir: settings.data_dir.clone(),
            server: settings.alerts.clone(),
            mail: settings.mail.clone(),
        };
        let alerts = crate::alerts::spawn(store.clone(), ctx, alerts_stopping);
        notify_systemd(store);
        serve_on(listener, state, shutdown_signal(sigterm)).await.context("serwer HTTP przerwał pracę")?;
        let _ = stop_alerts.send(true);
        let _ = alerts.await;
        println!("Oceń Urząd zatrzymany.");
        Ok(())
    })
}

/// What clients may hold of the server at once.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Connections served at once; more wait to be accepted (the system queues them) until one ends.
    pub connections: usize,
    /// How long a connection may take to send a request's head, and a kept connection may wait idle for
    /// the next one, before it is closed: a client that sends nothing holds no place for long.
    pub head_timeout: Duration,
}

/// Connections served at once: below the 1,024 files systemd lets a service open by default, with room
/// left for the database and the logs. A reverse proxy in front of the server needs far fewer.
pub const MAX_CONNECTIONS: usize = 512;

/// See [`Limits::head_timeout`].
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(30);

impl Default for Limits {
    fn default() -> Self {
        Limits { connections: MAX_CONNECTIONS, head_timeout: HEAD_TIMEOUT }
    }
}

/// Serves the application on `listener` until `shutdown` completes, then finishes the requests under way.
/// Handlers see each client's address (for the survey's rate limit, never stored).
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(listener, state, shutdown, Limits::default()).await
}

/// [`serve_on`] within other limits.
///
/// HTTP/1.1 only: kiosks, browsers over plain HTTP and reverse proxies all speak it, and only on it does
/// the head timeout also close connections left idle.
pub async fn serve_with(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    limits: Limits,
) -> std::io::Result<()> {
    let app = app(state);
    // One permit per connection served; at the end, taking them all waits for the last connection.
    let places = u32::try_from(limits.connections).unwrap_or(u32::MAX).max(1);
    let slots = Arc::new(Semaphore::new(places as usize));
    let (stop, stopping) = watch::channel(false);
    let mut shutdown = pin!(shutdown);
    loop {
        // A place first, then the connection: over the limit, new connections wait in the listen queue.
        let slot = tokio::select! {
            slot = Arc::clone(&slots).acquire_owned() => slot,
            () = &mut shutdown => break,
        };
        // The semaphore is never closed.
        let Ok(slot) = slot else { break };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    accept_failed(e).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let service = TowerToHyperService::new(Extension(ConnectInfo(peer)).layer(app.clone()));
        let mut stopping = stopping.clone();
        tokio::spawn(async move {
            let mut http = hyper::server::conn::http1::Builder::new();
            http.timer(TokioTimer::new()).header_read_timeout(limits.head_timeout);
            let stream = TokioIo::new(linger::Lingering::new(stream));
            let mut connection = pin!(http.serve_connection(stream, service));
            let served = tokio::select! {
                served = connection.as_mut() => served,
                () = async { drop(stopping.wait_for(|stop| *stop).await) } => {
                    // The request under way is answered, then the connection closes.
                    connection.as_mut().graceful_shutdown();
                    connection.await
                }
            };
            if let Err(e) = served {
                tracing::debug!(error = %e, "połączenie zakończone błędem");
            }
            drop(slot);
        });
    }
    let _ = stop.send(true);
    let _ = slots.acquire_many(places).await;
    Ok(())
}

/// A failed accept: a client gone before it was accepted is nothing; anything else (most often no file
/// descriptor left) is logged and waited out for a second rather than retried at once in a busy loop.
async fn accept_failed(e: std::io::Error) {
    use std::io::ErrorKind;
    if matches!(e.kind(), ErrorKind::ConnectionRefused | ErrorKind::ConnectionAborted | ErrorKind::ConnectionReset) {
        return;
    }
    tracing::error!(error = %e, "nie można przyjąć połączenia");
    tokio::time::sleep(Duration::from_secs(1)).await;
}

/// The file in the data directory that receives the first administrator's login and password when they
/// must not be printed (see [`CredentialsTo`]).
pub const FIRST_LOGIN_FILE: &str = "pierwsze-logowanie.txt";

/// Where the first administrator's password goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CredentialsTo {
    /// Printed: a person watches a terminal.
    Terminal,
    /// Written to this file (mode 0600, made with that mode) and only its place is printed.
    File(std::path::PathBuf),
}

impl CredentialsTo {
    /// Printed only when standard output is a terminal and the process is not a systemd service
    /// (`INVOCATION_ID` or `JOURNAL_STREAM` set). Anything that is not a terminal is almost always
    /// kept — the journal, a container's log, a file the output was redirected to — where a password
    /// would outlive its first use and be read by whoever may read logs (group `adm` on Debian). A
    /// service may even have a terminal as its output, hence the environment check too.
    pub fn choose(stdout_is_terminal: bool, under_systemd: bool, data_dir: &std::path::Path) -> CredentialsTo {
        if stdout_is_terminal && !under_systemd {
            CredentialsTo::Terminal
        } else {
            CredentialsTo::File(data_dir.join(FIRST_LOGIN_FILE))
        }
    }

    fn for_this_process(data_dir: &std::path::Path) -> CredentialsTo {
        let under_systemd = ["INVOCATION_ID", "JOURNAL_STREAM"].iter().any(|v| std::env::var_os(v).is_some());
        CredentialsTo::choose(std::io::IsTerminal::is_terminal(&std::io::stdout()), under_systemd, data_dir)
    }
}

/// Writes the credentials to a new file readable by the service user only. The file is created with mode
/// 0600 (never widened then narrowed, so there is no moment another user could open it); a file left by an
/// earlier first start is replaced.
fn write_first_login(path: &std::path::Path, text: &str) -> anyhow::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    match std::fs::remove_file(path) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e).with_context(|| format!("nie można usunąć starego pliku {}", path.display())),
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("nie można utworzyć pliku {}", path.display()))?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .with_context(|| format!("nie można zapisać pliku {}", path.display()))
}

/// On a database without any account, creates the first office (if none) and its admin with a generated
/// password, which must be changed at the first login, and hands the credentials over once: printed in a
/// terminal, written to a file otherwise ([`CredentialsTo`]). Returns whether it did.
pub fn first_start(store: &Store, out: &mut impl Write, to: CredentialsTo) -> anyhow::Result<bool> {
    if store.admin_count()? > 0 {
        return Ok(false);
    }
    let password = password::generate();
    let hash = password::hash(&password)?;
    let credentials = format!("    Login: {FIRST_ADMIN_LOGIN}\n    Hasło: {password}\n");
    // The file is written before the account exists: if writing fails, no account is left whose
    // password nobody ever saw.
    if let CredentialsTo::File(path) = &to {
        write_first_login(
            path,
            &format!(
                "Pierwsze logowanie do panelu Oceń Urząd (/admin):\n\n{credentials}\nHasło trzeba zmienić przy pierwszym logowaniu. Potem usuń ten plik.\n"
            ),
        )?;
    }
    let Some((office, _)) =
        store.bootstrap_first_admin(FIRST_OFFICE_SLUG, FIRST_OFFICE_NAME, FIRST_ADMIN_LOGIN, &hash)?
    else {
        if let CredentialsTo::File(path) = &to {
            let _ = std::fs::remove_file(path);
        }
        return Ok(false);
    };
    let intro = format!(
        "\nPierwsze uruchomienie: utworzono urząd „{}” (adres /{}) i jego administratora.\n",
        office.name, office.slug
    );
    match &to {
        CredentialsTo::Terminal => writeln!(
            out,
            "{intro}\n{credentials}\nZapisz hasło teraz: nie zostanie pokazane ponownie. Przy pierwszym logowaniu trzeba je zmienić.\n"
        )?,
        CredentialsTo::File(path) => {
            tracing::info!(file = %path.display(), "hasło pierwszego administratora zapisano w pliku");
            writeln!(
                out,
                "{intro}Login i hasło zapisano w pliku {} (może go odczytać tylko użytkownik usługi i root), nie w dzienniku. Przy pierwszym logowaniu hasło trzeba zmienić; potem usuń plik.\n",
                path.display()
            )?
        }
    }
    out.flush()?;
    Ok(true)
}

/// Under systemd (`Type=notify`): says the server is ready, and when the unit sets `WatchdogSec`, pings the
/// watchdog at half its period for as long as the database answers, so that a hung server is restarted.
/// Outside systemd this does nothing.
fn notify_systemd(store: Store) {
    if let Err(e) = sd_notify::notify(&[sd_notify::NotifyState::Ready]) {
        tracing::warn!(error = %e, "nie można powiadomić systemd o gotowości");
    }
    let Some(period) = sd_notify::watchdog_enabled() else { return };
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(period / 2);
        loop {
            tick.tick().await;
            let db = store.clone();
            if matches!(tokio::task::spawn_blocking(move || db.ping()).await, Ok(Ok(()))) {
                let _ = sd_notify::notify(&[sd_notify::NotifyState::Watchdog]);
            } else {
                tracing::error!("baza danych nie odpowiada: nie potwierdzam działania (watchdog)");
            }
        }
    });
}

async fn shutdown_signal(mut sigterm: tokio::signal::unix::Signal) {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "nie można nasłuchiwać Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        _ = sigterm.recv() => {},
    }
    tracing::info!("zamykanie: kończę obsługę bieżących żądań");
}

#[cfg(test)]
mod tests {
    // Test helpers may unwrap: a panic is how a test reports a broken premise.
    #![allow(clippy::unwrap_used)]

    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn the_password_is_printed_only_to_a_terminal_outside_systemd() {
        let dir = std::path::Path::new("/srv/dane");
        let file = CredentialsTo::File(dir.join(FIRST_LOGIN_FILE));
        assert_eq!(CredentialsTo::choose(true, false, dir), CredentialsTo::Terminal);
        assert_eq!(CredentialsTo::choose(true, true, dir), file);
        assert_eq!(CredentialsTo::choose(false, false, dir), file);
        assert_eq!(CredentialsTo::choose(false, true, dir), file);
    }

    #[test]
    fn in_a_terminal_the_credentials_are_printed_and_no_file_is_made() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let mut out = Vec::new();
        assert!(first_start(&store, &mut out, CredentialsTo::Terminal).unwrap());
        let printed = String::from_utf8(out).unwrap();
        let password = printed.lines().find_map(|l| l.trim().strip_prefix("Hasło: ")).unwrap();
        let admin = store.admin_by_login(FIRST_ADMIN_LOGIN).unwrap().unwrap();
        assert!(password::verify(password, &admin.password_hash));
        assert!(admin.must_change_password, "a generated password must be changed at the first login");
        assert!(!dir.path().join(FIRST_LOGIN_FILE).exists());
    }

    #[test]
    fn otherwise_they_go_to_a_file_only_the_service_user_may_read() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let path = dir.path().join(FIRST_LOGIN_FILE);
        // A file left by an earlier first start, readable by all, is replaced, not reused.
        std::fs::write(&path, "stare").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let mut out = Vec::new();
        assert!(first_start(&store, &mut out, CredentialsTo::File(path.clone())).unwrap());
        let printed = String::from_utf8(out).unwrap();
        assert!(printed.contains(&path.display().to_string()), "{printed}");
        assert!(!printed.contains("Hasło:"), "{printed}");
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        let written = std::fs::read_to_string(&path).unwrap();
        let password = written.lines().find_map(|l| l.trim().strip_prefix("Hasło: ")).unwrap();
        assert!(!printed.contains(password));
        let admin = store.admin_by_login(FIRST_ADMIN_LOGIN).unwrap().unwrap();
        assert!(password::verify(password, &admin.password_hash));
        // A second start writes nothing.
        assert!(!first_start(&store, &mut Vec::new(), CredentialsTo::File(path.clone())).unwrap());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), written);
    }
}
