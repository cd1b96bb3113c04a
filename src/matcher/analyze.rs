//! Surface tokens → what a question is about: the roles it names, whether it
//! names some other job, and its concepts (synonyms folded, words stemmed).
//!
//! The same analysis runs on FAQ text at index time and on questions at
//! ask time, so both sides meet in one vocabulary.

use std::collections::{HashMap, HashSet};

use rust_stemmers::{Algorithm, Stemmer};

use super::lexicon;
use crate::kb::Role;

/// A token as read, with how sure the speller is of it (1.0: typed as is).
#[derive(Debug, Clone)]
pub struct Token {
    pub text: String,
    pub sure: f32,
}

/// One concept a text mentions: a synonym group (`salary`) or a stemmed
/// word (`w:pipelin`).
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    pub key: String,
    pub sure: f32,
}

/// How far a question strays from the two roles, least to most.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    /// Nothing strays.
    #[default]
    Ours,
    /// It names a job that is neither of ours ("pilot", "data analyst"):
    /// silence unless it names one of ours too ("data analyst vs data
    /// scientist").
    OtherJob,
    /// It asks what the articles never say: a place, a currency, an
    /// internship, a certificate ("salary in euros"). Always silence.
    Outside,
}

/// What a text is about.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    pub data_scientist: bool,
    pub ml_engineer: bool,
    /// Whether it strays from what the FAQ can speak to.
    pub scope: Scope,
    /// Distinct concepts, each once, with the best certainty seen.
    pub terms: Vec<Term>,
}

impl Analysis {
    /// The one role named, when exactly one is.
    pub fn single_role(&self) -> Option<Role> {
        match (self.data_scientist, self.ml_engineer) {
            (true, false) => Some(Role::DataScientist),
            (false, true) => Some(Role::MlEngineer),
            _ => None,
        }
    }

    pub fn names_a_role(&self) -> bool {
        self.data_scientist || self.ml_engineer
    }
}

/// The vocabulary of [`lexicon`], indexed for lookups.
pub struct Lexicon {
    stemmer: Stemmer,
    stop: HashSet<&'static str>,
    groups: HashMap<&'static str, Vec<&'static str>>,
    named: HashMap<&'static str, &'static str>,
    other_jobs: HashSet<&'static str>,
    out_of_scope: HashSet<&'static str>,
}

impl Lexicon {
    pub fn new() -> Lexicon {
        let mut groups: HashMap<&'static str, Vec<&'static str>> = HashMap::new();
        for (concept, words) in lexicon::SYNONYMS {
            for w in *words {
                groups.entry(w).or_default().push(concept);
            }
        }
        let mut named = HashMap::new();
        for (category, words) in lexicon::NAMED {
            for w in *words {
                named.insert(*w, *category);
            }
        }
        Lexicon {
            stemmer: Stemmer::create(Algorithm::English),
            stop: lexicon::STOPWORDS.iter().copied().collect(),
            groups,
            named,
            other_jobs: lexicon::OTHER_JOBS.iter().copied().collect(),
            out_of_scope: lexicon::OUT_OF_SCOPE.iter().copied().collect(),
        }
    }

    /// Every word the lexicon itself knows, for the speller.
    pub fn words(&self) -> impl Iterator<Item = &'static str> + '_ {
        let phrase_words = lexicon::PHRASES.iter().flat_map(|(p, _)| p.iter().copied());
        let role_words = lexicon::DATA_SCIENTIST
            .iter()
            .chain(lexicon::ML_ENGINEER)
            .flat_map(|p| p.iter().copied());
        self.stop
            .iter()
            .copied()
            .chain(self.groups.keys().copied())
            .chain(self.named.keys().copied())
            .chain(phrase_words)
            .chain(role_words)
    }

    /// Is this word one of another job's names (`pilots` → yes) or
    /// something the FAQ cannot speak to (`euros`)? The speller leaves
    /// such words alone.
    pub fn is_flagged(&self, word: &str) -> bool {
        self.is_other_job(word) || self.out_of_scope.contains(word)
    }

    /// Is this word one of another job's names (`pilots` → yes)?
    pub fn is_other_job(&self, word: &str) -> bool {
        self.other_jobs.contains(word)
            || word
                .strip_suffix('s')
                .is_some_and(|w| self.other_jobs.contains(w))
    }

    /// The stem concept key of a plain word: `pipelines` → `w:pipelin`.
    pub fn stem_key(&self, word: &str) -> String {
        format!("w:{}", self.stemmer.stem(word))
    }

    /// Tokens → [`Analysis`].
    pub fn analyze(&self, tokens: &[Token]) -> Analysis {
        let tokens = rewrite_phrases(tokens);
        let mut out = Analysis::default();
        let mut rest = Vec::with_capacity(tokens.len());
        let mut i = 0;
        while i < tokens.len() {
            if let Some(n) = match_any(&tokens[i..], lexicon::ML_ENGINEER) {
                out.ml_engineer = true;
                i += n;
            } else if let Some(n) = match_any(&tokens[i..], lexicon::DATA_SCIENTIST) {
                out.data_scientist = true;
                i += n;
            } else {
                rest.push(tokens[i].clone());
                i += 1;
            }
        }
        let mut terms: Vec<Term> = Vec::new();
        let mut add = |key: String, sure: f32| match terms.iter_mut().find(|t| t.key == key) {
            Some(t) => t.sure = t.sure.max(sure),
            None => terms.push(Term { key, sure }),
        };
        for t in rest {
            let word = t.text.as_str();
            if self.is_other_job(word) {
                out.scope = out.scope.max(Scope::OtherJob);
                continue;
            }
            if self.out_of_scope.contains(word) {
                out.scope = Scope::Outside;
                continue;
            }
            if let Some(category) = self.named.get(word) {
                add((*category).to_owned(), t.sure);
                add(format!("w:{word}"), t.sure);
            } else if let Some(concepts) = self.groups.get(word) {
                for c in concepts {
                    add((*c).to_owned(), t.sure);
                }
            } else if self.stop.contains(word) || is_number(word) || word.chars().count() == 1 {
                // (a lone letter that is not a name, like R, is a stray key)
                // carries nothing
            } else {
                add(self.stem_key(word), t.sure);
            }
        }
        out.terms = terms;
        out
    }
}

/// `["how", "much"]` → `["salary"]`, as [`lexicon::PHRASES`] says.
fn rewrite_phrases(tokens: &[Token]) -> Vec<Token> {
    let mut out = Vec::with_capacity(tokens.len());
    let mut i = 0;
    'next: while i < tokens.len() {
        for (phrase, to) in lexicon::PHRASES {
            let end = i + phrase.len();
            if end <= tokens.len()
                && tokens[i..end]
                    .iter()
                    .zip(phrase.iter())
                    .all(|(t, p)| t.text == *p)
            {
                let sure = tokens[i..end].iter().map(|t| t.sure).fold(1.0, f32::min);
                out.push(Token {
                    text: (*to).to_owned(),
                    sure,
                });
                i = end;
                continue 'next;
            }
        }
        out.push(tokens[i].clone());
        i += 1;
    }
    out
}

/// How many tokens the longest of `patterns` covers at the start of
/// `tokens`, a plural `s` on any token ignored.
fn match_any(tokens: &[Token], patterns: &[&[&str]]) -> Option<usize> {
    patterns
        .iter()
        .filter(|p| {
            p.len() <= tokens.len()
                && p.iter()
                    .zip(tokens)
                    .all(|(w, t)| t.text == *w || t.text.strip_suffix('s') == Some(w))
        })
        .map(|p| p.len())
        .max()
}

fn is_number(word: &str) -> bool {
    let digits = word.trim_end_matches('k');
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matcher::text::tokenize;

    fn analyze(text: &str) -> Analysis {
        let tokens: Vec<Token> = tokenize(text)
            .into_iter()
            .map(|text| Token { text, sure: 1.0 })
            .collect();
        Lexicon::new().analyze(&tokens)
    }

    fn keys(a: &Analysis) -> Vec<&str> {
        a.terms.iter().map(|t| t.key.as_str()).collect()
    }

    #[test]
    fn names_of_the_roles_are_recognised() {
        for q in [
            "ML engineers?",
            "machine learning engineering",
            "an MLE",
            "ml eng",
        ] {
            let a = analyze(q);
            assert!(a.ml_engineer && !a.data_scientist, "{q}");
        }
        for q in ["data scientists", "Data Science", "data sci", "DS folks"] {
            let a = analyze(q);
            assert!(a.data_scientist && !a.ml_engineer, "{q}");
        }
        let both = analyze("data scientist vs machine learning engineer");
        assert!(both.data_scientist && both.ml_engineer);
        assert_eq!(keys(&both), ["differ"]);
    }

    #[test]
    fn synonyms_meet_in_one_concept() {
        assert_eq!(keys(&analyze("how much do they make")), ["salary"]);
        assert_eq!(keys(&analyze("what do they earn")), ["salary"]);
        assert_eq!(keys(&analyze("required degree")), ["education"]);
    }

    #[test]
    fn other_jobs_are_flagged_but_our_roles_are_not() {
        assert!(analyze("how much does a pilot earn").scope == Scope::OtherJob);
        assert!(analyze("data analysts").scope == Scope::OtherJob);
        assert!(analyze("software engineer salary").scope == Scope::OtherJob);
        assert_eq!(
            analyze("machine learning engineer salary").scope,
            Scope::Ours
        );
        assert_eq!(analyze("pilot salary in euros").scope, Scope::Outside);
    }

    #[test]
    fn named_tools_keep_their_name_and_category() {
        assert_eq!(keys(&analyze("Docker")), ["tool", "w:docker"]);
    }

    #[test]
    fn chat_noise_carries_nothing() {
        assert!(keys(&analyze("hey guys, quick question lol, thx!!")).is_empty());
    }
}
