//! Discord replies as plain data: embeds, buttons and menus built from the
//! FAQ, with every Discord limit applied (text cut at a word with an
//! ellipsis), and the custom ids that let buttons work after a restart.
//!
//! One home per concern: [`limits`] (Discord's limits and `fit`), [`view`]
//! (what a reply is), [`custom_id`] (the codec), `replies` (the
//! builders), `help` (the help text), [`settings`] (`/faq-settings`),
//! [`review`] (`/faq-review` and its daily notice).
//!
//! The Discord adapter only converts a [`Reply`] into serenity builders.
//! Must not: import serenity, or echo a user's text (so nothing a user
//! types can ping or break formatting in a reply); the one exception is
//! the review queue, shown to admins with each text in a code span.

pub mod custom_id;
mod help;
pub mod limits;
mod replies;
pub mod review;
pub mod settings;
pub mod view;

pub use custom_id::{choice_value, CustomId, CHOICE_PREFIX};
pub use help::{help, CommandHelp};
pub use limits::fit;
pub use replies::*;
pub use view::{Button, ButtonStyle, Embed, Field, Reply, Row, Select, SelectOption};

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn an_overview_without_aspects_has_no_empty_menu() {
        // Found by tests/it/props.rs: a FAQ without [[aspect]] tables made
        // `/compare` send a menu of no options, which Discord refuses.
        let reply = overview(&two_roles(), &[]);
        assert!(reply.rows.is_empty(), "{:?}", reply.rows);
        assert!(reply.embeds[0].description.contains("no side-by-side"));
    }

    // Behaviour at each limit, through the builders that apply it: text one
    // character over is cut at a word, with an ellipsis; text at the limit
    // is left alone. (These replaced tests that restated the constants.)

    use std::path::PathBuf;

    use crate::kb::{Aspect, Entry, KnowledgeBase, Location};
    use crate::matcher::Hit;

    /// Exactly `n` characters: four-letter words, no trailing space.
    fn text(n: usize) -> String {
        let mut s: String = (0..n).map(|i| if i % 5 == 4 { ' ' } else { 'w' }).collect();
        if s.ends_with(' ') {
            s.pop();
            s.push('w');
        }
        s
    }

    /// `got` is `full` brought within `limit`: at most `limit` characters,
    /// at most one word shorter, ending in an ellipsis where a word ended.
    fn assert_cut_at_a_word(full: &str, got: &str, limit: usize, what: &str) {
        assert_eq!(full.chars().count(), limit + 1, "{what}: the test's text");
        let n = got.chars().count();
        assert!(n <= limit, "{what}: {n} characters, limit {limit}");
        assert!(
            n + 6 >= limit,
            "{what}: cut more than a word ({n} of {limit})"
        );
        let kept = got
            .strip_suffix('…')
            .unwrap_or_else(|| panic!("{what}: no ellipsis in {got:?}"));
        assert!(full.starts_with(kept), "{what}: not a prefix");
        assert_eq!(
            full[kept.len()..].chars().next(),
            Some(' '),
            "{what}: not cut at a word"
        );
    }

    fn location() -> Location {
        Location {
            file: PathBuf::from("faq/t.toml"),
            line: 1,
            column: 1,
        }
    }

    fn entry(question: &str, answer: &str, source: &str) -> Entry {
        Entry {
            id: "e".into(),
            question: question.into(),
            alternates: Vec::new(),
            answer: answer.into(),
            role: crate::kb::Audience::Both,
            source: source.into(),
            location: location(),
        }
    }

    /// A FAQ of one entry and two roles, for the builders that show roles.
    fn two_roles() -> KnowledgeBase {
        let role = |id: &str| {
            format!(
                "[[role]]\nid = \"{id}\"\nname = \"{id}\"\nsummary = \"s\"\nsets_apart = \"t\"\nsource = \"S\"\n"
            )
        };
        let files = vec![(
            PathBuf::from("faq/t.toml"),
            format!(
                "[[source]]\ntitle = \"S\"\n[[entry]]\nid = \"e\"\nrole = \"both\"\n\
                 source = \"S\"\nquestion = \"Q?\"\nanswer = \"A.\"\n{}{}",
                role("one"),
                role("two")
            ),
        )];
        crate::kb::load_files(std::path::Path::new("faq"), &files).expect("loads")
    }

    /// An aspect of [`two_roles`]: `side` for the first role.
    fn aspect(name: &str, side: &str) -> Aspect {
        Aspect {
            id: "a".into(),
            name: name.into(),
            sides: vec![side.into(), "short".into()],
            source: "S".into(),
            location: location(),
        }
    }

    #[test]
    fn an_answer_one_character_over_each_embed_limit_is_cut_at_a_word() {
        let title = text(limits::EMBED_TITLE + 1);
        let description = text(limits::EMBED_DESCRIPTION + 1);
        let e = answer_embed(&two_roles(), &entry(&title, &description, "S"), 1.0);
        assert_cut_at_a_word(&title, &e.title, limits::EMBED_TITLE, "title");
        assert_cut_at_a_word(
            &description,
            &e.description,
            limits::EMBED_DESCRIPTION,
            "description",
        );
        let fits = answer_embed(
            &two_roles(),
            &entry(&text(limits::EMBED_TITLE), "a", "S"),
            1.0,
        );
        assert_eq!(
            fits.title,
            text(limits::EMBED_TITLE),
            "at the limit: untouched"
        );
    }

    #[test]
    fn a_footer_one_character_over_is_cut_at_a_word() {
        let decoration = "Source:  · match 1.00".chars().count();
        let source = text(limits::FOOTER + 1 - decoration);
        let full = format!("Source: {source} · match 1.00");
        let e = answer_embed(&two_roles(), &entry("Q?", "A.", &source), 1.0);
        let footer = e.footer.expect("a footer");
        // The footer ends "match 1.00", so the cut falls in the source.
        assert_cut_at_a_word(&full, &footer, limits::FOOTER, "footer");
    }

    #[test]
    fn an_aspect_one_character_over_a_field_value_is_cut_at_a_word() {
        let side = text(limits::FIELD_VALUE + 1);
        let reply = super::aspect(&two_roles(), &aspect("Salary", &side));
        let field = &reply.embeds[0].fields[0];
        assert_cut_at_a_word(&side, &field.value, limits::FIELD_VALUE, "field value");
    }

    #[test]
    fn names_one_character_over_field_name_and_menu_label_are_cut_at_a_word() {
        let name = text(limits::FIELD_NAME + 1);
        let reply = overview(&two_roles(), &[aspect(&name, "x")]);
        let embed = &reply.embeds[0];
        assert_cut_at_a_word(
            &name,
            &embed.fields[0].name,
            limits::FIELD_NAME,
            "field name",
        );
        let Row::Select(menu) = &reply.rows[0] else {
            panic!("a menu")
        };
        let label = text(limits::SELECT_LABEL + 1);
        let reply = overview(&two_roles(), &[aspect(&label, "x")]);
        let Row::Select(menu2) = &reply.rows[0] else {
            panic!("a menu")
        };
        assert!(menu.options[0].label.chars().count() <= limits::SELECT_LABEL);
        assert_cut_at_a_word(
            &label,
            &menu2.options[0].label,
            limits::SELECT_LABEL,
            "label",
        );
    }

    #[test]
    fn a_question_one_character_over_a_button_label_or_choice_name_is_cut_at_a_word() {
        let kb_with = |question: &str| {
            let files = vec![(
                PathBuf::from("faq/t.toml"),
                format!(
                    "[[source]]\ntitle = \"S\"\n[[entry]]\nid = \"e\"\nrole = \"both\"\n\
                     source = \"S\"\nquestion = \"{question}\"\nanswer = \"A.\"\n"
                ),
            )];
            crate::kb::load_files(std::path::Path::new("faq"), &files).expect("loads")
        };
        let hit = [Hit {
            entry: 0,
            score: 0.5,
        }];
        let label = text(limits::BUTTON_LABEL + 1);
        let kb: KnowledgeBase = kb_with(&label);
        let reply = did_you_mean(&kb, &hit, 1);
        let Row::Buttons(buttons) = &reply.rows[0] else {
            panic!("buttons")
        };
        assert_cut_at_a_word(&label, &buttons[0].label, limits::BUTTON_LABEL, "button");
        let name = text(limits::CHOICE_NAME + 1);
        let kb = kb_with(&name);
        let (got, value) = &choices(&kb, &[0])[0];
        assert_cut_at_a_word(&name, got, limits::CHOICE_NAME, "choice name");
        assert_eq!(value, "faq:e");
    }

    #[test]
    fn a_notice_one_character_over_the_content_limit_is_cut_at_a_word() {
        let long = text(limits::CONTENT + 1);
        let reply = notice(&long);
        let content = reply.content.expect("content");
        assert_cut_at_a_word(&long, &content, limits::CONTENT, "content");
        assert!(reply.ephemeral);
    }

    #[test]
    fn an_embed_with_a_field_over_the_count_limit_keeps_the_first_ones() {
        let fields: Vec<Field> = (0..=limits::FIELDS)
            .map(|i| Field {
                name: format!("n{i}"),
                value: "v".into(),
                inline: false,
            })
            .collect();
        let e = Embed {
            fields,
            ..Embed::default()
        }
        .fitted();
        assert_eq!(e.fields.len(), limits::FIELDS);
        assert_eq!(e.fields.last().map(|f| f.name.as_str()), Some("n24"));
    }
}
