//! Offices (urzędy): each has its own slug (its address), admins, questionnaire and answers.

use rusqlite::{OptionalExtension, Transaction, params};
use survey::default_questionnaire::default_questionnaire;

use super::{Store, StoreError, now_text, on_unique_violation, questionnaires};

/// An office as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Office {
    /// Row id.
    pub id: i64,
    /// Address part and host-name part: `[a-z][a-z0-9-]*`.
    pub slug: String,
    /// Full name, e.g. "Urząd Gminy Książki".
    pub name: String,
}

impl Store {
    /// Creates an office with the default questionnaire published as its version 1. All or nothing.
    pub fn create_office(&self, slug: &str, name: &str) -> Result<Office, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let office = insert_office(&tx, slug, name)?;
        tx.commit()?;
        Ok(office)
    }

    /// Every office, by slug.
    pub fn offices(&self) -> Result<Vec<Office>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare("SELECT id, slug, name FROM offices ORDER BY slug")?;
        let rows = stmt.query_map([], |r| {
            Ok(Office {
                id: r.get(0)?,
                slug: r.get(1)?,
                name: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The office with this slug.
    pub fn office(&self, slug: &str) -> Result<Office, StoreError> {
        office_by_slug(&self.conn(), slug)
    }
}

pub(super) fn office_by_slug(
    conn: &rusqlite::Connection,
    slug: &str,
) -> Result<Office, StoreError> {
    conn.query_row(
        "SELECT id, slug, name FROM offices WHERE slug = ?1",
        [slug],
        |r| {
            Ok(Office {
                id: r.get(0)?,
                slug: r.get(1)?,
                name: r.get(2)?,
            })
        },
    )
    .optional()?
    .ok_or_else(|| StoreError::UnknownOffice(slug.to_owned()))
}

pub(super) fn insert_office(
    tx: &Transaction<'_>,
    slug: &str,
    name: &str,
) -> Result<Office, StoreError> {
    tx.execute(
        "INSERT INTO offices (slug, name, created_at) VALUES (?1, ?2, ?3)",
        params![slug, name, now_text()],
    )
    .map_err(|e| on_unique_violation(e, || StoreError::DuplicateSlug(slug.to_owned())))?;
    let id = tx.last_insert_rowid();
    questionnaires::insert_version(tx, id, &default_questionnaire())?;
    Ok(Office {
        id,
        slug: slug.to_owned(),
        name: name.to_owned(),
    })
}

impl Store {
    /// Keys of the office's active departments: the choices of a department question.
    pub fn department_keys(
        &self,
        office_slug: &str,
    ) -> Result<std::collections::BTreeSet<String>, StoreError> {
        let conn = self.conn();
        let office = office_by_slug(&conn, office_slug)?;
        let mut stmt =
            conn.prepare("SELECT key FROM departments WHERE office_id = ?1 AND active = 1")?;
        let keys = stmt.query_map([office.id], |r| r.get(0))?;
        Ok(keys.collect::<Result<_, _>>()?)
    }
}
