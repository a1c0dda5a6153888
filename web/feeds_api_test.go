package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"hearth/app"
	"hearth/housing/booking"
	"hearth/housing/feeds/feedstest"
)

// fetchFeed fetches a feed URL the way a calendar app does: no cookies, no
// token, nothing but the URL.
func fetchFeed(t *testing.T, url string) (int, http.Header, []byte) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, b
}

// TestCalendarFeedsAPI: a member makes a link to their bookings, a calendar
// app reads a valid iCalendar feed from it without signing in, a new link
// revokes the old one, and turning it off stops it; a space's feed is for
// those who may follow the space.
func TestCalendarFeedsAPI(t *testing.T) {
	t.Parallel()
	c := newLotteryCast(t)
	ts := c.ts
	start := time.Now().Truncate(time.Hour).AddDate(0, 0, 3)
	b, err := (&booking.Service{DB: ts.DB}).Create(context.Background(), &app.Principal{Member: c.ada}, booking.Request{
		ResourceID: c.room, MemberID: c.ada.ID, StartsAt: start, EndsAt: start.Add(20 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}

	status, first := ts.call(t, "POST", "/api/v1/calendar-feeds/mine", c.tokens["Ada"], nil)
	if status != 201 {
		t.Fatalf("new link: %d %v", status, first)
	}
	url := first["url"].(string)
	if !strings.HasPrefix(first["webcal_url"].(string), "webcal://") {
		t.Errorf("webcal_url %v", first["webcal_url"])
	}
	status, header, body := fetchFeed(t, url)
	if status != 200 {
		t.Fatalf("feed: %d %s", status, body)
	}
	if got, want := header.Get("Content-Type"), "text/calendar; charset=utf-8"; got != want {
		t.Errorf("Content-Type: got %q, want %q", got, want)
	}
	cal := feedstest.MustValidate(t, body)
	if feedstest.Event(cal, fmt.Sprintf("booking-%d@hearth", b.ID)) == nil {
		t.Errorf("Ada's booking is not in her feed:\n%s", body)
	}

	_, second := ts.call(t, "POST", "/api/v1/calendar-feeds/mine", c.tokens["Ada"], nil)
	if status, _, _ := fetchFeed(t, url); status != 404 {
		t.Errorf("replaced link: %d, want 404", status)
	}
	if status, _, _ := fetchFeed(t, second["url"].(string)); status != 200 {
		t.Errorf("new link: %d", status)
	}
	if _, overview := ts.call(t, "GET", "/api/v1/calendar-feeds", c.tokens["Ada"], nil); overview["mine"] == nil {
		t.Errorf("overview without the live link: %v", overview)
	}
	if status, _ := ts.call(t, "DELETE", "/api/v1/calendar-feeds/mine", c.tokens["Ada"], nil); status != 204 {
		t.Errorf("turn off: %d", status)
	}
	if status, _, _ := fetchFeed(t, second["url"].(string)); status != 404 {
		t.Errorf("turned-off link: %d, want 404", status)
	}
	if status, _, _ := fetchFeed(t, ts.URL+"/calendars/"+strings.Repeat("0", 64)+".ics"); status != 404 {
		t.Errorf("guessed link: %d, want 404", status)
	}

	room := fmt.Sprintf("/api/v1/calendar-feeds/resources/%d", c.room)
	if status, _ := ts.call(t, "POST", room, c.tokens["Far"], nil); status != 404 {
		t.Errorf("a member of another site follows a residents' space: %d, want 404", status)
	}
	status, link := ts.call(t, "POST", room, c.tokens["Ben"], nil)
	if status != 201 {
		t.Fatalf("Ben's link to the room: %d %v", status, link)
	}
	_, _, body = fetchFeed(t, link["url"].(string))
	cal = feedstest.MustValidate(t, body)
	if feedstest.Event(cal, fmt.Sprintf("booking-%d-busy@hearth", b.ID)) == nil || strings.Contains(string(body), "Ada") {
		t.Errorf("the room's feed should show Ada's booking as busy time without her name:\n%s", body)
	}
}
