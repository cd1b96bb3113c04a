//! Load: the built `faqbot run` binary against the Discord stand-in, fed
//! 5,000 `MESSAGE_CREATE` events over 50 channels as fast as it takes them.
//!
//! The mix is the project's three question sets (answerable questions,
//! look-alikes about other jobs, junk) and channel chatter, each message
//! from a different member, in a fixed pseudo-random order. What must
//! happen is worked out with the bot's own pure logic (the matcher and the
//! answering policy): each question it is sure of is answered, except that
//! an entry is posted in a channel at most once within the 60 s cooldown.
//! The bot handles events concurrently, so which of several messages
//! asking for the same entry in one channel gets the reply is not fixed:
//! the run fails unless every (channel, entry) pair gets exactly one reply,
//! to one of its messages, and nothing else is posted.
//!
//! Reported: throughput, latency from the event leaving the stand-in to the
//! reply reaching it (p50, p90, p99, max), and the bot's peak resident
//! memory (`VmHWM` of the process).
//!
//! `cargo bench --bench load` (add `-- --messages N --channels C` to vary
//! the load, `--rate R` to send R messages a second instead of all at
//! once; the README has the figures).

#![allow(
    clippy::cast_precision_loss,
    reason = "counts and durations are printed as approximate figures"
)]

#[path = "../tests/it/standin/mod.rs"]
mod standin;

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::time::{Duration, Instant};

use faqbot::discord::policy::{decide, strip_mention, Action, Incoming, Origin};
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

struct Args {
    messages: usize,
    channels: u64,
    /// Messages per second; `None`: as fast as the gateway takes them.
    rate: Option<u32>,
}

fn args() -> Args {
    let mut out = Args {
        messages: 5_000,
        channels: 50,
        rate: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        // `cargo bench` passes `--bench`; anything unknown is ignored.
        let mut value = || {
            it.next()
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| panic!("{arg} needs a positive number"))
        };
        match arg.as_str() {
            "--messages" => out.messages = value(),
            "--channels" => out.channels = value() as u64,
            "--rate" => out.rate = Some(u32::try_from(value()).unwrap_or(u32::MAX).max(1)),
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

/// One message to send, and the entry the bot answers it with, if any.
struct Planned {
    guild: GuildId,
    channel: ChannelId,
    text: String,
    entry: Option<String>,
}

/// The messages, in a fixed pseudo-random order, and the entry the bot's
/// own matcher and policy answer each with.
fn plan(standin: &StandIn, root: &Path, kb: &KnowledgeBase, messages: usize) -> Vec<Planned> {
    let matcher = Matcher::new(kb);
    let pool = questions(root);
    let bot_id = standin.bot().id.get();
    let guilds = standin.guilds();
    let mut rng = Rng(0x5EED_FAC7_B075);
    (0..messages)
        .map(|_| {
            let guild = &guilds[rng.below(guilds.len())];
            let text = if rng.chance(QUESTION_SHARE) {
                pool[rng.below(pool.len())].clone()
            } else {
                CHATTER[rng.below(CHATTER.len())].to_owned()
            };
            let stripped = strip_mention(&text, bot_id);
            let incoming = Incoming {
                from_bot: false,
                from_webhook: false,
                from_self: false,
                origin: Origin::Channel { listening: true },
                text: &stripped,
            };
            let entry = match decide(&incoming, |q| matcher.ask_message(q)) {
                Action::Answer(hit) => Some(kb.entries()[hit.entry].id.clone()),
                _ => None,
            };
            Planned {
                guild: guild.id,
                channel: guild.channel_id,
                text,
                entry,
            }
        })
        .collect()
}

/// The built binary, as an admin runs it, listening in every channel;
/// returns once it has registered its commands.
async fn start_bot(standin: &StandIn, faq_dir: &Path) -> Child {
    let listen: Vec<String> = standin
        .guilds()
        .iter()
        .map(|g| g.channel_id.to_string())
        .collect();
    let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_faqbot"))
        .arg("run")
        .env_clear()
        .env("DISCORD_TOKEN", "load-token")
        .env("DISCORD_GUILD_ID", standin.guild().id.to_string())
        .env("FAQBOT_CHANNELS", listen.join(","))
        .env("FAQBOT_FAQ_DIR", faq_dir)
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
        )
        .env("DISCORD_HTTP_PROXY", standin.http_base())
        .env("RUST_LOG", "warn")
        .stderr(std::process::Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .expect("the faqbot binary starts");
    standin
        .wait_for_request(standin.is_registration(), Duration::from_secs(30))
        .await;
    child
}

/// What was sent: when each message left, and the (channel, entry) pair
/// of each the bot would answer.
struct Sent {
    at: HashMap<MessageId, Instant>,
    answers: HashMap<MessageId, (ChannelId, String)>,
}

/// Sends every planned message, each from a different member (so no
/// per-member limit applies), at `rate` a second or as fast as the gateway
/// takes them.
async fn push(standin: &StandIn, plan: &[Planned], rate: Option<u32>) -> Sent {
    let start = tokio::time::Instant::now();
    let mut sent = Sent {
        at: HashMap::with_capacity(plan.len()),
        answers: HashMap::new(),
    };
    for (i, p) in plan.iter().enumerate() {
        if let Some(rate) = rate {
            let due = Duration::from_secs_f64(i as f64 / f64::from(rate));
            tokio::time::sleep_until(start + due).await;
        }
        let member = UserFixture {
            id: UserId::new(1_000_000 + i as u64),
            name: format!("member{i}"),
            bot: false,
        };
        let message = MessageCreate::new(&p.text)
            .in_channel(Some(p.guild), p.channel)
            .author(member);
        let m = standin.message_create(message).await;
        assert!(m.delivered, "the stand-in withheld message {i}");
        sent.at.insert(m.message_id, m.dispatch.at);
        if let Some(entry) = &p.entry {
            sent.answers
                .insert(m.message_id, (p.channel, entry.clone()));
        }
    }
    sent
}

/// Every message the bot posted in a channel.
fn posts(standin: &StandIn) -> Vec<Recorded> {
    standin
        .requests()
        .into_iter()
        .filter(Recorded::is_channel_post)
        .collect()
}

/// Waits until `expected` posts arrived (or two minutes passed); returns
/// when the last of them arrived.
async fn wait_for_posts(standin: &StandIn, expected: usize, since: Instant) -> Instant {
    let deadline = Instant::now() + Duration::from_mins(2);
    loop {
        let posts = posts(standin);
        if posts.len() >= expected || Instant::now() > deadline {
            return posts.iter().map(|r| r.at).max().unwrap_or(since);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Checks that every (channel, entry) pair got exactly one post, replying
/// to one of its messages, and that nothing else was posted; returns each
/// answer's latency, sorted.
fn check(posts: &[Recorded], sent: &Sent) -> Vec<Duration> {
    let pairs: HashSet<&(ChannelId, String)> = sent.answers.values().collect();
    let mut answered: HashSet<&(ChannelId, String)> = HashSet::new();
    let mut latencies = Vec::with_capacity(posts.len());
    for r in posts {
        let id =
            replied_to(r).unwrap_or_else(|| panic!("a post that replies to nothing: {}", r.body));
        let pair = sent
            .answers
            .get(&id)
            .unwrap_or_else(|| panic!("message {id} should not have been answered: {}", r.body));
        assert!(
            answered.insert(pair),
            "entry {} was posted twice in channel {}",
            pair.1,
            pair.0
        );
        latencies.push(r.at.saturating_duration_since(sent.at[&id]));
    }
    let missing = pairs.len() - answered.len();
    assert_eq!(
        missing,
        0,
        "{missing} of {} answers never came",
        pairs.len()
    );
    latencies.sort_unstable();
    latencies
}

#[tokio::main]
async fn main() {
    let args = args();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let faq_dir = root.join("faq");
    let kb = load_dir(&faq_dir).expect("the shipped FAQ loads");
    let standin = StandIn::start_with(Options {
        guilds: args.channels,
        ..Options::default()
    })
    .await;
    let plan = plan(&standin, root, &kb, args.messages);
    let expected = plan
        .iter()
        .filter_map(|p| p.entry.as_ref().map(|e| (p.channel, e)))
        .collect::<HashSet<_>>()
        .len();
    let mut bot = start_bot(&standin, &faq_dir).await;
    let pid = bot.id().expect("a running bot");
    let ready = memory_kib(pid);

    let started = Instant::now();
    let sent = push(&standin, &plan, args.rate).await;
    let pushed = started.elapsed();
    let last = wait_for_posts(&standin, expected, started).await;
    // Any post that should not come has had time to come.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let peak = memory_kib(pid);
    let posts = posts(&standin);
    let latencies = check(&posts, &sent);
    let elapsed = last.saturating_duration_since(started);
    assert!(
        elapsed < Duration::from_mins(1),
        "the run outlasted the 60 s cooldown the plan assumes ({elapsed:?})"
    );
    standin.assert_all_valid();
    bot.start_kill().expect("stop the bot");
    let _ = bot.wait().await;

    let chatter = plan
        .iter()
        .filter(|p| CHATTER.contains(&p.text.as_str()))
        .count();
    println!(
        "load: {} messages over {} channels ({} from the question sets, {chatter} chatter)",
        plan.len(),
        args.channels,
        plan.len() - chatter
    );
    println!(
        "  pushed in {pushed:.2?}; last reply after {elapsed:.2?}: {:.0} messages/s",
        plan.len() as f64 / elapsed.as_secs_f64()
    );
    println!(
        "  {} questions the bot is sure of, {expected} distinct (channel, entry) pairs: \
         {} replies posted, one per pair; nothing else posted",
        plan.iter().filter(|p| p.entry.is_some()).count(),
        posts.len()
    );
    if let (Some(p50), Some(p90), Some(p99), Some(max)) = (
        percentile(&latencies, 0.50),
        percentile(&latencies, 0.90),
        percentile(&latencies, 0.99),
        latencies.last(),
    ) {
        println!("  event to reply: p50 {p50:.2?}, p90 {p90:.2?}, p99 {p99:.2?}, max {max:.2?}");
    }
    if let (Some((_, ready_rss)), Some((hwm, _))) = (ready, peak) {
        println!(
            "  bot memory: {:.1} MiB resident when ready, {:.1} MiB peak",
            ready_rss as f64 / 1024.0,
            hwm as f64 / 1024.0
        );
    }
}
