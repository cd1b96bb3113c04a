//! What every event handler shares: the FAQ in force (swapped whole on a
//! reload), the configuration the handlers read, the anti-spam memory, the
//! store (and the count of its failures), and the once-per-process flags.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};

use tokio::sync::watch;
use tracing::warn;

use super::policy::AntiSpam;
use crate::config::BotConfig;
use crate::kb::KnowledgeBase;
use crate::logging::chain;
use crate::matcher::{Matcher, Thresholds};
use crate::store::{Asked, GuildSettings, Outcome, Question, Store, StoreError, TextKind};

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
    /// `None` in tests that need no store: nothing is kept and every guild
    /// has the environment's settings.
    store: Option<Store>,
    /// Store failures so far, to wait on in tests.
    store_errors: watch::Sender<u64>,
    /// Claimed by the first READY, which starts the daily review notices.
    notices: AtomicBool,
    /// Set by the first READY: `/healthz` answers 200 from then on.
    pub(super) ready: AtomicBool,
    /// Questions and votes handed to the store so far (kept or failed).
    recorded: watch::Sender<u64>,
}

/// What a guild gets, its settings over the environment's defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct Effective {
    pub channels: HashSet<u64>,
    pub unprompted: bool,
    pub answer_threshold: Option<f32>,
    pub cooldown: Option<std::time::Duration>,
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
            store: None,
            store_errors: watch::Sender::new(0),
            recorded: watch::Sender::new(0),
            ready: AtomicBool::new(false),
            notices: AtomicBool::new(false),
        }
    }

    /// Keeps usage, votes, review texts and settings in `store`.
    #[must_use]
    pub fn with_store(mut self, store: Store) -> State {
        self.store = Some(store);
        self
    }

    /// The store, when there is one.
    pub fn store(&self) -> Option<&Store> {
        self.store.as_ref()
    }

    /// Store failures so far: `store_errors().wait_for(|n| *n > 0)`.
    pub fn store_errors(&self) -> watch::Receiver<u64> {
        self.store_errors.subscribe()
    }

    /// Questions and votes handed to the store so far, kept or failed: a
    /// test waits on it instead of sleeping.
    pub fn recorded(&self) -> watch::Receiver<u64> {
        self.recorded.subscribe()
    }

    pub(super) fn count_recorded(&self) {
        self.recorded.send_modify(|n| *n += 1);
    }

    /// Counts one question, and keeps it in the store off the reply's
    /// path: a slow or failed store never delays or stops an answer.
    /// `guild` is 0 for a DM; `answered` the entry posted, if any.
    pub(super) fn record(
        self: &Arc<Self>,
        guild: u64,
        channel: u64,
        asked: Asked,
        outcome: Outcome,
        answered: Option<String>,
        review: Option<(TextKind, String)>,
    ) {
        metrics::counter!(
            "faqbot_questions_total",
            "verdict" => outcome.as_str(),
            "origin" => asked.as_str()
        )
        .increment(1);
        let state = Arc::clone(self);
        tokio::spawn(async move {
            let Some(store) = state.store() else {
                return;
            };
            let q = Question {
                guild,
                channel,
                asked,
                outcome,
                entry: answered.as_deref(),
                review: review.as_ref().map(|(k, t)| (*k, t.as_str())),
            };
            if let Err(e) = store.record_question(&q, crate::store::now()).await {
                state.store_failed("recording a question", &e);
            }
            state.count_recorded();
        });
    }

    /// Logs a store failure and counts it; the caller carries on without
    /// what it wanted to keep or read.
    pub(super) fn store_failed(&self, what: &str, e: &StoreError) {
        warn!(what, error = %chain(e), "the store failed; carrying on without it");
        metrics::counter!("faqbot_store_errors_total").increment(1);
        self.store_errors.send_modify(|n| *n += 1);
    }

    /// One guild's settings, or none when there is no store or it failed.
    pub(super) async fn settings(&self, guild: u64) -> GuildSettings {
        let Some(store) = &self.store else {
            return GuildSettings::default();
        };
        match store.settings(guild).await {
            Ok(s) => s,
            Err(e) => {
                self.store_failed("reading settings", &e);
                GuildSettings::default()
            }
        }
    }

    /// The settings in force in a guild: its own, else the environment's.
    pub(super) fn effective(&self, s: &GuildSettings) -> Effective {
        Effective {
            channels: s
                .channels
                .as_ref()
                .map_or_else(|| self.channels.clone(), |c| c.iter().copied().collect()),
            unprompted: s.unprompted.unwrap_or(true),
            answer_threshold: s.answer_threshold.or(self.answer_threshold),
            cooldown: s
                .cooldown_secs
                .map(|c| std::time::Duration::from_secs(u64::from(c))),
        }
    }

    /// The environment's answering channels (`FAQBOT_CHANNELS`).
    pub(super) fn default_channels(&self) -> &HashSet<u64> {
        &self.channels
    }

    /// Whether the bot answers unprompted in `channel` of `guild`.
    pub(super) async fn listens_in(&self, guild: Option<u64>, channel: u64) -> bool {
        let Some(guild) = guild else {
            return false;
        };
        let e = self.effective(&self.settings(guild).await);
        e.unprompted && e.channels.contains(&channel)
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
        metrics::gauge!("faqbot_faq_entries").set(faq.kb.entries().len() as f64);
        let faq = Arc::new(faq);
        match self.faq.write() {
            Ok(mut f) => *f = faq,
            Err(poisoned) => *poisoned.into_inner() = faq,
        }
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

    /// True once per process: the first READY starts the notices.
    pub(super) fn claim_notices(&self) -> bool {
        !self.notices.swap(true, Ordering::AcqRel)
    }

    /// Registration failed: let the next READY try again.
    pub(super) fn release_registration(&self) {
        self.registering.store(false, Ordering::Release);
    }
}
