//! The FAQ model: what an entry, a comparison aspect, a role profile and a
//! source article are, and how a folder of TOML files becomes a validated
//! [`KnowledgeBase`].
//!
//! Owns: the data types every other module reads, and the loader with its
//! file, line and column errors. Must not: match questions, render text, log, or
//! touch anything but the folder it is handed.

mod embedded;
mod load;

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

pub use embedded::{embedded, embedded_files, EMBEDDED_DIR};
pub use load::{load_contents, load_dir, load_files, LoadError, Problem};

/// At most this many roles: Discord offers at most 25 choices for the
/// `/role` option, and a [`RoleSet`] holds them in one word.
pub const MAX_ROLES: usize = 25;

/// One of the roles the FAQ defines in its `[[role]]` tables: its place in
/// [`KnowledgeBase::roles`], so it copies and compares as cheaply as a
/// number. Its id, name and colour are data: [`KnowledgeBase::role`].
/// Only the loader makes one, so a role of a knowledge base is always one
/// of its roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Role(u8);

impl Role {
    /// Its place among the roles, in `roles.toml` order.
    pub fn index(self) -> usize {
        usize::from(self.0)
    }
}

/// Some of the roles: the ones a question names.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct RoleSet(u32);

impl RoleSet {
    pub fn insert(&mut self, role: Role) {
        self.0 |= 1 << role.0;
    }

    pub fn contains(self, role: Role) -> bool {
        self.0 & (1 << role.0) != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The one role in the set, when there is exactly one.
    pub fn single(self) -> Option<Role> {
        // `trailing_zeros` of a one-bit u32 is below 32.
        self.0
            .is_power_of_two()
            .then(|| Role(self.0.trailing_zeros() as u8))
    }

    /// The roles in the set, in `roles.toml` order.
    pub fn iter(self) -> impl Iterator<Item = Role> {
        (0..MAX_ROLES as u8)
            .map(Role)
            .filter(move |r| self.contains(*r))
    }
}

/// Whom an entry is about: one role, or every role (`both` in FAQ files).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Audience {
    Only(Role),
    Both,
}

impl Audience {
    /// Whether an entry for this audience speaks to `role`.
    pub fn includes(self, role: Role) -> bool {
        match self {
            Audience::Only(r) => r == role,
            Audience::Both => true,
        }
    }
}

/// The id an entry for every role has in FAQ files and JSON.
pub const EVERY_ROLE: &str = "both";

/// Where something was written: a file, a line and a column (both from 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file.display(), self.line, self.column)
    }
}

/// An article the FAQ was written from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Source {
    pub title: String,
    pub publisher: Option<String>,
    pub author: Option<String>,
    pub date: Option<String>,
}

/// One question and its answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Stable kebab-case id: custom ids of Discord buttons carry it.
    pub id: String,
    pub question: String,
    /// Other ways people ask the same thing.
    pub alternates: Vec<String>,
    pub answer: String,
    pub role: Audience,
    /// The title of the article the entry came from.
    pub source: String,
    pub location: Location,
}

/// One aspect of the side-by-side comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Aspect {
    pub id: String,
    pub name: String,
    /// Each role's side, in the order of [`KnowledgeBase::roles`].
    pub sides: Vec<String>,
    pub source: String,
    pub location: Location,
}

impl Aspect {
    /// This aspect as seen from one role.
    pub fn side(&self, role: Role) -> &str {
        self.sides.get(role.index()).map_or("", String::as_str)
    }
}

/// One role: who it is, how it is shown, and how people name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleProfile {
    pub role: Role,
    /// Kebab-case, as entries name it in `role`: `ml-engineer`.
    pub id: String,
    /// The name a person reads: `Machine Learning Engineer`.
    pub name: String,
    /// The embed colour of its answers, `0xRRGGBB`; `None`: the bot's own.
    pub colour: Option<u32>,
    pub summary: String,
    /// What sets this role apart from the others.
    pub sets_apart: String,
    pub source: String,
    /// How people name the role in a question ("data scientist", "ds"),
    /// as typed; the matcher reads them through its own tokenizer.
    pub names: Vec<String>,
}

impl RoleProfile {
    /// The key of its side in an `[[aspect]]` table and in JSON: the id
    /// with `_` for `-` (`ml_engineer`), a bare TOML key.
    pub fn side_key(&self) -> String {
        side_key(&self.id)
    }
}

/// `ml-engineer` → `ml_engineer`.
pub(crate) fn side_key(id: &str) -> String {
    id.replace('-', "_")
}

/// Words that mean one thing here: `salary` for "pay", "earn", "comp".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Concept {
    pub id: String,
    /// Words read as this concept alone.
    pub words: Vec<String>,
    /// Names that keep their own meaning and also count as this concept
    /// ("docker" is itself and a `tool`).
    pub names: Vec<String>,
}

/// A word sequence read as one word: "how much" → `salary`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phrase {
    /// The words, space-separated, as typed.
    pub words: String,
    pub means: String,
}

/// The matcher's domain vocabulary, from the `[vocabulary]`, `[[concept]]`
/// and `[[phrase]]` tables of the FAQ folder (and the roles' `names`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Vocabulary {
    /// Words that say nothing about what is asked.
    pub stopwords: Vec<String>,
    /// Names of jobs that are not ours.
    pub other_jobs: Vec<String>,
    /// Words for what the articles never speak to: silence even with a role.
    pub not_covered: Vec<String>,
    /// Words that open a question ("what", "how", "can"): a message
    /// starting with one reads as a question.
    pub question_words: Vec<String>,
    pub concepts: Vec<Concept>,
    pub phrases: Vec<Phrase>,
}

/// What changed between two versions of a FAQ, by id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    /// Entries whose question, alternates, answer, role or source changed.
    pub edited: Vec<String>,
    /// Whether the comparison aspects changed (the `/compare` choices
    /// follow them).
    pub aspects_changed: bool,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.edited.is_empty()
            && !self.aspects_changed
    }
}

impl fmt::Display for Changes {
    /// `2 added (a, b), 1 removed (c), 0 edited`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |ids: &[String]| {
            if ids.is_empty() {
                String::new()
            } else {
                format!(" ({})", ids.join(", "))
            }
        };
        write!(
            f,
            "{} added{}, {} removed{}, {} edited{}",
            self.added.len(),
            list(&self.added),
            self.removed.len(),
            list(&self.removed),
            self.edited.len(),
            list(&self.edited)
        )?;
        if self.aspects_changed {
            f.write_str("; the comparison changed")?;
        }
        Ok(())
    }
}

/// A validated FAQ: ids are unique, every entry names a known source, no
/// text is empty. Built only by [`load_dir`] or [`load_files`].
#[derive(Debug, Clone, Default)]
pub struct KnowledgeBase {
    sources: Vec<Source>,
    entries: Vec<Entry>,
    aspects: Vec<Aspect>,
    roles: Vec<RoleProfile>,
    vocabulary: Vocabulary,
    dir: PathBuf,
}

impl KnowledgeBase {
    /// Every entry, in file order (files sorted by name).
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Every comparison aspect, in file order.
    pub fn aspects(&self) -> &[Aspect] {
        &self.aspects
    }

    /// The source articles.
    pub fn sources(&self) -> &[Source] {
        &self.sources
    }

    /// How people say things here: what the matcher reads questions with.
    pub fn vocabulary(&self) -> &Vocabulary {
        &self.vocabulary
    }

    /// The roles, in file order (files sorted by name): the order they are
    /// shown in, side by side.
    pub fn roles(&self) -> &[RoleProfile] {
        &self.roles
    }

    /// The folder this FAQ was loaded from.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The entry with this id.
    pub fn entry(&self, id: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.id == id)
    }

    /// The aspect with this id, or whose name is this, ignoring case.
    pub fn aspect(&self, key: &str) -> Option<&Aspect> {
        let key = key.trim();
        self.aspects
            .iter()
            .find(|a| a.id.eq_ignore_ascii_case(key) || a.name.eq_ignore_ascii_case(key))
    }

    /// What changed from `old` to `self`.
    pub fn changes_since(&self, old: &KnowledgeBase) -> Changes {
        let same = |a: &Entry, b: &Entry| {
            (&a.question, &a.alternates, &a.answer, a.role, &a.source)
                == (&b.question, &b.alternates, &b.answer, b.role, &b.source)
        };
        let mut changes = Changes::default();
        for e in &self.entries {
            match old.entry(&e.id) {
                None => changes.added.push(e.id.clone()),
                Some(before) if !same(before, e) => changes.edited.push(e.id.clone()),
                Some(_) => {}
            }
        }
        for e in &old.entries {
            if self.entry(&e.id).is_none() {
                changes.removed.push(e.id.clone());
            }
        }
        let sides = |kb: &KnowledgeBase| -> Vec<(String, String, Vec<String>, String)> {
            kb.aspects
                .iter()
                .map(|a| {
                    (
                        a.id.clone(),
                        a.name.clone(),
                        a.sides.clone(),
                        a.source.clone(),
                    )
                })
                .collect()
        };
        changes.aspects_changed = sides(self) != sides(old) || self.roles != old.roles;
        changes
    }

    /// One of this FAQ's roles. (A role is only ever made by the loader of
    /// the knowledge base it indexes.)
    pub fn role(&self, role: Role) -> &RoleProfile {
        &self.roles[role.index()]
    }

    /// The role with this id (`ml-engineer`), if the FAQ defines one.
    pub fn role_by_id(&self, id: &str) -> Option<Role> {
        self.roles.iter().find(|p| p.id == id).map(|p| p.role)
    }

    /// How FAQ files and JSON name an audience: a role's id, or `both`.
    pub fn audience_id(&self, audience: Audience) -> &str {
        match audience {
            Audience::Only(role) => &self.role(role).id,
            Audience::Both => EVERY_ROLE,
        }
    }

    /// The roles' display names, in order: for titles that name them all.
    pub fn role_names(&self) -> Vec<&str> {
        self.roles.iter().map(|p| p.name.as_str()).collect()
    }
}
