package booking_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"hearth/app"
	"hearth/app/apptest"
	"hearth/housing"
	"hearth/housing/booking"
)

func (f *fixture) as(m app.Member) *app.Principal {
	p := &app.Principal{Member: m}
	if m.ID == f.coordinator.ID {
		p.CoordinatorOf = []int64{f.site.ID}
	}
	return p
}

// TestApprovalHoldsTheSlotUntilDecided: a pending booking blocks its time;
// a decline frees it and the member sees the coordinator's note.
func TestApprovalHoldsTheSlotUntilDecided(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	room := f.MustCreateResource(t, "Guest room", booking.GuestRoom, booking.Rules{ApprovalRequired: true})
	b := f.MustBook(t, room, f.visitor, f.at(13, 15, 0), f.at(15, 11, 0))
	if got, want := b.Status, booking.Pending; got != want {
		t.Fatalf("status: got %s, want %s", got, want)
	}
	if _, err := f.book(room, f.resident, f.at(14, 15, 0), f.at(15, 10, 0)); apptest.Code(err) != "booking_conflict" {
		t.Errorf("pending booking does not hold its slot: %v", err)
	}
	if _, err := f.svc.Approve(ctx, f.as(f.neighbour), b.ID, ""); apptest.Code(err) != "forbidden" {
		t.Errorf("a resident approves: got %v, want forbidden", err)
	}
	declined, err := f.svc.Decline(ctx, f.as(f.coordinator), b.ID, "The room is being painted that weekend.")
	if err != nil {
		t.Fatal(err)
	}
	if declined.Status != booking.Declined || declined.Note != "The room is being painted that weekend." {
		t.Errorf("declined: got %s %q", declined.Status, declined.Note)
	}
	if _, err := f.svc.Approve(ctx, f.as(f.coordinator), b.ID, ""); apptest.Code(err) != "booking_not_pending" {
		t.Errorf("approve after decline: got %v, want booking_not_pending", err)
	}
	mine, err := f.svc.Mine(ctx, f.as(f.visitor))
	if err != nil {
		t.Fatal(err)
	}
	if len(mine.Past) != 1 || mine.Past[0].Status != booking.Declined || mine.Past[0].Note == "" {
		t.Errorf("the member does not see the decline: %+v", mine.Past)
	}
	// Freed: another member can book the time now, and an approval confirms.
	again := f.MustBook(t, room, f.resident, f.at(14, 15, 0), f.at(15, 10, 0))
	approved, err := f.svc.Approve(ctx, f.as(f.coordinator), again.ID, "Enjoy!")
	if err != nil {
		t.Fatal(err)
	}
	if approved.Status != booking.Confirmed {
		t.Errorf("approved: got %s", approved.Status)
	}
}

// TestWaitlistOffersFreedSlotInTurn: when a taken slot is freed, the first
// member waiting gets an offer that holds it; a lapsed offer passes to the
// next member; an accepted offer becomes a booking.
func TestWaitlistOffersFreedSlotInTurn(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	clock := now
	f.svc.Now = func() time.Time { return clock }
	kitchen := f.MustCreateResource(t, "Kitchen", booking.CommonKitchen, booking.Rules{})
	held := f.MustBook(t, kitchen, f.resident, f.at(10, 18, 0), f.at(10, 22, 0))
	want := booking.Request{ResourceID: kitchen.ID, StartsAt: f.at(10, 18, 0), EndsAt: f.at(10, 21, 0)}

	free := want
	free.MemberID, free.StartsAt, free.EndsAt = f.neighbour.ID, f.at(11, 18, 0), f.at(11, 21, 0)
	if _, err := f.svc.JoinWaitlist(ctx, f.as(f.neighbour), free); apptest.Code(err) != "slot_is_free" {
		t.Errorf("waiting for a free slot: got %v, want slot_is_free", err)
	}
	first, second := want, want
	first.MemberID, second.MemberID = f.neighbour.ID, f.visitor.ID
	if _, err := f.svc.JoinWaitlist(ctx, f.as(f.neighbour), first); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.JoinWaitlist(ctx, f.as(f.neighbour), first); apptest.Code(err) != "already_waiting" {
		t.Errorf("joining twice: got %v, want already_waiting", err)
	}
	if _, err := f.svc.JoinWaitlist(ctx, f.as(f.visitor), second); err != nil {
		t.Fatal(err)
	}

	if _, err := f.svc.Cancel(ctx, f.as(f.neighbour), held.ID, ""); apptest.Code(err) != "forbidden" {
		t.Errorf("cancelling someone else's booking: got %v, want forbidden", err)
	}
	if _, err := f.svc.Cancel(ctx, f.as(f.resident), held.ID, ""); err != nil {
		t.Fatal(err)
	}
	offer := mustOnlyOffer(t, f, f.neighbour)
	if got, want := offer.OfferExpiresAt.Sub(clock), booking.OfferHold; got != want {
		t.Errorf("offer hold: got %s, want %s", got, want)
	}
	// The offer holds the slot against everyone else.
	if _, err := f.book(kitchen, f.coordinator, f.at(10, 19, 0), f.at(10, 20, 0)); apptest.Code(err) != "booking_conflict" {
		t.Errorf("booking an offered slot: got %v, want booking_conflict", err)
	}

	// A day later the offer lapses (noticed on the next read) and passes on.
	clock = clock.Add(booking.OfferHold + time.Minute)
	second2 := mustOnlyOffer(t, f, f.visitor)
	if mine, _ := f.svc.Mine(ctx, f.as(f.neighbour)); len(mine.Offers) != 0 || len(mine.Past) != 1 || mine.Past[0].Status != booking.Lapsed {
		t.Errorf("first member's offer did not lapse: %+v", mine)
	}
	if _, err := f.svc.AcceptOffer(ctx, f.as(f.neighbour), second2.ID); apptest.Code(err) != "not_found" {
		t.Errorf("accepting someone else's offer: got %v, want not_found", err)
	}
	accepted, err := f.svc.AcceptOffer(ctx, f.as(f.visitor), second2.ID)
	if err != nil {
		t.Fatal(err)
	}
	if accepted.Status != booking.Confirmed || !accepted.StartsAt.Equal(f.at(10, 18, 0)) {
		t.Errorf("accepted: got %s at %s", accepted.Status, accepted.StartsAt)
	}
}

func mustOnlyOffer(t *testing.T, f *fixture, m app.Member) booking.Booking {
	t.Helper()
	mine, err := f.svc.Mine(context.Background(), f.as(m))
	if err != nil {
		t.Fatal(err)
	}
	if len(mine.Offers) != 1 {
		t.Fatalf("%s: got %d offers, want 1", m.Name, len(mine.Offers))
	}
	return mine.Offers[0]
}

// TestRecurringBookingsKeepLocalTimeAcrossDST: a weekly 09:00–10:00 slot in
// Berlin stays 09:00–10:00 local when the clocks change on 29 March.
func TestRecurringBookingsKeepLocalTimeAcrossDST(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	laundry := f.MustCreateResource(t, "Laundry", booking.Laundry, booking.Rules{})
	res, err := f.svc.CreateSeries(context.Background(), f.as(f.resident), booking.SeriesRequest{
		Request: booking.Request{ResourceID: laundry.ID, MemberID: f.resident.ID, StartsAt: f.at(23, 9, 0), EndsAt: f.at(23, 10, 0)},
		RRule:   "FREQ=WEEKLY;COUNT=3",
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range res.Occurrences {
		got = append(got, o.Booking.StartsAt.Format(time.RFC3339)+"/"+o.Booking.EndsAt.Format("15:04"))
	}
	want := []string{"2026-03-23T09:00:00+01:00/10:00", "2026-03-30T09:00:00+02:00/10:00", "2026-04-06T09:00:00+02:00/10:00"}
	if len(got) != len(want) {
		t.Fatalf("occurrences: got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("occurrence %d: got %s, want %s", i, got[i], want[i])
		}
	}
}

// TestSeriesReportsConflictsAllOrNothingOrSkip: the answer lists which
// occurrences conflict; all-or-nothing writes nothing, skip books the rest;
// cancelling one occurrence and the rest of the series work.
func TestSeriesReportsConflictsAllOrNothingOrSkip(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	laundry := f.MustCreateResource(t, "Laundry", booking.Laundry, booking.Rules{})
	f.MustBook(t, laundry, f.neighbour, f.at(17, 9, 30), f.at(17, 10, 30)) // the second Tuesday
	req := booking.SeriesRequest{
		Request: booking.Request{ResourceID: laundry.ID, MemberID: f.resident.ID, StartsAt: f.at(10, 9, 0), EndsAt: f.at(10, 10, 0)},
		RRule:   "RRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=4",
	}
	res, err := f.svc.CreateSeries(ctx, f.as(f.resident), req)
	if got, want := apptest.Code(err), "series_refused"; got != want {
		t.Fatalf("all or nothing: got %v, want %s", err, want)
	}
	if app.ErrorKind(err) != app.KindConflict || len(res.Occurrences) != 4 || res.Occurrences[1].Code != "booking_conflict" || res.Created() != 0 {
		t.Errorf("all or nothing: got %v %+v", err, res)
	}
	if n := f.MustCount(t, `SELECT count(*) FROM bookings WHERE member_id = $1`, f.resident.ID); n != 0 {
		t.Errorf("all or nothing wrote %d bookings", n)
	}

	req.SkipConflicts = true
	res, err = f.svc.CreateSeries(ctx, f.as(f.resident), req)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := res.Created(), 3; got != want {
		t.Errorf("skip conflicts: created %d, want %d", got, want)
	}
	if res.Occurrences[1].Booking != nil || res.Occurrences[1].Code != "booking_conflict" {
		t.Errorf("skip conflicts: second occurrence %+v", res.Occurrences[1])
	}

	me := f.as(f.resident)
	if _, err := f.svc.Cancel(ctx, me, res.Occurrences[0].Booking.ID, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.CancelSeries(ctx, f.as(f.neighbour), res.SeriesID, f.at(20, 0, 0)); apptest.Code(err) != "forbidden" {
		t.Errorf("cancelling someone else's series: got %v", err)
	}
	cancelled, err := f.svc.CancelSeries(ctx, me, res.SeriesID, f.at(20, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	if cancelled != 2 {
		t.Errorf("rest of the series: cancelled %d, want 2", cancelled)
	}
}

func TestRRuleLimits(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	laundry := f.MustCreateResource(t, "Laundry", booking.Laundry, booking.Rules{})
	for rule, code := range map[string]string{
		"FREQ=WEEKLY":                         "rrule_unbounded",
		"FREQ=DAILY;COUNT=100000":             "rrule_too_many",
		"FREQ=DAILY;UNTIL=20991231T000000Z":   "rrule_too_many",
		"FREQ=YEARLY;COUNT=5":                 "rrule_too_long",
		"FREQ=HOURLY;COUNT=5":                 "rrule_invalid",
		"FREQ=SOMETIMES;COUNT=5":              "rrule_invalid",
		"DTSTART:20260101T090000\nFREQ=DAILY": "rrule_invalid",
		"":                                    "rrule_invalid",
	} {
		_, err := f.svc.CreateSeries(context.Background(), f.as(f.resident), booking.SeriesRequest{
			Request: booking.Request{ResourceID: laundry.ID, MemberID: f.resident.ID, StartsAt: f.at(10, 9, 0), EndsAt: f.at(10, 10, 0)},
			RRule:   rule,
		})
		if got := apptest.Code(err); got != code {
			t.Errorf("%q: got %q, want %q", rule, got, code)
		}
	}
	if n := f.MustCount(t, `SELECT count(*) FROM booking_series`); n != 0 {
		t.Errorf("refused rules wrote %d series", n)
	}
}

// TestBlackoutCancelsBookingsInside: closing a resource cancels the
// bookings inside the window, with the reason as their note.
func TestBlackoutCancelsBookingsInside(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	w := f.MustCreateResource(t, "Workshop", booking.Workshop, booking.Rules{})
	inside := f.MustBook(t, w, f.resident, f.at(6, 10, 0), f.at(6, 12, 0))
	outside := f.MustBook(t, w, f.resident, f.at(7, 10, 0), f.at(7, 12, 0))
	if _, _, err := f.svc.AddBlackout(ctx, f.as(f.resident), w.ID, f.at(6, 0, 0), f.at(7, 0, 0), "x"); apptest.Code(err) != "forbidden" {
		t.Errorf("a resident adds a blackout: got %v", err)
	}
	_, n, err := f.svc.AddBlackout(ctx, f.as(f.coordinator), w.ID, f.at(6, 0, 0), f.at(7, 0, 0), "sanding the floor")
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("cancelled: got %d, want 1", n)
	}
	b, _ := f.svc.Booking(ctx, admin, inside.ID)
	if b.Status != booking.Cancelled || b.Note != "Cancelled: the space is closed at that time (sanding the floor)." {
		t.Errorf("inside: got %s %q", b.Status, b.Note)
	}
	if b, _ := f.svc.Booking(ctx, admin, outside.ID); b.Status != booking.Confirmed {
		t.Errorf("outside: got %s", b.Status)
	}
}

// TestFreeTime: free time leaves out bookings with their buffers, closed
// hours and blackouts, and what it offers can be booked.
func TestFreeTime(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	hours := booking.WeekHours{{Weekday: time.Wednesday, Opens: 8 * 60, Closes: 20 * 60}}
	r := f.MustCreateResource(t, "Workshop", booking.Workshop, booking.Rules{Hours: hours, BufferMinutes: 15, MinMinutes: 60})
	f.MustBook(t, r, f.resident, f.at(4, 10, 0), f.at(4, 12, 0))
	f.MustBook(t, r, f.resident, f.at(4, 13, 0), f.at(4, 15, 0)) // 12:15–12:45 is too short to offer
	coord := f.as(f.coordinator)
	if _, _, err := f.svc.AddBlackout(ctx, coord, r.ID, f.at(4, 18, 0), f.at(4, 19, 0), ""); err != nil {
		t.Fatal(err)
	}
	res, _ := f.svc.Resource(ctx, r.ID)
	free, err := f.svc.FreeTime(ctx, &res, f.at(2, 0, 0), f.at(9, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, i := range free {
		got = append(got, i.StartsAt.Format("Mon 15:04")+"–"+i.EndsAt.Format("15:04"))
	}
	want := []string{"Wed 08:00–09:45", "Wed 15:15–18:00", "Wed 19:00–20:00"}
	if len(got) != len(want) {
		t.Fatalf("free: got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("free %d: got %s, want %s", i, got[i], want[i])
		}
	}
	for _, i := range free {
		f.MustBook(t, r, f.neighbour, i.StartsAt, i.EndsAt)
	}
}

// TestBlackoutRacingBookingsLeavesNoneInside adds a blackout while members
// book inside it: whichever comes first, no active booking is left in it.
func TestBlackoutRacingBookingsLeavesNoneInside(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	w := f.MustCreateResource(t, "Workshop", booking.Workshop, booking.Rules{})
	var wg sync.WaitGroup
	start := make(chan struct{})
	// 30 members' worth of bookings, four after each other per goroutine,
	// so that bookings are in flight before, during and after the blackout.
	errs := make([]error, 120)
	for g := range 30 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for i := g; i < len(errs); i += 30 {
				from := f.at(12, 2, 0).Add(time.Duration(i) * 10 * time.Minute)
				_, errs[i] = f.book(w, f.resident, from, from.Add(10*time.Minute))
			}
		}()
	}
	var blackoutErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		<-start
		_, _, blackoutErr = f.svc.AddBlackout(ctx, f.as(f.coordinator), w.ID, f.at(12, 0, 0), f.at(13, 0, 0), "burst pipe")
	}()
	close(start)
	wg.Wait()
	if blackoutErr != nil {
		t.Fatal(blackoutErr)
	}
	for _, err := range errs {
		if c := apptest.Code(err); c != "" && c != "in_blackout" {
			t.Errorf("racing booking: got %v, want success or in_blackout", err)
		}
	}
	inside := f.MustCount(t, `
		SELECT count(*) FROM bookings WHERE resource_id = $1 AND status IN ('pending', 'confirmed', 'offered')
		  AND during && tstzrange($2, $3, '[)')`, w.ID, f.at(12, 0, 0), f.at(13, 0, 0))
	if inside != 0 {
		t.Errorf("active bookings inside the blackout: got %d, want 0", inside)
	}
}

// TestZoneChangeWaitsForBookingsInFlight changes a site's time zone while a
// booking of one of its resources is in flight: the change waits for the
// booking's transaction, so that the booking is judged wholly in the old zone.
func TestZoneChangeWaitsForBookingsInFlight(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	w := f.MustCreateResource(t, "Workshop", booking.Workshop, booking.Rules{})
	tx, err := f.db.BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := f.svc.Book(ctx, tx, booking.Request{ResourceID: w.ID, MemberID: f.resident.ID,
		StartsAt: f.at(4, 10, 0), EndsAt: f.at(4, 11, 0)}); err != nil {
		t.Fatal(err)
	}
	changed := make(chan error, 1)
	go func() {
		tokyo := "Asia/Tokyo"
		_, err := (&housing.Service{DB: f.db}).UpdateSite(ctx, admin, f.site.ID, housing.SiteChanges{Timezone: &tokyo})
		changed <- err
	}()
	// The change is seen waiting for the resource's lock before the booking
	// commits; only then does it go through.
	for waiting := 0; waiting == 0; {
		select {
		case err := <-changed:
			t.Fatalf("the zone changed while a booking was in flight (%v)", err)
		default:
		}
		waiting = f.MustCount(t, `SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted
			AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := <-changed; err != nil {
		t.Fatal(err)
	}
}
