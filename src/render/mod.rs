//! Every text a person reads, in one place: an answer, suggestions, an
//! aspect, a role profile, as plain data ([`AskView`], …) and as terminal
//! text. The Discord adapter converts the same views into embeds.
//!
//! Must not: decide anything (that is the matcher's), print, or log.

pub mod discord;
pub mod review;
pub mod stats;

use std::fmt::Write as _;

use serde::Serialize;

use crate::compare::Profile;
use crate::kb::{Aspect, Entry, KnowledgeBase};
use crate::matcher::{Decision, Explanation, Hit, Scope, Signals, Thresholds, Verdict};

/// The answer to one question, as `faqbot ask --json` prints it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AskView {
    pub query: String,
    /// `None` whenever the bot would not answer.
    pub answer: Option<AnswerView>,
    /// Close entries: the "did you mean" list, or related entries.
    pub suggestions: Vec<SuggestionView>,
}

/// An entry given as the answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AnswerView {
    pub id: String,
    pub question: String,
    pub answer: String,
    pub role: String,
    pub source: String,
    pub score: f32,
}

/// An entry offered as a suggestion.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SuggestionView {
    pub id: String,
    pub question: String,
    pub score: f32,
}

/// One aspect side by side, as `faqbot compare --json` prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AspectView {
    pub aspect: String,
    pub data_scientist: String,
    pub ml_engineer: String,
    pub source: String,
}

/// How a question was read and decided, as `faqbot ask --explain --json`
/// prints it: what `scripts/fit_decision.py` fits the decision model on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExplanationView {
    pub query: String,
    pub roles: Vec<&'static str>,
    /// `ours`, `other-job` or `outside`.
    pub scope: &'static str,
    pub thresholds: ThresholdsView,
    /// Best first; `hits` of the explanation with their signals.
    pub candidates: Vec<CandidateView>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ThresholdsView {
    pub answer: f32,
    pub suggest: f32,
}

/// One candidate entry: each signal's value and its contribution to the
/// log-odds, in the order of [`Signals::NAMES`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CandidateView {
    pub id: String,
    pub probability: f32,
    pub signals: Vec<(&'static str, f32)>,
    pub contributions: Vec<(&'static str, f32)>,
}

/// `Explanation` → its JSON view. Values are not rounded: the fit script
/// reads them.
pub fn explanation_view(
    kb: &KnowledgeBase,
    query: &str,
    x: &Explanation,
    t: Thresholds,
) -> ExplanationView {
    let decision = Decision::shipped();
    ExplanationView {
        query: query.to_owned(),
        roles: x.roles.iter().map(|r| r.id()).collect(),
        scope: match x.scope {
            Scope::Ours => "ours",
            Scope::OtherJob => "other-job",
            Scope::Outside => "outside",
        },
        thresholds: ThresholdsView {
            answer: t.answer,
            suggest: t.suggest,
        },
        candidates: x
            .candidates
            .iter()
            .map(|c| CandidateView {
                id: kb.entries()[c.entry].id.clone(),
                probability: c.probability,
                signals: Signals::NAMES.into_iter().zip(c.signals.values()).collect(),
                contributions: Signals::NAMES
                    .into_iter()
                    .zip(decision.contributions(&c.signals))
                    .collect(),
            })
            .collect(),
    }
}

/// Scores are shown to two decimals: more digits are noise to a reader and
/// churn in golden files.
fn round(score: f32) -> f32 {
    (score * 100.0).round() / 100.0
}

/// `(question, verdict)` → what to show.
pub fn ask_view(kb: &KnowledgeBase, query: &str, verdict: &Verdict) -> AskView {
    let suggestion = |h: &Hit| {
        let e = &kb.entries()[h.entry];
        SuggestionView {
            id: e.id.clone(),
            question: e.question.clone(),
            score: round(h.score),
        }
    };
    let (answer, suggestions) = match verdict {
        Verdict::Answer { hit, related } => (
            Some(answer_view(&kb.entries()[hit.entry], hit.score)),
            related.iter().map(suggestion).collect(),
        ),
        Verdict::Suggest(hits) => (None, hits.iter().map(suggestion).collect()),
        Verdict::Silent => (None, Vec::new()),
    };
    AskView {
        query: query.to_owned(),
        answer,
        suggestions,
    }
}

/// One entry as an answer, with the score it was found by (1.0 when picked
/// by id).
pub fn answer_view(entry: &Entry, score: f32) -> AnswerView {
    AnswerView {
        id: entry.id.clone(),
        question: entry.question.clone(),
        answer: entry.answer.clone(),
        role: entry.role.id().to_owned(),
        source: entry.source.clone(),
        score: round(score),
    }
}

/// One aspect → its side-by-side view.
pub fn aspect_view(aspect: &Aspect) -> AspectView {
    AspectView {
        aspect: aspect.name.clone(),
        data_scientist: aspect.data_scientist.clone(),
        ml_engineer: aspect.ml_engineer.clone(),
        source: aspect.source.clone(),
    }
}

/// An answer for the terminal.
pub fn render_ask_text(view: &AskView) -> String {
    let mut out = String::new();
    if let Some(a) = &view.answer {
        let _ = writeln!(out, "Q: {}\n", a.question);
        let _ = writeln!(out, "{}\n", a.answer);
        let _ = writeln!(out, "Source: {} (match {:.2})", a.source, a.score);
        if !view.suggestions.is_empty() {
            out.push_str("\nRelated:\n");
            for s in &view.suggestions {
                let _ = writeln!(out, "  - {} [{}]", s.question, s.id);
            }
        }
    } else if view.suggestions.is_empty() {
        out.push_str("No FAQ entry matches that question. Try `faqbot list` to see every entry.\n");
    } else {
        out.push_str("No confident answer. Did you mean:\n");
        for s in &view.suggestions {
            let _ = writeln!(out, "  - {} [{}] (match {:.2})", s.question, s.id, s.score);
        }
    }
    out
}

/// Aspects side by side for the terminal.
pub fn render_aspects_text(aspects: &[AspectView]) -> String {
    let mut out = String::new();
    for (i, a) in aspects.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let _ = writeln!(out, "{}", a.aspect);
        let _ = writeln!(out, "  Data Scientist:            {}", a.data_scientist);
        let _ = writeln!(out, "  Machine Learning Engineer: {}", a.ml_engineer);
        let _ = writeln!(out, "  Source: {}", a.source);
    }
    out
}

/// A role profile for the terminal.
pub fn render_profile_text(p: &Profile<'_>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}\n", p.role.title());
    if let Some(profile) = p.profile {
        let _ = writeln!(out, "{}\n", profile.summary);
        let _ = writeln!(out, "What sets it apart: {}\n", profile.sets_apart);
    }
    for (aspect, side) in &p.aspects {
        let _ = writeln!(out, "{}: {}", aspect.name, side);
    }
    if let Some(profile) = p.profile {
        let _ = writeln!(out, "\nSource: {}", profile.source);
    }
    out
}

/// The FAQ's entries, one line each, for the terminal.
pub fn render_list_text(kb: &KnowledgeBase) -> String {
    let mut out = String::new();
    for e in kb.entries() {
        let _ = writeln!(out, "{:<28} {:<15} {}", e.id, e.role.id(), e.question);
    }
    out
}

/// How the matcher read a question, for maintainers.
pub fn render_explanation_text(kb: &KnowledgeBase, x: &Explanation, t: Thresholds) -> String {
    let mut out = String::new();
    let roles: Vec<&str> = x.roles.iter().map(|r| r.id()).collect();
    let _ = writeln!(
        out,
        "roles named: {}",
        if roles.is_empty() {
            "none".to_owned()
        } else {
            roles.join(", ")
        }
    );
    match x.scope {
        Scope::Ours => {}
        Scope::OtherJob => out.push_str("names another job\n"),
        Scope::Outside => out.push_str("asks what the articles never say\n"),
    }
    out.push_str("concepts:");
    for (key, weight, sure) in &x.terms {
        match weight {
            Some(w) => {
                let _ = write!(out, " {key}({w:.2}");
                if *sure < 1.0 {
                    let _ = write!(out, ", typo {sure:.1}");
                }
                out.push(')');
            }
            None => {
                let _ = write!(out, " {key}(unknown)");
            }
        }
    }
    let _ = writeln!(
        out,
        "\nthresholds: answer {:.2}, suggest {:.2}",
        t.answer, t.suggest
    );
    let decision = Decision::shipped();
    let _ = writeln!(out, "candidates (probability; signal = value -> log-odds):");
    for c in x.candidates.iter().take(6) {
        let e = &kb.entries()[c.entry];
        let _ = writeln!(out, "  {:.3}  {:<28} {}", c.probability, e.id, e.question);
        let _ = write!(out, "         bias {:+.2}", decision.bias);
        for ((name, v), w) in Signals::NAMES
            .iter()
            .zip(c.signals.values())
            .zip(decision.contributions(&c.signals))
        {
            if v != 0.0 {
                let _ = write!(out, ", {name} {v:.2} -> {w:+.2}");
            }
        }
        out.push('\n');
    }
    if x.candidates.is_empty() {
        out.push_str("  none: the question is outside what the FAQ covers\n");
    }
    out
}
