//! The FAQ loader on any text: a FAQ, or problems each placed inside one
//! of the files it was handed (or nowhere), never a panic. A FAQ that
//! loads is indexed and asked its own first question.
//!
//! The input is split at 0xFF bytes (never in UTF-8) into up to three files,
//! so sources, entries and duplicates can sit in different files.

#![no_main]

use std::path::{Path, PathBuf};

use faqbot::kb::load_files;
use faqbot::matcher::Matcher;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let files: Vec<(PathBuf, String)> = data
        .split(|&b| b == 0xff)
        .take(3)
        .enumerate()
        .map(|(i, bytes)| {
            (
                PathBuf::from(format!("faq/{i}.toml")),
                String::from_utf8_lossy(bytes).into_owned(),
            )
        })
        .collect();
    match load_files(Path::new("faq"), &files) {
        Ok(kb) => {
            let m = Matcher::new(&kb);
            let _ = m.ask(&kb.entries()[0].question);
        }
        Err(err) => {
            assert!(!err.problems.is_empty());
            for p in &err.problems {
                let Some(at) = &p.location else { continue };
                let (_, text) = files
                    .iter()
                    .find(|(path, _)| *path == at.file)
                    .unwrap_or_else(|| panic!("{p}: not one of the files"));
                let lines: Vec<&str> = text.split('\n').collect();
                assert!((1..=lines.len()).contains(&at.line), "{p}: no such line");
                let columns = lines[at.line - 1].chars().count() + 1;
                assert!((1..=columns).contains(&at.column), "{p}: no such column");
            }
        }
    }
});
