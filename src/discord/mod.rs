//! The Discord front end: the only serenity import. Client set-up (proxy,
//! ratelimiter, allowed mentions, intents) here; the shared state, the
//! event handler, registration, reloads, the slash commands (one file
//! each) and the conversion of [`crate::render::discord`] replies in their
//! own files.
//!
//! Business logic stays out: what to answer is the matcher's, what the reply
//! says is the renderer's, whether to answer is [`policy`]'s.

mod commands;
mod convert;
mod handler;
pub mod policy;
mod registration;
mod reload;
mod review;
mod state;
mod telemetry;
mod upkeep;

use std::future::Future;
use std::sync::Arc;

use anyhow::{bail, Context as _, Result};
use serenity::all::{
    ClientBuilder, CreateAllowedMentions, GatewayIntents, Http, HttpBuilder, Permissions,
};
use serenity::gateway::GatewayError;
use tracing::{error, info, warn};

use crate::config::BotConfig;
use crate::kb::KnowledgeBase;
use crate::store::Store;

pub use commands::{help_lines as command_help, names as command_names};
pub use registration::{unregister, Scope};
pub use state::{Faq, Reloads, State};

/// The REST client: no pings by default, and through the proxy when one is
/// configured. Public for the load bench's floor bot (`examples/floor`),
/// which must connect exactly as the bot does.
pub fn http(config: &BotConfig) -> Http {
    let mut http = HttpBuilder::new(config.token.expose())
        // The bot must never ping: every message defaults to no mentions.
        .default_allowed_mentions(CreateAllowedMentions::new());
    if let Some(proxy) = &config.http_proxy {
        // serenity ignores the proxy while its own ratelimiter is on;
        // the proxy does the rate limiting for every process behind it.
        http = http.proxy(proxy).ratelimiter_disabled(true);
    }
    http.build()
}

/// The intents the bot asks for. Message content is privileged: without it
/// the bot still answers mentions, DMs and slash commands.
pub const INTENTS: GatewayIntents = GatewayIntents::GUILDS
    .union(GatewayIntents::GUILD_MESSAGES)
    .union(GatewayIntents::DIRECT_MESSAGES)
    .union(GatewayIntents::MESSAGE_CONTENT);

/// The smallest permission set the bot needs in a channel.
pub fn permissions() -> Permissions {
    Permissions::VIEW_CHANNEL
        | Permissions::SEND_MESSAGES
        | Permissions::SEND_MESSAGES_IN_THREADS
        | Permissions::EMBED_LINKS
        | Permissions::READ_MESSAGE_HISTORY
}

/// The link an admin opens to add the bot to a server.
pub fn invite_url(application_id: u64) -> String {
    format!(
        "https://discord.com/oauth2/authorize?client_id={application_id}&scope=bot%20applications.commands&permissions={}",
        permissions().bits()
    )
}

/// Connects and serves until `shutdown` completes, or Discord refuses the
/// bot for good. Falls back to slash commands only when Discord refuses
/// the message content intent (close 4014).
pub async fn serve(
    config: BotConfig,
    kb: KnowledgeBase,
    store: Store,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<()> {
    let state =
        Arc::new(State::new(Faq::new(kb, config.answer_threshold), &config).with_store(store));
    serve_state(config, state, shutdown).await
}

/// [`serve`] with a state the caller keeps, to watch it (tests wait on
/// [`State::reloads`]).
pub async fn serve_state(
    config: BotConfig,
    state: Arc<State>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<()> {
    let mut intents = INTENTS;
    // Ends with the process: retention needs no connection to Discord.
    let _upkeep = upkeep::start(Arc::clone(&state), config.store.retention_days);
    let _telemetry = match config.metrics_addr {
        Some(addr) => Some(AbortOnDrop(
            telemetry::serve(addr, Arc::clone(&state)).await?,
        )),
        None => None,
    };
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        shutdown.await;
        let _ = stop_tx.send(true);
    });
    loop {
        let mut client = ClientBuilder::new_with_http(http(&config), intents)
            .event_handler(handler::Handler {
                state: Arc::clone(&state),
            })
            .raw_event_handler(telemetry::GatewayEvents)
            .await
            .context("building the Discord client")?;
        let shards = Arc::clone(&client.shard_manager);
        // Dropped (and the watching stopped) when this connection ends.
        let _watcher = config
            .watch_faq
            .then(|| reload::watch(Arc::clone(&state), Arc::clone(&client.http)));
        let mut stop = stop_rx.clone();
        let stopper = tokio::spawn(async move {
            if stop.wait_for(|s| *s).await.is_ok() {
                info!("shutting down");
                shards.shutdown_all().await;
            }
        });
        let result = match config.shards {
            // As many shards as Discord recommends (GET /gateway/bot).
            None => client.start_autosharded().await,
            // serenity's range end is the last shard, inclusive.
            Some(r) => client.start_shard_range(r.first..r.last, r.total).await,
        };
        stopper.abort();
        match result {
            Ok(()) => return Ok(()),
            Err(serenity::Error::Gateway(GatewayError::DisallowedGatewayIntents))
                if intents.contains(GatewayIntents::MESSAGE_CONTENT) =>
            {
                warn!(
                    "Discord refused the Message Content intent (close code 4014). Enable it in the \
                     Developer Portal: your application > Bot > Privileged Gateway Intents > \
                     Message Content Intent. Carrying on with slash commands, mentions and DMs only."
                );
                intents.remove(GatewayIntents::MESSAGE_CONTENT);
            }
            Err(serenity::Error::Gateway(GatewayError::InvalidAuthentication)) => {
                error!("Discord refused the token (close code 4004)");
                bail!("Discord refused the token (close code 4004): check DISCORD_TOKEN in .env");
            }
            Err(serenity::Error::Gateway(GatewayError::DisallowedGatewayIntents)) => {
                bail!("Discord refused the gateway intents even without message content (close code 4014)");
            }
            Err(e) => return Err(e).context("the Discord connection stopped"),
        }
    }
}

/// A task that ends with its owner.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
