//! The store, on both backends: every test runs on a SQLite file in a
//! temporary folder, and on PostgreSQL when `FAQBOT_TEST_POSTGRES_URL`
//! names a server (`.ci/run` sets it), each in a schema of its own that is
//! dropped afterwards. Without the variable the PostgreSQL half says that
//! it did not run.

#![allow(
    clippy::unwrap_used,
    reason = "test code: a failed unwrap is a failed test"
)]

use std::sync::atomic::{AtomicU32, Ordering};

use faqbot::store::{Asked, GuildSettings, Outcome, Question, Store, TextKind, TEXT_CAP};

const DAY: i64 = 86_400;
/// 2026-12-01 12:00 UTC: tests pass times in, so none depends on the clock.
const NOON: i64 = 20_788 * DAY + DAY / 2;

/// A store to test, and what to clean up when it is dropped.
pub(crate) struct TestStore {
    pub(crate) store: Store,
    #[allow(dead_code, reason = "the two-process test hands it to the processes")]
    pub(crate) url: String,
    _dir: Option<tempfile::TempDir>,
    schema: Option<(String, String)>,
}

impl Drop for TestStore {
    fn drop(&mut self) {
        let Some((base, schema)) = self.schema.take() else {
            return;
        };
        // Drop runs outside async: a thread of its own with its own runtime.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async {
                sqlx::any::install_default_drivers();
                let mut c = <sqlx::AnyConnection as sqlx::Connection>::connect(&base)
                    .await
                    .unwrap();
                sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
                    .execute(&mut c)
                    .await
                    .unwrap();
            });
        })
        .join();
    }
}

/// A fresh SQLite file.
pub(crate) async fn sqlite() -> TestStore {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("faqbot.db").display());
    TestStore {
        store: Store::open(&url).await.unwrap(),
        url,
        _dir: Some(dir),
        schema: None,
    }
}

/// `FAQBOT_TEST_POSTGRES_URL`, or `None` after saying the test did not run.
pub(crate) fn postgres_url(test: &str) -> Option<String> {
    match std::env::var("FAQBOT_TEST_POSTGRES_URL") {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ => {
            eprintln!(
                "NOT RUN on PostgreSQL: {test} (set FAQBOT_TEST_POSTGRES_URL, as .ci/run does)"
            );
            None
        }
    }
}

/// A fresh schema on the PostgreSQL server of `base`, and its URL.
pub(crate) async fn postgres_schema(base: &str) -> (String, String) {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let schema = format!(
        "faqbot_test_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    sqlx::any::install_default_drivers();
    let mut c = <sqlx::AnyConnection as sqlx::Connection>::connect(base)
        .await
        .unwrap();
    sqlx::query(&format!("CREATE SCHEMA {schema}"))
        .execute(&mut c)
        .await
        .unwrap();
    let sep = if base.contains('?') { '&' } else { '?' };
    (
        schema.clone(),
        format!("{base}{sep}options[search_path]={schema}"),
    )
}

/// A fresh PostgreSQL schema, when the server is configured.
pub(crate) async fn postgres(test: &str) -> Option<TestStore> {
    let base = postgres_url(test)?;
    let (schema, url) = postgres_schema(&base).await;
    Some(TestStore {
        store: Store::open(&url).await.unwrap(),
        url,
        _dir: None,
        schema: Some((base, schema)),
    })
}

/// Runs `check` on SQLite, then on PostgreSQL when configured.
macro_rules! on_both {
    ($name:ident, $check:ident) => {
        #[tokio::test]
        async fn $name() {
            $check(&sqlite().await.store).await;
            if let Some(pg) = postgres(stringify!($name)).await {
                $check(&pg.store).await;
            }
        }
    };
}

fn question(guild: u64, outcome: Outcome, entry: Option<&str>) -> Question<'_> {
    Question {
        guild,
        channel: 5,
        asked: Asked::Mention,
        outcome,
        entry,
        review: None,
    }
}

async fn counts_answers_and_votes(s: &Store) {
    let answered = question(1, Outcome::Answered, Some("mle-salary"));
    s.record_question(&answered, NOON).await.unwrap();
    s.record_question(&answered, NOON + 60).await.unwrap();
    s.record_question(&question(1, Outcome::Answered, Some("ds-skills")), NOON)
        .await
        .unwrap();
    s.record_question(&question(1, Outcome::Suggested, None), NOON)
        .await
        .unwrap();
    s.record_question(&question(2, Outcome::Silent, None), NOON)
        .await
        .unwrap();
    // Ten days ago: outside a 7-day window, inside a 30-day one.
    s.record_question(&answered, NOON - 10 * DAY).await.unwrap();
    s.record_vote(1, 5, "mle-salary", true, None, NOON)
        .await
        .unwrap();
    s.record_vote(
        1,
        5,
        "ds-skills",
        false,
        Some("what do DS do all day"),
        NOON,
    )
    .await
    .unwrap();

    let all = s.stats(None, 7, NOON).await.unwrap();
    assert_eq!(
        (
            all.days,
            all.questions,
            all.answered,
            all.suggested,
            all.silent
        ),
        (7, 5, 3, 1, 1)
    );
    assert_eq!((all.helpful, all.unhelpful), (1, 1));
    let ids: Vec<(&str, u64, u64, u64)> = all
        .entries
        .iter()
        .map(|e| (e.id.as_str(), e.answers, e.helpful, e.unhelpful))
        .collect();
    assert_eq!(ids, [("mle-salary", 2, 1, 0), ("ds-skills", 1, 0, 1)]);
    assert_eq!(s.stats(None, 30, NOON).await.unwrap().answered, 4);
    let guild2 = s.stats(Some(2), 7, NOON).await.unwrap();
    assert_eq!(
        (guild2.questions, guild2.silent, guild2.entries.len()),
        (1, 1, 0)
    );
    // The 👎 keeps its question for review.
    let texts = s.review_texts(0).await.unwrap();
    assert_eq!(texts.len(), 1);
    assert_eq!(
        (texts[0].kind.as_str(), texts[0].text.as_str()),
        ("unhelpful", "what do DS do all day")
    );
}
on_both!(
    answers_and_votes_are_counted_per_day_entry_and_guild,
    counts_answers_and_votes
);

/// A burst written as one batch: more distinct counts and texts than one
/// multi-row statement holds (500 rows), so the batch spans statements,
/// and each count lands once, summed, in its own guild.
async fn counts_a_large_batch(s: &Store) {
    let texts: Vec<String> = (0..1_201).map(|i| format!("question {i}?")).collect();
    let ids: Vec<String> = (0..3).map(|e| format!("entry-{e}")).collect();
    let batch: Vec<Question<'_>> = texts
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let guild = 1 + (i as u64 % 600);
            if i % 2 == 0 {
                question(guild, Outcome::Answered, Some(ids[i % 3].as_str()))
            } else {
                Question {
                    asked: Asked::Channel,
                    review: Some((TextKind::Near, text.as_str())),
                    ..question(guild, Outcome::Suggested, None)
                }
            }
        })
        .collect();
    s.record_questions(&batch, NOON).await.unwrap();
    let all = s.stats(None, 7, NOON).await.unwrap();
    assert_eq!(
        (all.questions, all.answered, all.suggested),
        (1_201, 601, 600)
    );
    let answers: u64 = all.entries.iter().map(|e| e.answers).sum();
    assert_eq!((all.entries.len(), answers), (3, 601));
    // Guild 1 got questions 0, 600 and 1200: all even, all answered.
    let one = s.stats(Some(1), 7, NOON).await.unwrap();
    assert_eq!((one.questions, one.answered), (3, 3));
    let kept = s.review_texts(0).await.unwrap();
    assert_eq!(kept.len(), 600);
    assert!(kept.iter().all(|t| t.kind.as_str() == "near"));
    assert!(kept.iter().any(|t| t.text == "question 1199?"));
}
on_both!(a_burst_is_counted_in_one_batch, counts_a_large_batch);

async fn keeps_capped_review_texts(s: &Store) {
    let long = "why ".repeat(200);
    let q = Question {
        review: Some((TextKind::Unanswered, &long)),
        ..question(1, Outcome::Silent, None)
    };
    s.record_question(&q, NOON).await.unwrap();
    let near = Question {
        asked: Asked::Channel,
        review: Some((TextKind::Near, "is kaggle worth it?")),
        ..question(1, Outcome::Silent, None)
    };
    s.record_question(&near, NOON + 1).await.unwrap();
    let texts = s.review_texts(NOON - DAY).await.unwrap();
    assert_eq!(texts.len(), 2);
    assert!(texts[0].text.chars().count() <= TEXT_CAP);
    assert_eq!(texts[1].kind, "near");
    assert!(s.review_texts(NOON + 2).await.unwrap().is_empty());
    s.ignore_group("is kaggle worth it?", NOON).await.unwrap();
    s.ignore_group("is kaggle worth it?", NOON).await.unwrap();
    assert_eq!(s.ignored_groups().await.unwrap(), ["is kaggle worth it?"]);
}
on_both!(
    review_texts_are_capped_and_groups_can_be_hidden,
    keeps_capped_review_texts
);

async fn settings_round_trip(s: &Store) {
    assert_eq!(s.settings(9).await.unwrap(), GuildSettings::default());
    let set = GuildSettings {
        channels: Some(vec![11, 1_234_567_890_123_456_789]),
        unprompted: Some(false),
        answer_threshold: Some(0.75),
        cooldown_secs: Some(5),
        review_channel: Some(12),
    };
    s.put_settings(9, &set, NOON).await.unwrap();
    assert_eq!(s.settings(9).await.unwrap(), set);
    let cleared = GuildSettings {
        channels: Some(vec![]),
        ..GuildSettings::default()
    };
    s.put_settings(9, &cleared, NOON).await.unwrap();
    assert_eq!(s.settings(9).await.unwrap(), cleared);
    assert_eq!(s.settings(10).await.unwrap(), GuildSettings::default());
}
on_both!(
    settings_are_kept_per_guild_and_replaced_whole,
    settings_round_trip
);

async fn forgets_one_guild(s: &Store) {
    for g in [1, 2] {
        let q = Question {
            review: Some((TextKind::Unanswered, "a question")),
            ..question(g, Outcome::Answered, Some("x"))
        };
        s.record_question(&q, NOON).await.unwrap();
        s.record_vote(g, 5, "x", true, None, NOON).await.unwrap();
        s.put_settings(g, &GuildSettings::default(), NOON)
            .await
            .unwrap();
    }
    // question_counts, answer_counts, votes, review_texts, guild_settings.
    assert_eq!(s.forget_guild(1).await.unwrap(), 5);
    assert_eq!(s.stats(Some(1), 7, NOON).await.unwrap().questions, 0);
    assert_eq!(s.stats(Some(2), 7, NOON).await.unwrap().questions, 1);
    assert_eq!(s.review_texts(0).await.unwrap().len(), 1);
}
on_both!(
    forget_deletes_everything_of_one_guild_only,
    forgets_one_guild
);

async fn retention(s: &Store) {
    let q = Question {
        review: Some((TextKind::Unanswered, "old")),
        ..question(1, Outcome::Answered, Some("x"))
    };
    s.record_question(&q, NOON - 40 * DAY).await.unwrap();
    s.record_vote(1, 5, "x", false, Some("old"), NOON - 40 * DAY)
        .await
        .unwrap();
    let recent = Question {
        review: Some((TextKind::Unanswered, "new")),
        ..q
    };
    s.record_question(&recent, NOON - 2 * DAY).await.unwrap();
    s.put_settings(1, &GuildSettings::default(), NOON - 40 * DAY)
        .await
        .unwrap();
    // Old: a question count, an answer count, a vote, two texts.
    assert_eq!(s.purge(30, NOON).await.unwrap(), 5);
    let texts = s.review_texts(0).await.unwrap();
    assert_eq!(
        texts.iter().map(|t| t.text.as_str()).collect::<Vec<_>>(),
        ["new"]
    );
    assert_eq!(s.stats(None, 365, NOON).await.unwrap().answered, 1);
    assert!(
        s.settings(1).await.is_ok(),
        "settings are not usage: they stay"
    );
    assert_eq!(s.purge(30, NOON).await.unwrap(), 0);
}
on_both!(retention_deletes_usage_older_than_the_limit, retention);

async fn notices(s: &Store) {
    assert!(s.claim_notice(1, NOON).await.unwrap());
    assert!(!s.claim_notice(1, NOON + 3600).await.unwrap(), "once a day");
    assert!(s.claim_notice(2, NOON).await.unwrap(), "per guild");
    assert!(s.claim_notice(1, NOON + DAY).await.unwrap(), "the next day");
}
on_both!(the_daily_notice_is_claimed_once_a_day_per_guild, notices);

#[tokio::test]
async fn sqlite_is_created_on_first_use_in_wal_mode_and_migrated_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.db");
    let url = format!("sqlite://{}", path.display());
    let s = Store::open(&url).await.unwrap();
    assert!(path.exists());
    s.close().await;
    // Reopening runs no migration twice and keeps the data.
    let s = Store::open(&url).await.unwrap();
    s.put_settings(1, &GuildSettings::default(), NOON)
        .await
        .unwrap();
    s.close().await;
    let s = Store::open(&url).await.unwrap();
    assert!(s.settings(1).await.is_ok());
    s.close().await;
    sqlx::any::install_default_drivers();
    let mut c = <sqlx::AnyConnection as sqlx::Connection>::connect(&url)
        .await
        .unwrap();
    let mode: String = sqlx::Row::get(
        &sqlx::query("PRAGMA journal_mode")
            .fetch_one(&mut c)
            .await
            .unwrap(),
        0,
    );
    assert_eq!(mode, "wal");
}

#[tokio::test]
async fn a_store_that_cannot_be_opened_names_its_url_without_the_password() {
    // Nothing listens on port 1.
    let e = Store::open("postgres://bot:hunter2@127.0.0.1:1/faq")
        .await
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("postgres://bot:[redacted]@127.0.0.1:1/faq"),
        "{e}"
    );
    assert!(!e.contains("hunter2"), "{e}");
    let e = Store::open("sqlite:///nonexistent-dir/x/faqbot.db")
        .await
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("cannot open the store at sqlite:///nonexistent-dir"),
        "{e}"
    );
    if let Some(base) = postgres_url("a_wrong_password_is_redacted") {
        // Trust auth accepts any password; an unknown database is refused.
        let url = base.replacen("postgres://postgres@", "postgres://postgres:hunter2@", 1);
        let url = format!("{}_missing_db", url.split('?').next().unwrap());
        let e = Store::open(&url).await.unwrap_err().to_string();
        assert!(!e.contains("hunter2") && e.contains("[redacted]"), "{e}");
    }
}
