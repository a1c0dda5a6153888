-- +goose Up
-- Members see and end their own sessions and API tokens, and a session
-- unused for a while ends on its own (the idle timeout), beside its
-- absolute expiry. A session gets an id, so that a page can name one
-- without showing the hash of its secret, and both remember when they were
-- last used and by which program.
ALTER TABLE sessions
    ADD COLUMN id           bigserial,
    ADD COLUMN last_used_at timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN user_agent   text NOT NULL DEFAULT '' CHECK (length(user_agent) <= 200),
    ADD CONSTRAINT sessions_id_key UNIQUE (id);

ALTER TABLE api_tokens
    ADD COLUMN last_used_at timestamptz,
    ADD COLUMN user_agent   text NOT NULL DEFAULT '' CHECK (length(user_agent) <= 200);
CREATE INDEX api_tokens_expires_at_idx ON api_tokens (expires_at);

-- When the password last changed: sessions and tokens from before it are
-- ended by the change itself; the date is shown on the account page.
ALTER TABLE members ADD COLUMN password_changed_at timestamptz;

-- +goose Down
ALTER TABLE members DROP COLUMN password_changed_at;
DROP INDEX api_tokens_expires_at_idx;
ALTER TABLE api_tokens DROP COLUMN user_agent, DROP COLUMN last_used_at;
ALTER TABLE sessions DROP CONSTRAINT sessions_id_key, DROP COLUMN user_agent, DROP COLUMN last_used_at, DROP COLUMN id;
