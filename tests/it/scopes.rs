//! Registration across scopes: the built binary warns, once, when the
//! scope it does not use still holds this application's commands (members
//! would see each command twice), and `faqbot unregister` removes them.
//! Both directions: guild commands with stale global ones, and global
//! commands with stale guild ones.

#![allow(
    clippy::unwrap_used,
    reason = "test code: a failed unwrap is a failed test"
)]

use std::process::Stdio;

use serenity::all::{Command, CreateCommand, GuildId, HttpBuilder};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, ChildStderr};

use crate::bot::{GRACE, WAIT};
use crate::standin::{Recorded, StandIn};

/// Registers two commands in `guild` (or globally), as an earlier run of
/// the bot in the other scope left them.
async fn leave_stale_commands(standin: &StandIn, guild: Option<GuildId>) {
    let http = HttpBuilder::new("test-token")
        .proxy(standin.http_base())
        .ratelimiter_disabled(true)
        .application_id(standin.application_id())
        .build();
    let old = vec![
        CreateCommand::new("ask").description("an older copy"),
        CreateCommand::new("faq").description("an older copy"),
    ];
    match guild {
        Some(g) => g.set_commands(&http, old).await.map(drop).unwrap(),
        None => Command::set_global_commands(&http, old)
            .await
            .map(drop)
            .unwrap(),
    }
}

/// The built binary, run from an empty folder with only `vars` (and the
/// stand-in's token and proxy) set, its log on a pipe.
fn faqbot(standin: &StandIn, args: &[&str], vars: &[(&str, String)]) -> tokio::process::Command {
    static RUNS: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let dir = std::env::temp_dir();
    // A store of its own: the shared temporary folder's ./faqbot.db would
    // be opened by every test at once, and by earlier runs.
    let run = RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let db = dir.join(format!("faqbot-scopes-{}-{run}.db", std::process::id()));
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_faqbot"));
    cmd.args(args)
        .current_dir(dir)
        .env_clear()
        .env("FAQBOT_DATABASE_URL", format!("sqlite://{}", db.display()))
        .env("DISCORD_TOKEN", "test-token")
        .env("DISCORD_HTTP_PROXY", standin.http_base())
        .env("RUST_LOG", "faqbot=info")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    for (k, v) in vars {
        cmd.env(k, v);
    }
    cmd
}

/// Reads the log until a line holds `needle`; returns that line.
async fn log_line(log: &mut tokio::io::Lines<BufReader<ChildStderr>>, needle: &str) -> String {
    let found = tokio::time::timeout(WAIT, async {
        while let Some(line) = log.next_line().await.unwrap() {
            if line.contains(needle) {
                return line;
            }
        }
        panic!("the log ended without {needle:?}")
    })
    .await;
    found.unwrap_or_else(|_| panic!("no log line with {needle:?} within {WAIT:?}"))
}

fn start(mut cmd: tokio::process::Command) -> (Child, tokio::io::Lines<BufReader<ChildStderr>>) {
    let mut child = cmd.spawn().unwrap();
    let log = BufReader::new(child.stderr.take().unwrap()).lines();
    (child, log)
}

fn gets(standin: &StandIn, path: &str) -> usize {
    standin
        .requests()
        .iter()
        .filter(|r: &&Recorded| r.method == "GET" && r.path == path)
        .count()
}

/// `faqbot unregister ARGS` against the stand-in: its stdout, after exit 0.
async fn unregister(standin: &StandIn, args: &[&str]) -> String {
    let mut all = vec!["unregister"];
    all.extend_from_slice(args);
    let out = faqbot(standin, &all, &[]).output().await.unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test]
async fn guild_commands_warn_once_of_stale_global_ones_and_unregister_global_removes_them() {
    let standin = StandIn::start().await;
    leave_stale_commands(&standin, None).await;
    let guild = standin.guild().id;
    let (_child, mut log) = start(faqbot(
        &standin,
        &["run"],
        &[("DISCORD_GUILD_ID", guild.to_string())],
    ));
    // Run from an empty folder: the log says it serves the embedded FAQ.
    let serving = log_line(&mut log, "serving").await;
    let entries = faqbot::kb::embedded().unwrap().entries().len();
    assert!(
        serving.contains("the embedded FAQ") && serving.contains(&format!("entries={entries}")),
        "{serving}"
    );
    let line = log_line(&mut log, "faqbot unregister --global").await;
    assert!(line.contains("2 global slash commands"), "{line}");
    assert!(
        !line.contains('\u{1b}'),
        "no colour codes in a pipe: {line:?}"
    );
    // Registered in the guild all the same, and nothing cleared on start:
    // the global commands may be another instance's.
    assert!(standin.registered_command(Some(guild), "help").is_some());
    assert!(standin.registered_command(None, "ask").is_some());

    // Once: a second READY (a new session) neither registers nor checks
    // again.
    let global = format!("/applications/{}/commands", standin.application_id());
    standin.invalidate_session(0);
    standin.wait_shard_ready(0).await;
    standin.barrier().await;
    tokio::time::sleep(GRACE).await;
    assert_eq!(gets(&standin, &global), 1, "checked once");

    let said = unregister(&standin, &["--global"]).await;
    assert_eq!(said.trim(), "removed 2 global slash commands");
    assert!(standin.registered_command(None, "ask").is_none());
    assert!(standin.registered_command(Some(guild), "help").is_some());
    assert!(standin
        .requests()
        .iter()
        .any(|r| r.method == "PUT" && r.path == global && r.body == serde_json::json!([])));
    standin.assert_all_valid();
}

#[tokio::test]
async fn global_commands_warn_of_stale_guild_ones_and_unregister_guild_removes_them() {
    let standin = StandIn::start().await;
    let guild = standin.guild().id;
    leave_stale_commands(&standin, Some(guild)).await;
    // No DISCORD_GUILD_ID: global commands.
    let (_child, mut log) = start(faqbot(&standin, &["run"], &[]));
    let fix = format!("faqbot unregister --guild {guild}");
    let line = log_line(&mut log, &fix).await;
    assert!(line.contains("1 server(s)"), "{line}");
    assert!(standin.registered_command(None, "help").is_some());
    assert!(standin.registered_command(Some(guild), "ask").is_some());

    let said = unregister(&standin, &["--guild", &guild.to_string()]).await;
    assert_eq!(
        said.trim(),
        format!("removed 2 slash commands from server {guild}")
    );
    assert!(standin.registered_command(Some(guild), "ask").is_none());
    assert!(standin.registered_command(None, "help").is_some());
    standin.assert_all_valid();
}

#[test]
fn unregister_needs_exactly_one_scope() {
    for args in [
        &["unregister"][..],
        &["unregister", "--global", "--guild", "1"],
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_faqbot"))
            .args(args)
            .env_clear()
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
}
