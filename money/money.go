// Package money is Hearth's one way to read an amount: of money, of shares,
// a price or a rate, always decimal, never a float. One parser reads what
// people and programs write, and one rule bounds how many decimal places a
// field takes: the currency's for money, more where a field says so (a
// share price has six).
package money

import (
	"encoding/json"
	"regexp"

	"github.com/shopspring/decimal"

	"hearth/app"
)

// MaxAmount bounds every amount: below 10^15, far above any cooperative's
// money and far below what PostgreSQL's NUMERIC columns hold.
var MaxAmount = decimal.New(1, 15)

// pattern is the only way to write an amount: an optional minus, digits,
// and optionally a point and digits. No exponent, plus sign, spaces,
// thousands separators, NaN or infinity.
var pattern = regexp.MustCompile(`^-?[0-9]{1,20}(\.[0-9]{1,20})?$`)

// Parse reads an amount written as a plain decimal string ("-1250.00")
// with at most places decimal places. Errors: invalid_amount,
// too_many_places, amount_too_large (422).
func Parse(s string, places int32) (decimal.Decimal, error) {
	if !pattern.MatchString(s) {
		return decimal.Zero, app.Unprocessable("invalid_amount",
			"%q is not an amount: write it as a decimal number such as 1250.00 or -40.5, without an exponent or separators.", shorten(s))
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return decimal.Zero, app.Unprocessable("invalid_amount", "%q is not an amount.", shorten(s))
	}
	return d, Check(d, places)
}

// Check applies the rule every amount follows: at most places decimal
// places, and below MaxAmount. Errors: too_many_places, amount_too_large
// (422).
func Check(d decimal.Decimal, places int32) error {
	if !d.Equal(d.Truncate(places)) {
		if places == 0 {
			return app.Unprocessable("too_many_places", "%s must be a whole number.", d.String())
		}
		return app.Unprocessable("too_many_places", "%s has more than %d decimal places.", d.String(), places)
	}
	if d.Abs().GreaterThanOrEqual(MaxAmount) {
		return app.Unprocessable("amount_too_large", "%s is too large: amounts stay below %s.", d.String(), MaxAmount.String())
	}
	return nil
}

func shorten(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}

// Text is an amount as a request carries it, for request types: a JSON
// string or a form value, read by Parse with up to MaxPlaces places. The
// domain method it goes to checks the places its field allows with Check,
// so that "12.345" for a field in cents gets the same too_many_places from
// the API, the pages and the command line. The zero Text is an absent
// amount (Given reports which).
type Text struct {
	decimal.Decimal
	given bool
}

// MaxPlaces is the most decimal places any field takes (share quantities
// and prices take 6, yearly rates a few more); a request with more is
// refused before it reaches the field's own rule.
const MaxPlaces = 10

// Given reports whether the request carried the amount.
func (t Text) Given() bool { return t.given }

// UnmarshalText reads a form value; an empty one is not given.
func (t *Text) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*t = Text{}
		return nil
	}
	d, err := Parse(string(b), MaxPlaces)
	if err != nil {
		return err
	}
	*t = Text{Decimal: d, given: true}
	return nil
}

// UnmarshalJSON reads a JSON string; null is not given. A JSON number is
// refused: amounts travel as strings, so that no client rounds them
// through a float.
func (t *Text) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*t = Text{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return app.Unprocessable("invalid_amount", "Amounts are JSON strings such as \"1250.00\", never numbers.")
	}
	if s == "" {
		return app.Unprocessable("invalid_amount", "The amount is empty: write it as a decimal number such as 1250.00.")
	}
	return t.UnmarshalText([]byte(s))
}

// MarshalText writes the amount as given.
func (t Text) MarshalText() ([]byte, error) { return []byte(t.Decimal.String()), nil }
