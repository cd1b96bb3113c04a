//! The command line: parse (clap), run one command, map the outcome to an
//! exit code (0 done, 1 nothing found, 2 error). The only clap import.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};

use crate::compare::{compare, profile};
use crate::kb::{embedded, load_dir, KnowledgeBase};
use crate::matcher::{Matcher, Verdict};
use crate::render;

/// Answers questions about careers from a curated FAQ (the roles are those
/// its roles.toml defines), on the command line and on Discord.
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
    /// Compare the roles on one aspect, or on all of them.
    Compare {
        /// An aspect id or name, such as `salary` or `tools`.
        aspect: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// The profile of one role.
    Role {
        /// A role's id, as the FAQ's roles.toml defines it (`ml-engineer`).
        role: String,
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
    /// Questions, answers and votes from the store (`FAQBOT_DATABASE_URL`).
    Stats {
        /// Over the last N days, today included.
        #[arg(long, value_name = "N", default_value_t = 30)]
        days: u32,
        #[arg(long)]
        json: bool,
    },
    /// The review queue: stored questions the bot did not answer, grouped
    /// by similarity, most asked first.
    Misses {
        /// Over the last N days.
        #[arg(long, value_name = "N", default_value_t = 30)]
        days: u32,
        #[arg(long)]
        json: bool,
        /// Add this group's most typical question as an alternate of
        /// --entry, in that entry's own FAQ file.
        #[arg(
            long,
            value_name = "GROUP",
            requires = "entry",
            conflicts_with = "ignore"
        )]
        accept: Option<String>,
        /// The entry that gets the accepted phrasing.
        #[arg(long, value_name = "ID", requires = "accept")]
        entry: Option<String>,
        /// Hide this group from the queue.
        #[arg(long, value_name = "GROUP")]
        ignore: Option<String>,
    },
    /// Delete everything the store holds about one server, for when it
    /// removes the bot.
    Forget {
        /// The server (guild) id.
        #[arg(long, value_name = "ID")]
        guild: u64,
    },
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
        Command::Stats { days, json } => return stats(days, json),
        Command::Forget { guild } => return forget(guild),
        Command::Misses {
            days,
            json,
            accept,
            entry,
            ignore,
        } => {
            let kb = source.load()?;
            let action = match (accept, entry, ignore) {
                (Some(group), Some(entry), _) => MissAction::Accept { group, entry },
                (_, _, Some(group)) => MissAction::Ignore { group },
                _ => MissAction::List { json },
            };
            return misses(&kb, source.folder(), days, action);
        }
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
            let views: Vec<_> = aspects
                .into_iter()
                .map(|a| render::aspect_view(&kb, a))
                .collect();
            if json {
                writeln!(out, "{}", serde_json::to_string_pretty(&views)?)?;
            } else {
                write!(out, "{}", render::render_aspects_text(&views))?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Role { role } => role_profile(&kb, &role, &mut out),
        Command::List { json } => {
            if json {
                let views = render::entry_views(&kb);
                writeln!(out, "{}", serde_json::to_string_pretty(&views)?)?;
            } else {
                write!(out, "{}", render::render_list_text(&kb))?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Run
        | Command::Unregister { .. }
        | Command::Stats { .. }
        | Command::Forget { .. }
        | Command::Misses { .. } => unreachable!("handled above"),
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
                kb.roles().len(),
                kb.sources().len()
            )?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `faqbot role ID`: an unknown id lists the known ones (exit 2).
fn role_profile(kb: &KnowledgeBase, id: &str, out: &mut impl Write) -> Result<ExitCode> {
    let Some(role) = kb.role_by_id(id.trim()) else {
        let known: Vec<&str> = kb.roles().iter().map(|r| r.id.as_str()).collect();
        eprintln!(
            "faqbot: unknown role \"{id}\"; known roles: {}",
            known.join(", ")
        );
        return Ok(ExitCode::from(2));
    };
    write!(out, "{}", render::render_profile_text(&profile(kb, role)))?;
    Ok(ExitCode::SUCCESS)
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

/// Opens the store the environment names and runs `work` on it; a store
/// that cannot be opened is exit 2, its URL's password redacted.
fn with_store<F, Fut>(work: F) -> Result<ExitCode>
where
    F: FnOnce(crate::store::Store) -> Fut,
    Fut: std::future::Future<Output = Result<ExitCode>>,
{
    let config = match crate::config::StoreConfig::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("faqbot: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async {
        match crate::store::Store::open(&config.url).await {
            Ok(store) => {
                let code = work(store.clone()).await;
                store.close().await;
                code
            }
            Err(e) => {
                eprintln!("faqbot: {e}");
                Ok(ExitCode::from(2))
            }
        }
    })
}

/// `faqbot stats [--days N] [--json]`.
fn stats(days: u32, json: bool) -> Result<ExitCode> {
    with_store(|store| async move {
        let view = store
            .stats(None, days.max(1), crate::store::now())
            .await
            .context("reading the stats")?;
        if json {
            println!("{}", serde_json::to_string_pretty(&view)?);
        } else {
            print!("{}", render::stats::render_stats_text(&view));
        }
        Ok(ExitCode::SUCCESS)
    })
}

/// What `faqbot misses` does.
enum MissAction {
    List { json: bool },
    Accept { group: String, entry: String },
    Ignore { group: String },
}

/// `faqbot misses [--days N] [--json] [--accept GROUP --entry ID | --ignore GROUP]`.
fn misses(
    kb: &KnowledgeBase,
    folder: Option<&Path>,
    days: u32,
    action: MissAction,
) -> Result<ExitCode> {
    let matcher = Matcher::new(kb);
    with_store(|store| async move {
        let now = crate::store::now();
        let since = now - i64::from(days.max(1)) * 86_400;
        let texts = store
            .review_texts(since)
            .await
            .context("reading the review queue")?;
        let hidden = store
            .ignored_groups()
            .await
            .context("reading the hidden groups")?;
        let texts: Vec<&str> = texts.iter().map(|t| t.text.as_str()).collect();
        let groups = crate::review::group(&matcher, &texts, &hidden);
        let find = |id: &str| groups.iter().find(|g| g.id == id);
        match action {
            MissAction::List { json } => {
                let views = render::review::miss_views(kb, &groups);
                if json {
                    println!("{}", serde_json::to_string_pretty(&views)?);
                } else {
                    print!("{}", render::review::render_misses_text(&views));
                }
            }
            MissAction::Ignore { group } => {
                let Some(g) = find(&group) else {
                    eprintln!(
                        "faqbot: no group {group:?} in the last {days} days; see `faqbot misses`"
                    );
                    return Ok(ExitCode::from(2));
                };
                for key in &g.keys {
                    store
                        .ignore_group(key, now)
                        .await
                        .context("hiding the group")?;
                }
                println!("hid group {} ({} questions)", g.id, g.count);
            }
            MissAction::Accept { group, entry } => {
                let Some(g) = find(&group) else {
                    eprintln!(
                        "faqbot: no group {group:?} in the last {days} days; see `faqbot misses`"
                    );
                    return Ok(ExitCode::from(2));
                };
                match crate::review::accept::add_alternate(folder, kb, &entry, &g.label) {
                    Ok(accepted) => {
                        for key in &g.keys {
                            store
                                .ignore_group(key, now)
                                .await
                                .context("hiding the group")?;
                        }
                        match accepted {
                            crate::review::accept::Accepted::Added(file) => {
                                println!("added {:?} to {entry} in {}", g.label, file.display());
                            }
                            crate::review::accept::Accepted::AlreadyThere(file) => {
                                println!("{entry} in {} already has {:?}", file.display(), g.label);
                            }
                        }
                    }
                    Err(e) => {
                        eprintln!("faqbot: {e}");
                        return Ok(ExitCode::from(2));
                    }
                }
            }
        }
        Ok(ExitCode::SUCCESS)
    })
}

/// `faqbot forget --guild ID`.
fn forget(guild: u64) -> Result<ExitCode> {
    with_store(|store| async move {
        let rows = store
            .forget_guild(guild)
            .await
            .context("deleting the server's rows")?;
        println!("deleted {rows} rows of server {guild}");
        Ok(ExitCode::SUCCESS)
    })
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
    runtime.block_on(async {
        // Before connecting: a store that cannot be opened is a start-up
        // error, not a bot that silently keeps nothing.
        let store = match crate::store::Store::open(&config.store.url).await {
            Ok(s) => s,
            Err(e) => {
                eprintln!("faqbot: {e}");
                return Ok(ExitCode::from(2));
            }
        };
        tracing::info!(store = %store.url(), "store open");
        crate::discord::serve(config, kb, store, crate::discord::shutdown_signal()).await?;
        Ok(ExitCode::SUCCESS)
    })
}
