package booking

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"hearth/app"
)

// Kind is what sort of shared space a resource is.
type Kind string

// The kinds of resource.
const (
	GuestRoom     Kind = "guest_room"
	Workshop      Kind = "workshop"
	CommonKitchen Kind = "common_kitchen"
	Laundry       Kind = "laundry"
	Car           Kind = "car"
	Other         Kind = "other"
)

// Kinds lists every kind, in the order pages offer them.
var Kinds = []Kind{GuestRoom, Workshop, CommonKitchen, Laundry, Car, Other}

// Label is the kind in words, "guest room".
func (k Kind) Label() string { return strings.ReplaceAll(string(k), "_", " ") }

func (k Kind) valid() bool {
	for _, v := range Kinds {
		if k == v {
			return true
		}
	}
	return false
}

// Audience says who may book a resource.
type Audience string

const (
	// Residents of the resource's site (and its coordinators).
	Residents Audience = "residents"
	// Members: any member of the cooperative, so that members visiting from
	// other sites can book a guest room.
	Members Audience = "members"
)

// MayBook is the rule of who may book a space of a site open to who: any
// member when it is open to Members; else the site's residents today and
// its coordinators. An admin is neither as such. The booking engine applies
// the same rule in SQL (may_book, migrations/00260) to the member a booking
// is for; this reads it from what p already holds (p.Home, p.CoordinatorOf,
// loaded by the same SQL), for pages and lists that only need to know.
func MayBook(p *app.Principal, siteID int64, who Audience) bool {
	return who == Members || p.LivesAt(siteID) || (p != nil && slices.Contains(p.CoordinatorOf, siteID))
}

// Rules narrow who may book a resource, when and for how long. Zero values
// mean "no such rule": the zero Rules (with WhoMayBook Members) accept a
// booking of any length from any member.
type Rules struct {
	Hours               WeekHours `db:"hours" json:"opening_hours"`
	MinMinutes          int       `db:"min_minutes" json:"min_minutes"`
	MaxMinutes          int       `db:"max_minutes" json:"max_minutes"`
	HorizonDays         int       `db:"horizon_days" json:"horizon_days"`
	WeeklyQuotaBookings int       `db:"weekly_quota_bookings" json:"weekly_quota_bookings"`
	WeeklyQuotaMinutes  int       `db:"weekly_quota_minutes" json:"weekly_quota_minutes"`
	BufferMinutes       int       `db:"buffer_minutes" json:"buffer_minutes"`
	ApprovalRequired    bool      `db:"approval_required" json:"approval_required"`
	WhoMayBook          Audience  `db:"who_may_book" json:"who_may_book"`
}

// Buffer is the time kept free after each booking.
func (r Rules) Buffer() time.Duration { return time.Duration(r.BufferMinutes) * time.Minute }

// Resource is a shared space of a site with its rules.
type Resource struct {
	ID          int64     `db:"id"`
	SiteID      int64     `db:"site_id"`
	SiteName    string    `db:"site_name"`
	Timezone    string    `db:"timezone"`
	Name        string    `db:"name"`
	Kind        Kind      `db:"kind"`
	Description string    `db:"description"`
	CreatedAt   time.Time `db:"created_at"`
	Rules
	// RulesVersion grows with every change to the resource, its opening
	// hours or its site's name and zone (a trigger keeps it): a copy of
	// the resource with the current version is the resource as it is.
	RulesVersion int64 `db:"rules_version"`

	loc *time.Location
}

// Location returns the site's time zone, in which every rule applies.
func (r *Resource) Location() *time.Location { return r.loc }

// Subject names the resource in messages to residents: "The workshop".
func (r *Resource) Subject() string {
	if r.Kind == Other {
		return r.Name
	}
	return "The " + r.Kind.Label()
}

// subject is Subject in the middle of a sentence: "the workshop".
func (r *Resource) subject() string {
	if r.Kind == Other {
		return r.Name
	}
	return "the " + r.Kind.Label()
}

// localize loads the site's zone after a resource was read.
func (r *Resource) localize() error {
	loc, err := Location(r.Timezone)
	if err != nil {
		return fmt.Errorf("booking: site %d: %w", r.SiteID, err)
	}
	r.loc = loc
	r.CreatedAt = r.CreatedAt.In(loc)
	return nil
}

// resourceColumns selects a Resource from resources r joined to sites s.
const resourceColumns = `
	r.id, r.site_id, s.name AS site_name, s.timezone, r.name, r.kind, r.description, r.created_at,
	r.min_minutes, r.max_minutes, r.horizon_days, r.weekly_quota_bookings, r.weekly_quota_minutes,
	r.buffer_minutes, r.approval_required, r.who_may_book, r.rules_version,
	(SELECT coalesce(json_agg(json_build_object('weekday', h.weekday, 'opens', h.opens, 'closes', h.closes)
	                          ORDER BY h.weekday), '[]')
	   FROM resource_hours h WHERE h.site_id = r.site_id AND h.resource_id = r.id) AS hours`

// NewResource is what creating a resource needs; rules can be added later.
type NewResource struct {
	SiteID      int64
	Name        string
	Kind        Kind
	Description string
}

// clean checks and trims what a resource is given.
func (n NewResource) clean() (name, desc string, err error) {
	name = strings.TrimSpace(n.Name)
	if name == "" || utf8.RuneCountInString(name) > 100 {
		return "", "", app.Unprocessable("invalid_name", "Give the space a name of up to 100 characters.").OnField("name")
	}
	if !n.Kind.valid() {
		return "", "", app.Unprocessable("invalid_kind",
			"The kind is one of guest_room, workshop, common_kitchen, laundry, car or other.").OnField("kind")
	}
	desc = strings.TrimSpace(n.Description)
	if utf8.RuneCountInString(desc) > 2000 {
		return "", "", app.Unprocessable("invalid_description", "Keep the description under 2000 characters.").OnField("description")
	}
	return name, desc, nil
}

// ManageSpaces is the rule of who manages shared spaces at all: admins and
// the coordinators of some site (each then only at the sites they
// coordinate, RequireCoordinator). Errors: forbidden.
func ManageSpaces(p *app.Principal) error {
	if !p.IsAdmin() && !p.IsCoordinator() {
		return app.Forbidden("Only coordinators manage shared spaces.")
	}
	return nil
}

// CreateResource adds a shared space to a site, without rules, for by, who
// coordinates the site. Errors: forbidden; invalid_name, invalid_kind,
// invalid_description (422); resource_name_taken (409); not_found when the
// site does not exist.
func (s *Service) CreateResource(ctx context.Context, by *app.Principal, n NewResource) (Resource, error) {
	var r Resource
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var err error
		r, err = s.CreateResourceTx(ctx, tx, by, n)
		return err
	})
	return r, err
}

// CreateResourceTx is CreateResource in the caller's transaction, for the
// demo cooperative, which sets up its sites in one.
func (s *Service) CreateResourceTx(ctx context.Context, tx *sqlx.Tx, by *app.Principal, n NewResource) (Resource, error) {
	if err := by.RequireCoordinator(n.SiteID); err != nil {
		return Resource{}, err
	}
	name, desc, err := n.clean()
	if err != nil {
		return Resource{}, err
	}
	var id int64
	err = tx.GetContext(ctx, &id, `
		INSERT INTO resources (site_id, name, kind, description) VALUES ($1, $2, $3, $4) RETURNING id`,
		n.SiteID, name, n.Kind, desc)
	switch app.PQConstraint(err) {
	case "resources_site_name_key":
		return Resource{}, app.Conflict("resource_name_taken", "This site already has a space called %s.", name).OnField("name")
	case "resources_site_id_fkey":
		return Resource{}, app.NotFound("There is no site %d.", n.SiteID)
	}
	if err != nil {
		return Resource{}, fmt.Errorf("booking: unable to create resource: %w", err)
	}
	return resourceTx(ctx, tx, id)
}

// Resource returns one resource with its rules. Errors: not_found.
func (s *Service) Resource(ctx context.Context, id int64) (Resource, error) {
	return getResource(ctx, s.DB, resourceQuery, id)
}

// resourceTx reads a resource in a transaction.
func resourceTx(ctx context.Context, tx *sqlx.Tx, id int64) (Resource, error) {
	return getResource(ctx, tx, resourceQuery, id)
}

const resourceQuery = `SELECT ` + resourceColumns + ` FROM resources r JOIN sites s ON s.id = r.site_id WHERE r.id = $1`

func getResource(ctx context.Context, q sqlx.QueryerContext, query string, args ...any) (Resource, error) {
	var r Resource
	err := sqlx.GetContext(ctx, q, &r, query, args...)
	if app.ErrNoRows(err) {
		return r, app.NotFound("There is no such space.")
	}
	if err != nil {
		return r, fmt.Errorf("booking: unable to fetch resource: %w", err)
	}
	return r, r.localize()
}

func selectResources(ctx context.Context, q sqlx.QueryerContext, query string, args ...any) ([]Resource, error) {
	var rs []Resource
	if err := sqlx.SelectContext(ctx, q, &rs, query, args...); err != nil {
		return nil, fmt.Errorf("booking: unable to list resources: %w", err)
	}
	for i := range rs {
		if err := rs[i].localize(); err != nil {
			return nil, err
		}
	}
	return rs, nil
}

// SetRules replaces the rules of a resource. Bookings already made stay as
// they are; the new rules apply to bookings made from now on. Errors: those
// of Rules.Validate; forbidden unless by coordinates the site; not_found.
func (s *Service) SetRules(ctx context.Context, by *app.Principal, resourceID int64, rules Rules) (Resource, error) {
	if err := rules.Validate(); err != nil {
		return Resource{}, err
	}
	err := s.inTx(ctx, func(tx *sqlx.Tx) error { return setRules(ctx, tx, by, resourceID, rules) })
	if err != nil {
		return Resource{}, err
	}
	return s.Resource(ctx, resourceID)
}

// SetRulesTx is SetRules in the caller's transaction, for the demo
// cooperative.
func (s *Service) SetRulesTx(ctx context.Context, tx *sqlx.Tx, by *app.Principal, resourceID int64, rules Rules) (Resource, error) {
	if err := rules.Validate(); err != nil {
		return Resource{}, err
	}
	if err := setRules(ctx, tx, by, resourceID, rules); err != nil {
		return Resource{}, err
	}
	return resourceTx(ctx, tx, resourceID)
}

func setRules(ctx context.Context, tx *sqlx.Tx, by *app.Principal, resourceID int64, rules Rules) error {
	// Bookings in flight finish under the old rules; later ones start
	// under the new.
	siteID, err := lockForChange(ctx, tx, by, resourceID)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `
		UPDATE resources SET min_minutes = $2, max_minutes = $3, horizon_days = $4, weekly_quota_bookings = $5,
		       weekly_quota_minutes = $6, buffer_minutes = $7, approval_required = $8, who_may_book = $9
		WHERE id = $1`,
		resourceID, rules.MinMinutes, rules.MaxMinutes, rules.HorizonDays, rules.WeeklyQuotaBookings,
		rules.WeeklyQuotaMinutes, rules.BufferMinutes, rules.ApprovalRequired, rules.WhoMayBook)
	if err != nil {
		return fmt.Errorf("booking: unable to update rules: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM resource_hours WHERE site_id = $1 AND resource_id = $2`, siteID, resourceID); err != nil {
		return fmt.Errorf("booking: unable to replace opening hours: %w", err)
	}
	for _, h := range rules.Hours {
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO resource_hours (site_id, resource_id, weekday, opens, closes) VALUES ($1, $2, $3, $4, $5)`,
			siteID, resourceID, int(h.Weekday), int(h.Opens), int(h.Closes)); err != nil {
			return fmt.Errorf("booking: unable to store opening hours: %w", err)
		}
	}
	return nil
}

// SiteResources lists the resources of a site by name.
func (s *Service) SiteResources(ctx context.Context, siteID int64) ([]Resource, error) {
	return selectResources(ctx, s.DB, `SELECT `+resourceColumns+`
		FROM resources r JOIN sites s ON s.id = r.site_id WHERE r.site_id = $1 ORDER BY r.name, r.id`, siteID)
}

// Bookable lists the resources a member may book: those of the site they
// live at or coordinate, and those of other sites open to every member
// (guest rooms for visitors). The member's home site comes first. Like the
// principal's home, it is judged at the database's now.
func (s *Service) Bookable(ctx context.Context, p *app.Principal) ([]Resource, error) {
	home := int64(0)
	if p.Home != nil {
		home = p.Home.SiteID
	}
	return selectResources(ctx, s.DB, `SELECT `+resourceColumns+`
		FROM resources r JOIN sites s ON s.id = r.site_id
		WHERE EXISTS (SELECT FROM may_book(r.site_id, r.who_may_book, $2, now()))
		ORDER BY r.site_id <> $1, s.name, r.name, r.id`, home, p.ID)
}

// coordinated lists the resources of the sites p coordinates (all of them
// for an admin).
func (s *Service) coordinated(ctx context.Context, p *app.Principal) ([]Resource, error) {
	return selectResources(ctx, s.DB, `SELECT `+resourceColumns+`
		FROM resources r JOIN sites s ON s.id = r.site_id
		WHERE $1 OR r.site_id = ANY($2)
		ORDER BY s.name, r.name, r.id`, p.IsAdmin(), int64s(p.CoordinatorOf))
}

// ManagedBy reports whether p may change the resource's rules, blackouts
// and details: the coordinators of its site and admins.
func (r *Resource) ManagedBy(p *app.Principal) bool { return p.Coordinates(r.SiteID) }

// ManagedResource returns a resource to change its rules, blackouts or
// details: for the coordinators of its site and admins. Errors: not_found;
// forbidden.
func (s *Service) ManagedResource(ctx context.Context, by *app.Principal, id int64) (Resource, error) {
	r, err := s.Resource(ctx, id)
	if err == nil && !r.ManagedBy(by) {
		err = by.RequireCoordinator(r.SiteID)
	}
	return r, err
}

// Site is a site a space can be added to.
type Site struct {
	ID   int64  `db:"id"`
	Name string `db:"name"`
}

// SpaceSites lists the sites by may add spaces to, by name. Errors: those
// of ManageSpaces.
func (s *Service) SpaceSites(ctx context.Context, by *app.Principal) ([]Site, error) {
	if err := ManageSpaces(by); err != nil {
		return nil, err
	}
	var sites []Site
	if err := s.DB.SelectContext(ctx, &sites, `SELECT id, name FROM sites WHERE $1 OR id = ANY($2) ORDER BY name, id`,
		by.IsAdmin(), int64s(by.CoordinatorOf)); err != nil {
		return nil, fmt.Errorf("booking: unable to list sites: %w", err)
	}
	return sites, nil
}

// MayBook reports whether p may book r under its who-may-book rule, so
// that pages offer the form only where it can succeed.
func (r *Resource) MayBook(p *app.Principal) bool { return MayBook(p, r.SiteID, r.WhoMayBook) }

// UpdateResource renames or re-describes a resource. Errors: those of
// CreateResource; forbidden unless by coordinates the site; not_found.
func (s *Service) UpdateResource(ctx context.Context, by *app.Principal, id int64, n NewResource) (Resource, error) {
	r, err := s.Resource(ctx, id)
	if err != nil {
		return r, err
	}
	if err := by.RequireCoordinator(r.SiteID); err != nil {
		return r, err
	}
	n.SiteID = r.SiteID
	name, desc, err := n.clean()
	if err != nil {
		return r, err
	}
	_, err = s.DB.ExecContext(ctx, `UPDATE resources SET name = $2, kind = $3, description = $4 WHERE id = $1`, id, name, n.Kind, desc)
	if app.PQConstraint(err) == "resources_site_name_key" {
		return r, app.Conflict("resource_name_taken", "This site already has a space called %s.", name).OnField("name")
	}
	if err != nil {
		return r, fmt.Errorf("booking: unable to update resource: %w", err)
	}
	return s.Resource(ctx, id)
}

// lockForChange takes a resource's lock exclusively, waiting for the
// bookings in flight, and checks that by coordinates its site. It returns
// the site. Errors: not_found, forbidden.
func lockForChange(ctx context.Context, tx *sqlx.Tx, by *app.Principal, resourceID int64) (int64, error) {
	var siteID int64
	err := tx.GetContext(ctx, &siteID, `
		SELECT r.site_id FROM resources r CROSS JOIN (SELECT pg_advisory_xact_lock($2)) lock WHERE r.id = $1`,
		resourceID, resourceLockKey(resourceID))
	if app.ErrNoRows(err) {
		return 0, app.NotFound("There is no such space.")
	}
	if err != nil {
		return 0, fmt.Errorf("booking: unable to lock resource: %w", err)
	}
	return siteID, by.RequireCoordinator(siteID)
}
