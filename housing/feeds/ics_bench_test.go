package feeds_test

import (
	"io"
	"strconv"
	"testing"
	"time"

	"hearth/housing/feeds"
)

// BenchmarkWrite writes a busy resource's feed: 1,000 bookings.
func BenchmarkWrite(b *testing.B) {
	start := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	cal := feeds.Calendar{Name: "Hearth: Laundry, Elm Court"}
	for i := range 1000 {
		s := start.Add(time.Duration(i) * 3 * time.Hour)
		cal.Events = append(cal.Events, feeds.Event{UID: "booking-" + strconv.Itoa(i) + "-busy@hearth", Summary: "Laundry: booked",
			Location: "Elm Court, 12 Elm Street, Portland, OR", StartsAt: s, EndsAt: s.Add(90 * time.Minute),
			Status: feeds.StatusConfirmed, Sequence: 2, Created: s.AddDate(0, 0, -3), Modified: s.AddDate(0, 0, -3)})
	}
	for b.Loop() {
		if err := feeds.Write(io.Discard, cal, start); err != nil {
			b.Fatal(err)
		}
	}
}
