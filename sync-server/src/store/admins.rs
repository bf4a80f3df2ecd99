//! Accounts: the operator (every office) and an office's accounts by role — administrator, nadzór
//! (read-only) and wprowadzanie ankiet (paper sheets only) — with their lifecycle: created with a
//! generated password that must be changed, disabled and enabled again, deleted, password reset.
//! Every change is recorded in the audit log in the same transaction.

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::{Office, Store, StoreError, audit, now_text, offices, on_unique_violation};

/// What an account may do. Which routes each role may use is in `http::admin::access`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Runs one office.
    OfficeAdmin,
    /// Runs every office: creates offices and their admins.
    Operator,
    /// Nadzór: reads one office's dashboard, reports, report archive and audit log; changes nothing.
    Supervisor,
    /// Wprowadzanie ankiet: types in, lists and corrects one office's paper sheets; nothing else.
    DataEntry,
}

impl Role {
    /// Every role, for the tables that must name them all.
    pub const ALL: [Role; 4] = [Role::Operator, Role::OfficeAdmin, Role::Supervisor, Role::DataEntry];
    /// The roles an account of an office may have, in the order the accounts page offers them.
    pub const OFFICE: [Role; 3] = [Role::OfficeAdmin, Role::Supervisor, Role::DataEntry];

    /// The name stored in the database and sent by the accounts form.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::OfficeAdmin => "office_admin",
            Role::Operator => "operator",
            Role::Supervisor => "supervisor",
            Role::DataEntry => "data_entry",
        }
    }

    /// The role of a stored or posted name.
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// The role in the panel's words.
    pub fn label(self) -> &'static str {
        match self {
            Role::OfficeAdmin => "administrator urzędu",
            Role::Operator => "operator",
            Role::Supervisor => "nadzór",
            Role::DataEntry => "wprowadzanie ankiet",
        }
    }
}

/// An office administrator or operator to create from the command line (the password typed by a
/// person, so it need not be changed). The password arrives already hashed: the store never sees one.
pub struct NewAdmin<'a> {
    pub login: &'a str,
    pub password_hash: &'a str,
    /// `Some(slug)` for an office admin, `None` for an operator.
    pub office_slug: Option<&'a str>,
}

/// An account as stored (never a deleted one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Admin {
    pub id: i64,
    pub login: String,
    pub password_hash: String,
    pub role: Role,
    /// The office of an office account; `None` for an operator.
    pub office_id: Option<i64>,
    pub created_at: String,
    /// The password was generated (first start, new account, reset): it must be changed before anything else.
    pub must_change_password: bool,
    /// When the account was disabled; a disabled account cannot log in.
    pub disabled_at: Option<String>,
}

/// Why an account change is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountRefusal {
    /// Nobody disables, deletes or resets their own account here (they would lock themselves out; their
    /// own password is changed on the password page).
    Own,
    /// An office keeps at least one enabled administrator.
    LastAdministrator,
}

impl AccountRefusal {
    /// The refusal in the panel's words.
    pub fn message(self) -> &'static str {
        match self {
            AccountRefusal::Own => {
                "Nie można wyłączyć ani usunąć własnego konta ani nadać mu tu nowego hasła. Własne hasło zmienisz na stronie „Zmień hasło”; o pozostałe poproś innego administratora urzędu lub operatora."
            }
            AccountRefusal::LastAdministrator => {
                "To ostatni czynny administrator urzędu: urząd musi mieć co najmniej jednego. Najpierw utwórz lub włącz konto innego administratora."
            }
        }
    }
}

/// A change to an account of an office, made by `actor`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountChange {
    Disable,
    Enable,
    Delete,
    /// A new generated password (its hash); the owner must change it at the next login.
    ResetPassword(String),
}

impl Store {
    /// Creates an account from the command line; refuses an unknown office or a login already taken.
    pub fn create_admin(&self, new: &NewAdmin<'_>) -> Result<Admin, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let (role, office) = match new.office_slug {
            Some(slug) => (Role::OfficeAdmin, Some(offices::office_by_slug(&tx, slug)?.id)),
            None => (Role::Operator, None),
        };
        let admin = insert_admin(&tx, new.login, new.password_hash, role, office, false)?;
        tx.commit()?;
        Ok(admin)
    }

    /// Creates an account of an office with a generated password (its hash) that must be changed at the
    /// first login; recorded as done by `actor`.
    pub fn create_account(
        &self,
        actor: &Admin,
        office: &Office,
        login: &str,
        role: Role,
        password_hash: &str,
    ) -> Result<Admin, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let admin = insert_admin(&tx, login, password_hash, role, Some(office.id), true)?;
        audit::record(&tx, Some(office.id), &actor.login, "utworzenie konta", &format!("{login} ({})", role.label()))?;
        tx.commit()?;
        Ok(admin)
    }

    /// How many accounts exist; zero means the server has never been set up.
    pub fn admin_count(&self) -> Result<i64, StoreError> {
        Ok(self.conn().query_row("SELECT count(*) FROM admins", [], |r| r.get(0))?)
    }

    /// The account with this login (case-insensitive); a deleted account is not found.
    pub fn admin_by_login(&self, login: &str) -> Result<Option<Admin>, StoreError> {
        find_admin(&self.conn(), "login = ?1", &login)
    }

    /// Replaces an admin's own password hash (the password is theirs now, no change is due); the caller
    /// ends the admin's other sessions.
    pub fn set_password_hash(&self, admin: &Admin, password_hash: &str) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute(
            "UPDATE admins SET password_hash = ?1, must_change_password = 0 WHERE id = ?2",
            params![password_hash, admin.id],
        )?;
        audit::record(&tx, admin.office_id, &admin.login, "zmiana hasła", "")?;
        tx.commit()?;
        Ok(())
    }

    /// The logins of one office's enabled administrators, for the operator's list of offices.
    pub fn office_admins(&self, office_id: i64) -> Result<Vec<String>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT login FROM admins WHERE office_id = ?1 AND role = 'office_admin'
               AND deleted_at IS NULL AND disabled_at IS NULL ORDER BY login",
        )?;
        let rows = stmt.query_map([office_id], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every account of an office that is not deleted, by login.
    pub fn office_accounts(&self, office_id: i64) -> Result<Vec<Admin>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!("{SELECT} WHERE office_id = ?1 AND deleted_at IS NULL ORDER BY login"))?;
        let rows = stmt.query_map([office_id], read_row)?;
        rows.map(|r| r?.into_admin()).collect()
    }

    /// Disables, enables, deletes an account of `office_id` or resets its password, for `actor`. Every
    /// change but enabling ends the account's sessions at once. Refuses one's own account (but for a
    /// reset: one's own password is changed on the password page, which the handler sends them to) and
    /// leaving the office without an enabled administrator. `Ok(Err(_))` is such a refusal; an account
    /// that is not the office's is [`StoreError::UnknownAccount`].
    pub fn change_account(
        &self,
        actor: &Admin,
        office_id: i64,
        account_id: i64,
        change: AccountChange,
    ) -> Result<Result<Admin, AccountRefusal>, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let account = find_admin(&tx, "id = ?1", &account_id)?
            .filter(|a| a.office_id == Some(office_id))
            .ok_or(StoreError::UnknownAccount)?;
        if account.id == actor.id {
            return Ok(Err(AccountRefusal::Own));
        }
        let removes_an_admin = matches!(change, AccountChange::Disable | AccountChange::Delete)
            && account.role == Role::OfficeAdmin
            && account.disabled_at.is_none();
        if removes_an_admin {
            let others: i64 = tx.query_row(
                "SELECT count(*) FROM admins WHERE office_id = ?1 AND role = 'office_admin' AND id <> ?2
                   AND disabled_at IS NULL AND deleted_at IS NULL",
                params![office_id, account.id],
                |r| r.get(0),
            )?;
            if others == 0 {
                return Ok(Err(AccountRefusal::LastAdministrator));
            }
        }
        let now = now_text();
        let action = match &change {
            AccountChange::Disable => {
                tx.execute("UPDATE admins SET disabled_at = ?1 WHERE id = ?2", params![now, account.id])?;
                "wyłączenie konta"
            }
            AccountChange::Enable => {
                tx.execute("UPDATE admins SET disabled_at = NULL WHERE id = ?1", [account.id])?;
                "włączenie konta"
            }
            AccountChange::Delete => {
                // No password is kept: the row only reserves the login (see migration 0009).
                tx.execute(
                    "UPDATE admins SET deleted_at = ?1, disabled_at = ifnull(disabled_at, ?1), password_hash = ''
                      WHERE id = ?2",
                    params![now, account.id],
                )?;
                "usunięcie konta"
            }
            AccountChange::ResetPassword(hash) => {
                tx.execute(
                    "UPDATE admins SET password_hash = ?1, must_change_password = 1 WHERE id = ?2",
                    params![hash, account.id],
                )?;
                "reset hasła"
            }
        };
        if change != AccountChange::Enable {
            tx.execute("DELETE FROM sessions WHERE admin_id = ?1", [account.id])?;
        }
        audit::record(&tx, Some(office_id), &actor.login, action, &account.login)?;
        tx.commit()?;
        Ok(Ok(account))
    }

    /// First start: when there is no account at all, makes sure an office exists (creating
    /// `default_slug`/`default_name` if there is none) and creates its first admin, in one transaction.
    /// The password is generated, so it must be changed at the first login.
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
        let admin = insert_admin(&tx, login, password_hash, Role::OfficeAdmin, Some(office.id), true)?;
        tx.commit()?;
        Ok(Some((office, admin)))
    }
}

/// The account of a session: `None` when it is disabled or deleted (its sessions are ended with it,
/// so this is a second line of defence).
pub(super) fn enabled_admin_by_id(conn: &Connection, id: i64) -> Result<Option<Admin>, StoreError> {
    Ok(find_admin(conn, "id = ?1", &id)?.filter(|a| a.disabled_at.is_none()))
}

const SELECT: &str =
    "SELECT id, login, password_hash, role, office_id, created_at, must_change_password, disabled_at FROM admins";

struct Row {
    id: i64,
    login: String,
    password_hash: String,
    role: String,
    office_id: Option<i64>,
    created_at: String,
    must_change_password: bool,
    disabled_at: Option<String>,
}

fn read_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    Ok(Row {
        id: r.get(0)?,
        login: r.get(1)?,
        password_hash: r.get(2)?,
        role: r.get(3)?,
        office_id: r.get(4)?,
        created_at: r.get(5)?,
        must_change_password: r.get(6)?,
        disabled_at: r.get(7)?,
    })
}

impl Row {
    fn into_admin(self) -> Result<Admin, StoreError> {
        let role =
            Role::parse(&self.role).ok_or_else(|| StoreError::Corrupt(format!("nieznana rola „{}”", self.role)))?;
        Ok(Admin {
            id: self.id,
            login: self.login,
            password_hash: self.password_hash,
            role,
            office_id: self.office_id,
            created_at: self.created_at,
            must_change_password: self.must_change_password,
            disabled_at: self.disabled_at,
        })
    }
}

fn find_admin(conn: &Connection, condition: &str, value: &dyn rusqlite::ToSql) -> Result<Option<Admin>, StoreError> {
    let sql = format!("{SELECT} WHERE {condition} AND deleted_at IS NULL");
    conn.query_row(&sql, [value], read_row).optional()?.map(Row::into_admin).transpose()
}

fn insert_admin(
    tx: &Transaction<'_>,
    login: &str,
    password_hash: &str,
    role: Role,
    office_id: Option<i64>,
    must_change_password: bool,
) -> Result<Admin, StoreError> {
    let created_at = now_text();
    tx.execute(
        "INSERT INTO admins (login, password_hash, role, office_id, created_at, must_change_password)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![login, password_hash, role.as_str(), office_id, created_at, must_change_password],
    )
    .map_err(|e| on_unique_violation(e, || StoreError::DuplicateLogin(login.to_owned())))?;
    Ok(Admin {
        id: tx.last_insert_rowid(),
        login: login.to_owned(),
        password_hash: password_hash.to_owned(),
        role,
        office_id,
        created_at,
        must_change_password,
        disabled_at: None,
    })
}
