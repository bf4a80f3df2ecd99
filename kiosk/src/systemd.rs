//! Telling systemd (`Type=notify`, `WatchdogSec=`) that the kiosk is up and alive. Outside systemd every
//! call here does nothing.

use std::time::Duration;

fn notify(state: sd_notify::NotifyState<'_>) {
    if let Err(e) = sd_notify::notify(&[state]) {
        tracing::debug!(error = %e, "powiadomienie systemd nieudane");
    }
}

/// For the touchscreen: READY=1 on the first turn of the UI's event loop, then WATCHDOG=1 from that loop
/// at half the watchdog period. Keep the returned timer alive while the UI runs.
pub fn ready_and_watchdog_on_ui_thread() -> slint::Timer {
    let timer = slint::Timer::default();
    slint::Timer::single_shot(Duration::ZERO, || notify(sd_notify::NotifyState::Ready));
    if let Some(period) = sd_notify::watchdog_enabled() {
        timer.start(slint::TimerMode::Repeated, period / 2, || notify(sd_notify::NotifyState::Watchdog));
    }
    timer
}

/// For the buttons-only kiosk, whose loop waits on the panel: READY=1 now and WATCHDOG=1 from a thread.
pub fn ready_with_watchdog_thread() {
    notify(sd_notify::NotifyState::Ready);
    if let Some(period) = sd_notify::watchdog_enabled() {
        std::thread::spawn(move || {
            loop {
                notify(sd_notify::NotifyState::Watchdog);
                std::thread::sleep(period / 2);
            }
        });
    }
}
