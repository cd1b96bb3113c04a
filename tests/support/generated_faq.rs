//! A FAQ of any size, generated: the matcher bench's large FAQs and the
//! bot's reload test read the same one.
//!
//! Included with `#[path]` by `benches/matcher.rs` and `tests/it/main.rs`
//! (a file of its own here, so cargo does not take it for a test target).

use std::fmt::Write as _;

/// Words a real FAQ's entries share; the rest of a phrasing is made-up
/// topic names (`topic17`) that only a few entries in 4,000 share.
const WORDS: &[&str] = &[
    "model",
    "data",
    "pipeline",
    "deploy",
    "salary",
    "skills",
    "python",
    "statistics",
    "cloud",
    "insight",
    "dashboard",
    "stakeholder",
    "education",
    "degree",
    "tools",
    "demand",
    "growth",
    "production",
    "feature",
    "training",
    "inference",
    "latency",
    "monitoring",
    "cluster",
];

/// A roles file for a FAQ that is only [`toml`]: the two roles its entries
/// name, with no `names`, so no question names one. The bot's reload test
/// adds generated entries to the shipped FAQ, which defines the roles.
#[allow(
    dead_code,
    reason = "the bench reads it; the bot's test has the shipped roles"
)]
pub fn roles() -> String {
    let mut text = String::new();
    for id in ["data-scientist", "ml-engineer"] {
        let _ = write!(
            text,
            "[[role]]\nid = \"{id}\"\nname = \"{id}\"\nsummary = \"s\"\nsets_apart = \"t\"\nsource = \"Generated\"\n"
        );
    }
    text
}

/// The text of one FAQ file of `n` entries (ids `gen-0`, `gen-1`, …, one
/// source of its own, the roles in turn), the same on every run: a
/// deterministic generator whose phrasings draw a third of their words
/// from [`WORDS`] and the rest from 4,000 topic names.
pub fn toml(n: usize) -> String {
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move |m: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % m as u64) as usize
    };
    let mut phrase = |k: usize| -> String {
        (0..k)
            .map(|_| {
                if next(3) == 0 {
                    WORDS[next(WORDS.len())].to_owned()
                } else {
                    format!("topic{}", next(4000))
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let roles = ["data-scientist", "ml-engineer", "both"];
    let mut text = String::from("[[source]]\ntitle = \"Generated\"\n");
    for i in 0..n {
        let question = phrase(4);
        let alternates: Vec<String> = (0..4).map(|_| format!("\"{}\"", phrase(3))).collect();
        let answer = phrase(30);
        let _ = write!(
            text,
            "[[entry]]\nid = \"gen-{i}\"\nrole = \"{}\"\nsource = \"Generated\"\n\
             question = \"What about {question}?\"\nalternates = [{}]\nanswer = \"{answer}\"\n",
            roles[i % 3],
            alternates.join(", ")
        );
    }
    text
}
