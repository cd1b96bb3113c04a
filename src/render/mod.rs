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

/// One aspect side by side, as `faqbot compare --json` prints it: `aspect`,
/// each role's side under its side key (`ml_engineer`), then `source`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AspectView {
    pub aspect: String,
    /// One per role, in the FAQ's order of roles.
    pub sides: Vec<SideView>,
    pub source: String,
}

/// One role's side of an aspect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SideView {
    /// The role's display name.
    pub role: String,
    /// The role's side key, as in `aspects.toml`.
    pub key: String,
    pub text: String,
}

impl Serialize for AspectView {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.sides.len() + 2))?;
        map.serialize_entry("aspect", &self.aspect)?;
        for side in &self.sides {
            map.serialize_entry(&side.key, &side.text)?;
        }
        map.serialize_entry("source", &self.source)?;
        map.end()
    }
}

/// One entry as `faqbot list --json` prints it: the fields of its TOML
/// table, in their order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntryView<'kb> {
    pub id: &'kb str,
    pub question: &'kb str,
    pub alternates: &'kb [String],
    pub answer: &'kb str,
    pub role: &'kb str,
    pub source: &'kb str,
}

/// Every entry, in FAQ order, as `faqbot list --json` prints them.
pub fn entry_views(kb: &KnowledgeBase) -> Vec<EntryView<'_>> {
    kb.entries()
        .iter()
        .map(|e| EntryView {
            id: &e.id,
            question: &e.question,
            alternates: &e.alternates,
            answer: &e.answer,
            role: kb.audience_id(e.role),
            source: &e.source,
        })
        .collect()
}

/// How a question was read and decided, as `faqbot ask --explain --json`
/// prints it: what `scripts/fit_decision.py` fits the decision model on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExplanationView {
    pub query: String,
    pub roles: Vec<String>,
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
        roles: x.roles.iter().map(|r| kb.role(*r).id.clone()).collect(),
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
            Some(answer_view(kb, &kb.entries()[hit.entry], hit.score)),
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
pub fn answer_view(kb: &KnowledgeBase, entry: &Entry, score: f32) -> AnswerView {
    AnswerView {
        id: entry.id.clone(),
        question: entry.question.clone(),
        answer: entry.answer.clone(),
        role: kb.audience_id(entry.role).to_owned(),
        source: entry.source.clone(),
        score: round(score),
    }
}

/// One aspect → its side-by-side view.
pub fn aspect_view(kb: &KnowledgeBase, aspect: &Aspect) -> AspectView {
    AspectView {
        aspect: aspect.name.clone(),
        sides: kb
            .roles()
            .iter()
            .map(|r| SideView {
                role: r.name.clone(),
                key: r.side_key(),
                text: aspect.side(r.role).to_owned(),
            })
            .collect(),
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
        // The sides in one column, after the longest role name.
        let width = a.sides.iter().map(|s| s.role.chars().count() + 1).max();
        for side in &a.sides {
            let label = format!("{}:", side.role);
            let _ = writeln!(out, "  {label:<w$} {}", side.text, w = width.unwrap_or(0));
        }
        let _ = writeln!(out, "  Source: {}", a.source);
    }
    out
}

/// A role profile for the terminal.
pub fn render_profile_text(p: &Profile<'_>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}\n", p.role.name);
    let _ = writeln!(out, "{}\n", p.role.summary);
    let _ = writeln!(out, "What sets it apart: {}\n", p.role.sets_apart);
    for (aspect, side) in &p.aspects {
        let _ = writeln!(out, "{}: {}", aspect.name, side);
    }
    let _ = writeln!(out, "\nSource: {}", p.role.source);
    out
}

/// The FAQ's entries, one line each, for the terminal.
pub fn render_list_text(kb: &KnowledgeBase) -> String {
    let mut out = String::new();
    for e in kb.entries() {
        let role = kb.audience_id(e.role);
        let _ = writeln!(out, "{:<28} {role:<15} {}", e.id, e.question);
    }
    out
}

/// How the matcher read a question, for maintainers.
pub fn render_explanation_text(kb: &KnowledgeBase, x: &Explanation, t: Thresholds) -> String {
    let mut out = String::new();
    let roles: Vec<&str> = x.roles.iter().map(|r| kb.role(*r).id.as_str()).collect();
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
