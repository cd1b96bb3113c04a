//! The reply builders: every message the bot sends, built from the FAQ,
//! each within Discord's limits ([`super::limits`]).

use super::custom_id::{choice_value, CustomId};
use super::limits::{self, fit};
use super::view::{Button, ButtonStyle, Embed, Field, Reply, Row, Select, SelectOption};
use crate::compare::Profile;
use crate::kb::{Aspect, Audience, Entry, KnowledgeBase};
use crate::matcher::Hit;

/// Entries a `/faq` page lists.
pub const FAQ_PAGE: usize = 10;
/// The bot's own embed colour: for what speaks of every role, and for a
/// role whose `[[role]]` table gives no `colour`.
pub const COLOUR: u32 = 0x009b_59b6;

/// The embed colour of an entry's role, as `roles.toml` gives it.
pub fn colour(kb: &KnowledgeBase, audience: Audience) -> u32 {
    match audience {
        Audience::Only(role) => kb.role(role).colour.unwrap_or(COLOUR),
        Audience::Both => COLOUR,
    }
}

/// Every role by name, side by side: "Data Scientist vs Machine Learning
/// Engineer".
pub fn versus(kb: &KnowledgeBase) -> String {
    kb.role_names().join(" vs ")
}
fn button(id: CustomId, label: &str, style: ButtonStyle) -> Button {
    Button {
        id,
        label: fit(label, limits::BUTTON_LABEL),
        style,
    }
}

fn option(label: &str, value: String, description: Option<&str>) -> SelectOption {
    SelectOption {
        label: fit(label, limits::SELECT_LABEL),
        value,
        description: description.map(|d| fit(d, limits::SELECT_DESCRIPTION)),
    }
}

/// An entry as an embed: question, answer, role colour, source and score.
pub fn answer_embed(kb: &KnowledgeBase, entry: &Entry, score: f32) -> Embed {
    Embed {
        title: entry.question.clone(),
        description: entry.answer.clone(),
        colour: colour(kb, entry.role),
        fields: Vec::new(),
        footer: Some(format!("Source: {} · match {:.2}", entry.source, score)),
    }
    .fitted()
}

/// The answer to a message in a channel or DM.
pub fn answer(kb: &KnowledgeBase, entry: &Entry, score: f32) -> Reply {
    Reply {
        embeds: vec![answer_embed(kb, entry, score)],
        ..Reply::default()
    }
}

/// A public answer with 👍 and 👎 for the person who asked.
pub fn answer_with_feedback(kb: &KnowledgeBase, entry: &Entry, score: f32, asker: u64) -> Reply {
    let vote = |helpful: bool, label: &str| {
        button(
            CustomId::Vote {
                entry: entry.id.clone(),
                asker,
                helpful,
            },
            label,
            ButtonStyle::Secondary,
        )
    };
    Reply {
        rows: vec![Row::Buttons(vec![vote(true, "👍"), vote(false, "👎")])],
        ..answer(kb, entry, score)
    }
}

/// What replaces an answer voted 👎: the next-best entries, and "None of
/// these", which deletes the message.
pub fn after_downvote(kb: &KnowledgeBase, hits: &[Hit], asker: u64) -> Reply {
    let mut reply = suggestions(kb, hits, asker, "Sorry. Did you mean…");
    if let Some(Row::Buttons(buttons)) = reply.rows.last_mut() {
        if let Some(last) = buttons.last_mut() {
            last.id = CustomId::Dismiss { asker };
        }
    }
    reply
}

/// The private answer to `/ask`, with a button to post it for everyone.
pub fn private_answer(kb: &KnowledgeBase, entry: &Entry, score: f32) -> Reply {
    Reply {
        embeds: vec![answer_embed(kb, entry, score)],
        rows: vec![Row::Buttons(vec![button(
            CustomId::Post {
                entry: entry.id.clone(),
            },
            "Post publicly",
            ButtonStyle::Secondary,
        )])],
        ephemeral: true,
        ..Reply::default()
    }
}

/// "Did you mean…" with a button per suggestion and "None of these".
pub fn did_you_mean(kb: &KnowledgeBase, hits: &[Hit], asker: u64) -> Reply {
    suggestions(kb, hits, asker, "Did you mean…")
}

/// `/ask` found nothing sure: says so, and offers close entries if any.
pub fn no_match(kb: &KnowledgeBase, hits: &[Hit], asker: u64) -> Reply {
    let mut reply = if hits.is_empty() {
        Reply {
            content: Some(
                "No FAQ entry matches that question. Try other words, or browse with `/faq`."
                    .into(),
            ),
            ..Reply::default()
        }
    } else {
        suggestions(
            kb,
            hits,
            asker,
            "No FAQ entry matches that question for sure. Is it one of these?",
        )
    };
    reply.ephemeral = true;
    reply
}

fn suggestions(kb: &KnowledgeBase, hits: &[Hit], asker: u64, lead: &str) -> Reply {
    let mut buttons: Vec<Button> = hits
        .iter()
        .take(limits::BUTTONS_PER_ROW - 1)
        .filter_map(|h| kb.entries().get(h.entry))
        .map(|e| {
            button(
                CustomId::Pick {
                    entry: e.id.clone(),
                    asker,
                },
                &e.question,
                ButtonStyle::Primary,
            )
        })
        .collect();
    buttons.push(button(
        CustomId::NoneOfThese { asker },
        "None of these",
        ButtonStyle::Secondary,
    ));
    Reply {
        content: Some(lead.to_owned()),
        rows: vec![Row::Buttons(buttons)],
        ..Reply::default()
    }
}

/// A short private note: a user's mistake, or what an admin command did.
pub fn notice(text: &str) -> Reply {
    Reply {
        content: Some(fit(text, limits::CONTENT)),
        ephemeral: true,
        ..Reply::default()
    }
}

/// A short pointer to `/ask` when a direct question found nothing.
pub fn hint() -> Reply {
    Reply {
        content: Some(
            "I don't have a FAQ entry for that. Try `/ask`: it suggests questions as you type. \
             `/faq` lists everything I know."
                .into(),
        ),
        ..Reply::default()
    }
}

/// The reply to a pressed "None of these".
pub fn none_of_these() -> Reply {
    Reply {
        content: Some("OK. Try `/ask` with other words, or browse every entry with `/faq`.".into()),
        ..Reply::default()
    }
}

/// A private note to someone pressing a button meant for another person.
pub fn not_yours() -> Reply {
    Reply {
        content: Some(
            "Those buttons are for the person who asked. Use `/ask` to ask your own question."
                .into(),
        ),
        ephemeral: true,
        ..Reply::default()
    }
}

/// A private note for a button or entry that no longer exists (the FAQ
/// changed since the message was sent).
pub fn gone() -> Reply {
    Reply {
        content: Some("That FAQ entry no longer exists. Try `/ask` or `/faq`.".into()),
        ephemeral: true,
        ..Reply::default()
    }
}

/// One aspect, the roles side by side.
pub fn aspect(kb: &KnowledgeBase, a: &Aspect) -> Reply {
    let embed = Embed {
        title: format!("{}: {}", versus(kb), a.name),
        description: String::new(),
        colour: COLOUR,
        fields: kb
            .roles()
            .iter()
            .map(|r| Field {
                name: r.name.clone(),
                value: a.side(r.role).to_owned(),
                inline: true,
            })
            .collect(),
        footer: Some(format!("Source: {}", a.source)),
    };
    Reply {
        embeds: vec![embed.fitted()],
        ephemeral: true,
        ..Reply::default()
    }
}

/// Every aspect in brief, with a menu to open any of them in full.
pub fn overview(kb: &KnowledgeBase, aspects: &[Aspect]) -> Reply {
    // Each side's share of a field, with room for the role's name and its
    // markup; a brief is at most 240 characters whatever the share.
    let share = limits::FIELD_VALUE / kb.roles().len().max(1);
    let fields = aspects
        .iter()
        .map(|a| Field {
            name: a.name.clone(),
            value: kb
                .roles()
                .iter()
                .map(|r| {
                    let budget = share.saturating_sub(r.name.chars().count() + 7).min(240);
                    format!("**{}:** {}", r.name, fit(a.side(r.role), budget))
                })
                .collect::<Vec<_>>()
                .join("\n"),
            inline: false,
        })
        .collect();
    let embed = Embed {
        title: versus(kb),
        description: if aspects.is_empty() {
            "The FAQ has no side-by-side comparison yet.".into()
        } else {
            "Pick an aspect below to see it in full.".into()
        },
        colour: COLOUR,
        fields,
        footer: None,
    };
    let options: Vec<SelectOption> = aspects
        .iter()
        .take(limits::SELECT_OPTIONS)
        .map(|a| option(&a.name, a.id.clone(), None))
        .collect();
    // Discord refuses a whole message whose menu has no options.
    let rows = if options.is_empty() {
        Vec::new()
    } else {
        vec![Row::Select(Select {
            id: CustomId::Aspect,
            placeholder: "Open an aspect".into(),
            options,
        })]
    };
    Reply {
        embeds: vec![embed.fitted()],
        rows,
        ephemeral: true,
        ..Reply::default()
    }
}

/// One role's profile and what sets it apart.
pub fn role_profile(p: &Profile<'_>) -> Reply {
    let description = format!(
        "{}\n\n**What sets it apart:** {}",
        p.role.summary, p.role.sets_apart
    );
    let footer = Some(format!("Source: {}", p.role.source));
    let fields = p
        .aspects
        .iter()
        .map(|(a, side)| Field {
            name: a.name.clone(),
            value: (*side).to_owned(),
            inline: false,
        })
        .collect();
    let embed = Embed {
        title: p.role.name.clone(),
        description,
        colour: p.role.colour.unwrap_or(COLOUR),
        fields,
        footer,
    };
    Reply {
        embeds: vec![embed.fitted()],
        ephemeral: true,
        ..Reply::default()
    }
}

/// Page `page` (from 0) of every entry, with paging buttons and a menu
/// that opens an entry. A page past the end shows the last one.
pub fn faq_page(kb: &KnowledgeBase, page: usize) -> Reply {
    let pages = kb.entries().len().div_ceil(FAQ_PAGE).max(1);
    let page = page.min(pages - 1);
    let on_page: Vec<&Entry> = kb
        .entries()
        .iter()
        .skip(page * FAQ_PAGE)
        .take(FAQ_PAGE)
        .collect();
    let description = on_page
        .iter()
        .enumerate()
        .map(|(i, e)| format!("{}. {}", page * FAQ_PAGE + i + 1, fit(&e.question, 200)))
        .collect::<Vec<_>>()
        .join("\n");
    let embed = Embed {
        title: format!("FAQ: {}", kb.role_names().join(" & ")),
        description,
        colour: COLOUR,
        fields: Vec::new(),
        footer: Some(format!(
            "Page {} of {pages} · {} entries",
            page + 1,
            kb.entries().len()
        )),
    };
    let mut rows = vec![Row::Select(Select {
        id: CustomId::Open(page),
        placeholder: "Open an entry".into(),
        options: on_page
            .iter()
            .map(|e| option(&e.question, e.id.clone(), Some(kb.audience_id(e.role))))
            .collect(),
    })];
    let mut nav = Vec::new();
    if page > 0 {
        nav.push(button(
            CustomId::Page(page - 1),
            "◀ Previous",
            ButtonStyle::Secondary,
        ));
    }
    if page + 1 < pages {
        nav.push(button(
            CustomId::Page(page + 1),
            "Next ▶",
            ButtonStyle::Secondary,
        ));
    }
    if !nav.is_empty() {
        rows.push(Row::Buttons(nav));
    }
    Reply {
        embeds: vec![embed.fitted()],
        rows,
        ephemeral: true,
        ..Reply::default()
    }
}

/// An entry opened from `/faq`, with a way back to its page.
pub fn faq_entry(kb: &KnowledgeBase, entry: &Entry, page: usize) -> Reply {
    Reply {
        embeds: vec![answer_embed(kb, entry, 1.0)],
        rows: vec![Row::Buttons(vec![button(
            CustomId::Page(page),
            "◀ Back to the list",
            ButtonStyle::Secondary,
        )])],
        ephemeral: true,
        ..Reply::default()
    }
}
/// Autocomplete choices for `/ask`: `(name, value)`, at most 25, each
/// within 100 characters; the value names the entry exactly.
pub fn choices(kb: &KnowledgeBase, entries: &[usize]) -> Vec<(String, String)> {
    entries
        .iter()
        .filter_map(|&i| kb.entries().get(i))
        .take(limits::CHOICES)
        .map(|e| {
            (
                fit(&e.question, limits::CHOICE_NAME),
                fit(&choice_value(&e.id), limits::CHOICE_VALUE),
            )
        })
        .collect()
}
