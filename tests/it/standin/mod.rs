//! A Discord stand-in on 127.0.0.1 that the tests drive the real serenity
//! client against: REST (`rest.rs`), the gateway (`gateway.rs`), the world and
//! its payloads (`payloads.rs`), the event builders (`builders.rs`), the strict
//! decoding that keeps payloads honest (`strict.rs`) and OpenAPI validation
//! (`openapi.rs`). This file owns the shared state and the public API a test
//! uses: start, dispatch helpers, waiting helpers, fault controls. It holds no
//! bot logic.
//!
//! One `StandIn` per test; it needs no real token and never leaves loopback.
//! Point serenity at it with
//! `HttpBuilder::new(token).proxy(standin.http_base()).ratelimiter_disabled(true)`
//! and `ClientBuilder::new_with_http` (the project's shared facts file
//! `DISCORD-STANDIN.md` says why each piece is needed). A typical test:
//!
//! ```text
//! let standin = StandIn::start().await;
//! // start the bot's client against standin.http_base(), in a spawned task
//! standin.wait_ready().await;
//! let sent = standin.message_create(MessageCreate::new("ping")).await;
//! let reply = standin.wait_for_request(|r| r.path == sent.reply_path(), WAIT).await;
//! standin.assert_all_valid();
//! ```
//!
//! Failure policy: whatever the stand-in itself gets wrong (a payload serenity
//! would not decode, a REST answer outside Discord's response schema) panics in
//! the test's own task when the test triggered it, or is stored as a problem
//! when it happens in a server task, where a panic would be swallowed. Stored
//! problems and request bodies that fail Discord's schema make the `wait_*`
//! helpers, `assert_all_valid` and finally `Drop` panic.

#![allow(
    dead_code,
    reason = "a test-support API: each test uses only part of it"
)]
#![allow(
    clippy::doc_markdown,
    reason = "gateway event names (GUILD_CREATE) and OpenAPI are prose in these docs"
)]

mod builders;
mod gateway;
mod openapi;
mod payloads;
mod rest;
mod strict;

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use serenity::model::id::{
    ApplicationId, ChannelId, CommandId, GuildId, InteractionId, MessageId, UserId,
};
use tokio::sync::{mpsc, Notify};
use tokio::task::AbortHandle;

pub use builders::{InteractionCreate, MessageCreate};
pub use payloads::{GuildFixture, UserFixture};

use payloads::{shard_of_guild, Snowflakes, World};

/// How long the waiting helpers wait for the stand-in's own preconditions
/// (a shard to identify, a barrier to be acknowledged).
const SETUP_TIMEOUT: Duration = Duration::from_secs(10);

/// Gateway intents whose absence changes what Discord dispatches.
const GUILD_MESSAGES: u64 = 1 << 9;
const DIRECT_MESSAGES: u64 = 1 << 12;
const MESSAGE_CONTENT: u64 = 1 << 15;

/// Environment variable naming a file that receives every recorded request as
/// one JSON line `{"method","path","body"}` (appended; shared by all tests).
pub const RECORD_ENV: &str = "FAQBOT_STANDIN_RECORD";

/// How the stand-in's world is shaped.
#[derive(Clone, Debug)]
pub struct Options {
    /// Number of guilds; guild `i` is on shard `i % shards` (see `payloads.rs`).
    pub guilds: u64,
    /// The shard count `GET /gateway/bot` recommends and `wait_ready` waits
    /// for. The client decides how many it starts.
    pub shards: u32,
    /// HELLO's heartbeat interval. Discord's own (41.25 s) by default, so a
    /// client heartbeats rarely and barrier heartbeats are unambiguous.
    pub heartbeat_interval: Duration,
    /// File receiving each recorded request as a JSON line; defaults to the
    /// file named by [`RECORD_ENV`], if set.
    pub record_file: Option<PathBuf>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            guilds: 1,
            shards: 1,
            heartbeat_interval: Duration::from_millis(41_250),
            record_file: std::env::var_os(RECORD_ENV).map(PathBuf::from),
        }
    }
}

/// One HTTP request the stand-in received.
#[derive(Clone, Debug)]
pub struct Recorded {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path after `/api/v10` (e.g. `/channels/1/messages`), or the whole
    /// path when it is not under `/api/v10`.
    pub path: String,
    /// The query string without `?`, empty when absent.
    pub query: String,
    /// The JSON body (`payload_json` for multipart), `Null` when empty, a
    /// string when it is not JSON.
    pub body: Value,
    /// File names of multipart attachments.
    pub files: Vec<String>,
    /// When it arrived.
    pub at: Instant,
    /// OpenAPI validation errors of the body, when it failed the schema.
    pub invalid: Option<Vec<String>>,
}

impl Recorded {
    /// A message the bot posted in a channel (`POST /channels/{id}/...`).
    pub fn is_channel_post(&self) -> bool {
        self.method == "POST" && self.path.starts_with("/channels/")
    }
}

/// What happened on the gateway, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GatewayRecord {
    /// A websocket connection opened; `uri` is the request target (`/?v=10`).
    Connected { conn: u64, uri: String },
    Identify {
        conn: u64,
        shard: [u32; 2],
        intents: u64,
    },
    /// READY was written to the socket.
    Ready {
        conn: u64,
        shard: [u32; 2],
        session_id: String,
    },
    Resume {
        conn: u64,
        session_id: String,
        seq: u64,
    },
    /// The session resumed: `replayed` missed events were sent, then RESUMED.
    Resumed {
        conn: u64,
        shard: [u32; 2],
        replayed: usize,
    },
    /// A RESUME for an unknown or invalidated session, answered with op 9.
    ResumeRefused { conn: u64, session_id: String },
    /// A client heartbeat (op 1) carrying the last sequence it saw.
    Heartbeat { conn: u64, seq: Option<u64> },
    /// Any other op the client sent (presence update, member request...).
    OtherOp { conn: u64, op: u64 },
    /// The client sent a Close frame.
    ClientClosed { conn: u64, code: Option<u16> },
    /// A dispatch Discord would not send, for the shard's intents.
    Withheld {
        shard: u32,
        event: String,
        reason: String,
    },
    /// The stand-in sent op 7, op 9, a Close frame or dropped the socket.
    ServerAction { conn: u64, action: String },
    /// The connection ended.
    Disconnected { conn: u64 },
}

/// A dispatch the stand-in sent (or queued for replay when the shard was
/// disconnected).
#[derive(Clone, Copy, Debug)]
pub struct Dispatched {
    pub shard: u32,
    pub seq: u64,
    pub at: Instant,
}

/// A MESSAGE_CREATE the stand-in sent.
#[derive(Clone, Copy, Debug)]
pub struct SentMessage {
    pub message_id: MessageId,
    pub channel_id: ChannelId,
    pub guild_id: Option<GuildId>,
    pub author_id: UserId,
    /// False when the shard's intents made Discord withhold it.
    pub delivered: bool,
    pub dispatch: Dispatched,
}

/// A `POST /channels/{id}/messages` replying to `message`.
pub fn reply_to(message: MessageId) -> impl Fn(&Recorded) -> bool {
    let id = message.to_string();
    move |r| {
        r.method == "POST"
            && r.path.ends_with("/messages")
            && r.body["message_reference"]["message_id"] == *id.as_str()
    }
}

impl SentMessage {
    /// `POST /channels/{channel}/messages` path of a reply in the same channel.
    pub fn reply_path(&self) -> String {
        format!("/channels/{}/messages", self.channel_id)
    }
}

/// An INTERACTION_CREATE the stand-in sent.
#[derive(Clone, Debug)]
pub struct SentInteraction {
    pub id: InteractionId,
    pub token: String,
    pub channel_id: ChannelId,
    pub guild_id: Option<GuildId>,
    /// The command's id (registered id when the bot registered that name),
    /// for application command and autocomplete interactions.
    pub command_id: Option<CommandId>,
    pub dispatch: Dispatched,
}

impl SentInteraction {
    /// `POST /interactions/{id}/{token}/callback`.
    pub fn callback_path(&self) -> String {
        format!("/interactions/{}/{}/callback", self.id, self.token)
    }

    /// `/webhooks/{app}/{token}/messages/@original`.
    pub fn original_path(&self, app: ApplicationId) -> String {
        format!("/webhooks/{app}/{}/messages/@original", self.token)
    }

    /// `POST /webhooks/{app}/{token}` (followups).
    pub fn followup_path(&self, app: ApplicationId) -> String {
        format!("/webhooks/{app}/{}", self.token)
    }
}

/// A REST fault to inject: which requests it hits and what happens to them.
#[derive(Clone, Debug)]
pub struct Fault {
    method: Option<String>,
    path_contains: String,
    action: FaultAction,
    remaining: Option<u32>,
}

#[derive(Clone, Copy, Debug)]
enum FaultAction {
    Status(u16),
    Delay(Duration),
}

impl Fault {
    /// Answer with `status` (500, 502, 429...) and a Discord-shaped error body.
    pub fn status(status: u16) -> Self {
        Self::new(FaultAction::Status(status))
    }

    /// Answer normally, but only after `delay`.
    pub fn delay(delay: Duration) -> Self {
        Self::new(FaultAction::Delay(delay))
    }

    fn new(action: FaultAction) -> Self {
        Self {
            method: None,
            path_contains: String::new(),
            action,
            remaining: None,
        }
    }

    /// Only requests with this method and a path containing `path_contains`.
    #[must_use]
    pub fn on(mut self, method: &str, path_contains: &str) -> Self {
        self.method = Some(method.to_ascii_uppercase());
        path_contains.clone_into(&mut self.path_contains);
        self
    }

    /// Only the next `n` matching requests (default: until `clear_faults`).
    #[must_use]
    pub fn times(mut self, n: u32) -> Self {
        self.remaining = Some(n);
        self
    }
}

/// The gateway's view of one session (IDENTIFY to invalidation).
pub(crate) struct Session {
    pub id: String,
    pub shard: [u32; 2],
    /// The intents IDENTIFY asked for.
    pub intents: u64,
    pub seq: u64,
    /// Every dispatch frame sent in this session, for replay on RESUME.
    pub history: Vec<(u64, String)>,
    /// The live connection carrying this session, if any.
    pub conn: Option<u64>,
    pub resumable: bool,
    pub ready_sent: bool,
    /// The sequence number of the client's latest heartbeat.
    pub heartbeat_seq: Option<u64>,
}

/// What a connection task is asked to write or do.
#[derive(Debug)]
pub(crate) enum Outgoing {
    /// A text frame; `ready_of` names the session whose READY this is.
    Frame {
        text: String,
        ready_of: Option<String>,
    },
    Close {
        code: u16,
        reason: String,
    },
    Drop,
}

/// An interaction the bot may answer, by token.
pub(crate) struct InteractionState {
    pub id: InteractionId,
    pub channel_id: ChannelId,
    pub acknowledged: bool,
    /// The message the original response created, once there is one.
    pub original: Option<Value>,
}

#[derive(Default)]
pub(crate) struct State {
    pub requests: Vec<Recorded>,
    /// Stand-in-side failures found in server tasks, reported by the waits.
    pub problems: Vec<String>,
    pub gateway_log: Vec<GatewayRecord>,
    pub sessions: HashMap<String, Session>,
    /// Shard id to its current session id.
    pub shard_sessions: HashMap<u32, String>,
    /// Live connections' outboxes.
    pub conns: HashMap<u64, mpsc::UnboundedSender<Outgoing>>,
    pub next_conn: u64,
    /// Registered commands: (guild or global, name) to id.
    pub commands: HashMap<(Option<GuildId>, String), u64>,
    pub interactions: HashMap<String, InteractionState>,
    /// Channels messages can be posted to, beyond the fixtures'.
    pub extra_channels: Vec<ChannelId>,
    pub faults: Vec<Fault>,
    pub heartbeat_acks: bool,
}

/// Everything the server tasks and the test share.
pub(crate) struct Shared {
    pub world: World,
    pub ids: Snowflakes,
    pub options: Options,
    pub gateway_url: String,
    pub state: Mutex<State>,
    /// Woken on every state change the waits care about.
    pub changed: Notify,
    pub record_file: Option<PathBuf>,
}

impl Shared {
    pub fn lock(&self) -> MutexGuard<'_, State> {
        // A poisoned lock means a test already panicked while holding it;
        // the state is still fine to read for the remaining assertions.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn problem(&self, problem: String) {
        eprintln!("{problem}");
        self.lock().problems.push(problem);
        self.changed.notify_waiters();
    }

    pub fn log_gateway(&self, record: GatewayRecord) {
        self.lock().gateway_log.push(record);
        self.changed.notify_waiters();
    }

    /// Stores a request and appends it to the record file, if any.
    pub fn record(&self, recorded: Recorded) {
        if let Some(path) = &self.record_file {
            let line =
                json!({"method": recorded.method, "path": recorded.path, "body": recorded.body});
            append_line(path, &line.to_string());
        }
        self.lock().requests.push(recorded);
        self.changed.notify_waiters();
    }

    /// The shard total in use: what the clients identified with, else the
    /// configured count.
    pub fn shard_total(&self, state: &State) -> u32 {
        state
            .sessions
            .values()
            .find(|s| s.conn.is_some())
            .map_or(self.options.shards, |s| s.shard[1])
    }
}

/// Sends dispatch `t`/`d` on `shard`'s session: a sequence number, history
/// for replay, and the frame to the live connection if there is one.
/// The payload must already have passed `strict::check_dispatch`.
pub fn send_dispatch(state: &mut State, shard: u32, t: &str, d: &Value) -> Dispatched {
    let session_id = state
        .shard_sessions
        .get(&shard)
        .unwrap_or_else(|| panic!("Discord stand-in: no session on shard {shard}"))
        .clone();
    let session = state
        .sessions
        .get_mut(&session_id)
        .expect("shard session exists");
    session.seq += 1;
    let seq = session.seq;
    let text = json!({"op": 0, "s": seq, "t": t, "d": d}).to_string();
    session.history.push((seq, text.clone()));
    let ready_of = (t == "READY").then(|| session_id.clone());
    if let Some(tx) = session.conn.and_then(|conn| state.conns.get(&conn)) {
        // A closed outbox means the connection is going away; the frame
        // stays in history and is replayed on RESUME.
        let _ = tx.send(Outgoing::Frame { text, ready_of });
    }
    Dispatched {
        shard,
        seq,
        at: Instant::now(),
    }
}

/// One JSON line per request; a process-wide lock keeps lines from
/// interleaving when parallel tests share the file.
fn append_line(path: &PathBuf, line: &str) {
    static FILE_LOCK: Mutex<()> = Mutex::new(());
    let _guard = FILE_LOCK
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .unwrap_or_else(|e| panic!("{RECORD_ENV}={}: {e}", path.display()));
    writeln!(file, "{line}").unwrap_or_else(|e| panic!("{RECORD_ENV}={}: {e}", path.display()));
}

/// The Discord stand-in: one per test. Dropping it stops its servers and
/// panics if problems or invalid requests were left unreported.
pub struct StandIn {
    shared: Arc<Shared>,
    http_addr: SocketAddr,
    tasks: Vec<AbortHandle>,
    conn_tasks: Arc<Mutex<Vec<AbortHandle>>>,
}

impl StandIn {
    /// Starts a stand-in with one guild and one shard.
    pub async fn start() -> Self {
        Self::start_with(Options::default()).await
    }

    /// Starts a stand-in shaped by `options`.
    pub async fn start_with(options: Options) -> Self {
        assert!(
            options.guilds >= 1 && options.shards >= 1,
            "Discord stand-in: at least one guild and one shard ({options:?})"
        );
        let ids = Snowflakes::new();
        let world = World::new(&ids, options.guilds);
        let http_listener = bind().await;
        let gw_listener = bind().await;
        let http_addr = http_listener.local_addr().expect("local addr");
        let gateway_url = format!("ws://{}", gw_listener.local_addr().expect("local addr"));
        let shared = Arc::new(Shared {
            world,
            ids,
            record_file: options.record_file.clone(),
            options,
            gateway_url,
            state: Mutex::new(State {
                heartbeat_acks: true,
                ..State::default()
            }),
            changed: Notify::new(),
        });
        check_world(&shared);
        let conn_tasks = Arc::new(Mutex::new(Vec::new()));
        let gateway_task = tokio::spawn(gateway::serve(
            gw_listener,
            Arc::clone(&shared),
            Arc::clone(&conn_tasks),
        ));
        let rest_task = tokio::spawn(rest::serve(http_listener, Arc::clone(&shared)));
        Self {
            shared,
            http_addr,
            tasks: vec![gateway_task.abort_handle(), rest_task.abort_handle()],
            conn_tasks,
        }
    }

    /// The base URL to hand serenity's `HttpBuilder::proxy`.
    pub fn http_base(&self) -> String {
        format!("http://{}", self.http_addr)
    }

    /// The gateway URL `GET /gateway` answers (`ws://127.0.0.1:PORT`).
    pub fn gateway_url(&self) -> &str {
        &self.shared.gateway_url
    }

    pub fn application_id(&self) -> ApplicationId {
        self.shared.world.application_id
    }

    /// The bot's own user (its id equals the application id).
    pub fn bot(&self) -> &UserFixture {
        &self.shared.world.bot
    }

    /// The default author of dispatched messages and interactions.
    pub fn human(&self) -> &UserFixture {
        &self.shared.world.human
    }

    /// The first guild.
    pub fn guild(&self) -> &GuildFixture {
        &self.shared.world.guilds[0]
    }

    pub fn guilds(&self) -> &[GuildFixture] {
        &self.shared.world.guilds
    }

    /// The DM channel between the bot and [`Self::human`].
    pub fn dm_channel_id(&self) -> ChannelId {
        self.shared.world.dm_channel_id
    }

    /// The shard a guild's events go to, with the shard total in use.
    pub fn shard_of(&self, guild: GuildId) -> u32 {
        let total = self.shared.shard_total(&self.shared.lock());
        shard_of_guild(guild, total)
    }

    /// The id the stand-in gave command `name` when the bot registered it
    /// (`guild: None` for global commands).
    pub fn registered_command(&self, guild: Option<GuildId>, name: &str) -> Option<CommandId> {
        let state = self.shared.lock();
        state
            .commands
            .get(&(guild, name.to_owned()))
            .map(|&id| CommandId::new(id))
    }

    /// Matches the bot's bulk registration of its commands in the first
    /// guild (`PUT /applications/{app}/guilds/{guild}/commands`).
    pub fn is_registration(&self) -> impl Fn(&Recorded) -> bool {
        let path = format!(
            "/applications/{}/guilds/{}/commands",
            self.application_id(),
            self.guild().id
        );
        move |r| r.method == "PUT" && r.path == path
    }

    /// A fresh snowflake, for ids a test makes up.
    pub fn new_id(&self) -> u64 {
        self.shared.ids.next()
    }

    // ----- dispatching -----

    /// Dispatches MESSAGE_CREATE built by `message`, on the shard that owns
    /// its guild (DMs on shard 0), once that shard is READY.
    ///
    /// As Discord, it honours the shard's IDENTIFY intents: without
    /// GUILD_MESSAGES (guild) or DIRECT_MESSAGES (DM) the event is withheld
    /// (`delivered: false`, a `Withheld` gateway record); without
    /// MESSAGE_CONTENT, content, embeds, attachments and components arrive
    /// empty unless the message is a DM, mentions the bot or is its own.
    pub async fn message_create(&self, message: MessageCreate) -> SentMessage {
        let world = &self.shared.world;
        let message_id = MessageId::new(self.shared.ids.next());
        let mut built = message.build(world, message_id, &self.shared.ids);
        if let Err(error) = strict::check_dispatch("MESSAGE_CREATE", 1, &built.payload) {
            panic!("{error}");
        }
        if built.guild_id.is_none() && built.channel_id != world.dm_channel_id {
            self.shared.lock().extra_channels.push(built.channel_id);
        }
        let shard = self.ready_shard_for(built.guild_id).await;
        let mut state = self.shared.lock();
        let intents = state
            .shard_sessions
            .get(&shard)
            .and_then(|id| state.sessions.get(id))
            .map_or(0, |s| s.intents);
        let needed = if built.guild_id.is_some() {
            (GUILD_MESSAGES, "GUILD_MESSAGES")
        } else {
            (DIRECT_MESSAGES, "DIRECT_MESSAGES")
        };
        let (dispatch, delivered) = if intents & needed.0 == 0 {
            drop(state);
            let reason = format!("the shard did not IDENTIFY with the {} intent", needed.1);
            self.shared.log_gateway(GatewayRecord::Withheld {
                shard,
                event: "MESSAGE_CREATE".into(),
                reason,
            });
            let dispatch = Dispatched {
                shard,
                seq: 0,
                at: Instant::now(),
            };
            (dispatch, false)
        } else {
            if intents & MESSAGE_CONTENT == 0 && !built.content_exempt {
                for (key, empty) in [
                    ("content", json!("")),
                    ("embeds", json!([])),
                    ("attachments", json!([])),
                    ("components", json!([])),
                ] {
                    built.payload[key] = empty;
                }
            }
            (
                send_dispatch(&mut state, shard, "MESSAGE_CREATE", &built.payload),
                true,
            )
        };
        SentMessage {
            message_id,
            channel_id: built.channel_id,
            guild_id: built.guild_id,
            author_id: built.author_id,
            delivered,
            dispatch,
        }
    }

    /// Dispatches INTERACTION_CREATE built by `interaction`, and remembers its
    /// token so the callback, `@original` and followup routes answer it.
    pub async fn interaction_create(&self, interaction: InteractionCreate) -> SentInteraction {
        let id = InteractionId::new(self.shared.ids.next());
        let token = format!("standin-token-{id}");
        let built = {
            let state = self.shared.lock();
            interaction.build(&self.shared.world, &self.shared.ids, &state, id, &token)
        };
        self.shared.lock().interactions.insert(
            token.clone(),
            InteractionState {
                id,
                channel_id: built.channel_id,
                acknowledged: false,
                original: None,
            },
        );
        let dispatch = self
            .dispatch_to(built.guild_id, "INTERACTION_CREATE", built.payload)
            .await;
        SentInteraction {
            id,
            token,
            channel_id: built.channel_id,
            guild_id: built.guild_id,
            command_id: built.command_id,
            dispatch,
        }
    }

    /// Dispatches any event `t` with data `d` on `shard`. Panics with the serde
    /// error when serenity would not decode it (that is the point).
    pub async fn dispatch(&self, shard: u32, t: &str, d: Value) -> Dispatched {
        if let Err(error) = strict::check_dispatch(t, 1, &d) {
            panic!("{error}");
        }
        self.wait_shard_ready(shard).await;
        let mut state = self.shared.lock();
        send_dispatch(&mut state, shard, t, &d)
    }

    async fn dispatch_to(&self, guild: Option<GuildId>, t: &str, d: Value) -> Dispatched {
        if let Err(error) = strict::check_dispatch(t, 1, &d) {
            panic!("{error}");
        }
        let shard = self.ready_shard_for(guild).await;
        let mut state = self.shared.lock();
        send_dispatch(&mut state, shard, t, &d)
    }

    /// The shard carrying `guild`'s events (DMs: shard 0), once it is READY.
    async fn ready_shard_for(&self, guild: Option<GuildId>) -> u32 {
        // The shard total is only known once shard 0 identified.
        self.wait_shard_ready(0).await;
        let shard = guild.map_or(0, |g| self.shard_of(g));
        self.wait_shard_ready(shard).await;
        shard
    }

    // ----- waiting -----

    /// Waits until every configured shard identified and its READY was sent.
    pub async fn wait_ready(&self) {
        for shard in 0..self.shared.options.shards {
            self.wait_shard_ready(shard).await;
        }
    }

    /// Waits until `shard` identified and its READY was sent.
    pub async fn wait_shard_ready(&self, shard: u32) {
        self.wait_until(
            SETUP_TIMEOUT,
            &format!("READY sent on shard {shard}"),
            |state| {
                let session = state
                    .shard_sessions
                    .get(&shard)
                    .and_then(|id| state.sessions.get(id));
                session.is_some_and(|s| s.ready_sent).then_some(())
            },
        )
        .await;
    }

    /// Waits for the first recorded request (since start) matching `pred`.
    /// Panics after `timeout`, listing what was recorded.
    pub async fn wait_for_request(
        &self,
        pred: impl Fn(&Recorded) -> bool,
        timeout: Duration,
    ) -> Recorded {
        self.wait_until(timeout, "a matching request", |state| {
            state.requests.iter().find(|r| pred(r)).cloned()
        })
        .await
    }

    /// Sends `message` and waits for the bot's reply to it: the step most
    /// end-to-end tests are made of.
    pub async fn send_and_await_reply(
        &self,
        message: MessageCreate,
        timeout: Duration,
    ) -> (SentMessage, Recorded) {
        let sent = self.message_create(message).await;
        let reply = self
            .wait_for_request(reply_to(sent.message_id), timeout)
            .await;
        (sent, reply)
    }

    /// Sends `message` and asserts that no reply to it is sent within
    /// `grace` of everything before it having landed.
    pub async fn send_and_assert_no_reply(
        &self,
        message: MessageCreate,
        grace: Duration,
    ) -> SentMessage {
        let sent = self.message_create(message).await;
        self.assert_no_request_for(reply_to(sent.message_id), grace)
            .await;
        sent
    }

    /// Waits for the first gateway record matching `pred`.
    pub async fn wait_for_gateway(
        &self,
        pred: impl Fn(&GatewayRecord) -> bool,
        timeout: Duration,
    ) -> GatewayRecord {
        self.wait_until(timeout, "a matching gateway record", |state| {
            state.gateway_log.iter().find(|r| pred(r)).cloned()
        })
        .await
    }

    /// Asserts that nothing matching `pred` reaches the gateway log for the
    /// whole of `window`: for things that would happen late (serenity
    /// starts each further shard 5 s after the one before), where a
    /// barrier proves nothing.
    pub async fn assert_no_gateway_for(
        &self,
        pred: impl Fn(&GatewayRecord) -> bool,
        window: Duration,
    ) {
        let deadline = tokio::time::Instant::now() + window;
        loop {
            let changed = self.shared.changed.notified();
            {
                let state = self.shared.lock();
                let seen: Vec<&GatewayRecord> =
                    state.gateway_log.iter().filter(|r| pred(r)).collect();
                assert!(
                    seen.is_empty(),
                    "Discord stand-in: expected no such gateway record, got {seen:?}"
                );
            }
            if tokio::time::timeout_at(deadline, changed).await.is_err() {
                return;
            }
        }
    }

    /// Every request recorded so far, in arrival order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.lock().requests.clone()
    }

    /// How many recorded requests match `pred`, and when the last of them
    /// arrived: cheap to poll under load, as nothing is cloned.
    pub fn count_requests(&self, pred: impl Fn(&Recorded) -> bool) -> (usize, Option<Instant>) {
        let state = self.shared.lock();
        state
            .requests
            .iter()
            .filter(|r| pred(r))
            .fold((0, None), |(n, last), r| (n + 1, last.max(Some(r.at))))
    }

    /// Every gateway record so far, in order.
    pub fn gateway_log(&self) -> Vec<GatewayRecord> {
        self.shared.lock().gateway_log.clone()
    }

    /// Asserts the bot sends no request matching `pred` in reaction to what
    /// was dispatched so far: a barrier proves every connected shard read
    /// every dispatch, then `grace` lets the handler tasks serenity spawned
    /// finish (a few ms is plenty: a reply takes about 1 ms).
    pub async fn assert_no_request_for(&self, pred: impl Fn(&Recorded) -> bool, grace: Duration) {
        self.barrier().await;
        tokio::time::sleep(grace).await;
        let state = self.shared.lock();
        let offending: Vec<String> = state
            .requests
            .iter()
            .filter(|r| pred(r))
            .map(describe_request)
            .collect();
        assert!(
            offending.is_empty(),
            "Discord stand-in: expected no such request, got:\n{}",
            offending.join("\n")
        );
    }

    /// Returns once every shard's client has read every dispatch sent so far:
    /// the stand-in asks for a heartbeat (op 1) and waits for one carrying
    /// the latest sequence number. A shard that is reconnecting is waited for
    /// (its RESUME replays what it missed, then it is asked again). Handlers
    /// serenity spawned may still be running.
    pub async fn barrier(&self) {
        let targets: Vec<(String, u64)> = {
            let state = self.shared.lock();
            let current = state
                .shard_sessions
                .values()
                .filter_map(|id| state.sessions.get(id));
            current.map(|s| (s.id.clone(), s.seq)).collect()
        };
        let deadline = tokio::time::Instant::now() + SETUP_TIMEOUT;
        for (session_id, seq) in targets {
            // The connection already asked: ask again only on a new one.
            let mut asked = None;
            loop {
                let changed = self.shared.changed.notified();
                {
                    let state = self.shared.lock();
                    let Some(session) = state.sessions.get(&session_id) else {
                        break;
                    };
                    if session.heartbeat_seq >= Some(seq) || !session.resumable {
                        break;
                    }
                    let live = session.conn.and_then(|c| Some((c, state.conns.get(&c)?)));
                    if let Some((conn, tx)) = live.filter(|(c, _)| asked != Some(*c)) {
                        let request = json!({"op": 1, "d": null}).to_string();
                        let _ = tx.send(Outgoing::Frame {
                            text: request,
                            ready_of: None,
                        });
                        asked = Some(conn);
                    }
                }
                let woke = tokio::time::timeout_at(deadline, changed).await;
                assert!(
                    woke.is_ok(),
                    "Discord stand-in: barrier timed out waiting for a heartbeat with seq >= \
                     {seq} on session {session_id}\n{}",
                    self.summary()
                );
            }
        }
    }

    /// Waits until `probe` returns `Some`, re-checking on every state change.
    /// Panics on timeout, and as soon as a stand-in problem is stored.
    async fn wait_until<T>(
        &self,
        timeout: Duration,
        what: &str,
        probe: impl Fn(&State) -> Option<T>,
    ) -> T {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            // Created before the check so a change in between still wakes us.
            let changed = self.shared.changed.notified();
            {
                let state = self.shared.lock();
                assert!(
                    state.problems.is_empty(),
                    "Discord stand-in problem:\n{}",
                    state.problems.join("\n")
                );
                if let Some(found) = probe(&state) {
                    return found;
                }
            }
            let woke = tokio::time::timeout_at(deadline, changed).await;
            assert!(
                woke.is_ok(),
                "Discord stand-in: timed out after {timeout:?} waiting for {what}\n{}",
                self.summary()
            );
        }
    }

    /// Recorded requests and gateway records, for failure messages.
    pub fn summary(&self) -> String {
        let state = self.shared.lock();
        let mut out = String::from("recorded requests:\n");
        for request in &state.requests {
            let _ = writeln!(out, "  {}", describe_request(request));
        }
        out.push_str("gateway:\n");
        for record in &state.gateway_log {
            let _ = writeln!(out, "  {record:?}");
        }
        out
    }

    // ----- validation -----

    /// Panics, listing path and validator errors, if any request body failed
    /// Discord's OpenAPI schema, or the stand-in stored a problem.
    pub fn assert_all_valid(&self) {
        let state = self.shared.lock();
        let report = invalid_report(&state);
        assert!(report.is_empty(), "{report}");
    }

    /// Removes and returns the requests whose body failed the schema, for a
    /// test that sends an invalid body on purpose.
    pub fn take_invalid_requests(&self) -> Vec<Recorded> {
        let mut state = self.shared.lock();
        let invalid: Vec<Recorded> = state
            .requests
            .iter()
            .filter(|r| r.invalid.is_some())
            .cloned()
            .collect();
        state.requests.retain(|r| r.invalid.is_none());
        invalid
    }

    // ----- faults -----

    /// Sends op 7 (reconnect) on `shard`: serenity reconnects and RESUMEs.
    pub fn reconnect(&self, shard: u32) {
        self.send_control(
            shard,
            "op 7",
            Outgoing::Frame {
                text: json!({"op": 7, "d": null}).to_string(),
                ready_of: None,
            },
        );
    }

    /// Sends op 9 (invalid session, not resumable) on `shard` and forgets the
    /// session: serenity must IDENTIFY again (after its 5 s boot spacing when
    /// it started a shard less than 5 s ago).
    pub fn invalidate_session(&self, shard: u32) {
        self.send_control(
            shard,
            "op 9",
            Outgoing::Frame {
                text: json!({"op": 9, "d": false}).to_string(),
                ready_of: None,
            },
        );
        let mut state = self.shared.lock();
        // Forgotten, so dispatches wait for the new session's READY instead
        // of vanishing into the dead one.
        if let Some(session) = state.shard_sessions.remove(&shard) {
            if let Some(session) = state.sessions.get_mut(&session) {
                session.resumable = false;
            }
        }
    }

    /// Closes `shard`'s socket without a Close frame.
    pub fn drop_connection(&self, shard: u32) {
        self.send_control(shard, "drop", Outgoing::Drop);
    }

    /// Closes `shard`'s socket with a Close frame `code` (4000 resumable,
    /// 4004 authentication failed, 4014 disallowed intents...).
    pub fn close_connection(&self, shard: u32, code: u16) {
        self.send_control(
            shard,
            &format!("close {code}"),
            Outgoing::Close {
                code,
                reason: format!("stand-in close {code}"),
            },
        );
    }

    /// Whether client heartbeats get an ACK (op 11). Off simulates a zombie
    /// connection: serenity reconnects after a missed ACK.
    pub fn set_heartbeat_acks(&self, on: bool) {
        self.shared.lock().heartbeat_acks = on;
    }

    /// Makes matching REST requests fail or answer slowly; see [`Fault`].
    pub fn inject(&self, fault: Fault) {
        self.shared.lock().faults.push(fault);
    }

    pub fn clear_faults(&self) {
        self.shared.lock().faults.clear();
    }

    fn send_control(&self, shard: u32, action: &str, outgoing: Outgoing) {
        let state = self.shared.lock();
        let conn = state
            .shard_sessions
            .get(&shard)
            .and_then(|id| state.sessions.get(id))
            .and_then(|s| s.conn)
            .unwrap_or_else(|| panic!("Discord stand-in: shard {shard} has no live connection"));
        let tx = state
            .conns
            .get(&conn)
            .expect("live connection has an outbox");
        tx.send(outgoing)
            .unwrap_or_else(|_| panic!("connection {conn} is gone"));
        drop(state);
        self.shared.log_gateway(GatewayRecord::ServerAction {
            conn,
            action: action.to_owned(),
        });
    }
}

impl Drop for StandIn {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
        for task in self
            .conn_tasks
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
        {
            task.abort();
        }
        if std::thread::panicking() {
            return;
        }
        let report = invalid_report(&self.shared.lock());
        assert!(
            report.is_empty(),
            "{report} (checked when the stand-in was dropped)"
        );
    }
}

fn invalid_report(state: &State) -> String {
    let mut report = String::new();
    for problem in &state.problems {
        let _ = writeln!(report, "Discord stand-in problem: {problem}");
    }
    for request in state.requests.iter().filter(|r| r.invalid.is_some()) {
        let errors = request.invalid.as_deref().unwrap_or_default();
        let _ = writeln!(
            report,
            "Request body fails Discord's OpenAPI schema: {} {}\n  {}\n  body: {}",
            request.method,
            request.path,
            errors.join("\n  "),
            request.body
        );
    }
    report
}

fn describe_request(request: &Recorded) -> String {
    let mut body = request.body.to_string();
    if body.len() > 300 {
        let cut = (0..=300)
            .rev()
            .find(|&i| body.is_char_boundary(i))
            .unwrap_or(0);
        body.truncate(cut);
        body.push_str("...");
    }
    format!("{} {} {body}", request.method, request.path)
}

async fn bind() -> tokio::net::TcpListener {
    tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0")
}

/// Checks the fixed payloads (READY, GUILD_CREATE, the REST identity answers)
/// in the test's own task, where a failure panics visibly.
fn check_world(shared: &Shared) {
    let world = &shared.world;
    let ready = world.ready("check", &shared.gateway_url, [0, 1]);
    let mut checks = vec![strict::check_dispatch("READY", 1, &ready)];
    for guild in &world.guilds {
        checks.push(strict::check_dispatch(
            "GUILD_CREATE",
            2,
            &world.guild_create(guild),
        ));
    }
    checks.push(strict::check_answer(
        strict::Answer::CurrentUser,
        &world.current_user(),
    ));
    checks.push(strict::check_answer(
        strict::Answer::Application,
        &world.application(),
    ));
    for check in checks {
        if let Err(error) = check {
            panic!("{error}");
        }
    }
}
