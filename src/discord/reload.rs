//! FAQ hot reload: a valid edit of the FAQ folder is served within a
//! second or two, with no restart; a broken edit keeps the old FAQ serving
//! and logs each problem with its file, line and column.
//!
//! Loading and indexing run on tokio's blocking pool, never on the workers
//! that drive the gateway and answer interactions: at 10,000 entries they
//! take seconds.

use std::sync::Arc;
use std::time::Duration;

use notify_debouncer_mini::notify::RecursiveMode;
use notify_debouncer_mini::{new_debouncer, DebounceEventResult, Debouncer};
use serenity::all::Http;
use tokio::task::JoinError;
use tracing::{error, info, warn};

use super::{registration, Faq, State};
use crate::kb::{load_dir, Changes, LoadError};
use crate::logging::chain;

/// Editors save in bursts (write, rename, chmod): one reload per burst.
const SETTLE: Duration = Duration::from_millis(300);

/// What a reload did.
#[derive(Debug)]
pub enum Outcome {
    /// The FAQ is the embedded one: there is no folder to read again.
    NoFolder,
    /// The files load and say the same as before.
    Unchanged,
    /// The new FAQ is being served.
    Reloaded(Changes),
    /// The files have problems; the old FAQ is still served.
    Failed(LoadError),
}

/// Loads the FAQ folder again and, when it is valid and different, serves
/// it. Blocking: seconds for a big FAQ.
pub fn reload(state: &State) -> Outcome {
    let Some(dir) = &state.folder else {
        return Outcome::NoFolder;
    };
    let old = state.faq();
    match load_dir(dir) {
        Err(e) => Outcome::Failed(e),
        Ok(kb) => {
            let changes = kb.changes_since(&old.kb);
            if changes.is_empty() {
                return Outcome::Unchanged;
            }
            state.replace_faq(Faq::new(kb, state.answer_threshold));
            Outcome::Reloaded(changes)
        }
    }
}

/// Reloads on the blocking pool, counts and logs the outcome, and
/// re-registers the slash commands when the comparison aspects (their
/// choices) changed.
pub async fn reload_and_log(
    state: &Arc<State>,
    http: &Http,
    why: &str,
) -> Result<Outcome, JoinError> {
    let worker = Arc::clone(state);
    let outcome = tokio::task::spawn_blocking(move || reload(&worker)).await?;
    match &outcome {
        Outcome::NoFolder => info!(why, "serving the embedded FAQ: no folder to reload"),
        Outcome::Unchanged => {
            metrics::counter!("faqbot_reloads_total", "result" => "unchanged").increment(1);
            state.count_reload(|r| r.unchanged += 1);
            info!(why, "FAQ files unchanged");
        }
        Outcome::Reloaded(changes) => {
            metrics::counter!("faqbot_reloads_total", "result" => "applied").increment(1);
            state.count_reload(|r| r.applied += 1);
            info!(why, entries = state.faq().kb.entries().len(), %changes, "FAQ reloaded");
            if changes.aspects_changed {
                registration::register(http, state).await;
            }
        }
        Outcome::Failed(e) => {
            for p in &e.problems {
                error!(why, problem = %p, "FAQ edit refused; still serving the previous FAQ");
            }
            metrics::counter!("faqbot_reloads_total", "result" => "refused").increment(1);
            state.count_reload(|r| r.refused += 1);
        }
    }
    Ok(outcome)
}

/// Watches the FAQ folder for as long as the returned debouncer lives.
pub fn watch(
    state: Arc<State>,
    http: Arc<Http>,
) -> Option<Debouncer<notify_debouncer_mini::notify::RecommendedWatcher>> {
    let dir = state.folder.clone()?;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<()>();
    let debouncer = new_debouncer(SETTLE, move |events: DebounceEventResult| {
        let touches_toml = match events {
            Ok(events) => events
                .iter()
                .any(|e| e.path.extension().is_some_and(|x| x == "toml")),
            // Rather reload once too often than miss an edit.
            Err(_) => true,
        };
        if touches_toml {
            let _ = tx.send(());
        }
    });
    let mut debouncer = match debouncer {
        Ok(d) => d,
        Err(e) => {
            warn!(error = %chain(&e), "cannot watch the FAQ folder; use /faq-reload after edits");
            return None;
        }
    };
    if let Err(e) = debouncer.watcher().watch(&dir, RecursiveMode::NonRecursive) {
        warn!(dir = %dir.display(), error = %chain(&e), "cannot watch the FAQ folder; use /faq-reload after edits");
        return None;
    }
    tokio::spawn(async move {
        while rx.recv().await.is_some() {
            if let Err(e) = reload_and_log(&state, &http, "files changed").await {
                error!(error = %chain(&e), "the FAQ reload task failed");
            }
        }
    });
    info!(dir = %dir.display(), "watching the FAQ folder");
    Some(debouncer)
}
