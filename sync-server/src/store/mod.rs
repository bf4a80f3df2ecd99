//! All SQL of the server. Handlers and commands call these functions; nothing else touches the database.
//!
//! One SQLite file in the data directory, in WAL mode (readers never block the writer) with
//! `synchronous=FULL`: an answer the server has acknowledged survives a power cut, not only a crash.
//! Foreign keys are on. Migrations are numbered SQL files embedded in the binary, applied at start.

mod accessibility;
mod admins;
mod alerts;
mod audit;
mod backup;
mod changes;
mod checkpoint;
mod corrective_actions;
mod devices;
mod group_commit;
mod migrations;
mod offices;
mod publications;
mod questionnaire_versions;
mod questionnaires;
mod readers;
mod report_archive;
mod report_queries;
mod responses;
mod sessions;
mod tally;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::Connection;

pub use accessibility::{Assessment, Compliance, Statement};
pub use admins::{AccountChange, AccountRefusal, Admin, NewAdmin, Role};
pub use alerts::{
    Alert, AlertState, KINDS as ALERT_KINDS, LiveDevice, Mail, NewAlert, OutboxMail, Recipient, WeekFigures,
};
pub use audit::AuditEntry;
pub use backup::{LAST_BACKUP_FACT, Restored, ServeLock, restore};
pub use changes::{Comment, StoredResponse};
pub use corrective_actions::{ActionInput, ActionStatus, CorrectiveAction};
pub use devices::{Device, DeviceReport, Enrolment, Paired, PairedDevice, PairingRefused};
pub use offices::{Department, Office, OfficeData};
pub use publications::{Publication, SignOff};
pub use report_archive::{ArchivedReport, ReportFiles};
pub use report_queries::{Completeness, PeriodCounts, ReportFilter};
pub use responses::{Incoming, RecordOutcome};
pub use sessions::{Session, SessionInfo, max_age_secs as sessions_max_age_secs};

/// How long a statement waits for a lock another connection holds before it fails.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The database file's name inside the data directory.
pub const DB_FILE: &str = "ocen-urzad.sqlite3";

/// What can go wrong in the store. Messages are Polish: they reach the administrator.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("nie można utworzyć katalogu danych {path}: {source}")]
    DataDir { path: PathBuf, source: std::io::Error },
    #[error("nie można otworzyć bazy danych {path}: {source} (czy katalog jest zapisywalny?)")]
    Open { path: PathBuf, source: rusqlite::Error },
    #[error(
        "baza danych ma wersję schematu {found}, a ten program zna najwyżej {known}: to baza nowszej wersji programu. Zainstaluj nowszą wersję zamiast cofać aktualizację."
    )]
    NewerDatabase { found: i64, known: i64 },
    #[error("urząd o adresie „{0}” już istnieje")]
    DuplicateSlug(String),
    #[error("nie ma urzędu o adresie „{0}” (sprawdź listę: sync-server office list)")]
    UnknownOffice(String),
    #[error("nazwa hosta „{0}” jest już przypisana innemu urzędowi")]
    DuplicateHost(String),
    #[error("kiosk o nazwie „{0}” już istnieje w tym urzędzie")]
    DuplicateDevice(String),
    #[error("login „{0}” jest już zajęty")]
    DuplicateLogin(String),
    #[error("nie ma takiego konta w tym urzędzie")]
    UnknownAccount,
    #[error("urząd „{office}” nie ma wersji ankiety {version}")]
    UnknownQuestionnaireVersion { office: String, version: u32 },
    #[error("ankieta o numerze arkusza „{serial}” została już wprowadzona {entered_at}")]
    DuplicateSerial { serial: String, entered_at: String },
    #[error(
        "katalog danych {0} jest w użyciu przez działający serwer: zatrzymaj go (systemctl stop sync-server) i spróbuj ponownie"
    )]
    InUse(PathBuf),
    #[error("operacja na pliku {path} nie powiodła się: {source}")]
    File { path: PathBuf, source: std::io::Error },
    #[error("nie można przywrócić kopii: {0}")]
    BadBackup(String),
    #[error("zapisane dane są uszkodzone: {0}")]
    Corrupt(String),
    /// A document (PDF, XLSX) could not be drawn from figures already read: the program's failure, not
    /// the data's; nothing stored is affected.
    #[error("nie udało się utworzyć dokumentu ({0}); zapisane dane są nienaruszone")]
    Document(String),
    #[error(
        "zmianę zapisano, ale dziennik zapisu bazy (plik -wal) był zajęty przez trwające odczyty i może jeszcze przechowywać poprzednią treść: ponów operację za chwilę"
    )]
    LogNotEmptied,
    #[error("adres {0} jest już na liście odbiorców")]
    DuplicateRecipient(String),
    #[error("nie udało się zabezpieczyć PIN-u kiosku: {0}")]
    PinHash(String),
    #[error("błąd bazy danych: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

/// A handle on the database, cheap to clone. One writing connection behind a mutex (SQLite has one
/// writer at a time anyway), a few connections for the reads of busy pages (`readers.rs`), and a thread
/// that commits concurrent web surveys together (`group_commit.rs`).
#[derive(Clone)]
pub struct Store {
    conn: Arc<Mutex<Connection>>,
    path: PathBuf,
    readers: Arc<readers::ReaderPool>,
    group_commit: Arc<Mutex<Option<group_commit::GroupCommit>>>,
    parsed_versions: Arc<questionnaires::ParsedVersions>,
    checkpoint_turn: Arc<checkpoint::Turn>,
    _checkpointer: Arc<Option<checkpoint::Checkpointer>>,
}

impl Store {
    /// Opens (creating if needed) the database in `data_dir` and brings its schema up to date.
    pub fn open(data_dir: &Path) -> Result<Store, StoreError> {
        std::fs::create_dir_all(data_dir)
            .map_err(|source| StoreError::DataDir { path: data_dir.to_owned(), source })?;
        let path = data_dir.join(DB_FILE);
        let mut conn = Connection::open(&path).map_err(|source| StoreError::Open { path: path.clone(), source })?;
        // Before switching it to WAL: a newer program's database is left exactly as it was.
        migrations::refuse_newer(&conn)?;
        configure(&conn).map_err(|source| StoreError::Open { path: path.clone(), source })?;
        let found = migrations::apply(&mut conn)?;
        if found > 0 && found < migrations::TALLY {
            let tx = conn.transaction()?;
            let counted = tally::rebuild(&tx)?;
            tx.commit()?;
            tracing::info!(counted, "przeliczono liczniki raportów z zapisanych odpowiedzi");
        }
        // Every transaction takes the write lock when it begins, waiting for it if need be. A deferred one
        // that read first could otherwise fail at once ("database is locked") when the background
        // checkpoint empties the log between its read and its write.
        conn.set_transaction_behavior(rusqlite::TransactionBehavior::Immediate);
        let checkpoint_turn = Arc::<checkpoint::Turn>::default();
        Ok(Store {
            conn: Arc::new(Mutex::new(conn)),
            readers: Arc::default(),
            group_commit: Arc::default(),
            parsed_versions: Arc::default(),
            _checkpointer: Arc::new(checkpoint::Checkpointer::start(&path, Arc::clone(&checkpoint_turn))),
            checkpoint_turn,
            path,
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The connection. A panic while holding it cannot leave SQLite half-written (transactions roll back
    /// when dropped), so a poisoned lock is safe to take over.
    fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Checks the database answers; used by `/healthz`.
    pub fn ping(&self) -> Result<(), StoreError> {
        self.reader()?.query_row("SELECT 1", [], |_| Ok(()))?;
        Ok(())
    }
}

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    // journal_mode returns a row, so it is read rather than executed.
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        tracing::warn!(mode, "SQLite nie przełączył się w tryb WAL");
    }
    // secure_delete: a redacted comment's old text is overwritten on disk, not left in a free page.
    conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON;")?;
    // Up to 32 MB of pages kept in memory (the default is 2 MB): a year of answers has indexes far
    // larger than that, and every insert walks them. Memory is taken only as pages are read.
    conn.execute_batch("PRAGMA cache_size = -32768;")?;
    // The log is copied back by a background thread (`checkpoint.rs`), not inside a survey's commit.
    conn.execute_batch(&format!(
        "PRAGMA wal_autocheckpoint = {}; PRAGMA journal_size_limit = {};",
        checkpoint::SAFETY_NET_PAGES,
        checkpoint::LOG_FILE_LIMIT
    ))?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    Ok(())
}

/// The current time as stored: UTC, RFC 3339, whole seconds.
pub(crate) fn now_text() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

impl StoreError {
    /// Whether the error belongs to one item only (an office or questionnaire version that does not
    /// exist, a sheet already entered, a stored answer that cannot be read, a constraint the item breaks),
    /// so that the rest of a batch may still be stored. Anything else (the disk, the database) concerns
    /// every item alike.
    pub fn concerns_one_item(&self) -> bool {
        match self {
            StoreError::UnknownOffice(_)
            | StoreError::UnknownQuestionnaireVersion { .. }
            | StoreError::DuplicateSerial { .. }
            | StoreError::Corrupt(_) => true,
            StoreError::Sqlite(rusqlite::Error::SqliteFailure(e, _)) => {
                matches!(e.code, rusqlite::ErrorCode::ConstraintViolation | rusqlite::ErrorCode::TooBig)
            }
            StoreError::Sqlite(rusqlite::Error::ToSqlConversionFailure(_)) => true,
            _ => false,
        }
    }

    /// Whether the write failed for want of disk space: nothing stored was harmed, and the same write
    /// succeeds once space is freed, so callers say "try again later" rather than "error".
    pub fn is_disk_full(&self) -> bool {
        matches!(self, StoreError::Sqlite(rusqlite::Error::SqliteFailure(e, _)) if e.code == rusqlite::ErrorCode::DiskFull)
    }
}

impl Store {
    /// Fault injection for tests: with `full`, the database may not grow by a single page (SQLite then
    /// fails writes exactly as on a full disk); without, it may grow again.
    pub fn simulate_full_disk(&self, full: bool) -> Result<(), StoreError> {
        let conn = self.conn();
        let pages: i64 = conn.query_row("PRAGMA page_count", [], |r| r.get(0))?;
        let limit = if full { pages } else { i64::from(u32::MAX) - 1 };
        let _: i64 = conn.query_row(&format!("PRAGMA max_page_count = {limit}"), [], |r| r.get(0))?;
        Ok(())
    }
}

/// Maps a UNIQUE violation to a friendlier error, leaving every other error as it is.
fn on_unique_violation(err: rusqlite::Error, friendly: impl FnOnce() -> StoreError) -> StoreError {
    match &err {
        rusqlite::Error::SqliteFailure(e, _) if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE => {
            friendly()
        }
        _ => StoreError::Sqlite(err),
    }
}
