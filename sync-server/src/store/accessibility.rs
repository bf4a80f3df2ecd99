//! The accessibility statement's facts (deklaracja dostępności, ustawa z 4 kwietnia 2019 r. o dostępności
//! cyfrowej), as the office's admin sets them: nothing here is assumed, so a statement the admin has not
//! filled in says so on the public page instead of claiming compliance.

use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError, now_text};

/// The compliance status the office declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compliance {
    Full,
    Partial,
    None,
}

impl Compliance {
    pub const ALL: [Compliance; 3] = [Compliance::Full, Compliance::Partial, Compliance::None];

    /// As stored and posted.
    pub fn code(self) -> &'static str {
        match self {
            Compliance::Full => "zgodna",
            Compliance::Partial => "czesciowo_zgodna",
            Compliance::None => "niezgodna",
        }
    }

    pub fn from_code(code: &str) -> Option<Compliance> {
        Compliance::ALL.into_iter().find(|c| c.code() == code)
    }

    /// The status as the statement names it.
    pub fn label(self) -> &'static str {
        match self {
            Compliance::Full => "zgodna",
            Compliance::Partial => "częściowo zgodna",
            Compliance::None => "niezgodna",
        }
    }
}

/// How the statement was prepared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Assessment {
    SelfAssessment,
    External,
}

impl Assessment {
    pub const ALL: [Assessment; 2] = [Assessment::SelfAssessment, Assessment::External];

    pub fn code(self) -> &'static str {
        match self {
            Assessment::SelfAssessment => "samoocena",
            Assessment::External => "zewnetrzna",
        }
    }

    pub fn from_code(code: &str) -> Option<Assessment> {
        Assessment::ALL.into_iter().find(|a| a.code() == code)
    }
}

/// The statement's facts. Dates are `YYYY-MM-DD` (checked by the panel), `None` when not set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Statement {
    pub contact_name: String,
    pub contact_email: String,
    pub contact_phone: String,
    pub published_on: Option<String>,
    pub updated_on: Option<String>,
    pub prepared_on: Option<String>,
    pub reviewed_on: Option<String>,
    pub status: Option<Compliance>,
    /// The non-conformities and their reasons, a line each.
    pub non_conformities: String,
    pub prepared_by: Option<Assessment>,
    /// Who made an external assessment.
    pub assessor: String,
    /// Architectural accessibility of the building (free text).
    pub architecture: String,
}

impl Statement {
    /// What the statement still lacks, as the panel and the public page name it; empty when complete.
    pub fn missing(&self) -> Vec<&'static str> {
        let mut missing = Vec::new();
        if self.status.is_none() {
            missing.push("stan zgodności");
        }
        if self.published_on.is_none() {
            missing.push("data publikacji");
        }
        if self.prepared_on.is_none() || self.prepared_by.is_none() {
            missing.push("data i sposób sporządzenia deklaracji");
        }
        if self.contact_name.trim().is_empty()
            || (self.contact_email.trim().is_empty() && self.contact_phone.trim().is_empty())
        {
            missing.push("osoba do kontaktu z e-mailem lub telefonem");
        }
        if self.architecture.trim().is_empty() {
            missing.push("dostępność architektoniczna budynku");
        }
        missing
    }
}

impl Store {
    /// The office's statement as its admin set it (all empty when never set).
    pub fn accessibility_statement(&self, office_id: i64) -> Result<Statement, StoreError> {
        let conn = self.reader()?;
        let row = conn
            .query_row(
                "SELECT contact_name, contact_email, contact_phone, published_on, updated_on, prepared_on,
                        reviewed_on, status, non_conformities, prepared_by, assessor, architecture
                 FROM accessibility_statements WHERE office_id = ?1",
                [office_id],
                |r| {
                    Ok(Statement {
                        contact_name: r.get(0)?,
                        contact_email: r.get(1)?,
                        contact_phone: r.get(2)?,
                        published_on: r.get(3)?,
                        updated_on: r.get(4)?,
                        prepared_on: r.get(5)?,
                        reviewed_on: r.get(6)?,
                        status: r.get::<_, Option<String>>(7)?.as_deref().and_then(Compliance::from_code),
                        non_conformities: r.get(8)?,
                        prepared_by: r.get::<_, Option<String>>(9)?.as_deref().and_then(Assessment::from_code),
                        assessor: r.get(10)?,
                        architecture: r.get(11)?,
                    })
                },
            )
            .optional()?;
        Ok(row.unwrap_or_default())
    }

    /// Saves the office's statement (checked by the caller), recorded in the audit log.
    pub fn save_accessibility_statement(
        &self,
        office_id: i64,
        actor: &str,
        statement: &Statement,
    ) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let s = statement;
        tx.execute(
            "INSERT INTO accessibility_statements (office_id, contact_name, contact_email, contact_phone,
                published_on, updated_on, prepared_on, reviewed_on, status, non_conformities, prepared_by,
                assessor, architecture, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
             ON CONFLICT (office_id) DO UPDATE SET contact_name = excluded.contact_name,
                contact_email = excluded.contact_email, contact_phone = excluded.contact_phone,
                published_on = excluded.published_on, updated_on = excluded.updated_on,
                prepared_on = excluded.prepared_on, reviewed_on = excluded.reviewed_on, status = excluded.status,
                non_conformities = excluded.non_conformities, prepared_by = excluded.prepared_by,
                assessor = excluded.assessor, architecture = excluded.architecture, updated_at = excluded.updated_at",
            params![
                office_id,
                s.contact_name,
                s.contact_email,
                s.contact_phone,
                s.published_on,
                s.updated_on,
                s.prepared_on,
                s.reviewed_on,
                s.status.map(Compliance::code),
                s.non_conformities,
                s.prepared_by.map(Assessment::code),
                s.assessor,
                s.architecture,
                now_text()
            ],
        )?;
        let status = s.status.map_or("stan nieustalony", Compliance::label);
        super::audit::record(&tx, Some(office_id), actor, "zmiana deklaracji dostępności", status)?;
        tx.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    // Test helpers may unwrap: a panic is how a test reports a broken premise.
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn a_statement_is_saved_read_back_and_changed_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let office = store.create_office("alfa", "Urząd Gminy Alfa").unwrap();
        let empty = store.accessibility_statement(office.id).unwrap();
        assert_eq!(empty, Statement::default());
        assert_eq!(empty.missing().len(), 5, "a statement never filled in claims nothing");

        let filled = Statement {
            contact_name: "Anna Nowak".into(),
            contact_email: "dostepnosc@alfa.pl".into(),
            published_on: Some("2026-01-15".into()),
            prepared_on: Some("2026-03-01".into()),
            status: Some(Compliance::Partial),
            non_conformities: "Filmy bez napisów.".into(),
            prepared_by: Some(Assessment::External),
            assessor: "Fundacja Widzialni".into(),
            architecture: "Wejście od ul. Głównej z podjazdem.".into(),
            ..Statement::default()
        };
        store.save_accessibility_statement(office.id, "test", &filled).unwrap();
        assert_eq!(store.accessibility_statement(office.id).unwrap(), filled);
        assert!(filled.missing().is_empty());

        let changed = Statement { status: Some(Compliance::Full), non_conformities: String::new(), ..filled };
        store.save_accessibility_statement(office.id, "test", &changed).unwrap();
        assert_eq!(store.accessibility_statement(office.id).unwrap(), changed);
        let audited: i64 = store
            .conn()
            .query_row("SELECT count(*) FROM audit_log WHERE action = 'zmiana deklaracji dostępności'", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(audited, 2);
    }
}
