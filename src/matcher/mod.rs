//! Pure retrieval: a question → a [`Verdict`] (answer, suggest, or stay
//! silent), against an index built once from a [`KnowledgeBase`].
//!
//! The design, in order:
//! 1. [`text`] folds Unicode, case, punctuation and contractions into
//!    tokens; [`fuzzy`] corrects typos against the FAQ's own vocabulary.
//! 2. [`analyze`] finds the roles a question names ("ML engineer", "data
//!    sci"), other jobs it names ("pilot"), and its concepts: synonyms folded
//!    ("earn", "pay", "how much" → salary), other words stemmed.
//! 3. Each entry is indexed by the concepts of its question and alternates
//!    (and, weakly, of its answer), weighted by rarity (IDF).
//! 4. A phrasing scores by how much of the question it covers and how much
//!    of itself the question covers; a word the FAQ has never seen counts
//!    against. The entry's role must agree with the question's: a data
//!    scientist question does not get the ML engineer entry.
//! 5. Two thresholds turn the best score into a [`Verdict`].
//!
//! Must not: log, print, or read anything but the knowledge base handed in.

mod analyze;
mod decide;
mod fuzzy;
mod semantic;
mod text;

use std::collections::HashMap;
use std::ops::Range;

use crate::kb::{Audience, KnowledgeBase, Role};
pub use analyze::Scope;
use analyze::{Analysis, Lexicon, Token};
pub use decide::{Decision, Signals};
use fuzzy::Speller;
use semantic::Vectors;

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

/// One entry considered for a question: its signals and the probability
/// the decision model gives them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Candidate {
    pub entry: usize,
    pub signals: Signals,
    pub probability: f32,
}

/// Entries taken as candidates from each of the two scorers.
const CANDIDATES_PER_SIGNAL: usize = 5;

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
    /// One vector per phrasing, in `phrasings` order: as written, and with
    /// the role names left out (the topic alone).
    phrasing_vectors: Vectors,
    phrasing_topics: Vectors,
    /// One vector per entry: the mean of its phrasings'.
    centroids: Vectors,
    /// One vector per answer sentence (as written, and its topic), and
    /// each entry's range of them.
    answer_vectors: Vectors,
    answer_topics: Vectors,
    entry_answers: Vec<Range<u32>>,
    /// Per entry: every concept of its answer, sorted.
    answer_concepts: Vec<Vec<u32>>,
    question_words: std::collections::HashSet<String>,
}

impl Matcher {
    /// Indexes `kb` with the default [`Thresholds`].
    pub fn new(kb: &KnowledgeBase) -> Matcher {
        let lexicon = Lexicon::new(kb.vocabulary(), kb.roles());
        let mut words: Vec<String> = lexicon.words().map(str::to_owned).collect();
        let mut concepts: HashMap<String, u32> = HashMap::new();
        let mut intern = |key: &str| -> u32 {
            let next = concepts.len() as u32;
            *concepts.entry(key.to_owned()).or_insert(next)
        };
        let mut phrasings = Vec::new();
        let mut phrasing_terms: Vec<Vec<u32>> = Vec::new();
        let mut answer_terms: Vec<Vec<u32>> = Vec::new();
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
            let mut all: Vec<u32> = lexicon
                .analyze(&sure_tokens(tokens))
                .terms
                .iter()
                .map(|t| intern(&t.key))
                .collect();
            answer_terms.push(all.iter().copied().filter(|c| !seen.contains(c)).collect());
            all.sort_unstable();
            answer_concepts.push(all);
        }
        // Rarity over entries: a concept in every entry says little.
        let n = kb.entries().len() as f32;
        let mut df = vec![0_u32; concepts.len()];
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
        let idf: Vec<f32> = df
            .iter()
            .map(|&d| (1.0 + (n - d as f32 + 0.5) / (d as f32 + 0.5)).ln())
            .collect();
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
        let read = |t: &str, drop_roles: bool| {
            lexicon.canonical(&sure_tokens(text::tokenize_all(t)), drop_roles)
        };
        let phrasing_vectors = Vectors::encode(choices.iter().map(|(_, t)| read(t, false)));
        let phrasing_topics = Vectors::encode(choices.iter().map(|(_, t)| read(t, true)));
        let centroids = Vectors::means(
            &phrasing_vectors,
            entry_phrasings.iter().map(|r| r.start as usize..r.end as usize),
        );
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
        let answer_vectors = Vectors::encode(sentences.iter().map(|s| read(s, false)));
        let answer_topics = Vectors::encode(sentences.iter().map(|s| read(s, true)));
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
            phrasing_vectors,
            phrasing_topics,
            centroids,
            answer_vectors,
            answer_topics,
            entry_answers,
            answer_concepts,
            question_words: kb.vocabulary().question_words.iter().cloned().collect(),
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
        let t = self.thresholds;
        let hits = self.rank(question);
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

    /// How a question was read and ranked, for `faqbot ask --explain`.
    pub fn explain(&self, question: &str) -> Explanation {
        let q = self.analyze_question(question);
        let mut roles = Vec::new();
        if q.data_scientist {
            roles.push(Role::DataScientist);
        }
        if q.ml_engineer {
            roles.push(Role::MlEngineer);
        }
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
            hits: self.rank(question),
            candidates: self.candidates(question),
        }
    }

    /// The candidate entries, best first (ties: FAQ order), each with the
    /// probability that its answer is right.
    pub fn rank(&self, question: &str) -> Vec<Hit> {
        self.candidates(question)
            .into_iter()
            .map(|c| Hit {
                entry: c.entry,
                score: c.probability,
            })
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
        let whole = self.analyze_question(question);
        let entries = self.audiences.len();
        let mut lex = vec![0.0_f32; entries];
        for h in self.scored(question, 0.0) {
            lex[h.entry] = h.score;
        }
        let queries = self.semantic_queries(question, &whole);
        if queries.is_empty() {
            return Vec::new();
        }
        let sem = &self.phrasing_similarity(&queries, entries);
        let mut picked: Vec<usize> = top_indices(&lex, CANDIDATES_PER_SIGNAL)
            .into_iter()
            .filter(|&e| lex[e] > 0.0)
            .chain(top_indices(sem, CANDIDATES_PER_SIGNAL))
            .collect();
        picked.sort_unstable();
        picked.dedup();
        let known_terms: Vec<(u32, f32)> = whole
            .terms
            .iter()
            .filter_map(|t| self.concepts.get(&t.key).map(|&c| (c, t.sure)))
            .collect();
        let known = known_terms.len();
        let known_weight: f32 = known_terms
            .iter()
            .map(|&(c, sure)| self.idf[c as usize] * sure)
            .sum();
        // Share of the question's known weight that the entry's answer holds.
        let lex_answer = |e: usize| {
            if known_weight == 0.0 {
                return 0.0;
            }
            let held: f32 = known_terms
                .iter()
                .filter(|(c, _)| self.answer_concepts[e].binary_search(c).is_ok())
                .map(|&(c, sure)| self.idf[c as usize] * sure)
                .sum();
            held / known_weight
        };
        let unknown = if whole.terms.is_empty() {
            0.0
        } else {
            (whole.terms.len() - known) as f32 / whole.terms.len() as f32
        };
        let flag = |b: bool| if b { 1.0 } else { 0.0 };
        let mut signals: Vec<Signals> = picked
            .iter()
            .map(|&e| {
                let role_fit = role_agreement(&whole, self.audiences[e]);
                let (sem_topic, sem_centroid, sem_answer, sem_answer_topic) =
                    self.entry_similarity(&queries, e);
                Signals {
                    lex: lex[e],
                    lex_answer: lex_answer(e),
                    sem: sem[e],
                    sem_topic,
                    sem_centroid,
                    sem_answer,
                    sem_answer_topic,
                    role_fit,
                    wrong_role: flag(whole.single_role().is_some() && role_fit < 0.5),
                    unknown,
                    names_role: flag(whole.names_a_role()),
                    other_job: flag(whole.scope == Scope::OtherJob && whole.names_a_role()),
                    other_job_only: flag(whole.scope == Scope::OtherJob && !whole.names_a_role()),
                    outside: flag(whole.scope == Scope::Outside),
                    questionish: flag(self.reads_as_question(question)),
                    terms: known.min(6) as f32 / 6.0,
                    ..Signals::default()
                }
            })
            .collect();
        Signals::set_margins(&mut signals);
        let decision = Decision::shipped();
        let mut out: Vec<Candidate> = picked
            .into_iter()
            .zip(signals)
            .map(|(entry, signals)| Candidate {
                entry,
                signals,
                probability: decision.probability(&signals),
            })
            .collect();
        out.sort_by(|a, b| {
            b.probability
                .total_cmp(&a.probability)
                .then(a.entry.cmp(&b.entry))
        });
        out
    }

    /// The question's texts for the semantic model: the whole message and,
    /// for a long one, each sentence; each as read (role names spelled
    /// out) and as its topic (role names left out).
    ///
    /// A sentence that is about another job or about what the articles
    /// never cover is context, not the question ("I'm from Mexico. What
    /// should a data scientist study?"): it is left out, and so is the whole
    /// message, which holds it. A sentence naming no role reads with the
    /// message's roles and readings, as in [`Matcher::rank`]: in "I'm a
    /// nurse. How much do they earn?" the second sentence is about nurses.
    /// Empty when nothing is left: the bot stays silent.
    fn semantic_queries(&self, question: &str, whole: &Analysis) -> Vec<(Vec<f32>, Vec<f32>)> {
        let bounded: String = question.chars().take(MAX_CHARS).collect();
        let sentences = text::sentences(&bounded);
        let strays = |a: &Analysis| match a.scope {
            Scope::Outside => true,
            Scope::OtherJob => !a.names_a_role(),
            Scope::Ours => false,
        };
        let texts: Vec<&str> = if sentences.len() < 2 {
            if strays(whole) {
                Vec::new()
            } else {
                vec![bounded.as_str()]
            }
        } else {
            let kept: Vec<&str> = sentences
                .iter()
                .copied()
                .filter(|s| {
                    let mut a = self.analyze_question(s);
                    if !a.names_a_role() {
                        a.data_scientist = whole.data_scientist;
                        a.ml_engineer = whole.ml_engineer;
                        a.scope = a.scope.max(whole.scope);
                    }
                    !strays(&a)
                })
                .collect();
            if kept.len() == sentences.len() {
                std::iter::once(bounded.as_str()).chain(kept).collect()
            } else {
                kept
            }
        };
        texts
            .into_iter()
            .map(|t| {
                let tokens = self.read_tokens(t);
                (
                    semantic::encode(&self.lexicon.canonical(&tokens, false)),
                    semantic::encode(&self.lexicon.canonical(&tokens, true)),
                )
            })
            .collect()
    }

    /// Per entry: the best similarity of any query to any of its phrasings.
    /// The one semantic pass over the whole FAQ; the other signals are
    /// computed for candidates only.
    fn phrasing_similarity(&self, queries: &[(Vec<f32>, Vec<f32>)], entries: usize) -> Vec<f32> {
        let mut sem = vec![0.0_f32; entries];
        for (q, _) in queries {
            for (p, phrasing) in self.phrasings.iter().enumerate() {
                let e = phrasing.entry as usize;
                sem[e] = sem[e].max(self.phrasing_vectors.similarity(p, q));
            }
        }
        sem
    }

    /// One candidate's other semantic signals: (topic, centroid, answer,
    /// answer topic).
    fn entry_similarity(
        &self,
        queries: &[(Vec<f32>, Vec<f32>)],
        e: usize,
    ) -> (f32, f32, f32, f32) {
        let (mut topic, mut centroid, mut answer, mut answer_topic) = (0.0_f32, 0.0_f32, 0.0_f32, 0.0_f32);
        let phrasings = self.entry_phrasings[e].clone();
        let answers = self.entry_answers[e].clone();
        for (q, t) in queries {
            for p in phrasings.clone() {
                topic = topic.max(self.phrasing_topics.similarity(p as usize, t));
            }
            centroid = centroid.max(self.centroids.similarity(e, q));
            for i in answers.clone() {
                answer = answer.max(self.answer_vectors.similarity(i as usize, q));
                answer_topic = answer_topic.max(self.answer_topics.similarity(i as usize, t));
            }
        }
        (topic, centroid, answer, answer_topic)
    }

    /// A `?`, or a first word that opens a question (the vocabulary's
    /// `question_words`): "what do MLEs earn" → true.
    pub fn reads_as_question(&self, text: &str) -> bool {
        text.contains('?')
            || text::tokenize(text)
                .first()
                .is_some_and(|w| self.question_words.contains(w))
    }

    /// Every entry scoring above zero and at least `floor`, in no order.
    fn scored(&self, question: &str, floor: f32) -> Vec<Hit> {
        let whole = self.analyze_question(question);
        let sentences = text::sentences(question);
        let mut hits = self.rank_analysis(&whole, floor);
        if sentences.len() < 2 {
            return hits;
        }
        // Each entry's best score so far, and where its hit is in `hits`.
        let mut at: HashMap<usize, usize> =
            hits.iter().enumerate().map(|(i, h)| (h.entry, i)).collect();
        for sentence in sentences {
            let mut q = self.analyze_question(sentence);
            if q.terms.is_empty() && !q.names_a_role() {
                // "hey all, quick q": chatter, not a question of its own.
                continue;
            }
            if !q.names_a_role() {
                q.data_scientist = whole.data_scientist;
                q.ml_engineer = whole.ml_engineer;
                q.scope = q.scope.max(whole.scope);
            }
            for h in self.rank_analysis(&q, floor) {
                let next = hits.len();
                let i = *at.entry(h.entry).or_insert(next);
                if i == next {
                    hits.push(h);
                } else {
                    hits[i].score = hits[i].score.max(h.score);
                }
            }
        }
        hits
    }

    /// Scores every entry for one analysed question; returns those above
    /// zero and at least `floor`, in no order.
    fn rank_analysis(&self, q: &Analysis, floor: f32) -> Vec<Hit> {
        match q.scope {
            Scope::Outside => return Vec::new(),
            Scope::OtherJob if !q.names_a_role() => return Vec::new(),
            _ => {}
        }
        if q.terms.is_empty() && !q.names_a_role() {
            return Vec::new();
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
        SCRATCH.with_borrow_mut(|scratch| {
            let sizes = (self.phrasings.len(), self.audiences.len());
            let s = scratch.take(sizes);
            let hits = self.score_known(q, &known, total, floor, s);
            s.clear();
            hits
        })
    }

    /// The scoring of [`Matcher::rank_analysis`], once the question's
    /// concepts are weighed: `known` holds (concept, credit), `total` the
    /// whole question's weight.
    fn score_known(
        &self,
        q: &Analysis,
        known: &[(u32, f32)],
        total: f32,
        floor: f32,
        s: &mut Scratch,
    ) -> Vec<Hit> {
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
        // A phrasing that shares no word with the question, whose entry's
        // answer covers it all, scores at most QUESTION_SIDE × ANSWER_CREDIT:
        // below the floor, such phrasings need not be scored at all (in a
        // large FAQ, a common word's answers are most of the work).
        let answer_only_counts = QUESTION_SIDE * ANSWER_CREDIT >= floor;
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
                    if answer_only_counts {
                        candidates.extend(self.entry_phrasings[e as usize].clone());
                    }
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
        touched
            .iter()
            .map(|&e| Hit {
                entry: e as usize,
                score: best[e as usize],
            })
            .filter(|h| h.score >= floor)
            .collect()
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
        self.lexicon.analyze(&self.read_tokens(question))
    }

    /// Surface tokens with typos corrected against the FAQ's vocabulary.
    fn read_tokens(&self, question: &str) -> Vec<Token> {
        text::tokenize(question)
            .into_iter()
            .map(|word| {
                if self.speller.is_known(&word) || self.lexicon.is_flagged(&word) {
                    return Token {
                        text: word,
                        sure: 1.0,
                    };
                }
                match self.speller.correct(&word) {
                    Some((text, sure)) => Token { text, sure },
                    None => Token {
                        text: word,
                        sure: 1.0,
                    },
                }
            })
            .collect()
    }

    /// The text the semantic model reads for a question: typos corrected,
    /// role names spelled out ([`Lexicon::canonical`]).
    #[cfg(test)]
    fn canonical(&self, question: &str) -> String {
        self.lexicon.canonical(&self.read_tokens(question), false)
    }
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

    /// Zeroes the slots in use (the phrasing slots are the caller's).
    fn clear(&mut self) {
        for &e in &self.answered {
            self.in_answer[e as usize] = 0.0;
        }
        for &e in &self.touched {
            self.best[e as usize] = 0.0;
        }
        for &e in &self.seen {
            self.whole[e as usize] = 0.0;
        }
        self.answered.clear();
        self.touched.clear();
        self.seen.clear();
        self.dirty = false;
    }
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::default();
}

/// Hits in rank order: best score first, ties in FAQ order.
fn best_first(a: &Hit, b: &Hit) -> std::cmp::Ordering {
    b.score.total_cmp(&a.score).then(a.entry.cmp(&b.entry))
}

fn role_agreement(q: &Analysis, audience: Audience) -> f32 {
    match (q.names_a_role(), q.single_role(), audience) {
        // Names no role: a general entry fits best.
        (false, _, Audience::Both) | (true, None, Audience::Both) => 1.0,
        (false, _, Audience::Only(_)) => 0.9,
        // Names both roles: a comparison fits best.
        (true, None, Audience::Only(_)) => 0.75,
        (_, Some(asked), Audience::Only(role)) if asked == role => 1.0,
        (_, Some(_), Audience::Both) => 0.85,
        // The other role's entry: never the answer.
        (_, Some(_), Audience::Only(_)) => 0.3,
    }
}
