//! The buttons-only kiosk (`kiosk --headless`): no display; the panel is the whole interface. Each counted
//! press is committed to the kiosk's database before the panel's thank-you (LED, or a line on stdout for the
//! simulated panel), then synced exactly like touchscreen answers. Filtered presses are recorded with
//! their reason and reported too.

use std::time::{Duration, Instant};

use survey::wire::{FilteredPress, QuestionnairePackage};

use crate::config::Config;
use crate::filter::{PressFilter, parse_hours};
use crate::flow::Flow;
use crate::panel::Panel;
use crate::store::Store;
use crate::sync::Worker;

/// Runs until the panel closes (the simulated panel's input ends); a real panel never closes.
pub fn run(
    config: &Config,
    store: &Store,
    panel: Panel,
    worker: Option<&Worker>,
    package: QuestionnairePackage,
    office: &str,
    device: &str,
) -> anyhow::Result<()> {
    let hours = parse_hours(&config.opening_hours).map_err(|e| anyhow::anyhow!(e))?;
    let mut filter =
        PressFilter::new(Duration::from_secs(config.press_interval_seconds), config.burst_per_minute, hours);
    let mut flow = Flow::new(config.clone(), package, office, device);
    tracing::info!("kiosk bez ekranu gotowy: czekam na naciśnięcia przycisków");
    for button in panel.presses.iter() {
        match filter.decide(Instant::now(), chrono::Local::now().naive_local()) {
            Ok(()) => {
                let Some(response) = flow.press_button(button) else {
                    tracing::warn!(button, "przycisk spoza skonfigurowanej liczby buziek");
                    continue;
                };
                flow.reset();
                match store.record(&response) {
                    Ok(()) => panel.feedback.thank_you(&response.id.to_string()),
                    // A full or failing card: said in the log, and the kiosk keeps running for when it
                    // clears; the press is not thanked.
                    Err(e) => tracing::error!(error = %e, "nie udało się zapisać odpowiedzi"),
                }
                // Between presses: a questionnaire the sync fetched meanwhile.
                if let Ok(Some((package, _))) = store.questionnaire() {
                    flow.update_package(package);
                }
            }
            Err(reason) => {
                let press = FilteredPress { id: uuid::Uuid::now_v7(), captured_at: chrono::Utc::now(), button, reason };
                store.record_filtered(&press)?;
                panel.feedback.filtered(reason.as_str());
            }
        }
        if let Some(worker) = worker {
            worker.wake();
        }
    }
    tracing::info!("panel zamknięty: kończę pracę");
    Ok(())
}
