//! The review queue: the questions the bot could not answer, grouped by
//! similarity as the matcher itself sees it, so a maintainer accepts a
//! group's most typical question as a new phrasing of an entry in one step.
//!
//! Similar means: the matcher ranks the two texts close to the same
//! entries with similar probabilities (the cosine of their top-ranked
//! entries' probabilities), and nearest to the same entry. No word lists:
//! texts are compared only through [`Matcher::rank`], plus exact equality
//! after folding case, punctuation and spacing.
//!
//! Pure: texts in, groups out. Writing an accepted phrasing into the FAQ
//! files is [`accept`]'s (behind the `bot` feature with the faces).

#[cfg(feature = "bot")]
pub mod accept;

use std::collections::BTreeMap;

use crate::matcher::{Hit, Matcher};

/// How many of a text's best-ranked entries describe it.
const PROFILE: usize = 5;
/// Two texts whose profiles are at least this close (cosine) group.
const SIMILAR: f32 = 0.9;
/// Examples kept per group.
const EXAMPLES: usize = 3;

/// One group of similar questions.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// A short, stable id derived from the label: `g1a2b3c4d`.
    pub id: String,
    /// The group's most typical question: the one closest to all others.
    pub label: String,
    /// How many times its questions were asked.
    pub count: usize,
    /// A few distinct questions of the group, the label first.
    pub examples: Vec<String>,
    /// The entry the label ranks first, if any.
    pub nearest: Option<Hit>,
    /// Every member's [`fold`]ed text, to hide the whole group.
    pub keys: Vec<String>,
}

/// `"What's  an MLE?"` → `"what s an mle"`: case, punctuation and spacing
/// folded, for telling repeated questions apart from new ones.
pub fn fold(text: &str) -> String {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// FNV-1a: stable across builds and platforms, unlike std's hasher.
fn stable_id(label: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in fold(label).bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("g{:08x}", h >> 32)
}

/// One distinct question (by its folded text) and how often it came.
struct Distinct<'a> {
    key: String,
    text: &'a str,
    count: usize,
    profile: Vec<Hit>,
}

fn cosine(a: &[Hit], b: &[Hit]) -> f32 {
    let dot: f32 = a
        .iter()
        .filter_map(|x| {
            b.iter()
                .find(|y| y.entry == x.entry)
                .map(|y| x.score * y.score)
        })
        .sum();
    let norm = |v: &[Hit]| v.iter().map(|h| h.score * h.score).sum::<f32>().sqrt();
    let n = norm(a) * norm(b);
    if n > 0.0 {
        dot / n
    } else {
        0.0
    }
}

fn similar(a: &Distinct<'_>, b: &Distinct<'_>) -> bool {
    match (a.profile.first(), b.profile.first()) {
        (Some(x), Some(y)) => x.entry == y.entry && cosine(&a.profile, &b.profile) >= SIMILAR,
        _ => false,
    }
}

/// Groups `texts`, most asked first (ties: by label). `hidden` are folded
/// texts a maintainer ignored or accepted: left out.
pub fn group(matcher: &Matcher, texts: &[&str], hidden: &[String]) -> Vec<Group> {
    let mut by_key: BTreeMap<String, (usize, &str)> = BTreeMap::new();
    for text in texts {
        let key = fold(text);
        if key.is_empty() || hidden.contains(&key) {
            continue;
        }
        by_key.entry(key).or_insert((0, text)).0 += 1;
    }
    let mut distinct: Vec<Distinct<'_>> = by_key
        .into_iter()
        .map(|(key, (count, text))| Distinct {
            profile: matcher.rank(text).into_iter().take(PROFILE).collect(),
            key,
            text,
            count,
        })
        .collect();
    // Most asked first, so a group forms around its common questions.
    distinct.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.key.cmp(&b.key)));
    let mut clusters: Vec<Vec<Distinct<'_>>> = Vec::new();
    for d in distinct {
        match clusters.iter_mut().find(|c| similar(&c[0], &d)) {
            Some(c) => c.push(d),
            None => clusters.push(vec![d]),
        }
    }
    let mut groups: Vec<Group> = clusters.iter().map(|c| describe(c)).collect();
    groups.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.label.cmp(&b.label)));
    groups
}

/// A cluster as a group: its medoid is the label.
fn describe(members: &[Distinct<'_>]) -> Group {
    let closeness = |i: usize| -> f32 {
        members
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, m)| cosine(&members[i].profile, &m.profile) * m.count as f32)
            .sum()
    };
    let medoid = (0..members.len())
        .max_by(|&a, &b| {
            closeness(a)
                .total_cmp(&closeness(b))
                .then(members[a].count.cmp(&members[b].count))
                .then(members[b].text.len().cmp(&members[a].text.len()))
        })
        .unwrap_or(0);
    let label = members[medoid].text.trim().to_owned();
    let mut examples = vec![label.clone()];
    examples.extend(
        members
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != medoid)
            .map(|(_, m)| m.text.trim().to_owned())
            .take(EXAMPLES - 1),
    );
    Group {
        id: stable_id(&label),
        count: members.iter().map(|m| m.count).sum(),
        nearest: members[medoid].profile.first().copied(),
        keys: members.iter().map(|m| m.key.clone()).collect(),
        examples,
        label,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_ignores_case_punctuation_and_spacing() {
        assert_eq!(fold("  What's an MLE??"), "what s an mle");
        assert_eq!(fold("!!!"), "");
    }

    #[test]
    fn ids_are_stable_and_short() {
        assert_eq!(
            stable_id("Is a bootcamp worth it?"),
            stable_id("is a bootcamp worth it")
        );
        assert_eq!(stable_id("x").len(), 9);
        assert_ne!(stable_id("a"), stable_id("b"));
    }

    #[test]
    fn cosine_of_profiles() {
        let h = |entry, score| Hit { entry, score };
        assert!((cosine(&[h(0, 0.5)], &[h(0, 0.9)]) - 1.0).abs() < 1e-6);
        assert!(cosine(&[h(0, 0.5)], &[h(1, 0.5)]).abs() < 1e-6);
        assert!(cosine(&[], &[h(1, 0.5)]).abs() < 1e-6);
    }
}
