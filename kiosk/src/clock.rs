//! The kiosk's monotonic clock: the boot it is in and the time since that boot. A Raspberry Pi has no
//! battery-backed clock, so after a power cut without network its wall clock can be years off; this one
//! is right, and the server uses it to correct capture times (see `survey::wire::corrected_capture_time`).

use survey::CaptureClock;
use survey::wire::DeviceClock;

/// The boot id and the milliseconds since boot, read from the kernel. Off Linux (or if `/proc` is not
/// readable) there is no monotonic clock to report, and the server keeps the wall-clock time.
pub fn now() -> Option<CaptureClock> {
    let boot_id = std::fs::read_to_string("/proc/sys/kernel/random/boot_id").ok()?.trim().to_owned();
    let uptime = std::fs::read_to_string("/proc/uptime").ok()?;
    let seconds: f64 = uptime.split_whitespace().next()?.parse().ok()?;
    Some(CaptureClock { boot_id, uptime_ms: (seconds * 1000.0) as u64 })
}

/// Both clocks now, as sent with every batch and heartbeat.
pub fn device_clock() -> Option<DeviceClock> {
    now().map(|monotonic| DeviceClock { monotonic, wall: chrono::Utc::now() })
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_a_monotonic_clock_that_moves_forward() {
        let a = super::now().expect("Linux exposes the boot id and uptime");
        std::thread::sleep(std::time::Duration::from_millis(30));
        let b = super::now().unwrap();
        assert_eq!(a.boot_id, b.boot_id);
        assert!(b.uptime_ms >= a.uptime_ms + 10, "{} then {}", a.uptime_ms, b.uptime_ms);
    }
}
