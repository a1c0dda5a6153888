package lottery

import (
	"context"
	"crypto/rand"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"hearth/app"
	"hearth/housing/booking"
)

// Status is where a window stands. An open window whose closing time has
// passed takes no more requests and waits for its draw.
type Status string

const (
	StatusOpen      Status = "open"
	StatusDrawn     Status = "drawn"
	StatusCancelled Status = "cancelled"
)

// Limits on what one window may hold.
const (
	MaxSlots          = 400
	MaxSlotsPerMember = 31
)

// Window is a lottery for the slots of one scarce resource.
type Window struct {
	ID             int64      `db:"id"`
	SiteID         int64      `db:"site_id"`
	SiteName       string     `db:"site_name"`
	Timezone       string     `db:"timezone"`
	ResourceID     int64      `db:"resource_id"`
	ResourceName   string     `db:"resource_name"`
	WhoMayBook     string     `db:"who_may_book"`
	Title          string     `db:"title"`
	Description    string     `db:"description"`
	SlotsPerMember int        `db:"slots_per_member"`
	OpenedAt       time.Time  `db:"opened_at"`
	OpenedBy       int64      `db:"opened_by"`
	ClosesAt       time.Time  `db:"closes_at"`
	Status         Status     `db:"status"`
	DrawnAt        *time.Time `db:"drawn_at"`
	SeedHash       []byte     `db:"seed_hash"`
	Entrants       int        `db:"entrants"`
	FirstSlot      time.Time  `db:"first_slot"`
	LastSlot       time.Time  `db:"last_slot"`
}

// AcceptsRequests reports whether members may still enter or change their
// requests at now.
func (w Window) AcceptsRequests(now time.Time) bool {
	return w.Status == StatusOpen && now.Before(w.ClosesAt)
}

// MayEnter reports whether a member may take part: in a window of a space for
// residents, the site's residents and coordinators; otherwise any member.
// These are the people the booking engine lets book the space.
func (w Window) MayEnter(p *app.Principal) bool {
	return booking.MayBook(p, w.SiteID, booking.Audience(w.WhoMayBook))
}

// CoordinatedBy reports whether p may draw or cancel the window: the
// coordinators of its site and admins (lockUndecided applies it).
func (w Window) CoordinatedBy(p *app.Principal) bool { return p.Coordinates(w.SiteID) }

// AwaitingDraw reports whether the window has closed and may be drawn.
func (w Window) AwaitingDraw(now time.Time) bool {
	return w.Status == StatusOpen && !now.Before(w.ClosesAt)
}

// Location returns the site's zone, in which slots are shown; UTC should the
// zone database lack it.
func (w Window) Location() *time.Location {
	loc, err := booking.Location(w.Timezone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// Service runs lotteries: opening windows, taking requests, drawing, and the
// published records and usage figures.
type Service struct {
	DB *sqlx.DB
	// Bookings makes the confirmed booking of every allocation inside the
	// draw's transaction.
	Bookings *booking.Service
}

// NewSlot is a slot of a window being opened.
type NewSlot struct {
	Label    string    `json:"label"`
	StartsAt time.Time `json:"starts_at"`
	EndsAt   time.Time `json:"ends_at"`
}

// NewWindow is what opening a window needs.
type NewWindow struct {
	ResourceID     int64
	Title          string
	Description    string
	ClosesAt       time.Time
	SlotsPerMember int
	Slots          []NewSlot
	Nights         *Nights // instead of Slots: nights in the site's zone
}

// resource is what the lottery needs to know of a resource.
type resource struct {
	ID            int64  `db:"id"`
	SiteID        int64  `db:"site_id"`
	BufferMinutes int    `db:"buffer_minutes"`
	Timezone      string `db:"timezone"`
}

const resourceQuery = `
	SELECT r.id, r.site_id, r.buffer_minutes, s.timezone
	FROM resources r JOIN sites s ON s.id = r.site_id WHERE r.id = $1`

func loadResource(ctx context.Context, q sqlx.QueryerContext, id int64) (resource, error) {
	var r resource
	err := sqlx.GetContext(ctx, q, &r, resourceQuery, id)
	if app.ErrNoRows(err) {
		return r, app.NotFound("There is no such space.")
	}
	if err != nil {
		return r, fmt.Errorf("lottery: unable to fetch resource: %w", err)
	}
	return r, nil
}

// Open opens a lottery window for a resource: it generates the seed, stores
// it with its SHA-256 commitment and fixes the slots (given, or made from
// Nights). Only a coordinator of the resource's site (or an admin) may open
// one. From then until the window is drawn or cancelled, the booking engine
// refuses ordinary bookings of its slots (held_for_lottery).
//
// Errors: not_found; forbidden; those of Nights.Slots; invalid_title,
// invalid_description, closes_in_past, invalid_slots_per_member, no_slots,
// too_many_slots, invalid_slot, slot_before_close, slots_overlap,
// slots_closer_than_buffer (422); window_overlaps (409) when another window
// of the resource offers some of the same time; and the booking engine's
// error for a slot it would refuse (booking_conflict, too_long, …).
func (s *Service) Open(ctx context.Context, actor *app.Principal, n NewWindow) (Window, error) {
	var w Window
	err := app.InTx(ctx, s.DB, func(tx *sqlx.Tx) error {
		var err error
		w, err = s.OpenTx(ctx, tx, actor, n)
		return err
	})
	return w, err
}

// OpenTx is Open inside the caller's transaction.
func (s *Service) OpenTx(ctx context.Context, tx *sqlx.Tx, actor *app.Principal, n NewWindow) (Window, error) {
	res, err := loadResource(ctx, tx, n.ResourceID)
	if err != nil {
		return Window{}, err
	}
	if err := actor.RequireCoordinator(res.SiteID); err != nil {
		return Window{}, err
	}
	if n.Nights != nil && len(n.Slots) == 0 {
		loc, err := booking.Location(res.Timezone)
		if err != nil {
			return Window{}, err
		}
		if n.Slots, err = n.Nights.Slots(loc); err != nil {
			return Window{}, err
		}
	}
	title, desc, slots, err := n.validate(time.Now(), time.Duration(res.BufferMinutes)*time.Minute)
	if err != nil {
		return Window{}, err
	}
	// The booking engine's lock of the resource, held exclusively until the
	// window is committed, opens the windows of a resource one at a time (so
	// that the overlap check below cannot race another opening) and judges
	// every ordinary booking wholly before the window (the trial bookings
	// below then meet it) or wholly after (it then finds the time held).
	if err := booking.LockResource(ctx, tx, res.ID); err != nil {
		return Window{}, err
	}
	var overlapping int
	if err := tx.GetContext(ctx, &overlapping, `
		SELECT count(*) FROM lottery_slots sl JOIN lottery_windows w ON w.site_id = sl.site_id AND w.id = sl.window_id
		WHERE w.site_id = $1 AND w.resource_id = $2 AND w.status <> 'cancelled'
		  AND sl.during && tstzrange($3, $4, '[)')`,
		res.SiteID, res.ID, slots[0].StartsAt, slots[len(slots)-1].EndsAt); err != nil {
		return Window{}, fmt.Errorf("lottery: unable to check other windows: %w", err)
	}
	if overlapping > 0 {
		return Window{}, app.Conflict("window_overlaps", "Another lottery of this space already offers some of these dates.")
	}
	seed := make([]byte, SeedSize)
	rand.Read(seed) // crypto/rand.Read never fails on supported systems
	var id int64
	if err := tx.GetContext(ctx, &id, `
		INSERT INTO lottery_windows (site_id, resource_id, title, description, slots_per_member, opened_by, closes_at, seed, seed_hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, sha256($8)) RETURNING id`,
		res.SiteID, res.ID, title, desc, n.SlotsPerMember, actor.ID, n.ClosesAt, seed); err != nil {
		return Window{}, fmt.Errorf("lottery: unable to open window: %w", err)
	}
	if err := s.tryBookings(ctx, tx, actor, res.ID, slots); err != nil {
		return Window{}, err
	}
	for _, sl := range slots {
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO lottery_slots (site_id, window_id, label, during) VALUES ($1, $2, $3, tstzrange($4, $5, '[)'))`,
			res.SiteID, id, sl.Label, sl.StartsAt, sl.EndsAt); err != nil {
			if app.PQConstraint(err) == "lottery_slots_no_overlap" {
				return Window{}, app.Unprocessable("slots_overlap", "Two slots overlap.").OnField("slots")
			}
			return Window{}, fmt.Errorf("lottery: unable to add slot: %w", err)
		}
	}
	return getWindow(ctx, tx, id, "")
}

// tryBookings books every slot for the opener and takes the bookings back,
// so that a slot the booking engine would refuse at the draw (too long,
// outside opening hours, in a blackout, already booked) is refused now,
// while the coordinator can still change it. The opener's own right to book
// the space does not matter here.
func (s *Service) tryBookings(ctx context.Context, tx *sqlx.Tx, actor *app.Principal, resourceID int64, slots []NewSlot) error {
	for _, sl := range slots {
		if _, err := tx.ExecContext(ctx, `SAVEPOINT lottery_try_slot`); err != nil {
			return fmt.Errorf("lottery: unable to set savepoint: %w", err)
		}
		_, err := s.Bookings.Book(ctx, tx, booking.Request{
			ResourceID: resourceID, MemberID: actor.ID, StartsAt: sl.StartsAt, EndsAt: sl.EndsAt, Allocated: true,
		})
		if _, rbErr := tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT lottery_try_slot`); rbErr != nil {
			return fmt.Errorf("lottery: unable to roll back to savepoint: %w", rbErr)
		}
		if e, ok := app.AsError(err); ok && e.Code == "not_allowed_to_book" {
			continue
		}
		if e, ok := app.AsError(err); ok {
			return app.Errorf(e.Kind, e.Code, "%s: %s", sl.Label, e.Message).OnField("slots")
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// validate checks a new window and returns its cleaned title, description
// and slots in time order.
func (n NewWindow) validate(now time.Time, buffer time.Duration) (string, string, []NewSlot, error) {
	title := strings.TrimSpace(n.Title)
	if title == "" || utf8.RuneCountInString(title) > 200 {
		return "", "", nil, app.Unprocessable("invalid_title", "Give the lottery a title of up to 200 characters.").OnField("title")
	}
	desc := strings.TrimSpace(n.Description)
	if utf8.RuneCountInString(desc) > 2000 {
		return "", "", nil, app.Unprocessable("invalid_description", "Keep the description under 2000 characters.").OnField("description")
	}
	if !n.ClosesAt.After(now) {
		return "", "", nil, app.Unprocessable("closes_in_past", "Requests must close in the future.").OnField("closes_at")
	}
	if n.SlotsPerMember < 1 || n.SlotsPerMember > MaxSlotsPerMember {
		return "", "", nil, app.Unprocessable("invalid_slots_per_member",
			"Each member may get between 1 and %d slots.", MaxSlotsPerMember).OnField("slots_per_member")
	}
	switch {
	case len(n.Slots) == 0:
		return "", "", nil, app.Unprocessable("no_slots", "Offer at least one slot.").OnField("slots")
	case len(n.Slots) > MaxSlots:
		return "", "", nil, app.Unprocessable("too_many_slots", "Offer at most %d slots in one lottery.", MaxSlots).OnField("slots")
	}
	slots := slices.Clone(n.Slots)
	slices.SortFunc(slots, func(a, b NewSlot) int { return a.StartsAt.Compare(b.StartsAt) })
	for i := range slots {
		sl := &slots[i]
		sl.Label = strings.TrimSpace(sl.Label)
		if sl.StartsAt.IsZero() || !sl.EndsAt.After(sl.StartsAt) || utf8.RuneCountInString(sl.Label) > 100 {
			return "", "", nil, app.Unprocessable("invalid_slot", "Each slot needs an end after its start and a label of up to 100 characters.").OnField("slots")
		}
		if sl.Label == "" {
			sl.Label = sl.StartsAt.Format("Mon 2 Jan 15:04")
		}
		if sl.StartsAt.Before(n.ClosesAt) {
			return "", "", nil, app.Unprocessable("slot_before_close", "Requests must close before the first slot begins.").OnField("closes_at")
		}
		if i == 0 {
			continue
		}
		prev := slots[i-1]
		if sl.StartsAt.Before(prev.EndsAt) {
			return "", "", nil, app.Unprocessable("slots_overlap", "The slots %s and %s overlap.", prev.Label, sl.Label).OnField("slots")
		}
		// Each allocation becomes a booking, and bookings keep the
		// resource's buffer between them.
		if sl.StartsAt.Sub(prev.EndsAt) < buffer {
			return "", "", nil, app.Unprocessable("slots_closer_than_buffer",
				"The space keeps %s free between bookings; leave that much between slots.", buffer).OnField("slots")
		}
	}
	return title, desc, slots, nil
}

const windowColumns = `
	w.id, w.site_id, s.name AS site_name, s.timezone, w.resource_id, r.name AS resource_name, r.who_may_book,
	w.title, w.description, w.slots_per_member, w.opened_at, w.opened_by, w.closes_at, w.status,
	w.drawn_at, w.seed_hash,
	(SELECT count(DISTINCT q.member_id) FROM lottery_requests q WHERE q.site_id = w.site_id AND q.window_id = w.id) AS entrants,
	(SELECT min(lower(sl.during)) FROM lottery_slots sl WHERE sl.site_id = w.site_id AND sl.window_id = w.id) AS first_slot,
	(SELECT max(upper(sl.during)) FROM lottery_slots sl WHERE sl.site_id = w.site_id AND sl.window_id = w.id) AS last_slot`

const windowFrom = `
	FROM lottery_windows w JOIN resources r ON r.site_id = w.site_id AND r.id = w.resource_id
	JOIN sites s ON s.id = w.site_id`

// Window returns one window. Errors: not_found.
func (s *Service) Window(ctx context.Context, id int64) (Window, error) {
	return getWindow(ctx, s.DB, id, "")
}

// getWindow reads a window; lock is "" or a locking clause such as "FOR UPDATE OF w".
func getWindow(ctx context.Context, q sqlx.QueryerContext, id int64, lock string) (Window, error) {
	var w Window
	err := sqlx.GetContext(ctx, q, &w, `SELECT `+windowColumns+windowFrom+` WHERE w.id = $1 `+lock, id)
	if app.ErrNoRows(err) {
		return w, app.NotFound("There is no lottery %d.", id)
	}
	if err != nil {
		return w, fmt.Errorf("lottery: unable to fetch window: %w", err)
	}
	return w, nil
}

// Windows lists the windows of a site, or of every site when siteID is 0,
// those still taking requests first, then the latest.
func (s *Service) Windows(ctx context.Context, siteID int64) ([]Window, error) {
	var ws []Window
	err := s.DB.SelectContext(ctx, &ws, `SELECT `+windowColumns+windowFrom+`
		WHERE $1 = 0 OR w.site_id = $1
		ORDER BY (w.status = 'open') DESC, w.closes_at DESC, w.id DESC`, siteID)
	if err != nil {
		return nil, fmt.Errorf("lottery: unable to list windows: %w", err)
	}
	return ws, nil
}

// Slots returns the slots of a window in time order; Available is false
// for the slots the draw found already booked.
func (s *Service) Slots(ctx context.Context, windowID int64) ([]Slot, error) {
	return selectSlots(ctx, s.DB, windowID)
}

func selectSlots(ctx context.Context, q sqlx.QueryerContext, windowID int64) ([]Slot, error) {
	var rows []struct {
		ID        int64     `db:"id"`
		Label     string    `db:"label"`
		StartsAt  time.Time `db:"starts_at"`
		EndsAt    time.Time `db:"ends_at"`
		Available bool      `db:"available"`
	}
	err := sqlx.SelectContext(ctx, q, &rows, `
		SELECT sl.id, sl.label, lower(sl.during) AS starts_at, upper(sl.during) AS ends_at,
		       NOT EXISTS (SELECT 1 FROM lottery_blocked_slots b
		                   WHERE b.site_id = sl.site_id AND b.window_id = sl.window_id AND b.slot_id = sl.id) AS available
		FROM lottery_slots sl WHERE sl.window_id = $1 ORDER BY lower(sl.during)`, windowID)
	if err != nil {
		return nil, fmt.Errorf("lottery: unable to list slots: %w", err)
	}
	slots := make([]Slot, len(rows))
	for i, r := range rows {
		slots[i] = Slot{ID: r.ID, Label: r.Label, StartsAt: r.StartsAt.UTC(), EndsAt: r.EndsAt.UTC(), Available: r.Available}
	}
	return slots, nil
}

// Cancel calls off a window that has not been drawn; its seed is then shown
// as well, since it can no longer decide anything. Errors: not_found,
// forbidden; already_drawn, window_cancelled (409).
func (s *Service) Cancel(ctx context.Context, actor *app.Principal, windowID int64) error {
	return app.InTx(ctx, s.DB, func(tx *sqlx.Tx) error {
		if _, err := lockUndecided(ctx, tx, actor, windowID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE lottery_windows SET status = 'cancelled', cancelled_at = now() WHERE id = $1`, windowID); err != nil {
			return fmt.Errorf("lottery: unable to cancel window: %w", err)
		}
		return nil
	})
}

// lockUndecided reads a window for the coordinator who draws or cancels it,
// locking its row so that draws and cancellations of one window take turns.
// Errors: not_found, forbidden; already_drawn, window_cancelled (409).
func lockUndecided(ctx context.Context, tx *sqlx.Tx, actor *app.Principal, windowID int64) (Window, error) {
	w, err := getWindow(ctx, tx, windowID, "FOR UPDATE OF w")
	if err != nil {
		return w, err
	}
	if err := actor.RequireCoordinator(w.SiteID); err != nil {
		return w, err
	}
	return w, w.requireOpen()
}

// requireOpen refuses a window that was drawn or cancelled.
func (w Window) requireOpen() error {
	switch w.Status {
	case StatusDrawn:
		return app.Conflict("already_drawn", "This lottery has already been drawn.")
	case StatusCancelled:
		return app.Conflict("window_cancelled", "This lottery was cancelled.")
	}
	return nil
}

// ResourceChoice is a resource a coordinator may open a window for.
type ResourceChoice struct {
	ID       int64  `db:"id"`
	Name     string `db:"name"`
	Kind     string `db:"kind"`
	SiteID   int64  `db:"site_id"`
	SiteName string `db:"site_name"`
	Timezone string `db:"timezone"`
}

// Location is the zone of the resource's site. Errors: those of
// time.LoadLocation.
func (r ResourceChoice) Location() (*time.Location, error) { return time.LoadLocation(r.Timezone) }

// Choose finds the resource id among the choices of Openable. Errors:
// invalid_resource (422) on resource_id.
func Choose(choices []ResourceChoice, id int64) (ResourceChoice, error) {
	i := slices.IndexFunc(choices, func(r ResourceChoice) bool { return r.ID == id })
	if i < 0 {
		return ResourceChoice{}, app.Unprocessable("invalid_resource", "Choose one of the spaces of your sites.").OnField("resource_id")
	}
	return choices[i], nil
}

// Openable lists the resources the actor may open a window for: those of
// the sites they coordinate (every site for an admin), guest rooms first.
// Errors: forbidden when there is none.
func (s *Service) Openable(ctx context.Context, actor *app.Principal) ([]ResourceChoice, error) {
	var rs []ResourceChoice
	err := s.DB.SelectContext(ctx, &rs, `
		SELECT r.id, r.name, r.kind, r.site_id, s.name AS site_name, s.timezone
		FROM resources r JOIN sites s ON s.id = r.site_id
		WHERE $1 OR r.site_id = ANY($2)
		ORDER BY s.name, (r.kind = 'guest_room') DESC, r.name`, actor.IsAdmin(), pq.Int64Array(actor.CoordinatorOf))
	if err != nil {
		return nil, fmt.Errorf("lottery: unable to list resources: %w", err)
	}
	if len(rs) == 0 {
		return nil, app.Forbidden("Only coordinators open lotteries, for the spaces of their sites.")
	}
	return rs, nil
}

// SiteChoice is a site whose usage can be shown.
type SiteChoice struct {
	ID   int64  `db:"id"`
	Name string `db:"name"`
}

// SitesWithWindows lists the sites that have had a lottery, by name.
func (s *Service) SitesWithWindows(ctx context.Context) ([]SiteChoice, error) {
	var ss []SiteChoice
	err := s.DB.SelectContext(ctx, &ss, `
		SELECT s.id, s.name FROM sites s
		WHERE EXISTS (SELECT 1 FROM lottery_windows w WHERE w.site_id = s.id) ORDER BY s.name`)
	if err != nil {
		return nil, fmt.Errorf("lottery: unable to list sites: %w", err)
	}
	return ss, nil
}
