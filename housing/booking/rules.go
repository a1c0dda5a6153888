package booking

import (
	"fmt"
	"strings"
	"time"

	"hearth/app"
)

// Limits that hold for every resource whatever its rules, so that no input
// can make an absurd booking.
const (
	// MaxLength is the longest booking of any resource.
	MaxLength = 31 * 24 * time.Hour
	// MaxAheadDays is how far ahead any booking may start.
	MaxAheadDays = 730
	// PastGrace lets a member book a slot that began a moment ago (the
	// laundry slot of 10:00 at 10:05); anything earlier is in the past.
	PastGrace = 15 * time.Minute
)

// checkTimes applies the rules that depend only on the requested times and
// the clock, in the site's zone, to a range that passed checkRange. The
// error's code names the rule broken: in_the_past, too_short, too_long,
// too_far_ahead, outside_opening_hours (all 422). horizon is false for
// allocations, which may reach past the booking horizon.
func (r *Resource) checkTimes(start, end, now time.Time, horizon bool) error {
	if start.Before(now.Add(-PastGrace)) {
		return app.Unprocessable("in_the_past", "That time has passed; choose a time from now on.").OnField("starts_at")
	}
	length := end.Sub(start)
	if r.MinMinutes > 0 && length < time.Duration(r.MinMinutes)*time.Minute {
		return app.Unprocessable("too_short", "%s must be booked for at least %s.", r.Subject(), minutesPhrase(r.MinMinutes)).OnField("ends_at")
	}
	if r.MaxMinutes > 0 && length > time.Duration(r.MaxMinutes)*time.Minute {
		return app.Unprocessable("too_long", "%s can be booked for at most %s at a time.", r.Subject(), minutesPhrase(r.MaxMinutes)).OnField("ends_at")
	}
	if last := nextDate(localDate(now, r.loc), MaxAheadDays+1); !start.Before(last) {
		return app.Unprocessable("too_far_ahead", "Bookings can be made at most two years ahead.").OnField("starts_at")
	}
	if horizon && r.HorizonDays > 0 {
		// Bookings open day by day: on the 1st with a 14-day horizon, any
		// time up to the end of the 15th can be booked.
		if last := nextDate(localDate(now, r.loc), r.HorizonDays+1); !start.Before(last) {
			return app.Unprocessable("too_far_ahead", "Bookings for %s open %d days ahead: you can book times starting up to %s.",
				r.subject(), r.HorizonDays, last.Add(-time.Minute).Format("Monday 2 January")).OnField("starts_at")
		}
	}
	return r.checkHours(start, end)
}

// checkHours requires every moment of [start, end) to fall inside the
// opening window of its local day. A booking may run past midnight only
// where one day's window ends at 24:00 and the next one's opens at 00:00.
func (r *Resource) checkHours(start, end time.Time) error {
	if len(r.Hours) == 0 {
		return nil
	}
	start, end = start.In(r.loc), end.In(r.loc)
	uniform := r.Hours.uniform()
	for day := localDate(start, r.loc); day.Before(end); day = nextDate(day, 1) {
		y, m, d := day.Date()
		h, open := r.Hours.On(day.Weekday())
		on := "" // name the weekday only when days differ
		if !uniform {
			on = " on " + plural(day.Weekday())
		}
		if !open {
			return app.Unprocessable("outside_opening_hours", "%s is closed on %s.", r.Subject(), plural(day.Weekday())).OnField("starts_at")
		}
		segStart, segEnd := later(start, day), earlier(end, nextDate(day, 1))
		if segStart.Before(h.Opens.On(y, m, d, r.loc)) {
			return app.Unprocessable("outside_opening_hours", "%s opens at %s%s.", r.Subject(), h.Opens, on).OnField("starts_at")
		}
		if segEnd.After(h.Closes.On(y, m, d, r.loc)) {
			return app.Unprocessable("outside_opening_hours", "%s closes at %s%s.", r.Subject(), closing(h.Closes), on).OnField("ends_at")
		}
	}
	return nil
}

// closing says 24:00 the way people do.
func closing(c Clock) string {
	if c == EndOfDay {
		return "midnight"
	}
	return c.String()
}

func plural(d time.Weekday) string { return d.String() + "s" }

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// minutesPhrase says a length the way people do: "90 minutes" is "1 hour 30
// minutes", whole days are days.
func minutesPhrase(min int) string {
	unit := func(n int, one string) string {
		if n == 1 {
			return "1 " + one
		}
		return fmt.Sprintf("%d %ss", n, one)
	}
	switch {
	case min >= 24*60 && min%(24*60) == 0:
		return unit(min/(24*60), "day")
	case min < 60:
		return unit(min, "minute")
	case min%60 == 0:
		return unit(min/60, "hour")
	}
	return unit(min/60, "hour") + " " + unit(min%60, "minute")
}

// Validate checks rules before they are stored. Errors (422, each on its
// field): invalid_hours, invalid_length, invalid_horizon, invalid_quota,
// invalid_buffer, invalid_audience.
func (r *Rules) Validate() error {
	seen := map[time.Weekday]bool{}
	for _, h := range r.Hours {
		if h.Weekday < time.Sunday || h.Weekday > time.Saturday {
			return app.Unprocessable("invalid_hours", "A weekday is monday to sunday.").OnField("hours")
		}
		if seen[h.Weekday] {
			return app.Unprocessable("invalid_hours", "Give one opening window per weekday; %s appears twice.", plural(h.Weekday)).OnField("hours")
		}
		seen[h.Weekday] = true
		if h.Opens < 0 || h.Closes > EndOfDay || h.Opens >= h.Closes {
			return app.Unprocessable("invalid_hours", "On %s the space must open before it closes (00:00 to 24:00).", plural(h.Weekday)).OnField("hours")
		}
	}
	const maxMinutes = int(MaxLength / time.Minute)
	switch {
	case r.MinMinutes < 0 || r.MinMinutes > maxMinutes:
		return app.Unprocessable("invalid_length", "The shortest booking is between 0 and %d minutes.", maxMinutes).OnField("min_minutes")
	case r.MaxMinutes < 0 || r.MaxMinutes > maxMinutes:
		return app.Unprocessable("invalid_length", "The longest booking is between 0 (no limit) and %d minutes.", maxMinutes).OnField("max_minutes")
	case r.MinMinutes > 0 && r.MaxMinutes > 0 && r.MinMinutes > r.MaxMinutes:
		return app.Unprocessable("invalid_length", "The shortest booking cannot be longer than the longest.").OnField("min_minutes")
	case r.HorizonDays < 0 || r.HorizonDays > MaxAheadDays:
		return app.Unprocessable("invalid_horizon", "Bookings open between 0 (no limit) and %d days ahead.", MaxAheadDays).OnField("horizon_days")
	case r.WeeklyQuotaBookings < 0 || r.WeeklyQuotaBookings > 1000:
		return app.Unprocessable("invalid_quota", "The weekly quota is between 0 (none) and 1000 bookings.").OnField("weekly_quota_bookings")
	case r.WeeklyQuotaMinutes < 0 || r.WeeklyQuotaMinutes > 7*24*60:
		return app.Unprocessable("invalid_quota", "The weekly quota is between 0 (none) and %d minutes.", 7*24*60).OnField("weekly_quota_minutes")
	case r.BufferMinutes < 0 || r.BufferMinutes > 24*60:
		return app.Unprocessable("invalid_buffer", "The buffer between bookings is between 0 and 1440 minutes.").OnField("buffer_minutes")
	}
	switch r.WhoMayBook {
	case "":
		r.WhoMayBook = Members
	case Residents, Members:
	default:
		return app.Unprocessable("invalid_audience", "Who may book is residents or members.").OnField("who_may_book")
	}
	return nil
}

// Summary describes the rules in a sentence or two for the booking page.
func (r *Resource) Summary() []string {
	var out []string
	if len(r.Hours) > 0 {
		out = append(out, "Open "+r.Hours.String()+".")
	}
	switch {
	case r.MinMinutes > 0 && r.MaxMinutes > 0:
		out = append(out, fmt.Sprintf("Bookings last from %s to %s.", minutesPhrase(r.MinMinutes), minutesPhrase(r.MaxMinutes)))
	case r.MinMinutes > 0:
		out = append(out, fmt.Sprintf("Bookings last at least %s.", minutesPhrase(r.MinMinutes)))
	case r.MaxMinutes > 0:
		out = append(out, fmt.Sprintf("Bookings last at most %s.", minutesPhrase(r.MaxMinutes)))
	}
	if r.HorizonDays > 0 {
		out = append(out, fmt.Sprintf("Bookings open %d days ahead.", r.HorizonDays))
	}
	if r.WeeklyQuotaBookings > 0 {
		out = append(out, fmt.Sprintf("Each member may book it %d times a week.", r.WeeklyQuotaBookings))
	}
	if r.WeeklyQuotaMinutes > 0 {
		out = append(out, fmt.Sprintf("Each member may book it for %s a week.", minutesPhrase(r.WeeklyQuotaMinutes)))
	}
	if r.BufferMinutes > 0 {
		out = append(out, fmt.Sprintf("Bookings are kept %s apart.", minutesPhrase(r.BufferMinutes)))
	}
	if r.ApprovalRequired {
		out = append(out, "A coordinator approves each booking.")
	}
	if r.WhoMayBook == Residents {
		out = append(out, fmt.Sprintf("Only residents of %s may book it.", r.SiteName))
	} else {
		out = append(out, "Any member of the cooperative may book it, also visitors from other sites.")
	}
	return out
}

// String says the opening hours the way a notice board does: "every day
// 08:00–22:00", or days with the same hours grouped, "Mon–Fri 08:00–18:00,
// Sat 10:00–16:00", closed days left out.
func (w WeekHours) String() string {
	if len(w) == 0 {
		return "around the clock"
	}
	if len(w) == 7 && w.uniform() {
		return fmt.Sprintf("every day %s–%s", w[0].Opens, w[0].Closes)
	}
	var parts []string
	for i := 0; i < 7; {
		d := time.Weekday((i + 1) % 7) // from Monday
		h, open := w.On(d)
		if !open {
			i++
			continue
		}
		j := i + 1
		for ; j < 7; j++ {
			n, ok := w.On(time.Weekday((j + 1) % 7))
			if !ok || n.Opens != h.Opens || n.Closes != h.Closes {
				break
			}
		}
		days := d.String()[:3]
		if j-i > 1 {
			days += "–" + time.Weekday(j % 7).String()[:3]
		}
		parts = append(parts, fmt.Sprintf("%s %s–%s", days, h.Opens, h.Closes))
		i = j
	}
	return strings.Join(parts, ", ")
}
