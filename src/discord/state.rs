//! What every event handler shares: the FAQ in force (swapped whole on a
//! reload), the configuration the handlers read, the anti-spam memory, and
//! the once-per-process flags.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};

use tokio::sync::watch;

use super::policy::AntiSpam;
use crate::config::BotConfig;
use crate::kb::KnowledgeBase;
use crate::matcher::{Matcher, Thresholds};

/// A loaded FAQ and its index, swapped whole.
pub struct Faq {
    pub kb: KnowledgeBase,
    pub matcher: Matcher,
}

impl Faq {
    /// Indexes `kb`, with the configured answer threshold if any. Slow for
    /// a big FAQ (seconds at 10,000 entries): call it off the async
    /// runtime's workers.
    pub fn new(kb: KnowledgeBase, answer_threshold: Option<f32>) -> Faq {
        let mut matcher = Matcher::new(&kb);
        if let Some(answer) = answer_threshold {
            let t = matcher.thresholds();
            matcher = matcher.with_thresholds(Thresholds {
                answer,
                suggest: t.suggest.min(answer),
            });
        }
        Faq { kb, matcher }
    }
}

/// How many reloads were served and refused so far: a reload's outcome,
/// observable without reading logs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reloads {
    /// Reloads that found the files changed and now serve them.
    pub applied: u64,
    /// Reloads that found problems and kept the previous FAQ.
    pub refused: u64,
    /// Reloads that found the files valid and unchanged.
    pub unchanged: u64,
}

/// What every event handler shares.
pub struct State {
    faq: RwLock<Arc<Faq>>,
    channels: HashSet<u64>,
    pub(super) guild: Option<u64>,
    pub(super) antispam: Mutex<AntiSpam>,
    /// The bot's own user id, from READY.
    pub(super) me: OnceLock<u64>,
    pub(super) answer_threshold: Option<f32>,
    /// The FAQ folder served, to reload; `None`: the embedded FAQ.
    pub(super) folder: Option<PathBuf>,
    /// Claimed by the first READY: every shard's READY (and every
    /// reconnect's) would otherwise register the commands again.
    registering: AtomicBool,
    reloads: watch::Sender<Reloads>,
}

impl State {
    pub fn new(faq: Faq, config: &BotConfig) -> State {
        State {
            faq: RwLock::new(Arc::new(faq)),
            channels: config.channels.iter().copied().collect(),
            guild: config.guild_id,
            antispam: Mutex::new(AntiSpam::default()),
            me: OnceLock::new(),
            answer_threshold: config.answer_threshold,
            folder: config.faq_folder.clone(),
            registering: AtomicBool::new(false),
            reloads: watch::Sender::new(Reloads::default()),
        }
    }

    /// The FAQ in force now.
    pub fn faq(&self) -> Arc<Faq> {
        match self.faq.read() {
            Ok(f) => Arc::clone(&f),
            // A panic while swapping cannot leave a half-written Arc.
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// Serves `faq` from now on; questions being answered finish with the
    /// FAQ they started with.
    pub(super) fn replace_faq(&self, faq: Faq) {
        let faq = Arc::new(faq);
        match self.faq.write() {
            Ok(mut f) => *f = faq,
            Err(poisoned) => *poisoned.into_inner() = faq,
        }
    }

    pub(super) fn listens_in(&self, channel: u64) -> bool {
        self.channels.contains(&channel)
    }

    /// The reload counts, to wait on: `reloads().wait_for(|r| r.refused > 0)`.
    pub fn reloads(&self) -> watch::Receiver<Reloads> {
        self.reloads.subscribe()
    }

    pub(super) fn count_reload(&self, count: impl FnOnce(&mut Reloads)) {
        self.reloads.send_modify(count);
    }

    /// True for exactly one caller until [`State::release_registration`]:
    /// a compare-and-swap, so two READYs handled at once cannot both
    /// register.
    pub(super) fn claim_registration(&self) -> bool {
        self.registering
            .compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
    }

    /// Registration failed: let the next READY try again.
    pub(super) fn release_registration(&self) {
        self.registering.store(false, Ordering::Release);
    }
}
