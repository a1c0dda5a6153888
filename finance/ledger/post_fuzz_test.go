package ledger_test

import (
	"strings"
	"testing"
	"time"

	"hearth/app"
	"hearth/app/apptest"
	"hearth/finance/ledger"
)

// FuzzParseDate: a date is refused as unprocessable, or it is an existing
// day between 1900 and 2999 written exactly as YYYY-MM-DD, at midnight UTC.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{
		"2027-01-15", "2027-02-28", "2027-02-29", "2028-02-29", "2027-02-30", "2027-04-31", "2027-2-3", "2027-02-3",
		"27-02-03", "02027-02-03", "2027-13-01", "2027-00-10", "2027-01-00", "1899-12-31", "1900-01-01", "2999-12-31",
		"3000-01-01", "0000-01-01", "9999-12-31", "+2027-01-01", "-2027-01-01", " 2027-01-01", "2027-01-01 ",
		"2027-01-01T00:00:00Z", "2027/01/01", "2027-03-29", "2026-11-01", "\x00", "2027-01-01\x00", "\xff", "\r\n",
		"2027-01-01\r\n", "２０２７-01-01", "", strings.Repeat("2027-01-01", 1000),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ledger.ParseDate(s)
		if err != nil {
			apptest.CheckRefusal(t, err, app.KindUnprocessable, "invalid_date")
			return
		}
		if got := d.Format(ledger.DateLayout); got != s {
			t.Fatalf("ParseDate(%q) accepted a day it writes as %q", s, got)
		}
		if !d.Equal(ledger.Day(d)) || d.Location() != time.UTC {
			t.Fatalf("ParseDate(%q) = %v, not midnight UTC", s, d)
		}
		if d.Year() < 1900 || d.Year() > 2999 {
			t.Fatalf("ParseDate(%q) accepted year %d", s, d.Year())
		}
	})
}
