package lottery

import "time"

// Status is where a window stands. An open window whose closing time has
// passed takes no more requests and waits for its draw.
type Status string

const (
	StatusOpen      Status = "open"
	StatusDrawn     Status = "drawn"
	StatusCancelled Status = "cancelled"
)

// Window is a lottery for the slots of one scarce resource.
type Window struct {
	ID             int64      `db:"id" json:"id"`
	SiteID         int64      `db:"site_id" json:"site_id"`
	SiteName       string     `db:"site_name" json:"site_name"`
	Timezone       string     `db:"timezone" json:"timezone"`
	ResourceID     int64      `db:"resource_id" json:"resource_id"`
	ResourceName   string     `db:"resource_name" json:"resource_name"`
	Title          string     `db:"title" json:"title"`
	Description    string     `db:"description" json:"description"`
	SlotsPerMember int        `db:"slots_per_member" json:"slots_per_member"`
	OpenedAt       time.Time  `db:"opened_at" json:"opened_at"`
	ClosesAt       time.Time  `db:"closes_at" json:"closes_at"`
	Status         Status     `db:"status" json:"status"`
	DrawnAt        *time.Time `db:"drawn_at" json:"drawn_at,omitempty"`
	SeedHash       []byte     `db:"seed_hash" json:"-"`
	OpenedBy       int64      `db:"opened_by" json:"-"`
	Entrants       int        `db:"entrants" json:"entrants"`
}

// AcceptsRequests reports whether members may still enter or change their
// requests at now.
func (w Window) AcceptsRequests(now time.Time) bool {
	return w.Status == StatusOpen && now.Before(w.ClosesAt)
}

// AwaitingDraw reports whether the window has closed and may be drawn.
func (w Window) AwaitingDraw(now time.Time) bool {
	return w.Status == StatusOpen && !now.Before(w.ClosesAt)
}
