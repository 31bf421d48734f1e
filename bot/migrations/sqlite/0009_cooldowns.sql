-- Command cooldowns, per member and command, in the database rather than in one process's memory: once
-- a server's shard moves to another bot process (or several processes serve one member's servers and
-- DMs) every process enforces the same limit. A row only matters for its window (seconds); holds a
-- user_id, so /privacy shows and forgets it.
CREATE TABLE member_cooldowns (
    user_id      INTEGER NOT NULL,
    bucket       TEXT    NOT NULL,  -- what is limited: a command's name
    window_start TEXT    NOT NULL,  -- ISO-8601 UTC, when the current window opened
    uses         INTEGER NOT NULL,  -- uses asked for in that window (refused ones too)
    PRIMARY KEY (user_id, bucket)
);
CREATE INDEX member_cooldowns_age ON member_cooldowns (window_start);
