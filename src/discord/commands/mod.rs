//! The slash commands. Each is one file holding one [`SlashCommand`]: its
//! definition (what Discord shows) and what it answers, so a command's
//! name, options and behaviour cannot drift apart. A new command is one
//! new file plus one line in [`ALL`].
//!
//! Replies come from [`crate::render::discord`]; a user's mistake and an
//! internal failure are told apart by [`CommandError`].

mod ask;
mod compare;
mod faq;
mod faq_reload;
mod faq_review;
mod faq_settings;
mod faq_stats;
mod help;
mod role;

use std::sync::Arc;

use serenity::all::{CommandInteraction, CreateCommand, Http};
use serenity::async_trait;

use super::State;
use crate::kb::KnowledgeBase;
use crate::render::discord::{self as view, CommandHelp, Reply};

/// Every command, in registration order.
pub static ALL: &[&dyn SlashCommand] = &[
    &ask::Ask,
    &compare::Compare,
    &role::RoleCommand,
    &faq::Faq,
    &help::Help,
    &faq_reload::FaqReload,
    &faq_settings::FaqSettings,
    &faq_stats::FaqStats,
    &faq_review::FaqReview,
];

/// The names of every command, in registration order.
pub fn names() -> Vec<&'static str> {
    ALL.iter().map(|c| c.name()).collect()
}

/// One slash command.
#[async_trait]
pub trait SlashCommand: Sync {
    /// What users type after the slash.
    fn name(&self) -> &'static str;

    /// Description, options and permissions, added to `command` (which
    /// already carries the name). Built from the FAQ: `/compare` offers
    /// its aspects.
    fn define(&self, command: CreateCommand, kb: &KnowledgeBase) -> CreateCommand;

    /// Work that can outlast Discord's 3 seconds: the interaction is
    /// acknowledged first (privately) and the reply edited in when done.
    fn slow(&self) -> bool {
        false
    }

    /// The reply.
    async fn run(&self, call: &Call<'_>) -> Result<Reply, CommandError>;

    /// Its line in `/help` (options as typed, and what it does); `None`
    /// keeps it out, as for admin commands.
    fn help(&self) -> Option<CommandHelp> {
        None
    }

    /// Autocomplete choices `(name, value)` for what the user has typed.
    fn autocomplete(&self, _state: &State, _typed: &str) -> Vec<(String, String)> {
        Vec::new()
    }
}

/// One invocation, as a command sees it.
pub struct Call<'a> {
    pub state: &'a Arc<State>,
    pub http: &'a Arc<Http>,
    pub cmd: &'a CommandInteraction,
}

impl Call<'_> {
    /// A string option, if given.
    pub fn string(&self, name: &str) -> Option<&str> {
        self.cmd
            .data
            .options
            .iter()
            .find(|o| o.name == name)
            .and_then(|o| o.value.as_str())
    }

    /// A string option the definition marks required. Discord enforces
    /// that, so its absence is a stale client, answered as a user error
    /// rather than with an empty value.
    pub fn required(&self, name: &str) -> Result<&str, CommandError> {
        self.string(name)
            .ok_or_else(|| CommandError::User(format!("Give the `{name}` option, please.")))
    }
}

/// Whether a member may use the admin commands: Manage Server (or
/// Administrator). Discord hides those commands from others by default,
/// but a server's owners can open them up, and buttons reach anyone who
/// sees them: the bot checks as well.
pub fn is_admin(member: Option<&serenity::all::Member>) -> bool {
    member
        .and_then(|m| m.permissions)
        .is_some_and(|p| p.manage_guild() || p.administrator())
}

/// Why a command did not produce its reply.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    /// The user asked for something that cannot be: they get this text,
    /// privately.
    #[error("{0}")]
    User(String),
    /// Something on our side failed: the user gets a generic apology, the
    /// log gets the error.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// The reply a user sees for an internal failure: nothing of the error
/// itself.
pub fn internal_failure() -> Reply {
    view::notice("Something went wrong on my side; it has been logged. Please try again later.")
}

/// The `/help` lines of every command that has one, in registration order.
pub fn help_lines() -> Vec<CommandHelp> {
    ALL.iter().filter_map(|c| c.help()).collect()
}

/// Every command's definition, for registration.
pub fn definitions(kb: &KnowledgeBase) -> Vec<CreateCommand> {
    ALL.iter()
        .map(|c| c.define(CreateCommand::new(c.name()), kb))
        .collect()
}

/// The command with this name.
pub fn find(name: &str) -> Option<&'static dyn SlashCommand> {
    ALL.iter().copied().find(|c| c.name() == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_help_lists_every_member_command_once() {
        let names = names();
        let mut unique = names.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), names.len(), "{names:?}");
        let help: Vec<&str> = help_lines().iter().map(|h| h.name).collect();
        // Everyone's commands; /faq-reload is for admins and stays out.
        assert_eq!(help, ["ask", "compare", "role", "faq"]);
        let kb = crate::kb::embedded().expect("the embedded FAQ loads");
        let text = view::help(&kb, false, &help_lines()).embeds[0]
            .description
            .clone();
        assert!(text.contains("**/ask** `question`: ask;"), "{text}");
        assert!(text.contains("**/faq**: browse every entry."), "{text}");
    }

    #[test]
    fn an_internal_failure_tells_the_user_nothing_of_the_error() {
        let reply = internal_failure();
        assert!(reply.ephemeral);
        assert!(reply
            .content
            .is_some_and(|c| c.starts_with("Something went wrong on my side")));
    }
}
