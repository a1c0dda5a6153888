package lottery

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"hearth/app"
)

// SetRequest replaces the actor's request in a window with the given slots,
// best first. Errors: not_found; not_eligible (403); window_closed,
// no_preferences, unknown_slot, duplicate_slot (422); already_drawn,
// window_cancelled (409).
func (s *Service) SetRequest(ctx context.Context, actor *app.Principal, windowID int64, slotIDs []int64) error {
	return app.InTx(ctx, s.DB, func(tx *sqlx.Tx) error { return s.SetRequestTx(ctx, tx, actor, windowID, slotIDs) })
}

// SetRequestTx is SetRequest inside the caller's transaction.
func (s *Service) SetRequestTx(ctx context.Context, tx *sqlx.Tx, actor *app.Principal, windowID int64, slotIDs []int64) error {
	w, err := s.enterable(ctx, tx, actor, windowID)
	if err != nil {
		return err
	}
	if len(slotIDs) == 0 {
		return app.Unprocessable("no_preferences", "Choose at least one slot.").OnField("slots")
	}
	slots, err := selectSlots(ctx, tx, windowID)
	if err != nil {
		return err
	}
	known := map[int64]bool{}
	for _, sl := range slots {
		known[sl.ID] = true
	}
	seen := map[int64]bool{}
	for _, id := range slotIDs {
		if !known[id] {
			return app.Unprocessable("unknown_slot", "Slot %d is not part of this lottery.", id).OnField("slots")
		}
		if seen[id] {
			return app.Unprocessable("duplicate_slot", "Each slot can be ranked only once.").OnField("slots")
		}
		seen[id] = true
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM lottery_requests WHERE site_id = $1 AND window_id = $2 AND member_id = $3`,
		w.SiteID, w.ID, actor.ID); err != nil {
		return requestError(err)
	}
	for i, id := range slotIDs {
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO lottery_requests (site_id, window_id, member_id, slot_id, rank) VALUES ($1, $2, $3, $4, $5)`,
			w.SiteID, w.ID, actor.ID, id, i+1); err != nil {
			return requestError(err)
		}
	}
	return nil
}

// Withdraw removes the actor's request from a window. Errors: as SetRequest.
func (s *Service) Withdraw(ctx context.Context, actor *app.Principal, windowID int64) error {
	return app.InTx(ctx, s.DB, func(tx *sqlx.Tx) error {
		w, err := s.enterable(ctx, tx, actor, windowID)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM lottery_requests WHERE site_id = $1 AND window_id = $2 AND member_id = $3`,
			w.SiteID, w.ID, actor.ID)
		return requestError(err)
	})
}

// enterable returns the window when the actor may still change a request in it.
func (s *Service) enterable(ctx context.Context, tx *sqlx.Tx, actor *app.Principal, windowID int64) (Window, error) {
	w, err := getWindow(ctx, tx, windowID, "")
	if err != nil {
		return w, err
	}
	if !w.MayEnter(actor) {
		return w, app.Errorf(app.KindForbidden, "not_eligible",
			"Only residents of %s can book %s, so only they can enter its lottery.", w.SiteName, w.ResourceName)
	}
	if err := w.requireOpen(); err != nil {
		return w, err
	}
	if !w.AcceptsRequests(time.Now()) {
		return w, errWindowClosed
	}
	return w, nil
}

var errWindowClosed = app.Unprocessable("window_closed", "Requests for this lottery are closed; it waits for its draw.")

// requestError translates the database's refusal of a late request.
func requestError(err error) error {
	if err == nil {
		return nil
	}
	if app.PQConstraint(err) == "lottery_requests_frozen" {
		return errWindowClosed
	}
	return fmt.Errorf("lottery: unable to save request: %w", err)
}

// Request returns the slots p, the member asking, asked for in a window,
// best first (empty when they have not entered). Errors: not_found.
func (s *Service) Request(ctx context.Context, p *app.Principal, windowID int64) ([]int64, error) {
	if _, err := s.Window(ctx, windowID); err != nil {
		return nil, err
	}
	return s.request(ctx, p.ID, windowID)
}

// request returns the slots a member asked for in a window, best first.
func (s *Service) request(ctx context.Context, memberID, windowID int64) ([]int64, error) {
	ids := []int64{}
	err := s.DB.SelectContext(ctx, &ids, `
		SELECT slot_id FROM lottery_requests WHERE window_id = $1 AND member_id = $2 ORDER BY rank`, windowID, memberID)
	if err != nil {
		return nil, fmt.Errorf("lottery: unable to fetch request: %w", err)
	}
	return ids, nil
}
