//! Alerts: a background worker looks, on a schedule, for what an office should hear about — a negative
//! spike, a silent kiosk, a yearly report or corrective action due — and for the server's own troubles (low
//! disk, no recent backup); raises each occurrence once, with its mails in the same transaction; and sends
//! the outbox. Nothing here runs in the intake of answers.
//!
//! [`evaluate`] takes the time as an argument (tests choose it); [`spawn`] runs it with the clock.
//!
//! Delivery: a mail is marked sent only after the SMTP server accepted it. Should the process stop
//! between that acceptance and the mark (a crash, a power cut in that instant), the mail is sent again
//! after the restart, with the same Message-ID: at-least-once at that single point, exactly once
//! everywhere else.

pub mod mail;
pub mod rules;
pub mod settings;

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::config::{AlertServerSettings, MailSettings};
use crate::local_time;
use crate::store::{LAST_BACKUP_FACT, Mail, NewAlert, Office, Store, StoreError};

use rules::Counts;
pub use settings::OfficeAlertSettings;

/// After this many failed attempts a mail is given up (and shown as failed in the panel).
pub const MAX_ATTEMPTS: i64 = 12;
/// The longest wait between two attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(24 * 3600);
/// The server fact holding when the worker last finished a pass (the operator's page shows it).
pub const LAST_TICK_FACT: &str = "alerts_last_tick";
/// The server fact holding when the worker first looked for alerts (the start of "no backup yet").
const WATCHING_SINCE_FACT: &str = "alerts_since";
/// The server fact holding since when free disk space has been low (one alert per such stretch).
const DISK_LOW_SINCE_FACT: &str = "disk_low_since";

/// What the worker needs besides the store.
#[derive(Debug, Clone)]
pub struct Context {
    pub data_dir: std::path::PathBuf,
    pub server: AlertServerSettings,
    pub mail: Option<MailSettings>,
}

fn text(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn parse_time(stored: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(stored).ok().map(|t| t.with_timezone(&Utc))
}

fn percent(share: f64) -> String {
    format!("{:.0} %", share * 100.0)
}

impl Store {
    /// An office's alert settings, the defaults when it has saved none (or they no longer read).
    pub fn office_alert_settings(&self, office_id: i64) -> Result<OfficeAlertSettings, StoreError> {
        Ok(self.alert_settings_json(office_id)?.and_then(|json| serde_json::from_str(&json).ok()).unwrap_or_default())
    }
}

/// One pass over every office and the server at `now`; returns how many alerts were raised.
pub fn evaluate(store: &Store, ctx: &Context, now: DateTime<Utc>) -> Result<usize, StoreError> {
    let mut raised = 0;
    for office in store.offices()? {
        let settings = store.office_alert_settings(office.id)?;
        raised += evaluate_office(store, &office, &settings, now)?;
    }
    raised += evaluate_server(store, ctx, now)?;
    Ok(raised)
}

/// Raises `alert` with its mail to the office's recipients (no extra addresses).
fn raise(
    store: &Store,
    office: &Office,
    alert: NewAlert,
    paragraphs: Vec<String>,
    now: &str,
) -> Result<usize, StoreError> {
    let mail = mail::compose(&office.name, &alert.title, &paragraphs, mail::ALERT_FOOTER);
    Ok(usize::from(store.raise_alert(&alert, &mail, &[], now)?.is_some()))
}

fn evaluate_office(
    store: &Store,
    office: &Office,
    settings: &OfficeAlertSettings,
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    let now_text = text(now);
    let today = local_time::local(now).date();
    let mut raised = 0;

    if settings.spike_enabled {
        let question = store.current_questionnaire(&office.slug)?.overall_question.to_string();
        let (from, base_from, base_to) = rules::spike_periods(now, settings.spike_window_hours);
        let (answers, low) = store.rating_window(office.id, &question, &text(from), &now_text)?;
        let (base_answers, base_low) =
            store.rating_days(office.id, &question, &base_from.to_string(), &base_to.to_string())?;
        let window = Counts { answers, low };
        if let Some(spike) = rules::negative_spike(window, Counts { answers: base_answers, low: base_low }, settings) {
            let baseline = if spike.own_baseline {
                format!("poziom odniesienia tego urzędu z ostatnich 90 dni: {}", percent(spike.baseline))
            } else {
                format!(
                    "urząd ma za mało odpowiedzi z ostatnich 90 dni, przyjęto poziom odniesienia {}",
                    percent(spike.baseline)
                )
            };
            let details = format!(
                "W ciągu ostatnich {} godz. {} z {} ocen ogólnych to oceny 1 lub 2 ({}); {baseline}.",
                settings.spike_window_hours,
                low,
                answers,
                percent(spike.share)
            );
            let mut paragraphs = vec![details.clone()];
            if settings.include_comments {
                let comments: Vec<String> = store
                    .comments(office.id, 20)?
                    .into_iter()
                    .filter(|c| c.captured_at >= text(from))
                    .take(5)
                    .map(|c| format!("„{}”", c.text))
                    .collect();
                if !comments.is_empty() {
                    paragraphs.push(format!("Uwagi z tego czasu:\n{}", comments.join("\n")));
                }
            }
            let alert = NewAlert {
                office_id: Some(office.id),
                kind: "negative_spike",
                // At most one a day: a bad day is one occurrence.
                dedupe_key: format!("negative_spike:{}:{today}", office.id),
                title: "Nagły wzrost niskich ocen".into(),
                details,
            };
            raised += raise(store, office, alert, paragraphs, &now_text)?;
        }
    }

    if settings.weekly_summary {
        weekly_summary(store, office, now)?;
    }

    // Kiosks: the occurrence is a silence since one last contact; heard again, it ends.
    let mut kiosk_keys = Vec::new();
    if settings.silent_enabled {
        let hours = settings.hours();
        for device in store.live_kiosks(office.id)? {
            let (device_id, name, last_seen_at) = (device.id, device.name, device.last_seen_at);
            let what = if device.tablet { "Tablet" } else { "Kiosk" };
            let key = format!("silent_kiosk:{device_id}:{}", last_seen_at.as_deref().unwrap_or("nigdy"));
            kiosk_keys.push(key.clone());
            let last_seen = last_seen_at.as_deref().and_then(parse_time);
            let Some(silent) = rules::silent_for(now, last_seen, &hours) else { continue };
            if silent.num_minutes() < i64::from(settings.silent_minutes) {
                continue;
            }
            let seen = last_seen_at.as_deref().map_or("nigdy".to_owned(), local_time::human_text);
            let details = format!(
                "{what} „{name}” nie łączy się z serwerem od {} min w godzinach otwarcia (ostatni kontakt: {seen}). Sprawdź zasilanie i sieć.",
                silent.num_minutes()
            );
            let alert = NewAlert {
                office_id: Some(office.id),
                kind: "silent_kiosk",
                dedupe_key: key,
                title: format!("{what} „{name}” milczy"),
                details: details.clone(),
            };
            raised += raise(store, office, alert, vec![details], &now_text)?;
        }
    }

    let mut report_keys = Vec::new();
    if settings.report_due_enabled {
        let last = store.last_period_report(office.id)?;
        let since = last.as_deref().or(Some(office.created_at.as_str())).and_then(parse_time).unwrap_or(now);
        let due = rules::report_due(since);
        let key = format!("report_due:{}:{due}", office.id);
        report_keys.push(key.clone());
        if rules::report_due_soon(due, today) {
            let overdue = due < today;
            let details = if overdue {
                format!(
                    "Raport roczny z badania satysfakcji był wymagany do {} i nie został zarchiwizowany.",
                    local_time::date_pl(due)
                )
            } else {
                format!(
                    "Raport roczny z badania satysfakcji trzeba przygotować do {} (co najmniej raz w roku). Raport archiwizuje się na stronie „Raporty”.",
                    local_time::date_pl(due)
                )
            };
            let alert = NewAlert {
                office_id: Some(office.id),
                kind: "report_due",
                dedupe_key: key,
                title: if overdue {
                    "Raport roczny po terminie".into()
                } else {
                    "Zbliża się termin raportu rocznego".into()
                },
                details: details.clone(),
            };
            raised += raise(store, office, alert, vec![details], &now_text)?;
        }
    }

    let mut action_keys = Vec::new();
    if settings.actions_enabled {
        for action in store.overdue_actions(office.id, today)? {
            let key = format!("action_overdue:{}:{}", action.id, action.input.deadline);
            action_keys.push(key.clone());
            let details = format!(
                "Działanie „{}” (odpowiada: {}) miało termin {} i nie jest zakończone.",
                action.input.what,
                action.input.responsible,
                local_time::date_pl(action.input.deadline)
            );
            let alert = NewAlert {
                office_id: Some(office.id),
                kind: "action_overdue",
                dedupe_key: key,
                title: "Działanie naprawcze po terminie".into(),
                details: details.clone(),
            };
            raised += raise(store, office, alert, vec![details], &now_text)?;
        }
    }

    // Alerts whose occurrence has ended (the kiosk is heard again, the report archived, the action closed)
    // are resolved by the system; a negative spike stays until a person resolves it.
    let mut firing = kiosk_keys;
    firing.extend(report_keys);
    firing.extend(action_keys);
    let mut kinds = vec![];
    if settings.silent_enabled {
        kinds.push("silent_kiosk");
    }
    if settings.report_due_enabled {
        kinds.push("report_due");
    }
    if settings.actions_enabled {
        kinds.push("action_overdue");
    }
    store.resolve_ended_alerts(Some(office.id), &kinds, &firing, &now_text)?;
    Ok(raised)
}

/// From Monday 7:00 (local) on, the summary of the week before, once per week (`enqueue_weekly` marks it
/// in the transaction of its mails): answers by channel, the overall mean and share satisfied, the number
/// of new comments (never their text), the kiosks' state and the week's alerts.
fn weekly_summary(store: &Store, office: &Office, now: DateTime<Utc>) -> Result<usize, StoreError> {
    use chrono::{Datelike, Duration as Days};
    let local = local_time::local(now);
    let today = local.date();
    let monday = today - Days::days(i64::from(today.weekday().num_days_from_monday()));
    if local < monday.and_hms_opt(7, 0, 0).unwrap_or_default() {
        return Ok(0);
    }
    let (from, to) = (monday - Days::days(7), monday - Days::days(1));
    let iso = from.iso_week();
    let week = format!("{}-W{:02}", iso.year(), iso.week());
    if store.server_fact(&format!("weekly:{}:{week}", office.id))?.is_some() {
        return Ok(0);
    }
    let question = store.current_questionnaire(&office.slug)?.overall_question.to_string();
    let span = (text(local_time::day_start(from)), text(local_time::day_start(monday)));
    let f = store.week_figures(office.id, &question, (&from.to_string(), &to.to_string()), (&span.0, &span.1))?;
    let answers: u64 = f.by_channel.iter().map(|(_, n)| n).sum();
    let rated: u64 = f.ratings.iter().sum();
    let mut paragraphs =
        vec![format!("Podsumowanie tygodnia od {} do {}.", local_time::date_pl(from), local_time::date_pl(to))];
    let channels: Vec<String> = f
        .by_channel
        .iter()
        .map(|(c, n)| match survey::Channel::parse(c) {
            Some(channel) => format!("{}: {n}", channel.label_pl()),
            None => format!("{c}: {n}"),
        })
        .collect();
    paragraphs.push(if answers == 0 {
        "Odpowiedzi: brak.".to_owned()
    } else {
        format!("Odpowiedzi: {answers} ({}).", channels.join(", "))
    });
    if rated > 0 {
        let sum: u64 = f.ratings.iter().enumerate().map(|(i, n)| (i as u64 + 1) * n).sum();
        let mean = sum as f64 / rated as f64;
        let satisfied = (f.ratings[3] + f.ratings[4]) as f64 / rated as f64;
        // A Polish decimal comma.
        let mean = format!("{mean:.2}").replace('.', ",");
        paragraphs
            .push(format!("Ocena ogólna: średnia {mean} (w skali 1–5), zadowolonych (4–5): {}.", percent(satisfied)));
    }
    paragraphs.push(format!("Nowe uwagi mieszkańców: {} (treść – w panelu, strona „Uwagi”).", f.comments));
    let devices: Vec<String> = store
        .live_kiosks(office.id)?
        .into_iter()
        .map(|device| {
            let seen = device.last_seen_at.as_deref().map_or("nigdy".to_owned(), local_time::human_text);
            let what = if device.tablet { " (tablet)" } else { "" };
            format!("{}{what} – ostatni kontakt: {seen}", device.name)
        })
        .collect();
    if !devices.is_empty() {
        paragraphs.push(format!("Kioski i tablety:\n{}", devices.join("\n")));
    }
    paragraphs.push(if f.alerts.is_empty() {
        "Alerty: żadnych.".to_owned()
    } else {
        let list: Vec<String> = f.alerts.iter().map(|(t, n)| format!("{t} ({n})")).collect();
        format!("Alerty: {}.", list.join("; "))
    });
    let mail = mail::compose(&office.name, &format!("Podsumowanie tygodnia {week}"), &paragraphs, mail::ALERT_FOOTER);
    store.enqueue_weekly(office.id, &week, &mail, &text(now))
}

/// Free space in the file system of `dir`, in bytes.
pub fn free_disk_bytes(dir: &std::path::Path) -> std::io::Result<u64> {
    let stat = rustix::fs::statvfs(dir)?;
    Ok(stat.f_bavail.saturating_mul(stat.f_frsize))
}

fn evaluate_server(store: &Store, ctx: &Context, now: DateTime<Utc>) -> Result<usize, StoreError> {
    let now_text = text(now);
    let operator_to = ctx.mail.as_ref().map(|m| m.operator_to.clone()).unwrap_or_default();
    let server = |title: &str, details: String, kind: &'static str, key: String| {
        let alert =
            NewAlert { office_id: None, kind, dedupe_key: key, title: title.to_owned(), details: details.clone() };
        let mail = mail::compose("serwer", title, &[details], mail::ALERT_FOOTER);
        store.raise_alert(&alert, &mail, &operator_to, &now_text).map(|id| usize::from(id.is_some()))
    };
    let mut raised = 0;
    let mut firing = Vec::new();

    match free_disk_bytes(&ctx.data_dir) {
        Ok(free) if free / (1024 * 1024) < ctx.server.min_free_disk_mb => {
            let since = match store.server_fact(DISK_LOW_SINCE_FACT)? {
                Some(since) => since,
                None => {
                    store.set_server_fact(DISK_LOW_SINCE_FACT, &now_text)?;
                    now_text.clone()
                }
            };
            let key = format!("disk_low:{since}");
            firing.push(key.clone());
            let details = format!(
                "W katalogu danych {} zostało {} MB wolnego miejsca (próg: {} MB). Gdy miejsce się skończy, serwer nie przyjmie nowych ankiet.",
                ctx.data_dir.display(),
                free / (1024 * 1024),
                ctx.server.min_free_disk_mb
            );
            raised += server("Mało miejsca na dysku serwera", details, "disk_low", key)?;
        }
        Ok(_) => {
            if store.server_fact(DISK_LOW_SINCE_FACT)?.is_some() {
                store.delete_server_fact(DISK_LOW_SINCE_FACT)?;
            }
        }
        Err(e) => tracing::warn!(error = %e, "nie można odczytać wolnego miejsca w katalogu danych"),
    }

    // Without any backup recorded, counted from the worker's first pass: a server upgraded to this
    // version has made backups the record does not know of, and is not told "none ever" at once.
    let last_backup = store.server_fact(LAST_BACKUP_FACT)?;
    let reference = match &last_backup {
        Some(at) => parse_time(at),
        None => match store.server_fact(WATCHING_SINCE_FACT)? {
            Some(since) => parse_time(&since),
            None => {
                store.set_server_fact(WATCHING_SINCE_FACT, &now_text)?;
                Some(now)
            }
        },
    };
    if let Some(reference) = reference {
        let max_age = chrono::Duration::hours(ctx.server.backup_max_age_hours as i64);
        let key = format!("backup_missing:{}", last_backup.as_deref().unwrap_or("nigdy"));
        firing.push(key.clone());
        if now - reference > max_age {
            let details = match &last_backup {
                Some(at) => format!(
                    "Ostatnia kopia zapasowa bazy powstała {}, ponad {} godz. temu. Sprawdź usługę sync-server-backup (systemctl status sync-server-backup.timer).",
                    local_time::human_text(at),
                    ctx.server.backup_max_age_hours
                ),
                None => format!(
                    "Nie wykonano jeszcze żadnej kopii zapasowej bazy, choć serwer działa ponad {} godz. Włącz usługę sync-server-backup.timer albo wykonaj: sync-server backup.",
                    ctx.server.backup_max_age_hours
                ),
            };
            raised += server("Brak aktualnej kopii zapasowej", details, "backup_missing", key)?;
        }
    }
    store.resolve_ended_alerts(None, &["disk_low", "backup_missing"], &firing, &now_text)?;
    Ok(raised)
}

/// The wait before attempt `attempts + 1` after `attempts` failures: the base, doubled each time, at most
/// a day.
pub fn backoff(base: Duration, attempts: i64) -> Duration {
    let factor = 1u32.checked_shl(attempts.clamp(0, 20) as u32).unwrap_or(u32::MAX);
    base.checked_mul(factor).unwrap_or(MAX_BACKOFF).min(MAX_BACKOFF)
}

/// Sends the mails due at `now`; returns how many were sent. A failure is recorded with its reason and
/// the next attempt put off ([`backoff`]); after [`MAX_ATTEMPTS`] the mail is given up.
pub async fn send_due(store: &Store, settings: &MailSettings, now: DateTime<Utc>) -> Result<usize, StoreError> {
    let due = {
        let store = store.clone();
        let now = text(now);
        tokio::task::spawn_blocking(move || store.due_mails(&now, 100))
            .await
            .map_err(|e| StoreError::Corrupt(format!("wątek poczty: {e}")))??
    };
    if due.is_empty() {
        return Ok(0);
    }
    let transport = mail::transport(settings);
    let mut sent = 0;
    for item in due {
        let outcome = match &transport {
            Ok(transport) => {
                let body =
                    Mail { subject: item.subject.clone(), text: item.body_text.clone(), html: item.body_html.clone() };
                mail::send(transport, settings, &item.recipient, &item.message_id, &body).await
            }
            Err(e) => Err(mail::SendError::Settings(e.to_string())),
        };
        let at = text(Utc::now().max(now));
        match outcome {
            Ok(()) => {
                store.mark_mail_sent(item.id, &at)?;
                sent += 1;
            }
            Err(e) => {
                let attempts = item.attempts + 1;
                let next =
                    now + chrono::Duration::from_std(backoff(settings.retry_base, item.attempts)).unwrap_or_default();
                let give_up = attempts >= MAX_ATTEMPTS;
                tracing::warn!(mail = item.id, attempts, error = %e, "nie udało się wysłać wiadomości");
                store.mark_mail_failed(item.id, &e.to_string(), &text(next), give_up, &at)?;
            }
        }
    }
    Ok(sent)
}

/// Runs the worker on the current tokio runtime until `stop` turns true: every `interval`, one pass of
/// [`evaluate`], then the outbox.
pub fn spawn(store: Store, ctx: Context, mut stop: tokio::sync::watch::Receiver<bool>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            let now = Utc::now();
            let pass = {
                let (store, ctx) = (store.clone(), ctx.clone());
                tokio::task::spawn_blocking(move || evaluate(&store, &ctx, now)).await
            };
            match pass {
                Ok(Ok(raised)) if raised > 0 => tracing::info!(raised, "zgłoszono alerty"),
                Ok(Ok(_)) => {}
                Ok(Err(e)) => tracing::error!(error = %e, "przegląd alertów nie powiódł się"),
                Err(e) => tracing::error!(error = %e, "przegląd alertów przerwany"),
            }
            if let Some(mail) = &ctx.mail {
                match send_due(&store, mail, Utc::now()).await {
                    Ok(sent) if sent > 0 => tracing::info!(sent, "wysłano wiadomości"),
                    Ok(_) => {}
                    Err(e) => tracing::error!(error = %e, "wysyłka poczty nie powiodła się"),
                }
            }
            if let Err(e) = store.set_server_fact(LAST_TICK_FACT, &text(Utc::now())) {
                tracing::error!(error = %e, "nie można zapisać czasu przeglądu alertów");
            }
            tokio::select! {
                () = tokio::time::sleep(ctx.server.interval) => {}
                _ = stop.wait_for(|s| *s) => return,
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_doubles_up_to_a_day() {
        let base = Duration::from_secs(60);
        assert_eq!(backoff(base, 0), base);
        assert_eq!(backoff(base, 3), Duration::from_secs(480));
        assert_eq!(backoff(base, 40), MAX_BACKOFF);
    }
}
