package booking_test

import (
	"context"
	"testing"
	"time"

	"hearth/app/apptest"
	"hearth/housing/booking"
)

// TestReplayInOneTransaction: the demo writes a year of history in one
// transaction on the service's clock. A booking is made at the clock's
// time; a refused series leaves nothing behind and the transaction goes
// on; decisions and cancellations are recorded at the clock's time too.
func TestReplayInOneTransaction(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	room := f.MustCreateResource(t, "Guest room", booking.GuestRoom, booking.Rules{ApprovalRequired: true})
	laundry := f.MustCreateResource(t, "Laundry", booking.Laundry, booking.Rules{})
	clock := now.AddDate(0, 0, -20)
	svc := &booking.Service{Now: func() time.Time { return clock }}
	tx, err := f.db.Beginx()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()

	taken, err := svc.Book(ctx, tx, booking.Request{ResourceID: laundry.ID, MemberID: f.resident.ID, StartsAt: f.at(3, 9, 0), EndsAt: f.at(3, 10, 0)})
	if err != nil {
		t.Fatal(err)
	}
	if !taken.CreatedAt.Equal(clock) {
		t.Errorf("made at %v, want the clock's %v", taken.CreatedAt, clock)
	}
	_, err = svc.CreateSeriesTx(ctx, tx, f.as(f.neighbour), booking.SeriesRequest{RRule: "FREQ=DAILY;COUNT=3",
		Request: booking.Request{ResourceID: laundry.ID, MemberID: f.neighbour.ID, StartsAt: f.at(2, 9, 0), EndsAt: f.at(2, 10, 0)}})
	if apptest.Code(err) != "series_refused" {
		t.Fatalf("a series over a taken time: got %v, want series_refused", err)
	}
	stay, err := svc.Book(ctx, tx, booking.Request{ResourceID: room.ID, MemberID: f.visitor.ID, StartsAt: f.at(13, 15, 0), EndsAt: f.at(14, 11, 0)})
	if err != nil {
		t.Fatalf("booking after a refused series: %v", err)
	}
	clock = clock.Add(time.Hour)
	approved, err := svc.ApproveTx(ctx, tx, f.as(f.coordinator), stay.ID, "")
	if err != nil || approved.Status != booking.Confirmed || !approved.DecidedAt.Equal(clock) {
		t.Fatalf("approved: %+v, %v", approved, err)
	}
	cancelled, err := svc.CancelTx(ctx, tx, f.as(f.resident), taken.ID, "")
	if err != nil || cancelled.Status != booking.Cancelled || !cancelled.CancelledAt.Equal(clock) {
		t.Fatalf("cancelled: %+v, %v", cancelled, err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if n := f.MustCount(t, `SELECT count(*) FROM booking_series`); n != 0 {
		t.Errorf("a refused series left %d series behind", n)
	}
}
