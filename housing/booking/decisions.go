package booking

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"hearth/app"
)

// transition is one way a booking changes status.
type transition struct {
	to Status
	// allow refuses the change when it is not allowed for by or not
	// possible for the booking as it stands.
	allow func(by *app.Principal, b *Booking, now time.Time) error
	// record names the columns that remember who changed it and when.
	record string // "decided" or "cancelled"
}

var (
	approve = transition{to: Confirmed, record: "decided", allow: func(by *app.Principal, b *Booking, _ time.Time) error {
		return pendingBeforeCoordinator(by, b, "approve")
	}}
	decline = transition{to: Declined, record: "decided", allow: func(by *app.Principal, b *Booking, _ time.Time) error {
		return pendingBeforeCoordinator(by, b, "decline")
	}}
	cancel = transition{to: Cancelled, record: "cancelled", allow: func(by *app.Principal, b *Booking, now time.Time) error {
		if by.ID != b.MemberID && !by.Coordinates(b.SiteID) {
			return app.Forbidden("You can only cancel your own bookings.")
		}
		if !b.Status.Active() {
			return app.Conflict("booking_not_active", "This booking is already %s.", b.Status)
		}
		if !b.EndsAt.After(now) {
			return app.Unprocessable("booking_ended", "This booking has already ended.")
		}
		return nil
	}}
)

func pendingBeforeCoordinator(by *app.Principal, b *Booking, verb string) error {
	if !by.Coordinates(b.SiteID) {
		return app.Forbidden("Only a coordinator of this site can %s bookings.", verb)
	}
	if b.Status != Pending {
		return app.Conflict("booking_not_pending", "This booking is %s, not waiting for approval.", b.Status)
	}
	return nil
}

// Approve confirms a pending booking; note tells the member anything they
// should know. Errors: not_found; forbidden unless by coordinates the site;
// booking_not_pending (409); invalid_note (422).
func (s *Service) Approve(ctx context.Context, by *app.Principal, id int64, note string) (Booking, error) {
	return s.change(ctx, by, id, note, approve)
}

// Decline refuses a pending booking, with a note the member sees; the time
// goes to the waitlist. Errors: those of Approve.
func (s *Service) Decline(ctx context.Context, by *app.Principal, id int64, note string) (Booking, error) {
	return s.change(ctx, by, id, note, decline)
}

// Cancel ends an active booking: its owner, a coordinator of its site or an
// admin may. The freed time is offered to the waitlist in the same
// transaction. Errors: not_found; forbidden (403) for anyone else;
// booking_not_active (409); booking_ended (422); invalid_note (422).
func (s *Service) Cancel(ctx context.Context, by *app.Principal, id int64, note string) (Booking, error) {
	return s.change(ctx, by, id, note, cancel)
}

func cleanNote(note string) (string, error) {
	note = strings.TrimSpace(note)
	if utf8.RuneCountInString(note) > 500 {
		return "", app.Unprocessable("invalid_note", "Keep the note under 500 characters.").OnField("note")
	}
	return note, nil
}

func (s *Service) change(ctx context.Context, by *app.Principal, id int64, note string, t transition) (Booking, error) {
	note, err := cleanNote(note)
	if err != nil {
		return Booking{}, err
	}
	if err := s.inTx(ctx, func(tx *sqlx.Tx) error { return s.changeTx(ctx, tx, by, id, note, t) }); err != nil {
		return Booking{}, err
	}
	return s.booking(ctx, id)
}

// ApproveTx, DeclineTx and CancelTx are Approve, Decline and Cancel in the
// caller's transaction, for the demo cooperative, which writes its history
// in one.
func (s *Service) ApproveTx(ctx context.Context, tx *sqlx.Tx, by *app.Principal, id int64, note string) (Booking, error) {
	return s.changeIn(ctx, tx, by, id, note, approve)
}

// DeclineTx is Decline in the caller's transaction (see ApproveTx).
func (s *Service) DeclineTx(ctx context.Context, tx *sqlx.Tx, by *app.Principal, id int64, note string) (Booking, error) {
	return s.changeIn(ctx, tx, by, id, note, decline)
}

// CancelTx is Cancel in the caller's transaction (see ApproveTx).
func (s *Service) CancelTx(ctx context.Context, tx *sqlx.Tx, by *app.Principal, id int64, note string) (Booking, error) {
	return s.changeIn(ctx, tx, by, id, note, cancel)
}

func (s *Service) changeIn(ctx context.Context, tx *sqlx.Tx, by *app.Principal, id int64, note string, t transition) (Booking, error) {
	note, err := cleanNote(note)
	if err != nil {
		return Booking{}, err
	}
	if err := s.changeTx(ctx, tx, by, id, note, t); err != nil {
		return Booking{}, err
	}
	return getBooking(ctx, tx, bookingSelect+` WHERE b.id = $1`, id)
}

// changeTx makes a transition of a booking, by the rules of t, and offers
// time it frees to the waitlist.
func (s *Service) changeTx(ctx context.Context, tx *sqlx.Tx, by *app.Principal, id int64, note string, t transition) error {
	now := s.now()
	b, err := getBooking(ctx, tx, bookingSelect+` WHERE b.id = $1 FOR UPDATE OF b`, id)
	if err != nil {
		return err
	}
	if err := t.allow(by, &b, now); err != nil {
		return err
	}
	if err := s.setStatus(ctx, tx, by, []int64{b.ID}, t, note, now); err != nil {
		return err
	}
	if t.to.Active() {
		return nil
	}
	r, err := s.lockedResource(ctx, tx, b.ResourceID)
	if err != nil {
		return err
	}
	return s.offerFreed(ctx, tx, &r, Interval{b.StartsAt, b.EndsAt.Add(r.Buffer())}, now)
}

// setStatus records a transition of bookings, with who made it and when.
func (s *Service) setStatus(ctx context.Context, tx *sqlx.Tx, by *app.Principal, ids []int64, t transition, note string, now time.Time) error {
	// t.record is one of two constants, never input.
	query := `UPDATE bookings SET status = $2, note = $3, offer_expires_at = NULL, ` +
		t.record + `_by = $4, ` + t.record + `_at = $5 WHERE id = ANY($1)`
	if _, err := tx.ExecContext(ctx, query, int64s(ids), t.to, note, by.ID, now); err != nil {
		return fmt.Errorf("booking: unable to mark bookings %s: %w", t.to, err)
	}
	return nil
}

// lockedResource reads a resource in a transaction, holding its lock shared
// against rule changes like a booking does.
func (s *Service) lockedResource(ctx context.Context, tx *sqlx.Tx, id int64) (Resource, error) {
	return getResource(ctx, tx, `SELECT `+resourceColumns+`
		FROM resources r JOIN sites s ON s.id = r.site_id CROSS JOIN (SELECT pg_advisory_xact_lock_shared($2)) lock
		WHERE r.id = $1`, id, resourceLockKey(id))
}

// Pending lists the bookings waiting for approval at the sites by
// coordinates (every site for an admin), soonest first. Errors: forbidden
// for anyone who coordinates no site.
func (s *Service) Pending(ctx context.Context, by *app.Principal) ([]Booking, error) {
	if !by.IsAdmin() && !by.IsCoordinator() {
		return nil, app.Forbidden("Only coordinators approve bookings.")
	}
	return selectBookings(ctx, s.DB, bookingSelect+`
		WHERE b.status = 'pending' AND ($1 OR b.site_id = ANY($2))
		ORDER BY lower(b.during), b.id`, by.IsAdmin(), int64s(by.CoordinatorOf))
}
