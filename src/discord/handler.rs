//! Gateway events → actions: READY registers the commands, a message may
//! be answered, an interaction is routed to its command. Decisions are made
//! in [`super::policy`], [`super::commands`] and [`crate::render::discord`];
//! this file only does the I/O and logs the outcome.

use std::sync::Arc;
use std::time::Instant;

use serenity::all::{
    CommandInteraction, ComponentInteraction, ComponentInteractionDataKind, Context,
    CreateAutocompleteResponse, CreateInteractionResponse, EventHandler, Interaction, Message,
    Ready,
};
use serenity::async_trait;
use tracing::{debug, error, info, warn};

use super::commands::{self, Call, CommandError, SlashCommand};
use super::policy::{decide, strip_mention, Action, Incoming, Origin};
use super::{convert, registration, State};
use crate::logging::chain;
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
        let guilds: Vec<_> = ready.guilds.iter().map(|g| g.id).collect();
        registration::on_ready(&ctx.http, &self.state, &guilds).await;
    }

    async fn message(&self, ctx: Context, msg: Message) {
        let me = self.state.me.get().copied().unwrap_or_default();
        let origin = origin(&self.state, &msg, me);
        let text = strip_mention(&msg.content, me);
        let incoming = Incoming {
            from_bot: msg.author.bot,
            from_webhook: msg.webhook_id.is_some(),
            from_self: msg.author.id.get() == me,
            origin,
            text: &text,
        };
        let faq = self.state.faq();
        let action = decide(&incoming, |q| faq.matcher.ask_message(q));
        // What the anti-spam policy counts: the entry for an answer, the
        // suggestions or the hint otherwise. Every post is counted, so a
        // member who keeps mentioning the bot (or replying to it) gets no
        // more than anyone else.
        let (reply, key) = match &action {
            Action::Ignore => return,
            Action::Answer(hit) => {
                let entry = &faq.kb.entries()[hit.entry];
                (view::answer(entry, hit.score), entry.id.clone())
            }
            Action::Suggest(hits) => {
                let ids: Vec<&str> = hits
                    .iter()
                    .filter_map(|h| faq.kb.entries().get(h.entry))
                    .map(|e| e.id.as_str())
                    .collect();
                (
                    view::did_you_mean(&faq.kb, hits, msg.author.id.get()),
                    format!("suggest:{}", ids.join(",")),
                )
            }
            Action::Hint => (view::hint(), "hint".to_owned()),
        };
        // A poisoned lock (a panic mid-count) admits: better a reply too
        // many than a bot gone silent.
        let held = match self.state.antispam.lock() {
            Ok(mut spam) => spam
                .admit(
                    Instant::now(),
                    msg.channel_id.get(),
                    origin == Origin::Dm,
                    msg.author.id.get(),
                    &key,
                )
                .err(),
            Err(_) => None,
        };
        if let Some(held) = held {
            debug!(channel = %msg.channel_id, %key, ?held, "reply held back");
            return;
        }
        // Not `msg.reply`: it overrides the Http's empty allowed mentions
        // with [everyone, users, roles]. This keeps the default: no pings.
        let message = convert::message(&reply).reference_message(&msg);
        match msg.channel_id.send_message(&ctx.http, message).await {
            Ok(_) => info!(
                channel = %msg.channel_id,
                action = action_name(&action),
                %key,
                "replied"
            ),
            Err(e) => {
                warn!(channel = %msg.channel_id, error = %chain(&e), "could not send a reply");
            }
        }
    }

    async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
        let result = match &interaction {
            Interaction::Command(cmd) => self.command(&ctx, cmd).await,
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
                let choices = commands::find(&ac.data.name)
                    .map(|c| c.autocomplete(&self.state, typed))
                    .unwrap_or_default()
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

/// Where a message came from. A reply to the bot's message mentions the
/// bot without naming it in the text: that is not a question to the bot
/// by itself.
fn origin(state: &State, msg: &Message, me: u64) -> Origin {
    if msg.guild_id.is_none() {
        return Origin::Dm;
    }
    let mentioned = msg.mentions.iter().any(|u| u.id.get() == me);
    let named =
        msg.content.contains(&format!("<@{me}>")) || msg.content.contains(&format!("<@!{me}>"));
    match (mentioned, named) {
        (true, false) if msg.message_reference.is_some() => Origin::ReplyToBot,
        (true, _) => Origin::Mention,
        (false, _) => Origin::Channel {
            listening: state.listens_in(msg.channel_id.get()),
        },
    }
}

impl Handler {
    /// Runs a slash command and answers it. A slow command is acknowledged
    /// first, so Discord's 3 seconds are met however long it works.
    async fn command(&self, ctx: &Context, cmd: &CommandInteraction) -> serenity::Result<()> {
        let Some(command) = commands::find(&cmd.data.name) else {
            // A command Discord still has from an older version of the bot.
            let reply = view::notice("That command is gone; try `/help`.");
            return cmd
                .create_response(&ctx.http, convert::respond(&reply))
                .await;
        };
        debug!(command = command.name(), "slash command");
        let call = Call {
            state: &self.state,
            http: &ctx.http,
            cmd,
        };
        if command.slow() {
            cmd.defer_ephemeral(ctx).await?;
            let reply = reply_of(command, &call).await;
            cmd.edit_response(&ctx.http, convert::edit(&reply))
                .await
                .map(drop)
        } else {
            let reply = reply_of(command, &call).await;
            cmd.create_response(&ctx.http, convert::respond(&reply))
                .await
        }
    }

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

/// What a command answers: its reply, a user's mistake as a short private
/// note, or, for an internal failure, a generic note and an error log.
async fn reply_of(command: &dyn SlashCommand, call: &Call<'_>) -> Reply {
    match command.run(call).await {
        Ok(reply) => reply,
        Err(CommandError::User(text)) => {
            debug!(command = command.name(), %text, "user error");
            view::notice(&text)
        }
        Err(CommandError::Internal(e)) => {
            error!(
                command = command.name(),
                user = %call.cmd.user.id,
                error = %chain(e.as_ref()),
                "slash command failed"
            );
            commands::internal_failure()
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
