//! The roles are data: a maintainer renames one, recolours it and teaches
//! the bot a new way people name it by editing `faq/roles.toml` alone; a
//! misspelt role id or a missing aspect side is refused at its file and
//! line.

use faqbot::kb::{load_dir, Audience, KnowledgeBase};
use faqbot::matcher::{Matcher, Verdict};
use faqbot::render::discord as view;

use crate::cli::{faqbot, stdout};
use crate::{copy_faq, shipped};

/// A question only the new name places: "engineer" alone is another job.
const NEW_NAME_QUESTION: &str = "how much does a model engineer earn";

fn mle(kb: &KnowledgeBase) -> faqbot::kb::Role {
    kb.role_by_id("ml-engineer").expect("the ml-engineer role")
}

/// The entry a question is answered with, if it is answered.
fn answered<'kb>(kb: &'kb KnowledgeBase, m: &Matcher, q: &str) -> Option<&'kb str> {
    match m.ask(q) {
        Verdict::Answer { hit, .. } => Some(kb.entries()[hit.entry].id.as_str()),
        _ => None,
    }
}

#[test]
fn a_role_is_renamed_recoloured_and_given_a_new_name_in_faq_alone() {
    let (kb, m) = shipped();
    assert_eq!(
        kb.role(mle(kb)).name,
        "Machine Learning Engineer",
        "the shipped name"
    );
    assert_eq!(answered(kb, m, NEW_NAME_QUESTION), None, "not a name yet");
    let salary = answered(kb, m, "how much does an ML engineer earn")
        .expect("the shipped FAQ answers it")
        .to_owned();

    let dir = copy_faq(|name, text| {
        if name != "roles.toml" {
            return text;
        }
        text.replace(
            "name = \"Machine Learning Engineer\"\ncolour = \"#e67e22\"",
            "name = \"ML Engineer\"\ncolour = \"#12ab9f\"",
        )
        .replace("  \"mle\",\n", "  \"mle\",\n  \"model engineer\",\n")
    });
    let kb = load_dir(dir.path()).expect("the edited FAQ loads");
    let role = kb.role(mle(&kb));
    assert_eq!(role.name, "ML Engineer");
    assert_eq!(role.colour, Some(0x0012_ab9f));

    // The new name places the question; the rest of the matching is as before.
    let m = Matcher::new(&kb);
    assert_eq!(answered(&kb, &m, NEW_NAME_QUESTION), Some(salary.as_str()));

    // Every view that shows the role takes the new name and colour.
    let entry = kb
        .entries()
        .iter()
        .find(|e| e.role == Audience::Only(mle(&kb)))
        .expect("an ml-engineer entry");
    assert_eq!(view::answer(&kb, entry, 1.0).embeds[0].colour, 0x0012_ab9f);
    let profile = view::role_profile(&faqbot::compare::profile(&kb, mle(&kb)));
    assert_eq!(profile.embeds[0].title, "ML Engineer");
    assert_eq!(profile.embeds[0].colour, 0x0012_ab9f);
    let aspect = view::aspect(&kb, &kb.aspects()[0]);
    assert_eq!(aspect.embeds[0].fields[1].name, "ML Engineer");
    assert!(
        aspect.embeds[0]
            .title
            .starts_with("Data Scientist vs ML Engineer: "),
        "{}",
        aspect.embeds[0].title
    );

    // And so does the command line, pointed at the folder.
    let path = dir.path().to_str().expect("a UTF-8 path");
    let o = faqbot(&["role", "ml-engineer", "--faq", path]);
    assert!(stdout(&o).starts_with("ML Engineer\n"), "{}", stdout(&o));
    let o = faqbot(&["compare", "salary", "--faq", path]);
    assert!(
        stdout(&o).contains("\n  ML Engineer:    "),
        "{}",
        stdout(&o)
    );
}

/// The 1-based line of the first `needle` in `text`.
fn line_of(text: &str, needle: &str) -> usize {
    let at = text.find(needle).expect("the needle is in the file");
    text[..at].matches('\n').count() + 1
}

#[test]
fn a_misspelt_role_id_and_a_missing_aspect_side_are_refused_at_their_line() {
    let shipped_text = |name: &str| {
        std::fs::read_to_string(crate::faq_dir().join(name)).expect("a shipped FAQ file")
    };
    let entries = shipped_text("ml-engineer.toml");
    let aspects = shipped_text("aspects.toml");
    let misspelt = line_of(&entries, "role = \"ml-engineer\"");
    // The first aspect loses its ml_engineer side: reported at its table.
    let first_aspect = line_of(&aspects, "[[aspect]]\nid = ");

    let dir = copy_faq(|name, text| match name {
        "ml-engineer.toml" => text.replacen("role = \"ml-engineer\"", "role = \"ml-enginer\"", 1),
        "aspects.toml" => {
            let at = text.find("\nml_engineer = ").expect("an ml_engineer side");
            let end = at + 1 + text[at + 1..].find('\n').expect("the side's line ends");
            format!("{}{}", &text[..at], &text[end..])
        }
        _ => text,
    });
    let err = load_dir(dir.path()).expect_err("both mistakes are refused");
    let place = |name: &str, line: usize, column: usize| {
        format!("{}:{line}:{column}: ", dir.path().join(name).display())
    };
    let messages: Vec<String> = err.problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        messages,
        [
            format!(
                "{}aspect \"focus\" has no `ml_engineer` side: every role needs one",
                place("aspects.toml", first_aspect, 1)
            ),
            format!(
                "{}unknown role \"ml-enginer\" (expected data-scientist, ml-engineer or both)",
                place("ml-engineer.toml", misspelt, 8)
            ),
        ]
    );
}
