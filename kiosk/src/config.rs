//! The kiosk's settings, from a TOML file (`--config`), each with a default that works.

use std::path::Path;

use serde::Deserialize;

/// How the kiosk asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// The overall question as faces, then up to two short follow-ups.
    #[default]
    Smiley,
    /// The whole questionnaire, one question per screen.
    Full,
}

/// What happens to a questionnaire left in the middle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Partial {
    /// Keep what was answered (it has the overall rating, asked first).
    #[default]
    Save,
    /// Drop it.
    Drop,
}

/// Everything configurable, with defaults.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub mode: Mode,
    /// 4 or 5 faces. With 4 the faces mean 1, 2, 4 and 5: no neutral middle.
    pub faces: u8,
    /// Questions asked after the faces in smiley mode, by key (at most two).
    pub follow_ups: Vec<String>,
    /// Seconds without a touch before a started questionnaire is reset.
    pub idle_seconds: u64,
    /// Seconds the thank-you stays.
    pub thanks_seconds: u64,
    pub partial: Partial,
    /// A service screen PIN used only until the server gives the kiosk its own (at pairing). No default:
    /// a PIN shared by every kiosk opens them all. Checked by the rules of `survey::service_pin`.
    pub service_pin: Option<String>,
    /// Seconds between sync passes while all is well.
    pub sync_interval_seconds: u64,
    /// Full screen without a cursor (the default); `false` for development in a window.
    pub fullscreen: bool,
    /// The server to pair with from the service screen, e.g. `https://ankieta.gmina.pl`.
    pub server: String,
    /// The panel of physical buttons: `none`, `stdin` (simulation) or `gpio`.
    pub panel: crate::panel::PanelKind,
    /// Refuse to start when the panel cannot be opened (a buttons-only box), instead of running without it.
    pub panel_required: bool,
    /// The panel's GPIO pins.
    pub pins: crate::panel::PanelPins,
    /// Presses closer than this to the last counted one are filtered ("too soon").
    pub press_interval_seconds: u64,
    /// More counted presses than this within a minute are filtered ("burst").
    pub burst_per_minute: usize,
    /// When the office is open, e.g. `["1-5 07:30-17:00"]` (ISO weekdays); presses outside are filtered.
    /// Empty: always open.
    pub opening_hours: Vec<String>,
    /// How the display is mounted, in degrees clockwise (0, 90, 180, 270): the picture and the touch turn
    /// together (`rotation.rs`).
    pub rotation: crate::rotation::Rotation,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            mode: Mode::Smiley,
            faces: 5,
            follow_ups: vec!["komorka".into(), "sprawa_zalatwiona".into()],
            idle_seconds: 45,
            thanks_seconds: 4,
            partial: Partial::Save,
            service_pin: None,
            sync_interval_seconds: 60,
            fullscreen: true,
            server: String::new(),
            panel: crate::panel::PanelKind::None,
            panel_required: false,
            pins: crate::panel::PanelPins::default(),
            press_interval_seconds: 5,
            burst_per_minute: 6,
            opening_hours: Vec::new(),
            rotation: crate::rotation::Rotation::None,
        }
    }
}

impl Config {
    /// Reads the file, or the defaults when there is none. Mistakes are errors naming the problem.
    pub fn load(path: Option<&Path>) -> anyhow::Result<Config> {
        Config::load_with_env(path, std::env::vars())
    }

    /// [`Config::load`] with the environment given: a variable `OCEN_KIOSK_<SETTING>` (e.g.
    /// `OCEN_KIOSK_SERVER`, `OCEN_KIOSK_FACES`) overrides that top-level setting of the file. Its value is
    /// read as TOML (`4`, `true`, `["usc"]`), and as a plain string when it is not TOML.
    pub fn load_with_env(path: Option<&Path>, env: impl Iterator<Item = (String, String)>) -> anyhow::Result<Config> {
        let (text, source) = match path {
            Some(path) => (
                std::fs::read_to_string(path)
                    .map_err(|e| anyhow::anyhow!("nie można odczytać konfiguracji {}: {e}", path.display()))?,
                path.display().to_string(),
            ),
            None => (String::new(), "(ustawienia domyślne)".to_owned()),
        };
        let mut table: toml::Table =
            toml::from_str(&text).map_err(|e| anyhow::anyhow!("błąd w konfiguracji {source}: {e}"))?;
        for (name, value) in env {
            let Some(key) = name.strip_prefix("OCEN_KIOSK_") else { continue };
            // The data directory and the file's own path are not settings of the file.
            if matches!(key, "DATA_DIR" | "CONFIG") {
                continue;
            }
            let parsed = toml::from_str::<toml::Table>(&format!("v = {value}")).ok().and_then(|mut t| t.remove("v"));
            table.insert(key.to_lowercase(), parsed.unwrap_or(toml::Value::String(value)));
        }
        let path = source;
        let config: Config = table
            .try_into()
            .map_err(|e| anyhow::anyhow!("błąd w konfiguracji {path} (lub zmiennych OCEN_KIOSK_…): {e}"))?;
        if !matches!(config.faces, 4 | 5) {
            anyhow::bail!("błąd w konfiguracji {path}: faces musi wynosić 4 albo 5");
        }
        if let Err(e) = crate::filter::parse_hours(&config.opening_hours) {
            anyhow::bail!("błąd w konfiguracji {path}: {e}");
        }
        if let Some(pin) = &config.service_pin
            && let Err(problem) = survey::service_pin::check(pin)
        {
            anyhow::bail!(
                "błąd w konfiguracji {path}: service_pin odrzucony. {problem} Usuń service_pin (kiosk dostanie własny PIN przy parowaniu) albo wpisz inny."
            );
        }
        if config.follow_ups.len() > 2 {
            anyhow::bail!("błąd w konfiguracji {path}: follow_ups może mieć najwyżej dwa pytania");
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_file_and_refuses_mistakes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kiosk.toml");
        std::fs::write(&path, "mode = \"full\"\nfaces = 4\nidle_seconds = 30\n").unwrap();
        let c = Config::load(Some(&path)).unwrap();
        assert_eq!((c.mode, c.faces, c.idle_seconds, c.partial), (Mode::Full, 4, 30, Partial::Save));
        std::fs::write(&path, "rotation = 90\n").unwrap();
        assert_eq!(Config::load(Some(&path)).unwrap().rotation, crate::rotation::Rotation::Right);
        for bad in
            ["faces = 3", "mode = \"fast\"", "unknown = 1", "follow_ups = [\"a\", \"b\", \"c\"]", "rotation = 45"]
        {
            std::fs::write(&path, bad).unwrap();
            assert!(Config::load(Some(&path)).is_err(), "{bad}");
        }
    }

    #[test]
    fn no_pin_by_default_and_an_easy_one_is_refused() {
        assert_eq!(Config::default().service_pin, None);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kiosk.toml");
        for (pin, reason) in [("2468", "od 6 do 12 cyfr"), ("123456", "ciągiem"), ("000000", "powtórzeniem")] {
            std::fs::write(&path, format!("service_pin = \"{pin}\"")).unwrap();
            let err = Config::load(Some(&path)).unwrap_err().to_string();
            assert!(err.contains("service_pin odrzucony") && err.contains(reason), "{pin}: {err}");
        }
        std::fs::write(&path, "service_pin = \"739152\"").unwrap();
        assert_eq!(Config::load(Some(&path)).unwrap().service_pin.as_deref(), Some("739152"));
    }

    #[test]
    fn the_environment_overrides_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kiosk.toml");
        std::fs::write(&path, "faces = 5\nserver = \"https://stary.example.pl\"\n").unwrap();
        let env =
            |pairs: &[(&str, &str)]| pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<Vec<_>>();
        let c = Config::load_with_env(
            Some(&path),
            env(&[("OCEN_KIOSK_FACES", "4"), ("OCEN_KIOSK_SERVER", "https://nowy.example.pl"), ("OTHER", "x")])
                .into_iter(),
        )
        .unwrap();
        assert_eq!((c.faces, c.server.as_str()), (4, "https://nowy.example.pl"));
        let defaults = Config::load_with_env(None, env(&[("OCEN_KIOSK_IDLE_SECONDS", "90")]).into_iter()).unwrap();
        assert_eq!(defaults.idle_seconds, 90);
        let bad = Config::load_with_env(Some(&path), env(&[("OCEN_KIOSK_FACES", "7")]).into_iter());
        assert!(bad.unwrap_err().to_string().contains("faces musi wynosić 4 albo 5"));
    }
}
