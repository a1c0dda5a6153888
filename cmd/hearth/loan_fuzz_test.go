package main

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// decimalText is what the loan commands read as a number: a sign, digits
// with at most one point; never an exponent.
var decimalText = regexp.MustCompile(`^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)$`)

// FuzzParseDecimal: a number given to a loan flag is refused with a message
// that names the command and the flag, or it was written without an
// exponent and reads back the same from its shortest string.
func FuzzParseDecimal(f *testing.F) {
	for _, s := range []string{
		"100000", "2500.50", "6", "4.25", "0", "-1", "-0", "+5", ".5", "5.", "1e3", "1E3", "1e-2", "1e9999", "1e10001", "--5",
		"12.345", "1,000", "1_000", "0x10", "NaN", "Inf", "lots", "", " 5", "5 ", "\x00", "5\x00", "\xff", "\r\n", "١٢٣",
		strings.Repeat("9", 1000), "0." + strings.Repeat("0", 990) + "1", strings.Repeat("9", 10000),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		// A flag's value is short. Long numbers only send the search into
		// math/big (decimal.NewFromString takes time quadratic in the digits,
		// six seconds for a million) and into minimizing what it finds there.
		if len(s) > 1000 {
			t.Skip()
		}
		d, err := parseDecimal("loan schedule", "principal", s)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "loan schedule: --principal ") {
				t.Fatalf("parseDecimal(%q): the message %q names neither command nor flag", s, err)
			}
			return
		}
		if !decimalText.MatchString(s) {
			t.Fatalf("parseDecimal(%q) accepted a form with an exponent or other text", s)
		}
		if again, err := parseDecimal("loan schedule", "principal", d.String()); err != nil || !again.Equal(d) {
			t.Fatalf("parseDecimal(%q) = %s, but %q reads back as %s, %v", s, d, d.String(), again, err)
		}
	})
}

// FuzzParseDate: a date given to a loan flag is refused with a message
// that names the command and the flag, or it is an existing day written
// exactly as YYYY-MM-DD, at midnight UTC.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{
		"2027-01-01", "2027-02-28", "2027-02-29", "2028-02-29", "2027-02-30", "2027-2-3", "01/01/2027", " 2027-01-01",
		"2027-01-01 ", "0000-01-01", "9999-12-31", "2027-13-01", "2027-01-01T00:00:00Z", "", "\x00", "2027-01-01\x00",
		"\xff", "\r\n", strings.Repeat("2027-01-01", 1000),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := parseDate("loan apr", "advance-date", s)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "loan apr: --advance-date ") {
				t.Fatalf("parseDate(%q): the message %q names neither command nor flag", s, err)
			}
			return
		}
		if got := d.Format(time.DateOnly); got != s {
			t.Fatalf("parseDate(%q) accepted a day it writes as %q", s, got)
		}
		if d.Location() != time.UTC || d.Hour() != 0 || d.Minute() != 0 || d.Second() != 0 || d.Nanosecond() != 0 {
			t.Fatalf("parseDate(%q) = %v, not midnight UTC", s, d)
		}
	})
}
