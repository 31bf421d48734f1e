-- The mock interview (issue #17). One row per session a member starts; the drills it asks and why each
-- was chosen are fixed at the start in `plan`, so a restart or a knowledge reload shows the same session.
-- Steps: 2*i is drill i's question, 2*i+1 its follow-up (bot/interview/engine.py).
CREATE TABLE interview_sessions (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id          INTEGER NOT NULL,
    guild_id         INTEGER,          -- server where /interview start was used; NULL in DMs and the shell
    theme            TEXT,             -- NULL: drills from every theme
    plan             TEXT NOT NULL,    -- JSON list of {"drill", "reason"}
    step             INTEGER NOT NULL DEFAULT 0,  -- the step on screen
    status           TEXT NOT NULL DEFAULT 'active'
                     CHECK (status IN ('active', 'finished', 'quit', 'expired', 'abandoned')),
    started_at       TEXT NOT NULL,
    last_activity_at TEXT NOT NULL,
    ended_at         TEXT
);

-- One session at a time per member, enforced by the database rather than by a check-then-insert race.
CREATE UNIQUE INDEX interview_sessions_one_active ON interview_sessions (user_id) WHERE status = 'active';
CREATE INDEX interview_sessions_expiry ON interview_sessions (status, last_activity_at);

-- One row per answered step, with the feedback it got. The primary key makes an answer count once,
-- however many times the form is submitted.
CREATE TABLE interview_answers (
    session_id  INTEGER NOT NULL REFERENCES interview_sessions (id) ON DELETE CASCADE,
    step        INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    drill_id    TEXT NOT NULL,
    follow_up   INTEGER,           -- index of the follow-up in the drill; NULL for the drill's question
    answer      TEXT NOT NULL,
    rating      TEXT NOT NULL CHECK (rating IN ('strong', 'mixed', 'weak')),
    feedback    TEXT NOT NULL,     -- JSON, the shape `pmpo-bot drill score --json` prints
    answered_at TEXT NOT NULL,
    PRIMARY KEY (session_id, step)
);

CREATE INDEX interview_answers_member ON interview_answers (user_id, answered_at);
