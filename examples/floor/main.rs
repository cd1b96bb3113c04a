//! The floor: the least a serenity bot can do under the load bench, to
//! measure faqbot against. It connects exactly as `faqbot run` does (the
//! same configuration, REST client and intents) and replies one fixed
//! embed to every message that reads as a question by the policy's cheap
//! gate before any matching (`faqbot::matcher::reads_as_question`: a `?`,
//! or an opening word from `faq/vocabulary.toml`'s `question_words`); no
//! matching, no store, no anti-spam.
//!
//! `DISCORD_TOKEN=… DISCORD_HTTP_PROXY=… cargo run --release --example floor`;
//! `benches/load.rs` starts it with `--bot floor` or `--bot both`.

use std::collections::HashSet;
use std::path::Path;

use faqbot::config::BotConfig;
use serenity::all::{
    ClientBuilder, Context, CreateEmbed, CreateMessage, EventHandler, Message, Ready,
};
use serenity::async_trait;

/// About the size of one of faqbot's answers.
const TITLE: &str = "Data Scientist vs. Machine Learning Engineer";
const TEXT: &str = "A data scientist turns data into decisions: framing questions, \
    analysing and modelling data, and explaining what it means. A machine learning \
    engineer turns models into dependable software: training pipelines, serving, \
    monitoring and the infrastructure around them. Both write code and both need \
    statistics; they differ in what they are accountable for.";

struct Floor {
    question_words: HashSet<String>,
}

#[async_trait]
impl EventHandler for Floor {
    async fn ready(&self, _: Context, ready: Ready) {
        // The bench waits for this line's effect (nothing is registered).
        tracing::info!(bot = %ready.user.name, "floor connected");
    }

    async fn message(&self, ctx: Context, msg: Message) {
        if msg.author.bot || !faqbot::matcher::reads_as_question(&msg.content, &self.question_words)
        {
            return;
        }
        let embed = CreateEmbed::new().title(TITLE).description(TEXT);
        let reply = CreateMessage::new().embed(embed).reference_message(&msg);
        if let Err(e) = msg.channel_id.send_message(&ctx.http, reply).await {
            tracing::warn!(error = %e, "could not send a reply");
        }
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    faqbot::logging::init(faqbot::config::LogFormat::from_env().0);
    let config = BotConfig::from_env().map_err(|e| anyhow::anyhow!("{e}"))?;
    // The gate's words come from the FAQ folder the bench serves, else the
    // embedded FAQ: the same data faqbot's policy reads.
    let kb = match std::env::var_os("FAQBOT_FAQ_DIR") {
        Some(dir) => faqbot::kb::load_dir(Path::new(&dir))?,
        None => faqbot::kb::embedded()?,
    };
    let floor = Floor {
        question_words: kb.vocabulary().question_words.iter().cloned().collect(),
    };
    drop(kb);
    let mut client =
        ClientBuilder::new_with_http(faqbot::discord::http(&config), faqbot::discord::INTENTS)
            .event_handler(floor)
            .await?;
    client.start_autosharded().await?;
    Ok(())
}
