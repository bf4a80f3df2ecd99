//! Published questionnaire versions of each office. A version, once stored, never changes (a trigger in
//! the schema refuses updates); publishing a change stores the next version.

use std::collections::BTreeSet;
use std::sync::Arc;

use rusqlite::{Connection, OptionalExtension, params};
use survey::{QuestionKey, Questionnaire};

use super::{Store, StoreError, audit, now_text, offices, questionnaire_versions};

impl Store {
    /// The office's newest published questionnaire.
    pub fn current_questionnaire(&self, office_slug: &str) -> Result<Arc<Questionnaire>, StoreError> {
        let conn = self.reader()?;
        let office = offices::office_by_slug(&conn, office_slug)?;
        let version: Option<u32> = conn
            .prepare_cached("SELECT max(version) FROM questionnaire_versions WHERE office_id = ?1")?
            .query_row([office.id], |r| r.get(0))?;
        version
            .map(|version| self.published(&conn, office.id, version))
            .transpose()?
            .flatten()
            .ok_or_else(|| StoreError::Corrupt(format!("urząd „{office_slug}” nie ma żadnej wersji ankiety")))
    }

    /// One published version of the office's questionnaire.
    pub fn questionnaire_version(&self, office_slug: &str, version: u32) -> Result<Arc<Questionnaire>, StoreError> {
        let conn = self.reader()?;
        let office = offices::office_by_slug(&conn, office_slug)?;
        self.published(&conn, office.id, version)?
            .ok_or_else(|| StoreError::UnknownQuestionnaireVersion { office: office_slug.to_owned(), version })
    }

    /// Question keys that exist in some version of the office's questionnaire other than `version`.
    pub fn keys_outside_version(&self, office_slug: &str, version: u32) -> Result<BTreeSet<QuestionKey>, StoreError> {
        let conn = self.reader()?;
        let office = offices::office_by_slug(&conn, office_slug)?;
        let others: Vec<u32> = conn
            .prepare_cached("SELECT version FROM questionnaire_versions WHERE office_id = ?1 AND version <> ?2")?
            .query_map(params![office.id, version], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let mut keys = BTreeSet::new();
        for other in others {
            if let Some(q) = self.published(&conn, office.id, other)? {
                keys.extend(q.questions().map(|(_, q)| q.key.clone()));
            }
        }
        Ok(keys)
    }

    /// A published version, parsed once per process: published versions never change (a trigger refuses
    /// it), and every web survey needs its questionnaire.
    fn published(
        &self,
        conn: &Connection,
        office_id: i64,
        version: u32,
    ) -> Result<Option<Arc<Questionnaire>>, StoreError> {
        let mut parsed = self.parsed_versions.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(q) = parsed.get(&(office_id, version)) {
            return Ok(Some(Arc::clone(q)));
        }
        let json: Option<String> = conn
            .prepare_cached("SELECT definition FROM questionnaire_versions WHERE office_id = ?1 AND version = ?2")?
            .query_row(params![office_id, version], |r| r.get(0))
            .optional()?;
        let Some(json) = json else { return Ok(None) };
        let q = Arc::new(parse(&json)?);
        parsed.insert((office_id, version), Arc::clone(&q));
        Ok(Some(q))
    }
}

/// Published questionnaire versions already parsed, by (office id, version).
pub(super) type ParsedVersions = std::sync::Mutex<std::collections::HashMap<(i64, u32), Arc<Questionnaire>>>;

pub(super) fn parse(json: &str) -> Result<Questionnaire, StoreError> {
    serde_json::from_str(json).map_err(|e| StoreError::Corrupt(format!("definicja ankiety: {e}")))
}

impl Store {
    /// The office's draft, if one is being edited.
    pub fn draft(&self, office_id: i64) -> Result<Option<Questionnaire>, StoreError> {
        let json: Option<String> = self
            .conn()
            .query_row("SELECT definition FROM questionnaire_drafts WHERE office_id = ?1", [office_id], |r| r.get(0))
            .optional()?;
        json.map(|j| parse(&j)).transpose()
    }

    /// Saves the draft (replacing the previous one).
    pub fn save_draft(&self, office_id: i64, actor: &str, draft: &Questionnaire, what: &str) -> Result<(), StoreError> {
        let json = serde_json::to_string(draft).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute(
            "INSERT INTO questionnaire_drafts (office_id, definition, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (office_id) DO UPDATE SET definition = excluded.definition, updated_at = excluded.updated_at",
            params![office_id, json, now_text()],
        )?;
        audit::record(&tx, Some(office_id), actor, "edycja projektu ankiety", what)?;
        tx.commit()?;
        Ok(())
    }

    /// Drops the draft.
    pub fn discard_draft(&self, office_id: i64, actor: &str) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute("DELETE FROM questionnaire_drafts WHERE office_id = ?1", [office_id])?;
        audit::record(&tx, Some(office_id), actor, "odrzucenie projektu ankiety", "")?;
        tx.commit()?;
        Ok(())
    }

    /// Publishes the draft as the next version, together with the archived report of the results to
    /// date (`report`, made by the caller just before). All or nothing. Returns the new version
    /// and the archived report's id.
    pub fn publish_draft(
        &self,
        office_id: i64,
        actor: &str,
        report: &super::report_archive::ReportFiles<'_>,
    ) -> Result<(u32, i64), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let json: String = tx
            .query_row("SELECT definition FROM questionnaire_drafts WHERE office_id = ?1", [office_id], |r| r.get(0))
            .optional()?
            .ok_or_else(|| StoreError::Corrupt("brak projektu ankiety do opublikowania".into()))?;
        let mut draft = parse(&json)?;
        let latest: u32 =
            tx.query_row("SELECT max(version) FROM questionnaire_versions WHERE office_id = ?1", [office_id], |r| {
                r.get(0)
            })?;
        draft.version = latest + 1;
        let report_id =
            super::report_archive::archive_before_change(&tx, office_id, actor, "przed zmianą ankiety", report)?;
        questionnaire_versions::insert_version(&tx, office_id, &draft)?;
        tx.execute("DELETE FROM questionnaire_drafts WHERE office_id = ?1", [office_id])?;
        audit::record(
            &tx,
            Some(office_id),
            actor,
            "publikacja ankiety",
            &format!("wersja {} (raport nr {report_id} zarchiwizowany przed publikacją)", draft.version),
        )?;
        tx.commit()?;
        Ok((draft.version, report_id))
    }

    /// Every published version of the office, oldest first.
    pub fn questionnaire_versions(&self, office_id: i64) -> Result<Vec<Questionnaire>, StoreError> {
        let conn = self.conn();
        let mut stmt =
            conn.prepare("SELECT definition FROM questionnaire_versions WHERE office_id = ?1 ORDER BY version")?;
        let rows = stmt.query_map([office_id], |r| r.get::<_, String>(0))?;
        rows.map(|j| parse(&j?)).collect()
    }

    /// Rating counts per question of one version (withdrawn responses left out), from SQL aggregates.
    pub fn rating_counts(
        &self,
        office_id: i64,
        version: u32,
    ) -> Result<std::collections::BTreeMap<QuestionKey, survey::scoring::RatingStats>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT a.question_key, a.rating, a.not_applicable, count(*)
             FROM answers a JOIN responses r ON r.id = a.response_id
             WHERE r.office_id = ?1 AND r.questionnaire_version = ?2 AND r.withdrawn_at IS NULL
               AND (a.rating IS NOT NULL OR a.not_applicable = 1)
             GROUP BY a.question_key, a.rating, a.not_applicable",
        )?;
        let mut counts: std::collections::BTreeMap<QuestionKey, survey::scoring::RatingStats> = Default::default();
        let rows = stmt.query_map(params![office_id, version], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Option<u8>>(1)?, r.get::<_, bool>(2)?, r.get::<_, u64>(3)?))
        })?;
        for row in rows {
            let (key, rating, not_applicable, n) = row?;
            let Ok(key) = QuestionKey::parse(&key) else { continue };
            let stats = counts.entry(key).or_default();
            match rating {
                Some(v @ 1..=5) => stats.distribution[usize::from(v - 1)] += n,
                _ if not_applicable => stats.not_applicable += n,
                _ => {}
            }
        }
        Ok(counts)
    }
}
