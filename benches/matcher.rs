//! Time per question on the shipped FAQ and on generated FAQs of 1,000,
//! 10,000 and 100,000 entries, with the index built once outside the
//! timing; and, printed once before the timings, how long each index took
//! to build and how much heap each FAQ and its index hold per entry.
//!
//! `cargo bench --bench matcher`; the README has the figures.

use std::alloc::System;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Instant;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use faqbot::kb::{load_dir, load_files, KnowledgeBase};
use faqbot::matcher::Matcher;
use stats_alloc::{Region, StatsAlloc, INSTRUMENTED_SYSTEM};

#[path = "../tests/support/generated_faq.rs"]
mod generated_faq;

/// Counts every allocation of this binary, so the heap a structure holds
/// can be measured (the crate forbids the unsafe code of a hand-written
/// allocator). The counting costs a few relaxed atomic adds per
/// allocation, in the timings too.
#[global_allocator]
static HEAP: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// `build()` and the heap it still holds when it returns (what it
/// allocated, less what it freed: scratch space does not count).
fn held<T>(build: impl FnOnce() -> T) -> (T, usize) {
    let region = Region::new(HEAP);
    let value = build();
    let change = region.change();
    let net = change
        .bytes_allocated
        .saturating_sub(change.bytes_deallocated)
        .saturating_add_signed(change.bytes_reallocated);
    (value, net)
}

const QUESTIONS: &[&str] = &[
    "how much does a machine learning engineer earn",
    "wht skils does a data sciencist need",
    "what tools does a carpenter use",
    // Specific words: in the generated FAQs, made-up topic names that a
    // few entries in 4,000 share (the three above name words that up to
    // half of a generated FAQ's entries hold).
    "how does topic17 relate to topic342 for an ml engineer",
];

/// A generated FAQ of `n` entries (`tests/support/generated_faq.rs`).
fn generated(n: usize) -> KnowledgeBase {
    load_files(
        Path::new("generated"),
        &[
            (PathBuf::from("generated.toml"), generated_faq::toml(n)),
            (PathBuf::from("roles.toml"), generated_faq::roles()),
        ],
    )
    .expect("generated FAQ loads")
}

/// Builds one FAQ to measure.
type MakeFaq = Box<dyn Fn() -> KnowledgeBase>;

/// The questions of the public casual set (`tests/questions/public`),
/// the way members type.
fn dev2() -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/questions/public/dev2.jsonl");
    std::fs::read_to_string(path)
        .expect("tests/questions/public/dev2.jsonl")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("a question line");
            v["q"].as_str().expect("a question").to_owned()
        })
        .collect()
}

/// Each question's median time over `runs` asks, then the spread of those
/// medians over the questions: p50, p90, p99, max.
fn percentiles(m: &Matcher, questions: &[String], runs: usize) -> [std::time::Duration; 4] {
    let mut medians: Vec<std::time::Duration> = questions
        .iter()
        .map(|q| {
            let mut times: Vec<_> = (0..runs)
                .map(|_| {
                    let started = Instant::now();
                    black_box(m.ask(black_box(q)));
                    started.elapsed()
                })
                .collect();
            times.sort();
            times[runs / 2]
        })
        .collect();
    medians.sort();
    let at = |p: f64| medians[((medians.len() - 1) as f64 * p).round() as usize];
    [at(0.5), at(0.9), at(0.99), at(1.0)]
}

fn bench(c: &mut Criterion) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("faq");
    let sizes: [(&str, MakeFaq); 4] = [
        (
            "shipped",
            Box::new(move || load_dir(&dir).expect("shipped FAQ")),
        ),
        ("1000", Box::new(|| generated(1000))),
        ("10000", Box::new(|| generated(10_000))),
        ("100000", Box::new(|| generated(100_000))),
    ];
    println!("FAQ      entries  FAQ bytes/entry  index bytes/entry  index build");
    let mut faqs = Vec::new();
    for (name, make) in &sizes {
        let (kb, kb_bytes) = held(make);
        let started = Instant::now();
        let (m, index_bytes) = held(|| Matcher::new(&kb));
        let build = started.elapsed();
        let n = kb.entries().len();
        println!(
            "{name:<8} {n:>7}  {:>15}  {:>17}  {build:>11.2?}",
            kb_bytes / n,
            index_bytes / n
        );
        faqs.push((*name, kb, m));
    }
    let questions = dev2();
    println!(
        "\nper question over the {} dev2 questions (median of each):",
        questions.len()
    );
    println!("FAQ          p50        p90        p99        max");
    for (name, _, m) in &faqs {
        let runs = if *name == "100000" { 3 } else { 21 };
        let [p50, p90, p99, max] = percentiles(m, &questions, runs);
        println!("{name:<8} {p50:>9.1?} {p90:>9.1?} {p99:>9.1?} {max:>9.1?}");
    }
    let mut group = c.benchmark_group("ask");
    for (name, _, m) in &faqs {
        for (i, q) in QUESTIONS.iter().enumerate() {
            group.bench_with_input(BenchmarkId::new(*name, i), q, |b, q| {
                b.iter(|| m.ask(black_box(q)));
            });
        }
    }
    group.finish();
    // Building the 100,000-entry index ten times would take minutes: its
    // one build is timed above.
    let mut build = c.benchmark_group("index");
    build.sample_size(10);
    for (name, kb, _) in faqs.iter().filter(|(name, ..)| *name != "100000") {
        build.bench_function(*name, |b| b.iter(|| Matcher::new(black_box(kb))));
    }
    build.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
