//! Surface tokens → what a question is about: the roles it names, whether it
//! names some other job, and its concepts (synonyms folded, words stemmed).
//!
//! The same analysis runs on FAQ text at index time and on questions at
//! ask time, so both sides meet in one vocabulary.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use rust_stemmers::{Algorithm, Stemmer};

use super::text::tokenize;
use crate::kb::{Role, RoleProfile, RoleSet, Vocabulary};

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
    /// The roles it names.
    pub roles: RoleSet,
    /// Whether it strays from what the FAQ can speak to.
    pub scope: Scope,
    /// Distinct concepts, each once, with the best certainty seen.
    pub terms: Vec<Term>,
}

impl Analysis {
    /// The one role named, when exactly one is.
    pub fn single_role(&self) -> Option<Role> {
        self.roles.single()
    }

    pub fn names_a_role(&self) -> bool {
        !self.roles.is_empty()
    }
}

/// The FAQ's [`Vocabulary`] and role names, indexed for lookups.
pub struct Lexicon {
    stemmer: Stemmer,
    stop: HashSet<String>,
    /// Word → the concepts it stands for alone.
    groups: HashMap<String, Vec<String>>,
    /// Name → the concepts it also counts as (it keeps its own name too).
    named: HashMap<String, Vec<String>>,
    other_jobs: HashSet<String>,
    out_of_scope: HashSet<String>,
    /// Token sequences read as one token, longest first.
    phrases: Vec<(Vec<String>, String)>,
    /// The same, by first token: indices into `phrases`, in its order.
    phrases_by_first: HashMap<String, Vec<usize>>,
    /// Token sequences naming a role, read after the phrases.
    role_names: Vec<(Role, Vec<String>)>,
    /// The same names as typed (before phrases), with the role's display
    /// name, longest first: for [`Lexicon::canonical`].
    role_surfaces: Vec<(Vec<String>, String)>,
}

impl Lexicon {
    /// Indexes the vocabulary of a FAQ folder: its `[vocabulary]`,
    /// `[[concept]]` and `[[phrase]]` tables and its roles' `names`.
    pub fn new(vocabulary: &Vocabulary, roles: &[RoleProfile]) -> Lexicon {
        let mut groups: HashMap<String, Vec<String>> = HashMap::default();
        let mut named: HashMap<String, Vec<String>> = HashMap::default();
        for c in &vocabulary.concepts {
            for w in &c.words {
                groups.entry(w.clone()).or_default().push(c.id.clone());
            }
            for w in &c.names {
                named.entry(w.clone()).or_default().push(c.id.clone());
            }
        }
        // Phrases are typed text; read them with the tokenizer questions go
        // through, so "power bi" meets what a question's "Power-BI" becomes.
        let mut phrases: Vec<(Vec<String>, String)> = vocabulary
            .phrases
            .iter()
            .map(|p| (tokenize(&p.words), p.means.clone()))
            .filter(|(words, _)| words.len() > 1)
            .collect();
        phrases.sort_by_key(|(words, _)| std::cmp::Reverse(words.len()));
        let mut phrases_by_first: HashMap<String, Vec<usize>> = HashMap::default();
        for (i, (words, _)) in phrases.iter().enumerate() {
            phrases_by_first
                .entry(words[0].clone())
                .or_default()
                .push(i);
        }
        let mut lexicon = Lexicon {
            stemmer: Stemmer::create(Algorithm::English),
            stop: vocabulary.stopwords.iter().cloned().collect(),
            groups,
            named,
            other_jobs: vocabulary.other_jobs.iter().cloned().collect(),
            out_of_scope: vocabulary.not_covered.iter().cloned().collect(),
            phrases,
            phrases_by_first,
            role_names: Vec::new(),
            role_surfaces: Vec::new(),
        };
        let mut role_surfaces: Vec<(Vec<String>, String)> = roles
            .iter()
            .flat_map(|r| {
                r.names
                    .iter()
                    .map(move |n| (tokenize(n), r.name.to_lowercase()))
            })
            .filter(|(words, _)| !words.is_empty())
            .collect();
        role_surfaces.sort_by_key(|(words, _)| std::cmp::Reverse(words.len()));
        lexicon.role_surfaces = role_surfaces;
        // A role's name goes through the phrases too: "machine learning
        // engineer" is matched as the tokens a question's would become.
        let mut role_names: Vec<(Role, Vec<String>)> = roles
            .iter()
            .flat_map(|r| r.names.iter().map(move |n| (r.role, n)))
            .map(|(role, name)| {
                let tokens = lexicon.rewrite_phrases(&sure_tokens(tokenize(name)));
                (role, tokens.into_iter().map(|t| t.text).collect::<Vec<_>>())
            })
            .filter(|(_, words)| !words.is_empty())
            .collect();
        role_names.sort_by_key(|(_, words)| std::cmp::Reverse(words.len()));
        lexicon.role_names = role_names;
        lexicon
    }

    /// Every word the lexicon itself knows, for the speller.
    pub fn words(&self) -> impl Iterator<Item = &str> + '_ {
        let phrase_words = self.phrases.iter().flat_map(|(p, _)| p.iter());
        let role_words = self.role_names.iter().flat_map(|(_, p)| p.iter());
        self.stop
            .iter()
            .chain(self.groups.keys())
            .chain(self.named.keys())
            .chain(phrase_words)
            .chain(role_words)
            .map(String::as_str)
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

    /// Tokens (typos corrected) → the text the semantic model reads: each
    /// name of a role spelled out as the role's name, so "mle pay" reads as
    /// "machine learning engineer pay", which the model knows; or, with
    /// `drop_roles`, left out, so that only the topic is compared ("pay"):
    /// the roles are matched by name, and in an embedding they outweigh
    /// the topic.
    pub fn canonical(&self, tokens: &[Token], drop_roles: bool) -> String {
        let mut out = String::new();
        let mut i = 0;
        while i < tokens.len() {
            let hit = self.role_surfaces.iter().find(|(name, _)| {
                name.len() <= tokens.len() - i
                    && name
                        .iter()
                        .zip(&tokens[i..])
                        .all(|(w, t)| t.text == *w || t.text.strip_suffix('s') == Some(w.as_str()))
            });
            let (word, len) = match hit {
                Some((_, _)) if drop_roles => ("", hit.map_or(1, |(n, _)| n.len())),
                Some((name, display)) => (display.as_str(), name.len()),
                None => (tokens[i].text.as_str(), 1),
            };
            if !word.is_empty() {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(word);
            }
            i += len;
        }
        out
    }

    /// Tokens → [`Analysis`].
    pub fn analyze(&self, tokens: &[Token]) -> Analysis {
        let tokens = self.rewrite_phrases(tokens);
        let mut out = Analysis::default();
        let mut rest = Vec::with_capacity(tokens.len());
        let mut i = 0;
        while i < tokens.len() {
            if let Some((role, n)) = self.role_at(&tokens[i..]) {
                out.roles.insert(role);
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
            if let Some(concepts) = self.named.get(word) {
                for c in concepts {
                    add(c.clone(), t.sure);
                }
                add(format!("w:{word}"), t.sure);
            } else if let Some(concepts) = self.groups.get(word) {
                for c in concepts {
                    add(c.clone(), t.sure);
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

impl Lexicon {
    /// `["how", "much"]` → `["salary"]`, as the `[[phrase]]` tables say;
    /// the longest phrase wins where several start at one token.
    fn rewrite_phrases(&self, tokens: &[Token]) -> Vec<Token> {
        let mut out = Vec::with_capacity(tokens.len());
        let mut i = 0;
        'next: while i < tokens.len() {
            let starting = self.phrases_by_first.get(&tokens[i].text);
            for (phrase, to) in starting.into_iter().flatten().map(|&p| &self.phrases[p]) {
                let end = i + phrase.len();
                if end <= tokens.len()
                    && tokens[i..end]
                        .iter()
                        .zip(phrase.iter())
                        .all(|(t, p)| t.text == *p)
                {
                    let sure = tokens[i..end].iter().map(|t| t.sure).fold(1.0, f32::min);
                    out.push(Token {
                        text: to.clone(),
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

    /// The role whose longest name starts `tokens`, and how many tokens
    /// that name covers; a plural `s` on any token is ignored.
    fn role_at(&self, tokens: &[Token]) -> Option<(Role, usize)> {
        // `role_names` is sorted longest first: the first fit is the longest.
        self.role_names.iter().find_map(|(role, name)| {
            let fits = name.len() <= tokens.len()
                && name
                    .iter()
                    .zip(tokens)
                    .all(|(w, t)| t.text == *w || t.text.strip_suffix('s') == Some(w.as_str()));
            fits.then_some((*role, name.len()))
        })
    }
}

fn sure_tokens(words: Vec<String>) -> Vec<Token> {
    words
        .into_iter()
        .map(|text| Token { text, sure: 1.0 })
        .collect()
}

fn is_number(word: &str) -> bool {
    let digits = word.trim_end_matches('k');
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shipped FAQ and its vocabulary, read once per test binary.
    fn shipped() -> &'static (crate::kb::KnowledgeBase, Lexicon) {
        static SHIPPED: std::sync::OnceLock<(crate::kb::KnowledgeBase, Lexicon)> =
            std::sync::OnceLock::new();
        SHIPPED.get_or_init(|| {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("faq");
            let kb = crate::kb::load_dir(&dir).expect("the shipped FAQ loads");
            let lexicon = Lexicon::new(kb.vocabulary(), kb.roles());
            (kb, lexicon)
        })
    }

    fn analyze(text: &str) -> Analysis {
        shipped().1.analyze(&sure_tokens(tokenize(text)))
    }

    /// The ids of the roles a text names.
    fn named(text: &str) -> Vec<&'static str> {
        let kb = &shipped().0;
        analyze(text)
            .roles
            .iter()
            .map(|r| kb.role(r).id.as_str())
            .collect()
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
            assert_eq!(named(q), ["ml-engineer"], "{q}");
        }
        for q in ["data scientists", "Data Science", "data sci", "DS folks"] {
            assert_eq!(named(q), ["data-scientist"], "{q}");
        }
        let both = "data scientist vs machine learning engineer";
        assert_eq!(named(both), ["data-scientist", "ml-engineer"]);
        assert_eq!(keys(&analyze(both)), ["differ"]);
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
