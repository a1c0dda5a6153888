package ledger_test

import (
	"regexp"
	"strings"
	"testing"

	"hearth/app"
	"hearth/app/apptest"
	"hearth/finance/ledger"
)

// plainAmount is the written form ParseAmount promises to accept: an
// optional minus sign, digits, optionally a point and digits; no exponent.
var plainAmount = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)

// FuzzParseAmount: an amount is refused as unprocessable, or it was written
// as a plain decimal, has no more places than the currency, stays below
// MaxAmount, and reads back the same when written with the currency's
// places or as its shortest string.
func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{
		"0", "1250.00", "-1250.00", "-40.5", "5", "1.005", "0.001", "-0", "-0.00", "00012.50",
		"1e3", "1E3", "1e-2", "--5", "+5", "-", ".5", "5.", "1.2.3", "12.345", " 5", "5 ", "1,000.00", "1_000",
		"0x10", "NaN", "Infinity", "-Inf", "\x00", "5\x00", "\xff", "\r\n", "5\n", "١٢٣", "１２",
		"999999999999999.99", "999999999999999.999", "1000000000000000", "-999999999999999", "99999999999999999999",
		"999999999999999999999", "0.00000000000000000001", "0.000000000000000000001",
		strings.Repeat("9", 10000), "1." + strings.Repeat("0", 10000),
	} {
		f.Add(s, uint8(2))
	}
	f.Add("1250", uint8(0))
	f.Add("1250.5", uint8(0))
	f.Add("1.2345", uint8(4))
	f.Add("1.234", uint8(3))
	f.Fuzz(func(t *testing.T, s string, p uint8) {
		places := int32(p % 5) // ISO 4217 currencies have 0 to 4 minor units
		d, err := ledger.ParseAmount(s, places)
		if err != nil {
			apptest.CheckRefusal(t, err, app.KindUnprocessable, "invalid_amount", "too_many_places", "amount_too_large")
			return
		}
		if !plainAmount.MatchString(s) {
			t.Fatalf("ParseAmount(%q) accepted a form other than a plain decimal: %s", s, d)
		}
		if !d.Equal(d.Truncate(places)) {
			t.Fatalf("ParseAmount(%q, %d) = %s, more than %d places", s, places, d, places)
		}
		if d.Abs().GreaterThanOrEqual(ledger.MaxAmount) {
			t.Fatalf("ParseAmount(%q) = %s, not below %s", s, d, ledger.MaxAmount)
		}
		for _, w := range []string{d.StringFixed(places), d.String()} {
			again, err := ledger.ParseAmount(w, places)
			if err != nil || !again.Equal(d) {
				t.Fatalf("ParseAmount(%q) = %s, but %q reads back as %s, %v", s, d, w, again, err)
			}
		}
	})
}
