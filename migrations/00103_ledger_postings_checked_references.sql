-- +goose Up
-- Postings check their entry and account without foreign keys, and the
-- balance check reads each entry's postings through the entry_id index.
--
-- A foreign key check locks the referenced row (FOR KEY SHARE): every
-- posting to a hot account locked that account's row, and concurrent
-- writers then shared it through multixacts, a known bottleneck. Entries
-- and accounts can never be deleted, truncated or change their id (see
-- their triggers), so a plain existence check, once per statement,
-- protects as much: it sees committed rows and the transaction's own, and
-- refuses the rest.
ALTER TABLE ledger_postings DROP CONSTRAINT ledger_postings_entry_id_fkey;
ALTER TABLE ledger_postings DROP CONSTRAINT ledger_postings_account_id_fkey;

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION ledger_check_postings_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
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
-- +goose StatementEnd

-- Without the foreign keys, TRUNCATE of accounts would no longer be stopped
-- by the postings that name them.
CREATE TRIGGER ledger_accounts_no_truncate BEFORE TRUNCATE ON ledger_accounts
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();

-- +goose Down
DROP TRIGGER ledger_accounts_no_truncate ON ledger_accounts;
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION ledger_check_postings_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    bad record;
BEGIN
    SELECT p.entry_id, count(*) AS n, sum(p.amount) AS s INTO bad
    FROM ledger_postings p
    WHERE p.entry_id IN (SELECT DISTINCT entry_id FROM added)
    GROUP BY p.entry_id
    HAVING count(*) < 2 OR sum(p.amount) <> 0
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'ledger entry % does not balance (% postings summing to %)', bad.entry_id, bad.n, bad.s
            USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_entries_balanced';
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
ALTER TABLE ledger_postings ADD CONSTRAINT ledger_postings_entry_id_fkey FOREIGN KEY (entry_id) REFERENCES ledger_entries (id);
ALTER TABLE ledger_postings ADD CONSTRAINT ledger_postings_account_id_fkey FOREIGN KEY (account_id) REFERENCES ledger_accounts (id);
