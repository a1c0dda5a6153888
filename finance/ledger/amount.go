package ledger

import (
	"github.com/shopspring/decimal"
)

// Amounts are read from requests by money.Parse (or money.Text) and held
// to the currency's places by money.Check when an entry is checked, so
// that the same mistake gets the same error from the API, the pages and
// every service that posts.

// FormatAmount writes an amount with exactly the currency's places
// ("1250.00"), the form amounts take in JSON and CSV.
func (l *Ledger) FormatAmount(d decimal.Decimal) string { return d.StringFixed(l.Places) }

// truncate shortens s to at most n runes, marking the cut with an ellipsis.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
