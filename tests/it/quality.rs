//! Matching quality on the project's own question sets (written for this
//! project, in its own words): each line `{"q", "expect"}` as in the public
//! dev set; an answer passes when, lower-cased, it holds one alternative of
//! every group, and `expect: null` means the bot must stay silent.

use serde::Deserialize;

use faqbot::matcher::Verdict;

use crate::shipped;

#[derive(Deserialize)]
struct Case {
    q: String,
    expect: Option<Vec<Vec<String>>>,
}

/// Scores one set and fails below `bar` percent, listing every miss.
fn score(file: &str, bar: f64) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/it")
        .join(file);
    let text = std::fs::read_to_string(&path).expect("question set");
    let (kb, m) = shipped();
    let mut misses = Vec::new();
    let cases: Vec<Case> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("a question line"))
        .collect();
    for case in &cases {
        let answer = match m.ask(&case.q) {
            Verdict::Answer { hit, .. } => Some(kb.entries()[hit.entry].answer.to_lowercase()),
            _ => None,
        };
        let pass = match (&case.expect, &answer) {
            (None, None) => true,
            (Some(groups), Some(a)) => groups
                .iter()
                .all(|g| g.iter().any(|alt| a.contains(alt.as_str()))),
            _ => false,
        };
        if !pass {
            misses.push(format!("{:?} (answered: {})", case.q, answer.is_some()));
        }
    }
    let pct = 100.0 * (cases.len() - misses.len()) as f64 / cases.len() as f64;
    eprintln!("{file}: {pct:.1}% of {} questions", cases.len());
    assert!(
        pct >= bar,
        "{file}: {pct:.1}% < {bar}%; misses:\n{}",
        misses.join("\n")
    );
}

#[test]
fn own_question_set_scores_at_least_97_percent() {
    score("questions.jsonl", 97.0);
}

/// Written for this project by a separate author who saw neither the
/// matcher nor the public dev set (220 questions: paraphrases, typos, chat,
/// look-alike questions about other jobs, scraped junk). It has since been
/// used to find the matcher's weak spots, so it is a regression gate now,
/// not a held-out estimate.
#[test]
fn independent_question_set_scores_at_least_95_percent() {
    score("questions-blind.jsonl", 95.0);
}

/// A second set by another separate author, with more chat noise, several
/// questions to a message and off-topic traps (200 questions). Like the
/// first, it has since guided fixes (sentence splitting, out-of-scope
/// words), so it too is a regression gate now.
#[test]
fn second_independent_question_set_scores_at_least_92_percent() {
    score("questions-blind2.jsonl", 92.0);
}
