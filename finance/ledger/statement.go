package ledger

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/shopspring/decimal"

	"hearth/app"
)

// StatementQuery pages through an account's postings of a period in order
// of effective date, then posting id.
type StatementQuery struct {
	Period
	After int64 // the posting id of the last line of the previous page, 0 for the first
	Limit int   // 1–1000, 100 when 0
}

// StatementLine is one posting of an account with the balance after it.
type StatementLine struct {
	PostingID     int64           `db:"id"`
	EntryID       int64           `db:"entry_id"`
	EffectiveDate time.Time       `db:"effective_date"`
	Description   string          `db:"description"`
	Amount        decimal.Decimal `db:"amount"`
	Balance       decimal.Decimal `db:"balance"` // running balance after this posting
}

// Statement is a page of an account's statement. Opening is the balance at
// the start of the period (before its first day), Closing at its end (the
// current balance when the period has no end), PageOpening the balance
// before the page's first line. Next is the After of the next page, 0 when
// this is the last.
type Statement struct {
	Account     AccountBalance
	Period      Period
	Opening     decimal.Decimal
	PageOpening decimal.Decimal
	Closing     decimal.Decimal
	Lines       []StatementLine
	Next        int64
}

// selectOpening is the balance before posting $3 of day $2 (all of day $2
// when $3 is 0): the current balance, minus the day totals from $2 on, plus
// that day's postings up to $3. It reads the slot and day-total rows and at
// most one day of postings.
const selectOpening = `
SELECT coalesce((SELECT sum(balance) FROM ledger_balances WHERE account_id = $1), 0)
     - coalesce((SELECT sum(total) FROM ledger_daily_totals WHERE account_id = $1 AND day >= $2::date), 0)
     + coalesce((SELECT sum(amount) FROM ledger_postings WHERE account_id = $1 AND effective_date = $2::date AND id <= $3), 0)`

// selectStatementLines lists postings with a running balance from $6, after
// posting $4 (0: from the start of the period); $5 NULL means no limit.
const selectStatementLines = `
SELECT p.id, p.entry_id, p.effective_date, e.description, p.amount,
       $6::numeric + sum(p.amount) OVER (ORDER BY p.effective_date, p.id) AS balance
FROM ledger_postings p
JOIN ledger_entries e ON e.id = p.entry_id
WHERE p.account_id = $1
  AND ($2::date IS NULL OR p.effective_date >= $2)
  AND ($3::date IS NULL OR p.effective_date <= $3)
  AND ($4::bigint = 0 OR (p.effective_date, p.id) > (SELECT effective_date, id FROM ledger_postings WHERE id = $4 AND account_id = $1))
ORDER BY p.effective_date, p.id
LIMIT $5`

// readOnly runs fn in a read-only REPEATABLE READ transaction, so that the
// several queries of a statement or an export see one snapshot.
func (l *Ledger) readOnly(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	tx, err := l.DB.BeginTxx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return fmt.Errorf("ledger: unable to begin: %w", err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// statementStart reads the account (with its closing balance) and the
// opening balance of the period.
func (l *Ledger) statementStart(ctx context.Context, tx *sqlx.Tx, code string, p Period) (Statement, error) {
	if err := p.Check(); err != nil {
		return Statement{}, err
	}
	a, err := l.account(ctx, tx, code, p.To)
	if err != nil {
		return Statement{}, err
	}
	st := Statement{Account: a, Period: p, Closing: a.Balance}
	if p.From != nil {
		if err := tx.GetContext(ctx, &st.Opening, selectOpening, a.ID, dayParam(p.From), 0); err != nil {
			return Statement{}, fmt.Errorf("ledger: unable to read the opening balance of %s: %w", code, err)
		}
	}
	st.PageOpening = st.Opening
	return st, nil
}

// Statement returns a page of an account's statement for the treasurer,
// read in one snapshot. Errors: forbidden (403), not_found, invalid_period
// (422).
func (l *Ledger) Statement(ctx context.Context, p *app.Principal, code string, sq StatementQuery) (Statement, error) {
	var st Statement
	if err := CanKeepBooks(p); err != nil {
		return st, err
	}
	err := l.readOnly(ctx, func(tx *sqlx.Tx) error {
		var err error
		if st, err = l.statementStart(ctx, tx, code, sq.Period); err != nil {
			return err
		}
		if sq.After != 0 {
			var day time.Time
			err := tx.GetContext(ctx, &day, `SELECT effective_date FROM ledger_postings WHERE id = $1 AND account_id = $2`, sq.After, st.Account.ID)
			if err != nil && !app.ErrNoRows(err) {
				return fmt.Errorf("ledger: unable to read posting %d: %w", sq.After, err)
			}
			if err == nil {
				if err := tx.GetContext(ctx, &st.PageOpening, selectOpening, st.Account.ID, Day(day).Format(dateLayout), sq.After); err != nil {
					return fmt.Errorf("ledger: unable to read the balance before posting %d: %w", sq.After, err)
				}
			}
		}
		limit := pageLimit(sq.Limit)
		if err := tx.SelectContext(ctx, &st.Lines, selectStatementLines, st.Account.ID,
			dayParam(sq.From), dayParam(sq.To), sq.After, limit+1, st.PageOpening); err != nil {
			return fmt.Errorf("ledger: unable to read the statement of %s: %w", code, err)
		}
		if len(st.Lines) > limit {
			st.Lines = st.Lines[:limit]
			st.Next = st.Lines[limit-1].PostingID
		}
		for i := range st.Lines {
			st.Lines[i].EffectiveDate = Day(st.Lines[i].EffectiveDate)
		}
		return nil
	})
	return st, err
}

// EachStatementLine reads an account's statement for a period in one
// snapshot and calls each for every line, in order, however many there are
// (an export). It returns the statement without lines. It is a building
// block for services, which decide who may see the account (a member's
// history in equity); the treasurer's export is StatementCSV. Errors:
// not_found, invalid_period (422), and each's error.
func (l *Ledger) EachStatementLine(ctx context.Context, code string, p Period, each func(StatementLine) error) (Statement, error) {
	var st Statement
	err := l.readOnly(ctx, func(tx *sqlx.Tx) error {
		var err error
		if st, err = l.statementStart(ctx, tx, code, p); err != nil {
			return err
		}
		rows, err := tx.QueryxContext(ctx, selectStatementLines, st.Account.ID, dayParam(p.From), dayParam(p.To), 0, nil, st.Opening)
		if err != nil {
			return fmt.Errorf("ledger: unable to read the statement of %s: %w", code, err)
		}
		defer rows.Close()
		for rows.Next() {
			var line StatementLine
			if err := rows.StructScan(&line); err != nil {
				return fmt.Errorf("ledger: unable to read the statement of %s: %w", code, err)
			}
			line.EffectiveDate = Day(line.EffectiveDate)
			if err := each(line); err != nil {
				return err
			}
		}
		return rows.Err()
	})
	return st, err
}
