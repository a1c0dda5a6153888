package booking

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"hearth/app"
)

// OfferHold is how long a freed slot is held for the first member of its
// waitlist before it passes to the next one. An offer for a slot that starts
// sooner lasts until the slot starts.
const OfferHold = 24 * time.Hour

// WaitlistEntry is a member waiting for a taken time of a resource.
type WaitlistEntry struct {
	ID           int64     `db:"id"`
	SiteID       int64     `db:"site_id"`
	ResourceID   int64     `db:"resource_id"`
	ResourceName string    `db:"resource_name"`
	MemberID     int64     `db:"member_id"`
	StartsAt     time.Time `db:"starts_at"`
	EndsAt       time.Time `db:"ends_at"`
	Status       string    `db:"status"` // waiting, offered, withdrawn
	OfferID      *int64    `db:"offer_id"`
	CreatedAt    time.Time `db:"created_at"`
	Timezone     string    `db:"timezone"`
}

const waitlistSelect = `
	SELECT w.id, w.site_id, w.resource_id, r.name AS resource_name, w.member_id,
	       lower(w.wanted) AS starts_at, upper(w.wanted) AS ends_at, w.status, w.offer_id, w.created_at, s.timezone
	FROM waitlist_entries w
	JOIN resources r ON r.id = w.resource_id
	JOIN sites s ON s.id = w.site_id`

func (w *WaitlistEntry) localize() error {
	loc, err := Location(w.Timezone)
	if err != nil {
		return err
	}
	w.StartsAt, w.EndsAt, w.CreatedAt = w.StartsAt.In(loc), w.EndsAt.In(loc), w.CreatedAt.In(loc)
	return nil
}

// JoinWaitlist puts a member in line for a time that is taken. When the time
// is freed (a cancellation, a decline, a lapsed offer), the first member in
// line whose time fits is offered it for OfferHold.
//
// by waits for themself (Request.MadeBy). Errors: forbidden; the rule
// errors of Book (the time must be bookable but for the conflict);
// slot_is_free (422) when nothing holds the time, so it can be
// booked now; already_waiting (409); not_found.
func (s *Service) JoinWaitlist(ctx context.Context, by *app.Principal, req Request) (WaitlistEntry, error) {
	if err := req.MadeBy(by); err != nil {
		return WaitlistEntry{}, err
	}
	if err := checkRange(req.StartsAt, req.EndsAt); err != nil {
		return WaitlistEntry{}, err
	}
	var id int64
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var err error
		id, err = s.joinWaitlist(ctx, tx, req)
		return err
	})
	if err != nil {
		return WaitlistEntry{}, err
	}
	return s.WaitlistEntry(ctx, id)
}

// JoinWaitlistTx is JoinWaitlist in the caller's transaction, for the demo
// cooperative, which writes its history in one.
func (s *Service) JoinWaitlistTx(ctx context.Context, tx *sqlx.Tx, by *app.Principal, req Request) (WaitlistEntry, error) {
	var w WaitlistEntry
	if err := req.MadeBy(by); err != nil {
		return w, err
	}
	if err := checkRange(req.StartsAt, req.EndsAt); err != nil {
		return w, err
	}
	id, err := s.joinWaitlist(ctx, tx, req)
	if err != nil {
		return w, err
	}
	if err := tx.GetContext(ctx, &w, waitlistSelect+` WHERE w.id = $1`, id); err != nil {
		return w, fmt.Errorf("booking: unable to fetch waitlist entry: %w", err)
	}
	return w, w.localize()
}

func (s *Service) joinWaitlist(ctx context.Context, tx *sqlx.Tx, req Request) (int64, error) {
	now := s.now()
	sl, err := s.lockSlot(ctx, tx, req.ResourceID, req.MemberID, req.StartsAt, req.EndsAt, now)
	if err != nil {
		return 0, err
	}
	if err := sl.admit(req.StartsAt, req.EndsAt, now, false); err != nil {
		return 0, err
	}
	if sl.OffersExpired {
		if err := s.lapseOffers(ctx, tx, &sl.Resource, now); err != nil {
			return 0, err
		}
	}
	var taken bool
	if err := tx.GetContext(ctx, &taken, `
		SELECT EXISTS (SELECT 1 FROM bookings
		               WHERE site_id = $1 AND resource_id = $2 AND blocks && tstzrange($3, $4, '[)') AND `+activeStatuses+`)`,
		sl.SiteID, sl.ID, req.StartsAt, req.EndsAt.Add(sl.Buffer())); err != nil {
		return 0, fmt.Errorf("booking: unable to check the slot: %w", err)
	}
	if !taken {
		return 0, app.Unprocessable("slot_is_free", "That time is free: book it instead of waiting for it.").OnField("starts_at")
	}
	var id int64
	err = tx.GetContext(ctx, &id, `
		INSERT INTO waitlist_entries (site_id, resource_id, member_id, wanted) VALUES ($1, $2, $3, tstzrange($4, $5, '[)'))
		RETURNING id`, sl.SiteID, sl.ID, req.MemberID, req.StartsAt, req.EndsAt)
	if app.PQConstraint(err) == "waitlist_entries_once_key" {
		return 0, app.Conflict("already_waiting", "You are already on the waitlist for that time.").OnField("starts_at")
	}
	if err != nil {
		return 0, fmt.Errorf("booking: unable to join the waitlist: %w", err)
	}
	return id, nil
}

// WaitlistEntry returns one entry. Errors: not_found.
func (s *Service) WaitlistEntry(ctx context.Context, id int64) (WaitlistEntry, error) {
	var w WaitlistEntry
	err := s.DB.GetContext(ctx, &w, waitlistSelect+` WHERE w.id = $1`, id)
	if app.ErrNoRows(err) {
		return w, app.NotFound("There is no such waitlist entry.")
	}
	if err != nil {
		return w, fmt.Errorf("booking: unable to fetch waitlist entry: %w", err)
	}
	return w, w.localize()
}

// LeaveWaitlist withdraws a member's waiting entry. Errors: not_found (also
// for someone else's entry), not_waiting (409) once it was offered or withdrawn.
func (s *Service) LeaveWaitlist(ctx context.Context, by *app.Principal, id int64) error {
	res, err := s.DB.ExecContext(ctx, `
		UPDATE waitlist_entries SET status = 'withdrawn' WHERE id = $1 AND member_id = $2 AND status = 'waiting'`, id, by.ID)
	if err != nil {
		return fmt.Errorf("booking: unable to leave the waitlist: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil
	}
	w, err := s.WaitlistEntry(ctx, id)
	if err != nil || w.MemberID != by.ID {
		return app.NotFound("There is no such waitlist entry.")
	}
	return app.Conflict("not_waiting", "This waitlist entry was already offered its time or withdrawn.")
}

// AcceptOffer turns a waitlist offer into a booking: confirmed, or pending
// when the resource needs approval. Errors: not_found (also for someone
// else's offer), not_an_offer (409), offer_lapsed (409) after it expired,
// weekly_quota_exceeded (422).
func (s *Service) AcceptOffer(ctx context.Context, by *app.Principal, bookingID int64) (Booking, error) {
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		now := s.now()
		b, err := getBooking(ctx, tx, bookingSelect+` WHERE b.id = $1 FOR UPDATE OF b`, bookingID)
		if err != nil {
			return err
		}
		if b.MemberID != by.ID {
			return app.NotFound("There is no such booking.")
		}
		if b.Status != Offered {
			return app.Conflict("not_an_offer", "This booking is not an open offer.")
		}
		if !b.OfferExpiresAt.After(now) {
			return app.Conflict("offer_lapsed", "This offer lapsed at %s and passed to the next member waiting.",
				b.OfferExpiresAt.Format("Mon 2 Jan 15:04"))
		}
		r, err := s.lockedResource(ctx, tx, b.ResourceID)
		if err != nil {
			return err
		}
		if err := s.checkQuota(ctx, tx, &r, b.MemberID, b.StartsAt, b.EndsAt, &b.ID); err != nil {
			return err
		}
		next := Confirmed
		if r.ApprovalRequired {
			next = Pending
		}
		_, err = tx.ExecContext(ctx, `UPDATE bookings SET status = $2, offer_expires_at = NULL WHERE id = $1`, b.ID, next)
		if err != nil {
			return fmt.Errorf("booking: unable to accept the offer: %w", err)
		}
		return nil
	})
	if err != nil {
		return Booking{}, err
	}
	return s.booking(ctx, bookingID)
}

// lapseOffers ends the expired offers of a resource and passes their time on
// to the next members waiting.
func (s *Service) lapseOffers(ctx context.Context, tx *sqlx.Tx, r *Resource, now time.Time) error {
	var freed []Interval
	// The condition of offers_to_lapse, written out: an UPDATE rechecks its
	// own WHERE on a row that a racing transaction changed (an offer just
	// accepted), but not the rows of a subquery it joins.
	err := tx.SelectContext(ctx, &freed, `
		UPDATE bookings SET status = 'lapsed'
		WHERE site_id = $1 AND resource_id = $2 AND status = 'offered' AND offer_expires_at <= $3
		RETURNING lower(blocks) AS starts_at, upper(blocks) AS ends_at`, r.SiteID, r.ID, now)
	if err != nil {
		return fmt.Errorf("booking: unable to lapse offers: %w", err)
	}
	for _, f := range freed {
		if err := s.offerFreed(ctx, tx, r, f, now); err != nil {
			return err
		}
	}
	return nil
}

// settleOffers lapses every expired offer, so that reads show where things
// stand. Offers lapse lazily: when someone next looks or books, not on a timer.
func (s *Service) settleOffers(ctx context.Context) error {
	now := s.now()
	var due []int64
	// offers_to_lapse's condition over every resource at once, which
	// bookings_offered_idx answers; each resource then lapses its own.
	if err := s.selectDB(ctx, &due, `
		SELECT DISTINCT resource_id FROM bookings WHERE status = 'offered' AND offer_expires_at <= $1`, now); err != nil {
		return fmt.Errorf("booking: unable to find lapsed offers: %w", err)
	}
	for _, id := range due {
		if err := s.settleResource(ctx, id, now); err != nil {
			return err
		}
	}
	return nil
}

// settleResource lapses the expired offers of one resource.
func (s *Service) settleResource(ctx context.Context, resourceID int64, now time.Time) error {
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		r, err := s.lockedResource(ctx, tx, resourceID)
		if err != nil {
			return err
		}
		return s.lapseOffers(ctx, tx, &r, now)
	})
}

// offerFreed offers time that stopped being blocked (freed) to the waitlist,
// first come first served: each waiting entry whose time now fits, in the
// order they joined, gets an offered booking that holds the time for
// OfferHold. It runs in the transaction that freed the time, so the time is
// never up for grabs in between.
func (s *Service) offerFreed(ctx context.Context, tx *sqlx.Tx, r *Resource, freed Interval, now time.Time) error {
	var waiting []struct {
		ID       int64 `db:"id"`
		MemberID int64 `db:"member_id"`
		Interval
	}
	// A waiting time that ends within the buffer before the freed time was
	// blocked by it too. Times closed by a blackout or held by a lottery
	// stay with their members waiting.
	err := tx.SelectContext(ctx, &waiting, `
		SELECT w.id, w.member_id, lower(w.wanted) AS starts_at, upper(w.wanted) AS ends_at
		FROM waitlist_entries w
		WHERE w.site_id = $1 AND w.resource_id = $2 AND w.status = 'waiting'
		  AND w.wanted && tstzrange($3, $4, '[)') AND lower(w.wanted) > $5
		  AND NOT EXISTS (SELECT FROM blackouts_over(w.site_id, w.resource_id, w.wanted))
		  AND NOT EXISTS (`+heldByLottery("w.site_id", "w.resource_id",
		`tstzrange(lower(w.wanted) - make_interval(mins => $6), upper(w.wanted) + make_interval(mins => $6), '[)')`)+`)
		ORDER BY w.created_at, w.id
		FOR UPDATE OF w`, r.SiteID, r.ID, freed.StartsAt.Add(-r.Buffer()), freed.EndsAt, now, r.BufferMinutes)
	if err != nil {
		return fmt.Errorf("booking: unable to read the waitlist: %w", err)
	}
	for _, w := range waiting {
		expires := earlier(now.Add(OfferHold), w.StartsAt)
		if _, err := tx.ExecContext(ctx, `SAVEPOINT offer`); err != nil {
			return fmt.Errorf("booking: %w", err)
		}
		b, err := s.insert(ctx, tx, r, w.MemberID, w.StartsAt, w.EndsAt, Offered, false, nil, &expires)
		if app.ErrorKind(err) == app.KindConflict {
			// Still blocked by another booking: the next member may fit.
			if _, err := tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT offer`); err != nil {
				return fmt.Errorf("booking: %w", err)
			}
			continue
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `RELEASE SAVEPOINT offer`); err != nil {
			return fmt.Errorf("booking: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE waitlist_entries SET status = 'offered', offer_id = $2 WHERE id = $1`, w.ID, b.ID); err != nil {
			return fmt.Errorf("booking: unable to record the offer: %w", err)
		}
	}
	return nil
}
