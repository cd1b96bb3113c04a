-- faqbot's store: what the learning loop and the per-server settings need,
-- and nothing else (README, "What faqbot stores"). Portable SQL: the same
-- file migrates SQLite and PostgreSQL. Ids are Discord snowflakes (they fit
-- in a signed 64-bit integer); 0 stands for "no guild" (a DM). Days count
-- from 1970-01-01 UTC; times are Unix seconds. No user ids anywhere.

-- Questions the bot was put or heard, per guild, day, verdict and origin.
CREATE TABLE question_counts (
    guild_id BIGINT NOT NULL,
    day BIGINT NOT NULL,
    verdict TEXT NOT NULL,
    origin TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (guild_id, day, verdict, origin)
);

-- Answers posted, per guild, day and entry.
CREATE TABLE answer_counts (
    guild_id BIGINT NOT NULL,
    day BIGINT NOT NULL,
    entry_id TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (guild_id, day, entry_id)
);

-- One row per 👍 or 👎.
CREATE TABLE votes (
    guild_id BIGINT NOT NULL,
    channel_id BIGINT NOT NULL,
    at BIGINT NOT NULL,
    entry_id TEXT NOT NULL,
    helpful BIGINT NOT NULL
);
CREATE INDEX votes_at ON votes (at);

-- The texts of the review queue: questions not answered (kind "unanswered"),
-- listening-channel questions near an entry ("near"), answers voted down
-- ("unhelpful"). Capped at 600 characters before they are written.
CREATE TABLE review_texts (
    guild_id BIGINT NOT NULL,
    channel_id BIGINT NOT NULL,
    at BIGINT NOT NULL,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    entry_id TEXT
);
CREATE INDEX review_texts_at ON review_texts (at);

-- Questions a maintainer hid from the review queue (ignored, or accepted
-- as a phrasing), by their folded text (review::fold).
CREATE TABLE ignored_groups (
    label TEXT PRIMARY KEY,
    at BIGINT NOT NULL
);

-- Per-server settings; a NULL column falls back to the environment.
-- `channels` is a comma-separated list of channel ids.
CREATE TABLE guild_settings (
    guild_id BIGINT PRIMARY KEY,
    channels TEXT,
    unprompted BIGINT,
    answer_threshold DOUBLE PRECISION,
    cooldown_secs BIGINT,
    review_channel BIGINT,
    updated_at BIGINT NOT NULL
);

-- When each guild's review channel last got its daily notice.
CREATE TABLE review_notices (
    guild_id BIGINT PRIMARY KEY,
    at BIGINT NOT NULL
);
