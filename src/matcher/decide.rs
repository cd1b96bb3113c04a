//! One calibrated decision from several signals: a logistic model over what
//! the lexical and semantic scorers found, fit on labeled questions.
//!
//! Each candidate entry of a question gets [`Signals`]; the model turns them
//! into the probability that the entry's answer is right for the question.
//! The weights and the two thresholds are data (`model/decision.toml`),
//! written by `scripts/fit_decision.py` from the training split and chosen
//! on the validation split, so every contribution can be shown and nothing
//! is tuned by hand. Deterministic: same question, same FAQ, same verdict.
//!
//! Owns: the signal names and the model. Must not: read files at run time
//! (the weights are compiled in) or know any vocabulary.

use serde::Deserialize;

/// The fitted model, compiled in.
static DECISION: &str = include_str!("../../model/decision.toml");

/// How many signals there are.
pub const N: usize = 26;

/// What is known about one (question, entry) pair, every value finite.
///
/// A margin is the signal minus the best value of any other candidate of
/// the same question: positive for the candidate that signal ranks first.
/// The model weighs each candidate alone, so this is how it sees rank.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Signals {
    /// The lexical score in [0, 1]: concepts shared with the entry's best
    /// phrasing, weighted by rarity (0 when it shares none).
    pub lex: f32,
    /// Share of the question's known concepts (weighted by rarity) that the
    /// entry's whole text holds, phrasings and answer.
    pub lex_entry: f32,
    /// The same for the entry's answer alone.
    pub lex_answer: f32,
    /// Cosine similarity to the entry's closest phrasing.
    pub sem: f32,
    /// The same, with role names left out of both: the topic alone.
    pub sem_topic: f32,
    /// Cosine similarity to the mean of the entry's phrasings.
    pub sem_centroid: f32,
    /// Cosine similarity to the entry's closest answer sentence.
    pub sem_answer: f32,
    /// The same, with role names left out of both.
    pub sem_answer_topic: f32,
    /// Cosine similarity to the closest labeled example question this
    /// entry's answer was right for (`model/examples.toml`), or to its
    /// closest phrasing when that is closer: how people who were not
    /// writing the FAQ asked for this entry.
    pub sem_example: f32,
    /// Cosine similarity to the closest labeled example that had to get
    /// silence: the question looks like ones the FAQ does not answer.
    pub sem_silent: f32,
    pub lex_margin: f32,
    pub lex_entry_margin: f32,
    pub lex_answer_margin: f32,
    pub sem_margin: f32,
    pub sem_topic_margin: f32,
    pub sem_answer_margin: f32,
    /// How the entry's role fits the roles the question names (0.3 to 1).
    pub role_fit: f32,
    /// 1 when the question names one role and the entry is another role's.
    pub wrong_role: f32,
    /// Share of the question's content words the FAQ has never seen.
    pub unknown: f32,
    /// 1 when the question names one of our roles.
    pub names_role: f32,
    /// 1 when it also names some other job ("data analyst vs data scientist").
    pub other_job: f32,
    /// 1 when it names some other job and neither of ours ("pilot salary").
    pub other_job_only: f32,
    /// 1 when it asks for something the articles never cover (a place, a
    /// currency, a course: the vocabulary's `not_covered`).
    pub outside: f32,
    /// 1 when it reads as a question: a `?` or an opening question word.
    pub questionish: f32,
    /// How many content concepts the FAQ knows, as min(n, 6) / 6.
    pub terms: f32,
    /// How much the question says: the rarity (IDF) of its known concepts
    /// summed, over twice the rarest possible, at most 1. "data" says
    /// little (every entry has it); "mle salary" says a lot.
    pub specificity: f32,
}

impl Signals {
    /// The names used in `decision.toml`, in [`Signals::values`] order.
    pub const NAMES: [&'static str; N] = [
        "lex",
        "lex_entry",
        "lex_answer",
        "sem",
        "sem_topic",
        "sem_centroid",
        "sem_answer",
        "sem_answer_topic",
        "sem_example",
        "sem_silent",
        "lex_margin",
        "lex_entry_margin",
        "lex_answer_margin",
        "sem_margin",
        "sem_topic_margin",
        "sem_answer_margin",
        "role_fit",
        "wrong_role",
        "unknown",
        "names_role",
        "other_job",
        "other_job_only",
        "outside",
        "questionish",
        "terms",
        "specificity",
    ];

    pub fn values(&self) -> [f32; N] {
        [
            self.lex,
            self.lex_entry,
            self.lex_answer,
            self.sem,
            self.sem_topic,
            self.sem_centroid,
            self.sem_answer,
            self.sem_answer_topic,
            self.sem_example,
            self.sem_silent,
            self.lex_margin,
            self.lex_entry_margin,
            self.lex_answer_margin,
            self.sem_margin,
            self.sem_topic_margin,
            self.sem_answer_margin,
            self.role_fit,
            self.wrong_role,
            self.unknown,
            self.names_role,
            self.other_job,
            self.other_job_only,
            self.outside,
            self.questionish,
            self.terms,
            self.specificity,
        ]
    }

    /// Sets each candidate's margins from the others' values.
    pub fn set_margins(all: &mut [Signals]) {
        type Get = fn(&Signals) -> f32;
        type Set = fn(&mut Signals, f32);
        let pairs: [(Get, Set); 6] = [
            (|s| s.lex, |s, m| s.lex_margin = m),
            (|s| s.lex_entry, |s, m| s.lex_entry_margin = m),
            (|s| s.lex_answer, |s, m| s.lex_answer_margin = m),
            (|s| s.sem, |s, m| s.sem_margin = m),
            (|s| s.sem_topic, |s, m| s.sem_topic_margin = m),
            (|s| s.sem_answer, |s, m| s.sem_answer_margin = m),
        ];
        for (get, set) in pairs {
            for i in 0..all.len() {
                let others = all
                    .iter()
                    .enumerate()
                    .filter(|&(j, _)| j != i)
                    .map(|(_, s)| get(s))
                    .fold(0.0_f32, f32::max);
                let m = get(&all[i]) - others;
                set(&mut all[i], m);
            }
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDecision {
    bias: f32,
    weights: std::collections::BTreeMap<String, f32>,
    answer: f32,
    suggest: f32,
    confident: f32,
    #[allow(dead_code, reason = "provenance for people reading the file")]
    fitted: Option<toml::Table>,
}

/// The logistic model and its thresholds.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub bias: f32,
    pub weights: [f32; N],
    /// Probability at or above which the bot answers.
    pub answer: f32,
    /// Probability at or above which it suggests.
    pub suggest: f32,
    /// Probability at or above which a short message without a `?` counts
    /// as a question: where answers were right 95% of the time on the
    /// validation split.
    pub confident: f32,
}

impl Decision {
    /// The compiled-in model: `model/decision.toml`.
    ///
    /// # Panics
    ///
    /// Never in a build whose unit tests pass: `shipped_decision_parses`
    /// checks the compiled-in text.
    pub fn shipped() -> &'static Decision {
        static SHIPPED: std::sync::OnceLock<Decision> = std::sync::OnceLock::new();
        SHIPPED.get_or_init(|| {
            Decision::parse(DECISION)
                .expect("model/decision.toml is valid (checked by a unit test)")
        })
    }

    /// `decision.toml` text → a model, or what is wrong with it.
    pub fn parse(text: &str) -> Result<Decision, String> {
        let raw: RawDecision = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut weights = [0.0; N];
        for (name, w) in &raw.weights {
            let Some(i) = Signals::NAMES.iter().position(|n| n == name) else {
                return Err(format!(
                    "unknown signal `{name}` (known: {})",
                    Signals::NAMES.join(", ")
                ));
            };
            weights[i] = *w;
        }
        let all = std::iter::once(raw.bias).chain(weights).chain([
            raw.answer,
            raw.suggest,
            raw.confident,
        ]);
        if all.into_iter().any(|x| !x.is_finite()) {
            return Err("every number must be finite".into());
        }
        if !(0.0..=raw.answer).contains(&raw.suggest)
            || !(raw.answer..=1.0).contains(&raw.confident)
        {
            return Err("thresholds must satisfy 0 <= suggest <= answer <= confident <= 1".into());
        }
        Ok(Decision {
            bias: raw.bias,
            weights,
            answer: raw.answer,
            suggest: raw.suggest,
            confident: raw.confident,
        })
    }

    /// Each signal's contribution to the log-odds, in [`Signals::NAMES`] order.
    pub fn contributions(&self, s: &Signals) -> [f32; N] {
        let v = s.values();
        std::array::from_fn(|i| self.weights[i] * v[i])
    }

    /// The probability that the entry's answer is right, in (0, 1).
    pub fn probability(&self, s: &Signals) -> f32 {
        let z = self.bias + self.contributions(s).iter().sum::<f32>();
        // Clamped so the probability never rounds to exactly 0 or 1.
        (1.0 / (1.0 + (-z).exp())).clamp(1e-6, 1.0 - 1e-6)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_decision_parses() {
        let d = Decision::parse(DECISION).expect("model/decision.toml parses");
        assert!(d.suggest <= d.answer);
    }

    #[test]
    fn unknown_signal_is_refused() {
        let err = Decision::parse(
            "bias = 0\nanswer = 0.5\nsuggest = 0.3\nconfident = 0.8\n[weights]\nlexx = 1\n",
        )
        .expect_err("an unknown signal is refused");
        assert!(err.contains("unknown signal `lexx`"), "{err}");
    }

    #[test]
    fn more_evidence_means_more_probability() {
        let d = Decision::shipped();
        let weak = Signals {
            sem: 0.3,
            role_fit: 1.0,
            ..Signals::default()
        };
        let strong = Signals {
            lex: 0.9,
            sem: 0.9,
            sem_answer: 0.7,
            ..weak
        };
        assert!(d.probability(&strong) > d.probability(&weak));
    }
}
