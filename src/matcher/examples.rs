//! Labeled example questions (`model/examples.toml`): how people who never
//! saw the FAQ asked for each entry, and what they asked that had to get
//! silence. Written by `scripts/fit_decision.py`: from the train split of
//! `tests/questions/` while the weights are fit and the thresholds chosen
//! on validation, then (`--final`, what ships) from train and validation
//! both; never from the test split or the public sets. The semantic index
//! compares a question with them (`sem_example`, `sem_silent`).
//!
//! Owns: reading the compiled-in file. Must not: know any vocabulary.

use serde::Deserialize;

static EXAMPLES: &str = include_str!("../../model/examples.toml");

/// One labeled question.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    pub q: String,
    /// The entry whose answer was right, or `None`: it had to get silence.
    /// A question right for two entries is two examples.
    pub entry: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    example: Vec<Example>,
}

/// `examples.toml` text → its examples, or what is wrong with it.
pub fn parse(text: &str) -> Result<Vec<Example>, String> {
    toml::from_str::<File>(text)
        .map(|f| f.example)
        .map_err(|e| e.to_string())
}

/// The compiled-in examples, parsed once per process.
///
/// # Panics
///
/// Never in a build whose unit tests pass: `shipped_examples_parse` checks
/// the compiled-in text.
pub fn shipped() -> &'static [Example] {
    static SHIPPED: std::sync::OnceLock<Vec<Example>> = std::sync::OnceLock::new();
    SHIPPED.get_or_init(|| {
        parse(EXAMPLES).expect("model/examples.toml is valid (checked by a unit test)")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_examples_parse() {
        let all = parse(EXAMPLES).expect("model/examples.toml parses");
        assert!(all.iter().any(|x| x.entry.is_some()));
        assert!(all.iter().any(|x| x.entry.is_none()));
    }

    #[test]
    fn a_stray_field_is_refused() {
        let err = parse("[[example]]\nq = \"x\"\nentri = \"y\"\n").expect_err("refused");
        assert!(err.contains("unknown field `entri`"), "{err}");
    }
}
