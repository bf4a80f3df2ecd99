//! Offices keep Polish time. Report periods, days, months and the hour × weekday map are counted in
//! Europe/Warsaw, while the database stores instants in UTC: a client at 00:30 on 1 January is in the
//! new year, though UTC still says 31 December.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};

/// The offices' time zone.
pub const OFFICE_TZ: chrono_tz::Tz = chrono_tz::Europe::Warsaw;

/// The office's wall-clock time at an instant.
pub fn local(t: DateTime<Utc>) -> NaiveDateTime {
    t.with_timezone(&OFFICE_TZ).naive_local()
}

/// A stored instant (RFC 3339) as a person reads it: local date and time to the minute. A text that is
/// not an instant is shown as it is.
pub fn shown(stored: &str) -> String {
    DateTime::parse_from_rfc3339(stored)
        .map_or_else(|_| stored.to_owned(), |t| local(t.with_timezone(&Utc)).format("%Y-%m-%d %H:%M").to_string())
}

/// The instant a local day begins. Polish clocks change at 02:00/03:00, so midnight always exists
/// once; `earliest` keeps this total all the same.
pub fn day_start(day: NaiveDate) -> DateTime<Utc> {
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    OFFICE_TZ
        .from_local_datetime(&midnight)
        .earliest()
        .map_or_else(|| Utc.from_utc_datetime(&midnight), |t| t.with_timezone(&Utc))
}

/// [`day_start`] as stored in the database (RFC 3339, whole seconds).
pub fn day_start_text(day: NaiveDate) -> String {
    day_start(day).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_instants_are_shown_in_polish_time() {
        assert_eq!(shown("2026-01-15T11:05:59Z"), "2026-01-15 12:05");
        assert_eq!(shown("2026-07-15T11:05:00Z"), "2026-07-15 13:05");
        assert_eq!(shown("nie czas"), "nie czas");
    }

    #[test]
    fn days_begin_at_polish_midnight_in_winter_and_summer() {
        let winter = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let summer = NaiveDate::from_ymd_opt(2026, 7, 1).unwrap();
        assert_eq!(day_start_text(winter), "2025-12-31T23:00:00Z");
        assert_eq!(day_start_text(summer), "2026-06-30T22:00:00Z");
        let t = Utc.with_ymd_and_hms(2025, 12, 31, 23, 30, 0).unwrap();
        assert_eq!(local(t).to_string(), "2026-01-01 00:30:00");
    }
}
