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

/// An office slug is its address (`/ksiazki`) and may become a host name (`ksiazki.example.pl`), so it
/// follows host-name rules: lowercase letters, digits, hyphens, 2–40 characters, starting with a letter.
pub fn slug(s: &str) -> Result<&str, InputError> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
