//! Gateway events → actions: READY registers the commands, a message may
//! be answered, an interaction is routed to its command. Decisions are made
//! in [`super::policy`], [`super::commands`] and [`crate::render::discord`];
//! this file only does the I/O and logs the outcome.

use std::sync::Arc;
use std::time::Instant;

use serenity::all::{
    CommandInteraction, ComponentInteraction, ComponentInteractionDataKind, Context,
    CreateAutocompleteResponse, CreateInteractionResponse, CreateInteractionResponseMessage,
    EventHandler, Interaction, Message, Ready,
};
use serenity::async_trait;
use tracing::{debug, error, info, warn};

use super::commands::{self, Call, CommandError, SlashCommand};
use super::policy::{at_threshold, decide, strip_mention, Action, Incoming, Origin};
use super::state::{Effective, Record};
use super::{convert, registration};
use crate::logging::chain;
use crate::matcher::Verdict;
use crate::render::discord::{self as view, CustomId, Reply};
use crate::store::{Asked, Outcome, TextKind};

pub struct Handler {
    pub state: Arc<super::State>,
}

#[async_trait]
impl EventHandler for Handler {
    async fn ready(&self, ctx: Context, ready: Ready) {
        let _ = self.state.me.set(ready.user.id.get());
        self.state
            .ready
            .store(true, std::sync::atomic::Ordering::Release);
        let faq = self.state.faq();
        info!(
            bot = %ready.user.name,
            entries = faq.kb.entries().len(),
            aspects = faq.kb.aspects().len(),
            invite = %super::invite_url(ready.application.id.get()),
            "connected"
        );
        if self.state.claim_notices() {
            tokio::spawn(super::review::notices(
                Arc::clone(&self.state),
                Arc::clone(&ctx.http),
            ));
        }
        let guilds: Vec<_> = ready.guilds.iter().map(|g| g.id).collect();
        registration::on_ready(&ctx.http, &self.state, &guilds).await;
    }

    async fn message(&self, ctx: Context, msg: Message) {
        let me = self.state.me.get().copied().unwrap_or_default();
        let guild = msg.guild_id.map(serenity::all::GuildId::get);
        // Only guild messages read settings: a DM has none.
        let effective = match guild {
            Some(g) if !msg.author.bot => Some(self.state.effective_in(g).await),
            _ => None,
        };
        let origin = origin(&msg, me, effective.as_deref());
        let text = strip_mention(&msg.content, me);
        let incoming = Incoming {
            from_bot: msg.author.bot,
            from_webhook: msg.webhook_id.is_some(),
            from_self: msg.author.id.get() == me,
            origin,
            text: &text,
        };
        let faq = self.state.faq();
        let threshold = effective
            .as_ref()
            .and_then(|e| e.answer_threshold)
            .or(self.state.answer_threshold);
        // `ask` runs only for a message that is a question to the bot (or
        // one heard in a listening channel); its verdict is what is counted.
        let mut verdict = None;
        let action = decide(&incoming, |q, need| {
            let started = Instant::now();
            let (v, question) = faq.matcher.ask_message(q, need);
            metrics::histogram!("faqbot_match_seconds").record(started.elapsed().as_secs_f64());
            let v = match threshold {
                Some(t) => at_threshold(v, t),
                None => v,
            };
            verdict = Some((v.clone(), question));
            (v, question)
        });
        let record = verdict.as_ref().and_then(|(v, question)| {
            // Chatter in a listening channel, or "thanks!" under an answer,
            // asked nothing: not a question, and never kept.
            let asked = *question || matches!(origin, Origin::Dm | Origin::Mention);
            asked.then(|| question_record(origin, v, &action))
        });
        // What the anti-spam policy counts: the entry for an answer, the
        // suggestions or the hint otherwise. Every post is counted, so a
        // member who keeps mentioning the bot (or replying to it) gets no
        // more than anyone else.
        let (reply, key) = match &action {
            Action::Ignore => {
                self.record(&msg, record, None, &text);
                return;
            }
            Action::Answer(hit) => {
                let entry = &faq.kb.entries()[hit.entry];
                (
                    view::answer_with_feedback(&faq.kb, entry, hit.score, msg.author.id.get()),
                    entry.id.clone(),
                )
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
        let cooldown = effective.as_ref().and_then(|e| e.cooldown);
        let held = self.held(&msg, origin, &key, cooldown);
        if let Some(held) = held {
            debug!(channel = %msg.channel_id, %key, ?held, "reply held back");
            self.record(&msg, record, None, &text);
            return;
        }
        // Not `msg.reply`: it overrides the Http's empty allowed mentions
        // with [everyone, users, roles]. This keeps the default: no pings.
        let message = convert::message(&reply).reference_message(&msg);
        let posted = match msg.channel_id.send_message(&ctx.http, message).await {
            Ok(_) => {
                info!(
                    channel = %msg.channel_id,
                    action = action_name(&action),
                    %key,
                    "replied"
                );
                metrics::counter!("faqbot_replies_total", "kind" => action_name(&action))
                    .increment(1);
                true
            }
            Err(e) => {
                warn!(channel = %msg.channel_id, error = %chain(&e), "could not send a reply");
                false
            }
        };
        let answered = match &action {
            Action::Answer(hit) if posted => faq.kb.entries().get(hit.entry).map(|e| e.id.clone()),
            _ => None,
        };
        self.record(&msg, record, answered, &text);
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
            Interaction::Component(c) => self.component(&ctx, c).await,
            _ => Ok(()),
        };
        if let Err(e) = result {
            warn!(error = %chain(&e), kind = ?interaction.kind(), "could not answer an interaction");
        }
    }
}

/// What to keep of one question: how it was asked, how it ended, and
/// whether its text goes to the review queue.
fn question_record(
    origin: Origin,
    verdict: &Verdict,
    action: &Action,
) -> (Asked, Outcome, Option<TextKind>) {
    let asked = match origin {
        Origin::Dm => Asked::Dm,
        Origin::Mention | Origin::ReplyToBot => Asked::Mention,
        Origin::Channel { .. } => Asked::Channel,
    };
    let outcome = match action {
        Action::Answer(_) => Outcome::Answered,
        Action::Suggest(_) => Outcome::Suggested,
        Action::Hint | Action::Ignore => Outcome::Silent,
    };
    let review = match (asked, outcome, verdict) {
        (_, Outcome::Answered, _) => None,
        // Heard unprompted: only what came near an entry, never chatter.
        (Asked::Channel, _, Verdict::Suggest(_)) => Some(TextKind::Near),
        (Asked::Channel, _, _) => None,
        _ => Some(TextKind::Unanswered),
    };
    (asked, outcome, review)
}

/// Where a message came from. A reply to the bot's message mentions the
/// bot without naming it in the text: that is not a question to the bot
/// by itself. `effective` is the guild's settings (`None` in a DM).
fn origin(msg: &Message, me: u64, effective: Option<&Effective>) -> Origin {
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
            listening: effective
                .is_some_and(|e| e.unprompted && e.channels.contains(&msg.channel_id.get())),
        },
    }
}

impl Handler {
    /// Whether the anti-spam policy holds this reply back. A poisoned lock
    /// (a panic mid-count) admits: better a reply too many than a bot gone
    /// silent.
    fn held(
        &self,
        msg: &Message,
        origin: Origin,
        key: &str,
        cooldown: Option<std::time::Duration>,
    ) -> Option<super::policy::Held> {
        let mut spam = self.state.antispam.lock().ok()?;
        let (now, channel, dm, user) = (
            Instant::now(),
            msg.channel_id.get(),
            origin == Origin::Dm,
            msg.author.id.get(),
        );
        match cooldown {
            Some(c) => spam.admit_with(now, channel, dm, user, key, c),
            None => spam.admit(now, channel, dm, user, key),
        }
        .err()
    }

    /// Keeps one question of `msg` in the store (see [`super::State::record`]).
    fn record(
        &self,
        msg: &Message,
        record: Option<(Asked, Outcome, Option<TextKind>)>,
        answered: Option<String>,
        text: &str,
    ) {
        let Some((asked, outcome, review)) = record else {
            return;
        };
        self.state.record(Record {
            guild: msg.guild_id.map_or(0, serenity::all::GuildId::get),
            channel: msg.channel_id.get(),
            asked,
            outcome,
            answered,
            review: review.map(|k| (k, text.to_owned())),
        });
    }

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

    /// Answers a pressed button or a chosen menu option.
    async fn component(&self, ctx: &Context, c: &ComponentInteraction) -> serenity::Result<()> {
        match CustomId::parse(&c.data.custom_id) {
            Some(CustomId::Dismiss { asker }) if asker == c.user.id.get() => {
                // "None of these" after a 👎: the bot's message goes.
                c.create_response(&ctx.http, CreateInteractionResponse::Acknowledge)
                    .await?;
                c.message.delete(&ctx.http).await
            }
            Some(CustomId::Vote {
                entry,
                asker,
                helpful,
            }) if asker == c.user.id.get() => {
                let response = self.vote(c, &entry, helpful);
                c.create_response(&ctx.http, response).await
            }
            Some(
                id @ (CustomId::ReviewAccept { .. }
                | CustomId::ReviewIgnore { .. }
                | CustomId::ReviewOpen),
            ) => self.review(ctx, c, id).await,
            _ => {
                let response = self.component_response(c);
                c.create_response(&ctx.http, response).await
            }
        }
    }

    /// The review's menu and buttons, for admins only.
    async fn review(
        &self,
        ctx: &Context,
        c: &ComponentInteraction,
        id: CustomId,
    ) -> serenity::Result<()> {
        let guild = c.guild_id.map(serenity::all::GuildId::get);
        let (Some(guild), true) = (guild, commands::is_admin(c.member.as_ref())) else {
            let note = view::notice("The review needs the Manage Server permission.");
            return c.create_response(&ctx.http, convert::respond(&note)).await;
        };
        match id {
            CustomId::ReviewOpen => {
                let reply = match super::review::review_reply(&self.state, guild).await {
                    Ok(r) => r,
                    Err(e) => {
                        warn!(error = %chain(e.as_ref()), "opening the review failed");
                        commands::internal_failure()
                    }
                };
                c.create_response(&ctx.http, convert::respond(&reply)).await
            }
            CustomId::ReviewIgnore { group } => {
                let reply = super::review::ignore(&self.state, guild, &group).await;
                c.create_response(&ctx.http, convert::update(&reply)).await
            }
            CustomId::ReviewAccept { group } => {
                let entry = match &c.data.kind {
                    ComponentInteractionDataKind::StringSelect { values } => {
                        values.first().cloned()
                    }
                    _ => None,
                };
                let Some(entry) = entry else {
                    return c
                        .create_response(&ctx.http, convert::respond(&view::gone()))
                        .await;
                };
                // Writing and reloading can outlast Discord's 3 seconds on a
                // big FAQ: acknowledged first, the message edited when done.
                c.create_response(&ctx.http, CreateInteractionResponse::Acknowledge)
                    .await?;
                let reply =
                    super::review::accept(&self.state, &ctx.http, guild, &group, &entry).await;
                c.edit_response(&ctx.http, convert::edit(&reply))
                    .await
                    .map(drop)
            }
            _ => Ok(()),
        }
    }

    /// Records a vote (off the reply's path) and answers it: 👍 takes the
    /// buttons away, 👎 turns the answer into the next-best entries.
    fn vote(
        &self,
        c: &ComponentInteraction,
        entry: &str,
        helpful: bool,
    ) -> CreateInteractionResponse {
        // The question behind the answer: the message the answer replies
        // to (none for an answer posted from `/ask`).
        let me = self.state.me.get().copied().unwrap_or_default();
        let question = c
            .message
            .referenced_message
            .as_ref()
            .map(|m| strip_mention(&m.content, me))
            .filter(|q| !q.is_empty());
        info!(entry, helpful, "vote");
        if let Some(store) = self.state.store().cloned() {
            let state = Arc::clone(&self.state);
            let (guild, channel) = (
                c.guild_id.map_or(0, serenity::all::GuildId::get),
                c.channel_id.get(),
            );
            let (entry, question) = (entry.to_owned(), question.clone());
            tokio::spawn(async move {
                let at = crate::store::now();
                if let Err(e) = store
                    .record_vote(guild, channel, &entry, helpful, question.as_deref(), at)
                    .await
                {
                    state.store_failed("recording a vote", &e);
                }
                state.count_recorded();
            });
        }
        if helpful {
            return CreateInteractionResponse::UpdateMessage(
                CreateInteractionResponseMessage::new().components(Vec::new()),
            );
        }
        let faq = self.state.faq();
        let kb = &faq.kb;
        let asked = question.unwrap_or_else(|| {
            kb.entry(entry)
                .map(|e| e.question.clone())
                .unwrap_or_default()
        });
        let hits: Vec<_> = faq
            .matcher
            .rank(&asked)
            .into_iter()
            .filter(|h| kb.entries().get(h.entry).is_some_and(|e| e.id != entry))
            .take(crate::matcher::MAX_SUGGESTIONS)
            .collect();
        convert::update(&view::after_downvote(kb, &hits, c.user.id.get()))
    }

    /// The response to any other component.
    fn component_response(&self, c: &ComponentInteraction) -> CreateInteractionResponse {
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
                Some(e) => update(view::answer(kb, e, 1.0)),
                None => convert::respond(&view::gone()),
            },
            CustomId::NoneOfThese { .. } => update(view::none_of_these()),
            CustomId::Post { entry } => match kb.entry(&entry) {
                // A new, public message in the channel, with the votes for
                // the person who asked (and posted it).
                Some(e) => {
                    convert::respond(&view::answer_with_feedback(kb, e, 1.0, c.user.id.get()))
                }
                None => convert::respond(&view::gone()),
            },
            // Handled in `component` for the asker; anyone else was told
            // above that the buttons are not theirs.
            CustomId::Vote { .. } | CustomId::Dismiss { .. } => {
                convert::respond(&view::not_yours())
            }
            // Handled in `component`.
            CustomId::ReviewAccept { .. }
            | CustomId::ReviewIgnore { .. }
            | CustomId::ReviewOpen => convert::respond(&view::gone()),
            CustomId::Aspect => match chosen.and_then(|a| kb.aspect(a)) {
                Some(a) => {
                    let mut reply = view::aspect(kb, a);
                    // Keep the menu, to open another aspect.
                    reply.rows = view::overview(kb, kb.aspects()).rows;
                    update(reply)
                }
                None => convert::respond(&view::gone()),
            },
            CustomId::Page(page) => update(view::faq_page(kb, page)),
            CustomId::Open(page) => match chosen.and_then(|e| kb.entry(e)) {
                Some(e) => update(view::faq_entry(kb, e, page)),
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
