package web

import (
	"strings"
	"testing"
	"time"

	"hearth/app"
	"hearth/app/apptest"
)

var instantSeeds = []string{
	"2026-03-14T09:00:00+01:00", "2026-03-14T09:00:00Z", "2026-03-14T09:00:00.5Z", "2026-03-14T09:00:00.123456789-08:00",
	"2026-03-14T09:00:00 01:00", " 2026-03-14T09:00:00Z ", "2026-03-14T09:00:00", "2026-03-14T09:00Z", "2026-03-14 09:00:00Z",
	"2026-03-14t09:00:00z", "2026-03-14T24:00:00Z", "2026-03-14T23:59:60Z", "2026-03-14T09:00:00+24:00", "2026-03-14T09:00:00+23:59",
	"2026-03-14T09:00:00-00:00", "2026-03-14T09:00:00+0100", "2027-02-30T09:00:00Z", "2027-2-3T09:00:00Z", "0000-01-01T00:00:00Z",
	"9999-12-31T23:59:59Z", "2027-03-28T02:30:00+01:00", "2027-03-28T02:30:00+02:00", "2027-10-31T02:30:00+02:00",
	"2027-10-31T02:30:00+01:00", "2026-03-14", "2027-03-28", "2026-09-06", "1e3", "--5", "", "\x00", "2026-03-14T09:00:00Z\x00",
	"\xff", "\r\n", "2026-03-14T09:00:00Z\r\n", strings.Repeat("2026-03-14T09:00:00Z", 500),
}

// FuzzParseInstant: a time is refused as invalid (400) on its field, or it
// reads back as the same instant from its RFC 3339 form; with a site's zone,
// a date alone is that date's local midnight there.
func FuzzParseInstant(f *testing.F) {
	for _, s := range instantSeeds {
		f.Add(s, false)
		f.Add(s, true)
	}
	santiago, err := time.LoadLocation("America/Santiago") // skips a midnight in September
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, v string, withZone bool) {
		var loc *time.Location
		if withZone {
			loc = santiago
		}
		at, err := parseInstant("from", v, loc)
		if err != nil {
			e := apptest.CheckRefusal(t, err, app.KindInvalid, "invalid_time")
			if e.Field != "from" {
				t.Fatalf("parseInstant(%q): error on field %q", v, e.Field)
			}
			return
		}
		checkInstant(t, v, at)
		if withZone {
			if d, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(v), loc); err == nil && !at.Equal(d) {
				t.Fatalf("parseInstant(%q) = %v, not local midnight %v", v, at, d)
			}
		}
	})
}

// FuzzParseBookingRange: the start and end of a booking body (timeRange) are each
// refused as invalid on their own field, or read back as the same instants.
func FuzzParseBookingRange(f *testing.F) {
	for i, s := range instantSeeds {
		f.Add(s, instantSeeds[(i+1)%len(instantSeeds)])
	}
	f.Fuzz(func(t *testing.T, startsAt, endsAt string) {
		start, end, err := timeRange{StartsAt: startsAt, EndsAt: endsAt}.parse()
		if err != nil {
			e := apptest.CheckRefusal(t, err, app.KindInvalid, "invalid_time")
			_, serr := parseInstant("starts_at", startsAt, nil)
			if want := map[bool]string{true: "starts_at", false: "ends_at"}[serr != nil]; e.Field != want {
				t.Fatalf("timeRange{%q, %q}.parse(): error on field %q, want %q", startsAt, endsAt, e.Field, want)
			}
			return
		}
		checkInstant(t, startsAt, start)
		checkInstant(t, endsAt, end)
	})
}

// checkInstant fails t unless v, around spaces, is printable ASCII and at,
// read from it, reads back as the same instant from its RFC 3339 form in
// UTC. (In its own zone the form could lose seconds: a date alone before
// 1890 is local midnight in Santiago's mean time, 4h42m46s behind UTC, and
// RFC 3339 offsets have whole minutes.)
func checkInstant(t *testing.T, v string, at time.Time) {
	t.Helper()
	for _, r := range strings.TrimSpace(v) {
		if r < ' ' || r > '~' {
			t.Fatalf("%q reads as %v, though it holds %U", v, at, r)
		}
	}
	w := at.UTC().Format(time.RFC3339Nano)
	again, err := parseInstant("from", w, nil)
	if err != nil || !again.Equal(at) {
		t.Fatalf("%q reads as %v, but %q reads back as %v, %v", v, at, w, again, err)
	}
}
