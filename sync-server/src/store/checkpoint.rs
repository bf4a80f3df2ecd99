//! Copying the write-ahead log back into the database file, in the background. SQLite does it by
//! default inside a commit once the log passes 1,000 pages, and that commit then waits for the copy and
//! its fsync: a survey answered at that moment waits tens of milliseconds. Here a thread with its own
//! connection does it ten times a second without blocking writers (a "passive" checkpoint), and the
//! in-commit checkpoint is kept only as a safety net for a log that has grown very large.
//!
//! A redaction needs more: the log must be emptied, not only copied, or the text it replaced stays in the
//! log file ([`empty_log`]).

use std::path::Path;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rusqlite::Connection;

use super::StoreError;

/// How often the log is copied back.
const EVERY: Duration = Duration::from_millis(100);

/// Log pages after which a commit checkpoints by itself (about 80 MB): only when the thread cannot keep
/// up, for instance while a long report read holds an old snapshot.
pub(super) const SAFETY_NET_PAGES: u32 = 20_000;

/// Bytes the log file is cut back to when the log starts again (after a burst, the file would otherwise
/// keep its largest size).
pub(super) const LOG_FILE_LIMIT: u64 = 16 * 1024 * 1024;

/// Taken by whoever checkpoints: the background thread for each copy, a redaction while it empties the
/// log. SQLite runs one checkpoint at a time and refuses a second one at once, without waiting even with a
/// busy timeout; this turn makes the redaction wait for the background copy instead of being refused.
#[derive(Default)]
pub(super) struct Turn(Mutex<()>);

impl Turn {
    fn take(&self) -> MutexGuard<'_, ()> {
        // Nothing is guarded but the turn itself: a panic while holding it harms nothing.
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The background thread; dropping this (with the last `Store`) stops it and waits for it.
pub(super) struct Checkpointer {
    stop: Option<Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Checkpointer {
    /// Starts the thread; `None` when it cannot be started (SQLite then checkpoints at the safety net).
    pub(super) fn start(path: &Path, turn: Arc<Turn>) -> Option<Checkpointer> {
        let conn = Connection::open(path).ok()?;
        conn.busy_timeout(Duration::from_secs(1)).ok()?;
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("zapis-dziennika".into())
            .spawn(move || {
                while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(EVERY) {
                    let _turn = turn.take();
                    if let Err(e) = copy_back(&conn) {
                        tracing::warn!(error = %e, "nie udało się przepisać dziennika WAL do bazy");
                    }
                }
            })
            .ok()?;
        Some(Checkpointer { stop: Some(stop), thread: Some(thread) })
    }
}

/// Copies what the log holds into the database without waiting for anyone. The log starts again from
/// its beginning at the first commit after everything in it was copied; its file is then cut back to
/// [`LOG_FILE_LIMIT`].
fn copy_back(conn: &Connection) -> rusqlite::Result<()> {
    conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
}

/// How long one attempt to empty the log waits for readers to leave it. Short, so that the writing
/// connection is given back between attempts and surveys are not held up behind a slow reader.
const ATTEMPT_WAIT: Duration = Duration::from_millis(200);

/// How long [`empty_log`] keeps trying before it gives up.
pub(super) const EMPTY_LOG_WITHIN: Duration = Duration::from_secs(10);

/// Copies the whole log into the database and cuts the log file to nothing, so that no earlier version of
/// a page is left on disk. Readers still reading an earlier version are waited for; the background copy
/// pauses meanwhile. `write` gives the writing connection for one attempt at a time (the checkpoint keeps
/// writers out while it runs). Gives up after `within`: the caller must then not claim the log is clean.
pub(super) fn empty_log<'a>(
    turn: &Turn,
    mut write: impl FnMut() -> MutexGuard<'a, Connection>,
    within: Duration,
) -> Result<(), StoreError> {
    let _turn = turn.take();
    let deadline = Instant::now() + within;
    loop {
        let conn = write();
        conn.busy_timeout(ATTEMPT_WAIT)?;
        // (busy, frames in the log, frames copied): busy when a reader or another process's checkpoint was
        // in the way; then the log was not cut and may still hold everything.
        let attempt = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?))
        });
        conn.busy_timeout(super::BUSY_TIMEOUT)?;
        drop(conn);
        let (busy, log, copied) = attempt?;
        if busy == 0 && log == copied {
            return Ok(());
        }
        if Instant::now() >= deadline {
            tracing::warn!(log, copied, "dziennik WAL nie dał się opróżnić: czytelnicy nie zwolnili go w porę");
            return Err(StoreError::LogNotEmptied);
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
