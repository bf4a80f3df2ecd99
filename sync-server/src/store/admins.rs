//! Admin accounts: office admins (one office) and operators (every office).

use rusqlite::{OptionalExtension, Transaction, params};

use super::{Office, Store, StoreError, audit, now_text, offices, on_unique_violation};

/// What an account may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Runs one office.
    OfficeAdmin,
    /// Runs every office: creates offices and their admins.
    Operator,
}

impl Role {
    fn as_str(self) -> &'static str {
        match self {
            Role::OfficeAdmin => "office_admin",
            Role::Operator => "operator",
        }
    }

    fn parse(s: &str) -> Option<Role> {
        match s {
            "office_admin" => Some(Role::OfficeAdmin),
            "operator" => Some(Role::Operator),
            _ => None,
        }
    }
}

/// An account to create. The password arrives already hashed: the store never sees a password.
pub struct NewAdmin<'a> {
    pub login: &'a str,
    pub password_hash: &'a str,
    /// `Some(slug)` for an office admin, `None` for an operator.
    pub office_slug: Option<&'a str>,
}

/// An account as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Admin {
    pub id: i64,
    pub login: String,
    pub password_hash: String,
    pub role: Role,
    /// The office of an office admin; `None` for an operator.
    pub office_id: Option<i64>,
}

impl Store {
    /// Creates an account; refuses an unknown office or a login already taken.
    pub fn create_admin(&self, new: &NewAdmin<'_>) -> Result<Admin, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let admin = insert_admin(&tx, new)?;
        tx.commit()?;
        Ok(admin)
    }

    /// How many accounts exist; zero means the server has never been set up.
    pub fn admin_count(&self) -> Result<i64, StoreError> {
        Ok(self.conn().query_row("SELECT count(*) FROM admins", [], |r| r.get(0))?)
    }

    /// The account with this login (case-insensitive).
    pub fn admin_by_login(&self, login: &str) -> Result<Option<Admin>, StoreError> {
        find_admin(&self.conn(), "login = ?1", &login)
    }

    /// Replaces an admin's password hash; the caller ends the admin's other sessions.
    pub fn set_password_hash(&self, admin: &Admin, password_hash: &str) -> Result<(), StoreError> {
        let conn = self.conn();
        conn.execute("UPDATE admins SET password_hash = ?1 WHERE id = ?2", rusqlite::params![password_hash, admin.id])?;
        audit::record(&conn, admin.office_id, &admin.login, "zmiana hasła", "")?;
        Ok(())
    }

    /// The accounts of one office, by login.
    pub fn office_admins(&self, office_id: i64) -> Result<Vec<String>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare("SELECT login FROM admins WHERE office_id = ?1 ORDER BY login")?;
        let rows = stmt.query_map([office_id], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// First start: when there is no account at all, makes sure an office exists (creating
    /// `default_slug`/`default_name` if there is none) and creates its first admin, in one transaction.
    /// Returns `None` when accounts already exist, so a restart never creates a second first admin.
    pub fn bootstrap_first_admin(
        &self,
        default_slug: &str,
        default_name: &str,
        login: &str,
        password_hash: &str,
    ) -> Result<Option<(Office, Admin)>, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let admins: i64 = tx.query_row("SELECT count(*) FROM admins", [], |r| r.get(0))?;
        if admins > 0 {
            return Ok(None);
        }
        let existing: Option<String> =
            tx.query_row("SELECT slug FROM offices ORDER BY id LIMIT 1", [], |r| r.get(0)).ok();
        let office = match existing {
            Some(slug) => offices::office_by_slug(&tx, &slug)?,
            None => offices::insert_office(&tx, default_slug, default_name)?,
        };
        let admin = insert_admin(&tx, &NewAdmin { login, password_hash, office_slug: Some(&office.slug) })?;
        tx.commit()?;
        Ok(Some((office, admin)))
    }
}

pub(super) fn admin_by_id(conn: &rusqlite::Connection, id: i64) -> Result<Admin, StoreError> {
    find_admin(conn, "id = ?1", &id)?.ok_or_else(|| StoreError::Corrupt(format!("brak konta {id}")))
}

fn find_admin(
    conn: &rusqlite::Connection,
    condition: &str,
    value: &dyn rusqlite::ToSql,
) -> Result<Option<Admin>, StoreError> {
    let sql = format!("SELECT id, login, password_hash, role, office_id FROM admins WHERE {condition}");
    let row = conn
        .query_row(&sql, [value], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get::<_, String>(3)?, r.get(4)?)))
        .optional()?;
    let Some((id, login, password_hash, role, office_id)) = row else { return Ok(None) };
    let role = Role::parse(&role).ok_or_else(|| StoreError::Corrupt(format!("nieznana rola „{role}”")))?;
    Ok(Some(Admin { id, login, password_hash, role, office_id }))
}

fn insert_admin(tx: &Transaction<'_>, new: &NewAdmin<'_>) -> Result<Admin, StoreError> {
    let (role, office_id) = match new.office_slug {
        Some(slug) => (Role::OfficeAdmin, Some(offices::office_by_slug(tx, slug)?.id)),
        None => (Role::Operator, None),
    };
    tx.execute(
        "INSERT INTO admins (login, password_hash, role, office_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![new.login, new.password_hash, role.as_str(), office_id, now_text()],
    )
    .map_err(|e| on_unique_violation(e, || StoreError::DuplicateLogin(new.login.to_owned())))?;
    Ok(Admin {
        id: tx.last_insert_rowid(),
        login: new.login.to_owned(),
        password_hash: new.password_hash.to_owned(),
        role,
        office_id,
    })
}
