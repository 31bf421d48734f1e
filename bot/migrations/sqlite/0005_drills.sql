-- Daily interview drills: one schedule per server, a post ledger, and members' practice answers.

-- The schedule moderators set with /drills setup. Times are wall-clock in `timezone`; the poster turns
-- them into UTC instants per local date (bot/drills/schedule.py).
CREATE TABLE drill_schedules (
    guild_id      INTEGER PRIMARY KEY,
    channel_id    INTEGER NOT NULL,
    local_time    TEXT NOT NULL,               -- 'HH:MM'
    timezone      TEXT NOT NULL,               -- IANA name, e.g. 'Europe/Berlin'
    days          INTEGER NOT NULL,            -- bit 0 = Monday ... bit 6 = Sunday
    ping_role_id  INTEGER,                     -- role mentioned with each drill; NULL = no ping
    threads       INTEGER NOT NULL DEFAULT 1,  -- 1 = open a discussion thread on each drill
    paused        INTEGER NOT NULL DEFAULT 0,
    paused_reason TEXT,                        -- why: a moderator paused it, or what the bot lost
    active_since  TEXT NOT NULL,               -- occurrences before this UTC instant are never posted
    updated_at    TEXT NOT NULL
);

-- Who set the schedule up: told (DM, else the system channel) when the schedule pauses itself. Kept
-- apart from the schedule so /privacy forget removes the person, not the server's schedule.
CREATE TABLE drill_schedule_contacts (
    guild_id INTEGER PRIMARY KEY REFERENCES drill_schedules (guild_id) ON DELETE CASCADE,
    user_id  INTEGER NOT NULL
);

-- The post ledger: at most one row per server and local date, inserted (claimed) in a transaction
-- BEFORE anything is sent. claimed -> posted | failed; skipped (moderator) and missed (bot was down
-- past the grace window) rows hold the date without a post. The nonce is sent with enforce_nonce so a
-- re-send after a crash returns the message that already went out instead of posting a second one.
CREATE TABLE drill_posts (
    id            INTEGER PRIMARY KEY,
    guild_id      INTEGER NOT NULL,
    local_date    TEXT NOT NULL,               -- 'YYYY-MM-DD' in the schedule's time zone
    status        TEXT NOT NULL CHECK (status IN ('claimed', 'posted', 'failed', 'skipped', 'missed')),
    drill_id      TEXT,                        -- NULL for skipped and missed dates
    cycle         INTEGER NOT NULL DEFAULT 0,  -- no drill repeats within a cycle; a new one starts when the bank is used up
    nonce         TEXT,
    channel_id    INTEGER,
    message_id    INTEGER,
    thread_id     INTEGER,
    scheduled_for TEXT NOT NULL,               -- the occurrence (UTC); claim time for /drills post-now
    claimed_at    TEXT NOT NULL,
    finished_at   TEXT,
    detail        TEXT,                        -- why it failed, was skipped or missed
    UNIQUE (guild_id, local_date)
);

CREATE INDEX drill_posts_status ON drill_posts (status);
CREATE INDEX drill_posts_cycle ON drill_posts (guild_id, cycle);

-- Practice answers and the feedback they got. post_id is set for answers to a scheduled post (they
-- count towards streaks), NULL for /drill on demand and the shell.
CREATE TABLE drill_answers (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL,
    guild_id   INTEGER,
    drill_id   TEXT NOT NULL,
    post_id    INTEGER REFERENCES drill_posts (id) ON DELETE SET NULL,
    answer     TEXT NOT NULL,
    rating     TEXT NOT NULL CHECK (rating IN ('strong', 'mixed', 'weak')),
    feedback   TEXT NOT NULL,                  -- JSON, the shape `pmpo-bot drill score --json` prints
    created_at TEXT NOT NULL
);

CREATE INDEX drill_answers_member ON drill_answers (guild_id, user_id, post_id);
CREATE INDEX drill_answers_week ON drill_answers (guild_id, created_at);
