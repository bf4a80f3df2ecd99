//! Anti-mashing for the button panel, visible: a press too soon after the last counted one, one of a
//! burst, or outside opening hours is recorded as *filtered* with its reason, never silently dropped.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use chrono::{Datelike, NaiveDateTime, NaiveTime};

/// Why a press was not counted: one enum shared with the server, which checks it.
pub use survey::wire::FilterReason;

/// One span of opening hours: ISO weekdays (1 = Monday … 7 = Sunday) and a time range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenSpan {
    pub first_day: u32,
    pub last_day: u32,
    pub from: NaiveTime,
    pub to: NaiveTime,
}

/// Reads spans written as `"1-5 07:30-17:00"` or `"6 08:00-12:00"`.
pub fn parse_hours(specs: &[String]) -> Result<Vec<OpenSpan>, String> {
    specs
        .iter()
        .map(|spec| {
            let bad =
                || format!("godziny otwarcia „{spec}”: zapisz np. „1-5 07:30-17:00” (dni tygodnia 1–7, godziny od–do)");
            let (days, times) = spec.trim().split_once(' ').ok_or_else(bad)?;
            let (first, last) = days.split_once('-').unwrap_or((days, days));
            let (from, to) = times.trim().split_once('-').ok_or_else(bad)?;
            let day = |d: &str| d.parse::<u32>().ok().filter(|d| (1..=7).contains(d)).ok_or_else(bad);
            let time = |t: &str| NaiveTime::parse_from_str(t, "%H:%M").map_err(|_| bad());
            let span = OpenSpan { first_day: day(first)?, last_day: day(last)?, from: time(from)?, to: time(to)? };
            if span.first_day > span.last_day || span.from >= span.to {
                return Err(bad());
            }
            Ok(span)
        })
        .collect()
}

/// Decides, press by press, whether it counts.
pub struct PressFilter {
    min_gap: Duration,
    burst_max: usize,
    hours: Vec<OpenSpan>,
    last_counted: Option<Instant>,
    counted: VecDeque<Instant>,
}

/// The window of [`FilterReason::Burst`].
const BURST_WINDOW: Duration = Duration::from_secs(60);

impl PressFilter {
    /// A filter counting presses at least `min_gap` apart, at most `burst_max` a minute, within `hours`
    /// (no spans: always open).
    pub fn new(min_gap: Duration, burst_max: usize, hours: Vec<OpenSpan>) -> Self {
        PressFilter { min_gap, burst_max, hours, last_counted: None, counted: VecDeque::new() }
    }

    fn open_at(&self, local: NaiveDateTime) -> bool {
        let day = local.weekday().number_from_monday();
        let time = local.time();
        self.hours.is_empty()
            || self.hours.iter().any(|s| (s.first_day..=s.last_day).contains(&day) && s.from <= time && time < s.to)
    }

    /// Whether a press at `at` (monotonic) and `local` (the office's wall clock) counts as an answer.
    pub fn decide(&mut self, at: Instant, local: NaiveDateTime) -> Result<(), FilterReason> {
        if !self.open_at(local) {
            return Err(FilterReason::OutsideHours);
        }
        if self.last_counted.is_some_and(|last| at.duration_since(last) < self.min_gap) {
            return Err(FilterReason::TooSoon);
        }
        while self.counted.front().is_some_and(|t| at.duration_since(*t) >= BURST_WINDOW) {
            self.counted.pop_front();
        }
        if self.counted.len() >= self.burst_max {
            return Err(FilterReason::Burst);
        }
        self.last_counted = Some(at);
        self.counted.push_back(at);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    fn wednesday(h: u32, m: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, 25).unwrap().and_hms_opt(h, m, 0).unwrap()
    }

    #[test]
    fn a_mash_of_ten_presses_in_two_seconds_is_one_answer_and_nine_filtered() {
        let mut f = PressFilter::new(Duration::from_secs(5), 6, vec![]);
        let t0 = Instant::now();
        let results: Vec<_> =
            (0..10).map(|i| f.decide(t0 + Duration::from_millis(i * 200), wednesday(10, 0))).collect();
        assert_eq!(results[0], Ok(()));
        assert!(results[1..].iter().all(|r| *r == Err(FilterReason::TooSoon)));
        assert_eq!(f.decide(t0 + Duration::from_secs(6), wednesday(10, 0)), Ok(()));
    }

    #[test]
    fn a_steady_player_is_a_burst() {
        let mut f = PressFilter::new(Duration::from_secs(5), 3, vec![]);
        let t0 = Instant::now();
        let at = |s| t0 + Duration::from_secs(s);
        assert_eq!(f.decide(at(0), wednesday(10, 0)), Ok(()));
        assert_eq!(f.decide(at(6), wednesday(10, 0)), Ok(()));
        assert_eq!(f.decide(at(12), wednesday(10, 0)), Ok(()));
        assert_eq!(f.decide(at(18), wednesday(10, 0)), Err(FilterReason::Burst));
        assert_eq!(f.decide(at(61), wednesday(10, 1)), Ok(()), "a minute later it counts again");
    }

    #[test]
    fn presses_outside_opening_hours_are_marked() {
        let hours = parse_hours(&["1-5 07:30-17:00".into(), "6 08:00-12:00".into()]).unwrap();
        let mut f = PressFilter::new(Duration::ZERO, 100, hours);
        let t0 = Instant::now();
        assert_eq!(f.decide(t0, wednesday(7, 29)), Err(FilterReason::OutsideHours));
        assert_eq!(f.decide(t0, wednesday(7, 30)), Ok(()));
        assert_eq!(f.decide(t0, wednesday(17, 0)), Err(FilterReason::OutsideHours));
        let sunday = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap().and_hms_opt(10, 0, 0).unwrap();
        assert_eq!(f.decide(t0, sunday), Err(FilterReason::OutsideHours));
        for bad in ["pon-pt 7:30-17:00", "1-8 07:00-08:00", "5-1 07:00-08:00", "1 09:00-08:00", "1"] {
            assert!(parse_hours(&[bad.into()]).is_err(), "{bad}");
        }
    }
}
