//! Builders of the events a test dispatches: `MessageCreate` (guild or DM
//! message, from a human, another bot, the bot itself or a webhook, mentioning
//! the bot, replying) and `InteractionCreate` (slash command with options,
//! autocomplete, button, string select; in a guild with `member` or in a DM
//! with `user`). They only build JSON from the world; `StandIn` checks and
//! sends it.

use serde_json::{json, Value};
use serenity::model::id::{ChannelId, CommandId, GuildId, InteractionId, MessageId, UserId};

use super::payloads::{self, Snowflakes, UserFixture, World, EVERYONE_PERMISSIONS};
use super::State;

/// Who wrote a dispatched message.
#[derive(Clone, Debug)]
enum Author {
    Human(UserFixture),
    /// Another bot (not the one under test).
    OtherBot,
    /// The bot under test itself (Discord echoes its own messages).
    SelfBot,
    Webhook,
}

/// Builder of a MESSAGE_CREATE: `MessageCreate::new("ping")` is a guild
/// message from the default human in the first guild's channel.
#[derive(Clone, Debug)]
pub struct MessageCreate {
    content: String,
    /// `None`: the first guild's channel.
    channel: Option<(Option<GuildId>, ChannelId)>,
    dm: bool,
    author: Option<Author>,
    mention_bot: bool,
    reply_to: Option<MessageId>,
    /// A reply that pings the author of the message it replies to (the
    /// bot): `mentions` lists the bot, the text does not name it.
    reply_ping: bool,
}

impl MessageCreate {
    pub fn new(content: &str) -> Self {
        Self {
            content: content.to_owned(),
            channel: None,
            dm: false,
            author: None,
            mention_bot: false,
            reply_to: None,
            reply_ping: false,
        }
    }

    /// A direct message to the bot (no `guild_id`, the human's DM channel).
    #[must_use]
    pub fn dm(mut self) -> Self {
        self.dm = true;
        self
    }

    /// In a given guild channel (or a DM channel id with `guild = None`).
    #[must_use]
    pub fn in_channel(mut self, guild: Option<GuildId>, channel: ChannelId) -> Self {
        self.channel = Some((guild, channel));
        self
    }

    /// Written by another user.
    #[must_use]
    pub fn author(mut self, user: UserFixture) -> Self {
        self.author = Some(Author::Human(user));
        self
    }

    /// Written by some other bot.
    #[must_use]
    pub fn by_other_bot(mut self) -> Self {
        self.author = Some(Author::OtherBot);
        self
    }

    /// Written by the bot under test (Discord echoes a bot's own messages).
    #[must_use]
    pub fn by_self(mut self) -> Self {
        self.author = Some(Author::SelfBot);
        self
    }

    /// Posted by a webhook (`webhook_id` set, author a bot-flagged pseudo user).
    #[must_use]
    pub fn by_webhook(mut self) -> Self {
        self.author = Some(Author::Webhook);
        self
    }

    /// Mentions the bot: `<@BOT_ID> ` is prefixed and `mentions` lists it.
    #[must_use]
    pub fn mentioning_bot(mut self) -> Self {
        self.mention_bot = true;
        self
    }

    /// A reply to `message` (in the same channel).
    #[must_use]
    pub fn replying_to(mut self, message: MessageId) -> Self {
        self.reply_to = Some(message);
        self
    }

    /// A reply to the bot's `message`, pinging the bot as Discord's reply
    /// does by default: the bot is in `mentions`, not in the text.
    #[must_use]
    pub fn replying_to_bot(mut self, message: MessageId) -> Self {
        self.reply_to = Some(message);
        self.reply_ping = true;
        self
    }

    pub(super) fn build(self, world: &World, id: MessageId, ids: &Snowflakes) -> BuiltMessage {
        let (guild_id, channel_id) = match (self.dm, self.channel) {
            (true, _) => (None, world.dm_channel_id),
            (false, Some(place)) => place,
            (false, None) => (Some(world.guilds[0].id), world.guilds[0].channel_id),
        };
        let mut extra = json!({});
        let author = match self.author.unwrap_or(Author::Human(world.human.clone())) {
            Author::Human(user) => user,
            Author::OtherBot => UserFixture {
                id: UserId::new(ids.next()),
                name: "otherbot".into(),
                bot: true,
            },
            Author::SelfBot => world.bot.clone(),
            Author::Webhook => {
                let webhook = ids.next();
                extra["webhook_id"] = json!(webhook.to_string());
                UserFixture {
                    id: UserId::new(webhook),
                    name: "Some Webhook".into(),
                    bot: true,
                }
            }
        };
        let mut content = self.content;
        if self.mention_bot {
            let mention = format!("<@{}>", world.bot.id);
            if !content.contains(&mention) {
                content = format!("{mention} {content}");
            }
            extra["mentions"] = json!([world.bot.to_json()]);
        }
        if self.reply_ping {
            extra["mentions"] = json!([world.bot.to_json()]);
        }
        if let Some(reference) = self.reply_to {
            let mut reference =
                json!({"message_id": reference.to_string(), "channel_id": channel_id.to_string()});
            if let Some(guild) = guild_id {
                reference["guild_id"] = json!(guild.to_string());
            }
            extra["message_reference"] = reference;
            extra["type"] = json!(19);
        }
        let guild = guild_id.and_then(|g| world.guilds.iter().find(|f| f.id == g));
        if let (Some(guild), None) = (guild, extra.get("webhook_id")) {
            // Guild messages from users carry a partial member (no `user`).
            let mut member = payloads::member(&author, guild);
            member
                .as_object_mut()
                .expect("member is an object")
                .remove("user");
            extra["member"] = member;
        }
        let mut payload = world.message(id, channel_id, &author.to_json(), &content, extra);
        match guild_id {
            Some(guild) => payload["guild_id"] = json!(guild.to_string()),
            None => {
                payload
                    .as_object_mut()
                    .expect("message is an object")
                    .remove("guild_id");
            }
        }
        BuiltMessage {
            payload,
            channel_id,
            guild_id,
            author_id: author.id,
            // Discord shows these to an app without MESSAGE_CONTENT anyway.
            content_exempt: guild_id.is_none() || self.mention_bot || author.id == world.bot.id,
        }
    }
}

/// What `MessageCreate::build` produced.
pub(super) struct BuiltMessage {
    pub payload: Value,
    pub channel_id: ChannelId,
    pub guild_id: Option<GuildId>,
    pub author_id: UserId,
    /// Whether the app sees the content without the MESSAGE_CONTENT intent:
    /// a DM, a message mentioning it, or its own message.
    pub content_exempt: bool,
}

/// What an interaction is.
#[derive(Clone, Debug)]
enum InteractionKind {
    Command {
        name: String,
    },
    Autocomplete {
        name: String,
    },
    Button {
        custom_id: String,
    },
    StringSelect {
        custom_id: String,
        values: Vec<String>,
    },
}

/// Builder of an INTERACTION_CREATE: an application command, autocomplete,
/// button or string select, in the first guild's channel from the default
/// human unless told otherwise.
#[derive(Clone, Debug)]
pub struct InteractionCreate {
    kind: InteractionKind,
    options: Vec<Value>,
    dm: bool,
    channel: Option<(GuildId, ChannelId)>,
    user: Option<UserFixture>,
    message: Option<MessageId>,
    locale: String,
    /// The member's permissions; `EVERYONE_PERMISSIONS` when `None`.
    permissions: Option<u64>,
    /// Channels named by options, resolved as Discord sends them:
    /// `(id, channel type)`.
    resolved_channels: Vec<(ChannelId, u8)>,
    /// For components: the bot message is a reply to a member's message
    /// with this text (as an answer to a question is).
    answering: Option<String>,
}

/// What `InteractionCreate::build` produced.
pub(super) struct BuiltInteraction {
    pub payload: Value,
    pub channel_id: ChannelId,
    pub guild_id: Option<GuildId>,
    pub command_id: Option<CommandId>,
}

impl InteractionCreate {
    fn new(kind: InteractionKind) -> Self {
        Self {
            kind,
            options: Vec::new(),
            dm: false,
            channel: None,
            user: None,
            message: None,
            locale: "en-US".into(),
            permissions: None,
            resolved_channels: Vec::new(),
            answering: None,
        }
    }

    /// For components: the bot message carrying them replies to a
    /// member's message saying `question`, sent whole as Discord does.
    #[must_use]
    pub fn answering(mut self, question: &str) -> Self {
        self.answering = Some(question.to_owned());
        self
    }

    /// The member has these permissions besides @everyone's.
    #[must_use]
    pub fn with_permissions(mut self, bits: u64) -> Self {
        self.permissions = Some(EVERYONE_PERMISSIONS | bits);
        self
    }

    /// A channel option (type 7), resolved in `data.resolved.channels` as
    /// Discord does for a channel of the guild (`kind` 0: text).
    #[must_use]
    pub fn channel_option(mut self, name: &str, channel: ChannelId, kind: u8) -> Self {
        self.options
            .push(json!({"name": name, "type": 7, "value": channel.to_string()}));
        self.resolved_channels.push((channel, kind));
        self
    }

    /// A channel option Discord did not resolve (a forged or foreign id).
    #[must_use]
    pub fn unresolved_channel_option(mut self, name: &str, channel: ChannelId) -> Self {
        self.options
            .push(json!({"name": name, "type": 7, "value": channel.to_string()}));
        self
    }

    /// A slash command `/name`; add options with [`Self::option`].
    pub fn command(name: &str) -> Self {
        Self::new(InteractionKind::Command {
            name: name.to_owned(),
        })
    }

    /// Autocomplete for `/name`; mark the typed option with [`Self::focused`].
    pub fn autocomplete(name: &str) -> Self {
        Self::new(InteractionKind::Autocomplete {
            name: name.to_owned(),
        })
    }

    /// A click on the button `custom_id`.
    pub fn button(custom_id: &str) -> Self {
        Self::new(InteractionKind::Button {
            custom_id: custom_id.to_owned(),
        })
    }

    /// A choice in the string select `custom_id`.
    pub fn string_select(custom_id: &str, values: &[&str]) -> Self {
        Self::new(InteractionKind::StringSelect {
            custom_id: custom_id.to_owned(),
            values: values.iter().map(|v| (*v).to_owned()).collect(),
        })
    }

    /// A command option; its type follows the value: string (3), integer
    /// (4), boolean (5), number (10).
    #[must_use]
    pub fn option(mut self, name: &str, value: impl Into<Value>) -> Self {
        let value = value.into();
        let kind = option_type(&value);
        self.options
            .push(json!({"name": name, "type": kind, "value": value}));
        self
    }

    /// The option being typed (string), marked `focused: true` (autocomplete).
    #[must_use]
    pub fn focused(mut self, name: &str, partial: &str) -> Self {
        self.options
            .push(json!({"name": name, "type": 3, "value": partial, "focused": true}));
        self
    }

    /// In the bot's DM with the user (`user` instead of `member`).
    #[must_use]
    pub fn dm(mut self) -> Self {
        self.dm = true;
        self
    }

    /// In a given guild channel.
    #[must_use]
    pub fn in_channel(mut self, guild: GuildId, channel: ChannelId) -> Self {
        self.channel = Some((guild, channel));
        self
    }

    /// From another user than the default human.
    #[must_use]
    pub fn user(mut self, user: UserFixture) -> Self {
        self.user = Some(user);
        self
    }

    /// For components: the id of the bot message carrying the component.
    #[must_use]
    pub fn on_message(mut self, message: MessageId) -> Self {
        self.message = Some(message);
        self
    }

    #[must_use]
    pub fn locale(mut self, locale: &str) -> Self {
        locale.clone_into(&mut self.locale);
        self
    }

    /// `data.resolved` for the channel options, as Discord sends it.
    fn resolved(&self) -> Option<Value> {
        if self.resolved_channels.is_empty() {
            return None;
        }
        let channels: serde_json::Map<String, Value> = self
            .resolved_channels
            .iter()
            .map(|(id, kind)| {
                let channel = json!({
                    "id": id.to_string(), "type": kind, "name": "channel",
                    "permissions": EVERYONE_PERMISSIONS.to_string(),
                });
                (id.to_string(), channel)
            })
            .collect();
        Some(json!({ "channels": channels }))
    }

    /// The bot message a component lives on, sent whole as Discord does;
    /// a reply to the member's question when [`Self::answering`] says so.
    fn component_message(
        &self,
        world: &World,
        ids: &Snowflakes,
        channel_id: ChannelId,
        user: &UserFixture,
    ) -> Value {
        let message_id = self.message.unwrap_or_else(|| MessageId::new(ids.next()));
        let mut extra = json!({"application_id": world.application_id.to_string()});
        if let Some(question) = &self.answering {
            let asked = MessageId::new(ids.next());
            extra["type"] = json!(19);
            extra["message_reference"] = json!({
                "message_id": asked.to_string(), "channel_id": channel_id.to_string(),
            });
            extra["referenced_message"] =
                world.message(asked, channel_id, &user.to_json(), question, json!({}));
        }
        world.message(message_id, channel_id, &world.bot.to_json(), "", extra)
    }

    pub(super) fn build(
        self,
        world: &World,
        ids: &Snowflakes,
        state: &State,
        id: InteractionId,
        token: &str,
    ) -> BuiltInteraction {
        let resolved = self.resolved();
        let user = self.user.clone().unwrap_or_else(|| world.human.clone());
        let (guild, channel_id) = if self.dm {
            (None, world.dm_channel_id)
        } else {
            let (guild_id, channel) = self
                .channel
                .unwrap_or((world.guilds[0].id, world.guilds[0].channel_id));
            let guild = world
                .guilds
                .iter()
                .find(|g| g.id == guild_id)
                .unwrap_or_else(|| panic!("Discord stand-in: {guild_id} is not a fixture guild"));
            (Some(guild), channel)
        };
        let guild_id = guild.map(|g| g.id);
        let mut command_id = None;
        let (kind, data) = match &self.kind {
            InteractionKind::Command { name } | InteractionKind::Autocomplete { name } => {
                // The registered id when the bot registered the name, as
                // Discord sends; a fresh one otherwise.
                let registered = state
                    .commands
                    .get(&(guild_id, name.clone()))
                    .or_else(|| state.commands.get(&(None, name.clone())))
                    .copied();
                let cid = registered.unwrap_or_else(|| ids.next());
                command_id = Some(CommandId::new(cid));
                let kind = if matches!(self.kind, InteractionKind::Command { .. }) {
                    2
                } else {
                    4
                };
                let mut data = json!({
                    "id": cid.to_string(),
                    "name": name,
                    "type": 1,
                    "options": self.options,
                });
                if let Some(guild) = guild_id {
                    data["guild_id"] = json!(guild.to_string());
                }
                if let Some(resolved) = resolved {
                    data["resolved"] = resolved;
                }
                (kind, data)
            }
            InteractionKind::Button { custom_id } => {
                (3, json!({"custom_id": custom_id, "component_type": 2}))
            }
            InteractionKind::StringSelect { custom_id, values } => (
                3,
                json!({"custom_id": custom_id, "component_type": 3, "values": values}),
            ),
        };
        let mut payload = json!({
            "id": id.to_string(),
            "application_id": world.application_id.to_string(),
            "type": kind,
            "data": data,
            "channel_id": channel_id.to_string(),
            "channel": {"id": channel_id.to_string(), "type": u8::from(guild.is_none())},
            "token": token,
            "version": 1,
            "locale": self.locale,
            "entitlements": [],
            "authorizing_integration_owners": {"0": guild_id.map_or_else(|| user.id.to_string(), |g| g.to_string())},
            "context": u8::from(guild.is_none()),
            "attachment_size_limit": 10_485_760,
            "app_permissions": EVERYONE_PERMISSIONS.to_string(),
        });
        match guild {
            Some(guild) => {
                let mut member = payloads::member(&user, guild);
                member["permissions"] =
                    json!(self.permissions.unwrap_or(EVERYONE_PERMISSIONS).to_string());
                payload["member"] = member;
                payload["guild_id"] = json!(guild.id.to_string());
                payload["guild_locale"] = json!("en-US");
            }
            None => payload["user"] = user.to_json(),
        }
        if kind == 3 {
            // Components live on a bot message; Discord sends it whole.
            payload["message"] = self.component_message(world, ids, channel_id, &user);
        }
        BuiltInteraction {
            payload,
            channel_id,
            guild_id,
            command_id,
        }
    }
}

fn option_type(value: &Value) -> u8 {
    match value {
        Value::Bool(_) => 5,
        Value::Number(n) if n.is_i64() || n.is_u64() => 4,
        Value::Number(_) => 10,
        _ => 3,
    }
}
