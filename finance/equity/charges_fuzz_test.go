package equity_test

import (
	"strings"
	"testing"
	"time"

	"hearth/app"
	"hearth/app/apptest"
	"hearth/finance/equity"
	"hearth/finance/equity/charges"
)

// FuzzParseMonth: a month is refused as unprocessable on the month field,
// or it is a month of 1900 to 2999 written as YYYY-MM (around spaces), and
// the result is its first day at midnight UTC.
func FuzzParseMonth(f *testing.F) {
	for _, s := range []string{
		"2027-01", " 2027-01 ", "2027-12", "2027-13", "2027-00", "2027-1", "27-01", "02027-01", "2027-01-01", "2027/01",
		"1899-12", "1900-01", "2999-12", "3000-01", "0000-01", "9999-12", "+2027-01", "-2027-01", "2027-02-30", "",
		"\x00", "2027-01\x00", "\xff", "\r\n", "2027-01\r\n", strings.Repeat("2027-01", 1000),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := charges.ParseMonth(s)
		if err != nil {
			e := apptest.CheckRefusal(t, err, app.KindUnprocessable, "invalid_month")
			if e.Field != "month" {
				t.Fatalf("ParseMonth(%q): error on field %q", s, e.Field)
			}
			return
		}
		if got := m.Format("2006-01"); got != strings.TrimSpace(s) {
			t.Fatalf("ParseMonth(%q) accepted a month it writes as %q", s, got)
		}
		if !m.Equal(equity.MonthOf(m)) || m.Location() != time.UTC {
			t.Fatalf("ParseMonth(%q) = %v, not the first of the month at midnight UTC", s, m)
		}
		if m.Year() < 1900 || m.Year() > 2999 {
			t.Fatalf("ParseMonth(%q) accepted year %d", s, m.Year())
		}
	})
}
