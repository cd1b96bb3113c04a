//! `/ask question`: the answer, privately, with a button to post it; or
//! suggestions; autocomplete offers FAQ questions as the user types.

use serenity::all::{CommandOptionType, CreateCommand, CreateCommandOption};
use serenity::async_trait;

use super::{Call, CommandError, SlashCommand};
use crate::discord::state::Record;
use crate::discord::State;
use crate::matcher::Verdict;
use crate::render::discord::{self as view, limits, CommandHelp, Reply, CHOICE_PREFIX};
use crate::store::{Asked, Outcome, TextKind};

const QUESTION: &str = "question";

pub struct Ask;

#[async_trait]
impl SlashCommand for Ask {
    fn name(&self) -> &'static str {
        "ask"
    }

    fn define(&self, command: CreateCommand, kb: &crate::kb::KnowledgeBase) -> CreateCommand {
        let about = format!("Ask the {} FAQ", kb.role_names().join(" / "));
        command
            .description(view::fit(&about, limits::COMMAND_DESCRIPTION))
            .add_option(
                CreateCommandOption::new(
                    CommandOptionType::String,
                    QUESTION,
                    "Your question about either career",
                )
                .required(true)
                .set_autocomplete(true)
                .max_length(300),
            )
    }

    fn help(&self) -> Option<CommandHelp> {
        Some(CommandHelp {
            name: self.name(),
            options: format!("`{QUESTION}`"),
            what: "ask; suggestions appear as you type. Only you see the answer, with a button to post it.",
        })
    }

    async fn run(&self, call: &Call<'_>) -> Result<Reply, CommandError> {
        let question = call.required(QUESTION)?;
        let faq = call.state.faq();
        let kb = &faq.kb;
        // A picked suggestion names its entry: that entry, exactly.
        if let Some(entry) = question
            .strip_prefix(CHOICE_PREFIX)
            .and_then(|id| kb.entry(id))
        {
            return Ok(view::private_answer(kb, entry, 1.0));
        }
        let asker = call.cmd.user.id.get();
        let started = std::time::Instant::now();
        let verdict = faq.matcher.ask(question);
        metrics::histogram!("faqbot_match_seconds").record(started.elapsed().as_secs_f64());
        let (outcome, answered) = match &verdict {
            Verdict::Answer { hit, .. } => {
                (Outcome::Answered, Some(kb.entries()[hit.entry].id.clone()))
            }
            Verdict::Suggest(_) => (Outcome::Suggested, None),
            Verdict::Silent => (Outcome::Silent, None),
        };
        let review =
            (outcome != Outcome::Answered).then(|| (TextKind::Unanswered, question.to_owned()));
        call.state.record(Record {
            guild: call.cmd.guild_id.map_or(0, serenity::all::GuildId::get),
            channel: call.cmd.channel_id.get(),
            asked: Asked::Slash,
            outcome,
            answered,
            review,
        });
        Ok(match verdict {
            Verdict::Answer { hit, .. } => {
                view::private_answer(kb, &kb.entries()[hit.entry], hit.score)
            }
            Verdict::Suggest(hits) => view::no_match(kb, &hits, asker),
            Verdict::Silent => view::no_match(kb, &[], asker),
        })
    }

    fn autocomplete(&self, state: &State, typed: &str) -> Vec<(String, String)> {
        let faq = state.faq();
        let entries = faq.matcher.complete(typed, limits::CHOICES);
        view::choices(&faq.kb, &entries)
    }
}
