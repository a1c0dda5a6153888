package lottery

import (
	"context"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"hearth/app"
)

// MemberUsage is one household's take of one scarce resource over a season:
// the drawn windows they entered, the slots and nights they received, and
// their fair share, the sum over those windows of (slots allocated ÷
// entrants), what an equal split of every window would have given them.
type MemberUsage struct {
	MemberID   int64           `db:"member_id" json:"member_id"`
	MemberName string          `db:"member_name" json:"member_name"`
	Unit       string          `db:"unit" json:"unit"` // their unit at the site today, "" for visitors
	Windows    int             `db:"windows" json:"windows"`
	Received   int             `db:"received" json:"received"`
	Nights     int             `db:"nights" json:"nights"`
	FairShare  decimal.Decimal `db:"fair_share" json:"fair_share"`
}

// Balance is received minus fair share: above zero, more than an equal split.
func (u MemberUsage) Balance() decimal.Decimal {
	return decimal.NewFromInt(int64(u.Received)).Sub(u.FairShare)
}

// ResourceUsage is the usage of one resource over a season.
type ResourceUsage struct {
	ResourceID   int64         `json:"resource_id"`
	ResourceName string        `json:"resource_name"`
	Windows      int           `json:"windows"`
	Allocated    int           `json:"allocated"`
	Members      []MemberUsage `json:"members"`
}

// Usage is the share of each household of each scarce resource of a site,
// over the drawn windows whose first slot starts in [From, To).
type Usage struct {
	SiteID    int64           `json:"site_id"`
	SiteName  string          `json:"site_name"`
	From      string          `json:"from"` // YYYY-MM-DD, in the site's zone
	To        string          `json:"to"`   // YYYY-MM-DD, exclusive
	Resources []ResourceUsage `json:"resources"`
}

// roundShare rounds a fair share to two places, halves away from zero, for
// showing; the unrounded shares of a window always add up to its slots.
func roundShare(d decimal.Decimal) decimal.Decimal { return d.Round(2) }

const usageQuery = `
	WITH season AS (
	    SELECT tstzrange($2::date::timestamp AT TIME ZONE s.timezone, $3::date::timestamp AT TIME ZONE s.timezone, '[)') AS during
	    FROM sites s WHERE s.id = $1
	), win AS (
	    SELECT w.id, w.resource_id,
	           (SELECT count(*) FROM lottery_entrants e WHERE e.site_id = w.site_id AND e.window_id = w.id) AS entrants,
	           (SELECT count(*) FROM lottery_allocations a WHERE a.site_id = w.site_id AND a.window_id = w.id) AS allocated
	    FROM lottery_windows w, season
	    WHERE w.site_id = $1 AND w.status = 'drawn'
	      AND (SELECT min(lower(sl.during)) FROM lottery_slots sl WHERE sl.site_id = w.site_id AND sl.window_id = w.id)
	          <@ season.during
	)
	SELECT win.resource_id, r.name AS resource_name,
	       (SELECT count(*) FROM win w2 WHERE w2.resource_id = win.resource_id) AS resource_windows,
	       e.member_id, m.name AS member_name,
	       coalesce(home.unit, '') AS unit,
	       count(*) AS windows,
	       sum(win.allocated::numeric / win.entrants) AS fair_share,
	       coalesce(sum(got.slots), 0) AS received,
	       coalesce(sum(got.nights), 0) AS nights
	FROM win
	JOIN lottery_entrants e ON e.site_id = $1 AND e.window_id = win.id
	JOIN resources r ON r.site_id = $1 AND r.id = win.resource_id
	JOIN sites s ON s.id = $1
	JOIN members m ON m.id = e.member_id
	LEFT JOIN LATERAL (
	    SELECT count(*) AS slots,
	           sum(site_day(s.timezone, upper(sl.during)) - site_day(s.timezone, lower(sl.during))) AS nights
	    FROM lottery_allocations a
	    JOIN lottery_slots sl ON sl.site_id = a.site_id AND sl.window_id = a.window_id AND sl.id = a.slot_id
	    WHERE a.site_id = $1 AND a.window_id = win.id AND a.member_id = e.member_id
	) got ON true
	LEFT JOIN LATERAL (
	    SELECT u.name AS unit FROM residencies_on(site_today(s.timezone)) rs JOIN units u ON u.id = rs.unit_id
	    WHERE rs.site_id = $1 AND rs.member_id = e.member_id
	    LIMIT 1
	) home ON true
	GROUP BY win.resource_id, r.name, e.member_id, m.name, home.unit
	ORDER BY r.name, win.resource_id, m.name, e.member_id`

// Usage returns each household's share of each scarce resource of a site
// over the drawn windows whose first slot starts in the season [from, to):
// calendar dates (their year, month and day count) in the site's zone.
// Errors: not_found for an unknown site; invalid_season (422).
func (s *Service) Usage(ctx context.Context, siteID int64, from, to time.Time) (Usage, error) {
	u := Usage{SiteID: siteID, From: from.Format(time.DateOnly), To: to.Format(time.DateOnly), Resources: []ResourceUsage{}}
	if u.To <= u.From {
		return u, app.Unprocessable("invalid_season", "The season must end after it begins.").OnField("to")
	}
	err := s.DB.GetContext(ctx, &u.SiteName, `SELECT name FROM sites WHERE id = $1`, siteID)
	if app.ErrNoRows(err) {
		return u, app.NotFound("There is no site %d.", siteID)
	}
	if err != nil {
		return u, fmt.Errorf("lottery: unable to fetch site: %w", err)
	}
	var rows []struct {
		ResourceID      int64  `db:"resource_id"`
		ResourceName    string `db:"resource_name"`
		ResourceWindows int    `db:"resource_windows"`
		MemberUsage
	}
	if err := s.DB.SelectContext(ctx, &rows, usageQuery, siteID, u.From, u.To); err != nil {
		return u, fmt.Errorf("lottery: unable to compute usage: %w", err)
	}
	for _, r := range rows {
		if n := len(u.Resources); n == 0 || u.Resources[n-1].ResourceID != r.ResourceID {
			u.Resources = append(u.Resources, ResourceUsage{ResourceID: r.ResourceID, ResourceName: r.ResourceName, Windows: r.ResourceWindows})
		}
		res := &u.Resources[len(u.Resources)-1]
		r.FairShare = roundShare(r.FairShare)
		res.Members = append(res.Members, r.MemberUsage)
		res.Allocated += r.Received
	}
	return u, nil
}
