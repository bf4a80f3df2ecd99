//! The panel of physical smiley buttons: presses arrive on a channel, wherever they come from. `gpio` reads
//! real buttons with `rppal` (interrupts, kernel debouncing); `stdin` simulates a panel with lines `1`..`5`
//! for desktop use and tests. The kiosk never knows which it has.

mod gpio;
mod stdin;

use std::sync::mpsc::Receiver;

impl Panel {
    /// A panel fed by any channel, with any feedback: for simulations and tests of the touchscreen kiosk
    /// with buttons.
    pub fn simulated(presses: Receiver<u8>, feedback: Box<dyn Feedback>) -> Panel {
        Panel { presses, feedback, _hardware: None }
    }

    /// Its presses, its feedback, and what keeps the hardware alive (to be held as long as the presses
    /// are read), for a kiosk that reads presses and gives feedback on different threads.
    pub fn into_parts(self) -> (Receiver<u8>, Box<dyn Feedback>, Option<Hardware>) {
        (self.presses, self.feedback, self._hardware)
    }
}

/// Which panel to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, clap::ValueEnum, Default)]
#[serde(rename_all = "lowercase")]
pub enum PanelKind {
    /// No panel.
    #[default]
    None,
    /// Lines `1`..`5` on standard input are presses (simulation, tests).
    Stdin,
    /// Buttons on the Raspberry Pi's GPIO pins.
    Gpio,
}

/// What the panel does when an answer is stored (the thank-you LED, a buzzer, or a line on stdout).
pub trait Feedback: Send {
    /// The press was counted and its answer is on disk.
    fn thank_you(&self, answer_id: &str);
    /// The press was recorded as filtered.
    fn filtered(&self, reason: &str);
}

/// What keeps a panel's hardware (its pins and their interrupts) alive.
pub type Hardware = Box<dyn Send>;

/// An open panel: its presses (button numbers from 1) and its feedback.
pub struct Panel {
    pub presses: Receiver<u8>,
    pub feedback: Box<dyn Feedback>,
    /// Keeps the hardware (pins and their interrupts) alive as long as the panel.
    _hardware: Option<Hardware>,
}

/// The panel's pins, from the configuration.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PanelPins {
    /// BCM numbers of the buttons, from the unhappiest face to the happiest.
    pub buttons: Vec<u8>,
    /// BCM number of the thank-you LED (or buzzer), if fitted.
    pub thanks_led: Option<u8>,
}

impl Default for PanelPins {
    fn default() -> Self {
        // The wiring guide's default: GPIO 5, 6, 13, 19, 26 for five buttons, GPIO 21 for the LED.
        PanelPins { buttons: vec![5, 6, 13, 19, 26], thanks_led: Some(21) }
    }
}

/// Why a panel could not be opened.
#[derive(Debug, thiserror::Error)]
#[error("nie można otworzyć panelu przycisków: {0}")]
pub struct PanelError(pub String);

/// Opens the panel of `kind`; `None` for [`PanelKind::None`].
pub fn open(kind: PanelKind, pins: &PanelPins) -> Result<Option<Panel>, PanelError> {
    match kind {
        PanelKind::None => Ok(None),
        PanelKind::Stdin => Ok(Some(stdin::open())),
        PanelKind::Gpio => gpio::open(pins).map(Some),
    }
}
