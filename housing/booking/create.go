package booking

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"

	"hearth/app"
)

// Create books on its own, outside any caller's transaction. A booking is
// judged in the database either way; Create first tries the one-statement
// way (bookQuickly) and otherwise books the careful way, in a transaction
// of four round trips that retries when racing transactions deadlock.
// by books for themself (Request.MadeBy). Errors: forbidden; those of Book.
func (s *Service) Create(ctx context.Context, by *app.Principal, req Request) (Booking, error) {
	if err := req.MadeBy(by); err != nil {
		return Booking{}, err
	}
	if err := checkRange(req.StartsAt, req.EndsAt); err != nil {
		return Booking{}, err
	}
	if !req.Allocated {
		if b, ok, err := s.bookQuickly(ctx, req); ok || err != nil {
			return b, err
		}
	}
	var b Booking
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var err error
		b, err = s.book(ctx, tx, req, nil)
		return err
	})
	return b, err
}

// createQuery books through booking_create (migrations/00252, 00260), one round
// trip that needs no transaction of its own.
const createQuery = `
	SELECT booking_id AS id, booking_status AS status, booking_created_at AS created_at, booking_member_name AS member_name
	FROM booking_create($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`

// bookQuickly books with the single statement booking_create, against this
// service's copy of the resource from an earlier booking. The calendar rules
// (times, lengths, horizon, opening hours) are checked here against the
// copy; booking_create checks, under the resource's lock, that the copy is
// still the resource as it is, and then who may book, blackouts, lottery
// holds, offers to lapse and the weekly quota, and inserts. Those are SQL
// functions (may_book, blackouts_over, lottery_holds, offers_to_lapse,
// weekly_quota; migrations/00260) that the careful way's queries call too,
// so the two ways cannot judge a booking differently; the careful way only
// words their answers. ok is false, with nothing written, when there is no
// copy yet or anything is not plainly fine: the careful way then reads
// everything afresh and says precisely what is wrong, or retries a
// deadlock. Errors: booking_conflict, not_found (for the member).
func (s *Service) bookQuickly(ctx context.Context, req Request) (Booking, bool, error) {
	r, known := s.copies.get(req.ResourceID)
	if !known {
		return Booking{}, false, nil
	}
	now := s.now()
	if r.checkTimes(req.StartsAt, req.EndsAt, now, true) != nil {
		return Booking{}, false, nil
	}
	week := weekStart(req.StartsAt, r.loc)
	var row struct {
		ID         int64     `db:"id"`
		Status     Status    `db:"status"`
		CreatedAt  time.Time `db:"created_at"`
		MemberName string    `db:"member_name"`
	}
	err := s.getDB(ctx, &row, createQuery, r.ID, req.MemberID, req.StartsAt, req.EndsAt, now, r.RulesVersion,
		resourceLockKey(r.ID), quotaLockKey(r.ID, req.MemberID), week, nextDate(week, 7))
	if app.ErrNoRows(err) || app.IsRetryable(err) {
		// A deadlock with a racer too: the careful way retries it.
		return Booking{}, false, nil
	}
	if refused := r.refusal(err, req.MemberID); refused != nil {
		return Booking{}, false, refused
	}
	if err != nil {
		return Booking{}, false, fmt.Errorf("booking: unable to book: %w", err)
	}
	return Booking{
		ID: row.ID, SiteID: r.SiteID, SiteName: r.SiteName, ResourceID: r.ID, ResourceName: r.Name, ResourceKind: r.Kind,
		MemberID: req.MemberID, MemberName: row.MemberName, StartsAt: req.StartsAt.In(r.loc), EndsAt: req.EndsAt.In(r.loc),
		Status: row.Status, CreatedAt: row.CreatedAt.In(r.loc), Timezone: r.Timezone,
	}, true, nil
}

// resourceCopies keeps the resources that bookings read, by id, for
// bookQuickly. A copy is never trusted on its own: booking_create compares
// its RulesVersion with the database's, and every careful read replaces it.
// A cooperative has some dozens of resources, so copies are never evicted.
type resourceCopies struct {
	mu   sync.RWMutex
	byID map[int64]Resource
}

func (c *resourceCopies) get(id int64) (Resource, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	r, ok := c.byID[id]
	return r, ok
}

func (c *resourceCopies) keep(r Resource) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byID == nil {
		c.byID = map[int64]Resource{}
	}
	c.byID[r.ID] = r
}
