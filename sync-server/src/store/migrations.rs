//! Schema migrations: numbered SQL files in `sync-server/migrations/`, embedded in the binary. The
//! database's `user_version` holds how many are applied. A released file is never edited; a change is a
//! new file appended to [`MIGRATIONS`].

use rusqlite::Connection;

use super::StoreError;

/// Every migration, in order; the schema version is the number applied.
const MIGRATIONS: &[&str] = &[
    include_str!("../../migrations/0001_initial.sql"),
    include_str!("../../migrations/0002_admin.sql"),
    include_str!("../../migrations/0003_devices.sql"),
    include_str!("../../migrations/0004_filtered_presses.sql"),
    include_str!("../../migrations/0005_report_conclusions.sql"),
    include_str!("../../migrations/0006_tally.sql"),
    include_str!("../../migrations/0007_report_pdf.sql"),
    include_str!("../../migrations/0008_capture_time_replaced.sql"),
    include_str!("../../migrations/0009_roles_accounts.sql"),
    include_str!("../../migrations/0010_office_rules.sql"),
    include_str!("../../migrations/0011_publication_actions.sql"),
    include_str!("../../migrations/0012_kiosk_pin.sql"),
    include_str!("../../migrations/0013_alerts.sql"),
    include_str!("../../migrations/0014_device_kind.sql"),
];

/// The migration creating the report counts, which the program fills from the stored responses.
pub const TALLY: i64 = 6;

/// The schema version this build creates.
pub fn latest() -> i64 {
    MIGRATIONS.len() as i64
}

/// Refuses a database from a newer build before anything touches it.
pub fn refuse_newer(conn: &Connection) -> Result<i64, StoreError> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if current > latest() {
        return Err(StoreError::NewerDatabase { found: current, known: latest() });
    }
    Ok(current)
}

/// Applies the missing migrations, each in its own transaction; refuses a database from a newer build.
/// Returns the schema version found.
pub fn apply(conn: &mut Connection) -> Result<i64, StoreError> {
    let current = refuse_newer(conn)?;
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", index as i64 + 1)?;
        tx.commit()?;
        tracing::info!(version = index + 1, "zastosowano migrację bazy danych");
    }
    Ok(current)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_migration_file_is_embedded() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
        let files = std::fs::read_dir(dir)
            .unwrap()
            .filter(|e| e.as_ref().is_ok_and(|e| e.path().extension().is_some_and(|x| x == "sql")))
            .count();
        assert_eq!(files as i64, latest(), "a file in migrations/ is missing from MIGRATIONS");
    }

    #[test]
    fn migrations_apply_once_and_refuse_newer_databases() {
        let mut conn = Connection::open_in_memory().unwrap();
        apply(&mut conn).unwrap();
        apply(&mut conn).unwrap();
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(version, latest());

        conn.pragma_update(None, "user_version", latest() + 1).unwrap();
        assert!(matches!(apply(&mut conn), Err(StoreError::NewerDatabase { .. })));
    }
}
