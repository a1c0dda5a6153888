-- +goose Up
-- Check new postings once per statement instead of once per row: a row
-- trigger summed the whole entry for every posting, quadratic in an entry's
-- size. The statement trigger checks every entry the statement touched, so
-- an entry's postings go in with one INSERT (as Post does); the deferred
-- trigger on ledger_entries still checks every new entry at commit, which
-- also refuses an entry left without postings.
DROP TRIGGER ledger_postings_balanced ON ledger_postings;

-- +goose StatementBegin
CREATE FUNCTION ledger_check_postings_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
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
CREATE TRIGGER ledger_postings_balanced AFTER INSERT ON ledger_postings
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION ledger_check_postings_balanced();

-- +goose Down
DROP TRIGGER ledger_postings_balanced ON ledger_postings;
DROP FUNCTION ledger_check_postings_balanced();
CREATE CONSTRAINT TRIGGER ledger_postings_balanced AFTER INSERT ON ledger_postings
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_check_balanced();
