//! Load: a built bot against the Discord stand-in, fed 5,000
//! `MESSAGE_CREATE` events over 50 channels (or `--messages N --channels C`)
//! as fast as it takes them. Two bots, with the same messages: `faqbot run`,
//! and the floor (`examples/floor`), a trivial serenity bot that connects
//! the same way and replies one fixed embed to every message that reads as
//! a question. The floor is what serenity itself costs; faqbot is measured
//! against it.
//!
//! The mix is the project's three question sets (answerable questions,
//! look-alikes about other jobs, junk) and channel chatter, each message
//! from a different member, in a fixed pseudo-random order. What must
//! happen is worked out before sending:
//! - faqbot: with the bot's own pure logic (the matcher and the answering
//!   policy), each question it is sure of is answered, except that an
//!   entry is posted in a channel at most once within the 60 s cooldown.
//!   The bot handles events concurrently, so which of several messages
//!   asking for the same entry in one channel gets the reply is not fixed:
//!   the run fails unless every (channel, entry) pair gets exactly one
//!   reply, to one of its messages, and nothing else is posted.
//! - the floor: every message that reads as a question by the policy's
//!   cheap gate (`Matcher::reads_as_question`) gets exactly one reply, and
//!   nothing else is posted.
//!
//! Reported per bot: the time to drain the burst (first message sent to
//! last reply received), latency from the event leaving the stand-in to
//! its reply reaching it (p50, p90, p99, max), and the bot's peak resident
//! memory (`VmHWM` of the process); with both bots, faqbot's figures over
//! the floor's.
//!
//! `cargo bench --bench load` runs both (`-- --bot faqbot` or `--bot floor`
//! for one; `--messages N --channels C` to vary the load, `--rate R` to
//! send R messages a second instead of all at once; the README has the
//! figures; `--faqbot-bin PATH` drives another build of faqbot). The floor is built on first use with `cargo build --release
//! --example floor`: `cargo bench` builds no examples.

#![allow(
    clippy::cast_precision_loss,
    reason = "counts and durations are printed as approximate figures"
)]

#[path = "../tests/it/standin/mod.rs"]
mod standin;

use std::collections::{HashMap, HashSet};
use std::fmt::Display;
use std::hash::Hash;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use faqbot::discord::policy::{decide, Action, Incoming, Origin};
use faqbot::kb::{load_dir, KnowledgeBase};
use faqbot::matcher::Matcher;
use serde::Deserialize;
use serenity::model::id::{ChannelId, GuildId, MessageId, UserId};
use tokio::process::Child;

use standin::{MessageCreate, Options, Recorded, StandIn, UserFixture};

/// Lines members post that are not questions for the bot, some of them
/// shaped like questions about something else.
const CHATTER: &[&str] = &[
    "good morning everyone",
    "lol",
    "thanks, that helped a lot!",
    "anyone up for lunch?",
    "brb",
    "what time is the meetup tonight?",
    "I pushed the fix, can someone review",
    "the build is green again 🎉",
    "haha same",
    "did anyone watch the game yesterday?",
    "ok",
    "can you share the slides from today?",
    "my notebook kernel keeps dying",
    "welcome to the server!",
    "is the coffee machine fixed yet?",
    "+1",
    "where is the link to the calendar?",
    "see you all tomorrow",
    "who is presenting on friday?",
    "nice one",
];

/// Share of messages taken from the question sets; the rest is chatter.
const QUESTION_SHARE: f64 = 0.6;

#[derive(Deserialize)]
struct Line {
    q: String,
}

/// The bots the bench can drive.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Bot {
    Faqbot,
    Floor,
}

impl Bot {
    fn name(self) -> &'static str {
        match self {
            Bot::Faqbot => "faqbot",
            Bot::Floor => "floor",
        }
    }
}

struct Args {
    messages: usize,
    channels: u64,
    /// Messages per second; `None`: as fast as the gateway takes them.
    rate: Option<u32>,
    /// In the order they run.
    bots: Vec<Bot>,
    /// Another faqbot binary than this build's, to compare builds.
    faqbot: PathBuf,
}

fn args() -> Args {
    let mut out = Args {
        messages: 5_000,
        channels: 50,
        rate: None,
        bots: vec![Bot::Floor, Bot::Faqbot],
        faqbot: PathBuf::from(env!("CARGO_BIN_EXE_faqbot")),
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        // `cargo bench` passes `--bench`; anything unknown is ignored.
        let mut value = || it.next().unwrap_or_else(|| panic!("{arg} needs a value"));
        let number = |v: String| -> u64 {
            v.parse()
                .unwrap_or_else(|_| panic!("{arg} needs a positive number, not {v:?}"))
        };
        match arg.as_str() {
            "--messages" => out.messages = number(value()) as usize,
            "--channels" => out.channels = number(value()),
            "--rate" => out.rate = Some(u32::try_from(number(value())).unwrap_or(u32::MAX).max(1)),
            "--faqbot-bin" => out.faqbot = PathBuf::from(value()),
            "--bot" => {
                out.bots = match value().as_str() {
                    "faqbot" => vec![Bot::Faqbot],
                    "floor" => vec![Bot::Floor],
                    "both" => vec![Bot::Floor, Bot::Faqbot],
                    other => panic!("--bot is faqbot, floor or both, not {other:?}"),
                }
            }
            _ => {}
        }
    }
    assert!(out.messages > 0 && out.channels > 0, "nothing to send");
    out
}

/// xorshift64*: a fixed, dependency-free pseudo-random order.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
}

fn questions(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    // The project's three older sets, now part of the train split.
    for file in ["own.jsonl", "blind.jsonl", "blind2.jsonl"] {
        let path = root.join("tests/questions/train").join(file);
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let line: Line = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("{}: {e}: {line}", path.display()));
            out.push(line.q);
        }
    }
    out
}

/// Peak and current resident memory of a process, in KiB.
fn memory_kib(pid: u32) -> Option<(u64, u64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
    };
    Some((field("VmHWM:")?, field("VmRSS:")?))
}

/// The `p` quantile (0 to 1) of sorted durations, nearest rank.
fn percentile(sorted: &[Duration], p: f64) -> Option<Duration> {
    let last = sorted.len().checked_sub(1)?;
    sorted.get((last as f64 * p).round() as usize).copied()
}

/// The message a post replies to.
fn replied_to(r: &Recorded) -> Option<MessageId> {
    r.body["message_reference"]["message_id"]
        .as_str()
        .and_then(|id| id.parse().ok())
        .map(MessageId::new)
}

/// One message to send, and what each bot does with it.
struct Planned {
    /// Index of the guild (and its one channel) among the stand-in's.
    guild: usize,
    text: String,
    /// The entry faqbot answers it with, if any.
    entry: Option<String>,
    /// Whether the floor replies to it.
    question_like: bool,
}

/// What both bots are told and what they must do with it: the messages, in
/// a fixed pseudo-random order, with the entry faqbot's own matcher and
/// policy answer each with and the floor's gate.
struct Plan {
    messages: Vec<Planned>,
    /// The matcher's own time over every message, in this process: what
    /// faqbot spends matching that the floor does not.
    matching: Duration,
}

impl Plan {
    fn new(root: &Path, kb: &KnowledgeBase, guilds: usize, messages: usize) -> Plan {
        let matcher = Matcher::new(kb);
        let pool = questions(root);
        let mut rng = Rng(0x5EED_FAC7_B075);
        let mut matching = Duration::ZERO;
        let messages = (0..messages)
            .map(|_| {
                let guild = rng.below(guilds);
                let text = if rng.chance(QUESTION_SHARE) {
                    pool[rng.below(pool.len())].clone()
                } else {
                    CHATTER[rng.below(CHATTER.len())].to_owned()
                };
                // No message names the bot: there is no mention to strip.
                let incoming = Incoming {
                    from_bot: false,
                    from_webhook: false,
                    from_self: false,
                    origin: Origin::Channel { listening: true },
                    text: &text,
                };
                let started = Instant::now();
                let action = decide(&incoming, |q, need| matcher.ask_message(q, need));
                matching += started.elapsed();
                let entry = match action {
                    Action::Answer(hit) => Some(kb.entries()[hit.entry].id.clone()),
                    _ => None,
                };
                let question_like = matcher.reads_as_question(&text);
                Planned {
                    guild,
                    text,
                    entry,
                    question_like,
                }
            })
            .collect();
        Plan { messages, matching }
    }

    fn chatter(&self) -> usize {
        self.messages
            .iter()
            .filter(|p| CHATTER.contains(&p.text.as_str()))
            .count()
    }
}

/// The floor's binary, built with the bench's settings (the bench profile
/// is release's): `cargo bench` itself builds no examples.
fn floor_binary(root: &Path) -> PathBuf {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = std::process::Command::new(cargo)
        .args(["build", "--quiet", "--release", "--example", "floor"])
        .current_dir(root)
        .status()
        .expect("cargo runs");
    assert!(status.success(), "building examples/floor failed");
    // target/release/deps/load-… → target/release/examples/floor
    let exe = std::env::current_exe().expect("the bench's own path");
    let dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("the bench runs from target/<profile>/deps");
    dir.join("examples")
        .join(format!("floor{}", std::env::consts::EXE_SUFFIX))
}

/// The bot, as an admin runs it, listening in every channel; returns once
/// it is connected (faqbot: its commands registered; the floor: READY
/// sent).
async fn start_bot(standin: &StandIn, faq_dir: &Path, bot: Bot, exe: &Path) -> Child {
    let mut command = match bot {
        Bot::Faqbot => {
            let listen: Vec<String> = standin
                .guilds()
                .iter()
                .map(|g| g.channel_id.to_string())
                .collect();
            let mut c = tokio::process::Command::new(exe);
            c.arg("run")
                .env_clear()
                .env("DISCORD_GUILD_ID", standin.guild().id.to_string())
                .env("FAQBOT_CHANNELS", listen.join(","))
                .env("FAQBOT_WATCH", "off")
                // A store of its own in the temporary folder, not ./faqbot.db.
                .env(
                    "FAQBOT_DATABASE_URL",
                    format!(
                        "sqlite://{}",
                        std::env::temp_dir()
                            .join(format!("faqbot-load-{}.db", std::process::id()))
                            .display()
                    ),
                );
            c
        }
        Bot::Floor => {
            let mut c = tokio::process::Command::new(exe);
            c.env_clear();
            c
        }
    };
    let child = command
        .env("DISCORD_TOKEN", "load-token")
        .env("FAQBOT_FAQ_DIR", faq_dir)
        .env("DISCORD_HTTP_PROXY", standin.http_base())
        .env("RUST_LOG", "warn")
        .stderr(std::process::Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|e| panic!("the {} binary starts: {e}", bot.name()));
    match bot {
        Bot::Faqbot => {
            standin
                .wait_for_request(standin.is_registration(), Duration::from_secs(30))
                .await;
        }
        Bot::Floor => standin.wait_ready().await,
    }
    child
}

/// What was sent: when each message left, and for each message the bot
/// must reply to, what the reply is for (one reply per key).
struct Sent<K> {
    at: HashMap<MessageId, Instant>,
    answers: HashMap<MessageId, K>,
}

/// Sends every planned message, each from a different member (so no
/// per-member limit applies), at `rate` a second or as fast as the gateway
/// takes them. `key` says what a reply to a message is for, when the bot
/// must reply to it.
async fn push<K>(
    standin: &StandIn,
    plan: &Plan,
    rate: Option<u32>,
    key: impl Fn(&Planned, MessageId, ChannelId) -> Option<K>,
) -> Sent<K> {
    let start = tokio::time::Instant::now();
    let guilds = standin.guilds();
    let mut sent = Sent {
        at: HashMap::with_capacity(plan.messages.len()),
        answers: HashMap::new(),
    };
    for (i, p) in plan.messages.iter().enumerate() {
        if let Some(rate) = rate {
            let due = Duration::from_secs_f64(i as f64 / f64::from(rate));
            tokio::time::sleep_until(start + due).await;
        }
        let member = UserFixture {
            id: UserId::new(1_000_000 + i as u64),
            name: format!("member{i}"),
            bot: false,
        };
        let guild = &guilds[p.guild];
        let (g, channel): (GuildId, ChannelId) = (guild.id, guild.channel_id);
        let message = MessageCreate::new(&p.text)
            .in_channel(Some(g), channel)
            .author(member);
        let m = standin.message_create(message).await;
        assert!(m.delivered, "the stand-in withheld message {i}");
        sent.at.insert(m.message_id, m.dispatch.at);
        if let Some(k) = key(p, m.message_id, channel) {
            sent.answers.insert(m.message_id, k);
        }
    }
    sent
}

/// Waits until `expected` posts arrived (or two minutes passed); returns
/// when the last of them arrived.
async fn wait_for_posts(standin: &StandIn, expected: usize, since: Instant) -> Instant {
    let deadline = Instant::now() + Duration::from_mins(2);
    loop {
        let (n, last) = standin.count_requests(Recorded::is_channel_post);
        if n >= expected || Instant::now() > deadline {
            return last.unwrap_or(since);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Checks that every key got exactly one post, replying to one of its
/// messages, and that nothing else was posted; returns each reply's
/// latency, sorted.
fn check<K: Eq + Hash + Display>(posts: &[Recorded], sent: &Sent<K>) -> Vec<Duration> {
    let keys: HashSet<&K> = sent.answers.values().collect();
    let mut answered: HashSet<&K> = HashSet::new();
    let mut latencies = Vec::with_capacity(posts.len());
    for r in posts {
        let id =
            replied_to(r).unwrap_or_else(|| panic!("a post that replies to nothing: {}", r.body));
        let key = sent
            .answers
            .get(&id)
            .unwrap_or_else(|| panic!("message {id} should not have been answered: {}", r.body));
        assert!(answered.insert(key), "{key} was answered twice");
        latencies.push(r.at.saturating_duration_since(sent.at[&id]));
    }
    let missing = keys.len() - answered.len();
    assert_eq!(missing, 0, "{missing} of {} replies never came", keys.len());
    latencies.sort_unstable();
    latencies
}

/// What faqbot's reply is for: one entry in one channel.
#[derive(PartialEq, Eq, Hash)]
struct Pair(ChannelId, String);

impl Display for Pair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "entry {} in channel {}", self.1, self.0)
    }
}

/// What the floor's reply is for: one message.
#[derive(PartialEq, Eq, Hash)]
struct Asked(MessageId);

impl Display for Asked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "message {}", self.0)
    }
}

/// One bot's run.
struct Run {
    bot: Bot,
    pushed: Duration,
    /// First message sent to last reply received.
    drain: Duration,
    replies: usize,
    latencies: Vec<Duration>,
    ready_kib: Option<u64>,
    peak_kib: Option<u64>,
}

impl Run {
    fn p(&self, q: f64) -> Duration {
        percentile(&self.latencies, q).unwrap_or_default()
    }
}

/// Drives `bot` through `plan` on a stand-in of its own.
async fn run(bot: Bot, args: &Args, plan: &Plan, faq_dir: &Path, floor: &Path) -> Run {
    let standin = StandIn::start_with(Options {
        guilds: args.channels,
        ..Options::default()
    })
    .await;
    let exe = match bot {
        Bot::Faqbot => &args.faqbot,
        Bot::Floor => floor,
    };
    let mut child = start_bot(&standin, faq_dir, bot, exe).await;
    let pid = child.id().expect("a running bot");
    let ready = memory_kib(pid);
    let started = Instant::now();
    // The two bots' invariants, each checked by the same `check`.
    let (expected, latencies, pushed, last) = match bot {
        Bot::Faqbot => {
            let sent = push(&standin, plan, args.rate, |p, _, channel| {
                p.entry.clone().map(|e| Pair(channel, e))
            })
            .await;
            let pushed = started.elapsed();
            let expected = sent.answers.values().collect::<HashSet<_>>().len();
            let last = settle(&standin, expected, started).await;
            (expected, check(&posts(&standin), &sent), pushed, last)
        }
        Bot::Floor => {
            let sent = push(&standin, plan, args.rate, |p, id, _| {
                p.question_like.then_some(Asked(id))
            })
            .await;
            let pushed = started.elapsed();
            let expected = sent.answers.len();
            let last = settle(&standin, expected, started).await;
            (expected, check(&posts(&standin), &sent), pushed, last)
        }
    };
    let peak = memory_kib(pid);
    let drain = last.saturating_duration_since(started);
    if bot == Bot::Faqbot {
        assert!(
            drain < Duration::from_mins(1),
            "the run outlasted the 60 s cooldown the plan assumes ({drain:?})"
        );
    }
    standin.assert_all_valid();
    child.start_kill().expect("stop the bot");
    let _ = child.wait().await;
    Run {
        bot,
        pushed,
        drain,
        replies: expected,
        latencies,
        ready_kib: ready.map(|(_, rss)| rss),
        peak_kib: peak.map(|(hwm, _)| hwm),
    }
}

/// Waits for the expected posts, then gives any post that should not come
/// time to come; returns when the last expected one arrived.
async fn settle(standin: &StandIn, expected: usize, started: Instant) -> Instant {
    let last = wait_for_posts(standin, expected, started).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    last
}

/// Every message the bot posted in a channel.
fn posts(standin: &StandIn) -> Vec<Recorded> {
    standin
        .requests()
        .into_iter()
        .filter(Recorded::is_channel_post)
        .collect()
}

fn mib(kib: Option<u64>) -> String {
    kib.map_or_else(
        || "?".to_owned(),
        |k| format!("{:.1} MiB", k as f64 / 1024.0),
    )
}

fn print(runs: &[Run], plan: &Plan, args: &Args) {
    let chatter = plan.chatter();
    let n = plan.messages.len();
    println!(
        "load: {n} messages over {} channels ({} from the question sets, {chatter} chatter){}",
        args.channels,
        n - chatter,
        args.rate
            .map(|r| format!(", {r} a second"))
            .unwrap_or_default()
    );
    let answered = plan.messages.iter().filter(|p| p.entry.is_some()).count();
    let asked = plan.messages.iter().filter(|p| p.question_like).count();
    for r in runs {
        let what = match r.bot {
            Bot::Faqbot => format!(
                "{answered} questions it is sure of, {} distinct (channel, entry) pairs: \
                 one reply per pair",
                r.replies
            ),
            Bot::Floor => format!("{asked} question-like messages: one reply each"),
        };
        println!("  {}: {what}, nothing else posted", r.bot.name());
    }
    println!(
        "  matching alone (one thread, this process): {:.1} µs a message, {:.2?} for all",
        plan.matching.as_secs_f64() * 1e6 / n as f64,
        plan.matching
    );
    println!(
        "  | bot | replies | pushed in | drained in | messages/s | p50 | p90 | p99 | max | RSS ready → peak |"
    );
    println!("  |---|---|---|---|---|---|---|---|---|---|");
    for r in runs {
        println!(
            "  | {} | {} | {:.2?} | {:.2?} | {:.0} | {:.2?} | {:.2?} | {:.2?} | {:.2?} | {} → {} |",
            r.bot.name(),
            r.replies,
            r.pushed,
            r.drain,
            n as f64 / r.drain.as_secs_f64(),
            r.p(0.50),
            r.p(0.90),
            r.p(0.99),
            r.latencies.last().copied().unwrap_or_default(),
            mib(r.ready_kib),
            mib(r.peak_kib),
        );
    }
    let of = |b: Bot| runs.iter().find(|r| r.bot == b);
    if let (Some(bot), Some(floor)) = (of(Bot::Faqbot), of(Bot::Floor)) {
        let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { f64::NAN };
        println!(
            "  faqbot / floor: drain {:.2}x, p99 {:.2}x, peak RSS {:.2}x (targets: 1.2x, 1.2x, 2x)",
            ratio(bot.drain.as_secs_f64(), floor.drain.as_secs_f64()),
            ratio(bot.p(0.99).as_secs_f64(), floor.p(0.99).as_secs_f64()),
            ratio(
                bot.peak_kib.unwrap_or(0) as f64,
                floor.peak_kib.unwrap_or(0) as f64
            ),
        );
    }
}

#[tokio::main]
async fn main() {
    let args = args();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let faq_dir = root.join("faq");
    let kb = load_dir(&faq_dir).expect("the shipped FAQ loads");
    let plan = Plan::new(root, &kb, args.channels as usize, args.messages);
    let floor = if args.bots.contains(&Bot::Floor) {
        floor_binary(root)
    } else {
        PathBuf::new()
    };
    let mut runs = Vec::new();
    for &bot in &args.bots {
        runs.push(run(bot, &args, &plan, &faq_dir, &floor).await);
    }
    print(&runs, &plan, &args);
}
