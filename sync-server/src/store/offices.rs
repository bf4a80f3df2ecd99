//! Offices (urzędy): each has its own slug (its address), admins, questionnaire and answers.

use rusqlite::{OptionalExtension, Transaction, params};
use survey::default_questionnaire::default_questionnaire;

use super::report_archive::ReportFiles;
use super::{Store, StoreError, now_text, on_unique_violation, questionnaire_versions};

/// An office as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Office {
    /// Row id.
    pub id: i64,
    /// Address part and host-name part: `[a-z][a-z0-9-]*`.
    pub slug: String,
    /// Full name, e.g. "Urząd Gminy Książki".
    pub name: String,
    /// Own host name, when the office is reached at e.g. `ksiazki.example.pl`.
    pub host: Option<String>,
    /// Postal address, one line.
    pub address: String,
    /// Contact e-mail.
    pub email: String,
    /// Contact phone.
    pub phone: String,
    /// Origins (`https://gmina.example.pl`) allowed to embed the survey in a frame, space-separated.
    pub embed_origins: String,
    /// Opening hours, as the office writes them (free text, a line a day).
    pub opening_hours: String,
    /// Whether the office has a logo (served at `/{slug}/logo`).
    pub has_logo: bool,
    /// When the office was set up (RFC 3339).
    pub created_at: String,
    /// The office's website, `http(s)://…`, or empty.
    pub website: String,
    /// The office's BIP (Biuletyn Informacji Publicznej), `http(s)://…`, or empty.
    pub bip_url: String,
    /// The office's ePUAP box, e.g. `/UGKsiazki/SkrytkaESP`, or empty.
    pub epuap: String,
    /// The person responsible for the survey (usually the Sekretarz).
    pub survey_owner_name: String,
    /// Their position.
    pub survey_owner_position: String,
    /// The data protection officer (IOD): name, e-mail, phone.
    pub iod_name: String,
    pub iod_email: String,
    pub iod_phone: String,
    /// The information clause as the admin wrote it; `None`: the default made from the office's data
    /// (`documents::privacy_notice`).
    pub privacy_notice: Option<String>,
}

const OFFICE_COLUMNS: &str = "id, slug, name, host, address, email, phone, embed_origins, created_at, opening_hours, \
     logo IS NOT NULL, website, bip_url, epuap, survey_owner_name, survey_owner_position, iod_name, iod_email, \
     iod_phone, privacy_notice";

fn office_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Office> {
    Ok(Office {
        id: r.get(0)?,
        slug: r.get(1)?,
        name: r.get(2)?,
        host: r.get(3)?,
        address: r.get(4)?,
        email: r.get(5)?,
        phone: r.get(6)?,
        embed_origins: r.get(7)?,
        created_at: r.get(8)?,
        opening_hours: r.get(9)?,
        has_logo: r.get(10)?,
        website: r.get(11)?,
        bip_url: r.get(12)?,
        epuap: r.get(13)?,
        survey_owner_name: r.get(14)?,
        survey_owner_position: r.get(15)?,
        iod_name: r.get(16)?,
        iod_email: r.get(17)?,
        iod_phone: r.get(18)?,
        privacy_notice: r.get(19)?,
    })
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
        let conn = self.reader()?;
        let mut stmt = conn.prepare(&format!("SELECT {OFFICE_COLUMNS} FROM offices ORDER BY slug"))?;
        let rows = stmt.query_map([], office_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The office with this slug.
    pub fn office(&self, slug: &str) -> Result<Office, StoreError> {
        office_by_slug(&*self.reader()?, slug)
    }
}

pub(super) fn office_by_slug(conn: &rusqlite::Connection, slug: &str) -> Result<Office, StoreError> {
    conn.prepare_cached(&format!("SELECT {OFFICE_COLUMNS} FROM offices WHERE slug = ?1"))?
        .query_row([slug], office_row)
        .optional()?
        .ok_or_else(|| StoreError::UnknownOffice(slug.to_owned()))
}

pub(super) fn insert_office(tx: &Transaction<'_>, slug: &str, name: &str) -> Result<Office, StoreError> {
    tx.execute("INSERT INTO offices (slug, name, created_at) VALUES (?1, ?2, ?3)", params![slug, name, now_text()])
        .map_err(|e| on_unique_violation(e, || StoreError::DuplicateSlug(slug.to_owned())))?;
    let id = tx.last_insert_rowid();
    questionnaire_versions::insert_version(tx, id, &default_questionnaire())?;
    office_by_slug(tx, slug)
}

impl Store {
    /// The office whose own host name is `host` (compared without port and case), if any.
    pub fn office_by_host(&self, host: &str) -> Result<Option<Office>, StoreError> {
        let conn = self.reader()?;
        Ok(conn
            .query_row(&format!("SELECT {OFFICE_COLUMNS} FROM offices WHERE host = lower(?1)"), [host], office_row)
            .optional()?)
    }

    /// Sets the office's own host name (`None` removes it; checked by `input::host_name`), recorded in
    /// the audit log as done by `actor`. A host name belongs to one office only: another office's is
    /// refused with [`StoreError::DuplicateHost`] and nothing changes.
    pub fn set_office_host(&self, slug: &str, actor: &str, host: Option<&str>) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let office = office_by_slug(&tx, slug)?;
        let host = host.map(str::to_lowercase);
        tx.execute("UPDATE offices SET host = ?1 WHERE id = ?2", params![host, office.id])
            .map_err(|e| on_unique_violation(e, || StoreError::DuplicateHost(host.clone().unwrap_or_default())))?;
        let what = host.as_deref().unwrap_or("(usunięta)");
        super::audit::record(&tx, Some(office.id), actor, "zmiana nazwy hosta urzędu", what)?;
        tx.commit()?;
        Ok(())
    }

    /// Sets the origins allowed to embed the office's survey in a frame (checked by the caller).
    pub fn set_embed_origins(&self, slug: &str, origins: &[String]) -> Result<(), StoreError> {
        let conn = self.conn();
        let office = office_by_slug(&conn, slug)?;
        conn.execute("UPDATE offices SET embed_origins = ?1 WHERE id = ?2", params![origins.join(" "), office.id])?;
        Ok(())
    }

    /// The office's active departments as (key, name), in display order.
    pub fn departments(&self, office_slug: &str) -> Result<Vec<(String, String)>, StoreError> {
        let conn = self.reader()?;
        let office = office_by_slug(&conn, office_slug)?;
        let mut stmt = conn.prepare_cached(
            "SELECT key, name FROM departments WHERE office_id = ?1 AND active = 1 ORDER BY position, name",
        )?;
        let rows = stmt.query_map([office.id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Adds a department (wydział/referat) with a stable key, without archiving a report: for setting up
    /// an office before it collects answers (tests, benchmarks). The panel uses [`Store::save_department`].
    pub fn add_department(&self, office_slug: &str, key: &str, name: &str) -> Result<(), StoreError> {
        let conn = self.conn();
        let office = office_by_slug(&conn, office_slug)?;
        conn.execute(
            "INSERT INTO departments (office_id, key, name, position)
             VALUES (?1, ?2, ?3, (SELECT ifnull(max(position), 0) + 1 FROM departments WHERE office_id = ?1))",
            params![office.id, key, name],
        )?;
        Ok(())
    }

    /// Keys of the office's active departments: the choices of a department question.
    pub fn department_keys(&self, office_slug: &str) -> Result<std::collections::BTreeSet<String>, StoreError> {
        let conn = self.reader()?;
        let office = office_by_slug(&conn, office_slug)?;
        let mut stmt = conn.prepare("SELECT key FROM departments WHERE office_id = ?1 AND active = 1")?;
        let keys = stmt.query_map([office.id], |r| r.get(0))?;
        Ok(keys.collect::<Result<_, _>>()?)
    }
}

/// The office's data an admin edits (checked by `input::office_data` before it is saved).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OfficeData {
    pub name: String,
    pub address: String,
    pub email: String,
    pub phone: String,
    pub opening_hours: String,
    pub website: String,
    pub bip_url: String,
    pub epuap: String,
    pub survey_owner_name: String,
    pub survey_owner_position: String,
    pub iod_name: String,
    pub iod_email: String,
    pub iod_phone: String,
}

impl OfficeData {
    /// The data of `office` as stored.
    pub fn of(office: &Office) -> OfficeData {
        OfficeData {
            name: office.name.clone(),
            address: office.address.clone(),
            email: office.email.clone(),
            phone: office.phone.clone(),
            opening_hours: office.opening_hours.clone(),
            website: office.website.clone(),
            bip_url: office.bip_url.clone(),
            epuap: office.epuap.clone(),
            survey_owner_name: office.survey_owner_name.clone(),
            survey_owner_position: office.survey_owner_position.clone(),
            iod_name: office.iod_name.clone(),
            iod_email: office.iod_email.clone(),
            iod_phone: office.iod_phone.clone(),
        }
    }

    /// `office` with this data.
    pub fn applied_to(self, office: Office) -> Office {
        Office {
            name: self.name,
            address: self.address,
            email: self.email,
            phone: self.phone,
            opening_hours: self.opening_hours,
            website: self.website,
            bip_url: self.bip_url,
            epuap: self.epuap,
            survey_owner_name: self.survey_owner_name,
            survey_owner_position: self.survey_owner_position,
            iod_name: self.iod_name,
            iod_email: self.iod_email,
            iod_phone: self.iod_phone,
            ..office
        }
    }
}

/// A department as the admin panel lists it, active or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Department {
    pub key: String,
    pub name: String,
    pub active: bool,
    /// Earlier names, oldest first, separated by " → ".
    pub renamed_from: String,
}

impl Store {
    /// Saves the office's data, together with the report of the results to date (`report`, made by the
    /// caller just before with `documents::archived_report::to_date`), archived in the same transaction.
    /// All or nothing. Data equal to what is stored changes nothing and archives nothing (`None`);
    /// otherwise returns the archived report's id.
    pub fn update_office_data(
        &self,
        office_id: i64,
        actor: &str,
        data: &OfficeData,
        report: &ReportFiles<'_>,
    ) -> Result<Option<i64>, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let slug: String = tx.query_row("SELECT slug FROM offices WHERE id = ?1", [office_id], |r| r.get(0))?;
        if OfficeData::of(&office_by_slug(&tx, &slug)?) == *data {
            return Ok(None);
        }
        let report_id =
            super::report_archive::archive_before_change(&tx, office_id, actor, "przed zmianą danych urzędu", report)?;
        tx.execute(
            "UPDATE offices SET name = ?1, address = ?2, email = ?3, phone = ?4, opening_hours = ?5, website = ?6,
                bip_url = ?7, epuap = ?8, survey_owner_name = ?9, survey_owner_position = ?10, iod_name = ?11,
                iod_email = ?12, iod_phone = ?13
             WHERE id = ?14",
            params![
                data.name,
                data.address,
                data.email,
                data.phone,
                data.opening_hours,
                data.website,
                data.bip_url,
                data.epuap,
                data.survey_owner_name,
                data.survey_owner_position,
                data.iod_name,
                data.iod_email,
                data.iod_phone,
                office_id
            ],
        )?;
        super::audit::record(
            &tx,
            Some(office_id),
            actor,
            "zmiana danych urzędu",
            &format!("{} (raport nr {report_id} zarchiwizowany przed zmianą)", data.name),
        )?;
        tx.commit()?;
        Ok(Some(report_id))
    }

    /// Every department of the office, active ones first.
    pub fn all_departments(&self, office_id: i64) -> Result<Vec<Department>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT key, name, active, renamed_from FROM departments WHERE office_id = ?1 ORDER BY active DESC, position",
        )?;
        let rows = stmt.query_map([office_id], |r| {
            Ok(Department { key: r.get(0)?, name: r.get(1)?, active: r.get(2)?, renamed_from: r.get(3)? })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Adds a department, or changes its name or whether it is offered. The key never changes, so answers
    /// given under the old name stay with the department; the old name is kept in `renamed_from`. The
    /// report of the results to date (`report`, made by the caller just before) is archived in the same
    /// transaction. All or nothing. A department saved as it is changes nothing and archives nothing
    /// (`None`); otherwise returns the archived report's id.
    pub fn save_department(
        &self,
        office_id: i64,
        actor: &str,
        department: (&str, &str, bool),
        report: &ReportFiles<'_>,
    ) -> Result<Option<i64>, StoreError> {
        let (key, name, active) = department;
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let old: Option<(String, bool)> = tx
            .query_row(
                "SELECT name, active FROM departments WHERE office_id = ?1 AND key = ?2",
                params![office_id, key],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        if old.as_ref().is_some_and(|(old_name, was_active)| old_name == name && *was_active == active) {
            return Ok(None);
        }
        let report_id =
            super::report_archive::archive_before_change(&tx, office_id, actor, "przed zmianą komórek urzędu", report)?;
        let archived = format!("raport nr {report_id} zarchiwizowany przed zmianą");
        match old {
            None => {
                tx.execute(
                    "INSERT INTO departments (office_id, key, name, active, position)
                     VALUES (?1, ?2, ?3, ?4, (SELECT ifnull(max(position), 0) + 1 FROM departments WHERE office_id = ?1))",
                    params![office_id, key, name, active],
                )?;
                let what = format!("{key}: {name} ({archived})");
                super::audit::record(&tx, Some(office_id), actor, "dodanie komórki", &what)?;
            }
            Some((old, _)) => {
                tx.execute(
                    "UPDATE departments SET
                        renamed_from = CASE WHEN name = ?3 THEN renamed_from
                                            WHEN renamed_from = '' THEN name
                                            ELSE renamed_from || ' → ' || name END,
                        name = ?3, active = ?4
                     WHERE office_id = ?1 AND key = ?2",
                    params![office_id, key, name, active],
                )?;
                let what = if old == name { format!("{key}: {name}") } else { format!("{key}: {old} → {name}") };
                super::audit::record(&tx, Some(office_id), actor, "zmiana komórki", &format!("{what} ({archived})"))?;
            }
        }
        tx.commit()?;
        Ok(Some(report_id))
    }

    /// Responses per day over the last `days` days (withdrawn left out), oldest first, days without
    /// responses omitted.
    pub fn daily_counts(&self, office_id: i64, days: u32) -> Result<Vec<(String, u64)>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT substr(captured_at, 1, 10) AS day, count(*) FROM responses
             WHERE office_id = ?1 AND withdrawn_at IS NULL
               AND captured_at >= strftime('%Y-%m-%dT00:00:00Z', 'now', ?2)
             GROUP BY day ORDER BY day",
        )?;
        let rows = stmt.query_map(params![office_id, format!("-{} days", days.saturating_sub(1))], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

impl Store {
    /// Sets the office's information clause (RODO art. 13); `None` goes back to the default made from the
    /// office's data.
    pub fn set_privacy_notice(&self, office_id: i64, actor: &str, text: Option<&str>) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute("UPDATE offices SET privacy_notice = ?1 WHERE id = ?2", params![text, office_id])?;
        let what = if text.is_some() { "zmiana klauzuli informacyjnej" } else { "przywrócenie domyślnej klauzuli" };
        super::audit::record(&tx, Some(office_id), actor, what, "")?;
        tx.commit()?;
        Ok(())
    }

    /// Sets (or with `None` removes) the office's logo: image bytes and their MIME type.
    pub fn set_logo(&self, office_id: i64, actor: &str, logo: Option<(&[u8], &str)>) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let (bytes, mime) = logo.map_or((None, None), |(b, m)| (Some(b), Some(m)));
        tx.execute("UPDATE offices SET logo = ?1, logo_type = ?2 WHERE id = ?3", params![bytes, mime, office_id])?;
        let what = if logo.is_some() { "ustawienie logo" } else { "usunięcie logo" };
        super::audit::record(&tx, Some(office_id), actor, what, "")?;
        tx.commit()?;
        Ok(())
    }

    /// The office's logo and its MIME type, if it has one.
    pub fn logo(&self, office_id: i64) -> Result<Option<(Vec<u8>, String)>, StoreError> {
        Ok(self
            .conn()
            .query_row("SELECT logo, logo_type FROM offices WHERE id = ?1 AND logo IS NOT NULL", [office_id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?)
    }
}
