//! The one integration-test binary (each extra one would re-link serenity):
//! the command line as a user runs it, FAQ errors as a maintainer sees them,
//! matching quality on the project's own question sets, properties checked
//! on generated input (`props`), and the Discord stand-in (a local REST +
//! gateway server the real serenity client talks to).

mod bot;
mod cli;
mod faq_errors;
mod faults;
#[path = "../support/generated_faq.rs"]
mod generated_faq;
mod learning;
mod matching;
mod msrv;
mod props;
mod quality;
mod roles;
mod scopes;
mod standin;
mod standin_selftest;
mod store;

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use faqbot::kb::{load_dir, KnowledgeBase};
use faqbot::matcher::Matcher;

/// The project's FAQ folder.
fn faq_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("faq")
}

/// A copy of the shipped FAQ in a temporary folder, each file's text
/// passed through `edit(file name, text)`: what a maintainer's edit of
/// `faq/` would be.
fn copy_faq(edit: impl Fn(&str, String) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    for file in std::fs::read_dir(faq_dir()).expect("faq/") {
        let path = file.expect("a FAQ file").path();
        let name = path.file_name().expect("a file name");
        let text = std::fs::read_to_string(&path).expect("FAQ text");
        let text = edit(&name.to_string_lossy(), text);
        std::fs::write(dir.path().join(name), text).expect("write a FAQ file");
    }
    dir
}

/// A copy of the shipped FAQ in a temporary folder, to write into.
fn faq_copy() -> tempfile::TempDir {
    copy_faq(|_, text| text)
}

/// How many times [`shipped`] loaded and indexed the FAQ.
static SHIPPED_BUILDS: AtomicUsize = AtomicUsize::new(0);

/// The shipped FAQ and a matcher over it, loaded and indexed once for the
/// whole test binary (tests call it hundreds of times; the FAQ and the
/// matcher are read-only).
fn shipped() -> &'static (KnowledgeBase, Matcher) {
    static SHIPPED: OnceLock<(KnowledgeBase, Matcher)> = OnceLock::new();
    SHIPPED.get_or_init(|| {
        SHIPPED_BUILDS.fetch_add(1, Ordering::Relaxed);
        let kb = load_dir(&faq_dir()).expect("the shipped FAQ loads");
        let matcher = Matcher::new(&kb);
        (kb, matcher)
    })
}

/// Regression (issue 9): `shipped()` re-loaded and re-indexed the FAQ on
/// every call, 64 times in one test.
#[test]
fn the_shipped_faq_is_loaded_and_indexed_once() {
    let first: *const _ = shipped();
    for _ in 0..64 {
        assert!(std::ptr::eq(first, shipped()), "one FAQ and index, shared");
    }
    assert_eq!(SHIPPED_BUILDS.load(Ordering::Relaxed), 1);
}
