-- Bot-wide key/value state, e.g. the hash of the last synced command tree.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Per-server settings that moderators change with commands.
CREATE TABLE guild_settings (
    guild_id           INTEGER PRIMARY KEY,
    moderator_role_ids TEXT NOT NULL DEFAULT '[]',  -- JSON list of role ids that count as moderators
    updated_at         TEXT NOT NULL
);
