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
    Ok(Settings {
        data_dir: overrides.data_dir.or(from_file.data_dir).unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR)),
        listen,
        suppression_threshold,
        behind_proxy: overrides.behind_proxy.or(from_file.behind_proxy).unwrap_or(false),
        file,
    })
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
    }
}
