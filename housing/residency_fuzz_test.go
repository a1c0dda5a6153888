package housing_test

import (
	"strings"
	"testing"
	"time"

	"hearth/app"
	"hearth/app/apptest"
	"hearth/housing"
)

// FuzzParseDate: a date is refused as unprocessable on the named field, or
// it is an existing day between 1900 and 2999 written as YYYY-MM-DD
// (around spaces), at midnight UTC. PostgreSQL has no year 0, and the
// ledger, which the dates of residencies and moves reach, keeps 1900 to 2999.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{
		"2026-05-01", " 2026-05-01 ", "2027-02-28", "2027-02-29", "2028-02-29", "2027-02-30", "2027-04-31", "2027-2-3",
		"2027-02-3", "2027-13-01", "2027-00-10", "1899-12-31", "1900-01-01", "2999-12-31", "3000-01-01", "0000-01-01",
		"0001-01-01", "9999-12-31", "+2027-01-01", "2027-01-01T00:00:00Z", "2027-03-28", "2026-11-01", "", "\x00",
		"2027-01-01\x00", "\xff", "\r\n", "2027-01-01\r\n", strings.Repeat("2027-01-01", 1000),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := housing.ParseDate("starts_on", s)
		if err != nil {
			e := apptest.CheckRefusal(t, err, app.KindUnprocessable, "invalid_date")
			if e.Field != "starts_on" {
				t.Fatalf("ParseDate(%q): error on field %q", s, e.Field)
			}
			return
		}
		if got := d.Format(time.DateOnly); got != strings.TrimSpace(s) {
			t.Fatalf("ParseDate(%q) accepted a day it writes as %q", s, got)
		}
		if !d.Equal(housing.Date(d)) || d.Location() != time.UTC {
			t.Fatalf("ParseDate(%q) = %v, not midnight UTC", s, d)
		}
		if d.Year() < 1900 || d.Year() > 2999 {
			t.Fatalf("ParseDate(%q) accepted year %d", s, d.Year())
		}
	})
}
