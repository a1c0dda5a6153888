package lottery_test

import (
	"context"
	"encoding/hex"
	"fmt"
	"testing"
	"time"

	"hearth/app"
	"hearth/app/apptest"
	"hearth/housing/booking"
	"hearth/housing/lottery"
	"hearth/housing/lottery/lotterytest"
)

// TestOpenCommitsToASecretSeed: the window publishes the SHA-256 of a seed
// that nobody sees before the draw and that can never change.
func TestOpenCommitsToASecretSeed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t, 1)
	win := w.mustOpen(t, w.newYear(1))
	if got, want := len(win.SeedHash), 32; got != want {
		t.Fatalf("seed hash: %d bytes, want %d", got, want)
	}
	rec, err := w.svc.Record(ctx, win.ID)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Seed != "" || rec.Entrants != nil || rec.Result != nil {
		t.Errorf("the record of an open window shows more than its commitment: %+v", rec)
	}
	if got, want := rec.SeedHash, hex.EncodeToString(win.SeedHash); got != want {
		t.Errorf("record seed hash: got %s, want %s", got, want)
	}
	if got, want := len(rec.Slots), 2; got != want {
		t.Errorf("slots: got %d, want %d", got, want)
	}
	for name, stmt := range map[string]string{
		"seed":        `UPDATE lottery_windows SET seed = sha256(seed), seed_hash = sha256(sha256(seed)) WHERE id = $1`,
		"closes_at":   `UPDATE lottery_windows SET closes_at = closes_at + interval '1 day' WHERE id = $1`,
		"early draw":  `UPDATE lottery_windows SET status = 'drawn', drawn_at = now(), drawn_by = opened_by WHERE id = $1`,
		"delete":      `DELETE FROM lottery_windows WHERE id = $1`,
		"extra slot":  `INSERT INTO lottery_slots (site_id, window_id, label, during) SELECT site_id, id, 'x', tstzrange(closes_at + interval '400 days', closes_at + interval '401 days') FROM lottery_windows WHERE id = $1`,
		"slot change": `UPDATE lottery_slots SET label = 'other' WHERE window_id = $1`,
	} {
		if _, err := w.db.Exec(stmt, win.ID); err == nil {
			t.Errorf("%s: the database let it change", name)
		}
	}
}

func TestOpenRefusesWhatCannotBeDrawn(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t, 1)
	first := w.mustOpen(t, w.newYear(1))

	// A booking made outside the lottery, on a later night.
	later := shifted(w.newYear(1), 5)
	if _, err := w.bookings.Create(ctx, w.residents[0], booking.Request{ResourceID: w.room, MemberID: w.residents[0].ID,
		StartsAt: later.Slots[0].StartsAt, EndsAt: later.Slots[0].EndsAt, Allocated: true}); err != nil {
		t.Fatal(err)
	}

	for _, c := range []struct {
		name   string
		change func(n *lottery.NewWindow)
		by     *app.Principal
		want   string
	}{
		{"not a coordinator", func(n *lottery.NewWindow) {}, w.residents[0], "forbidden"},
		{"same nights as another window", func(n *lottery.NewWindow) {}, w.coordinator, "window_overlaps"},
		{"closes in the past", func(n *lottery.NewWindow) { n.ClosesAt = time.Now().Add(-time.Hour) }, w.coordinator, "closes_in_past"},
		{"no slots", func(n *lottery.NewWindow) { n.Slots = nil }, w.coordinator, "no_slots"},
		{"slot before the close", func(n *lottery.NewWindow) { n.ClosesAt = n.Slots[1].StartsAt.Add(time.Hour) }, w.coordinator, "slot_before_close"},
		{"overlapping slots", func(n *lottery.NewWindow) { n.Slots[1].StartsAt = n.Slots[0].StartsAt.Add(time.Hour) }, w.coordinator, "slots_overlap"},
		{"zero members", func(n *lottery.NewWindow) { n.SlotsPerMember = 0 }, w.coordinator, "invalid_slots_per_member"},
		{"blank title", func(n *lottery.NewWindow) { n.Title = "  " }, w.coordinator, "invalid_title"},
		{"slot already booked", func(n *lottery.NewWindow) { n.Slots = later.Slots[:1] }, w.coordinator, "booking_conflict"},
	} {
		n := w.newYear(1)
		if c.name != "same nights as another window" {
			// Move clear of the first window unless the case is about it.
			n = shifted(n, 30)
		}
		c.change(&n)
		_, err := w.svc.Open(ctx, c.by, n)
		if got := apptest.Code(err); got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
	// A slot longer than the room's rules allow is refused when the window
	// opens rather than at the draw.
	if _, err := w.db.Exec(`UPDATE resources SET max_minutes = 600 WHERE id = $1`, w.room); err != nil {
		t.Fatal(err)
	}
	n := w.newYear(1)
	for i := range n.Slots {
		n.Slots[i].StartsAt = n.Slots[i].StartsAt.AddDate(0, 0, 60)
		n.Slots[i].EndsAt = n.Slots[i].EndsAt.AddDate(0, 0, 60)
	}
	if _, err := w.svc.Open(ctx, w.coordinator, n); apptest.Code(err) != "too_long" {
		t.Errorf("slot too long for the rules: got %v", err)
	}
	var windows int
	w.db.Get(&windows, `SELECT count(*) FROM lottery_windows`)
	if got, want := windows, 1; got != want {
		t.Errorf("windows after refusals: got %d, want %d (only %d)", got, want, first.ID)
	}
	var bookings int
	w.db.Get(&bookings, `SELECT count(*) FROM bookings`)
	if got, want := bookings, 1; got != want {
		t.Errorf("bookings after refusals: got %d, want %d: trying slots must leave none behind", got, want)
	}
}

// TestRequestsAreFrozenAtClose: once the window closes, neither the service
// nor a direct write can change a request.
func TestRequestsAreFrozenAtClose(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t, 2)
	win, slots := w.mustOpenNewYear(t)
	mustRequest(t, w.svc, w.residents[0], win.ID, slots[1].ID, slots[0].ID)
	mustRequest(t, w.svc, w.residents[0], win.ID, slots[0].ID) // a change replaces the request
	got, err := w.svc.Request(ctx, w.residents[0], win.ID)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != fmt.Sprint([]int64{slots[0].ID}) {
		t.Errorf("request after change: got %v", got)
	}
	for name, ids := range map[string][]int64{
		"unknown_slot":   {999999},
		"duplicate_slot": {slots[0].ID, slots[0].ID},
		"no_preferences": {},
	} {
		if err := w.svc.SetRequest(ctx, w.residents[1], win.ID, ids); apptest.Code(err) != name {
			t.Errorf("%s: got %v", name, err)
		}
	}
	outsider := mustPrincipal(t, w.db, apptest.MustCreateMember(t, w.db, "Visitor", app.RoleMember))
	if err := w.svc.SetRequest(ctx, outsider, win.ID, []int64{slots[0].ID}); apptest.Code(err) != "not_eligible" {
		t.Errorf("a member of another site entering a residents' lottery: got %v", err)
	}

	lotterytest.MustClose(t, w.db, win.ID)
	if err := w.svc.SetRequest(ctx, w.residents[1], win.ID, []int64{slots[0].ID}); apptest.Code(err) != "window_closed" {
		t.Errorf("request after close: got %v", err)
	}
	if err := w.svc.Withdraw(ctx, w.residents[0], win.ID); apptest.Code(err) != "window_closed" {
		t.Errorf("withdraw after close: got %v", err)
	}
	if _, err := w.db.Exec(`INSERT INTO lottery_requests (site_id, window_id, member_id, slot_id, rank) VALUES ($1, $2, $3, $4, 1)`,
		w.site.ID, win.ID, w.residents[1].ID, slots[1].ID); err == nil {
		t.Error("the database took a request after the close")
	}
	if _, err := w.db.Exec(`DELETE FROM lottery_requests WHERE window_id = $1`, win.ID); err == nil {
		t.Error("the database let a frozen request be deleted")
	}
}

// TestDrawBooksTheWinnersAndVerifies runs a whole window: requests, close,
// draw; the seed is revealed and hashes to the commitment, the winners hold
// confirmed bookings, and the published record re-runs to the same result.
func TestDrawBooksTheWinnersAndVerifies(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t, 4)
	win, slots := w.mustOpenNewYear(t)
	for _, r := range w.residents {
		mustRequest(t, w.svc, r, win.ID, slots[1].ID, slots[0].ID)
	}
	if _, err := w.svc.Draw(ctx, w.coordinator, win.ID); apptest.Code(err) != "window_still_open" {
		t.Errorf("draw before the close: got %v", err)
	}
	lotterytest.MustClose(t, w.db, win.ID)
	if _, err := w.svc.Draw(ctx, w.residents[0], win.ID); apptest.Code(err) != "forbidden" {
		t.Errorf("draw by a resident: got %v", err)
	}
	rec, err := w.svc.Draw(ctx, w.coordinator, win.ID)
	if err != nil {
		t.Fatalf("Draw: %v", err)
	}
	seed, _ := hex.DecodeString(rec.Seed)
	if got, want := hex.EncodeToString(lottery.SeedHash(seed)), hex.EncodeToString(win.SeedHash); got != want {
		t.Errorf("revealed seed hashes to %s, committed %s", got, want)
	}
	if got, want := len(rec.Entrants), 4; got != want {
		t.Errorf("entrants: got %d, want %d", got, want)
	}
	if got, want := len(rec.Result.Allocations), 2; got != want {
		t.Fatalf("allocations: got %d, want %d", got, want)
	}
	v, err := lottery.Verify(rec)
	if err != nil || !v.OK() {
		t.Errorf("Verify: %v %+v", err, v.Checks)
	}
	_, stored, err := w.svc.VerifyStored(ctx, win.ID)
	if err != nil || !stored.OK() {
		t.Errorf("VerifyStored: %v %+v", err, stored.Checks)
	}
	for _, a := range rec.Result.Allocations {
		var status string
		if err := w.db.Get(&status, `
			SELECT b.status FROM lottery_allocations a JOIN bookings b ON b.id = a.booking_id
			WHERE a.window_id = $1 AND a.slot_id = $2 AND b.member_id = $3`, win.ID, a.SlotID, a.MemberID); err != nil {
			t.Fatalf("booking of %+v: %v", a, err)
		}
		if got, want := status, "confirmed"; got != want {
			t.Errorf("booking of %+v: got %s, want %s", a, got, want)
		}
	}
	if _, err := w.svc.Draw(ctx, w.coordinator, win.ID); apptest.Code(err) != "already_drawn" {
		t.Errorf("second draw: got %v", err)
	}
	for name, stmt := range map[string]string{
		"allocation": `DELETE FROM lottery_allocations WHERE window_id = $1`,
		"entrant":    `UPDATE lottery_entrants SET past_allocations = 9 WHERE window_id = $1`,
		"status":     `UPDATE lottery_windows SET status = 'open', drawn_at = NULL, drawn_by = NULL WHERE id = $1`,
	} {
		if _, err := w.db.Exec(stmt, win.ID); err == nil {
			t.Errorf("%s: the database let a drawn result change", name)
		}
	}

	// A tampered record no longer verifies.
	tampered := rec
	tampered.Result = &lottery.DrawResult{Order: rec.Result.Order, Allocations: rec.Result.Allocations[:1]}
	if v, err := lottery.Verify(tampered); err != nil || v.OK() {
		t.Errorf("a record missing an allocation verified: %v", err)
	}
	tampered = rec
	tampered.SeedHash = hex.EncodeToString(make([]byte, 32))
	if v, err := lottery.Verify(tampered); err != nil || v.OK() {
		t.Errorf("a record with another commitment verified: %v", err)
	}
}

// TestDrawSetsAsideWhatCanNoLongerBeBooked: a night booked outside the
// lottery after the window opened is published as unavailable, and a member
// who moved away is set aside; the draw still runs and verifies.
func TestDrawSetsAsideWhatCanNoLongerBeBooked(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t, 3)
	win, slots := w.mustOpenNewYear(t)
	for _, r := range w.residents {
		mustRequest(t, w.svc, r, win.ID, slots[0].ID, slots[1].ID)
	}
	if _, err := w.bookings.Create(ctx, w.coordinator, booking.Request{ResourceID: w.room, MemberID: w.coordinator.ID,
		StartsAt: slots[1].StartsAt, EndsAt: slots[1].EndsAt, Allocated: true}); err != nil {
		t.Fatal(err)
	}
	moved := w.residents[2]
	if _, err := w.db.Exec(`UPDATE residencies SET ends_on = current_date - 1 WHERE member_id = $1`, moved.ID); err != nil {
		t.Fatal(err)
	}
	rec := w.mustCloseAndDraw(t, win.ID)
	if got, want := fmt.Sprint(rec.SetAside), fmt.Sprint([]int64{moved.ID}); got != want {
		t.Errorf("set aside: got %s, want %s", got, want)
	}
	if rec.Slots[1].Available {
		t.Error("the night booked outside the lottery is published as available")
	}
	if got, want := len(rec.Result.Allocations), 1; got != want {
		t.Errorf("allocations: got %d, want %d", got, want)
	}
	_, v, err := w.svc.VerifyStored(ctx, win.ID)
	if err != nil || !v.OK() {
		t.Errorf("VerifyStored: %v %+v", err, v.Checks)
	}
}

// TestPastAllocationsLowerTheWeight: a member who won a window counts one
// past allocation in the next window of the year, and the published weight
// says 1/2; the history check of the stored verification agrees.
func TestPastAllocationsLowerTheWeight(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t, 2)
	first, firstSlots := w.mustOpenNewYear(t)
	mustRequest(t, w.svc, w.residents[0], first.ID, firstSlots[0].ID)
	w.mustCloseAndDraw(t, first.ID)

	second := w.mustOpen(t, shifted(w.newYear(1), 7))
	secondSlots := w.mustSlots(t, second.ID)
	for _, r := range w.residents {
		mustRequest(t, w.svc, r, second.ID, secondSlots[0].ID)
	}
	rec := w.mustCloseAndDraw(t, second.ID)
	weights := map[int64]string{}
	for _, e := range rec.Entrants {
		weights[e.MemberID] = e.Weight
	}
	if got, want := weights[w.residents[0].ID], "1/2"; got != want {
		t.Errorf("weight of last window's winner: got %s, want %s", got, want)
	}
	if got, want := weights[w.residents[1].ID], "1"; got != want {
		t.Errorf("weight of a member without allocations: got %s, want %s", got, want)
	}
	_, v, err := w.svc.VerifyStored(ctx, second.ID)
	if err != nil || !v.OK() {
		t.Errorf("VerifyStored: %v %+v", err, v.Checks)
	}

	usage, err := w.svc.Usage(ctx, w.site.ID, time.Now(), time.Now().AddDate(2, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(usage.Resources), 1; got != want {
		t.Fatalf("usage resources: got %d, want %d", got, want)
	}
	room := usage.Resources[0]
	if got, want := fmt.Sprint(room.Windows, room.Allocated), "2 2"; got != want {
		t.Errorf("windows and allocated: got %s, want %s", got, want)
	}
	byMember := map[int64]lottery.MemberUsage{}
	for _, m := range room.Members {
		byMember[m.MemberID] = m
	}
	// Resident 0 entered both windows: fair share 1 (alone) + 1/2 = 1.5.
	a := byMember[w.residents[0].ID]
	if got, want := fmt.Sprint(a.Windows, a.FairShare), "2 1.5"; got != want {
		t.Errorf("resident 0 windows and fair share: got %s, want %s", got, want)
	}
	b := byMember[w.residents[1].ID]
	if got, want := fmt.Sprintf("%d %s %s", b.Windows, b.FairShare, b.Unit), "1 0.5 RB"; got != want {
		t.Errorf("resident 1 windows, fair share, unit: got %s, want %s", got, want)
	}
	if got, want := a.Received+b.Received, 2; got != want {
		t.Errorf("received in total: got %d, want %d", got, want)
	}
	if a.Nights != a.Received {
		t.Errorf("one-night slots: %d nights for %d slots", a.Nights, a.Received)
	}
}

// TestConcurrentDrawsDrawOnce: coordinators pressing "draw" at the same
// time get one draw; the others learn it was already drawn.
func TestConcurrentDrawsDrawOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t, 3)
	win, slots := w.mustOpenNewYear(t)
	for _, r := range w.residents {
		mustRequest(t, w.svc, r, win.ID, slots[0].ID, slots[1].ID)
	}
	lotterytest.MustClose(t, w.db, win.ID)
	const racers = 10
	codes := make(chan string, racers)
	start := make(chan struct{})
	for range racers {
		go func() {
			<-start
			_, err := w.svc.Draw(ctx, w.coordinator, win.ID)
			codes <- apptest.Code(err)
		}()
	}
	close(start)
	got := map[string]int{}
	for range racers {
		got[<-codes]++
	}
	if want := map[string]int{"": 1, "already_drawn": racers - 1}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("outcomes: got %v, want %v", got, want)
	}
	var bookings int
	w.db.Get(&bookings, `SELECT count(*) FROM bookings`)
	if got, want := bookings, 2; got != want {
		t.Errorf("bookings: got %d, want %d", got, want)
	}
}
