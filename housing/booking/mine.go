package booking

import (
	"context"
	"fmt"

	"hearth/app"
)

// MyBookings is what a member has booked and is waiting for.
type MyBookings struct {
	Offers   []Booking       // freed slots offered from the waitlist: accept before they lapse
	Pending  []Booking       // waiting for a coordinator's approval
	Upcoming []Booking       // confirmed, not yet ended, soonest first
	Waiting  []WaitlistEntry // waitlist entries still waiting
	Past     []Booking       // ended, cancelled, declined or lapsed; the latest first
}

// PastLimit is how many past bookings MyBookings shows.
const PastLimit = 50

// Mine returns the bookings of by, the member asking, sorted for the "my
// bookings" page.
func (s *Service) Mine(ctx context.Context, by *app.Principal) (MyBookings, error) {
	var my MyBookings
	memberID := by.ID
	if err := s.settleOffers(ctx); err != nil {
		return my, err
	}
	now := s.now()
	current, err := selectBookings(ctx, s.DB, bookingSelect+`
		WHERE b.member_id = $1 AND b.`+activeStatuses+` AND upper(b.during) > $2
		ORDER BY lower(b.during), b.id`, memberID, now)
	if err != nil {
		return my, err
	}
	for _, b := range current {
		switch b.Status {
		case Offered:
			my.Offers = append(my.Offers, b)
		case Pending:
			my.Pending = append(my.Pending, b)
		default:
			my.Upcoming = append(my.Upcoming, b)
		}
	}
	// Past: ended, or no longer active. Declined and cancelled bookings
	// still to come are shown too, so that the member sees the decision.
	my.Past, err = selectBookings(ctx, s.DB, bookingSelect+`
		WHERE b.member_id = $1 AND (upper(b.during) <= $2 OR NOT b.`+activeStatuses+`)
		ORDER BY lower(b.during) DESC, b.id DESC LIMIT $3`, memberID, now, PastLimit)
	if err != nil {
		return my, err
	}
	if err := s.DB.SelectContext(ctx, &my.Waiting, waitlistSelect+`
		WHERE w.member_id = $1 AND w.status = 'waiting' AND upper(w.wanted) > $2
		ORDER BY lower(w.wanted), w.id`, memberID, now); err != nil {
		return my, fmt.Errorf("booking: unable to list waitlist entries: %w", err)
	}
	for i := range my.Waiting {
		if err := my.Waiting[i].localize(); err != nil {
			return my, err
		}
	}
	return my, nil
}

// VisibleTo reports whether p may see who holds a booking and its details:
// its owner, a coordinator of its site, an admin. Everyone else sees only
// that the time is taken.
func (b *Booking) VisibleTo(p *app.Principal) bool {
	return p != nil && (b.MemberID == p.ID || p.Coordinates(b.SiteID))
}
