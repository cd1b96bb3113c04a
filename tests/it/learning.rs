//! The store through the real bot: what a conversation leaves in it, a
//! store that fails while the bot runs, and per-server settings changed by
//! slash command (next message, after a restart, refused to members).

#![allow(
    clippy::unwrap_used,
    reason = "test code: a failed unwrap is a failed test"
)]

use std::time::Duration;

use faqbot::discord;
use faqbot::kb::load_dir;
use faqbot::store::{GuildSettings, Store};
use serenity::all::ChannelId;

use crate::bot::{any_message, config_for, interact, reply_to, start_state, Bot, GRACE, WAIT};
use crate::standin::{InteractionCreate, MessageCreate, StandIn};
use crate::{faq_copy, faq_dir};

/// The Manage Server permission bit, which the admin commands need.
const MANAGE_GUILD: u64 = 1 << 5;
use crate::store::sqlite;

/// The bot on the stand-in, keeping what it stores in `store`.
pub(crate) async fn start_stored(
    standin: &StandIn,
    store: &Store,
    vars: Vec<(&'static str, String)>,
) -> Bot {
    let config = config_for(standin, &faq_dir(), vars);
    let kb = load_dir(&faq_dir()).unwrap();
    let state = discord::State::new(discord::Faq::new(kb, config.answer_threshold), &config)
        .with_store(store.clone());
    start_state(standin, config, state).await
}

/// [`start_stored`], answering unprompted in the guild's `#general`.
async fn start_listening_stored(standin: &StandIn, store: &Store) -> Bot {
    let channel = standin.guild().channel_id.to_string();
    start_stored(standin, store, vec![("FAQBOT_CHANNELS", channel)]).await
}

/// Waits until the bot has handed `n` questions to the store.
async fn recorded(bot: &Bot, n: u64) {
    let mut r = bot.state.recorded();
    tokio::time::timeout(WAIT, r.wait_for(|k| *k >= n))
        .await
        .unwrap_or_else(|_| panic!("{n} questions recorded"))
        .unwrap();
}

#[tokio::test]
async fn what_the_bot_could_not_answer_is_kept_for_review_and_chatter_is_not() {
    let standin = StandIn::start().await;
    let db = sqlite().await;
    let bot = start_listening_stored(&standin, &db.store).await;
    // Chatter in a listening channel: not a question, nothing kept.
    standin
        .message_create(MessageCreate::new("lol that meeting went long"))
        .await;
    let (answered, reply) = standin
        .send_and_await_reply(
            MessageCreate::new("how much does an ML engineer earn?"),
            WAIT,
        )
        .await;
    // With the settings read from the store on the way.
    eprintln!(
        "event to reply, SQLite store: {:?}",
        reply.at - answered.dispatch.at
    );
    standin
        .send_and_await_reply(
            MessageCreate::new("is a bootcamp in Lisbon worth it?").mentioning_bot(),
            WAIT,
        )
        .await;
    recorded(&bot, 2).await;
    let stats = db.store.stats(None, 1, faqbot::store::now()).await.unwrap();
    assert_eq!((stats.questions, stats.answered), (2, 1), "{stats:?}");
    assert_eq!(stats.entries.len(), 1);
    assert_eq!(stats.entries[0].answers, 1);
    let texts = db.store.review_texts(0).await.unwrap();
    let kept: Vec<&str> = texts.iter().map(|t| t.text.as_str()).collect();
    assert_eq!(kept, ["is a bootcamp in Lisbon worth it?"]);
    assert_eq!(texts[0].guild, standin.guild().id.get());
    assert_eq!(texts[0].kind, "unanswered");
}

#[tokio::test]
async fn a_store_that_fails_while_the_bot_runs_does_not_stop_answers() {
    let standin = StandIn::start().await;
    let db = sqlite().await;
    let bot = start_listening_stored(&standin, &db.store).await;
    standin
        .send_and_await_reply(
            MessageCreate::new("how much does an ML engineer earn?"),
            WAIT,
        )
        .await;
    recorded(&bot, 1).await;
    assert_eq!(*bot.state.store_errors().borrow(), 0);
    // The store goes away: every later read and write fails.
    db.store.close().await;
    for q in [
        "what tools do data scientists use?",
        "what degree do ML engineers usually have?",
    ] {
        standin
            .send_and_await_reply(MessageCreate::new(q), WAIT)
            .await;
    }
    let mut errors = bot.state.store_errors();
    // Per message: the question's write (the guild's settings were read
    // once, before the store went away, and are served from memory).
    tokio::time::timeout(WAIT, errors.wait_for(|n| *n >= 2))
        .await
        .expect("the failures are counted")
        .unwrap();
    // Slash commands, which read the settings too, keep answering.
    let r = interact(&standin, InteractionCreate::command("help")).await;
    assert_eq!(r.body["type"], 4, "{}", r.body);
}

/// `/faq-settings` with these options, from an admin (Manage Server).
fn settings_as_admin() -> InteractionCreate {
    InteractionCreate::command("faq-settings").with_permissions(MANAGE_GUILD)
}

fn content(r: &crate::standin::Recorded) -> String {
    r.body["data"]["content"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn a_setting_changed_by_slash_command_applies_to_the_next_message_and_survives_a_restart() {
    let db = sqlite().await;
    let question = "what tools do data scientists use?";
    {
        let standin = StandIn::start().await;
        // No FAQBOT_CHANNELS: by default it answers nowhere unprompted.
        let _bot = start_stored(&standin, &db.store, vec![]).await;
        let general = standin.guild().channel_id;
        standin
            .send_and_assert_no_reply(MessageCreate::new(question), GRACE)
            .await;
        let r = interact(
            &standin,
            settings_as_admin().channel_option("add-channel", general, 0),
        )
        .await;
        assert_eq!(r.body["type"], 4, "{}", r.body);
        assert_eq!(r.body["data"]["flags"], 64, "private: {}", r.body);
        let text = content(&r);
        assert!(
            text.contains(&format!("Saved: answering in <#{general}>")),
            "{text}"
        );
        assert!(
            text.contains(&format!("- channels: <#{general}>\n")),
            "{text}"
        );
        standin
            .send_and_await_reply(MessageCreate::new(question), WAIT)
            .await;
        standin.assert_all_valid();
    }
    // A new process on the same store: the setting is still in force.
    let standin = StandIn::start().await;
    let _bot = start_stored(&standin, &db.store, vec![]).await;
    standin
        .send_and_await_reply(MessageCreate::new(question), WAIT)
        .await;
    // Unprompted answering off: the channel stays listed, and silent.
    let r = interact(&standin, settings_as_admin().option("unprompted", false)).await;
    assert!(content(&r).contains("unprompted answers off"), "{}", r.body);
    standin
        .send_and_assert_no_reply(
            MessageCreate::new("how much does an ML engineer earn?"),
            GRACE,
        )
        .await;
}

#[tokio::test]
async fn settings_are_refused_to_members_without_manage_server_and_validated() {
    let standin = StandIn::start().await;
    let db = sqlite().await;
    let _bot = start_stored(&standin, &db.store, vec![]).await;
    let guild = standin.guild().id.get();
    let general = standin.guild().channel_id;
    let r = interact(
        &standin,
        InteractionCreate::command("faq-settings").channel_option("add-channel", general, 0),
    )
    .await;
    assert_eq!(r.body["data"]["flags"], 64);
    assert!(
        content(&r).contains("needs the Manage Server permission"),
        "{}",
        r.body
    );
    assert_eq!(
        db.store.settings(guild).await.unwrap(),
        GuildSettings::default()
    );

    for (interaction, expected) in [
        (settings_as_admin().option("threshold", 1.5), "from 0 to 1"),
        (
            settings_as_admin().unresolved_channel_option("add-channel", ChannelId::new(42)),
            "not a channel of this server",
        ),
        (
            settings_as_admin().channel_option("review-channel", ChannelId::new(43), 2),
            "not a text channel",
        ),
    ] {
        let r = interact(&standin, interaction).await;
        assert!(content(&r).contains(expected), "{expected}: {}", r.body);
    }
    assert_eq!(
        db.store.settings(guild).await.unwrap(),
        GuildSettings::default()
    );
    // A valid threshold is kept, and shown as the server's own.
    let r = interact(&standin, settings_as_admin().option("threshold", 0.9)).await;
    assert!(
        content(&r).contains("- answer threshold: 0.90\n"),
        "{}",
        r.body
    );
    assert_eq!(
        db.store.settings(guild).await.unwrap().answer_threshold,
        Some(0.9)
    );
    standin.barrier().await;
    standin.assert_no_request_for(any_message, GRACE).await;
}

/// The built binary in an empty folder with only `vars` set.
fn faqbot(dir: &std::path::Path, args: &[&str], vars: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_faqbot"));
    cmd.args(args).current_dir(dir).env_clear();
    for (k, v) in vars {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

#[tokio::test]
async fn stats_and_forget_read_the_store_and_other_commands_never_create_one() {
    let dir = tempfile::tempdir().unwrap();
    // `ask`, `list` and `check` open no store: no database file appears.
    for args in [&["ask", "what is an MLE"][..], &["list"], &["check"]] {
        faqbot(dir.path(), args, &[]);
    }
    assert!(!dir.path().join("faqbot.db").exists());
    let db = dir.path().join("usage.db");
    let url = format!("sqlite://{}", db.display());
    let store = Store::open(&url).await.unwrap();
    let q = faqbot::store::Question {
        guild: 7,
        channel: 8,
        asked: faqbot::store::Asked::Mention,
        outcome: faqbot::store::Outcome::Answered,
        entry: Some("mle-salary"),
        review: None,
    };
    store
        .record_question(&q, faqbot::store::now())
        .await
        .unwrap();
    store.close().await;
    let out = faqbot(
        dir.path(),
        &["stats", "--json"],
        &[("FAQBOT_DATABASE_URL", &url)],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stats: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        stats,
        serde_json::json!({"days": 30, "questions": 1, "answered": 1, "suggested": 0, "silent": 0,
            "helpful": 0, "unhelpful": 0,
            "entries": [{"id": "mle-salary", "answers": 1, "helpful": 0, "unhelpful": 0}]})
    );
    let out = faqbot(
        dir.path(),
        &["forget", "--guild", "7"],
        &[("FAQBOT_DATABASE_URL", &url)],
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "deleted 2 rows of server 7\n"
    );
    let out = faqbot(
        dir.path(),
        &["stats", "--json", "--days", "7"],
        &[("FAQBOT_DATABASE_URL", &url)],
    );
    let stats: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (stats["days"].as_u64(), stats["questions"].as_u64()),
        (Some(7), Some(0))
    );
}

#[test]
fn a_store_that_cannot_be_opened_stops_the_start_with_exit_2_and_no_password() {
    let dir = tempfile::tempdir().unwrap();
    for args in [&["run"][..], &["stats"]] {
        let out = faqbot(
            dir.path(),
            args,
            &[
                ("DISCORD_TOKEN", "t"),
                (
                    "FAQBOT_DATABASE_URL",
                    "postgres://bot:hunter2@127.0.0.1:1/faq",
                ),
            ],
        );
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("cannot open the store at postgres://bot:[redacted]@127.0.0.1:1/faq"),
            "{err}"
        );
        assert!(!err.contains("hunter2"), "{err}");
    }
}

/// `faqbot run` as a child process against `standin`, on the store `url`,
/// serving shards `shards`.
fn spawn_bot(
    standin: &StandIn,
    dir: &std::path::Path,
    url: &str,
    shards: &str,
) -> tokio::process::Child {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_faqbot"))
        .arg("run")
        .current_dir(dir)
        .env_clear()
        .env("DISCORD_TOKEN", "test-token")
        .env("DISCORD_GUILD_ID", standin.guild().id.to_string())
        .env("DISCORD_HTTP_PROXY", standin.http_base())
        .env("FAQBOT_DATABASE_URL", url)
        .env("FAQBOT_SHARDS", shards)
        .env("RUST_LOG", "faqbot=warn")
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap()
}

/// Asks in `guild`'s channel; waits for the answer, or (`answered`
/// false) checks that none comes.
async fn ask_in(standin: &StandIn, guild: usize, question: &str, answered: bool) {
    let g = standin.guilds()[guild].clone();
    let sent = standin
        .message_create(MessageCreate::new(question).in_channel(Some(g.id), g.channel_id))
        .await;
    if answered {
        standin
            .wait_for_request(reply_to(sent.message_id), WAIT)
            .await;
    } else {
        standin
            .assert_no_request_for(reply_to(sent.message_id), GRACE)
            .await;
    }
}

#[tokio::test]
async fn two_processes_on_one_postgresql_share_the_settings_written_through_either() {
    let Some(db) = crate::store::postgres("two_processes_on_one_postgresql").await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let options = || crate::standin::Options {
        guilds: 2,
        shards: 2,
        ..crate::standin::Options::default()
    };
    let question = "what tools do data scientists use?";
    let standin = StandIn::start_with(options()).await;
    // Guild i lives on shard i: process A serves guild 0, B guild 1.
    let a = spawn_bot(&standin, dir.path(), &db.url, "0..0/2");
    let b = spawn_bot(&standin, dir.path(), &db.url, "1..1/2");
    standin.wait_ready().await;
    for (i, g) in standin.guilds().to_vec().into_iter().enumerate() {
        assert_eq!(standin.shard_of(g.id), u32::try_from(i).unwrap());
        ask_in(&standin, i, question, false).await;
        // The admin's command reaches the process of the guild's shard.
        let r = interact(
            &standin,
            settings_as_admin()
                .in_channel(g.id, g.channel_id)
                .channel_option("add-channel", g.channel_id, 0),
        )
        .await;
        assert!(content(&r).contains("Saved: answering in"), "{}", r.body);
        ask_in(&standin, i, question, true).await;
    }
    // What each process wrote is in the one database.
    for g in standin.guilds() {
        assert_eq!(
            db.store.settings(g.id.get()).await.unwrap().channels,
            Some(vec![g.channel_id.get()])
        );
    }
    drop((a, b));
    // Scaled down to one process serving both shards: it uses the
    // settings the two others wrote (same ids: the stand-in's are fixed).
    let standin2 = StandIn::start_with(options()).await;
    assert_eq!(
        standin2.guilds()[1].channel_id,
        standin.guilds()[1].channel_id
    );
    let _one = spawn_bot(&standin2, dir.path(), &db.url, "0..1/2");
    standin2.wait_ready().await;
    for i in 0..2 {
        ask_in(&standin2, i, question, true).await;
    }
}

/// The custom ids of a reply's buttons.
fn button_ids(body: &serde_json::Value) -> Vec<String> {
    body["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .filter_map(|b| b["custom_id"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn answers_carry_votes_for_the_asker_only_and_a_down_vote_offers_the_next_best() {
    let standin = StandIn::start().await;
    let db = sqlite().await;
    let channel = standin.guild().channel_id.to_string();
    let question = "how much does an ML engineer earn?";
    let bot = start_stored(&standin, &db.store, vec![("FAQBOT_CHANNELS", channel)]).await;
    let (_, reply) = standin
        .send_and_await_reply(MessageCreate::new(question), WAIT)
        .await;
    let ids = button_ids(&reply.body);
    let asker = standin.human().id;
    assert_eq!(ids.len(), 2, "{}", reply.body);
    assert!(
        ids[0].starts_with("up:") && ids[0].ends_with(&format!(":{asker}")),
        "{ids:?}"
    );
    assert!(ids[1].starts_with("down:"), "{ids:?}");
    let entry = ids[0].split(':').nth(1).unwrap().to_owned();

    // Someone else: a short private note, nothing recorded.
    let r = interact(
        &standin,
        InteractionCreate::button(&ids[0]).user(crate::bot::stranger(&standin)),
    )
    .await;
    assert_eq!(
        (r.body["type"].as_u64(), r.body["data"]["flags"].as_u64()),
        (Some(4), Some(64))
    );

    // 👍: recorded, and the buttons go.
    let r = interact(
        &standin,
        InteractionCreate::button(&ids[0]).answering(question),
    )
    .await;
    assert_eq!(r.body["type"], 7, "{}", r.body);
    assert_eq!(
        r.body["data"]["components"],
        serde_json::json!([]),
        "{}",
        r.body
    );
    recorded(&bot, 2).await;
    drop(bot);

    // 👎 to a bot started afresh: the buttons' state is in their ids.
    let standin2 = StandIn::start().await;
    let bot = start_stored(&standin2, &db.store, vec![]).await;
    let r = interact(
        &standin2,
        InteractionCreate::button(&ids[1]).answering(question),
    )
    .await;
    assert_eq!(r.body["type"], 7, "{}", r.body);
    assert!(
        r.body["data"]["content"]
            .as_str()
            .unwrap()
            .contains("Did you mean"),
        "{}",
        r.body
    );
    let offered = button_ids(&r.body["data"]);
    assert!(offered.len() >= 2, "{offered:?}");
    assert!(
        offered.iter().all(|id| !id.contains(&format!(":{entry}:"))),
        "not the voted entry: {offered:?}"
    );
    let dismiss = offered.last().unwrap().clone();
    assert_eq!(dismiss, format!("dismiss:{asker}"));
    recorded(&bot, 1).await;
    let stats = db.store.stats(None, 1, faqbot::store::now()).await.unwrap();
    assert_eq!((stats.helpful, stats.unhelpful), (1, 1), "{stats:?}");
    let texts = db.store.review_texts(0).await.unwrap();
    assert!(
        texts
            .iter()
            .any(|t| t.kind == "unhelpful" && t.text == question),
        "{texts:?}"
    );

    // "None of these" deletes the bot's message.
    let message = serenity::all::MessageId::new(standin2.new_id());
    let sent = standin2
        .interaction_create(InteractionCreate::button(&dismiss).on_message(message))
        .await;
    let ack = standin2
        .wait_for_request(crate::bot::callback(sent.callback_path()), WAIT)
        .await;
    assert_eq!(ack.body["type"], 6, "{}", ack.body);
    let path = format!("/channels/{}/messages/{message}", sent.channel_id);
    standin2
        .wait_for_request(move |r| r.method == "DELETE" && r.path == path, WAIT)
        .await;
    standin2.assert_all_valid();
}

#[tokio::test]
async fn faq_stats_shows_this_servers_week_and_month_privately() {
    let standin = StandIn::start().await;
    let db = sqlite().await;
    let bot = start_listening_stored(&standin, &db.store).await;
    for q in [
        "how much does an ML engineer earn?",
        "what tools do data scientists use?",
    ] {
        standin
            .send_and_await_reply(MessageCreate::new(q), WAIT)
            .await;
    }
    standin
        .send_and_await_reply(
            MessageCreate::new("is a bootcamp in Lisbon worth it?").mentioning_bot(),
            WAIT,
        )
        .await;
    recorded(&bot, 3).await;
    let r = interact(&standin, InteractionCreate::command("faq-stats")).await;
    assert!(content(&r).contains("Manage Server"), "{}", r.body);
    let r = interact(&standin, settings_as_admin_named("faq-stats")).await;
    assert_eq!(r.body["data"]["flags"], 64, "{}", r.body);
    let text = content(&r);
    assert!(
        text.contains("**Last 7 days:** 3 questions, 66% answered"),
        "{text}"
    );
    assert!(text.contains("**Last 30 days:** 3 questions"), "{text}");
    assert!(text.contains("answers (👍 0, 👎 0)"), "{text}");
    standin.assert_all_valid();
}

fn settings_as_admin_named(name: &str) -> InteractionCreate {
    InteractionCreate::command(name).with_permissions(MANAGE_GUILD)
}

/// A free port on 127.0.0.1 (bound, then let go).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `GET http://addr/path`: the status and the body (HTTP/1.0, read to the end).
async fn get(addr: &str, path: &str) -> Option<(u16, String)> {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let mut s = tokio::net::TcpStream::connect(addr).await.ok()?;
    s.write_all(format!("GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").as_bytes())
        .await
        .ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).await.ok()?;
    let status = out.split_whitespace().nth(1)?.parse().ok()?;
    let body = out.split_once("\r\n\r\n").map(|(_, b)| b.to_owned())?;
    Some((status, body))
}

/// Polls `check` on each scrape of `/metrics` until it holds.
async fn scrape_until(addr: &str, check: impl Fn(&str) -> bool) -> String {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let body = get(addr, "/metrics")
            .await
            .map(|(_, b)| b)
            .unwrap_or_default();
        if check(&body) {
            return body;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "metrics never got there:\n{body}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A sample's value in Prometheus text (`name{labels} value`), as a count.
fn sample(body: &str, series: &str) -> Option<u64> {
    body.lines().find_map(|l| {
        l.strip_prefix(series)
            .and_then(|v| v.trim().parse::<f64>().ok())
            .map(|v| v as u64)
    })
}

#[tokio::test]
async fn healthz_answers_503_until_the_gateway_is_ready() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("m.db").display());
    // A "Discord" that accepts connections and never answers: never ready.
    let dead = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let dead_addr = dead.local_addr().unwrap();
    let addr = format!("127.0.0.1:{}", free_port());
    let _stuck = tokio::process::Command::new(env!("CARGO_BIN_EXE_faqbot"))
        .arg("run")
        .current_dir(dir.path())
        .env_clear()
        .env("DISCORD_TOKEN", "test-token")
        .env("DISCORD_HTTP_PROXY", format!("http://{dead_addr}"))
        .env("FAQBOT_DATABASE_URL", &url)
        .env("FAQBOT_METRICS_ADDR", &addr)
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let deadline = tokio::time::Instant::now() + WAIT;
    let status = loop {
        if let Some((status, _)) = get(&addr, "/healthz").await {
            break status;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "/healthz never answered"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(status, 503);
}

#[tokio::test]
async fn metrics_count_what_the_stand_in_saw() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("m.db").display());
    let standin = StandIn::start().await;
    let addr = format!("127.0.0.1:{}", free_port());
    let _bot = tokio::process::Command::new(env!("CARGO_BIN_EXE_faqbot"))
        .arg("run")
        .current_dir(dir.path())
        .env_clear()
        .env("DISCORD_TOKEN", "test-token")
        .env("DISCORD_GUILD_ID", standin.guild().id.to_string())
        .env("FAQBOT_CHANNELS", standin.guild().channel_id.to_string())
        .env("DISCORD_HTTP_PROXY", standin.http_base())
        .env("FAQBOT_DATABASE_URL", &url)
        .env("FAQBOT_METRICS_ADDR", &addr)
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    standin
        .wait_for_request(standin.is_registration(), WAIT)
        .await;
    let (status, _) = get(&addr, "/healthz").await.unwrap();
    assert_eq!(status, 200);
    for q in [
        "how much does an ML engineer earn?",
        "what tools do data scientists use?",
        "lol that meeting went long",
    ] {
        standin.message_create(MessageCreate::new(q)).await;
    }
    standin
        .message_create(MessageCreate::new("is a bootcamp in Lisbon worth it?").mentioning_bot())
        .await;
    standin.barrier().await;
    let posts = |standin: &StandIn| standin.requests().iter().filter(|r| any_message(r)).count();
    let body = scrape_until(&addr, |b| {
        let replies: u64 = ["answer", "suggest", "hint"]
            .iter()
            .filter_map(|k| sample(b, &format!("faqbot_replies_total{{kind=\"{k}\"}}")))
            .sum();
        posts(&standin) == 3 && replies == 3
    })
    .await;
    assert_eq!(
        sample(
            &body,
            r#"faqbot_questions_total{verdict="answered",origin="channel"}"#
        ),
        Some(2),
        "{body}"
    );
    let answers = standin
        .requests()
        .iter()
        .filter(|r| any_message(r) && r.body["embeds"][0].is_object())
        .count() as u64;
    assert_eq!(
        sample(&body, r#"faqbot_replies_total{kind="answer"}"#),
        Some(answers)
    );
    // One question to the bot it could not answer: a hint or suggestions.
    let mention: u64 = ["silent", "suggested"]
        .iter()
        .filter_map(|v| {
            sample(
                &body,
                &format!("faqbot_questions_total{{verdict=\"{v}\",origin=\"mention\"}}"),
            )
        })
        .sum();
    assert_eq!(mention, 1, "{body}");
    // Every dispatch the stand-in sent: the last sequence number the
    // client acknowledged in a heartbeat (the barrier asked for it).
    let dispatched = standin
        .gateway_log()
        .iter()
        .filter_map(|g| match g {
            crate::standin::GatewayRecord::Heartbeat { seq, .. } => *seq,
            _ => None,
        })
        .max()
        .unwrap();
    let body = scrape_until(&addr, |b| {
        sample(b, "faqbot_gateway_events_total") == Some(dispatched)
    })
    .await;
    let entries = load_dir(&faq_dir()).unwrap().entries().len() as u64;
    // The binary serves the embedded FAQ (its folder has no faq/).
    assert_eq!(sample(&body, "faqbot_faq_entries"), Some(entries), "{body}");
    // Every match is timed: at least each question counted, at most each
    // message sent (whether chatter is matched is the matcher's business).
    let matched = sample(&body, "faqbot_match_seconds_count").unwrap();
    assert!((3..=4).contains(&matched), "{body}");
    assert!(
        body.contains("faqbot_match_seconds_bucket{le=\"0.001\"}"),
        "{body}"
    );
    assert_eq!(
        sample(&body, "faqbot_store_errors_total"),
        None,
        "no failures: {body}"
    );
}

/// A question the shipped FAQ does not answer, that the entry
/// `what-is-ml-engineer` answers once it is one of its alternates (checked
/// by the test that uses it, against the matcher of the day).
const MISSED: &str = "whats the vibe of MLE work";
const ACCEPTING: &str = "what-is-ml-engineer";

#[tokio::test]
async fn the_loop_an_accepted_miss_lands_in_its_toml_file_and_the_same_question_is_answered() {
    let faq = faq_copy();
    let before = std::fs::read_to_string(faq.path().join("ml-engineer.toml")).unwrap();
    let standin = StandIn::start().await;
    let db = sqlite().await;
    let config = config_for(&standin, faq.path(), vec![("FAQBOT_WATCH", "false".into())]);
    let kb = load_dir(faq.path()).unwrap();
    let state =
        discord::State::new(discord::Faq::new(kb, None), &config).with_store(db.store.clone());
    let bot = start_state(&standin, config, state).await;
    // Asked twice, in two spellings: not answered, kept, grouped as one.
    // (The second "Did you mean" is held back: the same reply once a minute
    // in a channel. It is kept all the same.)
    let (_, reply) = standin
        .send_and_await_reply(MessageCreate::new(MISSED).mentioning_bot(), WAIT)
        .await;
    assert!(
        reply.body["embeds"].as_array().is_none_or(Vec::is_empty),
        "not answered: {}",
        reply.body
    );
    standin
        .message_create(MessageCreate::new("Whats the vibe of MLE work??").mentioning_bot())
        .await;
    recorded(&bot, 2).await;
    let r = interact(&standin, settings_as_admin_named("faq-review")).await;
    assert_eq!(r.body["data"]["flags"], 64, "{}", r.body);
    let rows = r.body["data"]["components"].as_array().unwrap();
    let menu = &rows[0]["components"][0];
    let group = menu["custom_id"].as_str().unwrap().to_owned();
    assert!(group.starts_with("racc:"), "{menu}");
    let offered: Vec<&str> = menu["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["value"].as_str().unwrap())
        .collect();
    assert!(
        offered[..3].contains(&ACCEPTING),
        "nearest first: {offered:?}"
    );
    let fields = r.body["data"]["embeds"][0]["fields"].to_string();
    assert!(fields.contains("asked 2×"), "{fields}");

    // The admin picks the entry: written, reloaded, said so.
    let picked = standin
        .interaction_create(
            InteractionCreate::string_select(&group, &[ACCEPTING]).with_permissions(MANAGE_GUILD),
        )
        .await;
    let ack = standin
        .wait_for_request(crate::bot::callback(picked.callback_path()), WAIT)
        .await;
    assert_eq!(ack.body["type"], 6, "{}", ack.body);
    let original = picked.original_path(standin.application_id());
    let edit = standin
        .wait_for_request(move |r| r.method == "PATCH" && r.path == original, WAIT)
        .await;
    eprintln!(
        "menu choice to phrasing served: {:?}",
        edit.at - picked.dispatch.at
    );
    let text = edit.body["content"].as_str().unwrap();
    assert!(
        text.contains("as a phrasing of `what-is-ml-engineer`"),
        "{text}"
    );
    assert!(
        text.contains("ml-engineer.toml") && text.contains("It is served now."),
        "{text}"
    );

    // In the entry's own file, its comments and layout kept.
    let after = std::fs::read_to_string(faq.path().join("ml-engineer.toml")).unwrap();
    let added: Vec<&str> = after
        .lines()
        .filter(|l| !before.lines().any(|b| b == *l))
        .collect();
    assert_eq!(added.len(), 1, "one line added: {added:?}");
    assert!(
        added[0].starts_with("  ") && added[0].contains("vibe of MLE work"),
        "{added:?}"
    );
    assert!(
        after.starts_with(before.lines().next().unwrap()),
        "the header comment survives"
    );

    // The next identical question is answered with that entry.
    let (_, reply) = standin
        .send_and_await_reply(MessageCreate::new(MISSED).mentioning_bot(), WAIT)
        .await;
    assert_eq!(
        reply.body["embeds"][0]["title"], "What is a machine learning engineer?",
        "{}",
        reply.body
    );
    // And the group has left the queue.
    let r = interact(&standin, settings_as_admin_named("faq-review")).await;
    assert!(content(&r).contains("Nothing to review"), "{}", r.body);
    standin.assert_all_valid();
}

#[tokio::test]
async fn the_review_refuses_members_and_an_embedded_faq_has_no_folder_to_write() {
    let standin = StandIn::start().await;
    let db = sqlite().await;
    let mut config = config_for(&standin, &faq_dir(), vec![]);
    // As a bot serving the embedded FAQ.
    config.faq_folder = None;
    let state = discord::State::new(
        discord::Faq::new(load_dir(&faq_dir()).unwrap(), None),
        &config,
    )
    .with_store(db.store.clone());
    let bot = start_state(&standin, config, state).await;
    standin
        .send_and_await_reply(MessageCreate::new(MISSED).mentioning_bot(), WAIT)
        .await;
    recorded(&bot, 1).await;
    let r = interact(&standin, InteractionCreate::command("faq-review")).await;
    assert!(
        content(&r).contains("needs the Manage Server permission"),
        "{}",
        r.body
    );
    let r = interact(&standin, settings_as_admin_named("faq-review")).await;
    let group = r.body["data"]["components"][0]["components"][0]["custom_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = interact(
        &standin,
        InteractionCreate::string_select(&group, &[ACCEPTING]),
    )
    .await;
    assert!(content(&r).contains("Manage Server"), "{}", r.body);
    let picked = standin
        .interaction_create(
            InteractionCreate::string_select(&group, &[ACCEPTING]).with_permissions(MANAGE_GUILD),
        )
        .await;
    let original = picked.original_path(standin.application_id());
    let edit = standin
        .wait_for_request(move |r| r.method == "PATCH" && r.path == original, WAIT)
        .await;
    let text = edit.body["content"].as_str().unwrap();
    assert!(text.contains("no FAQ folder to write"), "{text}");
    // Ignore hides the group.
    let ignore = format!("rign:{}", group.trim_start_matches("racc:"));
    let r = interact(
        &standin,
        InteractionCreate::button(&ignore).with_permissions(MANAGE_GUILD),
    )
    .await;
    assert!(content(&r).contains("Hidden"), "{}", r.body);
    let r = interact(&standin, settings_as_admin_named("faq-review")).await;
    assert!(content(&r).contains("Nothing to review"), "{}", r.body);
}

#[tokio::test]
async fn the_daily_notice_is_posted_once_in_the_review_channel_and_opens_the_review() {
    let db = sqlite().await;
    let standin = StandIn::start().await;
    let general = standin.guild().channel_id;
    let guild = standin.guild().id.get();
    db.store
        .put_settings(
            guild,
            &GuildSettings {
                review_channel: Some(general.get()),
                ..GuildSettings::default()
            },
            faqbot::store::now(),
        )
        .await
        .unwrap();
    let q = faqbot::store::Question {
        guild,
        channel: general.get(),
        asked: faqbot::store::Asked::Mention,
        outcome: faqbot::store::Outcome::Silent,
        entry: None,
        review: Some((faqbot::store::TextKind::Unanswered, MISSED)),
    };
    db.store
        .record_question(&q, faqbot::store::now())
        .await
        .unwrap();
    {
        let _bot = start_stored(&standin, &db.store, vec![]).await;
        let path = format!("/channels/{general}/messages");
        let notice = standin
            .wait_for_request(move |r| r.method == "POST" && r.path == path, WAIT)
            .await;
        assert_eq!(
            notice.body["content"],
            "1 new unanswered question to review."
        );
        assert_eq!(button_ids(&notice.body), ["ropen"]);
        let r = interact(&standin, InteractionCreate::button("ropen")).await;
        assert!(content(&r).contains("Manage Server"), "{}", r.body);
        let r = interact(
            &standin,
            InteractionCreate::button("ropen").with_permissions(MANAGE_GUILD),
        )
        .await;
        assert_eq!(r.body["data"]["flags"], 64);
        assert!(
            r.body["data"]["embeds"][0]["fields"]
                .to_string()
                .contains("vibe of MLE work"),
            "{}",
            r.body
        );
    }
    // Restarted the same day: no second notice.
    let standin = StandIn::start().await;
    let _bot = start_stored(&standin, &db.store, vec![]).await;
    standin.assert_no_request_for(any_message, GRACE).await;
}

#[tokio::test]
async fn faqbot_misses_groups_accepts_into_the_file_and_ignores() {
    let faq = faq_copy();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("m.db").display());
    let store = Store::open(&url).await.unwrap();
    let now = faqbot::store::now();
    for (i, text) in [
        MISSED,
        "whats the vibe of MLE work?",
        MISSED,
        "do DS folks grind leetcode",
    ]
    .into_iter()
    .enumerate()
    {
        let q = faqbot::store::Question {
            guild: 7,
            channel: 8,
            asked: faqbot::store::Asked::Mention,
            outcome: faqbot::store::Outcome::Silent,
            entry: None,
            review: Some((faqbot::store::TextKind::Unanswered, text)),
        };
        store
            .record_question(&q, now - i64::try_from(i).unwrap())
            .await
            .unwrap();
    }
    store.close().await;
    let faq_arg = faq.path().to_str().unwrap();
    let vars = [("FAQBOT_DATABASE_URL", url.as_str())];
    let out = faqbot(dir.path(), &["misses", "--json", "--faq", faq_arg], &vars);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let groups: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let first = &groups[0];
    assert_eq!(first["count"], 3, "{groups}");
    assert_eq!(first["examples"][0], MISSED, "{groups}");
    assert_eq!(first["nearest"]["id"], ACCEPTING, "{groups}");
    assert!(first["nearest"]["score"].is_number());
    let keys: Vec<&str> = first
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["count", "examples", "group", "nearest"]);
    let id = first["group"].as_str().unwrap().to_owned();
    let other = groups[1]["group"].as_str().unwrap().to_owned();

    // The embedded FAQ (an empty folder, no --faq) has nowhere to write.
    let out = faqbot(
        dir.path(),
        &["misses", "--accept", &id, "--entry", ACCEPTING],
        &vars,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no folder to write to"));

    let out = faqbot(
        dir.path(),
        &[
            "misses", "--faq", faq_arg, "--accept", &id, "--entry", ACCEPTING,
        ],
        &vars,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let toml = std::fs::read_to_string(faq.path().join("ml-engineer.toml")).unwrap();
    assert!(
        toml.contains(&format!("  \"{MISSED}\",\n")),
        "written as the others are"
    );
    let out = faqbot(
        dir.path(),
        &["ask", "--json", "--faq", faq_arg, MISSED],
        &[],
    );
    let answer: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(answer["answer"]["id"], ACCEPTING, "{answer}");

    let out = faqbot(
        dir.path(),
        &["misses", "--faq", faq_arg, "--ignore", &other],
        &vars,
    );
    assert_eq!(out.status.code(), Some(0));
    let out = faqbot(dir.path(), &["misses", "--json", "--faq", faq_arg], &vars);
    let groups: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        groups,
        serde_json::json!([]),
        "accepted and ignored groups are gone"
    );
}
