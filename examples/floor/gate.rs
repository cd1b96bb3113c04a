//! What the floor bot answers: a message that reads as a question by the
//! policy's cheap gate before any matching, a `?` anywhere or an opening
//! question word from `faq/vocabulary.toml` (`question_words`). Shared with
//! the load bench, which checks the floor's replies against it.

use std::collections::HashSet;

/// `"what do MLEs earn"` and `"salary?"` → true; `"good morning"` → false.
pub fn question_like(text: &str, question_words: &HashSet<String>) -> bool {
    text.contains('?')
        || text
            .split(|c: char| !c.is_alphanumeric() && c != '\'')
            .find(|w| !w.is_empty())
            .is_some_and(|w| question_words.contains(&w.to_lowercase()))
}
