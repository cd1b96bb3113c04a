//! The FAQ baked into the binary at build time (see `build.rs`): every file
//! under the project's `faq/`, loaded through the same
//! [`super::load_contents`] as a folder, so the embedded FAQ is checked by
//! the same rules and reports problems at the same places.

use std::path::{Path, PathBuf};

use super::{load_contents, KnowledgeBase, LoadError};

include!(concat!(env!("OUT_DIR"), "/faq.rs"));

/// The folder name embedded files are placed under, so their locations
/// read `faq/careers.toml:12:5` as in the repository.
pub const EMBEDDED_DIR: &str = "faq";

/// Every embedded file: `("careers.toml", bytes)`, sorted by path.
pub fn embedded_files() -> &'static [(&'static str, &'static [u8])] {
    FILES
}

/// The FAQ the binary was built with.
pub fn embedded() -> Result<KnowledgeBase, LoadError> {
    let dir = Path::new(EMBEDDED_DIR);
    let files: Vec<(PathBuf, &[u8])> = FILES
        .iter()
        .map(|(rel, bytes)| (dir.join(rel), *bytes))
        .collect();
    load_contents(dir, &files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_faq_is_every_file_of_the_folder_and_loads_like_it() {
        let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("faq");
        let mut on_disk = Vec::new();
        super::super::load::list_files(&folder, &mut on_disk).expect("faq/ is readable");
        let on_disk: Vec<String> = on_disk
            .iter()
            .map(|p| {
                p.strip_prefix(&folder)
                    .map(|r| r.to_string_lossy().replace('\\', "/"))
                    .unwrap_or_default()
            })
            .collect();
        let mut on_disk = on_disk;
        on_disk.sort();
        let baked: Vec<&str> = embedded_files().iter().map(|(p, _)| *p).collect();
        assert_eq!(baked, on_disk, "build.rs embeds every file under faq/");
        let kb = embedded().expect("the embedded FAQ loads");
        let from_disk = crate::kb::load_dir(&folder).expect("the folder loads");
        assert!(!kb.entries().is_empty());
        assert!(kb.changes_since(&from_disk).is_empty());
        assert_eq!(kb.entries().len(), from_disk.entries().len());
    }
}
