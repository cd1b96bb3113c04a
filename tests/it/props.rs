//! Properties that must hold for any input, checked on generated input:
//! the matcher never panics, stays in range, sorted and deterministic; a
//! long message costs no more than its first [`MAX_CHARS`] characters;
//! every Discord reply fits Discord's limits whatever the FAQ and the user
//! say; the FAQ loader answers any text with a FAQ or with problems placed
//! inside the files, never with a panic.
//!
//! Case counts are set per block (`ProptestConfig`) so that the whole
//! module runs in a few seconds of `cargo test`; the fuzz targets in
//! `fuzz/` run the matcher and the loader for longer.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use faqbot::compare::profile;
use faqbot::kb::{load_files, KnowledgeBase};
use faqbot::matcher::{Hit, Matcher, Verdict, MAX_CHARS};
use faqbot::render::discord::{self as view, limits, Embed, Reply, Row};
use proptest::prelude::*;
use proptest::sample::select;

use crate::shipped;

// ---------------------------------------------------------------------------
// Generated text

/// Characters that have broken text handling somewhere: NUL and controls,
/// combining marks, right-to-left letters and marks, zero-width joiners,
/// emoji (astral plane), the replacement character, quotes the tokenizer
/// folds, and TOML's own punctuation.
const AWKWARD: &[char] = &[
    '\0', '\n', '\r', '\t', '\u{7f}', '\u{301}', '\u{308}', '\u{200d}', '\u{200f}', '\u{202e}',
    '\u{fe0f}', 'א', 'ש', 'ب', 'ي', '🙂', '👩', '💻', '\u{fffd}', '\u{2019}', '\'', '`', '"', '\\',
    '[', ']', '=', '#', '.', '-', 'ﬁ', 'Ⅻ', 'ß', 'İ',
];

/// Words the matcher knows, so that generated questions reach the scoring
/// code and not only the "nothing known" exit.
const DOMAIN: &[&str] = &[
    "data",
    "scientist",
    "science",
    "ds",
    "ml",
    "machine",
    "learning",
    "engineer",
    "mle",
    "salary",
    "earn",
    "how",
    "much",
    "skills",
    "skils",
    "sciencist",
    "python",
    "docker",
    "tools",
    "degree",
    "what's",
    "don't",
    "C++",
    "Ph.D.",
    "A/B",
    "vs",
    "pilot",
    "carpenter",
    "zookeeper",
    "hey",
    "thx",
    "?",
];

fn awkward_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => any::<char>(),
        4 => prop::char::range('a', 'z'),
        2 => Just(' '),
        3 => select(AWKWARD),
    ]
}

/// Up to `max` characters of anything, weighted toward the awkward.
fn awkward_text(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(awkward_char(), 0..=max).prop_map(String::from_iter)
}

/// Arbitrary bytes read as a person's client would send them: invalid
/// UTF-8 (lone surrogates included) becomes U+FFFD.
fn lossy_text(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(any::<u8>(), 0..=max)
        .prop_map(|b| String::from_utf8_lossy(&b).into_owned())
}

/// Domain words with awkward glue between them.
fn domain_text() -> impl Strategy<Value = String> {
    prop::collection::vec((select(DOMAIN), awkward_text(2)), 0..12).prop_map(|words| {
        let mut text = String::new();
        for (w, glue) in words {
            let _ = write!(text, "{w}{glue} ");
        }
        text
    })
}

/// Any question a person could send, from empty to about 100 KB.
fn question() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => awkward_text(80),
        3 => lossy_text(200),
        4 => domain_text(),
        1 => prop::collection::vec(select(&['🙂', '👩', '\u{200d}', '💻', '\u{fe0f}'][..]), 0..60)
            .prop_map(String::from_iter),
        1 => prop::collection::vec(select(&['\u{301}', '\u{308}', '\u{20dd}'][..]), 0..60)
            .prop_map(String::from_iter),
        1 => prop::collection::vec(select(&['א', 'ש', 'ב', ' ', '\u{200f}', 'ب', 'ي'][..]), 0..60)
            .prop_map(String::from_iter),
        1 => (awkward_text(20), 1..5000_usize).prop_map(|(s, n)| s.repeat(n)),
    ]
}

// ---------------------------------------------------------------------------
// The matcher

proptest! {
    #![proptest_config(ProptestConfig::with_cases(192))]

    #[test]
    fn matcher_never_panics_and_ranks_in_range_sorted_and_deterministically(q in question()) {
        let (kb, m) = shipped();
        let hits = m.rank(&q);
        check_hits(&hits, kb.entries().len())?;
        prop_assert_eq!(&hits, &m.rank(&q), "rank is not deterministic");

        let verdict = m.ask(&q);
        prop_assert_eq!(&verdict, &m.ask(&q), "ask is not deterministic");
        // The verdict is the full ranking read through the thresholds
        // (`ask` selects its few best by a partial sort: same result).
        let t = m.thresholds();
        let close = |from: usize| -> Vec<Hit> {
            hits.iter()
                .skip(from)
                .take_while(|h| h.score >= t.suggest)
                .take(faqbot::matcher::MAX_SUGGESTIONS)
                .copied()
                .collect()
        };
        let expected = match hits.first() {
            Some(best) if best.score >= t.answer => Verdict::Answer { hit: *best, related: close(1) },
            Some(best) if best.score >= t.suggest => Verdict::Suggest(close(0)),
            _ => Verdict::Silent,
        };
        prop_assert_eq!(&verdict, &expected);

        let explained = m.explain(&q);
        prop_assert_eq!(&explained.hits, &hits);
        for (_, weight, sure) in &explained.terms {
            prop_assert!(weight.is_none_or(|w| w.is_finite() && w > 0.0));
            prop_assert!((0.0..=1.0).contains(sure));
        }

        let completed = m.complete(&q, limits::CHOICES);
        prop_assert!(completed.len() <= limits::CHOICES);
        prop_assert!(completed.iter().all(|&e| e < kb.entries().len()));
        prop_assert_eq!(distinct(&completed), completed.len(), "an entry offered twice");
        prop_assert_eq!(&completed, &m.complete(&q, limits::CHOICES));
    }
}

proptest! {
    // Each case builds a 1 MB question: few cases.
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn a_one_megabyte_question_gets_the_verdict_of_its_first_characters(
        head in domain_text(),
        tail in awkward_text(30).prop_filter("something to repeat", |t| !t.is_empty()),
    ) {
        let (_, m) = shipped();
        let mut long = head;
        while long.len() < 1 << 20 {
            long.push_str(&tail);
        }
        let read: String = long.chars().take(MAX_CHARS).collect();
        // The design reads a bounded prefix: the rest of the message cannot
        // change anything, so it cannot cost anything either.
        prop_assert_eq!(m.ask(&long), m.ask(&read));
        prop_assert_eq!(m.rank(&long), m.rank(&read));
        prop_assert_eq!(m.explain(&long).hits, m.explain(&read).hits);
        prop_assert_eq!(m.complete(&long, 25), m.complete(&read, 25));
    }
}

#[test]
fn words_after_the_first_max_chars_characters_are_not_read() {
    let (_, m) = shipped();
    let question = "how much does a machine learning engineer earn";
    assert!(matches!(m.ask(question), Verdict::Answer { .. }));
    let late = format!("{}{question}", " ".repeat(MAX_CHARS));
    assert_eq!(m.ask(&late), Verdict::Silent);
    let just_in = format!("{}{question}", " ".repeat(MAX_CHARS - question.len()));
    assert_eq!(m.ask(&just_in), m.ask(question));
}

/// Scores in (0, 1], best first with ties in FAQ order, each entry once.
fn check_hits(hits: &[Hit], entries: usize) -> Result<(), TestCaseError> {
    for h in hits {
        prop_assert!(h.score > 0.0 && h.score <= 1.0, "score {}", h.score);
        prop_assert!(h.entry < entries);
    }
    for w in hits.windows(2) {
        prop_assert!(
            w[0].score
                .total_cmp(&w[1].score)
                .then(w[1].entry.cmp(&w[0].entry))
                .is_gt(),
            "not sorted: {:?}",
            w
        );
    }
    let entries: Vec<usize> = hits.iter().map(|h| h.entry).collect();
    prop_assert_eq!(distinct(&entries), hits.len(), "an entry ranked twice");
    Ok(())
}

fn distinct<T: std::hash::Hash + Eq>(items: &[T]) -> usize {
    items.iter().collect::<HashSet<_>>().len()
}

// ---------------------------------------------------------------------------
// Generated FAQs and the Discord replies built from them

/// Text for a field that holds at most `max` characters: short, or long
/// enough to be cut (a piece repeated), possibly over the limit before
/// [`valid`] clips it to what the loader accepts.
fn field_text(max: usize) -> impl Strategy<Value = String> {
    prop_oneof![
        3 => awkward_text(40),
        1 => (awkward_text(12), 1..=max / 4 + 2).prop_map(|(s, n)| s.repeat(n)),
    ]
}

/// What the loader accepts for a text of at most `max` characters: trimmed,
/// not empty, not too long.
fn valid(text: &str, max: usize) -> String {
    let clipped: String = text.trim().chars().take(max).collect();
    let clipped = clipped.trim();
    if clipped.is_empty() {
        "?".to_owned()
    } else {
        clipped.to_owned()
    }
}

/// A kebab-case id of 1 to `max` characters ending with a unique number,
/// so the longest ids the loader accepts (64) are generated too.
fn kebab(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec("[a-z0-9]{1,12}", 0..6).prop_map(move |parts| {
        let mut id: String = parts.join("-");
        id.truncate(max);
        id.trim_end_matches('-').to_owned()
    })
}

/// TOML basic string: quotes, backslashes and control characters escaped.
fn toml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[derive(Debug, Clone)]
struct GenEntry {
    id: String,
    /// A role, by its place (modulo the roles there are); `None`: both.
    role: Option<usize>,
    source: usize,
    question: String,
    alternates: Vec<String>,
    answer: String,
}

#[derive(Debug, Clone)]
struct GenAspect {
    id: String,
    name: String,
    /// One side per role (as many as roles can be generated).
    sides: Vec<String>,
    source: usize,
}

/// At most this many generated roles.
const GEN_ROLES: usize = 4;

#[derive(Debug, Clone)]
struct GenProfile {
    id: String,
    name: String,
    colour: Option<u32>,
    summary: String,
    sets_apart: String,
    source: usize,
}

/// A FAQ as TOML files: what a maintainer could write within the loader's
/// rules, with text as long and as odd as those rules allow.
#[derive(Debug, Clone)]
struct GenFaq {
    sources: Vec<String>,
    entries: Vec<GenEntry>,
    aspects: Vec<GenAspect>,
    roles: Vec<GenProfile>,
}

fn gen_entry() -> impl Strategy<Value = GenEntry> {
    (
        kebab(60),
        prop::option::of(0..GEN_ROLES),
        0..3_usize,
        prop_oneof![domain_text(), field_text(300)],
        prop::collection::vec(prop_oneof![domain_text(), field_text(300)], 0..4),
        field_text(4200),
    )
        .prop_map(
            |(id, role, source, question, alternates, answer)| GenEntry {
                id,
                role,
                source,
                question: valid(&question, 256),
                alternates: alternates.iter().map(|a| valid(a, 256)).collect(),
                answer: valid(&answer, 4096),
            },
        )
}

fn gen_aspect() -> impl Strategy<Value = GenAspect> {
    (
        kebab(60),
        field_text(120),
        prop::collection::vec(field_text(1100), GEN_ROLES),
        0..3_usize,
    )
        .prop_map(|(id, name, sides, source)| GenAspect {
            id,
            name: valid(&name, 100),
            sides: sides.iter().map(|s| valid(s, 1024)).collect(),
            source,
        })
}

fn gen_profile() -> impl Strategy<Value = GenProfile> {
    (
        kebab(60),
        field_text(120),
        prop::option::of(0..=0x00ff_ffff_u32),
        field_text(1100),
        field_text(1100),
        0..3_usize,
    )
        .prop_map(
            |(id, name, colour, summary, sets_apart, source)| GenProfile {
                id,
                name: valid(&name, 100),
                colour,
                summary: valid(&summary, 1024),
                sets_apart: valid(&sets_apart, 1024),
                source,
            },
        )
}

fn gen_faq() -> impl Strategy<Value = GenFaq> {
    (
        // Source titles have no length limit: they end up in footers.
        prop::collection::vec(field_text(3000), 1..=3),
        prop::collection::vec(gen_entry(), 1..40),
        prop::collection::vec(gen_aspect(), 0..30),
        prop::collection::vec(gen_profile(), 0..=GEN_ROLES),
    )
        .prop_map(|(sources, entries, aspects, roles)| GenFaq {
            // A number first keeps titles distinct after trimming.
            sources: sources
                .iter()
                .enumerate()
                .map(|(i, s)| valid(&format!("{i} {s}"), usize::MAX))
                .collect(),
            entries,
            aspects,
            roles,
        })
}

impl GenFaq {
    /// Unique ids: each gets its index, cut so that the longest is 64.
    fn id(base: &str, i: usize) -> String {
        let suffix = format!("{i}");
        let mut id = base.to_owned();
        id.truncate(63 - suffix.len());
        let id = id.trim_end_matches('-');
        if id.is_empty() {
            suffix
        } else {
            format!("{id}-{suffix}")
        }
    }

    /// The FAQ as two files, sources in the second (the loader reads
    /// sources first whatever the file order).
    fn files(&self) -> Vec<(PathBuf, String)> {
        let source = |i: usize| toml_string(&self.sources[i % self.sources.len()]);
        // Suffixed like every id, so never `both` nor an aspect's key.
        let role_ids: Vec<String> = self
            .roles
            .iter()
            .enumerate()
            .map(|(i, r)| Self::id(&r.id, i))
            .collect();
        let mut faq = String::new();
        for (i, e) in self.entries.iter().enumerate() {
            let alternates: Vec<String> = e.alternates.iter().map(|a| toml_string(a)).collect();
            let role = match e.role {
                Some(r) if !role_ids.is_empty() => role_ids[r % role_ids.len()].as_str(),
                _ => "both",
            };
            let _ = write!(
                faq,
                "[[entry]]\nid = {}\nrole = {}\nsource = {}\nquestion = {}\nalternates = [{}]\nanswer = {}\n\n",
                toml_string(&Self::id(&e.id, i)),
                toml_string(role),
                source(e.source),
                toml_string(&e.question),
                alternates.join(", "),
                toml_string(&e.answer),
            );
        }
        // An aspect compares roles: without roles, there are none.
        let aspects = if role_ids.is_empty() {
            &[][..]
        } else {
            &self.aspects[..]
        };
        for (i, a) in aspects.iter().enumerate() {
            let _ = write!(
                faq,
                "[[aspect]]\nid = {}\nname = {}\nsource = {}\n",
                toml_string(&Self::id(&a.id, i)),
                toml_string(&a.name),
                source(a.source),
            );
            for (id, side) in role_ids.iter().zip(&a.sides) {
                let _ = writeln!(faq, "{} = {}", id.replace('-', "_"), toml_string(side));
            }
            faq.push('\n');
        }
        for (id, p) in role_ids.iter().zip(&self.roles) {
            let colour = p
                .colour
                .map(|c| format!("colour = \"#{c:06x}\"\n"))
                .unwrap_or_default();
            let _ = write!(
                faq,
                "[[role]]\nid = {}\nname = {}\n{colour}summary = {}\nsets_apart = {}\nsource = {}\n\n",
                toml_string(id),
                toml_string(&p.name),
                toml_string(&p.summary),
                toml_string(&p.sets_apart),
                source(p.source),
            );
        }
        let mut sources = String::new();
        for s in &self.sources {
            let _ = write!(sources, "[[source]]\ntitle = {}\n\n", toml_string(s));
        }
        vec![
            (PathBuf::from("gen/faq.toml"), faq),
            (PathBuf::from("gen/sources.toml"), sources),
        ]
    }
}

/// Every limit Discord puts on a message, its embeds and its components,
/// and the minimums whose breach it refuses just the same (an empty field
/// value, a menu without options, a row without components).
fn discord_violations(reply: &Reply) -> Vec<String> {
    let mut out = Vec::new();
    let mut check = |ok: bool, what: &dyn Fn() -> String| {
        if !ok {
            out.push(what());
        }
    };
    let len = |s: &str| s.chars().count();
    if let Some(content) = &reply.content {
        check(len(content) <= limits::CONTENT, &|| {
            format!("content of {} characters", len(content))
        });
        check(!content.trim().is_empty(), &|| "empty content".into());
    }
    check(reply.content.is_some() || !reply.embeds.is_empty(), &|| {
        "neither content nor embed".into()
    });
    check(reply.embeds.len() <= 10, &|| "more than 10 embeds".into());
    for e in &reply.embeds {
        embed_violations(e, &mut check);
    }
    check(reply.rows.len() <= limits::ROWS, &|| {
        format!("{} rows", reply.rows.len())
    });
    let mut custom_ids = HashSet::new();
    for row in &reply.rows {
        match row {
            Row::Buttons(buttons) => {
                check(
                    (1..=limits::BUTTONS_PER_ROW).contains(&buttons.len()),
                    &|| format!("a row of {} buttons", buttons.len()),
                );
                for b in buttons {
                    let id = b.id.to_string();
                    check(len(&id) <= limits::CUSTOM_ID, &|| {
                        format!("custom id {id:?}")
                    });
                    check(custom_ids.insert(id.clone()), &|| {
                        format!("custom id {id:?} twice")
                    });
                    check((1..=limits::BUTTON_LABEL).contains(&len(&b.label)), &|| {
                        format!("button label {:?}", b.label)
                    });
                }
            }
            Row::Select(s) => {
                let id = s.id.to_string();
                check(len(&id) <= limits::CUSTOM_ID, &|| {
                    format!("custom id {id:?}")
                });
                check(custom_ids.insert(id.clone()), &|| {
                    format!("custom id {id:?} twice")
                });
                check(len(&s.placeholder) <= limits::PLACEHOLDER, &|| {
                    format!("placeholder {:?}", s.placeholder)
                });
                check(
                    (1..=limits::SELECT_OPTIONS).contains(&s.options.len()),
                    &|| format!("a menu of {} options", s.options.len()),
                );
                let mut values = HashSet::new();
                for o in &s.options {
                    check((1..=limits::SELECT_LABEL).contains(&len(&o.label)), &|| {
                        format!("option label {:?}", o.label)
                    });
                    check((1..=100).contains(&len(&o.value)), &|| {
                        format!("option value {:?}", o.value)
                    });
                    check(values.insert(&o.value), &|| {
                        format!("option value {:?} twice", o.value)
                    });
                    if let Some(d) = &o.description {
                        check(len(d) <= limits::SELECT_DESCRIPTION, &|| {
                            format!("option description {d:?}")
                        });
                    }
                }
            }
        }
    }
    out
}

fn embed_violations(e: &Embed, check: &mut dyn FnMut(bool, &dyn Fn() -> String)) {
    let len = |s: &str| s.chars().count();
    check(len(&e.title) <= limits::EMBED_TITLE, &|| {
        format!("title of {} characters", len(&e.title))
    });
    check(len(&e.description) <= limits::EMBED_DESCRIPTION, &|| {
        format!("description of {} characters", len(&e.description))
    });
    check(e.fields.len() <= limits::FIELDS, &|| {
        format!("{} fields", e.fields.len())
    });
    for f in &e.fields {
        check((1..=limits::FIELD_NAME).contains(&len(&f.name)), &|| {
            format!("field name of {} characters", len(&f.name))
        });
        check((1..=limits::FIELD_VALUE).contains(&len(&f.value)), &|| {
            format!("field value of {} characters", len(&f.value))
        });
    }
    if let Some(footer) = &e.footer {
        check(len(footer) <= limits::FOOTER, &|| {
            format!("footer of {} characters", len(footer))
        });
    }
    // Discord's own count: title, description, field names and values,
    // footer (and author, which these embeds do not have).
    let total = len(&e.title)
        + len(&e.description)
        + e.fields
            .iter()
            .map(|f| len(&f.name) + len(&f.value))
            .sum::<usize>()
        + e.footer.as_deref().map_or(0, len);
    check(total <= limits::EMBED_TOTAL, &|| {
        format!("embed of {total} characters in all")
    });
}

/// Every reply `render::discord` can build from this FAQ, named.
fn every_reply(kb: &KnowledgeBase, hits: &[Hit], asker: u64, score: f32) -> Vec<(String, Reply)> {
    let mut out = vec![
        (
            "did_you_mean".to_owned(),
            view::did_you_mean(kb, hits, asker),
        ),
        ("no_match".to_owned(), view::no_match(kb, hits, asker)),
        ("no_match (none)".to_owned(), view::no_match(kb, &[], asker)),
        ("overview".to_owned(), view::overview(kb, kb.aspects())),
        (
            "help".to_owned(),
            view::help(kb, true, &faqbot::discord::command_help()),
        ),
        (
            "help".to_owned(),
            view::help(kb, false, &faqbot::discord::command_help()),
        ),
        ("hint".to_owned(), view::hint()),
        ("none_of_these".to_owned(), view::none_of_these()),
        ("not_yours".to_owned(), view::not_yours()),
        ("gone".to_owned(), view::gone()),
    ];
    for e in kb.entries() {
        out.push((format!("answer {}", e.id), view::answer(kb, e, score)));
        out.push((
            format!("private_answer {}", e.id),
            view::private_answer(kb, e, score),
        ));
        out.push((
            format!("faq_entry {}", e.id),
            view::faq_entry(kb, e, usize::MAX),
        ));
    }
    for a in kb.aspects() {
        out.push((format!("aspect {}", a.id), view::aspect(kb, a)));
    }
    for r in kb.roles() {
        out.push((
            format!("role_profile {}", r.id),
            view::role_profile(&profile(kb, r.role)),
        ));
    }
    // Every page, and one past the end (shown as the last).
    for page in 0..=kb.entries().len().div_ceil(view::FAQ_PAGE) {
        out.push((format!("faq_page {page}"), view::faq_page(kb, page)));
    }
    out
}

fn choice_violations(choices: &[(String, String)]) -> Vec<String> {
    let mut out = Vec::new();
    if choices.len() > limits::CHOICES {
        out.push(format!("{} choices", choices.len()));
    }
    for (name, value) in choices {
        if !(1..=limits::CHOICE_NAME).contains(&name.chars().count()) {
            out.push(format!("choice name {name:?}"));
        }
        if !(1..=limits::CHOICE_VALUE).contains(&value.chars().count()) {
            out.push(format!("choice value {value:?}"));
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    #[test]
    fn every_discord_reply_fits_discords_limits_whatever_the_faq_says(
        faq in gen_faq(),
        asker in any::<u64>(),
        score in any::<f32>(),
        picked in prop::collection::vec(0..60_usize, 0..40),
        ask in prop::collection::vec(question(), 1..4),
    ) {
        // A FAQ within the loader's rules loads: otherwise the escaping
        // above (or the loader) is wrong, and the rest would check nothing.
        let kb = load_files(Path::new("gen"), &faq.files()).map_err(|e| {
            TestCaseError::fail(format!("a valid generated FAQ was refused: {e}"))
        })?;
        let m = Matcher::new(&kb);
        // Suggestions as the matcher makes them, for generated questions
        // and for the FAQ's own.
        let mut asked: Vec<String> = ask;
        asked.extend(kb.entries().iter().take(3).map(|e| e.question.clone()));
        for q in &asked {
            let hits = m.rank(q);
            check_hits(&hits, kb.entries().len())?;
            let suggested = match m.ask(q) {
                Verdict::Suggest(h) => h,
                Verdict::Answer { hit, related } => std::iter::once(hit).chain(related).collect(),
                Verdict::Silent => Vec::new(),
            };
            for (name, reply) in every_reply(&kb, &suggested, asker, score)
                .into_iter()
                .chain([("did_you_mean (all hits)".to_owned(), view::did_you_mean(&kb, &hits, asker))])
            {
                let v = discord_violations(&reply);
                prop_assert!(v.is_empty(), "{}: {:?}\n{:#?}", name, v, reply);
            }
            let completed = m.complete(q, limits::CHOICES);
            let v = choice_violations(&view::choices(&kb, &completed));
            prop_assert!(v.is_empty(), "choices for {:?}: {:?}", q, v);
        }
        let v = choice_violations(&view::choices(&kb, &picked));
        prop_assert!(v.is_empty(), "choices: {:?}", v);
    }
}

// ---------------------------------------------------------------------------
// The loader

/// Pieces of FAQ files, so that generated text gets past the TOML parser
/// often enough to reach the checks behind it.
const TOML_PIECES: &[&str] = &[
    "[[entry]]\n",
    "[[source]]\n",
    "[[aspect]]\n",
    "[[role]]\n",
    "[entry]\n",
    "title = \"A\"\n",
    "id = \"x\"\n",
    "id = \"Bad_Id\"\n",
    "id = \"ml-engineer\"\n",
    "role = \"both\"\n",
    "role = \"chef\"\n",
    "source = \"A\"\n",
    "source = \"B\"\n",
    "question = \"Q?\"\n",
    "question = \"\"\n",
    "answer = \"\"\"\nYes.\n\"\"\"\n",
    "answer = '''",
    "alternates = [\"a\", \"b\"]\n",
    "alternates = [1]\n",
    "name = \"N\"\n",
    "data_scientist = \"d\"\n",
    "ml_engineer = \"m\"\n",
    "summary = \"s\"\n",
    "sets_apart = \"t\"\n",
    "colour = \"red\"\n",
    "colour = \"#3498db\"\n",
    "id = \"both\"\n",
    "= ",
    "\"",
    "\\uD800",
    "\\U0010FFFF",
    "\\U00110000",
    "\\",
    "\n",
    "\r\n",
    "# comment é\n",
    "{",
    "}",
    "[",
    "]",
    "1979-05-27T07:32:00Z",
    "\u{feff}",
    "\u{0}",
    "🙂",
];

fn faq_text() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => awkward_text(200),
        2 => lossy_text(300),
        5 => prop::collection::vec(prop_oneof![4 => select(TOML_PIECES).prop_map(str::to_owned), 1 => awkward_text(6)], 0..40)
            .prop_map(|pieces| pieces.concat()),
        1 => gen_faq().prop_map(|faq| faq.files().into_iter().map(|(_, text)| text).collect()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn the_loader_answers_any_text_with_a_faq_or_problems_placed_in_the_files(
        texts in prop::collection::vec(faq_text(), 0..3),
    ) {
        let files: Vec<(PathBuf, String)> = texts
            .into_iter()
            .enumerate()
            .map(|(i, t)| (PathBuf::from(format!("faq/{i}.toml")), t))
            .collect();
        let Err(err) = load_files(Path::new("faq"), &files) else {
            return Ok(());
        };
        prop_assert!(!err.problems.is_empty());
        for p in &err.problems {
            let Some(at) = &p.location else { continue };
            let text = files.iter().find(|(path, _)| *path == at.file).map(|(_, t)| t);
            prop_assert!(text.is_some(), "{}: not one of the files", p);
            let lines: Vec<&str> = text.map_or(vec![], |t| t.split('\n').collect());
            prop_assert!((1..=lines.len()).contains(&at.line), "{}: no such line", p);
            let columns = lines[at.line - 1].chars().count() + 1;
            prop_assert!((1..=columns).contains(&at.column), "{}: no such column", p);
        }
    }
}
