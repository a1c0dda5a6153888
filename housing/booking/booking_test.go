package booking_test

import (
	"context"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"hearth/app"
	"hearth/app/apptest"
	"hearth/housing/booking"
)

func TestMain(m *testing.M) { os.Exit(apptest.Main(m)) }

// fixture is a site with a resident, a neighbour, a coordinator and a
// visitor from another site, and a booking service whose clock is pinned.
type fixture struct {
	db          *sqlx.DB
	svc         *booking.Service
	site        apptest.Site
	loc         *time.Location
	resident    app.Member
	neighbour   app.Member
	coordinator app.Member
	visitor     app.Member
}

// now is the pinned clock of the fixtures: a Monday morning in Berlin.
var now = time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)

func newFixture(t *testing.T) *fixture {
	t.Helper()
	db := apptest.NewDB(t)
	f := &fixture{db: db, svc: &booking.Service{DB: db, Now: func() time.Time { return now }}}
	f.site = apptest.MustCreateSite(t, db, "Linden Yard", "Europe/Berlin")
	f.loc, _ = time.LoadLocation("Europe/Berlin")
	other := apptest.MustCreateSite(t, db, "Elm Court", "America/Los_Angeles")
	f.resident = mustResident(t, db, f.site.ID, "Hugo", "L1")
	f.neighbour = mustResident(t, db, f.site.ID, "Inès", "L2")
	f.coordinator = mustResident(t, db, f.site.ID, "Jonas", "L3")
	apptest.MustMakeCoordinator(t, db, f.site.ID, f.coordinator.ID)
	f.visitor = mustResident(t, db, other.ID, "Ada", "E1")
	return f
}

func mustResident(t *testing.T, db *sqlx.DB, siteID int64, name, unit string) app.Member {
	t.Helper()
	m := apptest.MustCreateMember(t, db, name, app.RoleMember)
	u := apptest.MustCreateUnit(t, db, siteID, unit, "900.00")
	apptest.MustAddResidency(t, db, siteID, u, m.ID, "2024-01-01")
	return m
}

// MustCreateResource creates a resource of the fixture's site with rules.
func (f *fixture) MustCreateResource(t *testing.T, name string, kind booking.Kind, rules booking.Rules) booking.Resource {
	t.Helper()
	r, err := f.svc.CreateResource(context.Background(), booking.NewResource{SiteID: f.site.ID, Name: name, Kind: kind})
	if err != nil {
		t.Fatalf("CreateResource: %v", err)
	}
	if rules.WhoMayBook == "" {
		rules.WhoMayBook = booking.Members
	}
	if _, err := f.svc.SetRules(context.Background(), r.ID, rules); err != nil {
		t.Fatalf("SetRules: %v", err)
	}
	return r
}

// at is a wall-clock time in Berlin.
func (f *fixture) at(day, hour, minute int) time.Time {
	return time.Date(2026, 3, day, hour, minute, 0, 0, f.loc)
}

func (f *fixture) book(r booking.Resource, m app.Member, start, end time.Time) (booking.Booking, error) {
	return f.svc.Create(context.Background(), booking.Request{ResourceID: r.ID, MemberID: m.ID, StartsAt: start, EndsAt: end})
}

// MustBook books and fails the test on an error.
func (f *fixture) MustBook(t *testing.T, r booking.Resource, m app.Member, start, end time.Time) booking.Booking {
	t.Helper()
	b, err := f.book(r, m, start, end)
	if err != nil {
		t.Fatalf("book %s–%s: %v", start, end, err)
	}
	return b
}

func codeOf(err error) string {
	if e, ok := app.AsError(err); ok {
		return e.Code
	}
	if err != nil {
		return "internal: " + err.Error()
	}
	return ""
}

func TestResourceWithoutRulesAcceptsAnyLengthFromAnyMember(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	r, err := f.svc.CreateResource(context.Background(), booking.NewResource{SiteID: f.site.ID, Name: "Guest room", Kind: booking.GuestRoom})
	if err != nil {
		t.Fatal(err)
	}
	// Five minutes, then nine days, by a member who lives at another site.
	b := f.MustBook(t, r, f.visitor, f.at(3, 10, 0), f.at(3, 10, 5))
	if got, want := b.Status, booking.Confirmed; got != want {
		t.Errorf("status: got %s, want %s", got, want)
	}
	long := f.MustBook(t, r, f.visitor, f.at(10, 15, 0), f.at(19, 11, 0))
	if got, want := long.StartsAt.Format(time.RFC3339), "2026-03-10T15:00:00+01:00"; got != want {
		t.Errorf("answer in the site's zone: got %s, want %s", got, want)
	}
}

// TestConcurrentOverlappingBookingsExactlyOneWins fires 50 overlapping
// requests at once: the database lets exactly one through and every other
// one is a booking_conflict, never an internal error.
func TestConcurrentOverlappingBookingsExactlyOneWins(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	r := f.MustCreateResource(t, "Workshop", booking.Workshop, booking.Rules{BufferMinutes: 10})
	members := []app.Member{f.resident, f.neighbour, f.coordinator, f.visitor}
	const racers = 50
	errs := make([]error, racers)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range racers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			// Every request overlaps every other (all cover 11:00–11:05) but
			// none is identical, so the constraint, not equality, decides.
			from := f.at(4, 10, i%30)
			_, errs[i] = f.book(r, members[i%len(members)], from, from.Add(65*time.Minute))
		}()
	}
	close(start)
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch codeOf(err) {
		case "":
			won++
		case "booking_conflict":
		default:
			t.Errorf("racer: got %v, want success or booking_conflict", err)
		}
	}
	if won != 1 {
		t.Errorf("winners: got %d, want exactly 1", won)
	}
	var active int
	if err := f.db.Get(&active, `SELECT count(*) FROM bookings WHERE resource_id = $1 AND status IN ('pending','confirmed','offered')`, r.ID); err != nil {
		t.Fatal(err)
	}
	if active != 1 {
		t.Errorf("active bookings stored: got %d, want 1", active)
	}
}

// TestWeeklyQuotaHoldsUnderRace fires one member's bookings of different,
// free times at once: exactly the quota passes.
func TestWeeklyQuotaHoldsUnderRace(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	r := f.MustCreateResource(t, "Laundry", booking.Laundry, booking.Rules{WeeklyQuotaBookings: 2})
	const racers = 50
	errs := make([]error, racers)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range racers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			// 50 distinct hours of the same week (Tuesday 3 to Sunday 8 March).
			from := f.at(3+i/10, 8+i%10, 0)
			_, errs[i] = f.book(r, f.resident, from, from.Add(time.Hour))
		}()
	}
	close(start)
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch codeOf(err) {
		case "":
			won++
		case "weekly_quota_exceeded":
		default:
			t.Errorf("racer: got %v, want success or weekly_quota_exceeded", err)
		}
	}
	if got, want := won, 2; got != want {
		t.Errorf("bookings within the quota: got %d, want %d", got, want)
	}
	// The next week has a quota of its own.
	f.MustBook(t, r, f.resident, f.at(9, 8, 0), f.at(9, 9, 0))
}
