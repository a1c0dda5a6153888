-- +goose Up
CREATE EXTENSION IF NOT EXISTS citext;
CREATE EXTENSION IF NOT EXISTS btree_gist;

-- A member is anyone who signs in. The cooperative-wide admin (the treasurer)
-- has role 'admin'; per-site coordination lives in site_coordinators.
CREATE TABLE members (
    id            bigserial PRIMARY KEY,
    email         citext NOT NULL,
    name          text   NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    password_hash text   NOT NULL,
    role          text   NOT NULL DEFAULT 'member' CHECK (role IN ('admin', 'member')),
    created_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT members_email_key UNIQUE (email),
    CONSTRAINT members_email_check CHECK (email ~ '^[^@\s]+@[^@\s]+$')
);

-- Browser sessions live in the database so that any number of stateless
-- servers can run behind a load balancer. Only a hash of the cookie is kept.
CREATE TABLE sessions (
    token_hash  bytea PRIMARY KEY,
    member_id   bigint NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL
);
CREATE INDEX sessions_member_id_idx ON sessions (member_id);
CREATE INDEX sessions_expires_at_idx ON sessions (expires_at);

-- API bearer tokens, stored hashed and revocable.
CREATE TABLE api_tokens (
    id           bigserial PRIMARY KEY,
    token_hash   bytea NOT NULL UNIQUE,
    member_id    bigint NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    revoked_at   timestamptz
);
CREATE INDEX api_tokens_member_id_idx ON api_tokens (member_id);

-- Short-lived shared state for middleware (CSRF tokens, rate-limit counters),
-- kept here rather than in memory so that every server sees the same values.
CREATE TABLE kv_store (
    key        text PRIMARY KEY,
    value      bytea NOT NULL,
    expires_at timestamptz
);

-- +goose Down
DROP TABLE kv_store;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE members;
