//! `/faq-settings` (Manage Server by default): this server's own settings,
//! which override the environment's defaults for it. With no option it
//! lists them; each option given changes one, after validation. Every
//! change is confirmed privately and logged with the admin's id.

use anyhow::Context as _;
use serenity::all::{
    ChannelId, ChannelType, CommandDataOptionValue, CommandOptionType, CreateCommand,
    CreateCommandOption, Permissions,
};
use serenity::async_trait;
use tracing::info;

use super::{Call, CommandError, SlashCommand};
use crate::discord::policy::DEFAULT_COOLDOWN;
use crate::kb::KnowledgeBase;
use crate::render::discord::settings::{settings_text, SettingsView, Shown};
use crate::render::discord::{self as view, Reply};
use crate::store::GuildSettings;

const ADD_CHANNEL: &str = "add-channel";
const REMOVE_CHANNEL: &str = "remove-channel";
const UNPROMPTED: &str = "unprompted";
const THRESHOLD: &str = "threshold";
const COOLDOWN: &str = "cooldown";
const REVIEW_CHANNEL: &str = "review-channel";
const RESET: &str = "reset";

/// The longest cooldown a server may set: a day.
const MAX_COOLDOWN: u32 = 86_400;

pub struct FaqSettings;

fn channel_option(name: &str, what: &str) -> CreateCommandOption {
    CreateCommandOption::new(CommandOptionType::Channel, name, what)
        .channel_types(vec![ChannelType::Text, ChannelType::News])
}

#[async_trait]
impl SlashCommand for FaqSettings {
    fn name(&self) -> &'static str {
        "faq-settings"
    }

    fn define(&self, command: CreateCommand, _: &KnowledgeBase) -> CreateCommand {
        command
            .description("Show or change how the FAQ bot answers in this server")
            .default_member_permissions(Permissions::MANAGE_GUILD)
            .dm_permission(false)
            .add_option(channel_option(
                ADD_CHANNEL,
                "Answer questions unprompted in this channel",
            ))
            .add_option(channel_option(
                REMOVE_CHANNEL,
                "Stop answering unprompted in this channel",
            ))
            .add_option(CreateCommandOption::new(
                CommandOptionType::Boolean,
                UNPROMPTED,
                "Answer unprompted at all (in the answering channels)",
            ))
            .add_option(
                CreateCommandOption::new(
                    CommandOptionType::Number,
                    THRESHOLD,
                    "How sure the bot must be to answer, from 0 to 1",
                )
                .min_number_value(0.0)
                .max_number_value(1.0),
            )
            .add_option(
                CreateCommandOption::new(
                    CommandOptionType::Integer,
                    COOLDOWN,
                    "Seconds before the same answer is posted again in a channel",
                )
                .min_int_value(0)
                .max_int_value(u64::from(MAX_COOLDOWN)),
            )
            .add_option(channel_option(
                REVIEW_CHANNEL,
                "Where the daily review notices go",
            ))
            .add_option(CreateCommandOption::new(
                CommandOptionType::Boolean,
                RESET,
                "Forget this server's settings: back to the defaults",
            ))
    }

    async fn run(&self, call: &Call<'_>) -> Result<Reply, CommandError> {
        let Some(guild) = call.cmd.guild_id else {
            return Err(CommandError::User(
                "Settings are per server: use this in a server.".into(),
            ));
        };
        // Discord hides the command from members without Manage Server,
        // unless the server's owners grant it: the member's permissions
        // in the interaction are checked as well.
        if !super::is_admin(call.cmd.member.as_deref()) {
            return Err(CommandError::User(
                "Changing the FAQ bot's settings needs the Manage Server permission.".into(),
            ));
        }
        let Some(store) = call.state.store() else {
            return Err(CommandError::User(
                "This bot runs without a store, so it has no per-server settings.".into(),
            ));
        };
        let before = store
            .settings(guild.get())
            .await
            .context("reading the settings")?;
        let (after, changes) = apply(call, &before)?;
        if after != before {
            store
                .put_settings(guild.get(), &after, crate::store::now())
                .await
                .context("writing the settings")?;
            call.state.settings_changed(guild.get());
            info!(
                guild = %guild,
                admin = %call.cmd.user.id,
                changes = %changes.join("; "),
                "settings changed"
            );
        }
        let saved = if changes.is_empty() {
            String::new()
        } else {
            format!("Saved: {}.", changes.join("; "))
        };
        Ok(view::notice(&settings_text(&saved, &shown(call, &after))))
    }
}

/// The value of option `name`, if given.
fn option<'a>(call: &'a Call<'_>, name: &str) -> Option<&'a CommandDataOptionValue> {
    call.cmd
        .data
        .options
        .iter()
        .find(|o| o.name == name)
        .map(|o| &o.value)
}

/// A channel option, validated: a text channel Discord resolved in this
/// interaction (it resolves only the channels of the server it came from).
fn channel(call: &Call<'_>, name: &str) -> Result<Option<ChannelId>, CommandError> {
    let Some(value) = option(call, name) else {
        return Ok(None);
    };
    let Some(id) = value.as_channel_id() else {
        return Err(CommandError::User(format!("`{name}` must be a channel.")));
    };
    match call.cmd.data.resolved.channels.get(&id) {
        Some(c) if matches!(c.kind, ChannelType::Text | ChannelType::News) => Ok(Some(id)),
        Some(_) => Err(CommandError::User(format!(
            "<#{id}> is not a text channel."
        ))),
        None => Err(CommandError::User(format!(
            "<#{id}> is not a channel of this server."
        ))),
    }
}

/// The settings after the options given, and a phrase per change.
fn apply(
    call: &Call<'_>,
    before: &GuildSettings,
) -> Result<(GuildSettings, Vec<String>), CommandError> {
    if matches!(
        option(call, RESET),
        Some(CommandDataOptionValue::Boolean(true))
    ) {
        return Ok((
            GuildSettings::default(),
            vec!["back to the defaults".into()],
        ));
    }
    let mut s = before.clone();
    let mut changes = Vec::new();
    let defaults: Vec<u64> = call.state.default_channels().iter().copied().collect();
    if let Some(c) = channel(call, ADD_CHANNEL)? {
        let list = s.channels.get_or_insert_with(|| defaults.clone());
        if !list.contains(&c.get()) {
            list.push(c.get());
        }
        changes.push(format!("answering in <#{c}>"));
    }
    if let Some(c) = channel(call, REMOVE_CHANNEL)? {
        let list = s.channels.get_or_insert_with(|| defaults.clone());
        list.retain(|&x| x != c.get());
        changes.push(format!("not answering unprompted in <#{c}>"));
    }
    if let Some(v) = option(call, UNPROMPTED) {
        let on = v
            .as_bool()
            .ok_or_else(|| CommandError::User(format!("`{UNPROMPTED}` must be true or false.")))?;
        s.unprompted = Some(on);
        changes.push(format!(
            "unprompted answers {}",
            if on { "on" } else { "off" }
        ));
    }
    if let Some(v) = option(call, THRESHOLD) {
        let t = v
            .as_f64()
            .filter(|t| (0.0..=1.0).contains(t))
            .ok_or_else(|| {
                CommandError::User(format!("`{THRESHOLD}` must be a number from 0 to 1."))
            })?;
        s.answer_threshold = Some(t as f32);
        changes.push(format!("answer threshold {t:.2}"));
    }
    if let Some(v) = option(call, COOLDOWN) {
        let secs = v
            .as_i64()
            .and_then(|n| u32::try_from(n).ok())
            .filter(|n| *n <= MAX_COOLDOWN)
            .ok_or_else(|| {
                CommandError::User(format!(
                    "`{COOLDOWN}` must be a whole number of seconds from 0 to {MAX_COOLDOWN}."
                ))
            })?;
        s.cooldown_secs = Some(secs);
        changes.push(format!("cooldown {secs} s"));
    }
    if let Some(c) = channel(call, REVIEW_CHANNEL)? {
        s.review_channel = Some(c.get());
        changes.push(format!("review notices in <#{c}>"));
    }
    Ok((s, changes))
}

/// What the settings in force are, for the reply.
fn shown(call: &Call<'_>, s: &GuildSettings) -> SettingsView {
    let e = call.state.effective(s);
    let mut channels: Vec<u64> = e.channels.iter().copied().collect();
    channels.sort_unstable();
    SettingsView {
        channels: Shown {
            value: channels,
            own: s.channels.is_some(),
        },
        unprompted: Shown {
            value: e.unprompted,
            own: s.unprompted.is_some(),
        },
        answer_threshold: Shown {
            value: e
                .answer_threshold
                .unwrap_or_else(|| call.state.faq().matcher.thresholds().answer),
            own: s.answer_threshold.is_some(),
        },
        cooldown_secs: Shown {
            value: e.cooldown.unwrap_or(DEFAULT_COOLDOWN).as_secs(),
            own: s.cooldown_secs.is_some(),
        },
        review_channel: s.review_channel,
    }
}
