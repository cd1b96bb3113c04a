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
    }
}
