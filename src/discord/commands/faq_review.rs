//! `/faq-review` (Manage Server by default, private): the top groups of
//! unanswered questions, each with a menu "add as a phrasing of…" and an
//! Ignore button. What the menu and buttons do is in
//! [`crate::discord::review`], shared with the daily notice's button.

use serenity::all::{CreateCommand, Permissions};
use serenity::async_trait;

use super::{is_admin, Call, CommandError, SlashCommand};
use crate::discord::review::review_reply;
use crate::kb::KnowledgeBase;
use crate::render::discord::Reply;

pub struct FaqReview;

#[async_trait]
impl SlashCommand for FaqReview {
    fn name(&self) -> &'static str {
        "faq-review"
    }

    fn define(&self, command: CreateCommand, _: &KnowledgeBase) -> CreateCommand {
        command
            .description("Unanswered questions, grouped: add them to the FAQ as phrasings")
            .default_member_permissions(Permissions::MANAGE_GUILD)
            .dm_permission(false)
    }

    async fn run(&self, call: &Call<'_>) -> Result<Reply, CommandError> {
        let Some(guild) = call.cmd.guild_id else {
            return Err(CommandError::User(
                "The review is per server: use this in a server.".into(),
            ));
        };
        if !is_admin(call.cmd.member.as_deref()) {
            return Err(CommandError::User(
                "The review needs the Manage Server permission.".into(),
            ));
        }
        Ok(review_reply(call.state, guild.get()).await?)
    }
}
