//! The review queue in Discord: `/faq-review`'s content for one server,
//! accepting (writing the file as `faqbot misses --accept` does, then
//! reloading so the phrasing is served at once), ignoring, and the daily
//! notice in a server's review channel.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context as _, Result};
use serenity::all::{ChannelId, Http};
use tracing::{info, warn};

use super::reload::{reload_and_log, Outcome};
use super::{convert, State};
use crate::logging::chain;
use crate::render::discord::review::{review, review_notice};
use crate::render::discord::{self as view, Reply};
use crate::review::accept::{add_alternate, AcceptError, Accepted};
use crate::review::{group, Group};

/// The review looks this far back.
const WINDOW_DAYS: i64 = 30;
/// How often the daily notices are looked at (each is posted once a day).
const NOTICE_EVERY: Duration = Duration::from_hours(1);

/// One server's groups, most asked first.
async fn groups(state: &State, guild: u64, since: i64) -> Result<Vec<Group>> {
    let store = state.store().context("this bot runs without a store")?;
    let texts = store.review_texts(since).await?;
    let hidden = store.ignored_groups().await?;
    let texts: Vec<&str> = texts
        .iter()
        .filter(|t| t.guild == guild)
        .map(|t| t.text.as_str())
        .collect();
    let faq = state.faq();
    Ok(group(&faq.matcher, &texts, &hidden))
}

fn since_window() -> i64 {
    crate::store::now() - WINDOW_DAYS * 86_400
}

/// `/faq-review` for `guild`: each group with the entries to offer,
/// nearest first.
pub async fn review_reply(state: &State, guild: u64) -> Result<Reply> {
    let groups = groups(state, guild, since_window()).await?;
    let faq = state.faq();
    let all = faq.kb.entries().len();
    let offered: Vec<(Group, Vec<usize>)> = groups
        .into_iter()
        .map(|g| {
            let ranked: Vec<usize> = faq.matcher.rank(&g.label).iter().map(|h| h.entry).collect();
            let rest = (0..all).filter(|e| !ranked.contains(e));
            let offer: Vec<usize> = ranked.iter().copied().chain(rest).collect();
            (g, offer)
        })
        .collect();
    Ok(review(&faq.kb, &offered))
}

/// Adds group `id`'s label to `entry`'s file, hides the group, and reloads.
pub async fn accept(state: &Arc<State>, http: &Http, guild: u64, id: &str, entry: &str) -> Reply {
    match try_accept(state, http, guild, id, entry).await {
        Ok(text) => view::notice(&text),
        Err(e) => {
            warn!(error = %chain(e.as_ref()), "accepting a review group failed");
            super::commands::internal_failure()
        }
    }
}

async fn try_accept(
    state: &Arc<State>,
    http: &Http,
    guild: u64,
    id: &str,
    entry: &str,
) -> Result<String> {
    let groups = groups(state, guild, since_window()).await?;
    let Some(g) = groups.iter().find(|g| g.id == id) else {
        return Ok("That group is no longer in the review queue.".into());
    };
    let faq = state.faq();
    let accepted = match add_alternate(state.folder.as_deref(), &faq.kb, entry, &g.label) {
        Ok(a) => a,
        Err(AcceptError::NoFolder) => {
            return Ok(
                "This bot serves the FAQ built into it: there is no FAQ folder to write \
                       the phrasing to. Start it with `--faq DIR` (or `FAQBOT_FAQ_DIR`) to accept \
                       phrasings from the review."
                    .into(),
            )
        }
        Err(e) => return Ok(format!("Not added: {e}")),
    };
    drop(faq);
    hide(state, g).await?;
    let file = match &accepted {
        Accepted::Added(f) | Accepted::AlreadyThere(f) => f.display().to_string(),
    };
    info!(guild, group = %g.id, entry, file = %file, "review group accepted");
    // Reloaded here rather than left to the watcher: the reply can say
    // it is served, and it is with FAQBOT_WATCH=false too.
    let outcome = reload_and_log(state, http, "review")
        .await
        .context("the reload task")?;
    let served = match outcome {
        Outcome::Reloaded(_) | Outcome::Unchanged => "It is served now.",
        Outcome::Failed(_) | Outcome::NoFolder => "The reload failed; see the log.",
    };
    Ok(match accepted {
        Accepted::Added(_) => format!(
            "Added {} as a phrasing of `{entry}` in `{file}`. {served}",
            quoted(&g.label)
        ),
        Accepted::AlreadyThere(_) => {
            format!("`{entry}` already has that phrasing; the group is hidden.")
        }
    })
}

fn quoted(text: &str) -> String {
    format!("`{}`", text.replace('`', " "))
}

async fn hide(state: &State, g: &Group) -> Result<()> {
    let store = state.store().context("this bot runs without a store")?;
    let now = crate::store::now();
    for key in &g.keys {
        store.ignore_group(key, now).await?;
    }
    Ok(())
}

/// Hides group `id` of `guild`.
pub async fn ignore(state: &State, guild: u64, id: &str) -> Reply {
    let result = async {
        let groups = groups(state, guild, since_window()).await?;
        match groups.iter().find(|g| g.id == id) {
            Some(g) => hide(state, g)
                .await
                .map(|()| "Hidden from the review queue."),
            None => Ok("That group is no longer in the review queue."),
        }
    }
    .await;
    match result {
        Ok(text) => view::notice(text),
        Err(e) => {
            warn!(error = %chain(e.as_ref()), "ignoring a review group failed");
            super::commands::internal_failure()
        }
    }
}

/// Posts each server's daily notice, if anything is new, for as long as
/// the process runs. Claimed in the store, so several processes post it
/// once between them.
pub async fn notices(state: Arc<State>, http: Arc<Http>) {
    let mut tick = tokio::time::interval(NOTICE_EVERY);
    loop {
        tick.tick().await;
        if let Err(e) = post_notices(&state, &http).await {
            state.store_failed("posting review notices", &e);
        }
    }
}

async fn post_notices(state: &State, http: &Http) -> Result<(), crate::store::StoreError> {
    let Some(store) = state.store() else {
        return Ok(());
    };
    let now = crate::store::now();
    for (guild, channel) in store.review_channels().await? {
        let hidden = store.ignored_groups().await?;
        let new = store
            .review_texts(now - 86_400)
            .await?
            .iter()
            .filter(|t| t.guild == guild && !hidden.contains(&crate::review::fold(&t.text)))
            .count();
        if new == 0 || !store.claim_notice(guild, now).await? {
            continue;
        }
        let message = convert::message(&review_notice(new));
        match ChannelId::new(channel).send_message(http, message).await {
            Ok(_) => info!(guild, channel, new, "review notice posted"),
            Err(e) => warn!(guild, channel, error = %chain(&e), "could not post the review notice"),
        }
    }
    Ok(())
}
