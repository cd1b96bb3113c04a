//! The one integration-test binary (each extra one would re-link serenity):
//! the command line as a user runs it, FAQ errors as a maintainer sees them,
//! matching quality on the project's own question sets, properties checked
//! on generated input (`props`), and the Discord stand-in (a local REST +
//! gateway server the real serenity client talks to).

mod bot;
mod cli;
mod faq_errors;
mod faults;
mod matching;
mod msrv;
mod props;
mod quality;
mod standin;
mod standin_selftest;

use std::path::PathBuf;

use faqbot::kb::{load_dir, KnowledgeBase};
use faqbot::matcher::Matcher;

/// The project's FAQ folder.
fn faq_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("faq")
}

/// The shipped FAQ and a matcher over it.
fn shipped() -> (KnowledgeBase, Matcher) {
    let kb = load_dir(&faq_dir()).expect("the shipped FAQ loads");
    let matcher = Matcher::new(&kb);
    (kb, matcher)
}
