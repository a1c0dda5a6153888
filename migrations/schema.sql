-- The whole schema as the migrations leave it, for reading and review: tables,
-- constraints, indexes, every function in its final form, triggers. Written by
-- `make schema` from pg_dump --schema-only --no-owner --no-privileges of a freshly
-- migrated database (lines that differ from run to run or version to version
-- left out); app's TestSchemaSnapshot fails when it no longer matches the
-- migrations. Do not edit it, and do not run it: databases are made by the
-- numbered migrations beside it, and goose and the binary ignore this file.

--
-- PostgreSQL database dump
--

--
-- Name: btree_gist; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public;

--
-- Name: EXTENSION btree_gist; Type: COMMENT; Schema: -; Owner: -
--

COMMENT ON EXTENSION btree_gist IS 'support for indexing common datatypes in GiST';

--
-- Name: citext; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA public;

--
-- Name: EXTENSION citext; Type: COMMENT; Schema: -; Owner: -
--

COMMENT ON EXTENSION citext IS 'data type for case-insensitive character strings';

--
-- Name: resource_blackouts; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.resource_blackouts (
    id bigint NOT NULL,
    site_id bigint NOT NULL,
    resource_id bigint NOT NULL,
    during tstzrange NOT NULL,
    reason text DEFAULT ''::text NOT NULL,
    created_by bigint,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT resource_blackouts_during_check CHECK (((NOT isempty(during)) AND lower_inc(during) AND (NOT upper_inc(during)) AND (NOT lower_inf(during)) AND (NOT upper_inf(during)))),
    CONSTRAINT resource_blackouts_reason_check CHECK ((length(reason) <= 500))
);

--
-- Name: blackouts_over(bigint, bigint, tstzrange); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.blackouts_over(p_site bigint, p_resource bigint, p_during tstzrange) RETURNS SETOF public.resource_blackouts
    LANGUAGE sql STABLE
    AS $$
    SELECT * FROM resource_blackouts k
    WHERE k.site_id = p_site AND k.resource_id = p_resource AND k.during && p_during
$$;

--
-- Name: booking_create(bigint, bigint, timestamp with time zone, timestamp with time zone, timestamp with time zone, bigint, bigint, bigint, timestamp with time zone, timestamp with time zone); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.booking_create(p_resource bigint, p_member bigint, p_starts timestamp with time zone, p_ends timestamp with time zone, p_now timestamp with time zone, p_rules_version bigint, p_resource_lock bigint, p_quota_lock bigint, p_week_from timestamp with time zone, p_week_to timestamp with time zone) RETURNS TABLE(booking_id bigint, booking_status text, booking_created_at timestamp with time zone, booking_member_name text)
    LANGUAGE plpgsql STRICT
    SET plan_cache_mode TO 'force_generic_plan'
    AS $$
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

--
-- Name: bookings_guard_update(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.bookings_guard_update() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
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

--
-- Name: bookings_refuse_delete(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.bookings_refuse_delete() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    RAISE EXCEPTION 'bookings are cancelled, never deleted'
        USING ERRCODE = 'check_violation', CONSTRAINT = 'bookings_no_delete';
END;
$$;

--
-- Name: equity_refuse_change(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.equity_refuse_change() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    RAISE EXCEPTION '% rows are history and never change', TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation', CONSTRAINT = TG_TABLE_NAME || '_immutable';
END $$;

--
-- Name: ledger_accounts_fixed(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.ledger_accounts_fixed() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'ledger accounts cannot be deleted'
            USING ERRCODE = 'restrict_violation', CONSTRAINT = 'ledger_accounts_immutable';
    END IF;
    IF NEW.id <> OLD.id OR NEW.code <> OLD.code OR NEW.type <> OLD.type
       OR NEW.non_negative <> OLD.non_negative
       OR NEW.site_id IS DISTINCT FROM OLD.site_id OR NEW.member_id IS DISTINCT FROM OLD.member_id THEN
        RAISE EXCEPTION 'only the name of a ledger account may change'
            USING ERRCODE = 'restrict_violation', CONSTRAINT = 'ledger_accounts_immutable';
    END IF;
    RETURN NEW;
END $$;

--
-- Name: ledger_check_balanced(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.ledger_check_balanced() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    eid bigint;
    n   bigint;
    s   numeric;
BEGIN
    IF TG_TABLE_NAME = 'ledger_entries' THEN
        eid := NEW.id;
    ELSE
        eid := NEW.entry_id;
    END IF;
    SELECT count(*), coalesce(sum(amount), 0) INTO n, s FROM ledger_postings WHERE entry_id = eid;
    IF n < 2 OR s <> 0 THEN
        RAISE EXCEPTION 'ledger entry % does not balance (% postings summing to %)', eid, n, s
            USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_entries_balanced';
    END IF;
    RETURN NULL;
END $$;

--
-- Name: ledger_check_non_negative(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.ledger_check_non_negative() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    total numeric;
BEGIN
    SELECT sum(balance) INTO total FROM ledger_balances WHERE account_id = NEW.account_id;
    IF total * NEW.guard < 0 THEN
        RAISE EXCEPTION 'ledger account % may not go below zero', NEW.account_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_balances_non_negative',
                  DETAIL = (SELECT code FROM ledger_accounts WHERE id = NEW.account_id);
    END IF;
    RETURN NULL;
END $$;

--
-- Name: ledger_check_postings_balanced(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.ledger_check_postings_balanced() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    bad record;
BEGIN
    SELECT a.entry_id INTO bad FROM added a
    WHERE NOT EXISTS (SELECT FROM ledger_entries e WHERE e.id = a.entry_id) LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'ledger entry % does not exist', bad.entry_id
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'ledger_postings_entry_id_fkey';
    END IF;
    SELECT a.account_id INTO bad FROM added a
    WHERE NOT EXISTS (SELECT FROM ledger_accounts x WHERE x.id = a.account_id) LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'ledger account % does not exist', bad.account_id
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'ledger_postings_account_id_fkey';
    END IF;
    -- Per entry through its index: a join the planner may turn into a scan
    -- of every posting (transition tables have no statistics).
    SELECT x.entry_id, t.n, t.s INTO bad
    FROM (SELECT DISTINCT entry_id FROM added) x
    CROSS JOIN LATERAL (
        SELECT count(*) AS n, coalesce(sum(p.amount), 0) AS s FROM ledger_postings p WHERE p.entry_id = x.entry_id) t
    WHERE t.n < 2 OR t.s <> 0
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'ledger entry % does not balance (% postings summing to %)', bad.entry_id, bad.n, bad.s
            USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_entries_balanced';
    END IF;
    RETURN NULL;
END $$;

--
-- Name: ledger_post(text, bytea, text, date, jsonb, bigint, bigint, text[], numeric[]); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.ledger_post(p_key text, p_hash bytea, p_description text, p_date date, p_metadata jsonb, p_reverses bigint, p_posted_by bigint, p_codes text[], p_amounts numeric[], OUT out_id bigint, OUT out_replayed boolean, OUT out_same boolean, OUT out_unknown text[]) RETURNS record
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_ids    bigint[];
    v_guards smallint[];
    v_hash   bytea;
BEGIN
    out_replayed := false;
    SELECT array_agg(a.id ORDER BY c.n),
           array_agg(CASE WHEN NOT a.non_negative THEN 0 WHEN a.type IN ('asset', 'expense') THEN 1 ELSE -1 END ORDER BY c.n),
           array_agg(DISTINCT c.code) FILTER (WHERE a.id IS NULL)
      INTO v_ids, v_guards, out_unknown
    FROM unnest(p_codes) WITH ORDINALITY AS c (code, n)
    LEFT JOIN ledger_accounts a ON a.code = c.code;
    IF out_unknown IS NOT NULL THEN
        RETURN;
    END IF;

    -- Claim the key before taking any balance lock: a concurrent replay
    -- then waits here holding nothing the first writer needs.
    INSERT INTO ledger_entries (idempotency_key, content_hash, description, effective_date, metadata, reverses_entry_id, posted_by)
    VALUES (p_key, p_hash, p_description, p_date, p_metadata, p_reverses, p_posted_by)
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING id INTO out_id;
    IF out_id IS NULL THEN
        SELECT e.id, e.content_hash INTO out_id, v_hash FROM ledger_entries e WHERE e.idempotency_key = p_key;
        out_replayed := true;
        out_same := v_hash = p_hash;
        RETURN;
    END IF;

    -- Each account's net amount goes to one slot of its balance: a random
    -- one, except that decreases of a guarded account all go to slot 0 (see
    -- ledger_balances). Slot rows are upserted in (account, slot) order, the
    -- one order every writer follows; a day-total row is written after the
    -- balance row of its account and slot, which its writer then holds.
    WITH deltas AS (
        SELECT p.account_id, min(p.guard) AS guard, sum(p.amount) AS delta
        FROM unnest(v_ids, v_guards, p_amounts) AS p (account_id, guard, amount)
        GROUP BY p.account_id
        HAVING sum(p.amount) <> 0
    ), slotted AS MATERIALIZED (
        SELECT account_id, guard, delta,
               CASE WHEN guard <> 0 AND sign(delta) <> guard THEN 0 ELSE floor(random() * 16) END::smallint AS slot
        FROM deltas
    ), balances AS (
        INSERT INTO ledger_balances AS b (account_id, slot, guard, balance)
        SELECT account_id, slot, guard, delta FROM slotted ORDER BY account_id, slot
        ON CONFLICT (account_id, slot) DO UPDATE SET balance = b.balance + excluded.balance
        RETURNING b.account_id, b.slot
    ), days AS (
        INSERT INTO ledger_daily_totals AS t (account_id, day, slot, total)
        SELECT s.account_id, p_date, s.slot, s.delta FROM balances b JOIN slotted s USING (account_id, slot)
        ON CONFLICT (account_id, day, slot) DO UPDATE SET total = t.total + excluded.total
    )
    INSERT INTO ledger_postings (entry_id, account_id, amount, effective_date)
    SELECT out_id, p.account_id, p.amount, p_date
    FROM unnest(v_ids, p_amounts) WITH ORDINALITY AS p (account_id, amount, n)
    ORDER BY p.n;
END $$;

--
-- Name: ledger_refuse_change(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.ledger_refuse_change() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    RAISE EXCEPTION '% rows are immutable; post a reversing entry instead', TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation', CONSTRAINT = TG_TABLE_NAME || '_immutable';
END $$;

--
-- Name: loans_fixed(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.loans_fixed() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF TG_OP = 'DELETE' OR OLD.closed_on IS NOT NULL OR NEW.closed_on IS NULL
       OR (NEW.id, NEW.kind, NEW.site_id, NEW.member_id, NEW.lender, NEW.principal, NEW.yearly_rate_pct,
           NEW.months, NEW.starts_on, NEW.replaces_loan_id, NEW.idempotency_key)
          IS DISTINCT FROM
          (OLD.id, OLD.kind, OLD.site_id, OLD.member_id, OLD.lender, OLD.principal, OLD.yearly_rate_pct,
           OLD.months, OLD.starts_on, OLD.replaces_loan_id, OLD.idempotency_key) THEN
        RAISE EXCEPTION 'a loan''s terms never change; it may only be closed once'
            USING ERRCODE = 'restrict_violation', CONSTRAINT = 'loans_immutable';
    END IF;
    RETURN NEW;
END $$;

--
-- Name: lottery_draw_guard(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.lottery_draw_guard() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
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

--
-- Name: lottery_holds(bigint, bigint, tstzrange); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.lottery_holds(p_site bigint, p_resource bigint, p_held tstzrange) RETURNS SETOF text
    LANGUAGE sql STABLE
    AS $$
    SELECT lw.title FROM lottery_windows lw
    JOIN lottery_slots ls ON ls.site_id = lw.site_id AND ls.window_id = lw.id
    WHERE lw.site_id = p_site AND lw.resource_id = p_resource AND lw.status = 'open'
      AND ls.during && p_held
    ORDER BY lower(ls.during) LIMIT 1
$$;

--
-- Name: lottery_requests_guard(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.lottery_requests_guard() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
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

--
-- Name: lottery_slots_guard(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.lottery_slots_guard() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
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

--
-- Name: lottery_windows_guard(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.lottery_windows_guard() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
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

--
-- Name: may_book(bigint, text, bigint, timestamp with time zone); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.may_book(p_site bigint, p_who_may_book text, p_member bigint, p_at timestamp with time zone) RETURNS SETOF boolean
    LANGUAGE sql STABLE
    AS $$
    SELECT true
    WHERE p_who_may_book = 'members'
       OR EXISTS (SELECT FROM sites s, residencies_on(site_day(s.timezone, p_at)) v
                  WHERE s.id = p_site AND v.site_id = p_site AND v.member_id = p_member)
       OR EXISTS (SELECT FROM site_coordinators c WHERE c.site_id = p_site AND c.member_id = p_member)
$$;

--
-- Name: move_requests_transition(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.move_requests_transition() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'move requests are history and never deleted'
            USING ERRCODE = 'restrict_violation', CONSTRAINT = 'move_requests_immutable';
    END IF;
    IF OLD.status IN ('declined', 'withdrawn', 'completed')
       OR (NEW.status <> OLD.status AND NOT (
            (OLD.status = 'requested' AND NEW.status IN ('approved', 'declined', 'withdrawn'))
         OR (OLD.status = 'approved' AND NEW.status IN ('declined', 'withdrawn', 'completed'))))
       OR (NEW.id, NEW.site_id, NEW.unit_id, NEW.member_id, NEW.from_site_id, NEW.from_unit_id, NEW.from_residency_id,
           NEW.move_on, NEW.idempotency_key, NEW.created_at)
          IS DISTINCT FROM
          (OLD.id, OLD.site_id, OLD.unit_id, OLD.member_id, OLD.from_site_id, OLD.from_unit_id, OLD.from_residency_id,
           OLD.move_on, OLD.idempotency_key, OLD.created_at) THEN
        RAISE EXCEPTION 'move request % cannot go from % to %', OLD.id, OLD.status, NEW.status
            USING ERRCODE = 'restrict_violation', CONSTRAINT = 'move_requests_transition';
    END IF;
    RETURN NEW;
END $$;

--
-- Name: bookings; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.bookings (
    id bigint NOT NULL,
    site_id bigint NOT NULL,
    resource_id bigint NOT NULL,
    member_id bigint NOT NULL,
    during tstzrange NOT NULL,
    blocks tstzrange NOT NULL,
    status text NOT NULL,
    series_id bigint,
    offer_expires_at timestamp with time zone,
    note text DEFAULT ''::text NOT NULL,
    decided_by bigint,
    decided_at timestamp with time zone,
    cancelled_by bigint,
    cancelled_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT bookings_blocks_check CHECK (((lower(blocks) = lower(during)) AND (upper(blocks) >= upper(during)) AND lower_inc(blocks) AND (NOT upper_inc(blocks)))),
    CONSTRAINT bookings_during_check CHECK (((NOT isempty(during)) AND lower_inc(during) AND (NOT upper_inc(during)) AND (NOT lower_inf(during)) AND (NOT upper_inf(during)))),
    CONSTRAINT bookings_note_check CHECK ((length(note) <= 500)),
    CONSTRAINT bookings_offer_check CHECK (((status <> 'offered'::text) OR (offer_expires_at IS NOT NULL))),
    CONSTRAINT bookings_status_check CHECK ((status = ANY (ARRAY['pending'::text, 'confirmed'::text, 'offered'::text, 'declined'::text, 'cancelled'::text, 'lapsed'::text])))
);

--
-- Name: offers_to_lapse(bigint, bigint, timestamp with time zone); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.offers_to_lapse(p_site bigint, p_resource bigint, p_now timestamp with time zone) RETURNS SETOF public.bookings
    LANGUAGE sql STABLE
    AS $$
    SELECT * FROM bookings x
    WHERE x.status = 'offered' AND x.offer_expires_at <= p_now
      AND x.site_id = p_site AND x.resource_id = p_resource
$$;

--
-- Name: residencies; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.residencies (
    id bigint NOT NULL,
    site_id bigint NOT NULL,
    unit_id bigint NOT NULL,
    member_id bigint NOT NULL,
    starts_on date NOT NULL,
    ends_on date,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT residencies_dates_check CHECK (((ends_on IS NULL) OR (ends_on > starts_on)))
);

--
-- Name: residencies_from(date); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.residencies_from(p_day date) RETURNS SETOF public.residencies
    LANGUAGE sql STABLE
    AS $$
    SELECT * FROM residencies r WHERE daterange(r.starts_on, r.ends_on, '[)') && daterange(p_day, NULL, '[)')
$$;

--
-- Name: residencies_on(date); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.residencies_on(p_day date) RETURNS SETOF public.residencies
    LANGUAGE sql STABLE
    AS $$
    SELECT * FROM residencies r WHERE daterange(r.starts_on, r.ends_on, '[)') @> p_day
$$;

--
-- Name: resource_hours_touch_resource(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.resource_hours_touch_resource() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        UPDATE resources SET rules_version = rules_version WHERE id = OLD.resource_id;
    ELSE
        UPDATE resources SET rules_version = rules_version WHERE id = NEW.resource_id;
    END IF;
    RETURN NULL;
END $$;

--
-- Name: resources_next_rules_version(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.resources_next_rules_version() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    NEW.rules_version := nextval('resource_rules_versions');
    RETURN NEW;
END $$;

--
-- Name: site_day(text, timestamp with time zone); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.site_day(p_timezone text, p_at timestamp with time zone) RETURNS date
    LANGUAGE sql IMMUTABLE
    AS $$
    SELECT (p_at AT TIME ZONE p_timezone)::date
$$;

--
-- Name: site_timezone_valid(text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.site_timezone_valid(tz text) RETURNS boolean
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    PERFORM now() AT TIME ZONE tz;
    RETURN true;
EXCEPTION WHEN invalid_parameter_value THEN
    RETURN false;
END
$$;

--
-- Name: site_today(text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.site_today(p_timezone text) RETURNS date
    LANGUAGE sql STABLE
    AS $$
    SELECT site_day(p_timezone, now())
$$;

--
-- Name: sites_touch_resources(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.sites_touch_resources() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    UPDATE resources SET rules_version = rules_version WHERE site_id = NEW.id;
    RETURN NULL;
END $$;

--
-- Name: weekly_quota(bigint, bigint, bigint, timestamp with time zone, timestamp with time zone, bigint, integer, integer, integer); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.weekly_quota(p_site bigint, p_resource bigint, p_member bigint, p_week_from timestamp with time zone, p_week_to timestamp with time zone, p_except bigint, p_minutes integer, p_quota_bookings integer, p_quota_minutes integer) RETURNS TABLE(used_bookings integer, used_minutes integer, exceeded text)
    LANGUAGE sql STABLE
    AS $$
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

--
-- Name: admissions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.admissions (
    id bigint NOT NULL,
    site_id bigint NOT NULL,
    unit_id bigint NOT NULL,
    member_id bigint NOT NULL,
    residency_id bigint NOT NULL,
    admitted_on date NOT NULL,
    price numeric(20,6) NOT NULL,
    required_equity numeric(14,2) NOT NULL,
    cash numeric(14,2) NOT NULL,
    loan numeric(14,2) NOT NULL,
    loan_id bigint,
    share_event_id bigint,
    admitted_by bigint,
    idempotency_key text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT admissions_split_check CHECK (((cash >= (0)::numeric) AND (loan >= (0)::numeric) AND ((cash + loan) = required_equity)))
);

--
-- Name: admissions_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.admissions_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: admissions_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.admissions_id_seq OWNED BY public.admissions.id;

--
-- Name: api_tokens; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.api_tokens (
    id bigint NOT NULL,
    token_hash bytea NOT NULL,
    member_id bigint NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    revoked_at timestamp with time zone,
    last_used_at timestamp with time zone,
    user_agent text DEFAULT ''::text NOT NULL,
    CONSTRAINT api_tokens_user_agent_check CHECK ((length(user_agent) <= 200))
);

--
-- Name: api_tokens_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.api_tokens_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: api_tokens_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.api_tokens_id_seq OWNED BY public.api_tokens.id;

--
-- Name: appraisals; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.appraisals (
    id bigint NOT NULL,
    site_id bigint NOT NULL,
    appraised_on date NOT NULL,
    effective_on date NOT NULL,
    amount numeric(16,2) NOT NULL,
    appraiser text DEFAULT ''::text NOT NULL,
    note text DEFAULT ''::text NOT NULL,
    created_by bigint,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT appraisals_amount_check CHECK ((amount > (0)::numeric)),
    CONSTRAINT appraisals_dates_check CHECK ((appraised_on <= effective_on)),
    CONSTRAINT appraisals_text_check CHECK (((length(appraiser) <= 200) AND (length(note) <= 500)))
);

--
-- Name: appraisals_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.appraisals_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: appraisals_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.appraisals_id_seq OWNED BY public.appraisals.id;

--
-- Name: booking_series; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.booking_series (
    id bigint NOT NULL,
    site_id bigint NOT NULL,
    resource_id bigint NOT NULL,
    member_id bigint NOT NULL,
    rrule text NOT NULL,
    first_during tstzrange NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT booking_series_rrule_check CHECK (((length(rrule) >= 1) AND (length(rrule) <= 500)))
);

--
-- Name: booking_series_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.booking_series_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: booking_series_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.booking_series_id_seq OWNED BY public.booking_series.id;

--
-- Name: bookings_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.bookings_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: bookings_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.bookings_id_seq OWNED BY public.bookings.id;

--
-- Name: calendar_feeds; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.calendar_feeds (
    id bigint NOT NULL,
    token_hash bytea NOT NULL,
    member_id bigint NOT NULL,
    site_id bigint,
    resource_id bigint,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    revoked_at timestamp with time zone,
    last_used_at timestamp with time zone,
    CONSTRAINT calendar_feeds_resource_check CHECK (((site_id IS NULL) = (resource_id IS NULL))),
    CONSTRAINT calendar_feeds_token_hash_check CHECK ((length(token_hash) = 32))
);

--
-- Name: calendar_feeds_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.calendar_feeds_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: calendar_feeds_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.calendar_feeds_id_seq OWNED BY public.calendar_feeds.id;

--
-- Name: charge_runs; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.charge_runs (
    id bigint NOT NULL,
    month date NOT NULL,
    run_by bigint,
    posted integer NOT NULL,
    skipped integer NOT NULL,
    total numeric(16,2) NOT NULL,
    duration_ms integer NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT charge_runs_month_check CHECK ((EXTRACT(day FROM month) = (1)::numeric))
);

--
-- Name: charge_runs_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.charge_runs_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: charge_runs_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.charge_runs_id_seq OWNED BY public.charge_runs.id;

--
-- Name: equity_settings; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.equity_settings (
    singleton boolean DEFAULT true NOT NULL,
    loan_to_value_pct numeric(5,2) DEFAULT 80 NOT NULL,
    share_loan_rate_pct numeric(7,4) DEFAULT 5.5 NOT NULL,
    share_loan_months integer DEFAULT 300 NOT NULL,
    transfer_fee_pct numeric(5,2) DEFAULT 1 NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_by bigint,
    CONSTRAINT equity_settings_fee_check CHECK (((transfer_fee_pct >= (0)::numeric) AND (transfer_fee_pct <= (100)::numeric))),
    CONSTRAINT equity_settings_ltv_check CHECK (((loan_to_value_pct >= (0)::numeric) AND (loan_to_value_pct <= (100)::numeric))),
    CONSTRAINT equity_settings_months_check CHECK (((share_loan_months >= 1) AND (share_loan_months <= 1200))),
    CONSTRAINT equity_settings_rate_check CHECK (((share_loan_rate_pct >= (0)::numeric) AND (share_loan_rate_pct <= (100)::numeric))),
    CONSTRAINT equity_settings_singleton_check CHECK (singleton)
);

--
-- Name: goose_db_version; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.goose_db_version (
    id integer NOT NULL,
    version_id bigint NOT NULL,
    is_applied boolean NOT NULL,
    tstamp timestamp without time zone DEFAULT now() NOT NULL
);

--
-- Name: goose_db_version_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.goose_db_version ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.goose_db_version_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: kv_store; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.kv_store (
    key text NOT NULL,
    value bytea NOT NULL,
    expires_at timestamp with time zone
);

--
-- Name: ledger_accounts; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.ledger_accounts (
    id bigint NOT NULL,
    code text NOT NULL,
    type text NOT NULL,
    name text DEFAULT ''::text NOT NULL,
    site_id bigint,
    member_id bigint,
    non_negative boolean DEFAULT false NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT ledger_accounts_code_check CHECK (((length(code) <= 200) AND (code ~ '^[a-z0-9][a-z0-9_-]*(:[a-z0-9][a-z0-9_-]*)*$'::text))),
    CONSTRAINT ledger_accounts_name_check CHECK ((length(name) <= 200)),
    CONSTRAINT ledger_accounts_type_check CHECK ((type = ANY (ARRAY['asset'::text, 'liability'::text, 'equity'::text, 'income'::text, 'expense'::text])))
);

--
-- Name: ledger_accounts_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.ledger_accounts_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: ledger_accounts_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.ledger_accounts_id_seq OWNED BY public.ledger_accounts.id;

--
-- Name: ledger_balances; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.ledger_balances (
    account_id bigint NOT NULL,
    slot smallint NOT NULL,
    guard smallint NOT NULL,
    balance numeric NOT NULL,
    CONSTRAINT ledger_balances_guard_check CHECK ((guard = ANY (ARRAY['-1'::integer, 0, 1]))),
    CONSTRAINT ledger_balances_slot_check CHECK (((slot >= 0) AND (slot <= 15)))
);

--
-- Name: ledger_daily_totals; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.ledger_daily_totals (
    account_id bigint NOT NULL,
    day date NOT NULL,
    slot smallint NOT NULL,
    total numeric NOT NULL
);

--
-- Name: ledger_entries; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.ledger_entries (
    id bigint NOT NULL,
    idempotency_key text NOT NULL,
    content_hash bytea NOT NULL,
    description text NOT NULL,
    effective_date date NOT NULL,
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    reverses_entry_id bigint,
    posted_by bigint,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT ledger_entries_date_check CHECK (((effective_date >= '1900-01-01'::date) AND (effective_date <= '2999-12-31'::date))),
    CONSTRAINT ledger_entries_description_check CHECK (((length(btrim(description)) >= 1) AND (length(btrim(description)) <= 500))),
    CONSTRAINT ledger_entries_key_check CHECK (((length(idempotency_key) >= 1) AND (length(idempotency_key) <= 200))),
    CONSTRAINT ledger_entries_metadata_check CHECK ((jsonb_typeof(metadata) = 'object'::text))
);

--
-- Name: ledger_entries_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.ledger_entries_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: ledger_entries_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.ledger_entries_id_seq OWNED BY public.ledger_entries.id;

--
-- Name: ledger_postings; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.ledger_postings (
    id bigint NOT NULL,
    entry_id bigint NOT NULL,
    account_id bigint NOT NULL,
    amount numeric NOT NULL,
    effective_date date NOT NULL,
    CONSTRAINT ledger_postings_amount_check CHECK (((amount <> (0)::numeric) AND (abs(amount) < '1000000000000000'::numeric) AND (scale(amount) <= 4)))
);

--
-- Name: ledger_postings_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.ledger_postings_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: ledger_postings_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.ledger_postings_id_seq OWNED BY public.ledger_postings.id;

--
-- Name: loan_changes; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.loan_changes (
    id bigint NOT NULL,
    site_id bigint NOT NULL,
    member_id bigint NOT NULL,
    from_loan_id bigint,
    to_loan_id bigint,
    changed_on date NOT NULL,
    delta numeric(14,2) NOT NULL,
    interest numeric(14,2) NOT NULL,
    from_cash boolean NOT NULL,
    entry_id bigint NOT NULL,
    idempotency_key text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT loan_changes_delta_check CHECK ((delta <> (0)::numeric)),
    CONSTRAINT loan_changes_interest_check CHECK ((interest >= (0)::numeric)),
    CONSTRAINT loan_changes_loans_check CHECK (((from_loan_id IS NOT NULL) OR (to_loan_id IS NOT NULL)))
);

--
-- Name: loan_changes_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.loan_changes_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: loan_changes_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.loan_changes_id_seq OWNED BY public.loan_changes.id;

--
-- Name: loan_installments; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.loan_installments (
    loan_id bigint NOT NULL,
    period integer NOT NULL,
    site_id bigint NOT NULL,
    due_on date NOT NULL,
    payment numeric(14,2) NOT NULL,
    interest numeric(14,2) NOT NULL,
    principal numeric(14,2) NOT NULL,
    entry_id bigint NOT NULL,
    CONSTRAINT loan_installments_period_check CHECK ((period >= 1)),
    CONSTRAINT loan_installments_sum_check CHECK (((payment = (interest + principal)) AND (interest >= (0)::numeric) AND (principal >= (0)::numeric)))
);

--
-- Name: loans; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.loans (
    id bigint NOT NULL,
    kind text NOT NULL,
    site_id bigint NOT NULL,
    member_id bigint,
    lender text DEFAULT 'Credit union'::text NOT NULL,
    principal numeric(14,2) NOT NULL,
    yearly_rate_pct numeric(7,4) NOT NULL,
    months integer NOT NULL,
    starts_on date NOT NULL,
    replaces_loan_id bigint,
    closed_on date,
    idempotency_key text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT loans_closed_check CHECK (((closed_on IS NULL) OR (closed_on >= starts_on))),
    CONSTRAINT loans_kind_check CHECK ((kind = ANY (ARRAY['mortgage'::text, 'share_loan'::text]))),
    CONSTRAINT loans_lender_check CHECK (((length(btrim(lender)) >= 1) AND (length(btrim(lender)) <= 200))),
    CONSTRAINT loans_member_check CHECK (((kind = 'share_loan'::text) = (member_id IS NOT NULL))),
    CONSTRAINT loans_months_check CHECK (((months >= 1) AND (months <= 1200))),
    CONSTRAINT loans_principal_check CHECK ((principal > (0)::numeric)),
    CONSTRAINT loans_rate_check CHECK (((yearly_rate_pct >= (0)::numeric) AND (yearly_rate_pct <= (100)::numeric)))
);

--
-- Name: loans_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.loans_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: loans_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.loans_id_seq OWNED BY public.loans.id;

--
-- Name: lottery_allocations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.lottery_allocations (
    site_id bigint NOT NULL,
    window_id bigint NOT NULL,
    slot_id bigint NOT NULL,
    member_id bigint NOT NULL,
    rank integer NOT NULL,
    round integer NOT NULL,
    booking_id bigint NOT NULL,
    CONSTRAINT lottery_allocations_rank_check CHECK ((rank >= 1)),
    CONSTRAINT lottery_allocations_round_check CHECK ((round >= 1))
);

--
-- Name: lottery_blocked_slots; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.lottery_blocked_slots (
    site_id bigint NOT NULL,
    window_id bigint NOT NULL,
    slot_id bigint NOT NULL
);

--
-- Name: lottery_entrants; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.lottery_entrants (
    site_id bigint NOT NULL,
    window_id bigint NOT NULL,
    member_id bigint NOT NULL,
    past_allocations integer NOT NULL,
    "position" integer NOT NULL,
    CONSTRAINT lottery_entrants_past_allocations_check CHECK ((past_allocations >= 0)),
    CONSTRAINT lottery_entrants_position_check CHECK (("position" >= 1))
);

--
-- Name: lottery_requests; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.lottery_requests (
    site_id bigint NOT NULL,
    window_id bigint NOT NULL,
    member_id bigint NOT NULL,
    slot_id bigint NOT NULL,
    rank integer NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT lottery_requests_rank_check CHECK (((rank >= 1) AND (rank <= 1000)))
);

--
-- Name: lottery_slots; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.lottery_slots (
    id bigint NOT NULL,
    site_id bigint NOT NULL,
    window_id bigint NOT NULL,
    label text NOT NULL,
    during tstzrange NOT NULL,
    CONSTRAINT lottery_slots_during_check CHECK (((NOT isempty(during)) AND lower_inc(during) AND (NOT upper_inc(during)) AND (NOT lower_inf(during)) AND (NOT upper_inf(during)))),
    CONSTRAINT lottery_slots_label_check CHECK (((length(btrim(label)) >= 1) AND (length(btrim(label)) <= 100)))
);

--
-- Name: lottery_slots_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.lottery_slots_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: lottery_slots_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.lottery_slots_id_seq OWNED BY public.lottery_slots.id;

--
-- Name: lottery_windows; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.lottery_windows (
    id bigint NOT NULL,
    site_id bigint NOT NULL,
    resource_id bigint NOT NULL,
    title text NOT NULL,
    description text DEFAULT ''::text NOT NULL,
    slots_per_member integer DEFAULT 1 NOT NULL,
    opened_by bigint NOT NULL,
    opened_at timestamp with time zone DEFAULT now() NOT NULL,
    closes_at timestamp with time zone NOT NULL,
    status text DEFAULT 'open'::text NOT NULL,
    seed bytea NOT NULL,
    seed_hash bytea NOT NULL,
    drawn_at timestamp with time zone,
    drawn_by bigint,
    cancelled_at timestamp with time zone,
    CONSTRAINT lottery_windows_cancelled_check CHECK (((status = 'cancelled'::text) = (cancelled_at IS NOT NULL))),
    CONSTRAINT lottery_windows_closes_check CHECK ((closes_at > opened_at)),
    CONSTRAINT lottery_windows_description_check CHECK ((length(description) <= 2000)),
    CONSTRAINT lottery_windows_drawn_check CHECK (((status = 'drawn'::text) = ((drawn_at IS NOT NULL) AND (drawn_by IS NOT NULL)))),
    CONSTRAINT lottery_windows_seed_check CHECK ((length(seed) = 32)),
    CONSTRAINT lottery_windows_seed_commitment CHECK ((seed_hash = sha256(seed))),
    CONSTRAINT lottery_windows_slots_per_member_check CHECK (((slots_per_member >= 1) AND (slots_per_member <= 31))),
    CONSTRAINT lottery_windows_status_check CHECK ((status = ANY (ARRAY['open'::text, 'drawn'::text, 'cancelled'::text]))),
    CONSTRAINT lottery_windows_title_check CHECK (((length(btrim(title)) >= 1) AND (length(btrim(title)) <= 200)))
);

--
-- Name: lottery_windows_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.lottery_windows_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: lottery_windows_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.lottery_windows_id_seq OWNED BY public.lottery_windows.id;

--
-- Name: members; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.members (
    id bigint NOT NULL,
    email public.citext NOT NULL,
    name text NOT NULL,
    password_hash text NOT NULL,
    role text DEFAULT 'member'::text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    password_changed_at timestamp with time zone,
    CONSTRAINT members_email_check CHECK ((email OPERATOR(public.~) '^[^@\s]+@[^@\s]+$'::public.citext)),
    CONSTRAINT members_name_check CHECK (((length(btrim(name)) >= 1) AND (length(btrim(name)) <= 200))),
    CONSTRAINT members_role_check CHECK ((role = ANY (ARRAY['admin'::text, 'member'::text])))
);

--
-- Name: members_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.members_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: members_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.members_id_seq OWNED BY public.members.id;

--
-- Name: move_completions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.move_completions (
    move_id bigint NOT NULL,
    site_id bigint NOT NULL,
    member_id bigint NOT NULL,
    completed_on date NOT NULL,
    move_on date NOT NULL,
    from_price numeric(20,6) NOT NULL,
    shares_redeemed numeric(20,6) NOT NULL,
    value_redeemed numeric(16,2) NOT NULL,
    fee_pct numeric(5,2) NOT NULL,
    fee numeric(14,2) NOT NULL,
    to_price numeric(20,6) NOT NULL,
    required_equity numeric(14,2) NOT NULL,
    shares_issued numeric(20,6) NOT NULL,
    value_issued numeric(16,2) NOT NULL,
    payout numeric(14,2) NOT NULL,
    cash_in numeric(14,2) NOT NULL,
    paydown numeric(14,2) NOT NULL,
    loan_increase numeric(14,2) NOT NULL,
    redeem_event_id bigint,
    issue_event_id bigint,
    loan_entry_id bigint,
    ended_residency_id bigint NOT NULL,
    started_residency_id bigint NOT NULL,
    completed_by bigint,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT move_completions_amounts_check CHECK (((from_price >= (0)::numeric) AND (to_price >= (0)::numeric) AND (shares_redeemed >= (0)::numeric) AND (shares_issued >= (0)::numeric) AND (value_redeemed >= (0)::numeric) AND (fee >= (0)::numeric) AND (required_equity >= (0)::numeric) AND ((value_issued >= (0)::numeric) AND (value_issued <= required_equity)) AND (payout >= (0)::numeric) AND (cash_in >= (0)::numeric) AND (paydown >= (0)::numeric) AND (loan_increase >= (0)::numeric))),
    CONSTRAINT move_completions_conserved_check CHECK ((value_redeemed = (((((fee + required_equity) + payout) - cash_in) + paydown) - loan_increase))),
    CONSTRAINT move_completions_dates_check CHECK ((completed_on >= move_on))
);

--
-- Name: move_requests; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.move_requests (
    id bigint NOT NULL,
    site_id bigint NOT NULL,
    unit_id bigint NOT NULL,
    member_id bigint NOT NULL,
    from_site_id bigint NOT NULL,
    from_unit_id bigint NOT NULL,
    from_residency_id bigint NOT NULL,
    move_on date NOT NULL,
    surplus text NOT NULL,
    shortfall text NOT NULL,
    status text DEFAULT 'requested'::text NOT NULL,
    quoted_on date NOT NULL,
    from_price numeric(20,6) NOT NULL,
    shares_redeemed numeric(20,6) NOT NULL,
    value_redeemed numeric(16,2) NOT NULL,
    fee_pct numeric(5,2) NOT NULL,
    fee numeric(14,2) NOT NULL,
    to_price numeric(20,6) NOT NULL,
    required_equity numeric(14,2) NOT NULL,
    shares_issued numeric(20,6) NOT NULL,
    value_issued numeric(16,2) NOT NULL,
    payout numeric(14,2) NOT NULL,
    cash_in numeric(14,2) NOT NULL,
    paydown numeric(14,2) NOT NULL,
    loan_increase numeric(14,2) NOT NULL,
    idempotency_key text,
    decided_by bigint,
    decided_at timestamp with time zone,
    decline_reason text DEFAULT ''::text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT move_requests_amounts_check CHECK (((from_price >= (0)::numeric) AND (to_price >= (0)::numeric) AND (shares_redeemed >= (0)::numeric) AND (shares_issued >= (0)::numeric) AND (value_redeemed >= (0)::numeric) AND (fee >= (0)::numeric) AND (fee <= value_redeemed) AND (required_equity >= (0)::numeric) AND ((value_issued >= (0)::numeric) AND (value_issued <= required_equity)) AND (payout >= (0)::numeric) AND (cash_in >= (0)::numeric) AND (paydown >= (0)::numeric) AND (loan_increase >= (0)::numeric))),
    CONSTRAINT move_requests_conserved_check CHECK ((value_redeemed = (((((fee + required_equity) + payout) - cash_in) + paydown) - loan_increase))),
    CONSTRAINT move_requests_key_check CHECK (((idempotency_key IS NULL) OR ((length(idempotency_key) >= 1) AND (length(idempotency_key) <= 100)))),
    CONSTRAINT move_requests_other_site_check CHECK ((site_id <> from_site_id)),
    CONSTRAINT move_requests_reason_check CHECK ((length(decline_reason) <= 500)),
    CONSTRAINT move_requests_shortfall_check CHECK ((shortfall = ANY (ARRAY['cash'::text, 'loan'::text]))),
    CONSTRAINT move_requests_status_check CHECK ((status = ANY (ARRAY['requested'::text, 'approved'::text, 'declined'::text, 'withdrawn'::text, 'completed'::text]))),
    CONSTRAINT move_requests_surplus_check CHECK ((surplus = ANY (ARRAY['payout'::text, 'paydown'::text])))
);

--
-- Name: move_requests_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.move_requests_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: move_requests_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.move_requests_id_seq OWNED BY public.move_requests.id;

--
-- Name: price_index_points; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.price_index_points (
    series text NOT NULL,
    effective_on date NOT NULL,
    value numeric(20,6) NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT price_index_points_series_check CHECK ((series ~ '^[A-Za-z0-9][A-Za-z0-9 ._-]{0,39}$'::text)),
    CONSTRAINT price_index_points_value_check CHECK ((value > (0)::numeric))
);

--
-- Name: price_policies; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.price_policies (
    id bigint NOT NULL,
    site_id bigint NOT NULL,
    effective_from date NOT NULL,
    kind text NOT NULL,
    base_price numeric(20,6) NOT NULL,
    base_date date NOT NULL,
    yearly_rate_pct numeric(7,4),
    index_series text,
    note text DEFAULT ''::text NOT NULL,
    created_by bigint,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT price_policies_base_date_check CHECK ((base_date <= effective_from)),
    CONSTRAINT price_policies_base_price_check CHECK ((base_price > (0)::numeric)),
    CONSTRAINT price_policies_growth_check CHECK ((((kind = 'nav'::text) AND (yearly_rate_pct IS NULL) AND (index_series IS NULL)) OR ((kind = 'limited_equity'::text) AND ((yearly_rate_pct IS NULL) <> (index_series IS NULL))))),
    CONSTRAINT price_policies_kind_check CHECK ((kind = ANY (ARRAY['nav'::text, 'limited_equity'::text]))),
    CONSTRAINT price_policies_note_check CHECK ((length(note) <= 500)),
    CONSTRAINT price_policies_rate_check CHECK (((yearly_rate_pct >= (0)::numeric) AND (yearly_rate_pct <= (100)::numeric)))
);

--
-- Name: price_policies_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.price_policies_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: price_policies_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.price_policies_id_seq OWNED BY public.price_policies.id;

--
-- Name: residencies_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.residencies_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: residencies_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.residencies_id_seq OWNED BY public.residencies.id;

--
-- Name: resource_blackouts_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.resource_blackouts_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: resource_blackouts_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.resource_blackouts_id_seq OWNED BY public.resource_blackouts.id;

--
-- Name: resource_hours; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.resource_hours (
    site_id bigint NOT NULL,
    resource_id bigint NOT NULL,
    weekday smallint NOT NULL,
    opens smallint NOT NULL,
    closes smallint NOT NULL,
    CONSTRAINT resource_hours_closes_check CHECK (((closes >= 1) AND (closes <= 1440))),
    CONSTRAINT resource_hours_opens_check CHECK (((opens >= 0) AND (opens <= 1439))),
    CONSTRAINT resource_hours_order_check CHECK ((opens < closes)),
    CONSTRAINT resource_hours_weekday_check CHECK (((weekday >= 0) AND (weekday <= 6)))
);

--
-- Name: resource_rules_versions; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.resource_rules_versions
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: resources; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.resources (
    id bigint NOT NULL,
    site_id bigint NOT NULL,
    name text NOT NULL,
    kind text NOT NULL,
    description text DEFAULT ''::text NOT NULL,
    min_minutes integer DEFAULT 0 NOT NULL,
    max_minutes integer DEFAULT 0 NOT NULL,
    horizon_days integer DEFAULT 0 NOT NULL,
    weekly_quota_bookings integer DEFAULT 0 NOT NULL,
    weekly_quota_minutes integer DEFAULT 0 NOT NULL,
    buffer_minutes integer DEFAULT 0 NOT NULL,
    approval_required boolean DEFAULT false NOT NULL,
    who_may_book text DEFAULT 'members'::text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    rules_version bigint DEFAULT nextval('public.resource_rules_versions'::regclass) NOT NULL,
    CONSTRAINT resources_buffer_minutes_check CHECK (((buffer_minutes >= 0) AND (buffer_minutes <= 1440))),
    CONSTRAINT resources_description_check CHECK ((length(description) <= 2000)),
    CONSTRAINT resources_horizon_days_check CHECK (((horizon_days >= 0) AND (horizon_days <= 730))),
    CONSTRAINT resources_kind_check CHECK ((kind = ANY (ARRAY['guest_room'::text, 'workshop'::text, 'common_kitchen'::text, 'laundry'::text, 'car'::text, 'other'::text]))),
    CONSTRAINT resources_length_check CHECK (((min_minutes = 0) OR (max_minutes = 0) OR (min_minutes <= max_minutes))),
    CONSTRAINT resources_max_minutes_check CHECK (((max_minutes >= 0) AND (max_minutes <= 44640))),
    CONSTRAINT resources_min_minutes_check CHECK (((min_minutes >= 0) AND (min_minutes <= 44640))),
    CONSTRAINT resources_name_check CHECK (((length(btrim(name)) >= 1) AND (length(btrim(name)) <= 100))),
    CONSTRAINT resources_weekly_quota_bookings_check CHECK (((weekly_quota_bookings >= 0) AND (weekly_quota_bookings <= 1000))),
    CONSTRAINT resources_weekly_quota_minutes_check CHECK (((weekly_quota_minutes >= 0) AND (weekly_quota_minutes <= 10080))),
    CONSTRAINT resources_who_may_book_check CHECK ((who_may_book = ANY (ARRAY['residents'::text, 'members'::text])))
);

--
-- Name: resources_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.resources_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: resources_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.resources_id_seq OWNED BY public.resources.id;

--
-- Name: sessions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.sessions (
    token_hash bytea NOT NULL,
    member_id bigint NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    id bigint NOT NULL,
    last_used_at timestamp with time zone DEFAULT now() NOT NULL,
    user_agent text DEFAULT ''::text NOT NULL,
    CONSTRAINT sessions_user_agent_check CHECK ((length(user_agent) <= 200))
);

--
-- Name: sessions_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.sessions_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: sessions_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.sessions_id_seq OWNED BY public.sessions.id;

--
-- Name: share_events; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.share_events (
    id bigint NOT NULL,
    site_id bigint NOT NULL,
    member_id bigint NOT NULL,
    kind text NOT NULL,
    effective_on date NOT NULL,
    quantity numeric(20,6) NOT NULL,
    price numeric(20,6) NOT NULL,
    value numeric(16,2) NOT NULL,
    amount numeric(16,2) NOT NULL,
    entry_id bigint NOT NULL,
    idempotency_key text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT share_events_direction_check CHECK ((((kind = ANY (ARRAY['move_out'::text, 'redemption'::text])) = (quantity < (0)::numeric)) AND (quantity <> (0)::numeric))),
    CONSTRAINT share_events_kind_check CHECK ((kind = ANY (ARRAY['buy_in'::text, 'charge'::text, 'move_in'::text, 'issue'::text, 'move_out'::text, 'redemption'::text]))),
    CONSTRAINT share_events_price_check CHECK ((price > (0)::numeric))
);

--
-- Name: share_events_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.share_events_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: share_events_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.share_events_id_seq OWNED BY public.share_events.id;

--
-- Name: share_holdings; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.share_holdings (
    site_id bigint NOT NULL,
    member_id bigint NOT NULL,
    quantity numeric(20,6) NOT NULL,
    CONSTRAINT share_holdings_quantity_check CHECK ((quantity >= (0)::numeric))
);

--
-- Name: share_pools; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.share_pools (
    site_id bigint NOT NULL,
    reserve_pct numeric(5,2) DEFAULT 10 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT share_pools_reserve_check CHECK (((reserve_pct >= (0)::numeric) AND (reserve_pct <= (100)::numeric)))
);

--
-- Name: site_coordinators; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.site_coordinators (
    site_id bigint NOT NULL,
    member_id bigint NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);

--
-- Name: sites; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.sites (
    id bigint NOT NULL,
    name text NOT NULL,
    address text DEFAULT ''::text NOT NULL,
    timezone text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT sites_name_check CHECK (((length(btrim(name)) >= 1) AND (length(btrim(name)) <= 200))),
    CONSTRAINT sites_timezone_check CHECK (public.site_timezone_valid(timezone))
);

--
-- Name: sites_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.sites_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: sites_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.sites_id_seq OWNED BY public.sites.id;

--
-- Name: unit_charges; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.unit_charges (
    id bigint NOT NULL,
    site_id bigint NOT NULL,
    unit_id bigint NOT NULL,
    residency_id bigint NOT NULL,
    member_id bigint NOT NULL,
    month date NOT NULL,
    days integer NOT NULL,
    days_in_month integer NOT NULL,
    monthly_charge numeric(14,2) NOT NULL,
    total numeric(14,2) NOT NULL,
    operating numeric(14,2) NOT NULL,
    reserves numeric(14,2) NOT NULL,
    interest numeric(14,2) NOT NULL,
    principal numeric(14,2) NOT NULL,
    share_event_id bigint,
    entry_id bigint NOT NULL,
    run_id bigint,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    posted_on date NOT NULL,
    CONSTRAINT unit_charges_days_check CHECK (((days >= 1) AND (days <= days_in_month))),
    CONSTRAINT unit_charges_month_check CHECK ((EXTRACT(day FROM month) = (1)::numeric)),
    CONSTRAINT unit_charges_split_check CHECK (((total = (((operating + reserves) + interest) + principal)) AND (operating >= (0)::numeric) AND (reserves >= (0)::numeric) AND (interest >= (0)::numeric) AND (principal >= (0)::numeric)))
);

--
-- Name: unit_charges_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.unit_charges_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: unit_charges_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.unit_charges_id_seq OWNED BY public.unit_charges.id;

--
-- Name: unit_vacancies; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.unit_vacancies (
    id bigint NOT NULL,
    site_id bigint NOT NULL,
    unit_id bigint NOT NULL,
    free_from date NOT NULL,
    reason text NOT NULL,
    move_id bigint,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT unit_vacancies_reason_check CHECK ((reason = 'move'::text))
);

--
-- Name: unit_vacancies_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.unit_vacancies_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: unit_vacancies_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.unit_vacancies_id_seq OWNED BY public.unit_vacancies.id;

--
-- Name: units; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.units (
    id bigint NOT NULL,
    site_id bigint NOT NULL,
    name text NOT NULL,
    bedrooms integer DEFAULT 1 NOT NULL,
    monthly_charge numeric(14,2) DEFAULT 0 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    required_equity numeric(14,2) DEFAULT 0 NOT NULL,
    CONSTRAINT units_bedrooms_check CHECK (((bedrooms >= 0) AND (bedrooms <= 20))),
    CONSTRAINT units_monthly_charge_check CHECK ((monthly_charge >= (0)::numeric)),
    CONSTRAINT units_name_check CHECK (((length(btrim(name)) >= 1) AND (length(btrim(name)) <= 100))),
    CONSTRAINT units_required_equity_check CHECK ((required_equity >= (0)::numeric))
);

--
-- Name: units_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.units_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: units_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.units_id_seq OWNED BY public.units.id;

--
-- Name: waitlist_entries; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.waitlist_entries (
    id bigint NOT NULL,
    site_id bigint NOT NULL,
    resource_id bigint NOT NULL,
    member_id bigint NOT NULL,
    wanted tstzrange NOT NULL,
    status text DEFAULT 'waiting'::text NOT NULL,
    offer_id bigint,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT waitlist_entries_offer_check CHECK (((status = 'offered'::text) = (offer_id IS NOT NULL))),
    CONSTRAINT waitlist_entries_status_check CHECK ((status = ANY (ARRAY['waiting'::text, 'offered'::text, 'withdrawn'::text]))),
    CONSTRAINT waitlist_entries_wanted_check CHECK (((NOT isempty(wanted)) AND lower_inc(wanted) AND (NOT upper_inc(wanted)) AND (NOT lower_inf(wanted)) AND (NOT upper_inf(wanted))))
);

--
-- Name: waitlist_entries_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.waitlist_entries_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: waitlist_entries_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.waitlist_entries_id_seq OWNED BY public.waitlist_entries.id;

--
-- Name: admissions id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.admissions ALTER COLUMN id SET DEFAULT nextval('public.admissions_id_seq'::regclass);

--
-- Name: api_tokens id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.api_tokens ALTER COLUMN id SET DEFAULT nextval('public.api_tokens_id_seq'::regclass);

--
-- Name: appraisals id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.appraisals ALTER COLUMN id SET DEFAULT nextval('public.appraisals_id_seq'::regclass);

--
-- Name: booking_series id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.booking_series ALTER COLUMN id SET DEFAULT nextval('public.booking_series_id_seq'::regclass);

--
-- Name: bookings id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.bookings ALTER COLUMN id SET DEFAULT nextval('public.bookings_id_seq'::regclass);

--
-- Name: calendar_feeds id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.calendar_feeds ALTER COLUMN id SET DEFAULT nextval('public.calendar_feeds_id_seq'::regclass);

--
-- Name: charge_runs id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.charge_runs ALTER COLUMN id SET DEFAULT nextval('public.charge_runs_id_seq'::regclass);

--
-- Name: ledger_accounts id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ledger_accounts ALTER COLUMN id SET DEFAULT nextval('public.ledger_accounts_id_seq'::regclass);

--
-- Name: ledger_entries id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ledger_entries ALTER COLUMN id SET DEFAULT nextval('public.ledger_entries_id_seq'::regclass);

--
-- Name: ledger_postings id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ledger_postings ALTER COLUMN id SET DEFAULT nextval('public.ledger_postings_id_seq'::regclass);

--
-- Name: loan_changes id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.loan_changes ALTER COLUMN id SET DEFAULT nextval('public.loan_changes_id_seq'::regclass);

--
-- Name: loans id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.loans ALTER COLUMN id SET DEFAULT nextval('public.loans_id_seq'::regclass);

--
-- Name: lottery_slots id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.lottery_slots ALTER COLUMN id SET DEFAULT nextval('public.lottery_slots_id_seq'::regclass);

--
-- Name: lottery_windows id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.lottery_windows ALTER COLUMN id SET DEFAULT nextval('public.lottery_windows_id_seq'::regclass);

--
-- Name: members id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.members ALTER COLUMN id SET DEFAULT nextval('public.members_id_seq'::regclass);

--
-- Name: move_requests id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.move_requests ALTER COLUMN id SET DEFAULT nextval('public.move_requests_id_seq'::regclass);

--
-- Name: price_policies id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.price_policies ALTER COLUMN id SET DEFAULT nextval('public.price_policies_id_seq'::regclass);

--
-- Name: residencies id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.residencies ALTER COLUMN id SET DEFAULT nextval('public.residencies_id_seq'::regclass);

--
-- Name: resource_blackouts id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resource_blackouts ALTER COLUMN id SET DEFAULT nextval('public.resource_blackouts_id_seq'::regclass);

--
-- Name: resources id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resources ALTER COLUMN id SET DEFAULT nextval('public.resources_id_seq'::regclass);

--
-- Name: sessions id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sessions ALTER COLUMN id SET DEFAULT nextval('public.sessions_id_seq'::regclass);

--
-- Name: share_events id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.share_events ALTER COLUMN id SET DEFAULT nextval('public.share_events_id_seq'::regclass);

--
-- Name: sites id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sites ALTER COLUMN id SET DEFAULT nextval('public.sites_id_seq'::regclass);

--
-- Name: unit_charges id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.unit_charges ALTER COLUMN id SET DEFAULT nextval('public.unit_charges_id_seq'::regclass);

--
-- Name: unit_vacancies id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.unit_vacancies ALTER COLUMN id SET DEFAULT nextval('public.unit_vacancies_id_seq'::regclass);

--
-- Name: units id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.units ALTER COLUMN id SET DEFAULT nextval('public.units_id_seq'::regclass);

--
-- Name: waitlist_entries id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.waitlist_entries ALTER COLUMN id SET DEFAULT nextval('public.waitlist_entries_id_seq'::regclass);

--
-- Name: admissions admissions_idempotency_key_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.admissions
    ADD CONSTRAINT admissions_idempotency_key_key UNIQUE (idempotency_key);

--
-- Name: admissions admissions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.admissions
    ADD CONSTRAINT admissions_pkey PRIMARY KEY (id);

--
-- Name: api_tokens api_tokens_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.api_tokens
    ADD CONSTRAINT api_tokens_pkey PRIMARY KEY (id);

--
-- Name: api_tokens api_tokens_token_hash_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.api_tokens
    ADD CONSTRAINT api_tokens_token_hash_key UNIQUE (token_hash);

--
-- Name: appraisals appraisals_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.appraisals
    ADD CONSTRAINT appraisals_pkey PRIMARY KEY (id);

--
-- Name: appraisals appraisals_site_effective_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.appraisals
    ADD CONSTRAINT appraisals_site_effective_key UNIQUE (site_id, effective_on);

--
-- Name: booking_series booking_series_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.booking_series
    ADD CONSTRAINT booking_series_pkey PRIMARY KEY (id);

--
-- Name: booking_series booking_series_site_id_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.booking_series
    ADD CONSTRAINT booking_series_site_id_id_key UNIQUE (site_id, id);

--
-- Name: bookings bookings_no_overlap; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.bookings
    ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist (site_id WITH =, resource_id WITH =, blocks WITH &&) WHERE ((status = ANY (ARRAY['pending'::text, 'confirmed'::text, 'offered'::text])));

--
-- Name: bookings bookings_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.bookings
    ADD CONSTRAINT bookings_pkey PRIMARY KEY (id);

--
-- Name: calendar_feeds calendar_feeds_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.calendar_feeds
    ADD CONSTRAINT calendar_feeds_pkey PRIMARY KEY (id);

--
-- Name: calendar_feeds calendar_feeds_token_hash_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.calendar_feeds
    ADD CONSTRAINT calendar_feeds_token_hash_key UNIQUE (token_hash);

--
-- Name: charge_runs charge_runs_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.charge_runs
    ADD CONSTRAINT charge_runs_pkey PRIMARY KEY (id);

--
-- Name: equity_settings equity_settings_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.equity_settings
    ADD CONSTRAINT equity_settings_pkey PRIMARY KEY (singleton);

--
-- Name: goose_db_version goose_db_version_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.goose_db_version
    ADD CONSTRAINT goose_db_version_pkey PRIMARY KEY (id);

--
-- Name: kv_store kv_store_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.kv_store
    ADD CONSTRAINT kv_store_pkey PRIMARY KEY (key);

--
-- Name: ledger_accounts ledger_accounts_code_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ledger_accounts
    ADD CONSTRAINT ledger_accounts_code_key UNIQUE (code);

--
-- Name: ledger_accounts ledger_accounts_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ledger_accounts
    ADD CONSTRAINT ledger_accounts_pkey PRIMARY KEY (id);

--
-- Name: ledger_balances ledger_balances_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ledger_balances
    ADD CONSTRAINT ledger_balances_pkey PRIMARY KEY (account_id, slot);

--
-- Name: ledger_daily_totals ledger_daily_totals_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ledger_daily_totals
    ADD CONSTRAINT ledger_daily_totals_pkey PRIMARY KEY (account_id, day, slot);

--
-- Name: ledger_entries ledger_entries_idempotency_key_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ledger_entries
    ADD CONSTRAINT ledger_entries_idempotency_key_key UNIQUE (idempotency_key);

--
-- Name: ledger_entries ledger_entries_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ledger_entries
    ADD CONSTRAINT ledger_entries_pkey PRIMARY KEY (id);

--
-- Name: ledger_postings ledger_postings_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ledger_postings
    ADD CONSTRAINT ledger_postings_pkey PRIMARY KEY (id);

--
-- Name: loan_changes loan_changes_idempotency_key_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.loan_changes
    ADD CONSTRAINT loan_changes_idempotency_key_key UNIQUE (idempotency_key);

--
-- Name: loan_changes loan_changes_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.loan_changes
    ADD CONSTRAINT loan_changes_pkey PRIMARY KEY (id);

--
-- Name: loan_installments loan_installments_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.loan_installments
    ADD CONSTRAINT loan_installments_pkey PRIMARY KEY (loan_id, period);

--
-- Name: loans loans_idempotency_key_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.loans
    ADD CONSTRAINT loans_idempotency_key_key UNIQUE (idempotency_key);

--
-- Name: loans loans_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.loans
    ADD CONSTRAINT loans_pkey PRIMARY KEY (id);

--
-- Name: loans loans_replaces_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.loans
    ADD CONSTRAINT loans_replaces_key UNIQUE (replaces_loan_id);

--
-- Name: lottery_allocations lottery_allocations_booking_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.lottery_allocations
    ADD CONSTRAINT lottery_allocations_booking_key UNIQUE (booking_id);

--
-- Name: lottery_allocations lottery_allocations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.lottery_allocations
    ADD CONSTRAINT lottery_allocations_pkey PRIMARY KEY (site_id, window_id, slot_id);

--
-- Name: lottery_blocked_slots lottery_blocked_slots_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.lottery_blocked_slots
    ADD CONSTRAINT lottery_blocked_slots_pkey PRIMARY KEY (site_id, window_id, slot_id);

--
-- Name: lottery_entrants lottery_entrants_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.lottery_entrants
    ADD CONSTRAINT lottery_entrants_pkey PRIMARY KEY (site_id, window_id, member_id);

--
-- Name: lottery_entrants lottery_entrants_position_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.lottery_entrants
    ADD CONSTRAINT lottery_entrants_position_key UNIQUE (site_id, window_id, "position");

--
-- Name: lottery_requests lottery_requests_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.lottery_requests
    ADD CONSTRAINT lottery_requests_pkey PRIMARY KEY (site_id, window_id, member_id, rank);

--
-- Name: lottery_requests lottery_requests_slot_once; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.lottery_requests
    ADD CONSTRAINT lottery_requests_slot_once UNIQUE (site_id, window_id, member_id, slot_id);

--
-- Name: lottery_slots lottery_slots_no_overlap; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.lottery_slots
    ADD CONSTRAINT lottery_slots_no_overlap EXCLUDE USING gist (site_id WITH =, window_id WITH =, during WITH &&);

--
-- Name: lottery_slots lottery_slots_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.lottery_slots
    ADD CONSTRAINT lottery_slots_pkey PRIMARY KEY (id);

--
-- Name: lottery_slots lottery_slots_window_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.lottery_slots
    ADD CONSTRAINT lottery_slots_window_id_key UNIQUE (site_id, window_id, id);

--
-- Name: lottery_windows lottery_windows_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.lottery_windows
    ADD CONSTRAINT lottery_windows_pkey PRIMARY KEY (id);

--
-- Name: lottery_windows lottery_windows_site_id_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.lottery_windows
    ADD CONSTRAINT lottery_windows_site_id_id_key UNIQUE (site_id, id);

--
-- Name: members members_email_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.members
    ADD CONSTRAINT members_email_key UNIQUE (email);

--
-- Name: members members_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.members
    ADD CONSTRAINT members_pkey PRIMARY KEY (id);

--
-- Name: move_completions move_completions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.move_completions
    ADD CONSTRAINT move_completions_pkey PRIMARY KEY (move_id);

--
-- Name: move_requests move_requests_member_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.move_requests
    ADD CONSTRAINT move_requests_member_key UNIQUE (member_id, idempotency_key);

--
-- Name: move_requests move_requests_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.move_requests
    ADD CONSTRAINT move_requests_pkey PRIMARY KEY (id);

--
-- Name: price_index_points price_index_points_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.price_index_points
    ADD CONSTRAINT price_index_points_pkey PRIMARY KEY (series, effective_on);

--
-- Name: price_policies price_policies_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.price_policies
    ADD CONSTRAINT price_policies_pkey PRIMARY KEY (id);

--
-- Name: price_policies price_policies_site_from_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.price_policies
    ADD CONSTRAINT price_policies_site_from_key UNIQUE (site_id, effective_from);

--
-- Name: residencies residencies_member_no_overlap; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.residencies
    ADD CONSTRAINT residencies_member_no_overlap EXCLUDE USING gist (member_id WITH =, daterange(starts_on, ends_on, '[)'::text) WITH &&);

--
-- Name: residencies residencies_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.residencies
    ADD CONSTRAINT residencies_pkey PRIMARY KEY (id);

--
-- Name: residencies residencies_unit_no_overlap; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.residencies
    ADD CONSTRAINT residencies_unit_no_overlap EXCLUDE USING gist (unit_id WITH =, daterange(starts_on, ends_on, '[)'::text) WITH &&);

--
-- Name: resource_blackouts resource_blackouts_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resource_blackouts
    ADD CONSTRAINT resource_blackouts_pkey PRIMARY KEY (id);

--
-- Name: resource_hours resource_hours_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resource_hours
    ADD CONSTRAINT resource_hours_pkey PRIMARY KEY (site_id, resource_id, weekday);

--
-- Name: resources resources_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resources
    ADD CONSTRAINT resources_pkey PRIMARY KEY (id);

--
-- Name: resources resources_site_id_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resources
    ADD CONSTRAINT resources_site_id_id_key UNIQUE (site_id, id);

--
-- Name: resources resources_site_name_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resources
    ADD CONSTRAINT resources_site_name_key UNIQUE (site_id, name);

--
-- Name: sessions sessions_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sessions
    ADD CONSTRAINT sessions_id_key UNIQUE (id);

--
-- Name: sessions sessions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sessions
    ADD CONSTRAINT sessions_pkey PRIMARY KEY (token_hash);

--
-- Name: share_events share_events_idempotency_key_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.share_events
    ADD CONSTRAINT share_events_idempotency_key_key UNIQUE (idempotency_key);

--
-- Name: share_events share_events_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.share_events
    ADD CONSTRAINT share_events_pkey PRIMARY KEY (id);

--
-- Name: share_holdings share_holdings_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.share_holdings
    ADD CONSTRAINT share_holdings_pkey PRIMARY KEY (site_id, member_id);

--
-- Name: share_pools share_pools_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.share_pools
    ADD CONSTRAINT share_pools_pkey PRIMARY KEY (site_id);

--
-- Name: site_coordinators site_coordinators_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.site_coordinators
    ADD CONSTRAINT site_coordinators_pkey PRIMARY KEY (site_id, member_id);

--
-- Name: sites sites_name_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sites
    ADD CONSTRAINT sites_name_key UNIQUE (name);

--
-- Name: sites sites_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sites
    ADD CONSTRAINT sites_pkey PRIMARY KEY (id);

--
-- Name: unit_charges unit_charges_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.unit_charges
    ADD CONSTRAINT unit_charges_pkey PRIMARY KEY (id);

--
-- Name: unit_charges unit_charges_residency_month_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.unit_charges
    ADD CONSTRAINT unit_charges_residency_month_key UNIQUE (residency_id, month);

--
-- Name: unit_vacancies unit_vacancies_move_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.unit_vacancies
    ADD CONSTRAINT unit_vacancies_move_key UNIQUE (move_id);

--
-- Name: unit_vacancies unit_vacancies_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.unit_vacancies
    ADD CONSTRAINT unit_vacancies_pkey PRIMARY KEY (id);

--
-- Name: units units_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.units
    ADD CONSTRAINT units_pkey PRIMARY KEY (id);

--
-- Name: units units_site_id_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.units
    ADD CONSTRAINT units_site_id_id_key UNIQUE (site_id, id);

--
-- Name: units units_site_name_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.units
    ADD CONSTRAINT units_site_name_key UNIQUE (site_id, name);

--
-- Name: waitlist_entries waitlist_entries_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.waitlist_entries
    ADD CONSTRAINT waitlist_entries_pkey PRIMARY KEY (id);

--
-- Name: admissions_site_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX admissions_site_idx ON public.admissions USING btree (site_id, admitted_on);

--
-- Name: api_tokens_expires_at_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX api_tokens_expires_at_idx ON public.api_tokens USING btree (expires_at);

--
-- Name: api_tokens_member_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX api_tokens_member_id_idx ON public.api_tokens USING btree (member_id);

--
-- Name: bookings_member_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX bookings_member_idx ON public.bookings USING btree (member_id, lower(during));

--
-- Name: bookings_offered_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX bookings_offered_idx ON public.bookings USING btree (offer_expires_at) WHERE (status = 'offered'::text);

--
-- Name: bookings_offered_resource_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX bookings_offered_resource_idx ON public.bookings USING btree (site_id, resource_id, offer_expires_at) WHERE (status = 'offered'::text);

--
-- Name: bookings_pending_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX bookings_pending_idx ON public.bookings USING btree (site_id, lower(during)) WHERE (status = 'pending'::text);

--
-- Name: bookings_series_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX bookings_series_idx ON public.bookings USING btree (series_id) WHERE (series_id IS NOT NULL);

--
-- Name: calendar_feeds_one_live_key; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX calendar_feeds_one_live_key ON public.calendar_feeds USING btree (member_id, COALESCE(resource_id, (0)::bigint)) WHERE (revoked_at IS NULL);

--
-- Name: charge_runs_month_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX charge_runs_month_idx ON public.charge_runs USING btree (month);

--
-- Name: ledger_accounts_member_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ledger_accounts_member_id_idx ON public.ledger_accounts USING btree (member_id) WHERE (member_id IS NOT NULL);

--
-- Name: ledger_accounts_site_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ledger_accounts_site_id_idx ON public.ledger_accounts USING btree (site_id) WHERE (site_id IS NOT NULL);

--
-- Name: ledger_entries_effective_date_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ledger_entries_effective_date_idx ON public.ledger_entries USING btree (effective_date, id);

--
-- Name: ledger_entries_reverses_key; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX ledger_entries_reverses_key ON public.ledger_entries USING btree (reverses_entry_id) WHERE (reverses_entry_id IS NOT NULL);

--
-- Name: ledger_postings_account_date_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ledger_postings_account_date_idx ON public.ledger_postings USING btree (account_id, effective_date, id) INCLUDE (amount);

--
-- Name: ledger_postings_entry_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ledger_postings_entry_id_idx ON public.ledger_postings USING btree (entry_id);

--
-- Name: loan_changes_member_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX loan_changes_member_idx ON public.loan_changes USING btree (member_id, changed_on);

--
-- Name: loans_one_open_mortgage; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX loans_one_open_mortgage ON public.loans USING btree (site_id) WHERE ((kind = 'mortgage'::text) AND (closed_on IS NULL));

--
-- Name: loans_one_open_share_loan; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX loans_one_open_share_loan ON public.loans USING btree (member_id) WHERE ((kind = 'share_loan'::text) AND (closed_on IS NULL));

--
-- Name: lottery_allocations_member_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX lottery_allocations_member_idx ON public.lottery_allocations USING btree (member_id);

--
-- Name: lottery_requests_member_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX lottery_requests_member_idx ON public.lottery_requests USING btree (member_id);

--
-- Name: lottery_windows_drawn_at_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX lottery_windows_drawn_at_idx ON public.lottery_windows USING btree (drawn_at) WHERE (status = 'drawn'::text);

--
-- Name: lottery_windows_resource_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX lottery_windows_resource_idx ON public.lottery_windows USING btree (site_id, resource_id, closes_at);

--
-- Name: move_completions_site_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX move_completions_site_idx ON public.move_completions USING btree (site_id, completed_on);

--
-- Name: move_requests_from_site_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX move_requests_from_site_idx ON public.move_requests USING btree (from_site_id, status);

--
-- Name: move_requests_one_open; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX move_requests_one_open ON public.move_requests USING btree (member_id) WHERE (status = ANY (ARRAY['requested'::text, 'approved'::text]));

--
-- Name: move_requests_site_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX move_requests_site_idx ON public.move_requests USING btree (site_id, status);

--
-- Name: residencies_site_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX residencies_site_id_idx ON public.residencies USING btree (site_id);

--
-- Name: resource_blackouts_during_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX resource_blackouts_during_idx ON public.resource_blackouts USING gist (resource_id, during);

--
-- Name: sessions_expires_at_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX sessions_expires_at_idx ON public.sessions USING btree (expires_at);

--
-- Name: sessions_member_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX sessions_member_id_idx ON public.sessions USING btree (member_id);

--
-- Name: share_events_member_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX share_events_member_idx ON public.share_events USING btree (member_id, effective_on);

--
-- Name: share_events_site_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX share_events_site_idx ON public.share_events USING btree (site_id, effective_on) INCLUDE (quantity);

--
-- Name: share_holdings_member_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX share_holdings_member_idx ON public.share_holdings USING btree (member_id);

--
-- Name: sites_name_ci_key; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX sites_name_ci_key ON public.sites USING btree (lower(name));

--
-- Name: unit_charges_member_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX unit_charges_member_idx ON public.unit_charges USING btree (member_id, month);

--
-- Name: unit_charges_site_month_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX unit_charges_site_month_idx ON public.unit_charges USING btree (site_id, month);

--
-- Name: unit_vacancies_site_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX unit_vacancies_site_idx ON public.unit_vacancies USING btree (site_id, free_from);

--
-- Name: units_site_name_ci_key; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX units_site_name_ci_key ON public.units USING btree (site_id, lower(name));

--
-- Name: waitlist_entries_member_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX waitlist_entries_member_idx ON public.waitlist_entries USING btree (member_id);

--
-- Name: waitlist_entries_once_key; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX waitlist_entries_once_key ON public.waitlist_entries USING btree (site_id, resource_id, member_id, wanted) WHERE (status = 'waiting'::text);

--
-- Name: waitlist_entries_waiting_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX waitlist_entries_waiting_idx ON public.waitlist_entries USING gist (resource_id, wanted) WHERE (status = 'waiting'::text);

--
-- Name: admissions admissions_immutable; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER admissions_immutable BEFORE DELETE OR UPDATE ON public.admissions FOR EACH ROW EXECUTE FUNCTION public.equity_refuse_change();

--
-- Name: appraisals appraisals_immutable; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER appraisals_immutable BEFORE DELETE OR UPDATE ON public.appraisals FOR EACH ROW EXECUTE FUNCTION public.equity_refuse_change();

--
-- Name: bookings bookings_guard_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER bookings_guard_update BEFORE UPDATE ON public.bookings FOR EACH ROW EXECUTE FUNCTION public.bookings_guard_update();

--
-- Name: bookings bookings_no_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER bookings_no_delete BEFORE DELETE ON public.bookings FOR EACH ROW EXECUTE FUNCTION public.bookings_refuse_delete();

--
-- Name: ledger_accounts ledger_accounts_fixed; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER ledger_accounts_fixed BEFORE DELETE OR UPDATE ON public.ledger_accounts FOR EACH ROW EXECUTE FUNCTION public.ledger_accounts_fixed();

--
-- Name: ledger_accounts ledger_accounts_no_truncate; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER ledger_accounts_no_truncate BEFORE TRUNCATE ON public.ledger_accounts FOR EACH STATEMENT EXECUTE FUNCTION public.ledger_refuse_change();

--
-- Name: ledger_balances ledger_balances_non_negative_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER ledger_balances_non_negative_insert AFTER INSERT ON public.ledger_balances FOR EACH ROW WHEN ((new.guard <> 0)) EXECUTE FUNCTION public.ledger_check_non_negative();

--
-- Name: ledger_balances ledger_balances_non_negative_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER ledger_balances_non_negative_update AFTER UPDATE ON public.ledger_balances FOR EACH ROW WHEN (((new.guard <> 0) AND ((new.balance * (new.guard)::numeric) < (old.balance * (old.guard)::numeric)))) EXECUTE FUNCTION public.ledger_check_non_negative();

--
-- Name: ledger_entries ledger_entries_balanced; Type: TRIGGER; Schema: public; Owner: -
--

CREATE CONSTRAINT TRIGGER ledger_entries_balanced AFTER INSERT ON public.ledger_entries DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION public.ledger_check_balanced();

--
-- Name: ledger_entries ledger_entries_immutable; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER ledger_entries_immutable BEFORE DELETE OR UPDATE ON public.ledger_entries FOR EACH ROW EXECUTE FUNCTION public.ledger_refuse_change();

--
-- Name: ledger_entries ledger_entries_no_truncate; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON public.ledger_entries FOR EACH STATEMENT EXECUTE FUNCTION public.ledger_refuse_change();

--
-- Name: ledger_postings ledger_postings_balanced; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER ledger_postings_balanced AFTER INSERT ON public.ledger_postings REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION public.ledger_check_postings_balanced();

--
-- Name: ledger_postings ledger_postings_immutable; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER ledger_postings_immutable BEFORE DELETE OR UPDATE ON public.ledger_postings FOR EACH ROW EXECUTE FUNCTION public.ledger_refuse_change();

--
-- Name: ledger_postings ledger_postings_no_truncate; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER ledger_postings_no_truncate BEFORE TRUNCATE ON public.ledger_postings FOR EACH STATEMENT EXECUTE FUNCTION public.ledger_refuse_change();

--
-- Name: loan_changes loan_changes_immutable; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER loan_changes_immutable BEFORE DELETE OR UPDATE ON public.loan_changes FOR EACH ROW EXECUTE FUNCTION public.equity_refuse_change();

--
-- Name: loan_installments loan_installments_immutable; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER loan_installments_immutable BEFORE DELETE OR UPDATE ON public.loan_installments FOR EACH ROW EXECUTE FUNCTION public.equity_refuse_change();

--
-- Name: loans loans_fixed; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER loans_fixed BEFORE DELETE OR UPDATE ON public.loans FOR EACH ROW EXECUTE FUNCTION public.loans_fixed();

--
-- Name: lottery_allocations lottery_allocations_guard; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER lottery_allocations_guard BEFORE INSERT OR DELETE OR UPDATE ON public.lottery_allocations FOR EACH ROW EXECUTE FUNCTION public.lottery_draw_guard();

--
-- Name: lottery_blocked_slots lottery_blocked_slots_guard; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER lottery_blocked_slots_guard BEFORE INSERT OR DELETE OR UPDATE ON public.lottery_blocked_slots FOR EACH ROW EXECUTE FUNCTION public.lottery_draw_guard();

--
-- Name: lottery_entrants lottery_entrants_guard; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER lottery_entrants_guard BEFORE INSERT OR DELETE OR UPDATE ON public.lottery_entrants FOR EACH ROW EXECUTE FUNCTION public.lottery_draw_guard();

--
-- Name: lottery_requests lottery_requests_guard; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER lottery_requests_guard BEFORE INSERT OR DELETE OR UPDATE ON public.lottery_requests FOR EACH ROW EXECUTE FUNCTION public.lottery_requests_guard();

--
-- Name: lottery_slots lottery_slots_guard; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER lottery_slots_guard BEFORE INSERT OR DELETE OR UPDATE ON public.lottery_slots FOR EACH ROW EXECUTE FUNCTION public.lottery_slots_guard();

--
-- Name: lottery_windows lottery_windows_guard; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER lottery_windows_guard BEFORE DELETE OR UPDATE ON public.lottery_windows FOR EACH ROW EXECUTE FUNCTION public.lottery_windows_guard();

--
-- Name: move_completions move_completions_immutable; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER move_completions_immutable BEFORE DELETE OR UPDATE ON public.move_completions FOR EACH ROW EXECUTE FUNCTION public.equity_refuse_change();

--
-- Name: move_requests move_requests_transition; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER move_requests_transition BEFORE DELETE OR UPDATE ON public.move_requests FOR EACH ROW EXECUTE FUNCTION public.move_requests_transition();

--
-- Name: price_index_points price_index_points_immutable; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER price_index_points_immutable BEFORE DELETE OR UPDATE ON public.price_index_points FOR EACH ROW EXECUTE FUNCTION public.equity_refuse_change();

--
-- Name: price_policies price_policies_immutable; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER price_policies_immutable BEFORE DELETE OR UPDATE ON public.price_policies FOR EACH ROW EXECUTE FUNCTION public.equity_refuse_change();

--
-- Name: resource_hours resource_hours_rules_version; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER resource_hours_rules_version AFTER INSERT OR DELETE OR UPDATE ON public.resource_hours FOR EACH ROW EXECUTE FUNCTION public.resource_hours_touch_resource();

--
-- Name: resources resources_rules_version; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER resources_rules_version BEFORE UPDATE ON public.resources FOR EACH ROW EXECUTE FUNCTION public.resources_next_rules_version();

--
-- Name: share_events share_events_immutable; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER share_events_immutable BEFORE DELETE OR UPDATE ON public.share_events FOR EACH ROW EXECUTE FUNCTION public.equity_refuse_change();

--
-- Name: sites sites_rules_version; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER sites_rules_version AFTER UPDATE OF name, timezone ON public.sites FOR EACH ROW WHEN (((old.name IS DISTINCT FROM new.name) OR (old.timezone IS DISTINCT FROM new.timezone))) EXECUTE FUNCTION public.sites_touch_resources();

--
-- Name: unit_charges unit_charges_immutable; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER unit_charges_immutable BEFORE DELETE OR UPDATE ON public.unit_charges FOR EACH ROW EXECUTE FUNCTION public.equity_refuse_change();

--
-- Name: admissions admissions_admitted_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.admissions
    ADD CONSTRAINT admissions_admitted_by_fkey FOREIGN KEY (admitted_by) REFERENCES public.members(id);

--
-- Name: admissions admissions_loan_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.admissions
    ADD CONSTRAINT admissions_loan_id_fkey FOREIGN KEY (loan_id) REFERENCES public.loans(id);

--
-- Name: admissions admissions_member_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.admissions
    ADD CONSTRAINT admissions_member_id_fkey FOREIGN KEY (member_id) REFERENCES public.members(id);

--
-- Name: admissions admissions_residency_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.admissions
    ADD CONSTRAINT admissions_residency_id_fkey FOREIGN KEY (residency_id) REFERENCES public.residencies(id);

--
-- Name: admissions admissions_share_event_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.admissions
    ADD CONSTRAINT admissions_share_event_id_fkey FOREIGN KEY (share_event_id) REFERENCES public.share_events(id);

--
-- Name: admissions admissions_site_id_unit_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.admissions
    ADD CONSTRAINT admissions_site_id_unit_id_fkey FOREIGN KEY (site_id, unit_id) REFERENCES public.units(site_id, id);

--
-- Name: api_tokens api_tokens_member_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.api_tokens
    ADD CONSTRAINT api_tokens_member_id_fkey FOREIGN KEY (member_id) REFERENCES public.members(id) ON DELETE CASCADE;

--
-- Name: appraisals appraisals_created_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.appraisals
    ADD CONSTRAINT appraisals_created_by_fkey FOREIGN KEY (created_by) REFERENCES public.members(id);

--
-- Name: appraisals appraisals_site_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.appraisals
    ADD CONSTRAINT appraisals_site_id_fkey FOREIGN KEY (site_id) REFERENCES public.share_pools(site_id);

--
-- Name: booking_series booking_series_member_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.booking_series
    ADD CONSTRAINT booking_series_member_id_fkey FOREIGN KEY (member_id) REFERENCES public.members(id);

--
-- Name: booking_series booking_series_site_id_resource_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.booking_series
    ADD CONSTRAINT booking_series_site_id_resource_id_fkey FOREIGN KEY (site_id, resource_id) REFERENCES public.resources(site_id, id);

--
-- Name: bookings bookings_cancelled_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.bookings
    ADD CONSTRAINT bookings_cancelled_by_fkey FOREIGN KEY (cancelled_by) REFERENCES public.members(id);

--
-- Name: bookings bookings_decided_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.bookings
    ADD CONSTRAINT bookings_decided_by_fkey FOREIGN KEY (decided_by) REFERENCES public.members(id);

--
-- Name: bookings bookings_member_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.bookings
    ADD CONSTRAINT bookings_member_id_fkey FOREIGN KEY (member_id) REFERENCES public.members(id);

--
-- Name: bookings bookings_site_id_resource_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.bookings
    ADD CONSTRAINT bookings_site_id_resource_id_fkey FOREIGN KEY (site_id, resource_id) REFERENCES public.resources(site_id, id);

--
-- Name: bookings bookings_site_id_series_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.bookings
    ADD CONSTRAINT bookings_site_id_series_id_fkey FOREIGN KEY (site_id, series_id) REFERENCES public.booking_series(site_id, id);

--
-- Name: calendar_feeds calendar_feeds_member_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.calendar_feeds
    ADD CONSTRAINT calendar_feeds_member_id_fkey FOREIGN KEY (member_id) REFERENCES public.members(id);

--
-- Name: calendar_feeds calendar_feeds_site_id_resource_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.calendar_feeds
    ADD CONSTRAINT calendar_feeds_site_id_resource_id_fkey FOREIGN KEY (site_id, resource_id) REFERENCES public.resources(site_id, id);

--
-- Name: charge_runs charge_runs_run_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.charge_runs
    ADD CONSTRAINT charge_runs_run_by_fkey FOREIGN KEY (run_by) REFERENCES public.members(id);

--
-- Name: equity_settings equity_settings_updated_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.equity_settings
    ADD CONSTRAINT equity_settings_updated_by_fkey FOREIGN KEY (updated_by) REFERENCES public.members(id);

--
-- Name: ledger_accounts ledger_accounts_member_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ledger_accounts
    ADD CONSTRAINT ledger_accounts_member_id_fkey FOREIGN KEY (member_id) REFERENCES public.members(id);

--
-- Name: ledger_accounts ledger_accounts_site_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ledger_accounts
    ADD CONSTRAINT ledger_accounts_site_id_fkey FOREIGN KEY (site_id) REFERENCES public.sites(id);

--
-- Name: ledger_balances ledger_balances_account_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ledger_balances
    ADD CONSTRAINT ledger_balances_account_id_fkey FOREIGN KEY (account_id) REFERENCES public.ledger_accounts(id);

--
-- Name: ledger_daily_totals ledger_daily_totals_account_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ledger_daily_totals
    ADD CONSTRAINT ledger_daily_totals_account_id_fkey FOREIGN KEY (account_id) REFERENCES public.ledger_accounts(id);

--
-- Name: ledger_entries ledger_entries_posted_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ledger_entries
    ADD CONSTRAINT ledger_entries_posted_by_fkey FOREIGN KEY (posted_by) REFERENCES public.members(id);

--
-- Name: ledger_entries ledger_entries_reverses_entry_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ledger_entries
    ADD CONSTRAINT ledger_entries_reverses_entry_id_fkey FOREIGN KEY (reverses_entry_id) REFERENCES public.ledger_entries(id);

--
-- Name: loan_changes loan_changes_entry_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.loan_changes
    ADD CONSTRAINT loan_changes_entry_id_fkey FOREIGN KEY (entry_id) REFERENCES public.ledger_entries(id);

--
-- Name: loan_changes loan_changes_from_loan_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.loan_changes
    ADD CONSTRAINT loan_changes_from_loan_id_fkey FOREIGN KEY (from_loan_id) REFERENCES public.loans(id);

--
-- Name: loan_changes loan_changes_member_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.loan_changes
    ADD CONSTRAINT loan_changes_member_id_fkey FOREIGN KEY (member_id) REFERENCES public.members(id);

--
-- Name: loan_changes loan_changes_site_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.loan_changes
    ADD CONSTRAINT loan_changes_site_id_fkey FOREIGN KEY (site_id) REFERENCES public.sites(id);

--
-- Name: loan_changes loan_changes_to_loan_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.loan_changes
    ADD CONSTRAINT loan_changes_to_loan_id_fkey FOREIGN KEY (to_loan_id) REFERENCES public.loans(id);

--
-- Name: loan_installments loan_installments_entry_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.loan_installments
    ADD CONSTRAINT loan_installments_entry_id_fkey FOREIGN KEY (entry_id) REFERENCES public.ledger_entries(id);

--
-- Name: loan_installments loan_installments_loan_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.loan_installments
    ADD CONSTRAINT loan_installments_loan_id_fkey FOREIGN KEY (loan_id) REFERENCES public.loans(id);

--
-- Name: loan_installments loan_installments_site_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.loan_installments
    ADD CONSTRAINT loan_installments_site_id_fkey FOREIGN KEY (site_id) REFERENCES public.sites(id);

--
-- Name: loans loans_member_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.loans
    ADD CONSTRAINT loans_member_id_fkey FOREIGN KEY (member_id) REFERENCES public.members(id);

--
-- Name: loans loans_replaces_loan_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.loans
    ADD CONSTRAINT loans_replaces_loan_id_fkey FOREIGN KEY (replaces_loan_id) REFERENCES public.loans(id);

--
-- Name: loans loans_site_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.loans
    ADD CONSTRAINT loans_site_id_fkey FOREIGN KEY (site_id) REFERENCES public.sites(id);

--
-- Name: lottery_allocations lottery_allocations_booking_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.lottery_allocations
    ADD CONSTRAINT lottery_allocations_booking_id_fkey FOREIGN KEY (booking_id) REFERENCES public.bookings(id);

--
-- Name: lottery_allocations lottery_allocations_member_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.lottery_allocations
    ADD CONSTRAINT lottery_allocations_member_id_fkey FOREIGN KEY (member_id) REFERENCES public.members(id);

--
-- Name: lottery_allocations lottery_allocations_site_id_window_id_member_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.lottery_allocations
    ADD CONSTRAINT lottery_allocations_site_id_window_id_member_id_fkey FOREIGN KEY (site_id, window_id, member_id) REFERENCES public.lottery_entrants(site_id, window_id, member_id);

--
-- Name: lottery_allocations lottery_allocations_site_id_window_id_slot_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.lottery_allocations
    ADD CONSTRAINT lottery_allocations_site_id_window_id_slot_id_fkey FOREIGN KEY (site_id, window_id, slot_id) REFERENCES public.lottery_slots(site_id, window_id, id);

--
-- Name: lottery_blocked_slots lottery_blocked_slots_site_id_window_id_slot_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.lottery_blocked_slots
    ADD CONSTRAINT lottery_blocked_slots_site_id_window_id_slot_id_fkey FOREIGN KEY (site_id, window_id, slot_id) REFERENCES public.lottery_slots(site_id, window_id, id);

--
-- Name: lottery_entrants lottery_entrants_member_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.lottery_entrants
    ADD CONSTRAINT lottery_entrants_member_id_fkey FOREIGN KEY (member_id) REFERENCES public.members(id);

--
-- Name: lottery_entrants lottery_entrants_site_id_window_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.lottery_entrants
    ADD CONSTRAINT lottery_entrants_site_id_window_id_fkey FOREIGN KEY (site_id, window_id) REFERENCES public.lottery_windows(site_id, id);

--
-- Name: lottery_requests lottery_requests_member_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.lottery_requests
    ADD CONSTRAINT lottery_requests_member_id_fkey FOREIGN KEY (member_id) REFERENCES public.members(id);

--
-- Name: lottery_requests lottery_requests_site_id_window_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.lottery_requests
    ADD CONSTRAINT lottery_requests_site_id_window_id_fkey FOREIGN KEY (site_id, window_id) REFERENCES public.lottery_windows(site_id, id);

--
-- Name: lottery_requests lottery_requests_site_id_window_id_slot_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.lottery_requests
    ADD CONSTRAINT lottery_requests_site_id_window_id_slot_id_fkey FOREIGN KEY (site_id, window_id, slot_id) REFERENCES public.lottery_slots(site_id, window_id, id);

--
-- Name: lottery_slots lottery_slots_site_id_window_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.lottery_slots
    ADD CONSTRAINT lottery_slots_site_id_window_id_fkey FOREIGN KEY (site_id, window_id) REFERENCES public.lottery_windows(site_id, id);

--
-- Name: lottery_windows lottery_windows_drawn_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.lottery_windows
    ADD CONSTRAINT lottery_windows_drawn_by_fkey FOREIGN KEY (drawn_by) REFERENCES public.members(id);

--
-- Name: lottery_windows lottery_windows_opened_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.lottery_windows
    ADD CONSTRAINT lottery_windows_opened_by_fkey FOREIGN KEY (opened_by) REFERENCES public.members(id);

--
-- Name: lottery_windows lottery_windows_site_id_resource_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.lottery_windows
    ADD CONSTRAINT lottery_windows_site_id_resource_id_fkey FOREIGN KEY (site_id, resource_id) REFERENCES public.resources(site_id, id);

--
-- Name: move_completions move_completions_completed_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.move_completions
    ADD CONSTRAINT move_completions_completed_by_fkey FOREIGN KEY (completed_by) REFERENCES public.members(id);

--
-- Name: move_completions move_completions_ended_residency_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.move_completions
    ADD CONSTRAINT move_completions_ended_residency_id_fkey FOREIGN KEY (ended_residency_id) REFERENCES public.residencies(id);

--
-- Name: move_completions move_completions_issue_event_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.move_completions
    ADD CONSTRAINT move_completions_issue_event_id_fkey FOREIGN KEY (issue_event_id) REFERENCES public.share_events(id);

--
-- Name: move_completions move_completions_loan_entry_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.move_completions
    ADD CONSTRAINT move_completions_loan_entry_id_fkey FOREIGN KEY (loan_entry_id) REFERENCES public.ledger_entries(id);

--
-- Name: move_completions move_completions_member_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.move_completions
    ADD CONSTRAINT move_completions_member_id_fkey FOREIGN KEY (member_id) REFERENCES public.members(id);

--
-- Name: move_completions move_completions_move_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.move_completions
    ADD CONSTRAINT move_completions_move_id_fkey FOREIGN KEY (move_id) REFERENCES public.move_requests(id);

--
-- Name: move_completions move_completions_redeem_event_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.move_completions
    ADD CONSTRAINT move_completions_redeem_event_id_fkey FOREIGN KEY (redeem_event_id) REFERENCES public.share_events(id);

--
-- Name: move_completions move_completions_site_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.move_completions
    ADD CONSTRAINT move_completions_site_id_fkey FOREIGN KEY (site_id) REFERENCES public.sites(id);

--
-- Name: move_completions move_completions_started_residency_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.move_completions
    ADD CONSTRAINT move_completions_started_residency_id_fkey FOREIGN KEY (started_residency_id) REFERENCES public.residencies(id);

--
-- Name: move_requests move_requests_decided_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.move_requests
    ADD CONSTRAINT move_requests_decided_by_fkey FOREIGN KEY (decided_by) REFERENCES public.members(id);

--
-- Name: move_requests move_requests_from_residency_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.move_requests
    ADD CONSTRAINT move_requests_from_residency_id_fkey FOREIGN KEY (from_residency_id) REFERENCES public.residencies(id);

--
-- Name: move_requests move_requests_from_site_id_from_unit_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.move_requests
    ADD CONSTRAINT move_requests_from_site_id_from_unit_id_fkey FOREIGN KEY (from_site_id, from_unit_id) REFERENCES public.units(site_id, id);

--
-- Name: move_requests move_requests_member_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.move_requests
    ADD CONSTRAINT move_requests_member_id_fkey FOREIGN KEY (member_id) REFERENCES public.members(id);

--
-- Name: move_requests move_requests_site_id_unit_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.move_requests
    ADD CONSTRAINT move_requests_site_id_unit_id_fkey FOREIGN KEY (site_id, unit_id) REFERENCES public.units(site_id, id);

--
-- Name: price_policies price_policies_created_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.price_policies
    ADD CONSTRAINT price_policies_created_by_fkey FOREIGN KEY (created_by) REFERENCES public.members(id);

--
-- Name: price_policies price_policies_site_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.price_policies
    ADD CONSTRAINT price_policies_site_id_fkey FOREIGN KEY (site_id) REFERENCES public.share_pools(site_id);

--
-- Name: residencies residencies_member_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.residencies
    ADD CONSTRAINT residencies_member_id_fkey FOREIGN KEY (member_id) REFERENCES public.members(id);

--
-- Name: residencies residencies_site_id_unit_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.residencies
    ADD CONSTRAINT residencies_site_id_unit_id_fkey FOREIGN KEY (site_id, unit_id) REFERENCES public.units(site_id, id);

--
-- Name: resource_blackouts resource_blackouts_created_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resource_blackouts
    ADD CONSTRAINT resource_blackouts_created_by_fkey FOREIGN KEY (created_by) REFERENCES public.members(id);

--
-- Name: resource_blackouts resource_blackouts_site_id_resource_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resource_blackouts
    ADD CONSTRAINT resource_blackouts_site_id_resource_id_fkey FOREIGN KEY (site_id, resource_id) REFERENCES public.resources(site_id, id) ON DELETE CASCADE;

--
-- Name: resource_hours resource_hours_site_id_resource_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resource_hours
    ADD CONSTRAINT resource_hours_site_id_resource_id_fkey FOREIGN KEY (site_id, resource_id) REFERENCES public.resources(site_id, id) ON DELETE CASCADE;

--
-- Name: resources resources_site_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resources
    ADD CONSTRAINT resources_site_id_fkey FOREIGN KEY (site_id) REFERENCES public.sites(id);

--
-- Name: sessions sessions_member_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sessions
    ADD CONSTRAINT sessions_member_id_fkey FOREIGN KEY (member_id) REFERENCES public.members(id) ON DELETE CASCADE;

--
-- Name: share_events share_events_entry_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.share_events
    ADD CONSTRAINT share_events_entry_id_fkey FOREIGN KEY (entry_id) REFERENCES public.ledger_entries(id);

--
-- Name: share_events share_events_member_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.share_events
    ADD CONSTRAINT share_events_member_id_fkey FOREIGN KEY (member_id) REFERENCES public.members(id);

--
-- Name: share_events share_events_site_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.share_events
    ADD CONSTRAINT share_events_site_id_fkey FOREIGN KEY (site_id) REFERENCES public.sites(id);

--
-- Name: share_holdings share_holdings_member_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.share_holdings
    ADD CONSTRAINT share_holdings_member_id_fkey FOREIGN KEY (member_id) REFERENCES public.members(id);

--
-- Name: share_holdings share_holdings_site_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.share_holdings
    ADD CONSTRAINT share_holdings_site_id_fkey FOREIGN KEY (site_id) REFERENCES public.sites(id);

--
-- Name: share_pools share_pools_site_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.share_pools
    ADD CONSTRAINT share_pools_site_id_fkey FOREIGN KEY (site_id) REFERENCES public.sites(id);

--
-- Name: site_coordinators site_coordinators_member_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.site_coordinators
    ADD CONSTRAINT site_coordinators_member_id_fkey FOREIGN KEY (member_id) REFERENCES public.members(id);

--
-- Name: site_coordinators site_coordinators_site_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.site_coordinators
    ADD CONSTRAINT site_coordinators_site_id_fkey FOREIGN KEY (site_id) REFERENCES public.sites(id);

--
-- Name: unit_charges unit_charges_entry_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.unit_charges
    ADD CONSTRAINT unit_charges_entry_id_fkey FOREIGN KEY (entry_id) REFERENCES public.ledger_entries(id);

--
-- Name: unit_charges unit_charges_member_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.unit_charges
    ADD CONSTRAINT unit_charges_member_id_fkey FOREIGN KEY (member_id) REFERENCES public.members(id);

--
-- Name: unit_charges unit_charges_residency_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.unit_charges
    ADD CONSTRAINT unit_charges_residency_id_fkey FOREIGN KEY (residency_id) REFERENCES public.residencies(id);

--
-- Name: unit_charges unit_charges_run_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.unit_charges
    ADD CONSTRAINT unit_charges_run_id_fkey FOREIGN KEY (run_id) REFERENCES public.charge_runs(id);

--
-- Name: unit_charges unit_charges_share_event_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.unit_charges
    ADD CONSTRAINT unit_charges_share_event_id_fkey FOREIGN KEY (share_event_id) REFERENCES public.share_events(id);

--
-- Name: unit_charges unit_charges_site_id_unit_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.unit_charges
    ADD CONSTRAINT unit_charges_site_id_unit_id_fkey FOREIGN KEY (site_id, unit_id) REFERENCES public.units(site_id, id);

--
-- Name: unit_vacancies unit_vacancies_move_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.unit_vacancies
    ADD CONSTRAINT unit_vacancies_move_id_fkey FOREIGN KEY (move_id) REFERENCES public.move_requests(id);

--
-- Name: unit_vacancies unit_vacancies_site_id_unit_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.unit_vacancies
    ADD CONSTRAINT unit_vacancies_site_id_unit_id_fkey FOREIGN KEY (site_id, unit_id) REFERENCES public.units(site_id, id);

--
-- Name: units units_site_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.units
    ADD CONSTRAINT units_site_id_fkey FOREIGN KEY (site_id) REFERENCES public.sites(id);

--
-- Name: waitlist_entries waitlist_entries_member_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.waitlist_entries
    ADD CONSTRAINT waitlist_entries_member_id_fkey FOREIGN KEY (member_id) REFERENCES public.members(id);

--
-- Name: waitlist_entries waitlist_entries_offer_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.waitlist_entries
    ADD CONSTRAINT waitlist_entries_offer_id_fkey FOREIGN KEY (offer_id) REFERENCES public.bookings(id);

--
-- Name: waitlist_entries waitlist_entries_site_id_resource_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.waitlist_entries
    ADD CONSTRAINT waitlist_entries_site_id_resource_id_fkey FOREIGN KEY (site_id, resource_id) REFERENCES public.resources(site_id, id);

--
-- PostgreSQL database dump complete
--
