// Package housing holds the cooperative's properties: sites, their units,
// coordinators and the residencies that place members in units, with the
// shared resources and bookings in sub-packages. It owns the rules and the
// SQL; callers pass transactions in where a change must be atomic with
// others (a move writes residencies beside ledger entries).
package housing

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"hearth/app"
	"hearth/housing/booking"
)

// Service runs the housing operations that open their own transactions and
// the queries behind the pages and the API.
type Service struct {
	DB *sqlx.DB
}

// Site is a property of the cooperative. Timezone is an IANA zone name; every
// date and rule of the site is read in it.
type Site struct {
	ID        int64     `db:"id"`
	Name      string    `db:"name"`
	Address   string    `db:"address"`
	Timezone  string    `db:"timezone"`
	CreatedAt time.Time `db:"created_at"`
}

// Location returns the site's time zone. The zone was validated when it was
// stored; should the machine's zone database lack it later, UTC stands in.
func (s Site) Location() *time.Location {
	loc, err := time.LoadLocation(s.Timezone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// Today returns the site's current calendar date in its own zone.
func (s Site) Today() time.Time { return Date(time.Now().In(s.Location())) }

// SiteInput is what creating a site needs.
type SiteInput struct {
	Name     string
	Address  string
	Timezone string
}

// SiteChanges edits a site: nil fields stay as they are.
type SiteChanges struct {
	Name     *string
	Address  *string
	Timezone *string
}

// SiteSummary is a site with its occupancy today, for lists.
type SiteSummary struct {
	Site
	Units    int `db:"units"`
	Occupied int `db:"occupied"`
}

const siteColumns = `id, name, address, timezone, created_at`

// clean trims the input and checks it. Errors: invalid_name, invalid_address,
// unknown_timezone (422).
func (in SiteInput) clean() (SiteInput, error) {
	in.Name = strings.TrimSpace(in.Name)
	in.Address = strings.TrimSpace(in.Address)
	in.Timezone = strings.TrimSpace(in.Timezone)
	if in.Name == "" || utf8.RuneCountInString(in.Name) > 200 {
		return in, app.Unprocessable("invalid_name", "Enter a site name of up to 200 characters.").OnField("name")
	}
	if utf8.RuneCountInString(in.Address) > 500 {
		return in, app.Unprocessable("invalid_address", "Enter an address of up to 500 characters.").OnField("address")
	}
	if err := checkTimezone(in.Timezone); err != nil {
		return in, err
	}
	return in, nil
}

// checkTimezone accepts IANA zone names only. time.LoadLocation also accepts
// "" (UTC) and "Local" (this machine's zone), which name no place.
func checkTimezone(tz string) error {
	if tz == "" || tz == "Local" {
		return app.Unprocessable("unknown_timezone", "Choose a time zone such as Europe/Berlin or America/New_York.").OnField("timezone")
	}
	if _, err := time.LoadLocation(tz); err != nil {
		return app.Unprocessable("unknown_timezone", "%q is not a time zone we know; choose one such as Europe/Berlin or America/New_York.", tz).OnField("timezone")
	}
	return nil
}

// siteError translates the constraints of the sites table.
func siteError(err error) error {
	switch app.PQConstraint(err) {
	case "sites_name_key", "sites_name_ci_key":
		return app.Conflict("site_name_taken", "Another site already has that name.").OnField("name")
	case "sites_timezone_check":
		return app.Unprocessable("unknown_timezone", "The database does not know that time zone; choose one such as Europe/Berlin.").OnField("timezone")
	case "sites_name_check":
		return app.Unprocessable("invalid_name", "Enter a site name of up to 200 characters.").OnField("name")
	}
	return fmt.Errorf("housing: unable to write site: %w", err)
}

func siteNotFound() error {
	return app.Errorf(app.KindNotFound, "site_not_found", "There is no such site.")
}

// Who may do what with sites: anyone signed in sees them and who lives
// where (neighbours know each other), the treasurer creates and renames
// them and appoints their coordinators, and a site's coordinators run it:
// its units, its residencies, its management page. A neighbour's money (a
// unit's charge) is for its resident and those who run the site.

// CanChangeSites returns forbidden unless p may create sites and change
// their names, addresses and zones: the treasurer.
func CanChangeSites(p *app.Principal) error {
	if !p.IsAdmin() {
		return app.Forbidden("Only the treasurer creates and renames sites.")
	}
	return nil
}

// CreateSite adds a site (the treasurer). Errors: forbidden (403);
// invalid_name, invalid_address, unknown_timezone (422); site_name_taken
// (409).
func (s *Service) CreateSite(ctx context.Context, p *app.Principal, in SiteInput) (Site, error) {
	return createSite(ctx, s.DB, p, in)
}

// CreateSiteTx is CreateSite inside the caller's transaction, for a seed
// that makes a whole cooperative at once.
func (s *Service) CreateSiteTx(ctx context.Context, tx *sqlx.Tx, p *app.Principal, in SiteInput) (Site, error) {
	return createSite(ctx, tx, p, in)
}

func createSite(ctx context.Context, q sqlx.QueryerContext, p *app.Principal, in SiteInput) (Site, error) {
	var site Site
	if err := CanChangeSites(p); err != nil {
		return site, err
	}
	in, err := in.clean()
	if err != nil {
		return site, err
	}
	err = sqlx.GetContext(ctx, q, &site, `INSERT INTO sites (name, address, timezone) VALUES ($1, $2, $3) RETURNING `+siteColumns,
		in.Name, in.Address, in.Timezone)
	if err != nil {
		return site, siteError(err)
	}
	return site, nil
}

// UpdateSite changes a site's name, address or time zone (the treasurer).
// Errors: forbidden (403); site_not_found (404); invalid_name,
// invalid_address, unknown_timezone (422); site_name_taken (409).
func (s *Service) UpdateSite(ctx context.Context, p *app.Principal, id int64, ch SiteChanges) (Site, error) {
	var site Site
	if err := CanChangeSites(p); err != nil {
		return site, err
	}
	err := app.InTx(ctx, s.DB, func(tx *sqlx.Tx) error {
		cur, err := siteForUpdate(ctx, tx, id)
		if err != nil {
			return err
		}
		in := SiteInput{Name: cur.Name, Address: cur.Address, Timezone: cur.Timezone}
		if ch.Name != nil {
			in.Name = *ch.Name
		}
		if ch.Address != nil {
			in.Address = *ch.Address
		}
		if ch.Timezone != nil {
			in.Timezone = *ch.Timezone
		}
		if in, err = in.clean(); err != nil {
			return err
		}
		if in.Timezone != cur.Timezone {
			// Bookings in flight finish in the old zone; later ones start in the new.
			if err := booking.LockSiteResources(ctx, tx, id); err != nil {
				return err
			}
		}
		err = tx.GetContext(ctx, &site, `UPDATE sites SET name = $2, address = $3, timezone = $4 WHERE id = $1 RETURNING `+siteColumns,
			id, in.Name, in.Address, in.Timezone)
		if err != nil {
			return siteError(err)
		}
		return nil
	})
	return site, err
}

func siteForUpdate(ctx context.Context, tx *sqlx.Tx, id int64) (Site, error) {
	var site Site
	err := tx.GetContext(ctx, &site, `SELECT `+siteColumns+` FROM sites WHERE id = $1 FOR UPDATE`, id)
	if app.ErrNoRows(err) {
		return site, siteNotFound()
	}
	if err != nil {
		return site, fmt.Errorf("housing: unable to load site: %w", err)
	}
	return site, nil
}

// Site returns one site. Errors: site_not_found (404).
func (s *Service) Site(ctx context.Context, p *app.Principal, id int64) (Site, error) {
	return s.site(ctx, id)
}

func (s *Service) site(ctx context.Context, id int64) (Site, error) {
	var site Site
	err := s.DB.GetContext(ctx, &site, `SELECT `+siteColumns+` FROM sites WHERE id = $1`, id)
	if app.ErrNoRows(err) {
		return site, siteNotFound()
	}
	if err != nil {
		return site, fmt.Errorf("housing: unable to load site: %w", err)
	}
	return site, nil
}

// Sites lists every site by name with how many of its units are occupied
// today, each site's today being the date in its own zone.
func (s *Service) Sites(ctx context.Context, p *app.Principal) ([]SiteSummary, error) {
	return s.sites(ctx)
}

// ManagedSites lists the sites p runs: those they coordinate, every site
// for the treasurer. Errors: forbidden (403) for a member who runs none.
func (s *Service) ManagedSites(ctx context.Context, p *app.Principal) ([]SiteSummary, error) {
	if !p.IsAdmin() && !p.IsCoordinator() {
		return nil, app.Forbidden("Only coordinators and the treasurer manage sites.")
	}
	all, err := s.sites(ctx)
	if err != nil {
		return nil, err
	}
	var mine []SiteSummary
	for _, site := range all {
		if p.Coordinates(site.ID) {
			mine = append(mine, site)
		}
	}
	return mine, nil
}

func (s *Service) sites(ctx context.Context) ([]SiteSummary, error) {
	sites := []SiteSummary{}
	err := s.DB.SelectContext(ctx, &sites, `
		SELECT s.id, s.name, s.address, s.timezone, s.created_at,
		       (SELECT count(*) FROM units u WHERE u.site_id = s.id) AS units,
		       (SELECT count(DISTINCT r.unit_id) FROM residencies_on(site_today(s.timezone)) r
		         WHERE r.site_id = s.id) AS occupied
		FROM sites s ORDER BY s.name, s.id`)
	if err != nil {
		return nil, fmt.Errorf("housing: unable to list sites: %w", err)
	}
	return sites, nil
}

// SiteDetail is a site with its units, who lives in each today and who moves
// in next, and its coordinators.
type SiteDetail struct {
	Site
	Today        time.Time // the site's date today, in its zone
	Units        []UnitOccupancy
	Coordinators []Coordinator
}

// UnitOccupancy is a unit with its current and next residents.
type UnitOccupancy struct {
	Unit
	Resident *Occupant // lives there today; nil when vacant
	Next     *Occupant // the next residency to start after today, if any
}

// ChargeVisibleTo reports whether p may see the unit's monthly charge
// (Principal.CanSeeChargeOf: its resident and those who run the site, or
// anyone while it is vacant).
func (u UnitOccupancy) ChargeVisibleTo(p *app.Principal) bool {
	var resident *int64
	if u.Resident != nil {
		resident = &u.Resident.MemberID
	}
	return p.CanSeeChargeOf(u.SiteID, resident)
}

// Occupant is a member's residency in a unit, with the member's name.
type Occupant struct {
	ResidencyID int64      `db:"id"`
	UnitID      int64      `db:"unit_id"`
	MemberID    int64      `db:"member_id"`
	Name        string     `db:"name"`
	StartsOn    time.Time  `db:"starts_on"`
	EndsOn      *time.Time `db:"ends_on"`
}

// SiteDetail returns a site with its units, residents and coordinators; a
// unit's charge shows only where UnitOccupancy.ChargeVisibleTo says. Errors:
// site_not_found (404).
func (s *Service) SiteDetail(ctx context.Context, p *app.Principal, id int64) (SiteDetail, error) {
	return s.siteDetail(ctx, id)
}

func (s *Service) siteDetail(ctx context.Context, id int64) (SiteDetail, error) {
	var d SiteDetail
	site, err := s.site(ctx, id)
	if err != nil {
		return d, err
	}
	d.Site, d.Today = site, site.Today()
	units, err := s.units(ctx, id)
	if err != nil {
		return d, err
	}
	if d.Coordinators, err = s.coordinators(ctx, id); err != nil {
		return d, err
	}
	// The residency covering today and the first one after today, per unit.
	var occupants []Occupant
	err = s.DB.SelectContext(ctx, &occupants, `
		SELECT r.id, r.unit_id, r.member_id, m.name, r.starts_on, r.ends_on
		FROM residencies_from($2::date) r JOIN members m ON m.id = r.member_id
		WHERE r.site_id = $1
		ORDER BY r.unit_id, r.starts_on`, id, sqlDate(d.Today))
	if err != nil {
		return d, fmt.Errorf("housing: unable to load residents: %w", err)
	}
	byUnit := map[int64][]Occupant{}
	for _, o := range occupants {
		o.StartsOn = Date(o.StartsOn)
		if o.EndsOn != nil {
			e := Date(*o.EndsOn)
			o.EndsOn = &e
		}
		byUnit[o.UnitID] = append(byUnit[o.UnitID], o)
	}
	d.Units = make([]UnitOccupancy, 0, len(units))
	for _, u := range units {
		uo := UnitOccupancy{Unit: u}
		for _, o := range byUnit[u.ID] {
			switch {
			case !o.StartsOn.After(d.Today) && uo.Resident == nil:
				uo.Resident = &o
			case o.StartsOn.After(d.Today) && uo.Next == nil:
				uo.Next = &o
			}
		}
		d.Units = append(d.Units, uo)
	}
	return d, nil
}

// SiteAdmin is what the page that runs a site shows: the site, its
// residencies current and past, and the members one may place or appoint.
type SiteAdmin struct {
	SiteDetail
	Current, Past []ResidencyView
	Members       []MemberChoice
}

// SiteAdmin returns the management view of a site (its coordinators and the
// treasurer). Errors: forbidden (403); site_not_found (404).
func (s *Service) SiteAdmin(ctx context.Context, p *app.Principal, id int64) (SiteAdmin, error) {
	var a SiteAdmin
	if err := p.RequireCoordinator(id); err != nil {
		return a, err
	}
	var err error
	if a.SiteDetail, err = s.siteDetail(ctx, id); err != nil {
		return a, err
	}
	rs, err := s.residencies(ctx, id)
	if err != nil {
		return a, err
	}
	for _, r := range rs {
		if r.EndedBy(a.Today) {
			a.Past = append(a.Past, r)
		} else {
			a.Current = append(a.Current, r)
		}
	}
	a.Members, err = s.memberChoices(ctx)
	return a, err
}
