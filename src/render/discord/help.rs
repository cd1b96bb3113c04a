//! The `/help` text: what the bot does, its commands, and how it answers
//! in the channel it is asked in.

use super::replies::colour;
use super::view::{Embed, Reply};
use crate::kb::Audience;

/// What the bot does and how it answers here. `unprompted` says whether
/// this channel gets answers without a mention.
pub fn help(entries: usize, unprompted: bool) -> Reply {
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
         I stay quiet rather than guess.\n\n\
         **/ask** `question`: ask; suggestions appear as you type. Only you see the answer, \
         with a button to post it.\n\
         **/compare** `aspect`: the two roles side by side (salary, skills, tools…).\n\
         **/role** `role`: one role's profile.\n\
         **/faq**: browse every entry.\n\n\
         Mention me or DM me a question to get an answer there.\n{here}"
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
