//! `kiosk [--data-dir DIR] [--config FILE]` runs the kiosk; `kiosk pair --server URL --code CODE` pairs it;
//! `kiosk status` prints what is pending and the last sync. The command line itself is `kiosk::cli`.

use std::os::unix::process::CommandExt;
use std::process::ExitCode;
use std::time::Duration;

use kiosk::cli::{Cli, Command};
use kiosk::config::Config;
use kiosk::flow::Flow;
use kiosk::store::Store;
use slint::ComponentHandle;
use survey::default_questionnaire::default_questionnaire;
use survey::wire::QuestionnairePackage;

fn main() -> ExitCode {
    journal_log::init(journal_log::filter_from_env());
    let cli = match kiosk::cli::parse(std::env::args_os()) {
        Ok(cli) => cli,
        Err(stop) => {
            if stop.to_stderr {
                eprint!("{}", stop.text);
            } else {
                print!("{}", stop.text);
            }
            return ExitCode::from(stop.code);
        }
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // Under systemd the journal takes "<3>" as the line's priority: an error.
            let priority = if journal_log::to_journal() { "<3>" } else { "" };
            eprintln!("{priority}Błąd: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    // Run as root at boot, before the kiosk's own settings exist: neither they nor the database are opened.
    if let Some(Command::ApplySettings { boot, root, pair }) = &cli.command {
        return kiosk::boot_settings::run_command(boot, root, *pair, &cli.data_dir);
    }
    // A problem the system reports (kiosk::problem) may be why the settings or the database cannot be
    // opened: the screen kiosk then shows it instead of ending with an error nobody at the counter reads.
    let problem_file = kiosk::problem::file();
    if cli.command.is_none() && !cli.headless && kiosk::problem::read(&problem_file).is_some() {
        let config = Config::load(cli.config.as_deref());
        let store = Store::open(&cli.data_dir);
        let failure = match (&config, &store) {
            (Err(e), _) => Some(e.to_string()),
            (_, Err(e)) => Some(e.to_string()),
            _ => None,
        };
        // Otherwise the kiosk starts as usual and shows the problem itself (Kiosk::watch_problems).
        if let Some(e) = failure {
            tracing::error!(error = %e, "kiosk nie może wystartować; pokazuję zgłoszony problem");
            let pairing = store.as_ref().ok().and_then(|s| s.pairing().ok().flatten());
            let server = config.as_ref().map_or(String::new(), |c| c.server.clone());
            let identity = kiosk::problem::identity(
                pairing.as_ref().map(|p| p.device.as_str()),
                pairing.as_ref().map(|p| p.office.as_str()),
                pairing.as_ref().map_or(server.as_str(), |p| p.server.as_str()),
            );
            kiosk::ui::problem_only(problem_file, identity).map_err(no_display)?;
            // The problem is gone: start again from the beginning, as the same process (systemd keeps
            // watching the same PID).
            let err = std::process::Command::new(std::env::current_exe()?).args(std::env::args_os().skip(1)).exec();
            anyhow::bail!("nie można uruchomić kiosku ponownie: {err}");
        }
    }
    let mut config = Config::load(cli.config.as_deref())?;
    if let Some(Command::TouchCalibration) = cli.command {
        // Run by udev for each touchscreen (packaging/kiosk/61-ocen-urzad-touch.rules): no database.
        println!("{}", config.rotation.udev_property());
        return Ok(());
    }
    // The picture turns by Slint's own setting, read when its backend starts: set here for this process
    // by starting it again with it (an explicit SLINT_KMS_ROTATION, e.g. from a drop-in, wins).
    if cli.command.is_none()
        && !cli.headless
        && config.rotation != kiosk::rotation::Rotation::None
        && std::env::var_os("SLINT_KMS_ROTATION").is_none()
    {
        let err = std::process::Command::new(std::env::current_exe()?)
            .args(std::env::args_os().skip(1))
            .env("SLINT_KMS_ROTATION", config.rotation.kms_value())
            .exec();
        anyhow::bail!("nie można uruchomić kiosku z obróconym ekranem: {err}");
    }
    if let Some(panel) = cli.panel {
        config.panel = panel;
    }
    if cli.headless {
        // Without a screen the panel is everything: no panel, no kiosk.
        config.panel_required = true;
    }
    let store = Store::open(&cli.data_dir)?;
    match cli.command {
        Some(Command::Pair { server, code }) => {
            let pairing = kiosk::sync::pair(&store, &server, &code)?;
            println!(
                "Sparowano kiosk „{}” z urzędem /{} na serwerze {}.",
                pairing.device, pairing.office, pairing.server
            );
            Ok(())
        }
        Some(Command::Status) => {
            println!("{}", kiosk::service::status_report(&store)?);
            Ok(())
        }
        Some(Command::TouchCalibration) => Ok(()),
        Some(Command::Export { to }) => {
            let pending = store.export_to(&to)?;
            println!("Zapisano kopię bazy kiosku w {} (odpowiedzi oczekujące na wysłanie: {pending}).", to.display());
            Ok(())
        }
        Some(Command::ApplySettings { .. }) => unreachable!("apply-settings returned before the database was opened"),
        None => run_kiosk(config, store, cli.headless),
    }
}

fn run_kiosk(config: Config, store: Store, headless: bool) -> anyhow::Result<()> {
    let panel = match kiosk::panel::open(config.panel, &config.pins) {
        Ok(panel) => panel,
        Err(e) if config.panel_required => return Err(e.into()),
        Err(e) => {
            tracing::warn!(error = %e, "kiosk działa bez panelu przycisków");
            None
        }
    };
    let pairing = store.pairing()?;
    // Until the first sync brings the office's questionnaire, the default one (version 1 everywhere).
    let package = store.questionnaire()?.map(|(p, _)| p).unwrap_or_else(|| QuestionnairePackage {
        wire_version: survey::wire::WIRE_VERSION,
        office_name: "Urząd Gminy".into(),
        questionnaire: default_questionnaire(),
        departments: Vec::new(),
    });
    let (office, device) =
        pairing.as_ref().map_or((String::new(), "kiosk".to_owned()), |p| (p.office.clone(), p.device.clone()));
    let worker = kiosk::sync::start(store.clone(), Duration::from_secs(config.sync_interval_seconds));
    if headless {
        let panel = panel.ok_or_else(|| {
            anyhow::anyhow!("kiosk bez ekranu potrzebuje panelu przycisków: --panel gpio albo --panel stdin")
        })?;
        kiosk::systemd::ready_with_watchdog_thread();
        kiosk::headless::run(&config, &store, panel, Some(&worker), package, &office, &device)?;
        // The simulated panel's input ended: one last pass so that what was answered goes out now.
        if let Err(e) = kiosk::sync::sync_once(&store) {
            tracing::warn!(error = %e, "ostatnia synchronizacja nieudana; odpowiedzi czekają w bazie kiosku");
        }
        return Ok(());
    }
    let fullscreen = config.fullscreen;
    let server = config.server.clone();
    let flow = Flow::new(config.clone(), package, &office, &device);
    let ui = kiosk::ui::Kiosk::new(config, flow, store, Some(worker)).map_err(no_display)?;
    if let Some(panel) = panel {
        ui.attach_panel(panel);
    }
    let identity = kiosk::problem::identity(
        pairing.as_ref().map(|p| p.device.as_str()),
        pairing.as_ref().map(|p| p.office.as_str()),
        pairing.as_ref().map_or(server.as_str(), |p| p.server.as_str()),
    );
    ui.watch_problems(kiosk::problem::file(), identity);
    ui.window.window().set_fullscreen(fullscreen);
    // Ready once the event loop draws; the watchdog is fed from the UI thread, so a frozen screen is
    // restarted by systemd.
    let _watchdog = kiosk::systemd::ready_and_watchdog_on_ui_thread();
    ui.window.run()?;
    Ok(())
}

/// Slint could not open a window: on the Raspberry Pi that is a display not connected, not detected at
/// boot, or a graphics driver not loaded. Said in Polish, with Slint's own words for the technician; the
/// program ends with an error (systemd restarts it), not a crash.
fn no_display(e: slint::PlatformError) -> anyhow::Error {
    anyhow::anyhow!(
        "Brak ekranu: nie można otworzyć okna kiosku ({e}). Sprawdź, czy wyświetlacz jest podłączony i włączony \
         przed uruchomieniem (sterownik grafiki: /dev/dri), albo uruchom kiosk bez ekranu: kiosk --headless --panel gpio."
    )
}
