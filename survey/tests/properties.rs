//! Properties that must hold for any input, checked with generated cases: the scoring figures are
//! consistent with each other and with how they are pooled, and the sync decision makes every answer count
//! exactly once whatever the network does to batches and receipts.

// Test helpers may unwrap: a panic is how a test reports a broken premise.
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;
use survey::default_questionnaire::default_questionnaire;
use survey::scoring::{RatingStats, Scorecard};
use survey::sync::{Stored, SyncDecision, decide};
use survey::{AnswerValue, Answers, Channel, QuestionKind, Response};

fn stats_of(ratings: &[Option<u8>]) -> RatingStats {
    let mut s = RatingStats::default();
    for r in ratings {
        s.add(&r.map_or(AnswerValue::NotApplicable, AnswerValue::Rating));
    }
    s
}

fn rating() -> impl Strategy<Value = Option<u8>> {
    prop_oneof![4 => (1u8..=5).prop_map(Some), 1 => Just(None)]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn figures_agree_with_each_other(ratings in prop::collection::vec(rating(), 0..200)) {
        let s = stats_of(&ratings);
        let given = ratings.iter().flatten().count() as u64;
        prop_assert_eq!(s.n(), given);
        prop_assert_eq!(s.not_applicable, ratings.len() as u64 - given);
        match s.mean() {
            None => prop_assert_eq!(given, 0),
            Some(mean) => {
                let sum: u64 = ratings.iter().flatten().map(|&v| u64::from(v)).sum();
                prop_assert!((mean - sum as f64 / given as f64).abs() < 1e-9);
                prop_assert!((1.0..=5.0).contains(&mean));
                let shares = s.pct_satisfied().unwrap() + s.pct_neutral().unwrap() + s.pct_dissatisfied().unwrap();
                prop_assert!((shares - 100.0).abs() < 1e-9);
                prop_assert!((s.index().unwrap() - (mean - 1.0) * 25.0).abs() < 1e-9);
            }
        }
    }

    #[test]
    fn pooling_is_the_same_as_counting_together(a in prop::collection::vec(rating(), 0..100), b in prop::collection::vec(rating(), 0..100)) {
        let mut merged = stats_of(&a);
        merged.merge(&stats_of(&b));
        let together: Vec<Option<u8>> = a.iter().chain(&b).copied().collect();
        prop_assert_eq!(merged, stats_of(&together));
    }

    /// The report scores SQL counts (`from_items`), the kiosk and tests score answers (`from_answers`): the
    /// two must agree on any set of responses.
    #[test]
    fn scoring_counts_equals_scoring_answers(picks in prop::collection::vec(prop::collection::vec(rating(), 40), 0..40)) {
        let q = default_questionnaire();
        let keys: Vec<_> = q.questions().filter(|(_, x)| matches!(x.kind, QuestionKind::Rating { .. })).map(|(_, x)| x.key.clone()).collect();
        let responses: Vec<Answers> = picks
            .iter()
            .map(|row| {
                keys.iter().zip(row).filter_map(|(k, r)| match r {
                    // Some questions left unanswered: every third "nie dotyczy" pick means no answer at all.
                    None if k.as_str().len() % 3 == 0 => None,
                    None => Some((k.clone(), AnswerValue::NotApplicable)),
                    Some(v) => Some((k.clone(), AnswerValue::Rating(*v))),
                }).collect()
            })
            .collect();
        let mut items: BTreeMap<_, RatingStats> = BTreeMap::new();
        for answers in &responses {
            for (k, v) in answers {
                items.entry(k.clone()).or_default().add(v);
            }
        }
        prop_assert_eq!(Scorecard::from_answers(&q, &responses), Scorecard::from_items(&q, items));
    }
}

/// What the network may do to one upload.
#[derive(Debug, Clone)]
enum Fate {
    /// Arrives, and its receipt comes back.
    Delivered,
    /// Lost on the way: the server never sees it.
    RequestLost,
    /// Stored by the server, but the receipt is lost: the kiosk will send it again.
    ReceiptLost,
    /// Delivered twice (a retried request the first copy of which arrived after all).
    Duplicated,
}

fn fate() -> impl Strategy<Value = Fate> {
    prop_oneof![Just(Fate::Delivered), Just(Fate::RequestLost), Just(Fate::ReceiptLost), Just(Fate::Duplicated)]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// A kiosk with `answers` answers sends batches of its pending ones; each batch meets a fate; between
    /// batches more answers may be taken. When the network finally works, every answer is on the server
    /// exactly once and acknowledged on the kiosk, and nothing is a conflict.
    #[test]
    fn resends_and_lost_receipts_end_in_exactly_once(
        answers in 1usize..60,
        fates in prop::collection::vec((fate(), 1usize..10), 0..40),
    ) {
        let made: Vec<Response> = (0..answers)
            .map(|i| {
                let mut r = Response::new("urzad", 1, Channel::KioskTouch);
                r.answers.insert(survey::QuestionKey::parse("ogolna_ocena").unwrap(), AnswerValue::Rating((i % 5 + 1) as u8));
                r
            })
            .collect();
        let mut server: BTreeMap<uuid::Uuid, Response> = BTreeMap::new();
        // Every row the server writes: an answer written twice would be counted twice.
        let mut rows_written = 0usize;
        let mut conflicts = 0;
        let mut acked: BTreeSet<uuid::Uuid> = BTreeSet::new();
        let mut deliver = |batch: &[Response], server: &mut BTreeMap<uuid::Uuid, Response>| {
            for r in batch {
                match decide(server.get(&r.id).map(|response| Stored { response, changed_by_admin: false }), r) {
                    SyncDecision::Store => { rows_written += 1; server.insert(r.id, r.clone()); }
                    SyncDecision::AlreadyStored => {}
                    SyncDecision::Conflict => conflicts += 1,
                }
            }
        };
        let pending = |acked: &BTreeSet<uuid::Uuid>, size: usize| -> Vec<Response> {
            made.iter().filter(|r| !acked.contains(&r.id)).take(size).cloned().collect()
        };
        for (fate, size) in fates {
            let batch = pending(&acked, size);
            match fate {
                Fate::Delivered => { deliver(&batch, &mut server); acked.extend(batch.iter().map(|r| r.id)); }
                Fate::RequestLost => {}
                Fate::ReceiptLost => deliver(&batch, &mut server),
                Fate::Duplicated => {
                    deliver(&batch, &mut server);
                    deliver(&batch, &mut server);
                    acked.extend(batch.iter().map(|r| r.id));
                }
            }
        }
        // The network works again: sync until nothing is pending.
        loop {
            let batch = pending(&acked, 10);
            if batch.is_empty() { break; }
            deliver(&batch, &mut server);
            acked.extend(batch.iter().map(|r| r.id));
        }
        prop_assert_eq!(conflicts, 0);
        prop_assert_eq!(rows_written, answers, "an answer was written twice");
        prop_assert_eq!(server.len(), answers);
        prop_assert!(made.iter().all(|r| server.get(&r.id) == Some(r)));
        prop_assert_eq!(acked.len(), answers);
    }

    /// Whatever numbers a device sends for its clocks and capture times, the counted time never panics,
    /// and is either the time given (within the survey's span) or the receiving time, flagged.
    #[test]
    fn any_device_clock_gives_a_plausible_counted_time(
        captured_secs in any::<i64>(),
        wall_secs in any::<i64>(),
        uptime_then in any::<u64>(),
        uptime_now in any::<u64>(),
        same_boot in any::<bool>(),
        has_clock in any::<bool>(),
    ) {
        use chrono::{DateTime, TimeZone, Utc};
        use survey::capture_time::{FUTURE_TOLERANCE, counted_capture_time};
        use survey::wire::DeviceClock;
        // Any instant chrono can hold, from the whole i64 range of seconds.
        let instant = |secs: i64| DateTime::from_timestamp(secs.rem_euclid(8_210_298_412_799) - 8_334_601_228_800 / 2, 0)
            .unwrap_or(DateTime::<Utc>::MIN_UTC);
        let received = Utc.with_ymd_and_hms(2026, 11, 28, 10, 0, 0).unwrap();
        let began = Utc.with_ymd_and_hms(2026, 1, 15, 0, 0, 0).unwrap();
        let mut r = Response::new("urzad", 1, Channel::KioskTouch);
        r.captured_at = instant(captured_secs);
        r.clock = Some(survey::CaptureClock { boot_id: "a".into(), uptime_ms: uptime_then });
        let clock = DeviceClock {
            monotonic: survey::CaptureClock { boot_id: if same_boot { "a" } else { "b" }.into(), uptime_ms: uptime_now },
            wall: instant(wall_secs),
        };
        let counted = counted_capture_time(&r, has_clock.then_some(&clock), received, began);
        if counted.replaced {
            prop_assert_eq!(counted.at, received);
        } else {
            prop_assert!(counted.at >= began && counted.at <= received + FUTURE_TOLERANCE, "{}", counted.at);
        }
    }
}
