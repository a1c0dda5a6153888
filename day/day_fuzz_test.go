package day_test

import (
	"strings"
	"testing"
	"time"

	"hearth/app"
	"hearth/app/apptest"
	"hearth/day"
)

// FuzzParse: a day is refused as invalid_date, or it is an existing day
// between 1900 and 2999 written as YYYY-MM-DD (around spaces), whose time
// is midnight UTC. PostgreSQL has no year 0, and nobody means one.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"2026-05-01", " 2026-05-01 ", "2027-02-28", "2027-02-29", "2028-02-29", "2027-02-30", "2027-04-31", "2027-2-3",
		"2027-02-3", "2027-13-01", "2027-00-10", "1899-12-31", "1900-01-01", "2999-12-31", "3000-01-01", "0000-01-01",
		"0001-01-01", "9999-12-31", "+2027-01-01", "2027-01-01T00:00:00Z", "2027-03-28", "2026-11-01", "", "\x00",
		"2027-01-01\x00", "\xff", "\r\n", "2027-01-01\r\n", strings.Repeat("2027-01-01", 1000),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := day.Parse(s)
		if err != nil {
			apptest.CheckRefusal(t, err, app.KindUnprocessable, "invalid_date")
			return
		}
		if got := d.String(); got != strings.TrimSpace(s) {
			t.Fatalf("Parse(%q) accepted a day it writes as %q", s, got)
		}
		if tm := d.Time(); tm.Location() != time.UTC || tm.Hour() != 0 || tm.Minute() != 0 || tm.Second() != 0 || tm.Nanosecond() != 0 {
			t.Fatalf("Parse(%q) = %v, not midnight UTC", s, tm)
		}
		if y, _, _ := d.Date(); y < 1900 || y > 2999 {
			t.Fatalf("Parse(%q) accepted year %d", s, y)
		}
	})
}
