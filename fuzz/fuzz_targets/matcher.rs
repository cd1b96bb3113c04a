//! The matcher on any bytes a client could send, read as Discord reads
//! them (invalid UTF-8 → U+FFFD): `ask`, `rank`, `explain` and `complete`
//! must not panic, and scores stay in (0, 1], best first.

#![no_main]

use std::sync::OnceLock;

use faqbot::kb::embedded;
use faqbot::matcher::{Matcher, Verdict};
use libfuzzer_sys::fuzz_target;

/// The shipped FAQ's index, built once per process: building it per input
/// would be nearly all of the time spent.
fn matcher() -> &'static Matcher {
    static MATCHER: OnceLock<Matcher> = OnceLock::new();
    MATCHER.get_or_init(|| Matcher::new(&embedded().expect("the shipped FAQ loads")))
}

fuzz_target!(|data: &[u8]| {
    let m = matcher();
    let question = String::from_utf8_lossy(data);
    let hits = m.rank(&question);
    for h in &hits {
        assert!(h.score > 0.0 && h.score <= 1.0, "score {}", h.score);
    }
    assert!(hits.windows(2).all(|w| w[0].score >= w[1].score), "not sorted");
    // The verdict is the ranking read through the thresholds.
    let verdict = m.ask(&question);
    match hits.first() {
        Some(best) if best.score >= m.thresholds().suggest => {
            assert_eq!(verdict.score(), best.score);
        }
        _ => assert_eq!(verdict, Verdict::Silent),
    }
    assert_eq!(m.explain(&question).hits, hits);
    assert!(m.complete(&question, 25).len() <= 25);
});
