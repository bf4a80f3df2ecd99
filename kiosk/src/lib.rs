//! The counter kiosk: a Slint touchscreen app that asks the overall question (and, in full mode, the whole
//! questionnaire), stores every answer locally first and syncs it to the server.
//!
//! `flow` decides what is asked and what is stored (no widgets, no SQL); `press` is the panel button's
//! path (filter, flow, commit, feedback) for both kiosks; `service` the service screen's PIN, pairing and
//! status text (also `kiosk status`); `store` is the kiosk's SQLite database; `sync` brings answers home;
//! `ui` only connects the Slint screens in `kiosk/ui/` to these, with storage on its own thread; `headless`
//! the buttons-only kiosk; `cli` the command line (in Polish); `config` and `clock` hold settings and the
//! monotonic clock; `service_pin` the PIN rules and the pause after wrong tries; `privacy` the content of
//! the "Informacja o danych" screen; `problem` the problem the system reports on the
//! screen; `rotation` a display mounted turned; `tls` the
//! certificate authorities trusted (the system's); `logging` log lines with the journal's priorities.

pub mod boot_settings;
pub mod cli;
pub mod clock;
pub mod config;
pub mod filter;
pub mod flow;
pub mod headless;
pub mod panel;
pub mod press;
pub mod privacy;
pub mod problem;
pub mod rotation;
pub mod service;
pub mod service_pin;
pub mod store;
pub mod sync;
pub mod systemd;
pub mod tls;
pub mod ui;

/// The code Slint generates from `ui/*.slint`; it is not ours to lint.
#[allow(clippy::all, clippy::unwrap_used, clippy::todo)]
mod slint_ui {
    slint::include_modules!();
}
pub use slint_ui::*;
