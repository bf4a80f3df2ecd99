//! Admin passwords: generated, hashed with argon2id, verified. Plain passwords are never stored or logged.

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::Rng;

/// Characters of generated passwords: no 0/O, 1/l/I, so the printed password can be typed without doubt.
const ALPHABET: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// Length of generated passwords: 20 characters of a 57-letter alphabet, about 116 bits.
const GENERATED_LEN: usize = 20;

/// A fresh random password for a first admin, from the operating system's random source.
pub fn generate() -> String {
    let mut rng = OsRng;
    (0..GENERATED_LEN).map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())])).collect()
}

/// The argon2id hash of `password`, in PHC string form (parameters and salt included).
pub fn hash(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("nie udało się zabezpieczyć hasła: {e}"))
}

/// The argon2id hash of a random password nobody knows, made once per process. A login that does not exist
/// is verified against it, so it takes as long to refuse as a wrong password and timing tells nothing.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| hash(&generate()).unwrap_or_default());
    &DUMMY
}

/// Whether `password` matches the stored `hash`. A malformed stored hash never matches.
pub fn verify(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_passwords_are_long_unambiguous_and_different() {
        let a = generate();
        let b = generate();
        assert_eq!(a.chars().count(), GENERATED_LEN);
        assert!(a.bytes().all(|c| ALPHABET.contains(&c)));
        assert_ne!(a, b);
    }

    #[test]
    fn hash_verifies_only_the_right_password() {
        let h = hash("zażółć gęślą jaźń").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("zażółć gęślą jaźń", &h));
        assert!(!verify("zażółć gęślą jaźn", &h));
        assert!(!verify("anything", "not a hash"));
    }
}
