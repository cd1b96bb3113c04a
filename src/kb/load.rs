//! Reading a FAQ folder: TOML text → raw serde structs (unknown keys
//! refused) → checked [`KnowledgeBase`].
//!
//! Every problem is collected, not just the first, and each names its file,
//! line and column, so a maintainer fixes a whole edit in one pass.

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::{
    side_key, Aspect, Audience, Concept, Entry, KnowledgeBase, Location, Phrase, Role, RoleProfile,
    Source, EVERY_ROLE, MAX_ROLES,
};

/// Discord shows an entry's question as an embed title (256 characters) and
/// its answer as an embed description (4,096); an aspect side goes in a
/// field (1,024). The renderer would cut longer text, but a maintainer
/// should hear about it rather than see an ellipsis in the server.
const MAX_QUESTION: usize = 256;
const MAX_ANSWER: usize = 4096;
const MAX_SIDE: usize = 1024;
const MAX_NAME: usize = 100;
/// Ids travel in Discord custom ids (100 characters, with a prefix and a
/// user id) and select values.
const MAX_ID: usize = 64;

/// One thing wrong in a FAQ folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where, when the problem has a place in a file.
    pub location: Option<Location>,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.location {
            Some(at) => write!(f, "{at}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// Why a FAQ folder could not be loaded: every problem found, in file order.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct LoadError {
    pub problems: Vec<Problem>,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    source: Vec<Spanned<RawSource>>,
    #[serde(default)]
    entry: Vec<Spanned<RawEntry>>,
    #[serde(default)]
    aspect: Vec<Spanned<RawAspect>>,
    #[serde(default)]
    role: Vec<Spanned<RawRole>>,
    vocabulary: Option<RawVocabulary>,
    #[serde(default)]
    concept: Vec<Spanned<RawConcept>>,
    #[serde(default)]
    phrase: Vec<Spanned<RawPhrase>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVocabulary {
    #[serde(default)]
    stopwords: Vec<Spanned<String>>,
    #[serde(default)]
    other_jobs: Vec<Spanned<String>>,
    #[serde(default)]
    not_covered: Vec<Spanned<String>>,
    #[serde(default)]
    question_words: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConcept {
    id: Spanned<String>,
    #[serde(default)]
    words: Vec<Spanned<String>>,
    #[serde(default)]
    names: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPhrase {
    words: Spanned<String>,
    means: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    title: Spanned<String>,
    publisher: Option<String>,
    author: Option<String>,
    date: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    id: Spanned<String>,
    role: Spanned<String>,
    source: Spanned<String>,
    question: Spanned<String>,
    #[serde(default)]
    alternates: Vec<Spanned<String>>,
    answer: Spanned<String>,
}

/// An `[[aspect]]` table as written: its keys in file order. Besides `id`,
/// `name` and `source` it has one side per role, keyed by the role's
/// [`side_key`]; which keys those are is known only once the roles are
/// read, so the table is checked by [`Builder::aspect`], not by serde.
struct RawAspect(Vec<(String, Spanned<String>)>);

/// The fixed keys of an aspect; every other key is a role's side.
const ASPECT_FIELDS: [&str; 3] = ["id", "name", "source"];

impl<'de> Deserialize<'de> for RawAspect {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Keys;
        impl<'de> serde::de::Visitor<'de> for Keys {
            type Value = RawAspect;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an [[aspect]] table of texts")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<RawAspect, A::Error> {
                let mut keys = Vec::new();
                while let Some(pair) = map.next_entry::<String, Spanned<String>>()? {
                    keys.push(pair);
                }
                Ok(RawAspect(keys))
            }
        }
        d.deserialize_map(Keys)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRole {
    id: Spanned<String>,
    name: Spanned<String>,
    summary: Spanned<String>,
    sets_apart: Spanned<String>,
    source: Spanned<String>,
    #[serde(default)]
    names: Vec<Spanned<String>>,
    colour: Option<Spanned<String>>,
}

/// Loads every `*.toml` file directly in `dir`, in name order.
///
/// `faq/` → a [`KnowledgeBase`], or every problem found, each with its
/// `file:line:column`. The folder is read whole into `(path, bytes)` pairs
/// and handed to [`load_contents`], the same call the embedded FAQ makes.
pub fn load_dir(dir: &Path) -> Result<KnowledgeBase, LoadError> {
    let fail = |message: String| LoadError {
        problems: vec![Problem {
            location: None,
            message,
        }],
    };
    let mut paths = Vec::new();
    list_files(dir, &mut paths)
        .map_err(|e| fail(format!("cannot read FAQ folder {}: {e}", dir.display())))?;
    let mut files = Vec::with_capacity(paths.len());
    let mut problems = Vec::new();
    for path in paths {
        match std::fs::read(&path) {
            Ok(bytes) => files.push((path, bytes)),
            Err(e) => problems.push(Problem {
                location: None,
                message: format!("cannot read {}: {e}", path.display()),
            }),
        }
    }
    let files: Vec<(PathBuf, &[u8])> = files
        .iter()
        .map(|(path, bytes)| (path.clone(), bytes.as_slice()))
        .collect();
    match load_contents(dir, &files) {
        Ok(kb) if problems.is_empty() => Ok(kb),
        Ok(_) => Err(LoadError { problems }),
        Err(mut e) => {
            problems.append(&mut e.problems);
            Err(LoadError { problems })
        }
    }
}

/// Every regular file under `dir`, recursively (hidden ones left out, as
/// the embedding build script leaves them out), so a folder and the
/// embedded FAQ hand the loader the same list.
pub(super) fn list_files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        if path.is_dir() {
            list_files(&path, out)?;
        } else if path.is_file() {
            out.push(path);
        }
    }
    Ok(())
}

/// Builds a knowledge base from every file of a FAQ, as `(path, bytes)`
/// pairs under `dir`, whether read from a folder ([`load_dir`]) or baked
/// into the binary ([`super::embedded`]). Reads the `*.toml` files directly
/// in `dir`, in name order; other files are data the loader does not read
/// (yet), carried along so both sources stay one list.
pub fn load_contents(dir: &Path, files: &[(PathBuf, &[u8])]) -> Result<KnowledgeBase, LoadError> {
    let mut tomls: Vec<&(PathBuf, &[u8])> = files
        .iter()
        .filter(|(path, _)| {
            path.extension().is_some_and(|x| x == "toml") && path.parent() == Some(dir)
        })
        .collect();
    tomls.sort_by(|a, b| a.0.cmp(&b.0));
    let mut texts = Vec::with_capacity(tomls.len());
    let mut problems = Vec::new();
    for (path, bytes) in tomls {
        match std::str::from_utf8(bytes) {
            Ok(text) => texts.push((path.clone(), text.to_owned())),
            Err(e) => problems.push(Problem {
                location: Some(offset_location(
                    path,
                    &String::from_utf8_lossy(bytes),
                    e.valid_up_to(),
                )),
                message: "the file is not valid UTF-8".into(),
            }),
        }
    }
    match load_files(dir, &texts) {
        Ok(kb) if problems.is_empty() => Ok(kb),
        Ok(_) => Err(LoadError { problems }),
        Err(mut e) => {
            problems.append(&mut e.problems);
            Err(LoadError { problems })
        }
    }
}

/// Builds a knowledge base from files already read: `(path, text)` pairs,
/// in the order given. [`load_dir`] uses it; tests and fuzzers call it
/// without a disk.
pub fn load_files(dir: &Path, files: &[(PathBuf, String)]) -> Result<KnowledgeBase, LoadError> {
    let mut b = Builder::default();
    let mut parsed = Vec::new();
    for (path, text) in files {
        match toml::from_str::<RawFile>(text) {
            Ok(raw) => parsed.push((path.as_path(), text.as_str(), raw)),
            Err(e) => {
                let at = e.span().map_or(0, |s| s.start);
                b.problem(
                    offset_location(path, text, at),
                    e.message().trim_end().to_owned(),
                );
            }
        }
    }
    b.roles_unread = !b.problems.is_empty();
    // Sources first, whatever the file order, so entries can name them.
    let contexts: Vec<FileCtx> = parsed
        .iter()
        .map(|(path, text, _)| FileCtx::new(path, text))
        .collect();
    for ((_, _, raw), f) in parsed.iter().zip(&contexts) {
        for s in &raw.source {
            b.source(f, s);
        }
    }
    // Then the roles, so entries and aspects can name them.
    for ((_, _, raw), f) in parsed.iter_mut().zip(&contexts) {
        for r in std::mem::take(&mut raw.role) {
            b.role(f, r);
        }
    }
    for ((_, _, raw), f) in parsed.into_iter().zip(&contexts) {
        for e in raw.entry {
            b.entry(f, e);
        }
        for a in raw.aspect {
            b.aspect(f, a);
        }
        if let Some(v) = raw.vocabulary {
            b.vocabulary(f, v);
        }
        for c in raw.concept {
            b.concept(f, c);
        }
        for p in raw.phrase {
            b.phrase(f, p);
        }
    }
    if b.problems.is_empty() && b.kb.entries.is_empty() {
        b.problems.push(Problem {
            location: None,
            message: format!(
                "no FAQ entries in {} (expected *.toml files with [[entry]] tables)",
                dir.display()
            ),
        });
    }
    if b.problems.is_empty() {
        b.kb.dir = dir.to_path_buf();
        Ok(b.kb)
    } else {
        Err(LoadError {
            problems: b.problems,
        })
    }
}

struct FileCtx<'a> {
    path: &'a Path,
    text: &'a str,
    /// Byte offset of each line's start: every field's location is looked
    /// up here, so a file of 100,000 entries loads in linear time.
    lines: Vec<usize>,
}

impl<'a> FileCtx<'a> {
    fn new(path: &'a Path, text: &'a str) -> Self {
        let lines = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        FileCtx { path, text, lines }
    }

    /// Byte offset → 1-based line and column (in characters).
    fn at(&self, span: Range<usize>) -> Location {
        let mut offset = span.start.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        // `lines[0]` is 0, so at least one start is at or before `offset`.
        let line = self.lines.partition_point(|&start| start <= offset);
        let start = self.lines[line - 1];
        Location {
            file: self.path.to_path_buf(),
            line,
            column: self.text[start..offset].chars().count() + 1,
        }
    }
}

#[derive(Default)]
struct Builder {
    kb: KnowledgeBase,
    problems: Vec<Problem>,
    entry_ids: HashMap<String, Location>,
    aspect_ids: HashMap<String, Location>,
    role_ids: HashMap<String, Location>,
    /// A file did not parse, and may be where roles are defined: what
    /// needs every role (an entry's role, an aspect's sides) is not
    /// checked, so the broken file's one error is not buried under one
    /// per entry.
    roles_unread: bool,
    concept_ids: HashMap<String, Location>,
    /// Where each vocabulary word was first given a meaning, and which:
    /// a word that is a stopword in one place and a concept in another is
    /// a contradiction a maintainer must hear about.
    word_uses: HashMap<String, (Location, String)>,
}

impl Builder {
    fn problem(&mut self, location: Location, message: String) {
        self.problems.push(Problem {
            location: Some(location),
            message,
        });
    }

    /// A required text: trimmed, not empty, not longer than `max` characters.
    fn text(&mut self, f: &FileCtx, field: &str, value: Spanned<String>, max: usize) -> String {
        let at = f.at(value.span());
        let text = value.into_inner().trim().to_owned();
        if text.is_empty() {
            self.problem(at, format!("`{field}` is empty"));
        } else if text.chars().count() > max {
            self.problem(
                at,
                format!(
                    "`{field}` is {} characters long; at most {max} fit in a Discord message",
                    text.chars().count()
                ),
            );
        }
        text
    }

    /// A kebab-case id, unique among its kind.
    fn id(&mut self, f: &FileCtx, kind: &str, value: Spanned<String>) -> String {
        let at = f.at(value.span());
        let id = value.into_inner();
        let seen = match kind {
            "entry" => &mut self.entry_ids,
            _ => &mut self.aspect_ids,
        };
        if let Some(first) = seen.get(&id) {
            let message = format!("duplicate {kind} id \"{id}\" (first at {first})");
            self.problem(at, message);
        } else {
            seen.insert(id.clone(), at.clone());
            if id.len() > MAX_ID {
                self.problem(
                    at,
                    format!("{kind} id \"{id}\" is longer than {MAX_ID} characters (Discord buttons carry it)"),
                );
            } else if !is_kebab(&id) {
                self.problem(
                    at,
                    format!("{kind} id \"{id}\" is not kebab-case (like \"ds-salary\")"),
                );
            }
        }
        id
    }

    fn source_ref(&mut self, f: &FileCtx, value: Spanned<String>) -> String {
        let at = f.at(value.span());
        let title = value.into_inner().trim().to_owned();
        if !self.kb.sources.iter().any(|s| s.title == title) {
            let known: Vec<String> = self
                .kb
                .sources
                .iter()
                .map(|s| format!("\"{}\"", s.title))
                .collect();
            let known = if known.is_empty() {
                "none is declared; add a [[source]] table".to_owned()
            } else {
                format!("known: {}", known.join(", "))
            };
            self.problem(at, format!("unknown source \"{title}\" ({known})"));
        }
        title
    }

    fn source(&mut self, f: &FileCtx, raw: &Spanned<RawSource>) {
        let s = raw.get_ref();
        let title = s.title.get_ref().trim().to_owned();
        if title.is_empty() {
            self.problem(f.at(s.title.span()), "`title` is empty".into());
        } else if self.kb.sources.iter().any(|k| k.title == title) {
            self.problem(
                f.at(s.title.span()),
                format!("duplicate source \"{title}\""),
            );
        } else {
            self.kb.sources.push(Source {
                title,
                publisher: s.publisher.clone(),
                author: s.author.clone(),
                date: s.date.clone(),
            });
        }
    }

    fn entry(&mut self, f: &FileCtx, raw: Spanned<RawEntry>) {
        let location = f.at(raw.span());
        let e = raw.into_inner();
        let id = self.id(f, "entry", e.id);
        let role_at = f.at(e.role.span());
        let role = self.audience(e.role.get_ref().trim());
        if role.is_none() && !self.roles_unread {
            let mut known: Vec<&str> = self.kb.roles.iter().map(|r| r.id.as_str()).collect();
            known.push(EVERY_ROLE);
            let expected = match known.split_last() {
                Some((last, [])) => format!("{last}: no [[role]] is defined"),
                Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
                None => String::new(),
            };
            let message = format!(
                "unknown role \"{}\" (expected {expected})",
                e.role.get_ref()
            );
            self.problem(role_at, message);
        }
        let source = self.source_ref(f, e.source);
        let question = self.text(f, "question", e.question, MAX_QUESTION);
        let alternates = e
            .alternates
            .into_iter()
            .map(|a| self.text(f, "alternates", a, MAX_QUESTION))
            .collect();
        let answer = self.text(f, "answer", e.answer, MAX_ANSWER);
        self.kb.entries.push(Entry {
            id,
            question,
            alternates,
            answer,
            role: role.unwrap_or(Audience::Both),
            source,
            location,
        });
    }

    /// `ml-engineer` → that role; `both` → every role.
    fn audience(&self, id: &str) -> Option<Audience> {
        if id == EVERY_ROLE {
            return Some(Audience::Both);
        }
        let role = self.kb.roles.iter().find(|r| r.id == id)?;
        Some(Audience::Only(role.role))
    }

    /// An aspect: `id`, `name`, `source`, and a side for every role, each
    /// missing or unknown key reported at its place.
    fn aspect(&mut self, f: &FileCtx, raw: Spanned<RawAspect>) {
        let location = f.at(raw.span());
        let mut keys = raw.into_inner().0;
        let mut take = |key: &str| {
            let i = keys.iter().position(|(k, _)| k == key)?;
            Some(keys.remove(i).1)
        };
        let [id, name, source] = ASPECT_FIELDS.map(&mut take);
        let side_keys: Vec<String> = self.kb.roles.iter().map(RoleProfile::side_key).collect();
        let sides: Vec<_> = side_keys.iter().map(|k| take(k)).collect();
        for (field, value) in ASPECT_FIELDS.iter().zip([&id, &name, &source]) {
            if value.is_none() {
                self.problem(location.clone(), format!("missing field `{field}`"));
            }
        }
        let expected = ASPECT_FIELDS
            .iter()
            .map(|k| (*k).to_owned())
            .chain(side_keys.iter().cloned())
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ");
        if self.kb.roles.is_empty() && !self.roles_unread {
            let message = "an aspect compares roles, and no [[role]] is defined".to_owned();
            self.problem(location.clone(), message);
            return;
        }
        let unread = self.roles_unread;
        for (key, value) in keys.into_iter().filter(|_| !unread) {
            let message = format!(
                "unknown field `{key}`, expected one of {expected} (a side is the role id with _ for -)"
            );
            self.problem(f.at(value.span()), message);
        }
        let aspect_id = id.as_ref().map_or("", |i| i.get_ref().as_str()).to_owned();
        let sides: Vec<String> = sides
            .into_iter()
            .zip(&side_keys)
            .map(|(side, key)| {
                if let Some(text) = side {
                    return self.text(f, key, text, MAX_SIDE);
                }
                if self.roles_unread {
                    return String::new();
                }
                let message =
                    format!("aspect \"{aspect_id}\" has no `{key}` side: every role needs one");
                self.problem(location.clone(), message);
                String::new()
            })
            .collect();
        let (Some(id), Some(name), Some(source)) = (id, name, source) else {
            return;
        };
        let id = self.id(f, "aspect", id);
        let name = self.text(f, "name", name, MAX_NAME);
        let source = self.source_ref(f, source);
        self.kb.aspects.push(Aspect {
            id,
            name,
            sides,
            source,
            location,
        });
    }

    /// A role: its id is kebab-case, unique, and neither `both` nor a
    /// fixed aspect key (its side key names its side of every aspect).
    fn role(&mut self, f: &FileCtx, raw: Spanned<RawRole>) {
        let r = raw.into_inner();
        let at = f.at(r.id.span());
        let id = r.id.into_inner().trim().to_owned();
        let refused = if !is_kebab(&id) {
            Some(format!(
                "role id \"{id}\" is not kebab-case (like \"ml-engineer\")"
            ))
        } else if id.len() > MAX_ID {
            Some(format!(
                "role id \"{id}\" is longer than {MAX_ID} characters (/role choices carry it)"
            ))
        } else if id == EVERY_ROLE {
            Some(format!(
                "role id \"{id}\" is taken: an entry's `role = \"{EVERY_ROLE}\"` means every role"
            ))
        } else if ASPECT_FIELDS.contains(&side_key(&id).as_str()) {
            Some(format!(
                "role id \"{id}\" is taken: `{id}` is a field of every [[aspect]]"
            ))
        } else if let Some(first) = self.role_ids.get(&id) {
            Some(format!("duplicate role id \"{id}\" (first at {first})"))
        } else if self.kb.roles.len() >= MAX_ROLES {
            Some(format!(
                "role \"{id}\" is one too many: at most {MAX_ROLES} roles fit the choices of /role"
            ))
        } else {
            None
        };
        if let Some(message) = refused {
            self.problem(at, message);
            return;
        }
        self.role_ids.insert(id.clone(), at);
        // Below MAX_ROLES, so within a u8.
        let role = Role(self.kb.roles.len() as u8);
        let colour = r.colour.and_then(|c| {
            let at = f.at(c.span());
            let text = c.into_inner();
            let hex = text.trim().strip_prefix('#').unwrap_or("");
            match u32::from_str_radix(hex, 16) {
                // (`from_str_radix` would take a sign, as in "#+fffff")
                Ok(v) if hex.len() == 6 && hex.bytes().all(|b| b.is_ascii_hexdigit()) => Some(v),
                _ => {
                    self.problem(
                        at,
                        format!("colour \"{text}\" is not a #rrggbb colour (like \"#3498db\")"),
                    );
                    None
                }
            }
        });
        let name = self.text(f, "name", r.name, MAX_NAME);
        let summary = self.text(f, "summary", r.summary, MAX_SIDE);
        let sets_apart = self.text(f, "sets_apart", r.sets_apart, MAX_SIDE);
        let source = self.source_ref(f, r.source);
        let names = r
            .names
            .into_iter()
            .filter_map(|n| self.word(f, n, &format!("a name of {id}")))
            .collect();
        self.kb.roles.push(RoleProfile {
            role,
            id,
            name,
            colour,
            summary,
            sets_apart,
            source,
            names,
        });
    }

    /// One vocabulary word or phrase: trimmed, lower case, not empty; `use_`
    /// says what it means, for contradictions.
    fn word(&mut self, f: &FileCtx, value: Spanned<String>, use_: &str) -> Option<String> {
        let at = f.at(value.span());
        let word = value.into_inner().trim().to_owned();
        if word.is_empty() {
            self.problem(at, "an empty word".into());
            return None;
        }
        if word.chars().any(char::is_uppercase) {
            self.problem(
                at,
                format!(
                    "\"{word}\" has capitals; write vocabulary in lower case, as it is matched"
                ),
            );
            return None;
        }
        match self.word_uses.get(&word) {
            Some((first, was)) if was != use_ => {
                let message =
                    format!("\"{word}\" is {use_} here but {was} at {first}: give it one meaning");
                self.problem(at, message);
            }
            Some(_) => {}
            None => {
                self.word_uses.insert(word.clone(), (at, use_.to_owned()));
            }
        }
        Some(word)
    }

    fn vocabulary(&mut self, f: &FileCtx, v: RawVocabulary) {
        for (list, words, use_) in [
            (0, v.stopwords, "a stopword"),
            (1, v.other_jobs, "another job"),
            (2, v.not_covered, "not covered"),
        ] {
            for w in words {
                if let Some(w) = self.word(f, w, use_) {
                    let voc = &mut self.kb.vocabulary;
                    match list {
                        0 => voc.stopwords.push(w),
                        1 => voc.other_jobs.push(w),
                        _ => voc.not_covered.push(w),
                    }
                }
            }
        }
        // Question words are usually stopwords too ("what"): a list of
        // their own, outside the one-meaning check.
        for w in v.question_words {
            let at = f.at(w.span());
            let w = w.into_inner().trim().to_lowercase();
            if w.is_empty() {
                self.problem(at, "an empty word".into());
            } else {
                self.kb.vocabulary.question_words.push(w);
            }
        }
    }

    fn concept(&mut self, f: &FileCtx, raw: Spanned<RawConcept>) {
        let at = f.at(raw.span());
        let c = raw.into_inner();
        let id_at = f.at(c.id.span());
        let id = c.id.into_inner().trim().to_owned();
        if !is_kebab(&id) {
            self.problem(
                id_at,
                format!("concept id \"{id}\" is not kebab-case (like \"salary\")"),
            );
            return;
        }
        if let Some(first) = self.concept_ids.get(&id) {
            let message = format!("duplicate concept id \"{id}\" (first at {first})");
            self.problem(id_at, message);
            return;
        }
        self.concept_ids.insert(id.clone(), id_at);
        if c.words.is_empty() && c.names.is_empty() {
            self.problem(
                at,
                format!("concept \"{id}\" has no `words` and no `names`"),
            );
        }
        // A word may stand in several concepts ("learning" is a skill and
        // a study), so its meaning for contradictions is "a concept".
        let words = c
            .words
            .into_iter()
            .filter_map(|w| self.word(f, w, "a concept word"))
            .collect();
        let names = c
            .names
            .into_iter()
            .filter_map(|w| self.word(f, w, "a concept name"))
            .collect();
        self.kb
            .vocabulary
            .concepts
            .push(Concept { id, words, names });
    }

    fn phrase(&mut self, f: &FileCtx, raw: Spanned<RawPhrase>) {
        let p = raw.into_inner();
        let at = f.at(p.words.span());
        let Some(words) = self.word(f, p.words, "a phrase") else {
            return;
        };
        if !words.contains(' ') {
            self.problem(
                at,
                format!("phrase \"{words}\" is one word; a phrase has several"),
            );
            return;
        }
        let means_at = f.at(p.means.span());
        let means = p.means.into_inner().trim().to_owned();
        if means.is_empty() || means.contains(char::is_whitespace) {
            self.problem(
                means_at,
                format!("`means` of phrase \"{words}\" must be one word"),
            );
            return;
        }
        self.kb.vocabulary.phrases.push(Phrase { words, means });
    }
}

fn is_kebab(id: &str) -> bool {
    !id.is_empty()
        && id.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// Byte offset → 1-based line and column (in characters), for a one-off
/// problem outside the per-file pass.
fn offset_location(path: &Path, text: &str, offset: usize) -> Location {
    FileCtx::new(path, text).at(offset..offset)
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::*;

    const SOURCE: &str = "[[source]]\ntitle = \"A\"\n";

    /// `[[role]]` tables for these ids, with these colours.
    fn roles(roles: &[(&str, &str)]) -> String {
        let mut out = String::new();
        for (id, colour) in roles {
            let _ = write!(
                out,
                "[[role]]\nid = \"{id}\"\nname = \"{id} name\"\ncolour = \"{colour}\"\n\
                 summary = \"s\"\nsets_apart = \"t\"\nsource = \"A\"\n"
            );
        }
        out
    }

    /// The two shipped role ids.
    fn two_roles() -> String {
        roles(&[("data-scientist", "#3498db"), ("ml-engineer", "#e67e22")])
    }

    fn load(files: &[(&str, &str)]) -> Result<KnowledgeBase, LoadError> {
        let files: Vec<(PathBuf, String)> = files
            .iter()
            .map(|(p, t)| (PathBuf::from(p), (*t).to_owned()))
            .collect();
        load_files(Path::new("faq"), &files)
    }

    fn entry(id: &str, role: &str) -> String {
        format!(
            "[[entry]]\nid = \"{id}\"\nrole = \"{role}\"\nsource = \"A\"\nquestion = \"Q?\"\nanswer = \"Yes.\"\n"
        )
    }

    fn messages(err: &LoadError) -> Vec<String> {
        err.problems.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn a_good_folder_loads_every_kind() {
        let text = format!(
            "{SOURCE}{}{}[[aspect]]\nid = \"focus\"\nname = \"Focus\"\nml_engineer = \"y\"\ndata_scientist = \"x\"\nsource = \"A\"\n{}",
            entry("one", "both"),
            entry("two", "ml-engineer"),
            two_roles(),
        );
        let kb = load(&[("faq/a.toml", &text)]).expect("loads");
        assert_eq!(kb.entries().len(), 2);
        assert_eq!(kb.entries()[0].role, Audience::Both);
        let mle = kb.role_by_id("ml-engineer").expect("defined");
        assert_eq!(kb.entries()[1].role, Audience::Only(mle));
        assert_eq!(kb.audience_id(kb.entries()[1].role), "ml-engineer");
        assert_eq!(kb.aspect("FOCUS").map(|a| a.side(mle)), Some("y"));
        let p = kb.role(mle);
        assert_eq!(
            (p.name.as_str(), p.colour),
            ("ml-engineer name", Some(0xe6_7e22))
        );
        assert_eq!(kb.role_by_id("chef"), None);
    }

    #[test]
    fn roles_keep_file_order_and_entries_in_earlier_files_may_name_them() {
        let three = roles(&[("zeta", "#000001"), ("alpha", "#000002")]);
        let files = [
            ("faq/a.toml", format!("{SOURCE}{}", entry("x", "gamma"))),
            ("faq/b.toml", three),
            ("faq/c.toml", roles(&[("gamma", "#000003")])),
        ];
        let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
        let kb = load(&files).expect("loads");
        let ids: Vec<&str> = kb.roles().iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["zeta", "alpha", "gamma"]);
        assert_eq!(kb.audience_id(kb.entries()[0].role), "gamma");
    }

    #[test]
    fn an_aspect_needs_a_side_for_every_role_and_no_other_key() {
        let text = format!(
            "{SOURCE}{}{}[[aspect]]\nid = \"focus\"\nname = \"Focus\"\ndata_scientist = \"x\"\nml_enginer = \"y\"\nsource = \"A\"\n",
            entry("x", "both"),
            two_roles(),
        );
        let err = load(&[("faq/a.toml", &text)]).expect_err("a side is missing");
        assert_eq!(
            messages(&err),
            [
                "faq/a.toml:27:14: unknown field `ml_enginer`, expected one of `id`, `name`, `source`, `data_scientist`, `ml_engineer` (a side is the role id with _ for -)",
                "faq/a.toml:23:1: aspect \"focus\" has no `ml_engineer` side: every role needs one",
            ]
        );
    }

    #[test]
    fn an_aspect_without_its_fixed_keys_or_roles_to_compare_is_refused() {
        let text = format!(
            "{SOURCE}{}[[aspect]]\nname = \"Focus\"\n",
            entry("x", "both")
        );
        let err = load(&[("faq/a.toml", &text)]).expect_err("no id, no source");
        assert_eq!(
            messages(&err),
            [
                "faq/a.toml:9:1: missing field `id`",
                "faq/a.toml:9:1: missing field `source`",
                "faq/a.toml:9:1: an aspect compares roles, and no [[role]] is defined",
            ]
        );
    }

    #[test]
    fn bad_role_ids_and_colours_are_refused_at_their_place() {
        let text = format!(
            "{SOURCE}{}{}",
            entry("x", "both"),
            roles(&[
                ("ml-engineer", "#e67e22"),
                ("both", "#000000"),
                ("Chef", "#000000"),
                ("ml-engineer", "#000000"),
                ("source", "#000000"),
                ("pilot", "orange"),
                ("nurse", "#+fffff"),
            ])
        );
        let err = load(&[("faq/a.toml", &text)]).expect_err("bad roles");
        assert_eq!(
            messages(&err),
            [
                "faq/a.toml:17:6: role id \"both\" is taken: an entry's `role = \"both\"` means every role",
                "faq/a.toml:24:6: role id \"Chef\" is not kebab-case (like \"ml-engineer\")",
                "faq/a.toml:31:6: duplicate role id \"ml-engineer\" (first at faq/a.toml:10:6)",
                "faq/a.toml:38:6: role id \"source\" is taken: `source` is a field of every [[aspect]]",
                "faq/a.toml:47:10: colour \"orange\" is not a #rrggbb colour (like \"#3498db\")",
                "faq/a.toml:54:10: colour \"#+fffff\" is not a #rrggbb colour (like \"#3498db\")",
            ]
        );
    }

    #[test]
    fn more_roles_than_discord_offers_choices_are_refused() {
        let ids: Vec<String> = (0..=MAX_ROLES).map(|i| format!("r{i}")).collect();
        let many: Vec<(&str, &str)> = ids.iter().map(|id| (id.as_str(), "#000000")).collect();
        let text = format!("{SOURCE}{}{}", entry("x", "both"), roles(&many));
        let err = load(&[("faq/a.toml", &text)]).expect_err("too many");
        assert_eq!(err.problems.len(), 1, "{err}");
        assert!(
            messages(&err)[0].contains("role \"r25\" is one too many"),
            "{err}"
        );
    }

    #[test]
    fn duplicate_id_names_both_places() {
        let a = format!("{SOURCE}{}", entry("dup", "both"));
        let b = format!("# second\n{}", entry("dup", "both"));
        let err = load(&[("faq/a.toml", &a), ("faq/b.toml", &b)]).expect_err("duplicate");
        assert_eq!(
            messages(&err),
            ["faq/b.toml:3:6: duplicate entry id \"dup\" (first at faq/a.toml:4:6)"]
        );
    }

    #[test]
    fn unknown_key_is_refused_with_its_place() {
        let text = format!("{SOURCE}{}colour = \"red\"\n", entry("x", "both"));
        let err = load(&[("faq/a.toml", &text)]).expect_err("unknown key");
        let msg = &messages(&err)[0];
        assert!(msg.starts_with("faq/a.toml:"), "{msg}");
        assert!(msg.contains("unknown field `colour`"), "{msg}");
    }

    #[test]
    fn unknown_role_and_empty_answer_are_both_reported() {
        let text = format!("{SOURCE}{}", entry("x", "chef").replace("Yes.", "  "));
        let err =
            load(&[("faq/a.toml", &text), ("faq/roles.toml", &two_roles())]).expect_err("bad");
        assert_eq!(
            messages(&err),
            [
                "faq/a.toml:5:8: unknown role \"chef\" (expected data-scientist, ml-engineer or both)",
                "faq/a.toml:8:10: `answer` is empty",
            ]
        );
        let err = load(&[(
            "faq/a.toml",
            &format!("{SOURCE}{}", entry("x", "ml-engineer")),
        )])
        .expect_err("no roles");
        assert_eq!(
            messages(&err),
            ["faq/a.toml:5:8: unknown role \"ml-engineer\" (expected both: no [[role]] is defined)"]
        );
    }

    #[test]
    fn broken_toml_names_line_and_column() {
        let err = load(&[("faq/a.toml", "[[entry]]\nid = \"x\nrole = 1\n")]).expect_err("broken");
        let msg = &messages(&err)[0];
        assert!(msg.starts_with("faq/a.toml:2:"), "{msg}");
    }

    #[test]
    fn unknown_source_lists_the_known_ones() {
        let text = format!(
            "{SOURCE}{}",
            entry("x", "both").replace("source = \"A\"", "source = \"B\"")
        );
        let err = load(&[("faq/a.toml", &text)]).expect_err("bad source");
        assert_eq!(
            messages(&err),
            ["faq/a.toml:6:10: unknown source \"B\" (known: \"A\")"]
        );
    }

    #[test]
    fn ids_must_be_kebab_case() {
        let text = format!("{SOURCE}{}", entry("Bad_Id", "both"));
        let err = load(&[("faq/a.toml", &text)]).expect_err("bad id");
        assert!(messages(&err)[0].contains("not kebab-case"));
    }

    #[test]
    fn an_empty_folder_is_an_error() {
        let err = load(&[]).expect_err("empty");
        assert!(messages(&err)[0].starts_with("no FAQ entries in faq"));
    }

    #[test]
    fn overlong_question_is_reported() {
        let long = "q".repeat(300);
        let text = format!("{SOURCE}{}", entry("x", "both").replace("Q?", &long));
        let err = load(&[("faq/a.toml", &text)]).expect_err("too long");
        assert!(messages(&err)[0].contains("300 characters long; at most 256"));
    }

    #[test]
    fn locations_count_lines_and_characters_not_bytes() {
        let text = "ab\nçé😀x\n\nlast";
        let at = |offset| {
            let l = offset_location(Path::new("f"), text, offset);
            (l.line, l.column)
        };
        assert_eq!(at(0), (1, 1));
        assert_eq!(at(2), (1, 3), "on the newline itself");
        assert_eq!(at(3), (2, 1));
        assert_eq!(at(3 + 2 + 2 + 4), (2, 4), "after ç, é and 😀: x");
        assert_eq!(at(4), (2, 1), "inside ç: its start");
        assert_eq!(at(text.len() - 4), (4, 1));
        assert_eq!(at(usize::MAX), (4, 5), "past the end: the end");
    }
}
