//! The stand-in's world and the JSON Discord would send about it: snowflakes,
//! the fixture users, guilds and channels, and the gateway and REST payloads
//! built from them (READY, GUILD_CREATE, messages, interactions, commands).
//!
//! Everything here is plain `serde_json::Value` construction; whether serenity
//! accepts it is checked in `strict.rs`, never assumed here.

use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::{json, Value};
use serenity::model::id::{ApplicationId, ChannelId, GuildId, MessageId, UserId};
use serenity::model::Timestamp;

/// Permissions of `@everyone` in every fixture guild: view, send, read history,
/// embed, attach, react, external emojis, threads and application commands.
/// Generous enough that a permission-checking client (serenity's cache checks
/// SEND_MESSAGES before sending) never refuses locally; no ADMINISTRATOR or
/// MENTION_EVERYONE, so a bot cannot accidentally rely on them.
pub const EVERYONE_PERMISSIONS: u64 = (1 << 6) // ADD_REACTIONS
    | (1 << 10) // VIEW_CHANNEL
    | (1 << 11) // SEND_MESSAGES
    | (1 << 14) // EMBED_LINKS
    | (1 << 15) // ATTACH_FILES
    | (1 << 16) // READ_MESSAGE_HISTORY
    | (1 << 18) // USE_EXTERNAL_EMOJIS
    | (1 << 31) // USE_APPLICATION_COMMANDS
    | (1 << 35) // CREATE_PUBLIC_THREADS
    | (1 << 38); // SEND_MESSAGES_IN_THREADS

/// Milliseconds since the Discord epoch (2015-01-01) used as the timestamp part
/// of every snowflake. Divisible by 720720 (= lcm(1..=16)), so guild `i` (whose
/// id is `(GUILD_EPOCH + i) << 22`) lands on shard `i % total` for any total up
/// to 16, and the sharding tests can predict placement.
const GUILD_EPOCH: u64 = 720_720 * 400_000;

/// Hands out unique, increasing snowflakes (timestamps after the guild ids).
pub struct Snowflakes(AtomicU64);

impl Snowflakes {
    pub fn new() -> Self {
        Self(AtomicU64::new(0))
    }

    /// A fresh snowflake; its timestamp part is after every guild id's.
    pub fn next(&self) -> u64 {
        let n = self.0.fetch_add(1, Ordering::Relaxed);
        ((GUILD_EPOCH + 100_000 + n) << 22) | (n & 0xfff)
    }
}

/// The id of fixture guild `index`: see [`GUILD_EPOCH`].
pub fn guild_snowflake(index: u64) -> u64 {
    (GUILD_EPOCH + index) << 22
}

/// A user as the tests name it.
#[derive(Clone, Debug)]
pub struct UserFixture {
    pub id: UserId,
    pub name: String,
    pub bot: bool,
}

impl UserFixture {
    /// The user object Discord embeds in messages, members and interactions.
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id.to_string(),
            "username": self.name,
            "global_name": self.name,
            "discriminator": "0",
            "avatar": null,
            "bot": self.bot,
            "public_flags": 0,
            "flags": 0,
            "primary_guild": null,
        })
    }
}

/// One guild of the stand-in's world, with one text channel.
#[derive(Clone, Debug)]
pub struct GuildFixture {
    pub id: GuildId,
    pub name: String,
    /// The guild's text channel `#general`.
    pub channel_id: ChannelId,
}

/// Who the bot is and where it lives; shared by the gateway and REST halves.
#[derive(Debug)]
pub struct World {
    pub bot: UserFixture,
    pub application_id: ApplicationId,
    /// The default author of test messages and interactions.
    pub human: UserFixture,
    /// The DM channel between the bot and `human`.
    pub dm_channel_id: ChannelId,
    pub guilds: Vec<GuildFixture>,
}

impl World {
    pub fn new(ids: &Snowflakes, guild_count: u64) -> Self {
        let bot_id = ids.next();
        let guilds = (0..guild_count)
            .map(|i| GuildFixture {
                id: GuildId::new(guild_snowflake(i)),
                name: format!("Test Guild {i}"),
                channel_id: ChannelId::new(ids.next()),
            })
            .collect();
        Self {
            // Like a real bot, the application id equals the bot user's id.
            bot: UserFixture {
                id: UserId::new(bot_id),
                name: "faqbot".into(),
                bot: true,
            },
            application_id: ApplicationId::new(bot_id),
            human: UserFixture {
                id: UserId::new(ids.next()),
                name: "alice".into(),
                bot: false,
            },
            dm_channel_id: ChannelId::new(ids.next()),
            guilds,
        }
    }

    /// The guild that owns `channel`, if it is a guild channel.
    pub fn guild_of_channel(&self, channel: ChannelId) -> Option<&GuildFixture> {
        self.guilds.iter().find(|g| g.channel_id == channel)
    }

    /// READY's `d` for one shard: the shard's guilds, all unavailable until
    /// their GUILD_CREATE follows.
    pub fn ready(&self, session_id: &str, resume_url: &str, shard: [u32; 2]) -> Value {
        let guilds: Vec<Value> = self
            .guilds_on_shard(shard)
            .map(|g| json!({"id": g.id.to_string(), "unavailable": true}))
            .collect();
        json!({
            "v": 10,
            "user": self.current_user(),
            "guilds": guilds,
            "session_id": session_id,
            "resume_gateway_url": resume_url,
            "shard": shard,
            "application": {"id": self.application_id.to_string(), "flags": 0},
            "private_channels": [],
            "relationships": [],
        })
    }

    /// The guilds whose events go to `shard` (`(guild_id >> 22) % total`).
    pub fn guilds_on_shard(&self, shard: [u32; 2]) -> impl Iterator<Item = &GuildFixture> {
        self.guilds
            .iter()
            .filter(move |g| shard_of_guild(g.id, shard[1]) == shard[0])
    }

    /// `GET /users/@me` and READY's `user`.
    pub fn current_user(&self) -> Value {
        let mut user = self.bot.to_json();
        let extra = json!({"verified": true, "mfa_enabled": false, "flags": 0, "locale": "en-US"});
        merge(&mut user, extra);
        user
    }

    /// `GET /oauth2/applications/@me`: a private bot application, every
    /// field Discord always sends present (unset optional ones omitted, as
    /// Discord omits them).
    pub fn application(&self) -> Value {
        json!({
            "id": self.application_id.to_string(),
            "name": self.bot.name,
            "icon": null,
            "description": "Stand-in application",
            "type": null,
            "bot_public": false,
            "bot_require_code_grant": false,
            "verify_key": "0000000000000000000000000000000000000000000000000000000000000000",
            "flags": 0,
            "flags_new": "0",
            "redirect_uris": [],
            "interactions_endpoint_url": null,
            "role_connections_verification_url": null,
            "owner": self.human.to_json(),
            "approximate_guild_count": self.guilds.len(),
            "approximate_user_install_count": 0,
            "approximate_user_authorization_count": 0,
            "explicit_content_filter": 0,
            "team": null,
            "eligible_oauth2_scopes": ["bot", "applications.commands"],
            "bot": self.current_user(),
            "rpc_origins": [],
            "tags": [],
        })
    }

    /// GUILD_CREATE's `d`: the bot owns the guild (so no permission check can
    /// refuse it) and `@everyone` has [`EVERYONE_PERMISSIONS`].
    pub fn guild_create(&self, guild: &GuildFixture) -> Value {
        let gid = guild.id.to_string();
        let mut guild_json = json!({
            "id": gid,
            "name": guild.name,
            "icon": null,
            "splash": null,
            "discovery_splash": null,
            "owner_id": self.bot.id.to_string(),
            "afk_channel_id": null,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 1,
            "explicit_content_filter": 0,
            "roles": [{
                "id": gid,
                "name": "@everyone",
                "color": 0,
                "colors": {"primary_color": 0, "secondary_color": null, "tertiary_color": null},
                "hoist": false,
                "icon": null,
                "unicode_emoji": null,
                "position": 0,
                "permissions": EVERYONE_PERMISSIONS.to_string(),
                "managed": false,
                "mentionable": false,
                "flags": 0,
            }],
            "emojis": [],
            "features": [],
            "mfa_level": 0,
            "application_id": null,
            "system_channel_id": null,
            "system_channel_flags": 0,
            "rules_channel_id": null,
            "vanity_url_code": null,
            "description": null,
            "banner": null,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": "en-US",
            "public_updates_channel_id": null,
        });
        // Split in two: one `json!` this size exceeds the macro recursion limit.
        let rest = json!({
            "nsfw_level": 0,
            "stickers": [],
            "premium_progress_bar_enabled": false,
            "joined_at": Timestamp::now().to_string(),
            "large": false,
            "unavailable": false,
            "member_count": 2,
            "voice_states": [],
            "members": [member(&self.bot, guild)],
            "channels": [{
                "id": guild.channel_id.to_string(),
                "type": 0,
                "guild_id": gid,
                "position": 0,
                "permission_overwrites": [],
                "name": "general",
                "topic": null,
                "nsfw": false,
                "last_message_id": null,
                "rate_limit_per_user": 0,
                "parent_id": null,
            }],
            "threads": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
        });
        merge(&mut guild_json, rest);
        guild_json
    }

    /// A whole message object as Discord returns it from REST or sends it in
    /// MESSAGE_CREATE. `extra` is merged last (it wins).
    pub fn message(
        &self,
        id: MessageId,
        channel: ChannelId,
        author: &Value,
        content: &str,
        extra: Value,
    ) -> Value {
        let mut message = json!({
            "id": id.to_string(),
            "channel_id": channel.to_string(),
            "author": author,
            "content": content,
            "timestamp": Timestamp::now().to_string(),
            "edited_timestamp": null,
            "tts": false,
            "mention_everyone": false,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": [],
            "components": [],
            "pinned": false,
            "type": 0,
            "flags": 0,
        });
        if let Some(guild) = self.guild_of_channel(channel) {
            message["guild_id"] = json!(guild.id.to_string());
        }
        merge(&mut message, extra);
        message
    }

    /// The message Discord answers to a message-creating request `body` from
    /// the bot (`POST /channels/{id}/messages`, interaction responses,
    /// followups): the body's content, embeds, components, flags and reference,
    /// authored by the bot.
    pub fn message_from_request(
        &self,
        id: MessageId,
        channel: ChannelId,
        body: &Value,
        extra: Value,
    ) -> Value {
        let content = body
            .get("content")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let mut fields = json!({});
        for key in ["embeds", "components", "tts", "flags", "poll"] {
            if let Some(value) = body.get(key).filter(|v| !v.is_null()) {
                fields[key] = value.clone();
            }
        }
        // Discord numbers every component of a stored message (rows and
        // their children, from 1) and answers with those ids.
        if let Some(rows) = fields.get_mut("components").and_then(Value::as_array_mut) {
            let mut next = 0;
            for row in rows {
                next += 1;
                row["id"] = json!(next);
                if let Some(children) = row.get_mut("components").and_then(Value::as_array_mut) {
                    for child in children {
                        next += 1;
                        child["id"] = json!(next);
                    }
                }
            }
        }
        // Ephemeral and suppress-embeds flags are all that survive on a message.
        if let Some(flags) = fields.get("flags").and_then(Value::as_u64) {
            fields["flags"] = json!(flags & ((1 << 6) | (1 << 2) | (1 << 12)));
        }
        if let Some(reference) = body.get("message_reference").filter(|v| !v.is_null()) {
            let mut reference = reference.clone();
            if reference.get("channel_id").is_none_or(Value::is_null) {
                reference["channel_id"] = json!(channel.to_string());
            }
            match self.guild_of_channel(channel) {
                Some(guild) => reference["guild_id"] = json!(guild.id.to_string()),
                // A DM reference has no guild: Discord leaves the key out.
                None => {
                    if let Some(r) = reference.as_object_mut() {
                        r.remove("guild_id");
                    }
                }
            }
            // Discord answers only the keys it stores.
            if let Some(r) = reference.as_object_mut() {
                r.retain(|_, v| !v.is_null());
            }
            fields["message_reference"] = reference;
            fields["type"] = json!(19); // REPLY
        }
        merge(&mut fields, extra);
        self.message(id, channel, &self.bot.to_json(), content, fields)
    }

    /// A registered application command, as `PUT .../commands` answers it.
    pub fn command(&self, id: u64, guild: Option<GuildId>, requested: &Value) -> Value {
        let mut command = json!({
            "id": id.to_string(),
            "application_id": self.application_id.to_string(),
            "version": id.to_string(),
            "type": 1,
            "description": "",
            "default_member_permissions": null,
            "dm_permission": true,
            "nsfw": false,
            "options": [],
        });
        if let Some(guild) = guild {
            command["guild_id"] = json!(guild.to_string());
        }
        // The request's own fields (name, description, options, type,
        // localizations, contexts...) are echoed back as Discord does: without
        // the fields the request left null.
        merge(&mut command, without_nulls(requested));
        command["id"] = json!(id.to_string());
        command
    }
}

/// A guild member object for `user` (with its user), as in GUILD_CREATE and
/// guild interactions.
pub fn member(user: &UserFixture, guild: &GuildFixture) -> Value {
    json!({
        "user": user.to_json(),
        "nick": null,
        "avatar": null,
        "roles": [],
        "joined_at": Timestamp::now().to_string(),
        "premium_since": null,
        "deaf": false,
        "mute": false,
        "flags": 0,
        "pending": false,
        "guild_id": guild.id.to_string(),
    })
}

/// The shard a guild's events go to: `(guild_id >> 22) % total`.
pub fn shard_of_guild(guild: GuildId, total: u32) -> u32 {
    ((guild.get() >> 22) % u64::from(total.max(1))) as u32
}

/// `value` without null-valued object fields, at any depth.
pub fn without_nulls(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}

/// Shallow merge: every key of `extra` (an object) overwrites `target`'s.
pub fn merge(target: &mut Value, extra: Value) {
    if let (Some(target), Value::Object(extra)) = (target.as_object_mut(), extra) {
        for (key, value) in extra {
            target.insert(key, value);
        }
    }
}
