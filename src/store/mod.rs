//! The store: usage counts, votes, the texts of the review queue, hidden
//! review groups and per-server settings, in SQLite (the default, one file)
//! or PostgreSQL (several bot processes on several machines).
//!
//! One code path for both: `sqlx::any` runs the same portable SQL on
//! either, and the versioned migrations in `migrations/` run at open. A
//! trait with two implementations would be two copies of every query to
//! keep in step; the `Any` driver's price is a smaller type set (integers,
//! floats, text), which is all this schema uses.
//!
//! Must not: decide anything, log (callers log a failure with their
//! context), or store user ids or channel chatter (README, "What faqbot
//! stores").

use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Row};

use crate::render::stats::{EntryStats, StatsView};

/// A stored text is cut to this many characters.
pub const TEXT_CAP: usize = 600;

/// `FAQBOT_DATABASE_URL`'s default: a file in the working directory.
pub const DEFAULT_URL: &str = "sqlite://faqbot.db";

const SECONDS_A_DAY: i64 = 86_400;

/// Why the store could not do something. URLs in these messages have their
/// password redacted.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("FAQBOT_DATABASE_URL must start with sqlite:// or postgres://, not {0}")]
    Scheme(String),
    #[error("cannot open the store at {url}: {cause}")]
    Open { url: String, cause: String },
    #[error("cannot migrate the store at {url}: {cause}")]
    Migrate { url: String, cause: String },
    #[error("the store failed: {0}")]
    Query(#[from] sqlx::Error),
}

/// How a question ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Answered,
    Suggested,
    Silent,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Answered => "answered",
            Outcome::Suggested => "suggested",
            Outcome::Silent => "silent",
        }
    }
}

/// How a question reached the bot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asked {
    Dm,
    Mention,
    Slash,
    /// Heard unprompted in a listening channel.
    Channel,
}

impl Asked {
    pub fn as_str(self) -> &'static str {
        match self {
            Asked::Dm => "dm",
            Asked::Mention => "mention",
            Asked::Slash => "slash",
            Asked::Channel => "channel",
        }
    }
}

/// Why a text is kept for review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextKind {
    /// Put to the bot, and not answered (or only suggestions).
    Unanswered,
    /// Heard in a listening channel, near an entry but not answered.
    Near,
    /// Answered, and the answer got a 👎.
    Unhelpful,
}

impl TextKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TextKind::Unanswered => "unanswered",
            TextKind::Near => "near",
            TextKind::Unhelpful => "unhelpful",
        }
    }
}

/// One question to count. `guild` is 0 for a DM.
#[derive(Debug, Clone, Copy)]
pub struct Question<'a> {
    pub guild: u64,
    pub channel: u64,
    pub asked: Asked,
    pub outcome: Outcome,
    /// The entry answered, when answered.
    pub entry: Option<&'a str>,
    /// The text, kept for the review queue when the outcome calls for it.
    pub review: Option<(TextKind, &'a str)>,
}

/// A text of the review queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewText {
    pub guild: u64,
    pub at: i64,
    pub kind: String,
    pub text: String,
}

/// One guild's settings; `None` falls back to the environment.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GuildSettings {
    /// The channels where the bot answers unprompted.
    pub channels: Option<Vec<u64>>,
    /// Unprompted answering on or off.
    pub unprompted: Option<bool>,
    pub answer_threshold: Option<f32>,
    /// The cooldown per channel and entry, in seconds.
    pub cooldown_secs: Option<u32>,
    pub review_channel: Option<u64>,
}

/// The open store, shared by every task (a connection pool).
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    /// For messages: the URL with its password redacted.
    url: String,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The pool says nothing useful; the (redacted) URL says which store.
        f.debug_struct("Store")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

/// `postgres://bot:secret@db/faq` → `postgres://bot:[redacted]@db/faq`.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _password)) => format!("{scheme}://{user}:[redacted]@{host}{tail}"),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

/// The password in `url`, if any, to scrub from driver messages.
fn password(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let authority = &rest[..rest.find(['/', '?']).unwrap_or(rest.len())];
    let userinfo = authority.rsplit_once('@')?.0;
    userinfo
        .split_once(':')
        .map(|(_, p)| p)
        .filter(|p| !p.is_empty())
}

/// Now, in Unix seconds.
pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Snowflakes fit in 63 bits; the bit-for-bit cast round-trips any u64.
fn id(x: u64) -> i64 {
    i64::from_ne_bytes(x.to_ne_bytes())
}

fn unid(x: i64) -> u64 {
    u64::from_ne_bytes(x.to_ne_bytes())
}

fn count(x: i64) -> u64 {
    u64::try_from(x).unwrap_or(0)
}

/// The first [`TEXT_CAP`] characters.
pub fn cap(text: &str) -> &str {
    match text.char_indices().nth(TEXT_CAP) {
        Some((i, _)) => &text[..i],
        None => text,
    }
}

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!();

impl Store {
    /// Opens (creating a SQLite file on first use) and migrates the store
    /// at `url`: `sqlite://PATH` or `postgres://…`.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let shown = redact(url);
        let scrub = |e: &dyn std::fmt::Display| {
            let text = e.to_string();
            match password(url) {
                Some(p) => text.replace(p, "[redacted]"),
                None => text,
            }
        };
        let (connect, max) = if url.starts_with("sqlite:") {
            // Created on first use (`mode=rwc`); WAL is set below.
            let sep = if url.contains('?') { '&' } else { '?' };
            let connect = if url.contains("mode=") {
                url.to_owned()
            } else {
                format!("{url}{sep}mode=rwc")
            };
            (connect, 4)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            (url.to_owned(), 8)
        } else {
            return Err(StoreError::Scheme(shown));
        };
        let pool = AnyPoolOptions::new()
            .max_connections(max)
            // A store gone away must not hold a reply for long: the
            // callers fall back to defaults and carry on.
            .acquire_timeout(std::time::Duration::from_secs(3))
            .connect(&connect)
            .await
            .map_err(|e| StoreError::Open {
                url: shown.clone(),
                cause: scrub(&e),
            })?;
        if url.starts_with("sqlite:") {
            // WAL: readers (settings on every message) never wait for the
            // writer. The mode is kept in the file, so once is enough.
            sqlx::query("PRAGMA journal_mode = WAL")
                .execute(&pool)
                .await
                .map_err(|e| StoreError::Open {
                    url: shown.clone(),
                    cause: scrub(&e),
                })?;
        }
        MIGRATOR.run(&pool).await.map_err(|e| StoreError::Migrate {
            url: shown.clone(),
            cause: scrub(&e),
        })?;
        Ok(Store { pool, url: shown })
    }

    /// The URL, password redacted.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Closes every connection: later calls fail (as a store gone away
    /// would), which the tests use.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Counts one question: its outcome, the entry answered, and the text
    /// when it is for review.
    pub async fn record_question(&self, q: &Question<'_>, at: i64) -> Result<(), StoreError> {
        self.record_questions(std::slice::from_ref(q), at).await
    }

    /// Counts many questions in one transaction, as [`Store::record_question`]
    /// would one by one: equal counts are summed first, so a burst of
    /// questions costs one commit and one statement per distinct count
    /// (and per review text), not a transaction each.
    pub async fn record_questions(&self, qs: &[Question<'_>], at: i64) -> Result<(), StoreError> {
        if qs.is_empty() {
            return Ok(());
        }
        let day = at.div_euclid(SECONDS_A_DAY);
        let mut questions: BTreeMap<(u64, &str, &str), i64> = BTreeMap::new();
        let mut answers: BTreeMap<(u64, &str), i64> = BTreeMap::new();
        for q in qs {
            *questions
                .entry((q.guild, q.outcome.as_str(), q.asked.as_str()))
                .or_default() += 1;
            if let (Outcome::Answered, Some(entry)) = (q.outcome, q.entry) {
                *answers.entry((q.guild, entry)).or_default() += 1;
            }
        }
        let questions: Vec<_> = questions.into_iter().collect();
        let answers: Vec<_> = answers.into_iter().collect();
        let texts: Vec<Text<'_>> = qs
            .iter()
            .filter_map(|q| {
                q.review
                    .map(|(kind, text)| (q.guild, q.channel, kind, text, q.entry))
            })
            .collect();
        // A burst is written as a few multi-row statements, not one
        // statement (one round trip to SQLite's worker thread, or to the
        // server) per count and per text.
        let mut tx = self.pool.begin().await?;
        insert_rows(
            &mut tx,
            "INSERT INTO question_counts (guild_id, day, verdict, origin, n)",
            5,
            "ON CONFLICT (guild_id, day, verdict, origin) DO UPDATE SET n = question_counts.n + excluded.n",
            &questions,
            |q, &((guild, verdict, origin), n)| {
                q.bind(id(guild)).bind(day).bind(verdict).bind(origin).bind(n)
            },
        )
        .await?;
        insert_rows(
            &mut tx,
            "INSERT INTO answer_counts (guild_id, day, entry_id, n)",
            4,
            "ON CONFLICT (guild_id, day, entry_id) DO UPDATE SET n = answer_counts.n + excluded.n",
            &answers,
            |q, &((guild, entry), n)| q.bind(id(guild)).bind(day).bind(entry).bind(n),
        )
        .await?;
        insert_texts(&mut tx, at, &texts).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records a 👍 or 👎 on `entry`; a 👎 keeps `question` for review.
    pub async fn record_vote(
        &self,
        guild: u64,
        channel: u64,
        entry: &str,
        helpful: bool,
        question: Option<&str>,
        at: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO votes (guild_id, channel_id, at, entry_id, helpful) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id(guild))
        .bind(id(channel))
        .bind(at)
        .bind(entry)
        .bind(i64::from(helpful))
        .execute(&mut *tx)
        .await?;
        if let (false, Some(text)) = (helpful, question) {
            let text = (guild, channel, TextKind::Unhelpful, text, Some(entry));
            insert_texts(&mut tx, at, &[text]).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The figures of the last `days` days (today included), of one guild
    /// or of all.
    pub async fn stats(
        &self,
        guild: Option<u64>,
        days: u32,
        at: i64,
    ) -> Result<StatsView, StoreError> {
        let today = at.div_euclid(SECONDS_A_DAY);
        let first_day = today - i64::from(days) + 1;
        let since = first_day * SECONDS_A_DAY;
        // `$2` is "every guild" when 1, so one statement serves both.
        let (g, all) = (id(guild.unwrap_or(0)), i64::from(guild.is_none()));
        let verdicts = sqlx::query(
            "SELECT verdict, CAST(SUM(n) AS BIGINT) FROM question_counts \
             WHERE (guild_id = $1 OR $2 = 1) AND day >= $3 GROUP BY verdict",
        )
        .bind(g)
        .bind(all)
        .bind(first_day)
        .fetch_all(&self.pool)
        .await?;
        let mut view = StatsView {
            days,
            ..StatsView::default()
        };
        for row in &verdicts {
            let n = count(row.try_get::<i64, _>(1)?);
            match row.try_get::<String, _>(0)?.as_str() {
                "answered" => view.answered += n,
                "suggested" => view.suggested += n,
                _ => view.silent += n,
            }
        }
        view.questions = view.answered + view.suggested + view.silent;
        let answers = sqlx::query(
            "SELECT entry_id, CAST(SUM(n) AS BIGINT) FROM answer_counts \
             WHERE (guild_id = $1 OR $2 = 1) AND day >= $3 GROUP BY entry_id",
        )
        .bind(g)
        .bind(all)
        .bind(first_day)
        .fetch_all(&self.pool)
        .await?;
        let votes = sqlx::query(
            "SELECT entry_id, helpful, CAST(COUNT(*) AS BIGINT) FROM votes \
             WHERE (guild_id = $1 OR $2 = 1) AND at >= $3 GROUP BY entry_id, helpful",
        )
        .bind(g)
        .bind(all)
        .bind(since)
        .fetch_all(&self.pool)
        .await?;
        let mut entries: BTreeMap<String, EntryStats> = BTreeMap::default();
        for row in &answers {
            let e = entry_of(&mut entries, row.try_get(0)?);
            e.answers += count(row.try_get::<i64, _>(1)?);
        }
        for row in &votes {
            let n = count(row.try_get::<i64, _>(2)?);
            let e = entry_of(&mut entries, row.try_get(0)?);
            if row.try_get::<i64, _>(1)? == 0 {
                e.unhelpful += n;
                view.unhelpful += n;
            } else {
                e.helpful += n;
                view.helpful += n;
            }
        }
        view.entries = entries.into_values().collect();
        view.entries
            .sort_by(|a, b| b.answers.cmp(&a.answers).then(a.id.cmp(&b.id)));
        Ok(view)
    }

    /// The review texts written at or after `since`, oldest first.
    pub async fn review_texts(&self, since: i64) -> Result<Vec<ReviewText>, StoreError> {
        let rows = sqlx::query(
            "SELECT guild_id, at, kind, text FROM review_texts WHERE at >= $1 ORDER BY at, text",
        )
        .bind(since)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(review_text).collect()
    }

    /// Hides the review group labelled `label`.
    pub async fn ignore_group(&self, label: &str, at: i64) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO ignored_groups (label, at) VALUES ($1, $2) ON CONFLICT (label) DO NOTHING",
        )
        .bind(label)
        .bind(at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The labels of hidden review groups.
    pub async fn ignored_groups(&self) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query("SELECT label FROM ignored_groups ORDER BY label")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| r.try_get(0).map_err(StoreError::from))
            .collect()
    }

    /// One guild's settings (all `None` when it has none).
    pub async fn settings(&self, guild: u64) -> Result<GuildSettings, StoreError> {
        let row = sqlx::query(
            "SELECT channels, unprompted, answer_threshold, cooldown_secs, review_channel \
             FROM guild_settings WHERE guild_id = $1",
        )
        .bind(id(guild))
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else {
            return Ok(GuildSettings::default());
        };
        let channels: Option<String> = row.try_get(0)?;
        Ok(GuildSettings {
            channels: channels.map(|list| {
                list.split(',')
                    .filter_map(|c| c.trim().parse().ok())
                    .collect()
            }),
            unprompted: row.try_get::<Option<i64>, _>(1)?.map(|v| v != 0),
            answer_threshold: row.try_get::<Option<f64>, _>(2)?.map(|t| t as f32),
            cooldown_secs: row
                .try_get::<Option<i64>, _>(3)?
                .map(|s| u32::try_from(s).unwrap_or(u32::MAX)),
            review_channel: row.try_get::<Option<i64>, _>(4)?.map(unid),
        })
    }

    /// Replaces one guild's settings.
    pub async fn put_settings(
        &self,
        guild: u64,
        s: &GuildSettings,
        at: i64,
    ) -> Result<(), StoreError> {
        let channels = s
            .channels
            .as_ref()
            .map(|c| c.iter().map(u64::to_string).collect::<Vec<_>>().join(","));
        sqlx::query(
            "INSERT INTO guild_settings \
             (guild_id, channels, unprompted, answer_threshold, cooldown_secs, review_channel, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (guild_id) DO UPDATE SET channels = excluded.channels, \
             unprompted = excluded.unprompted, answer_threshold = excluded.answer_threshold, \
             cooldown_secs = excluded.cooldown_secs, review_channel = excluded.review_channel, \
             updated_at = excluded.updated_at",
        )
        .bind(id(guild))
        .bind(channels)
        .bind(s.unprompted.map(i64::from))
        .bind(s.answer_threshold.map(f64::from))
        .bind(s.cooldown_secs.map(i64::from))
        .bind(s.review_channel.map(id))
        .bind(at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Claims the daily review notice of `guild`: true (and the time kept)
    /// when none was posted in the last day.
    pub async fn claim_notice(&self, guild: u64, at: i64) -> Result<bool, StoreError> {
        // One statement, so two processes cannot both claim it.
        let done = sqlx::query(
            "INSERT INTO review_notices (guild_id, at) VALUES ($1, $2) \
             ON CONFLICT (guild_id) DO UPDATE SET at = excluded.at \
             WHERE review_notices.at <= $3",
        )
        .bind(id(guild))
        .bind(at)
        .bind(at - SECONDS_A_DAY)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// The guilds with a review channel, and that channel.
    pub async fn review_channels(&self) -> Result<Vec<(u64, u64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT guild_id, review_channel FROM guild_settings WHERE review_channel IS NOT NULL",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((unid(r.try_get(0)?), unid(r.try_get(1)?))))
            .collect()
    }

    /// Deletes everything of one guild; returns the rows deleted.
    pub async fn forget_guild(&self, guild: u64) -> Result<u64, StoreError> {
        let mut tx = self.pool.begin().await?;
        let mut deleted = 0;
        for table in [
            "question_counts",
            "answer_counts",
            "votes",
            "review_texts",
            "guild_settings",
            "review_notices",
        ] {
            deleted += sqlx::query(&format!("DELETE FROM {table} WHERE guild_id = $1"))
                .bind(id(guild))
                .execute(&mut *tx)
                .await?
                .rows_affected();
        }
        tx.commit().await?;
        Ok(deleted)
    }

    /// Deletes the usage rows (counts, votes, texts) older than `days`
    /// days; settings stay. Returns the rows deleted.
    pub async fn purge(&self, days: u32, at: i64) -> Result<u64, StoreError> {
        let first_day = at.div_euclid(SECONDS_A_DAY) - i64::from(days);
        let since = at - i64::from(days) * SECONDS_A_DAY;
        let mut deleted = 0;
        for (sql, bound) in [
            ("DELETE FROM question_counts WHERE day < $1", first_day),
            ("DELETE FROM answer_counts WHERE day < $1", first_day),
            ("DELETE FROM votes WHERE at < $1", since),
            ("DELETE FROM review_texts WHERE at < $1", since),
        ] {
            deleted += sqlx::query(sql)
                .bind(bound)
                .execute(&self.pool)
                .await?
                .rows_affected();
        }
        Ok(deleted)
    }
}

/// A query of `sqlx::any`, as its values are bound.
type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

/// Rows per multi-row statement: at six values a row, far under the
/// limits on bound values (SQLite's 32,766, PostgreSQL's 65,535).
const ROWS_PER_STATEMENT: usize = 500;

/// Inserts `rows` in multi-row statements of [`ROWS_PER_STATEMENT`]:
/// `{head} VALUES (…), (…) {tail}`, `cols` values a row, which `bind`
/// binds in order.
async fn insert_rows<T>(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    head: &str,
    cols: usize,
    tail: &str,
    rows: &[T],
    bind: impl for<'a> Fn(AnyQuery<'a>, &'a T) -> AnyQuery<'a>,
) -> Result<(), StoreError> {
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let sql = multi_row(head, chunk.len(), cols, tail);
        let query = chunk.iter().fold(sqlx::query(&sql), &bind);
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

/// `{head} VALUES ($1, …, $cols), ($cols+1, …), … {tail}`: `rows` rows of
/// placeholders numbered the way PostgreSQL wants them (SQLite takes the
/// same; `sqlx::any`'s own query builder writes `?`, which PostgreSQL
/// does not).
fn multi_row(head: &str, rows: usize, cols: usize, tail: &str) -> String {
    use std::fmt::Write as _;
    let mut sql = format!("{head} VALUES ");
    for r in 0..rows {
        sql.push_str(if r == 0 { "(" } else { ", (" });
        for c in 0..cols {
            let sep = if c == 0 { "" } else { ", " };
            // Writing to a String cannot fail.
            let _ = write!(sql, "{sep}${}", r * cols + c + 1);
        }
        sql.push(')');
    }
    if !tail.is_empty() {
        sql.push(' ');
        sql.push_str(tail);
    }
    sql
}

/// A text kept for review: guild, channel, kind, text, entry.
type Text<'a> = (u64, u64, TextKind, &'a str, Option<&'a str>);

/// Keeps `texts` for review, each cut to [`TEXT_CAP`] characters.
async fn insert_texts(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    at: i64,
    texts: &[Text<'_>],
) -> Result<(), StoreError> {
    insert_rows(
        tx,
        "INSERT INTO review_texts (guild_id, channel_id, at, kind, text, entry_id)",
        6,
        "",
        texts,
        |q, &(guild, channel, kind, text, entry)| {
            q.bind(id(guild))
                .bind(id(channel))
                .bind(at)
                .bind(kind.as_str())
                .bind(cap(text.trim()))
                .bind(entry)
        },
    )
    .await
}

fn review_text(row: &AnyRow) -> Result<ReviewText, StoreError> {
    Ok(ReviewText {
        guild: unid(row.try_get(0)?),
        at: row.try_get(1)?,
        kind: row.try_get(2)?,
        text: row.try_get(3)?,
    })
}

fn entry_of(entries: &mut BTreeMap<String, EntryStats>, id: String) -> &mut EntryStats {
    entries.entry(id.clone()).or_insert(EntryStats {
        id,
        answers: 0,
        helpful: 0,
        unhelpful: 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted_from_urls() {
        assert_eq!(
            redact("postgres://bot:s3cret@db.example:5432/faq?sslmode=disable"),
            "postgres://bot:[redacted]@db.example:5432/faq?sslmode=disable"
        );
        assert_eq!(
            redact("postgres://postgres@127.0.0.1/test"),
            "postgres://postgres@127.0.0.1/test"
        );
        assert_eq!(redact("sqlite://faqbot.db"), "sqlite://faqbot.db");
        assert_eq!(password("postgres://a:p@w@h/x"), Some("p@w"));
    }

    #[test]
    fn texts_are_capped_at_600_characters() {
        let long = "é".repeat(700);
        assert_eq!(cap(&long).chars().count(), TEXT_CAP);
        assert_eq!(cap("short"), "short");
    }

    #[test]
    fn ids_round_trip_through_signed_columns() {
        for x in [0, 1, 1_234_567_890_123_456_789, u64::MAX] {
            assert_eq!(unid(id(x)), x);
        }
    }
}
