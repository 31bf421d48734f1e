-- /ask: which entries get asked (for /kb stats), helpful votes, and questions without a curated answer.

-- One row per answered question. No user id: "most asked" needs only the entry and the server.
CREATE TABLE ask_log (
    id       INTEGER PRIMARY KEY,
    entry_id TEXT    NOT NULL,
    guild_id INTEGER,            -- NULL outside a server (DMs, the local shell)
    asked_at TEXT    NOT NULL    -- ISO-8601 UTC
);
CREATE INDEX ask_log_by_guild ON ask_log (guild_id, entry_id);

-- "Helpful? yes / no" under an answer. One vote per member per entry per answer message; voting again
-- changes it. Holds a user_id, so /privacy forget deletes a member's votes.
CREATE TABLE helpful_votes (
    user_id    INTEGER NOT NULL,
    entry_id   TEXT    NOT NULL,
    message_id INTEGER NOT NULL,
    guild_id   INTEGER,
    helpful    INTEGER NOT NULL CHECK (helpful IN (0, 1)),
    voted_at   TEXT    NOT NULL,
    PRIMARY KEY (user_id, entry_id, message_id)
);
CREATE INDEX helpful_votes_by_guild ON helpful_votes (guild_id, entry_id);

-- Questions search could not answer, for moderators to write entries from (/kb gaps). Deliberately no
-- user id; pruned after ask.unanswered_retention_days.
CREATE TABLE unanswered_questions (
    id         INTEGER PRIMARY KEY,
    normalised TEXT    NOT NULL,  -- lower-case words only, so "Who owns X??" and "who owns x" count together
    question   TEXT    NOT NULL,
    guild_id   INTEGER,
    asked_at   TEXT    NOT NULL
);
CREATE INDEX unanswered_by_guild ON unanswered_questions (guild_id, normalised);
CREATE INDEX unanswered_by_time ON unanswered_questions (asked_at);
