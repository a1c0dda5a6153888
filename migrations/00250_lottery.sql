-- +goose Up
-- Fair allocation of scarce peak slots by a seeded, auditable draw.
--
-- Commit and reveal: a window is opened with a random 32-byte seed that the
-- server generates and keeps; only its SHA-256 is shown until the draw. The
-- schema makes the commitment binding (the seed can never change, and must
-- hash to the published value), freezes the slots when the window opens and
-- the requests when it closes, and keeps the draw's input and result
-- immutable once written.

CREATE TABLE lottery_windows (
    id               bigserial PRIMARY KEY,
    site_id          bigint NOT NULL,
    resource_id      bigint NOT NULL,
    title            text   NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
    description      text   NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
    slots_per_member int    NOT NULL DEFAULT 1 CHECK (slots_per_member BETWEEN 1 AND 31),
    opened_by        bigint NOT NULL REFERENCES members (id),
    opened_at        timestamptz NOT NULL DEFAULT now(),
    closes_at        timestamptz NOT NULL,
    status           text   NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'drawn', 'cancelled')),
    seed             bytea  NOT NULL,
    seed_hash        bytea  NOT NULL,
    drawn_at         timestamptz,
    drawn_by         bigint REFERENCES members (id),
    cancelled_at     timestamptz,
    FOREIGN KEY (site_id, resource_id) REFERENCES resources (site_id, id),
    CONSTRAINT lottery_windows_site_id_id_key UNIQUE (site_id, id),
    CONSTRAINT lottery_windows_seed_check CHECK (length(seed) = 32),
    CONSTRAINT lottery_windows_seed_commitment CHECK (seed_hash = sha256(seed)),
    CONSTRAINT lottery_windows_closes_check CHECK (closes_at > opened_at),
    CONSTRAINT lottery_windows_drawn_check CHECK ((status = 'drawn') = (drawn_at IS NOT NULL AND drawn_by IS NOT NULL)),
    CONSTRAINT lottery_windows_cancelled_check CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL))
);
CREATE INDEX lottery_windows_resource_idx ON lottery_windows (site_id, resource_id, closes_at);
CREATE INDEX lottery_windows_drawn_at_idx ON lottery_windows (drawn_at) WHERE status = 'drawn';

-- A window only moves forward (open → drawn or cancelled), is drawn only
-- after it closes, and never changes what it committed to.
-- +goose StatementBegin
CREATE FUNCTION lottery_windows_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'lottery windows are history and are never deleted'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'lottery_windows_no_delete';
    END IF;
    IF NEW.seed <> OLD.seed OR NEW.seed_hash <> OLD.seed_hash OR NEW.site_id <> OLD.site_id
       OR NEW.resource_id <> OLD.resource_id OR NEW.opened_at <> OLD.opened_at
       OR NEW.closes_at <> OLD.closes_at OR NEW.slots_per_member <> OLD.slots_per_member
       OR NEW.opened_by <> OLD.opened_by THEN
        RAISE EXCEPTION 'a lottery window''s seed, resource, closing time and share cannot change'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'lottery_windows_immutable';
    END IF;
    IF NEW.status <> OLD.status THEN
        IF OLD.status <> 'open' THEN
            RAISE EXCEPTION 'a % lottery window cannot change its status', OLD.status
                USING ERRCODE = 'check_violation', CONSTRAINT = 'lottery_windows_status_flow';
        END IF;
        IF NEW.status = 'drawn' AND now() < OLD.closes_at THEN
            RAISE EXCEPTION 'a lottery window is drawn only after it closes'
                USING ERRCODE = 'check_violation', CONSTRAINT = 'lottery_windows_draw_after_close';
        END IF;
    END IF;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER lottery_windows_guard BEFORE UPDATE OR DELETE ON lottery_windows
    FOR EACH ROW EXECUTE FUNCTION lottery_windows_guard();

-- The slots a window hands out (nights or fixed blocks) never overlap each
-- other and are fixed in the transaction that opens the window.
CREATE TABLE lottery_slots (
    id        bigserial PRIMARY KEY,
    site_id   bigint    NOT NULL,
    window_id bigint    NOT NULL,
    label     text      NOT NULL CHECK (length(btrim(label)) BETWEEN 1 AND 100),
    during    tstzrange NOT NULL,
    FOREIGN KEY (site_id, window_id) REFERENCES lottery_windows (site_id, id),
    CONSTRAINT lottery_slots_window_id_key UNIQUE (site_id, window_id, id),
    CONSTRAINT lottery_slots_during_check CHECK (
        NOT isempty(during) AND lower_inc(during) AND NOT upper_inc(during)
        AND NOT lower_inf(during) AND NOT upper_inf(during)),
    CONSTRAINT lottery_slots_no_overlap EXCLUDE USING gist (
        site_id WITH =, window_id WITH =, during WITH &&)
);

-- +goose StatementBegin
CREATE FUNCTION lottery_slots_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' AND EXISTS (
        SELECT 1 FROM lottery_windows w
        WHERE w.site_id = NEW.site_id AND w.id = NEW.window_id AND w.opened_at = now()) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the slots of a lottery window are fixed when it opens'
        USING ERRCODE = 'check_violation', CONSTRAINT = 'lottery_slots_fixed';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER lottery_slots_guard BEFORE INSERT OR UPDATE OR DELETE ON lottery_slots
    FOR EACH ROW EXECUTE FUNCTION lottery_slots_guard();

-- A member's request: the slots they want, ranked (1 = first choice).
CREATE TABLE lottery_requests (
    site_id    bigint NOT NULL,
    window_id  bigint NOT NULL,
    member_id  bigint NOT NULL REFERENCES members (id),
    slot_id    bigint NOT NULL,
    rank       int    NOT NULL CHECK (rank BETWEEN 1 AND 1000),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (site_id, window_id, member_id, rank),
    FOREIGN KEY (site_id, window_id) REFERENCES lottery_windows (site_id, id),
    FOREIGN KEY (site_id, window_id, slot_id) REFERENCES lottery_slots (site_id, window_id, id),
    CONSTRAINT lottery_requests_slot_once UNIQUE (site_id, window_id, member_id, slot_id)
);
CREATE INDEX lottery_requests_member_idx ON lottery_requests (member_id);

-- Requests are frozen when the window closes. The share lock on the window
-- row makes a request and a draw of the same window wait for each other, so
-- the draw sees every request whose transaction began before the close.
-- +goose StatementBegin
CREATE FUNCTION lottery_requests_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    w lottery_windows;
BEGIN
    SELECT * INTO w FROM lottery_windows
    WHERE site_id = coalesce(NEW.site_id, OLD.site_id) AND id = coalesce(NEW.window_id, OLD.window_id)
    FOR SHARE;
    IF w.status <> 'open' OR now() >= w.closes_at THEN
        RAISE EXCEPTION 'the requests of a closed lottery window are frozen'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'lottery_requests_frozen';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER lottery_requests_guard BEFORE INSERT OR UPDATE OR DELETE ON lottery_requests
    FOR EACH ROW EXECUTE FUNCTION lottery_requests_guard();

-- What the draw read besides the requests: each entrant's past allocations
-- (their weight is 1/(1+past_allocations)) and drawn position, and the slots
-- that were already booked outside the lottery.
CREATE TABLE lottery_entrants (
    site_id          bigint NOT NULL,
    window_id        bigint NOT NULL,
    member_id        bigint NOT NULL REFERENCES members (id),
    past_allocations int    NOT NULL CHECK (past_allocations >= 0),
    position         int    NOT NULL CHECK (position >= 1),
    PRIMARY KEY (site_id, window_id, member_id),
    FOREIGN KEY (site_id, window_id) REFERENCES lottery_windows (site_id, id),
    CONSTRAINT lottery_entrants_position_key UNIQUE (site_id, window_id, position)
);

CREATE TABLE lottery_blocked_slots (
    site_id   bigint NOT NULL,
    window_id bigint NOT NULL,
    slot_id   bigint NOT NULL,
    PRIMARY KEY (site_id, window_id, slot_id),
    FOREIGN KEY (site_id, window_id, slot_id) REFERENCES lottery_slots (site_id, window_id, id)
);

-- The result: who got which slot, at which rank and round, and the booking
-- the draw made for it.
CREATE TABLE lottery_allocations (
    site_id    bigint NOT NULL,
    window_id  bigint NOT NULL,
    slot_id    bigint NOT NULL,
    member_id  bigint NOT NULL REFERENCES members (id),
    rank       int    NOT NULL CHECK (rank >= 1),
    round      int    NOT NULL CHECK (round >= 1),
    booking_id bigint NOT NULL REFERENCES bookings (id),
    PRIMARY KEY (site_id, window_id, slot_id),
    FOREIGN KEY (site_id, window_id, slot_id) REFERENCES lottery_slots (site_id, window_id, id),
    FOREIGN KEY (site_id, window_id, member_id) REFERENCES lottery_entrants (site_id, window_id, member_id),
    CONSTRAINT lottery_allocations_booking_key UNIQUE (booking_id)
);
CREATE INDEX lottery_allocations_member_idx ON lottery_allocations (member_id);

-- The draw's input and result are written once, in the transaction that
-- marks the window drawn, and never change afterwards.
-- +goose StatementBegin
CREATE FUNCTION lottery_draw_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' AND EXISTS (
        SELECT 1 FROM lottery_windows w
        WHERE w.site_id = NEW.site_id AND w.id = NEW.window_id AND w.status = 'drawn' AND w.drawn_at = now()) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'a lottery draw is written once, by the draw'
        USING ERRCODE = 'check_violation', CONSTRAINT = 'lottery_draw_immutable';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER lottery_entrants_guard BEFORE INSERT OR UPDATE OR DELETE ON lottery_entrants
    FOR EACH ROW EXECUTE FUNCTION lottery_draw_guard();
CREATE TRIGGER lottery_blocked_slots_guard BEFORE INSERT OR UPDATE OR DELETE ON lottery_blocked_slots
    FOR EACH ROW EXECUTE FUNCTION lottery_draw_guard();
CREATE TRIGGER lottery_allocations_guard BEFORE INSERT OR UPDATE OR DELETE ON lottery_allocations
    FOR EACH ROW EXECUTE FUNCTION lottery_draw_guard();

-- +goose Down
DROP TABLE lottery_allocations;
DROP TABLE lottery_blocked_slots;
DROP TABLE lottery_entrants;
DROP TABLE lottery_requests;
DROP TABLE lottery_slots;
DROP TABLE lottery_windows;
DROP FUNCTION lottery_draw_guard();
DROP FUNCTION lottery_requests_guard();
DROP FUNCTION lottery_slots_guard();
DROP FUNCTION lottery_windows_guard();
