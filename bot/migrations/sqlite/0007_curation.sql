-- Curation (/kb gaps actions, /kb history, /kb undo): the signals members give after an unanswered
-- question, the gaps moderators already handled, and the knowledge edits made from Discord.

-- A member's question got no answer, and that member opened one of the suggested entries. What followed
-- makes the pairing a candidate example question for the entry: a "Helpful? Yes" vote, or no further
-- question for a while. Holds the member's id (the next question is theirs), so /privacy forget deletes it.
CREATE TABLE suggestion_opens (
    id             INTEGER PRIMARY KEY,
    unanswered_id  INTEGER NOT NULL REFERENCES unanswered_questions (id) ON DELETE CASCADE,
    entry_id       TEXT    NOT NULL,
    user_id        INTEGER NOT NULL,
    opened_at      TEXT    NOT NULL,  -- ISO-8601 UTC
    helpful        INTEGER CHECK (helpful IN (0, 1)),  -- NULL: no vote on the opened entry
    next_asked_at  TEXT,              -- when the member next asked anything after opening it; NULL: not yet
    UNIQUE (unanswered_id, entry_id, user_id)
);
CREATE INDEX suggestion_opens_waiting ON suggestion_opens (user_id, next_asked_at);

-- The question a "Helpful? No" vote was about, so /kb stats can show what led to it. On the vote row, so
-- it goes with the vote (/privacy forget); cleared after ask.unanswered_retention_days like unanswered ones.
ALTER TABLE helpful_votes ADD COLUMN question TEXT;

-- Unanswered questions a moderator acted on (added as an example, marked not covered, drafted into an
-- entry, dismissed): they leave /kb gaps. Asked again later, a question comes back as a new row.
CREATE TABLE handled_questions (
    unanswered_id INTEGER PRIMARY KEY REFERENCES unanswered_questions (id) ON DELETE CASCADE,
    action        TEXT    NOT NULL,
    handled_at    TEXT    NOT NULL
);

-- Every knowledge edit made from Discord or `pmpo-bot kb add-question`, newest last: /kb history lists
-- them, /kb undo reverts the newest not yet reverted. `before_text` is the file as it was (restored by an
-- undo outside git); `after_sha256` tells whether the file is still as the edit left it. The moderator
-- is named as in the git commit the edit made, so the record is kept like the commit is (no user_id).
CREATE TABLE knowledge_edits (
    id           INTEGER PRIMARY KEY,
    made_at      TEXT    NOT NULL,
    guild_id     INTEGER,
    moderator_id INTEGER,
    moderator    TEXT    NOT NULL,
    action       TEXT    NOT NULL,  -- add-question | not-covered | new-topic | new-entry | undo
    file         TEXT    NOT NULL,  -- relative to the knowledge folder
    summary      TEXT    NOT NULL,
    before_text  TEXT    NOT NULL,
    after_sha256 TEXT    NOT NULL,
    commit_sha   TEXT,              -- NULL: not in git, or the commit failed (commit_note says why)
    commit_note  TEXT,
    reverts      INTEGER REFERENCES knowledge_edits (id),  -- an undo: the edit it reverted
    reverted_by  INTEGER REFERENCES knowledge_edits (id)   -- set on an edit once an undo reverted it
);
