//! Every slash command in one place: its definition (what Discord shows)
//! and what it answers. The handler routes here; replies come from
//! [`crate::render::discord`].

use serenity::all::{
    CommandInteraction, CommandOptionType, CreateCommand, CreateCommandOption, Permissions,
};

use super::reload::Outcome;

use super::State;
use crate::compare::profile;
use crate::kb::Role;
use crate::matcher::Verdict;
use crate::render::discord::{self as view, Reply, CHOICE_PREFIX};

/// The names of every command, in registration order.
pub const NAMES: [&str; 6] = ["ask", "compare", "role", "faq", "help", RELOAD];

/// The admins' command that reloads the FAQ files.
pub const RELOAD: &str = "faq-reload";

/// The command set, built from the FAQ (the aspect choices).
pub fn definitions(state: &State) -> Vec<CreateCommand> {
    let faq = state.faq();
    let kb = &faq.kb;
    let question = CreateCommandOption::new(
        CommandOptionType::String,
        "question",
        "Your question about either career",
    )
    .required(true)
    .set_autocomplete(true)
    .max_length(300);
    let mut aspect = CreateCommandOption::new(
        CommandOptionType::String,
        "aspect",
        "One aspect (leave empty for all of them)",
    );
    for a in kb.aspects().iter().take(view::limits::CHOICES) {
        aspect =
            aspect.add_string_choice(view::fit(&a.name, view::limits::CHOICE_NAME), a.id.clone());
    }
    let mut role =
        CreateCommandOption::new(CommandOptionType::String, "role", "Which role").required(true);
    for r in Role::ALL {
        role = role.add_string_choice(r.title(), r.id());
    }
    vec![
        CreateCommand::new("ask")
            .description("Ask the Data Scientist / ML Engineer FAQ")
            .add_option(question),
        CreateCommand::new("compare")
            .description("Data Scientist vs Machine Learning Engineer, side by side")
            .add_option(aspect),
        CreateCommand::new("role")
            .description("The profile of one role")
            .add_option(role),
        CreateCommand::new("faq").description("Browse every FAQ entry"),
        CreateCommand::new("help").description("What this bot does and how to use it"),
        // Admins only by default (Manage Server); server owners can change
        // who sees it in the server's Integrations settings.
        CreateCommand::new(RELOAD)
            .description("Reload the FAQ files now and say what changed")
            .default_member_permissions(Permissions::MANAGE_GUILD)
            .dm_permission(false),
    ]
}

fn string_option<'a>(cmd: &'a CommandInteraction, name: &str) -> Option<&'a str> {
    cmd.data
        .options
        .iter()
        .find(|o| o.name == name)
        .and_then(|o| o.value.as_str())
}

/// The reply to a slash command.
pub fn run(state: &State, cmd: &CommandInteraction) -> Reply {
    let faq = state.faq();
    let kb = &faq.kb;
    match cmd.data.name.as_str() {
        "ask" => {
            let question = string_option(cmd, "question").unwrap_or_default();
            // A picked suggestion names its entry: that entry, exactly.
            if let Some(entry) = question
                .strip_prefix(CHOICE_PREFIX)
                .and_then(|id| kb.entry(id))
            {
                return view::private_answer(entry, 1.0);
            }
            match faq.matcher.ask(question) {
                Verdict::Answer { hit, .. } => {
                    view::private_answer(&kb.entries()[hit.entry], hit.score)
                }
                Verdict::Suggest(hits) => view::no_match(kb, &hits, cmd.user.id.get()),
                Verdict::Silent => view::no_match(kb, &[], cmd.user.id.get()),
            }
        }
        "compare" => match string_option(cmd, "aspect") {
            None => view::overview(kb.aspects()),
            Some(key) => match kb.aspect(key) {
                Some(a) => view::aspect(a),
                None => user_error(&format!(
                    "I don't know that aspect. Try one of: {}.",
                    kb.aspects()
                        .iter()
                        .map(|a| a.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            },
        },
        "role" => match string_option(cmd, "role").and_then(Role::from_id) {
            Some(role) => view::role_profile(&profile(kb, role)),
            None => user_error("Pick a role: Data Scientist or Machine Learning Engineer."),
        },
        "faq" => view::faq_page(kb, 0),
        "help" => {
            let listening = state.listens_in(cmd.channel_id.get());
            view::help(kb.entries().len(), listening)
        }
        // A command Discord still has from an older version of the bot.
        _ => user_error("That command is gone; try `/help`."),
    }
}

/// The `/ask` autocomplete choices for what the user has typed.
pub fn autocomplete(state: &State, typed: &str) -> Vec<(String, String)> {
    let faq = state.faq();
    let entries = faq.matcher.complete(typed, view::limits::CHOICES);
    view::choices(&faq.kb, &entries)
}

/// A short private note for a user's mistake.
pub fn user_error(text: &str) -> Reply {
    Reply {
        content: Some(view::fit(text, view::limits::CONTENT)),
        ephemeral: true,
        ..Reply::default()
    }
}

/// The private answer to `/faq-reload`.
pub fn reload_reply(outcome: &Outcome) -> Reply {
    let text = match outcome {
        Outcome::NoFolder => "This bot serves the FAQ built into it: there is no FAQ folder to \
                              reload. Start it with `--faq DIR` (or `FAQBOT_FAQ_DIR`) to serve \
                              and reload a folder."
            .to_owned(),
        Outcome::Unchanged => "The FAQ files load fine and nothing changed.".to_owned(),
        Outcome::Reloaded(changes) => format!("FAQ reloaded: {changes}."),
        Outcome::Failed(e) => format!(
            "The FAQ files have problems, so the previous FAQ is still served:\n```\n{e}\n```"
        ),
    };
    let mut reply = user_error(&text);
    // A long error list is cut, but its code block stays closed.
    if let Some(content) = &mut reply.content {
        if content.matches("```").count() % 2 == 1 {
            let keep = view::limits::CONTENT - 4;
            *content = format!("{}\n```", view::fit(content, keep));
        }
    }
    reply
}
