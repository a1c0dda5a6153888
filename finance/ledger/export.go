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
)

// WriteStatementCSV writes an account's statement for a period as CSV with
// the header date,entry_id,description,debit,credit,balance: one line per
// posting, debits and credits as positive amounts in their own column, the
// running balance debit-positive. Errors: not_found, invalid_period (422).
func (l *Ledger) WriteStatementCSV(ctx context.Context, w io.Writer, code string, p Period) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"date", "entry_id", "description", "debit", "credit", "balance"}); err != nil {
		return err
	}
	_, err := l.EachStatementLine(ctx, code, p, func(line StatementLine) error {
		debit, credit := l.debitCredit(line.Amount)
		return cw.Write([]string{line.EffectiveDate.Format(DateLayout), strconv.FormatInt(line.EntryID, 10),
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

// WriteJournalCSV writes every entry of a period as CSV with the header
// entry_id,date,idempotency_key,description,account,debit,credit: one line
// per posting, in order of effective date, entry and posting. Errors:
// invalid_period (422).
func (l *Ledger) WriteJournalCSV(ctx context.Context, w io.Writer, p Period) error {
	if err := p.Check(); err != nil {
		return err
	}
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
			if err := cw.Write([]string{strconv.FormatInt(id, 10), Day(day).Format(DateLayout), CSVText(key), CSVText(desc), code, debit, credit}); err != nil {
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
