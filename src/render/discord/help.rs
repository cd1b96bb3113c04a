//! The `/help` text: what the bot does, its commands, and how it answers
//! in the channel it is asked in.

use super::replies::COLOUR;
use super::view::{Embed, Reply};
use crate::kb::KnowledgeBase;

/// One command's line in `/help`, from the command's own definition:
/// `**/ask** `question`: ask; …`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandHelp {
    pub name: &'static str,
    /// Its options, as typed: `` `question` ``; empty for none.
    pub options: String,
    pub what: &'static str,
}

/// What the bot does, its `commands`, and how it answers here.
/// `unprompted` says whether this channel gets answers without a mention.
pub fn help(kb: &KnowledgeBase, unprompted: bool, commands: &[CommandHelp]) -> Reply {
    let here = if unprompted {
        "In this channel I also answer questions on my own, when I'm confident; \
         the same entry at most once a minute."
    } else {
        "In this channel I answer only when mentioned. (Server admins choose the channels \
         where I answer on my own.)"
    };
    let roles: Vec<String> = kb.role_names().iter().map(|n| format!("**{n}**")).collect();
    let roles = match roles.split_last() {
        Some((last, [])) => format!("the {last} career"),
        Some((last, rest)) => format!("the {} and {last} careers", rest.join(", ")),
        None => "careers".to_owned(),
    };
    let entries = kb.entries().len();
    let articles = match kb.sources().len() {
        1 => "one article".to_owned(),
        2 => "two articles".to_owned(),
        n => format!("{n} articles"),
    };
    let description = format!(
        "I answer questions about {roles} from a FAQ of {entries} entries, written from \
         {articles}. When I'm not sure, I stay quiet rather than guess.\n\n{}\n\n\
         Mention me or DM me a question to get an answer there.\n{here}",
        commands
            .iter()
            .map(|c| {
                let options = if c.options.is_empty() {
                    String::new()
                } else {
                    format!(" {}", c.options)
                };
                format!("**/{}**{options}: {}", c.name, c.what)
            })
            .collect::<Vec<_>>()
            .join("\n")
    );
    Reply {
        embeds: vec![Embed {
            title: "faqbot".into(),
            description,
            colour: COLOUR,
            fields: Vec::new(),
            footer: None,
        }
        .fitted()],
        ephemeral: true,
        ..Reply::default()
    }
}
