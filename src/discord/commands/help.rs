//! `/help`: what the bot does and how it answers in this channel.

use serenity::all::CreateCommand;
use serenity::async_trait;

use super::{Call, CommandError, SlashCommand};
use crate::kb::KnowledgeBase;
use crate::render::discord::{self as view, Reply};

pub struct Help;

#[async_trait]
impl SlashCommand for Help {
    fn name(&self) -> &'static str {
        "help"
    }

    fn define(&self, command: CreateCommand, _: &KnowledgeBase) -> CreateCommand {
        command.description("What this bot does and how to use it")
    }

    async fn run(&self, call: &Call<'_>) -> Result<Reply, CommandError> {
        let listening = call
            .state
            .listens_in(
                call.cmd.guild_id.map(serenity::all::GuildId::get),
                call.cmd.channel_id.get(),
            )
            .await;
        Ok(view::help(
            &call.state.faq().kb,
            listening,
            &super::help_lines(),
        ))
    }
}
