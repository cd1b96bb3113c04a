//! Pure retrieval: a question → a [`Verdict`] (answer, suggest, or stay
//! silent), against an index built once from a [`KnowledgeBase`].
//!
//! The design, in order:
//! 1. [`text`] folds Unicode, case, punctuation and contractions into
//!    tokens; [`fuzzy`] corrects typos against the FAQ's own vocabulary.
//! 2. [`analyze`] reads with the FAQ's own vocabulary (`faq/vocabulary.toml`
//!    and the roles' `names`): the roles a question names ("ML engineer",
//!    "data sci"), other jobs ("pilot"), uncovered topics, and concepts:
//!    synonyms folded ("earn", "pay" → salary), other words stemmed. A
//!    message is read sentence by sentence ([`Matcher::candidates`]).
//! 3. The lexical signal: each phrasing scores by how much of the question
//!    it covers and how much of itself the question covers, concepts
//!    weighted by rarity (IDF); a word the FAQ has never seen counts against.
//! 4. The semantic signal ([`semantic`]): cosine similarity of static
//!    embeddings to phrasings, centroids and answer sentences, with no word
//!    lists.
//! 5. [`decide`]: a fitted logistic model turns each candidate's signals
//!    into the probability that its answer is right; the thresholds it
//!    ships with turn the best into a [`Verdict`]. The entry's role must
//!    agree with the question's: a data scientist question does not get
//!    the ML engineer entry.
//!
//! Must not: log, print, or read anything but the knowledge base handed in
//! (and the model compiled into the binary).

mod analyze;
mod decide;
mod examples;
mod fuzzy;
mod semantic;
mod text;

use rustc_hash::FxHashMap as HashMap;
use std::ops::Range;

use crate::kb::{Audience, KnowledgeBase, Role};
pub use analyze::Scope;
use analyze::{Analysis, Lexicon, Token};
pub use decide::{Decision, Signals};
use fuzzy::Speller;
use semantic::{Quantized, Topics, Vectors};

/// Only this many characters of a question are read (see [`text`]).
pub use text::MAX_CHARS;

/// How much of a question's weight a word counts for when it is found only
/// in an entry's answer, not in any of its phrasings.
const ANSWER_CREDIT: f32 = 0.4;
/// A question that names one of our roles is on topic, so an entry whose
/// whole text (phrasings and answer) covers it is evidence too, scaled by
/// this: "do data scientists need statistics?" finds the skills entry whose
/// answer says so. Not for questions naming no role ("what is python"),
/// where answer words alone would answer off-topic questions.
const WHOLE_ENTRY: f32 = 0.8;
/// Share of a phrasing's score that comes from covering the question (the
/// rest: from the question covering the phrasing).
const QUESTION_SIDE: f32 = 0.7;
/// A word the FAQ has never seen weighs as much as the rarest word times
/// this; less when the question names one of our roles (it is on topic,
/// the stray word is more likely noise).
const UNKNOWN_OFF_TOPIC: f32 = 1.0;
const UNKNOWN_ON_TOPIC: f32 = 0.5;

/// Scores at or above which the bot answers, or only suggests.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    pub answer: f32,
    pub suggest: f32,
}

impl Default for Thresholds {
    /// The probabilities chosen on the validation split, from
    /// `model/decision.toml`.
    fn default() -> Thresholds {
        let d = Decision::shipped();
        Thresholds {
            answer: d.answer,
            suggest: d.suggest,
        }
    }
}

/// One entry found for a question, with its score in (0, 1): the
/// probability that its answer is right.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    /// Index into [`KnowledgeBase::entries`].
    pub entry: usize,
    pub score: f32,
}

/// What the bot should do with a question.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Confident: answer with `hit`; `related` are other close entries.
    Answer { hit: Hit, related: Vec<Hit> },
    /// Not sure: offer these (at most [`MAX_SUGGESTIONS`]), best first.
    Suggest(Vec<Hit>),
    /// Nothing matches well, or the question is not about our roles.
    Silent,
}

impl Verdict {
    /// A short name for logs: `answer`, `suggest`, `silent`.
    pub fn kind(&self) -> &'static str {
        match self {
            Verdict::Answer { .. } => "answer",
            Verdict::Suggest(_) => "suggest",
            Verdict::Silent => "silent",
        }
    }

    /// The best score, 0 when silent.
    pub fn score(&self) -> f32 {
        match self {
            Verdict::Answer { hit, .. } => hit.score,
            Verdict::Suggest(hits) => hits.first().map_or(0.0, |h| h.score),
            Verdict::Silent => 0.0,
        }
    }
}

/// How a question was read: for maintainers tuning the FAQ.
#[derive(Debug, Clone)]
pub struct Explanation {
    /// The roles the question names.
    pub roles: Vec<Role>,
    /// Whether it strays from the two roles.
    pub scope: Scope,
    /// Its concepts: key, weight (`None`: unknown to the FAQ), certainty.
    pub terms: Vec<(String, Option<f32>, f32)>,
    pub hits: Vec<Hit>,
    /// The candidates behind `hits`, in the same order, with their signals.
    pub candidates: Vec<Candidate>,
}

impl Candidate {
    /// The candidate as a ranked hit: its entry and probability.
    pub fn hit(&self) -> Hit {
        Hit {
            entry: self.entry,
            score: self.probability,
        }
    }
}

/// A warning about the FAQ's content, at the entry it concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub location: crate::kb::Location,
    pub message: String,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// What a caller of [`Matcher::ask_message`] does with its answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// The verdict, whether or not the message reads as a question: a DM
    /// or a mention is answered, or pointed to `/ask`, either way.
    Verdict,
    /// The verdict only of a message that reads as a question: one heard
    /// in a listening channel, or a reply to the bot.
    Question,
}

/// One entry considered for a question: its signals and the probability
/// the decision model gives them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Candidate {
    pub entry: usize,
    pub signals: Signals,
    pub probability: f32,
}

/// The FAQ's text as the semantic model reads it.
struct SemanticIndex {
    /// One vector per phrasing, in `phrasings` order: as written, and with
    /// the role names left out (the topic alone).
    phrasings: Vectors,
    phrasing_topics: Topics,
    /// One vector per entry: the mean of its phrasings'.
    centroids: Vectors,
    /// The centroids' first [`COARSE_DIMS`] dimensions, for the coarse pass
    /// of a FAQ of more than [`COARSE_KEEP`] entries (empty otherwise).
    coarse: Vectors,
    /// One vector per answer sentence (as written, and its topic), and
    /// each entry's range of them.
    answers: Vectors,
    answer_topics: Topics,
    entry_answers: Vec<Range<u32>>,
    /// The labeled questions of `model/examples.toml`, one vector per
    /// distinct question as read (a question that passed several entries
    /// is one row, not one per entry): per entry the rows of those its
    /// answer passed, and the rows of those that had to get silence.
    examples: Vectors,
    examples_for: Vec<Vec<u32>>,
    examples_silent: Vec<u32>,
    /// The examples in 8 bits: a cheap upper bound on each one's
    /// similarity (see [`SemanticIndex::nearest_example`]).
    examples_q8: Quantized,
}

impl SemanticIndex {
    /// `choices` are the phrasings in index order, `entry_phrasings` each
    /// entry's range of them.
    fn build(
        kb: &KnowledgeBase,
        lexicon: &Lexicon,
        choices: &[(u32, String)],
        entry_phrasings: &[Range<u32>],
    ) -> SemanticIndex {
        let read = |t: &str, drop_roles: bool| {
            lexicon.canonical(&sure_tokens(text::tokenize_all(t)), drop_roles)
        };
        let texts: Vec<String> = choices.iter().map(|(_, t)| read(t, false)).collect();
        let phrasing_topics = Topics::encode(&texts, choices.iter().map(|(_, t)| read(t, true)));
        let phrasings = Vectors::encode(&texts);
        let centroids = phrasings.means(
            entry_phrasings
                .iter()
                .map(|r| r.start as usize..r.end as usize),
        );
        let coarse = if entry_phrasings.len() > COARSE_KEEP {
            centroids.prefix(COARSE_DIMS)
        } else {
            Vectors::empty(COARSE_DIMS)
        };
        let mut entry_answers = Vec::with_capacity(kb.entries().len());
        let mut next = 0_u32;
        let sentences: Vec<&str> = kb
            .entries()
            .iter()
            .flat_map(|entry| {
                let sentences = answer_sentences(&entry.answer);
                entry_answers.push(next..next + sentences.len() as u32);
                next += sentences.len() as u32;
                sentences
            })
            .collect();
        let labeled = examples::shipped();
        let mut distinct: HashMap<String, u32> = HashMap::default();
        let mut example_texts = Vec::new();
        let example_rows: Vec<u32> = labeled
            .iter()
            .map(|x| {
                let text = read(&x.q, false);
                *distinct.entry(text.clone()).or_insert_with(|| {
                    example_texts.push(text);
                    example_texts.len() as u32 - 1
                })
            })
            .collect();
        let examples = Vectors::encode(&example_texts);
        let index: HashMap<&str, usize> = kb
            .entries()
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id.as_str(), i))
            .collect();
        let mut examples_for = vec![Vec::new(); kb.entries().len()];
        let mut examples_silent = Vec::new();
        for (&row, x) in example_rows.iter().zip(labeled) {
            match &x.entry {
                // An entry this FAQ no longer has: the example says nothing.
                Some(id) => {
                    if let Some(&e) = index.get(id.as_str()) {
                        examples_for[e].push(row);
                    }
                }
                None => examples_silent.push(row),
            }
        }
        for rows in examples_for.iter_mut().chain([&mut examples_silent]) {
            rows.sort_unstable();
            rows.dedup();
        }
        let texts: Vec<String> = sentences.iter().map(|s| read(s, false)).collect();
        SemanticIndex {
            phrasings,
            phrasing_topics,
            centroids,
            coarse,
            answer_topics: Topics::encode(&texts, sentences.iter().map(|s| read(s, true))),
            answers: Vectors::encode(&texts),
            entry_answers,
            examples_q8: Quantized::of(&examples),
            examples,
            examples_for,
            examples_silent,
        }
    }

    /// The closest of `rows` to `q`, leaving out a row that is `q` itself
    /// (an example never votes for its own text, so the questions the
    /// examples came from are scored as if they were new), or `best` if
    /// none is closer.
    ///
    /// Exact, but most rows are never compared in full. Each row has an
    /// upper bound on its similarity from its 8-bit copy, computed for
    /// every row in one pass over a quarter of the memory of the float32
    /// rows (which do not fit in the L2 cache; the copies do). The rows
    /// are compared in full from the highest bound down, until no bound
    /// beats the best found: a row skipped could not have changed the
    /// result. The bounds are within a few hundredths of the cosines, so
    /// a handful of rows per entry are compared where there were hundreds.
    ///
    /// `scratch` is this reading's: its bounds, and each row's similarity
    /// once computed (candidates share many examples, and a dot product
    /// gives the same float whenever it is taken).
    fn nearest_example(
        &self,
        rows: &[u32],
        q: &[f32],
        scratch: &mut ExampleScratch,
        mut best: f32,
    ) -> f32 {
        if scratch.bound.is_empty() {
            self.examples_q8.bounds(q, &mut scratch.bound);
            scratch.seen = vec![f32::NAN; scratch.bound.len()];
        }
        let mut open: Vec<(f32, u32)> = rows
            .iter()
            .map(|&r| (scratch.bound[r as usize], r))
            .filter(|&(bound, _)| bound > best)
            .collect();
        while let Some((at, &(_, r))) = open
            .iter()
            .enumerate()
            .max_by(|a, b| a.1 .0.total_cmp(&b.1 .0))
        {
            let r = r as usize;
            if scratch.seen[r].is_nan() {
                scratch.seen[r] = self.examples.similarity(r, q);
            }
            let s = scratch.seen[r];
            open.swap_remove(at);
            if s < SAME_TEXT && s > best {
                best = s;
                open.retain(|&(bound, _)| bound > best);
            }
        }
        best
    }
}

/// One reading's work on the examples: each row's bound (computed on
/// first use) and its similarity once computed (NaN: not yet).
#[derive(Default)]
struct ExampleScratch {
    bound: Vec<f32>,
    seen: Vec<f32>,
}

impl ExampleScratch {
    /// A fresh scratch for [`SemanticIndex::nearest_example`], one per
    /// reading.
    fn each(readings: usize) -> Vec<ExampleScratch> {
        (0..readings).map(|_| ExampleScratch::default()).collect()
    }
}

/// A cosine this close to 1 is the same text, read the same way.
const SAME_TEXT: f32 = 0.9999;

/// One sentence of a message as the scorers read it.
struct Reading {
    analysis: Analysis,
    /// Its unit vector, role names spelled out (and the message's roles
    /// added when it names none).
    vector: Vec<f32>,
    /// Its unit vector with role names left out: the topic alone.
    topic: Vec<f32>,
    /// Whether it names no role, so `topic` is `vector`.
    same: bool,
}

/// Entries whose phrasings the semantic signal compares, by the closeness
/// of their centroids.
const SEMANTIC_SHORTLIST: usize = 10;

/// A FAQ of more entries than this finds its semantic shortlist with a
/// coarse pass first ([`Matcher::nearest_centroids`]), keeping this many.
const COARSE_KEEP: usize = 128;

/// Dimensions the coarse pass compares, of the model's 256.
const COARSE_DIMS: usize = 64;

/// Entries taken as candidates from each of the two scorers.
const CANDIDATES_PER_SIGNAL: usize = 5;

/// Words at most in a message that reads as a question without a `?` or a
/// question word, when the bot is sure of its answer.
pub const SHORT_QUERY: usize = 6;

/// Suggestions offered at most.
pub const MAX_SUGGESTIONS: usize = 3;

struct Phrasing {
    entry: u32,
    weight: f32,
}

/// The index over one knowledge base. Build once, ask many times; `ask`
/// takes `&self` and allocates only per-question scratch.
pub struct Matcher {
    lexicon: Lexicon,
    speller: Speller,
    concepts: HashMap<String, u32>,
    idf: Vec<f32>,
    phrasings: Vec<Phrasing>,
    /// Concept → phrasings that name it.
    in_phrasings: Vec<Vec<u32>>,
    /// Concept → entries whose answer (only) names it.
    in_answers: Vec<Vec<u32>>,
    /// Concept → entries with a phrasing that names it (each entry once).
    in_entries: Vec<Vec<u32>>,
    /// Phrasings that name a role and nothing else ("What is an MLE?").
    bare: Vec<u32>,
    entry_phrasings: Vec<Range<u32>>,
    audiences: Vec<Audience>,
    /// Every phrasing's text with its entry, for autocomplete.
    choices: Vec<(u32, String)>,
    unknown_weight: f32,
    thresholds: Thresholds,
    semantic: SemanticIndex,
    /// Per entry: every concept of its phrasings and answer, sorted; and
    /// of its answer alone.
    entry_concepts: Vec<Vec<u32>>,
    answer_concepts: Vec<Vec<u32>>,
    question_words: rustc_hash::FxHashSet<String>,
    /// Each role's display name, lower case, as the semantic model reads it.
    role_names: HashMap<Role, String>,
}

impl Matcher {
    /// Indexes `kb` with the default [`Thresholds`].
    pub fn new(kb: &KnowledgeBase) -> Matcher {
        let lexicon = Lexicon::new(kb.vocabulary(), kb.roles());
        let mut words: Vec<String> = lexicon.words().map(str::to_owned).collect();
        let mut concepts: HashMap<String, u32> = HashMap::default();
        let mut intern = |key: &str| -> u32 {
            let next = concepts.len() as u32;
            *concepts.entry(key.to_owned()).or_insert(next)
        };
        let mut phrasings = Vec::new();
        let mut phrasing_terms: Vec<Vec<u32>> = Vec::new();
        let mut answer_terms: Vec<Vec<u32>> = Vec::new();
        let mut entry_concepts: Vec<Vec<u32>> = Vec::new();
        let mut answer_concepts: Vec<Vec<u32>> = Vec::new();
        let mut entry_phrasings = Vec::new();
        let mut choices = Vec::new();
        for (e, entry) in kb.entries().iter().enumerate() {
            let start = phrasings.len() as u32;
            let mut seen = Vec::new();
            for text in std::iter::once(&entry.question).chain(&entry.alternates) {
                let tokens = text::tokenize(text);
                words.extend(tokens.iter().cloned());
                let terms: Vec<u32> = lexicon
                    .analyze(&sure_tokens(tokens))
                    .terms
                    .iter()
                    .map(|t| intern(&t.key))
                    .collect();
                seen.extend(terms.iter().copied());
                phrasings.push(Phrasing {
                    entry: e as u32,
                    weight: 0.0,
                });
                phrasing_terms.push(terms);
                choices.push((e as u32, text.clone()));
            }
            entry_phrasings.push(start..phrasings.len() as u32);
            let tokens = text::tokenize_all(&entry.answer);
            words.extend(tokens.iter().cloned());
            let all: Vec<u32> = lexicon
                .analyze(&sure_tokens(tokens))
                .terms
                .iter()
                .map(|t| intern(&t.key))
                .collect();
            answer_terms.push(all.iter().copied().filter(|c| !seen.contains(c)).collect());
            let (answer, whole) = concept_sets(all, &seen);
            answer_concepts.push(answer);
            entry_concepts.push(whole);
        }
        let n = kb.entries().len() as f32;
        let idf = rarity(
            n,
            concepts.len(),
            &phrasing_terms,
            &answer_terms,
            &entry_phrasings,
        );
        let mut in_phrasings = vec![Vec::new(); concepts.len()];
        let mut bare = Vec::new();
        for (p, terms) in phrasing_terms.iter().enumerate() {
            phrasings[p].weight = terms.iter().map(|&c| idf[c as usize]).sum();
            if terms.is_empty() {
                bare.push(p as u32);
            }
            for &c in terms {
                in_phrasings[c as usize].push(p as u32);
            }
        }
        let in_entries = entries_by_concept(&phrasing_terms, &entry_phrasings, concepts.len());
        let semantic = SemanticIndex::build(kb, &lexicon, &choices, &entry_phrasings);
        let mut in_answers = vec![Vec::new(); concepts.len()];
        for (e, terms) in answer_terms.iter().enumerate() {
            for &c in terms {
                in_answers[c as usize].push(e as u32);
            }
        }
        Matcher {
            speller: Speller::new(words),
            lexicon,
            concepts,
            idf,
            phrasings,
            in_phrasings,
            in_answers,
            in_entries,
            bare,
            entry_phrasings,
            audiences: kb.entries().iter().map(|e| e.role).collect(),
            choices,
            unknown_weight: (1.0 + (n + 0.5) / 0.5).ln(),
            thresholds: Thresholds::default(),
            semantic,
            entry_concepts,
            answer_concepts,
            question_words: kb.vocabulary().question_words.iter().cloned().collect(),
            role_names: kb
                .roles()
                .iter()
                .map(|r| (r.role, r.name.to_lowercase()))
                .collect(),
        }
    }

    /// The same index with other thresholds.
    #[must_use]
    pub fn with_thresholds(mut self, thresholds: Thresholds) -> Matcher {
        self.thresholds = thresholds;
        self
    }

    pub fn thresholds(&self) -> Thresholds {
        self.thresholds
    }

    /// `"how much do ML engineers earn?"` → `Verdict::Answer` with the ML
    /// engineer salary entry; `"what tools does a carpenter use"` →
    /// `Verdict::Silent`.
    pub fn ask(&self, question: &str) -> Verdict {
        self.verdict(&self.rank(question))
    }

    /// A ranking read through the thresholds.
    fn verdict(&self, hits: &[Hit]) -> Verdict {
        let t = self.thresholds;
        match hits.first() {
            Some(best) if best.score >= t.answer => Verdict::Answer {
                hit: *best,
                related: hits[1..]
                    .iter()
                    .take_while(|h| h.score >= t.suggest)
                    .take(MAX_SUGGESTIONS)
                    .copied()
                    .collect(),
            },
            Some(best) if best.score >= t.suggest => Verdict::Suggest(
                hits.iter()
                    .take_while(|h| h.score >= t.suggest)
                    .take(MAX_SUGGESTIONS)
                    .copied()
                    .collect(),
            ),
            _ => Verdict::Silent,
        }
    }

    /// The verdict on a message, and whether it reads as a question: a
    /// `?`, an opening question word (the vocabulary's `question_words`),
    /// or a short message the bot is sure of ("mle langs", "data
    /// scientist salary"), at or above the decision model's `confident`
    /// probability, made only of words the FAQ knows. The bot answers
    /// unprompted only what reads as one.
    ///
    /// The last condition tells a keyword query from a remark: "I built a
    /// dashboard today" is as close to the dashboard entry as "ds
    /// dashboards", but it says something ("built") that no entry is about.
    ///
    /// With [`Need::Question`] a message that cannot read as a question (no
    /// `?`, no question word, longer than a short query) is not matched at
    /// all: `(Silent, false)`, the verdict it would have had being of no
    /// use to the caller. Most chatter in a busy listening channel is such
    /// a message, and matching is the bot's main cost per message.
    pub fn ask_message(&self, text: &str, need: Need) -> (Verdict, bool) {
        let asks = self.reads_as_question(text);
        let short = text::tokenize(text).len() <= SHORT_QUERY;
        if need == Need::Question && !asks && !short {
            return (Verdict::Silent, false);
        }
        let candidates = self.candidates(text);
        let hits: Vec<Hit> = candidates.iter().map(Candidate::hit).collect();
        let verdict = self.verdict(&hits);
        // `unknown` is the whole message's, the same on every candidate:
        // 0 when the FAQ knows every content word.
        let knows_every_word = candidates.first().is_some_and(|c| c.signals.unknown == 0.0);
        let question = asks
            || (short
                && matches!(&verdict, Verdict::Answer { hit, .. }
                    if hit.score >= Decision::shipped().confident)
                && knows_every_word);
        (verdict, question)
    }

    /// What a maintainer should fix: each phrasing (question or alternate)
    /// that does not answer with its own entry, and each phrasing two
    /// entries share (after folding case and punctuation). `faqbot check`
    /// warns with these; `--strict` refuses the FAQ.
    pub fn self_check(&self, kb: &KnowledgeBase) -> Vec<Finding> {
        let mut out = Vec::new();
        let mut seen: HashMap<Vec<String>, usize> = HashMap::default();
        for (e, entry) in kb.entries().iter().enumerate() {
            for text in std::iter::once(&entry.question).chain(&entry.alternates) {
                let key = text::tokenize_all(text);
                match seen.get(&key) {
                    Some(&other) if other != e => out.push(Finding {
                        location: entry.location.clone(),
                        message: format!(
                            "entry \"{}\" shares the phrasing \"{text}\" with entry \"{}\"",
                            entry.id,
                            kb.entries()[other].id
                        ),
                    }),
                    Some(_) => {}
                    None => {
                        seen.insert(key, e);
                    }
                }
                let found = match self.ask(text) {
                    Verdict::Answer { hit, .. } => Some(hit.entry),
                    _ => None,
                };
                if found != Some(e) {
                    let got = found.map_or_else(
                        || "no answer".to_owned(),
                        |f| format!("entry \"{}\"", kb.entries()[f].id),
                    );
                    out.push(Finding {
                        location: entry.location.clone(),
                        message: format!(
                            "entry \"{}\": its phrasing \"{text}\" gets {got}; reword it, or the entry it finds",
                            entry.id
                        ),
                    });
                }
            }
        }
        out
    }

    /// How a question was read and ranked, for `faqbot ask --explain`.
    pub fn explain(&self, question: &str) -> Explanation {
        let q = self.analyze_question(question);
        let roles = q.roles.iter().collect();
        // One pass: the hits are the candidates read as hits.
        let candidates = self.candidates(question);
        Explanation {
            roles,
            scope: q.scope,
            terms: q
                .terms
                .iter()
                .map(|t| {
                    let weight = self.concepts.get(&t.key).map(|&c| self.idf[c as usize]);
                    (t.key.clone(), weight, t.sure)
                })
                .collect(),
            hits: candidates.iter().map(Candidate::hit).collect(),
            candidates,
        }
    }

    /// The candidate entries, best first (ties: FAQ order), each with the
    /// probability that its answer is right.
    pub fn rank(&self, question: &str) -> Vec<Hit> {
        self.candidates(question)
            .iter()
            .map(Candidate::hit)
            .collect()
    }

    /// The entries the lexical and the semantic scorer each rank highest,
    /// with their [`Signals`] and probabilities, best first.
    ///
    /// A message that names another job, or something the articles never
    /// cover, is not silenced outright: "I'm a teacher, what does a data
    /// scientist do?" tells a story around a question the FAQ answers.
    /// Those readings are signals with strongly negative weights, and the
    /// lexical score of a sentence that has them is zero, so "what do
    /// pilots earn" and "data scientist salary in euros" stay silent.
    pub fn candidates(&self, question: &str) -> Vec<Candidate> {
        let mut memo = Vec::new();
        let whole_tokens = self.read_tokens(question, &mut memo);
        let whole = self.lexicon.analyze(&whole_tokens);
        if whole.terms.is_empty() && !whole.names_a_role() {
            // "thanks a lot!!": nothing to match on, whatever it resembles.
            return Vec::new();
        }
        let readings = self.readings(question, &whole, &whole_tokens, &mut memo);
        if readings.is_empty() {
            return Vec::new();
        }
        let mut lex = self.lexical(&readings);
        let lex_top = best_entries(&mut lex, CANDIDATES_PER_SIGNAL);
        let sem = self.phrasing_similarity(&readings, &lex_top);
        let mut picked: Vec<usize> = lex_top.clone();
        picked.extend(self.top_semantic(&sem, CANDIDATES_PER_SIGNAL));
        picked.sort_unstable();
        picked.dedup();
        let lex_of = scores_of(&lex, &picked);
        let sem_of = scores_of(&sem, &picked);
        let (known, specificity, unknown) = self.saying(&whole);
        let mut seen = ExampleScratch::each(readings.len());
        let sem_silent = self.example_similarity(&readings, None, 0.0, &mut seen);
        let flag = |b: bool| if b { 1.0 } else { 0.0 };
        let questionish = flag(self.reads_as_question(question));
        let mut signals: Vec<Signals> = picked
            .iter()
            .enumerate()
            .map(|(i, &e)| {
                let role_fit = role_agreement(&whole, self.audiences[e]);
                let (sem_topic, sem_centroid, sem_answer, sem_answer_topic) =
                    self.entry_similarity(&readings, e);
                let sem_example = self.example_similarity(&readings, Some(e), sem_of[i], &mut seen);
                Signals {
                    lex: lex_of[i],
                    lex_entry: readings
                        .iter()
                        .map(|r| self.coverage(&r.analysis, &self.entry_concepts[e]))
                        .fold(0.0, f32::max),
                    lex_answer: readings
                        .iter()
                        .map(|r| self.coverage(&r.analysis, &self.answer_concepts[e]))
                        .fold(0.0, f32::max),
                    sem: sem_of[i],
                    sem_topic,
                    sem_centroid,
                    sem_answer,
                    sem_answer_topic,
                    sem_example,
                    sem_silent,
                    role_fit,
                    wrong_role: flag(whole.single_role().is_some() && role_fit < 0.5),
                    unknown,
                    names_role: flag(whole.names_a_role()),
                    other_job: flag(whole.scope == Scope::OtherJob && whole.names_a_role()),
                    other_job_only: flag(whole.scope == Scope::OtherJob && !whole.names_a_role()),
                    outside: flag(whole.scope == Scope::Outside),
                    questionish,
                    terms: known.min(6) as f32 / 6.0,
                    specificity,
                    ..Signals::default()
                }
            })
            .collect();
        Signals::set_margins(&mut signals);
        let decision = Decision::shipped();
        // One word naming no role ("python", "data") is a topic, not a
        // question: at most a suggestion, however well it matches.
        let ceiling = if whole_tokens.len() < 2 && !whole.names_a_role() {
            self.thresholds.answer * 0.99
        } else {
            1.0
        };
        let mut out: Vec<Candidate> = picked
            .into_iter()
            .zip(signals)
            .map(|(entry, signals)| Candidate {
                entry,
                signals,
                probability: decision.probability(&signals).min(ceiling),
            })
            .collect();
        out.sort_by(|a, b| {
            b.probability
                .total_cmp(&a.probability)
                .then(a.entry.cmp(&b.entry))
        });
        out
    }

    /// How a message is read: the whole of it when it is one sentence,
    /// else each of its sentences alone, since chatter around a question
    /// ("hey all, long day here.") pulls a whole-message reading away from
    /// it.
    ///
    /// A sentence naming no role is read with the message's roles and
    /// readings: in "I want to be an ML engineer. What skills do I need?"
    /// the second sentence is about ML engineers, and in "I'm a nurse. How
    /// much do they earn?" about nurses. A sentence about another job, or
    /// about what the articles never cover, is context, not the question
    /// ("I'm from Mexico."), and is left out; so is one with nothing to
    /// match on ("thanks in advance!"). Empty: the bot stays silent.
    fn readings(
        &self,
        question: &str,
        whole: &Analysis,
        whole_tokens: &[Token],
        memo: &mut Vec<(String, Token)>,
    ) -> Vec<Reading> {
        let bounded: String = question.chars().take(MAX_CHARS).collect();
        let sentences = text::sentences(&bounded);
        let strays = |a: &Analysis| match a.scope {
            Scope::Outside => true,
            Scope::OtherJob => !a.names_a_role(),
            Scope::Ours => false,
        };
        let texts = if sentences.len() < 2 {
            vec![bounded.as_str()]
        } else {
            sentences
        };
        let single = texts.len() == 1;
        let roles = self.role_prefix(whole);
        texts
            .into_iter()
            .filter_map(|t| {
                // One sentence: the message's tokens and reading, already made.
                let tokens = if single {
                    whole_tokens.to_vec()
                } else {
                    self.read_tokens(t, memo)
                };
                let mut analysis = if single {
                    whole.clone()
                } else {
                    self.lexicon.analyze(&tokens)
                };
                if analysis.terms.is_empty() && !analysis.names_a_role() {
                    return None;
                }
                let inherits = !analysis.names_a_role();
                if inherits {
                    analysis.roles = whole.roles;
                    analysis.scope = analysis.scope.max(whole.scope);
                }
                if strays(&analysis) {
                    return None;
                }
                let prefix = if inherits { roles.as_str() } else { "" };
                let read = format!("{prefix}{}", self.lexicon.canonical(&tokens, false));
                let topic = self.lexicon.canonical(&tokens, true);
                let vector = semantic::encode(&read);
                // A sentence naming no role reads the same without them.
                let same = topic == read;
                let topic = if same {
                    vector.clone()
                } else {
                    semantic::encode(&topic)
                };
                Some(Reading {
                    analysis,
                    vector,
                    topic,
                    same,
                })
            })
            .collect()
    }

    /// Share of a reading's known concepts, weighted by rarity, that `held`
    /// (an entry's sorted concepts) holds.
    fn coverage(&self, a: &Analysis, held_by: &[u32]) -> f32 {
        let (mut held, mut total) = (0.0_f32, 0.0_f32);
        for t in &a.terms {
            if let Some(&c) = self.concepts.get(&t.key) {
                let w = self.idf[c as usize] * t.sure;
                total += w;
                if held_by.binary_search(&c).is_ok() {
                    held += w;
                }
            }
        }
        if total == 0.0 {
            0.0
        } else {
            held / total
        }
    }

    /// The names of the roles an analysis names, for a sentence that
    /// names none: "machine learning engineer " or "".
    fn role_prefix(&self, a: &Analysis) -> String {
        let mut out = String::new();
        for role in a.roles.iter() {
            if let Some(name) = self.role_names.get(&role) {
                out.push_str(name);
                out.push(' ');
            }
        }
        out
    }

    /// The best similarity of any reading to any phrasing, for each entry
    /// of the semantic shortlist: the one semantic pass that looks past the
    /// candidates; the other signals are computed for candidates only.
    ///
    /// An entry's phrasings are compared only when its centroid is among
    /// the [`SEMANTIC_SHORTLIST`] closest, or the lexical signal ranks it
    /// high (`lexical`): one comparison per entry, then a dozen per
    /// shortlisted entry, instead of one per phrasing of the whole FAQ.
    /// Each shortlisted entry once, by entry; the score is 0 when no
    /// phrasing is closer than that.
    fn phrasing_similarity(&self, readings: &[Reading], lexical: &[usize]) -> Vec<Hit> {
        let mut shortlist = self.nearest_centroids(readings, SEMANTIC_SHORTLIST);
        shortlist.extend_from_slice(lexical);
        shortlist.sort_unstable();
        shortlist.dedup();
        shortlist
            .into_iter()
            .map(|e| {
                let mut best = 0.0_f32;
                for Reading { vector: q, .. } in readings {
                    let rows = self.entry_phrasings[e].clone().map(|p| p as usize);
                    self.semantic
                        .phrasings
                        .similarities(rows, q, |s| best = best.max(s));
                }
                Hit {
                    entry: e,
                    score: best,
                }
            })
            .collect()
    }

    /// The `k` entries whose centroids are closest to any reading, closest
    /// first (ties, and entries no closer than 0: lower entry first).
    ///
    /// In a FAQ of more than [`COARSE_KEEP`] entries, only the entries a
    /// coarse pass ranks first are compared in full: the model's dimensions
    /// come out of PCA, largest variance first, so a centroid's first
    /// [`COARSE_DIMS`] say most of where it points, at a quarter of the
    /// cost and memory traffic. Up to that size every entry is compared
    /// in full, and the result is exact.
    fn nearest_centroids(&self, readings: &[Reading], k: usize) -> Vec<usize> {
        let entries = self.audiences.len();
        let compared: Vec<usize> = if entries <= COARSE_KEEP {
            (0..entries).collect()
        } else {
            let mut coarse = vec![0.0_f32; entries];
            for Reading { vector: q, .. } in readings {
                let q = &q[..COARSE_DIMS.min(q.len())];
                let mut c = coarse.iter_mut();
                self.semantic.coarse.similarities(0..entries, q, |s| {
                    if let Some(c) = c.next() {
                        *c = c.max(s);
                    }
                });
            }
            top_indices(&coarse, COARSE_KEEP)
        };
        let mut near: Vec<Hit> = compared
            .iter()
            .map(|&e| Hit {
                entry: e,
                score: 0.0,
            })
            .collect();
        // Reading by reading, each entry's best in the same order as one
        // entry at a time would take it.
        for Reading { vector: q, .. } in readings {
            let mut hit = near.iter_mut();
            self.semantic
                .centroids
                .similarities(compared.iter().copied(), q, |s| {
                    if let Some(h) = hit.next() {
                        h.score = h.score.max(s);
                    }
                });
        }
        best_entries(&mut near, k)
    }

    /// The `k` entries the semantic signal ranks first, as over every entry
    /// with 0 for those off the shortlist: when fewer than `k` score above
    /// 0, the first entries of the FAQ fill the list (the decision model
    /// was fit on candidates picked this way).
    fn top_semantic(&self, sem: &[Hit], k: usize) -> Vec<usize> {
        let mut positive: Vec<Hit> = sem.iter().filter(|h| h.score > 0.0).copied().collect();
        let mut top = best_entries(&mut positive, k);
        let mut next = 0;
        while top.len() < k.min(self.audiences.len()) {
            if !top.contains(&next) {
                top.push(next);
            }
            next += 1;
        }
        top
    }

    /// What a whole message says: how many of its concepts the FAQ knows,
    /// its `specificity` and its `unknown` share (see [`Signals`]).
    fn saying(&self, whole: &Analysis) -> (usize, f32, f32) {
        let known = whole
            .terms
            .iter()
            .filter(|t| self.concepts.contains_key(&t.key))
            .count();
        let said: f32 = whole
            .terms
            .iter()
            .filter_map(|t| self.concepts.get(&t.key))
            .map(|&c| self.idf[c as usize])
            .sum();
        let specificity = (said / (2.0 * self.unknown_weight)).min(1.0);
        let unknown = if whole.terms.is_empty() {
            0.0
        } else {
            (whole.terms.len() - known) as f32 / whole.terms.len() as f32
        };
        (known, specificity, unknown)
    }

    /// `sem_example` for entry `e` (its phrasings' best similarity is
    /// `floor`), or `sem_silent` for `None`: the closest labeled example
    /// over the message's readings.
    fn example_similarity(
        &self,
        readings: &[Reading],
        e: Option<usize>,
        floor: f32,
        seen: &mut [ExampleScratch],
    ) -> f32 {
        let rows = match e {
            Some(e) => &self.semantic.examples_for[e],
            None => &self.semantic.examples_silent,
        };
        readings
            .iter()
            .zip(seen)
            .fold(floor.max(0.0), |best, (r, scratch)| {
                self.semantic
                    .nearest_example(rows, &r.vector, scratch, best)
            })
    }

    /// One candidate's other semantic signals: (topic, centroid, answer,
    /// answer topic).
    fn entry_similarity(&self, readings: &[Reading], e: usize) -> (f32, f32, f32, f32) {
        let (mut topic, mut centroid, mut answer, mut answer_topic) =
            (0.0_f32, 0.0_f32, 0.0_f32, 0.0_f32);
        let phrasings = self.entry_phrasings[e].clone();
        let answers = self.semantic.entry_answers[e].clone();
        let s = &self.semantic;
        for Reading {
            vector: q,
            topic: t,
            same,
            ..
        } in readings
        {
            let rows = phrasings.clone().map(|p| p as usize);
            s.phrasing_topics
                .similarities(&s.phrasings, rows, t, |x| topic = topic.max(x));
            centroid = centroid.max(s.centroids.similarity(e, q));
            let answers = answers.clone().map(|i| i as usize);
            // The same two vectors: the same similarity, computed once.
            // (A max of finite floats is the same in any order, so the
            // topic pass after may take the others.)
            let shared = |i: usize| *same && s.answer_topics.is_same(i);
            let mut i = answers.clone();
            s.answers.similarities(answers.clone(), q, |a| {
                answer = answer.max(a);
                if i.next().is_some_and(shared) {
                    answer_topic = answer_topic.max(a);
                }
            });
            let rest = answers.filter(|&i| !shared(i));
            s.answer_topics
                .similarities(&s.answers, rest, t, |a| answer_topic = answer_topic.max(a));
        }
        (topic, centroid, answer, answer_topic)
    }

    /// A `?`, or a first word that opens a question (the vocabulary's
    /// `question_words`): "what do MLEs earn" → true.
    pub fn reads_as_question(&self, text: &str) -> bool {
        reads_as_question(text, &self.question_words)
    }

    /// The lexical score of every entry any reading finds: the best over
    /// the readings, each entry once, all above zero, in no order.
    ///
    /// The per-entry bests stay in the scratch buffers from one reading to
    /// the next, so the readings merge without a buffer the size of the FAQ.
    fn lexical(&self, readings: &[Reading]) -> Vec<Hit> {
        SCRATCH.with_borrow_mut(|scratch| {
            let sizes = (self.phrasings.len(), self.audiences.len());
            let s = scratch.take(sizes);
            for r in readings {
                self.score_reading(&r.analysis, s);
                s.clear_reading();
            }
            let hits = s
                .touched
                .iter()
                .map(|&e| Hit {
                    entry: e as usize,
                    score: s.best[e as usize],
                })
                .collect();
            s.clear();
            hits
        })
    }

    /// Scores every entry for one analysed reading into `s.best` (the best
    /// so far of each entry in `s.touched`).
    fn score_reading(&self, q: &Analysis, s: &mut Scratch) {
        match q.scope {
            Scope::Outside => return,
            Scope::OtherJob if !q.names_a_role() => return,
            _ => {}
        }
        if q.terms.is_empty() && !q.names_a_role() {
            return;
        }
        let unknown = self.unknown_weight
            * if q.names_a_role() {
                UNKNOWN_ON_TOPIC
            } else {
                UNKNOWN_OFF_TOPIC
            };
        let mut total = 0.0;
        let mut known = Vec::with_capacity(q.terms.len());
        for t in &q.terms {
            match self.concepts.get(&t.key) {
                Some(&c) => {
                    let w = self.idf[c as usize];
                    total += w;
                    known.push((c, w * t.sure));
                }
                None => total += unknown,
            }
        }
        self.score_known(q, &known, total, s);
    }

    /// The scoring of [`Matcher::score_reading`], once the question's
    /// concepts are weighed: `known` holds (concept, credit), `total` the
    /// whole question's weight.
    fn score_known(&self, q: &Analysis, known: &[(u32, f32)], total: f32, s: &mut Scratch) {
        let Scratch {
            in_phrasing,
            in_answer,
            best,
            whole,
            answered,
            touched,
            seen,
            ..
        } = s;
        let mut candidates: Vec<u32> = Vec::new();
        for &(c, credit) in known {
            for &p in &self.in_phrasings[c as usize] {
                if in_phrasing[p as usize] == 0.0 {
                    candidates.push(p);
                }
                in_phrasing[p as usize] += credit;
            }
            for &e in &self.in_answers[c as usize] {
                if in_answer[e as usize] == 0.0 {
                    answered.push(e);
                    candidates.extend(self.entry_phrasings[e as usize].clone());
                }
                in_answer[e as usize] += credit;
            }
        }
        if q.terms.is_empty() {
            candidates.extend(&self.bare);
        }
        for &p in &candidates {
            let phrasing = &self.phrasings[p as usize];
            let own = in_phrasing[p as usize];
            let matched = own + ANSWER_CREDIT * in_answer[phrasing.entry as usize];
            let content = if total == 0.0 {
                // The question only names a role: only a phrasing that only
                // names a role fits it.
                if phrasing.weight == 0.0 {
                    1.0
                } else {
                    0.0
                }
            } else {
                let covered = matched / total;
                let precise = if phrasing.weight > 0.0 {
                    own / phrasing.weight
                } else {
                    0.0
                };
                QUESTION_SIDE * covered + (1.0 - QUESTION_SIDE) * precise
            };
            let score = (content * role_agreement(q, self.audiences[phrasing.entry as usize]))
                .clamp(0.0, 1.0);
            let slot = &mut best[phrasing.entry as usize];
            if *slot == 0.0 && score > 0.0 {
                touched.push(phrasing.entry);
            }
            *slot = slot.max(score);
        }
        if q.names_a_role() && total > 0.0 {
            self.add_whole_entry_evidence(q, known, total, best, touched, whole, seen);
        }
        // Phrasings scored from answers alone were not marked: unmark only
        // those that were.
        for &p in &candidates {
            in_phrasing[p as usize] = 0.0;
        }
    }

    /// For a question naming one of our roles: each entry scores by how much
    /// of the question its whole text covers, scaled by [`WHOLE_ENTRY`], when
    /// that beats its best phrasing.
    #[allow(
        clippy::too_many_arguments,
        reason = "the scratch buffers of score_known, lent piece by piece"
    )]
    fn add_whole_entry_evidence(
        &self,
        q: &Analysis,
        known: &[(u32, f32)],
        total: f32,
        best: &mut [f32],
        touched: &mut Vec<u32>,
        whole: &mut [f32],
        seen: &mut Vec<u32>,
    ) {
        for &(c, credit) in known {
            for &e in self.in_entries[c as usize]
                .iter()
                .chain(&self.in_answers[c as usize])
            {
                if whole[e as usize] == 0.0 {
                    seen.push(e);
                }
                whole[e as usize] += credit;
            }
        }
        for &e in seen.iter() {
            let e = e as usize;
            let agreement = role_agreement(q, self.audiences[e]);
            let score = (WHOLE_ENTRY * whole[e] / total * agreement).clamp(0.0, 1.0);
            if best[e] == 0.0 && score > 0.0 {
                touched.push(e as u32);
            }
            best[e] = best[e].max(score);
        }
    }

    /// Entries for what a person has typed so far, best first, at most
    /// `limit`: confident matches first, then fuzzy matches of the typed
    /// words in any phrasing. Empty input → the FAQ in file order.
    pub fn complete(&self, typed: &str, limit: usize) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::with_capacity(limit);
        let push = |e: usize, out: &mut Vec<usize>| {
            if out.len() < limit && !out.contains(&e) {
                out.push(e);
            }
        };
        if typed.trim().is_empty() {
            for e in 0..self.entry_phrasings.len() {
                push(e, &mut out);
            }
            return out;
        }
        for hit in self.rank(typed) {
            if hit.score >= self.thresholds.suggest {
                push(hit.entry, &mut out);
            }
        }
        let typed: String = typed.chars().take(text::MAX_CHARS).collect();
        for (i, _) in fuzzy::complete(&typed, self.choices.iter().map(|(_, t)| t.as_str())) {
            push(self.choices[i].0 as usize, &mut out);
        }
        out
    }

    fn analyze_question(&self, question: &str) -> Analysis {
        self.lexicon
            .analyze(&self.read_tokens(question, &mut Vec::new()))
    }

    /// Surface tokens with typos corrected against the FAQ's vocabulary.
    ///
    /// `memo` holds the words already corrected for this message (word,
    /// reading): a message is read whole and then sentence by sentence,
    /// and a correction costs a search of the vocabulary.
    fn read_tokens(&self, question: &str, memo: &mut Vec<(String, Token)>) -> Vec<Token> {
        text::tokenize(question)
            .into_iter()
            .map(|word| {
                if self.speller.is_known(&word) || self.lexicon.is_flagged(&word) {
                    return Token {
                        text: word,
                        sure: 1.0,
                    };
                }
                if let Some((_, read)) = memo.iter().find(|(w, _)| *w == word) {
                    return read.clone();
                }
                let read = match self.speller.correct(&word) {
                    Some((text, sure)) => Token { text, sure },
                    None => Token {
                        text: word.clone(),
                        sure: 1.0,
                    },
                };
                memo.push((word, read.clone()));
                read
            })
            .collect()
    }
}

/// An entry's answer concepts and its whole text's (with its phrasings'
/// `seen`), each sorted and deduplicated.
fn concept_sets(mut answer: Vec<u32>, seen: &[u32]) -> (Vec<u32>, Vec<u32>) {
    answer.sort_unstable();
    answer.dedup();
    let mut whole = answer.clone();
    whole.extend_from_slice(seen);
    whole.sort_unstable();
    whole.dedup();
    (answer, whole)
}

/// Rarity over entries (BM25's IDF): a concept in every entry says little.
fn rarity(
    n: f32,
    concepts: usize,
    phrasing_terms: &[Vec<u32>],
    answer_terms: &[Vec<u32>],
    entry_phrasings: &[Range<u32>],
) -> Vec<f32> {
    let mut df = vec![0_u32; concepts];
    for (e, range) in entry_phrasings.iter().enumerate() {
        let mut all: Vec<u32> = phrasing_terms[range.start as usize..range.end as usize]
            .iter()
            .flatten()
            .chain(&answer_terms[e])
            .copied()
            .collect();
        all.sort_unstable();
        all.dedup();
        for c in all {
            df[c as usize] += 1;
        }
    }
    df.iter()
        .map(|&d| (1.0 + (n - d as f32 + 0.5) / (d as f32 + 0.5)).ln())
        .collect()
}

/// Concept → the entries with a phrasing naming it, each entry once.
fn entries_by_concept(
    phrasing_terms: &[Vec<u32>],
    entry_phrasings: &[Range<u32>],
    concepts: usize,
) -> Vec<Vec<u32>> {
    let mut in_entries: Vec<Vec<u32>> = vec![Vec::new(); concepts];
    for (e, range) in entry_phrasings.iter().enumerate() {
        let mut all: Vec<u32> = phrasing_terms[range.start as usize..range.end as usize]
            .iter()
            .flatten()
            .copied()
            .collect();
        all.sort_unstable();
        all.dedup();
        for c in all {
            in_entries[c as usize].push(e as u32);
        }
    }
    in_entries
}

/// [`Matcher::reads_as_question`] without a matcher, for a caller that
/// has only the vocabulary's `question_words` (the load bench's floor bot
/// answers what this passes, and matches nothing).
pub fn reads_as_question<S: std::hash::BuildHasher>(
    text: &str,
    question_words: &std::collections::HashSet<String, S>,
) -> bool {
    text.contains('?')
        || text::tokenize(text)
            .first()
            .is_some_and(|w| question_words.contains(w))
}

/// The entries of the `k` best hits, best first (ties: lower entry).
/// Reorders `hits`.
fn best_entries(hits: &mut [Hit], k: usize) -> Vec<usize> {
    let by_score = |a: &Hit, b: &Hit| b.score.total_cmp(&a.score).then(a.entry.cmp(&b.entry));
    if hits.len() > k && k > 0 {
        hits.select_nth_unstable_by(k - 1, by_score);
    }
    let k = k.min(hits.len());
    let top = &mut hits[..k];
    top.sort_by(by_score);
    top.iter().map(|h| h.entry).collect()
}

/// The score of each of the `entries` (sorted) among `hits`, 0 for those
/// without one.
fn scores_of(hits: &[Hit], entries: &[usize]) -> Vec<f32> {
    let mut out = vec![0.0; entries.len()];
    for h in hits {
        if let Ok(i) = entries.binary_search(&h.entry) {
            out[i] = h.score;
        }
    }
    out
}

/// The indices of the `k` largest values, largest first (ties: lower index).
fn top_indices(values: &[f32], k: usize) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..values.len()).collect();
    let by_value = |a: &usize, b: &usize| values[*b].total_cmp(&values[*a]).then(a.cmp(b));
    if idx.len() > k && k > 0 {
        idx.select_nth_unstable_by(k - 1, by_value);
        idx.truncate(k);
    }
    idx.sort_by(by_value);
    idx.truncate(k);
    idx
}

/// An answer's sentences, for the semantic index: each fact of a long
/// answer can then be found on its own.
fn answer_sentences(answer: &str) -> Vec<&str> {
    answer
        .split_inclusive(['.', '?', '!', '\n'])
        .map(str::trim)
        .filter(|s| s.split_whitespace().count() >= 3)
        .collect()
}

fn sure_tokens(words: Vec<String>) -> Vec<Token> {
    words
        .into_iter()
        .map(|text| Token { text, sure: 1.0 })
        .collect()
}

/// How well an entry's audience fits the roles a question names.
/// Per-thread scoring buffers, kept between questions: allocating and
/// zeroing them for every question cost more than the scoring itself in a
/// FAQ of 100,000 entries (a fresh 2 MB buffer is 500 page faults).
///
/// Every slot is back to zero between questions: [`Scratch::clear`] resets
/// exactly the slots the lists say were used. Should a question panic
/// half-way, `dirty` stays set and the next one starts from a full reset.
#[derive(Default)]
struct Scratch {
    /// Per phrasing: credit from its own words.
    in_phrasing: Vec<f32>,
    /// Per entry: credit from its answer's words.
    in_answer: Vec<f32>,
    /// Per entry: its best score.
    best: Vec<f32>,
    /// Per entry: credit from its whole text.
    whole: Vec<f32>,
    /// Entries with a slot set in `in_answer`, `best`, `whole`.
    answered: Vec<u32>,
    touched: Vec<u32>,
    seen: Vec<u32>,
    dirty: bool,
}

impl Scratch {
    /// Ready for a FAQ of `phrasings` and `entries`, all slots zero.
    fn take(&mut self, (phrasings, entries): (usize, usize)) -> &mut Scratch {
        if self.dirty {
            *self = Scratch::default();
        }
        self.in_phrasing.resize(phrasings, 0.0);
        for v in [&mut self.in_answer, &mut self.best, &mut self.whole] {
            v.resize(entries, 0.0);
        }
        self.dirty = true;
        self
    }

    /// Zeroes one reading's slots, keeping the entries' bests (the
    /// phrasing slots are the scorer's).
    fn clear_reading(&mut self) {
        for &e in &self.answered {
            self.in_answer[e as usize] = 0.0;
        }
        for &e in &self.seen {
            self.whole[e as usize] = 0.0;
        }
        self.answered.clear();
        self.seen.clear();
    }

    /// Zeroes every slot in use.
    fn clear(&mut self) {
        self.clear_reading();
        for &e in &self.touched {
            self.best[e as usize] = 0.0;
        }
        self.touched.clear();
        self.dirty = false;
    }
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::default();
}

fn role_agreement(q: &Analysis, audience: Audience) -> f32 {
    match (q.names_a_role(), q.single_role(), audience) {
        // Names no role: a general entry fits best.
        (false, _, Audience::Both) | (true, None, Audience::Both) => 1.0,
        (false, _, Audience::Only(_)) => 0.9,
        // Names several roles: a comparison fits best, then one of theirs.
        (true, None, Audience::Only(role)) if q.roles.contains(role) => 0.75,
        (_, Some(asked), Audience::Only(role)) if asked == role => 1.0,
        (_, Some(_), Audience::Both) => 0.85,
        // A role other than the ones asked about: never the answer.
        (true, None | Some(_), Audience::Only(_)) => 0.3,
    }
}
