//! What every event handler shares: the FAQ in force (swapped whole on a
//! reload), the configuration the handlers read, the anti-spam memory, the
//! store (and the count of its failures), and the once-per-process flags.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::{Duration, Instant};

use tokio::sync::{watch, Notify};
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
    channels: Arc<HashSet<u64>>,
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
    /// Questions waiting for the writer task ([`State::record`]).
    queue: Mutex<Vec<Record>>,
    /// Wakes the writer; a wake-up sent while it writes is kept for after.
    queued: Notify,
    /// Set once the writer task is started (by the first question).
    writing: AtomicBool,
    /// Each guild's settings in force, and when they were read
    /// ([`State::effective_in`]).
    effective: Mutex<HashMap<u64, Arc<Slot>>>,
}

/// One guild's settings in force, read once from `at` on.
struct Slot {
    at: Instant,
    effective: tokio::sync::OnceCell<Arc<Effective>>,
}

/// How long a guild's settings are served without reading the store
/// again. A change made through this process applies to the next message;
/// one made elsewhere (`faqbot forget`, another process on the same
/// PostgreSQL) within this long.
const SETTINGS_TTL: Duration = Duration::from_secs(10);

/// A lock that a panic elsewhere does not make unusable: what it guards
/// (a queue, a cache) stays consistent at every step.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A question to count ([`State::record`]), kept until the writer takes
/// it. `guild` is 0 for a DM; `answered` the entry posted, if any.
pub(super) struct Record {
    pub guild: u64,
    pub channel: u64,
    pub asked: Asked,
    pub outcome: Outcome,
    pub answered: Option<String>,
    pub review: Option<(TextKind, String)>,
}

impl Record {
    fn question(&self) -> Question<'_> {
        Question {
            guild: self.guild,
            channel: self.channel,
            asked: self.asked,
            outcome: self.outcome,
            entry: self.answered.as_deref(),
            review: self.review.as_ref().map(|(k, t)| (*k, t.as_str())),
        }
    }
}

/// The writer: whatever is queued, in one transaction, until the process
/// (or the test's runtime) ends. A batch waits at most the pool's acquire
/// timeout for a connection, so the queue holds seconds of questions at
/// worst.
async fn write_queue(state: Arc<State>, store: Store) {
    loop {
        state.queued.notified().await;
        loop {
            let batch = std::mem::take(&mut *lock(&state.queue));
            if batch.is_empty() {
                break;
            }
            let questions: Vec<Question<'_>> = batch.iter().map(Record::question).collect();
            if let Err(e) = store
                .record_questions(&questions, crate::store::now())
                .await
            {
                state.store_failed_n("recording questions", &e, batch.len() as u64);
            }
            state.recorded.send_modify(|n| *n += batch.len() as u64);
        }
    }
}

/// What a guild gets, its settings over the environment's defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct Effective {
    /// Shared with the environment's set when the guild has none of its
    /// own: not copied per message.
    pub channels: Arc<HashSet<u64>>,
    pub unprompted: bool,
    pub answer_threshold: Option<f32>,
    pub cooldown: Option<std::time::Duration>,
}

impl State {
    pub fn new(faq: Faq, config: &BotConfig) -> State {
        State {
            faq: RwLock::new(Arc::new(faq)),
            channels: Arc::new(config.channels.iter().copied().collect()),
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
            queue: Mutex::new(Vec::new()),
            queued: Notify::new(),
            writing: AtomicBool::new(false),
            effective: Mutex::new(HashMap::new()),
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
    ///
    /// Queued for one writer task, which writes whatever is queued in one
    /// transaction ([`Store::record_questions`]): a burst of questions
    /// costs a few commits, not one task and one transaction each, which
    /// would hold the pool's connections (that the settings reads need) and
    /// the memory of every waiting task.
    pub(super) fn record(self: &Arc<Self>, question: Record) {
        metrics::counter!(
            "faqbot_questions_total",
            "verdict" => question.outcome.as_str(),
            "origin" => question.asked.as_str()
        )
        .increment(1);
        let Some(store) = self.store() else {
            return;
        };
        lock(&self.queue).push(question);
        if !self.writing.swap(true, Ordering::AcqRel) {
            tokio::spawn(write_queue(Arc::clone(self), store.clone()));
        }
        self.queued.notify_one();
    }

    /// Logs a store failure and counts it; the caller carries on without
    /// what it wanted to keep or read.
    pub(super) fn store_failed(&self, what: &str, e: &StoreError) {
        self.store_failed_n(what, e, 1);
    }

    /// [`State::store_failed`] for `n` things at once (a batch of
    /// questions): each counts as one failure.
    fn store_failed_n(&self, what: &str, e: &StoreError, n: u64) {
        warn!(what, n, error = %chain(e), "the store failed; carrying on without it");
        metrics::counter!("faqbot_store_errors_total").increment(n);
        self.store_errors.send_modify(|c| *c += n);
    }

    /// The settings in force in `guild`, for every message: read from the
    /// store at most once per [`SETTINGS_TTL`] per guild, not once per
    /// message. Messages that arrive together wait for the one read in
    /// flight: a burst would otherwise queue thousands of reads on the
    /// pool's few connections. A failed read is not kept, so the next
    /// message tries again.
    pub(super) async fn effective_in(&self, guild: u64) -> Arc<Effective> {
        let Some(store) = &self.store else {
            return Arc::new(self.effective(&GuildSettings::default()));
        };
        let slot = {
            let mut cache = lock(&self.effective);
            let now = Instant::now();
            match cache.get(&guild) {
                Some(s) if now.saturating_duration_since(s.at) < SETTINGS_TTL => Arc::clone(s),
                _ => {
                    let s = Arc::new(Slot {
                        at: now,
                        effective: tokio::sync::OnceCell::new(),
                    });
                    cache.insert(guild, Arc::clone(&s));
                    s
                }
            }
        };
        let read = slot
            .effective
            .get_or_try_init(|| async {
                let s = store.settings(guild).await?;
                Ok::<_, StoreError>(Arc::new(self.effective(&s)))
            })
            .await;
        match read {
            Ok(e) => Arc::clone(e),
            Err(e) => {
                self.store_failed("reading settings", &e);
                Arc::new(self.effective(&GuildSettings::default()))
            }
        }
    }

    /// `guild`'s settings changed: the next message reads them again.
    pub(super) fn settings_changed(&self, guild: u64) {
        lock(&self.effective).remove(&guild);
    }

    /// The settings in force in a guild: its own, else the environment's.
    pub(super) fn effective(&self, s: &GuildSettings) -> Effective {
        Effective {
            channels: s.channels.as_ref().map_or_else(
                || Arc::clone(&self.channels),
                |c| Arc::new(c.iter().copied().collect()),
            ),
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
        let e = self.effective_in(guild).await;
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
