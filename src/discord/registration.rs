//! Slash-command registration: once per process, by bulk overwrite in the
//! scope in use (one guild, or global), a warning when the other scope
//! still holds this application's commands, and `faqbot unregister`, the
//! one-shot fix for that.
//!
//! The other scope is never cleared on start: a test instance with a guild
//! id would wipe the global commands of the production instance that
//! shares the application.

use anyhow::{Context as _, Result};
use serenity::all::{Command, GuildId, Http};
use tracing::{debug, error, info, warn};

use super::{commands, State};
use crate::config::BotConfig;
use crate::logging::chain;

/// With global commands, how many of the READY's guilds are checked for
/// stale guild copies: a check is one request per guild, and a bot that
/// moved scopes did so while in few servers.
const GUILDS_CHECKED: usize = 25;

/// The first READY registers the commands and checks the other scope; later
/// READYs (other shards, reconnects) do nothing. A failed registration
/// lets the next READY try again.
pub(super) async fn on_ready(http: &Http, state: &State, guilds: &[GuildId]) {
    if !state.claim_registration() {
        return;
    }
    if !register(http, state).await {
        state.release_registration();
        return;
    }
    warn_of_other_scope(http, state, guilds).await;
}

/// Registers the command set by bulk overwrite in the scope in use, so
/// commands renamed or removed in a new version disappear. `true` when
/// Discord took it.
pub(super) async fn register(http: &Http, state: &State) -> bool {
    let definitions = commands::definitions(&state.faq().kb);
    let registered = match state.guild {
        Some(guild) => GuildId::new(guild).set_commands(http, definitions).await,
        None => Command::set_global_commands(http, definitions).await,
    };
    let scope = if state.guild.is_some() {
        "guild"
    } else {
        "global"
    };
    match registered {
        Ok(cmds) => {
            info!(count = cmds.len(), scope, "slash commands registered");
            true
        }
        Err(e) => {
            error!(scope, error = %chain(&e), "could not register slash commands");
            false
        }
    }
}

/// Warns, once, when the scope not in use holds this application's
/// commands (members then see each command twice), naming the fix.
async fn warn_of_other_scope(http: &Http, state: &State, guilds: &[GuildId]) {
    if let Some(guild) = state.guild {
        match http.get_global_commands().await {
            Ok(global) if !global.is_empty() => warn!(
                guild,
                global = global.len(),
                "this application also has {} global slash commands, so members see each \
                 command twice. If no other instance of the bot serves them, remove them with \
                 `faqbot unregister --global`",
                global.len()
            ),
            Ok(_) => {}
            Err(e) => debug!(error = %chain(&e), "could not list the global commands"),
        }
        return;
    }
    let mut holding = Vec::new();
    for guild in guilds.iter().take(GUILDS_CHECKED) {
        match http.get_guild_commands(*guild).await {
            Ok(cmds) if !cmds.is_empty() => holding.push(*guild),
            Ok(_) => {}
            Err(e) => debug!(%guild, error = %chain(&e), "could not list guild commands"),
        }
    }
    if !holding.is_empty() {
        let fixes: Vec<String> = holding
            .iter()
            .map(|g| format!("`faqbot unregister --guild {g}`"))
            .collect();
        warn!(
            guilds = holding.len(),
            "commands are global, but {} server(s) also hold this application's guild \
             commands, so members there see each command twice. If no test instance serves \
             them, remove them with {}",
            holding.len(),
            fixes.join(", ")
        );
    }
}

/// Where `faqbot unregister` removes commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Global,
    Guild(u64),
}

/// Removes every slash command of the token's application in `scope`;
/// returns how many there were.
pub async fn unregister(config: &BotConfig, scope: Scope) -> Result<usize> {
    let http = super::http(config);
    // No READY here to learn the application id from.
    let app = http
        .get_current_application_info()
        .await
        .context("asking Discord which application the token belongs to")?;
    http.set_application_id(app.id);
    let removed = match scope {
        Scope::Global => {
            let n = http.get_global_commands().await?.len();
            Command::set_global_commands(&http, Vec::new())
                .await
                .context("removing the global commands")?;
            n
        }
        Scope::Guild(guild) => {
            let guild = GuildId::new(guild);
            let n = http.get_guild_commands(guild).await?.len();
            guild
                .set_commands(&http, Vec::new())
                .await
                .with_context(|| format!("removing the commands of server {guild}"))?;
            n
        }
    };
    info!(?scope, removed, "slash commands removed");
    Ok(removed)
}
