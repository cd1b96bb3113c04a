//! Which messages get an answer, and how often: pure decisions with the
//! clock passed in, so they are unit-tested without Discord. Every post the
//! bot makes on its own or on a mention (answers, suggestions, hints) goes
//! through [`AntiSpam`].

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use crate::matcher::{Hit, Need, Verdict, MAX_SUGGESTIONS};

/// Where a message came from, as far as answering goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// A direct message to the bot.
    Dm,
    /// A guild message that mentions the bot.
    Mention,
    /// A reply to one of the bot's messages, which mentions the bot without
    /// naming it: answered only when it asks something.
    ReplyToBot,
    /// Any other guild message; `listening` when the channel is one where
    /// the bot answers unprompted.
    Channel { listening: bool },
}

/// The facts about a message that decide whether it is answered.
#[derive(Debug, Clone, Copy)]
pub struct Incoming<'a> {
    pub from_bot: bool,
    pub from_webhook: bool,
    pub from_self: bool,
    pub origin: Origin,
    /// The text with the bot's mention removed.
    pub text: &'a str,
}

/// What to do with a message.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Ignore,
    Answer(Hit),
    /// "Did you mean…" with these.
    Suggest(Vec<Hit>),
    /// A short pointer to `/ask`.
    Hint,
}

/// Decides, given what the matcher says of the text: its verdict, and
/// whether it reads as a question ([`crate::matcher::Matcher::ask_message`]).
/// `ask` is called only when the message may be answered, and told whether
/// only a question's verdict is of use.
pub fn decide(msg: &Incoming<'_>, ask: impl FnOnce(&str, Need) -> (Verdict, bool)) -> Action {
    if msg.from_bot || msg.from_webhook || msg.from_self {
        return Action::Ignore;
    }
    match msg.origin {
        Origin::Channel { listening: false } => Action::Ignore,
        // Unprompted: only what reads as a question, only when sure, never
        // suggestions. Chatter in the channel is not ours.
        Origin::Channel { listening: true } => match ask(msg.text, Need::Question) {
            (Verdict::Answer { hit, .. }, true) => Action::Answer(hit),
            _ => Action::Ignore,
        },
        Origin::Dm | Origin::Mention => match ask(msg.text, Need::Verdict).0 {
            Verdict::Answer { hit, .. } => Action::Answer(hit),
            Verdict::Suggest(hits) => Action::Suggest(hits),
            Verdict::Silent => Action::Hint,
        },
        // "thanks, that helps!" under the bot's answer asks nothing: no
        // answer, no hint. A real follow-up question is answered, or gets
        // suggestions.
        Origin::ReplyToBot => match ask(msg.text, Need::Question) {
            (Verdict::Answer { hit, .. }, true) => Action::Answer(hit),
            (Verdict::Suggest(hits), true) => Action::Suggest(hits),
            _ => Action::Ignore,
        },
    }
}

/// The matcher's verdict read at a guild's own answer threshold: an answer
/// below it becomes suggestions, suggestions that reach it an answer. The
/// suggestion floor stays the matcher's.
pub fn at_threshold(verdict: Verdict, answer: f32) -> Verdict {
    match verdict {
        Verdict::Answer { hit, related } if hit.score < answer => Verdict::Suggest(
            std::iter::once(hit)
                .chain(related)
                .take(MAX_SUGGESTIONS)
                .collect(),
        ),
        Verdict::Suggest(hits) if hits.first().is_some_and(|h| h.score >= answer) => {
            let mut hits = hits.into_iter();
            match hits.next() {
                Some(hit) => Verdict::Answer {
                    hit,
                    related: hits.collect(),
                },
                None => Verdict::Silent,
            }
        }
        v => v,
    }
}

/// `"<@42> what is an MLE"` → `"what is an MLE"` for bot id 42.
pub fn strip_mention(text: &str, bot: u64) -> String {
    text.replace(&format!("<@{bot}>"), " ")
        .replace(&format!("<@!{bot}>"), " ")
        .trim()
        .to_owned()
}

/// Why an answer was held back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Held {
    /// This entry was posted in this channel moments ago.
    Cooldown,
    /// This person has had their share of answers this minute.
    UserLimit,
}

/// Keeps the bot from flooding a channel: the same entry at most once per
/// channel per `cooldown`, and at most `per_user` answers a minute caused by
/// one person.
#[derive(Debug)]
pub struct AntiSpam {
    cooldown: Duration,
    per_user: usize,
    posted: HashMap<(u64, String), Instant>,
    by_user: HashMap<u64, VecDeque<Instant>>,
}

/// The cooldown per channel and entry, unless a server sets its own.
pub const DEFAULT_COOLDOWN: Duration = Duration::from_mins(1);

/// The window of the per-user limit.
const USER_WINDOW: Duration = Duration::from_mins(1);

/// Past this many remembered posts, old ones are forgotten (bounded memory
/// in a busy server).
const MEMORY: usize = 10_000;

impl Default for AntiSpam {
    /// 60 s per entry and channel; 3 answers a minute per person.
    fn default() -> AntiSpam {
        AntiSpam::new(DEFAULT_COOLDOWN, 3)
    }
}

impl AntiSpam {
    pub fn new(cooldown: Duration, per_user: usize) -> AntiSpam {
        AntiSpam {
            cooldown,
            per_user,
            posted: HashMap::new(),
            by_user: HashMap::new(),
        }
    }

    /// May `user` make the bot post `entry` in `channel` at `now`? When yes,
    /// the post is counted. DMs skip the per-channel cooldown: they are one
    /// person's conversation.
    pub fn admit(
        &mut self,
        now: Instant,
        channel: u64,
        dm: bool,
        user: u64,
        entry: &str,
    ) -> Result<(), Held> {
        self.admit_with(now, channel, dm, user, entry, self.cooldown)
    }

    /// [`AntiSpam::admit`] with a guild's own cooldown per channel and entry.
    pub fn admit_with(
        &mut self,
        now: Instant,
        channel: u64,
        dm: bool,
        user: u64,
        entry: &str,
        cooldown: Duration,
    ) -> Result<(), Held> {
        if !dm {
            if let Some(at) = self.posted.get(&(channel, entry.to_owned())) {
                if now.saturating_duration_since(*at) < cooldown {
                    return Err(Held::Cooldown);
                }
            }
        }
        let times = self.by_user.entry(user).or_default();
        while times
            .front()
            .is_some_and(|t| now.saturating_duration_since(*t) >= USER_WINDOW)
        {
            times.pop_front();
        }
        if times.len() >= self.per_user {
            return Err(Held::UserLimit);
        }
        times.push_back(now);
        if !dm {
            self.posted.insert((channel, entry.to_owned()), now);
        }
        if self.posted.len() > MEMORY || self.by_user.len() > MEMORY {
            let (cooldown, window) = (self.cooldown, USER_WINDOW);
            self.posted
                .retain(|_, at| now.saturating_duration_since(*at) < cooldown);
            self.by_user.retain(|_, t| {
                t.back()
                    .is_some_and(|last| now.saturating_duration_since(*last) < window)
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(origin: Origin, text: &str) -> Incoming<'_> {
        Incoming {
            from_bot: false,
            from_webhook: false,
            from_self: false,
            origin,
            text,
        }
    }

    const HIT: Hit = Hit {
        entry: 0,
        score: 0.9,
    };

    fn answered() -> Verdict {
        Verdict::Answer {
            hit: HIT,
            related: vec![],
        }
    }

    /// The matcher's reply: a verdict, and whether the text reads as a
    /// question.
    fn asked(verdict: Verdict, question: bool) -> impl FnOnce(&str, Need) -> (Verdict, bool) {
        move |_, _| (verdict, question)
    }

    #[test]
    fn bots_webhooks_and_itself_are_never_answered() {
        for (bot, hook, me) in [
            (true, false, false),
            (false, true, false),
            (false, false, true),
        ] {
            let m = Incoming {
                from_bot: bot,
                from_webhook: hook,
                from_self: me,
                ..msg(Origin::Dm, "what is an mle?")
            };
            assert_eq!(decide(&m, asked(answered(), true)), Action::Ignore);
        }
    }

    #[test]
    fn unprompted_only_in_listening_channels_only_questions_only_answers() {
        let quiet = Origin::Channel { listening: false };
        let listening = Origin::Channel { listening: true };
        assert_eq!(
            decide(&msg(quiet, "what is an mle?"), asked(answered(), true)),
            Action::Ignore
        );
        assert_eq!(
            decide(&msg(listening, "what is an mle?"), asked(answered(), true)),
            Action::Answer(HIT)
        );
        assert_eq!(
            decide(&msg(listening, "I like MLEs"), asked(answered(), false)),
            Action::Ignore
        );
        assert_eq!(
            decide(
                &msg(listening, "mle?"),
                asked(Verdict::Suggest(vec![HIT]), true)
            ),
            Action::Ignore
        );
    }

    /// Unprompted, only a question's verdict is of use, so the matcher may
    /// skip the rest; a DM or a mention is answered either way.
    #[test]
    fn only_what_is_answered_whatever_it_reads_as_needs_a_full_verdict() {
        let need = |origin| {
            let mut told = None;
            decide(&msg(origin, "so anyway"), |_, need| {
                told = Some(need);
                (Verdict::Silent, false)
            });
            told
        };
        assert_eq!(
            need(Origin::Channel { listening: true }),
            Some(Need::Question)
        );
        assert_eq!(need(Origin::ReplyToBot), Some(Need::Question));
        assert_eq!(need(Origin::Dm), Some(Need::Verdict));
        assert_eq!(need(Origin::Mention), Some(Need::Verdict));
        assert_eq!(need(Origin::Channel { listening: false }), None);
    }

    #[test]
    fn dms_and_mentions_get_answers_suggestions_or_a_hint() {
        assert_eq!(
            decide(&msg(Origin::Dm, "mle salary"), asked(answered(), false)),
            Action::Answer(HIT)
        );
        assert_eq!(
            decide(
                &msg(Origin::Mention, "models"),
                asked(Verdict::Suggest(vec![HIT]), false)
            ),
            Action::Suggest(vec![HIT])
        );
        assert_eq!(
            decide(
                &msg(Origin::Mention, "pizza"),
                asked(Verdict::Silent, false)
            ),
            Action::Hint
        );
    }

    #[test]
    fn a_reply_to_the_bot_that_asks_nothing_gets_nothing() {
        let reply = |text| msg(Origin::ReplyToBot, text);
        assert_eq!(
            decide(&reply("thanks!"), asked(Verdict::Silent, false)),
            Action::Ignore
        );
        assert_eq!(
            decide(&reply("thanks, that helps!"), asked(answered(), false)),
            Action::Ignore
        );
        assert_eq!(
            decide(&reply("ok cool"), asked(Verdict::Suggest(vec![HIT]), false)),
            Action::Ignore
        );
        assert_eq!(
            decide(
                &reply("and what about models?"),
                asked(Verdict::Suggest(vec![HIT]), true)
            ),
            Action::Suggest(vec![HIT])
        );
        assert_eq!(
            decide(&reply("mle salary"), asked(answered(), true)),
            Action::Answer(HIT)
        );
    }

    #[test]
    fn a_guild_threshold_moves_the_line_between_answer_and_suggestions() {
        let low = Hit {
            entry: 1,
            score: 0.5,
        };
        let answer = Verdict::Answer {
            hit: HIT,
            related: vec![low],
        };
        assert_eq!(
            at_threshold(answer.clone(), 0.95),
            Verdict::Suggest(vec![HIT, low])
        );
        assert_eq!(at_threshold(answer.clone(), 0.6), answer);
        assert_eq!(
            at_threshold(Verdict::Suggest(vec![low]), 0.4),
            Verdict::Answer {
                hit: low,
                related: vec![]
            }
        );
        assert_eq!(at_threshold(Verdict::Silent, 0.0), Verdict::Silent);
    }

    #[test]
    fn mentions_of_the_bot_are_stripped() {
        assert_eq!(strip_mention("<@42> what is an MLE", 42), "what is an MLE");
        assert_eq!(strip_mention("hey <@!42>", 42), "hey");
        assert_eq!(strip_mention("<@7> hi", 42), "<@7> hi");
    }

    #[test]
    fn the_same_entry_waits_out_its_cooldown_per_channel() {
        let mut s = AntiSpam::default();
        let t0 = Instant::now();
        assert_eq!(s.admit(t0, 1, false, 10, "a"), Ok(()));
        assert_eq!(
            s.admit(t0 + Duration::from_secs(5), 1, false, 11, "a"),
            Err(Held::Cooldown)
        );
        assert_eq!(
            s.admit(t0 + Duration::from_secs(5), 2, false, 11, "a"),
            Ok(()),
            "another channel"
        );
        assert_eq!(
            s.admit(t0 + Duration::from_secs(61), 1, false, 12, "a"),
            Ok(()),
            "after the cooldown"
        );
    }

    #[test]
    fn one_person_gets_a_few_answers_a_minute() {
        let mut s = AntiSpam::default();
        let t0 = Instant::now();
        for (i, e) in ["a", "b", "c"].iter().enumerate() {
            assert_eq!(
                s.admit(t0 + Duration::from_secs(i as u64), 1, false, 10, e),
                Ok(())
            );
        }
        assert_eq!(
            s.admit(t0 + Duration::from_secs(4), 1, false, 10, "d"),
            Err(Held::UserLimit)
        );
        assert_eq!(
            s.admit(t0 + Duration::from_secs(4), 1, false, 11, "d"),
            Ok(()),
            "someone else"
        );
        assert_eq!(
            s.admit(t0 + Duration::from_secs(61), 1, false, 10, "e"),
            Ok(()),
            "a minute later"
        );
    }

    #[test]
    fn dms_skip_the_channel_cooldown() {
        let mut s = AntiSpam::default();
        let t0 = Instant::now();
        assert_eq!(s.admit(t0, 9, true, 10, "a"), Ok(()));
        assert_eq!(s.admit(t0, 9, true, 10, "a"), Ok(()));
    }
}
