-- +goose Up
-- Calendar feeds: a secret URL per holder that calendar apps poll. Only the
-- SHA-256 of the token is kept, so a copy of the database does not open
-- anyone's calendar. A member holds at most one live link to their own
-- bookings (resource_id NULL) and one per resource; making a new link
-- revokes the old one.
CREATE TABLE calendar_feeds (
    id           bigserial PRIMARY KEY,
    token_hash   bytea  NOT NULL,
    member_id    bigint NOT NULL REFERENCES members (id),
    site_id      bigint,
    resource_id  bigint,
    created_at   timestamptz NOT NULL DEFAULT now(),
    revoked_at   timestamptz,
    last_used_at timestamptz,
    FOREIGN KEY (site_id, resource_id) REFERENCES resources (site_id, id),
    CONSTRAINT calendar_feeds_token_hash_key UNIQUE (token_hash),
    CONSTRAINT calendar_feeds_token_hash_check CHECK (length(token_hash) = 32),
    CONSTRAINT calendar_feeds_resource_check CHECK ((site_id IS NULL) = (resource_id IS NULL))
);
CREATE UNIQUE INDEX calendar_feeds_one_live_key ON calendar_feeds (member_id, coalesce(resource_id, 0))
    WHERE revoked_at IS NULL;

-- +goose Down
DROP TABLE calendar_feeds;
