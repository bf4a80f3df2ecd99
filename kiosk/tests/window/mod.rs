//! What the kiosk's window tests share: pressing a labelled element, turning the event loop until
//! something has happened, and saving a picture of the window.

// Each test file uses its own part of this module.
#![allow(dead_code)]

use std::path::PathBuf;
use std::time::{Duration, Instant};

use i_slint_backend_testing::ElementHandle;
use kiosk::ui::Kiosk;
use slint::ComponentHandle;

/// Presses (the accessible default action of) the first element labelled `label`.
pub fn tap(k: &Kiosk, label: &str) {
    let element = ElementHandle::find_by_accessible_label(&k.window, label)
        .next()
        .unwrap_or_else(|| panic!("nothing labelled „{label}” on screen {:?}", k.window.get_screen()));
    element.invoke_accessible_default_action();
}

/// Turns the event loop until `done` holds: the storage thread's answers, the panel's presses and the
/// pairing's outcome come through it. Real time only bounds a broken test; nothing waits a fixed time.
pub fn pump_until(k: &Kiosk, what: &str, done: impl Fn(&Kiosk) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !done(k) {
        assert!(Instant::now() < deadline, "{what} never came; on screen {:?}", k.window.get_screen());
        turn_event_loop();
    }
}

/// One turn: whatever is queued now, then back here.
pub fn turn_event_loop() {
    slint::invoke_from_event_loop(|| {
        let _ = slint::quit_event_loop();
    })
    .unwrap();
    slint::run_event_loop().unwrap();
    std::thread::yield_now();
}

/// Saves the window as `NAME.png` in `KIOSK_SCREENSHOT_DIR` (default `target/kiosk-screens`);
/// `scripts/screenshots` points it at the manual's pictures.
pub fn screenshot(k: &Kiosk, name: &str) {
    let dir = std::env::var_os("KIOSK_SCREENSHOT_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/kiosk-screens"), PathBuf::from);
    std::fs::create_dir_all(&dir).unwrap();
    let shot = k.window.window().take_snapshot().unwrap();
    let file = std::fs::File::create(dir.join(format!("{name}.png"))).unwrap();
    let mut encoder = png::Encoder::new(std::io::BufWriter::new(file), shot.width(), shot.height());
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.write_header().unwrap().write_image_data(shot.as_bytes()).unwrap();
    // A blank picture would mean nothing was drawn: expect the brand blue somewhere.
    assert!(shot.as_bytes().chunks(4).any(|p| p[0] < 40 && p[2] > 120), "{name}: nothing drawn");
}
