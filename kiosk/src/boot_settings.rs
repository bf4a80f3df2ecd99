//! The SD-card image's one settings file: `ocen-urzad.toml` on the boot (FAT) partition, which any computer
//! can open. Windows may save it as `ocen-urzad.toml.txt`; both names are read. `kiosk apply-settings`
//! applies it at every boot, before the network and the kiosk start: it writes the kiosk's settings and
//! the network, Wi-Fi, time, proxy and host name files, all under `/run` (the image's root is read-only,
//! and what is written in `/run` is made again from the file at the next boot, so the file is the only
//! truth). The image's units and symbolic links point the system at those files.
//!
//! Only the keys of [`KEYS`] are allowed. Every unknown key and every bad value is collected into one
//! Polish message, written to the problem file (the kiosk shows it on its screen instead of the survey),
//! and nothing from the file is applied, only the image's defaults (wired DHCP, a kiosk without a server):
//! a half-applied file would leave a kiosk that works differently from what its file says.
//!
//! The pairing code is used once: `kiosk apply-settings --pair` pairs the kiosk (as the kiosk's user)
//! and then removes the code's line from the file, leaving everything else as it was written.

use std::fmt::Write as _;
use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::config::{Config, Mode};
use crate::panel::PanelKind;

/// The names the file may have on the boot partition, in the order they are looked for.
pub const FILE_NAMES: [&str; 2] = ["ocen-urzad.toml", "ocen-urzad.toml.txt"];

/// Every key the file may hold.
pub const KEYS: &[&str] = &[
    "server",
    "pairing_code",
    "service_pin",
    "mode",
    "faces",
    "panel",
    "screen",
    "rotation",
    "wifi_name",
    "wifi_password",
    "wifi_country",
    "address",
    "gateway",
    "dns",
    "ntp",
    "proxy",
    "hostname",
];

/// Where the problem file is when `OCEN_URZAD_PROBLEM_FILE` does not say: the kiosk shows its text
/// instead of the survey.
pub const DEFAULT_PROBLEM_FILE: &str = "/run/ocen-urzad/problem.txt";

/// The files written, relative to the root: the image's units and links read them from there.
pub mod paths {
    /// The kiosk's settings (`kiosk --config`).
    pub const KIOSK_CONFIG: &str = "run/ocen-urzad/kiosk.toml";
    /// Extra options and environment of the kiosk's unit (headless, screen rotation).
    pub const KIOSK_ENV: &str = "run/ocen-urzad/kiosk.env";
    /// The HTTP proxy, for the kiosk's unit (and anything else that wants it).
    pub const PROXY_ENV: &str = "run/ocen-urzad/proxy.env";
    /// The wired network (systemd-networkd reads /run/systemd/network; a file of the same name in
    /// /usr/lib/systemd/network is the image's fallback: DHCP).
    pub const WIRED_NETWORK: &str = "run/systemd/network/20-wired.network";
    /// The wireless network's addresses (systemd-networkd).
    pub const WIFI_NETWORK: &str = "run/systemd/network/30-wifi.network";
    /// The Wi-Fi name and password (wpa_supplicant@wlan0, through the image's link
    /// /etc/wpa_supplicant/wpa_supplicant-wlan0.conf).
    pub const WPA_SUPPLICANT: &str = "run/ocen-urzad/wpa_supplicant-wlan0.conf";
    /// The time servers (systemd-timesyncd reads /run/systemd/timesyncd.conf.d).
    pub const TIMESYNCD: &str = "run/systemd/timesyncd.conf.d/50-ocen-urzad.conf";
    /// The host name: the kernel's own (under `/` the running system's, set at once).
    pub const KERNEL_HOSTNAME: &str = "proc/sys/kernel/hostname";
    /// Written when the file holds a pairing code: `kiosk apply-settings --pair` then has work to do.
    pub const PAIRING_PENDING: &str = "run/ocen-urzad/pairing-pending";
}

/// The address of the wired (and wireless) network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Address {
    /// From the office's DHCP server (the default).
    Dhcp,
    /// Fixed: the address with its prefix length, the gateway, the name servers.
    Static { address: Ipv4Addr, prefix: u8, gateway: Ipv4Addr, dns: Vec<IpAddr> },
}

/// The Wi-Fi network to join.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wifi {
    pub name: String,
    /// None: an open network.
    pub password: Option<String>,
    /// Two capital letters (ISO 3166), e.g. PL: which radio channels are allowed.
    pub country: String,
}

/// The settings read from the file, every value checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BootSettings {
    pub server: Option<String>,
    pub pairing_code: Option<String>,
    pub service_pin: Option<String>,
    pub mode: Option<Mode>,
    pub faces: Option<u8>,
    pub panel: Option<PanelKind>,
    /// `false`: a buttons-only box (`kiosk --headless`), the panel is the whole interface.
    pub screen: bool,
    /// Degrees clockwise: 0, 90, 180 or 270.
    pub rotation: u16,
    pub wifi: Option<Wifi>,
    pub address: Address,
    pub ntp: Vec<String>,
    pub proxy: Option<String>,
    pub hostname: Option<String>,
}

impl Default for BootSettings {
    fn default() -> Self {
        BootSettings {
            server: None,
            pairing_code: None,
            service_pin: None,
            mode: None,
            faces: None,
            panel: None,
            screen: true,
            rotation: 0,
            wifi: None,
            address: Address::Dhcp,
            ntp: Vec::new(),
            proxy: None,
            hostname: None,
        }
    }
}

/// What is wrong with the file, one Polish sentence per mistake, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problems {
    /// The file's name as the office sees it on the card.
    pub file: String,
    pub items: Vec<String>,
}

impl Problems {
    /// The text for the kiosk's screen (the problem file).
    pub fn message(&self) -> String {
        let mut text = format!(
            "Plik ustawień {} na karcie pamięci zawiera błędy, więc kiosk nie zastosował z niego żadnego ustawienia.\n\
             Proszę poprawić plik (partycja BOOTFS karty, otwierana na każdym komputerze) i ponownie uruchomić kiosk.\n",
            self.file
        );
        for item in &self.items {
            let _ = writeln!(text, "- {item}");
        }
        text
    }
}

/// The settings file on the boot partition `boot`: its path, or None when there is none. Two files (both
/// names) are a mistake: which one the office meant cannot be known.
pub fn find_file(boot: &Path) -> Result<Option<PathBuf>, Problems> {
    let found: Vec<PathBuf> = FILE_NAMES.iter().map(|name| boot.join(name)).filter(|p| p.is_file()).collect();
    match found.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(one.clone())),
        _ => Err(Problems {
            file: FILE_NAMES[0].to_owned(),
            items: vec![format!(
                "na karcie są dwa pliki ustawień, {} i {}: proszę zostawić jeden z nich",
                FILE_NAMES[0], FILE_NAMES[1]
            )],
        }),
    }
}

/// The file's bytes as text: UTF-8 with or without Notepad's byte order mark, or UTF-16 with one.
fn decode(bytes: &[u8]) -> Option<String> {
    let utf16 = |le: bool| {
        let units: Vec<u16> = bytes[2..]
            .chunks_exact(2)
            .map(|c| if le { u16::from_le_bytes([c[0], c[1]]) } else { u16::from_be_bytes([c[0], c[1]]) })
            .collect();
        String::from_utf16(&units).ok()
    };
    match bytes {
        [0xEF, 0xBB, 0xBF, rest @ ..] => String::from_utf8(rest.to_vec()).ok(),
        [0xFF, 0xFE, ..] => utf16(true),
        [0xFE, 0xFF, ..] => utf16(false),
        _ => String::from_utf8(bytes.to_vec()).ok(),
    }
}

/// The line (from 1) where `key` is set, for the message.
fn line_of(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|line| {
            let line = line.trim_start();
            line.strip_prefix(key).is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map(|i| i + 1)
}

/// Reads and checks the file's text. `file` is its name, for the messages.
pub fn parse(file: &str, bytes: &[u8]) -> Result<BootSettings, Problems> {
    let problems = |items: Vec<String>| Problems { file: file.to_owned(), items };
    let Some(text) = decode(bytes) else {
        return Err(problems(vec![
            "plik nie jest tekstem w kodowaniu UTF-8: proszę zapisać go ponownie (w Notatniku: „Zapisz jako”, kodowanie UTF-8)".to_owned(),
        ]));
    };
    let table: toml::Table = match toml::from_str(&text) {
        Ok(table) => table,
        Err(e) => {
            let line = e.span().map(|span| text[..span.start.min(text.len())].lines().count().max(1));
            let place = line.map_or_else(String::new, |n| format!("wiersz {n}: "));
            return Err(problems(vec![format!(
                "{place}zapis niezgodny z formatem pliku; każde ustawienie ma postać nazwa = \"wartość\" (tekst w cudzysłowie), liczba (faces = 5) albo lista (ntp = [\"ntp.gmina.pl\"])"
            )]));
        }
    };
    let mut items = Vec::new();
    let mut s = BootSettings::default();
    // Values are read in the order of KEYS, so that the message lists mistakes in a stable order.
    let at = |key: &str| line_of(&text, key).map_or_else(String::new, |n| format!("wiersz {n}: "));
    for key in table.keys() {
        if !KEYS.contains(&key.as_str()) {
            items.push(format!("{}nieznane ustawienie „{key}” (dozwolone: {})", at(key), KEYS.join(", ")));
        }
    }
    let text_of = |key: &str, items: &mut Vec<String>| -> Option<String> {
        match table.get(key)? {
            toml::Value::String(v) => Some(v.trim().to_owned()),
            _ => {
                items.push(format!("{}{key} musi być tekstem w cudzysłowie, np. {key} = \"…\"", at(key)));
                None
            }
        }
    };
    let wrong = |items: &mut Vec<String>, key: &str, what: &str| items.push(format!("{}{key}: {what}", at(key)));

    if let Some(server) = text_of("server", &mut items) {
        let server = server.trim_end_matches('/').to_owned();
        if is_http_url(&server) {
            s.server = Some(server);
        } else {
            wrong(&mut items, "server", "adres serwera musi wyglądać jak https://ankieta.gmina.example.pl");
        }
    }
    if let Some(code) = text_of("pairing_code", &mut items) {
        if (4..=64).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            s.pairing_code = Some(code);
        } else {
            wrong(
                &mut items,
                "pairing_code",
                "kod parowania to litery, cyfry i łączniki, jak w panelu administracyjnym",
            );
        }
    }
    if s.pairing_code.is_some() && s.server.is_none() && !table.contains_key("server") {
        items.push("pairing_code wymaga adresu serwera: server = \"https://…\"".to_owned());
    }
    if let Some(pin) = text_of("service_pin", &mut items) {
        match survey::service_pin::check(&pin) {
            Ok(()) => s.service_pin = Some(pin),
            Err(problem) => wrong(&mut items, "service_pin", &format!("PIN odrzucony. {problem}")),
        }
    }
    if let Some(mode) = text_of("mode", &mut items) {
        match mode.as_str() {
            "smiley" => s.mode = Some(Mode::Smiley),
            "full" => s.mode = Some(Mode::Full),
            _ => wrong(&mut items, "mode", "dozwolone wartości to \"smiley\" (buźki) albo \"full\" (cała ankieta)"),
        }
    }
    if let Some(faces) = table.get("faces") {
        match faces.as_integer() {
            Some(n @ (4 | 5)) => s.faces = Some(n as u8),
            _ => wrong(&mut items, "faces", "liczba buziek to 4 albo 5, bez cudzysłowu: faces = 5"),
        }
    }
    if let Some(panel) = text_of("panel", &mut items) {
        match panel.as_str() {
            "none" => s.panel = Some(PanelKind::None),
            "gpio" => s.panel = Some(PanelKind::Gpio),
            "stdin" => s.panel = Some(PanelKind::Stdin),
            _ => wrong(
                &mut items,
                "panel",
                "dozwolone wartości to \"none\" (brak), \"gpio\" (przyciski) albo \"stdin\" (symulacja)",
            ),
        }
    }
    if let Some(screen) = table.get("screen") {
        match screen.as_bool() {
            Some(on) => s.screen = on,
            None => wrong(
                &mut items,
                "screen",
                "dozwolone wartości to true (ekran dotykowy) albo false (tylko przyciski), bez cudzysłowu",
            ),
        }
    }
    if !s.screen && matches!(s.panel, None | Some(PanelKind::None)) {
        wrong(&mut items, "screen", "kiosk bez ekranu (screen = false) potrzebuje panelu przycisków: panel = \"gpio\"");
    }
    if let Some(rotation) = table.get("rotation") {
        match rotation.as_integer() {
            Some(deg @ (0 | 90 | 180 | 270)) => s.rotation = deg as u16,
            _ => wrong(&mut items, "rotation", "obrót ekranu to 0, 90, 180 albo 270 (stopni), bez cudzysłowu"),
        }
    }

    let wifi_name = text_of("wifi_name", &mut items);
    let wifi_password = text_of("wifi_password", &mut items);
    let wifi_country = text_of("wifi_country", &mut items);
    match (wifi_name, wifi_password, wifi_country) {
        (None, None, None) => {}
        (Some(name), password, country) => {
            let mut ok = true;
            if name.is_empty() || name.len() > 32 || name.chars().any(char::is_control) {
                wrong(&mut items, "wifi_name", "nazwa sieci Wi-Fi ma od 1 do 32 znaków");
                ok = false;
            }
            if let Some(p) = &password
                && (!(8..=63).contains(&p.len()) || !p.bytes().all(|b| (0x20..0x7f).contains(&b)))
            {
                wrong(&mut items, "wifi_password", "hasło Wi-Fi (WPA2) ma od 8 do 63 znaków bez polskich liter");
                ok = false;
            }
            let country = country.unwrap_or_default();
            if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
                wrong(
                    &mut items,
                    "wifi_country",
                    "kraj sieci Wi-Fi to dwie wielkie litery, w Polsce: wifi_country = \"PL\"",
                );
                ok = false;
            }
            if ok {
                s.wifi = Some(Wifi { name, password, country });
            }
        }
        (None, _, _) => items.push("wifi_password i wifi_country wymagają nazwy sieci: wifi_name = \"…\"".to_owned()),
    }

    let address = text_of("address", &mut items);
    let gateway = text_of("gateway", &mut items);
    let dns: Option<Vec<String>> = list_of(&table, "dns", &mut items, &at);
    match address.as_deref() {
        None | Some("dhcp") => {
            for key in ["gateway", "dns"] {
                if table.contains_key(key) {
                    wrong(&mut items, key, "podaje się tylko ze stałym adresem (address = \"192.168.10.50/24\")");
                }
            }
        }
        Some(fixed) => {
            let parsed = fixed.split_once('/').and_then(|(ip, prefix)| {
                Some((ip.parse::<Ipv4Addr>().ok()?, prefix.parse::<u8>().ok().filter(|p| (8..=30).contains(p))?))
            });
            let gateway = gateway.as_deref().and_then(|g| g.parse::<Ipv4Addr>().ok());
            let dns: Option<Vec<IpAddr>> =
                dns.unwrap_or_default().iter().map(|d| d.parse().ok()).collect::<Option<Vec<_>>>();
            if parsed.is_none() {
                wrong(&mut items, "address", "\"dhcp\" albo stały adres z długością maski, np. \"192.168.10.50/24\"");
            }
            if gateway.is_none() {
                wrong(&mut items, "gateway", "stały adres wymaga bramy, np. gateway = \"192.168.10.1\"");
            }
            if dns.as_ref().is_none_or(Vec::is_empty) {
                wrong(&mut items, "dns", "stały adres wymaga serwerów nazw, np. dns = [\"192.168.10.1\"]");
            }
            if let (Some((address, prefix)), Some(gateway), Some(dns)) = (parsed, gateway, dns) {
                s.address = Address::Static { address, prefix, gateway, dns };
            }
        }
    }
    if let Some(ntp) = list_of(&table, "ntp", &mut items, &at) {
        if ntp.is_empty() || !ntp.iter().all(|n| is_host(n)) {
            wrong(&mut items, "ntp", "lista serwerów czasu, np. ntp = [\"ntp.gmina.pl\", \"192.168.10.1\"]");
        } else {
            s.ntp = ntp;
        }
    }
    if let Some(proxy) = text_of("proxy", &mut items) {
        if is_http_url(proxy.trim_end_matches('/')) {
            s.proxy = Some(proxy);
        } else {
            wrong(&mut items, "proxy", "adres serwera pośredniczącego, np. \"http://proxy.gmina.local:3128\"");
        }
    }
    if let Some(hostname) = text_of("hostname", &mut items) {
        let hostname = hostname.to_ascii_lowercase();
        if (1..=63).contains(&hostname.len())
            && hostname.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !hostname.starts_with('-')
            && !hostname.ends_with('-')
        {
            s.hostname = Some(hostname);
        } else {
            wrong(
                &mut items,
                "hostname",
                "nazwa komputera to litery bez polskich znaków, cyfry i łączniki, np. \"kiosk-parter\"",
            );
        }
    }
    if items.is_empty() { Ok(s) } else { Err(problems(items)) }
}

/// A list of texts; None when the key is absent, or after noting that it is not a list of texts.
fn list_of(
    table: &toml::Table,
    key: &str,
    items: &mut Vec<String>,
    at: &dyn Fn(&str) -> String,
) -> Option<Vec<String>> {
    let value = table.get(key)?;
    let list = match value {
        // One server written without brackets is what people mean by it.
        toml::Value::String(one) => Some(vec![one.trim().to_owned()]),
        toml::Value::Array(values) => {
            values.iter().map(|v| v.as_str().map(|s| s.trim().to_owned())).collect::<Option<Vec<_>>>()
        }
        _ => None,
    };
    if list.is_none() {
        items.push(format!("{}{key} musi być listą tekstów, np. {key} = [\"…\", \"…\"]", at(key)));
    }
    list
}

/// `http://` or `https://`, a host name or address, an optional port and path, nothing that breaks a line.
fn is_http_url(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("https://").or_else(|| s.strip_prefix("http://")) else { return false };
    let (authority, _path) = rest.split_once('/').unwrap_or((rest, ""));
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    };
    is_host(host)
        && port.is_none_or(|p| p.parse::<u16>().is_ok_and(|p| p > 0))
        && !s.chars().any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '\\')
}

/// A DNS name or an IPv4 address.
fn is_host(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !label.starts_with('-')
        })
}

/// One file to write: where (relative to the root), what, and its mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    pub path: &'static str,
    pub content: String,
    pub mode: u32,
    /// Readable by the kiosk's group (the file holds the service PIN).
    pub kiosk_group: bool,
}

/// Quotes a text as TOML does.
fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

/// What the settings make the system's files say. Files not listed are removed (a Wi-Fi network taken
/// out of the settings file must not stay configured; under /run nothing survives a reboot anyway).
pub fn outputs(s: &BootSettings) -> Vec<Output> {
    let mut out = Vec::new();
    let header =
        "# Made at boot by `kiosk apply-settings` from ocen-urzad.toml on the boot partition: change that file.\n";

    let mut kiosk = String::from(header);
    if let Some(server) = &s.server {
        let _ = writeln!(kiosk, "server = {}", toml_string(server));
    }
    if let Some(pin) = &s.service_pin {
        let _ = writeln!(kiosk, "service_pin = {}", toml_string(pin));
    }
    if let Some(mode) = s.mode {
        let _ = writeln!(kiosk, "mode = {}", toml_string(if mode == Mode::Full { "full" } else { "smiley" }));
    }
    if let Some(faces) = s.faces {
        let _ = writeln!(kiosk, "faces = {faces}");
    }
    if let Some(panel) = s.panel {
        let name = match panel {
            PanelKind::None => "none",
            PanelKind::Stdin => "stdin",
            PanelKind::Gpio => "gpio",
        };
        let _ = writeln!(kiosk, "panel = {}", toml_string(name));
    }
    out.push(Output { path: paths::KIOSK_CONFIG, content: kiosk, mode: 0o640, kiosk_group: true });

    // The kiosk unit's options: `$KIOSK_OPTIONS` on its command line; the rotation for Slint's DRM/KMS
    // backend.
    let mut env = String::from(header);
    // The settings file by the environment rather than on the unit's command line: should this file be
    // missing, the kiosk starts with its defaults (and can show a problem) instead of failing.
    let _ = writeln!(env, "OCEN_KIOSK_CONFIG=/{}", paths::KIOSK_CONFIG);
    let _ = writeln!(env, "KIOSK_OPTIONS={}", if s.screen { "" } else { "--headless" });
    if s.rotation != 0 {
        let _ = writeln!(env, "SLINT_KMS_ROTATION={}", s.rotation);
    }
    out.push(Output { path: paths::KIOSK_ENV, content: env, mode: 0o644, kiosk_group: false });

    if let Some(proxy) = &s.proxy {
        let mut env = String::from(header);
        for var in ["http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"] {
            let _ = writeln!(env, "{var}={proxy}");
        }
        let _ = writeln!(env, "no_proxy=localhost,127.0.0.1,::1\nNO_PROXY=localhost,127.0.0.1,::1");
        out.push(Output { path: paths::PROXY_ENV, content: env, mode: 0o644, kiosk_group: false });
    }

    // The same addressing on the cable and on the radio; the client identifier is the interface's MAC
    // address, so the office's DHCP server sees the same client at every boot (reservations hold).
    let network = |matching: &str| {
        let mut n = format!("{header}[Match]\nName={matching}\n\n[Network]\n");
        match &s.address {
            Address::Dhcp => n.push_str("DHCP=ipv4\n"),
            Address::Static { address, prefix, gateway, dns } => {
                let _ = writeln!(n, "Address={address}/{prefix}\nGateway={gateway}");
                for d in dns {
                    let _ = writeln!(n, "DNS={d}");
                }
            }
        }
        for server in &s.ntp {
            let _ = writeln!(n, "NTP={server}");
        }
        if s.address == Address::Dhcp {
            n.push_str("\n[DHCPv4]\nClientIdentifier=mac\n");
            if let Some(hostname) = &s.hostname {
                let _ = writeln!(n, "Hostname={hostname}");
            }
        }
        n
    };
    out.push(Output { path: paths::WIRED_NETWORK, content: network("e*"), mode: 0o644, kiosk_group: false });
    if let Some(wifi) = &s.wifi {
        out.push(Output { path: paths::WIFI_NETWORK, content: network("wl*"), mode: 0o644, kiosk_group: false });
        // The name in hexadecimal: any characters, nothing to escape. The password quoted: wpa_supplicant
        // takes everything up to the line's last quote, and the password is printable ASCII.
        let ssid: String = wifi.name.bytes().map(|b| format!("{b:02x}")).collect();
        let mut conf = format!(
            "# Made at boot by `kiosk apply-settings` from ocen-urzad.toml on the boot partition: change that file.\n\
             ctrl_interface=DIR=/run/wpa_supplicant GROUP=netdev\nupdate_config=0\ncountry={}\n\nnetwork={{\n\tssid={ssid}\n\tscan_ssid=1\n",
            wifi.country
        );
        match &wifi.password {
            Some(p) => {
                let _ = writeln!(conf, "\tkey_mgmt=WPA-PSK\n\tpsk=\"{p}\"");
            }
            None => conf.push_str("\tkey_mgmt=NONE\n"),
        }
        conf.push_str("}\n");
        out.push(Output { path: paths::WPA_SUPPLICANT, content: conf, mode: 0o600, kiosk_group: false });
    }
    if !s.ntp.is_empty() {
        let conf = format!("{header}[Time]\nNTP={}\n", s.ntp.join(" "));
        out.push(Output { path: paths::TIMESYNCD, content: conf, mode: 0o644, kiosk_group: false });
    }
    if let Some(hostname) = &s.hostname {
        out.push(Output {
            path: paths::KERNEL_HOSTNAME,
            content: format!("{hostname}\n"),
            mode: 0o644,
            kiosk_group: false,
        });
    }
    if s.pairing_code.is_some() {
        // Only a flag: the code itself stays in the file on the boot partition until it is used.
        out.push(Output { path: paths::PAIRING_PENDING, content: String::new(), mode: 0o600, kiosk_group: false });
    }
    out
}

/// Every file [`outputs`] may write: the ones not written this time are removed.
const ALL_OUTPUTS: &[&str] = &[
    paths::KIOSK_CONFIG,
    paths::KIOSK_ENV,
    paths::PROXY_ENV,
    paths::WIRED_NETWORK,
    paths::WIFI_NETWORK,
    paths::WPA_SUPPLICANT,
    paths::TIMESYNCD,
    paths::PAIRING_PENDING,
];

/// Where the kiosk's user and group are looked up (under the root), and the group's id.
fn kiosk_gid(root: &Path, group: &str) -> Option<u32> {
    let groups = std::fs::read_to_string(root.join("etc/group")).ok()?;
    groups.lines().find_map(|line| {
        let mut fields = line.split(':');
        (fields.next()? == group).then(|| fields.nth(1)?.parse().ok())?
    })
}

/// Writes the files of `settings` under `root` (`/` on the kiosk, a temporary directory in tests) and
/// removes those of earlier settings that no longer apply. The kiosk's settings file goes to root and the
/// group `kiosk_group` (when it exists under the root), mode 0640: it may hold the service PIN.
pub fn write(root: &Path, settings: &BootSettings, kiosk_group: &str) -> std::io::Result<Vec<PathBuf>> {
    use std::os::unix::fs::PermissionsExt;
    let outputs = outputs(settings);
    for stale in ALL_OUTPUTS.iter().filter(|p| !outputs.iter().any(|o| o.path == **p)) {
        match std::fs::remove_file(root.join(stale)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
    }
    let gid = kiosk_gid(root, kiosk_group);
    let mut written = Vec::new();
    for output in outputs {
        let path = root.join(output.path);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        if output.path == paths::KERNEL_HOSTNAME {
            // A file of the kernel's: written in place, not replaced.
            std::fs::write(&path, &output.content)?;
        } else {
            // Written whole or not at all: a new file renamed over the old one.
            let tmp = path.with_extension("tmp");
            std::fs::write(&tmp, &output.content)?;
            std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(output.mode))?;
            if output.kiosk_group
                && let Some(gid) = gid
            {
                std::os::unix::fs::chown(&tmp, Some(0), Some(gid))?;
            }
            std::fs::rename(&tmp, &path)?;
        }
        written.push(path);
    }
    Ok(written)
}

/// The file's text without its `pairing_code` line(s), with a note where the code was. Everything else,
/// comments included, stays as the office wrote it.
pub fn without_pairing_code(text: &str, note: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start_matches('\u{feff}').trim_start();
        let is_code = trimmed.strip_prefix("pairing_code").is_some_and(|rest| rest.trim_start().starts_with('='));
        if is_code {
            let eol = if line.ends_with("\r\n") { "\r\n" } else { "\n" };
            out.push_str(&format!("# {note}{eol}"));
        } else {
            out.push_str(line);
        }
    }
    out
}

/// The problem file's path: `OCEN_URZAD_PROBLEM_FILE`, or [`DEFAULT_PROBLEM_FILE`].
pub fn problem_file() -> PathBuf {
    std::env::var_os("OCEN_URZAD_PROBLEM_FILE").map_or_else(|| PathBuf::from(DEFAULT_PROBLEM_FILE), PathBuf::from)
}

/// Writes the problem for the kiosk's screen (and standard error, for the journal).
pub fn report_problem(path: &Path, text: &str) {
    eprint!("{text}");
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    if let Err(e) = std::fs::write(path, text) {
        eprintln!("nie można zapisać pliku problemu {}: {e}", path.display());
    }
}

/// `kiosk apply-settings [--pair]` as the command line gives it: applies the file (or, with `pair`, pairs
/// with its code), as root on the kiosk.
pub fn run_command(boot: &Path, root: &Path, pair_now: bool, data_dir: &Path) -> anyhow::Result<()> {
    if pair_now {
        let attempts = std::env::var("PAIR_ATTEMPTS").ok().and_then(|a| a.parse().ok()).unwrap_or(12);
        let delay = std::env::var("PAIR_DELAY").ok().and_then(|a| a.parse().ok()).unwrap_or(15);
        return pair(
            boot,
            &PairWith {
                kiosk: std::env::current_exe()?,
                user: KIOSK_USER.to_owned(),
                data_dir: data_dir.to_owned(),
                config: root.join(paths::KIOSK_CONFIG),
                attempts,
                delay: Duration::from_secs(delay),
            },
        );
    }
    apply(boot, root, &problem_file(), KIOSK_USER).map(|_| ())
}

/// The kiosk's system user and group (made by its package).
pub const KIOSK_USER: &str = "ocen-urzad-kiosk";

/// `kiosk apply-settings`: reads the file on `boot`, writes the files under `root`. A missing file is not
/// a mistake (the image's defaults: wired DHCP, no server); a wrong one is reported on the screen.
pub fn apply(boot: &Path, root: &Path, problem_file: &Path, kiosk_group: &str) -> anyhow::Result<BootSettings> {
    let read = find_file(boot).and_then(|file| match file {
        None => Ok(BootSettings::default()),
        Some(path) => {
            let name = path.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
            let bytes = std::fs::read(&path)
                .map_err(|e| Problems {
                    file: name.clone(), items: vec![format!("nie można odczytać pliku: {e}")]
                })?;
            parse(&name, &bytes)
        }
    });
    match read {
        Ok(settings) => {
            // A problem reported at an earlier boot is over once the file is right.
            match std::fs::remove_file(problem_file) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    anyhow::bail!("nie można usunąć pliku problemu {}: {e}", problem_file.display())
                }
                _ => {}
            }
            write(root, &settings, kiosk_group)?;
            // What was written must be what the kiosk can read: a mistake here is ours, not the office's.
            Config::load_with_env(Some(&root.join(paths::KIOSK_CONFIG)), std::iter::empty())?;
            Ok(settings)
        }
        Err(problems) => {
            let text = problems.message();
            report_problem(problem_file, &text);
            // The image's defaults instead of the file: the kiosk starts (and shows the problem) and the
            // wired network comes up by DHCP, so that the kiosk can still be reached.
            write(root, &BootSettings::default(), kiosk_group)?;
            anyhow::bail!("plik ustawień ma błędy ({} do poprawienia)", problems.items.len())
        }
    }
}

/// How `kiosk apply-settings --pair` pairs: the program, the user it runs as, and how often it tries.
#[derive(Debug, Clone)]
pub struct PairWith {
    pub kiosk: PathBuf,
    pub user: String,
    pub data_dir: PathBuf,
    pub config: PathBuf,
    pub attempts: u32,
    pub delay: Duration,
}

/// `kiosk apply-settings --pair`: when the file holds a pairing code, pairs the kiosk (`kiosk pair` as the
/// kiosk's user, retrying while the network comes up), then takes the code out of the file, so that it
/// is used once. After every attempt failed the code stays, and the next boot tries again. The code
/// never reaches the output.
pub fn pair(boot: &Path, with: &PairWith) -> anyhow::Result<()> {
    let Some(path) = find_file(boot).map_err(|p| anyhow::anyhow!(p.message()))? else {
        return Ok(());
    };
    let bytes = std::fs::read(&path)?;
    let name = path.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let settings = parse(&name, &bytes).map_err(|p| anyhow::anyhow!(p.message()))?;
    let (Some(code), Some(server)) = (settings.pairing_code.as_deref(), settings.server.as_deref()) else {
        return Ok(());
    };
    let mut last = String::new();
    for attempt in 1..=with.attempts {
        let output = Command::new("runuser")
            .arg("-u")
            .arg(&with.user)
            .arg("--")
            .arg(&with.kiosk)
            .arg("--config")
            .arg(&with.config)
            .arg("--data-dir")
            .arg(&with.data_dir)
            .args(["pair", "--server", server, "--code", code])
            .output()?;
        let said = String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr);
        let said = said.replace(code, "****");
        if output.status.success() {
            println!("{}", said.trim());
            let text = decode(&bytes).unwrap_or_default();
            let note = format!(
                "pairing_code użyty {} (kiosk sparowany); nowy kod wpisuje się tylko do ponownego parowania",
                chrono::Local::now().format("%Y-%m-%d %H:%M")
            );
            write_boot_file(boot, &path, &without_pairing_code(&text, &note))?;
            return Ok(());
        }
        eprintln!("parowanie, próba {attempt} z {}: {}", with.attempts, said.trim());
        last = said;
        if attempt < with.attempts {
            std::thread::sleep(with.delay);
        }
    }
    anyhow::bail!("kiosk nie został sparowany ({}); kod zostaje w pliku do następnego uruchomienia", last.trim())
}

/// Replaces the settings file on the boot partition, which the image mounts read-only: made writable for
/// the moment when it is.
fn write_boot_file(boot: &Path, path: &Path, text: &str) -> anyhow::Result<()> {
    let tmp = path.with_extension("new");
    let write = || -> std::io::Result<()> {
        std::fs::write(&tmp, text)?;
        std::fs::File::open(&tmp)?.sync_all()?;
        std::fs::rename(&tmp, path)
    };
    match write() {
        Err(e) if e.raw_os_error() == Some(30) => {
            // EROFS: the image's read-only mount of the boot partition.
            let remount = |how: &str| Command::new("mount").args(["-o", &format!("remount,{how}")]).arg(boot).status();
            anyhow::ensure!(remount("rw")?.success(), "nie można zapisać partycji rozruchowej {}", boot.display());
            let result = write();
            let _ = remount("ro");
            result?;
        }
        other => other?,
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> BootSettings {
        parse("ocen-urzad.toml", text.as_bytes()).unwrap_or_else(|p| panic!("{text}: {}", p.message()))
    }

    fn problems(text: &str) -> Vec<String> {
        parse("ocen-urzad.toml", text.as_bytes()).expect_err(text).items
    }

    const FULL: &str = r#"
# A kiosk at the entrance.
server = "https://ankieta.gmina.example.pl/"
pairing_code = "K7PX-M2QD"
service_pin = "582914"
mode = "full"
faces = 4
panel = "gpio"
screen = false
rotation = 90
wifi_name = "Urząd gość"
wifi_password = "tajne haslo \"1\" #2"
wifi_country = "PL"
address = "192.168.10.50/24"
gateway = "192.168.10.1"
dns = ["192.168.10.1", "9.9.9.9"]
ntp = ["ntp.gmina.pl", "192.168.10.1"]
proxy = "http://proxy.gmina.local:3128"
hostname = "Kiosk-Parter"
"#;

    #[test]
    fn every_key_is_read() {
        let s = ok(FULL);
        assert_eq!(s.server.as_deref(), Some("https://ankieta.gmina.example.pl"));
        assert_eq!(s.pairing_code.as_deref(), Some("K7PX-M2QD"));
        assert_eq!(s.service_pin.as_deref(), Some("582914"));
        assert_eq!(
            (s.mode, s.faces, s.panel, s.screen, s.rotation),
            (Some(Mode::Full), Some(4), Some(PanelKind::Gpio), false, 90)
        );
        assert_eq!(
            s.wifi,
            Some(Wifi {
                name: "Urząd gość".into(),
                password: Some("tajne haslo \"1\" #2".into()),
                country: "PL".into()
            })
        );
        assert_eq!(
            s.address,
            Address::Static {
                address: Ipv4Addr::new(192, 168, 10, 50),
                prefix: 24,
                gateway: Ipv4Addr::new(192, 168, 10, 1),
                dns: vec!["192.168.10.1".parse().unwrap(), "9.9.9.9".parse().unwrap()],
            }
        );
        assert_eq!(s.ntp, ["ntp.gmina.pl", "192.168.10.1"]);
        assert_eq!(s.proxy.as_deref(), Some("http://proxy.gmina.local:3128"));
        assert_eq!(s.hostname.as_deref(), Some("kiosk-parter"));
        // Every key of the whitelist is exercised by FULL.
        for key in KEYS {
            assert!(line_of(FULL, key).is_some(), "{key}");
        }
    }

    #[test]
    fn windows_files_are_read() {
        let crlf = "\u{feff}server = \"http://10.0.2.2:8080\"\r\nntp = \"ntp.gmina.pl\"\r\n";
        let s = ok(crlf);
        assert_eq!(
            (s.server.as_deref(), s.ntp.as_slice()),
            (Some("http://10.0.2.2:8080"), &["ntp.gmina.pl".to_owned()][..])
        );
        // Notepad's "Unicode": UTF-16 with a byte order mark.
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend("hostname = \"kiosk-1\"\r\n".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(parse("ocen-urzad.toml.txt", &utf16).unwrap().hostname.as_deref(), Some("kiosk-1"));
        let bad = parse("ocen-urzad.toml", &[0x73, 0xff, 0x3d]).unwrap_err();
        assert!(bad.items[0].contains("UTF-8"), "{bad:?}");
    }

    #[test]
    fn an_empty_file_means_the_defaults() {
        assert_eq!(ok("# nothing yet\n"), BootSettings::default());
    }

    #[test]
    fn every_mistake_is_collected_into_one_polish_message() {
        let text = "server = \"ftp://x\"\nwifi_nazwa = \"Urząd\"\nfaces = \"5\"\nrotation = 45\nmode = \"fast\"\n\
                    panel = \"usb\"\nhostname = \"kiosk_1\"\nntp = [1]\nproxy = \"proxy:3128\"\nservice_pin = \"123456\"\n\
                    pairing_code = \"K7PX M2QD\"\n";
        let p = parse("ocen-urzad.toml.txt", text.as_bytes()).unwrap_err();
        let expected = [
            "wiersz 2: nieznane ustawienie „wifi_nazwa” (dozwolone: server,",
            "wiersz 1: server: adres serwera",
            "wiersz 11: pairing_code: kod parowania",
            "wiersz 10: service_pin: PIN odrzucony.",
            "wiersz 5: mode: dozwolone wartości",
            "wiersz 3: faces: liczba buziek to 4 albo 5",
            "wiersz 6: panel: dozwolone wartości",
            "wiersz 4: rotation: obrót ekranu",
            "wiersz 8: ntp musi być listą tekstów",
            "wiersz 9: proxy: adres serwera pośredniczącego",
            "wiersz 7: hostname: nazwa komputera",
        ];
        assert_eq!(p.items.len(), expected.len(), "{:#?}", p.items);
        for (item, start) in p.items.iter().zip(expected) {
            assert!(item.starts_with(start), "{item} / {start}");
        }
        let message = p.message();
        assert!(message.starts_with("Plik ustawień ocen-urzad.toml.txt na karcie pamięci zawiera błędy"), "{message}");
        assert_eq!(message.lines().filter(|l| l.starts_with("- ")).count(), expected.len());
        // The pairing code is not repeated in the message (the screen is seen by every visitor).
        assert!(!message.contains("K7PX M2QD"), "{message}");
    }

    #[test]
    fn values_that_only_make_sense_together() {
        assert!(problems("screen = false")[0].contains("potrzebuje panelu przycisków"));
        assert!(problems("pairing_code = \"K7PX-M2QD\"")[0].contains("wymaga adresu serwera"));
        assert!(problems("wifi_password = \"12345678\"")[0].contains("wymagają nazwy sieci"));
        let wifi = problems("wifi_name = \"Urząd\"\nwifi_password = \"krótkie\"\n");
        assert_eq!(wifi.len(), 2, "{wifi:?}");
        assert!(wifi[0].contains("od 8 do 63") && wifi[1].contains("wifi_country"), "{wifi:?}");
        let fixed = problems("address = \"192.168.10.50\"");
        assert_eq!(fixed.len(), 3, "{fixed:?}");
        assert!(
            fixed[0].contains("\"dhcp\" albo stały adres")
                && fixed[1].contains("bramy")
                && fixed[2].contains("serwerów nazw")
        );
        assert!(problems("gateway = \"192.168.10.1\"")[0].contains("tylko ze stałym adresem"));
        assert!(
            problems("server = \"https://a.example\"\nserver2 = 1\nfaces = 3 = 4")[0]
                .starts_with("wiersz 3: zapis niezgodny")
        );
        // An open network needs no password.
        assert_eq!(ok("wifi_name = \"Gość\"\nwifi_country = \"PL\"").wifi.unwrap().password, None);
    }

    #[test]
    fn the_file_may_have_either_name_but_not_both() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(find_file(dir.path()).unwrap(), None);
        std::fs::write(dir.path().join("ocen-urzad.toml.txt"), "").unwrap();
        assert_eq!(find_file(dir.path()).unwrap(), Some(dir.path().join("ocen-urzad.toml.txt")));
        std::fs::write(dir.path().join("ocen-urzad.toml"), "").unwrap();
        assert!(find_file(dir.path()).unwrap_err().items[0].contains("dwa pliki ustawień"));
    }

    fn read(root: &Path, path: &str) -> String {
        std::fs::read_to_string(root.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    #[test]
    fn what_is_written_for_every_setting() {
        let root = tempfile::tempdir().unwrap();
        let root = root.path();
        write(root, &ok(FULL), "ocen-urzad-kiosk").unwrap();
        let kiosk = read(root, paths::KIOSK_CONFIG);
        let config = Config::load_with_env(Some(&root.join(paths::KIOSK_CONFIG)), std::iter::empty()).unwrap();
        assert_eq!(config.server, "https://ankieta.gmina.example.pl");
        assert_eq!((config.mode, config.faces, config.panel), (Mode::Full, 4, PanelKind::Gpio));
        assert_eq!(config.service_pin.as_deref(), Some("582914"));
        assert!(!kiosk.contains("K7PX"), "the pairing code stays out of the kiosk's settings: {kiosk}");
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &str| std::fs::metadata(root.join(p)).unwrap().permissions().mode() & 0o777;
        assert_eq!((mode(paths::KIOSK_CONFIG), mode(paths::WPA_SUPPLICANT)), (0o640, 0o600));
        assert!(read(root, paths::KIOSK_ENV).contains(
            "OCEN_KIOSK_CONFIG=/run/ocen-urzad/kiosk.toml\nKIOSK_OPTIONS=--headless\nSLINT_KMS_ROTATION=90\n"
        ));
        assert!(read(root, paths::PROXY_ENV).contains("https_proxy=http://proxy.gmina.local:3128\n"));
        let wired = read(root, paths::WIRED_NETWORK);
        assert!(wired.contains("[Match]\nName=e*\n\n[Network]\nAddress=192.168.10.50/24\nGateway=192.168.10.1\nDNS=192.168.10.1\nDNS=9.9.9.9\nNTP=ntp.gmina.pl\nNTP=192.168.10.1\n"), "{wired}");
        assert!(!wired.contains("DHCP"), "{wired}");
        assert!(read(root, paths::WIFI_NETWORK).contains("Name=wl*\n"));
        let wpa = read(root, paths::WPA_SUPPLICANT);
        let ssid: String = "Urząd gość".bytes().map(|b| format!("{b:02x}")).collect();
        assert!(wpa.contains("country=PL\n") && wpa.contains(&format!("\tssid={ssid}\n")), "{wpa}");
        // wpa_supplicant reads up to the line's last quote: the password as it is.
        assert!(wpa.contains("\tkey_mgmt=WPA-PSK\n\tpsk=\"tajne haslo \"1\" #2\"\n"), "{wpa}");
        assert_eq!(read(root, paths::TIMESYNCD).lines().last(), Some("NTP=ntp.gmina.pl 192.168.10.1"));
        assert_eq!(read(root, paths::KERNEL_HOSTNAME), "kiosk-parter\n");
        assert!(root.join(paths::PAIRING_PENDING).exists());

        // The file made smaller: DHCP on the cable only, and what it no longer says is gone.
        write(root, &ok("server = \"http://10.0.2.2:8080\""), "ocen-urzad-kiosk").unwrap();
        let wired = read(root, paths::WIRED_NETWORK);
        assert!(wired.contains("[Network]\nDHCP=ipv4\n\n[DHCPv4]\nClientIdentifier=mac\n"), "{wired}");
        for gone in
            [paths::WIFI_NETWORK, paths::WPA_SUPPLICANT, paths::TIMESYNCD, paths::PROXY_ENV, paths::PAIRING_PENDING]
        {
            assert!(!root.join(gone).exists(), "{gone}");
        }
        assert_eq!(read(root, paths::KIOSK_ENV).lines().last(), Some("KIOSK_OPTIONS="));
    }

    #[test]
    fn apply_reports_problems_on_the_screen_and_applies_only_the_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let (boot, root) = (dir.path().join("boot"), dir.path().join("root"));
        std::fs::create_dir_all(&boot).unwrap();
        let problem = root.join("run/ocen-urzad/problem.txt");
        std::fs::write(boot.join("ocen-urzad.toml.txt"), "server = \"http://10.0.2.2:8080\"\nrotation = 45\n").unwrap();
        let err = apply(&boot, &root, &problem, "ocen-urzad-kiosk").unwrap_err();
        assert!(err.to_string().contains("1 do poprawienia"), "{err}");
        let shown = std::fs::read_to_string(&problem).unwrap();
        assert!(
            shown.contains("ocen-urzad.toml.txt") && shown.contains("- wiersz 2: rotation: obrót ekranu"),
            "{shown}"
        );
        assert!(!read(&root, paths::KIOSK_CONFIG).contains("server"), "nothing from the file");
        assert!(read(&root, paths::WIRED_NETWORK).contains("DHCP=ipv4"));

        // Put right: applied, and the problem is gone from the screen.
        std::fs::write(boot.join("ocen-urzad.toml.txt"), "server = \"http://10.0.2.2:8080\"\nrotation = 180\n")
            .unwrap();
        let s = apply(&boot, &root, &problem, "ocen-urzad-kiosk").unwrap();
        assert_eq!(s.rotation, 180);
        assert!(!problem.exists());
        assert!(read(&root, paths::KIOSK_CONFIG).contains("server = \"http://10.0.2.2:8080\"\n"));

        // No file at all: the image's defaults, not a problem.
        std::fs::remove_file(boot.join("ocen-urzad.toml.txt")).unwrap();
        assert_eq!(apply(&boot, &root, &problem, "ocen-urzad-kiosk").unwrap(), BootSettings::default());
        assert!(!problem.exists());
    }

    #[test]
    fn the_pairing_code_is_taken_out_and_nothing_else() {
        let text = "\u{feff}# Kiosk przy wejściu\r\nserver = \"https://a.example\"\r\n  pairing_code = \"K7PX-M2QD\" # z panelu\r\npairing_code_note = 1\r\nfaces = 4";
        let out = without_pairing_code(text, "pairing_code użyty");
        assert_eq!(
            out,
            "\u{feff}# Kiosk przy wejściu\r\nserver = \"https://a.example\"\r\n# pairing_code użyty\r\npairing_code_note = 1\r\nfaces = 4"
        );
        // What is left still reads, without the code.
        assert_eq!(ok("server = \"https://a.example\"\n# pairing_code użyty\n").pairing_code, None);
    }

    #[test]
    fn the_example_file_reads_as_it_is_and_with_every_setting_on() {
        let example = include_str!("../../images/ocen-urzad.toml.example");
        let s = ok(example);
        assert_eq!(
            (s.server.as_deref(), s.pairing_code.as_deref()),
            (Some("https://ankieta.gmina.example.pl"), Some("K7PX-M2QD"))
        );
        let all_on: String = example
            .lines()
            .map(|line| match line.strip_prefix('#') {
                Some(rest) if rest.contains(" = ") && !rest.starts_with(' ') => rest,
                _ => line,
            })
            .fold(String::new(), |text, line| text + line + "\n");
        let s = ok(&all_on);
        // The example shows every key of the whitelist.
        for key in KEYS {
            assert!(line_of(&all_on, key).is_some(), "{key} missing from the example");
        }
        assert!(matches!(s.address, Address::Static { prefix: 24, .. }) && s.wifi.is_some() && s.proxy.is_some());
    }
}
