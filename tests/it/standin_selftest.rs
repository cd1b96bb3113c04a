//! Proof that the Discord stand-in works with a bare serenity client built
//! exactly as the bot builds it (proxy + ratelimiter off + empty default
//! allowed mentions + `new_with_http`), driven by a tiny handler defined here:
//! READY, command registration, a reply, interactions, strictness (a
//! malformed dispatch panics, an invalid body is reported), faults and a
//! RESUME after op 7. No bot logic lives here.

#![allow(
    clippy::unwrap_used,
    reason = "test code: a failed unwrap is a failed test"
)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use serenity::all::{
    ClientBuilder, CommandOptionType, Context, CreateAllowedMentions, CreateAutocompleteResponse,
    CreateCommand, CreateCommandOption, CreateInteractionResponse,
    CreateInteractionResponseFollowup, CreateInteractionResponseMessage, CreateMessage,
    EditInteractionResponse, EventHandler, GatewayIntents, GuildId, HttpBuilder, Interaction,
    InteractionId, Message, MessageFlags, Ready,
};
use serenity::async_trait;
use serenity::gateway::ShardManager;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::standin::{
    reply_to, Fault, GatewayRecord, InteractionCreate, MessageCreate, Options, Recorded, StandIn,
};

/// Generous bound for anything the client should do promptly; typical figures
/// are a few milliseconds.
const WAIT: Duration = Duration::from_secs(5);

/// What the handler saw, for the test to await.
#[derive(Debug)]
enum Seen {
    Ready(Instant),
    /// A message event reached the handler, on this shard.
    Message {
        shard: u32,
        content: String,
    },
}

/// A minimal handler: registers one guild command on READY, replies "pong" to
/// a guild "ping" from a human, and answers every interaction.
struct TinyHandler {
    guild: GuildId,
    seen: mpsc::UnboundedSender<Seen>,
}

#[async_trait]
impl EventHandler for TinyHandler {
    async fn ready(&self, ctx: Context, _ready: Ready) {
        let _ = self.seen.send(Seen::Ready(Instant::now()));
        let question =
            CreateCommandOption::new(CommandOptionType::String, "question", "Your question")
                .required(true)
                .set_autocomplete(true);
        let faq = CreateCommand::new("faq")
            .description("Ask the FAQ")
            .add_option(question);
        self.guild
            .set_commands(&ctx.http, vec![faq])
            .await
            .expect("register commands");
    }

    async fn message(&self, ctx: Context, msg: Message) {
        let _ = self.seen.send(Seen::Message {
            shard: ctx.shard_id.0,
            content: msg.content.clone(),
        });
        if msg.guild_id.is_some() && !msg.author.bot && msg.content == "ping" {
            // Not `msg.reply`: it always sends `allowed_mentions.parse =
            // [everyone, users, roles]`, overriding the Http default. A reply
            // built this way keeps the default (no pings).
            let pong = CreateMessage::new().content("pong").reference_message(&msg);
            // May fail on purpose in the fault test; the stand-in records it.
            let _ = msg.channel_id.send_message(&ctx.http, pong).await;
        }
    }

    async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
        let message = |text: &str| {
            CreateInteractionResponse::Message(
                CreateInteractionResponseMessage::new().content(text),
            )
        };
        let result = match interaction {
            Interaction::Command(command) => {
                command
                    .create_response(&ctx.http, message("an answer"))
                    .await
            }
            Interaction::Autocomplete(autocomplete) => {
                let choices =
                    CreateAutocompleteResponse::new().add_string_choice("Salary", "salary");
                let response = CreateInteractionResponse::Autocomplete(choices);
                autocomplete.create_response(&ctx.http, response).await
            }
            Interaction::Component(component) => {
                component
                    .create_response(&ctx.http, message("clicked"))
                    .await
            }
            _ => Ok(()),
        };
        result.expect("answer the interaction");
    }
}

/// A running bare client and what its handler reports.
struct Bot {
    seen: mpsc::UnboundedReceiver<Seen>,
    client: JoinHandle<serenity::Result<()>>,
    shards: Arc<ShardManager>,
}

/// Builds and starts the client exactly as the bot will.
async fn start_bot(standin: &StandIn) -> Bot {
    start_bot_on(standin, None, INTENTS).await
}

/// The intents the bot needs: guild and DM messages with their content.
const INTENTS: GatewayIntents = GatewayIntents::GUILD_MESSAGES
    .union(GatewayIntents::DIRECT_MESSAGES)
    .union(GatewayIntents::MESSAGE_CONTENT);

/// Builds and starts the client; `shard: Some([id, total])` runs only that
/// shard (serenity spaces the shards one client boots by 5 s, so a sharding
/// test runs one client per shard).
async fn start_bot_on(standin: &StandIn, shard: Option<[u32; 2]>, intents: GatewayIntents) -> Bot {
    let http = HttpBuilder::new("test-token")
        .proxy(standin.http_base())
        .ratelimiter_disabled(true)
        .default_allowed_mentions(CreateAllowedMentions::new())
        .build();
    let (tx, seen) = mpsc::unbounded_channel();
    let handler = TinyHandler {
        guild: standin.guild().id,
        seen: tx,
    };
    let mut client = ClientBuilder::new_with_http(http, intents)
        .event_handler(handler)
        .await
        .unwrap();
    let shards = Arc::clone(&client.shard_manager);
    let client = tokio::spawn(async move {
        match shard {
            Some([id, total]) => client.start_shard(id, total).await,
            None => client.start().await,
        }
    });
    Bot {
        seen,
        client,
        shards,
    }
}

/// Starts the client and waits until it handled READY and registered its
/// command, so interactions find the command registered (handlers run out of
/// order otherwise).
async fn start_ready_bot(standin: &StandIn) -> Bot {
    let mut bot = start_bot(standin).await;
    let Some(Seen::Ready(_)) = tokio::time::timeout(WAIT, bot.seen.recv()).await.unwrap() else {
        panic!("no READY");
    };
    standin
        .wait_for_request(is_guild_commands(standin), WAIT)
        .await;
    bot
}

fn is_guild_commands(standin: &StandIn) -> impl Fn(&Recorded) -> bool {
    let path = format!(
        "/applications/{}/guilds/{}/commands",
        standin.application_id(),
        standin.guild().id
    );
    move |r| r.method == "PUT" && r.path == path
}

fn callback_of(path: String) -> impl Fn(&Recorded) -> bool {
    move |r| r.method == "POST" && r.path == path
}

#[tokio::test]
async fn ready_reaches_the_handler_and_guild_commands_register_validly() {
    let started = Instant::now();
    let standin = StandIn::start().await;
    let mut bot = start_bot(&standin).await;
    let Some(Seen::Ready(at)) = tokio::time::timeout(WAIT, bot.seen.recv()).await.unwrap() else {
        panic!("no READY");
    };
    eprintln!("stand-in start to READY handled: {:?}", at - started);
    standin.wait_ready().await;

    let registration = standin
        .wait_for_request(is_guild_commands(&standin), WAIT)
        .await;
    assert_eq!(registration.body[0]["name"], "faq");
    assert_eq!(registration.body[0]["options"][0]["autocomplete"], true);
    let log = standin.gateway_log();
    assert!(log
        .iter()
        .any(|g| matches!(g, GatewayRecord::Identify { shard: [0, 1], .. })));
    assert!(
        standin.requests().iter().any(|r| r.path == "/gateway"),
        "{}",
        standin.summary()
    );
    standin.assert_all_valid();
}

#[tokio::test]
async fn guild_ping_gets_a_pong_reply_with_reference_and_allowed_mentions() {
    let standin = StandIn::start().await;
    let _bot = start_ready_bot(&standin).await;

    let (sent, reply) = standin
        .send_and_await_reply(MessageCreate::new("ping"), WAIT)
        .await;
    eprintln!(
        "MESSAGE_CREATE dispatch to recorded reply: {:?}",
        reply.at - sent.dispatch.at
    );
    assert_eq!(reply.path, sent.reply_path());
    assert_eq!(reply.body["content"], "pong");
    assert_eq!(
        reply.body["message_reference"]["channel_id"],
        sent.channel_id.to_string()
    );
    // The Http default (no pings) applied, as the bot must configure it.
    assert_eq!(reply.body["allowed_mentions"]["parse"], json!([]));
    assert_eq!(reply.body["allowed_mentions"]["users"], json!([]));
    standin.assert_all_valid();
}

#[tokio::test]
async fn bots_webhooks_and_dms_get_no_reply() {
    let standin = StandIn::start().await;
    let _bot = start_ready_bot(&standin).await;

    standin
        .message_create(MessageCreate::new("ping").by_other_bot())
        .await;
    standin
        .message_create(MessageCreate::new("ping").by_webhook())
        .await;
    standin
        .message_create(MessageCreate::new("ping").by_self())
        .await;
    standin
        .message_create(MessageCreate::new("ping").dm())
        .await;
    let mention = standin
        .message_create(MessageCreate::new("hello").mentioning_bot())
        .await;
    standin
        .assert_no_request_for(
            |r| r.path.ends_with("/messages"),
            Duration::from_millis(100),
        )
        .await;
    // The mention reached the client decoded (the barrier proved it was read).
    assert!(mention.dispatch.seq > 0);
}

#[tokio::test]
async fn interactions_get_valid_callbacks_in_guilds_and_dms() {
    let standin = StandIn::start().await;
    let _bot = start_ready_bot(&standin).await;

    let command = standin
        .interaction_create(InteractionCreate::command("faq").option("question", "salary?"))
        .await;
    let answered = standin
        .wait_for_request(callback_of(command.callback_path()), WAIT)
        .await;
    eprintln!(
        "INTERACTION_CREATE dispatch to recorded callback: {:?}",
        answered.at - command.dispatch.at
    );
    assert_eq!(answered.body["type"], 4);
    assert_eq!(answered.body["data"]["content"], "an answer");

    let dm = standin
        .interaction_create(
            InteractionCreate::command("faq")
                .option("question", "x")
                .dm(),
        )
        .await;
    assert!(dm.guild_id.is_none());
    let autocomplete = standin
        .interaction_create(InteractionCreate::autocomplete("faq").focused("question", "sal"))
        .await;
    let button = standin
        .interaction_create(InteractionCreate::button("more"))
        .await;
    let select = standin
        .interaction_create(InteractionCreate::string_select("pick", &["salary"]).dm())
        .await;
    for sent in [&dm, &button, &select] {
        let callback = standin
            .wait_for_request(callback_of(sent.callback_path()), WAIT)
            .await;
        assert_eq!(callback.body["type"], 4);
    }
    let choices = standin
        .wait_for_request(callback_of(autocomplete.callback_path()), WAIT)
        .await;
    assert_eq!(choices.body["type"], 8);
    assert_eq!(choices.body["data"]["choices"][0]["value"], "salary");
    // The command interaction carried the id the registration got.
    let registered = standin.registered_command(Some(standin.guild().id), "faq");
    assert_eq!(command.command_id, registered);
    standin.assert_all_valid();
}

#[tokio::test]
async fn a_malformed_dispatch_panics_with_the_serde_error() {
    let outcome = tokio::spawn(async {
        let standin = StandIn::start().await;
        // A MESSAGE_CREATE without `timestamp`: serenity would drop it silently.
        let d = json!({
            "id": "1", "channel_id": "2", "author": {"id": "3", "username": "x"},
            "content": "ping", "tts": false, "mention_everyone": false, "mentions": [],
            "mention_roles": [], "attachments": [], "embeds": [], "pinned": false, "type": 0,
        });
        standin.dispatch(0, "MESSAGE_CREATE", d).await;
    })
    .await;
    let panic = outcome
        .expect_err("the stand-in must refuse the payload")
        .into_panic();
    let message = panic.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(message.contains("dispatch MESSAGE_CREATE"), "{message}");
    assert!(message.contains("missing field `timestamp`"), "{message}");
}

#[tokio::test]
async fn an_invalid_request_body_is_reported_by_openapi_validation() {
    let standin = StandIn::start().await;
    let http = HttpBuilder::new("test-token")
        .proxy(standin.http_base())
        .ratelimiter_disabled(true)
        .build();
    let body = json!({"embeds": [{"title": "t".repeat(300)}]});
    let sent = http
        .send_message(standin.guild().channel_id, vec![], &body)
        .await;
    assert!(
        sent.is_err(),
        "Discord answers 400 to a body that fails its schema"
    );

    let unreported = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        standin.assert_all_valid();
    }));
    let report = unreported.expect_err("assert_all_valid must fail");
    let report = report.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(report.contains("/channels/"), "{report}");
    assert!(report.contains("/embeds/0/title"), "{report}");
    assert!(report.contains("longer than 256"), "{report}");

    // In a union body (the callback's seven types) the error still names the
    // field, not just "not valid under any of the schemas".
    let button = json!({"type": 2, "style": 1, "label": "go", "custom_id": "c".repeat(101)});
    let row = json!({"type": 1, "components": [button]});
    let callback = json!({"type": 4, "data": {"content": "x", "components": [row]}});
    let id = InteractionId::new(standin.new_id());
    let answered = http
        .create_interaction_response(id, "token", &callback, vec![])
        .await;
    assert!(answered.is_err());

    // Taking the expected failures leaves the stand-in clean for its Drop check.
    let invalid = standin.take_invalid_requests();
    assert_eq!(invalid.len(), 2);
    let errors = invalid[1].invalid.as_ref().unwrap().join("\n");
    eprintln!("a union body's errors:\n{errors}");
    assert!(
        errors.contains("/data/components/0/components/0"),
        "{errors}"
    );
    standin.assert_all_valid();
}

#[tokio::test]
async fn op7_reconnect_resumes_and_replays_what_was_missed() {
    let standin = StandIn::start().await;
    let _bot = start_ready_bot(&standin).await;

    standin.reconnect(0);
    // Sent right behind op 7: the client leaves before reading it, so it
    // arrives through RESUME's replay.
    let missed = standin.message_create(MessageCreate::new("ping")).await;
    standin
        .wait_for_gateway(|g| matches!(g, GatewayRecord::Resumed { .. }), WAIT)
        .await;
    standin
        .wait_for_request(reply_to(missed.message_id), WAIT)
        .await;

    let (after, reply) = standin
        .send_and_await_reply(MessageCreate::new("ping"), WAIT)
        .await;
    eprintln!(
        "after RESUME, dispatch to recorded reply: {:?}",
        reply.at - after.dispatch.at
    );
    let identifies = standin
        .gateway_log()
        .iter()
        .filter(|g| matches!(g, GatewayRecord::Identify { .. }))
        .count();
    assert_eq!(identifies, 1, "a RESUME, not a new IDENTIFY");
    standin.assert_all_valid();
}

#[tokio::test]
async fn a_dropped_socket_resumes_and_close_4004_stops_the_client() {
    let standin = StandIn::start().await;
    let bot = start_ready_bot(&standin).await;

    standin.drop_connection(0);
    standin
        .wait_for_gateway(|g| matches!(g, GatewayRecord::Resumed { .. }), WAIT)
        .await;
    standin
        .send_and_await_reply(MessageCreate::new("ping"), WAIT)
        .await;

    standin.close_connection(0, 4004);
    let stopped = tokio::time::timeout(WAIT, bot.client)
        .await
        .expect("client stops on 4004");
    assert!(stopped.unwrap().is_err(), "4004 is fatal for serenity");
}

#[tokio::test]
async fn injected_rest_faults_fail_or_slow_the_matching_requests() {
    let standin = StandIn::start().await;
    let _bot = start_ready_bot(&standin).await;

    standin.inject(Fault::status(500).on("POST", "/messages").times(1));
    standin
        .send_and_await_reply(MessageCreate::new("ping"), WAIT)
        .await;

    standin.inject(
        Fault::delay(Duration::from_millis(200))
            .on("POST", "/messages")
            .times(1),
    );
    standin
        .send_and_await_reply(MessageCreate::new("ping"), WAIT)
        .await;
    standin.clear_faults();
    standin.assert_all_valid();
}

#[tokio::test]
async fn requests_are_appended_to_the_record_file() {
    let path = std::env::temp_dir().join(format!("standin-record-{}.jsonl", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let options = Options {
        record_file: Some(path.clone()),
        ..Options::default()
    };
    let standin = StandIn::start_with(options).await;
    let _bot = start_ready_bot(&standin).await;

    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let _ = std::fs::remove_file(&path);
    assert!(
        lines
            .iter()
            .any(|l| l["method"] == "GET" && l["path"] == "/gateway"),
        "{text}"
    );
    assert!(
        lines.iter().all(|l| l.as_object().unwrap().len() == 3),
        "{text}"
    );
}

/// The next message the handler saw: the shard it arrived on.
async fn next_message_shard(bot: &mut Bot) -> u32 {
    next_message(bot).await.0
}

/// The next message the handler saw: its shard and content.
async fn next_message(bot: &mut Bot) -> (u32, String) {
    loop {
        match tokio::time::timeout(WAIT, bot.seen.recv()).await.unwrap() {
            Some(Seen::Message { shard, content }) => return (shard, content),
            Some(Seen::Ready(_)) => {}
            None => panic!("handler gone"),
        }
    }
}

#[tokio::test]
async fn guild_events_go_to_the_shard_that_owns_the_guild() {
    let options = Options {
        guilds: 2,
        shards: 2,
        ..Options::default()
    };
    let standin = StandIn::start_with(options).await;
    let mut shard0 = start_bot_on(&standin, Some([0, 2]), INTENTS).await;
    let mut shard1 = start_bot_on(&standin, Some([1, 2]), INTENTS).await;
    standin.wait_ready().await;
    let [first, second] = standin.guilds() else {
        panic!("two guilds")
    };
    assert_eq!(
        (standin.shard_of(first.id), standin.shard_of(second.id)),
        (0, 1)
    );

    let in_second = MessageCreate::new("ping").in_channel(Some(second.id), second.channel_id);
    let sent = standin.message_create(in_second).await;
    assert_eq!(sent.dispatch.shard, 1);
    assert_eq!(next_message_shard(&mut shard1).await, 1);
    standin
        .wait_for_request(reply_to(sent.message_id), WAIT)
        .await;

    let dm = standin.message_create(MessageCreate::new("hi").dm()).await;
    assert_eq!(dm.dispatch.shard, 0, "DMs go to shard 0");
    assert_eq!(next_message_shard(&mut shard0).await, 0);
    standin.barrier().await;
    assert!(shard0.seen.try_recv().is_err() && shard1.seen.try_recv().is_err());
    let readies = standin
        .gateway_log()
        .into_iter()
        .filter(|g| matches!(g, GatewayRecord::Ready { .. }))
        .count();
    assert_eq!(readies, 2);
    standin.assert_all_valid();
}

#[tokio::test]
async fn op9_makes_the_client_identify_again() {
    let standin = StandIn::start().await;
    let _bot = start_ready_bot(&standin).await;
    let started = Instant::now();

    standin.invalidate_session(0);
    let second_identify =
        |g: &GatewayRecord| matches!(g, GatewayRecord::Identify { conn, .. } if *conn > 1);
    standin
        .wait_for_gateway(second_identify, Duration::from_secs(10))
        .await;
    eprintln!("op 9 to new IDENTIFY: {:?}", started.elapsed());
    standin
        .send_and_await_reply(MessageCreate::new("ping"), WAIT)
        .await;
    standin.assert_all_valid();
}

#[tokio::test]
async fn original_response_and_followups_round_trip() {
    let standin = StandIn::start().await;
    let _bot = start_ready_bot(&standin).await;
    let command = standin
        .interaction_create(InteractionCreate::command("faq").option("question", "q"))
        .await;
    standin
        .wait_for_request(callback_of(command.callback_path()), WAIT)
        .await;

    // The bot's own later calls, made here through a raw Http like the bot's.
    let http = HttpBuilder::new("test-token")
        .proxy(standin.http_base())
        .ratelimiter_disabled(true)
        .application_id(standin.application_id())
        .build();
    let token = command.token.as_str();
    let edit = EditInteractionResponse::new().content("edited");
    let edited = http
        .edit_original_interaction_response(token, &edit, vec![])
        .await
        .unwrap();
    assert_eq!(edited.content, "edited");
    let followup = CreateInteractionResponseFollowup::new()
        .content("more")
        .ephemeral(true);
    let more = http
        .create_followup_message(token, &followup, vec![])
        .await
        .unwrap();
    assert!(more.flags.unwrap().contains(MessageFlags::EPHEMERAL));
    let original = http.get_original_interaction_response(token).await.unwrap();
    assert_eq!(original.content, "edited");
    http.delete_original_interaction_response(token)
        .await
        .unwrap();
    assert!(http.get_original_interaction_response(token).await.is_err());

    // What Discord refuses, the stand-in refuses: a second acknowledgement,
    // a followup for an unknown token, a route it does not serve (404).
    let again = CreateInteractionResponse::Acknowledge;
    assert!(http
        .create_interaction_response(command.id, token, &again, vec![])
        .await
        .is_err());
    assert!(http
        .create_followup_message("nope", &followup, vec![])
        .await
        .is_err());
    assert!(http.get_channel(command.channel_id).await.is_err());
    let unknown = format!("/channels/{}", command.channel_id);
    standin
        .wait_for_request(|r| r.method == "GET" && r.path == unknown, WAIT)
        .await;
    standin.assert_all_valid();
}

#[tokio::test]
async fn identity_and_gateway_routes_answer_in_discord_shape() {
    let standin = StandIn::start_with(Options {
        shards: 3,
        ..Options::default()
    })
    .await;
    let http = HttpBuilder::new("test-token")
        .proxy(standin.http_base())
        .ratelimiter_disabled(true)
        .build();
    // Each answer is checked against serenity's types and Discord's response
    // schemas by the stand-in; here it is decoded by serenity itself too.
    let me = http.get_current_user().await.unwrap();
    assert_eq!(me.id, standin.bot().id);
    let app = http.get_current_application_info().await.unwrap();
    assert_eq!(app.id, standin.application_id());
    let gateway = http.get_bot_gateway().await.unwrap();
    assert_eq!(
        (gateway.url.as_str(), gateway.shards),
        (standin.gateway_url(), 3)
    );
    standin.assert_all_valid();
}

#[tokio::test]
async fn intents_shape_what_the_client_receives() {
    let standin = StandIn::start().await;
    // No MESSAGE_CONTENT, no DIRECT_MESSAGES: a common bot mistake.
    let mut bot = start_bot_on(&standin, None, GatewayIntents::GUILD_MESSAGES).await;
    standin.wait_ready().await;

    let plain = standin.message_create(MessageCreate::new("ping")).await;
    assert!(plain.delivered);
    assert_eq!(
        next_message(&mut bot).await.1,
        "",
        "content hidden without MESSAGE_CONTENT"
    );
    let mention = standin
        .message_create(MessageCreate::new("ping").mentioning_bot())
        .await;
    assert!(mention.delivered);
    assert!(
        next_message(&mut bot).await.1.ends_with("ping"),
        "a mention shows the content"
    );

    let dm = standin
        .message_create(MessageCreate::new("ping").dm())
        .await;
    assert!(!dm.delivered, "no DIRECT_MESSAGES intent, no DM events");
    let withheld = |g: &GatewayRecord| matches!(g, GatewayRecord::Withheld { .. });
    standin.wait_for_gateway(withheld, WAIT).await;
    standin
        .assert_no_request_for(
            |r| r.path.ends_with("/messages"),
            Duration::from_millis(100),
        )
        .await;
}

#[tokio::test]
async fn a_client_shutdown_completes_the_close_handshake() {
    let standin = StandIn::start().await;
    let bot = start_ready_bot(&standin).await;

    let started = Instant::now();
    bot.shards.shutdown_all().await;
    let closed = |g: &GatewayRecord| matches!(g, GatewayRecord::ClientClosed { .. });
    assert_eq!(
        standin.wait_for_gateway(closed, WAIT).await,
        GatewayRecord::ClientClosed {
            conn: 1,
            code: Some(1000)
        }
    );
    // serenity waits for the stand-in's Close reply; the reply is only
    // flushed because the stand-in keeps reading after the client's Close.
    let disconnected = |g: &GatewayRecord| matches!(g, GatewayRecord::Disconnected { .. });
    standin.wait_for_gateway(disconnected, WAIT).await;
    eprintln!("client shutdown_all: {:?}", started.elapsed());
    assert!(tokio::time::timeout(WAIT, bot.client)
        .await
        .unwrap()
        .unwrap()
        .is_ok());
}
