package ledger

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/shopspring/decimal"

	"hearth/app"
)

// Export is a CSV export that was allowed and checked when it was made and
// is written, in one snapshot and however long, when it is called: an
// answer can still refuse it before its first byte is sent.
type Export func(ctx context.Context, w io.Writer) error

// StatementCSV returns the treasurer's export of an account's statement
// for a period, as CSV with the header
// date,entry_id,description,debit,credit,balance: one line per posting,
// debits and credits as positive amounts in their own column, the running
// balance debit-positive. Errors: forbidden (403), not_found,
// invalid_period (422).
func (l *Ledger) StatementCSV(ctx context.Context, p *app.Principal, code string, period Period) (Export, error) {
	if err := CanKeepBooks(p); err != nil {
		return nil, err
	}
	if err := period.Check(); err != nil {
		return nil, err
	}
	if _, err := l.account(ctx, l.DB, code, nil); err != nil {
		return nil, err
	}
	return func(ctx context.Context, w io.Writer) error { return l.writeStatementCSV(ctx, w, code, period) }, nil
}

func (l *Ledger) writeStatementCSV(ctx context.Context, w io.Writer, code string, p Period) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"date", "entry_id", "description", "debit", "credit", "balance"}); err != nil {
		return err
	}
	_, err := l.EachStatementLine(ctx, code, p, func(line StatementLine) error {
		debit, credit := l.debitCredit(line.Amount)
		return cw.Write([]string{line.EffectiveDate.Format(dateLayout), strconv.FormatInt(line.EntryID, 10),
			CSVText(line.Description), debit, credit, l.FormatAmount(line.Balance)})
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

const selectJournalLines = `
SELECT e.id, e.effective_date, e.idempotency_key, e.description, a.code, p.amount
FROM ledger_entries e
JOIN ledger_postings p ON p.entry_id = e.id
JOIN ledger_accounts a ON a.id = p.account_id
WHERE ($1::date IS NULL OR e.effective_date >= $1) AND ($2::date IS NULL OR e.effective_date <= $2)
ORDER BY e.effective_date, e.id, p.id`

// JournalCSV returns the treasurer's export of every entry of a period, as
// CSV with the header
// entry_id,date,idempotency_key,description,account,debit,credit: one line
// per posting, in order of effective date, entry and posting. Errors:
// forbidden (403), invalid_period (422).
func (l *Ledger) JournalCSV(ctx context.Context, p *app.Principal, period Period) (Export, error) {
	if err := CanKeepBooks(p); err != nil {
		return nil, err
	}
	if err := period.Check(); err != nil {
		return nil, err
	}
	return func(ctx context.Context, w io.Writer) error { return l.writeJournalCSV(ctx, w, period) }, nil
}

func (l *Ledger) writeJournalCSV(ctx context.Context, w io.Writer, p Period) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"entry_id", "date", "idempotency_key", "description", "account", "debit", "credit"}); err != nil {
		return err
	}
	err := l.readOnly(ctx, func(tx *sqlx.Tx) error {
		rows, err := tx.QueryContext(ctx, selectJournalLines, dayParam(p.From), dayParam(p.To))
		if err != nil {
			return fmt.Errorf("ledger: unable to read the journal: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var day time.Time
			var key, desc, code string
			var amount decimal.Decimal
			if err := rows.Scan(&id, &day, &key, &desc, &code, &amount); err != nil {
				return fmt.Errorf("ledger: unable to read the journal: %w", err)
			}
			debit, credit := l.debitCredit(amount)
			if err := cw.Write([]string{strconv.FormatInt(id, 10), Day(day).Format(dateLayout), CSVText(key), CSVText(desc), code, debit, credit}); err != nil {
				return err
			}
		}
		return rows.Err()
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// debitCredit splits a debit-positive amount into a debit and a credit
// column, leaving the other empty.
func (l *Ledger) debitCredit(d decimal.Decimal) (debit, credit string) {
	if d.IsNegative() {
		return "", l.FormatAmount(d.Neg())
	}
	return l.FormatAmount(d), ""
}

// CSVText keeps a spreadsheet from running text as a formula: a cell that
// starts with =, +, -, @, tab or carriage return gets a leading apostrophe.
func CSVText(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
