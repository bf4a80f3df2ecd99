//! Admin sessions. The cookie holds a random token; the database holds only its hash, so a copy of the
//! database opens no session. Each session keeps a few words about its browser so that its owner can
//! recognise it in the list of their sessions.

use rand::RngCore;
use rusqlite::{OptionalExtension, params};

use super::{Admin, Store, StoreError, admins, audit, now_text};

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
    /// Alerts in state "new" of the account's office (the operator: of the server): the badge on every
    /// panel page.
    pub new_alerts: u64,
}

/// A live session as its owner sees it in the list of their sessions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionInfo {
    pub token_hash: String,
    /// UTC, RFC 3339.
    pub created_at: String,
    /// UTC, RFC 3339.
    pub last_seen: String,
    /// The browser in a few words (see `http::admin::browser_name::describe_browser`).
    pub user_agent: String,
}

fn random_hex() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn hash(token: &str) -> String {
    blake3::hash(token.as_bytes()).to_hex().to_string()
}

/// Sessions past their idle or total lifetime.
const EXPIRED: &str = "last_seen < strftime('%Y-%m-%dT%H:%M:%SZ', 'now', ?1)
    OR created_at < strftime('%Y-%m-%dT%H:%M:%SZ', 'now', ?2)";

fn expiry_params() -> [String; 2] {
    [format!("-{IDLE_MINUTES} minutes"), format!("-{MAX_HOURS} hours")]
}

impl Store {
    /// Starts a session for the admin and returns the cookie token. A new token on every login: a token
    /// planted before login (session fixation) never becomes a logged-in session.
    pub fn start_session(&self, admin_id: i64) -> Result<String, StoreError> {
        self.start_session_in(admin_id, "")
    }

    /// [`Store::start_session`] from a browser described as `browser` (a few words, bounded by the caller).
    pub fn start_session_in(&self, admin_id: i64, browser: &str) -> Result<String, StoreError> {
        let token = random_hex();
        let now = now_text();
        self.conn().execute(
            "INSERT INTO sessions (token_hash, admin_id, csrf, created_at, last_seen, user_agent)
             VALUES (?1, ?2, ?3, ?4, ?4, ?5)",
            params![hash(&token), admin_id, random_hex(), now, browser],
        )?;
        Ok(token)
    }

    /// The live session of this cookie token, refreshed; expired sessions are removed on the way, and so
    /// is a session whose account is disabled.
    pub fn session(&self, token: &str) -> Result<Option<Session>, StoreError> {
        let conn = self.conn();
        conn.execute(&format!("DELETE FROM sessions WHERE {EXPIRED}"), expiry_params())?;
        let token_hash = hash(token);
        let found: Option<(i64, String)> = conn
            .query_row("SELECT admin_id, csrf FROM sessions WHERE token_hash = ?1", [&token_hash], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        let Some((admin_id, csrf)) = found else { return Ok(None) };
        let Some(admin) = admins::enabled_admin_by_id(&conn, admin_id)? else {
            conn.execute("DELETE FROM sessions WHERE token_hash = ?1", [&token_hash])?;
            return Ok(None);
        };
        conn.execute("UPDATE sessions SET last_seen = ?1 WHERE token_hash = ?2", params![now_text(), token_hash])?;
        let new_alerts = conn.query_row(
            "SELECT count(*) FROM alerts WHERE office_id IS ?1 AND state = 'new'",
            [admin.office_id],
            |r| r.get(0),
        )?;
        Ok(Some(Session { token_hash, admin, csrf, new_alerts }))
    }

    /// The admin's live sessions, the most recently used first.
    pub fn sessions_of(&self, admin_id: i64) -> Result<Vec<SessionInfo>, StoreError> {
        let conn = self.conn();
        conn.execute(&format!("DELETE FROM sessions WHERE {EXPIRED}"), expiry_params())?;
        let mut stmt = conn.prepare(
            "SELECT token_hash, created_at, last_seen, user_agent FROM sessions WHERE admin_id = ?1
             ORDER BY last_seen DESC, created_at DESC",
        )?;
        let rows = stmt.query_map([admin_id], |r| {
            Ok(SessionInfo {
                token_hash: r.get(0)?,
                created_at: r.get(1)?,
                last_seen: r.get(2)?,
                user_agent: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
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

    /// "Wyloguj wszędzie": ends every session of the admin, this one included; returns how many ended.
    pub fn end_all_sessions(&self, admin: &Admin) -> Result<usize, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let ended = tx.execute("DELETE FROM sessions WHERE admin_id = ?1", [admin.id])?;
        audit::record(&tx, admin.office_id, &admin.login, "wylogowanie ze wszystkich sesji", &ended.to_string())?;
        tx.commit()?;
        Ok(ended)
    }
}

/// How long the session cookie is kept by the browser, in seconds.
pub fn max_age_secs() -> i64 {
    MAX_HOURS * 3600
}
