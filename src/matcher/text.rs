//! Raw text → surface tokens: Unicode folding, case, contractions,
//! punctuation. No vocabulary knowledge lives here.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Only this many characters of a message are read: a question fits in far
/// fewer, and a pasted log must not cost more than a question does.
pub const MAX_CHARS: usize = 600;

/// At most this many tokens are kept, for the same reason.
pub const MAX_TOKENS: usize = 64;

/// `"What's an ML-Engineer's C++ pay?"` → `["what", "is", "an", "ml",
/// "engineer", "cpp", "pay"]`.
pub fn tokenize(text: &str) -> Vec<String> {
    let bounded: String = text.chars().take(MAX_CHARS).collect();
    let mut tokens = tokenize_all(&bounded);
    tokens.truncate(MAX_TOKENS);
    tokens
}

/// [`tokenize`] without its bounds, for the FAQ's own text: an answer's
/// last sentence must be as findable as its first.
pub fn tokenize_all(text: &str) -> Vec<String> {
    let stripped = strip_markup(text);
    let mut folded: String = if stripped.is_ascii() {
        // What the general fold below does to ASCII, without decomposing
        // it char by char: most messages are plain ASCII.
        stripped
            .bytes()
            .map(|b| match b {
                b'`' => '\'',
                b => char::from(b.to_ascii_lowercase()),
            })
            .collect()
    } else {
        stripped
            .chars()
            .nfkd()
            .filter(|c| !is_combining_mark(*c))
            .flat_map(char::to_lowercase)
            .map(|c| match c {
                '\u{2018}' | '\u{2019}' | '\u{02bc}' | '`' | '\u{b4}' => '\'',
                c => c,
            })
            .collect()
    };
    // Names that punctuation would destroy.
    for (name, token) in [
        ("c++", " cpp "),
        ("c#", " csharp "),
        ("a/b", " abtesting "),
        ("ph.d", " phd "),
        ("$", " dollars "),
    ] {
        if folded.contains(name) {
            folded = folded.replace(name, token);
        }
    }
    let mut tokens = Vec::new();
    for word in folded.split(|c: char| !(c.is_alphanumeric() || c == '\'')) {
        for token in expand_contraction(word) {
            if !token.is_empty() {
                tokens.push(token);
            }
        }
    }
    tokens
}

/// The sentences of a message, when it has several: split at `.`, `?`,
/// `!`, `;`, `:` and line breaks, within the bounded prefix, at most eight.
///
/// `"Long story. What do MLEs earn?"` → `["Long story", "What do MLEs earn"]`.
pub fn sentences(text: &str) -> Vec<&str> {
    let end = text
        .char_indices()
        .nth(MAX_CHARS)
        .map_or(text.len(), |(i, _)| i);
    text[..end]
        .split(['.', '?', '!', ';', ':', '\n'])
        .map(str::trim)
        .filter(|s| s.split_whitespace().count() >= 2)
        .take(8)
        .collect()
}

/// Drops what Discord renders rather than what a person wrote: user,
/// role and channel mentions (`<@1>`, `<@&2>`, `<#3>`), custom emoji
/// (`<:name:4>`), timestamps (`<t:5>`) and links.
///
/// `"<@12> what is an MLE? https://x.example"` → `" what is an MLE? "`.
pub fn strip_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        if rest.starts_with('<') {
            if let Some(end) = rest.find('>') {
                let inner = &rest[1..end];
                let markup = (inner.starts_with('@')
                    || inner.starts_with('#')
                    || inner.starts_with(':')
                    || inner.starts_with("a:")
                    || inner.starts_with("t:"))
                    && !inner.contains(char::is_whitespace)
                    && inner.chars().any(|c| c.is_ascii_digit());
                if markup {
                    out.push(' ');
                    rest = &rest[end + 1..];
                    continue;
                }
            }
        }
        // (Read from the first eight bytes, as it always was: a link cut
        // short at the end of a message stays.)
        let starts = |scheme: &str| {
            rest.get(..8)
                .and_then(|head| head.get(..scheme.len()))
                .is_some_and(|head| head.eq_ignore_ascii_case(scheme))
        };
        if starts("http://") || starts("https://") {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            out.push(' ');
            rest = &rest[end..];
            continue;
        }
        let mut chars = rest.chars();
        if let Some(c) = chars.next() {
            out.push(c);
        }
        rest = chars.as_str();
    }
    out
}

/// `"don't"` → `["do", "not"]`, `"engineer's"` → `["engineer"]`,
/// `"what's"` → `["what", "is"]`.
fn expand_contraction(word: &str) -> Vec<String> {
    let word = word.trim_matches('\'');
    let Some(at) = word.find('\'') else {
        return vec![word.to_owned()];
    };
    let (head, tail) = (&word[..at], &word[at + 1..]);
    let clean = |s: &str| s.replace('\'', "");
    match tail {
        "t" if head.ends_with('n') => {
            let stem = match head {
                "won" => "will",
                "can" => "can",
                "shan" => "shall",
                _ => &head[..head.len() - 1],
            };
            vec![clean(stem), "not".into()]
        }
        "s" if matches!(
            head,
            "what" | "who" | "where" | "how" | "that" | "it" | "there" | "here"
        ) =>
        {
            vec![clean(head), "is".into()]
        }
        "re" => vec![clean(head), "are".into()],
        "m" => vec![clean(head), "am".into()],
        "ve" => vec![clean(head), "have".into()],
        "ll" => vec![clean(head), "will".into()],
        "d" => vec![clean(head), "would".into()],
        // A possessive or a stray quote: keep the word.
        "s" | "" => vec![clean(head)],
        _ => vec![clean(word)],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_accents_and_punctuation() {
        assert_eq!(
            tokenize("Qué ES—Data-Science?!"),
            ["que", "es", "data", "science"]
        );
    }

    #[test]
    fn expands_contractions_and_drops_possessives() {
        assert_eq!(
            tokenize("What’s a data scientist's job? I don't know"),
            [
                "what",
                "is",
                "a",
                "data",
                "scientist",
                "job",
                "i",
                "do",
                "not",
                "know"
            ]
        );
        assert_eq!(tokenize("won't can't"), ["will", "not", "can", "not"]);
    }

    #[test]
    fn keeps_names_punctuation_would_break() {
        assert_eq!(
            tokenize("C++ or C#, A/B tests, Ph.D."),
            ["cpp", "or", "csharp", "abtesting", "tests", "phd"]
        );
    }

    #[test]
    fn discord_markup_and_links_are_not_words() {
        assert_eq!(
            tokenize("<@12> <@!3> <@&4> <#5> <:blob:6> <a:dance:7> <t:8:R> what's an MLE? https://x.example/a?b"),
            ["what", "is", "an", "mle"]
        );
        assert_eq!(tokenize("a < b > c"), ["a", "b", "c"], "not markup: kept");
    }

    #[test]
    fn messages_split_into_sentences_of_two_words_or_more() {
        assert_eq!(
            sentences("ok. Long story here!! What do MLEs earn?\nthx"),
            ["Long story here", "What do MLEs earn"]
        );
        assert_eq!(sentences(&"a b. ".repeat(1000)).len(), 8);
    }

    #[test]
    fn long_input_is_bounded() {
        let long = "word ".repeat(10_000);
        assert_eq!(tokenize(&long).len(), MAX_TOKENS);
        assert!(tokenize(&"x".repeat(100_000)).len() <= 1);
    }

    #[test]
    fn empty_and_symbol_only_input_gives_no_tokens() {
        assert!(tokenize("").is_empty());
        assert!(tokenize("?!… 🙂🙂 '' \u{0}").is_empty());
    }
}
