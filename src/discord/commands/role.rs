//! `/role role`: one role's profile and what sets it apart.

use serenity::all::{CommandOptionType, CreateCommand, CreateCommandOption};
use serenity::async_trait;

use super::{Call, CommandError, SlashCommand};
use crate::compare::profile;
use crate::kb::KnowledgeBase;
use crate::render::discord::{self as view, limits, CommandHelp, Reply};

const ROLE: &str = "role";

pub struct RoleCommand;

#[async_trait]
impl SlashCommand for RoleCommand {
    fn name(&self) -> &'static str {
        "role"
    }

    fn define(&self, command: CreateCommand, kb: &KnowledgeBase) -> CreateCommand {
        let mut role =
            CreateCommandOption::new(CommandOptionType::String, ROLE, "Which role").required(true);
        // The loader allows no more roles than there are choices.
        for r in kb.roles().iter().take(limits::CHOICES) {
            role = role.add_string_choice(view::fit(&r.name, limits::CHOICE_NAME), r.id.clone());
        }
        command
            .description("The profile of one role")
            .add_option(role)
    }

    fn help(&self) -> Option<CommandHelp> {
        Some(CommandHelp {
            name: self.name(),
            options: format!("`{ROLE}`"),
            what: "one role's profile.",
        })
    }

    async fn run(&self, call: &Call<'_>) -> Result<Reply, CommandError> {
        let faq = call.state.faq();
        let kb = &faq.kb;
        // The choices were registered from an older FAQ, or typed by hand.
        let role = kb.role_by_id(call.required(ROLE)?).ok_or_else(|| {
            let names = kb.role_names();
            let names = match names.split_last() {
                Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
                _ => names.join(""),
            };
            CommandError::User(format!("Pick a role: {names}."))
        })?;
        Ok(view::role_profile(&profile(kb, role)))
    }
}
