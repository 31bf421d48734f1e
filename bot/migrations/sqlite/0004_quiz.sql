-- The quiz (issue #5). One row per quiz a member starts; the questions it asks, their shuffled option
-- order and what they were worth are fixed at the start in `plan`, so a restart or a knowledge reload
-- shows the member the same quiz.
CREATE TABLE quiz_sessions (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id          INTEGER NOT NULL,
    guild_id         INTEGER,          -- server where /quiz start was used (leaderboard); NULL in DMs and the shell
    theme            TEXT,             -- NULL: all themes
    plan             TEXT NOT NULL,    -- JSON list of {"question", "theme", "points", "order"}
    position         INTEGER NOT NULL DEFAULT 0,  -- index in plan of the question on screen
    status           TEXT NOT NULL DEFAULT 'active'
                     CHECK (status IN ('active', 'finished', 'quit', 'expired', 'abandoned')),
    score            INTEGER NOT NULL DEFAULT 0,  -- points, set when the quiz ends
    started_at       TEXT NOT NULL,
    last_activity_at TEXT NOT NULL,
    ended_at         TEXT
);

-- One quiz at a time per member, enforced by the database rather than by a check-then-insert race.
CREATE UNIQUE INDEX quiz_sessions_one_active ON quiz_sessions (user_id) WHERE status = 'active';
CREATE INDEX quiz_sessions_expiry ON quiz_sessions (status, last_activity_at);
CREATE INDEX quiz_sessions_guild ON quiz_sessions (guild_id, user_id);

-- One row per question answered or skipped. The primary key makes an answer count once, however many
-- times the button is clicked (the second insert is ignored).
CREATE TABLE quiz_answers (
    session_id  INTEGER NOT NULL REFERENCES quiz_sessions (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    question_id TEXT NOT NULL,
    theme       TEXT NOT NULL,
    points      INTEGER NOT NULL,  -- what a right answer earned (0 when wrong or skipped)
    chosen      INTEGER,           -- index of the picked option in the question's file order; NULL if skipped
    outcome     TEXT NOT NULL CHECK (outcome IN ('right', 'wrong', 'skipped')),
    answered_at TEXT NOT NULL,
    PRIMARY KEY (session_id, position)
);

CREATE INDEX quiz_answers_history ON quiz_answers (user_id, question_id, answered_at);
