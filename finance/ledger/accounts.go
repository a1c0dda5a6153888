package ledger

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/shopspring/decimal"

	"hearth/app"
)

// AccountBalance is an account as stored, with its balance (raw sum of
// postings, debit positive) now or as of a day.
type AccountBalance struct {
	Account
	ID         int64
	SiteName   string // of the linked site, if any
	MemberName string // of the linked member, if any
	CreatedAt  time.Time
	Balance    decimal.Decimal
}

// Depth is the number of colons in the code: 0 for "assets", 2 for
// "assets:bank:operating".
func (a AccountBalance) Depth() int { return strings.Count(a.Code, ":") }

// Normal is the balance in the account's normal direction: positive when a
// debit-normal account holds debits or a credit-normal one holds credits.
func (a AccountBalance) Normal() decimal.Decimal {
	return a.Balance.Mul(decimal.NewFromInt(int64(a.Type.NormalSign())))
}

// selectAccounts lists accounts with their balances: current from the slot
// rows, as of a day by taking off the day totals after it. $1 filters by
// code (NULL for all), $2 is the as-of day (NULL for now).
const selectAccounts = `
SELECT a.id, a.code, a.type, a.name, a.site_id, a.member_id, a.non_negative, a.created_at,
       coalesce(s.name, '') AS site_name, coalesce(m.name, '') AS member_name,
       coalesce((SELECT sum(balance) FROM ledger_balances WHERE account_id = a.id), 0)
     - coalesce((SELECT sum(total) FROM ledger_daily_totals WHERE account_id = a.id AND day > $2::date), 0) AS balance
FROM ledger_accounts a
LEFT JOIN sites s ON s.id = a.site_id
LEFT JOIN members m ON m.id = a.member_id
WHERE ($1::text IS NULL OR a.code = $1)
ORDER BY a.code`

type accountRow struct {
	ID          int64           `db:"id"`
	Code        string          `db:"code"`
	Type        AccountType     `db:"type"`
	Name        string          `db:"name"`
	SiteID      *int64          `db:"site_id"`
	MemberID    *int64          `db:"member_id"`
	NonNegative bool            `db:"non_negative"`
	CreatedAt   time.Time       `db:"created_at"`
	SiteName    string          `db:"site_name"`
	MemberName  string          `db:"member_name"`
	Balance     decimal.Decimal `db:"balance"`
}

func (r accountRow) balance() AccountBalance {
	return AccountBalance{
		Account: Account{Code: r.Code, Type: r.Type, Name: r.Name, SiteID: r.SiteID, MemberID: r.MemberID, NonNegative: r.NonNegative},
		ID:      r.ID, SiteName: r.SiteName, MemberName: r.MemberName, CreatedAt: r.CreatedAt, Balance: r.Balance,
	}
}

func dayParam(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := Day(*t).Format(dateLayout)
	return &s
}

func (l *Ledger) selectAccounts(ctx context.Context, q sqlx.QueryerContext, code *string, asOf *time.Time) ([]AccountBalance, error) {
	var rows []accountRow
	if err := sqlx.SelectContext(ctx, q, &rows, selectAccounts, code, dayParam(asOf)); err != nil {
		return nil, fmt.Errorf("ledger: unable to list accounts: %w", err)
	}
	out := make([]AccountBalance, len(rows))
	for i, r := range rows {
		out[i] = r.balance()
	}
	return out, nil
}

// Accounts lists the chart of accounts by code for the treasurer, with
// balances now (asOf nil) or at the end of the day asOf. Errors: forbidden
// (403).
func (l *Ledger) Accounts(ctx context.Context, p *app.Principal, asOf *time.Time) ([]AccountBalance, error) {
	if err := CanKeepBooks(p); err != nil {
		return nil, err
	}
	return l.selectAccounts(ctx, l.DB, nil, asOf)
}

// Account returns one account for the treasurer, with its balance now
// (asOf nil) or at the end of the day asOf. Errors: forbidden (403),
// not_found.
func (l *Ledger) Account(ctx context.Context, p *app.Principal, code string, asOf *time.Time) (AccountBalance, error) {
	if err := CanKeepBooks(p); err != nil {
		return AccountBalance{}, err
	}
	return l.account(ctx, l.DB, code, asOf)
}

func (l *Ledger) account(ctx context.Context, q sqlx.QueryerContext, code string, asOf *time.Time) (AccountBalance, error) {
	list, err := l.selectAccounts(ctx, q, &code, asOf)
	if err != nil {
		return AccountBalance{}, err
	}
	if len(list) == 0 {
		return AccountBalance{}, app.NotFound("There is no account %s.", code)
	}
	return list[0], nil
}

// TrialBalance lists every account's balance and their total, which double
// entry keeps at zero; Debits and Credits are the sums of the positive and
// of the negative balances.
type TrialBalance struct {
	AsOf     *time.Time
	Accounts []AccountBalance
	Debits   decimal.Decimal
	Credits  decimal.Decimal // negative or zero
	Total    decimal.Decimal
}

// TrialBalance returns the trial balance for the treasurer, now (asOf nil)
// or at the end of the day asOf, read in one snapshot. Errors: forbidden
// (403).
func (l *Ledger) TrialBalance(ctx context.Context, p *app.Principal, asOf *time.Time) (TrialBalance, error) {
	accounts, err := l.Accounts(ctx, p, asOf)
	if err != nil {
		return TrialBalance{}, err
	}
	tb := TrialBalance{AsOf: asOf, Accounts: accounts}
	for _, a := range accounts {
		if a.Balance.IsPositive() {
			tb.Debits = tb.Debits.Add(a.Balance)
		} else {
			tb.Credits = tb.Credits.Add(a.Balance)
		}
	}
	tb.Total = tb.Debits.Add(tb.Credits)
	return tb, nil
}
