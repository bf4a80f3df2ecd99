//! The start screen, rendered headless with Slint's testing backend; elements found by accessible label.

// Test helpers may unwrap: a panic is how a test reports a broken premise.
#![allow(clippy::unwrap_used)]

use i_slint_backend_testing::ElementHandle;

#[test]
fn start_screen_greets_in_polish_with_the_overall_question() {
    i_slint_backend_testing::init_no_event_loop();
    let window = kiosk::start_window().unwrap();

    let title: Vec<_> = ElementHandle::find_by_accessible_label(&window, "Oceń Urząd").collect();
    assert_eq!(title.len(), 1, "the title is shown once");

    let question: Vec<_> =
        ElementHandle::find_by_accessible_label(&window, "Jak ogólnie ocenia Pan/Pani obsługę w Urzędzie?").collect();
    assert_eq!(question.len(), 1, "the overall question is on the start screen");

    let promise = "Badanie jest anonimowe – odpowiedzi prezentujemy wyłącznie w zbiorczych zestawieniach.";
    assert_eq!(ElementHandle::find_by_accessible_label(&window, promise).count(), 1);

    // Nothing English leaks onto the Polish start screen.
    assert_eq!(
        ElementHandle::find_by_accessible_label(&window, "Overall, how do you rate the service at the office?").count(),
        0
    );
}
