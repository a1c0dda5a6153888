package lottery

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"hearth/app"
	"hearth/housing/booking"
)

// FairnessPeriod is how far back past allocations count towards a member's
// weight: allocations of windows drawn in the year before this window closed.
const FairnessPeriod = "365 days"

// Draw draws a closed window in one transaction: it reveals the seed, runs
// the procedure of the package-level Draw on the frozen requests, records the
// input (entrants with their past allocations, slots already booked) and the
// result, and makes a confirmed booking for every allocation. It returns the
// published record. Only a coordinator of the site (or an admin) may draw;
// the result does not depend on who draws or when, since the seed, the
// requests and the weights were all fixed when the window closed.
//
// Errors: not_found, forbidden; window_still_open (422); already_drawn,
// window_cancelled (409); booking_conflict (409) should someone book one of
// the slots while the draw runs (drawing again then gives the same order).
func (s *Service) Draw(ctx context.Context, actor *app.Principal, windowID int64) (Record, error) {
	err := app.InTx(ctx, s.DB, func(tx *sqlx.Tx) error {
		w, err := lockUndecided(ctx, tx, actor, windowID)
		if err != nil {
			return err
		}
		if !w.AwaitingDraw(time.Now()) {
			return errStillOpen(w)
		}
		in, err := s.drawInput(ctx, tx, w)
		if err != nil {
			return err
		}
		result, err := Draw(in)
		if err != nil {
			return fmt.Errorf("lottery: window %d: %w", w.ID, err)
		}
		if _, err := tx.ExecContext(ctx, `
			UPDATE lottery_windows SET status = 'drawn', drawn_at = now(), drawn_by = $2 WHERE id = $1`, w.ID, actor.ID); err != nil {
			if app.PQConstraint(err) == "lottery_windows_draw_after_close" {
				return errStillOpen(w)
			}
			return fmt.Errorf("lottery: unable to mark window drawn: %w", err)
		}
		return s.saveDraw(ctx, tx, w, in, result)
	})
	if err != nil {
		return Record{}, err
	}
	return s.Record(ctx, windowID)
}

func errStillOpen(w Window) error {
	return app.Unprocessable("window_still_open", "Requests are open until %s; the draw comes after.",
		w.ClosesAt.In(w.Location()).Format("Mon 2 Jan 2006 15:04 MST"))
}

// drawInput reads what the draw of a window depends on.
func (s *Service) drawInput(ctx context.Context, tx *sqlx.Tx, w Window) (DrawInput, error) {
	in := DrawInput{SlotsPerMember: w.SlotsPerMember}
	if err := tx.GetContext(ctx, &in.Seed, `SELECT seed FROM lottery_windows WHERE id = $1`, w.ID); err != nil {
		return in, fmt.Errorf("lottery: unable to read seed: %w", err)
	}
	slots, err := selectSlots(ctx, tx, w.ID)
	if err != nil {
		return in, err
	}
	var booked pq.Int64Array
	if err := tx.GetContext(ctx, &booked, takenSlotsQuery, w.SiteID, w.ID, w.ResourceID); err != nil {
		return in, fmt.Errorf("lottery: unable to check booked slots: %w", err)
	}
	taken := map[int64]bool{}
	for _, id := range booked {
		taken[id] = true
	}
	for i := range slots {
		slots[i].Available = !taken[slots[i].ID]
	}
	in.Slots = slots
	requests, err := frozenRequests(ctx, tx, w.ID)
	if err != nil {
		return in, err
	}
	var members []int64
	for _, r := range requests {
		if r.Eligible {
			in.Entrants = append(in.Entrants, r.Entrant)
			members = append(members, r.MemberID)
		}
	}
	past, err := pastAllocations(ctx, tx, w, members)
	if err != nil {
		return in, err
	}
	for i := range in.Entrants {
		in.Entrants[i].PastAllocations = past[in.Entrants[i].MemberID]
	}
	return in, nil
}

// takenSlotsQuery lists the slots of a window that can no longer be booked:
// those a booking outside the lottery (with the resource's buffer on both
// sides, as the bookings' exclusion constraint counts it) or a blackout
// occupies, and those that have begun (a draw run late).
const takenSlotsQuery = `
	SELECT coalesce(array_agg(sl.id ORDER BY sl.id), '{}')
	FROM lottery_slots sl
	JOIN resources r ON r.site_id = sl.site_id AND r.id = $3
	WHERE sl.site_id = $1 AND sl.window_id = $2 AND (
	    lower(sl.during) < now()
	 OR EXISTS (SELECT 1 FROM bookings b
	            WHERE b.site_id = sl.site_id AND b.resource_id = r.id
	              AND b.status IN ('pending', 'confirmed', 'offered')
	              AND b.blocks && tstzrange(lower(sl.during), upper(sl.during) + make_interval(mins => r.buffer_minutes), '[)'))
	 OR EXISTS (SELECT 1 FROM resource_blackouts x
	            WHERE x.site_id = sl.site_id AND x.resource_id = r.id AND x.during && sl.during))`

// request is one member's frozen request in a window. Eligible says whether
// the member may still book the resource (the booking engine's rule: any
// member for a space open to members, else the site's residents today and its
// coordinators); the draw sets aside the requests of those who may not.
type request struct {
	Entrant
	Eligible bool
}

// frozenRequests returns the requests of a window with their preferences,
// in member order, without past allocations.
func frozenRequests(ctx context.Context, q sqlx.QueryerContext, windowID int64) ([]request, error) {
	var rows []struct {
		MemberID int64         `db:"member_id"`
		Name     string        `db:"name"`
		Slots    pq.Int64Array `db:"slots"`
		Eligible bool          `db:"eligible"`
	}
	err := sqlx.SelectContext(ctx, q, &rows, `
		SELECT q.member_id, m.name, array_agg(q.slot_id ORDER BY q.rank) AS slots,
		       EXISTS (SELECT FROM may_book(w.site_id, r.who_may_book, q.member_id, now())) AS eligible
		FROM lottery_requests q
		JOIN members m ON m.id = q.member_id
		JOIN lottery_windows w ON w.site_id = q.site_id AND w.id = q.window_id
		JOIN resources r ON r.site_id = w.site_id AND r.id = w.resource_id
		WHERE q.window_id = $1
		GROUP BY q.member_id, m.name, r.who_may_book, w.site_id
		ORDER BY q.member_id`, windowID)
	if err != nil {
		return nil, fmt.Errorf("lottery: unable to read requests: %w", err)
	}
	out := make([]request, len(rows))
	for i, r := range rows {
		out[i] = request{Entrant: Entrant{MemberID: r.MemberID, Name: r.Name, Preferences: r.Slots}, Eligible: r.Eligible}
	}
	return out, nil
}

// pastAllocations counts, for each of the members, the slots they were
// allocated by windows drawn in the FairnessPeriod before w closed. Windows
// drawn after w closed never count, so the figure is fixed at the close.
func pastAllocations(ctx context.Context, q sqlx.QueryerContext, w Window, members []int64) (map[int64]int, error) {
	var rows []struct {
		MemberID int64 `db:"member_id"`
		Count    int   `db:"count"`
	}
	err := sqlx.SelectContext(ctx, q, &rows, `
		SELECT a.member_id, count(*) AS count
		FROM lottery_allocations a JOIN lottery_windows w ON w.site_id = a.site_id AND w.id = a.window_id
		WHERE a.member_id = ANY($4) AND w.status = 'drawn' AND w.id <> $1
		  AND w.drawn_at >= $2::timestamptz - $3::interval AND w.drawn_at < $2::timestamptz
		GROUP BY a.member_id`, w.ID, w.ClosesAt, FairnessPeriod, pq.Int64Array(members))
	if err != nil {
		return nil, fmt.Errorf("lottery: unable to count past allocations: %w", err)
	}
	past := map[int64]int{}
	for _, r := range rows {
		past[r.MemberID] = r.Count
	}
	return past, nil
}

// saveDraw records a draw's input and result and books the allocations.
func (s *Service) saveDraw(ctx context.Context, tx *sqlx.Tx, w Window, in DrawInput, result DrawResult) error {
	past := map[int64]int{}
	for _, e := range in.Entrants {
		past[e.MemberID] = e.PastAllocations
	}
	for i, member := range result.Order {
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO lottery_entrants (site_id, window_id, member_id, past_allocations, position) VALUES ($1, $2, $3, $4, $5)`,
			w.SiteID, w.ID, member, past[member], i+1); err != nil {
			return fmt.Errorf("lottery: unable to record entrant: %w", err)
		}
	}
	slots := map[int64]Slot{}
	for _, sl := range in.Slots {
		slots[sl.ID] = sl
		if sl.Available {
			continue
		}
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO lottery_blocked_slots (site_id, window_id, slot_id) VALUES ($1, $2, $3)`, w.SiteID, w.ID, sl.ID); err != nil {
			return fmt.Errorf("lottery: unable to record booked slot: %w", err)
		}
	}
	for _, a := range result.Allocations {
		sl := slots[a.SlotID]
		b, err := s.Bookings.Book(ctx, tx, booking.Request{
			ResourceID: w.ResourceID, MemberID: a.MemberID, StartsAt: sl.StartsAt, EndsAt: sl.EndsAt, Allocated: true,
		})
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO lottery_allocations (site_id, window_id, slot_id, member_id, rank, round, booking_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, w.SiteID, w.ID, a.SlotID, a.MemberID, a.Rank, a.Round, b.ID); err != nil {
			return fmt.Errorf("lottery: unable to record allocation: %w", err)
		}
	}
	return nil
}
