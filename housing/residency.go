package housing

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"hearth/app"
)

// Residency places a member in a unit of a site from StartsOn to EndsOn.
// Both are calendar dates (midnight UTC in Go, date in SQL). EndsOn is the
// move-out day and is exclusive: a residency ending on 1 May and another
// starting on 1 May do not overlap, which is how a move hands one unit over
// and another one on the same day. A nil EndsOn means open-ended.
type Residency struct {
	ID        int64      `db:"id"`
	SiteID    int64      `db:"site_id"`
	UnitID    int64      `db:"unit_id"`
	MemberID  int64      `db:"member_id"`
	StartsOn  time.Time  `db:"starts_on"`
	EndsOn    *time.Time `db:"ends_on"`
	CreatedAt time.Time  `db:"created_at"`
}

// NewResidency is what placing a member in a unit needs. The site is the
// unit's site. StartsOn and EndsOn are read as calendar dates: their year,
// month and day in their own location count, the time of day does not.
type NewResidency struct {
	UnitID   int64
	MemberID int64
	StartsOn time.Time
	EndsOn   *time.Time // nil: open-ended
}

// ActiveOn reports whether the residency covers the calendar date on.
func (r Residency) ActiveOn(on time.Time) bool {
	d := Date(on)
	return !r.StartsOn.After(d) && (r.EndsOn == nil || r.EndsOn.After(d))
}

// EndedBy reports whether the residency is over by the calendar date on:
// its move-out day is on or before it.
func (r Residency) EndedBy(on time.Time) bool {
	return r.EndsOn != nil && !r.EndsOn.After(Date(on))
}

// Date returns the calendar date of t (its year, month and day in t's own
// location) as midnight UTC, the form every date in this package takes.
func Date(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// sqlDate formats a calendar date for a date parameter. Passing the text
// rather than a time.Time keeps PostgreSQL from reading a time zone into it.
func sqlDate(t time.Time) string { return t.Format(time.DateOnly) }

// normalize turns the dates lib/pq scans (midnight in a nameless zone) into
// midnight UTC, so that residencies compare equal with ==.
func (r *Residency) normalize() {
	r.StartsOn = Date(r.StartsOn)
	if r.EndsOn != nil {
		e := Date(*r.EndsOn)
		r.EndsOn = &e
	}
}

const residencyColumns = `id, site_id, unit_id, member_id, starts_on, ends_on, created_at`

// StartResidencyTx places a member in a unit inside the caller's transaction,
// so that a move or an admission writes it atomically with its ledger
// entries. The database refuses overlaps even between racing transactions.
//
// Errors: unit_not_found, member_not_found (404); residency_ends_before_start
// (422); unit_occupied, member_already_resident (409). A constraint error
// aborts tx, as any failed statement does: the caller rolls back.
func StartResidencyTx(ctx context.Context, tx *sqlx.Tx, r NewResidency) (Residency, error) {
	var res Residency
	starts := Date(r.StartsOn)
	var ends *string
	if r.EndsOn != nil {
		e := Date(*r.EndsOn)
		if !e.After(starts) {
			return res, app.Unprocessable("residency_ends_before_start",
				"The move-out date must come after the move-in date.").OnField("ends_on")
		}
		s := sqlDate(e)
		ends = &s
	}
	// The unit's site is looked up in the same statement so that the row is
	// consistent with the unit even if a caller passes a stale site.
	err := tx.GetContext(ctx, &res, `
		INSERT INTO residencies (site_id, unit_id, member_id, starts_on, ends_on)
		SELECT u.site_id, u.id, $2, $3::date, $4::date FROM units u WHERE u.id = $1
		RETURNING `+residencyColumns,
		r.UnitID, r.MemberID, sqlDate(starts), ends)
	if err != nil {
		if app.ErrNoRows(err) {
			return res, app.Errorf(app.KindNotFound, "unit_not_found", "There is no such unit.").OnField("unit_id")
		}
		return res, residencyError(err)
	}
	res.normalize()
	return res, nil
}

func memberNotFound() error {
	return app.Errorf(app.KindNotFound, "member_not_found", "There is no such member.").OnField("member_id")
}

// residencyError translates the constraints of the residencies table into
// domain errors; anything else is wrapped as an internal error.
func residencyError(err error) error {
	switch app.PQConstraint(err) {
	case "residencies_unit_no_overlap":
		return app.Conflict("unit_occupied",
			"Someone else lives in that unit during those dates.").OnField("unit_id")
	case "residencies_member_no_overlap":
		return app.Conflict("member_already_resident",
			"That member already lives in a unit during those dates.").OnField("member_id")
	case "residencies_dates_check":
		return app.Unprocessable("residency_ends_before_start",
			"The move-out date must come after the move-in date.").OnField("ends_on")
	case "residencies_member_id_fkey":
		return memberNotFound()
	}
	return fmt.Errorf("housing: unable to write residency: %w", err)
}

// EndResidencyTx sets the move-out day (exclusive) of a residency inside the
// caller's transaction. It ends an open-ended residency or brings an end
// forward; it never extends one that already ends earlier, because the unit
// may have been promised to someone else from then on.
//
// Errors: residency_not_found (404); residency_ends_before_start (422);
// residency_already_ended (409).
func EndResidencyTx(ctx context.Context, tx *sqlx.Tx, residencyID int64, endsOn time.Time) error {
	var r Residency
	err := tx.GetContext(ctx, &r, `SELECT `+residencyColumns+` FROM residencies WHERE id = $1 FOR UPDATE`, residencyID)
	if app.ErrNoRows(err) {
		return app.Errorf(app.KindNotFound, "residency_not_found", "There is no such residency.")
	}
	if err != nil {
		return fmt.Errorf("housing: unable to load residency: %w", err)
	}
	r.normalize()
	end := Date(endsOn)
	if !end.After(r.StartsOn) {
		return app.Unprocessable("residency_ends_before_start",
			"The move-out date must come after the move-in date (%s).", r.StartsOn.Format(time.DateOnly)).OnField("ends_on")
	}
	if r.EndsOn != nil && end.After(*r.EndsOn) {
		return app.Conflict("residency_already_ended",
			"This residency already ends on %s.", r.EndsOn.Format(time.DateOnly)).OnField("ends_on")
	}
	if _, err := tx.ExecContext(ctx, `UPDATE residencies SET ends_on = $2::date WHERE id = $1`, residencyID, sqlDate(end)); err != nil {
		return residencyError(err)
	}
	return nil
}

// CurrentResidency returns the residency of a member that covers the
// calendar date on. Errors: not_resident (404) when the member lives nowhere
// on that date.
func CurrentResidency(ctx context.Context, q sqlx.QueryerContext, memberID int64, on time.Time) (Residency, error) {
	var r Residency
	err := sqlx.GetContext(ctx, q, &r, `
		SELECT `+residencyColumns+` FROM residencies_on($2::date) WHERE member_id = $1`, memberID, sqlDate(Date(on)))
	if app.ErrNoRows(err) {
		return r, app.Errorf(app.KindNotFound, "not_resident", "That member lives in no unit on %s.", sqlDate(Date(on)))
	}
	if err != nil {
		return r, fmt.Errorf("housing: unable to load residency: %w", err)
	}
	r.normalize()
	return r, nil
}

// UnitResidency returns the residency that occupies a unit on the calendar
// date on. Errors: unit_vacant (404) when nobody lives there that day.
func UnitResidency(ctx context.Context, q sqlx.QueryerContext, unitID int64, on time.Time) (Residency, error) {
	var r Residency
	err := sqlx.GetContext(ctx, q, &r, `
		SELECT `+residencyColumns+` FROM residencies_on($2::date) WHERE unit_id = $1`, unitID, sqlDate(Date(on)))
	if app.ErrNoRows(err) {
		return r, app.Errorf(app.KindNotFound, "unit_vacant", "Nobody lives in that unit on %s.", sqlDate(Date(on)))
	}
	if err != nil {
		return r, fmt.Errorf("housing: unable to load residency: %w", err)
	}
	r.normalize()
	return r, nil
}

// ResidencyView is a residency with the names a page shows beside it.
type ResidencyView struct {
	Residency
	MemberName string `db:"member_name"`
	UnitName   string `db:"unit_name"`
}

// PlaceMember places a member in a unit of a site (its coordinators and
// the treasurer). Errors: forbidden (403); unit_not_found,
// member_not_found (404); unit_required, member_required,
// residency_ends_before_start (422); unit_occupied, member_already_resident
// (409).
func (s *Service) PlaceMember(ctx context.Context, p *app.Principal, siteID int64, r NewResidency) (Residency, error) {
	var res Residency
	if err := p.RequireCoordinator(siteID); err != nil {
		return res, err
	}
	if r.UnitID <= 0 {
		return res, app.Unprocessable("unit_required", "Choose a unit.").OnField("unit_id")
	}
	if r.MemberID <= 0 {
		return res, app.Unprocessable("member_required", "Choose a member.").OnField("member_id")
	}
	if r.StartsOn.IsZero() {
		return res, app.Unprocessable("invalid_date", "Enter the day the residency starts.").OnField("starts_on")
	}
	err := app.InTx(ctx, s.DB, func(tx *sqlx.Tx) error {
		var unitSite int64
		err := tx.GetContext(ctx, &unitSite, `SELECT site_id FROM units WHERE id = $1`, r.UnitID)
		if err != nil && !app.ErrNoRows(err) {
			return fmt.Errorf("housing: unable to load unit: %w", err)
		}
		if unitSite != siteID {
			return unitNotFound()
		}
		res, err = StartResidencyTx(ctx, tx, r)
		return err
	})
	return res, err
}

// EndSiteResidency sets the move-out day of a residency at a site (see
// EndResidencyTx) and returns it (its coordinators and the treasurer).
// Errors: forbidden (403); residency_not_found (404); invalid_date,
// residency_ends_before_start (422); residency_already_ended (409).
func (s *Service) EndSiteResidency(ctx context.Context, p *app.Principal, siteID, residencyID int64, endsOn time.Time) (Residency, error) {
	var res Residency
	if err := p.RequireCoordinator(siteID); err != nil {
		return res, err
	}
	if endsOn.IsZero() {
		return res, app.Unprocessable("invalid_date", "Enter the move-out day.").OnField("ends_on")
	}
	err := app.InTx(ctx, s.DB, func(tx *sqlx.Tx) error {
		var n int
		if err := tx.GetContext(ctx, &n, `SELECT count(*) FROM residencies WHERE id = $1 AND site_id = $2`, residencyID, siteID); err != nil {
			return fmt.Errorf("housing: unable to load residency: %w", err)
		}
		if n == 0 {
			return app.Errorf(app.KindNotFound, "residency_not_found", "There is no such residency at this site.")
		}
		if err := EndResidencyTx(ctx, tx, residencyID, endsOn); err != nil {
			return err
		}
		if err := tx.GetContext(ctx, &res, `SELECT `+residencyColumns+` FROM residencies WHERE id = $1`, residencyID); err != nil {
			return fmt.Errorf("housing: unable to load residency: %w", err)
		}
		res.normalize()
		return nil
	})
	return res, err
}

// Residencies lists the residencies of a site, past, present and future: the
// open-ended and latest first, then by unit (its coordinators and the
// treasurer). Errors: forbidden (403); site_not_found (404).
func (s *Service) Residencies(ctx context.Context, p *app.Principal, siteID int64) ([]ResidencyView, error) {
	if err := p.RequireCoordinator(siteID); err != nil {
		return nil, err
	}
	if _, err := s.site(ctx, siteID); err != nil {
		return nil, err
	}
	return s.residencies(ctx, siteID)
}

func (s *Service) residencies(ctx context.Context, siteID int64) ([]ResidencyView, error) {
	rs := []ResidencyView{}
	err := s.DB.SelectContext(ctx, &rs, `
		SELECT r.id, r.site_id, r.unit_id, r.member_id, r.starts_on, r.ends_on, r.created_at,
		       m.name AS member_name, u.name AS unit_name
		FROM residencies r JOIN members m ON m.id = r.member_id JOIN units u ON u.id = r.unit_id
		WHERE r.site_id = $1
		ORDER BY r.ends_on DESC NULLS FIRST, r.starts_on DESC, u.name, r.id`, siteID)
	if err != nil {
		return nil, fmt.Errorf("housing: unable to list residencies: %w", err)
	}
	for i := range rs {
		rs[i].normalize()
	}
	return rs, nil
}

// MemberChoice names a member in a pick list.
type MemberChoice struct {
	ID    int64  `db:"id"`
	Name  string `db:"name"`
	Email string `db:"email"`
}

// memberChoices lists every member by name, for the forms that place a
// member in a unit or appoint a coordinator.
func (s *Service) memberChoices(ctx context.Context) ([]MemberChoice, error) {
	ms := []MemberChoice{}
	if err := s.DB.SelectContext(ctx, &ms, `SELECT id, name, email FROM members ORDER BY name, id`); err != nil {
		return nil, fmt.Errorf("housing: unable to list members: %w", err)
	}
	return ms, nil
}
