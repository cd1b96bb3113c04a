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

/// One of the two careers the bot knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    DataScientist,
    MlEngineer,
}

impl Role {
    /// Both roles, in display order.
    pub const ALL: [Role; 2] = [Role::DataScientist, Role::MlEngineer];

    /// The id used in FAQ files and on the command line: `data-scientist`.
    pub fn id(self) -> &'static str {
        match self {
            Role::DataScientist => "data-scientist",
            Role::MlEngineer => "ml-engineer",
        }
    }

    /// The name a person reads: `Machine Learning Engineer`.
    pub fn title(self) -> &'static str {
        match self {
            Role::DataScientist => "Data Scientist",
            Role::MlEngineer => "Machine Learning Engineer",
        }
    }

    /// The other role.
    #[must_use]
    pub fn other(self) -> Role {
        match self {
            Role::DataScientist => Role::MlEngineer,
            Role::MlEngineer => Role::DataScientist,
        }
    }

    /// `"ml-engineer"` → `Some(Role::MlEngineer)`.
    pub fn from_id(id: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.id() == id)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// Whom an entry is about: one role, or both of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Audience {
    Only(Role),
    Both,
}

impl Audience {
    /// The id used in FAQ files and JSON: `data-scientist`, `ml-engineer` or `both`.
    pub fn id(self) -> &'static str {
        match self {
            Audience::Only(role) => role.id(),
            Audience::Both => "both",
        }
    }

    /// `"both"` → `Some(Audience::Both)`.
    pub fn from_id(id: &str) -> Option<Audience> {
        if id == "both" {
            Some(Audience::Both)
        } else {
            Role::from_id(id).map(Audience::Only)
        }
    }
}

impl Serialize for Audience {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

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
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
    #[serde(skip)]
    pub location: Location,
}

/// One aspect of the side-by-side comparison.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Aspect {
    pub id: String,
    pub name: String,
    pub data_scientist: String,
    pub ml_engineer: String,
    pub source: String,
    #[serde(skip)]
    pub location: Location,
}

impl Aspect {
    /// This aspect as seen from one role.
    pub fn side(&self, role: Role) -> &str {
        match role {
            Role::DataScientist => &self.data_scientist,
            Role::MlEngineer => &self.ml_engineer,
        }
    }
}

/// The profile of one role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoleProfile {
    pub role: Role,
    pub name: String,
    pub summary: String,
    /// What sets this role apart from the other one.
    pub sets_apart: String,
    pub source: String,
    /// How people name the role in a question ("data scientist", "ds"),
    /// as typed; the matcher reads them through its own tokenizer.
    #[serde(skip)]
    pub names: Vec<String>,
    /// The embed colour of this role's entries, `0xRRGGBB`.
    #[serde(skip)]
    pub colour: Option<u32>,
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

    /// The role profiles, in file order.
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
        let sides = |kb: &KnowledgeBase| -> Vec<(String, String, String, String, String)> {
            kb.aspects
                .iter()
                .map(|a| {
                    (
                        a.id.clone(),
                        a.name.clone(),
                        a.data_scientist.clone(),
                        a.ml_engineer.clone(),
                        a.source.clone(),
                    )
                })
                .collect()
        };
        changes.aspects_changed = sides(self) != sides(old) || self.roles != old.roles;
        changes
    }

    /// The profile of one role, if the FAQ has one.
    pub fn role(&self, role: Role) -> Option<&RoleProfile> {
        self.roles.iter().find(|p| p.role == role)
    }
}
