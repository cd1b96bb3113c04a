//! Typo tolerance and autocomplete: the only users of fuzzy-matcher.
//!
//! fuzzy-matcher's skim matcher finds a pattern as a subsequence of a
//! choice, which is what a dropped letter looks like ("skils" in "skills")
//! and what a half-typed question looks like ("ml sal" in "ML engineer
//! salary"). A swapped or wrong letter ("sciencist") is not a subsequence,
//! so the speller also counts edits (optimal string alignment distance, from strsim).

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use fuzzy_matcher::skim::SkimMatcherV2;
use fuzzy_matcher::FuzzyMatcher;

/// Corrects misspelt words against the vocabulary of the FAQ and lexicon.
pub struct Speller {
    known: HashSet<String>,
    /// Known words by first letter, each list by length (in characters),
    /// for a small candidate set: a typo is at most two letters longer or
    /// shorter than its word.
    by_first: HashMap<char, Vec<(usize, String)>>,
    skim: SkimMatcherV2,
}

impl Speller {
    pub fn new(words: impl IntoIterator<Item = String>) -> Speller {
        let known: HashSet<String> = words
            .into_iter()
            .filter(|w| !w.is_empty() && w.chars().all(char::is_alphanumeric))
            .collect();
        let mut by_first: HashMap<char, Vec<(usize, String)>> = HashMap::default();
        for w in &known {
            if let Some(c) = w.chars().next() {
                by_first
                    .entry(c)
                    .or_default()
                    .push((w.chars().count(), w.clone()));
            }
        }
        for list in by_first.values_mut() {
            list.sort();
        }
        Speller {
            known,
            by_first,
            skim: SkimMatcherV2::default(),
        }
    }

    pub fn is_known(&self, word: &str) -> bool {
        self.known.contains(word)
    }

    /// A known word this one is a plausible typo of, with a certainty in
    /// (0, 1): `"skils"` → `("skills", 0.9)`. Known words, numbers and words
    /// under three letters are left alone.
    pub fn correct(&self, word: &str) -> Option<(String, f32)> {
        let len = word.chars().count();
        if len < 3 || self.is_known(word) || word.chars().any(|c| c.is_ascii_digit()) {
            return None;
        }
        let first = word.chars().next()?;
        let max_edits = match len {
            ..=7 => 1,
            _ => 2,
        };
        let counts = letter_counts(word);
        let mut best: Option<(usize, i64, &str)> = None;
        let list = self.by_first.get(&first)?;
        let from = list.partition_point(|(l, _)| *l + max_edits < len);
        let to = list.partition_point(|(l, _)| *l <= len + max_edits);
        // The best is the least key, whatever the order words are tried in.
        for (clen, cand) in &list[from..to] {
            let clen = *clen;
            if clen < 3 {
                continue;
            }
            // Each edit adds, drops or changes at most one letter, and a swap
            // none: a cheap lower bound that skips most candidates before
            // the exact distance.
            let missing = letters_missing(&counts, cand);
            if missing > max_edits {
                continue;
            }
            // A short word with a letter the candidate lacks is too often
            // another word ("movie" is not "move", "apps" not "apis"): for
            // five letters or fewer, only a dropped letter or a swap.
            if len <= 5 && missing != clen.saturating_sub(len) {
                continue;
            }
            // Optimal string alignment: edits with adjacent swaps, and no
            // allocation per call (unlike strsim's full Damerau).
            let edits = strsim::osa_distance(word, cand);
            if edits == 0 || edits > max_edits {
                continue;
            }
            // Three-letter words are too easily something else: only a
            // dropped letter ("wht" → "what") is trusted.
            let subsequence = self.skim.fuzzy_match(cand, word);
            if len == 3 && (clen != 4 || subsequence.is_none()) {
                continue;
            }
            let key = (edits, -subsequence.unwrap_or(0), cand.as_str());
            if best.is_none_or(|b| key < b) {
                best = Some(key);
            }
        }
        best.map(|(edits, _, w)| (w.to_owned(), 1.0 - 0.1 * edits as f32))
    }
}

/// How many times each letter a-z occurs (other characters share slot 26).
fn letter_counts(word: &str) -> [u8; 27] {
    let mut counts = [0_u8; 27];
    for c in word.chars() {
        let slot = if c.is_ascii_lowercase() {
            (c as u8 - b'a') as usize
        } else {
            26
        };
        counts[slot] = counts[slot].saturating_add(1);
    }
    counts
}

/// How many letters of `cand` the counted word lacks: a lower bound on the
/// edits between them.
fn letters_missing(counts: &[u8; 27], cand: &str) -> usize {
    let mut left = *counts;
    let mut missing = 0;
    for c in cand.chars() {
        let slot = if c.is_ascii_lowercase() {
            (c as u8 - b'a') as usize
        } else {
            26
        };
        if left[slot] == 0 {
            missing += 1;
        } else {
            left[slot] -= 1;
        }
    }
    missing
}

/// Ranks `choices` for what a person has typed so far: every word typed
/// must be found in the choice as a fuzzy subsequence, in any order.
/// Returns `(index, score)` best first; ties keep the choices' order.
pub fn complete<'a>(typed: &str, choices: impl IntoIterator<Item = &'a str>) -> Vec<(usize, i64)> {
    let skim = SkimMatcherV2::default().ignore_case();
    let words: Vec<&str> = typed.split_whitespace().take(8).collect();
    let mut ranked: Vec<(usize, i64)> = choices
        .into_iter()
        .enumerate()
        .filter_map(|(i, choice)| {
            let mut total = 0;
            for w in &words {
                total += skim.fuzzy_match(choice, w)?;
            }
            Some((i, total))
        })
        .collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    ranked
}

#[cfg(test)]
mod tests {
    use super::*;

    fn speller() -> Speller {
        Speller::new(
            [
                "skills",
                "scientist",
                "what",
                "engineer",
                "salary",
                "plot",
                "data",
            ]
            .into_iter()
            .map(String::from),
        )
    }

    #[test]
    fn dropped_swapped_and_wrong_letters_are_corrected() {
        let s = speller();
        assert_eq!(s.correct("skils").map(|c| c.0), Some("skills".into()));
        assert_eq!(
            s.correct("sciencist").map(|c| c.0),
            Some("scientist".into())
        );
        assert_eq!(
            s.correct("sceintist").map(|c| c.0),
            Some("scientist".into())
        );
        assert_eq!(s.correct("wht").map(|c| c.0), Some("what".into()));
        assert_eq!(s.correct("enginer").map(|c| c.0), Some("engineer".into()));
    }

    #[test]
    fn known_short_and_far_words_are_left_alone() {
        let s = speller();
        assert_eq!(s.correct("data"), None);
        assert_eq!(s.correct("ds"), None);
        assert_eq!(s.correct("pizza"), None);
        assert_eq!(
            s.correct("pat"),
            None,
            "a 3-letter word must be a dropped letter away"
        );
        assert_eq!(s.correct("plo").map(|c| c.0), Some("plot".into()));
    }

    #[test]
    fn completion_finds_words_in_any_order() {
        let choices = [
            "What is a machine learning engineer's salary?",
            "What skills does a data scientist need?",
        ];
        let ranked = complete("sal mach", choices);
        assert_eq!(ranked.iter().map(|r| r.0).collect::<Vec<_>>(), [0]);
        assert_eq!(complete("", choices).len(), 2);
    }
}
