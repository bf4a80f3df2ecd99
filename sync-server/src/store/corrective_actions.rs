//! Corrective actions (działania naprawcze) decided from an archived report's conclusions: what, who is
//! responsible, by when, how far it has got. Every addition and change is recorded in the audit log in
//! the same transaction, naming what changed.

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, Transaction, params};

use super::{Store, StoreError, now_text};

/// How far an action has got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionStatus {
    Planned,
    InProgress,
    Done,
    Dropped,
}

impl ActionStatus {
    pub const ALL: [ActionStatus; 4] =
        [ActionStatus::Planned, ActionStatus::InProgress, ActionStatus::Done, ActionStatus::Dropped];

    /// As stored and as sent by forms.
    pub fn as_str(self) -> &'static str {
        match self {
            ActionStatus::Planned => "planned",
            ActionStatus::InProgress => "in_progress",
            ActionStatus::Done => "done",
            ActionStatus::Dropped => "dropped",
        }
    }

    pub fn parse(s: &str) -> Option<ActionStatus> {
        ActionStatus::ALL.into_iter().find(|a| a.as_str() == s)
    }

    /// In Polish, as people read it.
    pub fn label_pl(self) -> &'static str {
        match self {
            ActionStatus::Planned => "zaplanowane",
            ActionStatus::InProgress => "w toku",
            ActionStatus::Done => "wykonane",
            ActionStatus::Dropped => "zaniechane",
        }
    }

    /// Done or dropped: nothing more is expected of it, so it is never overdue.
    pub fn is_closed(self) -> bool {
        matches!(self, ActionStatus::Done | ActionStatus::Dropped)
    }
}

/// An action as the admin typed it (checked by the form before it reaches the store).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionInput {
    pub what: String,
    pub responsible: String,
    pub deadline: NaiveDate,
    pub status: ActionStatus,
    pub notes: String,
}

/// An action as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorrectiveAction {
    pub id: i64,
    /// The archived report whose conclusions it comes from.
    pub report_id: i64,
    pub input: ActionInput,
    /// When it was recorded and last changed (UTC, RFC 3339).
    pub created_at: String,
    pub updated_at: String,
    /// The local day it was marked done or dropped; `None` while open.
    pub closed_on: Option<NaiveDate>,
}

impl CorrectiveAction {
    /// Open with its deadline before `today`.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        !self.input.status.is_closed() && self.input.deadline < today
    }
}

const COLUMNS: &str = "id, report_id, what, responsible, deadline, status, notes, created_at, updated_at, closed_on";

fn date(text: &str, column: usize) -> rusqlite::Result<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(column, rusqlite::types::Type::Text, Box::new(e)))
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<CorrectiveAction> {
    let deadline: String = r.get(4)?;
    let status: String = r.get(5)?;
    let closed_on: Option<String> = r.get(9)?;
    Ok(CorrectiveAction {
        id: r.get(0)?,
        report_id: r.get(1)?,
        input: ActionInput {
            what: r.get(2)?,
            responsible: r.get(3)?,
            deadline: date(&deadline, 4)?,
            status: ActionStatus::parse(&status).ok_or_else(|| {
                rusqlite::Error::FromSqlConversionFailure(5, rusqlite::types::Type::Text, status.clone().into())
            })?,
            notes: r.get(6)?,
        },
        created_at: r.get(7)?,
        updated_at: r.get(8)?,
        closed_on: closed_on.map(|d| date(&d, 9)).transpose()?,
    })
}

fn one(tx: &Transaction<'_>, office_id: i64, id: i64) -> Result<Option<CorrectiveAction>, StoreError> {
    Ok(tx
        .query_row(
            &format!("SELECT {COLUMNS} FROM corrective_actions WHERE office_id = ?1 AND id = ?2"),
            params![office_id, id],
            row,
        )
        .optional()?)
}

/// What changed between two versions of an action, for the audit log ("status: w toku → wykonane").
fn changes(before: &ActionInput, after: &ActionInput) -> String {
    let mut out = Vec::new();
    if before.what != after.what {
        out.push(format!("co: „{}” → „{}”", before.what, after.what));
    }
    if before.responsible != after.responsible {
        out.push(format!("odpowiada: {} → {}", before.responsible, after.responsible));
    }
    if before.deadline != after.deadline {
        out.push(format!("termin: {} → {}", before.deadline, after.deadline));
    }
    if before.status != after.status {
        out.push(format!("status: {} → {}", before.status.label_pl(), after.status.label_pl()));
    }
    if before.notes != after.notes {
        out.push(format!("uwagi: „{}” → „{}”", before.notes, after.notes));
    }
    if out.is_empty() { "bez zmian".to_owned() } else { out.join("; ") }
}

impl Store {
    /// Records an action decided from archived report `report_id`; its id, or `None` when the office
    /// has no such report. `today` is the office's local day (the day it is closed, if recorded closed).
    pub fn add_action(
        &self,
        office_id: i64,
        report_id: i64,
        actor: &str,
        action: &ActionInput,
        today: NaiveDate,
    ) -> Result<Option<i64>, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let exists: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM reports WHERE office_id = ?1 AND id = ?2)",
            params![office_id, report_id],
            |r| r.get(0),
        )?;
        if !exists {
            return Ok(None);
        }
        let now = now_text();
        let closed_on = action.status.is_closed().then(|| today.to_string());
        tx.execute(
            "INSERT INTO corrective_actions
                 (office_id, report_id, what, responsible, deadline, status, notes, created_at, updated_at, closed_on)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9)",
            params![
                office_id,
                report_id,
                action.what,
                action.responsible,
                action.deadline.to_string(),
                action.status.as_str(),
                action.notes,
                now,
                closed_on
            ],
        )?;
        let id = tx.last_insert_rowid();
        super::audit::record(
            &tx,
            Some(office_id),
            actor,
            "dodanie działania naprawczego",
            &format!(
                "działanie nr {id} (raport nr {report_id}): „{}”; odpowiada: {}; termin: {}; status: {}",
                action.what,
                action.responsible,
                action.deadline,
                action.status.label_pl()
            ),
        )?;
        tx.commit()?;
        Ok(Some(id))
    }

    /// Changes action `id`; `false` when the office has no such action. A change to done or dropped
    /// records `today` as the day it closed; reopening clears it.
    pub fn update_action(
        &self,
        office_id: i64,
        id: i64,
        actor: &str,
        action: &ActionInput,
        today: NaiveDate,
    ) -> Result<bool, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let Some(before) = one(&tx, office_id, id)? else {
            return Ok(false);
        };
        let closed_on = match (before.input.status.is_closed(), action.status.is_closed()) {
            (_, false) => None,
            (true, true) => before.closed_on,
            (false, true) => Some(today),
        };
        tx.execute(
            "UPDATE corrective_actions SET what = ?3, responsible = ?4, deadline = ?5, status = ?6, notes = ?7,
                 updated_at = ?8, closed_on = ?9
             WHERE office_id = ?1 AND id = ?2",
            params![
                office_id,
                id,
                action.what,
                action.responsible,
                action.deadline.to_string(),
                action.status.as_str(),
                action.notes,
                now_text(),
                closed_on.map(|d| d.to_string())
            ],
        )?;
        super::audit::record(
            &tx,
            Some(office_id),
            actor,
            "zmiana działania naprawczego",
            &format!("działanie nr {id} (raport nr {}): {}", before.report_id, changes(&before.input, action)),
        )?;
        tx.commit()?;
        Ok(true)
    }

    /// One action of the office.
    pub fn action(&self, office_id: i64, id: i64) -> Result<Option<CorrectiveAction>, StoreError> {
        Ok(self
            .conn()
            .query_row(
                &format!("SELECT {COLUMNS} FROM corrective_actions WHERE office_id = ?1 AND id = ?2"),
                params![office_id, id],
                row,
            )
            .optional()?)
    }

    /// The actions decided from archived report `report_id`, by deadline.
    pub fn report_actions(&self, office_id: i64, report_id: i64) -> Result<Vec<CorrectiveAction>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!(
            "SELECT {COLUMNS} FROM corrective_actions WHERE office_id = ?1 AND report_id = ?2 ORDER BY deadline, id"
        ))?;
        let rows = stmt.query_map(params![office_id, report_id], row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Open actions whose deadline is before `today` (the office's local day), earliest deadline first.
    pub fn overdue_actions(&self, office_id: i64, today: NaiveDate) -> Result<Vec<CorrectiveAction>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!(
            "SELECT {COLUMNS} FROM corrective_actions
             WHERE office_id = ?1 AND status IN ('planned', 'in_progress') AND deadline < ?2
             ORDER BY deadline, id"
        ))?;
        let rows = stmt.query_map(params![office_id, today.to_string()], row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The actions a report of `from`..=`to` accounts for: those decided from reports of earlier periods
    /// (ending before `to`) that were still open when the period began, closed or not since. An action
    /// closed before the period began was accounted for by an earlier report; a report of the same
    /// period as the one an action was decided from is that report again, not the next one.
    pub fn actions_for_period(
        &self,
        office_id: i64,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<CorrectiveAction>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!(
            "SELECT {} FROM corrective_actions a JOIN reports r ON r.id = a.report_id
             WHERE a.office_id = ?1 AND substr(r.period_to, 1, 10) < ?3 AND (a.closed_on IS NULL OR a.closed_on >= ?2)
             ORDER BY a.report_id, a.deadline, a.id",
            COLUMNS.split(", ").map(|c| format!("a.{c}")).collect::<Vec<_>>().join(", ")
        ))?;
        let rows = stmt.query_map(params![office_id, from.to_string(), to.to_string()], row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_and_only_done_or_dropped_are_closed() {
        for s in ActionStatus::ALL {
            assert_eq!(ActionStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(ActionStatus::parse("zrobione"), None);
        assert!(ActionStatus::Done.is_closed() && ActionStatus::Dropped.is_closed());
        assert!(!ActionStatus::Planned.is_closed() && !ActionStatus::InProgress.is_closed());
    }

    #[test]
    fn a_change_names_each_field_changed() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 5, d).unwrap();
        let before = ActionInput {
            what: "Tablica".into(),
            responsible: "Sekretarz".into(),
            deadline: day(1),
            status: ActionStatus::Planned,
            notes: String::new(),
        };
        assert_eq!(changes(&before, &before), "bez zmian");
        let after = ActionInput { deadline: day(15), status: ActionStatus::Done, ..before.clone() };
        assert_eq!(changes(&before, &after), "termin: 2026-05-01 → 2026-05-15; status: zaplanowane → wykonane");
    }
}
