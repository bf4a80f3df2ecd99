//! Alerts, their recipients and the outbox of mails (migration 0013). An alert and the mails it causes
//! are written in one transaction, and an occurrence (its `dedupe_key`) is raised once. The worker in
//! `crate::alerts` decides what to raise and sends what the outbox holds; this module only stores.

use rusqlite::{OptionalExtension, Transaction, params};

use super::{Store, StoreError, audit, now_text, on_unique_violation};

/// The kinds of alert, as stored.
pub const KINDS: [&str; 6] =
    ["negative_spike", "silent_kiosk", "report_due", "action_overdue", "disk_low", "backup_missing"];

/// An alert to raise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAlert {
    /// `None` for the server's own alerts (disk, backup).
    pub office_id: Option<i64>,
    pub kind: &'static str,
    /// Names the occurrence: the same key is never raised twice.
    pub dedupe_key: String,
    pub title: String,
    pub details: String,
}

/// A mail as written to the outbox: Polish subject, plain text and HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// An alert as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    pub id: i64,
    pub office_id: Option<i64>,
    pub kind: String,
    pub dedupe_key: String,
    pub raised_at: String,
    pub title: String,
    pub details: String,
    pub state: AlertState,
    pub acknowledged_at: Option<String>,
    pub acknowledged_by: Option<String>,
    pub comment: String,
    pub resolved_at: Option<String>,
    pub resolved_by: Option<String>,
}

/// Where an alert stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlertState {
    New,
    Acknowledged,
    Resolved,
}

impl AlertState {
    pub fn as_str(self) -> &'static str {
        match self {
            AlertState::New => "new",
            AlertState::Acknowledged => "acknowledged",
            AlertState::Resolved => "resolved",
        }
    }

    pub fn parse(s: &str) -> Option<AlertState> {
        [AlertState::New, AlertState::Acknowledged, AlertState::Resolved].into_iter().find(|k| k.as_str() == s)
    }

    /// The state in the panel's words.
    pub fn label(self) -> &'static str {
        match self {
            AlertState::New => "nowy",
            AlertState::Acknowledged => "przyjęty do wiadomości",
            AlertState::Resolved => "rozwiązany",
        }
    }
}

/// A mail of the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMail {
    pub id: i64,
    pub office_id: Option<i64>,
    pub kind: String,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub message_id: String,
    pub created_at: String,
    pub attempts: i64,
    pub next_attempt_at: String,
    pub last_error: Option<String>,
    pub sent_at: Option<String>,
    pub failed_at: Option<String>,
}

/// The figures of a weekly summary.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WeekFigures {
    /// Overall-rating answers per channel (as stored: `web`, `paper`…).
    pub by_channel: Vec<(String, u64)>,
    /// How many overall ratings of 1, 2, 3, 4 and 5.
    pub ratings: [u64; 5],
    /// Comments written (their count only: their text stays in the panel).
    pub comments: u64,
    /// Alerts raised, by title, with how many.
    pub alerts: Vec<(String, u64)>,
}

/// A recipient of an office's (or, with no office, the server's) alerts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub id: i64,
    pub office_id: Option<i64>,
    /// The account whose own subscription this is; `None` for an address the office added.
    pub admin_id: Option<i64>,
    pub email: String,
    pub alerts: bool,
    pub weekly: bool,
}

const ALERT_COLUMNS: &str = "id, office_id, kind, dedupe_key, raised_at, title, details, state, acknowledged_at, \
     acknowledged_by, comment, resolved_at, resolved_by";

fn alert_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Alert> {
    let state: String = r.get(7)?;
    Ok(Alert {
        id: r.get(0)?,
        office_id: r.get(1)?,
        kind: r.get(2)?,
        dedupe_key: r.get(3)?,
        raised_at: r.get(4)?,
        title: r.get(5)?,
        details: r.get(6)?,
        state: AlertState::parse(&state).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(7, rusqlite::types::Type::Text, state.clone().into())
        })?,
        acknowledged_at: r.get(8)?,
        acknowledged_by: r.get(9)?,
        comment: r.get(10)?,
        resolved_at: r.get(11)?,
        resolved_by: r.get(12)?,
    })
}

const OUTBOX_COLUMNS: &str = "id, office_id, kind, recipient, subject, body_text, body_html, message_id, created_at, \
     attempts, next_attempt_at, last_error, sent_at, failed_at";

fn outbox_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<OutboxMail> {
    Ok(OutboxMail {
        id: r.get(0)?,
        office_id: r.get(1)?,
        kind: r.get(2)?,
        recipient: r.get(3)?,
        subject: r.get(4)?,
        body_text: r.get(5)?,
        body_html: r.get(6)?,
        message_id: r.get(7)?,
        created_at: r.get(8)?,
        attempts: r.get(9)?,
        next_attempt_at: r.get(10)?,
        last_error: r.get(11)?,
        sent_at: r.get(12)?,
        failed_at: r.get(13)?,
    })
}

fn recipient_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Recipient> {
    Ok(Recipient {
        id: r.get(0)?,
        office_id: r.get(1)?,
        admin_id: r.get(2)?,
        email: r.get(3)?,
        alerts: r.get(4)?,
        weekly: r.get(5)?,
    })
}

/// Writes one mail into the outbox inside the caller's transaction. Its Message-ID is fixed here, so a
/// mail sent again (see `crate::alerts::worker`) carries the same one and mail programs can tell.
fn enqueue(
    tx: &Transaction<'_>,
    office_id: Option<i64>,
    alert_id: Option<i64>,
    kind: &str,
    recipient: &str,
    mail: &Mail,
    now: &str,
) -> Result<i64, StoreError> {
    let message_id = format!("<{}@ocen-urzad>", uuid::Uuid::now_v7());
    tx.execute(
        "INSERT INTO outbox (office_id, alert_id, kind, recipient, subject, body_text, body_html, message_id, created_at, next_attempt_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
        params![office_id, alert_id, kind, recipient, mail.subject, mail.text, mail.html, message_id, now],
    )?;
    Ok(tx.last_insert_rowid())
}

/// The addresses that get alert mails of `office_id` (`None`: the server's), each once.
fn alert_addresses(tx: &Transaction<'_>, office_id: Option<i64>) -> Result<Vec<String>, StoreError> {
    let mut stmt = tx.prepare(
        "SELECT email FROM alert_recipients WHERE ifnull(office_id, 0) = ifnull(?1, 0) AND alerts = 1 ORDER BY id",
    )?;
    let rows = stmt.query_map(params![office_id], |r| r.get::<_, String>(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

impl Store {
    /// Raises an alert unless its occurrence was raised before, and in the same transaction writes its
    /// mail to the office's recipients (for the server's alerts: its recipients and `extra_to`, the
    /// operator's addresses from the settings file). Returns the new alert's id, `None` when the
    /// occurrence was already raised. `now` is the worker's clock.
    pub fn raise_alert(
        &self,
        alert: &NewAlert,
        mail: &Mail,
        extra_to: &[String],
        now: &str,
    ) -> Result<Option<i64>, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let inserted = tx.execute(
            "INSERT INTO alerts (office_id, kind, dedupe_key, raised_at, title, details) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (dedupe_key) DO NOTHING",
            params![alert.office_id, alert.kind, alert.dedupe_key, now, alert.title, alert.details],
        )?;
        if inserted == 0 {
            return Ok(None);
        }
        let id = tx.last_insert_rowid();
        let mut to = alert_addresses(&tx, alert.office_id)?;
        for extra in extra_to {
            if !to.iter().any(|a| a.eq_ignore_ascii_case(extra)) {
                to.push(extra.clone());
            }
        }
        for address in &to {
            enqueue(&tx, alert.office_id, Some(id), "alert", address, mail, now)?;
        }
        audit::record(
            &tx,
            alert.office_id,
            "system",
            "alert zgłoszony",
            &format!("{} (nr {id}; powiadomień e-mail: {})", alert.title, to.len()),
        )?;
        tx.commit()?;
        Ok(Some(id))
    }

    /// Resolves, as the system, the open alerts of `kinds` for `office_id` whose occurrence is no longer
    /// among `still_firing` (the kiosk is heard again, the disk has room): the condition has ended.
    /// Returns how many were resolved.
    pub fn resolve_ended_alerts(
        &self,
        office_id: Option<i64>,
        kinds: &[&str],
        still_firing: &[String],
        now: &str,
    ) -> Result<usize, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let open: Vec<(i64, String, String, String)> = {
            let mut stmt = tx.prepare(
                "SELECT id, kind, dedupe_key, title FROM alerts WHERE ifnull(office_id, 0) = ifnull(?1, 0) AND state <> 'resolved'",
            )?;
            let rows = stmt.query_map(params![office_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
            rows.collect::<Result<_, _>>()?
        };
        let mut resolved = 0;
        for (id, kind, key, title) in open {
            if !kinds.contains(&kind.as_str()) || still_firing.contains(&key) {
                continue;
            }
            tx.execute(
                "UPDATE alerts SET state = 'resolved', resolved_at = ?2, resolved_by = 'system' WHERE id = ?1",
                params![id, now],
            )?;
            audit::record(&tx, office_id, "system", "alert rozwiązany", &format!("{title} (nr {id}): warunek ustał"))?;
            resolved += 1;
        }
        tx.commit()?;
        Ok(resolved)
    }

    /// An office's alerts (`None`: the server's), newest first; resolved ones only with `with_resolved`.
    pub fn alerts(&self, office_id: Option<i64>, with_resolved: bool, limit: u32) -> Result<Vec<Alert>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!(
            "SELECT {ALERT_COLUMNS} FROM alerts WHERE ifnull(office_id, 0) = ifnull(?1, 0) AND (?2 OR state <> 'resolved')
             ORDER BY id DESC LIMIT ?3"
        ))?;
        let rows = stmt.query_map(params![office_id, with_resolved, limit], alert_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// How many alerts wait for someone (state new): the badge on every panel page.
    pub fn new_alert_count(&self, office_id: Option<i64>) -> Result<u64, StoreError> {
        Ok(self.reader()?.query_row(
            "SELECT count(*) FROM alerts WHERE ifnull(office_id, 0) = ifnull(?1, 0) AND state = 'new'",
            params![office_id],
            |r| r.get(0),
        )?)
    }

    /// Sets an alert's state (acknowledged with a comment, or resolved) by a person, recorded in the audit
    /// log. `false` when the office has no such alert.
    pub fn change_alert(
        &self,
        office_id: Option<i64>,
        id: i64,
        actor: &str,
        state: AlertState,
        comment: &str,
    ) -> Result<bool, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let title: Option<String> = tx
            .query_row(
                "SELECT title FROM alerts WHERE id = ?1 AND ifnull(office_id, 0) = ifnull(?2, 0)",
                params![id, office_id],
                |r| r.get(0),
            )
            .optional()?;
        let Some(title) = title else { return Ok(false) };
        let now = now_text();
        match state {
            AlertState::Acknowledged => tx.execute(
                "UPDATE alerts SET state = 'acknowledged', acknowledged_at = ?2, acknowledged_by = ?3, comment = ?4,
                 resolved_at = NULL, resolved_by = NULL WHERE id = ?1",
                params![id, now, actor, comment],
            )?,
            AlertState::Resolved => tx.execute(
                "UPDATE alerts SET state = 'resolved', resolved_at = ?2, resolved_by = ?3,
                 comment = CASE WHEN ?4 = '' THEN comment ELSE ?4 END WHERE id = ?1",
                params![id, now, actor, comment],
            )?,
            AlertState::New => tx.execute(
                "UPDATE alerts SET state = 'new', resolved_at = NULL, resolved_by = NULL WHERE id = ?1",
                params![id],
            )?,
        };
        let details = if comment.is_empty() {
            format!("{title} (nr {id}) → {}", state.label())
        } else {
            format!("{title} (nr {id}) → {}: „{comment}”", state.label())
        };
        audit::record(&tx, office_id, actor, "zmiana stanu alertu", &details)?;
        tx.commit()?;
        Ok(true)
    }

    /// Writes a mail not caused by an alert (the test mail, a weekly summary) to the outbox.
    pub fn enqueue_mail(
        &self,
        office_id: Option<i64>,
        kind: &str,
        recipient: &str,
        mail: &Mail,
        now: &str,
    ) -> Result<i64, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let id = enqueue(&tx, office_id, None, kind, recipient, mail, now)?;
        tx.commit()?;
        Ok(id)
    }

    /// Writes an office's weekly summary to each of its recipients, once per `week` (e.g. `2026-W49`):
    /// the mark and the mails in one transaction, so a restart neither loses nor repeats it. Returns how
    /// many mails were written (0 when the week's summary was written before).
    pub fn enqueue_weekly(&self, office_id: i64, week: &str, mail: &Mail, now: &str) -> Result<usize, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let marked = tx.execute(
            "INSERT INTO server_facts (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO NOTHING",
            params![format!("weekly:{office_id}:{week}"), now],
        )?;
        if marked == 0 {
            return Ok(0);
        }
        let to = alert_addresses(&tx, Some(office_id))?;
        for address in &to {
            enqueue(&tx, Some(office_id), None, "weekly", address, mail, now)?;
        }
        tx.commit()?;
        Ok(to.len())
    }

    /// The figures of an office's weekly summary over local days `[from_day, to_day]` and instants
    /// `[from, to)`: overall ratings per channel and per value (from the report counts), comments, and
    /// the alerts raised.
    pub fn week_figures(
        &self,
        office_id: i64,
        question: &str,
        days: (&str, &str),
        span: (&str, &str),
    ) -> Result<WeekFigures, StoreError> {
        let conn = self.reader()?;
        let mut by_channel = Vec::new();
        let mut stmt = conn.prepare(
            "SELECT channel, sum(n) FROM tally WHERE office_id = ?1 AND scope = '*' AND question_key = ?2
             AND day BETWEEN ?3 AND ?4 GROUP BY channel ORDER BY channel",
        )?;
        for row in stmt.query_map(params![office_id, question, days.0, days.1], |r| Ok((r.get(0)?, r.get(1)?)))? {
            by_channel.push(row?);
        }
        let mut ratings = [0u64; 5];
        let mut stmt = conn.prepare(
            "SELECT value, sum(n) FROM tally WHERE office_id = ?1 AND scope = '*' AND question_key = ?2
             AND day BETWEEN ?3 AND ?4 AND value IN ('1', '2', '3', '4', '5') GROUP BY value",
        )?;
        for row in stmt.query_map(params![office_id, question, days.0, days.1], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, u64>(1)?))
        })? {
            let (value, n) = row?;
            if let Some(slot) = value.parse::<usize>().ok().and_then(|v| ratings.get_mut(v.wrapping_sub(1))) {
                *slot = n;
            }
        }
        let comments = conn.query_row(
            "SELECT count(*) FROM answers a JOIN responses r ON r.id = a.response_id
             WHERE r.office_id = ?1 AND r.withdrawn_at IS NULL AND a.text IS NOT NULL AND a.text <> ''
               AND r.captured_at >= ?2 AND r.captured_at < ?3",
            params![office_id, span.0, span.1],
            |r| r.get(0),
        )?;
        let mut alerts = Vec::new();
        let mut stmt = conn.prepare(
            "SELECT title, count(*) FROM alerts WHERE office_id = ?1 AND raised_at >= ?2 AND raised_at < ?3
             GROUP BY title ORDER BY min(id)",
        )?;
        for row in stmt.query_map(params![office_id, span.0, span.1], |r| Ok((r.get(0)?, r.get(1)?)))? {
            alerts.push(row?);
        }
        Ok(WeekFigures { by_channel, ratings, comments, alerts })
    }

    /// Mails due for sending at `now` (not sent, not given up, their wait over), oldest first.
    pub fn due_mails(&self, now: &str, limit: u32) -> Result<Vec<OutboxMail>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!(
            "SELECT {OUTBOX_COLUMNS} FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ?1
             ORDER BY id LIMIT ?2"
        ))?;
        let rows = stmt.query_map(params![now, limit], outbox_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Marks a mail sent: called once the SMTP server has accepted it.
    pub fn mark_mail_sent(&self, id: i64, now: &str) -> Result<(), StoreError> {
        self.conn().execute(
            "UPDATE outbox SET sent_at = ?2, attempts = attempts + 1, last_error = NULL WHERE id = ?1",
            params![id, now],
        )?;
        Ok(())
    }

    /// Records a failed attempt with its reason: tried again at `next_attempt_at`, or given up.
    pub fn mark_mail_failed(
        &self,
        id: i64,
        error: &str,
        next_attempt_at: &str,
        give_up: bool,
        now: &str,
    ) -> Result<(), StoreError> {
        self.conn().execute(
            "UPDATE outbox SET attempts = attempts + 1, last_error = ?2, next_attempt_at = ?3,
             failed_at = CASE WHEN ?4 THEN ?5 ELSE NULL END WHERE id = ?1",
            params![id, error, next_attempt_at, give_up, now],
        )?;
        Ok(())
    }

    /// An office's (`None`: the server's) mails not sent yet or given up, newest first: what the panel
    /// shows as failed or waiting, with the reason.
    pub fn unsent_mails(&self, office_id: Option<i64>, limit: u32) -> Result<Vec<OutboxMail>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!(
            "SELECT {OUTBOX_COLUMNS} FROM outbox WHERE ifnull(office_id, 0) = ifnull(?1, 0) AND sent_at IS NULL
             ORDER BY id DESC LIMIT ?2"
        ))?;
        let rows = stmt.query_map(params![office_id, limit], outbox_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every mail of the outbox (tests and the operator's view), oldest first.
    pub fn outbox(&self, limit: u32) -> Result<Vec<OutboxMail>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!("SELECT {OUTBOX_COLUMNS} FROM outbox ORDER BY id LIMIT ?1"))?;
        let rows = stmt.query_map(params![limit], outbox_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The recipients of an office's (`None`: the server's) alerts.
    pub fn alert_recipients(&self, office_id: Option<i64>) -> Result<Vec<Recipient>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT id, office_id, admin_id, email, alerts, weekly FROM alert_recipients
             WHERE ifnull(office_id, 0) = ifnull(?1, 0) ORDER BY id",
        )?;
        let rows = stmt.query_map(params![office_id], recipient_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Adds an address to an office's recipients (`admin_id` for an account's own subscription).
    pub fn add_alert_recipient(
        &self,
        office_id: Option<i64>,
        admin_id: Option<i64>,
        email: &str,
        weekly: bool,
        actor: &str,
    ) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute(
            "INSERT INTO alert_recipients (office_id, admin_id, email, weekly, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![office_id, admin_id, email, weekly, now_text()],
        )
        .map_err(|e| on_unique_violation(e, || StoreError::DuplicateRecipient(email.to_owned())))?;
        let what = if weekly { " (z podsumowaniem tygodniowym)" } else { "" };
        audit::record(&tx, office_id, actor, "odbiorca alertów dodany", &format!("{email}{what}"))?;
        tx.commit()?;
        Ok(())
    }

    /// Removes a recipient of the office; `false` when it has no such recipient. With `admin_id`, only
    /// that account's own subscription may be removed.
    pub fn remove_alert_recipient(
        &self,
        office_id: Option<i64>,
        id: i64,
        admin_id: Option<i64>,
        actor: &str,
    ) -> Result<bool, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let email: Option<String> = tx
            .query_row(
                "SELECT email FROM alert_recipients WHERE id = ?1 AND ifnull(office_id, 0) = ifnull(?2, 0)
                 AND (?3 IS NULL OR admin_id = ?3)",
                params![id, office_id, admin_id],
                |r| r.get(0),
            )
            .optional()?;
        let Some(email) = email else { return Ok(false) };
        tx.execute("DELETE FROM alert_recipients WHERE id = ?1", params![id])?;
        audit::record(&tx, office_id, actor, "odbiorca alertów usunięty", &email)?;
        tx.commit()?;
        Ok(true)
    }

    /// An office's alert settings as stored (JSON), if it has saved any.
    pub fn alert_settings_json(&self, office_id: i64) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn()
            .query_row("SELECT settings FROM alert_settings WHERE office_id = ?1", params![office_id], |r| r.get(0))
            .optional()?)
    }

    /// Saves an office's alert settings (JSON), with `summary` (what changed) in the audit log.
    pub fn save_alert_settings_json(
        &self,
        office_id: i64,
        json: &str,
        actor: &str,
        summary: &str,
    ) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute(
            "INSERT INTO alert_settings (office_id, settings, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (office_id) DO UPDATE SET settings = ?2, updated_at = ?3, updated_by = ?4",
            params![office_id, json, now_text(), actor],
        )?;
        audit::record(&tx, Some(office_id), actor, "ustawienia alertów zmienione", summary)?;
        tx.commit()?;
        Ok(())
    }

    /// A fact the server keeps about itself (the last backup, the last tick of the alert worker).
    pub fn server_fact(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .reader()?
            .query_row("SELECT value FROM server_facts WHERE key = ?1", params![key], |r| r.get(0))
            .optional()?)
    }

    /// Sets a fact the server keeps about itself.
    pub fn set_server_fact(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.conn().execute(
            "INSERT INTO server_facts (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = ?2",
            params![key, value],
        )?;
        Ok(())
    }

    /// Forgets a fact the server kept about itself.
    pub fn delete_server_fact(&self, key: &str) -> Result<(), StoreError> {
        self.conn().execute("DELETE FROM server_facts WHERE key = ?1", params![key])?;
        Ok(())
    }

    /// The overall-rating answers of an office captured in `[from, to)` (UTC RFC 3339), not withdrawn:
    /// how many, and how many were one of the two lowest ratings (1 or 2).
    pub fn rating_window(
        &self,
        office_id: i64,
        question: &str,
        from: &str,
        to: &str,
    ) -> Result<(u64, u64), StoreError> {
        Ok(self.reader()?.query_row(
            "SELECT count(*), ifnull(sum(a.rating <= 2), 0) FROM responses r JOIN answers a ON a.response_id = r.id
             WHERE r.office_id = ?1 AND r.withdrawn_at IS NULL AND r.captured_at >= ?3 AND r.captured_at < ?4
               AND a.question_key = ?2 AND a.rating IS NOT NULL",
            params![office_id, question, from, to],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?)
    }

    /// The same counts over the report counts of whole local days `[from_day, to_day]` (`YYYY-MM-DD`):
    /// the baseline of 90 days read from `tally`, not from every answer.
    pub fn rating_days(
        &self,
        office_id: i64,
        question: &str,
        from_day: &str,
        to_day: &str,
    ) -> Result<(u64, u64), StoreError> {
        Ok(self.reader()?.query_row(
            "SELECT ifnull(sum(n), 0), ifnull(sum(CASE WHEN value IN ('1', '2') THEN n ELSE 0 END), 0) FROM tally
             WHERE office_id = ?1 AND scope = '*' AND question_key = ?2 AND day BETWEEN ?3 AND ?4
               AND value IN ('1', '2', '3', '4', '5')",
            params![office_id, question, from_day, to_day],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?)
    }

    /// The office's paired, not revoked kiosks and tablets. Lighter than `devices()`, which also counts
    /// each device's answers: the alert worker asks every minute.
    pub fn live_kiosks(&self, office_id: i64) -> Result<Vec<LiveDevice>, StoreError> {
        let conn = self.reader()?;
        let mut stmt = conn.prepare(
            "SELECT id, name, last_seen_at, kind = 'tablet' FROM devices
             WHERE office_id = ?1 AND paired_at IS NOT NULL AND revoked_at IS NULL ORDER BY name",
        )?;
        let rows = stmt.query_map(params![office_id], |r| {
            Ok(LiveDevice { id: r.get(0)?, name: r.get(1)?, last_seen_at: r.get(2)?, tablet: r.get(3)? })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// When the office last archived a report of a period (its `created_at`), if ever.
    pub fn last_period_report(&self, office_id: i64) -> Result<Option<String>, StoreError> {
        Ok(self.reader()?.query_row(
            "SELECT max(created_at) FROM reports WHERE office_id = ?1 AND period_from IS NOT NULL",
            params![office_id],
            |r| r.get(0),
        )?)
    }
}

/// A paired, not revoked device as the alert worker watches it.
#[derive(Debug, Clone)]
pub struct LiveDevice {
    pub id: i64,
    pub name: String,
    /// The last contact, RFC 3339 UTC; `None` before the first.
    pub last_seen_at: Option<String>,
    /// The tablet's web app rather than the kiosk program.
    pub tablet: bool,
}
