//! The review queue in Discord: `/faq-review`'s groups, each with a menu
//! "add as a phrasing of…" (nearest entries first) and an Ignore button,
//! and the daily notice. The one place a member's text is shown, to
//! admins only and inside code spans, so it cannot format or ping.

use super::custom_id::CustomId;
use super::limits::{self, fit};
use super::view::{Button, ButtonStyle, Embed, Field, Reply, Row, Select, SelectOption};
use crate::kb::KnowledgeBase;
use crate::review::Group;

/// Groups shown at once: one menu row each, plus the row of Ignore buttons,
/// within Discord's five rows.
pub const REVIEW_GROUPS: usize = 4;

/// A member's text, quoted so that it is shown as typed and does nothing.
fn quoted(text: &str) -> String {
    let flat: String = text
        .chars()
        .map(|c| if c == '`' || c.is_control() { ' ' } else { c })
        .collect();
    format!("`{}`", fit(flat.trim(), 200))
}

/// `/faq-review`: `groups` with, for each, the entries to offer (indices
/// into the FAQ, nearest first).
pub fn review(kb: &KnowledgeBase, groups: &[(Group, Vec<usize>)]) -> Reply {
    if groups.is_empty() {
        return Reply {
            content: Some("Nothing to review: no unanswered questions are waiting.".into()),
            ephemeral: true,
            ..Reply::default()
        };
    }
    let shown = &groups[..groups.len().min(REVIEW_GROUPS)];
    let fields = shown
        .iter()
        .enumerate()
        .map(|(i, (g, _))| {
            let nearest = g
                .nearest
                .and_then(|h| kb.entries().get(h.entry))
                .map_or_else(
                    || "no entry near".to_owned(),
                    |e| format!("nearest `{}`", e.id),
                );
            let examples: Vec<String> = g.examples.iter().map(|e| quoted(e)).collect();
            Field {
                name: fit(
                    &format!("{}. asked {}×, {nearest}", i + 1, g.count),
                    limits::FIELD_NAME,
                ),
                value: fit(&examples.join("\n"), limits::FIELD_VALUE),
                inline: false,
            }
        })
        .collect();
    let mut rows: Vec<Row> = shown
        .iter()
        .enumerate()
        .filter(|(_, (_, offer))| !offer.is_empty())
        .map(|(i, (g, offer))| {
            Row::Select(Select {
                id: CustomId::ReviewAccept {
                    group: g.id.clone(),
                },
                placeholder: fit(
                    &format!("{}. add as a phrasing of…", i + 1),
                    limits::PLACEHOLDER,
                ),
                options: offer
                    .iter()
                    .filter_map(|&e| kb.entries().get(e))
                    .take(limits::SELECT_OPTIONS)
                    .map(|e| SelectOption {
                        label: fit(&e.question, limits::SELECT_LABEL),
                        value: e.id.clone(),
                        description: Some(fit(&e.id, limits::SELECT_DESCRIPTION)),
                    })
                    .collect(),
            })
        })
        .collect();
    rows.push(Row::Buttons(
        shown
            .iter()
            .enumerate()
            .map(|(i, (g, _))| Button {
                id: CustomId::ReviewIgnore {
                    group: g.id.clone(),
                },
                label: format!("Ignore {}", i + 1),
                style: ButtonStyle::Secondary,
            })
            .collect(),
    ));
    Reply {
        content: Some(format!(
            "{} groups of unanswered questions, most asked first. Pick an entry to add a group's \
             first question to it as a phrasing.",
            groups.len()
        )),
        embeds: vec![Embed {
            title: "FAQ review".into(),
            fields,
            ..Embed::default()
        }
        .fitted()],
        rows,
        ephemeral: true,
    }
}

/// The daily notice in the review channel.
pub fn review_notice(new: usize) -> Reply {
    let noun = if new == 1 { "question" } else { "questions" };
    Reply {
        content: Some(format!("{new} new unanswered {noun} to review.")),
        rows: vec![Row::Buttons(vec![Button {
            id: CustomId::ReviewOpen,
            label: "Open the review".into(),
            style: ButtonStyle::Primary,
        }])],
        ..Reply::default()
    }
}
