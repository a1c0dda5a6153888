package booking_test

import (
	"strings"
	"testing"
	"time"

	"hearth/app"
	"hearth/app/apptest"
	"hearth/housing/booking"
)

// FuzzParseClock: a time of day is refused as unprocessable, or it is one
// of 00:00 to 24:00 written exactly as HH:MM (around spaces), and
// UnmarshalText reads it alike.
func FuzzParseClock(f *testing.F) {
	for _, s := range []string{
		"09:30", " 09:30 ", "00:00", "23:59", "24:00", "24:01", "25:00", "12:60", "9:30", "09:3", "0930", "09.30",
		"+1:00", "-0:00", "01:+5", "01: 5", " 1:05", "1 :05", "0x:10", "09:30:00", "", "\x00", "09:30\x00", "\xff",
		"\r\n", "09:30\r\n", "０９:３０", strings.Repeat("09:30", 1000),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := booking.ParseClock(s)
		var u booking.Clock
		uerr := u.UnmarshalText([]byte(s))
		if (err == nil) != (uerr == nil) || u != c {
			t.Fatalf("ParseClock(%q) = %v, %v but UnmarshalText gives %v, %v", s, c, err, u, uerr)
		}
		if err != nil {
			apptest.CheckRefusal(t, err, app.KindUnprocessable, "invalid_time")
			return
		}
		if c < 0 || c > booking.EndOfDay {
			t.Fatalf("ParseClock(%q) = %d minutes, outside the day", s, int(c))
		}
		if got := c.String(); got != strings.TrimSpace(s) {
			t.Fatalf("ParseClock(%q) accepted a time it writes as %q", s, got)
		}
	})
}

// FuzzParseWeekday: a weekday is refused as unprocessable, or it is the
// English name of the day in any ASCII case (around spaces).
func FuzzParseWeekday(f *testing.F) {
	for _, s := range []string{
		"monday", "Monday", "SUNDAY", " friday ", "saturday", "sun", "mon", "1", "0", "", "\x00", "monday\x00", "\xff",
		"\r\n", "tuesday\r\n", "ſunday", "thurſday", "\u212aonday", "mondays", strings.Repeat("monday", 1000),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		wd, err := booking.ParseWeekday(s)
		if err != nil {
			apptest.CheckRefusal(t, err, app.KindUnprocessable, "invalid_weekday")
			return
		}
		if wd < time.Sunday || wd > time.Saturday {
			t.Fatalf("ParseWeekday(%q) = %d, not a weekday", s, int(wd))
		}
		written := strings.TrimSpace(s)
		for i := 0; i < len(written); i++ {
			if written[i] >= 0x80 {
				t.Fatalf("ParseWeekday(%q) = %v from text that is not ASCII", s, wd)
			}
		}
		if !strings.EqualFold(written, wd.String()) {
			t.Fatalf("ParseWeekday(%q) = %v, not what was written", s, wd)
		}
	})
}

// zones are site time zones with daylight-saving changes of different
// kinds: an hour at 02:00 (Berlin, Los Angeles), at midnight (Santiago,
// Havana, so that a whole local midnight is skipped), half an hour (Lord
// Howe), none at all (UTC), and a whole skipped day in 2011 (Apia).
var zones = []string{"Europe/Berlin", "America/Los_Angeles", "America/Santiago", "America/Havana",
	"Australia/Lord_Howe", "UTC", "Pacific/Apia", "America/Halifax"}

// FuzzLocalTime: a local date and time is refused as unprocessable, or the
// instant returned shows exactly that date and that time of day on the
// wall clock of the zone.
func FuzzLocalTime(f *testing.F) {
	for _, c := range []struct {
		zone        uint8
		date, clock string
	}{
		{0, "2026-03-14", "09:30"},
		{0, "2027-03-28", "02:30"}, // skipped
		{0, "2027-03-28", "03:00"},
		{0, "2027-10-31", "02:30"}, // twice
		{1, "2027-03-14", "02:00"}, // skipped
		{1, "2027-11-07", "01:30"}, // twice
		{2, "2027-09-05", "00:00"}, // skipped midnight
		{2, "2027-04-04", "23:30"},
		{3, "2027-03-14", "00:30"}, // skipped midnight
		{4, "2027-10-03", "02:15"}, // skipped half hour
		{4, "2027-04-04", "01:45"}, // twice
		{5, "2027-02-30", "10:00"},
		{5, "2027-2-3", "10:00"},
		{5, "2027-02-03", "24:00"},
		{5, "2027-02-03", "+1:00"},
		{6, "2011-12-30", "12:00"}, // a day Samoa skipped
		{6, "2011-12-29", "23:59"},
		{7, "0000-01-01", "00:00"},
		{7, "9999-12-31", "23:59"},
		{0, "2027-01-01\x00", "10:00"},
		{0, "\xff", "\r\n"},
	} {
		f.Add(c.zone, c.date, c.clock)
	}
	f.Fuzz(func(t *testing.T, zone uint8, date, clock string) {
		loc, err := booking.Location(zones[int(zone)%len(zones)])
		if err != nil {
			t.Fatal(err)
		}
		at, err := booking.LocalTime(loc, date, clock)
		if err != nil {
			apptest.CheckRefusal(t, err, app.KindUnprocessable, "invalid_date", "invalid_time", "nonexistent_local_time")
			return
		}
		wall := at.In(loc)
		if got := wall.Format("2006-01-02"); got != strings.TrimSpace(date) {
			t.Fatalf("LocalTime(%s, %q, %q) = %v, on %s", loc, date, clock, wall, got)
		}
		if got := wall.Format("15:04"); got != strings.TrimSpace(clock) {
			t.Fatalf("LocalTime(%s, %q, %q) = %v, at %s", loc, date, clock, wall, got)
		}
		if at.Second() != 0 || at.Nanosecond() != 0 {
			t.Fatalf("LocalTime(%s, %q, %q) = %v, not a whole minute", loc, date, clock, wall)
		}
	})
}
