//! The buttons-only kiosk (`kiosk --headless`): no display; the panel is the whole interface. Each press
//! takes the one press path (`press.rs`): counted presses are committed to the kiosk's database before the
//! panel's thank-you (LED, or a line on stdout for the simulated panel), then synced exactly like
//! touchscreen answers; filtered presses are recorded with their reason and reported too.

use survey::wire::QuestionnairePackage;

use crate::config::Config;
use crate::flow::Flow;
use crate::panel::Panel;
use crate::press::{Decision, Press, PressPath, keep};
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
    let mut path = PressPath::new(config).map_err(|e| anyhow::anyhow!(e))?;
    let mut flow = Flow::new(config.clone(), package, office, device);
    tracing::info!("kiosk bez ekranu gotowy: czekam na naciśnięcia przycisków");
    for button in panel.presses.iter() {
        let decision = path.decide(&mut flow, Press::now(button));
        match keep(store, &decision, Some(panel.feedback.as_ref())) {
            Ok(()) => {}
            // A full or failing card: said in the log, and the kiosk keeps running for when it clears; the
            // press is not thanked.
            Err(e) => tracing::error!(error = %e, "nie udało się zapisać naciśnięcia"),
        }
        if let Decision::Answer(_) = decision {
            // No thank-you screen to wait for: ready for the next press at once.
            flow.reset();
            // Between presses: a questionnaire the sync fetched meanwhile.
            if let Ok(Some((package, _))) = store.questionnaire() {
                flow.update_package(package);
            }
        }
        if let Some(worker) = worker {
            worker.wake();
        }
    }
    tracing::info!("panel zamknięty: kończę pracę");
    Ok(())
}
