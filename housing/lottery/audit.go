package lottery

import (
	"context"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"

	"github.com/jmoiron/sqlx"

	"hearth/app"
)

// Record returns the published record of a window. Before the draw it holds
// the commitment and the slots only: the seed stays secret and the requests
// may still change. A drawn window adds the revealed seed, the frozen
// requests with their weights and the result; a cancelled one reveals its
// seed. Errors: not_found.
func (s *Service) Record(ctx context.Context, windowID int64) (Record, error) {
	w, err := s.Window(ctx, windowID)
	if err != nil {
		return Record{}, err
	}
	return s.record(ctx, w)
}

// Detail is a window as its page shows it to one member: the window, its
// published record, and the member's own request (best first).
type Detail struct {
	Window
	Record    Record
	MyRequest []int64
}

// Detail returns a window with its record and the request of p, the member
// asking: every member may see every window. Errors: not_found.
func (s *Service) Detail(ctx context.Context, p *app.Principal, windowID int64) (Detail, error) {
	w, err := s.Window(ctx, windowID)
	if err != nil {
		return Detail{}, err
	}
	rec, err := s.record(ctx, w)
	if err != nil {
		return Detail{}, err
	}
	mine, err := s.request(ctx, p.ID, windowID)
	if err != nil {
		return Detail{}, err
	}
	return Detail{Window: w, Record: rec, MyRequest: mine}, nil
}

func (s *Service) record(ctx context.Context, w Window) (Record, error) {
	slots, err := s.Slots(ctx, w.ID)
	if err != nil {
		return Record{}, err
	}
	r := Record{
		Algorithm: Algorithm, WindowID: w.ID, SiteID: w.SiteID, SiteName: w.SiteName,
		ResourceID: w.ResourceID, ResourceName: w.ResourceName, Title: w.Title, Timezone: w.Timezone,
		OpenedAt: w.OpenedAt.UTC(), ClosesAt: w.ClosesAt.UTC(), Status: w.Status,
		SeedHash: hex.EncodeToString(w.SeedHash), SlotsPerMember: w.SlotsPerMember, Slots: slots,
	}
	if w.DrawnAt != nil {
		at := w.DrawnAt.UTC()
		r.DrawnAt = &at
	}
	if w.Status == StatusOpen {
		return r, nil
	}
	var seed []byte
	if err := s.DB.GetContext(ctx, &seed, `SELECT seed FROM lottery_windows WHERE id = $1`, w.ID); err != nil {
		return r, fmt.Errorf("lottery: unable to read seed: %w", err)
	}
	r.Seed = hex.EncodeToString(seed)
	if w.Status != StatusDrawn {
		return r, nil
	}
	requests, err := frozenRequests(ctx, s.DB, w.ID)
	if err != nil {
		return r, err
	}
	var drawn []struct {
		MemberID        int64 `db:"member_id"`
		PastAllocations int   `db:"past_allocations"`
	}
	if err := s.DB.SelectContext(ctx, &drawn, `
		SELECT member_id, past_allocations FROM lottery_entrants WHERE window_id = $1 ORDER BY position`, w.ID); err != nil {
		return r, fmt.Errorf("lottery: unable to read entrants: %w", err)
	}
	past := map[int64]int{}
	result := &DrawResult{Order: []int64{}, Allocations: []Allocation{}}
	for _, d := range drawn {
		past[d.MemberID] = d.PastAllocations
		result.Order = append(result.Order, d.MemberID)
	}
	for _, q := range requests {
		p, drawn := past[q.MemberID]
		if !drawn {
			r.SetAside = append(r.SetAside, q.MemberID)
			continue
		}
		e := q.Entrant
		e.PastAllocations = p
		r.Entrants = append(r.Entrants, RecordEntrant{Entrant: e, Weight: e.WeightString()})
	}
	// Allocations are given round by round in drawn order; sorting by the
	// pair reproduces the order the draw gave them in.
	if err := s.DB.SelectContext(ctx, &result.Allocations, `
		SELECT a.slot_id, a.member_id, a.rank, a.round
		FROM lottery_allocations a JOIN lottery_entrants e
		  ON e.site_id = a.site_id AND e.window_id = a.window_id AND e.member_id = a.member_id
		WHERE a.window_id = $1 ORDER BY a.round, e.position`, w.ID); err != nil {
		return r, fmt.Errorf("lottery: unable to read allocations: %w", err)
	}
	r.Result = result
	return r, nil
}

// VerifyStored verifies a drawn window from the database: everything Verify
// checks on its published record, and besides that, that the published past
// allocations match the history of earlier draws and that every allocation
// holds its booking. Errors: not_found; a window that was not drawn; those
// of Verify.
func (s *Service) VerifyStored(ctx context.Context, windowID int64) (Record, Verification, error) {
	w, err := s.Window(ctx, windowID)
	if err != nil {
		return Record{}, Verification{}, err
	}
	if w.Status != StatusDrawn {
		return Record{}, Verification{}, fmt.Errorf("lottery %d is %s, not drawn: there is nothing to verify", w.ID, w.Status)
	}
	r, err := s.record(ctx, w)
	if err != nil {
		return r, Verification{}, err
	}
	v, err := Verify(r)
	if err != nil {
		return r, v, err
	}
	var members []int64
	for _, e := range r.Entrants {
		members = append(members, e.MemberID)
	}
	history, err := pastAllocations(ctx, s.DB, w, members)
	if err != nil {
		return r, v, err
	}
	published := map[int64]int{}
	for _, e := range r.Entrants {
		if e.PastAllocations > 0 {
			published[e.MemberID] = e.PastAllocations
		}
	}
	v.Checks = append(v.Checks, Check{
		What: fmt.Sprintf("past allocations match the draws of the %s before the window closed", FairnessPeriod),
		OK:   maps.Equal(history, published),
		Note: noteDifference(history, published),
	})
	bookings, err := allocationBookings(ctx, s.DB, windowID)
	if err != nil {
		return r, v, err
	}
	v.Checks = append(v.Checks, Check{
		What: "every allocation holds a booking of the slot for its winner",
		OK:   bookings == len(r.Result.Allocations),
		Note: fmt.Sprintf("%d of %d allocations", bookings, len(r.Result.Allocations)),
	})
	return r, v, nil
}

// noteDifference names the first member whose counts differ, "" if none.
func noteDifference(history, published map[int64]int) string {
	members := slices.Concat(slices.Collect(maps.Keys(history)), slices.Collect(maps.Keys(published)))
	slices.Sort(members)
	for _, m := range members {
		if history[m] != published[m] {
			return fmt.Sprintf("member %d: history %d, published %d", m, history[m], published[m])
		}
	}
	return ""
}

// allocationBookings counts the allocations of a window whose booking is the
// winner's, of the window's resource, over exactly the slot.
func allocationBookings(ctx context.Context, q sqlx.QueryerContext, windowID int64) (int, error) {
	var n int
	err := sqlx.GetContext(ctx, q, &n, `
		SELECT count(*) FROM lottery_allocations a
		JOIN lottery_windows w ON w.site_id = a.site_id AND w.id = a.window_id
		JOIN lottery_slots sl ON sl.site_id = a.site_id AND sl.window_id = a.window_id AND sl.id = a.slot_id
		JOIN bookings b ON b.id = a.booking_id
		WHERE a.window_id = $1 AND b.member_id = a.member_id AND b.resource_id = w.resource_id AND b.during = sl.during`, windowID)
	if err != nil {
		return 0, fmt.Errorf("lottery: unable to check bookings: %w", err)
	}
	return n, nil
}
