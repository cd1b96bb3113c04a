//! The review queue as people read it: `faqbot misses --json` and its
//! terminal text.

use std::fmt::Write as _;

use serde::Serialize;

use crate::kb::KnowledgeBase;
use crate::review::Group;

/// One group, as `faqbot misses --json` prints it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MissView {
    pub group: String,
    pub count: usize,
    pub examples: Vec<String>,
    pub nearest: Option<NearestView>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NearestView {
    pub id: String,
    pub score: f32,
}

pub fn miss_views(kb: &KnowledgeBase, groups: &[Group]) -> Vec<MissView> {
    groups
        .iter()
        .map(|g| MissView {
            group: g.id.clone(),
            count: g.count,
            examples: g.examples.clone(),
            nearest: g.nearest.and_then(|h| {
                kb.entries().get(h.entry).map(|e| NearestView {
                    id: e.id.clone(),
                    score: h.score,
                })
            }),
        })
        .collect()
}

/// `faqbot misses` without `--json`.
pub fn render_misses_text(views: &[MissView]) -> String {
    if views.is_empty() {
        return "No unanswered questions to review.\n".to_owned();
    }
    let mut out = String::new();
    for v in views {
        let nearest = v.nearest.as_ref().map_or_else(
            || "no entry near".to_owned(),
            |n| format!("nearest {} ({:.2})", n.id, n.score),
        );
        let _ = writeln!(out, "{}  asked {}×, {nearest}", v.group, v.count);
        for e in &v.examples {
            let _ = writeln!(out, "    {e}");
        }
    }
    out.push_str(
        "\nAccept one as a phrasing: faqbot misses --accept GROUP --entry ID; hide it: --ignore GROUP\n",
    );
    out
}
