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

// MaxBlackout is the longest blackout window; longer closures are better
// said by the opening hours.
const MaxBlackout = 366 * 24 * time.Hour

// Blackout closes a resource for a while (maintenance, a site event).
type Blackout struct {
	ID         int64     `db:"id"`
	SiteID     int64     `db:"site_id"`
	ResourceID int64     `db:"resource_id"`
	StartsAt   time.Time `db:"starts_at"`
	EndsAt     time.Time `db:"ends_at"`
	Reason     string    `db:"reason"`
	CreatedAt  time.Time `db:"created_at"`
}

// blackoutColumns selects a Blackout from k, a row of resource_blackouts.
const blackoutColumns = `
	SELECT k.id, k.site_id, k.resource_id, lower(k.during) AS starts_at, upper(k.during) AS ends_at, k.reason, k.created_at`

const blackoutSelect = blackoutColumns + `
	FROM resource_blackouts k`

// AddBlackout closes a resource for [start, end). Active bookings inside the
// window are cancelled in the same transaction, with the reason as their
// note, and it returns how many. Errors: ends_before_starts,
// not_whole_minutes, blackout_too_long, invalid_reason (422); forbidden
// unless by coordinates the site; not_found.
func (s *Service) AddBlackout(ctx context.Context, by *app.Principal, resourceID int64, start, end time.Time, reason string) (Blackout, int, error) {
	reason, err := checkBlackout(start, end, reason)
	if err != nil {
		return Blackout{}, 0, err
	}
	var id int64
	var cancelled int
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		var err error
		id, cancelled, err = s.addBlackout(ctx, tx, by, resourceID, start, end, reason)
		return err
	})
	if err != nil {
		return Blackout{}, 0, err
	}
	k, err := s.blackout(ctx, id)
	return k, cancelled, err
}

// AddBlackoutTx is AddBlackout in the caller's transaction, for the demo
// cooperative, which writes its history in one.
func (s *Service) AddBlackoutTx(ctx context.Context, tx *sqlx.Tx, by *app.Principal, resourceID int64, start, end time.Time, reason string) (Blackout, int, error) {
	var k Blackout
	reason, err := checkBlackout(start, end, reason)
	if err != nil {
		return k, 0, err
	}
	id, cancelled, err := s.addBlackout(ctx, tx, by, resourceID, start, end, reason)
	if err != nil {
		return k, 0, err
	}
	if err := tx.GetContext(ctx, &k, blackoutSelect+` WHERE k.id = $1`, id); err != nil {
		return k, 0, fmt.Errorf("booking: unable to fetch blackout: %w", err)
	}
	return k, cancelled, nil
}

// checkBlackout checks a blackout's time and reason, and trims the reason.
func checkBlackout(start, end time.Time, reason string) (string, error) {
	reason = strings.TrimSpace(reason)
	switch {
	case start.IsZero() || end.IsZero():
		return "", app.Unprocessable("missing_time", "Give both a start and an end.").OnField("starts_at")
	case !end.After(start):
		return "", app.Unprocessable("ends_before_starts", "The end must come after the start.").OnField("ends_at")
	case start.Truncate(time.Minute) != start || end.Truncate(time.Minute) != end:
		return "", app.Unprocessable("not_whole_minutes", "Give times in whole minutes, like 09:30.").OnField("starts_at")
	case end.Sub(start) > MaxBlackout:
		return "", app.Unprocessable("blackout_too_long", "A blackout lasts at most a year; change the opening hours for longer.").OnField("ends_at")
	case utf8.RuneCountInString(reason) > 500:
		return "", app.Unprocessable("invalid_reason", "Keep the reason under 500 characters.").OnField("reason")
	}
	return reason, nil
}

// addBlackout writes a blackout and cancels the bookings inside it,
// returning its id and how many it cancelled.
func (s *Service) addBlackout(ctx context.Context, tx *sqlx.Tx, by *app.Principal, resourceID int64, start, end time.Time, reason string) (int64, int, error) {
	siteID, err := lockForChange(ctx, tx, by, resourceID)
	if err != nil {
		return 0, 0, err
	}
	var id int64
	if err := tx.GetContext(ctx, &id, `
		INSERT INTO resource_blackouts (site_id, resource_id, during, reason, created_by)
		VALUES ($1, $2, tstzrange($3, $4, '[)'), $5, $6) RETURNING id`,
		siteID, resourceID, start, end, reason, by.ID); err != nil {
		return 0, 0, fmt.Errorf("booking: unable to add blackout: %w", err)
	}
	var ids []int64
	if err := tx.SelectContext(ctx, &ids, `
		SELECT id FROM bookings
		WHERE site_id = $1 AND resource_id = $2 AND during && tstzrange($3, $4, '[)') AND `+activeStatuses+`
		FOR UPDATE`, siteID, resourceID, start, end); err != nil {
		return 0, 0, fmt.Errorf("booking: unable to find bookings in the blackout: %w", err)
	}
	note := "Cancelled: the space is closed at that time"
	if reason != "" {
		note += " (" + reason + ")"
	}
	// The freed time lies inside the blackout, so it goes to no one on
	// the waitlist.
	return id, len(ids), s.setStatus(ctx, tx, by, ids, cancel, note+".", s.now())
}

func (s *Service) blackout(ctx context.Context, id int64) (Blackout, error) {
	var k Blackout
	err := s.DB.GetContext(ctx, &k, blackoutSelect+` WHERE k.id = $1`, id)
	if app.ErrNoRows(err) {
		return k, app.NotFound("There is no such blackout.")
	}
	if err != nil {
		return k, fmt.Errorf("booking: unable to fetch blackout: %w", err)
	}
	return k, nil
}

// Blackouts lists the blackouts of a resource that end after from, soonest
// first, with times in loc.
func (s *Service) Blackouts(ctx context.Context, r *Resource, from time.Time) ([]Blackout, error) {
	var ks []Blackout
	if err := s.DB.SelectContext(ctx, &ks, blackoutSelect+`
		WHERE k.site_id = $1 AND k.resource_id = $2 AND upper(k.during) > $3 ORDER BY lower(k.during), k.id`,
		r.SiteID, r.ID, from); err != nil {
		return nil, fmt.Errorf("booking: unable to list blackouts: %w", err)
	}
	for i := range ks {
		ks[i].StartsAt, ks[i].EndsAt, ks[i].CreatedAt = ks[i].StartsAt.In(r.loc), ks[i].EndsAt.In(r.loc), ks[i].CreatedAt.In(r.loc)
	}
	return ks, nil
}

// RemoveBlackout reopens a resource. Bookings it cancelled stay cancelled.
// Errors: forbidden unless by coordinates the site; not_found.
func (s *Service) RemoveBlackout(ctx context.Context, by *app.Principal, id int64) error {
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		var resourceID int64
		err := tx.GetContext(ctx, &resourceID, `SELECT resource_id FROM resource_blackouts WHERE id = $1`, id)
		if app.ErrNoRows(err) {
			return app.NotFound("There is no such blackout.")
		}
		if err != nil {
			return fmt.Errorf("booking: unable to fetch blackout: %w", err)
		}
		if _, err := lockForChange(ctx, tx, by, resourceID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM resource_blackouts WHERE id = $1`, id); err != nil {
			return fmt.Errorf("booking: unable to remove blackout: %w", err)
		}
		return nil
	})
}
