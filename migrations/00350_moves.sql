-- +goose Up
-- Moves between sites (the nomad mortgage): a member's request to move to a
-- unit at another site, the quote they confirmed, the destination
-- coordinator's decision, and the record of the completed move. Money moves
-- through the ledger (finance/equity); these tables hold the facts and the
-- ids of what the move wrote. A request belongs to its destination site
-- (site_id), the site whose coordinators decide it.
CREATE TABLE move_requests (
    id                bigserial PRIMARY KEY,
    site_id           bigint NOT NULL,
    unit_id           bigint NOT NULL,
    member_id         bigint NOT NULL REFERENCES members (id),
    from_site_id      bigint NOT NULL,
    from_unit_id      bigint NOT NULL,
    from_residency_id bigint NOT NULL REFERENCES residencies (id),
    move_on           date NOT NULL,
    surplus           text NOT NULL,
    shortfall         text NOT NULL,
    status            text NOT NULL DEFAULT 'requested',
    -- The quote the member confirmed last (quoted_on is its day): the
    -- prices, the shares and their value, the fee, what the unit requires
    -- and what the shares it buys are worth (the rest is rounding), and how
    -- the difference is settled. A price is 0 when it plays no part (no
    -- shares to redeem, no equity required).
    quoted_on         date NOT NULL,
    from_price        numeric(20, 6) NOT NULL,
    shares_redeemed   numeric(20, 6) NOT NULL,
    value_redeemed    numeric(16, 2) NOT NULL,
    fee_pct           numeric(5, 2) NOT NULL,
    fee               numeric(14, 2) NOT NULL,
    to_price          numeric(20, 6) NOT NULL,
    required_equity   numeric(14, 2) NOT NULL,
    shares_issued     numeric(20, 6) NOT NULL,
    value_issued      numeric(16, 2) NOT NULL,
    payout            numeric(14, 2) NOT NULL,
    cash_in           numeric(14, 2) NOT NULL,
    paydown           numeric(14, 2) NOT NULL,
    loan_increase     numeric(14, 2) NOT NULL,
    idempotency_key   text,
    decided_by        bigint REFERENCES members (id),
    decided_at        timestamptz,
    decline_reason    text NOT NULL DEFAULT '',
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (site_id, unit_id) REFERENCES units (site_id, id),
    FOREIGN KEY (from_site_id, from_unit_id) REFERENCES units (site_id, id),
    CONSTRAINT move_requests_other_site_check CHECK (site_id <> from_site_id),
    CONSTRAINT move_requests_surplus_check CHECK (surplus IN ('payout', 'paydown')),
    CONSTRAINT move_requests_shortfall_check CHECK (shortfall IN ('cash', 'loan')),
    CONSTRAINT move_requests_status_check CHECK (status IN ('requested', 'approved', 'declined', 'withdrawn', 'completed')),
    CONSTRAINT move_requests_amounts_check CHECK (
        from_price >= 0 AND to_price >= 0 AND shares_redeemed >= 0 AND shares_issued >= 0 AND value_redeemed >= 0
        AND fee >= 0 AND fee <= value_redeemed AND required_equity >= 0 AND value_issued BETWEEN 0 AND required_equity
        AND payout >= 0 AND cash_in >= 0 AND paydown >= 0 AND loan_increase >= 0),
    -- Value is conserved to the cent (docs/moves.md).
    CONSTRAINT move_requests_conserved_check CHECK (
        value_redeemed = fee + required_equity + payout - cash_in + paydown - loan_increase),
    CONSTRAINT move_requests_reason_check CHECK (length(decline_reason) <= 500),
    CONSTRAINT move_requests_key_check CHECK (idempotency_key IS NULL OR length(idempotency_key) BETWEEN 1 AND 100),
    CONSTRAINT move_requests_member_key UNIQUE (member_id, idempotency_key)
);
-- One open request per member: a second is refused until the first is
-- decided, withdrawn or completed.
CREATE UNIQUE INDEX move_requests_one_open ON move_requests (member_id) WHERE status IN ('requested', 'approved');
CREATE INDEX move_requests_site_idx ON move_requests (site_id, status);
CREATE INDEX move_requests_from_site_idx ON move_requests (from_site_id, status);

-- A request moves requested → approved → completed, or ends declined or
-- withdrawn; a decided request never reopens, and who moves where and when
-- never changes once asked. (Its times come from the service's clock, so
-- that a replayed history keeps its days.)
-- +goose StatementBegin
CREATE FUNCTION move_requests_transition() RETURNS trigger LANGUAGE plpgsql AS $$
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
-- +goose StatementEnd
CREATE TRIGGER move_requests_transition BEFORE UPDATE OR DELETE ON move_requests
    FOR EACH ROW EXECUTE FUNCTION move_requests_transition();

-- A completed move: the figures it settled (the same columns as the quote)
-- and the rows and entries it wrote, in the one transaction that completed
-- the request. completed_on is the day the money moved, at that day's
-- prices; move_on is the day the residencies changed. value_issued is what
-- the shares bought at the destination are worth; required_equity − value_issued
-- went to the destination's rounding account.
CREATE TABLE move_completions (
    move_id               bigint PRIMARY KEY REFERENCES move_requests (id),
    site_id               bigint NOT NULL REFERENCES sites (id),
    member_id             bigint NOT NULL REFERENCES members (id),
    completed_on          date NOT NULL,
    move_on               date NOT NULL,
    from_price            numeric(20, 6) NOT NULL,
    shares_redeemed       numeric(20, 6) NOT NULL,
    value_redeemed        numeric(16, 2) NOT NULL,
    fee_pct               numeric(5, 2) NOT NULL,
    fee                   numeric(14, 2) NOT NULL,
    to_price              numeric(20, 6) NOT NULL,
    required_equity       numeric(14, 2) NOT NULL,
    shares_issued         numeric(20, 6) NOT NULL,
    value_issued          numeric(16, 2) NOT NULL,
    payout                numeric(14, 2) NOT NULL,
    cash_in               numeric(14, 2) NOT NULL,
    paydown               numeric(14, 2) NOT NULL,
    loan_increase         numeric(14, 2) NOT NULL,
    redeem_event_id       bigint REFERENCES share_events (id),
    issue_event_id        bigint REFERENCES share_events (id),
    loan_entry_id         bigint REFERENCES ledger_entries (id),
    ended_residency_id    bigint NOT NULL REFERENCES residencies (id),
    started_residency_id  bigint NOT NULL REFERENCES residencies (id),
    completed_by          bigint REFERENCES members (id),
    created_at            timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT move_completions_amounts_check CHECK (
        from_price >= 0 AND to_price >= 0 AND shares_redeemed >= 0 AND shares_issued >= 0 AND value_redeemed >= 0
        AND fee >= 0 AND required_equity >= 0 AND value_issued BETWEEN 0 AND required_equity
        AND payout >= 0 AND cash_in >= 0 AND paydown >= 0 AND loan_increase >= 0),
    CONSTRAINT move_completions_conserved_check CHECK (
        value_redeemed = fee + required_equity + payout - cash_in + paydown - loan_increase),
    CONSTRAINT move_completions_dates_check CHECK (completed_on >= move_on)
);
CREATE INDEX move_completions_site_idx ON move_completions (site_id, completed_on);
CREATE TRIGGER move_completions_immutable BEFORE UPDATE OR DELETE ON move_completions
    FOR EACH ROW EXECUTE FUNCTION equity_refuse_change();

-- Units set free by a move, from the move day on, and the move that freed
-- them. Completing a move writes a row; nothing reads them yet. Member
-- intake (applications, a site's waitlist) will read them to offer the
-- freed unit; until then a unit is free when no residency covers it.
CREATE TABLE unit_vacancies (
    id         bigserial PRIMARY KEY,
    site_id    bigint NOT NULL,
    unit_id    bigint NOT NULL,
    free_from  date NOT NULL,
    reason     text NOT NULL CONSTRAINT unit_vacancies_reason_check CHECK (reason IN ('move')),
    move_id    bigint REFERENCES move_requests (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (site_id, unit_id) REFERENCES units (site_id, id),
    CONSTRAINT unit_vacancies_move_key UNIQUE (move_id)
);
CREATE INDEX unit_vacancies_site_idx ON unit_vacancies (site_id, free_from);

-- +goose Down
DROP TABLE unit_vacancies;
DROP TABLE move_completions;
DROP TABLE move_requests;
DROP FUNCTION move_requests_transition();
