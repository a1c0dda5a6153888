-- +goose Up
-- ledger_post writes one entry in a single round trip, with plans the
-- session caches: it resolves the accounts, claims the idempotency key,
-- moves the balances and inserts the postings. Validation (places,
-- magnitudes, balance, key and text lengths) stays in Go before the call,
-- and every guarantee stays in the schema whoever writes.
--
-- It returns the new entry's id; or, when the key is taken, the id of the
-- entry holding it with replayed set and whether its content hash matches;
-- or, writing nothing, the codes that name no account.
-- +goose StatementBegin
CREATE FUNCTION ledger_post(
    p_key text, p_hash bytea, p_description text, p_date date, p_metadata jsonb,
    p_reverses bigint, p_posted_by bigint, p_codes text[], p_amounts numeric[],
    OUT out_id bigint, OUT out_replayed boolean, OUT out_same boolean, OUT out_unknown text[])
LANGUAGE plpgsql AS $$
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
-- +goose StatementEnd

-- Most entries reverse nothing: index only those that do.
ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_reverses_key;
CREATE UNIQUE INDEX ledger_entries_reverses_key ON ledger_entries (reverses_entry_id) WHERE reverses_entry_id IS NOT NULL;

-- +goose Down
DROP INDEX ledger_entries_reverses_key;
ALTER TABLE ledger_entries ADD CONSTRAINT ledger_entries_reverses_key UNIQUE (reverses_entry_id);
DROP FUNCTION ledger_post(text, bytea, text, date, jsonb, bigint, bigint, text[], numeric[]);
