//! Connections for reading, beside the one that writes. In WAL mode a reader sees the last commit and
//! never waits for the writer, so survey pages and health checks are not queued behind a durable commit
//! (which holds the writing connection for the length of an fsync).

use std::ops::Deref;
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use super::{Store, StoreError};

/// Idle reading connections kept open; more are opened under load and closed when not needed.
const KEPT: usize = 4;

/// Reading connections not in use.
#[derive(Default)]
pub(super) struct ReaderPool {
    idle: Mutex<Vec<Connection>>,
}

/// A reading connection, given back to the pool when dropped.
pub(super) struct Reader<'a> {
    conn: Option<Connection>,
    pool: &'a ReaderPool,
}

impl Deref for Reader<'_> {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        // Taken only in `drop`.
        self.conn.as_ref().unwrap_or_else(|| unreachable!("a reader is used after it was given back"))
    }
}

impl Drop for Reader<'_> {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            let mut idle = self.pool.idle.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            if idle.len() < KEPT {
                idle.push(conn);
            }
        }
    }
}

fn open(path: &Path) -> rusqlite::Result<Connection> {
    // Read-write flags with `query_only`: a read-only open of a WAL database fails when the shared
    // memory file must be created, and `query_only` still refuses every write.
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI,
    )?;
    conn.execute_batch("PRAGMA query_only = ON; PRAGMA foreign_keys = ON; PRAGMA cache_size = -8192;")?;
    conn.busy_timeout(Duration::from_secs(5))?;
    Ok(conn)
}

impl Store {
    /// A connection for reading only.
    pub(super) fn reader(&self) -> Result<Reader<'_>, StoreError> {
        let pool = &*self.readers;
        let idle = pool.idle.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).pop();
        let conn = match idle {
            Some(conn) => conn,
            None => open(&self.path).map_err(|source| StoreError::Open { path: self.path.clone(), source })?,
        };
        Ok(Reader { conn: Some(conn), pool })
    }
}
