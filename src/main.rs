//! The `faqbot` binary: load `.env`, set up logging, parse the command
//! line, run, turn the outcome into an exit code. Everything else lives in
//! the library.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // A missing .env is normal; a broken one is worth saying.
    if let Err(e) = dotenvy::dotenv() {
        if !e.not_found() {
            eprintln!("faqbot: ignoring .env: {e}");
        }
    }
    let (format, problem) = faqbot::config::LogFormat::from_env();
    faqbot::logging::init(format);
    if let Some(problem) = problem {
        tracing::warn!("{problem}");
    }
    let cli = faqbot::cli::Cli::parse();
    match faqbot::cli::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("faqbot: {}", faqbot::logging::chain(e.as_ref()));
            ExitCode::from(2)
        }
    }
}
