//! The counter kiosk: a Slint touchscreen app that asks the overall question, stores every answer locally
//! first and syncs it to the server.
//!
//! UI files live in `kiosk/ui/` (one per screen, `app.slint` wires them). Rust here prepares what the
//! screens show; it knows no SQL and the UI knows no storage.

/// The code Slint generates from `ui/*.slint`; it is not ours to lint.
#[allow(clippy::all, clippy::unwrap_used)]
mod ui {
    slint::include_modules!();
}
pub use ui::*;

use survey::Lang;
use survey::default_questionnaire::default_questionnaire;

/// Creates the kiosk window on its start screen, in Polish.
pub fn start_window() -> Result<KioskWindow, slint::PlatformError> {
    let window = KioskWindow::new()?;
    let questionnaire = default_questionnaire();
    if let Some(overall) = questionnaire.overall() {
        window.set_question(overall.text.get(Lang::Pl).into());
    }
    Ok(window)
}
