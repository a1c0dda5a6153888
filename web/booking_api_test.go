package web_test

import (
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"hearth/app"
	"hearth/app/apptest"
)

// bookingWorld is a site with a coordinator, two residents and a visitor
// from another site, each with an API token.
type bookingWorld struct {
	ts                               *testServer
	site                             apptest.Site
	loc                              *time.Location
	coordinator, ada, ben, visitor   app.Member
	coordTok, adaTok, benTok, visTok string
}

func newBookingWorld(t *testing.T) *bookingWorld {
	t.Helper()
	ts := newTestServer(t)
	w := &bookingWorld{ts: ts}
	w.site = apptest.MustCreateSite(t, ts.DB, "Linden Yard", "Europe/Berlin")
	w.loc, _ = time.LoadLocation("Europe/Berlin")
	other := apptest.MustCreateSite(t, ts.DB, "Elm Court", "America/Los_Angeles")
	resident := func(siteID int64, name, unit string) app.Member {
		m := apptest.MustCreateMember(t, ts.DB, name, app.RoleMember)
		u := apptest.MustCreateUnit(t, ts.DB, siteID, unit, "900.00")
		apptest.MustAddResidency(t, ts.DB, siteID, u, m.ID, "2024-01-01")
		return m
	}
	w.coordinator = resident(w.site.ID, "Hugo Schmidt", "L1")
	apptest.MustMakeCoordinator(t, ts.DB, w.site.ID, w.coordinator.ID)
	w.ada = resident(w.site.ID, "Ada Okafor", "L2")
	w.ben = resident(w.site.ID, "Ben Lindqvist", "L3")
	w.visitor = resident(other.ID, "Elena Rossi", "E1")
	w.coordTok, w.adaTok, w.benTok, w.visTok = ts.token(t, w.coordinator), ts.token(t, w.ada), ts.token(t, w.ben), ts.token(t, w.visitor)
	return w
}

// day returns a local wall-clock time at the site, days from today.
func (w *bookingWorld) day(days, hour, minute int) time.Time {
	y, m, d := time.Now().In(w.loc).Date()
	return time.Date(y, m, d+days, hour, minute, 0, 0, w.loc)
}

// MustCreateResource creates a resource through the API and returns its id.
func (w *bookingWorld) MustCreateResource(t *testing.T, name, kind string) int64 {
	t.Helper()
	status, body := w.ts.call(t, "POST", fmt.Sprintf("/api/v1/sites/%d/resources", w.site.ID), w.coordTok, map[string]string{"name": name, "kind": kind})
	if status != 201 {
		t.Fatalf("create resource: %d %v", status, body)
	}
	return int64(body["id"].(float64))
}

func (w *bookingWorld) bookAPI(t *testing.T, token string, resourceID int64, start, end time.Time) (int, map[string]any) {
	t.Helper()
	return w.ts.call(t, "POST", fmt.Sprintf("/api/v1/resources/%d/bookings", resourceID), token,
		map[string]string{"starts_at": start.Format(time.RFC3339), "ends_at": end.Format(time.RFC3339)})
}

func TestBookingAPIContract(t *testing.T) {
	t.Parallel()
	w := newBookingWorld(t)
	ts := w.ts

	// Creating resources: coordinators of the site and admins only.
	status, body := ts.call(t, "POST", fmt.Sprintf("/api/v1/sites/%d/resources", w.site.ID), w.adaTok, map[string]string{"name": "Room", "kind": "guest_room"})
	if status != 403 {
		t.Errorf("resident creates a resource: %d %v", status, body)
	}
	status, body = ts.call(t, "POST", fmt.Sprintf("/api/v1/sites/%d/resources", w.site.ID), w.coordTok, map[string]string{"name": "Room", "kind": "spaceship"})
	if status != 422 || errorCode(body) != "invalid_kind" {
		t.Errorf("unknown kind: %d %v", status, body)
	}
	room := w.MustCreateResource(t, "Guest room", "guest_room")

	// A resource without rules takes any length from any member, visitors included.
	start, end := w.day(3, 15, 0), w.day(5, 11, 0)
	status, body = w.bookAPI(t, w.visTok, room, start.UTC(), end.UTC())
	if status != 201 {
		t.Fatalf("book: %d %v", status, body)
	}
	id := int64(body["id"].(float64))
	if got, want := body["starts_at"], start.Format(time.RFC3339); got != want {
		t.Errorf("answer in the site's zone: got %v, want %v", got, want)
	}
	status, body = w.bookAPI(t, w.adaTok, room, w.day(4, 12, 0), w.day(6, 10, 0))
	if status != 409 || errorCode(body) != "booking_conflict" {
		t.Errorf("overlap: %d %v", status, body)
	}
	status, body = ts.call(t, "POST", fmt.Sprintf("/api/v1/resources/%d/bookings", room), w.adaTok,
		map[string]string{"starts_at": "2026-03-10T09:00:00", "ends_at": "2026-03-10T10:00:00"})
	if status != 400 || errorCode(body) != "invalid_time" {
		t.Errorf("time without offset: %d %v", status, body)
	}
	status, body = w.bookAPI(t, w.adaTok, room, w.day(9, 12, 0), w.day(9, 11, 0))
	if status != 422 || errorCode(body) != "ends_before_starts" {
		t.Errorf("ends before starts: %d %v", status, body)
	}
	status, body = w.bookAPI(t, w.adaTok, 999999, w.day(9, 12, 0), w.day(9, 13, 0))
	if status != 404 {
		t.Errorf("unknown resource: %d %v", status, body)
	}

	// Listing: the owner and coordinators see who; other residents see taken time.
	q := fmt.Sprintf("/api/v1/resources/%d/bookings?from=%s&to=%s", room, url.QueryEscape(w.day(0, 0, 0).Format(time.RFC3339)), w.day(10, 0, 0).Format("2006-01-02"))
	for _, c := range []struct {
		token   string
		visible bool
	}{{w.visTok, true}, {w.coordTok, true}, {w.adaTok, false}} {
		status, body = ts.call(t, "GET", q, c.token, nil)
		list, _ := body["bookings"].([]any)
		if status != 200 || len(list) != 1 {
			t.Fatalf("list: %d %v", status, body)
		}
		b := list[0].(map[string]any)
		if _, shown := b["member"]; shown != c.visible || b["starts_at"] != start.Format(time.RFC3339) {
			t.Errorf("list as %s: member shown %v, want %v (%v)", c.token[:4], shown, c.visible, b)
		}
	}

	// Cancelling: not by another resident; by the owner.
	status, body = ts.call(t, "DELETE", fmt.Sprintf("/api/v1/bookings/%d", id), w.adaTok, nil)
	if status != 403 {
		t.Errorf("someone else cancels: %d %v", status, body)
	}
	status, _ = ts.call(t, "DELETE", fmt.Sprintf("/api/v1/bookings/%d", id), w.visTok, nil)
	if status != 204 {
		t.Errorf("owner cancels: %d", status)
	}
	status, body = ts.call(t, "DELETE", fmt.Sprintf("/api/v1/bookings/%d", id), w.visTok, nil)
	if status != 409 || errorCode(body) != "booking_not_active" {
		t.Errorf("cancel twice: %d %v", status, body)
	}
}

func TestBookingAPIRulesSpeakToResidents(t *testing.T) {
	t.Parallel()
	w := newBookingWorld(t)
	ts := w.ts
	workshop := w.MustCreateResource(t, "Workshop", "workshop")
	rules := map[string]any{
		"opening_hours": []map[string]string{
			{"weekday": "monday", "opens": "08:00", "closes": "22:00"}, {"weekday": "tuesday", "opens": "08:00", "closes": "22:00"},
			{"weekday": "wednesday", "opens": "08:00", "closes": "22:00"}, {"weekday": "thursday", "opens": "08:00", "closes": "22:00"},
			{"weekday": "friday", "opens": "08:00", "closes": "22:00"}, {"weekday": "saturday", "opens": "08:00", "closes": "22:00"},
			{"weekday": "sunday", "opens": "08:00", "closes": "22:00"},
		},
		"max_minutes": 180, "who_may_book": "residents", "weekly_quota_bookings": 3,
	}
	status, body := ts.call(t, "PUT", fmt.Sprintf("/api/v1/resources/%d/rules", workshop), w.adaTok, rules)
	if status != 403 {
		t.Errorf("resident sets rules: %d %v", status, body)
	}
	status, body = ts.call(t, "PUT", fmt.Sprintf("/api/v1/resources/%d/rules", workshop), w.coordTok, map[string]any{"min_minutes": 90, "max_minutes": 60})
	if status != 422 || errorCode(body) != "invalid_length" {
		t.Errorf("min above max: %d %v", status, body)
	}
	status, body = ts.call(t, "PUT", fmt.Sprintf("/api/v1/resources/%d/rules", workshop), w.coordTok, rules)
	if status != 200 {
		t.Fatalf("set rules: %d %v", status, body)
	}

	status, body = w.bookAPI(t, w.adaTok, workshop, w.day(2, 20, 0), w.day(2, 22, 30))
	e, _ := body["error"].(map[string]any)
	if status != 422 || e["code"] != "outside_opening_hours" || e["message"] != "The workshop closes at 22:00." {
		t.Errorf("after hours: %d %v", status, body)
	}
	status, body = w.bookAPI(t, w.adaTok, workshop, w.day(2, 9, 0), w.day(2, 13, 0))
	if status != 422 || errorCode(body) != "too_long" {
		t.Errorf("too long: %d %v", status, body)
	}
	status, body = w.bookAPI(t, w.visTok, workshop, w.day(2, 9, 0), w.day(2, 10, 0))
	if status != 422 || errorCode(body) != "not_allowed_to_book" {
		t.Errorf("visitor books a residents' workshop: %d %v", status, body)
	}
}

// TestBookingAPIRacersGetOneBookingAndConflicts fires 50 overlapping HTTP
// requests at once: one 201, the rest 409 booking_conflict, never a 500.
func TestBookingAPIRacersGetOneBookingAndConflicts(t *testing.T) {
	t.Parallel()
	w := newBookingWorld(t)
	car := w.MustCreateResource(t, "Car", "car")
	tokens := []string{w.adaTok, w.benTok, w.coordTok, w.visTok}
	statuses := make([]int, 50)
	var wg sync.WaitGroup
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			from := w.day(4, 10, i%20)
			statuses[i], _ = w.bookAPI(t, tokens[i%len(tokens)], car, from, from.Add(time.Hour))
		}()
	}
	wg.Wait()
	count := map[int]int{}
	for _, s := range statuses {
		count[s]++
	}
	if count[201] != 1 || count[409] != 49 {
		t.Errorf("statuses: got %v, want one 201 and 49 409", count)
	}
}

func TestBookingAPISeriesWaitlistAndApproval(t *testing.T) {
	t.Parallel()
	w := newBookingWorld(t)
	ts := w.ts
	laundry := w.MustCreateResource(t, "Laundry", "laundry")
	status, body := w.bookAPI(t, w.benTok, laundry, w.day(15, 9, 0), w.day(15, 10, 0))
	if status != 201 {
		t.Fatalf("ben books: %d %v", status, body)
	}
	benID := int64(body["id"].(float64))
	series := map[string]string{
		"starts_at": w.day(1, 9, 0).Format(time.RFC3339), "ends_at": w.day(1, 10, 0).Format(time.RFC3339), "rrule": "FREQ=WEEKLY;COUNT=4",
	}
	status, body = ts.call(t, "POST", fmt.Sprintf("/api/v1/resources/%d/series", laundry), w.adaTok, series)
	occ, _ := body["occurrences"].([]any)
	if status != 409 || errorCode(body) != "series_refused" || len(occ) != 4 {
		t.Fatalf("all or nothing: %d %v", status, body)
	}
	if code := occ[2].(map[string]any)["code"]; code != "booking_conflict" {
		t.Errorf("third occurrence: got %v, want booking_conflict", code)
	}
	series["mode"] = "skip_conflicts"
	status, body = ts.call(t, "POST", fmt.Sprintf("/api/v1/resources/%d/series", laundry), w.adaTok, series)
	if status != 201 || body["created"] != float64(3) {
		t.Fatalf("skip conflicts: %d %v", status, body)
	}
	series["rrule"] = "FREQ=DAILY"
	status, body = ts.call(t, "POST", fmt.Sprintf("/api/v1/resources/%d/series", laundry), w.adaTok, series)
	if status != 422 || errorCode(body) != "rrule_unbounded" {
		t.Errorf("never-ending rule: %d %v", status, body)
	}

	// Ada waits for Ben's slot; Ben cancels; Ada is offered it and accepts.
	status, body = w.bookAPI(t, w.adaTok, laundry, w.day(15, 9, 0), w.day(15, 10, 0))
	if status != 409 {
		t.Fatalf("taken: %d %v", status, body)
	}
	status, body = ts.call(t, "POST", fmt.Sprintf("/api/v1/resources/%d/waitlist", laundry), w.adaTok,
		map[string]string{"starts_at": w.day(15, 9, 0).Format(time.RFC3339), "ends_at": w.day(15, 10, 0).Format(time.RFC3339)})
	if status != 201 {
		t.Fatalf("join waitlist: %d %v", status, body)
	}
	if status, _ = ts.call(t, "DELETE", fmt.Sprintf("/api/v1/bookings/%d", benID), w.benTok, nil); status != 204 {
		t.Fatalf("ben cancels: %d", status)
	}
	status, body = ts.call(t, "GET", "/api/v1/bookings", w.adaTok, nil)
	offers, _ := body["offers"].([]any)
	if status != 200 || len(offers) != 1 {
		t.Fatalf("my offers: %d %v", status, body)
	}
	offer := offers[0].(map[string]any)
	if offer["offer_expires_at"] == nil {
		t.Errorf("offer without expiry: %v", offer)
	}
	status, body = ts.call(t, "POST", fmt.Sprintf("/api/v1/bookings/%d/accept", int64(offer["id"].(float64))), w.adaTok, nil)
	if status != 200 || body["status"] != "confirmed" {
		t.Errorf("accept: %d %v", status, body)
	}

	// Approval: a pending booking, declined with a note the member reads.
	room := w.MustCreateResource(t, "Guest room", "guest_room")
	if status, body = ts.call(t, "PUT", fmt.Sprintf("/api/v1/resources/%d/rules", room), w.coordTok, map[string]any{"approval_required": true}); status != 200 {
		t.Fatalf("rules: %d %v", status, body)
	}
	status, body = w.bookAPI(t, w.visTok, room, w.day(20, 15, 0), w.day(22, 11, 0))
	if status != 201 || body["status"] != "pending" {
		t.Fatalf("pending: %d %v", status, body)
	}
	pending := int64(body["id"].(float64))
	status, body = ts.call(t, "GET", "/api/v1/approvals", w.adaTok, nil)
	if status != 403 {
		t.Errorf("resident lists approvals: %d", status)
	}
	status, body = ts.call(t, "GET", "/api/v1/approvals", w.coordTok, nil)
	if list, _ := body["bookings"].([]any); status != 200 || len(list) != 1 {
		t.Errorf("approvals: %d %v", status, body)
	}
	status, body = ts.call(t, "POST", fmt.Sprintf("/api/v1/bookings/%d/decline", pending), w.coordTok, map[string]string{"note": "Family visit that week."})
	if status != 200 || body["status"] != "declined" {
		t.Errorf("decline: %d %v", status, body)
	}
	status, body = ts.call(t, "GET", fmt.Sprintf("/api/v1/bookings/%d", pending), w.visTok, nil)
	if status != 200 || body["note"] != "Family visit that week." {
		t.Errorf("member sees the decline: %d %v", status, body)
	}
	status, _ = ts.call(t, "GET", fmt.Sprintf("/api/v1/bookings/%d", pending), w.benTok, nil)
	if status != 404 {
		t.Errorf("someone else's booking: %d", status)
	}
}

// TestResidentsSpaceIsNotOfferedToTheTreasurer: the booking engine lets a
// residents' space be booked by the site's residents and coordinators
// only, so the treasurer, who lives elsewhere, is not told may_book nor
// shown the booking form that would only be refused.
func TestResidentsSpaceIsNotOfferedToTheTreasurer(t *testing.T) {
	t.Parallel()
	w := newBookingWorld(t)
	ts := w.ts
	admin := apptest.MustCreateMember(t, ts.DB, "Tamsin Reyes", app.RoleAdmin)
	laundry := w.MustCreateResource(t, "Laundry", "laundry")
	if status, body := ts.call(t, "PUT", fmt.Sprintf("/api/v1/resources/%d/rules", laundry), w.coordTok, map[string]any{"who_may_book": "residents"}); status != 200 {
		t.Fatalf("set rules: %d %v", status, body)
	}
	adminTok := ts.token(t, admin)
	for _, tt := range []struct {
		who   string
		token string
		want  bool
	}{{"a resident", w.adaTok, true}, {"the coordinator", w.coordTok, true}, {"a visitor", w.visTok, false}, {"the treasurer", adminTok, false}} {
		status, body := ts.call(t, "GET", fmt.Sprintf("/api/v1/resources/%d", laundry), tt.token, nil)
		if got := body["may_book"]; status != 200 || got != tt.want {
			t.Errorf("%s reads may_book: %d %v, want %v", tt.who, status, got, tt.want)
		}
	}
	status, body := w.bookAPI(t, adminTok, laundry, w.day(2, 9, 0), w.day(2, 10, 0))
	if status != 422 || errorCode(body) != "not_allowed_to_book" {
		t.Errorf("the treasurer books the residents' laundry: %d %v", status, body)
	}
	if _, page := signInPages(t, ts, admin).get(fmt.Sprintf("/spaces/%d", laundry)); strings.Contains(page, fmt.Sprintf(`action="/spaces/%d/book"`, laundry)) {
		t.Errorf("the space page offers the treasurer a booking form")
	}
}
