package ledger

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/shopspring/decimal"

	"hearth/app"
)

// selectBalance reads an account's balance from its slot rows (at most 16),
// minus, for an as-of balance, the day totals after that day: it never sums
// the account's postings, however many there are.
const selectBalance = `
SELECT a.id,
       coalesce((SELECT sum(balance) FROM ledger_balances WHERE account_id = a.id), 0)
     - coalesce((SELECT sum(total) FROM ledger_daily_totals WHERE account_id = a.id AND day > $2::date), 0)
FROM ledger_accounts a WHERE a.code = $1`

// Balance returns an account's balance, the raw sum of its postings (debit
// positive): now, counting every posting whatever its date (asOf nil), or
// at the end of the day asOf by effective date. It is a building block for
// services, which decide who may see the account; the treasurer's reads
// are Account and Accounts. Errors: not_found.
func (l *Ledger) Balance(ctx context.Context, code string, asOf *time.Time) (decimal.Decimal, error) {
	return l.balance(ctx, l.DB, code, asOf)
}

// BalanceTx is Balance read in the caller's transaction, which sees its own
// postings. Errors: not_found.
func (l *Ledger) BalanceTx(ctx context.Context, tx *sqlx.Tx, code string, asOf *time.Time) (decimal.Decimal, error) {
	return l.balance(ctx, tx, code, asOf)
}

func (l *Ledger) balance(ctx context.Context, q sqlx.QueryerContext, code string, asOf *time.Time) (decimal.Decimal, error) {
	var id int64
	var bal decimal.Decimal
	err := q.QueryRowxContext(ctx, selectBalance, code, dayParam(asOf)).Scan(&id, &bal)
	switch {
	case app.ErrNoRows(err):
		return decimal.Zero, app.NotFound("There is no account %s.", code)
	case err != nil:
		return decimal.Zero, fmt.Errorf("ledger: unable to read the balance of %s: %w", code, err)
	}
	return bal, nil
}
