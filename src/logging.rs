//! Logs for people and for machines: the subscriber set-up (stderr, plain
//! text with colours only on a terminal, or one JSON object a line with
//! `FAQBOT_LOG_FORMAT=json`), and error chains printed once.

use std::error::Error;
use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;

/// Installs the global subscriber: stderr (so `--json` output on stdout
/// stays clean), `RUST_LOG` or `faqbot=info,serenity=warn`.
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("faqbot=info,serenity=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        // Colour codes are for eyes: in a file or a pipe they are noise.
        LogFormat::Text => builder.with_ansi(std::io::stderr().is_terminal()).init(),
        LogFormat::Json => builder.json().with_ansi(false).init(),
    }
}

/// An error and its causes, `outer: cause: root`, each message once.
///
/// serenity's errors display their inner error *and* return it as their
/// source, so a plain walk prints "Error while sending HTTP request.:
/// Error while sending HTTP request.: …". A cause whose text the message
/// before it already holds is skipped.
pub fn chain(err: &(dyn Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next = Some(err);
    while let Some(e) = next {
        let message = e.to_string();
        if !parts.last().is_some_and(|last| last.contains(&message)) {
            parts.push(message);
        }
        next = e.source();
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_serenity_error_chain_is_printed_once() {
        let e = serenity::Error::Http(serenity::http::HttpError::ApplicationIdMissing);
        let direct = e.to_string();
        assert_eq!(chain(&e), direct, "no doubled text");
        let wrapped = anyhow::Error::new(e).context("registering commands");
        assert_eq!(
            chain(wrapped.as_ref()),
            format!("registering commands: {direct}")
        );
    }

    #[test]
    fn distinct_causes_are_all_kept() {
        let io = std::io::Error::other("disk on fire");
        let wrapped = anyhow::Error::new(io).context("reading faq/a.toml");
        assert_eq!(chain(wrapped.as_ref()), "reading faq/a.toml: disk on fire");
    }
}
