-- +goose Up
-- The double-entry ledger: the single source of truth for money.
--
-- Sign convention: a posting's amount is debit-positive, credit-negative;
-- an entry's postings sum to zero, so the raw sum of all postings of all
-- accounts is zero too (the trial balance). An account's balance is the raw
-- sum of its postings.
--
-- The ledger is the cooperative's one book: an entry may touch several sites
-- (a move), so its tables are not distributed by site; under Citus they stay
-- on the coordinator (accounts may still name their site in site_id).
CREATE TABLE ledger_accounts (
    id           bigserial PRIMARY KEY,
    code         text NOT NULL,
    type         text NOT NULL,
    name         text NOT NULL DEFAULT '',
    site_id      bigint REFERENCES sites (id),
    member_id    bigint REFERENCES members (id),
    non_negative boolean NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT ledger_accounts_code_key UNIQUE (code),
    CONSTRAINT ledger_accounts_code_check CHECK (
        length(code) <= 200 AND code ~ '^[a-z0-9][a-z0-9_-]*(:[a-z0-9][a-z0-9_-]*)*$'),
    CONSTRAINT ledger_accounts_type_check CHECK (
        type IN ('asset', 'liability', 'equity', 'income', 'expense')),
    CONSTRAINT ledger_accounts_name_check CHECK (length(name) <= 200)
);
CREATE INDEX ledger_accounts_site_id_idx ON ledger_accounts (site_id) WHERE site_id IS NOT NULL;
CREATE INDEX ledger_accounts_member_id_idx ON ledger_accounts (member_id) WHERE member_id IS NOT NULL;

-- An account's code, type and rule never change once created: balances and
-- statements already written depend on them. Only the name may be edited.
-- +goose StatementBegin
CREATE FUNCTION ledger_accounts_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
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
-- +goose StatementEnd
CREATE TRIGGER ledger_accounts_fixed BEFORE UPDATE OR DELETE ON ledger_accounts
    FOR EACH ROW EXECUTE FUNCTION ledger_accounts_fixed();

CREATE TABLE ledger_entries (
    id                bigserial PRIMARY KEY,
    idempotency_key   text NOT NULL,
    content_hash      bytea NOT NULL,
    description       text NOT NULL,
    effective_date    date NOT NULL,
    metadata          jsonb NOT NULL DEFAULT '{}',
    reverses_entry_id bigint REFERENCES ledger_entries (id),
    posted_by         bigint REFERENCES members (id),
    created_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT ledger_entries_idempotency_key_key UNIQUE (idempotency_key),
    CONSTRAINT ledger_entries_reverses_key UNIQUE (reverses_entry_id),
    CONSTRAINT ledger_entries_key_check CHECK (length(idempotency_key) BETWEEN 1 AND 200),
    CONSTRAINT ledger_entries_description_check CHECK (length(btrim(description)) BETWEEN 1 AND 500),
    CONSTRAINT ledger_entries_metadata_check CHECK (jsonb_typeof(metadata) = 'object'),
    CONSTRAINT ledger_entries_date_check CHECK (effective_date BETWEEN '1900-01-01' AND '2999-12-31')
);
CREATE INDEX ledger_entries_effective_date_idx ON ledger_entries (effective_date, id);

CREATE TABLE ledger_postings (
    id             bigserial PRIMARY KEY,
    entry_id       bigint NOT NULL REFERENCES ledger_entries (id),
    account_id     bigint NOT NULL REFERENCES ledger_accounts (id),
    amount         numeric NOT NULL,
    -- a copy of the entry's date, so that statements and as-of sums read one index
    effective_date date NOT NULL,
    CONSTRAINT ledger_postings_amount_check CHECK (
        amount <> 0 AND abs(amount) < 1e15 AND scale(amount) <= 4)
);
CREATE INDEX ledger_postings_entry_id_idx ON ledger_postings (entry_id);
CREATE INDEX ledger_postings_account_date_idx ON ledger_postings (account_id, effective_date, id) INCLUDE (amount);

-- Current balances, spread over up to 16 slot rows per account: a writer adds
-- its amount to one slot chosen at random, so concurrent entries on a hot
-- account (the income account every monthly charge credits) rarely wait for
-- each other; a read sums at most 16 rows. guard is the account's normal sign
-- (1 debit-normal, -1 credit-normal) when the account may not go below zero,
-- 0 otherwise; writers send every decrease of a guarded account to slot 0,
-- so those decreases queue on one row lock and each sees the one before.
CREATE TABLE ledger_balances (
    account_id bigint NOT NULL REFERENCES ledger_accounts (id),
    slot       smallint NOT NULL CHECK (slot BETWEEN 0 AND 15),
    guard      smallint NOT NULL CHECK (guard IN (-1, 0, 1)),
    balance    numeric NOT NULL,
    PRIMARY KEY (account_id, slot)
);

-- Per-day totals by effective date, slotted the same way (a writer touches
-- the day row of the slot whose balance row it already holds, so these rows
-- never add a wait): the balance as of a date is the current balance minus
-- the totals of later days, however many postings the account has.
CREATE TABLE ledger_daily_totals (
    account_id bigint NOT NULL REFERENCES ledger_accounts (id),
    day        date NOT NULL,
    slot       smallint NOT NULL,
    total      numeric NOT NULL,
    PRIMARY KEY (account_id, day, slot)
);

-- Entries and postings are immutable: a mistake is corrected by a reversing
-- entry, never by UPDATE, DELETE or TRUNCATE.
-- +goose StatementBegin
CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are immutable; post a reversing entry instead', TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation', CONSTRAINT = TG_TABLE_NAME || '_immutable';
END $$;
-- +goose StatementEnd
CREATE TRIGGER ledger_entries_immutable BEFORE UPDATE OR DELETE ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_postings_immutable BEFORE UPDATE OR DELETE ON ledger_postings
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_postings_no_truncate BEFORE TRUNCATE ON ledger_postings
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();

-- Every entry balances and has at least two postings, checked at commit
-- (deferred) so that an entry and its postings can be inserted in any order
-- within a transaction. The check runs for each new entry and for each new
-- posting, so postings added to an old entry later are checked too.
-- +goose StatementBegin
CREATE FUNCTION ledger_check_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
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
-- +goose StatementEnd
CREATE CONSTRAINT TRIGGER ledger_entries_balanced AFTER INSERT ON ledger_entries
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_check_balanced();
CREATE CONSTRAINT TRIGGER ledger_postings_balanced AFTER INSERT ON ledger_postings
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_check_balanced();

-- A guarded account may never go below zero in its normal direction. The
-- check sums every slot with a fresh snapshot after the row was written;
-- decreases all take slot 0's row lock first, so each one sees the decreases
-- committed before it, and increases not yet committed are simply not
-- counted (the money is not there yet).
-- +goose StatementBegin
CREATE FUNCTION ledger_check_non_negative() RETURNS trigger LANGUAGE plpgsql AS $$
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
-- +goose StatementEnd
CREATE TRIGGER ledger_balances_non_negative_insert AFTER INSERT ON ledger_balances
    FOR EACH ROW WHEN (NEW.guard <> 0) EXECUTE FUNCTION ledger_check_non_negative();
CREATE TRIGGER ledger_balances_non_negative_update AFTER UPDATE ON ledger_balances
    FOR EACH ROW WHEN (NEW.guard <> 0 AND NEW.balance * NEW.guard < OLD.balance * OLD.guard)
    EXECUTE FUNCTION ledger_check_non_negative();

-- +goose Down
DROP TABLE ledger_daily_totals;
DROP TABLE ledger_balances;
DROP TABLE ledger_postings;
DROP TABLE ledger_entries;
DROP TABLE ledger_accounts;
DROP FUNCTION ledger_check_non_negative();
DROP FUNCTION ledger_check_balanced();
DROP FUNCTION ledger_refuse_change();
DROP FUNCTION ledger_accounts_fixed();
