package lottery

import (
	"fmt"
	"strings"
	"time"

	"hearth/app"
	"hearth/day"
)

// Nights describes the slots of a guest-room style window: every night from
// First to Last (local dates), in blocks of PerSlot nights, each block from
// CheckIn on its first day to CheckOut on the day after its last night.
type Nights struct {
	First    string `json:"first_night"` // YYYY-MM-DD
	Last     string `json:"last_night"`  // YYYY-MM-DD
	CheckIn  string `json:"check_in"`    // HH:MM
	CheckOut string `json:"check_out"`   // HH:MM
	PerSlot  int    `json:"nights_per_slot"`
}

// Slots returns the slots the nights describe, in the zone loc. A last block
// shorter than PerSlot is kept. Errors (422): invalid_date, invalid_time,
// last_before_first, invalid_nights_per_slot, too_many_slots,
// nonexistent_local_time.
func (n Nights) Slots(loc *time.Location) ([]NewSlot, error) {
	firstDay, err := day.Parse(n.First)
	if e, ok := app.AsError(err); ok {
		return nil, e.OnField("first_night")
	}
	lastDay, err := day.Parse(n.Last)
	if e, ok := app.AsError(err); ok {
		return nil, e.OnField("last_night")
	}
	first, last := firstDay.Time(), lastDay.Time()
	if last.Before(first) {
		return nil, app.Unprocessable("last_before_first", "The last night comes before the first.").OnField("last_night")
	}
	checkIn, err := time.Parse("15:04", strings.TrimSpace(n.CheckIn))
	if err != nil {
		return nil, app.Unprocessable("invalid_time", "Give the check-in time like 15:00.").OnField("check_in")
	}
	checkOut, err := time.Parse("15:04", strings.TrimSpace(n.CheckOut))
	if err != nil {
		return nil, app.Unprocessable("invalid_time", "Give the check-out time like 11:00.").OnField("check_out")
	}
	if n.PerSlot < 1 || n.PerSlot > 31 {
		return nil, app.Unprocessable("invalid_nights_per_slot", "A slot holds between 1 and 31 nights.").OnField("nights_per_slot")
	}
	count := int(last.Sub(first).Hours()/24) + 1
	if (count+n.PerSlot-1)/n.PerSlot > MaxSlots {
		return nil, app.Unprocessable("too_many_slots", "Offer at most %d slots in one lottery.", MaxSlots).OnField("last_night")
	}
	var slots []NewSlot
	for i := 0; i < count; i += n.PerSlot {
		nights := min(n.PerSlot, count-i)
		startDay := first.AddDate(0, 0, i)
		endDay := startDay.AddDate(0, 0, nights)
		start, err := wallClock(startDay, checkIn, loc)
		if err != nil {
			return nil, err
		}
		end, err := wallClock(endDay, checkOut, loc)
		if err != nil {
			return nil, err
		}
		label := startDay.Format("Mon 2 Jan 2006")
		if nights > 1 {
			label = fmt.Sprintf("%s – %s (%d nights)", startDay.Format("Mon 2 Jan"), endDay.AddDate(0, 0, -1).Format("Mon 2 Jan 2006"), nights)
		}
		slots = append(slots, NewSlot{Label: label, StartsAt: start, EndsAt: end})
	}
	return slots, nil
}

// wallClock returns the instant the clock in loc shows clock on day.
// Errors: nonexistent_local_time when daylight saving time skips it.
func wallClock(day, clock time.Time, loc *time.Location) (time.Time, error) {
	t := time.Date(day.Year(), day.Month(), day.Day(), clock.Hour(), clock.Minute(), 0, 0, loc)
	if t.Hour() != clock.Hour() || t.Minute() != clock.Minute() {
		return t, app.Unprocessable("nonexistent_local_time",
			"%s does not exist on %s in %s: the clocks skip it.", clock.Format("15:04"), day.Format("2 January"), loc)
	}
	return t, nil
}
