//! The capture time counted for a kiosk's answer, over any numbers a device may send for its clocks and
//! capture times: never a panic, never an overflow (this build checks overflow), and the time counted is
//! either within the survey's span or the receiving time, flagged.
#![no_main]

use libfuzzer_sys::fuzz_target;
use survey::capture_time::{FUTURE_TOLERANCE, counted_capture_time};
use survey::wire::DeviceClock;
use survey::{CaptureClock, Channel, Response};

/// Eight bytes at a time as numbers; missing bytes are zeros.
fn numbers(data: &[u8]) -> impl Iterator<Item = u64> + '_ {
    data.chunks(8).map(|c| {
        let mut b = [0u8; 8];
        b[..c.len()].copy_from_slice(c);
        u64::from_le_bytes(b)
    })
}

fuzz_target!(|data: &[u8]| {
    let mut n = numbers(data).chain(std::iter::repeat(0));
    let mut next = || n.next().unwrap_or(0);
    // Any instant chrono can represent: seconds and nanoseconds from the raw numbers.
    let mut instant = |secs: u64, nanos: u64| {
        chrono::DateTime::from_timestamp(secs as i64, (nanos % 2_000_000_000) as u32)
            .unwrap_or(chrono::DateTime::UNIX_EPOCH)
    };
    let (captured, wall, received, began) =
        (instant(next(), next()), instant(next(), next()), instant(next(), next()), instant(next(), next()));
    let (then, now, boots) = (next(), next(), next());
    let mut r = Response::new("urzad", 1, Channel::KioskTouch);
    r.captured_at = captured;
    r.clock = (boots & 1 == 1).then(|| CaptureClock { boot_id: "a".into(), uptime_ms: then });
    let clock = DeviceClock {
        monotonic: CaptureClock { boot_id: if boots & 2 == 2 { "a" } else { "b" }.into(), uptime_ms: now },
        wall,
    };
    let counted = counted_capture_time(&r, (boots & 4 == 4).then_some(&clock), received, began);
    if counted.replaced {
        assert_eq!(counted.at, received);
    } else {
        assert!(counted.at >= began);
        assert!(received.checked_add_signed(FUTURE_TOLERANCE).is_none_or(|latest| counted.at <= latest));
    }
});
