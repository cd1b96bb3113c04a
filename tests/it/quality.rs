//! Matching quality over the labeled question sets in `tests/questions/`:
//! each line `{"q", "expect"}` as in the public dev set; an answer passes
//! when, lower-cased, it holds one alternative of every group, and
//! `expect: null` means the bot must stay silent (the rule of `grade.py`).
//!
//! Which gate is which (see `tests/questions/README.md`):
//! - `train/` and `validation/` are regression gates: the decision model
//!   was fit on the one and its thresholds chosen on the other, and both
//!   are the labeled examples that ship (`fit_decision.py --final`).
//! - `test/` is the estimate: scored once, after the design was frozen.
//! - `public/` holds the two public sets (vendored): dev was used while
//!   designing, dev2 only for scoring.

use serde::Deserialize;

use faqbot::matcher::Verdict;

use crate::shipped;

#[derive(Deserialize)]
pub(crate) struct Case {
    pub(crate) q: String,
    expect: Option<Vec<Vec<String>>>,
}

/// The sets in `tests/questions/<dir>`, in name order.
pub(crate) fn files_in(dir: &str) -> Vec<std::path::PathBuf> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/questions");
    let mut files: Vec<_> = std::fs::read_dir(root.join(dir))
        .expect("a question folder")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    files.sort();
    files
}

/// Every line of `files`.
pub(crate) fn cases(files: &[std::path::PathBuf]) -> Vec<Case> {
    let mut cases: Vec<Case> = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(f).expect("question set");
        cases.extend(
            text.lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| serde_json::from_str::<Case>(l).expect("a question line")),
        );
    }
    cases
}

/// Scores every set in `tests/questions/<dir>` together and fails below
/// `bar` percent, listing every miss.
fn score(dir: &str, bar: f64) {
    score_files(dir, &files_in(dir), bar);
}

fn score_files(name: &str, files: &[std::path::PathBuf], bar: f64) {
    let (kb, m) = shipped();
    let mut misses = Vec::new();
    let cases = cases(files);
    assert!(!cases.is_empty(), "{name}: no questions");
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
    eprintln!("{name}: {pct:.1}% of {} questions", cases.len());
    assert!(
        pct >= bar,
        "{name}: {pct:.1}% < {bar}%; misses:\n{}",
        misses.join("\n")
    );
}

fn public(file: &str) -> Vec<std::path::PathBuf> {
    vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/questions/public")
        .join(file)]
}

#[test]
fn public_dev_set_scores_at_least_95_percent() {
    score_files("dev.jsonl", &public("dev.jsonl"), 95.0);
}

/// Never fit on: 90.0% (144/160), from 68.8% on the landed lexical
/// matcher. The bar.
#[test]
fn public_casual_dev2_set_scores_at_least_90_percent() {
    score_files("dev2.jsonl", &public("dev2.jsonl"), 90.0);
}

/// Regression gate: the decision model was fit on these, and they are the
/// labeled examples of `model/examples.toml` (94.7%; an example never
/// votes for its own text, so this is not 100%).
#[test]
fn train_split_scores_at_least_94_percent() {
    score("train", 94.0);
}

/// Regression gate: the thresholds were chosen on these (91.0% then),
/// and then they joined the examples (93.5%).
#[test]
fn validation_split_scores_at_least_93_percent() {
    score("validation", 93.0);
}

/// The estimate: seven authors none of whose questions were fit, chosen
/// on or read. swe, latam and statistician were scored once after the
/// design was frozen (59bfcb0): 91.9% (441/480), up from 89.4% when they
/// arrived; pm, nurse, sre and india were written after that and scored
/// once on what had landed (68127ed): 93.4% (598/640). All 1,120: 92.8%.
/// A gate now, so it can only go up.
#[test]
fn test_split_scores_at_least_92_percent() {
    score("test", 92.0);
}
