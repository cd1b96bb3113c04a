//! Discord's documented limits, and the one way text is brought within
//! them: cut at a word, with an ellipsis. Every reply builder goes through
//! here, so a limit is applied in one place.

use super::view::Embed;

pub const CONTENT: usize = 2000;
pub const EMBED_TITLE: usize = 256;
pub const EMBED_DESCRIPTION: usize = 4096;
pub const FIELD_NAME: usize = 256;
pub const FIELD_VALUE: usize = 1024;
pub const FIELDS: usize = 25;
pub const FOOTER: usize = 2048;
pub const EMBED_TOTAL: usize = 6000;
pub const CHOICES: usize = 25;
pub const COMMAND_DESCRIPTION: usize = 100;
pub const CHOICE_NAME: usize = 100;
pub const CHOICE_VALUE: usize = 100;
pub const CUSTOM_ID: usize = 100;
pub const SELECT_OPTIONS: usize = 25;
pub const SELECT_LABEL: usize = 100;
pub const SELECT_DESCRIPTION: usize = 100;
pub const PLACEHOLDER: usize = 150;
pub const BUTTONS_PER_ROW: usize = 5;
pub const BUTTON_LABEL: usize = 80;
pub const ROWS: usize = 5;

/// `text` in at most `max` characters: cut at a word, with an ellipsis.
///
/// `fit("one two three", 9)` → `"one two…"`.
pub fn fit(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    if max == 0 {
        return String::new();
    }
    let cut: String = text.chars().take(max - 1).collect();
    // Cut at the last space when there is one in the second half; a single
    // very long word is cut where it must be.
    let at_word = match cut.rfind(char::is_whitespace) {
        Some(i) if cut[..i].chars().count() >= max / 2 => &cut[..i],
        _ => &cut[..],
    };
    format!("{}…", at_word.trim_end())
}
impl Embed {
    /// The embed within every limit, the 6,000-character total included.
    #[must_use]
    pub fn fitted(mut self) -> Embed {
        self.title = fit(&self.title, EMBED_TITLE);
        self.description = fit(&self.description, EMBED_DESCRIPTION);
        self.fields.truncate(FIELDS);
        for field in &mut self.fields {
            field.name = fit(&field.name, FIELD_NAME);
            field.value = fit(&field.value, FIELD_VALUE);
        }
        self.footer = self.footer.map(|f| fit(&f, FOOTER));
        while self.total() > EMBED_TOTAL {
            let over = self.total() - EMBED_TOTAL;
            let description = self.description.chars().count();
            if description > over + 100 {
                self.description = fit(&self.description, description - over);
            } else if self.fields.pop().is_none() {
                self.description = fit(&self.description, description.saturating_sub(over));
            }
        }
        self
    }

    /// Characters counted toward Discord's 6,000 total.
    pub fn total(&self) -> usize {
        self.title.chars().count()
            + self.description.chars().count()
            + self.footer.as_ref().map_or(0, |f| f.chars().count())
            + self
                .fields
                .iter()
                .map(|f| f.name.chars().count() + f.value.chars().count())
                .sum::<usize>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::discord::view::Field;

    #[test]
    fn fit_cuts_at_a_word_with_an_ellipsis() {
        assert_eq!(fit("one two three", 9), "one two…");
        assert_eq!(fit("short", 10), "short");
        assert_eq!(fit(&"x".repeat(50), 10), format!("{}…", "x".repeat(9)));
        assert_eq!(fit("éééé", 3).chars().count(), 3);
        assert_eq!(fit("anything", 0), "");
    }

    #[test]
    fn an_oversized_embed_is_fitted_to_every_limit() {
        let big = Embed {
            title: "t ".repeat(400),
            description: "d ".repeat(5000),
            colour: 0,
            fields: (0..40)
                .map(|i| Field {
                    name: format!("n{i} ").repeat(200),
                    value: "v ".repeat(1000),
                    inline: true,
                })
                .collect(),
            footer: Some("f ".repeat(2000)),
        }
        .fitted();
        assert!(big.title.chars().count() <= EMBED_TITLE);
        assert!(big.description.chars().count() <= EMBED_DESCRIPTION);
        assert!(big.fields.len() <= FIELDS);
        for f in &big.fields {
            assert!(f.name.chars().count() <= FIELD_NAME);
            assert!(f.value.chars().count() <= FIELD_VALUE);
        }
        assert!(big.total() <= EMBED_TOTAL, "{}", big.total());
        assert!(big.description.ends_with('…'));
    }
}
