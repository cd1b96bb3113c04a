//! `/compare [aspect]`: one aspect side by side, or an overview of all with
//! a menu to open any.

use serenity::all::{CommandOptionType, CreateCommand, CreateCommandOption};
use serenity::async_trait;

use super::{Call, CommandError, SlashCommand};
use crate::kb::KnowledgeBase;
use crate::render::discord::{self as view, limits, CommandHelp, Reply};

const ASPECT: &str = "aspect";

pub struct Compare;

#[async_trait]
impl SlashCommand for Compare {
    fn name(&self) -> &'static str {
        "compare"
    }

    fn define(&self, command: CreateCommand, kb: &KnowledgeBase) -> CreateCommand {
        let mut aspect = CreateCommandOption::new(
            CommandOptionType::String,
            ASPECT,
            "One aspect (leave empty for all of them)",
        );
        for a in kb.aspects().iter().take(limits::CHOICES) {
            aspect =
                aspect.add_string_choice(view::fit(&a.name, limits::CHOICE_NAME), a.id.clone());
        }
        command
            .description(view::fit(
                &format!("{}, side by side", view::versus(kb)),
                limits::COMMAND_DESCRIPTION,
            ))
            .add_option(aspect)
    }

    fn help(&self) -> Option<CommandHelp> {
        Some(CommandHelp {
            name: self.name(),
            options: format!("`{ASPECT}`"),
            what: "the roles side by side (salary, skills, tools…).",
        })
    }

    async fn run(&self, call: &Call<'_>) -> Result<Reply, CommandError> {
        let faq = call.state.faq();
        let kb = &faq.kb;
        let Some(key) = call.string(ASPECT) else {
            return Ok(view::overview(kb, kb.aspects()));
        };
        // The choices were registered from an older FAQ, or typed by hand.
        kb.aspect(key).map(|a| view::aspect(kb, a)).ok_or_else(|| {
            CommandError::User(format!(
                "I don't know that aspect. Try one of: {}.",
                kb.aspects()
                    .iter()
                    .map(|a| a.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })
    }
}
