//! The command line: parse (clap), run one command, map the outcome to an
//! exit code (0 done, 1 nothing found, 2 error). The only clap import.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};

use crate::compare::{compare, profile};
use crate::kb::{embedded, load_dir, KnowledgeBase, Role};
use crate::matcher::{Matcher, Verdict};
use crate::render;

/// Answers questions about the Data Scientist and Machine Learning Engineer
/// careers from a curated FAQ, on the command line and on Discord.
#[derive(Debug, Parser)]
#[command(name = "faqbot", version)]
pub struct Cli {
    /// The FAQ folder, or `FAQBOT_FAQ_DIR`; `None`: see [`FaqSource::resolve`].
    // Not clap's `env`: it refuses an empty FAQBOT_FAQ_DIR= (as
    // .env.example ships it) instead of treating it as unset.
    #[arg(
        long,
        global = true,
        value_name = "DIR",
        help = "The FAQ folder [env: FAQBOT_FAQ_DIR] (default: ./faq if there is one, else \
                the FAQ built into the binary)"
    )]
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
    Check {
        /// Refuse (exit 2) a FAQ with warnings: an entry its own phrasings
        /// do not find first, or two entries with the same phrasing.
        #[arg(long)]
        strict: bool,
    },
    /// Run the Discord bot (configured by the environment and .env; see
    /// .env.example).
    Run,
    /// Remove this application's slash commands from one scope: the stale
    /// copies `faqbot run` warns about after a move between guild and
    /// global commands. Needs `DISCORD_TOKEN`.
    #[command(group(clap::ArgGroup::new("scope").required(true).args(["global", "guild"])))]
    Unregister {
        /// Remove the global commands.
        #[arg(long)]
        global: bool,
        /// Remove the commands registered in this server (guild id).
        #[arg(long, value_name = "ID")]
        guild: Option<u64>,
    },
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

/// Which FAQ a command serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaqSource {
    /// A folder of FAQ files: watched and reloadable.
    Folder(PathBuf),
    /// The FAQ built into the binary: the binary runs wherever it is
    /// copied, with nothing beside it.
    Embedded,
}

impl FaqSource {
    /// `--faq DIR` (or `FAQBOT_FAQ_DIR`) when given; else `./faq` when the
    /// working directory has one (a maintainer's checkout); else the
    /// embedded FAQ. Never the build folder: it may not exist where the
    /// binary runs.
    pub fn resolve(named: Option<PathBuf>) -> FaqSource {
        match named {
            Some(dir) => FaqSource::Folder(dir),
            None if Path::new("faq").is_dir() => FaqSource::Folder(PathBuf::from("faq")),
            None => FaqSource::Embedded,
        }
    }

    /// Loads and validates it.
    pub fn load(&self) -> Result<KnowledgeBase> {
        match self {
            FaqSource::Folder(dir) => {
                load_dir(dir).with_context(|| format!("the FAQ in {} has problems", dir.display()))
            }
            FaqSource::Embedded => embedded().context("the embedded FAQ has problems"),
        }
    }

    /// The folder to watch and reload, if any.
    pub fn folder(&self) -> Option<&Path> {
        match self {
            FaqSource::Folder(dir) => Some(dir),
            FaqSource::Embedded => None,
        }
    }

    /// `the embedded FAQ` or `the FAQ folder faq`, for logs and `check`.
    pub fn describe(&self) -> String {
        match self {
            FaqSource::Folder(dir) => format!("the FAQ folder {}", dir.display()),
            FaqSource::Embedded => "the embedded FAQ".to_owned(),
        }
    }
}

/// Runs one parsed command; `Ok(false)` means it ran but found nothing.
pub fn run(cli: Cli) -> Result<ExitCode> {
    let source = FaqSource::resolve(cli.faq.clone().or_else(crate::config::faq_dir_from_env));
    match cli.command {
        Command::Run => return run_bot(&source),
        Command::Unregister { guild, .. } => return unregister(guild),
        _ => {}
    }
    let kb = source.load()?;
    // Stderr, and only at debug: stdout is the answer (or JSON), and a
    // one-shot command should print nothing else by default. `check`
    // prints it.
    tracing::debug!(faq = %source.describe(), entries = kb.entries().len(), "serving");
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
        Command::Run | Command::Unregister { .. } => unreachable!("handled above"),
        Command::Check { strict } => {
            let findings = Matcher::new(&kb).self_check(&kb);
            for f in &findings {
                eprintln!("faqbot: warning: {f}");
            }
            if strict && !findings.is_empty() {
                eprintln!(
                    "faqbot: {} warning(s); --strict refuses the FAQ",
                    findings.len()
                );
                return Ok(ExitCode::from(2));
            }
            writeln!(
                out,
                "{}: ok, {} entries, {} aspects, {} role profiles, {} sources",
                source.describe(),
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
    let explained =
        |q: &str| render::explanation_view(kb, q, &matcher.explain(q), matcher.thresholds());
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

/// `faqbot unregister --global | --guild ID`.
fn unregister(guild: Option<u64>) -> Result<ExitCode> {
    let config = match crate::config::BotConfig::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("faqbot: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    let scope = match guild {
        Some(id) => crate::discord::Scope::Guild(id),
        None => crate::discord::Scope::Global,
    };
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    let removed = runtime.block_on(crate::discord::unregister(&config, scope))?;
    match scope {
        crate::discord::Scope::Global => println!("removed {removed} global slash commands"),
        crate::discord::Scope::Guild(id) => {
            println!("removed {removed} slash commands from server {id}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `faqbot run`: configuration problems are reported together and exit 2
/// before anything connects.
fn run_bot(source: &FaqSource) -> Result<ExitCode> {
    let mut config = match crate::config::BotConfig::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("faqbot: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    let kb = source.load()?;
    tracing::info!(faq = %source.describe(), entries = kb.entries().len(), "serving");
    config.faq_folder = source.folder().map(Path::to_path_buf);
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(crate::discord::serve(
        config,
        kb,
        crate::discord::shutdown_signal(),
    ))?;
    Ok(ExitCode::SUCCESS)
}
