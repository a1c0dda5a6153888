package feeds_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"hearth/housing/feeds"
	"hearth/housing/feeds/feedstest"
)

// TestWriteIsValidICalendar writes a feed with long, non-ASCII and
// punctuation-laden text and checks it the way strict subscribers do.
func TestWriteIsValidICalendar(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 12, 31, 15, 0, 0, 0, time.FixedZone("PST", -8*3600))
	cal := feeds.Calendar{
		Name:        "Chloé's bookings · Hearth",
		Description: "Bookings of shared spaces, line one\r\nline two",
		Events: []feeds.Event{
			{
				UID: "booking-1@hearth", Summary: "Guest room; Elm Court, the one with a very long name that needs folding: ünïcödé ✓✓✓✓✓✓✓✓✓✓✓✓",
				Location: "12 Elm Street, Portland, OR", StartsAt: start, EndsAt: start.Add(20 * time.Hour),
				Status: feeds.StatusConfirmed, Created: start.Add(-48 * time.Hour), Modified: start.Add(-48 * time.Hour),
			},
			{
				UID: "booking-2@hearth", Summary: "Workshop", StartsAt: start.Add(72 * time.Hour), EndsAt: start.Add(74 * time.Hour),
				Status: feeds.StatusCancelled, Sequence: 1, Description: strings.Repeat("Bring your own tools. ", 12) + "\x07",
			},
		},
	}
	now := time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC)
	var buf bytes.Buffer
	if err := feeds.Write(&buf, cal, now); err != nil {
		t.Fatal(err)
	}
	parsed := feedstest.MustValidate(t, buf.Bytes())
	if got, want := len(parsed.Events()), 2; got != want {
		t.Fatalf("events: got %d, want %d", got, want)
	}
	ev := feedstest.Event(parsed, "booking-1@hearth")
	if ev == nil {
		t.Fatal("booking-1 is missing")
	}
	if got, want := feedstest.Value(ev, ics.ComponentPropertyDtStart), "20261231T230000Z"; got != want {
		t.Errorf("DTSTART: got %s, want %s", got, want)
	}
	if got, want := ics.FromText(feedstest.Value(ev, ics.ComponentPropertySummary)), cal.Events[0].Summary; got != want {
		t.Errorf("SUMMARY after folding and escaping: got %q, want %q", got, want)
	}
	if got, want := feedstest.Value(ev, ics.ComponentPropertyDtstamp), "20261201T093000Z"; got != want {
		t.Errorf("DTSTAMP: got %s, want %s", got, want)
	}
	cancelled := feedstest.Event(parsed, "booking-2@hearth")
	for p, want := range map[ics.ComponentProperty]string{
		ics.ComponentPropertyStatus:   "CANCELLED",
		ics.ComponentPropertySequence: "1",
		ics.ComponentPropertyTransp:   "TRANSPARENT",
	} {
		if got := feedstest.Value(cancelled, p); got != want {
			t.Errorf("cancelled %s: got %q, want %q", p, got, want)
		}
	}
	if strings.Contains(buf.String(), "\x07") {
		t.Error("a control character reached the feed")
	}
}
