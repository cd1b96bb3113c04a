//! Time per question on the shipped FAQ and on generated FAQs of 1,000 and
//! 10,000 entries, with the index built once outside the timing.
//!
//! `cargo bench --bench matcher`; the README has the figures.

use std::fmt::Write as _;
use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use faqbot::kb::{load_dir, load_files, KnowledgeBase};
use faqbot::matcher::Matcher;

const QUESTIONS: &[&str] = &[
    "how much does a machine learning engineer earn",
    "wht skils does a data sciencist need",
    "what tools does a carpenter use",
];

/// A FAQ of `n` entries whose phrasings draw on a vocabulary of a few
/// thousand words (a deterministic generator: same FAQ on every run).
fn generated(n: usize) -> KnowledgeBase {
    const WORDS: &[&str] = &[
        "model",
        "data",
        "pipeline",
        "deploy",
        "salary",
        "skills",
        "python",
        "statistics",
        "cloud",
        "insight",
        "dashboard",
        "stakeholder",
        "education",
        "degree",
        "tools",
        "demand",
        "growth",
        "production",
        "feature",
        "training",
        "inference",
        "latency",
        "monitoring",
        "cluster",
    ];
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = |m: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % m as u64) as usize
    };
    let word = |next: &mut dyn FnMut(usize) -> usize| {
        // Common words and rarer made-up ones (topic names), like a real FAQ.
        if next(3) == 0 {
            WORDS[next(WORDS.len())].to_owned()
        } else {
            format!("topic{}", next(4000))
        }
    };
    let mut text = String::from("[[source]]\ntitle = \"Generated\"\n");
    let roles = ["data-scientist", "ml-engineer", "both"];
    for i in 0..n {
        let mut phrase = |k: usize| {
            (0..k)
                .map(|_| word(&mut next))
                .collect::<Vec<_>>()
                .join(" ")
        };
        let question = format!("What about {}?", phrase(4));
        let alternates: Vec<String> = (0..4).map(|_| format!("\"{}\"", phrase(3))).collect();
        let answer = phrase(30);
        let _ = write!(
            text,
            "[[entry]]\nid = \"e{i}\"\nrole = \"{}\"\nsource = \"Generated\"\nquestion = \"{question}\"\nalternates = [{}]\nanswer = \"{answer}\"\n",
            roles[i % 3],
            alternates.join(", ")
        );
    }
    load_files(
        Path::new("generated"),
        &[(PathBuf::from("generated.toml"), text)],
    )
    .expect("generated FAQ loads")
}

fn bench(c: &mut Criterion) {
    let shipped =
        load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("faq")).expect("shipped FAQ");
    let mut group = c.benchmark_group("ask");
    let faqs = [
        ("shipped", shipped),
        ("1000", generated(1000)),
        ("10000", generated(10_000)),
    ];
    for (name, kb) in &faqs {
        let m = Matcher::new(kb);
        for (i, q) in QUESTIONS.iter().enumerate() {
            group.bench_with_input(BenchmarkId::new(*name, i), q, |b, q| {
                b.iter(|| m.ask(black_box(q)));
            });
        }
    }
    group.finish();
    let mut build = c.benchmark_group("index");
    build.sample_size(10);
    for (name, kb) in &faqs {
        build.bench_function(*name, |b| b.iter(|| Matcher::new(black_box(kb))));
    }
    build.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
