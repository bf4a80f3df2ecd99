//! Kiosks' service PINs on the server: a new one for each kiosk at enrolment, one typed in the panel
//! checked by the shared rules (`survey::service_pin`), and the hash a kiosk reports after a change on its
//! service screen checked for form. Only argon2id hashes are stored; the PIN itself is shown once.

use argon2::password_hash::PasswordHash;
use rand::Rng;

/// Digits of a generated PIN: short enough to type at a kiosk, long enough with the kiosk's pause after
/// five wrong tries and a slow hash.
const GENERATED_DIGITS: usize = 6;

/// Longest hash a kiosk may report: an argon2id PHC string is about a hundred characters.
const MAX_HASH_LEN: usize = 256;

/// A fresh random PIN that passes the rules, from the operating system's random source.
pub fn generate() -> String {
    let mut rng = rand::rngs::OsRng;
    loop {
        let pin: String = (0..GENERATED_DIGITS).map(|_| char::from(b'0' + rng.gen_range(0..10u8))).collect();
        if survey::service_pin::check(&pin).is_ok() {
            return pin;
        }
    }
}

/// Checks `pin` by the rules and hashes it; the error is the Polish reason for the admin.
pub fn hash(pin: &str) -> anyhow::Result<String> {
    survey::service_pin::check(pin)?;
    crate::password::hash(pin)
}

/// Whether a hash reported by a kiosk is an argon2id PHC string this server and every kiosk can verify.
/// The kiosk checked the PIN's rules before hashing; the server never sees the PIN.
pub fn is_usable_hash(hash: &str) -> bool {
    hash.len() <= MAX_HASH_LEN
        && PasswordHash::new(hash).is_ok_and(|parsed| parsed.algorithm.as_str() == "argon2id" && parsed.hash.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_pins_pass_the_rules_and_differ() {
        let pins: Vec<String> = (0..20).map(|_| generate()).collect();
        for pin in &pins {
            assert_eq!(pin.len(), GENERATED_DIGITS);
            assert_eq!(survey::service_pin::check(pin), Ok(()), "{pin}");
        }
        assert!(pins.iter().any(|p| p != &pins[0]), "{pins:?}");
    }

    #[test]
    fn a_trivial_pin_is_refused_before_hashing() {
        for pin in ["2468", "1234", "123456", "000000", "12ab56"] {
            let err = hash(pin).unwrap_err().to_string();
            assert!(err.starts_with("PIN "), "{pin}: {err}");
        }
        let h = hash("739152").unwrap();
        assert!(crate::password::verify("739152", &h));
        assert!(is_usable_hash(&h));
    }

    #[test]
    fn only_argon2id_hashes_are_taken_from_a_kiosk() {
        let good = hash("582914").unwrap();
        assert!(is_usable_hash(&good));
        for bad in [
            "",
            "582914",
            "$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$3vlBqpRjtT5pGXVdMO8o+G5y5D1Qa4nJpJvZ3ZL0XHk",
            "$pbkdf2-sha256$i=1000$c2FsdA$aGFzaA",
            "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA",
        ] {
            assert!(!is_usable_hash(bad), "{bad}");
        }
        assert!(!is_usable_hash(&format!("{good}{}", "A".repeat(300))));
    }
}
