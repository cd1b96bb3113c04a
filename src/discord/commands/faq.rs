//! `/faq`: every entry, a page at a time, with a menu to open one.

use serenity::all::CreateCommand;
use serenity::async_trait;

use super::{Call, CommandError, SlashCommand};
use crate::kb::KnowledgeBase;
use crate::render::discord::{self as view, CommandHelp, Reply};

pub struct Faq;

#[async_trait]
impl SlashCommand for Faq {
    fn name(&self) -> &'static str {
        "faq"
    }

    fn define(&self, command: CreateCommand, _: &KnowledgeBase) -> CreateCommand {
        command.description("Browse every FAQ entry")
    }

    fn help(&self) -> Option<CommandHelp> {
        Some(CommandHelp {
            name: self.name(),
            options: String::new(),
            what: "browse every entry.",
        })
    }

    async fn run(&self, call: &Call<'_>) -> Result<Reply, CommandError> {
        Ok(view::faq_page(&call.state.faq().kb, 0))
    }
}
