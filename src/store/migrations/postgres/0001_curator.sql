-- The curator loop: feedback votes, unanswered questions, per-server settings, and the
-- shared values every process reads (the vote salt, the FAQ reload generation).

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE reload_generation (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    generation BIGINT NOT NULL
);
INSERT INTO reload_generation (id, generation) VALUES (1, 0);

-- One row per (person, answer): `voter` is a salted hash of both, never a user id.
CREATE TABLE votes (
    voter      TEXT PRIMARY KEY,
    message_id BIGINT NOT NULL,
    guild_id   BIGINT,
    entry_id   TEXT NOT NULL,
    helpful    BOOLEAN NOT NULL,
    voted_at   BIGINT NOT NULL
);
CREATE INDEX votes_by_entry ON votes (entry_id, guild_id);

-- Health data: kept only for servers that opted in, deleted at `expires_at`.
CREATE TABLE gaps (
    id          BIGSERIAL PRIMARY KEY,
    guild_id    BIGINT NOT NULL,
    channel_id  BIGINT NOT NULL,
    text        TEXT NOT NULL,
    reason      TEXT NOT NULL,
    candidates  TEXT NOT NULL,
    asked_at    BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);
CREATE INDEX gaps_by_guild ON gaps (guild_id);
CREATE INDEX gaps_by_expiry ON gaps (expires_at);

CREATE TABLE guild_settings (
    guild_id   BIGINT PRIMARY KEY,
    settings   TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
