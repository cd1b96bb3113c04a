//! `faqbot` as a user runs it: the exact JSON shapes, exit codes, stdin
//! streaming and error messages of every subcommand.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

pub(crate) fn faqbot(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_faqbot"))
        .args(args)
        .env_remove("FAQBOT_FAQ_DIR")
        .output()
        .expect("faqbot runs")
}

pub(crate) fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    k.sort_unstable();
    k
}

#[test]
fn ask_json_prints_the_documented_shape() {
    let o = faqbot(&[
        "ask",
        "--json",
        "how much does a machine learning engineer earn",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).expect("one JSON object");
    assert_eq!(keys(&v), ["answer", "query", "suggestions"]);
    let a = &v["answer"];
    assert_eq!(
        keys(a),
        ["answer", "id", "question", "role", "score", "source"]
    );
    assert_eq!(a["role"], "ml-engineer");
    let score = a["score"].as_f64().expect("a number");
    assert!((0.0..=1.0).contains(&score));
    for s in v["suggestions"].as_array().expect("an array") {
        assert_eq!(keys(s), ["id", "question", "score"]);
    }
}

#[test]
fn ask_json_reads_questions_from_stdin_one_per_line_in_order() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_faqbot"))
        .args(["ask", "--json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("faqbot runs");
    let questions = [
        "data scientist salary",
        "tell me a joke",
        "",
        "ML engineer tools",
    ];
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(questions.join("\n").as_bytes())
        .expect("write");
    let o = child.wait_with_output().expect("exits");
    assert!(o.status.success());
    let lines: Vec<Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(lines.len(), questions.len());
    for (line, q) in lines.iter().zip(questions) {
        assert_eq!(line["query"], q);
    }
    assert!(lines[0]["answer"].is_object());
    assert!(lines[1]["answer"].is_null(), "a joke is not answered");
    assert!(
        lines[2]["answer"].is_null(),
        "an empty line is not answered"
    );
}

#[test]
fn ask_prints_question_answer_and_source_for_a_person() {
    let o = faqbot(&["ask", "what skills does a data scientist need"]);
    assert!(o.status.success());
    let text = stdout(&o);
    assert!(text.starts_with("Q: "), "{text}");
    assert!(text.contains("Source: "), "{text}");
}

#[test]
fn ask_says_nothing_matched_and_exits_1() {
    let o = faqbot(&["ask", "what is the capital of france"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("No FAQ entry matches"));
}

#[test]
fn ask_without_question_or_json_is_a_usage_error() {
    let o = faqbot(&["ask"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("give a question"));
}

#[test]
fn compare_json_gives_one_aspect_side_by_side() {
    let o = faqbot(&["compare", "salary", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    let arr = v.as_array().expect("an array");
    assert_eq!(arr.len(), 1);
    assert_eq!(
        keys(&arr[0]),
        ["aspect", "data_scientist", "ml_engineer", "source"]
    );
}

#[test]
fn compare_without_aspect_gives_all_of_them() {
    let o = faqbot(&["compare", "--json"]);
    let v: Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    assert!(v.as_array().expect("an array").len() >= 10);
    let text = stdout(&faqbot(&["compare"]));
    assert!(text.contains("Machine Learning Engineer:"));
}

#[test]
fn unknown_aspect_lists_the_known_ones_and_fails() {
    let o = faqbot(&["compare", "favourite-colour"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("unknown aspect \"favourite-colour\""), "{err}");
    assert!(err.contains("salary"), "{err}");
}

#[test]
fn role_prints_the_profile() {
    let o = faqbot(&["role", "ml-engineer"]);
    assert!(o.status.success());
    assert!(stdout(&o).starts_with("Machine Learning Engineer"));
    let bad = faqbot(&["role", "chef"]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn list_json_has_every_field_of_every_entry() {
    let o = faqbot(&["list", "--json"]);
    let v: Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    let entries = v.as_array().expect("an array");
    assert!(entries.len() >= 25);
    for e in entries {
        assert_eq!(
            keys(e),
            ["alternates", "answer", "id", "question", "role", "source"]
        );
    }
}

/// Regression (issue 9): the FAQ folder was the build folder, baked in
/// with `env!`, so a binary run anywhere else failed on every command.
#[test]
fn the_binary_copied_alone_into_an_empty_folder_answers_lists_and_checks() {
    // A temporary folder outside the repository, holding only the binary,
    // and an empty environment: as on a server or in a container.
    let dir = tempfile::tempdir().expect("tempdir");
    assert!(!dir.path().starts_with(env!("CARGO_MANIFEST_DIR")));
    let bin = dir.path().join("faqbot");
    std::fs::copy(env!("CARGO_BIN_EXE_faqbot"), &bin).expect("copy the binary");
    let run = |args: &[&str]| {
        let o = Command::new(&bin)
            .args(args)
            .current_dir(dir.path())
            .env_clear()
            .output()
            .expect("runs");
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        stdout(&o)
    };
    let answer = run(&["ask", "how much do ML engineers make?"]);
    assert!(answer.contains("$160,000"), "{answer}");
    let list = run(&["list"]);
    assert!(
        list.contains("How much does a machine learning engineer earn?"),
        "{list}"
    );
    let check = run(&["check"]);
    assert!(check.starts_with("the embedded FAQ: ok, "), "{check}");
    let entries = faqbot::kb::embedded().expect("loads").entries().len();
    assert!(check.contains(&format!("{entries} entries")), "{check}");
}

#[test]
fn an_empty_faqbot_faq_dir_means_unset_as_env_example_leaves_it() {
    let o = Command::new(env!("CARGO_BIN_EXE_faqbot"))
        .arg("check")
        .current_dir(std::env::temp_dir())
        .env_clear()
        .env("FAQBOT_FAQ_DIR", "")
        .output()
        .expect("runs");
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with("the embedded FAQ: ok"),
        "{}",
        stdout(&o)
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let o = Command::new(env!("CARGO_BIN_EXE_faqbot"))
        .arg("check")
        .env_clear()
        .env("FAQBOT_FAQ_DIR", dir.path())
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(2), "a named folder is used");
}

#[test]
fn a_faq_folder_in_the_working_directory_is_served_before_the_embedded_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("faq")).expect("mkdir");
    std::fs::write(
        dir.path().join("faq/a.toml"),
        "[[source]]\ntitle = \"S\"\n\n[[entry]]\nid = \"x\"\nrole = \"both\"\nsource = \"S\"\nquestion = \"Q?\"\nanswer = \"A.\"\n",
    )
    .expect("write");
    let o = Command::new(env!("CARGO_BIN_EXE_faqbot"))
        .arg("check")
        .current_dir(dir.path())
        .env_clear()
        .output()
        .expect("runs");
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with("the FAQ folder faq: ok, 1 entries"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn check_reports_a_broken_faq_with_file_line_and_column() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("a.toml"),
        "[[source]]\ntitle = \"S\"\n\n[[entry]]\nid = \"x\"\nrole = \"pilot\"\nsource = \"S\"\nquestion = \"Q?\"\nanswer = \"A.\"\n",
    )
    .expect("write");
    let o = faqbot(&["check", "--faq", dir.path().to_str().expect("utf-8 path")]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("a.toml:6:8: unknown role \"pilot\""), "{err}");
}

#[test]
fn logs_in_a_pipe_carry_no_colour_codes_and_json_logs_are_one_object_a_line() {
    let log = |format: &str| {
        let o = Command::new(env!("CARGO_BIN_EXE_faqbot"))
            .args(["ask", "what is an MLE?"])
            .current_dir(std::env::temp_dir())
            .env_clear()
            .env("RUST_LOG", "faqbot=debug")
            .env("FAQBOT_LOG_FORMAT", format)
            .output()
            .expect("runs");
        assert!(o.status.success(), "{}", stderr(&o));
        stderr(&o)
    };
    let text = log("text");
    assert!(text.contains("serving"), "{text}");
    assert!(!text.contains('\u{1b}'), "ANSI escapes in a pipe: {text:?}");
    let json = log("json");
    let lines: Vec<&str> = json.lines().collect();
    assert!(!lines.is_empty());
    for line in lines {
        let v: Value = serde_json::from_str(line).expect("one JSON object a line");
        assert!(v["level"].is_string() && v["fields"].is_object(), "{line}");
    }
    assert!(json.contains("the embedded FAQ"), "{json}");
}

/// The shipped FAQ holds no entry that its own phrasings miss and no two
/// entries that collide: maintainers start from a clean `--strict`.
#[test]
fn shipped_faq_passes_check_strict() {
    let faq = concat!(env!("CARGO_MANIFEST_DIR"), "/faq");
    let out = faqbot(&["check", "--strict", "--faq", faq]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(!err.contains("warning"), "{err}");
}

/// Two entries sharing a phrasing: `check` warns with the entry's place and
/// still passes; `check --strict` refuses the FAQ.
#[test]
fn check_strict_refuses_colliding_phrasings_that_plain_check_warns_about() {
    let dir = tempfile::tempdir().expect("tempdir");
    let entry = |id: &str, role: &str, question: &str, answer: &str| {
        format!(
            "[[entry]]\nid = \"{id}\"\nrole = \"{role}\"\nsource = \"S\"\nquestion = \"{question}\"\nalternates = [\"data scientist pay\"]\nanswer = \"{answer}\"\n\n"
        )
    };
    let text = format!(
        "[[source]]\ntitle = \"S\"\n\n{}{}",
        entry(
            "ds-salary",
            "data-scientist",
            "How much does a data scientist earn?",
            "Data scientists earn well."
        ),
        entry(
            "ds-skills",
            "data-scientist",
            "What skills does a data scientist need?",
            "Statistics and programming."
        ),
    );
    std::fs::write(dir.path().join("a.toml"), text).expect("write");
    std::fs::write(
        dir.path().join("roles.toml"),
        "[[role]]\nid = \"data-scientist\"\nname = \"Data Scientist\"\n\
         summary = \"s\"\nsets_apart = \"t\"\nsource = \"S\"\n",
    )
    .expect("write");
    let path = dir.path().to_str().expect("utf-8 path");
    let plain = faqbot(&["check", "--faq", path]);
    assert_eq!(plain.status.code(), Some(0), "{}", stderr(&plain));
    let warned = stderr(&plain);
    assert!(
        warned.contains("a.toml:12:1: entry \"ds-skills\" shares the phrasing \"data scientist pay\" with entry \"ds-salary\""),
        "{warned}"
    );
    let strict = faqbot(&["check", "--strict", "--faq", path]);
    assert_eq!(strict.status.code(), Some(2));
    assert!(stderr(&strict).contains("--strict refuses the FAQ"));
}
