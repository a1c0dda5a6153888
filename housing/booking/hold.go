package booking

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"hearth/app"
)

// A peak lottery (housing/lottery) holds the time of its slots from the
// moment its window opens until it is drawn or cancelled: an ordinary
// booking of that time would take a slot from the households that entered
// the lottery. The lottery's own bookings (Request.Allocated) are what the
// time is held for, and pass.
//
// The hold is a rule of the booking engine, not a trigger, for the same
// reasons as blackouts. A trigger would be no stronger: its read, like this
// one, cannot see a window whose transaction has not committed yet, so what
// makes the rule exact either way is the lock. Opening a window takes the
// resource's lock exclusively (LockResource) and every booking holds it
// shared; the hold is checked in the INSERT that writes the booking, a
// statement that begins after that lock is held. A booking is therefore
// judged wholly before a window opens (the opening's trial bookings then meet
// it and the window is refused) or wholly after (its slots are seen here).
// Every booking, offers included, is written by insert, so no path misses
// the check; and the rule depends on who books (an allocation passes), which
// the bookings table does not record.

// heldByLottery is a subquery giving the title of the open lottery window of
// a resource that holds some of the range held: a window is open until it
// is drawn or cancelled, also after its requests close. The arguments are
// SQL expressions of the calling query, never input. held is the booking's
// time widened by the resource's buffer on both sides, since an allocation
// keeps the buffer free around its slot as every booking does. The test
// itself is the SQL function lottery_holds, which booking_create uses too.
func heldByLottery(siteID, resourceID, held string) string {
	return `SELECT * FROM lottery_holds(` + siteID + `, ` + resourceID + `, ` + held + `)`
}

// heldError says that a lottery holds the time: held_for_lottery (422).
func heldError(title string) error {
	return app.Unprocessable("held_for_lottery", "This time is being allocated by the lottery “%s”: enter the lottery instead.",
		title).OnField("starts_at")
}

// LockResource takes a resource's lock exclusively until tx ends, waiting
// for the bookings in flight: a change to what may be booked that is made
// outside this package (the lottery opening a window) takes it, so that
// every booking is judged wholly before or wholly after the change.
func LockResource(ctx context.Context, tx *sqlx.Tx, resourceID int64) error {
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, resourceLockKey(resourceID)); err != nil {
		return fmt.Errorf("booking: unable to lock resource: %w", err)
	}
	return nil
}

// LockSiteResources takes the locks of every resource of a site
// exclusively, in a stable order, until tx ends: a change of the site's
// time zone takes them, since every booking judges its times in that zone.
func LockSiteResources(ctx context.Context, tx *sqlx.Tx, siteID int64) error {
	var ids []int64
	if err := tx.SelectContext(ctx, &ids, `SELECT id FROM resources WHERE site_id = $1 ORDER BY id`, siteID); err != nil {
		return fmt.Errorf("booking: unable to list the site's resources: %w", err)
	}
	for _, id := range ids {
		if err := LockResource(ctx, tx, id); err != nil {
			return err
		}
	}
	return nil
}
