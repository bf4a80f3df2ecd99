//! `sync-server serve`: first-start set-up, then the HTTP server until SIGTERM or Ctrl-C.

use std::io::Write;
use std::net::SocketAddr;

use anyhow::Context;

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
    first_start(&store, &mut std::io::stdout())?;
    let state = AppState {
        behind_proxy: settings.behind_proxy,
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
        notify_systemd(store);
        serve_on(listener, state, shutdown_signal(sigterm)).await.context("serwer HTTP przerwał pracę")?;
        println!("Oceń Urząd zatrzymany.");
        Ok(())
    })
}

/// Serves the application on `listener` until `shutdown` completes, then finishes the requests under way.
/// Handlers see each client's address (for the survey's rate limit, never stored).
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app(state).into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await
}

/// On a database without any account, creates the first office (if none) and its admin with a generated
/// password, and prints the credentials once. Returns whether it did.
pub fn first_start(store: &Store, out: &mut impl Write) -> anyhow::Result<bool> {
    if store.admin_count()? > 0 {
        return Ok(false);
    }
    let password = password::generate();
    let hash = password::hash(&password)?;
    let Some((office, admin)) =
        store.bootstrap_first_admin(FIRST_OFFICE_SLUG, FIRST_OFFICE_NAME, FIRST_ADMIN_LOGIN, &hash)?
    else {
        return Ok(false);
    };
    writeln!(
        out,
        "\nPierwsze uruchomienie: utworzono urząd „{}” (adres /{}) i jego administratora.\n\
         \n    Login: {}\n    Hasło: {}\n\n\
         Zapisz hasło teraz: nie zostanie pokazane ponownie. Zmień je po pierwszym logowaniu.\n",
        office.name, office.slug, admin.login, password
    )?;
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
