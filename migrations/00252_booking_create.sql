-- +goose Up
-- A booking made on its own (the API's POST, the booking form) is written by
-- one statement, booking_create, instead of a transaction of four round
-- trips. The server checks the rules that need the calendar (opening hours
-- in the site's zone, lengths, horizon) against its copy of the resource;
-- booking_create, under the resource's shared lock, checks that the copy is
-- still current (rules_version), and everything else that decides a booking
-- in the database itself.

-- rules_version changes with every change to what the server copies of a
-- resource: its row, its opening hours, and its site's name and time zone.
-- Versions come from one sequence, so that no value is ever given twice:
-- a copy whose version equals the database's is the resource as it is,
-- whatever was rolled back or restored in between.
CREATE SEQUENCE resource_rules_versions;
ALTER TABLE resources ADD COLUMN rules_version bigint NOT NULL DEFAULT nextval('resource_rules_versions');

-- +goose StatementBegin
CREATE FUNCTION resources_next_rules_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.rules_version := nextval('resource_rules_versions');
    RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER resources_rules_version BEFORE UPDATE ON resources
    FOR EACH ROW EXECUTE FUNCTION resources_next_rules_version();

-- Touching a resource's row gives it the next version, by the trigger above.
-- +goose StatementBegin
CREATE FUNCTION resource_hours_touch_resource() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        UPDATE resources SET rules_version = rules_version WHERE id = OLD.resource_id;
    ELSE
        UPDATE resources SET rules_version = rules_version WHERE id = NEW.resource_id;
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER resource_hours_rules_version AFTER INSERT OR UPDATE OR DELETE ON resource_hours
    FOR EACH ROW EXECUTE FUNCTION resource_hours_touch_resource();

-- +goose StatementBegin
CREATE FUNCTION sites_touch_resources() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE resources SET rules_version = rules_version WHERE site_id = NEW.id;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER sites_rules_version AFTER UPDATE OF name, timezone ON sites
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.timezone IS DISTINCT FROM NEW.timezone)
    EXECUTE FUNCTION sites_touch_resources();

-- Every booking asks whether its resource has offers to lapse first; this
-- index answers from the (usually empty) set of offers of that resource,
-- where bookings_offered_idx, ordered by expiry across all resources, would
-- leave the planner to scan the resource's active bookings instead.
CREATE INDEX bookings_offered_resource_idx ON bookings (site_id, resource_id, offer_expires_at) WHERE status = 'offered';

-- lottery_holds gives the title of the open lottery window of a resource
-- that holds some of the range held (see housing/booking/hold.go), as zero
-- or one row. A set-returning SQL function is inlined into the query that
-- calls it, so the engine's queries and booking_create share one text.
-- +goose StatementBegin
CREATE FUNCTION lottery_holds(p_site bigint, p_resource bigint, p_held tstzrange) RETURNS SETOF text
LANGUAGE sql STABLE AS $$
    SELECT lw.title FROM lottery_windows lw
    JOIN lottery_slots ls ON ls.site_id = lw.site_id AND ls.window_id = lw.id
    WHERE lw.site_id = p_site AND lw.resource_id = p_resource AND lw.status = 'open'
      AND ls.during && p_held
    ORDER BY lower(ls.during) LIMIT 1
$$;
-- +goose StatementEnd

-- booking_create books [p_starts, p_ends) of a resource for a member and
-- returns the booking, or returns no row and writes nothing when anything
-- is not plainly fine: the rules changed since p_rules_version, the member
-- may not book, a blackout, a lottery hold, an expired offer to lapse first,
-- or the weekly quota; and, being STRICT, when any argument is NULL. The
-- caller then books the careful way, which reads everything afresh and says
-- what is wrong. An overlap is refused by the exclusion constraint as for
-- every booking.
--
-- A VOLATILE function takes a fresh snapshot for each statement in READ
-- COMMITTED: every check below runs after the lock it needs is held, so it
-- sees whatever a rule change, blackout, lottery window or the member's
-- other booking committed before.
-- +goose StatementBegin
CREATE FUNCTION booking_create(
    p_resource bigint, p_member bigint, p_starts timestamptz, p_ends timestamptz, p_now timestamptz,
    p_rules_version bigint, p_resource_lock bigint, p_quota_lock bigint, p_week_from timestamptz, p_week_to timestamptz)
RETURNS TABLE (booking_id bigint, booking_status text, booking_created_at timestamptz, booking_member_name text)
LANGUAGE plpgsql STRICT AS $$
DECLARE
    res   resources%ROWTYPE;
    today date;
    used  int;
    spent int;
BEGIN
    PERFORM pg_advisory_xact_lock_shared(p_resource_lock);
    SELECT * INTO res FROM resources WHERE resources.id = p_resource;
    IF NOT FOUND OR res.rules_version IS DISTINCT FROM p_rules_version THEN
        RETURN;
    END IF;
    IF res.who_may_book = 'residents' THEN
        SELECT (p_now AT TIME ZONE s.timezone)::date INTO today FROM sites s WHERE s.id = res.site_id;
        IF NOT EXISTS (SELECT 1 FROM residencies v
                       WHERE v.site_id = res.site_id AND v.member_id = p_member
                         AND v.starts_on <= today AND (v.ends_on IS NULL OR v.ends_on > today))
           AND NOT EXISTS (SELECT 1 FROM site_coordinators c WHERE c.site_id = res.site_id AND c.member_id = p_member) THEN
            RETURN;
        END IF;
    END IF;
    IF EXISTS (SELECT 1 FROM resource_blackouts k
               WHERE k.site_id = res.site_id AND k.resource_id = res.id AND k.during && tstzrange(p_starts, p_ends, '[)'))
       OR EXISTS (SELECT 1 FROM lottery_holds(res.site_id, res.id,
                      tstzrange(p_starts - make_interval(mins => res.buffer_minutes),
                                p_ends + make_interval(mins => res.buffer_minutes), '[)')))
       OR EXISTS (SELECT 1 FROM bookings x
                  WHERE x.status = 'offered' AND x.offer_expires_at <= p_now
                    AND x.site_id = res.site_id AND x.resource_id = res.id) THEN
        RETURN;
    END IF;
    IF res.weekly_quota_bookings > 0 OR res.weekly_quota_minutes > 0 THEN
        PERFORM pg_advisory_xact_lock(p_quota_lock);
        SELECT count(*), coalesce(sum(extract(epoch FROM upper(b.during) - lower(b.during)) / 60), 0)::int
          INTO used, spent
          FROM bookings b
         WHERE b.member_id = p_member AND b.site_id = res.site_id AND b.resource_id = res.id
           AND b.status IN ('pending', 'confirmed', 'offered')
           AND lower(b.during) >= p_week_from AND lower(b.during) < p_week_to;
        IF (res.weekly_quota_bookings > 0 AND used + 1 > res.weekly_quota_bookings)
           OR (res.weekly_quota_minutes > 0
               AND spent + extract(epoch FROM p_ends - p_starts) / 60 > res.weekly_quota_minutes) THEN
            RETURN;
        END IF;
    END IF;
    RETURN QUERY
        INSERT INTO bookings AS b (site_id, resource_id, member_id, during, blocks, status)
        VALUES (res.site_id, res.id, p_member, tstzrange(p_starts, p_ends, '[)'),
                tstzrange(p_starts, p_ends + make_interval(mins => res.buffer_minutes), '[)'),
                CASE WHEN res.approval_required THEN 'pending' ELSE 'confirmed' END)
        RETURNING b.id, b.status, b.created_at, (SELECT m.name FROM members m WHERE m.id = p_member);
END $$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION booking_create(bigint, bigint, timestamptz, timestamptz, timestamptz, bigint, bigint, bigint, timestamptz, timestamptz);
DROP FUNCTION lottery_holds(bigint, bigint, tstzrange);
DROP INDEX bookings_offered_resource_idx;
DROP TRIGGER sites_rules_version ON sites;
DROP FUNCTION sites_touch_resources();
DROP TRIGGER resource_hours_rules_version ON resource_hours;
DROP FUNCTION resource_hours_touch_resource();
DROP TRIGGER resources_rules_version ON resources;
DROP FUNCTION resources_next_rules_version();
ALTER TABLE resources DROP COLUMN rules_version;
DROP SEQUENCE resource_rules_versions;
