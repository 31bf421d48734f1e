-- PostgreSQL twin of sqlite/0009_cooldowns.sql.
CREATE TABLE member_cooldowns (
    user_id      BIGINT  NOT NULL,
    bucket       TEXT    NOT NULL,
    window_start TEXT    NOT NULL,
    uses         INTEGER NOT NULL,
    PRIMARY KEY (user_id, bucket)
);
CREATE INDEX member_cooldowns_age ON member_cooldowns (window_start);
