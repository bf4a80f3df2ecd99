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

/// A day as a person reads it: "1 grudnia 2026".
pub fn date_pl(day: NaiveDate) -> String {
    use chrono::Datelike;
    format!("{} {} {}", day.day(), MONTHS_GENITIVE[day.month0() as usize], day.year())
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

    #[test]
    fn date_pls_use_the_genitive_month() {
        assert_eq!(date_pl(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()), "1 grudnia 2026");
        assert_eq!(date_pl(NaiveDate::from_ymd_opt(2027, 9, 30).unwrap()), "30 września 2027");
    }
}
