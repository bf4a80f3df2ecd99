//! The rules, as pure functions of counts, times and settings: no SQL, no clock of their own. The worker
//! (`super::evaluate`) reads the counts and passes the time; tests pass both.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use crate::local_time;

use super::settings::{OfficeAlertSettings, OpeningHours};

/// Below this many answers in 90 days the office's own share is too uncertain to compare with: the
/// rule then compares with [`FALLBACK_BASELINE`].
pub const MIN_BASELINE_ANSWERS: u64 = 30;
/// The share of the two lowest ratings assumed when an office has too little history (15 %).
pub const FALLBACK_BASELINE: f64 = 0.15;
/// The days of history the baseline covers.
pub const BASELINE_DAYS: i64 = 90;

/// Counts of overall ratings: how many, and how many were 1 or 2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    pub answers: u64,
    pub low: u64,
}

impl Counts {
    fn share(self) -> f64 {
        if self.answers == 0 { 0.0 } else { self.low as f64 / self.answers as f64 }
    }
}

/// A negative spike found: the window's share and the baseline it was compared with (0–1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spike {
    pub window: Counts,
    pub share: f64,
    pub baseline: f64,
    /// Whether the baseline is the office's own (else [`FALLBACK_BASELINE`]).
    pub own_baseline: bool,
}

/// The negative-spike rule: with `n` answers in the window, `p` their share of ratings 1–2 and `p0` the
/// office's share over the previous 90 days (or 15 % with fewer than 30 answers there), an alert when
/// `n ≥ spike_min_answers` and `p − p0 ≥ spike_margin_points / 100`.
pub fn negative_spike(window: Counts, baseline: Counts, settings: &OfficeAlertSettings) -> Option<Spike> {
    let own_baseline = baseline.answers >= MIN_BASELINE_ANSWERS;
    let p0 = if own_baseline { baseline.share() } else { FALLBACK_BASELINE };
    let p = window.share();
    // Compared in whole hundredths of a point, so that a share exactly at the margin counts as reaching it
    // whatever the floating-point rounding.
    let excess = ((p - p0) * 10_000.0).round() as i64;
    (window.answers >= u64::from(settings.spike_min_answers) && excess >= i64::from(settings.spike_margin_points) * 100)
        .then_some(Spike { window, share: p, baseline: p0, own_baseline })
}

/// The window `[now − hours, now)` and the baseline's local days (the 90 days before today).
pub fn spike_periods(now: DateTime<Utc>, hours: u32) -> (DateTime<Utc>, NaiveDate, NaiveDate) {
    let today = local_time::local(now).date();
    (now - Duration::hours(i64::from(hours)), today - Duration::days(BASELINE_DAYS), today - Duration::days(1))
}

/// How long a kiosk last heard at `last_seen` has been silent within opening hours at `now`, if it is
/// open now: counted from the later of its last contact and today's opening, so a kiosk switched off
/// overnight is not silent at 8:01. `None` when the office is closed.
pub fn silent_for(now: DateTime<Utc>, last_seen: Option<DateTime<Utc>>, hours: &OpeningHours) -> Option<Duration> {
    let local = local_time::local(now);
    let opened = hours.open_since(chrono::Datelike::weekday(&local), local.time())?;
    let opened_at = local_time::at(local.date().and_time(opened));
    let since = last_seen.map_or(opened_at, |seen| seen.max(opened_at));
    Some(now - since)
}

/// When the yearly report is due: a year after the last report of a period (or after the office was set
/// up, before its first), as a local day.
pub fn report_due(last_report_or_start: DateTime<Utc>) -> NaiveDate {
    let day = local_time::local(last_report_or_start).date();
    day.checked_add_months(chrono::Months::new(12)).unwrap_or(day)
}

/// Whether a report due on `due` is to be announced on `today`: 30 days before, and while overdue.
pub fn report_due_soon(due: NaiveDate, today: NaiveDate) -> bool {
    today >= due - Duration::days(30)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    fn c(answers: u64, low: u64) -> Counts {
        Counts { answers, low }
    }

    /// Data sets with known answers (defaults: at least 10 answers, 20 points above the baseline).
    #[rstest]
    // 6 of 10 unhappy against the office's usual 10 %: 60 − 10 = 50 points.
    #[case(c(10, 6), c(1000, 100), true)]
    // Two unhappy visitors on a quiet morning: 2 of 2 is 100 %, but too few answers.
    #[case(c(2, 2), c(1000, 100), false)]
    // 9 answers, all unhappy: still one short of the minimum.
    #[case(c(9, 9), c(1000, 100), false)]
    // Exactly 20 points above: 3 of 10 against 10 %.
    #[case(c(10, 3), c(1000, 100), true)]
    // Just under: 29 of 100 against 10 %.
    #[case(c(100, 29), c(1000, 100), false)]
    // An office that is usually unhappy (50 %): 60 % is no spike.
    #[case(c(20, 12), c(400, 200), false)]
    // Too little history (20 answers): compared with 15 %, 4 of 10 (40 %) is 25 points above.
    #[case(c(10, 4), c(20, 0), true)]
    // The same window against a long history at 30 %: 10 points, no alert.
    #[case(c(10, 4), c(300, 90), false)]
    // No answers at all.
    #[case(c(0, 0), c(0, 0), false)]
    fn the_negative_spike_rule_on_known_data(#[case] window: Counts, #[case] baseline: Counts, #[case] alert: bool) {
        assert_eq!(negative_spike(window, baseline, &OfficeAlertSettings::default()).is_some(), alert);
    }

    #[test]
    fn the_thresholds_are_the_offices_own() {
        let strict = OfficeAlertSettings { spike_min_answers: 4, spike_margin_points: 40, ..Default::default() };
        let found = negative_spike(c(4, 2), c(1000, 50), &strict).unwrap();
        assert_eq!((found.share, found.baseline, found.own_baseline), (0.5, 0.05, true));
        assert!(negative_spike(c(4, 1), c(1000, 50), &strict).is_none());
    }

    fn utc(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[rstest]
    // Tuesday 1 December 2026, 10:00 in Warsaw (09:00 UTC); last heard at 7:00 UTC: 2 hours.
    #[case("2026-12-01T09:00:00Z", Some("2026-12-01T07:00:00Z"), Some(120))]
    // Heard last night: counted from the opening at 8:00 (07:00 UTC), so at 8:30 it is 30 minutes.
    #[case("2026-12-01T07:30:00Z", Some("2026-11-30T16:00:00Z"), Some(30))]
    // Never heard: also from the opening.
    #[case("2026-12-01T08:00:00Z", None, Some(60))]
    // At night and on Saturday the office is closed.
    #[case("2026-12-01T20:00:00Z", Some("2026-12-01T07:00:00Z"), None)]
    #[case("2026-12-05T10:00:00Z", Some("2026-12-04T07:00:00Z"), None)]
    fn silence_counts_only_within_opening_hours(
        #[case] now: &str,
        #[case] seen: Option<&str>,
        #[case] minutes: Option<i64>,
    ) {
        let hours = OpeningHours::parse("1-5 08:00-16:00").unwrap();
        assert_eq!(silent_for(utc(now), seen.map(utc), &hours).map(|d| d.num_minutes()), minutes);
    }

    #[test]
    fn the_yearly_report_is_due_a_year_after_the_last_and_announced_30_days_before() {
        let due = report_due(utc("2025-12-15T10:00:00Z"));
        assert_eq!(due, NaiveDate::from_ymd_opt(2026, 12, 15).unwrap());
        assert!(!report_due_soon(due, NaiveDate::from_ymd_opt(2026, 11, 14).unwrap()));
        assert!(report_due_soon(due, NaiveDate::from_ymd_opt(2026, 11, 15).unwrap()));
        assert!(report_due_soon(due, NaiveDate::from_ymd_opt(2027, 2, 1).unwrap()), "overdue");
    }
}
