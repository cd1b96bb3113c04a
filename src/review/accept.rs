//! Accepting a review group: its label becomes one more alternate of an
//! entry, written into the entry's own TOML file with `toml_edit`, so the
//! file's comments, order and layout survive. The folder is loaded again
//! afterwards; an edit that would not load is undone.

use std::path::{Path, PathBuf};

use toml_edit::{DocumentMut, Item, Value};

use crate::kb::{load_dir, KnowledgeBase};

/// Why a phrasing was not written.
#[derive(Debug, thiserror::Error)]
pub enum AcceptError {
    #[error(
        "this FAQ is the one built into the binary: there is no folder to write to (serve a \
         folder with --faq DIR or FAQBOT_FAQ_DIR)"
    )]
    NoFolder,
    #[error("no FAQ entry has the id {0:?}")]
    UnknownEntry(String),
    #[error("{file}: {problem}")]
    File { file: PathBuf, problem: String },
    #[error("the edited FAQ would not load, so {file} was left as it was: {problem}")]
    Invalid { file: PathBuf, problem: String },
}

/// What accepting did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Accepted {
    /// Written into this file.
    Added(PathBuf),
    /// The entry already had it (case and punctuation aside).
    AlreadyThere(PathBuf),
}

/// Adds `phrasing` to the alternates of entry `entry_id` in the FAQ folder
/// `dir` (`None`: the embedded FAQ, which cannot be written).
pub fn add_alternate(
    dir: Option<&Path>,
    kb: &KnowledgeBase,
    entry_id: &str,
    phrasing: &str,
) -> Result<Accepted, AcceptError> {
    let dir = dir.ok_or(AcceptError::NoFolder)?;
    let entry = kb
        .entry(entry_id)
        .ok_or_else(|| AcceptError::UnknownEntry(entry_id.to_owned()))?;
    let file = entry.location.file.clone();
    let phrasing = phrasing.trim();
    let known = std::iter::once(&entry.question).chain(&entry.alternates);
    if known
        .into_iter()
        .any(|a| super::fold(a) == super::fold(phrasing))
    {
        return Ok(Accepted::AlreadyThere(file));
    }
    let fail = |problem: String| AcceptError::File {
        file: file.clone(),
        problem,
    };
    let before = std::fs::read_to_string(&file).map_err(|e| fail(e.to_string()))?;
    let after = with_alternate(&before, entry_id, phrasing).map_err(fail)?;
    std::fs::write(&file, &after).map_err(|e| fail(e.to_string()))?;
    if let Err(e) = load_dir(dir) {
        // Put it back: a maintainer's click must never break the FAQ.
        let _ = std::fs::write(&file, &before);
        return Err(AcceptError::Invalid {
            file,
            problem: e.to_string(),
        });
    }
    Ok(Accepted::Added(file))
}

/// The TOML text `source` with `phrasing` appended to the alternates of
/// the `[[entry]]` whose id is `entry_id`, laid out as its last alternate.
pub fn with_alternate(source: &str, entry_id: &str, phrasing: &str) -> Result<String, String> {
    let mut doc: DocumentMut = source.parse().map_err(|e| format!("{e}"))?;
    let entries = doc
        .get_mut("entry")
        .and_then(Item::as_array_of_tables_mut)
        .ok_or("no [[entry]] tables")?;
    let table = entries
        .iter_mut()
        .find(|t| t.get("id").and_then(Item::as_str) == Some(entry_id))
        .ok_or_else(|| format!("no [[entry]] with id {entry_id:?}"))?;
    if !table.contains_key("alternates") {
        table.insert("alternates", toml_edit::value(toml_edit::Array::new()));
    }
    let alternates = table
        .get_mut("alternates")
        .and_then(Item::as_array_mut)
        .ok_or("alternates is not an array")?;
    // Indented as the last alternate, on a line of its own when they are.
    // The last one's prefix may hold the comment ending the line before
    // it: only its indentation is copied.
    let prefix = match alternates.iter().last() {
        None => String::new(),
        Some(last) => {
            let before = last
                .decor()
                .prefix()
                .and_then(|r| r.as_str())
                .unwrap_or_default();
            match before.rsplit_once('\n') {
                Some((_, indent)) => format!("\n{indent}"),
                None => " ".to_owned(),
            }
        }
    };
    alternates.push_formatted(Value::from(phrasing).decorated(prefix, ""));
    Ok(doc.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"# FAQ entries, with a comment that must survive.

[[entry]]
id = "a"   # trailing comment
question = "Q?"
alternates = [
  "one",   # why one
  "two",
]
answer = "A."

[[entry]]
id = "b"
question = "R?"
answer = "B."
"#;

    #[test]
    fn the_phrasing_lands_in_its_entry_with_the_files_layout() {
        let out = with_alternate(FILE, "a", "a \"new\" one").expect("entry a exists");
        assert_eq!(
            out,
            FILE.replace("  \"two\",\n]", "  \"two\",\n  'a \"new\" one',\n]")
        );
        let out = with_alternate(FILE, "b", "first").expect("entry b exists");
        assert!(
            out.contains("answer = \"B.\"\nalternates = [\"first\"]\n"),
            "{out}"
        );
        assert!(out.starts_with("# FAQ entries, with a comment that must survive."));
        assert!(with_alternate(FILE, "zzz", "x")
            .expect_err("no entry zzz")
            .contains("no [[entry]]"));
    }
}
