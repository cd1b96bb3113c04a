//! `/faq-stats` (Manage Server by default): this server's questions,
//! answers and votes over 7 and 30 days, privately.

use anyhow::Context as _;
use serenity::all::{CreateCommand, Permissions};
use serenity::async_trait;

use super::{Call, CommandError, SlashCommand};
use crate::kb::KnowledgeBase;
use crate::render::discord::{self as view, Reply};
use crate::render::stats::guild_stats_text;

/// Entries listed.
const TOP: usize = 5;

pub struct FaqStats;

#[async_trait]
impl SlashCommand for FaqStats {
    fn name(&self) -> &'static str {
        "faq-stats"
    }

    fn define(&self, command: CreateCommand, _: &KnowledgeBase) -> CreateCommand {
        command
            .description("How the FAQ bot did in this server: questions, answers, votes")
            .default_member_permissions(Permissions::MANAGE_GUILD)
            .dm_permission(false)
    }

    async fn run(&self, call: &Call<'_>) -> Result<Reply, CommandError> {
        let Some(guild) = call.cmd.guild_id else {
            return Err(CommandError::User(
                "Stats are per server: use this in a server.".into(),
            ));
        };
        if !super::is_admin(call.cmd.member.as_deref()) {
            return Err(CommandError::User(
                "The stats need the Manage Server permission.".into(),
            ));
        }
        let Some(store) = call.state.store() else {
            return Err(CommandError::User(
                "This bot runs without a store, so it keeps no stats.".into(),
            ));
        };
        let now = crate::store::now();
        let week = store
            .stats(Some(guild.get()), 7, now)
            .await
            .context("reading 7 days")?;
        let month = store
            .stats(Some(guild.get()), 30, now)
            .await
            .context("reading 30 days")?;
        Ok(view::notice(&guild_stats_text(&week, &month, TOP)))
    }
}
