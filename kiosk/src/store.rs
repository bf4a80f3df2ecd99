//! The kiosk's own database: every answer is committed here before the thank-you appears, and stays
//! until the server has acknowledged it (and a retention period has passed). Also the pairing, the
//! questionnaire and the office's information clause last fetched, the service PIN's hash, and the state
//! of the sync.
//!
//! WAL with `synchronous=FULL`: a commit returns only once the answer is on disk, so an answer whose
//! "Dziękujemy" was shown survives a power cut, not only a crash of the program.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::{Connection, OptionalExtension, params};
use survey::Response;
use survey::validation::{Problem, ValidationError};
use survey::wire::{FilterReason, FilteredPress, Outcome, PrivacyNotice, QuestionnairePackage};

/// The database file inside the data directory.
pub const DB_FILE: &str = "kiosk.sqlite3";

/// Acknowledged answers are deleted this many days after acknowledgement.
pub const RETENTION_DAYS: i64 = 30;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS answers (
    id          TEXT PRIMARY KEY,             -- the response's UUIDv7
    payload     TEXT NOT NULL,                -- survey::Response as JSON, never changed
    created_at  TEXT NOT NULL,
    state       TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'rejected')),
    outcome     TEXT,                         -- what the server said, as JSON
    sent_at     TEXT
);
CREATE INDEX IF NOT EXISTS answers_by_state ON answers (state, id);
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- Presses of the button panel not counted as answers, kept to be reported beside them.
CREATE TABLE IF NOT EXISTS filtered_presses (
    id          TEXT PRIMARY KEY,
    captured_at TEXT NOT NULL,
    button      INTEGER NOT NULL,
    reason      TEXT NOT NULL,
    sent        INTEGER NOT NULL DEFAULT 0
);
";

/// What can go wrong with the kiosk's storage.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("nie można utworzyć katalogu danych {path}: {source}")]
    DataDir { path: PathBuf, source: std::io::Error },
    #[error("błąd bazy danych kiosku: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("zapisane dane kiosku są uszkodzone: {0}")]
    Corrupt(String),
    #[error(
        "baza kiosku ma wersję schematu {found}, a ten program zna najwyżej {known}: pochodzi z nowszej wersji programu. Zainstaluj nowszą wersję zamiast cofać aktualizację."
    )]
    NewerDatabase { found: i64, known: i64 },
}

/// The schema version this build writes (`PRAGMA user_version`). The first schema is version 1; a change
/// adds a numbered step in [`Store::open`] and raises this.
pub const SCHEMA_VERSION: i64 = 1;

/// The pairing with the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pairing {
    pub server: String,
    pub token: String,
    pub office: String,
    pub device: String,
}

/// Counts for `kiosk status` and the service screen.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Status {
    pub pending: u64,
    pub sent: u64,
    pub rejected: u64,
    /// Filtered presses by reason.
    pub filtered: Vec<(String, u64)>,
    pub last_sync: Option<String>,
    pub last_error: Option<String>,
}

/// A handle on the kiosk's database, cheap to clone; used from the UI's storage thread and the sync worker.
#[derive(Clone)]
pub struct Store {
    conn: Arc<Mutex<Connection>>,
}

fn now_text() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

impl Store {
    /// Opens (creating if needed) the database in `data_dir`.
    pub fn open(data_dir: &Path) -> Result<Store, StoreError> {
        std::fs::create_dir_all(data_dir)
            .map_err(|source| StoreError::DataDir { path: data_dir.to_owned(), source })?;
        let conn = Connection::open(data_dir.join(DB_FILE))?;
        // A newer program's database is left exactly as it was.
        let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if found > SCHEMA_VERSION {
            return Err(StoreError::NewerDatabase { found, known: SCHEMA_VERSION });
        }
        let _mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        conn.execute_batch("PRAGMA synchronous = FULL;")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        // Version 0 is a database of the first releases, made before versions were recorded: its tables
        // are version 1's, which CREATE … IF NOT EXISTS leaves as they are.
        conn.execute_batch(SCHEMA)?;
        conn.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        Ok(Store { conn: Arc::new(Mutex::new(conn)) })
    }

    /// Writes a consistent copy of the database to `target` (SQLite's online backup, one step); returns
    /// the number of answers in it still waiting to be sent.
    pub fn export_to(&self, target: &Path) -> Result<u64, StoreError> {
        {
            let conn = self.conn();
            let mut copy = Connection::open(target)?;
            let backup = rusqlite::backup::Backup::new(&conn, &mut copy)?;
            // All pages in one step (one consistent snapshot); a step that finds the database busy is
            // retried.
            let mut attempts = 0;
            while backup.step(-1)? != rusqlite::backup::StepResult::Done {
                attempts += 1;
                if attempts > 500 {
                    return Err(rusqlite::Error::SqliteFailure(
                        rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
                        Some("baza kiosku była zajęta zbyt długo".into()),
                    )
                    .into());
                }
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
        }
        let copy = Connection::open(target)?;
        let _mode: String = copy.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))?;
        Ok(copy.query_row("SELECT count(*) FROM answers WHERE state = 'pending'", [], |r| r.get(0))?)
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Commits an answer durably. Returns once it is on disk; only then may the thank-you appear.
    pub fn record(&self, response: &Response) -> Result<(), StoreError> {
        let payload = serde_json::to_string(response).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        self.conn().execute(
            "INSERT OR IGNORE INTO answers (id, payload, created_at) VALUES (?1, ?2, ?3)",
            params![response.id.to_string(), payload, now_text()],
        )?;
        Ok(())
    }

    /// The oldest answers not yet acknowledged, at most `limit`. An answer whose stored content cannot be
    /// read (a damaged row, a newer build's format) is set aside as rejected, with the reason, instead of
    /// stopping every answer behind it; `kiosk status` and the service screen count it.
    pub fn pending(&self, limit: usize) -> Result<Vec<Response>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare("SELECT id, payload FROM answers WHERE state = 'pending' ORDER BY id LIMIT ?1")?;
        let rows = stmt
            .query_map([limit as i64], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        let mut pending = Vec::with_capacity(rows.len());
        for (id, json) in rows {
            match serde_json::from_str(&json) {
                Ok(response) => pending.push(response),
                Err(e) => {
                    tracing::error!(answer = %id, error = %e, "odpowiedź w bazie kiosku nieczytelna: odłożona");
                    let problem = Problem::Unreadable { detail: format!("w bazie kiosku: {e}") };
                    let outcome = Outcome::Rejected { errors: vec![ValidationError { question: None, problem }] };
                    let outcome = serde_json::to_string(&outcome).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                    conn.execute(
                        "UPDATE answers SET state = 'rejected', outcome = ?1, sent_at = ?2 WHERE id = ?3",
                        params![outcome, now_text(), id],
                    )?;
                }
            }
        }
        Ok(pending)
    }

    /// Records what the server said about each answer sent: held by the server → sent; rejected → kept
    /// aside with the reason (it will not be sent again; `kiosk status` shows it). One transaction.
    pub fn acknowledge(&self, results: &[(uuid::Uuid, Outcome)]) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let now = now_text();
        for (id, outcome) in results {
            let state = if outcome.is_held_by_server() { "sent" } else { "rejected" };
            let outcome = serde_json::to_string(outcome).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            tx.execute(
                "UPDATE answers SET state = ?1, outcome = ?2, sent_at = ?3 WHERE id = ?4 AND state = 'pending'",
                params![state, outcome, now, id.to_string()],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Deletes answers acknowledged more than [`RETENTION_DAYS`] ago. Never touches pending ones.
    pub fn prune(&self) -> Result<usize, StoreError> {
        let cutoff = (chrono::Utc::now() - chrono::Duration::days(RETENTION_DAYS))
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        Ok(self.conn().execute("DELETE FROM answers WHERE state = 'sent' AND sent_at < ?1", [cutoff])?)
    }

    /// Records a press that did not count, with its reason.
    pub fn record_filtered(&self, press: &FilteredPress) -> Result<(), StoreError> {
        self.conn().execute(
            "INSERT OR IGNORE INTO filtered_presses (id, captured_at, button, reason) VALUES (?1, ?2, ?3, ?4)",
            params![
                press.id.to_string(),
                press.captured_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                press.button,
                press.reason.as_str()
            ],
        )?;
        Ok(())
    }

    /// Filtered presses not yet reported to the server, oldest first.
    pub fn pending_filtered(&self, limit: usize) -> Result<Vec<FilteredPress>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT id, captured_at, button, reason FROM filtered_presses WHERE sent = 0 ORDER BY id LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit as i64], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, u8>(2)?, r.get::<_, String>(3)?))
        })?;
        rows.map(|row| {
            let (id, at, button, reason) = row?;
            Ok(FilteredPress {
                id: uuid::Uuid::parse_str(&id).map_err(|e| StoreError::Corrupt(e.to_string()))?,
                captured_at: chrono::DateTime::parse_from_rfc3339(&at)
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?
                    .into(),
                button,
                reason: FilterReason::parse(&reason)
                    .ok_or_else(|| StoreError::Corrupt(format!("nieznany powód odfiltrowania „{reason}”")))?,
            })
        })
        .collect()
    }

    /// Marks filtered presses as reported.
    pub fn filtered_sent(&self, presses: &[FilteredPress]) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        for p in presses {
            tx.execute("UPDATE filtered_presses SET sent = 1 WHERE id = ?1", [p.id.to_string()])?;
        }
        tx.commit()?;
        Ok(())
    }

    fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self.conn().query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| r.get(0)).optional()?)
    }

    fn set_setting(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.conn().execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }

    /// The pairing, if the kiosk is paired.
    pub fn pairing(&self) -> Result<Option<Pairing>, StoreError> {
        let (Some(server), Some(token), Some(office), Some(device)) =
            (self.setting("server")?, self.setting("token")?, self.setting("office")?, self.setting("device")?)
        else {
            return Ok(None);
        };
        Ok(Some(Pairing { server, token, office, device }))
    }

    /// Saves the pairing (replacing an earlier one).
    pub fn set_pairing(&self, p: &Pairing) -> Result<(), StoreError> {
        for (k, v) in [("server", &p.server), ("token", &p.token), ("office", &p.office), ("device", &p.device)] {
            self.set_setting(k, v)?;
        }
        Ok(())
    }

    /// The questionnaire last fetched and its ETag.
    pub fn questionnaire(&self) -> Result<Option<(QuestionnairePackage, String)>, StoreError> {
        let (Some(json), Some(etag)) = (self.setting("questionnaire")?, self.setting("questionnaire_etag")?) else {
            return Ok(None);
        };
        let package = serde_json::from_str(&json).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        Ok(Some((package, etag)))
    }

    /// Saves a newly fetched questionnaire.
    pub fn set_questionnaire(&self, package: &QuestionnairePackage, etag: &str) -> Result<(), StoreError> {
        let json = serde_json::to_string(package).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        self.set_setting("questionnaire", &json)?;
        self.set_setting("questionnaire_etag", etag)
    }

    /// The hash of the kiosk's service PIN (from the server, or set on the service screen), if it has one.
    pub fn service_pin_hash(&self) -> Result<Option<String>, StoreError> {
        self.setting("service_pin_hash")
    }

    /// A PIN set on the service screen and not yet confirmed by the server, as its hash.
    pub fn service_pin_unreported(&self) -> Result<Option<String>, StoreError> {
        self.setting("service_pin_unreported")
    }

    /// Sets the PIN's hash from the service screen: used at once, and reported at the next heartbeat.
    pub fn set_service_pin_here(&self, hash: &str) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        for key in ["service_pin_hash", "service_pin_unreported"] {
            tx.execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![key, hash],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Takes the PIN's hash the server holds (from a pairing or a heartbeat reply). `reported` is what this
    /// kiosk sent with the request: if a PIN was set on the service screen since, that newer one stays (and
    /// is reported next time); otherwise the server's is taken and nothing is left to report.
    pub fn service_pin_from_server(&self, hash: &str, reported: Option<&str>) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let unreported: Option<String> = tx
            .query_row("SELECT value FROM settings WHERE key = 'service_pin_unreported'", [], |r| r.get(0))
            .optional()?;
        if unreported.as_deref() == reported {
            tx.execute("DELETE FROM settings WHERE key = 'service_pin_unreported'", [])?;
            tx.execute(
                "INSERT INTO settings (key, value) VALUES ('service_pin_hash', ?1) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [hash],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Wrong PINs typed in a row on the service screen, kept so that a restart does not forget them.
    pub fn service_pin_failures(&self) -> Result<u32, StoreError> {
        Ok(self.setting("service_pin_failures")?.and_then(|n| n.parse().ok()).unwrap_or(0))
    }

    /// Records the count of wrong PINs in a row (0 after a right one).
    pub fn set_service_pin_failures(&self, failures: u32) -> Result<(), StoreError> {
        self.set_setting("service_pin_failures", &failures.to_string())
    }

    /// The office's information clause as the last sync brought it.
    pub fn privacy_notice(&self) -> Result<Option<PrivacyNotice>, StoreError> {
        self.setting("privacy_notice")?
            .map(|json| serde_json::from_str(&json).map_err(|e| StoreError::Corrupt(e.to_string())))
            .transpose()
    }

    /// Keeps the office's information clause, for the screen to show offline.
    pub fn set_privacy_notice(&self, notice: &PrivacyNotice) -> Result<(), StoreError> {
        let json = serde_json::to_string(notice).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        self.set_setting("privacy_notice", &json)
    }

    /// Notes a successful sync, or the error of a failed one.
    pub fn note_sync(&self, error: Option<&str>) -> Result<(), StoreError> {
        match error {
            None => {
                self.set_setting("last_sync", &now_text())?;
                self.conn().execute("DELETE FROM settings WHERE key = 'last_error'", [])?;
                Ok(())
            }
            Some(e) => self.set_setting("last_error", &format!("{}: {e}", now_text())),
        }
    }

    /// Counts and the last sync.
    pub fn status(&self) -> Result<Status, StoreError> {
        let count = |state: &str| -> Result<u64, StoreError> {
            Ok(self.conn().query_row("SELECT count(*) FROM answers WHERE state = ?1", [state], |r| r.get(0))?)
        };
        Ok(Status {
            pending: count("pending")?,
            sent: count("sent")?,
            rejected: count("rejected")?,
            filtered: {
                let conn = self.conn();
                let mut stmt =
                    conn.prepare("SELECT reason, count(*) FROM filtered_presses GROUP BY reason ORDER BY reason")?;
                let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
                rows.collect::<Result<_, _>>()?
            },
            last_sync: self.setting("last_sync")?,
            last_error: self.setting("last_error")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use survey::{AnswerValue, Channel, QuestionKey};

    use super::*;

    fn answer(rating: u8) -> Response {
        let mut r = Response::new("urzad", 1, Channel::KioskTouch);
        r.answers.insert(QuestionKey::parse("ogolna_ocena").unwrap(), AnswerValue::Rating(rating));
        r
    }

    #[test]
    fn answers_stay_pending_until_acknowledged() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let (a, b, c) = (answer(5), answer(1), answer(3));
        for r in [&a, &b, &c] {
            store.record(r).unwrap();
        }
        store.record(&a).unwrap(); // recording twice is harmless
        assert_eq!(store.pending(10).unwrap(), vec![a.clone(), b.clone(), c.clone()]);
        store.acknowledge(&[(a.id, Outcome::Stored), (b.id, Outcome::Rejected { errors: vec![] })]).unwrap();
        assert_eq!(store.pending(10).unwrap(), vec![c]);
        let status = store.status().unwrap();
        assert_eq!((status.pending, status.sent, status.rejected), (1, 1, 1));
        // Nothing recent is pruned, pending never.
        assert_eq!(store.prune().unwrap(), 0);
    }

    #[test]
    fn survives_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let r = answer(4);
        Store::open(dir.path()).unwrap().record(&r).unwrap();
        assert_eq!(Store::open(dir.path()).unwrap().pending(5).unwrap(), vec![r]);
    }

    #[test]
    fn a_pin_set_here_waits_to_be_reported_and_a_newer_one_outlives_an_older_reply() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.service_pin_hash().unwrap(), None);
        // Pairing: the server's PIN, nothing to report.
        store.service_pin_from_server("serwer-1", None).unwrap();
        assert_eq!(store.service_pin_hash().unwrap().as_deref(), Some("serwer-1"));
        assert_eq!(store.service_pin_unreported().unwrap(), None);
        // Changed on the service screen: used at once, waits to be reported.
        store.set_service_pin_here("kiosk-1").unwrap();
        assert_eq!(store.service_pin_hash().unwrap().as_deref(), Some("kiosk-1"));
        assert_eq!(store.service_pin_unreported().unwrap().as_deref(), Some("kiosk-1"));
        // A reply to a heartbeat sent before the change does not undo it.
        store.service_pin_from_server("serwer-1", None).unwrap();
        assert_eq!(store.service_pin_hash().unwrap().as_deref(), Some("kiosk-1"));
        assert_eq!(store.service_pin_unreported().unwrap().as_deref(), Some("kiosk-1"));
        // The reply to the heartbeat that carried it confirms it.
        store.service_pin_from_server("kiosk-1", Some("kiosk-1")).unwrap();
        assert_eq!(store.service_pin_unreported().unwrap(), None);
        // A later change in the panel arrives with the next reply.
        store.service_pin_from_server("serwer-2", None).unwrap();
        assert_eq!(store.service_pin_hash().unwrap().as_deref(), Some("serwer-2"));
        store.set_service_pin_failures(3).unwrap();
        assert_eq!(Store::open(dir.path()).unwrap().service_pin_failures().unwrap(), 3);
    }

    #[test]
    fn an_export_is_a_whole_database_with_the_pending_answers() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let (a, b) = (answer(5), answer(2));
        store.record(&a).unwrap();
        store.record(&b).unwrap();
        store.acknowledge(&[(a.id, Outcome::Stored)]).unwrap();
        let out = tempfile::tempdir().unwrap();
        let copy = out.path().join("kopia.sqlite3");
        assert_eq!(store.export_to(&copy).unwrap(), 1);
        // The copy opens as a kiosk database of its own, with the answer still to send.
        let other = tempfile::tempdir().unwrap();
        std::fs::copy(&copy, other.path().join(DB_FILE)).unwrap();
        assert_eq!(Store::open(other.path()).unwrap().pending(10).unwrap(), vec![b]);
    }

    #[test]
    fn a_database_of_an_older_release_opens_and_a_newer_one_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let r = answer(3);
        Store::open(dir.path()).unwrap().record(&r).unwrap();
        let conn = Connection::open(dir.path().join(DB_FILE)).unwrap();
        // As the first releases left it: no version recorded.
        conn.pragma_update(None, "user_version", 0).unwrap();
        assert_eq!(Store::open(dir.path()).unwrap().pending(5).unwrap(), vec![r]);
        let version: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0)).unwrap();
        assert_eq!(version, SCHEMA_VERSION);
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1).unwrap();
        let err = Store::open(dir.path()).err().unwrap().to_string();
        assert!(err.contains("nowszej wersji programu"), "{err}");
    }
}
