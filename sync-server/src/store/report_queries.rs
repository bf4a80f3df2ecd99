//! The SQL a report is computed from: sums of the running counts (`tally`) for the figures, and the
//! responses themselves only for comments and exports, walked one row at a time. Scoring itself is the
//! `survey` crate's.

use std::collections::{BTreeMap, HashMap};

use rusqlite::params_from_iter;
use survey::scoring::RatingStats;
use survey::{Channel, QuestionKey};

use chrono::Datelike;

use super::{Store, StoreError, tally};
use crate::local_time;

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
    /// Complete and incomplete responses per channel (see `survey::scoring::is_complete`).
    pub completeness: BTreeMap<Channel, Completeness>,
    /// Rating counts per question key, over every questionnaire version.
    pub items: BTreeMap<QuestionKey, RatingStats>,
    /// The overall rating per department key (`None`: not named).
    pub overall_by_department: BTreeMap<Option<String>, RatingStats>,
    /// Chosen options per question key (single and multiple choice, department).
    pub choices: BTreeMap<String, BTreeMap<String, u64>>,
    /// The overall rating per month (`YYYY-MM`, local time).
    pub overall_by_month: BTreeMap<String, RatingStats>,
    /// Kiosk responses (touch and buttons) by local weekday (0 = Monday) and hour.
    pub kiosk_hours: [[u64; 24]; 7],
    /// The questionnaire versions answered in the period.
    pub versions: Vec<u32>,
    /// Responses per questionnaire version: a question's respondents are those of the versions that
    /// asked it.
    pub respondents_by_version: BTreeMap<u32, u64>,
}

/// Complete and incomplete responses.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Completeness {
    pub complete: u64,
    pub incomplete: u64,
}

impl ReportFilter {
    /// The WHERE clause selecting the filter's responses as `r`, with its parameters. Days are the
    /// office's local days.
    fn clause(&self) -> (String, Vec<String>) {
        let mut sql =
            String::from("r.office_id = ? AND r.withdrawn_at IS NULL AND r.captured_at >= ? AND r.captured_at < ?");
        let mut params = vec![
            self.office_id.to_string(),
            local_time::day_start_text(self.from),
            local_time::day_start_text(self.to + chrono::Duration::days(1)),
        ];
        if let Some(dept) = &self.department {
            // Correlated, so each response is checked through the answers' response index; an IN over
            // every department answer would first collect them all.
            sql.push_str(
                " AND EXISTS (SELECT 1 FROM answers d WHERE d.response_id = r.id AND d.question_key = 'komorka' AND d.choice = ?)",
            );
            params.push(dept.clone());
        }
        self.push_channels(&mut sql, &mut params, "r.channel");
        (sql, params)
    }

    /// The WHERE clause selecting the filter's rows of the report counts as `t`, with its parameters.
    fn tally_clause(&self) -> (String, Vec<String>) {
        let mut sql = String::from("t.office_id = ? AND t.scope = ? AND t.day >= ? AND t.day <= ?");
        let scope = match &self.department {
            None => tally::ALL.to_owned(),
            Some(dept) => tally::department_scope(Some(dept)),
        };
        let mut params = vec![self.office_id.to_string(), scope, self.from.to_string(), self.to.to_string()];
        self.push_channels(&mut sql, &mut params, "t.channel");
        (sql, params)
    }

    /// [`ReportFilter::tally_clause`] for one department's scope (`None`: responses that named none),
    /// whatever department the filter itself names.
    fn department_tally_clause(&self, department: Option<&str>) -> (String, Vec<String>) {
        let mut sql = String::from("t.office_id = ? AND t.scope = ? AND t.day >= ? AND t.day <= ?");
        let mut params = vec![
            self.office_id.to_string(),
            tally::department_scope(department),
            self.from.to_string(),
            self.to.to_string(),
        ];
        self.push_channels(&mut sql, &mut params, "t.channel");
        (sql, params)
    }

    fn push_channels(&self, sql: &mut String, params: &mut Vec<String>, column: &str) {
        if !self.channels.is_empty() {
            sql.push_str(&format!(" AND {column} IN ({})", vec!["?"; self.channels.len()].join(", ")));
            params.extend(self.channels.iter().map(|c| c.as_str().to_owned()));
        }
    }
}

/// A text column borrowed from the row (no copy).
fn text<'r>(row: &'r rusqlite::Row<'_>, index: usize) -> Result<&'r str, StoreError> {
    Ok(row
        .get_ref(index)?
        .as_str()
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(index, rusqlite::types::Type::Text, Box::new(e)))?)
}

/// Sums per question and value.
type Sums = HashMap<String, HashMap<String, i64>>;

/// Adds `n` to a sum, allocating the key and value only the first time they are seen.
fn bump(sums: &mut Sums, key: &str, value: &str, n: i64) {
    let values = match sums.get_mut(key) {
        Some(values) => values,
        None => sums.entry(key.to_owned()).or_default(),
    };
    match values.get_mut(value) {
        Some(sum) => *sum += n,
        None => {
            values.insert(value.to_owned(), n);
        }
    }
}

/// Counts `n` of a rating value ('1'..'5' or "nie dotyczy").
fn add(stats: &mut RatingStats, value: &str, n: u64) {
    match value.parse::<usize>() {
        Ok(v @ 1..=5) => stats.distribution[v - 1] += n,
        _ if value == tally::NOT_APPLICABLE => stats.not_applicable += n,
        _ => {}
    }
}

impl Store {
    /// Every count a report of `filter` needs, summed from the report counts (`tally`): the work grows
    /// with the days of the period, not with the number of responses. One pass in the table's own order
    /// (day, channel, question, value), summed here, so SQLite never sorts.
    pub fn period_counts(&self, filter: &ReportFilter, overall_key: &str) -> Result<PeriodCounts, StoreError> {
        let conn = self.conn();
        let (clause, params) = filter.tally_clause();
        let mut sums: HashMap<Channel, Sums> = HashMap::new();
        let mut months: HashMap<(String, String), i64> = HashMap::new();
        let mut hours = [[0i64; 24]; 7];
        // Rows come day by day: the day's month and weekday are worked out once per day.
        let mut current_day = String::new();
        let (mut month, mut weekday) = (String::new(), 0usize);

        let mut stmt = conn.prepare_cached(&format!(
            "SELECT t.day, t.channel, t.question_key, t.value, t.n FROM tally t WHERE {clause} AND t.n <> 0"
        ))?;
        let mut rows = stmt.query(params_from_iter(&params))?;
        while let Some(row) = rows.next()? {
            let day = text(row, 0)?;
            let Some(channel) = Channel::parse(text(row, 1)?) else { continue };
            let key = text(row, 2)?;
            let value = text(row, 3)?;
            let n: i64 = row.get(4)?;
            if day != current_day {
                current_day = day.to_owned();
                month = day.get(..7).unwrap_or(day).to_owned();
                weekday = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d")
                    .map_or(0, |d| d.weekday().num_days_from_monday() as usize);
            }
            if key == overall_key {
                *months.entry((month.clone(), value.to_owned())).or_default() += n;
            }
            if key == tally::HOUR {
                if matches!(channel, Channel::KioskTouch | Channel::KioskButtons)
                    && let Some(cell) = value.parse::<usize>().ok().and_then(|h| hours[weekday].get_mut(h))
                {
                    *cell += n;
                }
                continue;
            }
            bump(sums.entry(channel).or_default(), key, value, n);
        }

        let mut counts = PeriodCounts::default();
        let flat = sums.into_iter().flat_map(|(channel, keys)| {
            keys.into_iter()
                .flat_map(move |(key, values)| values.into_iter().map(move |(v, n)| (channel, key.clone(), v, n)))
        });
        for (channel, key, value, n) in flat {
            let Ok(n) = u64::try_from(n) else { continue };
            if n == 0 {
                continue;
            }
            if key == tally::COMPLETE {
                *counts.by_channel.entry(channel).or_default() += n;
                let c = counts.completeness.entry(channel).or_default();
                if value == "1" { c.complete += n } else { c.incomplete += n }
            } else if key == tally::VERSION {
                if let Ok(version) = value.parse::<u32>() {
                    counts.versions.push(version);
                    *counts.respondents_by_version.entry(version).or_default() += n;
                }
            } else if let Some(dept) = key.strip_prefix(tally::DEPT_OVERALL) {
                let dept = (!dept.is_empty()).then(|| dept.to_owned());
                add(counts.overall_by_department.entry(dept).or_default(), &value, n);
            } else if let Ok(question) = QuestionKey::parse(&key) {
                if value.parse::<u8>().is_ok() || value == tally::NOT_APPLICABLE {
                    add(counts.items.entry(question).or_default(), &value, n);
                } else {
                    *counts.choices.entry(key).or_default().entry(value).or_default() += n;
                }
            }
        }
        counts.versions.sort_unstable();
        counts.versions.dedup();
        for ((month, value), n) in months {
            add(counts.overall_by_month.entry(month).or_default(), &value, u64::try_from(n).unwrap_or(0));
        }
        // The hours are counted in the '*' scope only: a department filter leaves the map empty rather
        // than showing every department's hours under one department's name.
        for (day, row) in hours.iter().enumerate() {
            for (hour, n) in row.iter().enumerate() {
                counts.kiosk_hours[day][hour] = u64::try_from(*n).unwrap_or(0);
            }
        }
        Ok(counts)
    }

    /// The rating counts per question of each of `departments` (`None`: responses that named none), for
    /// the department breakdown by area. Each department's counts are kept under its own scope in
    /// `tally`, so this reads each department's rows of the period once, in the table's order.
    pub fn period_department_ratings(
        &self,
        filter: &ReportFilter,
        departments: &[Option<String>],
    ) -> Result<BTreeMap<Option<String>, BTreeMap<QuestionKey, RatingStats>>, StoreError> {
        let conn = self.conn();
        let mut out = BTreeMap::new();
        for department in departments {
            let (clause, params) = filter.department_tally_clause(department.as_deref());
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT t.question_key, t.value, t.n FROM tally t WHERE {clause} AND t.n <> 0"
            ))?;
            let mut rows = stmt.query(params_from_iter(&params))?;
            let mut sums = Sums::new();
            while let Some(row) = rows.next()? {
                let key = text(row, 0)?;
                let value = text(row, 1)?;
                // Ratings only: '1'..'5' and "nie dotyczy"; choices and pseudo-questions are not scored.
                if key.starts_with('#')
                    || !(value.len() == 1 && (value.as_bytes()[0].is_ascii_digit() || value == tally::NOT_APPLICABLE))
                {
                    continue;
                }
                bump(&mut sums, key, value, row.get(2)?);
            }
            let mut items: BTreeMap<QuestionKey, RatingStats> = BTreeMap::new();
            for (key, values) in sums {
                let Ok(question) = QuestionKey::parse(&key) else { continue };
                let stats = items.entry(question).or_default();
                for (value, n) in values {
                    add(stats, &value, u64::try_from(n).unwrap_or(0));
                }
            }
            out.insert(department.clone(), items);
        }
        Ok(out)
    }

    /// The local day of the office's first counted response.
    pub fn first_response_day(&self, office_id: i64) -> Result<Option<chrono::NaiveDate>, StoreError> {
        let day: Option<String> = self.conn().query_row(
            "SELECT min(day) FROM tally WHERE office_id = ?1 AND scope = ?2 AND n > 0",
            rusqlite::params![office_id, tally::ALL],
            |r| r.get(0),
        )?;
        Ok(day.and_then(|d| chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()))
    }

    /// Presses of the office's button panels in the period that were not counted, by reason. (Presses
    /// belong to no department or channel filter: they are shown beside the answers as they are.)
    pub fn period_filtered_presses(&self, filter: &ReportFilter) -> Result<Vec<(String, u64)>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT reason, count(*) FROM filtered_presses WHERE office_id = ?1 AND captured_at >= ?2 AND captured_at < ?3
             GROUP BY reason ORDER BY reason",
        )?;
        let from = local_time::day_start_text(filter.from);
        let to = local_time::day_start_text(filter.to + chrono::Duration::days(1));
        let rows = stmt.query_map(rusqlite::params![filter.office_id, from, to], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Responses of the period whose device capture time was replaced by the receiving time.
    pub fn period_capture_times_replaced(&self, filter: &ReportFilter) -> Result<u64, StoreError> {
        let (clause, params) = filter.clause();
        let sql = format!("SELECT count(*) FROM responses r WHERE {clause} AND r.capture_time_replaced = 1");
        Ok(self.conn().query_row(&sql, params_from_iter(params), |r| r.get(0))?)
    }

    /// The period's free-text comments as (capture instant as stored, question key, text), newest first
    /// (at most `limit`).
    pub fn period_comments(
        &self,
        filter: &ReportFilter,
        limit: u32,
    ) -> Result<Vec<(String, String, String)>, StoreError> {
        let conn = self.conn();
        let (clause, mut params) = filter.clause();
        params.push(limit.to_string());
        let mut stmt = conn.prepare(&format!(
            "SELECT r.captured_at, a.question_key, a.text FROM answers a JOIN responses r ON r.id = a.response_id
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
