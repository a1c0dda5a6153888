// Package booking runs the shared spaces of a site: resources with their
// rules (opening hours, lengths, horizon, weekly quota, buffer, approval, who
// may book, blackouts), bookings that can never overlap, recurring bookings,
// approvals and the waitlist.
//
// No double booking is guaranteed by the database, not by this code: every
// booking stores the range it blocks (its time plus the resource's buffer)
// and an exclusion constraint over the active bookings of a resource refuses
// any overlap, whoever races whom. The Go code checks the rules and turns
// the constraint's refusal into a booking_conflict error.
//
// Every rule applies in the site's time zone; times come back in that zone.
package booking

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"hearth/app"
)

// Service owns resources, rules, bookings and the waitlist.
type Service struct {
	DB *sqlx.DB
	// Now is the clock; nil means time.Now. Tests set it to pin "now".
	Now func() time.Time

	stmts  app.Statements
	copies resourceCopies
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Status is where a booking stands.
type Status string

// A booking is pending (waiting for a coordinator; it holds its slot),
// confirmed, or offered (a freed slot held for a member of the waitlist
// until the offer expires): those three are active and block their time.
// Declined, cancelled and lapsed bookings are history.
const (
	Pending   Status = "pending"
	Confirmed Status = "confirmed"
	Offered   Status = "offered"
	Declined  Status = "declined"
	Cancelled Status = "cancelled"
	Lapsed    Status = "lapsed"
)

// Active reports whether a booking in this status holds its time.
func (st Status) Active() bool { return st == Pending || st == Confirmed || st == Offered }

// activeStatuses is the predicate of the exclusion constraint's partial
// index; queries repeat it word for word so that the planner can use it.
const activeStatuses = `status IN ('pending', 'confirmed', 'offered')`

// Booking is a member's hold on a resource for [StartsAt, EndsAt).
type Booking struct {
	ID             int64      `db:"id"`
	SiteID         int64      `db:"site_id"`
	SiteName       string     `db:"site_name"`
	ResourceID     int64      `db:"resource_id"`
	ResourceName   string     `db:"resource_name"`
	ResourceKind   Kind       `db:"resource_kind"`
	MemberID       int64      `db:"member_id"`
	MemberName     string     `db:"member_name"`
	StartsAt       time.Time  `db:"starts_at"`
	EndsAt         time.Time  `db:"ends_at"`
	Status         Status     `db:"status"`
	SeriesID       *int64     `db:"series_id"`
	OfferExpiresAt *time.Time `db:"offer_expires_at"`
	Note           string     `db:"note"` // the coordinator's word on an approval, a decline or a cancellation
	DecidedAt      *time.Time `db:"decided_at"`
	CancelledAt    *time.Time `db:"cancelled_at"`
	CreatedAt      time.Time  `db:"created_at"`
	Timezone       string     `db:"timezone"`
}

// localize puts the booking's times in its site's zone.
func (b *Booking) localize() error {
	loc, err := Location(b.Timezone)
	if err != nil {
		return fmt.Errorf("booking: site %d: %w", b.SiteID, err)
	}
	b.StartsAt, b.EndsAt, b.CreatedAt = b.StartsAt.In(loc), b.EndsAt.In(loc), b.CreatedAt.In(loc)
	for _, t := range []*time.Time{b.OfferExpiresAt, b.DecidedAt, b.CancelledAt} {
		if t != nil {
			*t = t.In(loc)
		}
	}
	return nil
}

// bookingSelect reads Bookings; callers add WHERE and ORDER BY.
const bookingSelect = `
	SELECT b.id, b.site_id, s.name AS site_name, b.resource_id, r.name AS resource_name, r.kind AS resource_kind,
	       b.member_id, m.name AS member_name, lower(b.during) AS starts_at, upper(b.during) AS ends_at,
	       b.status, b.series_id, b.offer_expires_at, b.note, b.decided_at, b.cancelled_at, b.created_at, s.timezone
	FROM bookings b
	JOIN resources r ON r.id = b.resource_id
	JOIN members m ON m.id = b.member_id
	JOIN sites s ON s.id = b.site_id`

func selectBookings(ctx context.Context, q sqlx.QueryerContext, query string, args ...any) ([]Booking, error) {
	var bs []Booking
	if err := sqlx.SelectContext(ctx, q, &bs, query, args...); err != nil {
		return nil, fmt.Errorf("booking: unable to list bookings: %w", err)
	}
	for i := range bs {
		if err := bs[i].localize(); err != nil {
			return nil, err
		}
	}
	return bs, nil
}

func getBooking(ctx context.Context, q sqlx.QueryerContext, query string, args ...any) (Booking, error) {
	var b Booking
	err := sqlx.GetContext(ctx, q, &b, query, args...)
	if app.ErrNoRows(err) {
		return b, app.NotFound("There is no such booking.")
	}
	if err != nil {
		return b, fmt.Errorf("booking: unable to fetch booking: %w", err)
	}
	return b, b.localize()
}

// Request asks for one booking of a resource for a member.
type Request struct {
	ResourceID int64
	MemberID   int64 // who the booking is for
	StartsAt   time.Time
	EndsAt     time.Time
	// Allocated marks a booking handed out by a coordinator-run allocation
	// (the peak lottery): the allocation itself was the decision, so it
	// skips the approval, booking-horizon and weekly-quota rules, and may
	// take time that an open lottery holds. Conflicts, blackouts, opening
	// hours, lengths and who may book still apply.
	Allocated bool
}

// MadeBy is the rule of who asks for a booking, a series or a place on the
// waitlist: members ask for themselves. (An allocation of the lottery, made
// by its draw, books through Book.) Errors: forbidden.
func (req Request) MadeBy(by *app.Principal) error {
	if by == nil || by.ID != req.MemberID {
		return app.Forbidden("You can only book for yourself.")
	}
	return nil
}

// Book creates a booking inside the caller's transaction. It is confirmed,
// or pending when the resource needs a coordinator's approval.
//
// Errors: booking_conflict (409) when the time, with the resource's buffer,
// overlaps another active booking; 422 with a code naming the rule broken:
// ends_before_starts, not_whole_minutes, in_the_past, too_short, too_long,
// too_far_ahead, outside_opening_hours, in_blackout, held_for_lottery (the
// time, with the buffer around it, meets a slot of an undrawn lottery of the
// resource), weekly_quota_exceeded, not_allowed_to_book; not_found for an
// unknown resource or member. A deadlock or serialization failure comes back wrapped as it is
// (app.IsRetryable) for the caller to retry its transaction; Create does
// that itself. A refused booking (conflict, blackout) leaves PostgreSQL's
// transaction aborted: a caller that books several times in one transaction
// and carries on after a refusal wraps each call in a SAVEPOINT, as
// CreateSeries does.
func (s *Service) Book(ctx context.Context, tx *sqlx.Tx, req Request) (Booking, error) {
	return s.book(ctx, tx, req, nil)
}

// maxAttempts bounds the retries of a transaction that lost a deadlock.
const maxAttempts = 5

// inTx runs fn in a transaction and runs it again when it lost a deadlock or
// a serialization failure to a racing transaction. Racers for the same time
// of a resource can deadlock inside the exclusion constraint; on the retry
// the loser sees the winner's booking and gets a clean booking_conflict.
func (s *Service) inTx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	for attempt := 1; ; attempt++ {
		err := app.InTx(ctx, s.DB, fn)
		if err == nil || !app.IsRetryable(err) {
			return err
		}
		if attempt == maxAttempts {
			return app.Conflict("booking_conflict", "Others are booking the same time right now; please try again.")
		}
	}
}

// checkRange refuses requests that no resource could accept, before any
// query: ends_before_starts, not_whole_minutes, too_long (422).
func checkRange(start, end time.Time) error {
	if start.IsZero() || end.IsZero() {
		return app.Unprocessable("missing_time", "Give both a start and an end.").OnField("starts_at")
	}
	if !end.After(start) {
		return app.Unprocessable("ends_before_starts", "The end must come after the start.").OnField("ends_at")
	}
	if start.Truncate(time.Minute) != start || end.Truncate(time.Minute) != end {
		return app.Unprocessable("not_whole_minutes", "Give times in whole minutes, like 09:30.").OnField("starts_at")
	}
	if end.Sub(start) > MaxLength {
		return app.Unprocessable("too_long", "A booking can last at most %s.", minutesPhrase(int(MaxLength/time.Minute))).OnField("ends_at")
	}
	return nil
}

// slot is what booking one time of a resource needs to know, read in one
// query that also takes the resource's advisory lock in shared mode, so that
// rules, blackouts and lottery windows cannot change under the booking (see
// resourceLockKey).
type slot struct {
	Resource
	MayBook        bool       `db:"may_book"`
	BlackoutReason *string    `db:"blackout_reason"`
	BlackoutStarts *time.Time `db:"blackout_starts"`
	BlackoutEnds   *time.Time `db:"blackout_ends"`
	HeldBy         *string    `db:"held_by"` // the title of the lottery holding the time
	OffersExpired  bool       `db:"offers_expired"`
}

// slotQuery's snapshot may predate the lock it waits for, so a blackout or a
// lottery window committed meanwhile is missed here; insertQuery, a later
// statement, checks both again.
var slotQuery = `
	SELECT ` + resourceColumns + `,
	       EXISTS (SELECT FROM may_book(r.site_id, r.who_may_book, $2, $5)) AS may_book,
	       bo.reason AS blackout_reason, lower(bo.during) AS blackout_starts, upper(bo.during) AS blackout_ends,
	       (` + heldByLottery("r.site_id", "r.id", `tstzrange($3::timestamptz - make_interval(mins => r.buffer_minutes),
	                                                    $4::timestamptz + make_interval(mins => r.buffer_minutes), '[)')`) + `) AS held_by,
	       EXISTS (SELECT FROM offers_to_lapse(r.site_id, r.id, $5)) AS offers_expired
	FROM resources r
	JOIN sites s ON s.id = r.site_id
	CROSS JOIN (SELECT pg_advisory_xact_lock_shared($6)) lock
	LEFT JOIN LATERAL (
	    SELECT k.reason, k.during FROM blackouts_over(r.site_id, r.id, tstzrange($3, $4, '[)')) k
	    ORDER BY lower(k.during) LIMIT 1) bo ON true
	WHERE r.id = $1`

func (s *Service) lockSlot(ctx context.Context, tx *sqlx.Tx, resourceID, memberID int64, start, end, now time.Time) (*slot, error) {
	var sl slot
	err := s.getTx(ctx, tx, &sl, slotQuery, resourceID, memberID, start, end, now, resourceLockKey(resourceID))
	if app.ErrNoRows(err) {
		return nil, app.NotFound("There is no such space.")
	}
	if err != nil {
		return nil, fmt.Errorf("booking: unable to read the resource: %w", err)
	}
	return &sl, sl.localize()
}

// admit applies the rules that need no more than the slot query.
func (sl *slot) admit(start, end, now time.Time, allocated bool) error {
	if !sl.MayBook {
		return app.Unprocessable("not_allowed_to_book", "Only residents of %s may book %s.", sl.SiteName, sl.subject())
	}
	if err := sl.checkTimes(start, end, now, !allocated); err != nil {
		return err
	}
	if sl.BlackoutReason != nil {
		return sl.blackoutError(*sl.BlackoutReason, *sl.BlackoutStarts, *sl.BlackoutEnds)
	}
	if sl.HeldBy != nil && !allocated {
		return heldError(*sl.HeldBy)
	}
	return nil
}

// blackoutError says that the resource is closed: in_blackout (422).
func (r *Resource) blackoutError(reason string, from, to time.Time) error {
	if reason != "" {
		reason = " (" + reason + ")"
	}
	return app.Unprocessable("in_blackout", "%s is closed from %s to %s%s.", r.Subject(),
		from.In(r.loc).Format("Mon 2 Jan 15:04"), to.In(r.loc).Format("Mon 2 Jan 15:04"), reason).OnField("starts_at")
}

func (s *Service) book(ctx context.Context, tx *sqlx.Tx, req Request, seriesID *int64) (Booking, error) {
	if err := checkRange(req.StartsAt, req.EndsAt); err != nil {
		return Booking{}, err
	}
	now := s.now()
	sl, err := s.lockSlot(ctx, tx, req.ResourceID, req.MemberID, req.StartsAt, req.EndsAt, now)
	if err != nil {
		return Booking{}, err
	}
	s.copies.keep(sl.Resource)
	if err := sl.admit(req.StartsAt, req.EndsAt, now, req.Allocated); err != nil {
		return Booking{}, err
	}
	if sl.OffersExpired {
		if err := s.lapseOffers(ctx, tx, &sl.Resource, now); err != nil {
			return Booking{}, err
		}
	}
	if !req.Allocated {
		if err := s.checkQuota(ctx, tx, &sl.Resource, req.MemberID, req.StartsAt, req.EndsAt, nil); err != nil {
			return Booking{}, err
		}
	}
	// booking_create writes the same status, pending under approval; the
	// rule is one line on each side, and an allocation, which booking_create
	// never makes, skips it.
	status := Confirmed
	if sl.ApprovalRequired && !req.Allocated {
		status = Pending
	}
	return s.insert(ctx, tx, &sl.Resource, req.MemberID, req.StartsAt, req.EndsAt, status, req.Allocated, seriesID, nil)
}

// checkQuota applies the weekly quota of the week (Monday to Sunday, site
// time) in which the booking starts. except leaves one booking out of the
// count (an offer being accepted counts already). Errors:
// weekly_quota_exceeded (422).
func (s *Service) checkQuota(ctx context.Context, tx *sqlx.Tx, r *Resource, memberID int64, start, end time.Time, except *int64) error {
	if r.WeeklyQuotaBookings == 0 && r.WeeklyQuotaMinutes == 0 {
		return nil
	}
	// The count must be a statement of its own after the lock: its snapshot
	// then sees what the member's other transaction committed meanwhile.
	var locked int
	if err := s.getTx(ctx, tx, &locked, `SELECT 1 FROM pg_advisory_xact_lock($1)`, quotaLockKey(r.ID, memberID)); err != nil {
		return fmt.Errorf("booking: unable to lock the quota: %w", err)
	}
	from := weekStart(start, r.loc)
	var used struct {
		Count    int     `db:"used_bookings"`
		Minutes  int     `db:"used_minutes"`
		Exceeded *string `db:"exceeded"`
	}
	err := s.getTx(ctx, tx, &used, quotaQuery, r.SiteID, r.ID, memberID, from, nextDate(from, 7), except,
		int(end.Sub(start)/time.Minute), r.WeeklyQuotaBookings, r.WeeklyQuotaMinutes)
	if err != nil {
		return fmt.Errorf("booking: unable to count the quota: %w", err)
	}
	// weekly_quota decides, as it does for booking_create; this only words it.
	week := from.Format("2 January")
	switch {
	case used.Exceeded == nil:
		return nil
	case *used.Exceeded == "bookings":
		return app.Unprocessable("weekly_quota_exceeded", "You can book %s %s a week, and you already have %d in the week of %s.",
			r.subject(), times(r.WeeklyQuotaBookings), used.Count, week).OnField("starts_at")
	default:
		return app.Unprocessable("weekly_quota_exceeded", "You can book %s for %s a week, and you already have %s in the week of %s.",
			r.subject(), minutesPhrase(r.WeeklyQuotaMinutes), minutesPhrase(used.Minutes), week).OnField("starts_at")
	}
}

// quotaQuery weighs a booking against the weekly quotas with the SQL
// function weekly_quota (migrations/00260).
const quotaQuery = `SELECT used_bookings, used_minutes, exceeded FROM weekly_quota($1, $2, $3, $4, $5, $6, $7, $8, $9)`

func times(n int) string {
	switch n {
	case 1:
		return "once"
	case 2:
		return "twice"
	}
	return fmt.Sprintf("%d times", n)
}

// insertQuery: $6 is the end plus the buffer, $11 the start less it; $12
// is when the booking is made, by the service's clock.
// booking_create widens by the buffer the same way, in its own INSERT: one
// addition on each side, which a shared function would not make clearer.
var insertQuery = `
	INSERT INTO bookings (site_id, resource_id, member_id, during, blocks, status, series_id, offer_expires_at, created_at)
	SELECT $1, $2, $3, tstzrange($4, $5, '[)'), tstzrange($4, $6, '[)'), $7, $8, $9, $12
	WHERE NOT EXISTS (SELECT FROM blackouts_over($1, $2, tstzrange($4, $5, '[)')))
	  AND ($10 OR NOT EXISTS (` + heldByLottery("$1", "$2", "tstzrange($11, $6, '[)')") + `))
	RETURNING id, created_at, (SELECT name FROM members WHERE id = $3) AS member_name`

// insert writes one booking; allocated lets it take time that a lottery
// holds. The exclusion constraint refuses an overlap of blocked ranges:
// booking_conflict (409). A blackout added, or a lottery window opened, since
// the booking's rules were read refuses it too: in_blackout,
// held_for_lottery (422); the shared resource lock makes that the only way
// one can appear.
func (s *Service) insert(ctx context.Context, tx *sqlx.Tx, r *Resource, memberID int64, start, end time.Time,
	status Status, allocated bool, seriesID *int64, offerExpires *time.Time) (Booking, error) {
	var row struct {
		ID         int64     `db:"id"`
		CreatedAt  time.Time `db:"created_at"`
		MemberName string    `db:"member_name"`
	}
	err := s.getTx(ctx, tx, &row, insertQuery,
		r.SiteID, r.ID, memberID, start, end, end.Add(r.Buffer()), status, seriesID, offerExpires, allocated, start.Add(-r.Buffer()), s.now())
	if err := r.refusal(err, memberID); err != nil {
		return Booking{}, err
	}
	if app.ErrNoRows(err) {
		var heldBy *string
		if err := tx.GetContext(ctx, &heldBy, `SELECT (`+heldByLottery("$1", "$2", "tstzrange($3, $4, '[)')")+`)`,
			r.SiteID, r.ID, start.Add(-r.Buffer()), end.Add(r.Buffer())); err != nil {
			return Booking{}, fmt.Errorf("booking: unable to read the lottery holding the time: %w", err)
		}
		if heldBy != nil && !allocated {
			return Booking{}, heldError(*heldBy)
		}
		var k Blackout
		if err := tx.GetContext(ctx, &k, blackoutColumns+`
			FROM blackouts_over($1, $2, tstzrange($3, $4, '[)')) k ORDER BY lower(k.during) LIMIT 1`,
			r.SiteID, r.ID, start, end); err != nil {
			return Booking{}, fmt.Errorf("booking: unable to read the blackout: %w", err)
		}
		return Booking{}, r.blackoutError(k.Reason, k.StartsAt, k.EndsAt)
	}
	if err != nil {
		return Booking{}, fmt.Errorf("booking: unable to insert: %w", err)
	}
	return Booking{
		ID: row.ID, SiteID: r.SiteID, SiteName: r.SiteName, ResourceID: r.ID, ResourceName: r.Name, ResourceKind: r.Kind,
		MemberID: memberID, MemberName: row.MemberName, StartsAt: start.In(r.loc), EndsAt: end.In(r.loc), Status: status,
		SeriesID: seriesID, OfferExpiresAt: offerExpires, CreatedAt: row.CreatedAt.In(r.loc), Timezone: r.Timezone,
	}, nil
}

// refusal turns the database's refusal of a booking's INSERT into what the
// member is told: booking_conflict (409) for an overlap of blocked ranges,
// not_found for an unknown member; nil for any other outcome.
func (r *Resource) refusal(err error, memberID int64) error {
	switch app.PQConstraint(err) {
	case "bookings_no_overlap":
		if r.BufferMinutes > 0 {
			return app.Conflict("booking_conflict", "%s is already booked at that time (bookings need %s between them).",
				r.Subject(), minutesPhrase(r.BufferMinutes)).OnField("starts_at")
		}
		return app.Conflict("booking_conflict", "%s is already booked at that time.", r.Subject()).OnField("starts_at")
	case "bookings_member_id_fkey":
		return app.NotFound("There is no member %d.", memberID)
	}
	return nil
}

// Booking returns one booking to someone who may see it (Booking.VisibleTo).
// Errors: not_found, also for a booking by may not see.
func (s *Service) Booking(ctx context.Context, by *app.Principal, id int64) (Booking, error) {
	b, err := s.booking(ctx, id)
	if err == nil && !b.VisibleTo(by) {
		return Booking{}, app.NotFound("There is no such booking.")
	}
	return b, err
}

// booking returns one booking, whoever asks. Errors: not_found.
func (s *Service) booking(ctx context.Context, id int64) (Booking, error) {
	return getBooking(ctx, s.DB, bookingSelect+` WHERE b.id = $1`, id)
}

func int64s(v []int64) pq.Int64Array { return pq.Int64Array(v) }
