package app

import (
	"context"
	"fmt"

	"github.com/lib/pq"
)

// Principal is the signed-in member with the relations that decide what they
// may do: every authorization decision in Hearth is one of its methods.
type Principal struct {
	Member
	CoordinatorOf []int64    // sites this member coordinates
	Home          *Residence // where the member lives today, nil if nowhere
}

// Residence is a member's current home.
type Residence struct {
	SiteID   int64  `db:"site_id" json:"site_id"`
	SiteName string `db:"site_name" json:"site_name"`
	UnitID   int64  `db:"unit_id" json:"unit_id"`
	UnitName string `db:"unit_name" json:"unit_name"`
	Timezone string `db:"timezone" json:"timezone"`
}

// Principal loads the relations of a member for authorization.
func (a *Accounts) Principal(ctx context.Context, m Member) (*Principal, error) {
	p := &Principal{Member: m}
	var sites pq.Int64Array
	if err := a.DB.GetContext(ctx, &sites,
		`SELECT coalesce(array_agg(site_id ORDER BY site_id), '{}') FROM site_coordinators WHERE member_id = $1`, m.ID); err != nil {
		return nil, fmt.Errorf("authz: unable to load coordination: %v", err)
	}
	p.CoordinatorOf = sites
	var homes []Residence
	if err := a.DB.SelectContext(ctx, &homes, `
		SELECT s.id AS site_id, s.name AS site_name, u.id AS unit_id, u.name AS unit_name, s.timezone
		FROM residencies r JOIN units u ON u.id = r.unit_id JOIN sites s ON s.id = r.site_id
		WHERE r.member_id = $1
		  AND r.starts_on <= (now() AT TIME ZONE s.timezone)::date
		  AND (r.ends_on IS NULL OR r.ends_on > (now() AT TIME ZONE s.timezone)::date)
		LIMIT 1`, m.ID); err != nil {
		return nil, fmt.Errorf("authz: unable to load residence: %v", err)
	}
	if len(homes) == 1 {
		p.Home = &homes[0]
	}
	return p, nil
}

// IsAdmin reports whether p is a cooperative-wide admin (the treasurer).
func (p *Principal) IsAdmin() bool { return p != nil && p.Role == RoleAdmin }

// Coordinates reports whether p coordinates the site (admins coordinate every site).
func (p *Principal) Coordinates(siteID int64) bool {
	if p.IsAdmin() {
		return true
	}
	if p == nil {
		return false
	}
	for _, s := range p.CoordinatorOf {
		if s == siteID {
			return true
		}
	}
	return false
}

// IsCoordinator reports whether p coordinates at least one site.
func (p *Principal) IsCoordinator() bool { return p != nil && len(p.CoordinatorOf) > 0 }

// LivesAt reports whether p resides at the site today.
func (p *Principal) LivesAt(siteID int64) bool {
	return p != nil && p.Home != nil && p.Home.SiteID == siteID
}

// CanSeeMoneyOf reports whether p may see a member's money: only the member
// themself and the treasurer. Coordinators administer a site; they do not
// read their neighbours' accounts.
func (p *Principal) CanSeeMoneyOf(memberID int64) bool {
	return p != nil && (p.ID == memberID || p.IsAdmin())
}

// RequireAdmin returns a forbidden error unless p is an admin.
func (p *Principal) RequireAdmin() error {
	if !p.IsAdmin() {
		return Forbidden("Only the treasurer (an admin) can do that.")
	}
	return nil
}

// RequireCoordinator returns a forbidden error unless p coordinates the site.
func (p *Principal) RequireCoordinator(siteID int64) error {
	if !p.Coordinates(siteID) {
		return Forbidden("Only a coordinator of this site can do that.")
	}
	return nil
}

// RequireMoneyOf returns a forbidden error unless p may see the member's money.
func (p *Principal) RequireMoneyOf(memberID int64) error {
	if !p.CanSeeMoneyOf(memberID) {
		return Forbidden("You can only see your own accounts.")
	}
	return nil
}
