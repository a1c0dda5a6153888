package ledger

import (
	"regexp"

	"github.com/shopspring/decimal"

	"hearth/app"
)

// MaxAmount bounds a posting's magnitude: amounts stay below 10^15 currency
// units, far above any cooperative's money and far below NUMERIC's limits.
var MaxAmount = decimal.New(1, 15)

var amountPattern = regexp.MustCompile(`^-?[0-9]{1,20}(\.[0-9]{1,20})?$`)

// ParseAmount reads an amount written as a plain decimal string ("-1250.00"):
// an optional minus sign, digits, optionally a point and digits. Exponents,
// NaN, infinities, signs other than a leading minus, spaces and thousands
// separators are refused. Errors: invalid_amount, too_many_places,
// amount_too_large (422).
func ParseAmount(s string, places int32) (decimal.Decimal, error) {
	if !amountPattern.MatchString(s) {
		return decimal.Zero, app.Unprocessable("invalid_amount",
			"%q is not an amount: write it as a decimal string such as \"1250.00\" or \"-40.5\".", truncate(s, 40))
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return decimal.Zero, app.Unprocessable("invalid_amount", "%q is not an amount.", s)
	}
	return d, checkAmount(d, places)
}

// checkAmount applies the rules every posted amount follows. Errors:
// too_many_places, amount_too_large (422).
func checkAmount(d decimal.Decimal, places int32) error {
	if !d.Equal(d.Truncate(places)) {
		return app.Unprocessable("too_many_places", "%s has more than %d decimal places.", d.String(), places)
	}
	if d.Abs().GreaterThanOrEqual(MaxAmount) {
		return app.Unprocessable("amount_too_large", "%s is too large: amounts stay below %s.", d.String(), MaxAmount.String())
	}
	return nil
}

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
