//! The sync decision: what to do with a response that arrives, given what is already stored under its id.
//!
//! Kiosks resend until they see an acknowledgement, so the same response may arrive many times. Keyed by
//! the UUIDv7 made at capture, a resend is recognised and ignored; the same id with different content is
//! a conflict, kept aside for a person to look at, never silently dropped and never counted twice. An
//! answer an admin has since corrected, withdrawn or redacted is the one exception: the admin's change
//! stands, and a late resend of the original is acknowledged without being kept (it could bring back a
//! redacted comment).

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

/// What is already stored under an incoming response's id.
#[derive(Debug, Clone, Copy)]
pub struct Stored<'a> {
    /// The stored response (after any change an admin made to it).
    pub response: &'a Response,
    /// Whether an admin corrected, withdrew or redacted it after it arrived.
    pub changed_by_admin: bool,
}

/// Decides what to do with `incoming`, given what is stored under the same id. This is the whole
/// decision: the store carries it out and nothing else decides.
pub fn decide(stored: Option<Stored<'_>>, incoming: &Response) -> SyncDecision {
    match stored {
        None => SyncDecision::Store,
        Some(Stored { response, .. }) if response == incoming => SyncDecision::AlreadyStored,
        // The admin's change stands; the original is acknowledged so the device stops sending it.
        Some(Stored { changed_by_admin: true, .. }) => SyncDecision::AlreadyStored,
        Some(Stored { changed_by_admin: false, .. }) => SyncDecision::Conflict,
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

    /// (what is stored: rating difference from the incoming one, changed by an admin) → decision.
    #[rstest]
    #[case::new(None, SyncDecision::Store)]
    #[case::resend(Some((0, false)), SyncDecision::AlreadyStored)]
    #[case::other_rating(Some((1, false)), SyncDecision::Conflict)]
    #[case::resend_of_a_corrected_answer(Some((0, true)), SyncDecision::AlreadyStored)]
    #[case::original_of_a_corrected_answer(Some((1, true)), SyncDecision::AlreadyStored)]
    fn decisions(#[case] stored: Option<(u8, bool)>, #[case] expected: SyncDecision) {
        let incoming = response(5);
        let stored = stored.map(|(delta, changed_by_admin)| {
            let mut s = incoming.clone();
            if delta > 0 {
                s.answers.insert(QuestionKey::parse("ogolna_ocena").unwrap(), AnswerValue::Rating(5 - delta));
            }
            (s, changed_by_admin)
        });
        let stored = stored
            .as_ref()
            .map(|(response, changed_by_admin)| Stored { response, changed_by_admin: *changed_by_admin });
        assert_eq!(decide(stored, &incoming), expected);
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
            assert_eq!(
                decide(Some(Stored { response: &stored, changed_by_admin: false }), &incoming),
                SyncDecision::Conflict
            );
        }
    }
}
