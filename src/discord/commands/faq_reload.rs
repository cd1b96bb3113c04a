//! `/faq-reload` (Manage Server by default): reload the FAQ folder now and
//! say what changed, or the problems with their places. Loading and
//! indexing a big FAQ takes seconds, so it is a slow command: acknowledged
//! first, worked off the runtime, edited in.

use anyhow::Context as _;
use serenity::all::{CreateCommand, Permissions};
use serenity::async_trait;

use super::{Call, CommandError, SlashCommand};
use crate::discord::reload::{reload_and_log, Outcome};
use crate::kb::KnowledgeBase;
use crate::render::discord::{self as view, limits, Reply};

pub struct FaqReload;

#[async_trait]
impl SlashCommand for FaqReload {
    fn name(&self) -> &'static str {
        "faq-reload"
    }

    fn define(&self, command: CreateCommand, _: &KnowledgeBase) -> CreateCommand {
        // Admins only by default (Manage Server); server owners can change
        // who sees it in the server's Integrations settings.
        command
            .description("Reload the FAQ files now and say what changed")
            .default_member_permissions(Permissions::MANAGE_GUILD)
            .dm_permission(false)
    }

    fn slow(&self) -> bool {
        true
    }

    async fn run(&self, call: &Call<'_>) -> Result<Reply, CommandError> {
        let outcome = reload_and_log(call.state, call.http, "/faq-reload")
            .await
            .context("the reload task")?;
        Ok(reply(&outcome))
    }
}

/// The private answer to `/faq-reload`.
pub fn reply(outcome: &Outcome) -> Reply {
    let text = match outcome {
        Outcome::NoFolder => "This bot serves the FAQ built into it: there is no FAQ folder to \
                              reload. Start it with `--faq DIR` (or `FAQBOT_FAQ_DIR`) to serve \
                              and reload a folder."
            .to_owned(),
        Outcome::Unchanged => "The FAQ files load fine and nothing changed.".to_owned(),
        Outcome::Reloaded(changes) => format!("FAQ reloaded: {changes}."),
        Outcome::Failed(e) => format!(
            "The FAQ files have problems, so the previous FAQ is still served:\n```\n{e}\n```"
        ),
    };
    let mut reply = view::notice(&text);
    // A long error list is cut, but its code block stays closed.
    if let Some(content) = &mut reply.content {
        if content.matches("```").count() % 2 == 1 {
            let keep = limits::CONTENT - 4;
            *content = format!("{}\n```", view::fit(content, keep));
        }
    }
    reply
}
