// Package day is Hearth's one calendar-day type: a date without a time or a
// zone, such as a move-in day, an entry's effective date or a month's first
// day. It has one parser, and "today" is always asked at a place: a site's
// zone decides what day it is there, never the server's.
package day

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"hearth/app"
)

// Layout is how a day is written everywhere: in JSON, forms, query
// parameters, CSV, SQL and on the command line.
const Layout = time.DateOnly

// Hearth's days lie in these years; anything else is a typo.
const firstYear, lastYear = 1900, 2999

// Day is a calendar date. The zero Day is no day at all (IsZero). Days
// compare with == and order with Before and After.
type Day struct {
	t time.Time // midnight UTC
}

// New returns the day of a year, month and day of the month; out-of-range
// values normalize as time.Date's do (January 32 is February 1).
func New(year int, month time.Month, dayOfMonth int) Day {
	return Day{time.Date(year, month, dayOfMonth, 0, 0, 0, 0, time.UTC)}
}

// Of returns the date of t in t's own location.
func Of(t time.Time) Day {
	y, m, d := t.Date()
	return New(y, m, d)
}

// Today returns today's date in loc: at a site, the site's zone.
func Today(loc *time.Location) Day { return Of(time.Now().In(loc)) }

// Parse reads a day written YYYY-MM-DD that exists (no 2027-02-30), with
// two-digit months and days (no 2027-2-3), between the years 1900 and 2999.
// Surrounding spaces are ignored. Errors: invalid_date (422).
func Parse(s string) (Day, error) {
	t, err := time.Parse(Layout, strings.TrimSpace(s))
	if err != nil || t.Year() < firstYear || t.Year() > lastYear {
		return Day{}, app.Unprocessable("invalid_date", "%q is not a date: write an existing date as YYYY-MM-DD, such as 2027-03-01.", shorten(s))
	}
	return Day{t}, nil
}

// ParseMonth reads a month written YYYY-MM and returns its first day.
// Errors: invalid_month (422).
func ParseMonth(s string) (Day, error) {
	t, err := time.Parse("2006-01", strings.TrimSpace(s))
	if err != nil || t.Year() < firstYear || t.Year() > lastYear {
		return Day{}, app.Unprocessable("invalid_month", "%q is not a month: write it as YYYY-MM, such as 2027-01.", shorten(s))
	}
	return Day{t}, nil
}

func shorten(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}

// IsZero reports whether d is no day.
func (d Day) IsZero() bool { return d.t.IsZero() }

// String writes the day as YYYY-MM-DD, and the zero Day as "".
func (d Day) String() string {
	if d.IsZero() {
		return ""
	}
	return d.t.Format(Layout)
}

// Time returns the day's midnight in UTC, the form in which dates travel
// inside Hearth's domain packages.
func (d Day) Time() time.Time { return d.t }

// In returns the moment the day starts in loc.
func (d Day) In(loc *time.Location) time.Time {
	y, m, dd := d.t.Date()
	return time.Date(y, m, dd, 0, 0, 0, 0, loc)
}

// Date returns the year, month and day of the month.
func (d Day) Date() (int, time.Month, int) { return d.t.Date() }

// Weekday returns the day of the week.
func (d Day) Weekday() time.Weekday { return d.t.Weekday() }

// AddDays returns the day n days later (earlier when n is negative).
func (d Day) AddDays(n int) Day { return Day{d.t.AddDate(0, 0, n)} }

// Month returns the first day of d's month.
func (d Day) Month() Day {
	y, m, _ := d.t.Date()
	return New(y, m, 1)
}

// AddMonths returns the first day of the month n months after d's.
func (d Day) AddMonths(n int) Day {
	y, m, _ := d.t.Date()
	return New(y, m+time.Month(n), 1)
}

// Before reports whether d is earlier than o.
func (d Day) Before(o Day) bool { return d.t.Before(o.t) }

// After reports whether d is later than o.
func (d Day) After(o Day) bool { return d.t.After(o.t) }

// DaysUntil returns the number of days from d to o (negative when o is
// earlier).
func (d Day) DaysUntil(o Day) int { return int(o.t.Sub(d.t).Hours() / 24) }

// MarshalText writes the day as YYYY-MM-DD.
func (d Day) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads a day with Parse; an empty text is the zero Day.
func (d *Day) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Day{}
		return nil
	}
	v, err := Parse(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// MarshalJSON writes the day as a JSON string, null for the zero Day.
func (d Day) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(d.String())
}

// UnmarshalJSON reads a JSON string with Parse; null is the zero Day.
func (d *Day) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = Day{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return app.Unprocessable("invalid_date", "A date is a string written YYYY-MM-DD, such as \"2027-03-01\".")
	}
	return d.UnmarshalText([]byte(s))
}

// Value passes the day to PostgreSQL as text, so that no time zone is read
// into it.
func (d Day) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.String(), nil
}

// Scan reads a date column.
func (d *Day) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Day{}
	case time.Time:
		*d = Of(v)
	case []byte:
		return d.scanText(string(v))
	case string:
		return d.scanText(v)
	default:
		return fmt.Errorf("day: cannot scan %T", src)
	}
	return nil
}

func (d *Day) scanText(s string) error {
	t, err := time.Parse(Layout, s)
	if err != nil {
		return fmt.Errorf("day: cannot scan %q: %w", s, err)
	}
	*d = Day{t}
	return nil
}
