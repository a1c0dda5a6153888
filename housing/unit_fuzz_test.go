package housing_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"hearth/app"
	"hearth/app/apptest"
	"hearth/housing"
)

// plainCharge is how a monthly charge is written: digits, optionally a
// point and digits, no exponent; a minus sign passes only on zero.
var plainCharge = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)

// FuzzParseCharge: a monthly charge is refused as unprocessable on the
// monthly_charge field, or it was written as a plain decimal and is zero or
// more, in whole cents, below one trillion, and reads back the same when
// written with two places.
func FuzzParseCharge(f *testing.F) {
	for _, s := range []string{
		"1180.00", "1180", "1180.5", "0", "0.00", "100.001", "100.000", "-1.00", "-0", "999999999999.99", "1000000000000",
		"1e3", "1E3", "1e-2", "1e9999", "1e-9999", "1e99999", "--5", "+5", ".5", "5.", "12.345", " 1180.00 ", "\t5\n",
		"1,180.00", "1_180", "0x10", "NaN", "Inf", "lots", "", "\x00", "5\x00", "\xff", "\r\n", "١٢٣",
		strings.Repeat("9", 10000), "0." + strings.Repeat("0", 10000),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := housing.ParseCharge(s)
		if err != nil {
			e := apptest.CheckRefusal(t, err, app.KindUnprocessable, "invalid_amount", "too_many_places", "amount_too_large", "negative_charge")
			if e.Field != "monthly_charge" {
				t.Fatalf("ParseCharge(%q): error on field %q", s, e.Field)
			}
			return
		}
		if !plainCharge.MatchString(strings.TrimSpace(s)) {
			t.Fatalf("ParseCharge(%q) accepted a form other than a plain decimal: %s", s, d)
		}
		if d.IsNegative() || !d.Equal(d.Truncate(2)) || d.GreaterThanOrEqual(decimal.New(1, 12)) {
			t.Fatalf("ParseCharge(%q) = %s: negative, beyond cents or too large", s, d)
		}
		if again, err := housing.ParseCharge(d.StringFixed(2)); err != nil || !again.Equal(d) {
			t.Fatalf("ParseCharge(%q) = %s, but %q reads back as %s, %v", s, d, d.StringFixed(2), again, err)
		}
	})
}
