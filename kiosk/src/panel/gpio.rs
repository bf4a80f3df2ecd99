//! The real panel: buttons between GPIO pins and ground, read with the internal pull-ups, on falling-edge
//! interrupts with the kernel's debouncing (no polling); an optional thank-you LED (or buzzer) lit for two
//! seconds after each stored answer. Compiles everywhere; off a Raspberry Pi it fails to open with a clear
//! message.

use std::sync::mpsc::channel;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rppal::gpio::{Gpio, InputPin, OutputPin, Trigger};

use super::{Feedback, Panel, PanelError, PanelPins};

/// Contacts of cheap arcade buttons bounce for a few milliseconds.
const DEBOUNCE: Duration = Duration::from_millis(30);

struct Led(Option<Arc<Mutex<OutputPin>>>);

impl Feedback for Led {
    fn thank_you(&self, _answer_id: &str) {
        if let Some(pin) = &self.0 {
            let pin = pin.clone();
            std::thread::spawn(move || {
                pin.lock().unwrap_or_else(|p| p.into_inner()).set_high();
                std::thread::sleep(Duration::from_secs(2));
                pin.lock().unwrap_or_else(|p| p.into_inner()).set_low();
            });
        }
    }

    fn filtered(&self, reason: &str) {
        tracing::info!(reason, "naciśnięcie odfiltrowane");
    }
}

pub fn open(pins: &PanelPins) -> Result<Panel, PanelError> {
    let gpio = Gpio::new()
        .map_err(|e| PanelError(format!("{e} (czy to Raspberry Pi i czy użytkownik należy do grupy gpio?)")))?;
    let (tx, presses) = channel();
    let mut inputs: Vec<InputPin> = Vec::new();
    for (index, &bcm) in pins.buttons.iter().enumerate() {
        let button = u8::try_from(index + 1).map_err(|_| PanelError("za dużo przycisków".into()))?;
        let mut pin = gpio.get(bcm).map_err(|e| PanelError(format!("GPIO {bcm}: {e}")))?.into_input_pullup();
        let tx = tx.clone();
        pin.set_async_interrupt(Trigger::FallingEdge, Some(DEBOUNCE), move |_event| {
            let _ = tx.send(button);
        })
        .map_err(|e| PanelError(format!("GPIO {bcm}: {e}")))?;
        // The pin must live as long as the panel, or its interrupt is cleared.
        inputs.push(pin);
    }
    let led = match pins.thanks_led {
        Some(bcm) => Some(Arc::new(Mutex::new(
            gpio.get(bcm).map_err(|e| PanelError(format!("GPIO {bcm}: {e}")))?.into_output_low(),
        ))),
        None => None,
    };
    Ok(Panel { presses, feedback: Box::new(Led(led)), _hardware: Some(Box::new(inputs)) })
}
