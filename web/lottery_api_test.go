package web_test

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"hearth/app"
	"hearth/app/apptest"
	"hearth/housing/booking"
	"hearth/housing/lottery"
	"hearth/housing/lottery/lotterytest"
)

// lotteryCast is Elm Court with a guest room for its residents, its
// coordinator Chloé, residents Ada, Ben and Dev, and Farid from another site.
type lotteryCast struct {
	ts                          *testServer
	site                        apptest.Site
	room                        int64
	chloe, ada, ben, dev, farid app.Member
	tokens                      map[string]string
}

func newLotteryCast(t *testing.T) *lotteryCast {
	t.Helper()
	ts := newTestServer(t)
	c := &lotteryCast{ts: ts, tokens: map[string]string{}}
	c.site = apptest.MustCreateSite(t, ts.DB, "Elm Court", "America/Los_Angeles")
	harbor := apptest.MustCreateSite(t, ts.DB, "Harbor House", "America/Halifax")
	r, err := (&booking.Service{DB: ts.DB}).CreateResource(context.Background(),
		&app.Principal{Member: app.Member{Role: app.RoleAdmin}}, booking.NewResource{SiteID: c.site.ID, Name: "Guest room", Kind: booking.GuestRoom})
	if err != nil {
		t.Fatal(err)
	}
	c.room = r.ID
	if _, err := ts.DB.Exec(`UPDATE resources SET who_may_book = 'residents' WHERE id = $1`, c.room); err != nil {
		t.Fatal(err)
	}
	for _, p := range []struct {
		m    *app.Member
		name string
		site apptest.Site
	}{
		{&c.chloe, "Chloé Martin", c.site}, {&c.ada, "Ada Okafor", c.site}, {&c.ben, "Ben Lindqvist", c.site},
		{&c.dev, "Dev Patel", c.site}, {&c.farid, "Farid Haddad", harbor},
	} {
		*p.m = apptest.MustCreateMember(t, ts.DB, p.name, app.RoleMember)
		unit := apptest.MustCreateUnit(t, ts.DB, p.site.ID, p.name[:3], "900.00")
		apptest.MustAddResidency(t, ts.DB, p.site.ID, unit, p.m.ID, "2024-01-01")
		c.tokens[p.name[:3]] = ts.token(t, *p.m)
	}
	apptest.MustMakeCoordinator(t, ts.DB, c.site.ID, c.chloe.ID)
	return c
}

// newYearWindow is the body that opens a window over two nights next winter.
func newYearWindow() map[string]any {
	year := time.Now().Year() + 1
	return map[string]any{
		"title":            "New Year in the guest room",
		"closes_at":        time.Now().Add(14 * 24 * time.Hour).Format(time.RFC3339),
		"slots_per_member": 1,
		"nights": map[string]any{
			"first_night": fmt.Sprintf("%d-12-30", year), "last_night": fmt.Sprintf("%d-12-31", year),
			"check_in": "15:00", "check_out": "11:00", "nights_per_slot": 1,
		},
	}
}

func slotIDs(t *testing.T, window map[string]any) []int64 {
	t.Helper()
	slots, _ := window["slots"].([]any)
	var ids []int64
	for _, s := range slots {
		ids = append(ids, int64(s.(map[string]any)["id"].(float64)))
	}
	return ids
}

// TestLotteryAPIWholeWindow opens a window, takes requests, refuses what
// breaks the rules, closes, draws, and checks that the revealed seed hashes
// to the commitment and the published record re-runs to the same result.
func TestLotteryAPIWholeWindow(t *testing.T) {
	t.Parallel()
	c := newLotteryCast(t)
	ts := c.ts
	open := fmt.Sprintf("/api/v1/resources/%d/lottery-windows", c.room)

	if status, body := ts.call(t, "POST", open, c.tokens["Ada"], newYearWindow()); status != 403 {
		t.Errorf("resident opens a window: %d %v", status, body)
	}
	past := newYearWindow()
	past["closes_at"] = time.Now().Add(-time.Hour).Format(time.RFC3339)
	if status, body := ts.call(t, "POST", open, c.tokens["Chl"], past); status != 422 || errorCode(body) != "closes_in_past" {
		t.Errorf("window closing in the past: %d %v", status, body)
	}
	if status, body := ts.call(t, "POST", open, c.tokens["Chl"], `{"title": 5}`); status != 400 {
		t.Errorf("malformed window: %d %v", status, body)
	}
	if status, _ := ts.call(t, "POST", "/api/v1/resources/999999/lottery-windows", c.tokens["Chl"], newYearWindow()); status != 404 {
		t.Errorf("window of an unknown resource: %d", status)
	}
	status, win := ts.call(t, "POST", open, c.tokens["Chl"], newYearWindow())
	if status != 201 {
		t.Fatalf("open window: %d %v", status, win)
	}
	if _, shown := win["seed"]; shown {
		t.Error("the seed is shown when the window opens")
	}
	commitment, _ := win["seed_sha256"].(string)
	if len(commitment) != 64 {
		t.Fatalf("seed_sha256 %q", commitment)
	}
	if status, body := ts.call(t, "POST", open, c.tokens["Chl"], newYearWindow()); status != 409 || errorCode(body) != "window_overlaps" {
		t.Errorf("second window over the same nights: %d %v", status, body)
	}

	id := int64(win["id"].(float64))
	path := fmt.Sprintf("/api/v1/lottery-windows/%d", id)
	_, detail := ts.call(t, "GET", path, c.tokens["Ada"], nil)
	slots := slotIDs(t, detail)
	if len(slots) != 2 || detail["phase"] != "open" || detail["may_enter"] != true {
		t.Fatalf("window as Ada sees it: %v", detail)
	}
	if got, want := detail["closes_at"].(string)[19:], "-08:00"; got != want {
		t.Errorf("closes_at offset %s, want the site's %s", got, want)
	}
	for _, who := range []string{"Ada", "Ben", "Dev"} {
		if status, body := ts.call(t, "PUT", path+"/request", c.tokens[who], map[string]any{"slot_ids": []int64{slots[1], slots[0]}}); status != 200 {
			t.Fatalf("%s's request: %d %v", who, status, body)
		}
	}
	if status, body := ts.call(t, "PUT", path+"/request", c.tokens["Far"], map[string]any{"slot_ids": []int64{slots[0]}}); status != 403 || errorCode(body) != "not_eligible" {
		t.Errorf("a member of another site enters a residents' lottery: %d %v", status, body)
	}
	if status, body := ts.call(t, "PUT", path+"/request", c.tokens["Ada"], map[string]any{"slot_ids": []int64{slots[0], slots[0]}}); status != 422 || errorCode(body) != "duplicate_slot" {
		t.Errorf("a slot ranked twice: %d %v", status, body)
	}
	if _, mine := ts.call(t, "GET", path+"/request", c.tokens["Ada"], nil); fmt.Sprint(mine["slot_ids"]) != fmt.Sprint([]any{float64(slots[1]), float64(slots[0])}) {
		t.Errorf("Ada's request after a refused change: %v", mine)
	}
	if status, body := ts.call(t, "POST", path+"/draw", c.tokens["Chl"], nil); status != 422 || errorCode(body) != "window_still_open" {
		t.Errorf("draw while open: %d %v", status, body)
	}
	if _, rec := ts.call(t, "GET", path+"/record", c.tokens["Ada"], nil); rec["seed"] != nil || rec["entrants"] != nil {
		t.Errorf("the record before the draw shows the seed or the requests: %v", rec)
	}

	lotterytest.MustClose(t, ts.DB, id)
	if status, body := ts.call(t, "PUT", path+"/request", c.tokens["Ben"], map[string]any{"slot_ids": []int64{slots[0]}}); status != 422 || errorCode(body) != "window_closed" {
		t.Errorf("request after close: %d %v", status, body)
	}
	if status, _ := ts.call(t, "POST", path+"/draw", c.tokens["Ada"], nil); status != 403 {
		t.Errorf("resident draws: %d", status)
	}
	status, drawn := ts.call(t, "POST", path+"/draw", c.tokens["Chl"], nil)
	if status != 200 {
		t.Fatalf("draw: %d %v", status, drawn)
	}
	seed, _ := hex.DecodeString(drawn["seed"].(string))
	if got := hex.EncodeToString(lottery.SeedHash(seed)); got != commitment {
		t.Errorf("revealed seed hashes to %s, the commitment was %s", got, commitment)
	}
	if status, body := ts.call(t, "POST", path+"/draw", c.tokens["Chl"], nil); status != 409 || errorCode(body) != "already_drawn" {
		t.Errorf("second draw: %d %v", status, body)
	}

	// Anyone re-running the published record gets the same result.
	_, published := ts.call(t, "GET", path+"/record", c.tokens["Far"], nil)
	raw, _ := json.Marshal(published)
	var rec lottery.Record
	if err := json.Unmarshal(raw, &rec); err != nil {
		t.Fatal(err)
	}
	v, err := lottery.Verify(rec)
	if err != nil || !v.OK() {
		t.Errorf("verify the published record: %v %+v", err, v.Checks)
	}
	if got, want := len(rec.Result.Allocations), 2; got != want {
		t.Fatalf("allocations: got %d, want %d", got, want)
	}
	// The winners hold confirmed bookings of their nights.
	for _, a := range rec.Result.Allocations {
		var status string
		err := ts.DB.Get(&status, `SELECT b.status FROM bookings b JOIN lottery_slots s ON s.during = b.during
			WHERE s.id = $1 AND b.member_id = $2`, a.SlotID, a.MemberID)
		if err != nil || status != "confirmed" {
			t.Errorf("booking of %+v: %q %v", a, status, err)
		}
	}

	status, usage := ts.call(t, "GET", fmt.Sprintf("/api/v1/sites/%d/lottery-usage", c.site.ID), c.tokens["Ben"], nil)
	resources, _ := usage["resources"].([]any)
	if status != 200 || len(resources) != 1 {
		t.Fatalf("usage: %d %v", status, usage)
	}
	members := resources[0].(map[string]any)["members"].([]any)
	if got, want := len(members), 3; got != want {
		t.Errorf("households in usage: got %d, want %d", got, want)
	}
	if share := members[0].(map[string]any)["fair_share"]; share != "0.67" {
		t.Errorf("fair share of 2 slots among 3: got %v, want \"0.67\"", share)
	}
	if status, body := ts.call(t, "GET", fmt.Sprintf("/api/v1/sites/%d/lottery-usage?from=2027-13-01", c.site.ID), c.tokens["Ben"], nil); status != 400 {
		t.Errorf("usage with a bad date: %d %v", status, body)
	}
}

// TestLotteryAPIWindowHoldsItsNights: while a window is undrawn, a resident
// who books one of its nights through the ordinary booking route is told to
// enter the lottery; a night outside the window books as usual, and the
// nights are free to book once the window is cancelled.
func TestLotteryAPIWindowHoldsItsNights(t *testing.T) {
	t.Parallel()
	c := newLotteryCast(t)
	ts := c.ts
	status, win := ts.call(t, "POST", fmt.Sprintf("/api/v1/resources/%d/lottery-windows", c.room), c.tokens["Chl"], newYearWindow())
	if status != 201 {
		t.Fatalf("open window: %d %v", status, win)
	}
	windowPath := fmt.Sprintf("/api/v1/lottery-windows/%d", int64(win["id"].(float64)))
	if status, win = ts.call(t, "GET", windowPath, c.tokens["Ada"], nil); status != 200 {
		t.Fatalf("window: %d %v", status, win)
	}
	night := win["slots"].([]any)[0].(map[string]any)
	start, _ := time.Parse(time.RFC3339, night["starts_at"].(string))
	end, _ := time.Parse(time.RFC3339, night["ends_at"].(string))
	book := func(start, end time.Time) (int, map[string]any) {
		return ts.call(t, "POST", fmt.Sprintf("/api/v1/resources/%d/bookings", c.room), c.tokens["Ada"],
			map[string]string{"starts_at": start.Format(time.RFC3339), "ends_at": end.Format(time.RFC3339)})
	}

	status, body := book(start, end)
	e, _ := body["error"].(map[string]any)
	if status != 422 || e["code"] != "held_for_lottery" ||
		e["message"] != "This time is being allocated by the lottery “New Year in the guest room”: enter the lottery instead." {
		t.Errorf("booking a night of the lottery: %d %v", status, body)
	}
	if status, body := book(start.AddDate(0, 0, -3), end.AddDate(0, 0, -3)); status != 201 {
		t.Errorf("booking a night before the lottery's: %d %v", status, body)
	}
	if status, body := ts.call(t, "POST", windowPath+"/cancel", c.tokens["Chl"], nil); status >= 300 {
		t.Fatalf("cancel window: %d %v", status, body)
	}
	if status, body := book(start, end); status != 201 {
		t.Errorf("booking the night once the lottery is cancelled: %d %v", status, body)
	}
}
