//! The `faqbot` binary: parse the command line, run, turn the outcome into
//! an exit code. Everything else lives in the library.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = faqbot::cli::Cli::parse();
    match faqbot::cli::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("faqbot: {e:#}");
            ExitCode::from(2)
        }
    }
}
