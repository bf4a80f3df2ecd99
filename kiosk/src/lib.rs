//! The counter kiosk: a Slint touchscreen app that asks the overall question (and, in full mode, the whole
//! questionnaire), stores every answer locally first and syncs it to the server.
//!
//! `flow` decides what is asked and what is stored (no widgets, no SQL); `store` is the kiosk's SQLite
//! database; `sync` brings answers home; `ui` connects the Slint screens in `kiosk/ui/` to the flow and
//! runs storage off the UI thread; `cli` the command line (in Polish); `config` and `clock` hold settings
//! and the monotonic clock;
//! `service_pin` the service screen's own PIN and the pause after wrong tries; `privacy` the content of the
//! "Informacja o danych" screen.

pub mod boot_settings;
pub mod cli;
pub mod clock;
pub mod config;
pub mod filter;
pub mod flow;
pub mod headless;
pub mod panel;
pub mod privacy;
pub mod service_pin;
pub mod store;
pub mod sync;
pub mod systemd;
pub mod ui;

/// The code Slint generates from `ui/*.slint`; it is not ours to lint.
#[allow(clippy::all, clippy::unwrap_used, clippy::todo)]
mod slint_ui {
    slint::include_modules!();
}
pub use slint_ui::*;
