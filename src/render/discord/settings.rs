//! The text of `/faq-settings`: a server's settings, each with where it
//! comes from (the server's own, or the environment's default).

use std::fmt::Write as _;

/// One setting as shown: its value and whether the server set it.
#[derive(Debug, Clone, PartialEq)]
pub struct Shown<T> {
    pub value: T,
    /// False: the environment's default (or the built-in one).
    pub own: bool,
}

/// A server's settings in force.
#[derive(Debug, Clone, PartialEq)]
pub struct SettingsView {
    pub channels: Shown<Vec<u64>>,
    pub unprompted: Shown<bool>,
    pub answer_threshold: Shown<f32>,
    pub cooldown_secs: Shown<u64>,
    pub review_channel: Option<u64>,
}

/// `changed` is what was just changed ("Added <#1> to the answering
/// channels."), or empty for a plain listing.
pub fn settings_text(changed: &str, s: &SettingsView) -> String {
    let from = |own: bool| if own { "" } else { " (default)" };
    let channels = if s.channels.value.is_empty() {
        "none".to_owned()
    } else {
        s.channels
            .value
            .iter()
            .map(|c| format!("<#{c}>"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut out = String::new();
    if !changed.is_empty() {
        let _ = writeln!(out, "{changed}\n");
    }
    let _ = writeln!(out, "**Answering**");
    let _ = writeln!(
        out,
        "- unprompted answers: {}{}",
        if s.unprompted.value { "on" } else { "off" },
        from(s.unprompted.own)
    );
    let _ = writeln!(out, "- channels: {channels}{}", from(s.channels.own));
    let _ = writeln!(
        out,
        "- answer threshold: {:.2}{}",
        s.answer_threshold.value,
        from(s.answer_threshold.own)
    );
    let _ = writeln!(
        out,
        "- cooldown per channel and entry: {} s{}",
        s.cooldown_secs.value,
        from(s.cooldown_secs.own)
    );
    let _ = writeln!(out, "**Review**");
    let _ = write!(
        out,
        "- review channel: {}",
        s.review_channel
            .map_or_else(|| "none".to_owned(), |c| format!("<#{c}>"))
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_setting_says_whether_it_is_the_default() {
        let view = SettingsView {
            channels: Shown {
                value: vec![1, 2],
                own: true,
            },
            unprompted: Shown {
                value: true,
                own: false,
            },
            answer_threshold: Shown {
                value: 0.7,
                own: true,
            },
            cooldown_secs: Shown {
                value: 60,
                own: false,
            },
            review_channel: None,
        };
        let text = settings_text("Done.", &view);
        assert!(text.starts_with("Done.\n\n"), "{text}");
        assert!(text.contains("- channels: <#1>, <#2>\n"), "{text}");
        assert!(
            text.contains("- unprompted answers: on (default)"),
            "{text}"
        );
        assert!(text.contains("- answer threshold: 0.70\n"), "{text}");
        assert!(text.contains("- review channel: none"), "{text}");
    }
}
