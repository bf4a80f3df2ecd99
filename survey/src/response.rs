//! One filled-in questionnaire, as captured by any channel.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::questionnaire::QuestionKey;

/// Where an answer was captured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// The web survey reached through the "Oceń Urząd" banner.
    Web,
    /// The touchscreen kiosk at the counter.
    KioskTouch,
    /// The panel of physical smiley buttons.
    KioskButtons,
    /// A paper questionnaire typed in by the administrator.
    Paper,
}

impl Channel {
    /// Every channel, in the order reports list them.
    pub const ALL: [Channel; 4] = [Channel::Web, Channel::KioskTouch, Channel::KioskButtons, Channel::Paper];

    /// The name used in JSON and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Web => "web",
            Channel::KioskTouch => "kiosk_touch",
            Channel::KioskButtons => "kiosk_buttons",
            Channel::Paper => "paper",
        }
    }

    /// Parses the name used in JSON and in the database.
    pub fn parse(s: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// The Polish name shown in the admin panel and reports.
    pub fn label_pl(self) -> &'static str {
        match self {
            Channel::Web => "ankieta internetowa",
            Channel::KioskTouch => "kiosk (ekran dotykowy)",
            Channel::KioskButtons => "kiosk (przyciski)",
            Channel::Paper => "ankieta papierowa",
        }
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The answer to one question. The JSON shape is part of the sync wire format (see [`crate::wire`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AnswerValue {
    /// A rating from 1 to 5.
    Rating(u8),
    /// "Nie dotyczy / nie mam zdania": counted as given, excluded from means.
    NotApplicable,
    /// The key of the chosen option (single choice, or a department key or "inna").
    Choice(String),
    /// The keys of the chosen options of a multiple-choice question.
    Choices(Vec<String>),
    /// Free text.
    Text(String),
}

/// Answers by question key. Ordered, so that the same answers always serialize to the same JSON.
pub type Answers = BTreeMap<QuestionKey, AnswerValue>;

/// One filled-in questionnaire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Response {
    /// UUIDv7 made where the answer was captured (kiosk, browser form, paper entry). It makes every write
    /// idempotent: the same id arriving twice is stored once.
    pub id: Uuid,
    /// The office's slug.
    pub office: String,
    /// The questionnaire version the answers belong to.
    pub questionnaire_version: u32,
    /// Where it was captured.
    pub channel: Channel,
    /// When it was captured, by the capturing device's clock.
    pub captured_at: DateTime<Utc>,
    /// The kiosk's device name, for kiosk channels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<String>,
    /// The serial number printed on a paper sheet, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paper_serial: Option<String>,
    /// The answers given; questions left out are simply absent.
    #[cfg_attr(feature = "openapi", schema(value_type = BTreeMap<QuestionKey, AnswerValue>))]
    pub answers: Answers,
    /// The kiosk's monotonic clock at capture, to correct `captured_at` when the wall clock was wrong
    /// (a Raspberry Pi has no battery-backed clock). Absent for other channels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clock: Option<CaptureClock>,
}

/// Where on a device's monotonic clock something happened: the boot it happened in and the time since
/// that boot. Unlike the wall clock, it is right even after a power cut without network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaptureClock {
    /// The Linux boot id (`/proc/sys/kernel/random/boot_id`), different after every boot.
    pub boot_id: String,
    /// Milliseconds since that boot.
    pub uptime_ms: u64,
}

impl Response {
    /// A new, empty response with a fresh UUIDv7, captured now.
    pub fn new(office: &str, questionnaire_version: u32, channel: Channel) -> Response {
        Response {
            id: Uuid::now_v7(),
            office: office.to_owned(),
            questionnaire_version,
            channel,
            captured_at: Utc::now(),
            device: None,
            paper_serial: None,
            answers: Answers::new(),
            clock: None,
        }
    }
}
