//! Usage figures as people read them: the data `faqbot stats --json`
//! prints (filled in by the store) and its terminal text.

use std::fmt::Write as _;

use serde::Serialize;

/// Questions, answers and votes over the last `days` days.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StatsView {
    pub days: u32,
    /// Every question counted: `answered + suggested + silent`.
    pub questions: u64,
    pub answered: u64,
    pub suggested: u64,
    pub silent: u64,
    pub helpful: u64,
    pub unhelpful: u64,
    /// Most answered first (ties: by id).
    pub entries: Vec<EntryStats>,
}

/// One entry's answers and votes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntryStats {
    pub id: String,
    pub answers: u64,
    pub helpful: u64,
    pub unhelpful: u64,
}

impl StatsView {
    /// The share of questions answered, 0 to 100 (0 with no questions).
    pub fn answered_percent(&self) -> u64 {
        (self.answered * 100)
            .checked_div(self.questions)
            .unwrap_or(0)
    }
}

/// `faqbot stats` without `--json`.
pub fn render_stats_text(s: &StatsView) -> String {
    let mut out = format!(
        "Last {} days: {} questions, {} answered ({}%), {} suggested, {} silent; {} 👍, {} 👎\n",
        s.days,
        s.questions,
        s.answered,
        s.answered_percent(),
        s.suggested,
        s.silent,
        s.helpful,
        s.unhelpful
    );
    for e in &s.entries {
        let _ = writeln!(
            out,
            "  {:>5}  {}  (👍 {}, 👎 {})",
            e.answers, e.id, e.helpful, e.unhelpful
        );
    }
    out
}

/// `/faq-stats`: one server over a week and a month, with the entries
/// answered most (at most `top`).
pub fn guild_stats_text(week: &StatsView, month: &StatsView, top: usize) -> String {
    let mut out = String::new();
    for s in [week, month] {
        let _ = writeln!(
            out,
            "**Last {} days:** {} questions, {}% answered ({} answered, {} suggested, {} silent); {} 👍, {} 👎",
            s.days,
            s.questions,
            s.answered_percent(),
            s.answered,
            s.suggested,
            s.silent,
            s.helpful,
            s.unhelpful
        );
    }
    if month.entries.is_empty() {
        out.push_str("No answers yet.");
    } else {
        let _ = writeln!(out, "**Top entries ({} days):**", month.days);
        for e in month.entries.iter().take(top) {
            let _ = writeln!(
                out,
                "- `{}`: {} answers (👍 {}, 👎 {})",
                e.id, e.answers, e.helpful, e.unhelpful
            );
        }
    }
    out.trim_end().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_share_answered_survives_no_questions() {
        assert_eq!(StatsView::default().answered_percent(), 0);
        let s = StatsView {
            questions: 4,
            answered: 3,
            ..StatsView::default()
        };
        assert_eq!(s.answered_percent(), 75);
        assert!(render_stats_text(&s).contains("3 answered (75%)"));
        let text = guild_stats_text(&s, &StatsView::default(), 5);
        assert!(text.contains("4 questions, 75% answered"), "{text}");
        assert!(text.ends_with("No answers yet."), "{text}");
    }
}
