//! Offices keep Polish time. Report periods, days, months and the hour × weekday map are counted in
//! Europe/Warsaw, while the database stores instants in UTC: a client at 00:30 on 1 January is in the
//! new year, though UTC still says 31 December.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, TimeZone, Timelike, Utc};

/// The offices' time zone.
pub const OFFICE_TZ: chrono_tz::Tz = chrono_tz::Europe::Warsaw;

/// The office's wall-clock time at an instant.
pub fn local(t: DateTime<Utc>) -> NaiveDateTime {
    t.with_timezone(&OFFICE_TZ).naive_local()
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

/// The instant of a local wall-clock time; in the hour skipped when clocks go forward, the instant after
/// it, and in the hour repeated when they go back, the earlier one.
pub fn at(local: NaiveDateTime) -> DateTime<Utc> {
    OFFICE_TZ
        .from_local_datetime(&local)
        .earliest()
        .or_else(|| OFFICE_TZ.from_local_datetime(&(local + chrono::Duration::hours(1))).earliest())
        .map_or_else(|| Utc.from_utc_datetime(&local), |t| t.with_timezone(&Utc))
}

/// [`day_start`] as stored in the database (RFC 3339, whole seconds).
pub fn day_start_text(day: NaiveDate) -> String {
    day_start(day).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Polish month names in the genitive, as a date is said: "1 grudnia".
const MONTHS_GENITIVE: [&str; 12] = [
    "stycznia",
    "lutego",
    "marca",
    "kwietnia",
    "maja",
    "czerwca",
    "lipca",
    "sierpnia",
    "września",
    "października",
    "listopada",
    "grudnia",
];

/// Polish month names in the nominative, as a month is named on its own: "grudzień 2026".
pub const MONTHS_NOMINATIVE: [&str; 12] = [
    "styczeń",
    "luty",
    "marzec",
    "kwiecień",
    "maj",
    "czerwiec",
    "lipiec",
    "sierpień",
    "wrzesień",
    "październik",
    "listopad",
    "grudzień",
];

/// A day as a person reads it: "1 grudnia 2026".
pub fn date_pl(day: NaiveDate) -> String {
    format!("{} {} {}", day.day(), MONTHS_GENITIVE[day.month0() as usize], day.year())
}

/// The one way an instant is shown to a person: office time, Polish words, "1 grudnia 2026, 09:45".
pub fn human(t: DateTime<Utc>) -> String {
    let l = local(t);
    format!("{}, {:02}:{:02}", date_pl(l.date()), l.hour(), l.minute())
}

/// [`human`] of an instant as the database stores it (RFC 3339). Text that is not such an instant is
/// shown as it is: a person should see what is stored rather than nothing.
pub fn human_text(stored: &str) -> String {
    DateTime::parse_from_rfc3339(stored).map_or_else(|_| stored.to_owned(), |t| human(t.with_timezone(&Utc)))
}

/// The office's day of an instant as stored (RFC 3339), "1 grudnia 2026"; other text as it is.
pub fn day_text(stored: &str) -> String {
    DateTime::parse_from_rfc3339(stored)
        .map_or_else(|_| stored.to_owned(), |t| date_pl(local(t.with_timezone(&Utc)).date()))
}

/// A day as stored or carried in a link (`YYYY-MM-DD`), as a person reads it: "1 grudnia 2026"; an instant
/// (RFC 3339) as its office day; other text as it is.
pub fn iso_day_text(day: &str) -> String {
    NaiveDate::parse_from_str(day, "%Y-%m-%d").map_or_else(|_| day_text(day), date_pl)
}

/// Askama filters, so that every template shows times the same way: `{{ at|local_time }}`.
pub mod filters {
    /// See [`super::human_text`]; templates pass the stored RFC 3339 text.
    pub fn local_time<T: std::fmt::Display>(stored: T, _: &dyn askama::Values) -> askama::Result<String> {
        Ok(super::human_text(&stored.to_string()))
    }

    /// See [`super::iso_day_text`]: a report's period, "1 grudnia 2026".
    pub fn day<T: std::fmt::Display>(iso_day: T, _: &dyn askama::Values) -> askama::Result<String> {
        Ok(super::iso_day_text(&iso_day.to_string()))
    }

    /// The office's day of an instant, "1 grudnia 2026" (a paper sheet's day of filling in).
    pub fn local_day(t: &chrono::DateTime<chrono::Utc>, _: &dyn askama::Values) -> askama::Result<String> {
        Ok(super::date_pl(super::local(*t).date()))
    }
}

/// The office's local day today.
pub fn today() -> NaiveDate {
    local(Utc::now()).date()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_begin_at_polish_midnight_in_winter_and_summer() {
        let winter = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let summer = NaiveDate::from_ymd_opt(2026, 7, 1).unwrap();
        assert_eq!(day_start_text(winter), "2025-12-31T23:00:00Z");
        assert_eq!(day_start_text(summer), "2026-06-30T22:00:00Z");
        let t = Utc.with_ymd_and_hms(2025, 12, 31, 23, 30, 0).unwrap();
        assert_eq!(local(t).to_string(), "2026-01-01 00:30:00");
    }

    fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
    }

    #[rstest::rstest]
    #[case::winter(at(2026, 12, 1, 8, 45), "1 grudnia 2026, 09:45")]
    #[case::summer(at(2026, 7, 15, 7, 5), "15 lipca 2026, 09:05")]
    #[case::new_year_in_warsaw_not_yet_in_utc(at(2025, 12, 31, 23, 30), "1 stycznia 2026, 00:30")]
    #[case::last_minute_of_the_year(at(2025, 12, 31, 22, 59), "31 grudnia 2025, 23:59")]
    #[case::spring_forward_before(at(2026, 3, 29, 0, 59), "29 marca 2026, 01:59")]
    #[case::spring_forward_after(at(2026, 3, 29, 1, 0), "29 marca 2026, 03:00")]
    #[case::autumn_back_first_two_thirty(at(2026, 10, 25, 0, 30), "25 października 2026, 02:30")]
    #[case::autumn_back_second_two_thirty(at(2026, 10, 25, 1, 30), "25 października 2026, 02:30")]
    #[case::autumn_back_after(at(2026, 10, 25, 2, 0), "25 października 2026, 03:00")]
    fn instants_read_in_polish_office_time(#[case] t: DateTime<Utc>, #[case] shown: &str) {
        assert_eq!(human(t), shown);
        assert_eq!(human_text(&t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)), shown);
    }

    #[test]
    fn stored_text_that_is_not_an_instant_is_shown_as_stored() {
        assert_eq!(human_text("nie wiadomo"), "nie wiadomo");
        assert_eq!(human_text("2026-05-03T10:00:00+00:00"), "3 maja 2026, 12:00");
        assert_eq!(day_text("2025-12-31T23:30:00Z"), "1 stycznia 2026");
        assert_eq!(day_text("nie wiadomo"), "nie wiadomo");
        assert_eq!(iso_day_text("2026-03-31"), "31 marca 2026");
        assert_eq!(iso_day_text("wszystko"), "wszystko");
        assert_eq!(iso_day_text("2026-06-30T22:30:00Z"), "1 lipca 2026");
    }
}
