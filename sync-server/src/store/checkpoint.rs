//! Copying the write-ahead log back into the database file, in the background. SQLite does it by
//! default inside a commit once the log passes 1,000 pages, and that commit then waits for the copy and
//! its fsync: a survey answered at that moment waits tens of milliseconds. Here a thread with its own
//! connection does it ten times a second without blocking writers (a "passive" checkpoint), and the
//! in-commit checkpoint is kept only as a safety net for a log that has grown very large.

use std::path::Path;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::Connection;

/// How often the log is copied back.
const EVERY: Duration = Duration::from_millis(100);

/// Log pages after which a commit checkpoints by itself (about 80 MB): only when the thread cannot keep
/// up, for instance while a long report read holds an old snapshot.
pub(super) const SAFETY_NET_PAGES: u32 = 20_000;

/// Bytes the log file is cut back to when the log starts again (after a burst, the file would otherwise
/// keep its largest size).
pub(super) const LOG_FILE_LIMIT: u64 = 16 * 1024 * 1024;

/// The background thread; dropping this (with the last `Store`) stops it and waits for it.
pub(super) struct Checkpointer {
    stop: Option<Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Checkpointer {
    /// Starts the thread; `None` when it cannot be started (SQLite then checkpoints at the safety net).
    pub(super) fn start(path: &Path) -> Option<Checkpointer> {
        let conn = Connection::open(path).ok()?;
        conn.busy_timeout(Duration::from_secs(1)).ok()?;
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("zapis-dziennika".into())
            .spawn(move || {
                while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(EVERY) {
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

impl Drop for Checkpointer {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
