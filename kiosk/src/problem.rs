//! A problem the system around the kiosk reports on the screen. The contract, for whoever sets the kiosk
//! up (the SD-card image's boot scripts): write the problem, in Polish, for the staff and the technician,
//! to the file named by the environment variable `OCEN_URZAD_PROBLEM_FILE` (default
//! `/run/ocen-urzad/problem.txt`), e.g. a settings file that cannot be read, or a data partition that
//! did not mount. While that file exists and is not empty (whitespace does not count), the touchscreen
//! kiosk shows the "Kiosk jest chwilowo nieczynny" screen with the file's text and the kiosk's name and
//! server when known, instead of the survey. It reads the file at start and again every
//! [`RECHECK`]: when the file is removed or emptied, the survey comes back by itself. The kiosk only reads
//! the file; removing it is the writer's job.

use std::path::{Path, PathBuf};
use std::time::Duration;

/// The variable naming the file.
pub const FILE_VARIABLE: &str = "OCEN_URZAD_PROBLEM_FILE";

/// The file when the variable is not set (`/run` is emptied at boot: a problem does not outlive a fix
/// made with the power off).
pub const DEFAULT_FILE: &str = "/run/ocen-urzad/problem.txt";

/// How often the file is read again.
pub const RECHECK: Duration = Duration::from_secs(5);

/// At most this many characters of the file are shown: the screen is not a log viewer.
const MAX_CHARS: usize = 1500;

/// The file to read, from the environment.
pub fn file() -> PathBuf {
    std::env::var_os(FILE_VARIABLE).filter(|v| !v.is_empty()).map_or_else(|| PathBuf::from(DEFAULT_FILE), PathBuf::from)
}

/// The problem reported in `path`, if the file exists and has more than whitespace. A file that cannot be
/// read as text is still a problem reported: its existence says so.
pub fn read(path: &Path) -> Option<String> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) => {
            return Some(format!("Zgłoszono problem w pliku {}, ale nie można go odczytać: {e}", path.display()));
        }
    };
    let text = String::from_utf8_lossy(&bytes);
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let mut shown: String = text.chars().take(MAX_CHARS).collect();
    if text.chars().count() > MAX_CHARS {
        shown.push('…');
    }
    Some(shown)
}

/// Who the kiosk is, for the problem screen: its name, office and server when paired, else what the
/// settings say.
pub fn identity(device: Option<&str>, office: Option<&str>, server: &str) -> String {
    let server = if server.is_empty() { String::new() } else { format!(", serwer {server}") };
    match (device, office) {
        (Some(device), Some(office)) => format!("Kiosk „{device}” urzędu /{office}{server}"),
        (Some(device), None) => format!("Kiosk „{device}”{server}"),
        _ if !server.is_empty() => format!("Kiosk niesparowany{server}"),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_file_with_text_is_a_problem() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("problem.txt");
        assert_eq!(read(&path), None, "no file, no problem");
        std::fs::write(&path, " \n\t\n").unwrap();
        assert_eq!(read(&path), None, "an emptied file is a problem solved");
        std::fs::write(&path, "Nie można odczytać pliku ustawień kiosk.toml.\n").unwrap();
        assert_eq!(read(&path).as_deref(), Some("Nie można odczytać pliku ustawień kiosk.toml."));
        std::fs::write(&path, "ż".repeat(4000)).unwrap();
        let long = read(&path).unwrap();
        assert_eq!(long.chars().count(), MAX_CHARS + 1);
        assert!(long.ends_with('…'));
        // A directory where the file should be cannot be read: still a problem, said so.
        let odd = dir.path().join("katalog");
        std::fs::create_dir(&odd).unwrap();
        assert!(read(&odd).unwrap().contains("nie można go odczytać"));
    }

    #[test]
    fn the_kiosk_says_who_it_is_as_far_as_it_knows() {
        assert_eq!(
            identity(Some("parter"), Some("urzad"), "https://ankieta.gmina.pl"),
            "Kiosk „parter” urzędu /urzad, serwer https://ankieta.gmina.pl"
        );
        assert_eq!(
            identity(None, None, "https://ankieta.gmina.pl"),
            "Kiosk niesparowany, serwer https://ankieta.gmina.pl"
        );
        assert_eq!(identity(None, None, ""), "");
    }
}
