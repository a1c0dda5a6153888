-- +goose Up
-- Shared spaces of a site (resources), their rules, and bookings that can
-- never overlap. Every table carries site_id, and every constraint that must
-- hold across rows includes it, so that distributing by site (Citus) keeps a
-- resource's bookings and their exclusion constraint on one shard.

CREATE TABLE resources (
    id                    bigserial PRIMARY KEY,
    site_id               bigint NOT NULL REFERENCES sites (id),
    name                  text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    kind                  text NOT NULL CHECK (kind IN ('guest_room', 'workshop', 'common_kitchen', 'laundry', 'car', 'other')),
    description           text NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
    -- Rules. Zero means "no such rule": a resource created without rules
    -- accepts a booking of any length from any member.
    min_minutes           int  NOT NULL DEFAULT 0 CHECK (min_minutes BETWEEN 0 AND 44640),
    max_minutes           int  NOT NULL DEFAULT 0 CHECK (max_minutes BETWEEN 0 AND 44640),
    horizon_days          int  NOT NULL DEFAULT 0 CHECK (horizon_days BETWEEN 0 AND 730),
    weekly_quota_bookings int  NOT NULL DEFAULT 0 CHECK (weekly_quota_bookings BETWEEN 0 AND 1000),
    weekly_quota_minutes  int  NOT NULL DEFAULT 0 CHECK (weekly_quota_minutes BETWEEN 0 AND 10080),
    buffer_minutes        int  NOT NULL DEFAULT 0 CHECK (buffer_minutes BETWEEN 0 AND 1440),
    approval_required     boolean NOT NULL DEFAULT false,
    who_may_book          text NOT NULL DEFAULT 'members' CHECK (who_may_book IN ('residents', 'members')),
    created_at            timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT resources_site_name_key UNIQUE (site_id, name),
    CONSTRAINT resources_site_id_id_key UNIQUE (site_id, id),
    CONSTRAINT resources_length_check CHECK (min_minutes = 0 OR max_minutes = 0 OR min_minutes <= max_minutes)
);

-- Opening hours: at most one window per weekday, in minutes after local
-- midnight of the site's zone (closes = 1440 means midnight at the end of the
-- day). A resource with no rows is open around the clock; once it has rows, a
-- weekday without one is closed.
CREATE TABLE resource_hours (
    site_id     bigint   NOT NULL,
    resource_id bigint   NOT NULL,
    weekday     smallint NOT NULL CHECK (weekday BETWEEN 0 AND 6), -- 0 = Sunday
    opens       smallint NOT NULL CHECK (opens BETWEEN 0 AND 1439),
    closes      smallint NOT NULL CHECK (closes BETWEEN 1 AND 1440),
    PRIMARY KEY (site_id, resource_id, weekday),
    FOREIGN KEY (site_id, resource_id) REFERENCES resources (site_id, id) ON DELETE CASCADE,
    CONSTRAINT resource_hours_order_check CHECK (opens < closes)
);

-- Blackouts close a resource for a while (maintenance, a site event).
CREATE TABLE resource_blackouts (
    id          bigserial PRIMARY KEY,
    site_id     bigint    NOT NULL,
    resource_id bigint    NOT NULL,
    during      tstzrange NOT NULL,
    reason      text      NOT NULL DEFAULT '' CHECK (length(reason) <= 500),
    created_by  bigint    REFERENCES members (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (site_id, resource_id) REFERENCES resources (site_id, id) ON DELETE CASCADE,
    CONSTRAINT resource_blackouts_during_check CHECK (
        NOT isempty(during) AND lower_inc(during) AND NOT upper_inc(during)
        AND NOT lower_inf(during) AND NOT upper_inf(during))
);
CREATE INDEX resource_blackouts_during_idx ON resource_blackouts USING gist (resource_id, during);

-- A recurring booking: the rule it was made from. Its occurrences are
-- ordinary bookings that point back here.
CREATE TABLE booking_series (
    id          bigserial PRIMARY KEY,
    site_id     bigint NOT NULL,
    resource_id bigint NOT NULL,
    member_id   bigint NOT NULL REFERENCES members (id),
    rrule       text   NOT NULL CHECK (length(rrule) BETWEEN 1 AND 500),
    first_during tstzrange NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (site_id, resource_id) REFERENCES resources (site_id, id),
    CONSTRAINT booking_series_site_id_id_key UNIQUE (site_id, id)
);

-- A booking holds `during` ([start, end), half-open) and blocks `blocks`,
-- which is `during` extended by the resource's buffer: two active bookings
-- whose blocked ranges overlap are refused by the database itself, so a
-- buffer separates any two bookings whichever is made first.
--
-- Status: pending (waits for a coordinator, holds its slot), confirmed,
-- offered (a freed slot held for the first member of the waitlist until
-- offer_expires_at), and the inactive ends declined, cancelled, lapsed.
CREATE TABLE bookings (
    id               bigserial PRIMARY KEY,
    site_id          bigint    NOT NULL,
    resource_id      bigint    NOT NULL,
    member_id        bigint    NOT NULL REFERENCES members (id),
    during           tstzrange NOT NULL,
    blocks           tstzrange NOT NULL,
    status           text      NOT NULL CHECK (status IN ('pending', 'confirmed', 'offered', 'declined', 'cancelled', 'lapsed')),
    series_id        bigint,
    offer_expires_at timestamptz,
    note             text      NOT NULL DEFAULT '' CHECK (length(note) <= 500),
    decided_by       bigint    REFERENCES members (id),
    decided_at       timestamptz,
    cancelled_by     bigint    REFERENCES members (id),
    cancelled_at     timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (site_id, resource_id) REFERENCES resources (site_id, id),
    FOREIGN KEY (site_id, series_id) REFERENCES booking_series (site_id, id),
    CONSTRAINT bookings_during_check CHECK (
        NOT isempty(during) AND lower_inc(during) AND NOT upper_inc(during)
        AND NOT lower_inf(during) AND NOT upper_inf(during)),
    CONSTRAINT bookings_blocks_check CHECK (
        lower(blocks) = lower(during) AND upper(blocks) >= upper(during)
        AND lower_inc(blocks) AND NOT upper_inc(blocks)),
    CONSTRAINT bookings_offer_check CHECK (status <> 'offered' OR offer_expires_at IS NOT NULL),
    CONSTRAINT bookings_no_overlap EXCLUDE USING gist (
        site_id WITH =, resource_id WITH =, blocks WITH &&)
        WHERE (status IN ('pending', 'confirmed', 'offered'))
);
CREATE INDEX bookings_member_idx ON bookings (member_id, lower(during));
CREATE INDEX bookings_offered_idx ON bookings (offer_expires_at) WHERE status = 'offered';
CREATE INDEX bookings_pending_idx ON bookings (site_id, lower(during)) WHERE status = 'pending';
CREATE INDEX bookings_series_idx ON bookings (series_id) WHERE series_id IS NOT NULL;

-- A booking's time, resource and member never change, and it only moves
-- forward through its statuses: a cancelled booking cannot come back to life
-- behind the exclusion constraint's back.
-- +goose StatementBegin
CREATE FUNCTION bookings_guard_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.during <> OLD.during OR NEW.blocks <> OLD.blocks OR NEW.resource_id <> OLD.resource_id
       OR NEW.site_id <> OLD.site_id OR NEW.member_id <> OLD.member_id THEN
        RAISE EXCEPTION 'a booking''s time, resource and member cannot change'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'bookings_immutable';
    END IF;
    IF NEW.status <> OLD.status AND NOT (
           (OLD.status = 'pending'   AND NEW.status IN ('confirmed', 'declined', 'cancelled'))
        OR (OLD.status = 'confirmed' AND NEW.status = 'cancelled')
        OR (OLD.status = 'offered'   AND NEW.status IN ('pending', 'confirmed', 'cancelled', 'lapsed'))) THEN
        RAISE EXCEPTION 'a booking cannot go from % to %', OLD.status, NEW.status
            USING ERRCODE = 'check_violation', CONSTRAINT = 'bookings_status_flow';
    END IF;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER bookings_guard_update BEFORE UPDATE ON bookings
    FOR EACH ROW EXECUTE FUNCTION bookings_guard_update();

-- Bookings are history (usage, fairness of the peak lottery): they are
-- cancelled, never deleted.
-- +goose StatementBegin
CREATE FUNCTION bookings_refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'bookings are cancelled, never deleted'
        USING ERRCODE = 'check_violation', CONSTRAINT = 'bookings_no_delete';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER bookings_no_delete BEFORE DELETE ON bookings
    FOR EACH ROW EXECUTE FUNCTION bookings_refuse_delete();

-- The waitlist: members waiting for a taken slot. When the slot is freed, the
-- first entry (by created_at) whose slot fits gets an offered booking.
CREATE TABLE waitlist_entries (
    id          bigserial PRIMARY KEY,
    site_id     bigint    NOT NULL,
    resource_id bigint    NOT NULL,
    member_id   bigint    NOT NULL REFERENCES members (id),
    wanted      tstzrange NOT NULL,
    status      text      NOT NULL DEFAULT 'waiting' CHECK (status IN ('waiting', 'offered', 'withdrawn')),
    offer_id    bigint    REFERENCES bookings (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (site_id, resource_id) REFERENCES resources (site_id, id),
    CONSTRAINT waitlist_entries_wanted_check CHECK (
        NOT isempty(wanted) AND lower_inc(wanted) AND NOT upper_inc(wanted)
        AND NOT lower_inf(wanted) AND NOT upper_inf(wanted)),
    CONSTRAINT waitlist_entries_offer_check CHECK ((status = 'offered') = (offer_id IS NOT NULL))
);
CREATE UNIQUE INDEX waitlist_entries_once_key ON waitlist_entries (site_id, resource_id, member_id, wanted)
    WHERE status = 'waiting';
CREATE INDEX waitlist_entries_waiting_idx ON waitlist_entries USING gist (resource_id, wanted)
    WHERE status = 'waiting';
CREATE INDEX waitlist_entries_member_idx ON waitlist_entries (member_id);

-- +goose Down
DROP TABLE waitlist_entries;
DROP TABLE bookings;
DROP FUNCTION bookings_guard_update();
DROP FUNCTION bookings_refuse_delete();
DROP TABLE booking_series;
DROP TABLE resource_blackouts;
DROP TABLE resource_hours;
DROP TABLE resources;
