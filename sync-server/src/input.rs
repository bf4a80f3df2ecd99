//! Checks of what an administrator types for offices and accounts, with Polish messages saying what
//! is expected. The store assumes its input passed these.

/// A value an administrator typed that cannot be used, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InputError(pub String);

/// Shortest password accepted for an admin account.
pub const PASSWORD_MIN_CHARS: usize = 12;
/// Longest password accepted (argon2 takes any length; this only bounds the work per login).
pub const PASSWORD_MAX_CHARS: usize = 256;

/// The server's own first path segments: an office there would never be reached (the tablet app is at
/// `/kiosk/`, the panel at `/admin`, the sync API at `/api/`, style sheets at `/static/`).
const RESERVED_SLUGS: [&str; 5] = ["admin", "api", "kiosk", "static", "healthz"];

/// An office slug is its address (`/ksiazki`) and may become a host name (`ksiazki.example.pl`), so it
/// follows host-name rules: lowercase letters, digits, hyphens, 2–40 characters, starting with a letter.
pub fn slug(s: &str) -> Result<&str, InputError> {
    if RESERVED_SLUGS.contains(&s) {
        return Err(InputError(format!(
            "adres urzędu „{s}” jest zajęty przez sam system (/{s}/): wybierz inny, np. nazwę gminy"
        )));
    }
    let ok = (2..=40).contains(&s.len())
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && s.as_bytes()[0].is_ascii_lowercase()
        && !s.ends_with('-');
    if ok {
        Ok(s)
    } else {
        Err(InputError(format!(
            "adres urzędu „{s}” jest nieprawidłowy: użyj od 2 do 40 małych liter bez polskich znaków, cyfr i łączników, zaczynając od litery (np. „ksiazki”)"
        )))
    }
}

/// An office name: not empty, at most 200 characters, no control characters.
pub fn office_name(s: &str) -> Result<&str, InputError> {
    let trimmed = s.trim();
    if trimmed.is_empty() {
        return Err(InputError("nazwa urzędu nie może być pusta".into()));
    }
    if trimmed.chars().count() > 200 || trimmed.chars().any(char::is_control) {
        return Err(InputError("nazwa urzędu może mieć najwyżej 200 znaków, bez znaków sterujących".into()));
    }
    Ok(trimmed)
}

/// An origin allowed to embed the survey: `https://host` or `http://host`, optionally with a port, nothing
/// else (no path, no wildcard), so it can go into a Content-Security-Policy as it is.
pub fn origin(s: &str) -> Result<&str, InputError> {
    let rest = s.strip_prefix("https://").or_else(|| s.strip_prefix("http://"));
    let ok = rest.is_some_and(|hostport| {
        let (host, port) = hostport.rsplit_once(':').unwrap_or((hostport, "80"));
        !host.is_empty()
            && host.len() <= 253
            && host.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
            && port.parse::<u16>().is_ok()
    });
    if ok {
        Ok(s)
    } else {
        Err(InputError(format!("„{s}” nie jest adresem witryny: podaj np. https://gmina.example.pl (bez ścieżki)")))
    }
}

/// A web address an office gives (its website, its BIP): `http://` or `https://`, a host name, and
/// optionally a path; no spaces, quotes or angle brackets, at most 300 characters. Empty is allowed (not
/// given).
pub fn web_address(s: &str) -> Result<&str, InputError> {
    if s.is_empty() {
        return Ok(s);
    }
    let rest = s.strip_prefix("https://").or_else(|| s.strip_prefix("http://")).unwrap_or_default();
    let host_port = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let (host, port_ok) = match host_port.rsplit_once(':') {
        Some((host, port)) => (host, port.parse::<u16>().is_ok()),
        None => (host_port, true),
    };
    let host_ok = (host.contains('.') || host == "localhost")
        && !host.starts_with('.')
        && !host.ends_with('.')
        && host.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.'));
    let ok = s.len() <= 300
        && port_ok
        && host_ok
        && !s.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '\'' | '<' | '>' | '`'));
    if ok {
        Ok(s)
    } else {
        Err(InputError(format!(
            "„{s}” nie jest adresem strony: podaj pełny adres zaczynający się od https:// lub http://, np. https://bip.gmina.example.pl"
        )))
    }
}

/// An e-mail address, checked for plausibility only (the office is the one who knows whether it exists):
/// one `@`, something before it, a domain with a dot after it, no spaces, at most 200 characters. Empty is
/// allowed (not given).
pub fn email(s: &str) -> Result<&str, InputError> {
    if s.is_empty() {
        return Ok(s);
    }
    let ok = s.len() <= 200
        && s.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && domain.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.'))
        })
        && !s.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>' | ',' | ';'));
    if ok {
        Ok(s)
    } else {
        Err(InputError(format!("„{s}” nie wygląda na adres e-mail: podaj adres w postaci nazwa@urzad.example.pl")))
    }
}

/// One line of text an office gives (an address, a phone, a name): at most `max` characters, no control
/// characters. `what` names the field in the message.
pub fn line<'a>(s: &'a str, what: &str, max: usize) -> Result<&'a str, InputError> {
    if s.chars().count() > max {
        return Err(InputError(format!("{what}: najwyżej {max} znaków")));
    }
    if s.chars().any(char::is_control) {
        return Err(InputError(format!("{what}: jeden wiersz, bez znaków sterujących")));
    }
    Ok(s)
}

/// An office's own host name (`ankieta.gmina.pl`): labels of letters a–z, digits and hyphens (no hyphen
/// at either end, 1–63 characters each) joined by dots, at least two labels, at most 253 characters; no
/// scheme, port or path. Returned lowercase, as it is stored and compared.
pub fn host_name(s: &str) -> Result<String, InputError> {
    let host = s.trim().to_ascii_lowercase();
    let label_ok = |l: &str| {
        (1..=63).contains(&l.len())
            && l.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    if host.len() <= 253 && host.contains('.') && host.split('.').all(label_ok) {
        Ok(host)
    } else {
        Err(InputError(format!(
            "„{s}” nie jest nazwą hosta: podaj samą nazwę, bez https:// i bez ukośników, np. ankieta.gmina.example.pl (litery bez polskich znaków, cyfry, łączniki i kropki)"
        )))
    }
}

/// A login: 3–64 characters of letters, digits and `. _ - @`.
pub fn login(s: &str) -> Result<&str, InputError> {
    let ok = (3..=64).contains(&s.len()) && could_be_login(s);
    if ok {
        Ok(s)
    } else {
        Err(InputError(format!(
            "login „{s}” jest nieprawidłowy: użyj od 3 do 64 liter bez polskich znaków, cyfr lub znaków . _ - @"
        )))
    }
}

/// Whether a login typed at the login page could name an account: at most 64 letters without Polish
/// characters, digits or `. _ - @`. Looser than [`login`] (no minimum length), so that no account stored
/// earlier is locked out; strict enough that nothing else is looked up, remembered or logged.
pub fn could_be_login(s: &str) -> bool {
    (1..=64).contains(&s.len()) && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'))
}

/// A new password: long enough to resist guessing, not absurdly long.
pub fn password(s: &str) -> Result<&str, InputError> {
    let chars = s.chars().count();
    if chars == 0 {
        return Err(InputError("hasło jest puste".into()));
    }
    if chars < PASSWORD_MIN_CHARS {
        return Err(InputError(format!("hasło ma {chars} znaków, a musi mieć co najmniej {PASSWORD_MIN_CHARS}")));
    }
    if chars > PASSWORD_MAX_CHARS {
        return Err(InputError(format!("hasło może mieć najwyżej {PASSWORD_MAX_CHARS} znaków")));
    }
    Ok(s)
}

/// A required line of text an admin typed (a name, an action): trimmed, not empty, at most `max`
/// characters, no control characters. `what` names the field in the message ("osoba odpowiedzialna").
pub fn required_line(s: &str, what: &str, max: usize) -> Result<String, InputError> {
    let trimmed = s.trim();
    if trimmed.is_empty() {
        return Err(InputError(format!("wpisz: {what}")));
    }
    if trimmed.chars().count() > max {
        return Err(InputError(format!("{what}: najwyżej {max} znaków (wpisano {})", trimmed.chars().count())));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(InputError(format!("{what}: usuń znaki sterujące (np. tabulatory, nowe wiersze)")));
    }
    Ok(trimmed.to_owned())
}

/// Optional notes an admin typed: at most `max` characters; new lines kept (as `\n`), other control
/// characters refused.
pub fn notes(s: &str, what: &str, max: usize) -> Result<String, InputError> {
    let text = s.trim().replace("\r\n", "\n");
    if text.chars().count() > max {
        return Err(InputError(format!("{what}: najwyżej {max} znaków (wpisano {})", text.chars().count())));
    }
    if text.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(InputError(format!("{what}: usuń znaki sterujące")));
    }
    Ok(text)
}

/// A day typed in a date field (`RRRR-MM-DD`, what browsers send), between 2000 and 2100.
pub fn day(s: &str, what: &str) -> Result<chrono::NaiveDate, InputError> {
    let s = s.trim();
    if s.is_empty() {
        return Err(InputError(format!("podaj {what}")));
    }
    let parsed = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
        InputError(format!("{what}: „{s}” nie jest datą; podaj ją w postaci RRRR-MM-DD, np. 2026-06-30"))
    })?;
    let (first, last) = (date(2000, 1, 1), date(2100, 12, 31));
    if parsed < first || parsed > last {
        return Err(InputError(format!("{what}: podaj datę z lat 2000–2100")));
    }
    Ok(parsed)
}

fn date(y: i32, m: u32, d: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_notes_and_days() {
        assert_eq!(required_line("  Jan Kowalski ", "kto", 12), Ok("Jan Kowalski".into()));
        assert_eq!(required_line("   ", "osoba", 10), Err(InputError("wpisz: osoba".into())));
        assert!(required_line(&"ż".repeat(11), "kto", 10).unwrap_err().0.contains("najwyżej 10 znaków (wpisano 11)"));
        assert!(required_line("a\tb", "kto", 10).is_err());
        assert_eq!(notes(" raz\r\ndwa ", "uwagi", 20), Ok("raz\ndwa".into()));
        assert!(notes("\u{7}", "uwagi", 20).is_err());
        assert!(notes(&"x".repeat(21), "uwagi", 20).is_err());
        assert_eq!(day("2026-06-30", "termin"), Ok(date(2026, 6, 30)));
        assert!(day("30.06.2026", "termin").unwrap_err().0.contains("RRRR-MM-DD"));
        assert!(day("2026-02-30", "termin").is_err());
        assert!(day("1999-12-31", "termin").is_err());
        assert_eq!(day("", "termin"), Err(InputError("podaj termin".into())));
    }

    #[test]
    fn a_typed_login_is_checked_before_it_is_used() {
        assert!(could_be_login("a") && could_be_login("jan.kowalski@gmina.pl") && could_be_login(&"x".repeat(64)));
        for bad in ["", "jan kowalski", "zażółć", "Moje Tajne Hasło", "a\u{0}b", "<script>"] {
            assert!(!could_be_login(bad), "{bad:?}");
        }
        assert!(!could_be_login(&"x".repeat(65)));
    }

    #[test]
    fn slugs() {
        for good in ["ksiazki", "gmina-2", "ab"] {
            assert_eq!(slug(good), Ok(good));
        }
        for reserved in RESERVED_SLUGS {
            assert!(slug(reserved).unwrap_err().0.contains("zajęty przez sam system"), "{reserved}");
        }
        for bad in ["", "a", "Ksiazki", "książki", "2gmina", "gmina-", "a b", "a/b", &"a".repeat(41)] {
            assert!(slug(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn office_names() {
        assert_eq!(office_name("  Urząd Gminy Książki "), Ok("Urząd Gminy Książki"));
        assert!(office_name("   ").is_err());
        assert!(office_name("Urząd\u{7}").is_err());
        assert!(office_name(&"ż".repeat(201)).is_err());
    }

    #[test]
    fn origins() {
        for good in ["https://gmina.example.pl", "http://localhost:8080"] {
            assert_eq!(origin(good), Ok(good));
        }
        for bad in ["gmina.pl", "https://gmina.pl/strona", "https://*.gmina.pl", "javascript:alert(1)", "https://a b"] {
            assert!(origin(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn web_addresses() {
        for good in ["", "https://gmina.example.pl", "http://bip.gmina.pl/artykul/12?x=1", "https://localhost:8080/a"] {
            assert_eq!(web_address(good), Ok(good));
        }
        for bad in [
            "gmina.pl",
            "ftp://gmina.pl",
            "javascript:alert(1)",
            "https://",
            "https://gmina",
            "https://gmina.pl/a b",
            "https://gmina.pl/\"onmouseover=x",
            "https://gm<ina.pl",
            &format!("https://gmina.pl/{}", "a".repeat(300)),
        ] {
            assert!(web_address(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn emails() {
        for good in ["", "iod@gmina.pl", "jan.kowalski+iod@ug.ksiazki.example.pl"] {
            assert_eq!(email(good), Ok(good));
        }
        for bad in
            ["iod", "iod@", "@gmina.pl", "iod@gmina", "iod@@gmina.pl", "iod@gmina.pl.", "a b@gmina.pl", "iod@gmi na.pl"]
        {
            assert!(email(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn host_names() {
        assert_eq!(host_name(" Ankieta.Gmina.PL "), Ok("ankieta.gmina.pl".to_owned()));
        assert_eq!(host_name("xn--ksiki-3ya.pl"), Ok("xn--ksiki-3ya.pl".to_owned()));
        for bad in [
            "",
            "localhost",
            "https://ankieta.gmina.pl",
            "ankieta.gmina.pl/",
            "ankieta.gmina.pl:8080",
            "książki.pl",
            "-a.gmina.pl",
            "a..pl",
            ".gmina.pl",
            "a b.pl",
            &format!("{}.pl", "a".repeat(64)),
        ] {
            assert!(host_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn lines() {
        assert!(line("ul. Wiejska 1", "Adres", 200).is_ok());
        assert_eq!(line(&"x".repeat(201), "Adres", 200), Err(InputError("Adres: najwyżej 200 znaków".into())));
        assert!(line("a\nb", "Adres", 200).is_err());
    }

    #[test]
    fn logins() {
        assert!(login("sekretarz").is_ok());
        assert!(login("jan.kowalski@gmina.pl").is_ok());
        assert!(login("ja").is_err());
        assert!(login("żaneta").is_err());
        assert!(login("a b c").is_err());
    }

    #[test]
    fn passwords() {
        assert_eq!(password(""), Err(InputError("hasło jest puste".into())));
        assert!(password("krótkie").is_err());
        assert!(password("dość-długie-hasło").is_ok());
        assert!(password(&"x".repeat(PASSWORD_MAX_CHARS + 1)).is_err());
    }
}
