-- +goose Up
-- Portable equity: share pools and their price policies, appraisals, the
-- share register, site mortgages and member share loans, monthly carrying
-- charges and admissions. Money is NUMERIC to the cent, share quantities
-- NUMERIC with 6 places, prices NUMERIC with 6 places. Every site-owned
-- table carries site_id. Money itself lives in the ledger; these tables hold
-- the facts (dates, terms, quantities, prices) and the id of the entry that
-- moved the money.

-- What a unit asks of the member who lives there: the equity a new resident
-- buys in with. (The monthly charge is in units.monthly_charge.)
ALTER TABLE units ADD COLUMN required_equity numeric(14, 2) NOT NULL DEFAULT 0
    CONSTRAINT units_required_equity_check CHECK (required_equity >= 0);

-- The cooperative's lending rules, one row: the credit union's loan-to-value
-- limit for share loans, the terms of new share loans, and the fee a move
-- between sites may take.
CREATE TABLE equity_settings (
    singleton           boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    loan_to_value_pct   numeric(5, 2) NOT NULL DEFAULT 80
        CONSTRAINT equity_settings_ltv_check CHECK (loan_to_value_pct BETWEEN 0 AND 100),
    share_loan_rate_pct numeric(7, 4) NOT NULL DEFAULT 5.5
        CONSTRAINT equity_settings_rate_check CHECK (share_loan_rate_pct BETWEEN 0 AND 100),
    share_loan_months   int NOT NULL DEFAULT 300
        CONSTRAINT equity_settings_months_check CHECK (share_loan_months BETWEEN 1 AND 1200),
    transfer_fee_pct    numeric(5, 2) NOT NULL DEFAULT 1
        CONSTRAINT equity_settings_fee_check CHECK (transfer_fee_pct BETWEEN 0 AND 100),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    updated_by          bigint REFERENCES members (id)
);
INSERT INTO equity_settings DEFAULT VALUES;

-- A site's share pool. reserve_pct is the part of each unit's monthly
-- charge that goes to the site's reserve fund.
CREATE TABLE share_pools (
    site_id     bigint PRIMARY KEY REFERENCES sites (id),
    reserve_pct numeric(5, 2) NOT NULL DEFAULT 10
        CONSTRAINT share_pools_reserve_check CHECK (reserve_pct BETWEEN 0 AND 100),
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- Price policies take effect from a date and are never changed: a new policy
-- from a later date replaces the old one from then on, so the price of any
-- past day stays what it was.
CREATE TABLE price_policies (
    id              bigserial PRIMARY KEY,
    site_id         bigint NOT NULL REFERENCES share_pools (site_id),
    effective_from  date NOT NULL,
    kind            text NOT NULL,
    base_price      numeric(20, 6) NOT NULL,
    base_date       date NOT NULL,
    yearly_rate_pct numeric(7, 4),
    index_series    text,
    note            text NOT NULL DEFAULT '',
    created_by      bigint REFERENCES members (id),
    created_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT price_policies_site_from_key UNIQUE (site_id, effective_from),
    CONSTRAINT price_policies_kind_check CHECK (kind IN ('nav', 'limited_equity')),
    CONSTRAINT price_policies_base_price_check CHECK (base_price > 0),
    CONSTRAINT price_policies_base_date_check CHECK (base_date <= effective_from),
    CONSTRAINT price_policies_rate_check CHECK (yearly_rate_pct BETWEEN 0 AND 100),
    CONSTRAINT price_policies_growth_check CHECK (
        (kind = 'nav' AND yearly_rate_pct IS NULL AND index_series IS NULL)
        OR (kind = 'limited_equity' AND (yearly_rate_pct IS NULL) <> (index_series IS NULL))),
    CONSTRAINT price_policies_note_check CHECK (length(note) <= 500)
);

-- Values of a price index (such as a consumer price index) that
-- limited-equity policies may follow, each in force from its date.
CREATE TABLE price_index_points (
    series       text NOT NULL,
    effective_on date NOT NULL,
    value        numeric(20, 6) NOT NULL CONSTRAINT price_index_points_value_check CHECK (value > 0),
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (series, effective_on),
    CONSTRAINT price_index_points_series_check CHECK (series ~ '^[A-Za-z0-9][A-Za-z0-9 ._-]{0,39}$')
);

-- Appraisals of a site's property. appraised_on is the day the appraiser
-- valued it; effective_on is the day the value enters the share price (never
-- before it was recorded, so past prices stay as they were).
CREATE TABLE appraisals (
    id           bigserial PRIMARY KEY,
    site_id      bigint NOT NULL REFERENCES share_pools (site_id),
    appraised_on date NOT NULL,
    effective_on date NOT NULL,
    amount       numeric(16, 2) NOT NULL CONSTRAINT appraisals_amount_check CHECK (amount > 0),
    appraiser    text NOT NULL DEFAULT '',
    note         text NOT NULL DEFAULT '',
    created_by   bigint REFERENCES members (id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT appraisals_site_effective_key UNIQUE (site_id, effective_on),
    CONSTRAINT appraisals_dates_check CHECK (appraised_on <= effective_on),
    CONSTRAINT appraisals_text_check CHECK (length(appraiser) <= 200 AND length(note) <= 500)
);

-- Loans from the credit union: a site's blanket mortgage (one open per site)
-- and a member's share loan (one open per member, secured by their shares at
-- site_id). Terms never change; a paydown or an increase closes the loan and
-- opens its replacement for the new balance over the remaining months.
CREATE TABLE loans (
    id               bigserial PRIMARY KEY,
    kind             text NOT NULL,
    site_id          bigint NOT NULL REFERENCES sites (id),
    member_id        bigint REFERENCES members (id),
    lender           text NOT NULL DEFAULT 'Credit union',
    principal        numeric(14, 2) NOT NULL,
    yearly_rate_pct  numeric(7, 4) NOT NULL,
    months           int NOT NULL,
    starts_on        date NOT NULL,
    replaces_loan_id bigint REFERENCES loans (id),
    closed_on        date,
    idempotency_key  text NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT loans_kind_check CHECK (kind IN ('mortgage', 'share_loan')),
    CONSTRAINT loans_member_check CHECK ((kind = 'share_loan') = (member_id IS NOT NULL)),
    CONSTRAINT loans_principal_check CHECK (principal > 0),
    CONSTRAINT loans_rate_check CHECK (yearly_rate_pct BETWEEN 0 AND 100),
    CONSTRAINT loans_months_check CHECK (months BETWEEN 1 AND 1200),
    CONSTRAINT loans_closed_check CHECK (closed_on IS NULL OR closed_on >= starts_on),
    CONSTRAINT loans_lender_check CHECK (length(btrim(lender)) BETWEEN 1 AND 200),
    CONSTRAINT loans_idempotency_key_key UNIQUE (idempotency_key),
    CONSTRAINT loans_replaces_key UNIQUE (replaces_loan_id)
);
CREATE UNIQUE INDEX loans_one_open_mortgage ON loans (site_id) WHERE kind = 'mortgage' AND closed_on IS NULL;
CREATE UNIQUE INDEX loans_one_open_share_loan ON loans (member_id) WHERE kind = 'share_loan' AND closed_on IS NULL;

-- A loan's terms never change; it may only be closed, once.
-- +goose StatementBegin
CREATE FUNCTION loans_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
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
-- +goose StatementEnd
CREATE TRIGGER loans_fixed BEFORE UPDATE OR DELETE ON loans FOR EACH ROW EXECUTE FUNCTION loans_fixed();

-- The installments of a loan's schedule that have been posted, in order.
CREATE TABLE loan_installments (
    loan_id   bigint NOT NULL REFERENCES loans (id),
    period    int NOT NULL CONSTRAINT loan_installments_period_check CHECK (period >= 1),
    site_id   bigint NOT NULL REFERENCES sites (id),
    due_on    date NOT NULL,
    payment   numeric(14, 2) NOT NULL,
    interest  numeric(14, 2) NOT NULL,
    principal numeric(14, 2) NOT NULL,
    entry_id  bigint NOT NULL REFERENCES ledger_entries (id),
    PRIMARY KEY (loan_id, period),
    CONSTRAINT loan_installments_sum_check CHECK (payment = interest + principal AND interest >= 0 AND principal >= 0)
);

-- Changes of a member's share loan: an opening, an increase, a paydown or a
-- payoff. A change closes the open loan and opens its replacement, so loan
-- terms themselves never change.
CREATE TABLE loan_changes (
    id              bigserial PRIMARY KEY,
    site_id         bigint NOT NULL REFERENCES sites (id),
    member_id       bigint NOT NULL REFERENCES members (id),
    from_loan_id    bigint REFERENCES loans (id),
    to_loan_id      bigint REFERENCES loans (id),
    changed_on      date NOT NULL,
    delta           numeric(14, 2) NOT NULL CONSTRAINT loan_changes_delta_check CHECK (delta <> 0),
    interest        numeric(14, 2) NOT NULL CONSTRAINT loan_changes_interest_check CHECK (interest >= 0),
    from_cash       boolean NOT NULL,
    entry_id        bigint NOT NULL REFERENCES ledger_entries (id),
    idempotency_key text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT loan_changes_idempotency_key_key UNIQUE (idempotency_key),
    CONSTRAINT loan_changes_loans_check CHECK (from_loan_id IS NOT NULL OR to_loan_id IS NOT NULL)
);
CREATE INDEX loan_changes_member_idx ON loan_changes (member_id, changed_on);

-- The share register: every issue and redemption of shares, with the price
-- it happened at and the ledger entry that moved its money. quantity is
-- positive for an issue, negative for a redemption; value is quantity × price
-- rounded to the cent; amount is the money paid for (or out of) it, whose
-- difference from value went to the site's rounding account.
CREATE TABLE share_events (
    id              bigserial PRIMARY KEY,
    site_id         bigint NOT NULL REFERENCES sites (id),
    member_id       bigint NOT NULL REFERENCES members (id),
    kind            text NOT NULL,
    effective_on    date NOT NULL,
    quantity        numeric(20, 6) NOT NULL,
    price           numeric(20, 6) NOT NULL,
    value           numeric(16, 2) NOT NULL,
    amount          numeric(16, 2) NOT NULL,
    entry_id        bigint NOT NULL REFERENCES ledger_entries (id),
    idempotency_key text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT share_events_kind_check CHECK (kind IN ('buy_in', 'charge', 'move_in', 'issue', 'move_out', 'redemption')),
    CONSTRAINT share_events_direction_check CHECK (
        (kind IN ('move_out', 'redemption')) = (quantity < 0) AND quantity <> 0),
    CONSTRAINT share_events_price_check CHECK (price > 0),
    CONSTRAINT share_events_idempotency_key_key UNIQUE (idempotency_key)
);
CREATE INDEX share_events_site_idx ON share_events (site_id, effective_on) INCLUDE (quantity);
CREATE INDEX share_events_member_idx ON share_events (member_id, effective_on);

-- What each member holds at each site now, kept with the register in the same
-- transaction; the CHECK refuses any redemption of shares not held, even
-- between racing transactions (the row lock orders them).
CREATE TABLE share_holdings (
    site_id   bigint NOT NULL REFERENCES sites (id),
    member_id bigint NOT NULL REFERENCES members (id),
    quantity  numeric(20, 6) NOT NULL CONSTRAINT share_holdings_quantity_check CHECK (quantity >= 0),
    PRIMARY KEY (site_id, member_id)
);
CREATE INDEX share_holdings_member_idx ON share_holdings (member_id);

-- One row per run of the monthly charges, for the treasurer's record.
CREATE TABLE charge_runs (
    id         bigserial PRIMARY KEY,
    month      date NOT NULL CONSTRAINT charge_runs_month_check CHECK (extract(day FROM month) = 1),
    run_by     bigint REFERENCES members (id),
    posted     int NOT NULL,
    skipped    int NOT NULL,
    total      numeric(16, 2) NOT NULL,
    duration_ms int NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX charge_runs_month_idx ON charge_runs (month);

-- The carrying charge of one residency for one month: its days, and the split
-- of the prorated charge into its parts. One per residency and month is what
-- makes a second run of a month change nothing.
CREATE TABLE unit_charges (
    id             bigserial PRIMARY KEY,
    site_id        bigint NOT NULL,
    unit_id        bigint NOT NULL,
    residency_id   bigint NOT NULL REFERENCES residencies (id),
    member_id      bigint NOT NULL REFERENCES members (id),
    month          date NOT NULL,
    days           int NOT NULL,
    days_in_month  int NOT NULL,
    monthly_charge numeric(14, 2) NOT NULL,
    total          numeric(14, 2) NOT NULL,
    operating      numeric(14, 2) NOT NULL,
    reserves       numeric(14, 2) NOT NULL,
    interest       numeric(14, 2) NOT NULL,
    principal      numeric(14, 2) NOT NULL,
    share_event_id bigint REFERENCES share_events (id),
    entry_id       bigint NOT NULL REFERENCES ledger_entries (id),
    run_id         bigint REFERENCES charge_runs (id),
    created_at     timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (site_id, unit_id) REFERENCES units (site_id, id),
    CONSTRAINT unit_charges_residency_month_key UNIQUE (residency_id, month),
    CONSTRAINT unit_charges_month_check CHECK (extract(day FROM month) = 1),
    CONSTRAINT unit_charges_days_check CHECK (days BETWEEN 1 AND days_in_month),
    CONSTRAINT unit_charges_split_check CHECK (
        total = operating + reserves + interest + principal
        AND operating >= 0 AND reserves >= 0 AND interest >= 0 AND principal >= 0)
);
CREATE INDEX unit_charges_site_month_idx ON unit_charges (site_id, month);
CREATE INDEX unit_charges_member_idx ON unit_charges (member_id, month);

-- Admissions of members to units (buy-in): the record that makes admitting
-- the same request twice return the first admission.
CREATE TABLE admissions (
    id              bigserial PRIMARY KEY,
    site_id         bigint NOT NULL,
    unit_id         bigint NOT NULL,
    member_id       bigint NOT NULL REFERENCES members (id),
    residency_id    bigint NOT NULL REFERENCES residencies (id),
    admitted_on     date NOT NULL,
    price           numeric(20, 6) NOT NULL,
    required_equity numeric(14, 2) NOT NULL,
    cash            numeric(14, 2) NOT NULL,
    loan            numeric(14, 2) NOT NULL,
    loan_id         bigint REFERENCES loans (id),
    share_event_id  bigint REFERENCES share_events (id),
    admitted_by     bigint REFERENCES members (id),
    idempotency_key text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (site_id, unit_id) REFERENCES units (site_id, id),
    CONSTRAINT admissions_idempotency_key_key UNIQUE (idempotency_key),
    CONSTRAINT admissions_split_check CHECK (cash >= 0 AND loan >= 0 AND cash + loan = required_equity)
);
CREATE INDEX admissions_site_idx ON admissions (site_id, admitted_on);

-- History is appended, never edited: policies, index values, appraisals,
-- installments, the register and charges refuse UPDATE and DELETE.
-- +goose StatementBegin
CREATE FUNCTION equity_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are history and never change', TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation', CONSTRAINT = TG_TABLE_NAME || '_immutable';
END $$;
-- +goose StatementEnd
CREATE TRIGGER price_policies_immutable BEFORE UPDATE OR DELETE ON price_policies
    FOR EACH ROW EXECUTE FUNCTION equity_refuse_change();
CREATE TRIGGER price_index_points_immutable BEFORE UPDATE OR DELETE ON price_index_points
    FOR EACH ROW EXECUTE FUNCTION equity_refuse_change();
CREATE TRIGGER appraisals_immutable BEFORE UPDATE OR DELETE ON appraisals
    FOR EACH ROW EXECUTE FUNCTION equity_refuse_change();
CREATE TRIGGER loan_changes_immutable BEFORE UPDATE OR DELETE ON loan_changes
    FOR EACH ROW EXECUTE FUNCTION equity_refuse_change();
CREATE TRIGGER loan_installments_immutable BEFORE UPDATE OR DELETE ON loan_installments
    FOR EACH ROW EXECUTE FUNCTION equity_refuse_change();
CREATE TRIGGER share_events_immutable BEFORE UPDATE OR DELETE ON share_events
    FOR EACH ROW EXECUTE FUNCTION equity_refuse_change();
CREATE TRIGGER unit_charges_immutable BEFORE UPDATE OR DELETE ON unit_charges
    FOR EACH ROW EXECUTE FUNCTION equity_refuse_change();
CREATE TRIGGER admissions_immutable BEFORE UPDATE OR DELETE ON admissions
    FOR EACH ROW EXECUTE FUNCTION equity_refuse_change();

-- +goose Down
DROP TABLE admissions;
DROP TABLE unit_charges;
DROP TABLE charge_runs;
DROP TABLE share_holdings;
DROP TABLE share_events;
DROP TABLE loan_changes;
DROP TABLE loan_installments;
DROP TABLE loans;
DROP TABLE appraisals;
DROP TABLE price_index_points;
DROP TABLE price_policies;
DROP TABLE share_pools;
DROP TABLE equity_settings;
DROP FUNCTION loans_fixed();
DROP FUNCTION equity_refuse_change();
ALTER TABLE units DROP COLUMN required_equity;
