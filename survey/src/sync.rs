//! The sync decision: what to do with a response that arrives, given what is already stored under its id.
//!
//! Kiosks resend until they see an acknowledgement, so the same response may arrive many times. Keyed by
//! the UUIDv7 made at capture, a resend is recognised and ignored; the same id with different content is
//! a conflict, kept aside for a person to look at, never silently dropped and never counted twice.

use serde::{Deserialize, Serialize};

use crate::response::Response;

/// What to do with an incoming response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncDecision {
    /// Nothing is stored under this id: store it.
    Store,
    /// The very same response is already stored: a resend, acknowledge it and do nothing.
    AlreadyStored,
    /// Something different is stored under this id: keep the newcomer aside as a conflict.
    Conflict,
}

/// Decides what to do with `incoming`, given what is stored under the same id.
pub fn decide(stored: Option<&Response>, incoming: &Response) -> SyncDecision {
    match stored {
        None => SyncDecision::Store,
        Some(existing) if existing == incoming => SyncDecision::AlreadyStored,
        Some(_) => SyncDecision::Conflict,
    }
}

#[cfg(test)]
mod tests {
    use rstest::rstest;

    use super::*;
    use crate::QuestionKey;
    use crate::response::{AnswerValue, Channel};

    fn response(rating: u8) -> Response {
        let mut r = Response::new("urzad", 1, Channel::KioskTouch);
        r.device = Some("kiosk-parter".into());
        r.answers.insert(QuestionKey::parse("ogolna_ocena").unwrap(), AnswerValue::Rating(rating));
        r
    }

    #[rstest]
    #[case::new(None, SyncDecision::Store)]
    #[case::resend(Some(0), SyncDecision::AlreadyStored)]
    #[case::other_rating(Some(1), SyncDecision::Conflict)]
    fn decisions(#[case] stored_change: Option<u8>, #[case] expected: SyncDecision) {
        let incoming = response(5);
        let stored = stored_change.map(|delta| {
            let mut s = incoming.clone();
            if delta > 0 {
                s.answers.insert(QuestionKey::parse("ogolna_ocena").unwrap(), AnswerValue::Rating(5 - delta));
            }
            s
        });
        assert_eq!(decide(stored.as_ref(), &incoming), expected);
    }

    #[test]
    fn any_difference_is_a_conflict() {
        let incoming = response(4);
        let mut other_channel = incoming.clone();
        other_channel.channel = Channel::KioskButtons;
        let mut other_time = incoming.clone();
        other_time.captured_at += chrono::Duration::seconds(1);
        let mut other_device = incoming.clone();
        other_device.device = None;
        for stored in [other_channel, other_time, other_device] {
            assert_eq!(decide(Some(&stored), &incoming), SyncDecision::Conflict);
        }
    }
}
