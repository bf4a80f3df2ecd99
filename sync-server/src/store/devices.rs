//! Kiosks of an office: enrolment with a one-time pairing code, pairing for a secret token, revocation,
//! each kiosk's service PIN, and what each kiosk last reported. Only hashes of codes, tokens and PINs are
//! stored (PINs as argon2id hashes, made by `crate::kiosk_pin` outside the database lock).

use rand::{Rng, RngCore};
use rusqlite::{Connection, OptionalExtension, params};

use super::{Store, StoreError, audit, now_text, on_unique_violation};

/// How long a pairing code stays valid.
pub const CODE_VALID_HOURS: i64 = 48;

/// A kiosk as the admin panel lists it.
#[derive(Debug, Clone)]
pub struct Device {
    pub id: i64,
    pub office_id: i64,
    pub name: String,
    pub paired_at: Option<String>,
    pub revoked_at: Option<String>,
    pub last_seen_at: Option<String>,
    pub reported_version: Option<String>,
    pub reported_pending: Option<i64>,
    pub clock_offset_secs: Option<i64>,
    pub free_disk_bytes: Option<i64>,
    /// Its answers whose capture time could not be true and were counted when received.
    pub capture_times_replaced: u64,
    /// Whether it has a service PIN (kiosks enrolled before PINs were per kiosk have none).
    pub has_service_pin: bool,
    /// When its PIN last changed, and where: `panel` or `kiosk`.
    pub service_pin_set_at: Option<String>,
    pub service_pin_set_by: Option<String>,
    /// What it said it is in its heartbeat: a kiosk unless it said otherwise.
    pub kind: survey::wire::DeviceKind,
}

/// A kiosk authenticated by its token.
#[derive(Debug, Clone)]
pub struct PairedDevice {
    pub id: i64,
    pub name: String,
    pub office_id: i64,
    pub office_slug: String,
}

/// What a kiosk reports with each heartbeat.
#[derive(Debug, Clone, Default)]
pub struct DeviceReport {
    pub version: String,
    pub pending: i64,
    pub clock_offset_secs: i64,
    pub free_disk_bytes: Option<i64>,
}

fn hash(secret: &str) -> String {
    blake3::hash(secret.trim().to_uppercase().as_bytes()).to_hex().to_string()
}

/// A pairing code easy to type from a screen: 8 letters and digits without look-alikes, as XXXX-XXXX.
fn new_code() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rngs::OsRng;
    let chars: String = (0..8).map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())])).collect();
    format!("{}-{}", &chars[..4], &chars[4..])
}

fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Failures of pairing that the kiosk is told about.
#[derive(Debug, PartialEq, Eq)]
pub enum PairingRefused {
    UnknownOrUsedCode,
    Expired,
    Revoked,
}

/// A successful pairing: the kiosk, its new secret token and its service PIN's hash.
#[derive(Debug, Clone)]
pub struct Paired {
    pub device: PairedDevice,
    pub token: String,
    pub service_pin_hash: Option<String>,
}

/// What an enrolment gives the admin, once: the pairing code and the kiosk's own service PIN.
#[derive(Debug, Clone)]
pub struct Enrolment {
    pub code: String,
    pub pin: String,
}

impl Store {
    /// Enrols a kiosk (or issues a fresh code for a kiosk not yet paired) and returns its one-time code
    /// and its new service PIN, both to be shown once. A fresh code replaces the PIN too, since the earlier
    /// one was shown only once. The PIN is hashed before the database is locked: the hash is slow.
    pub fn enroll_device(&self, office_id: i64, actor: &str, name: &str) -> Result<Enrolment, StoreError> {
        let code = new_code();
        let pin = crate::kiosk_pin::generate();
        let pin_hash = crate::kiosk_pin::hash(&pin).map_err(|e| StoreError::PinHash(e.to_string()))?;
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let expires = chrono::Utc::now() + chrono::Duration::hours(CODE_VALID_HOURS);
        let expires = expires.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let existing: Option<(i64, Option<String>)> = tx
            .query_row(
                "SELECT id, paired_at FROM devices WHERE office_id = ?1 AND name = ?2",
                params![office_id, name],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        match existing {
            Some((_, Some(_))) => return Err(StoreError::DuplicateDevice(name.to_owned())),
            Some((id, None)) => {
                tx.execute(
                    "UPDATE devices SET code_hash = ?1, code_expires_at = ?2,
                        service_pin_hash = ?3, service_pin_set_at = ?4, service_pin_set_by = 'panel'
                     WHERE id = ?5",
                    params![hash(&code), expires, pin_hash, now_text(), id],
                )?;
            }
            None => {
                tx.execute(
                    "INSERT INTO devices (office_id, name, code_hash, code_expires_at, created_at,
                        service_pin_hash, service_pin_set_at, service_pin_set_by)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?5, 'panel')",
                    params![office_id, name, hash(&code), expires, now_text(), pin_hash],
                )
                .map_err(|e| on_unique_violation(e, || StoreError::DuplicateDevice(name.to_owned())))?;
            }
        }
        audit::record(&tx, Some(office_id), actor, "dodanie kiosku", name)?;
        tx.commit()?;
        Ok(Enrolment { code, pin })
    }

    /// Exchanges a pairing code for the kiosk's secret token (and its PIN's hash); the code works once.
    pub fn pair_device(&self, code: &str) -> Result<Result<Paired, PairingRefused>, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        type Found = (i64, Option<String>, Option<String>, Option<String>);
        let found: Option<Found> = tx
            .query_row(
                "SELECT id, code_expires_at, revoked_at, service_pin_hash FROM devices WHERE code_hash = ?1",
                [hash(code)],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        let Some((id, expires, revoked, service_pin_hash)) = found else {
            return Ok(Err(PairingRefused::UnknownOrUsedCode));
        };
        if revoked.is_some() {
            return Ok(Err(PairingRefused::Revoked));
        }
        if expires.as_deref().is_none_or(|e| e < now_text().as_str()) {
            return Ok(Err(PairingRefused::Expired));
        }
        let token = new_token();
        tx.execute(
            "UPDATE devices SET code_hash = NULL, code_expires_at = NULL, token_hash = ?1, paired_at = ?2 WHERE id = ?3",
            params![hash(&token), now_text(), id],
        )?;
        let device = device_by(&tx, "d.id = ?1", &id)?.ok_or_else(|| StoreError::Corrupt("kiosk zniknął".into()))?;
        audit::record(&tx, Some(device.office_id), &device.name, "sparowanie kiosku", "")?;
        tx.commit()?;
        Ok(Ok(Paired { device, token, service_pin_hash }))
    }

    /// Sets a kiosk's service PIN from the panel or the command line (`pin_hash` made by
    /// `crate::kiosk_pin::hash`); the kiosk learns it at its next heartbeat. Returns the kiosk's name, or
    /// `None` when the office has no such kiosk still in service.
    pub fn set_device_pin(
        &self,
        office_id: i64,
        actor: &str,
        device_id: i64,
        pin_hash: &str,
    ) -> Result<Option<String>, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let name = live_device_name(&tx, office_id, device_id)?;
        let Some(name) = name else { return Ok(None) };
        tx.execute(
            "UPDATE devices SET service_pin_hash = ?1, service_pin_set_at = ?2, service_pin_set_by = 'panel' WHERE id = ?3",
            params![pin_hash, now_text(), device_id],
        )?;
        audit::record(
            &tx,
            Some(office_id),
            actor,
            "zmiana PIN-u kiosku",
            &format!("{name}: nowy PIN nadany w panelu"),
        )?;
        tx.commit()?;
        Ok(Some(name))
    }

    /// Takes the PIN hash a kiosk reports after a change on its service screen (checked for form by
    /// `crate::kiosk_pin::is_usable_hash`). A resend of the same hash changes nothing and is not logged
    /// again. The change that reaches the server last wins, whether from the panel or the kiosk.
    pub fn device_pin_reported(&self, device: &PairedDevice, pin_hash: &str) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let changed = tx.execute(
            "UPDATE devices SET service_pin_hash = ?1, service_pin_set_at = ?2, service_pin_set_by = 'kiosk'
             WHERE id = ?3 AND service_pin_hash IS NOT ?1",
            params![pin_hash, now_text(), device.id],
        )?;
        if changed == 1 {
            audit::record(
                &tx,
                Some(device.office_id),
                &device.name,
                "zmiana PIN-u kiosku",
                &format!("{}: nowy PIN ustawiony na ekranie serwisowym kiosku", device.name),
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The kiosk's current service PIN hash, if it has one.
    pub fn device_pin_hash(&self, device_id: i64) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn()
            .query_row("SELECT service_pin_hash FROM devices WHERE id = ?1", [device_id], |r| r.get(0))
            .optional()?
            .flatten())
    }

    /// The paired, not revoked kiosk holding this token.
    pub fn device_by_token(&self, token: &str) -> Result<Option<PairedDevice>, StoreError> {
        device_by(&self.conn(), "d.token_hash = ?1 AND d.revoked_at IS NULL", &hash(token))
    }

    /// Revokes a kiosk: its token is refused from now on.
    pub fn revoke_device(&self, office_id: i64, actor: &str, device_id: i64) -> Result<bool, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let name = live_device_name(&tx, office_id, device_id)?;
        let Some(name) = name else { return Ok(false) };
        tx.execute(
            "UPDATE devices SET revoked_at = ?1, code_hash = NULL WHERE id = ?2",
            params![now_text(), device_id],
        )?;
        audit::record(&tx, Some(office_id), actor, "odwołanie kiosku", &name)?;
        tx.commit()?;
        Ok(true)
    }

    /// Records a kiosk's contact and what it reported.
    pub fn device_seen(&self, device_id: i64, report: Option<&DeviceReport>) -> Result<(), StoreError> {
        let conn = self.conn();
        conn.execute("UPDATE devices SET last_seen_at = ?1 WHERE id = ?2", params![now_text(), device_id])?;
        if let Some(r) = report {
            conn.execute(
                "UPDATE devices SET reported_version = ?1, reported_pending = ?2, clock_offset_secs = ?3, free_disk_bytes = ?4
                 WHERE id = ?5",
                params![r.version, r.pending, r.clock_offset_secs, r.free_disk_bytes, device_id],
            )?;
        }
        Ok(())
    }

    /// Records what a device said it is (a kiosk or a tablet) in its heartbeat.
    pub fn device_kind_reported(&self, device_id: i64, kind: survey::wire::DeviceKind) -> Result<(), StoreError> {
        self.conn().execute("UPDATE devices SET kind = ?1 WHERE id = ?2", params![kind.as_str(), device_id])?;
        Ok(())
    }

    /// The office's kiosks, by name.
    pub fn devices(&self, office_id: i64) -> Result<Vec<Device>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT d.id, d.office_id, d.name, d.paired_at, d.revoked_at, d.last_seen_at, d.reported_version,
                    d.reported_pending, d.clock_offset_secs, d.free_disk_bytes,
                    (SELECT count(*) FROM responses r
                     WHERE r.office_id = d.office_id AND r.device = d.name AND r.capture_time_replaced = 1),
                    d.service_pin_hash IS NOT NULL, d.service_pin_set_at, d.service_pin_set_by, d.kind
             FROM devices d WHERE d.office_id = ?1 ORDER BY d.name",
        )?;
        let rows = stmt.query_map([office_id], |r| {
            Ok(Device {
                id: r.get(0)?,
                office_id: r.get(1)?,
                name: r.get(2)?,
                paired_at: r.get(3)?,
                revoked_at: r.get(4)?,
                last_seen_at: r.get(5)?,
                reported_version: r.get(6)?,
                reported_pending: r.get(7)?,
                clock_offset_secs: r.get(8)?,
                free_disk_bytes: r.get(9)?,
                capture_times_replaced: r.get(10)?,
                has_service_pin: r.get(11)?,
                service_pin_set_at: r.get(12)?,
                service_pin_set_by: r.get(13)?,
                kind: survey::wire::DeviceKind::parse(&r.get::<_, String>(14)?)
                    .unwrap_or(survey::wire::DeviceKind::Kiosk),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

fn device_by(
    conn: &rusqlite::Connection,
    condition: &str,
    value: &dyn rusqlite::ToSql,
) -> Result<Option<PairedDevice>, StoreError> {
    let sql = format!(
        "SELECT d.id, d.name, d.office_id, o.slug FROM devices d JOIN offices o ON o.id = d.office_id WHERE {condition}"
    );
    Ok(conn
        .query_row(&sql, [value], |r| {
            Ok(PairedDevice { id: r.get(0)?, name: r.get(1)?, office_id: r.get(2)?, office_slug: r.get(3)? })
        })
        .optional()?)
}

impl Store {
    /// Stores a kiosk's checked filtered presses once each, counted at the time given; says for each
    /// whether it is new (a resend is ignored).
    pub fn record_filtered_presses(
        &self,
        device: &PairedDevice,
        presses: &[(&survey::wire::FilteredPress, chrono::DateTime<chrono::Utc>)],
    ) -> Result<Vec<bool>, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let mut new = Vec::with_capacity(presses.len());
        for (p, counted_at) in presses {
            let inserted = tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO filtered_presses (id, office_id, device_id, captured_at, button, reason)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )?
                .execute(params![
                    p.id.to_string(),
                    device.office_id,
                    device.id,
                    counted_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                    p.button,
                    p.reason.as_str()
                ])?;
            new.push(inserted == 1);
        }
        tx.commit()?;
        Ok(new)
    }

    /// The office's filtered presses by reason.
    pub fn filtered_counts(&self, office_id: i64) -> Result<Vec<(String, u64)>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT reason, count(*) FROM filtered_presses WHERE office_id = ?1 GROUP BY reason ORDER BY reason",
        )?;
        let rows = stmt.query_map([office_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// The name of an office's kiosk that is not revoked; `None` for another office's, a revoked or an
/// unknown one (which the panel answers alike).
fn live_device_name(conn: &Connection, office_id: i64, device_id: i64) -> Result<Option<String>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT name FROM devices WHERE id = ?1 AND office_id = ?2 AND revoked_at IS NULL",
            params![device_id, office_id],
            |r| r.get(0),
        )
        .optional()?)
}
