//! What a FAQ maintainer sees when an edit is wrong: every problem, each
//! with its file, line and column, and never a panic.

use std::path::Path;

use faqbot::kb::load_dir;

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).expect("write fixture");
}

const SOURCES: &str = "[[source]]\ntitle = \"S\"\n";

#[test]
fn every_problem_of_a_bad_edit_is_reported_at_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "0-sources.toml", SOURCES);
    write(
        dir.path(),
        "a.toml",
        "[[entry]]\nid = \"same\"\nrole = \"both\"\nsource = \"S\"\nquestion = \"Q?\"\nanswer = \"A.\"\n",
    );
    write(
        dir.path(),
        "b.toml",
        "[[entry]]\nid = \"same\"\nrole = \"both\"\nsource = \"T\"\nquestion = \"\"\nanswer = \"A.\"\n",
    );
    write(dir.path(), "c.toml", "[[entry]\nid = 1\n");
    let err = load_dir(dir.path()).expect_err("bad folder");
    let text = err.to_string();
    let b = dir.path().join("b.toml").display().to_string();
    let a = dir.path().join("a.toml").display().to_string();
    let c = dir.path().join("c.toml").display().to_string();
    assert!(
        text.contains(&format!(
            "{b}:2:6: duplicate entry id \"same\" (first at {a}:2:6)"
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!("{b}:4:10: unknown source \"T\"")),
        "{text}"
    );
    assert!(
        text.contains(&format!("{b}:5:12: `question` is empty")),
        "{text}"
    );
    assert!(text.contains(&format!("{c}:1:")), "{text}");
    assert_eq!(err.problems.len(), 4, "{text}");
}

#[test]
fn a_missing_folder_is_a_clear_error() {
    let err = load_dir(Path::new("/no/such/faq")).expect_err("missing");
    assert!(err
        .to_string()
        .starts_with("cannot read FAQ folder /no/such/faq"));
}

#[test]
fn a_file_that_is_not_utf8_is_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "a.toml", SOURCES);
    std::fs::write(dir.path().join("b.toml"), b"# caf\xe9\n").expect("write");
    let err = load_dir(dir.path()).expect_err("not utf-8");
    assert!(
        err.to_string()
            .contains("b.toml:1:6: the file is not valid UTF-8"),
        "{err}"
    );
}

#[test]
fn files_other_than_toml_are_ignored() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "a.toml",
        &format!("{SOURCES}[[entry]]\nid = \"x\"\nrole = \"both\"\nsource = \"S\"\nquestion = \"Q?\"\nanswer = \"A.\"\n"),
    );
    write(dir.path(), "notes.md", "not toml at all [[[");
    let kb = load_dir(dir.path()).expect("loads");
    assert_eq!(kb.entries().len(), 1);
}
