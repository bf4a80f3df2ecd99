//! Which certificate authorities the kiosk's HTTPS trusts: the system's store, as Debian's
//! `update-ca-certificates` writes it (`/etc/ssl/certs/ca-certificates.crt`, or the file named by
//! `SSL_CERT_FILE`), so that a server certified by the office's own authority works once that authority is
//! installed on the Pi. Only a system with no readable store falls back to the list built into the
//! program (Mozilla's, through webpki-roots), which knows the public authorities only.

use std::path::{Path, PathBuf};

use ureq::tls::{Certificate, PemItem, RootCerts};

/// The system's store on Debian and Raspberry Pi OS.
pub const SYSTEM_STORE: &str = "/etc/ssl/certs/ca-certificates.crt";

/// The store to read: `SSL_CERT_FILE` when set (as OpenSSL reads it), else the system's.
pub fn store_file() -> PathBuf {
    std::env::var_os("SSL_CERT_FILE")
        .filter(|v| !v.is_empty())
        .map_or_else(|| PathBuf::from(SYSTEM_STORE), PathBuf::from)
}

/// The certificates of a PEM file; none when it cannot be read. Entries that are not certificates, or
/// not readable, are skipped.
pub fn certificates(path: &Path) -> Vec<Certificate<'static>> {
    let Ok(pem) = std::fs::read(path) else { return Vec::new() };
    ureq::tls::parse_pem(&pem)
        .filter_map(|item| match item {
            Ok(PemItem::Certificate(cert)) => Some(cert),
            _ => None,
        })
        .collect()
}

/// The roots to trust: the system's store, or the built-in list when it has no certificate.
pub fn root_certs() -> RootCerts {
    let path = store_file();
    let certs = certificates(&path);
    if certs.is_empty() {
        tracing::warn!(file = %path.display(), "brak systemowych certyfikatów CA; używam wbudowanej listy");
        RootCerts::WebPki
    } else {
        RootCerts::new_with_certs(&certs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_system_store_is_read_and_a_missing_one_gives_no_certificates() {
        let dir = tempfile::tempdir().unwrap();
        assert!(certificates(&dir.path().join("brak.crt")).is_empty());
        let junk = dir.path().join("junk.crt");
        std::fs::write(&junk, "nie certyfikat\n").unwrap();
        assert!(certificates(&junk).is_empty());
        // Debian's store (package ca-certificates) holds well over a hundred authorities; an office's own
        // is appended to the same file by update-ca-certificates.
        if Path::new(SYSTEM_STORE).exists() {
            assert!(certificates(Path::new(SYSTEM_STORE)).len() > 100);
            let one = dir.path().join("one.crt");
            let pem = std::fs::read_to_string(SYSTEM_STORE).unwrap();
            let end = pem.find("-----END CERTIFICATE-----").unwrap() + "-----END CERTIFICATE-----\n".len();
            std::fs::write(&one, &pem[..end]).unwrap();
            assert_eq!(certificates(&one).len(), 1);
        }
    }
}
