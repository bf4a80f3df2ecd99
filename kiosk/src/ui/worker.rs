//! The touchscreen's storage thread: every read and write of the kiosk's database the screen needs, and
//! the service PIN's checks (a slow hash), done off the UI thread, so that the UI thread never waits for
//! the store's lock, which the sync thread also takes. The screen sends a [`Job`]; the answer comes back
//! as [`News`] through the event loop ([`Messenger::send`]: `upgrade_in_event_loop`), no polling.

use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::Instant;

use survey::wire::{PrivacyNotice, QuestionnairePackage};

use crate::KioskWindow;
use crate::panel::Feedback;
use crate::press::{Decision, keep};
use crate::service::{NewPinReply, Opening, ServiceDesk, status_text};
use crate::service_pin::Attempt;
use crate::store::Store;

/// What the screen asks of the storage thread.
pub enum Job {
    /// Commit an answer (touch or panel) or a filtered press; `thank` when a thank-you waits for it,
    /// `from_panel` when the panel's feedback follows the commit.
    Keep { decision: Decision, thank: bool, from_panel: bool },
    /// The panel's feedback, used after each commit of a press from the panel.
    PanelFeedback(Box<dyn Feedback>),
    /// The questionnaire the sync fetched last, for the next visitor.
    Questionnaire,
    /// The information clause the sync fetched last.
    PrivacyNotice,
    /// The service screen is asked for.
    OpenService,
    /// A PIN typed to open it.
    TryPin(String),
    /// "Zmień PIN".
    StartNewPin,
    /// An entry of the new PIN.
    NewPin(String),
    /// The status text again.
    Status,
}

/// What comes back to the screen.
pub enum News {
    /// A [`Job::Keep`] done: whether it is on disk, and whether a thank-you was waiting for it.
    Kept {
        thank: bool,
        saved: bool,
    },
    Questionnaire(Box<QuestionnairePackage>),
    Privacy(PrivacyNotice),
    ServiceOpened {
        opening: Opening,
        status: String,
    },
    PinTried {
        attempt: Attempt,
        status: String,
    },
    NewPin(NewPinReply),
    Status(String),
    /// How a pairing went (from the pairing's own thread).
    Paired(String),
    /// A press of the panel's button (from the panel's thread).
    Pressed(u8),
}

/// Sends news to the screen and wakes its event loop to read it. Cheap to clone; usable from any thread.
#[derive(Clone)]
pub struct Messenger {
    news: Sender<News>,
    window: slint::Weak<KioskWindow>,
}

impl Messenger {
    pub fn send(&self, news: News) {
        if self.news.send(news).is_err() {
            return;
        }
        // The screen reads every piece of news waiting when woken, so one wake per piece is enough.
        if let Err(e) = self.window.upgrade_in_event_loop(|w| w.invoke_news_arrived()) {
            tracing::debug!(error = %e, "ekran już zamknięty");
        }
    }
}

/// Starts the storage thread for `window`: the jobs go in, the news comes out on the receiver.
pub fn start(
    store: Store,
    configured_pin: Option<String>,
    window: slint::Weak<KioskWindow>,
) -> (Sender<Job>, Receiver<News>, Messenger) {
    let (jobs, incoming) = channel::<Job>();
    let (news, received) = channel();
    let messenger = Messenger { news, window };
    let out = messenger.clone();
    let spawned = std::thread::Builder::new().name("storage".into()).spawn(move || {
        let mut desk = ServiceDesk::new(store.clone(), configured_pin, Instant::now());
        let mut feedback: Option<Box<dyn Feedback>> = None;
        for job in incoming {
            let news = match job {
                Job::Keep { decision, thank, from_panel } => {
                    let panel = feedback.as_deref().filter(|_| from_panel);
                    let saved = match keep(&store, &decision, panel) {
                        Ok(()) => true,
                        Err(e) => {
                            tracing::error!(error = %e, "nie udało się zapisać odpowiedzi");
                            false
                        }
                    };
                    News::Kept { thank, saved }
                }
                Job::PanelFeedback(given) => {
                    feedback = Some(given);
                    continue;
                }
                Job::Questionnaire => match store.questionnaire() {
                    Ok(Some((package, _))) => News::Questionnaire(Box::new(package)),
                    Ok(None) => continue,
                    Err(e) => {
                        tracing::error!(error = %e, "nie można odczytać ankiety z bazy kiosku");
                        continue;
                    }
                },
                Job::PrivacyNotice => {
                    News::Privacy(crate::privacy::shown(store.privacy_notice().unwrap_or_else(|e| {
                        tracing::error!(error = %e, "nie można odczytać informacji o danych; pokazuję tekst domyślny");
                        None
                    })))
                }
                Job::OpenService => News::ServiceOpened { opening: desk.open(), status: status_text(&store) },
                Job::TryPin(typed) => {
                    News::PinTried { attempt: desk.try_pin(&typed, Instant::now()), status: status_text(&store) }
                }
                Job::StartNewPin => {
                    desk.start_new_pin();
                    continue;
                }
                Job::NewPin(typed) => News::NewPin(desk.enter_new_pin(&typed)),
                Job::Status => News::Status(status_text(&store)),
            };
            out.send(news);
        }
    });
    if let Err(e) = spawned {
        tracing::error!(error = %e, "nie można uruchomić wątku zapisu");
    }
    (jobs, received, messenger)
}
