-- The three-question check: one row per check a member starts, from the first step to the verdict.
-- A member has at most one open check (the partial unique index); finished ones are their history.
CREATE TABLE check_sessions (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL,
    guild_id      INTEGER,               -- server where /check was run; NULL in DMs and the shell
    channel_id    INTEGER,               -- channel a verdict may be shared in; NULL in DMs and the shell
    step          INTEGER NOT NULL DEFAULT 0,  -- index of the question being asked
    answers       TEXT NOT NULL DEFAULT '{}',  -- JSON {question id: answer value}
    status        TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'abandoned', 'expired')),
    verdict_id    TEXT,                  -- set when done
    verdict_title TEXT,                  -- the title as shown then, so history survives content edits
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    finished_at   TEXT,
    shared_at     TEXT
);

CREATE UNIQUE INDEX check_sessions_one_open ON check_sessions (user_id) WHERE status = 'open';
CREATE INDEX check_sessions_history ON check_sessions (user_id, status, finished_at);
