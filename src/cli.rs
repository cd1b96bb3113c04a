//! The command line: parse (clap), run one command, map the outcome to an
//! exit code (0 done, 1 nothing found, 2 error). The only clap import.

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};

use crate::compare::{compare, profile};
use crate::kb::{load_dir, KnowledgeBase, Role};
use crate::matcher::{Matcher, Verdict};
use crate::render;

/// Answers questions about the Data Scientist and Machine Learning Engineer
/// careers from a curated FAQ, on the command line and on Discord.
#[derive(Debug, Parser)]
#[command(name = "faqbot", version)]
pub struct Cli {
    /// The FAQ folder (default: the project's faq/).
    #[arg(long, global = true, env = "FAQBOT_FAQ_DIR", value_name = "DIR")]
    pub faq: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Ask the FAQ a question.
    Ask {
        /// The question; with --json and no question, one question a line
        /// is read from standard input.
        question: Option<String>,
        /// Print JSON: one object per question.
        #[arg(long)]
        json: bool,
        /// Show how the question was read, each candidate's signals and
        /// what they add up to; with --json, one object per question.
        #[arg(long)]
        explain: bool,
    },
    /// Compare the two roles on one aspect, or on all of them.
    Compare {
        /// An aspect id or name, such as `salary` or `tools`.
        aspect: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// The profile of one role.
    Role {
        #[arg(value_enum)]
        role: RoleArg,
    },
    /// List every FAQ entry.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Validate the FAQ folder and say what it holds.
    Check,
    /// Run the Discord bot (configured by the environment and .env; see
    /// .env.example).
    Run,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RoleArg {
    DataScientist,
    MlEngineer,
}

impl From<RoleArg> for Role {
    fn from(r: RoleArg) -> Role {
        match r {
            RoleArg::DataScientist => Role::DataScientist,
            RoleArg::MlEngineer => Role::MlEngineer,
        }
    }
}

/// The FAQ folder shipped with the project, wherever the binary is run from.
pub fn default_faq_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("faq")
}

/// Runs one parsed command; `Ok(false)` means it ran but found nothing.
pub fn run(cli: Cli) -> Result<ExitCode> {
    let dir = cli.faq.clone().unwrap_or_else(default_faq_dir);
    if matches!(cli.command, Command::Run) {
        return run_bot(&dir);
    }
    let kb =
        load_dir(&dir).with_context(|| format!("the FAQ in {} has problems", dir.display()))?;
    let out = std::io::stdout();
    let mut out = out.lock();
    match cli.command {
        Command::Ask {
            question,
            json,
            explain,
        } => ask(&kb, question, json, explain, &mut out),
        Command::Compare { aspect, json } => {
            let aspects = match compare(&kb, aspect.as_deref()) {
                Ok(a) => a,
                Err(e) => {
                    eprintln!("faqbot: {e}");
                    return Ok(ExitCode::from(2));
                }
            };
            let views: Vec<_> = aspects.into_iter().map(render::aspect_view).collect();
            if json {
                writeln!(out, "{}", serde_json::to_string_pretty(&views)?)?;
            } else {
                write!(out, "{}", render::render_aspects_text(&views))?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Role { role } => {
            write!(
                out,
                "{}",
                render::render_profile_text(&profile(&kb, role.into()))
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Command::List { json } => {
            if json {
                writeln!(out, "{}", serde_json::to_string_pretty(kb.entries())?)?;
            } else {
                write!(out, "{}", render::render_list_text(&kb))?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Run => unreachable!("handled above"),
        Command::Check => {
            writeln!(
                out,
                "{}: ok, {} entries, {} aspects, {} role profiles, {} sources",
                dir.display(),
                kb.entries().len(),
                kb.aspects().len(),
                [Role::DataScientist, Role::MlEngineer]
                    .iter()
                    .filter(|r| kb.role(**r).is_some())
                    .count(),
                kb.sources().len()
            )?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn ask(
    kb: &KnowledgeBase,
    question: Option<String>,
    json: bool,
    explain: bool,
    out: &mut impl Write,
) -> Result<ExitCode> {
    let matcher = Matcher::new(kb);
    let explained = |q: &str| {
        render::explanation_view(kb, q, &matcher.explain(q), matcher.thresholds())
    };
    let Some(question) = question else {
        if !json {
            anyhow::bail!("give a question, or use --json to read questions from standard input");
        }
        // One question a line, one JSON object a line, in order: a grader or
        // a script can stream a whole question set through one process.
        for line in std::io::stdin().lock().lines() {
            let line = line.context("reading questions from standard input")?;
            if explain {
                writeln!(out, "{}", serde_json::to_string(&explained(&line))?)?;
            } else {
                let view = render::ask_view(kb, &line, &matcher.ask(&line));
                writeln!(out, "{}", serde_json::to_string(&view)?)?;
            }
        }
        return Ok(ExitCode::SUCCESS);
    };
    if explain {
        if json {
            writeln!(out, "{}", serde_json::to_string(&explained(&question))?)?;
        } else {
            let x = matcher.explain(&question);
            write!(
                out,
                "{}",
                render::render_explanation_text(kb, &x, matcher.thresholds())
            )?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    let verdict = matcher.ask(&question);
    let view = render::ask_view(kb, &question, &verdict);
    if json {
        writeln!(out, "{}", serde_json::to_string(&view)?)?;
    } else {
        write!(out, "{}", render::render_ask_text(&view))?;
    }
    Ok(if matches!(verdict, Verdict::Answer { .. }) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// `faqbot run`: configuration problems are reported together and exit 2
/// before anything connects.
fn run_bot(dir: &std::path::Path) -> Result<ExitCode> {
    let config = match crate::config::BotConfig::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("faqbot: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    let kb = load_dir(dir).with_context(|| format!("the FAQ in {} has problems", dir.display()))?;
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(crate::discord::serve(
        config,
        kb,
        crate::discord::shutdown_signal(),
    ))?;
    Ok(ExitCode::SUCCESS)
}
