package feeds

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"hearth/app"
)

// Service keeps the secret links of calendar feeds and builds the feeds.
type Service struct {
	DB *sqlx.DB
}

// Link is a live feed link of a member: to their own bookings (ResourceID
// nil) or to a resource. The token itself is not kept, only its hash, so a
// link can be shown in full only once, when it is made.
type Link struct {
	ID           int64      `db:"id"`
	ResourceID   *int64     `db:"resource_id"`
	CreatedAt    time.Time  `db:"created_at"`
	LastUsedAt   *time.Time `db:"last_used_at"`
	ResourceName string     `db:"resource_name"`
	SiteName     string     `db:"site_name"`
}

// ResourceLink is a resource a member may subscribe to, with their live link
// to it if they have one.
type ResourceLink struct {
	ResourceID   int64  `db:"resource_id"`
	ResourceName string `db:"resource_name"`
	SiteID       int64  `db:"site_id"`
	SiteName     string `db:"site_name"`
	Link         *Link  `db:"-"`
}

// Overview is what the calendars page shows a member: the link to their own
// bookings and the resources they may subscribe to.
type Overview struct {
	Own       *Link
	Resources []ResourceLink
}

// tokenBytes is the entropy of a feed token: 256 bits, far beyond guessing.
const tokenBytes = 32

func hashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// mayView returns the SQL condition that the member whose id the SQL
// expression member gives may follow resource r: whoever may book it today
// (may_book: anyone for a space open to every member; else its site's
// residents today and its coordinators), and admins. The feed re-checks it
// on every fetch, so a link to such a space stops working when its holder
// moves away.
func mayView(member string) string {
	return `(EXISTS (SELECT FROM may_book(r.site_id, r.who_may_book, ` + member + `, now()))
	    OR EXISTS (SELECT 1 FROM members mv WHERE mv.id = ` + member + ` AND mv.role = 'admin'))`
}

// NewLink makes a new secret link for the actor, to their own bookings when
// resourceID is 0, else to the resource, and revokes the link it replaces.
// It returns the token, which only this call ever sees. Errors: not_found
// (no such resource, or one the actor may not follow).
func (s *Service) NewLink(ctx context.Context, actor *app.Principal, resourceID int64) (string, error) {
	raw := make([]byte, tokenBytes)
	rand.Read(raw)                   // crypto/rand.Read never fails on supported systems
	token := hex.EncodeToString(raw) // hex keeps the URL free of characters routers treat specially
	err := app.InTx(ctx, s.DB, func(tx *sqlx.Tx) error {
		siteID, err := s.replace(ctx, tx, actor, resourceID)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `
			INSERT INTO calendar_feeds (token_hash, member_id, site_id, resource_id) VALUES ($1, $2, $3, $4)`,
			hashToken(token), actor.ID, siteID, nullID(resourceID))
		if err != nil {
			return fmt.Errorf("feeds: unable to make link: %w", err)
		}
		return nil
	})
	return token, err
}

// Revoke stops the actor's live link to their bookings (resourceID 0) or to
// a resource; a feed app polling it then gets 404. Revoking a link that does
// not exist does nothing. Errors: not_found for an unknown resource.
func (s *Service) Revoke(ctx context.Context, actor *app.Principal, resourceID int64) error {
	return app.InTx(ctx, s.DB, func(tx *sqlx.Tx) error {
		_, err := s.replace(ctx, tx, actor, resourceID)
		return err
	})
}

// replace checks the resource, serializes the actor's changes to that one
// link, revokes the live link and returns the resource's site (nil for own
// bookings).
func (s *Service) replace(ctx context.Context, tx *sqlx.Tx, actor *app.Principal, resourceID int64) (*int64, error) {
	var siteID *int64
	if resourceID != 0 {
		var r struct {
			SiteID  int64 `db:"site_id"`
			MayView bool  `db:"may_view"`
		}
		err := tx.GetContext(ctx, &r, `SELECT r.site_id, `+mayView("$1")+` AS may_view FROM resources r WHERE r.id = $2`, actor.ID, resourceID)
		if app.ErrNoRows(err) || (err == nil && !r.MayView) {
			return nil, app.NotFound("There is no such space.")
		}
		if err != nil {
			return nil, fmt.Errorf("feeds: unable to fetch resource: %w", err)
		}
		siteID = &r.SiteID
	}
	// Two "new link" clicks at once must not both insert a live link.
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('calendar-feed:' || $1 || ':' || $2, 0))`,
		actor.ID, resourceID); err != nil {
		return nil, fmt.Errorf("feeds: unable to lock link: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `
		UPDATE calendar_feeds SET revoked_at = now()
		WHERE member_id = $1 AND coalesce(resource_id, 0) = $2 AND revoked_at IS NULL`, actor.ID, resourceID); err != nil {
		return nil, fmt.Errorf("feeds: unable to revoke link: %w", err)
	}
	return siteID, nil
}

func nullID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

// Overview returns the actor's live links and the resources they may follow.
func (s *Service) Overview(ctx context.Context, actor *app.Principal) (Overview, error) {
	var o Overview
	var links []Link
	if err := s.DB.SelectContext(ctx, &links, `
		SELECT f.id, f.resource_id, f.created_at, f.last_used_at,
		       coalesce(r.name, '') AS resource_name, coalesce(s.name, '') AS site_name
		FROM calendar_feeds f
		LEFT JOIN resources r ON r.site_id = f.site_id AND r.id = f.resource_id
		LEFT JOIN sites s ON s.id = f.site_id
		WHERE f.member_id = $1 AND f.revoked_at IS NULL`, actor.ID); err != nil {
		return o, fmt.Errorf("feeds: unable to list links: %w", err)
	}
	byResource := map[int64]*Link{}
	for i := range links {
		if links[i].ResourceID == nil {
			o.Own = &links[i]
		} else {
			byResource[*links[i].ResourceID] = &links[i]
		}
	}
	if err := s.DB.SelectContext(ctx, &o.Resources, `
		SELECT r.id AS resource_id, r.name AS resource_name, r.site_id, s.name AS site_name
		FROM resources r JOIN sites s ON s.id = r.site_id
		WHERE `+mayView("$1")+`
		ORDER BY (r.site_id = $2) DESC, s.name, r.name`, actor.ID, homeSite(actor)); err != nil {
		return o, fmt.Errorf("feeds: unable to list resources: %w", err)
	}
	for i := range o.Resources {
		o.Resources[i].Link = byResource[o.Resources[i].ResourceID]
	}
	return o, nil
}

func homeSite(p *app.Principal) int64 {
	if p.Home == nil {
		return 0
	}
	return p.Home.SiteID
}
