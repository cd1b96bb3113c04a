//! Bakes every file under `faq/` into the binary, so a release build runs
//! wherever it is copied (a server, a container, `cargo install`) with the
//! FAQ it was built with. Every file is embedded, not only `*.toml`: the
//! loader decides what to read, and data files it learns to read later
//! (vocabulary, a model) must already be there.
//!
//! No crate for this: `include_dir` cannot tell cargo that a file was
//! *added* (stable Rust has no tracked paths for proc macros), while a
//! build script's `rerun-if-changed` on a folder scans it whole.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let faq = root.join("faq");
    println!("cargo:rerun-if-changed=faq");
    let mut files = Vec::new();
    collect(&faq, &mut files);
    files.sort();
    let mut out = String::from(
        "/// Every file under faq/ at build time: (path relative to faq/, bytes), sorted.\n\
         pub(super) static FILES: &[(&str, &[u8])] = &[\n",
    );
    for path in &files {
        let rel = path
            .strip_prefix(&faq)
            .expect("collected under faq/")
            .to_str()
            .expect("FAQ file names are UTF-8");
        let rel = rel.replace('\\', "/");
        let abs = path.to_str().expect("the project path is UTF-8");
        writeln!(out, "    ({rel:?}, include_bytes!({abs:?})),").expect("writing to a String");
    }
    out.push_str("];\n");
    let dest = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets it")).join("faq.rs");
    std::fs::write(dest, out).expect("OUT_DIR is writable");
}

/// Every regular file under `dir`, recursively; hidden files (editor swap
/// files, `.DS_Store`) are left out.
fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(listing) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in listing.flatten() {
        let path = entry.path();
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        if path.is_dir() {
            collect(&path, files);
        } else if path.is_file() {
            files.push(path);
        }
    }
}
