//! When an answer counts: the capture time the server records, from what the device says and what the
//! server knows.
//!
//! A kiosk's wall clock can be anything: a Raspberry Pi has no battery-backed clock, so after a power
//! cut without network it may believe it is 1970, or a misconfigured NTP server may put it centuries
//! ahead. Within the boot the answer was taken in, the monotonic clock tells exactly how long ago it
//! was taken, whatever the wall clock says. Beyond that, a capture time before the office's survey began
//! or after the moment the server received it cannot be true: such an answer is counted when it was
//! received and flagged, so that nothing is silently counted in the wrong year.
//!
//! Every number here comes from a device and may be anything: all arithmetic is checked, nothing panics.

use chrono::{DateTime, TimeDelta, Utc};

use crate::response::Response;
use crate::wire::DeviceClock;

/// How far after the server's receiving time a capture time may be (clocks a little apart) and still be
/// taken as given.
pub const FUTURE_TOLERANCE: TimeDelta = TimeDelta::minutes(5);

/// The capture time to count, and whether it had to replace the device's own because that was impossible.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CountedTime {
    /// The time the answer is counted at.
    pub at: DateTime<Utc>,
    /// True when the device's time was impossible and the receiving time is counted instead.
    pub replaced: bool,
}

/// The time from the monotonic clocks: for an answer captured in the boot the device is still in, the
/// server's receiving time minus the monotonic time elapsed since capture. `None` when there is nothing
/// to go by (another boot, no monotonic clock, a capture "after" now) or the numbers are out of range.
pub fn monotonic_capture_time(
    response: &Response,
    device: Option<&DeviceClock>,
    received_at: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let (at, now) = (response.clock.as_ref()?, device?);
    if at.boot_id != now.monotonic.boot_id {
        return None;
    }
    let elapsed_ms = now.monotonic.uptime_ms.checked_sub(at.uptime_ms)?;
    let elapsed = TimeDelta::try_milliseconds(i64::try_from(elapsed_ms).ok()?)?;
    received_at.checked_sub_signed(elapsed)
}

/// The capture time to count for `response`, received at `received_at` by an office whose survey began at
/// `survey_began`: the monotonic correction when it applies, else the device's own capture time; either
/// only when it lies between `survey_began` and `received_at` + [`FUTURE_TOLERANCE`], else the receiving
/// time, flagged as replaced.
pub fn counted_capture_time(
    response: &Response,
    device: Option<&DeviceClock>,
    received_at: DateTime<Utc>,
    survey_began: DateTime<Utc>,
) -> CountedTime {
    let claimed = monotonic_capture_time(response, device, received_at).unwrap_or(response.captured_at);
    plausible_or_received(claimed, received_at, survey_began)
}

/// `claimed` when it lies between `survey_began` and `received_at` + [`FUTURE_TOLERANCE`], else the
/// receiving time, flagged as replaced.
pub fn plausible_or_received(
    claimed: DateTime<Utc>,
    received_at: DateTime<Utc>,
    survey_began: DateTime<Utc>,
) -> CountedTime {
    let latest = received_at.checked_add_signed(FUTURE_TOLERANCE).unwrap_or(DateTime::<Utc>::MAX_UTC);
    if survey_began <= claimed && claimed <= latest {
        CountedTime { at: claimed, replaced: false }
    } else {
        CountedTime { at: received_at, replaced: true }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use chrono::TimeZone;
    use rstest::rstest;

    use super::*;
    use crate::response::{CaptureClock, Channel};

    fn at(boot: &str, uptime_ms: u64) -> CaptureClock {
        CaptureClock { boot_id: boot.into(), uptime_ms }
    }

    fn received() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 28, 10, 0, 0).unwrap()
    }

    fn began() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 15, 0, 0, 0).unwrap()
    }

    fn answer(captured_at: DateTime<Utc>, clock: Option<CaptureClock>) -> Response {
        let mut r = Response::new("urzad", 1, Channel::KioskTouch);
        r.captured_at = captured_at;
        r.clock = clock;
        r
    }

    #[test]
    fn within_the_same_boot_the_monotonic_clock_wins_over_a_wrong_wall_clock() {
        // The kiosk believes it is 1970 (no clock after a power cut); the answer was taken 90 s before sending.
        let wrong = Utc.with_ymd_and_hms(1970, 1, 1, 0, 5, 0).unwrap();
        let r = answer(wrong, Some(at("boot-a", 10_000)));
        let now = DeviceClock { monotonic: at("boot-a", 100_000), wall: wrong + TimeDelta::seconds(90) };
        let counted = counted_capture_time(&r, Some(&now), received(), began());
        assert_eq!(counted, CountedTime { at: received() - TimeDelta::seconds(90), replaced: false });
    }

    /// (device's capture time, monotonic clocks at capture and now) → (counted time, replaced).
    #[rstest]
    #[case::plausible_own_time((2026, 11, 27), None, None, ((2026, 11, 27), false))]
    #[case::another_boot_with_a_1970_clock((1970, 1, 1), Some(("a", 10)), Some(("b", 5)), ((2026, 11, 28), true))]
    #[case::before_the_survey_began((2025, 12, 31), None, None, ((2026, 11, 28), true))]
    #[case::centuries_ahead((2426, 1, 1), None, None, ((2026, 11, 28), true))]
    #[case::monotonic_after_now((2026, 11, 27), Some(("a", 200)), Some(("a", 100)), ((2026, 11, 27), false))]
    fn capture_times(
        #[case] captured: (i32, u32, u32),
        #[case] then: Option<(&str, u64)>,
        #[case] now: Option<(&str, u64)>,
        #[case] expected: ((i32, u32, u32), bool),
    ) {
        let day = |(y, m, d): (i32, u32, u32)| Utc.with_ymd_and_hms(y, m, d, 10, 0, 0).unwrap();
        let r = answer(day(captured), then.map(|(b, u)| at(b, u)));
        let now = now.map(|(b, u)| DeviceClock { monotonic: at(b, u), wall: day(captured) });
        let counted = counted_capture_time(&r, now.as_ref(), received(), began());
        assert_eq!(counted, CountedTime { at: day(expected.0), replaced: expected.1 });
    }

    #[test]
    fn extreme_numbers_do_not_panic_and_count_at_the_receiving_time() {
        let cases = [
            (DateTime::<Utc>::MIN_UTC, 0, u64::MAX),
            (DateTime::<Utc>::MAX_UTC, 0, u64::MAX),
            (DateTime::<Utc>::MIN_UTC, 0, i64::MAX as u64),
            (DateTime::<Utc>::MAX_UTC, u64::MAX, u64::MAX),
        ];
        for (captured, then, now) in cases {
            let r = answer(captured, Some(at("a", then)));
            let clock = DeviceClock { monotonic: at("a", now), wall: captured };
            for received in [received(), DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC] {
                let counted = counted_capture_time(&r, Some(&clock), received, began());
                assert!(counted.at == received || !counted.replaced, "{captured} {then} {now} {received}");
            }
        }
    }
}
