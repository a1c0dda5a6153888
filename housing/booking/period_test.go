package booking_test

import (
	"testing"
	"time"

	"hearth/day"
	"hearth/housing/booking"
)

// TestCalendarPeriod: a calendar shows a week from Monday or a month, by
// the site's calendar, also across a change of summer time.
func TestCalendarPeriod(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	workshop := f.MustCreateResource(t, "Workshop", booking.Workshop, booking.Rules{})
	room := f.MustCreateResource(t, "Guest room", booking.GuestRoom, booking.Rules{})
	local := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, f.loc) }
	for _, c := range []struct {
		name        string
		r           booking.Resource
		week, month day.Day
		from, to    time.Time
		isMonth     bool
	}{
		{"this week", workshop, day.Day{}, day.Day{}, local(2026, 3, 2), local(2026, 3, 9), false},
		{"a guest room's month", room, day.Day{}, day.Day{}, local(2026, 3, 1), local(2026, 4, 1), true},
		{"a guest room's week asked for", room, day.New(2026, 3, 12), day.Day{}, local(2026, 3, 9), local(2026, 3, 16), false},
		{"the week of summer time", workshop, day.New(2026, 3, 29), day.Day{}, local(2026, 3, 23), local(2026, 3, 30), false},
		{"a month asked for", workshop, day.Day{}, day.New(2026, 10, 1), local(2026, 10, 1), local(2026, 11, 1), true},
	} {
		from, to, isMonth := c.r.Period(c.week, c.month, now)
		if !from.Equal(c.from) || !to.Equal(c.to) || isMonth != c.isMonth {
			t.Errorf("%s: got %v – %v (month %v), want %v – %v (month %v)", c.name, from, to, isMonth, c.from, c.to, c.isMonth)
		}
	}
}

// TestFreeIn: how much of a calendar cell is free, and from when.
func TestFreeIn(t *testing.T) {
	t.Parallel()
	at := func(h, m int) time.Time { return time.Date(2026, 3, 2, h, m, 0, 0, time.UTC) }
	free := []booking.Interval{{StartsAt: at(8, 0), EndsAt: at(9, 15)}, {StartsAt: at(9, 45), EndsAt: at(12, 0)}}
	for _, c := range []struct {
		span    booking.Interval
		covered time.Duration
		first   time.Time
	}{
		{booking.Interval{StartsAt: at(9, 0), EndsAt: at(10, 0)}, 30 * time.Minute, at(9, 0)},
		{booking.Interval{StartsAt: at(9, 20), EndsAt: at(10, 20)}, 35 * time.Minute, at(9, 45)},
		{booking.Interval{StartsAt: at(12, 0), EndsAt: at(13, 0)}, 0, at(12, 0)},
		{booking.Interval{StartsAt: at(10, 0), EndsAt: at(11, 0)}, time.Hour, at(10, 0)},
	} {
		covered, first := booking.FreeIn(free, c.span)
		if covered != c.covered || !first.Equal(c.first) {
			t.Errorf("%v–%v: got %v from %v, want %v from %v", c.span.StartsAt, c.span.EndsAt, covered, first, c.covered, c.first)
		}
	}
}
