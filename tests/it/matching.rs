//! Behaviour the matcher must keep whatever the FAQ says: roles are told
//! apart, other jobs and chatter get silence, results are deterministic.
//! Questions are built from templates, not copied from any question set.

use faqbot::kb::{Audience, Role};
use faqbot::matcher::{Matcher, Need, Verdict};

use crate::shipped;

const DS_NAMES: &[&str] = &[
    "data scientist",
    "DS",
    "data science person",
    "data scientists",
];
const MLE_NAMES: &[&str] = &[
    "machine learning engineer",
    "ML engineer",
    "MLE",
    "ml engineers",
];

/// Topics both roles have an entry for, as question templates.
const TOPICS: &[&str] = &[
    "what skills does a {} need",
    "{} salary",
    "how much does a {} earn",
    "what education does a {} need",
    "what tools does a {} use",
    "{} programming languages",
    "what is the main focus of a {}",
    "is there demand for a {}",
];

/// The shipped FAQ's role with this id.
fn role(id: &str) -> Role {
    shipped().0.role_by_id(id).expect("a shipped role")
}

/// The role an answer was given for, when the answer is about one role.
fn answered_role(question: &str) -> Option<Audience> {
    let (kb, m) = shipped();
    match m.ask(question) {
        Verdict::Answer { hit, .. } => Some(kb.entries()[hit.entry].role),
        _ => None,
    }
}

fn check_role(names: &[&str], role: Role) {
    for topic in TOPICS {
        for name in names {
            let q = topic.replace("{}", name);
            match answered_role(&q) {
                Some(Audience::Only(r)) => assert_eq!(r, role, "{q:?} got the other role's entry"),
                Some(Audience::Both) => {}
                None => panic!("{q:?} was not answered"),
            }
        }
    }
}

#[test]
fn ds_questions_never_get_mle_entries() {
    check_role(DS_NAMES, role("data-scientist"));
}

#[test]
fn mle_questions_never_get_ds_entries() {
    check_role(MLE_NAMES, role("ml-engineer"));
}

#[test]
fn look_alike_questions_about_other_jobs_get_silence() {
    let (_, m) = shipped();
    let templates = [
        "what tools does a {} use",
        "how much does a {} make",
        "what skills does a {} need",
        "{} education",
        "what does a {} do all day",
    ];
    // Jobs the lexicon knows are other jobs: silence.
    for job in [
        "carpenter",
        "pilot",
        "nurse",
        "lawyer",
        "chef",
        "software engineer",
        "data analyst",
    ] {
        for t in templates {
            let q = t.replace("{}", job);
            assert_eq!(m.ask(&q), Verdict::Silent, "{q:?}");
        }
    }
    // Jobs the FAQ has never heard of: their names count against a match
    // (the `unknown` signal), but nothing in the question says "this is a
    // job", and "what tools does a zookeeper use" is well matched on
    // "tools" and "use". Since the decision model was fit on 1,814 train
    // questions (threshold 0.39), 5 of these 40 get an answer: a gate on
    // the rate, as for the question sets, not a pin on single lines, and
    // a limitation in the README. None is confident enough to count as a
    // question in a channel without a "?" or a question word.
    let mut answered = Vec::new();
    for job in [
        "zookeeper",
        "sommelier",
        "blacksmith",
        "beekeeper",
        "locksmith",
        "taxidermist",
        "falconer",
        "cobbler",
    ] {
        for t in templates {
            let q = t.replace("{}", job);
            if let Verdict::Answer { hit, .. } = m.ask(&q) {
                assert!(
                    hit.score < faqbot::matcher::Decision::shipped().confident,
                    "{q:?} answered at {}",
                    hit.score
                );
                answered.push(q);
            }
        }
    }
    assert!(
        answered.len() <= 5,
        "{} of 40 answered: {answered:?}",
        answered.len()
    );
}

#[test]
fn chatter_and_scraped_junk_get_silence() {
    let (_, m) = shipped();
    for q in [
        "",
        "   ",
        "hi",
        "good morning all",
        "thanks a lot!!",
        "lol",
        "what's up",
        "🙂🙂🙂",
        "DUNS number lookup",
        "weixin download folder",
        "bioRxiv",
        "resume templates",
        "C:\\ProgramData\\NVIDIA Corporation",
    ] {
        assert_eq!(m.ask(q), Verdict::Silent, "{q:?}");
    }
}

#[test]
fn a_role_alone_gets_its_overview() {
    let (kb, m) = shipped();
    for (q, role) in [
        ("data scientist?", role("data-scientist")),
        ("ML engineer", role("ml-engineer")),
    ] {
        let Verdict::Answer { hit, .. } = m.ask(q) else {
            panic!("{q:?} not answered")
        };
        assert_eq!(kb.entries()[hit.entry].role, Audience::Only(role), "{q:?}");
    }
}

#[test]
fn typos_in_role_and_topic_words_are_forgiven() {
    let (kb, m) = shipped();
    let Verdict::Answer { hit, .. } = m.ask("machin lerning enginer salery") else {
        panic!("not answered")
    };
    let e = &kb.entries()[hit.entry];
    assert_eq!(e.role, Audience::Only(role("ml-engineer")));
    assert!(e.answer.contains("$100,000"), "{}", e.id);
}

#[test]
fn scores_are_in_unit_range_and_deterministic() {
    let (_, m) = shipped();
    for q in [
        "data scientist skills",
        "what is an mle",
        "who earns more",
        "qwerty asdf",
    ] {
        let first = m.rank(q);
        for h in &first {
            assert!((0.0..=1.0).contains(&h.score), "{q:?}: {}", h.score);
        }
        assert_eq!(first, m.rank(q));
        assert!(first.windows(2).all(|w| w[0].score >= w[1].score));
    }
}

#[test]
fn suggestions_are_at_most_three_and_below_the_answer_threshold() {
    let (_, m) = shipped();
    let t = m.thresholds();
    let mut suggested = 0;
    for q in [
        "data",
        "models",
        "python",
        "work",
        "engineer machine",
        "insights dashboards",
    ] {
        if let Verdict::Suggest(hits) = m.ask(q) {
            suggested += 1;
            assert!(!hits.is_empty() && hits.len() <= 3, "{q:?}");
            assert!(
                hits.iter()
                    .all(|h| h.score >= t.suggest && h.score < t.answer),
                "{q:?}"
            );
        }
    }
    assert!(suggested > 0, "no vague question led to suggestions");
}

#[test]
fn autocomplete_offers_entries_for_partial_input() {
    let (kb, m) = shipped();
    let all = m.complete("", 25);
    assert_eq!(all.len(), 25.min(kb.entries().len()));
    let sal = m.complete("salar", 25);
    assert!(
        sal.iter()
            .take(3)
            .any(|&e| kb.entries()[e].answer.to_lowercase().contains("salar")),
        "{:?}",
        sal.iter().map(|&e| &kb.entries()[e].id).collect::<Vec<_>>()
    );
    assert!(m.complete("zzzzqqq", 25).is_empty());
}

/// A question inside a chatty message of several sentences is answered as
/// if asked alone, and a sentence naming no role takes the message's role.
#[test]
fn a_question_inside_chatter_is_answered_as_if_alone() {
    let (_, m) = shipped();
    let wraps = [
        "hey all, long day here. {}? thanks in advance!",
        "ok so. i was reading about careers today!\n{}",
        "{}. asking for a friend; cheers",
    ];
    for topic in TOPICS {
        for (names, role) in [
            (DS_NAMES, role("data-scientist")),
            (MLE_NAMES, role("ml-engineer")),
        ] {
            let alone = topic.replace("{}", names[0]);
            let Verdict::Answer { hit: want, .. } = m.ask(&alone) else {
                panic!("{alone:?} not answered")
            };
            for wrap in wraps {
                let q = wrap.replace("{}", &alone);
                match m.ask(&q) {
                    Verdict::Answer { hit, .. } => {
                        assert_eq!(hit.entry, want.entry, "{q:?} ({role:?})");
                    }
                    other => panic!("{q:?}: {other:?}"),
                }
            }
        }
    }
    // The role named in one sentence carries to the next.
    let split = "I'm thinking about becoming an ML engineer. What skills do I need?";
    let joined = "What skills does an ML engineer need?";
    let (Verdict::Answer { hit: a, .. }, Verdict::Answer { hit: b, .. }) =
        (m.ask(split), m.ask(joined))
    else {
        panic!("{split:?} or {joined:?} not answered")
    };
    assert_eq!(a.entry, b.entry);
}

/// What the articles never speak to (places, currencies, internships,
/// certificates, working conditions) gets silence even when a role is
/// named: the nearest entry would be a wrong answer.
#[test]
fn questions_beyond_the_articles_get_silence_even_naming_a_role() {
    let (_, m) = shipped();
    for t in [
        "{} salary in euros",
        "how much does a {} earn in India",
        "can a {} work remotely",
        "which certification should a {} get",
        "best bootcamp to become a {}",
        "do {} internships pay well",
        "I'm a nurse. how much does a {} make in London?",
    ] {
        for name in [DS_NAMES[0], MLE_NAMES[0]] {
            let q = t.replace("{}", name);
            assert_eq!(m.ask(&q), Verdict::Silent, "{q:?}");
        }
    }
}

/// Scoring reuses per-thread buffers between questions: nothing of one
/// question, or of one FAQ, may leak into the next. Two FAQs of different
/// sizes asked in turn on one thread rank exactly as when asked alone.
#[test]
fn questions_and_faqs_asked_in_turn_rank_as_when_asked_alone() {
    let (kb, big) = shipped();
    let half = faqbot::kb::load_files(
        std::path::Path::new("faq"),
        &[(
            "faq/small.toml".into(),
            "[[source]]\ntitle = \"A\"\n\n[[role]]\nid = \"ml-engineer\"\nname = \"ML engineer\"\n\
             summary = \"s\"\nsets_apart = \"t\"\nsource = \"A\"\n\n\
             [[entry]]\nid = \"pay\"\nrole = \"ml-engineer\"\n\
             source = \"A\"\nquestion = \"How much does an ML engineer earn?\"\n\
             answer = \"Salaries vary with experience.\"\n"
                .into(),
        )],
    )
    .expect("a small FAQ");
    let small = Matcher::new(&half);
    let questions: Vec<String> = TOPICS
        .iter()
        .flat_map(|t| [t.replace("{}", DS_NAMES[0]), t.replace("{}", MLE_NAMES[0])])
        .chain(["hi. what do MLEs earn? and data scientists?".to_owned()])
        .collect();
    let alone_big: Vec<_> = questions.iter().map(|q| big.rank(q)).collect();
    let alone_small: Vec<_> = questions.iter().map(|q| small.rank(q)).collect();
    for (i, q) in questions.iter().enumerate().rev() {
        assert_eq!(small.rank(q), alone_small[i], "{q:?} (small FAQ)");
        assert_eq!(big.rank(q), alone_big[i], "{q:?} (shipped FAQ)");
        assert!(big.rank(q).iter().all(|h| h.entry < kb.entries().len()));
    }
}

/// In a listening channel, a short query the bot is sure of counts as a
/// question even without a `?` or a question word; chatter does not.
#[test]
fn short_confident_queries_read_as_questions_and_chatter_does_not() {
    let (_, m) = shipped();
    for q in ["mle langs", "data scientist salary", "ds tools"] {
        let (verdict, question) = m.ask_message(q, Need::Verdict);
        assert!(
            matches!(verdict, Verdict::Answer { .. }),
            "{q:?}: {verdict:?}"
        );
        assert!(question, "{q:?} should read as a question");
    }
    for q in [
        "I built a dashboard today",
        "lol same",
        "my manager loves dashboards and so do I honestly",
    ] {
        assert!(
            !m.ask_message(q, Need::Verdict).1,
            "{q:?} should not read as a question"
        );
    }
    assert!(
        m.ask_message("what does a data scientist do", Need::Verdict)
            .1
    );
    assert!(m.ask_message("salary of an mle?", Need::Verdict).1);
}

/// A maintainer covers a topic the FAQ never did, remote work, by editing
/// `faq/` alone: one entry, and the topic's words taken off the
/// vocabulary's `not_covered` list. The bot then answers it; before, it
/// stayed silent.
#[test]
fn a_new_topic_added_in_faq_alone_is_answered() {
    let question = "Can a data scientist work remotely?";
    let (_, m) = shipped();
    assert_eq!(
        m.ask(question),
        Verdict::Silent,
        "remote work is not covered yet"
    );

    let dir = crate::copy_faq(|name, mut text| {
        if name == "vocabulary.toml" {
            text = text
                .replace("  \"remote\",\n", "")
                .replace("  \"remotely\",\n", "");
        }
        if name == "careers.toml" {
            text.push_str(
                r#"
[[entry]]
id = "ds-remote-work"
role = "data-scientist"
source = "Data Science Vs Machine Learning Engineer"
question = "Can a data scientist work remotely?"
alternates = ["remote data science jobs", "do data scientists work from home"]
answer = """
Many data scientists work remotely part or all of the time: the work is analysis, modelling and communication that a laptop and a video call can carry."""
"#,
            );
        }
        text
    });
    let kb = faqbot::kb::load_dir(dir.path()).expect("the edited FAQ loads");
    let m = faqbot::matcher::Matcher::new(&kb);
    for q in [question, "is remote work possible as a ds?"] {
        match m.ask(q) {
            Verdict::Answer { hit, .. } => {
                assert_eq!(kb.entries()[hit.entry].id, "ds-remote-work", "{q:?}");
            }
            other => panic!("{q:?}: {other:?}"),
        }
    }
}

/// Asked only for a question's verdict, the matcher skips what cannot read
/// as one, and changes nothing else: over every labeled question and some
/// chatter, both ways agree on whether it is a question, and on the
/// verdict of every one that is. And the skip is taken: a long remark
/// with no question in it gets no ranking at all.
#[test]
fn asking_only_for_questions_changes_no_question_and_skips_the_rest() {
    let (_, m) = shipped();
    let mut texts: Vec<String> = ["train", "validation", "test", "public"]
        .into_iter()
        .flat_map(|split| crate::quality::cases(&crate::quality::files_in(split)))
        .map(|case| case.q)
        .collect();
    assert!(texts.len() > 1000);
    texts.extend(
        [
            "I built a dashboard today and my manager loved it",
            "lol same, the ml engineer on my team said that too",
            "data scientist salary",
        ]
        .map(String::from),
    );
    let mut skipped = 0;
    for q in &texts {
        let full = m.ask_message(q, Need::Verdict);
        let only = m.ask_message(q, Need::Question);
        assert_eq!(full.1, only.1, "{q:?}");
        if full.1 {
            assert_eq!(full.0, only.0, "{q:?}");
        } else if only.0 == Verdict::Silent && full.0 != Verdict::Silent {
            skipped += 1;
        }
    }
    assert!(skipped > 0, "no non-question was left unmatched");
    assert_eq!(
        m.ask_message(
            "lol same, the ml engineer on my team said that too",
            Need::Question
        ),
        (Verdict::Silent, false)
    );
}
