//! The SQL aggregates a report is computed from: counts, never responses loaded one by one, so a year of a
//! busy office stays quick. Scoring itself is the `survey` crate's.

use std::collections::BTreeMap;

use rusqlite::params_from_iter;
use survey::scoring::RatingStats;
use survey::{Channel, QuestionKey};

use super::{Store, StoreError};

/// Which responses a report covers: capture dates `from`..=`to`, optionally one department's and some
/// channels' only (withdrawn responses never).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportFilter {
    pub office_id: i64,
    pub from: chrono::NaiveDate,
    pub to: chrono::NaiveDate,
    pub department: Option<String>,
    pub channels: Vec<Channel>,
}

/// What a report period adds up to, before scoring.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeriodCounts {
    pub by_channel: BTreeMap<Channel, u64>,
    /// Rating counts per question key, over every questionnaire version.
    pub items: BTreeMap<QuestionKey, RatingStats>,
    /// The overall rating per department key (`None`: not named).
    pub overall_by_department: BTreeMap<Option<String>, RatingStats>,
    /// Chosen options per question key (single and multiple choice, department).
    pub choices: BTreeMap<String, BTreeMap<String, u64>>,
    /// The overall rating per month (`YYYY-MM`).
    pub overall_by_month: BTreeMap<String, RatingStats>,
    /// The questionnaire versions answered in the period.
    pub versions: Vec<u32>,
}

impl ReportFilter {
    /// The WHERE clause selecting the filter's responses as `r`, with its parameters.
    fn clause(&self) -> (String, Vec<String>) {
        let mut sql =
            String::from("r.office_id = ? AND r.withdrawn_at IS NULL AND r.captured_at >= ? AND r.captured_at < ?");
        let mut params = vec![
            self.office_id.to_string(),
            format!("{}T00:00:00Z", self.from),
            format!("{}T00:00:00Z", self.to + chrono::Duration::days(1)),
        ];
        if let Some(dept) = &self.department {
            sql.push_str(
                " AND r.id IN (SELECT response_id FROM answers WHERE question_key = 'komorka' AND choice = ?)",
            );
            params.push(dept.clone());
        }
        if !self.channels.is_empty() {
            sql.push_str(&format!(" AND r.channel IN ({})", vec!["?"; self.channels.len()].join(", ")));
            params.extend(self.channels.iter().map(|c| c.as_str().to_owned()));
        }
        (sql, params)
    }
}

fn add(stats: &mut RatingStats, rating: Option<u8>, not_applicable: bool, n: u64) {
    match rating {
        Some(v @ 1..=5) => stats.distribution[usize::from(v - 1)] += n,
        _ if not_applicable => stats.not_applicable += n,
        _ => {}
    }
}

impl Store {
    /// Every count a report of `filter` needs.
    pub fn period_counts(
        &self,
        filter: &ReportFilter,
        overall_key: &str,
        department_key: &str,
    ) -> Result<PeriodCounts, StoreError> {
        let conn = self.conn();
        let (clause, params) = filter.clause();
        let mut counts = PeriodCounts::default();

        let mut stmt =
            conn.prepare(&format!("SELECT r.channel, count(*) FROM responses r WHERE {clause} GROUP BY 1"))?;
        let rows = stmt.query_map(params_from_iter(&params), |r| Ok((r.get::<_, String>(0)?, r.get::<_, u64>(1)?)))?;
        for row in rows {
            let (channel, n) = row?;
            if let Some(c) = Channel::parse(&channel) {
                counts.by_channel.insert(c, n);
            }
        }

        let mut stmt = conn.prepare(&format!(
            "SELECT a.question_key, a.rating, a.not_applicable, count(*) FROM answers a JOIN responses r ON r.id = a.response_id
             WHERE {clause} AND (a.rating IS NOT NULL OR a.not_applicable = 1) GROUP BY 1, 2, 3"
        ))?;
        let rows = stmt.query_map(params_from_iter(&params), |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Option<u8>>(1)?, r.get::<_, bool>(2)?, r.get::<_, u64>(3)?))
        })?;
        for row in rows {
            let (key, rating, na, n) = row?;
            if let Ok(key) = QuestionKey::parse(&key) {
                add(counts.items.entry(key).or_default(), rating, na, n);
            }
        }

        let mut stmt = conn.prepare(&format!(
            "SELECT d.choice, o.rating, count(*) FROM responses r
             JOIN answers o ON o.response_id = r.id AND o.question_key = ?
             LEFT JOIN answers d ON d.response_id = r.id AND d.question_key = ?
             WHERE {clause} AND o.rating IS NOT NULL GROUP BY 1, 2"
        ))?;
        let all: Vec<String> =
            [overall_key.to_owned(), department_key.to_owned()].into_iter().chain(params.iter().cloned()).collect();
        let rows = stmt.query_map(params_from_iter(&all), |r| {
            Ok((r.get::<_, Option<String>>(0)?, r.get::<_, Option<u8>>(1)?, r.get::<_, u64>(2)?))
        })?;
        for row in rows {
            let (dept, rating, n) = row?;
            add(counts.overall_by_department.entry(dept).or_default(), rating, false, n);
        }

        let mut stmt = conn.prepare(&format!(
            "SELECT a.question_key, a.choice, count(*) FROM answers a JOIN responses r ON r.id = a.response_id
             WHERE {clause} AND a.choice IS NOT NULL GROUP BY 1, 2"
        ))?;
        let rows = stmt.query_map(params_from_iter(&params), |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, u64>(2)?))
        })?;
        for row in rows {
            let (key, choice, n) = row?;
            counts.choices.entry(key).or_default().insert(choice, n);
        }

        let mut stmt = conn.prepare(&format!(
            "SELECT substr(r.captured_at, 1, 7), a.rating, count(*) FROM answers a JOIN responses r ON r.id = a.response_id
             WHERE {clause} AND a.question_key = ? AND a.rating IS NOT NULL GROUP BY 1, 2"
        ))?;
        let with_key: Vec<String> = params.iter().cloned().chain(std::iter::once(overall_key.to_owned())).collect();
        let rows = stmt.query_map(params_from_iter(&with_key), |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Option<u8>>(1)?, r.get::<_, u64>(2)?))
        })?;
        for row in rows {
            let (month, rating, n) = row?;
            add(counts.overall_by_month.entry(month).or_default(), rating, false, n);
        }

        let mut stmt = conn
            .prepare(&format!("SELECT DISTINCT r.questionnaire_version FROM responses r WHERE {clause} ORDER BY 1"))?;
        counts.versions = stmt.query_map(params_from_iter(&params), |r| r.get(0))?.collect::<Result<_, _>>()?;
        Ok(counts)
    }

    /// Presses of the office's button panels in the period that were not counted, by reason. (Presses
    /// belong to no department or channel filter: they are shown beside the answers as they are.)
    pub fn period_filtered_presses(&self, filter: &ReportFilter) -> Result<Vec<(String, u64)>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT reason, count(*) FROM filtered_presses WHERE office_id = ?1 AND captured_at >= ?2 AND captured_at < ?3
             GROUP BY reason ORDER BY reason",
        )?;
        let from = format!("{}T00:00:00Z", filter.from);
        let to = format!("{}T00:00:00Z", filter.to + chrono::Duration::days(1));
        let rows = stmt.query_map(rusqlite::params![filter.office_id, from, to], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The period's free-text comments, newest first (at most `limit`).
    pub fn period_comments(
        &self,
        filter: &ReportFilter,
        limit: u32,
    ) -> Result<Vec<(String, String, String)>, StoreError> {
        let conn = self.conn();
        let (clause, mut params) = filter.clause();
        params.push(limit.to_string());
        let mut stmt = conn.prepare(&format!(
            "SELECT substr(r.captured_at, 1, 10), a.question_key, a.text FROM answers a JOIN responses r ON r.id = a.response_id
             WHERE {clause} AND a.text IS NOT NULL ORDER BY r.captured_at DESC LIMIT ?"
        ))?;
        let rows = stmt.query_map(params_from_iter(&params), |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The period's responses, oldest first, for the CSV export (a streaming walk, one row at a time).
    pub fn for_each_response(
        &self,
        filter: &ReportFilter,
        mut each: impl FnMut(survey::Response),
    ) -> Result<(), StoreError> {
        let conn = self.conn();
        let (clause, params) = filter.clause();
        let mut stmt = conn.prepare(&format!(
            "SELECT r.payload, r.captured_at FROM responses r WHERE {clause} ORDER BY r.captured_at, r.id"
        ))?;
        let mut rows = stmt.query(params_from_iter(&params))?;
        while let Some(row) = rows.next()? {
            let json: String = row.get(0)?;
            let mut response: survey::Response =
                serde_json::from_str(&json).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            // The time counted (corrected for a kiosk's wrong clock), not the device's own.
            let counted: String = row.get(1)?;
            if let Ok(t) = chrono::DateTime::parse_from_rfc3339(&counted) {
                response.captured_at = t.with_timezone(&chrono::Utc);
            }
            each(response);
        }
        Ok(())
    }
}
