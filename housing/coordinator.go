package housing

import (
	"context"
	"fmt"
	"time"

	"hearth/app"

	"github.com/jmoiron/sqlx"
)

// Coordinator is a member appointed to run a site: its intake, residencies
// and shared-space rules. Coordinators administer; they do not own.
type Coordinator struct {
	SiteID   int64     `db:"site_id"`
	MemberID int64     `db:"member_id"`
	Name     string    `db:"name"`
	Since    time.Time `db:"created_at"`
}

// AppointCoordinator makes a member a coordinator of a site (the
// treasurer). Errors: forbidden (403); site_not_found, member_not_found
// (404); member_required (422); already_coordinator (409).
func (s *Service) AppointCoordinator(ctx context.Context, p *app.Principal, siteID, memberID int64) error {
	return appointCoordinator(ctx, s.DB, p, siteID, memberID)
}

// AppointCoordinatorTx is AppointCoordinator inside the caller's
// transaction, for a seed that makes a whole cooperative at once.
func (s *Service) AppointCoordinatorTx(ctx context.Context, tx *sqlx.Tx, p *app.Principal, siteID, memberID int64) error {
	return appointCoordinator(ctx, tx, p, siteID, memberID)
}

func appointCoordinator(ctx context.Context, q sqlx.ExecerContext, p *app.Principal, siteID, memberID int64) error {
	if err := p.RequireAdmin(); err != nil {
		return err
	}
	if memberID <= 0 {
		return app.Unprocessable("member_required", "Choose a member.").OnField("member_id")
	}
	_, err := q.ExecContext(ctx, `INSERT INTO site_coordinators (site_id, member_id) VALUES ($1, $2)`, siteID, memberID)
	switch app.PQConstraint(err) {
	case "":
	case "site_coordinators_pkey":
		return app.Conflict("already_coordinator", "That member already coordinates this site.").OnField("member_id")
	case "site_coordinators_site_id_fkey":
		return siteNotFound()
	case "site_coordinators_member_id_fkey":
		return memberNotFound()
	}
	if err != nil {
		return fmt.Errorf("housing: unable to appoint coordinator: %w", err)
	}
	return nil
}

// RemoveCoordinator ends a member's coordination of a site (the
// treasurer). Errors: forbidden (403); not_coordinator (404).
func (s *Service) RemoveCoordinator(ctx context.Context, p *app.Principal, siteID, memberID int64) error {
	if err := p.RequireAdmin(); err != nil {
		return err
	}
	res, err := s.DB.ExecContext(ctx, `DELETE FROM site_coordinators WHERE site_id = $1 AND member_id = $2`, siteID, memberID)
	if err != nil {
		return fmt.Errorf("housing: unable to remove coordinator: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return app.Errorf(app.KindNotFound, "not_coordinator", "That member does not coordinate this site.")
	}
	return nil
}

// coordinators lists the coordinators of a site by name.
func (s *Service) coordinators(ctx context.Context, siteID int64) ([]Coordinator, error) {
	cs := []Coordinator{}
	err := s.DB.SelectContext(ctx, &cs, `
		SELECT c.site_id, c.member_id, m.name, c.created_at
		FROM site_coordinators c JOIN members m ON m.id = c.member_id
		WHERE c.site_id = $1 ORDER BY m.name, m.id`, siteID)
	if err != nil {
		return nil, fmt.Errorf("housing: unable to list coordinators: %w", err)
	}
	return cs, nil
}
