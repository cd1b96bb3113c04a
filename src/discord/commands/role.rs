//! `/role role`: one role's profile and what sets it apart.

use serenity::all::{CommandOptionType, CreateCommand, CreateCommandOption};
use serenity::async_trait;

use super::{Call, CommandError, SlashCommand};
use crate::compare::profile;
use crate::kb::{KnowledgeBase, Role};
use crate::render::discord::{self as view, CommandHelp, Reply};

const ROLE: &str = "role";

pub struct RoleCommand;

#[async_trait]
impl SlashCommand for RoleCommand {
    fn name(&self) -> &'static str {
        "role"
    }

    fn define(&self, command: CreateCommand, _: &KnowledgeBase) -> CreateCommand {
        let mut role =
            CreateCommandOption::new(CommandOptionType::String, ROLE, "Which role").required(true);
        for r in Role::ALL {
            role = role.add_string_choice(r.title(), r.id());
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
        let role = Role::from_id(call.required(ROLE)?).ok_or_else(|| {
            CommandError::User("Pick a role: Data Scientist or Machine Learning Engineer.".into())
        })?;
        Ok(view::role_profile(&profile(&call.state.faq().kb, role)))
    }
}
