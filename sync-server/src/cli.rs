//! The command line: `serve`, `office …`, `admin …`. Each command checks its input before touching the
//! database, and every write is one transaction, so a refused command leaves the database as it was.

use std::io::BufRead;
use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};

use crate::config::{self, Overrides};
use crate::store::{NewAdmin, Store};
use crate::{input, password, serve};

/// Oceń Urząd: the server of the client satisfaction survey of a municipal office.
#[derive(Debug, Parser)]
#[command(name = "sync-server", version, about)]
pub struct Cli {
    /// Settings file (TOML); without it /etc/ocen-urzad/server.toml is read when it exists.
    #[arg(long, global = true, env = "OCEN_CONFIG")]
    pub config: Option<PathBuf>,
    /// Directory holding the database (created if missing) [default: ./data].
    #[arg(long, global = true, env = "OCEN_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server (web survey, admin panel, sync API).
    Serve {
        /// Address and port to listen on [default: 127.0.0.1:8080].
        #[arg(long, env = "OCEN_LISTEN")]
        listen: Option<SocketAddr>,
        /// Report breakdown cells with fewer answers are shown as "< N" [default: 5, at least 3].
        #[arg(long, env = "OCEN_SUPPRESSION_THRESHOLD")]
        suppression_threshold: Option<u64>,
        /// A reverse proxy on this machine forwards the clients (their address is in X-Forwarded-For).
        #[arg(long, env = "OCEN_BEHIND_PROXY")]
        behind_proxy: Option<bool>,
    },
    /// Copy the database to FILE, safely while the server runs.
    Backup {
        /// The copy to write (replaced if it exists).
        #[arg(long)]
        to: PathBuf,
    },
    /// Replace the database with a backup copy (stop the server first). The replaced database is kept.
    Restore {
        /// The backup copy.
        #[arg(long)]
        from: PathBuf,
    },
    /// Reports.
    #[command(subcommand)]
    Report(ReportCommand),
    /// Manage offices.
    #[command(subcommand)]
    Office(OfficeCommand),
    /// Manage admin accounts.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Manage kiosks.
    #[command(subcommand)]
    Device(DeviceCommand),
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Archive the report of the quarter or year that has just ended (for a timer).
    Archive {
        /// The office; or --all-offices.
        #[arg(long, required_unless_present = "all_offices")]
        office: Option<String>,
        /// Every office.
        #[arg(long, conflicts_with = "office")]
        all_offices: bool,
        /// The period: the last whole quarter or year.
        #[arg(long, value_enum)]
        previous_period: PreviousPeriod,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum PreviousPeriod {
    Quarter,
    Year,
}

impl PreviousPeriod {
    /// The last whole period before `today`.
    pub fn dates(self, today: chrono::NaiveDate) -> (chrono::NaiveDate, chrono::NaiveDate) {
        use chrono::{Datelike, NaiveDate};
        let day = |y, m| NaiveDate::from_ymd_opt(y, m, 1).unwrap_or_default();
        match self {
            PreviousPeriod::Year => (day(today.year() - 1, 1), day(today.year(), 1).pred_opt().unwrap_or_default()),
            PreviousPeriod::Quarter => {
                let this_quarter = day(today.year(), (today.month0() / 3) * 3 + 1);
                let end = this_quarter.pred_opt().unwrap_or_default();
                (day(end.year(), (end.month0() / 3) * 3 + 1), end)
            }
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum DeviceCommand {
    /// Enrol a kiosk and print its one-time pairing code.
    Enroll {
        /// The office.
        #[arg(long)]
        office: String,
        /// The kiosk's name, e.g. parter-wejscie.
        #[arg(long)]
        name: String,
    },
    /// Set a kiosk's service PIN, read from standard input (6 to 12 digits, not an easy one).
    SetPin {
        /// The office.
        #[arg(long)]
        office: String,
        /// The kiosk's name.
        #[arg(long)]
        name: String,
    },
    /// List an office's kiosks.
    List {
        /// The office.
        #[arg(long)]
        office: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum OfficeCommand {
    /// Create an office with the default questionnaire.
    Create {
        /// Short address of the office: lowercase letters, digits, hyphens (e.g. ksiazki).
        #[arg(long)]
        slug: String,
        /// Full name (e.g. "Urząd Gminy Książki").
        #[arg(long)]
        name: String,
    },
    /// List offices.
    List,
    /// Fill a new office (one without any answers) with a year of sample answers in every channel, to
    /// see a full report and dashboard at once. Refused on an office that has answers.
    Sample {
        /// The office, e.g. demo (create it first with office create).
        #[arg(long)]
        slug: String,
    },
    /// Set the office's own host name (e.g. ankieta.gmina.pl), at which its home page is served at `/`.
    SetHost {
        /// The office.
        #[arg(long)]
        slug: String,
        /// The host name, without https:// (e.g. ankieta.gmina.pl).
        #[arg(long, required_unless_present = "remove")]
        host: Option<String>,
        /// Remove the office's own host name instead.
        #[arg(long, conflicts_with = "host")]
        remove: bool,
    },
    /// Allow other sites (e.g. the office's homepage) to show the survey in a frame; no --allow forbids it.
    Embed {
        /// The office.
        #[arg(long)]
        slug: String,
        /// An origin such as https://gmina.example.pl; repeat for several.
        #[arg(long)]
        allow: Vec<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create an admin account; the password is read from standard input (one line).
    Create(AdminCreate),
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("scope").required(true).args(["office", "operator"]))]
pub struct AdminCreate {
    /// The office this admin runs.
    #[arg(long)]
    pub office: Option<String>,
    /// Make an operator, who runs every office, instead of an office admin.
    #[arg(long)]
    pub operator: bool,
    /// Login name.
    #[arg(long)]
    pub login: String,
    /// Read the password from standard input (required: passwords never go on the command line).
    #[arg(long, required = true)]
    pub password_stdin: bool,
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    init_logging();
    let (listen, threshold, behind_proxy) = match &cli.command {
        Command::Serve { listen, suppression_threshold, behind_proxy } => {
            (*listen, *suppression_threshold, *behind_proxy)
        }
        _ => (None, None, None),
    };
    let settings = config::load(Overrides {
        config: cli.config.clone(),
        data_dir: cli.data_dir.clone(),
        listen,
        suppression_threshold: threshold,
        behind_proxy,
    })?;
    let data_dir = settings.data_dir.clone();
    match cli.command {
        Command::Serve { .. } => serve::run(&settings),
        Command::Backup { to } => {
            let responses = Store::open(&data_dir)?.backup_to(&to)?;
            println!("Zapisano kopię bazy w {} (odpowiedzi: {responses}).", to.display());
            Ok(())
        }
        Command::Restore { from } => {
            let restored = crate::store::restore(&data_dir, &from)?;
            println!("Przywrócono bazę z {} (odpowiedzi: {}).", from.display(), restored.responses);
            if let Some(previous) = restored.previous {
                println!("Poprzednia baza została zachowana jako {}.", previous.display());
            }
            Ok(())
        }
        Command::Report(ReportCommand::Archive { office, all_offices: _, previous_period }) => {
            let store = Store::open(&data_dir)?;
            let offices = match office {
                Some(slug) => vec![store.office(&slug)?],
                None => store.offices()?,
            };
            let (from, to) = previous_period.dates(crate::local_time::local(chrono::Utc::now()).date());
            for office in offices {
                let id = crate::documents::archived_report::archive_period(
                    &store,
                    &office,
                    from,
                    to,
                    settings.suppression_threshold,
                )?;
                println!("Zarchiwizowano raport nr {id} urzędu /{} za okres {from} – {to}.", office.slug);
            }
            Ok(())
        }
        Command::Office(OfficeCommand::Create { slug, name }) => {
            let slug = input::slug(&slug)?;
            let name = input::office_name(&name)?;
            let office = Store::open(&data_dir)?.create_office(slug, name)?;
            println!("Utworzono urząd „{}” (adres /{}) z domyślną ankietą.", office.name, office.slug);
            Ok(())
        }
        Command::Office(OfficeCommand::Sample { slug }) => {
            let store = Store::open(&data_dir)?;
            let today = crate::local_time::local(chrono::Utc::now()).date();
            let sample = crate::sample_data::fill(&store, &slug, today)?;
            let channels: Vec<String> =
                sample.by_channel.iter().map(|(c, n)| format!("{}: {n}", c.label_pl())).collect();
            println!(
                "Dodano {} przykładowych odpowiedzi urzędu /{slug} z okresu {} – {} ({}; z komentarzem: {}).",
                sample.total(),
                sample.from,
                sample.to,
                channels.join(", "),
                sample.comments
            );
            if sample.departments_added > 0 {
                println!("Urząd nie miał komórek: dodano {} przykładowe.", sample.departments_added);
            }
            Ok(())
        }
        Command::Office(OfficeCommand::List) => {
            for office in Store::open(&data_dir)?.offices()? {
                println!("{}\t{}", office.slug, office.name);
            }
            Ok(())
        }
        Command::Office(OfficeCommand::SetHost { slug, host, remove: _ }) => {
            let host = host.as_deref().map(input::host_name).transpose()?;
            Store::open(&data_dir)?.set_office_host(&slug, "wiersz poleceń", host.as_deref())?;
            match host {
                Some(host) => {
                    println!("Urząd /{slug} jest dostępny także pod adresem https://{host}/ (strona główna urzędu).")
                }
                None => println!("Urząd /{slug} nie ma już własnej nazwy hosta."),
            }
            Ok(())
        }
        Command::Office(OfficeCommand::Embed { slug, allow }) => {
            let origins = allow.iter().map(|o| input::origin(o).map(str::to_owned)).collect::<Result<Vec<_>, _>>()?;
            Store::open(&data_dir)?.set_embed_origins(&slug, &origins)?;
            if origins.is_empty() {
                println!("Ankiety urzędu /{slug} nie można osadzać na innych stronach.");
            } else {
                println!("Ankietę urzędu /{slug} mogą osadzać: {}", origins.join(", "));
            }
            Ok(())
        }
        Command::Admin(AdminCommand::Create(args)) => create_admin(&data_dir, &args),
        Command::Device(DeviceCommand::Enroll { office, name }) => {
            let name = name.trim();
            if name.is_empty() || name.chars().count() > 40 {
                bail!("nazwa kiosku musi mieć od 1 do 40 znaków");
            }
            let store = Store::open(&data_dir)?;
            let office = store.office(&office)?;
            let enrolment = store.enroll_device(office.id, "wiersz poleceń", name)?;
            let (code, pin) = (enrolment.code, enrolment.pin);
            println!(
                "Kod parowania kiosku „{name}”: {code}\nUżyj go raz, w ciągu 48 godzin: kiosk pair --server ADRES --code {code}\nPIN ekranu serwisowego tego kiosku: {pin} (zapisz go: nie zostanie pokazany ponownie; zmienisz go w panelu albo na kiosku)"
            );
            Ok(())
        }
        Command::Device(DeviceCommand::SetPin { office, name }) => {
            let mut pin = String::new();
            std::io::stdin().lock().read_line(&mut pin).context("nie można odczytać PIN-u ze standardowego wejścia")?;
            let pin = pin.trim();
            if pin.is_empty() {
                bail!(
                    "PIN jest pusty: podaj go na standardowym wejściu, np. „echo 739152 | sync-server device set-pin …”"
                );
            }
            // The rules first: a refused PIN costs no hash and touches nothing.
            let hash = crate::kiosk_pin::hash(pin)?;
            let store = Store::open(&data_dir)?;
            let office = store.office(&office)?;
            let device = store.devices(office.id)?.into_iter().find(|d| d.name == name && d.revoked_at.is_none());
            let Some(device) = device else {
                bail!("urząd /{} nie ma działającego kiosku „{name}” (sprawdź: sync-server device list)", office.slug);
            };
            store.set_device_pin(office.id, "wiersz poleceń", device.id, &hash)?;
            println!("Nowy PIN kiosku „{name}” zapisany; kiosk pozna go przy najbliższej synchronizacji.");
            Ok(())
        }
        Command::Device(DeviceCommand::List { office }) => {
            let store = Store::open(&data_dir)?;
            let office = store.office(&office)?;
            for d in store.devices(office.id)? {
                let state = crate::http::admin::kiosk_state(d.clone());
                println!("{}\t{}\t{}", d.name, state, d.last_seen_at.unwrap_or_else(|| "-".into()));
            }
            Ok(())
        }
    }
}

fn create_admin(data_dir: &std::path::Path, args: &AdminCreate) -> anyhow::Result<()> {
    let login = input::login(&args.login)?;
    let password = read_password_line(std::io::stdin().lock())?;
    let password = input::password(&password)?;
    let store = Store::open(data_dir)?;
    // Refuse an unknown office before spending time on the hash.
    if let Some(slug) = &args.office {
        store.office(slug)?;
    }
    let hash = password::hash(password)?;
    let admin = store.create_admin(&NewAdmin { login, password_hash: &hash, office_slug: args.office.as_deref() })?;
    match &args.office {
        Some(slug) => println!("Utworzono administratora „{}” urzędu /{slug}.", admin.login),
        None => println!("Utworzono operatora „{}” (wszystkie urzędy).", admin.login),
    }
    Ok(())
}

/// Reads one line; the line ending is not part of the password, other spaces are.
fn read_password_line(mut input: impl BufRead) -> anyhow::Result<String> {
    let mut line = String::new();
    input.read_line(&mut line).context("nie można odczytać hasła ze standardowego wejścia")?;
    let password = line.strip_suffix('\n').unwrap_or(&line);
    let password = password.strip_suffix('\r').unwrap_or(password);
    if password.is_empty() {
        bail!("hasło jest puste: podaj je na standardowym wejściu, np. „echo 'hasło' | sync-server admin create …”");
    }
    Ok(password.to_owned())
}

fn init_logging() {
    // Logs go to stderr (the journal under systemd, each line with its priority). Nothing here logs client
    // addresses: RODO treats an IP address as personal data.
    let mut filter = journal_log::filter_from_env();
    // axum logs every accepted connection with the client's address at trace level: that level is never
    // shown for it, whatever RUST_LOG asks for (found by `tests/logs.rs`).
    if let Ok(directive) = "axum::serve=debug".parse() {
        filter = filter.add_directive(directive);
    }
    journal_log::init(filter);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_line_keeps_inner_spaces_and_drops_the_line_ending() {
        assert_eq!(read_password_line(&b"  ala ma kota  \r\n"[..]).unwrap(), "  ala ma kota  ");
        assert_eq!(read_password_line(&b"bez-konca"[..]).unwrap(), "bez-konca");
        assert!(read_password_line(&b"\n"[..]).is_err());
        assert!(read_password_line(&b""[..]).is_err());
    }
}
