package money_test

import (
	"regexp"
	"strings"
	"testing"

	"hearth/app"
	"hearth/app/apptest"
	"hearth/money"
)

// plainAmount is the written form Parse promises to accept: an optional
// minus sign, digits, optionally a point and digits; no exponent.
var plainAmount = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)

// FuzzParseAmount: an amount (a ledger posting's, a loan flag's) is refused
// as unprocessable, or it was written as a plain decimal, has no more
// places than its field takes (0 to MaxPlaces), stays below MaxAmount, and
// reads back the same when written with the field's places or as its
// shortest string.
func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{
		"0", "1250.00", "-1250.00", "100000", "2500.50", "6", "4.25", "-1", "-40.5", "5", "1.005", "0.001", "-0", "-0.00", "00012.50",
		"1e3", "1E3", "1e-2", "1e9999", "1e10001", "--5", "+5", "-", ".5", "5.", "1.2.3", "12.345", " 5", "5 ",
		"1,000.00", "1,000", "1_000", "0x10", "NaN", "Inf", "Infinity", "-Inf", "lots", "", "\x00", "5\x00", "\xff",
		"\r\n", "5\n", "١٢٣", "１２",
		"999999999999999.99", "999999999999999.999", "1000000000000000", "-999999999999999", "99999999999999999999",
		"999999999999999999999", "0.00000000000000000001", "0.000000000000000000001",
		strings.Repeat("9", 1000), "0." + strings.Repeat("0", 990) + "1",
		strings.Repeat("9", 10000), "1." + strings.Repeat("0", 10000),
	} {
		f.Add(s, uint8(2))
	}
	f.Add("1250", uint8(0))
	f.Add("1250.5", uint8(0))
	f.Add("1.2345", uint8(4))
	f.Add("1.234", uint8(3))
	f.Add("4.25", uint8(money.MaxPlaces))
	f.Add("0.00000000001", uint8(money.MaxPlaces))
	f.Fuzz(func(t *testing.T, s string, p uint8) {
		places := int32(p) % (money.MaxPlaces + 1)
		d, err := money.Parse(s, places)
		if err != nil {
			apptest.CheckRefusal(t, err, app.KindUnprocessable, "invalid_amount", "too_many_places", "amount_too_large")
			return
		}
		if !plainAmount.MatchString(s) {
			t.Fatalf("Parse(%q) accepted a form other than a plain decimal: %s", s, d)
		}
		if !d.Equal(d.Truncate(places)) {
			t.Fatalf("Parse(%q, %d) = %s, more than %d places", s, places, d, places)
		}
		if d.Abs().GreaterThanOrEqual(money.MaxAmount) {
			t.Fatalf("Parse(%q) = %s, not below %s", s, d, money.MaxAmount)
		}
		for _, w := range []string{d.StringFixed(places), d.String()} {
			again, err := money.Parse(w, places)
			if err != nil || !again.Equal(d) {
				t.Fatalf("Parse(%q) = %s, but %q reads back as %s, %v", s, d, w, again, err)
			}
		}
	})
}
