package housing_test

import (
	"strings"
	"testing"
	"time"

	"hearth/app"
	"hearth/app/apptest"
)

// The rules of migrations/00260 at their edges: a residency holds from its
// first day through the day before ends_on (the move-out day, exclusive).
func TestResidencyRuleEdges(t *testing.T) {
	t.Parallel()
	db := apptest.NewDB(t)
	site := apptest.MustCreateSite(t, db, "Elm", "America/Los_Angeles")
	unit := apptest.MustCreateUnit(t, db, site.ID, "E1", "1000.00")
	ada := apptest.MustCreateMember(t, db, "Ada", app.RoleMember)
	if _, err := db.Exec(`INSERT INTO residencies (site_id, unit_id, member_id, starts_on, ends_on)
		VALUES ($1, $2, $3, '2025-03-01', '2025-06-01')`, site.ID, unit, ada.ID); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		day      string
		on, from bool
	}{
		{"2025-02-28", false, true},  // the day before the first: not yet, but from then on
		{"2025-03-01", true, true},   // the first day
		{"2025-05-31", true, true},   // the last day
		{"2025-06-01", false, false}, // ends_on, the move-out day
		{"2025-06-02", false, false}, // a day after
	} {
		var on, from bool
		if err := db.QueryRow(`SELECT EXISTS (SELECT FROM residencies_on($1::date) WHERE member_id = $2),
		                              EXISTS (SELECT FROM residencies_from($1::date) WHERE unit_id = $3)`,
			tc.day, ada.ID, unit).Scan(&on, &from); err != nil {
			t.Fatal(err)
		}
		if on != tc.on || from != tc.from {
			t.Errorf("%s: residencies_on %v, residencies_from %v; want %v, %v", tc.day, on, from, tc.on, tc.from)
		}
	}

	// An open residency holds every day from its first.
	ben := apptest.MustCreateMember(t, db, "Ben", app.RoleMember)
	apptest.MustAddResidency(t, db, site.ID, unit, ben.ID, "2025-06-01")
	for day, want := range map[string]bool{"2025-05-31": false, "2025-06-01": true, "2099-12-31": true} {
		var on bool
		if err := db.Get(&on, `SELECT EXISTS (SELECT FROM residencies_on($1::date) WHERE member_id = $2)`, day, ben.ID); err != nil {
			t.Fatal(err)
		}
		if on != want {
			t.Errorf("open residency on %s: %v, want %v", day, on, want)
		}
	}
}

// site_day reads an instant's calendar day in the site's zone, whatever
// the session's zone.
func TestSiteDay(t *testing.T) {
	t.Parallel()
	db := apptest.NewDB(t)
	for _, tc := range []struct {
		zone, at, want string
	}{
		{"America/Los_Angeles", "2025-03-01T07:59:59Z", "2025-02-28"}, // 23:59:59 the day before
		{"America/Los_Angeles", "2025-03-01T08:00:00Z", "2025-03-01"}, // midnight
		{"Pacific/Auckland", "2025-02-28T11:00:00Z", "2025-03-01"},    // already tomorrow
		{"UTC", "2025-03-01T00:00:00Z", "2025-03-01"},
	} {
		var got, today time.Time
		if err := db.QueryRow(`SELECT site_day($1, $2::timestamptz), site_today($1)`, tc.zone, tc.at).Scan(&got, &today); err != nil {
			t.Fatal(err)
		}
		if got.Format(time.DateOnly) != tc.want {
			t.Errorf("site_day(%s, %s) = %s, want %s", tc.zone, tc.at, got.Format(time.DateOnly), tc.want)
		}
		loc, _ := time.LoadLocation(tc.zone)
		if n := time.Now().In(loc); today.Format(time.DateOnly) != n.Format(time.DateOnly) && n.Hour() != 0 {
			t.Errorf("site_today(%s) = %s, want %s", tc.zone, today.Format(time.DateOnly), n.Format(time.DateOnly))
		}
	}
}

// may_book: a residents' space of a site in Los Angeles, asked at instants
// around the local midnights that begin and end a residency.
func TestMayBookEdges(t *testing.T) {
	t.Parallel()
	db := apptest.NewDB(t)
	site := apptest.MustCreateSite(t, db, "Elm", "America/Los_Angeles")
	other := apptest.MustCreateSite(t, db, "Linden", "Europe/Berlin")
	unit := apptest.MustCreateUnit(t, db, site.ID, "E1", "1000.00")
	ada := apptest.MustCreateMember(t, db, "Ada", app.RoleMember)
	coordinator := apptest.MustCreateMember(t, db, "Cy", app.RoleMember)
	treasurer := apptest.MustCreateMember(t, db, "Tess", app.RoleAdmin)
	apptest.MustMakeCoordinator(t, db, site.ID, coordinator.ID)
	apptest.MustMakeCoordinator(t, db, other.ID, ada.ID)
	if _, err := db.Exec(`INSERT INTO residencies (site_id, unit_id, member_id, starts_on, ends_on)
		VALUES ($1, $2, $3, '2025-03-01', '2025-06-01')`, site.ID, unit, ada.ID); err != nil {
		t.Fatal(err)
	}
	mayBook := func(who string, member int64, at string) bool {
		t.Helper()
		var ok bool
		if err := db.Get(&ok, `SELECT EXISTS (SELECT FROM may_book($1, $2, $3, $4::timestamptz))`, site.ID, who, member, at); err != nil {
			t.Fatal(err)
		}
		return ok
	}
	for _, tc := range []struct {
		name   string
		member int64
		at     string
		want   bool
	}{
		{"resident, the evening before the first day", ada.ID, "2025-03-01T07:59:00Z", false},
		{"resident, the first day's midnight", ada.ID, "2025-03-01T08:00:00Z", true},
		{"resident, the last day's last minute", ada.ID, "2025-06-01T06:59:00Z", true}, // 23:59 PDT on 31 May
		{"resident, the move-out day", ada.ID, "2025-06-01T07:00:00Z", false},
		{"resident, a day after", ada.ID, "2025-06-02T12:00:00Z", false},
		{"coordinator, any day", coordinator.ID, "2030-01-01T00:00:00Z", true},
		{"admin, neither resident nor coordinator", treasurer.ID, "2025-04-01T12:00:00Z", false},
	} {
		if got := mayBook("residents", tc.member, tc.at); got != tc.want {
			t.Errorf("%s: may_book = %v, want %v", tc.name, got, tc.want)
		}
		if !mayBook("members", tc.member, tc.at) {
			t.Errorf("%s: a space open to members refused", tc.name)
		}
	}
}

// Every rule of migrations/00260 is inlined into the query that calls it:
// the plan shows its tables and no Function Scan, and a scalar rule leaves
// no call of itself behind.
func TestRulesAreInlined(t *testing.T) {
	t.Parallel()
	db := apptest.NewDB(t)
	for _, q := range []string{
		`SELECT * FROM residencies_on('2025-03-01') WHERE member_id = 1`,
		`SELECT * FROM residencies_from('2025-03-01') WHERE unit_id = 1`,
		`SELECT s.id, (SELECT count(*) FROM residencies_on(site_today(s.timezone)) r WHERE r.site_id = s.id) FROM sites s`,
		`SELECT site_day(s.timezone, now()) FROM sites s`,
		`SELECT r.id, EXISTS (SELECT FROM may_book(r.site_id, r.who_may_book, 1, now())) FROM resources r`,
		`SELECT * FROM blackouts_over(1, 1, tstzrange(now(), now() + interval '1 hour'))`,
		`SELECT * FROM offers_to_lapse(1, 1, now())`,
		`SELECT * FROM weekly_quota(1, 1, 1, now(), now() + interval '7 days', NULL, 60, 3, 0)`,
	} {
		var lines []string
		if err := db.Select(&lines, `EXPLAIN (VERBOSE, COSTS OFF) `+q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		plan := strings.Join(lines, "\n")
		for _, f := range []string{"Function Scan", "residencies_on(", "residencies_from(", "site_today(", "site_day(",
			"may_book(", "blackouts_over(", "offers_to_lapse(", "weekly_quota("} {
			if strings.Contains(plan, f) {
				t.Errorf("%s: the plan shows %q, not inlined:\n%s", q, f, plan)
			}
		}
	}
}
