//! An office's alert settings: which alerts are on, their thresholds, the opening hours in which a kiosk
//! must be heard, and what mails may say. Stored as JSON (`alert_settings`); a key missing from the
//! stored JSON takes its default, so settings saved by an older version still read.

use chrono::{NaiveTime, Weekday};
use serde::{Deserialize, Serialize};

/// The defaults are those written in the manual (`docs/instrukcja/13-alerty.md`); change both together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OfficeAlertSettings {
    pub spike_enabled: bool,
    /// The window looked at: the last this many hours.
    pub spike_window_hours: u32,
    /// Fewer answers than this in the window are never an alert (two unhappy visitors on a quiet morning).
    pub spike_min_answers: u32,
    /// How many percentage points above the office's own 90-day baseline the window's share must be.
    pub spike_margin_points: u32,
    pub silent_enabled: bool,
    /// A kiosk not heard from for this many minutes of opening hours is silent.
    pub silent_minutes: u32,
    /// When the office is open, e.g. `1-5 08:00-16:00` (ISO weekdays 1 = Monday … 7 = Sunday); several
    /// spans separated by `;`.
    pub opening_hours: String,
    pub report_due_enabled: bool,
    pub actions_enabled: bool,
    /// Whether alert mails may quote residents' comments (off: comments may hold personal data).
    pub include_comments: bool,
    /// Whether the office's recipients get a summary of the past week every Monday morning.
    pub weekly_summary: bool,
}

impl Default for OfficeAlertSettings {
    fn default() -> Self {
        OfficeAlertSettings {
            spike_enabled: true,
            spike_window_hours: 4,
            spike_min_answers: 10,
            spike_margin_points: 20,
            silent_enabled: true,
            silent_minutes: 60,
            opening_hours: DEFAULT_OPENING_HOURS.to_owned(),
            report_due_enabled: true,
            actions_enabled: true,
            include_comments: false,
            weekly_summary: false,
        }
    }
}

/// Monday to Friday, 8:00 to 16:00.
pub const DEFAULT_OPENING_HOURS: &str = "1-5 08:00-16:00";

impl OfficeAlertSettings {
    /// Checks the values a person typed; a Polish message per problem.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if !(1..=72).contains(&self.spike_window_hours) {
            out.push("Okno czasowe: od 1 do 72 godzin.".to_owned());
        }
        if !(3..=1000).contains(&self.spike_min_answers) {
            out.push("Najmniejsza liczba odpowiedzi: od 3 do 1000.".to_owned());
        }
        if !(5..=90).contains(&self.spike_margin_points) {
            out.push("Przewaga nad poziomem odniesienia: od 5 do 90 punktów procentowych.".to_owned());
        }
        if !(10..=1440).contains(&self.silent_minutes) {
            out.push("Cisza kiosku: od 10 do 1440 minut.".to_owned());
        }
        if let Err(e) = OpeningHours::parse(&self.opening_hours) {
            out.push(e);
        }
        out
    }

    /// The opening hours, or the default when the stored text no longer reads.
    pub fn hours(&self) -> OpeningHours {
        OpeningHours::parse(&self.opening_hours)
            .or_else(|_| OpeningHours::parse(DEFAULT_OPENING_HOURS))
            .unwrap_or(OpeningHours(Vec::new()))
    }
}

/// Opening hours: spans of ISO weekdays, each with a time range (local time).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpeningHours(pub Vec<Span>);

/// One span: weekdays `first..=last` (1 = Monday), open `from..to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub first: u32,
    pub last: u32,
    pub from: NaiveTime,
    pub to: NaiveTime,
}

impl OpeningHours {
    /// Reads `1-5 08:00-16:00; 6 09:00-12:00`.
    pub fn parse(text: &str) -> Result<OpeningHours, String> {
        let bad = |part: &str| {
            format!(
                "Godziny otwarcia „{part}”: zapisz np. „1-5 08:00-16:00” (dni tygodnia 1–7, od poniedziałku; kilka zakresów rozdziel średnikiem)."
            )
        };
        let mut spans = Vec::new();
        for part in text.split(';').map(str::trim).filter(|p| !p.is_empty()) {
            let (days, hours) = part.split_once(char::is_whitespace).ok_or_else(|| bad(part))?;
            let (first, last) = match days.split_once('-') {
                Some((a, b)) => (a.trim().parse::<u32>(), b.trim().parse::<u32>()),
                None => (days.parse::<u32>(), days.parse::<u32>()),
            };
            let (Ok(first), Ok(last)) = (first, last) else { return Err(bad(part)) };
            let (from, to) = hours.trim().split_once('-').ok_or_else(|| bad(part))?;
            let time = |t: &str| NaiveTime::parse_from_str(t.trim(), "%H:%M").map_err(|_| bad(part));
            let (from, to) = (time(from)?, time(to)?);
            if !(1..=7).contains(&first) || !(first..=7).contains(&last) || from >= to {
                return Err(bad(part));
            }
            spans.push(Span { first, last, from, to });
        }
        if spans.is_empty() {
            return Err(bad(text));
        }
        Ok(OpeningHours(spans))
    }

    /// Since when the office has been open at local `weekday` and `time`: the opening time of the span
    /// under way, or `None` when it is closed.
    pub fn open_since(&self, weekday: Weekday, time: NaiveTime) -> Option<NaiveTime> {
        let day = weekday.number_from_monday();
        self.0.iter().find(|s| (s.first..=s.last).contains(&day) && s.from <= time && time < s.to).map(|s| s.from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    #[rstest]
    #[case(Weekday::Mon, t(8, 0), Some(t(8, 0)))]
    #[case(Weekday::Fri, t(15, 59), Some(t(8, 0)))]
    #[case(Weekday::Fri, t(16, 0), None)]
    #[case(Weekday::Wed, t(7, 59), None)]
    #[case(Weekday::Sat, t(10, 0), Some(t(9, 0)))]
    #[case(Weekday::Sun, t(10, 0), None)]
    fn opening_hours_say_when_the_office_is_open(
        #[case] day: Weekday,
        #[case] time: NaiveTime,
        #[case] since: Option<NaiveTime>,
    ) {
        let hours = OpeningHours::parse("1-5 08:00-16:00; 6 09:00-12:00").unwrap();
        assert_eq!(hours.open_since(day, time), since);
    }

    #[rstest]
    #[case("")]
    #[case("pn-pt 8-16")]
    #[case("1-8 08:00-16:00")]
    #[case("5-1 08:00-16:00")]
    #[case("1-5 16:00-08:00")]
    #[case("1-5 08:00")]
    fn bad_opening_hours_are_refused_in_polish(#[case] text: &str) {
        assert!(OpeningHours::parse(text).unwrap_err().contains("zapisz np. „1-5 08:00-16:00”"));
    }

    #[test]
    fn defaults_pass_their_own_checks_and_old_json_reads() {
        assert!(OfficeAlertSettings::default().problems().is_empty());
        let old: OfficeAlertSettings = serde_json::from_str(r#"{"spike_window_hours": 2}"#).unwrap();
        assert_eq!((old.spike_window_hours, old.silent_minutes), (2, 60));
        let bad = OfficeAlertSettings { spike_min_answers: 1, silent_minutes: 5, ..Default::default() };
        assert_eq!(bad.problems().len(), 2);
    }
}
