//! `kiosk [--data-dir DIR] [--config FILE]` runs the kiosk; `kiosk pair --server URL --code CODE` pairs it;
//! `kiosk status` prints what is pending and the last sync. The command line itself is `kiosk::cli`.

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
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_ansi(ansi).try_init();
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
            eprintln!("Błąd: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    // Run as root at boot, before the kiosk's own settings exist: neither they nor the database are opened.
    if let Some(Command::ApplySettings { boot, root, pair }) = &cli.command {
        return kiosk::boot_settings::run_command(boot, root, *pair, &cli.data_dir);
    }
    let mut config = Config::load(cli.config.as_deref())?;
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
            let s = store.status()?;
            let pairing = store.pairing()?;
            println!("Odpowiedzi oczekujące: {}", s.pending);
            println!("Odpowiedzi wysłane: {}", s.sent);
            println!("Odpowiedzi odrzucone przez serwer: {}", s.rejected);
            println!("Ostatnia udana synchronizacja: {}", s.last_sync.as_deref().unwrap_or("nigdy"));
            println!("Ostatni błąd synchronizacji: {}", s.last_error.as_deref().unwrap_or("brak"));
            for (reason, n) in &s.filtered {
                let label = kiosk::filter::FilterReason::parse(reason).map_or(reason.as_str(), |r| r.label_pl());
                println!("Naciśnięcia odfiltrowane ({label}): {n}");
            }
            match pairing {
                Some(p) => println!("Sparowany jako „{}” z urzędem /{} na {}", p.device, p.office, p.server),
                None => println!("Kiosk nie jest sparowany (kiosk pair --server ADRES --code KOD)."),
            }
            Ok(())
        }
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
    let flow = Flow::new(config.clone(), package, &office, &device);
    let ui = kiosk::ui::Kiosk::new(config, flow, store, Some(worker))?;
    if let Some(panel) = panel {
        ui.attach_panel(panel);
    }
    ui.window.window().set_fullscreen(fullscreen);
    // Ready once the event loop draws; the watchdog is fed from the UI thread, so a frozen screen is
    // restarted by systemd.
    let _watchdog = kiosk::systemd::ready_and_watchdog_on_ui_thread();
    ui.window.run()?;
    Ok(())
}
