package lottery_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"hearth/app"
	"hearth/app/apptest"
	"hearth/housing/booking"
	"hearth/housing/lottery/lotterytest"
)

// TestWindowHoldsItsTimeUntilDrawn: from the moment a window opens until it
// is drawn, its requests closed or not, an ordinary booking or waitlist entry
// of its slots, or of the buffer around them, is refused with
// held_for_lottery; time clear of them can be booked; after the draw a slot
// that nobody won can be booked, and a cancelled window holds nothing.
func TestWindowHoldsItsTimeUntilDrawn(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t, 2)
	if _, err := w.db.Exec(`UPDATE resources SET buffer_minutes = 60 WHERE id = $1`, w.room); err != nil {
		t.Fatal(err)
	}
	win, slots := w.mustOpenNewYear(t)
	ada, ben := w.residents[0], w.residents[1]
	request := func(start, end time.Time) booking.Request {
		return booking.Request{ResourceID: w.room, MemberID: ada.ID, StartsAt: start, EndsAt: end}
	}
	book := func(start, end time.Time) error {
		_, err := w.bookings.Create(ctx, ada, request(start, end))
		return err
	}
	night := slots[0]
	for _, c := range []struct {
		name       string
		start, end time.Time
	}{
		{"the whole night", night.StartsAt, night.EndsAt},
		{"an hour of it", night.StartsAt.Add(2 * time.Hour), night.StartsAt.Add(3 * time.Hour)},
		{"ending within the buffer before check-in", night.StartsAt.Add(-3 * time.Hour), night.StartsAt.Add(-30 * time.Minute)},
		{"starting within the buffer after check-out", night.EndsAt.Add(30 * time.Minute), night.EndsAt.Add(2 * time.Hour)},
	} {
		err := book(c.start, c.end)
		if got, want := apptest.Code(err), "held_for_lottery"; got != want {
			t.Errorf("%s: got %q, want %q", c.name, got, want)
		}
	}
	message := "This time is being allocated by the lottery “New Year in the guest room”: enter the lottery instead."
	if e, ok := app.AsError(book(night.StartsAt, night.EndsAt)); !ok || e.Message != message {
		t.Errorf("message: got %v, want %q", e, message)
	}
	if _, err := w.bookings.JoinWaitlist(ctx, ada, request(night.StartsAt, night.EndsAt)); apptest.Code(err) != "held_for_lottery" {
		t.Errorf("joining the waitlist for a held night: got %v", err)
	}
	room, err := w.bookings.Resource(ctx, w.room)
	if err != nil {
		t.Fatal(err)
	}
	free, err := w.bookings.FreeTime(ctx, &room, night.StartsAt.Add(-6*time.Hour), night.EndsAt.Add(2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range free {
		got = append(got, fmt.Sprintf("%s–%s", f.StartsAt.UTC().Format(time.RFC3339), f.EndsAt.UTC().Format(time.RFC3339)))
	}
	want := []string{
		fmt.Sprintf("%s–%s", night.StartsAt.Add(-6*time.Hour).UTC().Format(time.RFC3339), night.StartsAt.Add(-time.Hour).UTC().Format(time.RFC3339)),
		fmt.Sprintf("%s–%s", night.EndsAt.Add(time.Hour).UTC().Format(time.RFC3339), night.EndsAt.Add(2*time.Hour).UTC().Format(time.RFC3339)),
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("free time around a held night: got %v, want %v", got, want)
	}
	// Ending a buffer before check-in leaves the night free for the draw.
	if err := book(night.StartsAt.Add(-3*time.Hour), night.StartsAt.Add(-time.Hour)); err != nil {
		t.Errorf("booking clear of the slots: %v", err)
	}

	mustRequest(t, w.svc, ben, win.ID, slots[0].ID)
	lotterytest.MustClose(t, w.db, win.ID)
	if err := book(slots[1].StartsAt, slots[1].EndsAt); apptest.Code(err) != "held_for_lottery" {
		t.Errorf("booking a night of a closed window before its draw: got %v", err)
	}
	if _, err := w.svc.Draw(ctx, w.coordinator, win.ID); err != nil {
		t.Fatalf("Draw: %v", err)
	}
	if err := book(slots[1].StartsAt, slots[1].EndsAt); err != nil {
		t.Errorf("booking the night nobody won, after the draw: %v", err)
	}
	if err := book(slots[0].StartsAt, slots[0].EndsAt); apptest.Code(err) != "booking_conflict" {
		t.Errorf("booking the night Ben won: got %v", err)
	}

	earlier := shifted(w.newYear(1), -14)
	cancelled := w.mustOpen(t, earlier)
	if err := w.svc.Cancel(ctx, w.coordinator, cancelled.ID); err != nil {
		t.Fatal(err)
	}
	if err := book(earlier.Slots[0].StartsAt, earlier.Slots[0].EndsAt); err != nil {
		t.Errorf("booking a night of a cancelled window: %v", err)
	}
}

// TestBookingWhileAWindowOpensWaitsForIt: a booking of a night made while
// a window over it is being opened waits for the opening to commit, then
// finds the night held; it never slips in before the window is seen.
func TestBookingWhileAWindowOpensWaitsForIt(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t, 1)
	n := w.newYear(1)
	tx, err := w.db.Beginx()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := w.svc.OpenTx(ctx, tx, w.coordinator, n); err != nil {
		t.Fatalf("OpenTx: %v", err)
	}
	booked := make(chan error, 1)
	go func() {
		_, err := w.bookings.Create(ctx, w.residents[0], booking.Request{ResourceID: w.room, MemberID: w.residents[0].ID,
			StartsAt: n.Slots[1].StartsAt, EndsAt: n.Slots[1].EndsAt})
		booked <- err
	}()
	// Commit once the booking has either finished (it should not) or is
	// seen waiting for the resource's lock.
	var bookErr error
	finished := false
	for !finished {
		select {
		case bookErr = <-booked:
			finished = true
			t.Errorf("the booking finished while the window was being opened: %v", bookErr)
		default:
		}
		var waiting bool
		if err := w.db.Get(&waiting, `
			SELECT EXISTS (SELECT 1 FROM pg_locks l JOIN pg_database d ON d.oid = l.database
			               WHERE d.datname = current_database() AND l.locktype = 'advisory' AND NOT l.granted)`); err != nil {
			t.Fatal(err)
		}
		if waiting {
			break
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if !finished {
		bookErr = <-booked
	}
	if got, want := apptest.Code(bookErr), "held_for_lottery"; got != want {
		t.Errorf("booking made while the window opened: got %q, want %q", got, want)
	}
}

// TestFreedTimeInAWindowIsNotOfferedToTheWaitlist: a booking next to a
// window's night is cancelled while a member waits for a time that reaches
// into the night; the cancellation goes through, and the held night is not
// offered.
func TestFreedTimeInAWindowIsNotOfferedToTheWaitlist(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t, 2)
	n := w.newYear(1)
	checkIn := n.Slots[0].StartsAt
	ada, ben := w.residents[0], w.residents[1]
	afternoon, err := w.bookings.Create(ctx, ada, booking.Request{ResourceID: w.room, MemberID: ada.ID,
		StartsAt: checkIn.Add(-3 * time.Hour), EndsAt: checkIn})
	if err != nil {
		t.Fatal(err)
	}
	entry, err := w.bookings.JoinWaitlist(ctx, ben, booking.Request{ResourceID: w.room, MemberID: ben.ID,
		StartsAt: checkIn.Add(-2 * time.Hour), EndsAt: checkIn.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	w.mustOpen(t, n)
	if _, err := w.bookings.Cancel(ctx, ada, afternoon.ID, ""); err != nil {
		t.Fatalf("cancelling the afternoon before a held night: %v", err)
	}
	entry, err = w.bookings.WaitlistEntry(ctx, entry.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := entry.Status, "waiting"; got != want {
		t.Errorf("waitlist entry reaching into the held night: got %s, want %s", got, want)
	}
}
