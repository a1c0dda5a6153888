package web

import (
	"fmt"
	"strings"
	"time"

	"hearth/app"
	"hearth/day"
	"hearth/housing/booking"
)

// The calendar of a resource as the space page draws it: a week of hourly
// cells or a month of days, each saying whether its time is free, taken,
// yours, closed or past. It only arranges what the booking service says
// (bookings and free time) for the eye.

// calendarCell is one hour of a week, or one day of a month.
type calendarCell struct {
	State string // free, partly, taken, mine, closed, past, outside (a day of another month)
	Label string
	Title string // the details, for a tooltip and screen readers
	Link  string // where a click goes: the booking form filled in, or the week of a day
	Day   string // the day of the month, in a month view
}

type calendarRow struct {
	Label string
	Cells []calendarCell
}

type calendarDay struct {
	Label string // "Mon 9"
	Date  string // 2026-03-09
	Today bool
}

// dayView is one day of a week as a list of times, for narrow screens where
// the week grid does not fit: each bookable hour is a line of its own to tap,
// and an hour taken, closed or past runs on with the hours like it.
type dayView struct {
	Title                string // "Wednesday 2 December"
	Week                 []dayTab
	Prev, Next           string // the day before and after
	PrevLabel, NextLabel string
	Slots                []daySlot
	Passed               string // "Before 14:00 is past." when some hours of the day are
	Over                 bool   // every hour of the day is past
}

// dayTab is a day of the week in the strip above a day view.
type dayTab struct {
	Weekday, Day, Link   string
	Current, Today, Past bool
}

// daySlot is a run of the day's hours that are alike, or one bookable hour.
type daySlot struct {
	From, To string // "09:00", "10:00"
	State    string
	Label    string // Free, Partly free, Taken, Yours, Closed
	Title    string
	Detail   string // who has it and when, for a time taken or partly free
	Link     string
}

// calendarView is a week or a month, with the links to move through time.
type calendarView struct {
	Month                 bool
	Title                 string
	Days                  []calendarDay // column headings
	Rows                  []calendarRow
	Prev, Next, Today     string // links to the space page at another period
	WeekLink, MonthLink   string
	From, To              time.Time
	Timezone              string
	Bookings              []booking.Booking
	HasFree, AllInThePast bool
	Day                   *dayView // the day a narrow screen shows, in a week view
}

// calendarPeriod reads the period the space page asks for: the month of
// ?month= (this month when it is not a month), else the week of the day
// week (this week when it is not a day); booking.Resource.Period lays it
// out in the site's zone.
func calendarPeriod(r *booking.Resource, week, month string, now time.Time) (from, to time.Time, isMonth bool) {
	w, _ := day.Parse(week)
	m, err := day.ParseMonth(month)
	if month != "" && err != nil {
		m = day.Of(now.In(r.Location())).Month()
	}
	return r.Period(w, m, now)
}

// calendarFocus returns the day of a week that a narrow screen shows: the day
// asked for (the date of a calendar click, or the date of ?week=), else
// today, if they fall in the week [from, to); else the week's first day.
func calendarFocus(loc *time.Location, from, to time.Time, now time.Time, asked ...string) time.Time {
	in := func(d time.Time) bool { return !d.Before(from) && d.Before(to) }
	for _, a := range asked {
		if d, err := day.Parse(a); err == nil && in(d.In(loc)) {
			return d.In(loc)
		}
	}
	if today := day.Of(now.In(loc)).In(loc); in(today) {
		return today
	}
	return from
}

// newWeekView lays out hourly cells of a week, and the focus day of it as a
// list for narrow screens.
func newWeekView(r *booking.Resource, from, to time.Time, bs []booking.Booking, free []booking.Interval, p *app.Principal, now, focus time.Time) *calendarView {
	loc := r.Location()
	v := &calendarView{From: from, To: to, Timezone: r.Timezone, Bookings: bs}
	last := to.AddDate(0, 0, -1)
	page := fmt.Sprintf("/spaces/%d", r.ID)
	v.Title = fmt.Sprintf("%s – %s", from.Format("Mon 2 January"), last.Format("Mon 2 January 2006"))
	v.Prev = page + "?week=" + from.AddDate(0, 0, -7).Format("2006-01-02")
	v.Next = page + "?week=" + to.Format("2006-01-02")
	v.Today = page + "?week=" + now.In(loc).Format("2006-01-02")
	v.MonthLink = page + "?month=" + from.Format("2006-01")
	first, lastHour := r.Hours.HourRange()
	todayDate := now.In(loc).Format("2006-01-02")
	var days []time.Time
	for d := from; d.Before(to); d = time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, loc) {
		days = append(days, d)
		v.Days = append(v.Days, calendarDay{Label: d.Format("Mon 2"), Date: d.Format("2006-01-02"), Today: d.Format("2006-01-02") == todayDate})
	}
	for h := first; h < lastHour; h++ {
		row := calendarRow{Label: fmt.Sprintf("%02d:00", h)}
		for _, d := range days {
			start := time.Date(d.Year(), d.Month(), d.Day(), h, 0, 0, 0, loc)
			end := time.Date(d.Year(), d.Month(), d.Day(), h+1, 0, 0, 0, loc)
			cell := cellFor(start, end, bs, free, p, now)
			if cell.State == "free" || cell.State == "partly" {
				v.HasFree = true
				_, firstFree := booking.FreeIn(free, booking.Interval{StartsAt: start, EndsAt: end})
				cell.Link = fmt.Sprintf("%s?week=%s&date=%s&start=%s#book", page, from.Format("2006-01-02"), d.Format("2006-01-02"), firstFree.Format("15:04"))
			}
			row.Cells = append(row.Cells, cell)
		}
		v.Rows = append(v.Rows, row)
	}
	v.AllInThePast = !to.After(now)
	v.Day = newDayView(v, page, days, focus, first, now)
	return v
}

// newDayView reads the focus day's column of a week view as a list.
func newDayView(v *calendarView, page string, days []time.Time, focus time.Time, firstHour int, now time.Time) *dayView {
	col := 0
	for i, d := range days {
		if d.Equal(focus) {
			col = i
		}
	}
	focus = days[col]
	prev, next := focus.AddDate(0, 0, -1), focus.AddDate(0, 0, 1)
	dv := &dayView{
		Title: focus.Format("Monday 2 January"),
		Prev:  page + "?week=" + prev.Format("2006-01-02"), PrevLabel: prev.Format("Mon 2"),
		Next: page + "?week=" + next.Format("2006-01-02"), NextLabel: next.Format("Mon 2"),
	}
	for i, d := range days {
		dv.Week = append(dv.Week, dayTab{
			Weekday: d.Format("Mon"), Day: d.Format("2"), Link: page + "?week=" + d.Format("2006-01-02"),
			Current: i == col, Today: v.Days[i].Today, Past: !d.AddDate(0, 0, 1).After(now),
		})
	}
	pastUntil := ""
	for i, row := range v.Rows {
		cell := row.Cells[col]
		from, to := fmt.Sprintf("%02d:00", firstHour+i), fmt.Sprintf("%02d:00", firstHour+i+1)
		if cell.State == "past" {
			pastUntil = to
			continue
		}
		label := cell.Label
		if cell.State == "closed" {
			label = "Closed"
		}
		if n := len(dv.Slots); n > 0 && cell.Link == "" {
			last := &dv.Slots[n-1]
			if last.Link == "" && last.State == cell.State && last.Title == cell.Title && last.To == from {
				last.To = to
				continue
			}
		}
		slot := daySlot{From: from, To: to, State: cell.State, Label: label, Title: cell.Title, Link: cell.Link}
		switch cell.State {
		case "taken", "mine":
			slot.Detail = strings.TrimPrefix(cell.Title, cell.Label+" ")
		case "partly":
			slot.Detail = cell.Title
		}
		dv.Slots = append(dv.Slots, slot)
	}
	switch {
	case len(dv.Slots) == 0 && pastUntil != "":
		dv.Over = true
	case pastUntil != "":
		dv.Passed = "Before " + pastUntil + " is past."
	}
	return dv
}

// cellFor says what [start, end) is: taken by a booking (yours or someone
// else's), free to book in full or in part, closed, or past.
func cellFor(start, end time.Time, bs []booking.Booking, free []booking.Interval, p *app.Principal, now time.Time) calendarCell {
	if !end.After(now) {
		return calendarCell{State: "past", Label: "", Title: "Past"}
	}
	var taken []string
	whole, mine := false, false
	for i := range bs {
		b := &bs[i]
		if !b.StartsAt.Before(end) || !b.EndsAt.After(start) {
			continue
		}
		who := "Taken"
		if b.MemberID == p.ID {
			who, mine = "Yours", true
		} else if b.VisibleTo(p) {
			who = b.MemberName
		}
		if b.Status == booking.Pending {
			who += " (pending)"
		}
		taken = append(taken, fmt.Sprintf("%s %s–%s", who, b.StartsAt.Format("15:04"), b.EndsAt.Format("15:04")))
		if !b.StartsAt.After(start) && !b.EndsAt.Before(end) {
			whole = true
		}
	}
	covered, _ := booking.FreeIn(free, booking.Interval{StartsAt: start, EndsAt: end})
	freeMin := int(covered / time.Minute)
	full := int(end.Sub(start) / time.Minute)
	switch {
	case len(taken) > 0 && (whole || freeMin == 0):
		state, label := "taken", "Taken"
		if mine {
			state, label = "mine", "Yours"
		}
		return calendarCell{State: state, Label: label, Title: strings.Join(taken, "; ")}
	case freeMin >= full:
		return calendarCell{State: "free", Label: "Free", Title: "Free " + start.Format("15:04") + "–" + end.Format("15:04")}
	case freeMin > 0:
		return calendarCell{State: "partly", Label: "Partly free", Title: strings.Join(append(taken, fmt.Sprintf("%d minutes free", freeMin)), "; ")}
	}
	return calendarCell{State: "closed", Label: "", Title: "Not bookable"}
}

// newMonthView lays out the days of a month, in weeks from Monday.
func newMonthView(r *booking.Resource, from, to time.Time, bs []booking.Booking, free []booking.Interval, p *app.Principal, now time.Time) *calendarView {
	loc := r.Location()
	v := &calendarView{Month: true, From: from, To: to, Timezone: r.Timezone, Bookings: bs}
	page := fmt.Sprintf("/spaces/%d", r.ID)
	v.Title = from.Format("January 2006")
	v.Prev = page + "?month=" + from.AddDate(0, -1, 0).Format("2006-01")
	v.Next = page + "?month=" + to.Format("2006-01")
	v.Today = page + "?month=" + now.In(loc).Format("2006-01")
	v.WeekLink = page + "?week=" + from.Format("2006-01-02")
	for _, name := range []string{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"} {
		v.Days = append(v.Days, calendarDay{Label: name})
	}
	todayDate := now.In(loc).Format("2006-01-02")
	first, _, _ := r.Period(day.Of(from), day.Day{}, now) // the Monday of the month's first week
	for d := first; d.Before(to); {
		var row calendarRow
		for range 7 {
			next := time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, loc)
			cell := calendarCell{State: "outside"}
			if d.Month() == from.Month() {
				cell = cellFor(d, next, bs, free, p, now)
				if cell.State == "free" || cell.State == "partly" {
					v.HasFree = true
				}
				if cell.State == "free" {
					cell.Label = "Free"
				}
				if cell.State != "past" {
					cell.Link = page + "?week=" + d.Format("2006-01-02")
				}
			}
			if d.Format("2006-01-02") == todayDate {
				cell.Title = "Today. " + cell.Title
			}
			cell.Day = d.Format("2")
			row.Cells = append(row.Cells, cell)
			d = next
		}
		v.Rows = append(v.Rows, row)
	}
	v.AllInThePast = !to.After(now)
	return v
}
