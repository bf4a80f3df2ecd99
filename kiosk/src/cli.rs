//! The kiosk's command line, in Polish: `kiosk` runs the kiosk, `kiosk pair` pairs it, `kiosk status` and
//! `kiosk export` serve the technician. clap's own words (headings, "Usage", its error messages) are
//! English, so the help is laid out by Polish templates and clap's errors are told again in Polish
//! ([`parse`]); the program's own errors are Polish already.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{ArgAction, Parser, Subcommand};

/// The help of `kiosk` itself: its commands, then its options.
const MAIN_HELP: &str = "{about-with-newline}\nUżycie: {usage}\n\nPolecenia:\n{subcommands}\n\nOpcje:\n{options}\n";

/// The help of one command.
const COMMAND_HELP: &str = "{about-with-newline}\nUżycie: {usage}\n\nOpcje:\n{options}\n";

/// Oceń Urząd: kiosk przy stanowisku obsługi. Bez polecenia uruchamia ankietę na ekranie dotykowym.
#[derive(Debug, Parser)]
#[command(
    name = "kiosk",
    version,
    help_template = MAIN_HELP,
    override_usage = "kiosk [OPCJE] [POLECENIE]",
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true
)]
pub struct Cli {
    /// Katalog bazy danych kiosku (domyślnie ./kiosk-data; zmienna OCEN_KIOSK_DATA_DIR).
    #[arg(
        long,
        global = true,
        env = "OCEN_KIOSK_DATA_DIR",
        default_value = "./kiosk-data",
        value_name = "KATALOG",
        hide_default_value = true,
        hide_env = true
    )]
    pub data_dir: PathBuf,
    /// Plik ustawień (TOML); bez niego obowiązują ustawienia domyślne (zmienna OCEN_KIOSK_CONFIG).
    #[arg(long, global = true, env = "OCEN_KIOSK_CONFIG", value_name = "PLIK", hide_env = true)]
    pub config: Option<PathBuf>,
    /// Bez ekranu: całym interfejsem jest panel przycisków.
    #[arg(long)]
    pub headless: bool,
    /// Panel przycisków: none (brak), stdin (symulacja: wiersze 1..5) albo gpio; zastępuje ustawienie z pliku.
    #[arg(long, value_enum, value_name = "RODZAJ", hide_possible_values = true)]
    pub panel: Option<crate::panel::PanelKind>,
    /// Wyświetla pomoc.
    #[arg(short = 'h', long, global = true, action = ArgAction::Help)]
    pub help: Option<bool>,
    /// Wyświetla wersję programu.
    #[arg(short = 'V', long, action = ArgAction::Version)]
    pub version: Option<bool>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// What the kiosk is asked to do besides running.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Paruje kiosk z serwerem kodem z panelu administracyjnego (Kioski).
    #[command(help_template = COMMAND_HELP, override_usage = "kiosk pair --server ADRES --code KOD")]
    Pair {
        /// Adres serwera, np. https://ankieta.gmina.pl
        #[arg(long, value_name = "ADRES")]
        server: String,
        /// Jednorazowy kod parowania, np. K7PX-M2QD
        #[arg(long, value_name = "KOD")]
        code: String,
    },
    /// Wypisuje odpowiedzi oczekujące i wysłane oraz ostatnią synchronizację.
    #[command(help_template = COMMAND_HELP, override_usage = "kiosk status")]
    Status,
    /// Dla reguły udev pakietu: macierz kalibracji ekranu dotykowego według ustawienia rotation.
    #[command(help_template = COMMAND_HELP, override_usage = "kiosk touch-calibration", hide = true)]
    TouchCalibration,
    /// Kopiuje bazę kiosku do PLIKU (bezpiecznie, także gdy kiosk działa), np. by przenieść odpowiedzi ręcznie.
    #[command(help_template = COMMAND_HELP, override_usage = "kiosk export --to PLIK")]
    Export {
        /// Plik kopii do zapisania.
        #[arg(long, value_name = "PLIK")]
        to: PathBuf,
    },
    /// Stosuje plik ustawień ocen-urzad.toml z partycji rozruchowej karty (uruchamiane przy każdym starcie).
    #[command(help_template = COMMAND_HELP, override_usage = "kiosk apply-settings [--boot KATALOG] [--pair]")]
    ApplySettings {
        /// Katalog partycji rozruchowej z plikiem ocen-urzad.toml (lub ocen-urzad.toml.txt).
        #[arg(long, value_name = "KATALOG", default_value = "/boot/firmware", hide_default_value = true)]
        boot: PathBuf,
        /// Katalog główny systemu, w którym powstają pliki ustawień (do testów).
        #[arg(long, value_name = "KATALOG", default_value = "/", hide_default_value = true)]
        root: PathBuf,
        /// Zamiast stosowania: parowanie kodem z pliku, który potem zostaje z niego usunięty.
        #[arg(long)]
        pair: bool,
    },
}

/// What to do when the command line is not one to run: print this and end with this exit code.
#[derive(Debug, PartialEq, Eq)]
pub struct Stop {
    /// The help, the version, or a Polish error with a pointer to the help.
    pub text: String,
    /// 0 after help or version, 2 after a mistake (as clap's own).
    pub code: u8,
    /// Whether the text goes to standard error (a mistake) rather than standard output.
    pub to_stderr: bool,
}

/// Reads the command line; help and version are Polish already, clap's errors are told in Polish.
pub fn parse<I, T>(args: I) -> Result<Cli, Stop>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    Cli::try_parse_from(args).map_err(|e| match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            Stop { text: e.render().to_string(), code: 0, to_stderr: false }
        }
        _ => Stop { text: format!("Błąd: {}\nPomoc: kiosk --help\n", polish(&e)), code: 2, to_stderr: true },
    })
}

/// clap's error in Polish, naming what was wrong.
fn polish(e: &clap::Error) -> String {
    let context = |kind| match e.get(kind) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join(", "),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    let arg = context(ContextKind::InvalidArg);
    let value = context(ContextKind::InvalidValue);
    match e.kind() {
        ErrorKind::UnknownArgument => format!("nieznana opcja „{arg}”"),
        ErrorKind::InvalidSubcommand => format!("nieznane polecenie „{}”", context(ContextKind::InvalidSubcommand)),
        ErrorKind::InvalidValue if value.is_empty() => format!("opcja {arg} wymaga wartości"),
        ErrorKind::InvalidValue => {
            format!("niedozwolona wartość „{value}” opcji {arg} (dozwolone: {})", context(ContextKind::ValidValue))
        }
        ErrorKind::MissingRequiredArgument => format!("brak wymaganej opcji: {arg}"),
        ErrorKind::ArgumentConflict => format!("opcji {arg} nie można użyć razem z {}", context(ContextKind::PriorArg)),
        ErrorKind::NoEquals | ErrorKind::TooManyValues | ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            format!("zła liczba wartości opcji {arg}")
        }
        ErrorKind::ValueValidation => format!("niepoprawna wartość „{value}” opcji {arg}"),
        ErrorKind::InvalidUtf8 => "argumenty muszą być tekstem UTF-8".to_owned(),
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            "brak polecenia".to_owned()
        }
        _ => "niepoprawny wiersz poleceń".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_help_is_polish() {
        let help = parse(["kiosk", "--help"]).unwrap_err();
        assert_eq!((help.code, help.to_stderr), (0, false));
        for polish in [
            "Użycie: kiosk [OPCJE] [POLECENIE]",
            "Polecenia:",
            "Opcje:",
            "Paruje kiosk",
            "-h, --help",
            "Wyświetla pomoc",
        ] {
            assert!(help.text.contains(polish), "{polish}:\n{}", help.text);
        }
        for english in ["Usage", "Options", "Commands", "Print help", "[default", "[env", "possible values"] {
            assert!(!help.text.contains(english), "{english}:\n{}", help.text);
        }
        let pair = parse(["kiosk", "pair", "--help"]).unwrap_err();
        assert!(pair.text.contains("Użycie: kiosk pair --server ADRES --code KOD"), "{}", pair.text);
        assert!(pair.text.contains("Jednorazowy kod parowania"), "{}", pair.text);
        assert!(!pair.text.contains("Usage"), "{}", pair.text);
    }

    #[test]
    fn mistakes_are_told_in_polish() {
        for (args, expected) in [
            (&["kiosk", "--nic"][..], "nieznana opcja „--nic”"),
            (&["kiosk", "paruj"][..], "nieznane polecenie „paruj”"),
            (&["kiosk", "--panel", "usb"][..], "niedozwolona wartość „usb” opcji --panel"),
            (&["kiosk", "pair", "--server", "https://a.example"][..], "brak wymaganej opcji: --code"),
        ] {
            let stop = parse(args.iter().copied()).unwrap_err();
            assert_eq!((stop.code, stop.to_stderr), (2, true), "{args:?}");
            assert!(stop.text.starts_with("Błąd: ") && stop.text.contains(expected), "{args:?}: {}", stop.text);
            assert!(stop.text.contains("kiosk --help"));
        }
    }

    #[test]
    fn a_good_command_line_reads() {
        let cli =
            parse(["kiosk", "--data-dir", "/tmp/k", "pair", "--server", "https://a.example", "--code", "K7PX-M2QD"])
                .unwrap();
        assert_eq!(cli.data_dir, PathBuf::from("/tmp/k"));
        assert!(matches!(cli.command, Some(Command::Pair { ref code, .. }) if code == "K7PX-M2QD"));
    }
}
