//! Gateway events → actions: READY registers the commands, a message may
//! be answered, an interaction is routed. Decisions are made in
//! [`super::policy`], [`super::commands`] and [`crate::render::discord`];
//! this file only does the I/O and logs the outcome.

use std::sync::Arc;
use std::time::Instant;

use crate::logging::chain;
use serenity::all::{
    ComponentInteraction, ComponentInteractionDataKind, Context, CreateAutocompleteResponse,
    CreateInteractionResponse, EventHandler, Interaction, Message, Ready,
};
use serenity::async_trait;
use tracing::{debug, info, warn};

use super::policy::{decide, strip_mention, Action, Incoming, Origin};
use super::{commands, convert, State};
use crate::render::discord::{self as view, CustomId, Reply};

pub struct Handler {
    pub state: Arc<State>,
}

#[async_trait]
impl EventHandler for Handler {
    async fn ready(&self, ctx: Context, ready: Ready) {
        let _ = self.state.me.set(ready.user.id.get());
        let faq = self.state.faq();
        info!(
            bot = %ready.user.name,
            entries = faq.kb.entries().len(),
            aspects = faq.kb.aspects().len(),
            invite = %super::invite_url(ready.application.id.get()),
            "connected"
        );
        if !self
            .state
            .registered
            .load(std::sync::atomic::Ordering::Acquire)
        {
            super::register_commands(&ctx.http, &self.state).await;
        }
    }

    async fn message(&self, ctx: Context, msg: Message) {
        let me = self.state.me.get().copied().unwrap_or_default();
        let origin = if msg.guild_id.is_none() {
            Origin::Dm
        } else if msg.mentions.iter().any(|u| u.id.get() == me) {
            Origin::Mention
        } else {
            Origin::Channel {
                listening: self.state.listens_in(msg.channel_id.get()),
            }
        };
        let text = strip_mention(&msg.content, me);
        let incoming = Incoming {
            from_bot: msg.author.bot,
            from_webhook: msg.webhook_id.is_some(),
            from_self: msg.author.id.get() == me,
            origin,
            text: &text,
        };
        let faq = self.state.faq();
        let action = decide(&incoming, |q| faq.matcher.ask(q));
        let reply = match &action {
            Action::Ignore => return,
            Action::Answer(hit) => {
                let entry = &faq.kb.entries()[hit.entry];
                let admitted = self.state.antispam.lock().map(|mut s| {
                    s.admit(
                        Instant::now(),
                        msg.channel_id.get(),
                        origin == Origin::Dm,
                        msg.author.id.get(),
                        &entry.id,
                    )
                });
                if let Ok(Err(held)) = admitted {
                    debug!(channel = %msg.channel_id, entry = %entry.id, ?held, "answer held back");
                    return;
                }
                view::answer(entry, hit.score)
            }
            Action::Suggest(hits) => view::did_you_mean(&faq.kb, hits, msg.author.id.get()),
            Action::Hint => view::hint(),
        };
        // Not `msg.reply`: it overrides the Http's empty allowed mentions
        // with [everyone, users, roles]. This keeps the default: no pings.
        let message = convert::message(&reply).reference_message(&msg);
        match msg.channel_id.send_message(&ctx.http, message).await {
            Ok(_) => info!(
                channel = %msg.channel_id,
                action = action_name(&action),
                entry = match &action {
                    Action::Answer(hit) => faq.kb.entries()[hit.entry].id.as_str(),
                    _ => "",
                },
                "replied"
            ),
            Err(e) => {
                warn!(channel = %msg.channel_id, error = %chain(&e), "could not send a reply")
            }
        }
    }

    async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
        let result = match &interaction {
            Interaction::Command(cmd) if cmd.data.name == commands::RELOAD => {
                let outcome =
                    super::reload::reload_and_log(&self.state, &ctx.http, "/faq-reload").await;
                let reply = commands::reload_reply(&outcome);
                cmd.create_response(&ctx.http, convert::respond(&reply))
                    .await
            }
            Interaction::Command(cmd) => {
                let reply = commands::run(&self.state, cmd);
                debug!(command = %cmd.data.name, "slash command");
                cmd.create_response(&ctx.http, convert::respond(&reply))
                    .await
            }
            Interaction::Autocomplete(ac) => {
                let typed = ac
                    .data
                    .options
                    .iter()
                    .find_map(|o| match &o.value {
                        serenity::all::CommandDataOptionValue::Autocomplete { value, .. } => {
                            Some(value.as_str())
                        }
                        _ => None,
                    })
                    .unwrap_or_default();
                let choices = commands::autocomplete(&self.state, typed)
                    .into_iter()
                    .fold(CreateAutocompleteResponse::new(), |r, (name, value)| {
                        r.add_string_choice(name, value)
                    });
                ac.create_response(&ctx.http, CreateInteractionResponse::Autocomplete(choices))
                    .await
            }
            Interaction::Component(c) => {
                let response = self.component(c);
                c.create_response(&ctx.http, response).await
            }
            _ => Ok(()),
        };
        if let Err(e) = result {
            warn!(error = %chain(&e), kind = ?interaction.kind(), "could not answer an interaction");
        }
    }
}

impl Handler {
    /// The response to a pressed button or a chosen menu option.
    fn component(&self, c: &ComponentInteraction) -> CreateInteractionResponse {
        let Some(id) = CustomId::parse(&c.data.custom_id) else {
            return convert::respond(&view::gone());
        };
        if id.asker().is_some_and(|asker| asker != c.user.id.get()) {
            return convert::respond(&view::not_yours());
        }
        let faq = self.state.faq();
        let kb = &faq.kb;
        let chosen = match &c.data.kind {
            ComponentInteractionDataKind::StringSelect { values } => {
                values.first().map(String::as_str)
            }
            _ => None,
        };
        let update = |reply: Reply| convert::update(&reply);
        match id {
            CustomId::Pick { entry, .. } => match kb.entry(&entry) {
                Some(e) => update(view::answer(e, 1.0)),
                None => convert::respond(&view::gone()),
            },
            CustomId::NoneOfThese { .. } => update(view::none_of_these()),
            CustomId::Post { entry } => match kb.entry(&entry) {
                // A new, public message in the channel.
                Some(e) => convert::respond(&view::answer(e, 1.0)),
                None => convert::respond(&view::gone()),
            },
            CustomId::Aspect => match chosen.and_then(|a| kb.aspect(a)) {
                Some(a) => {
                    let mut reply = view::aspect(a);
                    // Keep the menu, to open another aspect.
                    reply.rows = view::overview(kb.aspects()).rows;
                    update(reply)
                }
                None => convert::respond(&view::gone()),
            },
            CustomId::Page(page) => update(view::faq_page(kb, page)),
            CustomId::Open(page) => match chosen.and_then(|e| kb.entry(e)) {
                Some(e) => update(view::faq_entry(e, page)),
                None => convert::respond(&view::gone()),
            },
        }
    }
}

fn action_name(action: &Action) -> &'static str {
    match action {
        Action::Ignore => "ignore",
        Action::Answer(_) => "answer",
        Action::Suggest(_) => "suggest",
        Action::Hint => "hint",
    }
}
