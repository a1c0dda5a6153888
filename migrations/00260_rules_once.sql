-- +goose Up
-- Rules that many queries need, each written once as an SQL function that
-- the planner inlines into the query calling it, as lottery_holds is
-- (00252): a scalar function whose body is one expression, or a
-- set-returning one whose body is one SELECT, declared IMMUTABLE or STABLE,
-- neither STRICT nor SECURITY DEFINER nor with a SET clause. An inlined
-- function costs nothing over writing its text in place: EXPLAIN shows its
-- tables and conditions, and no Function Scan. The Go code and the SQL
-- functions below call these instead of repeating them.

-- site_day is the calendar day at a site, whose zone is p_timezone, at the
-- instant p_at. IMMUTABLE as PostgreSQL's own AT TIME ZONE is.
-- +goose StatementBegin
CREATE FUNCTION site_day(p_timezone text, p_at timestamptz) RETURNS date
LANGUAGE sql IMMUTABLE AS $$
    SELECT (p_at AT TIME ZONE p_timezone)::date
$$;
-- +goose StatementEnd

-- site_today is today at a site whose zone is p_timezone: "today" is always
-- asked at a site's zone, never the server's.
-- +goose StatementBegin
CREATE FUNCTION site_today(p_timezone text) RETURNS date
LANGUAGE sql STABLE AS $$
    SELECT site_day(p_timezone, now())
$$;
-- +goose StatementEnd

-- residencies_on gives the residencies in force on a day: those whose
-- [starts_on, ends_on) holds it, ends_on being the move-out day, exclusive,
-- and NULL for no end yet. A member is resident at a site on a day when it
-- gives a row of theirs there; a unit is occupied when it gives one of the
-- unit. The range is the one the exclusion constraints of residencies
-- compare, so that a lookup by member or unit can use their indexes.
-- +goose StatementBegin
CREATE FUNCTION residencies_on(p_day date) RETURNS SETOF residencies
LANGUAGE sql STABLE AS $$
    SELECT * FROM residencies r WHERE daterange(r.starts_on, r.ends_on, '[)') @> p_day
$$;
-- +goose StatementEnd

-- residencies_from gives the residencies in force on a day or on any day
-- after it (current and future ones, not those ended by then): a unit with
-- none is free from that day on, and a member with none may be given a home
-- from then.
-- +goose StatementBegin
CREATE FUNCTION residencies_from(p_day date) RETURNS SETOF residencies
LANGUAGE sql STABLE AS $$
    SELECT * FROM residencies r WHERE daterange(r.starts_on, r.ends_on, '[)') && daterange(p_day, NULL, '[)')
$$;
-- +goose StatementEnd

-- may_book gives one row when a member may book a space of a site at the
-- instant p_at, and none otherwise: anyone for a space open to every member
-- (who_may_book 'members'), else the residents of the site on that day in
-- its zone and the site's coordinators. An admin is neither as such: an
-- admin may run a site's spaces, but books a residents' space only as one
-- of its residents or coordinators. The lottery's entrants, the calendar
-- feeds and the list of bookable spaces ask the same question; the Go
-- mirror, for pages, is booking.MayBook.
-- +goose StatementBegin
CREATE FUNCTION may_book(p_site bigint, p_who_may_book text, p_member bigint, p_at timestamptz) RETURNS SETOF boolean
LANGUAGE sql STABLE AS $$
    SELECT true
    WHERE p_who_may_book = 'members'
       OR EXISTS (SELECT FROM sites s, residencies_on(site_day(s.timezone, p_at)) v
                  WHERE s.id = p_site AND v.site_id = p_site AND v.member_id = p_member)
       OR EXISTS (SELECT FROM site_coordinators c WHERE c.site_id = p_site AND c.member_id = p_member)
$$;
-- +goose StatementEnd

-- blackouts_over gives the blackouts of a resource that close some of the
-- range p_during.
-- +goose StatementBegin
CREATE FUNCTION blackouts_over(p_site bigint, p_resource bigint, p_during tstzrange) RETURNS SETOF resource_blackouts
LANGUAGE sql STABLE AS $$
    SELECT * FROM resource_blackouts k
    WHERE k.site_id = p_site AND k.resource_id = p_resource AND k.during && p_during
$$;
-- +goose StatementEnd

-- offers_to_lapse gives the offers of a resource whose time to accept ran
-- out by p_now: every booking lapses them first (bookings_offered_resource_idx
-- finds them without reading the resource's bookings).
-- +goose StatementBegin
CREATE FUNCTION offers_to_lapse(p_site bigint, p_resource bigint, p_now timestamptz) RETURNS SETOF bookings
LANGUAGE sql STABLE AS $$
    SELECT * FROM bookings x
    WHERE x.status = 'offered' AND x.offer_expires_at <= p_now
      AND x.site_id = p_site AND x.resource_id = p_resource
$$;
-- +goose StatementEnd

-- weekly_quota weighs one more booking of p_minutes by a member against a
-- resource's weekly quotas (p_quota_bookings bookings, p_quota_minutes
-- minutes; 0 is no quota) in the week [p_week_from, p_week_to): it gives
-- what the member already holds that week (active bookings that start in
-- it, p_except left out) and which quota the booking would exceed,
-- 'bookings' or 'minutes', or NULL when it passes. booking_create decides
-- with it; the careful way in Go asks it too and only words its answer.
-- +goose StatementBegin
CREATE FUNCTION weekly_quota(
    p_site bigint, p_resource bigint, p_member bigint, p_week_from timestamptz, p_week_to timestamptz,
    p_except bigint, p_minutes int, p_quota_bookings int, p_quota_minutes int)
RETURNS TABLE (used_bookings int, used_minutes int, exceeded text)
LANGUAGE sql STABLE AS $$
    SELECT u.bookings, u.minutes,
           CASE WHEN p_quota_bookings > 0 AND u.bookings + 1 > p_quota_bookings THEN 'bookings'
                WHEN p_quota_minutes > 0 AND u.minutes + p_minutes > p_quota_minutes THEN 'minutes' END
    FROM (SELECT count(*)::int AS bookings,
                 coalesce(sum(extract(epoch FROM upper(b.during) - lower(b.during)) / 60), 0)::int AS minutes
          FROM bookings b
          WHERE b.member_id = p_member AND b.site_id = p_site AND b.resource_id = p_resource
            AND b.status IN ('pending', 'confirmed', 'offered')
            AND lower(b.during) >= p_week_from AND lower(b.during) < p_week_to
            AND b.id IS DISTINCT FROM p_except) u
$$;
-- +goose StatementEnd

-- booking_create as in 00252, its rules now the functions above.
--
-- may_book answers for a space open to every member by itself, but it is
-- asked only of the other spaces: a statement that may read the residency
-- tables opens and locks them and their indexes each time it runs, whether
-- or not it reads them, and asking it of every booking cost the bookings of
-- open spaces 10-30% of their rate (pgbench straight on booking_create, on
-- a busy machine). The test of who_may_book before it is a plain PL/pgSQL
-- expression, which runs no statement.
--
-- Its statements are planned once per connection (generic plans): every
-- one of them finds its rows by ids and ranges that indexes answer whatever
-- the values. Left to choose, PL/pgSQL kept custom plans for some, made
-- again on every call, inlining the functions above each time; for the
-- weekly quota those plans also read the space's whole index of bookings
-- where the member's index suffices. Measured side by side with 00252 at
-- the same time on the same machine, it books as fast for open spaces and
-- residents' spaces and a little faster with a quota.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION booking_create(
    p_resource bigint, p_member bigint, p_starts timestamptz, p_ends timestamptz, p_now timestamptz,
    p_rules_version bigint, p_resource_lock bigint, p_quota_lock bigint, p_week_from timestamptz, p_week_to timestamptz)
RETURNS TABLE (booking_id bigint, booking_status text, booking_created_at timestamptz, booking_member_name text)
LANGUAGE plpgsql STRICT SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    res resources%ROWTYPE;
BEGIN
    PERFORM pg_advisory_xact_lock_shared(p_resource_lock);
    SELECT * INTO res FROM resources WHERE resources.id = p_resource;
    IF NOT FOUND OR res.rules_version IS DISTINCT FROM p_rules_version THEN
        RETURN;
    END IF;
    IF res.who_may_book <> 'members' THEN
        IF NOT EXISTS (SELECT FROM may_book(res.site_id, res.who_may_book, p_member, p_now)) THEN
            RETURN;
        END IF;
    END IF;
    IF EXISTS (SELECT FROM blackouts_over(res.site_id, res.id, tstzrange(p_starts, p_ends, '[)')))
       OR EXISTS (SELECT FROM lottery_holds(res.site_id, res.id,
                      tstzrange(p_starts - make_interval(mins => res.buffer_minutes),
                                p_ends + make_interval(mins => res.buffer_minutes), '[)')))
       OR EXISTS (SELECT FROM offers_to_lapse(res.site_id, res.id, p_now)) THEN
        RETURN;
    END IF;
    IF res.weekly_quota_bookings > 0 OR res.weekly_quota_minutes > 0 THEN
        PERFORM pg_advisory_xact_lock(p_quota_lock);
        IF EXISTS (SELECT FROM weekly_quota(res.site_id, res.id, p_member, p_week_from, p_week_to, NULL,
                                            (extract(epoch FROM p_ends - p_starts) / 60)::int,
                                            res.weekly_quota_bookings, res.weekly_quota_minutes) q
                   WHERE q.exceeded IS NOT NULL) THEN
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
-- booking_create as 00252 wrote it.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION booking_create(
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
DROP FUNCTION weekly_quota(bigint, bigint, bigint, timestamptz, timestamptz, bigint, int, int, int);
DROP FUNCTION offers_to_lapse(bigint, bigint, timestamptz);
DROP FUNCTION blackouts_over(bigint, bigint, tstzrange);
DROP FUNCTION may_book(bigint, text, bigint, timestamptz);
DROP FUNCTION residencies_from(date);
DROP FUNCTION residencies_on(date);
DROP FUNCTION site_today(text);
DROP FUNCTION site_day(text, timestamptz);
