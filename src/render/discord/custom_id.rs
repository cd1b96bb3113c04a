//! The custom-id codec: what a button or menu does travels in its custom
//! id (and a picked `/ask` suggestion in its option value), so components
//! keep working after a restart.

use std::fmt;

/// What a button or menu does, carried in its custom id so that it works
/// after a restart: no session state is kept in memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CustomId {
    /// "Did you mean" → this entry; only `asker` may press it.
    Pick { entry: String, asker: u64 },
    /// "None of these"; only `asker` may press it.
    NoneOfThese { asker: u64 },
    /// 👍 (`helpful`) or 👎 under an answer of `entry`; only `asker` may
    /// press it.
    Vote {
        entry: String,
        asker: u64,
        helpful: bool,
    },
    /// "None of these" after a 👎: deletes the bot's message.
    Dismiss { asker: u64 },
    /// The review menu of one group: the chosen entry gets its phrasing.
    ReviewAccept { group: String },
    /// Hide one review group.
    ReviewIgnore { group: String },
    /// The button of a daily notice: opens the review.
    ReviewOpen,
    /// Post this entry to the channel for everyone.
    Post { entry: String },
    /// The aspect menu of `/compare`.
    Aspect,
    /// `/faq` at this page.
    Page(usize),
    /// The entry menu of a `/faq` page (to come back to that page).
    Open(usize),
}

impl CustomId {
    /// `"pick:ds-salary:42"` → `CustomId::Pick`; anything else → `None`.
    pub fn parse(s: &str) -> Option<CustomId> {
        let mut parts = s.split(':');
        let id = match (parts.next()?, parts.next(), parts.next()) {
            ("pick", Some(entry), Some(asker)) => CustomId::Pick {
                entry: entry.to_owned(),
                asker: asker.parse().ok()?,
            },
            ("none", Some(asker), None) => CustomId::NoneOfThese {
                asker: asker.parse().ok()?,
            },
            (vote @ ("up" | "down"), Some(entry), Some(asker)) => CustomId::Vote {
                entry: entry.to_owned(),
                asker: asker.parse().ok()?,
                helpful: vote == "up",
            },
            ("dismiss", Some(asker), None) => CustomId::Dismiss {
                asker: asker.parse().ok()?,
            },
            ("racc", Some(group), None) => CustomId::ReviewAccept {
                group: group.to_owned(),
            },
            ("rign", Some(group), None) => CustomId::ReviewIgnore {
                group: group.to_owned(),
            },
            ("ropen", None, None) => CustomId::ReviewOpen,
            ("post", Some(entry), None) => CustomId::Post {
                entry: entry.to_owned(),
            },
            ("aspect", None, None) => CustomId::Aspect,
            ("page", Some(n), None) => CustomId::Page(n.parse().ok()?),
            ("open", Some(n), None) => CustomId::Open(n.parse().ok()?),
            _ => return None,
        };
        parts.next().is_none().then_some(id)
    }

    /// The person a component is meant for, if only one.
    pub fn asker(&self) -> Option<u64> {
        match self {
            CustomId::Pick { asker, .. }
            | CustomId::NoneOfThese { asker }
            | CustomId::Vote { asker, .. }
            | CustomId::Dismiss { asker } => Some(*asker),
            _ => None,
        }
    }
}

impl fmt::Display for CustomId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CustomId::Pick { entry, asker } => write!(f, "pick:{entry}:{asker}"),
            CustomId::NoneOfThese { asker } => write!(f, "none:{asker}"),
            CustomId::Vote {
                entry,
                asker,
                helpful,
            } => {
                let vote = if *helpful { "up" } else { "down" };
                write!(f, "{vote}:{entry}:{asker}")
            }
            CustomId::Dismiss { asker } => write!(f, "dismiss:{asker}"),
            CustomId::ReviewAccept { group } => write!(f, "racc:{group}"),
            CustomId::ReviewIgnore { group } => write!(f, "rign:{group}"),
            CustomId::ReviewOpen => f.write_str("ropen"),
            CustomId::Post { entry } => write!(f, "post:{entry}"),
            CustomId::Aspect => f.write_str("aspect"),
            CustomId::Page(n) => write!(f, "page:{n}"),
            CustomId::Open(n) => write!(f, "open:{n}"),
        }
    }
}

/// The `/ask` option value of a picked suggestion: `faq:ds-salary`.
pub fn choice_value(entry_id: &str) -> String {
    format!("{CHOICE_PREFIX}{entry_id}")
}

/// Marks an `/ask` value as a picked entry rather than free text.
pub const CHOICE_PREFIX: &str = "faq:";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::discord::limits;

    #[test]
    fn custom_ids_round_trip_and_reject_junk() {
        for id in [
            CustomId::Pick {
                entry: "ds-salary".into(),
                asker: 42,
            },
            CustomId::NoneOfThese { asker: 7 },
            CustomId::Vote {
                entry: "ds-salary".into(),
                asker: 42,
                helpful: true,
            },
            CustomId::Vote {
                entry: "ds-salary".into(),
                asker: 42,
                helpful: false,
            },
            CustomId::Dismiss { asker: 9 },
            CustomId::ReviewAccept {
                group: "g1a2b3c4d".into(),
            },
            CustomId::ReviewIgnore {
                group: "g1a2b3c4d".into(),
            },
            CustomId::ReviewOpen,
            CustomId::Post {
                entry: "mle-tools".into(),
            },
            CustomId::Aspect,
            CustomId::Page(3),
            CustomId::Open(0),
        ] {
            let s = id.to_string();
            assert!(s.len() <= limits::CUSTOM_ID);
            assert_eq!(CustomId::parse(&s), Some(id));
        }
        for junk in [
            "", "pick", "pick:x", "pick:x:y", "page:-1", "aspect:1", "none:1:2", "zzz:1", "up:x",
            "down:x:y", "dismiss",
        ] {
            assert_eq!(CustomId::parse(junk), None, "{junk}");
        }
    }
}
