//! [`Reply`] → serenity builders. No decisions here: every text and limit
//! was settled by [`crate::render::discord`].

use serenity::all::{
    ButtonStyle as SerenityStyle, CreateActionRow, CreateButton, CreateEmbed, CreateEmbedFooter,
    CreateInteractionResponse, CreateInteractionResponseMessage, CreateMessage, CreateSelectMenu,
    CreateSelectMenuKind, CreateSelectMenuOption, EditInteractionResponse,
};

use crate::render::discord::{ButtonStyle, Embed, Reply, Row};

fn embed(e: &Embed) -> CreateEmbed {
    let mut out = CreateEmbed::new().title(&e.title).colour(e.colour);
    if !e.description.is_empty() {
        out = out.description(&e.description);
    }
    for f in &e.fields {
        out = out.field(&f.name, &f.value, f.inline);
    }
    if let Some(footer) = &e.footer {
        out = out.footer(CreateEmbedFooter::new(footer));
    }
    out
}

fn rows(rows: &[Row]) -> Vec<CreateActionRow> {
    rows.iter()
        .map(|row| match row {
            Row::Buttons(buttons) => CreateActionRow::Buttons(
                buttons
                    .iter()
                    .map(|b| {
                        CreateButton::new(b.id.to_string())
                            .label(&b.label)
                            .style(match b.style {
                                ButtonStyle::Primary => SerenityStyle::Primary,
                                ButtonStyle::Secondary => SerenityStyle::Secondary,
                            })
                    })
                    .collect(),
            ),
            Row::Select(select) => {
                let options = select
                    .options
                    .iter()
                    .map(|o| {
                        let option = CreateSelectMenuOption::new(&o.label, &o.value);
                        match &o.description {
                            Some(d) => option.description(d),
                            None => option,
                        }
                    })
                    .collect();
                CreateActionRow::SelectMenu(
                    CreateSelectMenu::new(
                        select.id.to_string(),
                        CreateSelectMenuKind::String { options },
                    )
                    .placeholder(&select.placeholder),
                )
            }
        })
        .collect()
}

/// A channel message (the caller adds the reply reference).
pub fn message(reply: &Reply) -> CreateMessage {
    let mut out = CreateMessage::new()
        .embeds(reply.embeds.iter().map(embed).collect())
        .components(rows(&reply.rows));
    if let Some(content) = &reply.content {
        out = out.content(content);
    }
    out
}

fn response_message(reply: &Reply) -> CreateInteractionResponseMessage {
    CreateInteractionResponseMessage::new()
        .embeds(reply.embeds.iter().map(embed).collect())
        .components(rows(&reply.rows))
        .ephemeral(reply.ephemeral)
}

/// A new message answering an interaction.
pub fn respond(reply: &Reply) -> CreateInteractionResponse {
    let mut message = response_message(reply);
    if let Some(content) = &reply.content {
        message = message.content(content);
    }
    CreateInteractionResponse::Message(message)
}

/// The component's message, replaced: content, embeds and components are
/// all set (content to empty when the reply has none), so nothing of the
/// old message lingers.
pub fn update(reply: &Reply) -> CreateInteractionResponse {
    let message = response_message(reply).content(reply.content.clone().unwrap_or_default());
    CreateInteractionResponse::UpdateMessage(message)
}

/// The edit that fills in a deferred response: content, embeds and
/// components all set, so nothing of the "thinking" placeholder lingers.
pub fn edit(reply: &Reply) -> EditInteractionResponse {
    EditInteractionResponse::new()
        .content(reply.content.clone().unwrap_or_default())
        .embeds(reply.embeds.iter().map(embed).collect())
        .components(rows(&reply.rows))
}
