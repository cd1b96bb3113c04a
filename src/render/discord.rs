//! Discord replies as plain data: embeds, buttons and menus built from the
//! FAQ, with every Discord limit applied here (text cut at a word with an
//! ellipsis), and the custom ids that let buttons work after a restart.
//!
//! The Discord adapter only converts a [`Reply`] into serenity builders.
//! Must not: import serenity, or echo a user's text (so nothing a user
//! types can ping or break formatting in a reply).

use std::fmt;

use crate::compare::Profile;
use crate::kb::{Aspect, Audience, Entry, KnowledgeBase, Role};
use crate::matcher::Hit;

/// Discord's documented limits.
pub mod limits {
    pub const CONTENT: usize = 2000;
    pub const EMBED_TITLE: usize = 256;
    pub const EMBED_DESCRIPTION: usize = 4096;
    pub const FIELD_NAME: usize = 256;
    pub const FIELD_VALUE: usize = 1024;
    pub const FIELDS: usize = 25;
    pub const FOOTER: usize = 2048;
    pub const EMBED_TOTAL: usize = 6000;
    pub const CHOICES: usize = 25;
    pub const CHOICE_NAME: usize = 100;
    pub const CHOICE_VALUE: usize = 100;
    pub const CUSTOM_ID: usize = 100;
    pub const SELECT_OPTIONS: usize = 25;
    pub const SELECT_LABEL: usize = 100;
    pub const SELECT_DESCRIPTION: usize = 100;
    pub const PLACEHOLDER: usize = 150;
    pub const BUTTONS_PER_ROW: usize = 5;
    pub const BUTTON_LABEL: usize = 80;
    pub const ROWS: usize = 5;
}

/// Entries a `/faq` page lists.
pub const FAQ_PAGE: usize = 10;

/// A message to send or an interaction to answer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reply {
    pub content: Option<String>,
    pub embeds: Vec<Embed>,
    pub rows: Vec<Row>,
    /// Seen only by the person who asked (interactions only).
    pub ephemeral: bool,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Embed {
    pub title: String,
    pub description: String,
    pub colour: u32,
    pub fields: Vec<Field>,
    pub footer: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: String,
    pub value: String,
    pub inline: bool,
}

/// A row of components.
#[derive(Debug, Clone, PartialEq)]
pub enum Row {
    Buttons(Vec<Button>),
    Select(Select),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ButtonStyle {
    Primary,
    Secondary,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Button {
    pub id: CustomId,
    pub label: String,
    pub style: ButtonStyle,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Select {
    pub id: CustomId,
    pub placeholder: String,
    pub options: Vec<SelectOption>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SelectOption {
    pub label: String,
    pub value: String,
    pub description: Option<String>,
}

/// What a button or menu does, carried in its custom id so that it works
/// after a restart: no session state is kept in memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CustomId {
    /// "Did you mean" → this entry; only `asker` may press it.
    Pick { entry: String, asker: u64 },
    /// "None of these"; only `asker` may press it.
    NoneOfThese { asker: u64 },
    /// Post this entry to the channel for everyone.
    Post { entry: String },
    /// The aspect menu of `/compare`.
    Aspect,
    /// `/faq` at this page.
    Page(usize),
    /// The entry menu of a `/faq` page (to come back to that page).
    Open(usize),
}

impl CustomId {
    /// `"pick:ds-salary:42"` → `CustomId::Pick`; anything else → `None`.
    pub fn parse(s: &str) -> Option<CustomId> {
        let mut parts = s.split(':');
        let id = match (parts.next()?, parts.next(), parts.next()) {
            ("pick", Some(entry), Some(asker)) => CustomId::Pick {
                entry: entry.to_owned(),
                asker: asker.parse().ok()?,
            },
            ("none", Some(asker), None) => CustomId::NoneOfThese {
                asker: asker.parse().ok()?,
            },
            ("post", Some(entry), None) => CustomId::Post {
                entry: entry.to_owned(),
            },
            ("aspect", None, None) => CustomId::Aspect,
            ("page", Some(n), None) => CustomId::Page(n.parse().ok()?),
            ("open", Some(n), None) => CustomId::Open(n.parse().ok()?),
            _ => return None,
        };
        parts.next().is_none().then_some(id)
    }

    /// The person a component is meant for, if only one.
    pub fn asker(&self) -> Option<u64> {
        match self {
            CustomId::Pick { asker, .. } | CustomId::NoneOfThese { asker } => Some(*asker),
            _ => None,
        }
    }
}

impl fmt::Display for CustomId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CustomId::Pick { entry, asker } => write!(f, "pick:{entry}:{asker}"),
            CustomId::NoneOfThese { asker } => write!(f, "none:{asker}"),
            CustomId::Post { entry } => write!(f, "post:{entry}"),
            CustomId::Aspect => f.write_str("aspect"),
            CustomId::Page(n) => write!(f, "page:{n}"),
            CustomId::Open(n) => write!(f, "open:{n}"),
        }
    }
}

/// `text` in at most `max` characters: cut at a word, with an ellipsis.
///
/// `fit("one two three", 9)` → `"one two…"`.
pub fn fit(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    if max == 0 {
        return String::new();
    }
    let cut: String = text.chars().take(max - 1).collect();
    // Cut at the last space when there is one in the second half; a single
    // very long word is cut where it must be.
    let at_word = match cut.rfind(char::is_whitespace) {
        Some(i) if cut[..i].chars().count() >= max / 2 => &cut[..i],
        _ => &cut[..],
    };
    format!("{}…", at_word.trim_end())
}

/// The embed colour of an entry's role.
pub fn colour(audience: Audience) -> u32 {
    match audience {
        Audience::Only(Role::DataScientist) => 0x0034_98db,
        Audience::Only(Role::MlEngineer) => 0x00e6_7e22,
        Audience::Both => 0x009b_59b6,
    }
}

impl Embed {
    /// The embed within every limit, the 6,000-character total included.
    #[must_use]
    pub fn fitted(mut self) -> Embed {
        self.title = fit(&self.title, limits::EMBED_TITLE);
        self.description = fit(&self.description, limits::EMBED_DESCRIPTION);
        self.fields.truncate(limits::FIELDS);
        for field in &mut self.fields {
            field.name = fit(&field.name, limits::FIELD_NAME);
            field.value = fit(&field.value, limits::FIELD_VALUE);
        }
        self.footer = self.footer.map(|f| fit(&f, limits::FOOTER));
        while self.total() > limits::EMBED_TOTAL {
            let over = self.total() - limits::EMBED_TOTAL;
            let description = self.description.chars().count();
            if description > over + 100 {
                self.description = fit(&self.description, description - over);
            } else if self.fields.pop().is_none() {
                self.description = fit(&self.description, description.saturating_sub(over));
            }
        }
        self
    }

    /// Characters counted toward Discord's 6,000 total.
    pub fn total(&self) -> usize {
        self.title.chars().count()
            + self.description.chars().count()
            + self.footer.as_ref().map_or(0, |f| f.chars().count())
            + self
                .fields
                .iter()
                .map(|f| f.name.chars().count() + f.value.chars().count())
                .sum::<usize>()
    }
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
pub fn answer_embed(entry: &Entry, score: f32) -> Embed {
    Embed {
        title: entry.question.clone(),
        description: entry.answer.clone(),
        colour: colour(entry.role),
        fields: Vec::new(),
        footer: Some(format!("Source: {} · match {:.2}", entry.source, score)),
    }
    .fitted()
}

/// The answer to a message in a channel or DM.
pub fn answer(entry: &Entry, score: f32) -> Reply {
    Reply {
        embeds: vec![answer_embed(entry, score)],
        ..Reply::default()
    }
}

/// The private answer to `/ask`, with a button to post it for everyone.
pub fn private_answer(entry: &Entry, score: f32) -> Reply {
    Reply {
        embeds: vec![answer_embed(entry, score)],
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

/// One aspect, the two roles side by side.
pub fn aspect(a: &Aspect) -> Reply {
    let embed = Embed {
        title: format!("Data Scientist vs Machine Learning Engineer: {}", a.name),
        description: String::new(),
        colour: colour(Audience::Both),
        fields: vec![
            Field {
                name: Role::DataScientist.title().into(),
                value: a.data_scientist.clone(),
                inline: true,
            },
            Field {
                name: Role::MlEngineer.title().into(),
                value: a.ml_engineer.clone(),
                inline: true,
            },
        ],
        footer: Some(format!("Source: {}", a.source)),
    };
    Reply {
        embeds: vec![embed.fitted()],
        ephemeral: true,
        ..Reply::default()
    }
}

/// Every aspect in brief, with a menu to open any of them in full.
pub fn overview(aspects: &[Aspect]) -> Reply {
    let fields = aspects
        .iter()
        .map(|a| Field {
            name: a.name.clone(),
            value: format!(
                "**Data Scientist:** {}\n**ML Engineer:** {}",
                fit(&a.data_scientist, 240),
                fit(&a.ml_engineer, 240)
            ),
            inline: false,
        })
        .collect();
    let embed = Embed {
        title: "Data Scientist vs Machine Learning Engineer".into(),
        description: if aspects.is_empty() {
            "The FAQ has no side-by-side comparison yet.".into()
        } else {
            "Pick an aspect below to see it in full.".into()
        },
        colour: colour(Audience::Both),
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
    let mut description = String::new();
    let mut footer = None;
    if let Some(profile) = p.profile {
        description = format!(
            "{}\n\n**What sets it apart:** {}",
            profile.summary, profile.sets_apart
        );
        footer = Some(format!("Source: {}", profile.source));
    }
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
        title: p.role.title().into(),
        description,
        colour: colour(Audience::Only(p.role)),
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
        title: "FAQ: Data Scientist & Machine Learning Engineer".into(),
        description,
        colour: colour(Audience::Both),
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
            .map(|e| option(&e.question, e.id.clone(), Some(e.role.id())))
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
pub fn faq_entry(entry: &Entry, page: usize) -> Reply {
    Reply {
        embeds: vec![answer_embed(entry, 1.0)],
        rows: vec![Row::Buttons(vec![button(
            CustomId::Page(page),
            "◀ Back to the list",
            ButtonStyle::Secondary,
        )])],
        ephemeral: true,
        ..Reply::default()
    }
}

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

/// The `/ask` option value of a picked suggestion: `faq:ds-salary`.
pub fn choice_value(entry_id: &str) -> String {
    format!("{CHOICE_PREFIX}{entry_id}")
}

/// Marks an `/ask` value as a picked entry rather than free text.
pub const CHOICE_PREFIX: &str = "faq:";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_cuts_at_a_word_with_an_ellipsis() {
        assert_eq!(fit("one two three", 9), "one two…");
        assert_eq!(fit("short", 10), "short");
        assert_eq!(fit(&"x".repeat(50), 10), format!("{}…", "x".repeat(9)));
        assert_eq!(fit("éééé", 3).chars().count(), 3);
        assert_eq!(fit("anything", 0), "");
    }

    #[test]
    fn every_limit_is_pinned() {
        use limits::*;
        assert_eq!(
            [
                CONTENT,
                EMBED_TITLE,
                EMBED_DESCRIPTION,
                FIELD_NAME,
                FIELD_VALUE,
                FIELDS,
                FOOTER,
                EMBED_TOTAL
            ],
            [2000, 256, 4096, 256, 1024, 25, 2048, 6000]
        );
        assert_eq!(
            [
                CHOICES,
                CHOICE_NAME,
                CHOICE_VALUE,
                CUSTOM_ID,
                SELECT_OPTIONS,
                BUTTONS_PER_ROW
            ],
            [25, 100, 100, 100, 25, 5]
        );
    }

    #[test]
    fn an_oversized_embed_is_fitted_to_every_limit() {
        let big = Embed {
            title: "t ".repeat(400),
            description: "d ".repeat(5000),
            colour: 0,
            fields: (0..40)
                .map(|i| Field {
                    name: format!("n{i} ").repeat(200),
                    value: "v ".repeat(1000),
                    inline: true,
                })
                .collect(),
            footer: Some("f ".repeat(2000)),
        }
        .fitted();
        assert!(big.title.chars().count() <= limits::EMBED_TITLE);
        assert!(big.description.chars().count() <= limits::EMBED_DESCRIPTION);
        assert!(big.fields.len() <= limits::FIELDS);
        for f in &big.fields {
            assert!(f.name.chars().count() <= limits::FIELD_NAME);
            assert!(f.value.chars().count() <= limits::FIELD_VALUE);
        }
        assert!(big.total() <= limits::EMBED_TOTAL, "{}", big.total());
        assert!(big.description.ends_with('…'));
    }

    #[test]
    fn an_overview_without_aspects_has_no_empty_menu() {
        // Found by tests/it/props.rs: a FAQ without [[aspect]] tables made
        // `/compare` send a menu of no options, which Discord refuses.
        let reply = overview(&[]);
        assert!(reply.rows.is_empty(), "{:?}", reply.rows);
        assert!(reply.embeds[0].description.contains("no side-by-side"));
    }

    #[test]
    fn custom_ids_round_trip_and_reject_junk() {
        for id in [
            CustomId::Pick {
                entry: "ds-salary".into(),
                asker: 42,
            },
            CustomId::NoneOfThese { asker: 7 },
            CustomId::Post {
                entry: "mle-tools".into(),
            },
            CustomId::Aspect,
            CustomId::Page(3),
            CustomId::Open(0),
        ] {
            let s = id.to_string();
            assert!(s.len() <= limits::CUSTOM_ID);
            assert_eq!(CustomId::parse(&s), Some(id));
        }
        for junk in [
            "", "pick", "pick:x", "pick:x:y", "page:-1", "aspect:1", "none:1:2", "zzz:1",
        ] {
            assert_eq!(CustomId::parse(junk), None, "{junk}");
        }
    }
}
