package web

import (
	"regexp"
	"strings"
	"testing"

	"hearth/app"
	"hearth/app/apptest"
)

// plainNumber is the written form formDecimal promises to accept: an
// optional minus sign, 1 to 15 digits, optionally a point and 1 to 12.
var plainNumber = regexp.MustCompile(`^-?[0-9]{1,15}(\.[0-9]{1,12})?$`)

// FuzzFormDecimal: a number of the equity forms and API is refused as
// unprocessable on its field, or it was written plainly (around spaces),
// without an exponent, and reads back the same from its shortest string.
func FuzzFormDecimal(f *testing.F) {
	for _, s := range []string{
		"1250.00", " 1250.00 ", "-40.5", "0", "-0", "6", "4.25", "0.000001", "999999999999999.999999999999",
		"9999999999999999", "1.0000000000001", "1e3", "1E3", "--5", "+5", ".5", "5.", "12.345", "1,250.00", "1_250",
		"0x10", "NaN", "Infinity", "", "\x00", "5\x00", "\xff", "\r\n", "5\r\n", "١٢٣", strings.Repeat("9", 10000),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := formDecimal("amount", s)
		if err != nil {
			e := apptest.CheckRefusal(t, err, app.KindUnprocessable, "invalid_number")
			if e.Field != "amount" {
				t.Fatalf("formDecimal(%q): error on field %q", s, e.Field)
			}
			return
		}
		if !plainNumber.MatchString(strings.TrimSpace(s)) {
			t.Fatalf("formDecimal(%q) accepted a form other than a plain decimal: %s", s, d)
		}
		if d.Exponent() < -12 || !d.Equal(d.Truncate(12)) {
			t.Fatalf("formDecimal(%q) = %s, more than 12 places", s, d)
		}
		if again, err := formDecimal("amount", d.String()); err != nil || !again.Equal(d) {
			t.Fatalf("formDecimal(%q) = %s, but %q reads back as %s, %v", s, d, d.String(), again, err)
		}
	})
}
