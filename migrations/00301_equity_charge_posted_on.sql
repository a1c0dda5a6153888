-- +goose Up
-- The day a carrying charge was posted (the run day of the equity service's
-- clock), which statements show and chart; created_at is only when the row
-- was written.
ALTER TABLE unit_charges ADD COLUMN posted_on date;
ALTER TABLE unit_charges DISABLE TRIGGER unit_charges_immutable;
UPDATE unit_charges c SET posted_on = e.effective_date FROM ledger_entries e WHERE e.id = c.entry_id;
ALTER TABLE unit_charges ENABLE TRIGGER unit_charges_immutable;
-- +goose StatementBegin
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM unit_charges WHERE posted_on IS NULL) THEN
        RAISE EXCEPTION 'unit_charges.posted_on was not filled in';
    END IF;
END $$;
-- +goose StatementEnd
ALTER TABLE unit_charges ALTER COLUMN posted_on SET NOT NULL;

-- +goose Down
ALTER TABLE unit_charges DROP COLUMN posted_on;
