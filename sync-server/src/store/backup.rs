//! Backup and restore of the database. A backup uses SQLite's online backup API in one step: it reads a
//! consistent snapshot while the server keeps writing (WAL: readers never block the writer), into a
//! temporary file that is synced and then renamed, so a half-written backup never carries the name.
//! A restore checks the copy first (integrity, schema version), keeps the database it replaces, and
//! refuses to run while a server is serving the same directory.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

use super::{DB_FILE, Store, StoreError, migrations, now_text};

/// The server fact holding when the last backup was made (UTC, RFC 3339).
pub const LAST_BACKUP_FACT: &str = "last_backup_at";

/// The lock a serving server holds in its data directory (see [`ServeLock`]).
const LOCK_FILE: &str = "serwer.lock";

/// What a restore did.
#[derive(Debug)]
pub struct Restored {
    pub responses: u64,
    /// Where the database that was replaced is kept.
    pub previous: Option<PathBuf>,
}

impl Store {
    /// Writes a consistent copy of the database to `target`; returns the number of responses in it.
    pub fn backup_to(&self, target: &Path) -> Result<u64, StoreError> {
        let partial = target.with_extension("czesciowa");
        let _ = std::fs::remove_file(&partial);
        {
            let conn = self.conn();
            let mut copy = Connection::open(&partial)?;
            copy_all_pages(&conn, &mut copy)?;
            // The copy stands alone: no WAL beside it.
            let _: String = copy.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))?;
        }
        sync_file(&partial)?;
        std::fs::rename(&partial, target).map_err(|e| io(target, e))?;
        if let Some(dir) = target.parent() {
            sync_dir(dir);
        }
        // The alert worker warns when backups stop (`backup_missing`): it reads when the last one was made.
        self.set_server_fact(LAST_BACKUP_FACT, &now_text())?;
        count_responses(target)
    }
}

/// Copies every page of `from` into `to` with SQLite's online backup. All pages in one step (-1): one read
/// transaction, hence one consistent snapshot, while writers go on in the WAL. A step that finds the
/// database locked is retried.
pub(crate) fn copy_all_pages(from: &Connection, to: &mut Connection) -> Result<(), StoreError> {
    use rusqlite::backup::StepResult;
    let backup = rusqlite::backup::Backup::new(from, to)?;
    for _ in 0..500 {
        match backup.step(-1)? {
            StepResult::Done => return Ok(()),
            StepResult::More | StepResult::Busy | StepResult::Locked => {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            _ => {}
        }
    }
    Err(StoreError::BadBackup("baza była zajęta zbyt długo; spróbuj ponownie".into()))
}

fn io(path: &Path, e: std::io::Error) -> StoreError {
    StoreError::File { path: path.to_owned(), source: e }
}

fn sync_file(path: &Path) -> Result<(), StoreError> {
    std::fs::File::open(path).and_then(|f| f.sync_all()).map_err(|e| io(path, e))
}

/// Makes a rename durable. Best effort: some file systems refuse to open directories.
fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(if dir.as_os_str().is_empty() { Path::new(".") } else { dir }) {
        let _ = d.sync_all();
    }
}

fn count_responses(path: &Path) -> Result<u64, StoreError> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    Ok(conn.query_row("SELECT count(*) FROM responses", [], |r| r.get(0))?)
}

/// Checks that `from` is a sound database of this program, not newer than it.
fn check_copy(from: &Path) -> Result<(), StoreError> {
    let bad = |why: String| StoreError::BadBackup(format!("{}: {why}", from.display()));
    if !from.is_file() {
        return Err(bad("nie ma takiego pliku".into()));
    }
    let conn = Connection::open_with_flags(from, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| bad(format!("nie jest bazą SQLite ({e})")))?;
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|e| bad(format!("nie jest bazą SQLite ({e})")))?;
    if integrity != "ok" {
        return Err(bad(format!("kopia jest uszkodzona ({integrity})")));
    }
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version > migrations::latest() {
        return Err(StoreError::NewerDatabase { found: version, known: migrations::latest() });
    }
    let ours: bool = conn.query_row(
        "SELECT count(*) = 2 FROM sqlite_master WHERE type = 'table' AND name IN ('responses', 'offices')",
        [],
        |r| r.get(0),
    )?;
    if !ours {
        return Err(bad("to nie jest baza Oceń Urząd".into()));
    }
    Ok(())
}

/// Replaces the database in `data_dir` with the copy `from`. The database replaced is renamed, not
/// deleted; an older copy is upgraded by the usual migrations.
pub fn restore(data_dir: &Path, from: &Path) -> Result<Restored, StoreError> {
    check_copy(from)?;
    std::fs::create_dir_all(data_dir).map_err(|source| StoreError::DataDir { path: data_dir.to_owned(), source })?;
    let _lock = ServeLock::take(data_dir)?;
    let db = data_dir.join(DB_FILE);
    let incoming = data_dir.join(format!("{DB_FILE}.przywracana"));
    std::fs::copy(from, &incoming).map_err(|e| io(&incoming, e))?;
    // The copy's own permissions do not carry over: the database is the service's alone.
    std::fs::set_permissions(&incoming, std::os::unix::fs::PermissionsExt::from_mode(0o600))
        .map_err(|e| io(&incoming, e))?;
    sync_file(&incoming)?;
    let previous = if db.exists() {
        // Fold the WAL into the old file first, so the kept copy is whole on its own.
        if let Ok(conn) = Connection::open(&db) {
            let _ = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
        }
        let kept =
            data_dir.join(format!("{DB_FILE}.przed-przywroceniem-{}", chrono::Utc::now().format("%Y%m%dT%H%M%SZ")));
        std::fs::rename(&db, &kept).map_err(|e| io(&db, e))?;
        Some(kept)
    } else {
        None
    };
    for side in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(data_dir.join(format!("{DB_FILE}{side}")));
    }
    std::fs::rename(&incoming, &db).map_err(|e| io(&db, e))?;
    sync_dir(data_dir);
    drop(_lock);
    // Opening applies migrations to an older copy and recounts its report counts.
    let store = Store::open(data_dir)?;
    let responses = store.conn().query_row("SELECT count(*) FROM responses", [], |r| r.get(0))?;
    Ok(Restored { responses, previous })
}

/// An exclusive lock on the data directory, held by a serving server for as long as it runs, so that a
/// restore cannot pull the database from under it. The operating system drops it when the process ends,
/// even on a crash.
pub struct ServeLock(#[allow(dead_code)] std::fs::File);

impl ServeLock {
    pub fn take(data_dir: &Path) -> Result<ServeLock, StoreError> {
        let path = data_dir.join(LOCK_FILE);
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| io(&path, e))?;
        match file.try_lock() {
            Ok(()) => Ok(ServeLock(file)),
            Err(_) => Err(StoreError::InUse(data_dir.to_owned())),
        }
    }
}
