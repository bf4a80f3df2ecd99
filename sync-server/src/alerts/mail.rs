//! Alert mails: written in Polish as plain text and HTML, and sent through the SMTP server of the
//! settings file with `lettre` (STARTTLS or TLS through rustls, or a plain connection to a local relay).

use std::time::Duration;

use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::{MailSettings, SmtpSecurity};
use crate::store::Mail;

/// How long one SMTP conversation may take before it counts as failed.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// A mail of `heading` (the subject after the office's name) and `paragraphs`, each a line of the plain
/// text and a paragraph of the HTML, ending with the note on where to act.
pub fn compose(office: &str, heading: &str, paragraphs: &[String], footer: &str) -> Mail {
    let subject = format!("[Oceń Urząd] {office}: {heading}");
    let mut text = format!("{heading}\n{}\n\n", "=".repeat(heading.chars().count()));
    let mut html = format!(
        "<!DOCTYPE html>\n<html lang=\"pl\"><head><meta charset=\"utf-8\"><title>{}</title></head><body>\n<h1>{}</h1>\n",
        crate::markup::escape(&subject),
        crate::markup::escape(heading)
    );
    for p in paragraphs {
        text.push_str(p);
        text.push_str("\n\n");
        html.push_str(&format!("<p>{}</p>\n", crate::markup::escape(p).replace('\n', "<br>")));
    }
    text.push_str(&format!("-- \n{footer}\n"));
    html.push_str(&format!("<hr>\n<p><small>{}</small></p>\n</body></html>\n", crate::markup::escape(footer)));
    Mail { subject, text, html }
}

/// The footer of alert mails.
pub const ALERT_FOOTER: &str = "Wiadomość wysłana automatycznie przez system Oceń Urząd. Alert można przyjąć do \
     wiadomości lub oznaczyć jako rozwiązany w panelu administracyjnym (strona „Alerty”). Subskrypcję \
     zmienia się w panelu, na stronie „Moje powiadomienia”.";

/// Why a mail could not be sent, in the words shown in the panel.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    #[error("nieprawidłowy adres: {0}")]
    Address(String),
    #[error("{0}")]
    Settings(String),
    #[error("serwer SMTP odmówił lub jest nieosiągalny: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
    #[error("nie udało się złożyć wiadomości: {0}")]
    Build(#[from] lettre::error::Error),
}

/// The transport to the configured SMTP server; the password is read from its file or the environment
/// now and kept only inside the transport.
pub fn transport(settings: &MailSettings) -> Result<AsyncSmtpTransport<Tokio1Executor>, SendError> {
    let builder = match settings.security {
        SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&settings.host)?,
        SmtpSecurity::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&settings.host)?,
        SmtpSecurity::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&settings.host),
    };
    let mut builder = builder.port(settings.port).timeout(Some(SMTP_TIMEOUT));
    let password = settings.password().map_err(|e| SendError::Settings(format!("{e:#}")))?;
    if let (Some(user), Some(password)) = (&settings.user, password) {
        builder = builder.credentials(Credentials::new(user.clone(), password));
    }
    Ok(builder.build())
}

/// Sends one mail; returns once the SMTP server has accepted it (its 250 after the data).
pub async fn send(
    transport: &AsyncSmtpTransport<Tokio1Executor>,
    settings: &MailSettings,
    to: &str,
    message_id: &str,
    mail: &Mail,
) -> Result<(), SendError> {
    let from: Mailbox = settings.from.parse().map_err(|_| SendError::Address(settings.from.clone()))?;
    let to: Mailbox = to.parse().map_err(|_| SendError::Address(to.to_owned()))?;
    let message = Message::builder()
        .from(from)
        .to(to)
        .subject(&mail.subject)
        .message_id(Some(message_id.to_owned()))
        .multipart(MultiPart::alternative_plain_html(mail.text.clone(), mail.html.clone()))?;
    transport.send(message).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mail_has_the_same_words_in_text_and_escaped_html() {
        let mail = compose("Urząd Gminy <Książki>", "Nagły wzrost złych ocen", &["Udział: 60 %".into()], "stopka");
        assert_eq!(mail.subject, "[Oceń Urząd] Urząd Gminy <Książki>: Nagły wzrost złych ocen");
        assert!(mail.text.contains("Udział: 60 %") && mail.text.contains("-- \nstopka"));
        assert!(mail.html.contains("<h1>Nagły wzrost złych ocen</h1>") && mail.html.contains("&lt;Książki&gt;"));
        assert!(!mail.html.contains("<Książki>"));
    }
}
