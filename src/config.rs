//! The bot's configuration, read from the environment once (after `.env`),
//! with every missing or invalid variable reported together.
//!
//! The only place the bot reads `std::env`. The token is wrapped so that it
//! never reaches a log or an error message.

use std::fmt;

/// The Discord bot token. `Debug` and `Display` print `[redacted]`.
#[derive(Clone)]
pub struct Token(String);

impl Token {
    /// The token itself, for serenity only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Everything `faqbot run` needs, validated.
#[derive(Debug, Clone)]
pub struct BotConfig {
    pub token: Token,
    /// Register slash commands in this guild at once, instead of globally.
    pub guild_id: Option<u64>,
    /// Channels where the bot answers without being mentioned.
    pub channels: Vec<u64>,
    /// Overrides the matcher's answer threshold.
    pub answer_threshold: Option<f32>,
    /// A REST proxy speaking Discord's API (e.g. twilight-http-proxy).
    pub http_proxy: Option<String>,
    /// Reload the FAQ when its files change (default on).
    pub watch_faq: bool,
    /// The shards this process runs; `None`: all of them, as many as
    /// Discord recommends.
    pub shards: Option<ShardRange>,
    /// The FAQ folder being served, to watch and reload; `None` for the
    /// embedded FAQ. Not read from the environment: the command line
    /// resolves it (`--faq`, `FAQBOT_FAQ_DIR`, `./faq`, embedded).
    pub faq_folder: Option<std::path::PathBuf>,
    /// Where usage, votes, review texts and settings are kept.
    pub store: StoreConfig,
    /// `FAQBOT_METRICS_ADDR`: serve `/metrics` and `/healthz` here.
    pub metrics_addr: Option<std::net::SocketAddr>,
}

/// The store's variables, read alone by the commands that need only the
/// store (`stats`, `misses`, `forget`: no token).
#[derive(Clone)]
pub struct StoreConfig {
    /// `FAQBOT_DATABASE_URL`: `sqlite://PATH` (default `sqlite://faqbot.db`)
    /// or `postgres://…`.
    pub url: String,
    /// `FAQBOT_RETENTION_DAYS`: usage rows older than this are deleted.
    pub retention_days: u32,
}

impl fmt::Debug for StoreConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoreConfig")
            .field("url", &crate::store::redact(&self.url))
            .field("retention_days", &self.retention_days)
            .finish()
    }
}

impl StoreConfig {
    /// Reads the process environment.
    pub fn from_env() -> Result<StoreConfig, ConfigError> {
        let mut problems = Vec::new();
        let c = StoreConfig::read(&|name| std::env::var(name).ok(), &mut problems);
        if problems.is_empty() {
            Ok(c)
        } else {
            Err(ConfigError { problems })
        }
    }

    fn read(get: &dyn Fn(&str) -> Option<String>, problems: &mut Vec<String>) -> StoreConfig {
        let value = |name: &str| {
            get(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let url =
            value("FAQBOT_DATABASE_URL").unwrap_or_else(|| crate::store::DEFAULT_URL.to_owned());
        if !["sqlite:", "postgres:", "postgresql:"]
            .iter()
            .any(|s| url.starts_with(s))
        {
            problems.push(format!(
                "FAQBOT_DATABASE_URL must be sqlite://PATH or postgres://..., not {:?}",
                crate::store::redact(&url)
            ));
        }
        let retention_days = match value("FAQBOT_RETENTION_DAYS") {
            None => 30,
            Some(v) => match v.parse::<u32>() {
                Ok(d) if d > 0 => d,
                _ => {
                    problems.push(format!(
                        "FAQBOT_RETENTION_DAYS must be a whole number of days, 1 or more, not {v:?}"
                    ));
                    30
                }
            },
        };
        StoreConfig {
            url,
            retention_days,
        }
    }
}

/// `FAQBOT_SHARDS=FIRST..LAST/TOTAL`: shards FIRST to LAST (inclusive) of
/// TOTAL, so several processes can split one bot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShardRange {
    pub first: u32,
    pub last: u32,
    pub total: u32,
}

impl ShardRange {
    /// `"0..1/4"` → shards 0 and 1 of 4.
    pub fn parse(s: &str) -> Option<ShardRange> {
        let (range, total) = s.split_once('/')?;
        let (first, last) = range.split_once("..")?;
        let r = ShardRange {
            first: first.trim().parse().ok()?,
            last: last.trim().parse().ok()?,
            total: total.trim().parse().ok()?,
        };
        (r.first <= r.last && r.last < r.total).then_some(r)
    }
}

/// Every problem with the environment, in one message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the configuration has problems (see .env.example):\n  {}", problems.join("\n  "))]
pub struct ConfigError {
    pub problems: Vec<String>,
}

impl BotConfig {
    /// Reads the process environment.
    pub fn from_env() -> Result<BotConfig, ConfigError> {
        BotConfig::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the variables through `get`, so tests need no process
    /// environment: `get("DISCORD_TOKEN")` → `Some("...")`.
    // One variable after another, each a few lines: splitting it would
    // scatter the one list of what the bot reads.
    #[allow(clippy::too_many_lines)]
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<BotConfig, ConfigError> {
        let mut problems = Vec::new();
        let value = |name: &str| {
            get(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let token = value("DISCORD_TOKEN");
        if token.is_none() {
            problems.push(
                "DISCORD_TOKEN is missing: set it to the bot token from the Discord Developer Portal"
                    .to_owned(),
            );
        } else if token
            .as_deref()
            .is_some_and(|t| t.chars().any(char::is_whitespace))
        {
            problems.push("DISCORD_TOKEN contains white space; paste the token alone".to_owned());
        }
        let guild_id = value("DISCORD_GUILD_ID").and_then(|v| {
            let id = parse_id(&v);
            if id.is_none() {
                problems.push(format!(
                    "DISCORD_GUILD_ID is not a Discord id (a positive number): {v:?}"
                ));
            }
            id
        });
        let mut channels = Vec::new();
        if let Some(list) = value("FAQBOT_CHANNELS") {
            for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                match parse_id(item) {
                    Some(id) => channels.push(id),
                    None => problems.push(format!(
                        "FAQBOT_CHANNELS has {item:?}, which is not a channel id (comma-separated numbers)"
                    )),
                }
            }
        }
        let answer_threshold =
            value("FAQBOT_ANSWER_THRESHOLD").and_then(|v| match v.parse::<f32>() {
                Ok(t) if (0.0..=1.0).contains(&t) => Some(t),
                _ => {
                    problems.push(format!(
                        "FAQBOT_ANSWER_THRESHOLD must be a number from 0 to 1, not {v:?}"
                    ));
                    None
                }
            });
        let http_proxy = value("DISCORD_HTTP_PROXY").and_then(|v| {
            let ok = (v.starts_with("http://") || v.starts_with("https://"))
                && v.split("://").nth(1).is_some_and(|rest| !rest.is_empty());
            if ok {
                Some(v.trim_end_matches('/').to_owned())
            } else {
                problems.push(format!(
                    "DISCORD_HTTP_PROXY must be an http:// or https:// base URL, not {v:?}"
                ));
                None
            }
        });
        let watch_faq = match value("FAQBOT_WATCH")
            .as_deref()
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            None | Some("1" | "true" | "yes" | "on") => true,
            Some("0" | "false" | "no" | "off") => false,
            Some(other) => {
                problems.push(format!("FAQBOT_WATCH must be true or false, not {other:?}"));
                true
            }
        };
        let shards = value("FAQBOT_SHARDS").and_then(|v| {
            let r = ShardRange::parse(&v);
            if r.is_none() {
                problems.push(format!(
                    "FAQBOT_SHARDS must be FIRST..LAST/TOTAL with FIRST <= LAST < TOTAL (like 0..1/4), not {v:?}"
                ));
            }
            r
        });
        let store = StoreConfig::read(&get, &mut problems);
        let metrics_addr = value("FAQBOT_METRICS_ADDR").and_then(|v| {
            let addr = v.parse().ok();
            if addr.is_none() {
                problems.push(format!(
                    "FAQBOT_METRICS_ADDR must be an address and port like 127.0.0.1:9464, not {v:?}"
                ));
            }
            addr
        });
        match token {
            Some(token) if problems.is_empty() => Ok(BotConfig {
                token: Token(token),
                guild_id,
                channels,
                answer_threshold,
                http_proxy,
                watch_faq,
                shards,
                faq_folder: None,
                store,
                metrics_addr,
            }),
            _ => Err(ConfigError { problems }),
        }
    }
}

/// `FAQBOT_FAQ_DIR`, when set to something: an empty value (as
/// `.env.example` leaves it) means unset, like every other variable here.
pub fn faq_dir_from_env() -> Option<std::path::PathBuf> {
    std::env::var_os("FAQBOT_FAQ_DIR")
        .filter(|v| !v.to_string_lossy().trim().is_empty())
        .map(std::path::PathBuf::from)
}

/// How log lines are written: `FAQBOT_LOG_FORMAT=text` (the default) or
/// `json`, one JSON object a line for log shippers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

impl LogFormat {
    /// Reads `FAQBOT_LOG_FORMAT`; an unknown value falls back to text, with
    /// the problem to log once logging is up.
    pub fn from_env() -> (LogFormat, Option<String>) {
        LogFormat::from_lookup(|name| std::env::var(name).ok())
    }

    /// As [`LogFormat::from_env`], through `get`.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> (LogFormat, Option<String>) {
        match get("FAQBOT_LOG_FORMAT").as_deref().map(str::trim) {
            None | Some("" | "text") => (LogFormat::Text, None),
            Some("json") => (LogFormat::Json, None),
            Some(other) => (
                LogFormat::Text,
                Some(format!(
                    "FAQBOT_LOG_FORMAT is {other:?}; expected text or json, so logging text"
                )),
            ),
        }
    }
}

fn parse_id(s: &str) -> Option<u64> {
    s.parse::<u64>().ok().filter(|&id| id > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(vars: &[(&str, &str)]) -> Result<BotConfig, ConfigError> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        BotConfig::from_lookup(|name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()))
    }

    #[test]
    fn a_full_environment_is_read() {
        let c = config(&[
            ("DISCORD_TOKEN", "abc.def"),
            ("DISCORD_GUILD_ID", "123"),
            ("FAQBOT_CHANNELS", "1, 2,,3"),
            ("FAQBOT_ANSWER_THRESHOLD", "0.7"),
            ("DISCORD_HTTP_PROXY", "http://127.0.0.1:3000/"),
        ])
        .expect("valid");
        assert_eq!(c.guild_id, Some(123));
        assert_eq!(c.channels, [1, 2, 3]);
        assert_eq!(c.answer_threshold, Some(0.7));
        assert_eq!(c.http_proxy.as_deref(), Some("http://127.0.0.1:3000"));
    }

    #[test]
    fn every_problem_is_reported_at_once_without_the_token() {
        let err = config(&[
            ("DISCORD_TOKEN", "secret token"),
            ("DISCORD_GUILD_ID", "abc"),
            ("FAQBOT_CHANNELS", "1,x"),
            ("FAQBOT_ANSWER_THRESHOLD", "2"),
            ("DISCORD_HTTP_PROXY", "localhost:3000"),
        ])
        .expect_err("invalid");
        assert_eq!(err.problems.len(), 5, "{err}");
        assert!(!err.to_string().contains("secret"), "{err}");
    }

    #[test]
    fn shard_ranges_are_parsed_and_checked() {
        assert_eq!(
            ShardRange::parse("0..1/4"),
            Some(ShardRange {
                first: 0,
                last: 1,
                total: 4
            })
        );
        assert_eq!(
            ShardRange::parse("3..3/4"),
            Some(ShardRange {
                first: 3,
                last: 3,
                total: 4
            })
        );
        for bad in ["1..0/4", "0..4/4", "0..1", "a..b/c", "0-1/4", ""] {
            assert_eq!(ShardRange::parse(bad), None, "{bad}");
        }
        let err =
            config(&[("DISCORD_TOKEN", "t"), ("FAQBOT_SHARDS", "2..1/2")]).expect_err("bad range");
        assert!(err.to_string().contains("FAQBOT_SHARDS"));
    }

    #[test]
    fn the_store_defaults_to_sqlite_and_its_password_never_shows() {
        let c = config(&[("DISCORD_TOKEN", "t")]).expect("valid");
        assert_eq!(c.store.url, "sqlite://faqbot.db");
        assert_eq!(c.store.retention_days, 30);
        let c = config(&[
            ("DISCORD_TOKEN", "t"),
            ("FAQBOT_DATABASE_URL", "postgres://bot:hunter2@db/faq"),
            ("FAQBOT_RETENTION_DAYS", "7"),
            ("FAQBOT_METRICS_ADDR", "127.0.0.1:9464"),
        ])
        .expect("valid");
        assert_eq!(c.store.retention_days, 7);
        assert!(!format!("{c:?}").contains("hunter2"));
        let err = config(&[
            ("DISCORD_TOKEN", "t"),
            ("FAQBOT_DATABASE_URL", "mysql://u:hunter2@db/x"),
            ("FAQBOT_RETENTION_DAYS", "0"),
            ("FAQBOT_METRICS_ADDR", "9464"),
        ])
        .expect_err("invalid");
        assert_eq!(err.problems.len(), 3, "{err}");
        assert!(!err.to_string().contains("hunter2"), "{err}");
    }

    #[test]
    fn a_missing_token_is_named() {
        let err = config(&[]).expect_err("no token");
        assert!(err.to_string().contains("DISCORD_TOKEN is missing"));
    }

    #[test]
    fn the_token_is_redacted_in_debug() {
        let c = config(&[("DISCORD_TOKEN", "abc.def")]).expect("valid");
        let debug = format!("{c:?}");
        assert!(
            !debug.contains("abc.def") && debug.contains("[redacted]"),
            "{debug}"
        );
    }
}
