//! The server's settings: command line and environment first, then the TOML file, then the defaults.
//! The file is `--config FILE` (or `OCEN_CONFIG`); without it `/etc/ocen-urzad/server.toml` is read when
//! it exists, so that commands typed on an installed server use the service's database. Nothing here is
//! secret, and nothing secret is ever logged.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde::Deserialize;

use crate::documents::report_figures::DEFAULT_SUPPRESSION;

/// The file the Debian package installs.
pub const SYSTEM_CONFIG: &str = "/etc/ocen-urzad/server.toml";
/// Where data goes without any setting: `./data`, next to whoever runs it (a try-out).
pub const DEFAULT_DATA_DIR: &str = "./data";
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
/// Below this a breakdown cell could single a person out; the setting cannot go lower.
pub const MIN_SUPPRESSION: u64 = 3;

/// What the TOML file may say (every key optional).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    data_dir: Option<PathBuf>,
    listen: Option<String>,
    suppression_threshold: Option<u64>,
    behind_proxy: Option<bool>,
    mail: Option<MailFile>,
    alerts: Option<AlertsFile>,
}

/// `[mail]`: the SMTP server alert mails go through. The password is never in this file: it is read from
/// `password_file` or the environment variable [`SMTP_PASSWORD_ENV`] each time a mail is sent.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct MailFile {
    host: Option<String>,
    port: Option<u16>,
    security: Option<String>,
    user: Option<String>,
    password_file: Option<PathBuf>,
    from: Option<String>,
    operator_to: Option<Vec<String>>,
    retry_base_secs: Option<u64>,
}

/// `[alerts]`: the server's own alert settings (per-office ones are in the panel).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct AlertsFile {
    interval_secs: Option<u64>,
    min_free_disk_mb: Option<u64>,
    backup_max_age_hours: Option<u64>,
}

/// The environment variable that may hold the SMTP password (instead of `password_file`).
pub const SMTP_PASSWORD_ENV: &str = "OCEN_SMTP_PASSWORD";

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// TLS from the first byte (usually port 465).
    Tls,
    /// Plain connection upgraded with STARTTLS, which must succeed (usually port 587).
    StartTls,
    /// No encryption: only for a relay on this machine or the tests' server on a loopback port.
    None,
}

/// The SMTP settings in force; `None` in [`Settings::mail`] when the file has no `[mail]` section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailSettings {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    pub user: Option<String>,
    /// Where the password is; without it, [`SMTP_PASSWORD_ENV`] (or no login when `user` is unset).
    pub password_file: Option<PathBuf>,
    /// The sender, e.g. `Oceń Urząd <ankieta@gmina.example.pl>`.
    pub from: String,
    /// Who gets the server's own alerts (disk, backup) and the test mail by default.
    pub operator_to: Vec<String>,
    /// The first wait after a failed send; each further failure doubles it (at most a day).
    pub retry_base: std::time::Duration,
}

/// The server's own alert settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertServerSettings {
    /// How often the worker looks for alerts and sends mails.
    pub interval: std::time::Duration,
    /// Below this much free space in the data directory the operator is warned.
    pub min_free_disk_mb: u64,
    /// A backup older than this (or none at all once the database is this old) is an alert.
    pub backup_max_age_hours: u64,
}

impl Default for AlertServerSettings {
    fn default() -> Self {
        AlertServerSettings {
            interval: std::time::Duration::from_secs(60),
            min_free_disk_mb: 1024,
            backup_max_age_hours: 48,
        }
    }
}

/// The settings in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub data_dir: PathBuf,
    pub listen: SocketAddr,
    /// Breakdown cells with fewer answers than this are shown as "< N".
    pub suppression_threshold: u64,
    /// Behind a reverse proxy on this machine: the survey's per-client limit reads `X-Forwarded-For`.
    pub behind_proxy: bool,
    /// The SMTP server, if configured: without it alerts are shown in the panel and their mails wait.
    pub mail: Option<MailSettings>,
    pub alerts: AlertServerSettings,
    /// The file read, if any.
    pub file: Option<PathBuf>,
}

/// What the command line and the environment said; `None` where they said nothing.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub config: Option<PathBuf>,
    pub data_dir: Option<PathBuf>,
    pub listen: Option<SocketAddr>,
    pub suppression_threshold: Option<u64>,
    pub behind_proxy: Option<bool>,
}

fn read(path: &Path) -> anyhow::Result<FileSettings> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("nie można odczytać pliku konfiguracji {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("błąd w pliku konfiguracji {}", path.display()))
}

/// The settings from `overrides`, the file and the defaults.
pub fn load(overrides: Overrides) -> anyhow::Result<Settings> {
    load_with_system_file(overrides, Path::new(SYSTEM_CONFIG))
}

/// [`load`], with the system file given (tests use a temporary one).
pub fn load_with_system_file(overrides: Overrides, system: &Path) -> anyhow::Result<Settings> {
    let file = overrides.config.clone().or_else(|| system.exists().then(|| system.to_owned()));
    let from_file = match &file {
        Some(path) => read(path)?,
        None => FileSettings::default(),
    };
    let listen = match (overrides.listen, from_file.listen) {
        (Some(addr), _) => addr,
        (None, Some(text)) => text
            .parse()
            .with_context(|| format!("listen = „{text}” nie jest adresem z portem, np. {DEFAULT_LISTEN}"))?,
        (None, None) => DEFAULT_LISTEN.parse().context("domyślny adres")?,
    };
    let suppression_threshold =
        overrides.suppression_threshold.or(from_file.suppression_threshold).unwrap_or(DEFAULT_SUPPRESSION);
    if !(MIN_SUPPRESSION..=1000).contains(&suppression_threshold) {
        bail!(
            "suppression_threshold = {suppression_threshold}: próg ukrywania małych grup musi wynosić od {MIN_SUPPRESSION} do 1000"
        );
    }
    let mail = from_file.mail.map(mail_settings).transpose()?;
    let defaults = AlertServerSettings::default();
    let alerts = match from_file.alerts {
        Some(a) => AlertServerSettings {
            interval: a.interval_secs.map_or(defaults.interval, std::time::Duration::from_secs),
            min_free_disk_mb: a.min_free_disk_mb.unwrap_or(defaults.min_free_disk_mb),
            backup_max_age_hours: a.backup_max_age_hours.unwrap_or(defaults.backup_max_age_hours),
        },
        None => defaults,
    };
    if alerts.interval.is_zero() || alerts.interval.as_secs() > 3600 {
        bail!("[alerts] interval_secs: od 1 do 3600 sekund");
    }
    Ok(Settings {
        mail,
        alerts,
        data_dir: overrides.data_dir.or(from_file.data_dir).unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR)),
        listen,
        suppression_threshold,
        behind_proxy: overrides.behind_proxy.or(from_file.behind_proxy).unwrap_or(false),
        file,
    })
}

fn mail_settings(m: MailFile) -> anyhow::Result<MailSettings> {
    let Some(host) = m.host.filter(|h| !h.trim().is_empty()) else {
        bail!("[mail] host: podaj adres serwera SMTP, np. host = \"smtp.gmina.example.pl\"");
    };
    let security = match m.security.as_deref().unwrap_or("starttls") {
        "tls" => SmtpSecurity::Tls,
        "starttls" => SmtpSecurity::StartTls,
        "none" => SmtpSecurity::None,
        other => bail!("[mail] security = „{other}”: dozwolone są „tls”, „starttls” i „none”"),
    };
    let port = m.port.unwrap_or(match security {
        SmtpSecurity::Tls => 465,
        SmtpSecurity::StartTls => 587,
        SmtpSecurity::None => 25,
    });
    let Some(from) = m.from.filter(|f| f.parse::<lettre::message::Mailbox>().is_ok()) else {
        bail!("[mail] from: podaj adres nadawcy, np. from = \"Oceń Urząd <ankieta@gmina.example.pl>\"");
    };
    let operator_to = m.operator_to.unwrap_or_default();
    if let Some(bad) = operator_to.iter().find(|a| a.parse::<lettre::Address>().is_err()) {
        bail!("[mail] operator_to: „{bad}” nie jest adresem e-mail");
    }
    Ok(MailSettings {
        host,
        port,
        security,
        user: m.user.filter(|u| !u.is_empty()),
        password_file: m.password_file,
        from,
        operator_to,
        retry_base: std::time::Duration::from_secs(m.retry_base_secs.unwrap_or(60).clamp(1, 3600)),
    })
}

impl MailSettings {
    /// The SMTP password, read now from its file or the environment; `None` when no login is configured.
    /// Never stored, never logged.
    pub fn password(&self) -> anyhow::Result<Option<String>> {
        if self.user.is_none() {
            return Ok(None);
        }
        if let Some(file) = &self.password_file {
            let text = std::fs::read_to_string(file)
                .with_context(|| format!("nie można odczytać hasła SMTP z pliku {}", file.display()))?;
            return Ok(Some(text.trim_end_matches(['\r', '\n']).to_owned()));
        }
        match std::env::var(SMTP_PASSWORD_ENV) {
            Ok(p) => Ok(Some(p)),
            Err(_) => {
                bail!("[mail] user jest ustawiony, ale brak hasła: podaj password_file lub zmienną {SMTP_PASSWORD_ENV}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_file(text: &str, overrides: Overrides) -> anyhow::Result<Settings> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("server.toml");
        std::fs::write(&path, text).unwrap();
        load_with_system_file(overrides, &path)
    }

    #[test]
    fn defaults_apply_without_a_file() {
        let s = load_with_system_file(Overrides::default(), Path::new("/nonexistent/server.toml")).unwrap();
        assert_eq!(s.data_dir, PathBuf::from("./data"));
        assert_eq!(s.listen.to_string(), "127.0.0.1:8080");
        assert_eq!((s.suppression_threshold, s.file, s.behind_proxy), (5, None, false));
    }

    #[test]
    fn the_file_is_read_and_the_command_line_wins() {
        let text = "data_dir = \"/var/lib/ocen-urzad\"\nlisten = \"0.0.0.0:9000\"\nsuppression_threshold = 10\nbehind_proxy = true\n";
        let s = with_file(text, Overrides::default()).unwrap();
        assert!(s.behind_proxy);
        assert_eq!(s.data_dir, PathBuf::from("/var/lib/ocen-urzad"));
        assert_eq!((s.listen.port(), s.suppression_threshold), (9000, 10));
        let over = Overrides { listen: Some("127.0.0.1:1".parse().unwrap()), ..Overrides::default() };
        assert_eq!(with_file(text, over).unwrap().listen.port(), 1);
    }

    #[test]
    fn bad_files_are_refused_in_polish() {
        let err = |text: &str| format!("{:#}", with_file(text, Overrides::default()).unwrap_err());
        assert!(err("port = 80\n").contains("błąd w pliku konfiguracji"), "unknown keys are refused");
        assert!(err("listen = \"localhost\"\n").contains("nie jest adresem z portem"));
        assert!(err("suppression_threshold = 1\n").contains("od 3 do 1000"));
        assert!(err("data_dir = \n").contains("błąd w pliku konfiguracji"));
        assert!(err("[mail]\nport = 25\n").contains("[mail] host"));
        assert!(
            err("[mail]\nhost = \"h\"\nfrom = \"a@b.pl\"\nsecurity = \"ssl\"\n").contains("„tls”, „starttls” i „none”")
        );
        assert!(err("[mail]\nhost = \"h\"\nfrom = \"nie adres\"\n").contains("adres nadawcy"));
        assert!(
            err("[mail]\nhost = \"h\"\nfrom = \"a@b.pl\"\npassword = \"x\"\n").contains("błąd w pliku"),
            "no password key"
        );
        assert!(err("[alerts]\ninterval_secs = 0\n").contains("od 1 do 3600"));
    }

    #[test]
    fn mail_settings_are_read_and_the_password_comes_from_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let secret = dir.path().join("smtp");
        std::fs::write(&secret, "tajne\n").unwrap();
        let text = format!(
            "[mail]\nhost = \"smtp.example.pl\"\nsecurity = \"tls\"\nuser = \"ankieta\"\npassword_file = \"{}\"\nfrom = \"Oceń Urząd <ankieta@example.pl>\"\noperator_to = [\"it@example.pl\"]\n[alerts]\nmin_free_disk_mb = 500\n",
            secret.display()
        );
        let s = with_file(&text, Overrides::default()).unwrap();
        let mail = s.mail.clone().unwrap();
        assert_eq!((mail.port, mail.security, mail.operator_to.len()), (465, SmtpSecurity::Tls, 1));
        assert_eq!(mail.password().unwrap().as_deref(), Some("tajne"));
        assert!(!format!("{s:?}").contains("tajne"), "the password is not part of the settings");
        assert_eq!(s.alerts.min_free_disk_mb, 500);
        assert_eq!(s.alerts.interval.as_secs(), 60);
    }
}
