package feeds

import (
	"context"
	"fmt"
	"time"

	"hearth/app"
)

// The span of bookings a feed carries: recent history and what lies ahead.
const (
	feedPast   = "60 days"
	feedFuture = "2 years"
	feedLimit  = 5000
)

// feedHolder is what a token resolves to.
type feedHolder struct {
	ID           int64  `db:"id"`
	MemberID     int64  `db:"member_id"`
	MemberName   string `db:"member_name"`
	ResourceID   *int64 `db:"resource_id"`
	ResourceName string `db:"resource_name"`
	SiteName     string `db:"site_name"`
	MayView      bool   `db:"may_view"`
}

// feedBooking is a booking as a feed shows it.
type feedBooking struct {
	ID           int64     `db:"id"`
	ResourceName string    `db:"resource_name"`
	SiteName     string    `db:"site_name"`
	Address      string    `db:"address"`
	StartsAt     time.Time `db:"starts_at"`
	EndsAt       time.Time `db:"ends_at"`
	Status       string    `db:"status"`
	Stage        int       `db:"stage"`
	CreatedAt    time.Time `db:"created_at"`
	ModifiedAt   time.Time `db:"modified_at"`
}

// feedBookingsSelect reads bookings for a feed, from now − $2 to now + $3,
// at most $4; the queries below filter by member or resource ($1). Stage
// numbers the statuses along the only ways a booking may change (offered →
// pending → confirmed → ended: the bookings table's trigger enforces it), so
// it grows with every change and serves as the event's SEQUENCE.
const feedBookingsSelect = `
	SELECT b.id, r.name AS resource_name, s.name AS site_name, s.address,
	       lower(b.during) AS starts_at, upper(b.during) AS ends_at, b.status,
	       CASE b.status WHEN 'offered' THEN 0 WHEN 'pending' THEN 1 WHEN 'confirmed' THEN 2 ELSE 3 END AS stage,
	       b.created_at, greatest(b.created_at, b.decided_at, b.cancelled_at) AS modified_at
	FROM bookings b
	JOIN resources r ON r.site_id = b.site_id AND r.id = b.resource_id
	JOIN sites s ON s.id = b.site_id
	WHERE upper(b.during) >= now() - $2::interval AND lower(b.during) < now() + $3::interval AND `

const (
	memberBookingsQuery   = feedBookingsSelect + `b.member_id = $1 ORDER BY lower(b.during), b.id LIMIT $4`
	resourceBookingsQuery = feedBookingsSelect + `b.resource_id = $1 ORDER BY lower(b.during), b.id LIMIT $4`
)

// Calendar returns the feed a token opens: the holder's bookings, or a
// resource's bookings as busy blocks without names (a resource feed is often
// shared, so it says when the space is taken, never by whom). Errors:
// not_found for an unknown or revoked token, or a resource its holder may no
// longer follow.
func (s *Service) Calendar(ctx context.Context, token string) (Calendar, error) {
	var h feedHolder
	err := s.DB.GetContext(ctx, &h, `
		SELECT f.id, f.member_id, m.name AS member_name, f.resource_id,
		       coalesce(r.name, '') AS resource_name, coalesce(s.name, '') AS site_name,
		       (f.resource_id IS NULL OR `+mayView("f.member_id")+`) AS may_view
		FROM calendar_feeds f
		JOIN members m ON m.id = f.member_id
		LEFT JOIN resources r ON r.site_id = f.site_id AND r.id = f.resource_id
		LEFT JOIN sites s ON s.id = f.site_id
		WHERE f.token_hash = $1 AND f.revoked_at IS NULL`, hashToken(token))
	if app.ErrNoRows(err) || (err == nil && !h.MayView) {
		return Calendar{}, app.NotFound("This calendar link does not exist or was replaced by a new one.")
	}
	if err != nil {
		return Calendar{}, fmt.Errorf("feeds: unable to resolve link: %w", err)
	}
	// Noting when a link was last used tells its holder whether an app
	// still follows it; once an hour is enough and spares a write per poll.
	if _, err := s.DB.ExecContext(ctx, `
		UPDATE calendar_feeds SET last_used_at = now()
		WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 hour')`, h.ID); err != nil {
		return Calendar{}, fmt.Errorf("feeds: unable to note use: %w", err)
	}
	query, id, build := memberBookingsQuery, h.MemberID, memberCalendar
	if h.ResourceID != nil {
		query, id, build = resourceBookingsQuery, *h.ResourceID, resourceCalendar
	}
	var bs []feedBooking
	if err := s.DB.SelectContext(ctx, &bs, query, id, feedPast, feedFuture, feedLimit); err != nil {
		return Calendar{}, fmt.Errorf("feeds: unable to read bookings: %w", err)
	}
	return build(h, bs), nil
}

func memberCalendar(h feedHolder, bs []feedBooking) Calendar {
	c := Calendar{
		Name:        "Hearth: " + h.MemberName + "'s bookings",
		Description: "Shared spaces booked by " + h.MemberName + " in Hearth.",
	}
	for _, b := range bs {
		ev := b.event(fmt.Sprintf("booking-%d@hearth", b.ID))
		ev.Summary = b.ResourceName + ", " + b.SiteName + statusSuffix(b.Status)
		ev.Description = "Your booking of " + b.ResourceName + " at " + b.SiteName + ": " + b.Status + "."
		c.Events = append(c.Events, ev)
	}
	return c
}

func resourceCalendar(h feedHolder, bs []feedBooking) Calendar {
	c := Calendar{
		Name:        "Hearth: " + h.ResourceName + ", " + h.SiteName,
		Description: "When " + h.ResourceName + " at " + h.SiteName + " is booked.",
	}
	for _, b := range bs {
		ev := b.event(fmt.Sprintf("booking-%d-busy@hearth", b.ID))
		ev.Summary = b.ResourceName + ": booked" + statusSuffix(b.Status)
		c.Events = append(c.Events, ev)
	}
	return c
}

func (b feedBooking) event(uid string) Event {
	return Event{
		UID: uid, Location: location(b), StartsAt: b.StartsAt, EndsAt: b.EndsAt,
		Status: eventStatus(b.Status), Sequence: b.Stage, Created: b.CreatedAt, Modified: b.ModifiedAt,
	}
}

func location(b feedBooking) string {
	if b.Address == "" {
		return b.SiteName
	}
	return b.SiteName + ", " + b.Address
}

// eventStatus maps a booking's status to the event's: a booking waiting for
// approval or offered from the waitlist is tentative, one that ended without
// happening is cancelled.
func eventStatus(status string) Status {
	switch status {
	case "confirmed":
		return StatusConfirmed
	case "pending", "offered":
		return StatusTentative
	}
	return StatusCancelled
}

func statusSuffix(status string) string {
	switch status {
	case "pending":
		return " (awaiting approval)"
	case "offered":
		return " (offered from the waitlist)"
	case "declined":
		return " (declined)"
	case "cancelled", "lapsed":
		return " (cancelled)"
	}
	return ""
}
