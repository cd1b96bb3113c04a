//! The `faqbot` binary: load `.env`, set up logging, parse the command
//! line, run, turn the outcome into an exit code. Everything else lives in
//! the library.

use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    // A missing .env is normal; a broken one is worth saying.
    if let Err(e) = dotenvy::dotenv() {
        if !e.not_found() {
            eprintln!("faqbot: ignoring .env: {e}");
        }
    }
    // Logs go to stderr so that `--json` output stays clean.
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("faqbot=info,serenity=warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    let cli = faqbot::cli::Cli::parse();
    match faqbot::cli::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("faqbot: {e:#}");
            ExitCode::from(2)
        }
    }
}
