-- The job ad behind a posting check (/check posting, "Check this job post"), kept only while it is needed.
-- A row belongs to an open check (session_id) and is deleted when that check ends, is abandoned or
-- expires; the answers and the verdict stay in check_sessions like any check's. A row without a session
-- is an ad waiting while the member decides what to do with a check they already had open; it goes
-- when they decide, or after check.session_ttl_hours. The text may be someone else's message: nothing
-- about its author is stored, and it is never kept longer than this.
CREATE TABLE check_postings (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL,          -- the member checking the ad (not its author)
    session_id  INTEGER UNIQUE REFERENCES check_sessions (id) ON DELETE CASCADE,  -- NULL while waiting
    ad_text     TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE INDEX check_postings_user ON check_postings (user_id);
