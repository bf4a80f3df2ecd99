//! The screens on the displays offices buy — the Raspberry Pi 7" display (800×480, and 480×800 turned
//! upright), 1024×600 panels and the upright Touch Display 2 (720×1280) — with the larger text on: no button label is cut or broken
//! (each one-line label, laid out at its preferred width, fits inside its button), and nothing a resident
//! reads or taps lies beyond the window. Each screen at each size is rendered to a PNG in
//! `$KIOSK_SCREENSHOT_DIR` (default `target/kiosk-screens`).
//!
//! Then a display mounted turned: synthetic touches, placed where the turned picture shows a button and
//! passed through the setting's calibration matrix as libinput passes them, land on that button.
//!
//! One test function: Slint's platform is per process.

// Test helpers may unwrap: a panic is how a test reports a broken premise.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use i_slint_backend_testing::{ElementHandle, mock_elapsed_time};
use kiosk::config::{Config, Mode};
use kiosk::flow::Flow;
use kiosk::rotation::Rotation;
use kiosk::store::Store;
use kiosk::ui::Kiosk;
use kiosk::{Screen, Theme};

use slint::platform::{PointerEventButton, WindowEvent};
use slint::{ComponentHandle, LogicalPosition};
use survey::default_questionnaire::default_questionnaire;
use survey::wire::QuestionnairePackage;

mod window;
use window::{pump_until, screenshot, tap};

/// The 7" display, also turned upright (`rotation = 90`), a 1024×600 panel, and the Touch Display 2.
const SIZES: [(u32, u32); 4] = [(800, 480), (480, 800), (1024, 600), (720, 1280)];

fn package() -> QuestionnairePackage {
    QuestionnairePackage {
        wire_version: 1,
        office_name: "Urząd Miasta i Gminy Wólka Testowa".into(),
        questionnaire: default_questionnaire(),
        departments: vec![
            ("usc".into(), "Urząd Stanu Cywilnego".into()),
            ("podatki".into(), "Wydział Podatków i Opłat Lokalnych".into()),
        ],
    }
}

fn kiosk(config: Config, dir: &std::path::Path, (w, h): (u32, u32)) -> Kiosk {
    let store = Store::open(dir).unwrap();
    let flow = Flow::new(config.clone(), package(), "urzad", "parter");
    let k = Kiosk::new(config, flow, store, None).unwrap();
    k.window.window().set_size(slint::LogicalSize::new(w as f32, h as f32));
    k
}

/// Everything on the screen fits: each button inside the window with its one-line label inside it, each
/// text inside the window. Returns what did not, to report every fault of a screen at once.
fn faults(k: &Kiosk) -> Vec<String> {
    let size = k.window.window().size().to_logical(k.window.window().scale_factor());
    let (w, h) = (size.width, size.height);
    let inside = |e: &ElementHandle| {
        let (p, s) = (e.absolute_position(), e.size());
        p.x >= -0.5 && p.y >= -0.5 && p.x + s.width <= w + 0.5 && p.y + s.height <= h + 0.5
    };
    let name = |e: &ElementHandle| e.accessible_label().unwrap_or_default().to_string();
    let mut faults = Vec::new();
    for button in ElementHandle::find_by_element_type_name(&k.window, "BigButton") {
        if !inside(&button) {
            faults.push(format!("button „{}” reaches beyond the window", name(&button)));
        }
        let label = button.query_descendants().match_id("BigButton::label").find_first().unwrap();
        let (b, l) = ((button.absolute_position(), button.size()), (label.absolute_position(), label.size()));
        // One-line labels are laid out at their preferred width: inside the button's inset or cut.
        if l.0.x < b.0.x + 13.5 || l.0.x + l.1.width > b.0.x + b.1.width - 13.5 {
            faults.push(format!(
                "label „{}” needs {:.0} px, its button gives {:.0} px",
                name(&button),
                l.1.width,
                b.1.width - 28.0
            ));
        }
    }
    for face in ElementHandle::find_by_element_type_name(&k.window, "Face") {
        if !inside(&face) {
            faults.push(format!("face „{}” reaches beyond the window", name(&face)));
        }
    }
    for text in i_slint_backend_testing::ElementQuery::from_root(&k.window).match_descendants().find_all() {
        // The information clause scrolls: its text is longer than the screen on purpose.
        if text.id().is_some_and(|id| id == "PrivacyScreen::body") {
            continue;
        }
        if text.accessible_role() == Some(i_slint_backend_testing::AccessibleRole::Text) && !inside(&text) {
            faults.push(format!("text „{}” reaches beyond the window", name(&text)));
        }
    }
    // An element found twice (through a repeater and its instance) is one fault.
    let mut seen = std::collections::HashSet::new();
    faults.retain(|f| seen.insert(f.clone()));
    faults
}

fn check(k: &Kiosk, size: (u32, u32), screen: &str, all: &mut Vec<String>) {
    screenshot(k, &format!("kiosk-{}x{}-{screen}", size.0, size.1));
    all.extend(faults(k).into_iter().map(|f| format!("{}×{} {screen}: {f}", size.0, size.1)));
}

fn every_screen_fits(size: (u32, u32), all: &mut Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let k = kiosk(Config { mode: Mode::Full, ..Config::default() }, dir.path(), size);
    tap(&k, "Większy tekst");
    assert!(k.window.global::<Theme>().get_scale() > 1.0);
    check(&k, size, "start", all);
    tap(&k, "Українська");
    check(&k, size, "start-uk", all);
    tap(&k, "Polski");
    tap(&k, "4 – dobrze");
    assert_eq!(k.window.get_screen(), Screen::Question);
    check(&k, size, "department", all);
    tap(&k, "Wydział Podatków i Opłat Lokalnych");
    check(&k, size, "question", all);
    for _ in 0..40 {
        if k.window.get_screen() != Screen::Question {
            break;
        }
        tap(&k, "Pomijam pytanie");
    }
    pump_until(&k, &format!("{size:?}: the thank-you"), |k| k.window.get_screen() == Screen::Thanks);
    check(&k, size, "thanks", all);
    mock_elapsed_time(Duration::from_secs(5));
    tap(&k, "Informacja o danych");
    check(&k, size, "privacy", all);
    tap(&k, "Powrót do ankiety");
    k.window.invoke_service_requested();
    pump_until(&k, "the service screen", |k| k.window.get_service_unlocked());
    check(&k, size, "service", all);
    tap(&k, "Zmień PIN");
    check(&k, size, "service-pin", all);
}

/// Where a point of the turned window is on the panel, as a fraction of the panel's width and height:
/// how Slint's software renderer turns the picture (its `RenderingRotation`: "90" is a quarter turn to
/// the right, the window's top left on the panel's top right).
fn on_panel(rotation: Rotation, (x, y): (f32, f32), (w, h): (f32, f32)) -> (f32, f32) {
    match rotation {
        Rotation::None => (x / w, y / h),
        // The panel is h wide and w high.
        Rotation::Right => ((h - y) / h, x / w),
        Rotation::UpsideDown => ((w - x) / w, (h - y) / h),
        Rotation::Left => (y / h, (w - x) / w),
    }
}

/// A finger on the panel where the turned picture shows the element labelled `label`: libinput applies
/// the calibration matrix, and Slint stretches the result over the window (its linuxkms backend).
fn touch(k: &Kiosk, rotation: Rotation, label: &str) {
    let element = ElementHandle::find_by_accessible_label(&k.window, label).next().unwrap();
    let (p, s) = (element.absolute_position(), element.size());
    let size = k.window.window().size().to_logical(1.0);
    let (w, h) = (size.width, size.height);
    let (u, v) = on_panel(rotation, (p.x + s.width / 2.0, p.y + s.height / 2.0), (w, h));
    let (cu, cv) = rotation.calibrate(u, v);
    let position = LogicalPosition::new(cu * w, cv * h);
    let window = k.window.window();
    window.dispatch_event(WindowEvent::PointerMoved { position });
    window.dispatch_event(WindowEvent::PointerPressed { position, button: PointerEventButton::Left });
    window.dispatch_event(WindowEvent::PointerReleased { position, button: PointerEventButton::Left });
    window.dispatch_event(WindowEvent::PointerExited);
}

fn touches_land_where_the_turned_picture_shows(rotation: Rotation) {
    let dir = tempfile::tempdir().unwrap();
    // The 7" display (800×480): turned a quarter, the window is upright.
    let size = if matches!(rotation, Rotation::Right | Rotation::Left) { (480, 800) } else { (800, 480) };
    let k = kiosk(Config::default(), dir.path(), size);
    touch(&k, rotation, "English");
    assert_eq!(k.window.get_language(), "en", "{rotation:?}");
    touch(&k, rotation, "Polski");
    assert_eq!(k.window.get_language(), "pl", "{rotation:?}");
    touch(&k, rotation, "5 – bardzo dobrze");
    assert_eq!(k.window.get_screen(), Screen::Question, "{rotation:?}");
}

#[test]
fn kiosk_on_real_displays() {
    let backend = i_slint_backend_testing::TestingBackend::new(i_slint_backend_testing::TestingBackendOptions {
        mock_time: true,
        threading: true,
        renderer_name: Some("software".into()),
    });
    slint::platform::set_platform(Box::new(backend)).unwrap();
    let mut all = Vec::new();
    for size in SIZES {
        every_screen_fits(size, &mut all);
    }
    assert!(all.is_empty(), "{} faults:\n{}", all.len(), all.join("\n"));
    for rotation in [Rotation::None, Rotation::Right, Rotation::UpsideDown, Rotation::Left] {
        touches_land_where_the_turned_picture_shows(rotation);
    }
}
