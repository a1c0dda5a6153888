package booking

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"hearth/app"
	"hearth/day"
)

// zones caches loaded time zones: time.LoadLocation reads the zone database
// from disk on every call, and every booking needs its site's zone.
var zones sync.Map // IANA name → *time.Location

// Location returns the IANA time zone of a site. Errors: unknown_timezone (422).
func Location(name string) (*time.Location, error) {
	if loc, ok := zones.Load(name); ok {
		return loc.(*time.Location), nil
	}
	// "Local" and "" would silently mean the server's zone, which is never a site's.
	if name == "" || name == "Local" {
		return nil, app.Unprocessable("unknown_timezone", "%q is not an IANA time zone such as Europe/Berlin.", name)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, app.Unprocessable("unknown_timezone", "%q is not an IANA time zone such as Europe/Berlin.", name)
	}
	zones.Store(name, loc)
	return loc, nil
}

// LocalTime returns the instant at which the wall clock in loc shows date
// (YYYY-MM-DD) and clock (HH:MM). Errors (422): invalid_date, invalid_time,
// nonexistent_local_time when a daylight-saving change skips that clock time
// (or a change of zone skips the whole day, as Samoa's did on 2011-12-30).
func LocalTime(loc *time.Location, date, clock string) (time.Time, error) {
	dd, err := day.Parse(date)
	if err != nil {
		return time.Time{}, err
	}
	d := dd.Time()
	c, err := ParseClock(clock)
	if err != nil || c == EndOfDay {
		return time.Time{}, app.Unprocessable("invalid_time", "Give a time of day like 09:30.")
	}
	t := c.On(d.Year(), d.Month(), d.Day(), loc)
	if y, m, day := t.Date(); y != d.Year() || m != d.Month() || day != d.Day() ||
		t.Hour() != int(c)/60 || t.Minute() != int(c)%60 {
		return time.Time{}, app.Unprocessable("nonexistent_local_time",
			"%s does not exist on %s in %s: the clocks skip it for daylight saving time.", c, d.Format("2 January"), loc)
	}
	return t, nil
}

// Clock is a time of day in minutes after local midnight. EndOfDay (24:00)
// is the midnight that ends a day, so that "open until midnight" can be said.
type Clock int

// EndOfDay is 24:00.
const EndOfDay Clock = 24 * 60

// ParseClock reads "HH:MM" (00:00 to 24:00), two digits each. Errors:
// invalid_time (422).
func ParseClock(s string) (Clock, error) {
	s = strings.TrimSpace(s)
	if len(s) != 5 || s[2] != ':' || !isDigit(s[0]) || !isDigit(s[1]) || !isDigit(s[3]) || !isDigit(s[4]) {
		return 0, app.Unprocessable("invalid_time", "Give a time of day like 09:30.")
	}
	h, m := int(s[0]-'0')*10+int(s[1]-'0'), int(s[3]-'0')*10+int(s[4]-'0')
	if h > 24 || m > 59 || (h == 24 && m != 0) {
		return 0, app.Unprocessable("invalid_time", "Give a time of day like 09:30.")
	}
	return Clock(h*60 + m), nil
}

func isDigit(b byte) bool { return '0' <= b && b <= '9' }

// String gives "08:00".
func (c Clock) String() string { return fmt.Sprintf("%02d:%02d", int(c)/60, int(c)%60) }

// On returns the instant of the clock on a local date; 24:00 is the next midnight.
func (c Clock) On(year int, month time.Month, day int, loc *time.Location) time.Time {
	return time.Date(year, month, day, int(c)/60, int(c)%60, 0, 0, loc)
}

// MarshalText gives "HH:MM".
func (c Clock) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText reads "HH:MM".
func (c *Clock) UnmarshalText(b []byte) error {
	v, err := ParseClock(string(b))
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// weekdayNames are the lower-case English names used in JSON and forms.
var weekdayNames = [7]string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"}

// ParseWeekday reads a weekday's English name in any case. Errors:
// invalid_weekday (422).
func ParseWeekday(s string) (time.Weekday, error) {
	name := strings.TrimSpace(s)
	for i, n := range weekdayNames {
		// The same length in bytes keeps the name ASCII: strings.EqualFold
		// alone also takes the long s (ſ, U+017F) for an s.
		if len(name) == len(n) && strings.EqualFold(name, n) {
			return time.Weekday(i), nil
		}
	}
	return 0, app.Unprocessable("invalid_weekday", "%q is not a weekday; use monday to sunday.", s)
}

// Hours is the opening window of one weekday, in the site's zone.
type Hours struct {
	Weekday time.Weekday
	Opens   Clock
	Closes  Clock
}

type hoursJSON struct {
	Weekday string `json:"weekday"`
	Opens   Clock  `json:"opens"`
	Closes  Clock  `json:"closes"`
}

// MarshalJSON gives {"weekday":"monday","opens":"08:00","closes":"22:00"}.
func (h Hours) MarshalJSON() ([]byte, error) {
	return json.Marshal(hoursJSON{weekdayNames[h.Weekday], h.Opens, h.Closes})
}

// UnmarshalJSON reads {"weekday":"monday","opens":"08:00","closes":"22:00"}.
func (h *Hours) UnmarshalJSON(b []byte) error {
	var v hoursJSON
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	wd, err := ParseWeekday(v.Weekday)
	if err != nil {
		return err
	}
	*h = Hours{Weekday: wd, Opens: v.Opens, Closes: v.Closes}
	return nil
}

// WeekHours is a resource's opening hours, at most one window per weekday.
// Empty means open around the clock.
type WeekHours []Hours

// Scan reads the JSON array that the resource queries aggregate from
// resource_hours ([{"weekday":1,"opens":480,"closes":1320}, ...]).
func (w *WeekHours) Scan(src any) error {
	var b []byte
	switch v := src.(type) {
	case []byte:
		b = v
	case string:
		b = []byte(v)
	case nil:
		*w = nil
		return nil
	default:
		return fmt.Errorf("booking: cannot scan %T into opening hours", src)
	}
	var rows []struct{ Weekday, Opens, Closes int }
	if err := json.Unmarshal(b, &rows); err != nil {
		return fmt.Errorf("booking: opening hours: %w", err)
	}
	out := make(WeekHours, 0, len(rows))
	for _, r := range rows {
		out = append(out, Hours{Weekday: time.Weekday(r.Weekday), Opens: Clock(r.Opens), Closes: Clock(r.Closes)})
	}
	*w = out
	return nil
}

// On returns the window of a weekday; ok is false when the resource is
// closed that day. A resource without hours is open all day every day.
func (w WeekHours) On(d time.Weekday) (h Hours, ok bool) {
	if len(w) == 0 {
		return Hours{Weekday: d, Opens: 0, Closes: EndOfDay}, true
	}
	for _, h := range w {
		if h.Weekday == d {
			return h, true
		}
	}
	return Hours{}, false
}

// uniform reports whether every open day has the same window, so that
// messages need not name the weekday.
func (w WeekHours) uniform() bool {
	for _, h := range w {
		if h.Opens != w[0].Opens || h.Closes != w[0].Closes {
			return false
		}
	}
	return true
}

// HourRange returns the hours of the day a day's grid of the resource
// shows: from the earliest opening to the latest closing, or the whole day
// for a resource always open.
func (w WeekHours) HourRange() (first, last int) {
	if len(w) == 0 {
		return 0, 24
	}
	first, last = 24, 0
	for _, h := range w {
		first = min(first, int(h.Opens)/60)
		last = max(last, (int(h.Closes)+59)/60)
	}
	return first, last
}

// localDate returns the local midnight that starts t's day in loc.
func localDate(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}

// nextDate returns the local midnight of the day after the day of midnight.
// It steps by calendar date, not by 24 hours, so that DST days of 23 or 25
// hours are whole days.
func nextDate(midnight time.Time, days int) time.Time {
	y, m, d := midnight.Date()
	return time.Date(y, m, d+days, 0, 0, 0, 0, midnight.Location())
}

// weekStart returns the local Monday midnight that starts t's week: weekly
// quotas count bookings by the week in which they start, Monday to Sunday.
func weekStart(t time.Time, loc *time.Location) time.Time {
	day := localDate(t, loc)
	back := (int(day.Weekday()) + 6) % 7 // days since Monday
	return nextDate(day, -back)
}
