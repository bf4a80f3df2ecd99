//! "Alerty": an office's alerts (new, acknowledged with a comment, resolved) and the mails not sent yet
//! with their reason; the office's alert settings and recipients; the operator's page of the server's own
//! alerts with the mail settings and the "send a test e-mail" button; and each account's own subscription
//! ("Moje powiadomienia"). Every change goes to the audit log in the store's transaction.

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;

use super::view::{AdminChrome, path_id};
use super::{admin_message, field, render};
use crate::alerts::{self, OfficeAlertSettings};
use crate::http::AppState;
use crate::local_time;
use crate::store::{Alert, AlertState, Office, OutboxMail, Recipient, Role, Session, StoreError};

/// Longest comment on an alert.
pub const COMMENT_MAX_CHARS: usize = 1000;

/// An alert as listed.
pub struct AlertRow {
    pub id: i64,
    pub title: String,
    pub details: String,
    pub raised_at: String,
    pub state: &'static str,
    pub is_new: bool,
    /// Who did what, in words ("przyjęty do wiadomości: jan, 1 grudnia 2026, 10:15").
    pub history: Vec<String>,
    pub comment: String,
}

fn row(a: &Alert) -> AlertRow {
    let mut history = Vec::new();
    if let (Some(at), Some(by)) = (&a.acknowledged_at, &a.acknowledged_by) {
        history.push(format!("przyjęty do wiadomości: {by}, {}", local_time::human_text(at)));
    }
    if let (Some(at), Some(by)) = (&a.resolved_at, &a.resolved_by) {
        let by = if by == "system" { "samoczynnie (warunek ustał)" } else { by.as_str() };
        history.push(format!("rozwiązany: {by}, {}", local_time::human_text(at)));
    }
    AlertRow {
        id: a.id,
        title: a.title.clone(),
        details: a.details.clone(),
        raised_at: local_time::human_text(&a.raised_at),
        state: a.state.label(),
        is_new: a.state == AlertState::New,
        history,
        comment: a.comment.clone(),
    }
}

/// A mail not sent, as listed.
pub struct MailRow {
    pub recipient: String,
    pub subject: String,
    pub created_at: String,
    pub attempts: i64,
    pub state: String,
    pub reason: String,
}

fn mail_row(m: &OutboxMail) -> MailRow {
    let state = match &m.failed_at {
        Some(at) => format!("porzucona po {} próbach ({})", m.attempts, local_time::human_text(at)),
        None if m.attempts == 0 => "czeka na wysłanie".to_owned(),
        None => format!("następna próba: {}", local_time::human_text(&m.next_attempt_at)),
    };
    MailRow {
        recipient: m.recipient.clone(),
        subject: m.subject.clone(),
        created_at: local_time::human_text(&m.created_at),
        attempts: m.attempts,
        state,
        reason: m.last_error.clone().unwrap_or_default(),
    }
}

#[derive(Template)]
#[template(path = "admin/alerts.html")]
struct AlertsPage {
    page: AdminChrome,
    /// Where each alert's form posts: `{action_base}/{id}`.
    action_base: String,
    can_change: bool,
    settings_href: Option<String>,
    open: Vec<AlertRow>,
    resolved: Vec<AlertRow>,
    unsent: Vec<MailRow>,
    mail_configured: bool,
    error: Option<String>,
}

async fn office_page(state: &AppState, session: &Session, office: &Office, error: Option<String>) -> Response {
    let office_id = office.id;
    let found = state
        .db(move |s| {
            let all = s.alerts(Some(office_id), true, 100)?;
            Ok((all, s.unsent_mails(Some(office_id), 50)?))
        })
        .await;
    let (all, unsent) = match found {
        Ok(found) => found,
        Err(e) => return e.into_response(),
    };
    let page = AdminChrome::new(session, Some(office), "alerty", "Alerty");
    let settings_href =
        page.may("alerty/ustawienia").then(|| format!("/admin/urzad/{}/alerty/ustawienia", office.slug));
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    render(
        status,
        &AlertsPage {
            can_change: page.may_send("alerty/{id}"),
            page,
            action_base: format!("/admin/urzad/{}/alerty", office.slug),
            settings_href,
            open: all.iter().filter(|a| a.state != AlertState::Resolved).map(row).collect(),
            resolved: all.iter().filter(|a| a.state == AlertState::Resolved).take(20).map(row).collect(),
            unsent: unsent.iter().map(mail_row).collect(),
            mail_configured: state.mail.is_some(),
            error,
        },
    )
}

/// `GET /admin/urzad/{slug}/alerty`.
pub async fn page(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Extension(office): Extension<Office>,
) -> Response {
    office_page(&state, &session, &office, None).await
}

/// The state and comment posted for an alert; a Polish message when they do not do.
fn posted_change(body: &[u8]) -> Result<(AlertState, String), String> {
    let comment = crate::input::notes(&field(body, "komentarz"), "Komentarz", COMMENT_MAX_CHARS).map_err(|e| e.0)?;
    match field(body, "stan").as_str() {
        "acknowledged" if comment.is_empty() => {
            Err("Przyjmując alert do wiadomości, wpisz komentarz: co zrobiono lub kto się tym zajmie.".to_owned())
        }
        "acknowledged" => Ok((AlertState::Acknowledged, comment)),
        "resolved" => Ok((AlertState::Resolved, comment)),
        _ => Err("Wybierz „Przyjmij do wiadomości” albo „Oznacz jako rozwiązany”.".to_owned()),
    }
}

fn no_alert() -> Response {
    admin_message(StatusCode::NOT_FOUND, "Nie znaleziono", "Nie ma takiego alertu.")
}

/// `POST /admin/urzad/{slug}/alerty/{id}`: acknowledged with a comment, or resolved.
pub async fn change(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Extension(office): Extension<Office>,
    Path(params): Path<std::collections::HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let Some(id) = path_id(&params) else { return no_alert() };
    let (new_state, comment) = match posted_change(&body) {
        Ok(change) => change,
        Err(message) => return office_page(&state, &session, &office, Some(message)).await,
    };
    let (office_id, actor) = (office.id, session.admin.login.clone());
    match state.db(move |s| s.change_alert(Some(office_id), id, &actor, new_state, &comment)).await {
        Ok(true) => Redirect::to(&format!("/admin/urzad/{}/alerty", office.slug)).into_response(),
        Ok(false) => no_alert(),
        Err(e) => e.into_response(),
    }
}

#[derive(Template)]
#[template(path = "admin/alert_settings.html")]
struct SettingsPage {
    page: AdminChrome,
    slug: String,
    form: SettingsForm,
    recipients: Vec<Recipient>,
    errors: Vec<String>,
}

/// The settings form as typed (numbers kept as text so a mistake comes back as typed).
pub struct SettingsForm {
    pub spike_enabled: bool,
    pub spike_window_hours: String,
    pub spike_min_answers: String,
    pub spike_margin_points: String,
    pub silent_enabled: bool,
    pub silent_minutes: String,
    pub opening_hours: String,
    pub report_due_enabled: bool,
    pub actions_enabled: bool,
    pub include_comments: bool,
    pub weekly_summary: bool,
    pub recipients: String,
}

impl SettingsForm {
    fn of(s: &OfficeAlertSettings, recipients: &[Recipient]) -> SettingsForm {
        SettingsForm {
            spike_enabled: s.spike_enabled,
            spike_window_hours: s.spike_window_hours.to_string(),
            spike_min_answers: s.spike_min_answers.to_string(),
            spike_margin_points: s.spike_margin_points.to_string(),
            silent_enabled: s.silent_enabled,
            silent_minutes: s.silent_minutes.to_string(),
            opening_hours: s.opening_hours.clone(),
            report_due_enabled: s.report_due_enabled,
            actions_enabled: s.actions_enabled,
            include_comments: s.include_comments,
            weekly_summary: s.weekly_summary,
            recipients: recipients
                .iter()
                .filter(|r| r.admin_id.is_none())
                .map(|r| r.email.clone())
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }

    fn parse(body: &[u8]) -> SettingsForm {
        let on = |name: &str| field(body, name) == "1";
        SettingsForm {
            spike_enabled: on("spike_enabled"),
            spike_window_hours: field(body, "spike_window_hours").trim().to_owned(),
            spike_min_answers: field(body, "spike_min_answers").trim().to_owned(),
            spike_margin_points: field(body, "spike_margin_points").trim().to_owned(),
            silent_enabled: on("silent_enabled"),
            silent_minutes: field(body, "silent_minutes").trim().to_owned(),
            opening_hours: field(body, "opening_hours").trim().to_owned(),
            report_due_enabled: on("report_due_enabled"),
            actions_enabled: on("actions_enabled"),
            include_comments: on("include_comments"),
            weekly_summary: on("weekly_summary"),
            recipients: field(body, "recipients").replace("\r\n", "\n"),
        }
    }

    /// The settings and addresses, or every problem in Polish.
    fn check(&self) -> Result<(OfficeAlertSettings, Vec<String>), Vec<String>> {
        let mut errors = Vec::new();
        let mut number = |text: &str, what: &str| match text.parse::<u32>() {
            Ok(n) => n,
            Err(_) => {
                errors.push(format!("{what}: wpisz liczbę całkowitą."));
                0
            }
        };
        let settings = OfficeAlertSettings {
            spike_enabled: self.spike_enabled,
            spike_window_hours: number(&self.spike_window_hours, "Okno czasowe"),
            spike_min_answers: number(&self.spike_min_answers, "Najmniejsza liczba odpowiedzi"),
            spike_margin_points: number(&self.spike_margin_points, "Przewaga nad poziomem odniesienia"),
            silent_enabled: self.silent_enabled,
            silent_minutes: number(&self.silent_minutes, "Cisza kiosku"),
            opening_hours: self.opening_hours.clone(),
            report_due_enabled: self.report_due_enabled,
            actions_enabled: self.actions_enabled,
            include_comments: self.include_comments,
            weekly_summary: self.weekly_summary,
        };
        if errors.is_empty() {
            errors.extend(settings.problems());
        }
        let mut addresses: Vec<String> = Vec::new();
        for line in self.recipients.lines().map(str::trim).filter(|l| !l.is_empty()) {
            match crate::input::email(line) {
                Ok(a) if !addresses.iter().any(|x| x.eq_ignore_ascii_case(a)) => addresses.push(a.to_owned()),
                Ok(_) => {}
                Err(e) => errors.push(format!("Odbiorcy: {}", e.0)),
            }
        }
        if addresses.len() > 50 {
            errors.push("Odbiorcy: najwyżej 50 adresów.".to_owned());
        }
        if errors.is_empty() { Ok((settings, addresses)) } else { Err(errors) }
    }
}

async fn settings_page(
    state: &AppState,
    session: &Session,
    office: &Office,
    form: Option<SettingsForm>,
    errors: Vec<String>,
    notice: Option<String>,
) -> Response {
    let office_id = office.id;
    let found =
        state.db(move |s| Ok((s.office_alert_settings(office_id)?, s.alert_recipients(Some(office_id))?))).await;
    let (settings, recipients) = match found {
        Ok(found) => found,
        Err(e) => return e.into_response(),
    };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    render(
        status,
        &SettingsPage {
            page: AdminChrome::new(session, Some(office), "alerty/ustawienia", "Ustawienia alertów")
                .with_notice(notice),
            slug: office.slug.clone(),
            form: form.unwrap_or_else(|| SettingsForm::of(&settings, &recipients)),
            recipients: recipients.into_iter().filter(|r| r.admin_id.is_some()).collect(),
            errors,
        },
    )
}

/// `GET /admin/urzad/{slug}/alerty/ustawienia`.
pub async fn settings_form(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Extension(office): Extension<Office>,
) -> Response {
    settings_page(&state, &session, &office, None, Vec::new(), None).await
}

/// `POST /admin/urzad/{slug}/alerty/ustawienia`: the settings and the office's own list of addresses
/// (accounts' own subscriptions are theirs and stay as they are).
pub async fn save_settings(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Extension(office): Extension<Office>,
    body: Bytes,
) -> Response {
    let form = SettingsForm::parse(&body);
    let (settings, addresses) = match form.check() {
        Ok(checked) => checked,
        Err(errors) => return settings_page(&state, &session, &office, Some(form), errors, None).await,
    };
    let (office_id, actor) = (office.id, session.admin.login.clone());
    let saved = state
        .db(move |s| {
            let json = serde_json::to_string(&settings).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            s.save_alert_settings_json(office_id, &json, &actor, &json)?;
            let current = s.alert_recipients(Some(office_id))?;
            for r in current.iter().filter(|r| r.admin_id.is_none()) {
                if !addresses.iter().any(|a| a.eq_ignore_ascii_case(&r.email)) {
                    s.remove_alert_recipient(Some(office_id), r.id, None, &actor)?;
                }
            }
            for a in &addresses {
                if !current.iter().any(|r| r.email.eq_ignore_ascii_case(a)) {
                    s.add_alert_recipient(Some(office_id), None, a, false, &actor)?;
                }
            }
            Ok(())
        })
        .await;
    match saved {
        Ok(()) => {
            settings_page(&state, &session, &office, None, Vec::new(), Some("Zapisano ustawienia alertów.".into()))
                .await
        }
        Err(e) => e.into_response(),
    }
}

#[derive(Template)]
#[template(path = "admin/server_alerts.html")]
struct ServerPage {
    page: AdminChrome,
    action_base: String,
    can_change: bool,
    open: Vec<AlertRow>,
    resolved: Vec<AlertRow>,
    unsent: Vec<MailRow>,
    mail_configured: bool,
    error: Option<String>,
    mail: Vec<(&'static str, String)>,
    test_to: String,
    last_tick: String,
}

async fn server_page(state: &AppState, session: &Session, error: Option<String>, notice: Option<String>) -> Response {
    let found = state
        .db(|s| Ok((s.alerts(None, true, 100)?, s.unsent_mails(None, 50)?, s.server_fact(alerts::LAST_TICK_FACT)?)))
        .await;
    let (all, unsent, last_tick) = match found {
        Ok(found) => found,
        Err(e) => return e.into_response(),
    };
    let mail = match state.mail.as_deref() {
        Some(m) => vec![
            ("Serwer SMTP", format!("{}:{}", m.host, m.port)),
            (
                "Szyfrowanie",
                match m.security {
                    crate::config::SmtpSecurity::Tls => "TLS".into(),
                    crate::config::SmtpSecurity::StartTls => "STARTTLS".into(),
                    crate::config::SmtpSecurity::None => "brak (tylko serwer lokalny)".into(),
                },
            ),
            ("Użytkownik", m.user.clone().unwrap_or_else(|| "bez logowania".into())),
            ("Nadawca", m.from.clone()),
            ("Alerty serwera do", if m.operator_to.is_empty() { "nikogo".into() } else { m.operator_to.join(", ") }),
        ],
        None => Vec::new(),
    };
    let test_to = state.mail.as_deref().and_then(|m| m.operator_to.first().cloned()).unwrap_or_default();
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    render(
        status,
        &ServerPage {
            page: AdminChrome::new(session, None, "alerty-serwera", "Alerty serwera i poczta").with_notice(notice),
            action_base: "/admin/alerty".into(),
            can_change: session.admin.role == Role::Operator,
            open: all.iter().filter(|a| a.state != AlertState::Resolved).map(row).collect(),
            resolved: all.iter().filter(|a| a.state == AlertState::Resolved).take(20).map(row).collect(),
            unsent: unsent.iter().map(mail_row).collect(),
            mail_configured: state.mail.is_some(),
            error,
            mail,
            test_to,
            last_tick: last_tick.map_or_else(|| "jeszcze nie działał".into(), |t| local_time::human_text(&t)),
        },
    )
}

/// `GET /admin/alerty`.
pub async fn server(State(state): State<AppState>, Extension(session): Extension<Session>) -> Response {
    server_page(&state, &session, None, None).await
}

/// `POST /admin/alerty/{id}`.
pub async fn change_server(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(params): Path<std::collections::HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let Some(id) = path_id(&params) else { return no_alert() };
    let (new_state, comment) = match posted_change(&body) {
        Ok(change) => change,
        Err(message) => return server_page(&state, &session, Some(message), None).await,
    };
    let actor = session.admin.login.clone();
    match state.db(move |s| s.change_alert(None, id, &actor, new_state, &comment)).await {
        Ok(true) => Redirect::to("/admin/alerty").into_response(),
        Ok(false) => no_alert(),
        Err(e) => e.into_response(),
    }
}

/// `POST /admin/poczta/test`: sends a test mail now, through the configured server, and says what the
/// server answered. Not through the outbox: the operator is waiting for the answer.
pub async fn test_mail(State(state): State<AppState>, Extension(session): Extension<Session>, body: Bytes) -> Response {
    let Some(settings) = state.mail.clone() else {
        return server_page(
            &state,
            &session,
            Some(
                "Poczta nie jest skonfigurowana: dodaj sekcję [mail] do pliku ustawień serwera i uruchom go ponownie."
                    .into(),
            ),
            None,
        )
        .await;
    };
    let to = field(&body, "do").trim().to_owned();
    if to.is_empty() || crate::input::email(&to).is_err() {
        return server_page(
            &state,
            &session,
            Some(format!("„{to}” nie wygląda na adres e-mail: podaj adres, na który wysłać wiadomość testową.")),
            None,
        )
        .await;
    }
    let mail = alerts::mail::compose(
        "serwer",
        "Wiadomość testowa",
        &[format!(
            "Ta wiadomość sprawdza ustawienia poczty serwera Oceń Urząd. Wysłał ją {} ({}).",
            session.admin.login,
            local_time::human(Utc::now())
        )],
        alerts::mail::ALERT_FOOTER,
    );
    let message_id = format!("<{}@ocen-urzad>", uuid::Uuid::now_v7());
    let sent = match alerts::mail::transport(&settings) {
        Ok(transport) => alerts::mail::send(&transport, &settings, &to, &message_id, &mail).await,
        Err(e) => Err(e),
    };
    let (outcome, result) = match &sent {
        Ok(()) => ("wysłana", format!("Serwer SMTP przyjął wiadomość testową do {to}.")),
        Err(e) => ("nieudana", format!("Nie udało się wysłać wiadomości testowej do {to}: {e}")),
    };
    let (actor, details) = (session.admin.login.clone(), format!("do {to}: {outcome}"));
    if let Err(e) = state.db(move |s| s.audit(None, &actor, "wiadomość testowa", &details)).await {
        return e.into_response();
    }
    match sent {
        Ok(()) => server_page(&state, &session, None, Some(result)).await,
        Err(_) => server_page(&state, &session, Some(result), None).await,
    }
}

#[derive(Template)]
#[template(path = "admin/subscriptions.html")]
struct SubscriptionsPage {
    page: AdminChrome,
    mine: Vec<Recipient>,
    scope: String,
    email: String,
    error: Option<String>,
}

async fn subscriptions_page(
    state: &AppState,
    session: &Session,
    email: String,
    error: Option<String>,
    notice: Option<String>,
) -> Response {
    let (office_id, admin_id) = (session.admin.office_id, session.admin.id);
    let found = state
        .db(move |s| {
            let office = match office_id {
                Some(id) => s.offices()?.into_iter().find(|o| o.id == id),
                None => None,
            };
            let mine: Vec<Recipient> =
                s.alert_recipients(office_id)?.into_iter().filter(|r| r.admin_id == Some(admin_id)).collect();
            Ok((office, mine))
        })
        .await;
    let (office, mine) = match found {
        Ok(found) => found,
        Err(e) => return e.into_response(),
    };
    let scope = match &office {
        Some(o) => format!("alerty urzędu „{}”", o.name),
        None => "alerty serwera (miejsce na dysku, kopie zapasowe)".to_owned(),
    };
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    render(
        status,
        &SubscriptionsPage {
            page: AdminChrome::new(session, office.as_ref(), "powiadomienia", "Moje powiadomienia").with_notice(notice),
            mine,
            scope,
            email,
            error,
        },
    )
}

/// `GET /admin/powiadomienia`.
pub async fn subscriptions(State(state): State<AppState>, Extension(session): Extension<Session>) -> Response {
    subscriptions_page(&state, &session, String::new(), None, None).await
}

/// `POST /admin/powiadomienia`: the account subscribes an address of its own.
pub async fn subscribe(State(state): State<AppState>, Extension(session): Extension<Session>, body: Bytes) -> Response {
    let email = field(&body, "email").trim().to_owned();
    if email.is_empty() || crate::input::email(&email).is_err() {
        let message = format!("„{email}” nie wygląda na adres e-mail: podaj adres w postaci nazwa@urzad.example.pl.");
        return subscriptions_page(&state, &session, email, Some(message), None).await;
    }
    let (office_id, admin_id, actor, address) =
        (session.admin.office_id, session.admin.id, session.admin.login.clone(), email.clone());
    match state.db(move |s| s.add_alert_recipient(office_id, Some(admin_id), &address, false, &actor)).await {
        Ok(()) => {
            subscriptions_page(
                &state,
                &session,
                String::new(),
                None,
                Some(format!("Alerty będą przychodzić na {email}.")),
            )
            .await
        }
        Err(crate::http::AppError::Conflict(message)) => {
            subscriptions_page(&state, &session, email, Some(message), None).await
        }
        Err(e) => e.into_response(),
    }
}

/// `POST /admin/powiadomienia/{id}/usun`: the account ends one of its own subscriptions.
pub async fn unsubscribe(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(params): Path<std::collections::HashMap<String, String>>,
) -> Response {
    let Some(id) = path_id(&params) else { return no_alert() };
    let (office_id, admin_id, actor) = (session.admin.office_id, session.admin.id, session.admin.login.clone());
    match state.db(move |s| s.remove_alert_recipient(office_id, id, Some(admin_id), &actor)).await {
        Ok(true) => {
            subscriptions_page(&state, &session, String::new(), None, Some("Subskrypcję usunięto.".into())).await
        }
        Ok(false) => admin_message(StatusCode::NOT_FOUND, "Nie znaleziono", "Nie ma takiej subskrypcji na tym koncie."),
        Err(e) => e.into_response(),
    }
}
