//! Admin sessions. The cookie holds a random token; the database holds only its hash, so a copy of the
//! database opens no session.

use rand::RngCore;
use rusqlite::{OptionalExtension, params};

use super::{Admin, Store, StoreError, admins, now_text};

/// How long a session lives without use.
pub const IDLE_MINUTES: i64 = 60;
/// How long a session lives at most.
pub const MAX_HOURS: i64 = 12;

/// A session found by its cookie.
#[derive(Debug, Clone)]
pub struct Session {
    pub token_hash: String,
    pub admin: Admin,
    /// The token every form of this session must carry.
    pub csrf: String,
}

fn random_hex() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn hash(token: &str) -> String {
    blake3::hash(token.as_bytes()).to_hex().to_string()
}

impl Store {
    /// Starts a session for the admin and returns the cookie token. A new token on every login: a token
    /// planted before login (session fixation) never becomes a logged-in session.
    pub fn start_session(&self, admin_id: i64) -> Result<String, StoreError> {
        let token = random_hex();
        let now = now_text();
        self.conn().execute(
            "INSERT INTO sessions (token_hash, admin_id, csrf, created_at, last_seen) VALUES (?1, ?2, ?3, ?4, ?4)",
            params![hash(&token), admin_id, random_hex(), now],
        )?;
        Ok(token)
    }

    /// The live session of this cookie token, refreshed; expired sessions are removed on the way.
    pub fn session(&self, token: &str) -> Result<Option<Session>, StoreError> {
        let conn = self.conn();
        conn.execute(
            "DELETE FROM sessions WHERE last_seen < strftime('%Y-%m-%dT%H:%M:%SZ', 'now', ?1)
                OR created_at < strftime('%Y-%m-%dT%H:%M:%SZ', 'now', ?2)",
            params![format!("-{IDLE_MINUTES} minutes"), format!("-{MAX_HOURS} hours")],
        )?;
        let token_hash = hash(token);
        let found: Option<(i64, String)> = conn
            .query_row("SELECT admin_id, csrf FROM sessions WHERE token_hash = ?1", [&token_hash], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        let Some((admin_id, csrf)) = found else { return Ok(None) };
        conn.execute("UPDATE sessions SET last_seen = ?1 WHERE token_hash = ?2", params![now_text(), token_hash])?;
        let admin = admins::admin_by_id(&conn, admin_id)?;
        Ok(Some(Session { token_hash, admin, csrf }))
    }

    /// Ends a session (logout).
    pub fn end_session(&self, token_hash: &str) -> Result<(), StoreError> {
        self.conn().execute("DELETE FROM sessions WHERE token_hash = ?1", [token_hash])?;
        Ok(())
    }

    /// Ends every session of an admin except `keep` (after a password change).
    pub fn end_other_sessions(&self, admin_id: i64, keep: &str) -> Result<(), StoreError> {
        self.conn()
            .execute("DELETE FROM sessions WHERE admin_id = ?1 AND token_hash <> ?2", params![admin_id, keep])?;
        Ok(())
    }
}

/// How long the session cookie is kept by the browser, in seconds.
pub fn max_age_secs() -> i64 {
    MAX_HOURS * 3600
}
