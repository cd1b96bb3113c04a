//! Work the bot does on a clock, not on an event: retention (usage rows
//! older than `FAQBOT_RETENTION_DAYS` are deleted at start and every hour).

use std::sync::Arc;
use std::time::Duration;

use tracing::info;

use super::State;

/// How often retention runs.
const EVERY: Duration = Duration::from_hours(1);

/// Aborted when dropped.
pub struct Upkeep(Option<tokio::task::JoinHandle<()>>);

impl Drop for Upkeep {
    fn drop(&mut self) {
        if let Some(task) = self.0.take() {
            task.abort();
        }
    }
}

/// Starts the clock's work, if the bot has a store.
pub fn start(state: Arc<State>, retention_days: u32) -> Upkeep {
    if state.store().is_none() {
        return Upkeep(None);
    }
    Upkeep(Some(tokio::spawn(async move {
        let mut tick = tokio::time::interval(EVERY);
        loop {
            tick.tick().await;
            let Some(store) = state.store() else { return };
            match store.purge(retention_days, crate::store::now()).await {
                Ok(0) => {}
                Ok(rows) => info!(rows, retention_days, "deleted rows past retention"),
                Err(e) => state.store_failed("deleting old rows", &e),
            }
        }
    })))
}
