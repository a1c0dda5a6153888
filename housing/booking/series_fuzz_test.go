package booking

import (
	"strings"
	"testing"
	"time"

	"hearth/app"
	"hearth/app/apptest"
)

// seriesZones are site time zones with daylight-saving changes at 02:00, at
// midnight and by half an hour, and none.
var seriesZones = []string{"Europe/Berlin", "America/Los_Angeles", "America/Santiago", "Australia/Lord_Howe", "UTC"}

// FuzzOccurrences expands a recurring booking's RRULE from a first
// occurrence within the two years ahead. Every rule is refused as
// unprocessable on the rrule field, or yields 1 to MaxOccurrences
// occurrences in time order, each ending after it starts, none before the
// first booking nor beyond the two-year limit, each keeping the first
// booking's wall-clock start and end, days apart as the first's are. No
// rule may run on for 20 seconds: one that does is a finding.
func FuzzOccurrences(f *testing.F) {
	for _, rule := range []string{
		"FREQ=WEEKLY;COUNT=10", "RRULE:FREQ=WEEKLY;COUNT=10", " FREQ=DAILY;COUNT=3 ", "FREQ=WEEKLY;UNTIL=20261231T235959Z",
		"FREQ=WEEKLY;BYDAY=MO,WE,FR;COUNT=30", "FREQ=MONTHLY;BYMONTHDAY=31;COUNT=12", "FREQ=MONTHLY;BYDAY=-1FR;COUNT=12",
		"FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;COUNT=2", "FREQ=WEEKLY;INTERVAL=2;COUNT=5", "FREQ=DAILY;COUNT=200",
		"FREQ=DAILY;COUNT=201", "FREQ=DAILY;COUNT=0", "FREQ=DAILY;COUNT=-1", "FREQ=DAILY", "FREQ=DAILY;UNTIL=20290101T000000Z",
		"FREQ=WEEKLY;UNTIL=20200101T000000Z", "FREQ=HOURLY;COUNT=5", "FREQ=MINUTELY;COUNT=5", "FREQ=SECONDLY;COUNT=5",
		"DTSTART:20260301T090000Z\nRRULE:FREQ=DAILY;COUNT=2", "FREQ=DAILY;COUNT=2;DTSTART=20260301T090000Z",
		"FREQ=DAILY;COUNT=2\r\n", "FREQ=DAILY;COUNT=2\x00", "FREQ=DAILY;COUNT=\xff", "", "RRULE:", "FREQ=", "COUNT=5",
		"FREQ=DAILY;COUNT=5;INTERVAL=0", "FREQ=DAILY;COUNT=5;INTERVAL=2147483647", "FREQ=DAILY;COUNT=5;INTERVAL=-1",
		"FREQ=DAILY;COUNT=1;BYMONTH=2;BYMONTHDAY=30", "FREQ=DAILY;UNTIL=99991231T000000Z;BYMONTH=2;BYMONTHDAY=30",
		"FREQ=DAILY;COUNT=5;BYSETPOS=366", "FREQ=YEARLY;COUNT=5;BYWEEKNO=53;BYDAY=MO", "FREQ=YEARLY;COUNT=3;BYYEARDAY=-366",
		"FREQ=MONTHLY;COUNT=3;BYDAY=+6MO", "FREQ=MONTHLY;COUNT=3;BYDAY=-6MO", "FREQ=MONTHLY;COUNT=3;BYDAY=+53MO",
		"FREQ=YEARLY;COUNT=3;BYMONTH=1;BYDAY=-53MO", "FREQ=YEARLY;COUNT=3;BYDAY=+53MO", "FREQ=YEARLY;COUNT=3;BYDAY=-53SU",
		"FREQ=YEARLY;COUNT=3;BYEASTER=0", "FREQ=YEARLY;COUNT=3;BYEASTER=-9999", "FREQ=DAILY;COUNT=3;BYHOUR=2;BYMINUTE=30", "FREQ=DAILY;COUNT=3;BYHOUR=5",
		"FREQ=DAILY;COUNT=3;BYSECOND=30", "FREQ=DAILY;COUNT=4;BYHOUR=2,3;BYMINUTE=10,5",
		"FREQ=WEEKLY;COUNT=3;WKST=SU;BYDAY=SU,SA", "freq=weekly;count=3",
		"FREQ=WEEKLY;COUNT=3;X-NAME=1", "FREQ=WEEKLY;COUNT=3;COUNT=4", "FREQ=WEEKLY;COUNT=99999999999999999999",
		"FREQ=DAILY;COUNT=1;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23;BYMINUTE=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14;BYSETPOS=366",
		"FREQ=DAILY;COUNT=10;" + strings.Repeat("BYMONTH=1;", 50),
	} {
		f.Add(rule, uint8(0), uint32(60*24*27+9*60), uint32(60)) // Berlin, 28 March 2026 09:00, an hour
	}
	f.Add("FREQ=DAILY;COUNT=7", uint8(0), uint32(60*24*26+14*60+30), uint32(60))  // 02:30 on the days around 29 March
	f.Add("FREQ=WEEKLY;COUNT=4", uint8(1), uint32(60*24*7+2*60+30), uint32(30))   // Los Angeles, 02:30 from 8 March
	f.Add("FREQ=DAILY;COUNT=10", uint8(2), uint32(60*24*35), uint32(60*24*2))     // Santiago, from midnight, two days
	f.Add("FREQ=WEEKLY;COUNT=9", uint8(3), uint32(60*24*210+2*60+15), uint32(45)) // Lord Howe, October's half hour
	f.Add("FREQ=MONTHLY;COUNT=24", uint8(4), uint32(60*24*729), uint32(60*24*31))
	f.Fuzz(func(t *testing.T, text string, zone uint8, startMinutes, lengthMinutes uint32) {
		loc, err := Location(seriesZones[int(zone)%len(seriesZones)])
		if err != nil {
			t.Fatal(err)
		}
		now := time.Date(2026, 3, 1, 11, 0, 0, 0, time.UTC)
		start := now.Add(time.Duration(startMinutes%(MaxAheadDays*24*60)) * time.Minute)
		length := time.Duration(1+lengthMinutes%uint32(MaxLength/time.Minute)) * time.Minute
		end := start.Add(length)

		type result struct {
			rule  string
			times []Interval
			err   error
		}
		done := make(chan result, 1)
		go func() {
			rule, times, err := occurrences(text, start, end, loc, now)
			done <- result{rule, times, err}
		}()
		var r result
		select {
		case r = <-done:
		case <-time.After(20 * time.Second): // the slowest rule known takes 0.2s, 3s under -race
			t.Fatalf("occurrences(%q) from %v runs on for more than 20s", text, start.In(loc))
		}

		if r.err != nil {
			e := apptest.CheckRefusal(t, r.err, app.KindUnprocessable, "rrule_invalid", "rrule_unbounded", "rrule_too_many", "rrule_too_long")
			if e.Field != "rrule" {
				t.Fatalf("occurrences(%q): error on field %q", text, e.Field)
			}
			return
		}
		if want := strings.TrimPrefix(strings.TrimSpace(text), "RRULE:"); r.rule != want {
			t.Fatalf("occurrences(%q) stores the rule as %q", text, r.rule)
		}
		if n := len(r.times); n < 1 || n > MaxOccurrences {
			t.Fatalf("occurrences(%q) = %d occurrences", text, n)
		}
		limit := nextDate(localDate(now, loc), MaxAheadDays+1)
		first, last := start.In(loc), end.In(loc)
		// The calendar days from the first booking's start to its end.
		days := int(utcDay(last).Sub(utcDay(first)) / (24 * time.Hour))
		for i, o := range r.times {
			switch {
			case o.StartsAt.Before(start):
				t.Fatalf("occurrences(%q): occurrence %d at %v, before the first booking at %v", text, i, o.StartsAt.In(loc), first)
			case i > 0 && !o.StartsAt.After(r.times[i-1].StartsAt):
				t.Fatalf("occurrences(%q): occurrence %d at %v, not after the one before", text, i, o.StartsAt.In(loc))
			case !o.StartsAt.Before(limit):
				t.Fatalf("occurrences(%q): occurrence %d at %v, beyond the limit %v", text, i, o.StartsAt.In(loc), limit)
			case !o.EndsAt.After(o.StartsAt):
				t.Fatalf("occurrences(%q): occurrence %d from %v to %v", text, i, o.StartsAt.In(loc), o.EndsAt.In(loc))
			}
			y, m, d := o.StartsAt.In(loc).Date()
			if want := time.Date(y, m, d, first.Hour(), first.Minute(), first.Second(), 0, loc); !o.StartsAt.Equal(want) {
				t.Fatalf("occurrences(%q): occurrence %d at %v, not at the first booking's %s", text, i, o.StartsAt.In(loc), first.Format("15:04"))
			}
			wantEnd := time.Date(y, m, d+days, last.Hour(), last.Minute(), 0, 0, loc)
			if !wantEnd.After(o.StartsAt) { // the end's clock time skipped
				wantEnd = o.StartsAt.Add(length)
			}
			if !o.EndsAt.Equal(wantEnd) {
				t.Fatalf("occurrences(%q): occurrence %d from %v ends at %v, not at the first booking's %s", text, i, o.StartsAt.In(loc), o.EndsAt.In(loc), last.Format("15:04"))
			}
			// The first booking and this one may each span a change of an hour.
			if got := o.EndsAt.Sub(o.StartsAt); got < length-2*time.Hour || got > length+2*time.Hour {
				t.Fatalf("occurrences(%q): occurrence %d from %v lasts %v, the first booking %v", text, i, o.StartsAt.In(loc), got, length)
			}
		}
	})
}

// utcDay returns the calendar date of t at midnight UTC.
func utcDay(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}
