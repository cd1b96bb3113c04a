//! The `/help` text: what the bot does, its commands, and how it answers
//! in the channel it is asked in.

use super::replies::colour;
use super::view::{Embed, Reply};
use crate::kb::Audience;

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
pub fn help(entries: usize, unprompted: bool, commands: &[CommandHelp]) -> Reply {
    let here = if unprompted {
        "In this channel I also answer questions on my own, when I'm confident; \
         the same entry at most once a minute."
    } else {
        "In this channel I answer only when mentioned. (Server admins choose the channels \
         where I answer on my own.)"
    };
    let description = format!(
        "I answer questions about the **Data Scientist** and **Machine Learning Engineer** \
         careers from a FAQ of {entries} entries, written from two articles. When I'm not sure, \
         I stay quiet rather than guess.\n\n{}\n\n\
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
            colour: colour(Audience::Both),
            fields: Vec::new(),
            footer: None,
        }
        .fitted()],
        ephemeral: true,
        ..Reply::default()
    }
}
