-- PostgreSQL twin of sqlite/0001_foundation.sql: the same tables, Discord ids as BIGINT.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE guild_settings (
    guild_id           BIGINT PRIMARY KEY,
    moderator_role_ids TEXT NOT NULL DEFAULT '[]',
    updated_at         TEXT NOT NULL
);
