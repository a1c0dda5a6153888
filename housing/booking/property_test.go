package booking_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"pgregory.net/rapid"

	"hearth/app/apptest"
	"hearth/housing/booking"
)

// TestNoOverlapProperty books and cancels at random and checks against a
// simple model: a booking succeeds exactly when its time plus buffer misses
// every active booking's, and the stored active bookings never overlap.
func TestNoOverlapProperty(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	resource := 0
	rapid.Check(t, func(rt *rapid.T) {
		resource++
		buffer := rapid.SampledFrom([]int{0, 15, 30}).Draw(rt, "buffer")
		r := f.MustCreateResource(t, fmt.Sprintf("Car %d", resource), booking.Car, booking.Rules{BufferMinutes: buffer})
		type held struct {
			id         int64
			start, end time.Time
		}
		var active []held
		for range rapid.IntRange(1, 15).Draw(rt, "steps") {
			if len(active) > 0 && rapid.Bool().Draw(rt, "cancel") {
				i := rapid.IntRange(0, len(active)-1).Draw(rt, "which")
				if _, err := f.svc.Cancel(ctx, f.as(f.resident), active[i].id, ""); err != nil {
					rt.Fatalf("cancel: %v", err)
				}
				active = append(active[:i], active[i+1:]...)
				continue
			}
			start := f.at(10, 8, 0).Add(time.Duration(rapid.IntRange(0, 40).Draw(rt, "start")) * 15 * time.Minute)
			end := start.Add(time.Duration(rapid.IntRange(1, 8).Draw(rt, "quarters")) * 15 * time.Minute)
			fits := true
			for _, h := range active {
				if start.Before(h.end.Add(time.Duration(buffer)*time.Minute)) && h.start.Before(end.Add(time.Duration(buffer)*time.Minute)) {
					fits = false
				}
			}
			b, err := f.book(r, f.resident, start, end)
			switch {
			case fits && err != nil:
				rt.Fatalf("%s–%s should fit: %v", start.Format("15:04"), end.Format("15:04"), err)
			case !fits && apptest.Code(err) != "booking_conflict":
				rt.Fatalf("%s–%s should conflict: got %v", start.Format("15:04"), end.Format("15:04"), err)
			case fits:
				active = append(active, held{b.ID, start, end})
			}
		}
		var overlaps int
		if err := f.db.Get(&overlaps, `
			SELECT count(*) FROM bookings a JOIN bookings b ON a.resource_id = b.resource_id AND a.id < b.id
			WHERE a.resource_id = $1 AND a.status IN ('pending','confirmed','offered') AND b.status IN ('pending','confirmed','offered')
			  AND a.blocks && b.blocks`, r.ID); err != nil {
			rt.Fatal(err)
		}
		if overlaps != 0 {
			rt.Fatalf("%d overlapping active bookings stored", overlaps)
		}
	})
}
