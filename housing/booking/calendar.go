package booking

import (
	"context"
	"fmt"
	"time"

	"hearth/app"
	"hearth/day"
)

// MaxWindow is the longest stretch of time one calendar query covers.
const MaxWindow = 366 * 24 * time.Hour

// Interval is a stretch of time [StartsAt, EndsAt).
type Interval struct {
	StartsAt time.Time `db:"starts_at"`
	EndsAt   time.Time `db:"ends_at"`
}

// Period returns the stretch of time a calendar of the resource shows, in
// its site's zone: the month of month when given (with no week either, the
// current month for a guest room, which is booked by the night); else the
// week, Monday to Sunday, of the day week, or of today when it is zero.
func (r *Resource) Period(week, month day.Day, now time.Time) (from, to time.Time, isMonth bool) {
	if !month.IsZero() || (week.IsZero() && r.Kind == GuestRoom) {
		if month.IsZero() {
			month = day.Of(now.In(r.loc)).Month()
		}
		from = month.In(r.loc)
		return from, from.AddDate(0, 1, 0), true
	}
	t := now
	if !week.IsZero() {
		t = week.In(r.loc)
	}
	from = weekStart(t, r.loc)
	return from, nextDate(from, 7), false
}

// FreeIn returns how much of span the free time (as FreeTime returns it:
// sorted, apart) covers, and where the first free stretch in span begins
// (span's start when there is none), for a calendar's cell of span.
func FreeIn(free []Interval, span Interval) (covered time.Duration, first time.Time) {
	first = span.StartsAt
	for i, f := range intersect(free, []Interval{span}) {
		if i == 0 {
			first = f.StartsAt
		}
		covered += f.EndsAt.Sub(f.StartsAt)
	}
	return covered, first
}

// checkWindow refuses calendar windows that are empty or too long:
// ends_before_starts, window_too_long (422).
func checkWindow(from, to time.Time) error {
	if !to.After(from) {
		return app.Unprocessable("ends_before_starts", "The end of the period must come after its start.").OnField("to")
	}
	if to.Sub(from) > MaxWindow {
		return app.Unprocessable("window_too_long", "Ask for at most a year at a time.").OnField("to")
	}
	return nil
}

// Bookings lists the active bookings of a resource that overlap [from, to),
// in time order, with times in the site's zone. Errors: ends_before_starts,
// window_too_long (422).
func (s *Service) Bookings(ctx context.Context, r *Resource, from, to time.Time) ([]Booking, error) {
	if err := checkWindow(from, to); err != nil {
		return nil, err
	}
	if err := s.settleOffers(ctx); err != nil {
		return nil, err
	}
	// blocks contains during, so the first condition lets the exclusion
	// constraint's index find the rows; the second keeps the exact ones.
	return selectBookings(ctx, s.DB, bookingSelect+`
		WHERE b.site_id = $1 AND b.resource_id = $2 AND b.`+activeStatuses+`
		  AND b.blocks && tstzrange($3, $4, '[)') AND b.during && tstzrange($3, $4, '[)')
		ORDER BY lower(b.during), b.id`, r.SiteID, r.ID, from, to)
}

// FreeTime returns the stretches of [from, to) in which a booking of the
// resource could start and end: not in the past, within the booking horizon
// and the opening hours, outside blackouts, the slots of undrawn lotteries
// and other bookings with their buffers (a booking must end a buffer before
// the next one starts), and at least the minimum length long. Times are in the site's zone. Errors:
// those of Bookings.
func (s *Service) FreeTime(ctx context.Context, r *Resource, from, to time.Time) ([]Interval, error) {
	if err := checkWindow(from, to); err != nil {
		return nil, err
	}
	now := s.now()
	for attempt := 0; ; attempt++ {
		var rows []struct {
			Kind string `db:"kind"`
			Interval
		}
		if err := s.selectDB(ctx, &rows, freeTimeQuery, r.SiteID, r.ID, from, to.Add(r.Buffer()), to, now); err != nil {
			return nil, fmt.Errorf("booking: unable to read busy time: %w", err)
		}
		var busy, closed []Interval
		lapsed := false
		for _, row := range rows {
			switch row.Kind {
			case "busy":
				busy = append(busy, row.Interval)
			case "held":
				// A lottery's slot will be booked, buffer and all.
				busy = append(busy, Interval{row.StartsAt, row.EndsAt.Add(r.Buffer())})
			case "closed":
				closed = append(closed, row.Interval)
			default:
				lapsed = true
			}
		}
		if !lapsed || attempt > 0 {
			return r.free(from, to, now, busy, closed), nil
		}
		// An expired offer still holds time: let it lapse, pass the time to
		// the waitlist, and look again.
		if err := s.settleResource(ctx, r.ID, now); err != nil {
			return nil, err
		}
	}
}

// freeTimeQuery reads, in one round trip, the blocked ranges of the active
// bookings, the blackouts, the slots held by undrawn lotteries, and whether
// an expired offer is due to lapse (kind "lapsed", ordered last). $4 is the
// end of the period plus the buffer and $5 the end, so $4 - $5 is the
// buffer, which a slot keeps free on both sides.
const freeTimeQuery = `
	SELECT 'busy' AS kind, lower(blocks) AS starts_at, upper(blocks) AS ends_at FROM bookings
	WHERE site_id = $1 AND resource_id = $2 AND ` + activeStatuses + ` AND blocks && tstzrange($3, $4, '[)')
	UNION ALL
	SELECT 'closed', lower(k.during), upper(k.during) FROM blackouts_over($1, $2, tstzrange($3, $5, '[)')) k
	UNION ALL
	SELECT 'held', lower(ls.during), upper(ls.during)
	FROM lottery_windows lw JOIN lottery_slots ls ON ls.site_id = lw.site_id AND ls.window_id = lw.id
	WHERE lw.site_id = $1 AND lw.resource_id = $2 AND lw.status = 'open'
	  AND ls.during && tstzrange($3::timestamptz - ($4::timestamptz - $5::timestamptz), $4, '[)')
	UNION ALL
	SELECT 'lapsed', $6::timestamptz, $6::timestamptz
	WHERE EXISTS (SELECT FROM offers_to_lapse($1, $2, $6))
	ORDER BY kind, starts_at`

// free computes FreeTime from the busy (blocked) ranges and blackouts.
func (r *Resource) free(from, to, now time.Time, busy, closed []Interval) []Interval {
	// Bookable from the current minute on, and only until the horizon.
	if earliest := now.Truncate(time.Minute); from.Before(earliest) {
		from = earliest
	}
	days := MaxAheadDays
	if r.HorizonDays > 0 {
		days = r.HorizonDays
	}
	if last := nextDate(localDate(now, r.loc), days+1); to.After(last) {
		to = last
	}
	if !to.After(from) {
		return nil
	}
	// A booking [s, e) fits iff [s, e+buffer) misses every blocked range,
	// that is iff [s, e) misses every blocked range moved a buffer earlier.
	blocked := make([]Interval, len(busy))
	for i, b := range busy {
		blocked[i] = Interval{b.StartsAt.Add(-r.Buffer()), b.EndsAt}
	}
	gaps := subtract([]Interval{{from, to}}, merge(blocked))
	free := subtract(intersect(gaps, r.openIn(from, to)), merge(closed))
	out := free[:0]
	for _, f := range free {
		if f.EndsAt.Sub(f.StartsAt) >= max(time.Minute, time.Duration(r.MinMinutes)*time.Minute) {
			out = append(out, Interval{f.StartsAt.In(r.loc), f.EndsAt.In(r.loc)})
		}
	}
	return out
}

// openIn returns the opening windows of the resource within [from, to),
// merged where one day's window runs into the next day's.
func (r *Resource) openIn(from, to time.Time) []Interval {
	var open []Interval
	for day := localDate(from, r.loc); day.Before(to); day = nextDate(day, 1) {
		h, ok := r.Hours.On(day.Weekday())
		if !ok {
			continue
		}
		y, m, d := day.Date()
		open = append(open, Interval{h.Opens.On(y, m, d, r.loc), h.Closes.On(y, m, d, r.loc)})
	}
	return intersect(merge(open), []Interval{{from, to}})
}

// merge joins overlapping or touching spans of a list sorted by start.
func merge(in []Interval) []Interval {
	var out []Interval
	for _, s := range in {
		if !s.EndsAt.After(s.StartsAt) {
			continue
		}
		if n := len(out); n > 0 && !s.StartsAt.After(out[n-1].EndsAt) {
			if s.EndsAt.After(out[n-1].EndsAt) {
				out[n-1].EndsAt = s.EndsAt
			}
			continue
		}
		out = append(out, s)
	}
	return out
}

// intersect returns the time in both of two sorted, disjoint Interval lists.
func intersect(a, b []Interval) []Interval {
	var out []Interval
	for i, j := 0, 0; i < len(a) && j < len(b); {
		s, e := later(a[i].StartsAt, b[j].StartsAt), earlier(a[i].EndsAt, b[j].EndsAt)
		if e.After(s) {
			out = append(out, Interval{s, e})
		}
		if a[i].EndsAt.Before(b[j].EndsAt) {
			i++
		} else {
			j++
		}
	}
	return out
}

// subtract returns the time of a (sorted, disjoint) not covered by b
// (sorted, disjoint).
func subtract(a, b []Interval) []Interval {
	var out []Interval
	j := 0
	for _, s := range a {
		cur := s.StartsAt
		for j < len(b) && !b[j].EndsAt.After(cur) {
			j++
		}
		for k := j; k < len(b) && b[k].StartsAt.Before(s.EndsAt); k++ {
			if b[k].StartsAt.After(cur) {
				out = append(out, Interval{cur, b[k].StartsAt})
			}
			cur = later(cur, b[k].EndsAt)
		}
		if s.EndsAt.After(cur) {
			out = append(out, Interval{cur, s.EndsAt})
		}
	}
	return out
}
