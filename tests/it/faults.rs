//! Fault drills through the stand-in: the gateway asks for a reconnect,
//! drops the socket, invalidates the session; REST fails or is slow; and
//! sharding splits guilds over connections. After each, the bot answers the
//! next question, and nothing is answered twice.

#![allow(
    clippy::unwrap_used,
    reason = "test code: a failed unwrap is a failed test"
)]

use std::time::{Duration, Instant};

use serenity::all::{ChannelId, MessageId};

use crate::bot::{identifies, reply_to, start_configured, GRACE, WAIT};
use crate::faq_dir;
use crate::standin::{Fault, GatewayRecord, MessageCreate, Options, StandIn};

/// serenity's wait between starting one shard and the next
/// (`WAIT_BETWEEN_BOOTS_IN_SECONDS` in its shard queuer).
const SHARD_SPACING: Duration = Duration::from_secs(5);

/// How many replies `message` got.
fn replies(standin: &StandIn, message: MessageId) -> usize {
    standin
        .requests()
        .iter()
        .filter(|r| reply_to(message)(r))
        .count()
}

/// Asks by mention and waits for the one answer.
async fn ask(standin: &StandIn, message: MessageCreate) -> MessageId {
    let (sent, _) = standin
        .send_and_await_reply(message.mentioning_bot(), WAIT)
        .await;
    sent.message_id
}

async fn assert_each_answered_once(standin: &StandIn, messages: &[MessageId]) {
    standin.barrier().await;
    tokio::time::sleep(GRACE).await;
    for m in messages {
        assert_eq!(
            replies(standin, *m),
            1,
            "message {m} answered {} times",
            replies(standin, *m)
        );
    }
}

#[tokio::test]
async fn a_reconnect_request_resumes_and_nothing_is_answered_twice() {
    let standin = StandIn::start().await;
    let _bot = start_configured(&standin, &faq_dir(), vec![]).await;
    let before = ask(&standin, MessageCreate::new("what is an MLE")).await;
    standin.reconnect(0);
    // Sent right behind the op 7: delivered after the RESUME, as a replay.
    let during = standin
        .message_create(MessageCreate::new("what do data scientists earn").mentioning_bot())
        .await;
    standin
        .wait_for_gateway(|g| matches!(g, GatewayRecord::Resumed { .. }), WAIT)
        .await;
    standin
        .wait_for_request(reply_to(during.message_id), WAIT)
        .await;
    let after = ask(
        &standin,
        MessageCreate::new("which tools do ML engineers use"),
    )
    .await;
    assert_each_answered_once(&standin, &[before, during.message_id, after]).await;
    assert_eq!(
        identifies(&standin).len(),
        1,
        "resumed, not identified again"
    );
}

#[tokio::test]
async fn a_dropped_socket_resumes_and_the_next_question_is_answered() {
    let standin = StandIn::start().await;
    let _bot = start_configured(&standin, &faq_dir(), vec![]).await;
    let before = ask(&standin, MessageCreate::new("what is an MLE")).await;
    standin.drop_connection(0);
    standin
        .wait_for_gateway(|g| matches!(g, GatewayRecord::Resumed { .. }), WAIT)
        .await;
    let after = ask(&standin, MessageCreate::new("what do data scientists earn")).await;
    assert_each_answered_once(&standin, &[before, after]).await;
}

#[tokio::test]
async fn an_invalid_session_identifies_again_and_the_next_question_is_answered() {
    let standin = StandIn::start().await;
    let _bot = start_configured(&standin, &faq_dir(), vec![]).await;
    let before = ask(&standin, MessageCreate::new("what is an MLE")).await;
    standin.invalidate_session(0);
    // serenity waits about 5 s before identifying again, as Discord asks.
    let invalidated = Instant::now();
    standin
        .wait_for_gateway(|g| matches!(g, GatewayRecord::Ready { .. }), WAIT)
        .await;
    while identifies(&standin).len() < 2 {
        assert!(
            invalidated.elapsed() < Duration::from_secs(10),
            "no new IDENTIFY"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    standin.wait_shard_ready(0).await;
    let after = ask(&standin, MessageCreate::new("what do data scientists earn")).await;
    eprintln!("op 9 to answering again: {:?}", invalidated.elapsed());
    assert_each_answered_once(&standin, &[before, after]).await;
}

#[tokio::test]
async fn a_failing_rest_call_is_survived_and_other_channels_keep_being_answered() {
    let standin = StandIn::start().await;
    let _bot = start_configured(&standin, &faq_dir(), vec![]).await;
    let guild = Some(standin.guild().id);
    let broken = standin.guild().channel_id;
    let other = ChannelId::new(standin.new_id());
    standin.inject(
        Fault::status(500)
            .on("POST", &format!("/channels/{broken}/messages"))
            .times(1),
    );
    let (failed, _) = standin
        .send_and_await_reply(MessageCreate::new("what is an MLE").mentioning_bot(), WAIT)
        .await;
    ask(
        &standin,
        MessageCreate::new("what do data scientists earn").in_channel(guild, other),
    )
    .await;
    // The fault is spent: the broken channel is answered again.
    let again = ask(
        &standin,
        MessageCreate::new("which tools do ML engineers use"),
    )
    .await;
    // The failed reply is given up, not retried in a loop.
    assert_each_answered_once(&standin, &[failed.message_id, again]).await;
    let to_broken = standin
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path == format!("/channels/{broken}/messages"))
        .count();
    assert_eq!(to_broken, 2);
}

#[tokio::test]
async fn a_slow_rest_call_does_not_hold_up_other_channels() {
    let standin = StandIn::start().await;
    let _bot = start_configured(&standin, &faq_dir(), vec![]).await;
    let guild = Some(standin.guild().id);
    let slow = standin.guild().channel_id;
    let other = ChannelId::new(standin.new_id());
    standin.inject(
        Fault::delay(Duration::from_secs(3))
            .on("POST", &format!("/channels/{slow}/messages"))
            .times(1),
    );
    let first = standin
        .message_create(MessageCreate::new("what is an MLE").mentioning_bot())
        .await;
    let sent = standin
        .message_create(
            MessageCreate::new("what do data scientists earn")
                .in_channel(guild, other)
                .mentioning_bot(),
        )
        .await;
    let reply = standin
        .wait_for_request(reply_to(sent.message_id), Duration::from_secs(1))
        .await;
    assert!(reply.at - sent.dispatch.at < Duration::from_secs(1));
    // The slow answer still arrives, once.
    standin
        .wait_for_request(reply_to(first.message_id), WAIT)
        .await;
    assert_each_answered_once(&standin, &[first.message_id, sent.message_id]).await;
}

#[tokio::test]
async fn two_shards_each_get_their_guilds_and_both_answer() {
    let standin = StandIn::start_with(Options {
        guilds: 2,
        shards: 2,
        ..Options::default()
    })
    .await;
    // No FAQBOT_SHARDS: as many shards as GET /gateway/bot recommends.
    let _bot = start_configured(&standin, &faq_dir(), vec![]).await;
    let started = Instant::now();
    standin.wait_shard_ready(1).await;
    eprintln!(
        "second shard ready after {:?} (serenity spaces shard starts by 5 s)",
        started.elapsed()
    );
    let mut shards: Vec<[u32; 2]> = standin
        .gateway_log()
        .iter()
        .filter_map(|g| match g {
            GatewayRecord::Identify { shard, .. } => Some(*shard),
            _ => None,
        })
        .collect();
    shards.sort_unstable();
    assert_eq!(shards, [[0, 2], [1, 2]]);
    assert!(standin.requests().iter().any(|r| r.path == "/gateway/bot"));
    let registrations = standin
        .requests()
        .iter()
        .filter(|r| r.method == "PUT")
        .count();
    assert_eq!(registrations, 1, "registered once, not once per shard");
    let mut answered = Vec::new();
    for g in standin.guilds() {
        let sent = standin
            .message_create(
                MessageCreate::new("what is an MLE")
                    .in_channel(Some(g.id), g.channel_id)
                    .mentioning_bot(),
            )
            .await;
        assert_eq!(sent.dispatch.shard, standin.shard_of(g.id));
        standin
            .wait_for_request(reply_to(sent.message_id), WAIT)
            .await;
        answered.push(sent.message_id);
    }
    assert_ne!(
        standin.shard_of(standin.guilds()[0].id),
        standin.shard_of(standin.guilds()[1].id)
    );
    assert_each_answered_once(&standin, &answered).await;
}

#[tokio::test]
async fn faqbot_shards_runs_only_its_range() {
    let standin = StandIn::start_with(Options {
        guilds: 2,
        shards: 2,
        ..Options::default()
    })
    .await;
    let _bot = start_configured(
        &standin,
        &faq_dir(),
        vec![("FAQBOT_SHARDS", "0..0/2".into())],
    )
    .await;
    standin.barrier().await;
    // serenity starts each further shard SHARD_SPACING after the one
    // before: a range that wrongly held shard 1 would identify it only
    // then, so its absence is watched over that whole window.
    standin
        .assert_no_gateway_for(
            |g| matches!(g, GatewayRecord::Identify { shard, .. } if shard[0] != 0),
            SHARD_SPACING + Duration::from_secs(2),
        )
        .await;
    let shards: Vec<[u32; 2]> = standin
        .gateway_log()
        .iter()
        .filter_map(|g| match g {
            GatewayRecord::Identify { shard, .. } => Some(*shard),
            _ => None,
        })
        .collect();
    assert_eq!(shards, [[0, 2]]);
    let g = &standin.guilds()[0];
    assert_eq!(standin.shard_of(g.id), 0);
    ask(
        &standin,
        MessageCreate::new("what is an MLE").in_channel(Some(g.id), g.channel_id),
    )
    .await;
}
