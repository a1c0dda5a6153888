package booking_test

import (
	"context"
	"flag"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"hearth/app"
	"hearth/app/apptest"
	"hearth/housing/booking"
)

func TestMain(m *testing.M) {
	// The model-based property test drives the database; 30 checks keep it
	// quick under -race. Say -rapid.checks=N (or RAPID_CHECKS) for more.
	flag.Parse()
	explicit := os.Getenv("RAPID_CHECKS") != ""
	flag.Visit(func(f *flag.Flag) { explicit = explicit || f.Name == "rapid.checks" })
	if !explicit {
		flag.Set("rapid.checks", "30")
	}
	os.Exit(apptest.Main(m))
}

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

// admin stands for the treasurer where a test sets things up.
var admin = &app.Principal{Member: app.Member{ID: 0, Role: app.RoleAdmin}}

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
	r, err := f.svc.CreateResource(context.Background(), admin, booking.NewResource{SiteID: f.site.ID, Name: name, Kind: kind})
	if err != nil {
		t.Fatalf("CreateResource: %v", err)
	}
	if rules.WhoMayBook == "" {
		rules.WhoMayBook = booking.Members
	}
	if _, err := f.svc.SetRules(context.Background(), admin, r.ID, rules); err != nil {
		t.Fatalf("SetRules: %v", err)
	}
	return r
}

// at is a wall-clock time in Berlin.
// race runs fn(0) … fn(n-1) in n goroutines released at once and returns
// their errors.
func race(n int, fn func(i int) error) []error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			errs[i] = fn(i)
		})
	}
	close(start)
	wg.Wait()
	return errs
}

// MustCount runs a count(*) query.
func (f *fixture) MustCount(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := f.db.Get(&n, query, args...); err != nil {
		t.Fatalf("MustCount: %v", err)
	}
	return n
}

func (f *fixture) at(day, hour, minute int) time.Time {
	return time.Date(2026, 3, day, hour, minute, 0, 0, f.loc)
}

func (f *fixture) book(r booking.Resource, m app.Member, start, end time.Time) (booking.Booking, error) {
	return f.svc.Create(context.Background(), f.as(m), booking.Request{ResourceID: r.ID, MemberID: m.ID, StartsAt: start, EndsAt: end})
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

func TestResourceWithoutRulesAcceptsAnyLengthFromAnyMember(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	r, err := f.svc.CreateResource(context.Background(), admin, booking.NewResource{SiteID: f.site.ID, Name: "Guest room", Kind: booking.GuestRoom})
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

// bookingWays runs a racing test both ways a booking is made: the careful
// way, a transaction of several statements (here every racer has a service
// of its own, which has read no resource yet), and the quick way, the one
// statement booking_create (racers share a service that has booked the
// resource once before the race).
func bookingWays(t *testing.T, test func(t *testing.T, f *fixture, service func() *booking.Service, warm func(booking.Resource))) {
	t.Run("careful", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		test(t, f, func() *booking.Service { return &booking.Service{DB: f.db, Now: f.svc.Now} }, func(booking.Resource) {})
	})
	t.Run("quick", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		test(t, f, func() *booking.Service { return f.svc }, func(r booking.Resource) {
			// A booking on the Friday a month on, outside the racers' week.
			f.MustBook(t, r, f.neighbour, f.at(27, 20, 0), f.at(27, 21, 0))
		})
	})
}

// winners counts the racers that booked; every other one must have been
// refused with the code refused.
func winners(t *testing.T, errs []error, refused string) int {
	t.Helper()
	won := 0
	for _, err := range errs {
		switch apptest.Code(err) {
		case "":
			won++
		case refused:
		default:
			t.Errorf("racer: got %v, want success or %s", err, refused)
		}
	}
	return won
}

// TestConcurrentOverlappingBookingsExactlyOneWins fires 50 overlapping
// requests at once: the database lets exactly one through and every other
// one is a booking_conflict, never an internal error.
func TestConcurrentOverlappingBookingsExactlyOneWins(t *testing.T) {
	t.Parallel()
	bookingWays(t, func(t *testing.T, f *fixture, service func() *booking.Service, warm func(booking.Resource)) {
		r := f.MustCreateResource(t, "Workshop", booking.Workshop, booking.Rules{BufferMinutes: 10})
		warm(r)
		members := []app.Member{f.resident, f.neighbour, f.coordinator, f.visitor}
		errs := race(50, func(i int) error {
			// Every request overlaps every other (all cover 11:00–11:05) but
			// none is identical, so the constraint, not equality, decides.
			from := f.at(4, 10, i%30)
			_, err := service().Create(context.Background(), f.as(members[i%len(members)]), booking.Request{ResourceID: r.ID, MemberID: members[i%len(members)].ID,
				StartsAt: from, EndsAt: from.Add(65 * time.Minute)})
			return err
		})
		if won := winners(t, errs, "booking_conflict"); won != 1 {
			t.Errorf("winners: got %d, want exactly 1", won)
		}
		active := f.MustCount(t, `SELECT count(*) FROM bookings WHERE resource_id = $1 AND status IN ('pending','confirmed','offered')
			AND lower(during) < $2`, r.ID, f.at(5, 0, 0))
		if active != 1 {
			t.Errorf("active bookings stored: got %d, want 1", active)
		}
	})
}

// TestWeeklyQuotaHoldsUnderRace fires one member's bookings of different,
// free times at once: exactly the quota passes.
func TestWeeklyQuotaHoldsUnderRace(t *testing.T) {
	t.Parallel()
	bookingWays(t, func(t *testing.T, f *fixture, service func() *booking.Service, warm func(booking.Resource)) {
		r := f.MustCreateResource(t, "Laundry", booking.Laundry, booking.Rules{WeeklyQuotaBookings: 2})
		warm(r)
		errs := race(50, func(i int) error {
			// 50 distinct hours of the same week (Tuesday 3 to Sunday 8 March).
			from := f.at(3+i/10, 8+i%10, 0)
			_, err := service().Create(context.Background(), f.as(f.resident), booking.Request{ResourceID: r.ID, MemberID: f.resident.ID,
				StartsAt: from, EndsAt: from.Add(time.Hour)})
			return err
		})
		if got, want := winners(t, errs, "weekly_quota_exceeded"), 2; got != want {
			t.Errorf("bookings within the quota: got %d, want %d", got, want)
		}
		// The next week has a quota of its own.
		f.MustBook(t, r, f.resident, f.at(9, 8, 0), f.at(9, 9, 0))
	})
}

// TestQuickBookingFollowsRuleChanges books the quick way from a service
// whose copy of the resource is stale, because the rules changed through
// another service (another server), and from one whose copy is current:
// every answer is the rules' as they are now, and a refused booking writes
// nothing.
func TestQuickBookingFollowsRuleChanges(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	r := f.MustCreateResource(t, "Workshop", booking.Workshop, booking.Rules{})
	f.MustBook(t, r, f.resident, f.at(4, 20, 0), f.at(4, 21, 0))
	other := &booking.Service{DB: f.db, Now: f.svc.Now}
	coordinator := f.as(f.coordinator)
	rules := func(rules booking.Rules) func() error {
		return func() error {
			_, err := other.SetRules(ctx, coordinator, r.ID, rules)
			return err
		}
	}
	daytime := booking.WeekHours{}
	for d := time.Sunday; d <= time.Saturday; d++ {
		daytime = append(daytime, booking.Hours{Weekday: d, Opens: 8 * 60, Closes: 22 * 60})
	}
	residents := booking.Rules{WhoMayBook: booking.Residents}
	for _, step := range []struct {
		name       string
		change     func() error // nil: the copy is current from the step before
		who        app.Member
		start, end time.Time
		code       string
		status     booking.Status // of a booking made
	}{
		{"opening hours", rules(booking.Rules{Hours: daytime, WhoMayBook: booking.Members}),
			f.resident, f.at(5, 22, 0), f.at(5, 23, 0), "outside_opening_hours", ""},
		{"approval", rules(booking.Rules{ApprovalRequired: true, WhoMayBook: booking.Members}),
			f.neighbour, f.at(5, 8, 0), f.at(5, 9, 0), "", booking.Pending},
		{"approval, with a current copy", nil, f.neighbour, f.at(5, 9, 0), f.at(5, 10, 0), "", booking.Pending},
		{"residents only", rules(residents), f.visitor, f.at(5, 10, 0), f.at(5, 11, 0), "not_allowed_to_book", ""},
		{"residents only, with a current copy", nil, f.visitor, f.at(5, 10, 0), f.at(5, 11, 0), "not_allowed_to_book", ""},
		{"a blackout added elsewhere", func() error {
			_, _, err := other.AddBlackout(ctx, coordinator, r.ID, f.at(6, 0, 0), f.at(7, 0, 0), "painting")
			return err
		}, f.resident, f.at(6, 10, 0), f.at(6, 11, 0), "in_blackout", ""},
		{"quota", rules(booking.Rules{WhoMayBook: booking.Residents, WeeklyQuotaBookings: 1}),
			f.resident, f.at(5, 10, 0), f.at(5, 11, 0), "weekly_quota_exceeded", ""},
		{"quota, with a current copy", nil, f.resident, f.at(5, 12, 0), f.at(5, 13, 0), "weekly_quota_exceeded", ""},
		{"minutes quota", rules(booking.Rules{WhoMayBook: booking.Residents, WeeklyQuotaMinutes: 90}),
			f.resident, f.at(5, 10, 0), f.at(5, 11, 0), "weekly_quota_exceeded", ""},
		{"minutes quota, with a current copy", nil, f.resident, f.at(5, 12, 0), f.at(5, 12, 30), "", booking.Confirmed},
		{"open to every member", rules(booking.Rules{WhoMayBook: booking.Members}),
			f.visitor, f.at(5, 14, 0), f.at(5, 14, 30), "", booking.Confirmed},
		{"an unknown member", nil, app.Member{ID: -1}, f.at(5, 15, 0), f.at(5, 15, 30), "not_found", ""},
		{"the site's zone", func() error {
			_, err := f.db.Exec(`UPDATE sites SET timezone = 'Asia/Tokyo' WHERE id = $1`, f.site.ID)
			return err
		}, f.resident, f.at(11, 10, 0), f.at(11, 11, 0), "", booking.Confirmed},
	} {
		if step.change != nil {
			if err := step.change(); err != nil {
				t.Fatalf("%s: %v", step.name, err)
			}
		}
		before := f.MustCount(t, `SELECT count(*) FROM bookings`)
		b, err := f.book(r, step.who, step.start, step.end)
		if got := apptest.Code(err); got != step.code {
			t.Errorf("%s: got %v, want %q", step.name, err, step.code)
		}
		if step.code != "" {
			if n := f.MustCount(t, `SELECT count(*) FROM bookings`); n != before {
				t.Errorf("%s: a refused booking wrote %d rows", step.name, n-before)
			}
			continue
		}
		if b.Status != step.status {
			t.Errorf("%s: status %s, want %s", step.name, b.Status, step.status)
		}
	}
	var b booking.Booking
	if err := f.db.Get(&b.ID, `SELECT max(id) FROM bookings`); err != nil {
		t.Fatal(err)
	}
	if b, err := f.svc.Booking(ctx, admin, b.ID); err != nil || b.StartsAt.Location().String() != "Asia/Tokyo" {
		t.Errorf("the last booking answers in %v (%v), want the site's new zone", b.StartsAt.Location(), err)
	}
}

// TestBookingCreateFunction calls booking_create directly: it books with
// the current rules version and returns no row, writing nothing, with a
// stale one or when the member may not book.
func TestBookingCreateFunction(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	r := f.MustCreateResource(t, "Workshop", booking.Workshop, booking.Rules{WhoMayBook: booking.Residents})
	var version int64
	if err := f.db.Get(&version, `SELECT rules_version FROM resources WHERE id = $1`, r.ID); err != nil {
		t.Fatal(err)
	}
	create := func(member app.Member, version int64, hour int) int {
		rows, err := f.db.Query(`SELECT * FROM booking_create($1::bigint, $2::bigint, $3::timestamptz, $4::timestamptz, $5::timestamptz, $6::bigint,
			1, 2, $5::timestamptz, $5::timestamptz + interval '7 days')`,
			r.ID, member.ID, f.at(4, hour, 0), f.at(4, hour+1, 0), now, version)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		n := 0
		for rows.Next() {
			n++
		}
		return n
	}
	if n := create(f.resident, version-1, 9); n != 0 {
		t.Errorf("a stale rules version booked %d", n)
	}
	if n := create(f.visitor, version, 10); n != 0 {
		t.Errorf("a visitor booked %d of a residents' workshop", n)
	}
	if n := f.MustCount(t, `SELECT count(*) FROM bookings WHERE resource_id = $1`, r.ID); n != 0 {
		t.Errorf("refusals wrote %d bookings", n)
	}
	if n := create(f.resident, version, 11); n != 1 {
		t.Errorf("the current version booked %d, want 1", n)
	}
	if _, err := f.db.Exec(`INSERT INTO resource_hours (site_id, resource_id, weekday, opens, closes) VALUES ($1, $2, 1, 0, 1440)`,
		f.site.ID, r.ID); err != nil {
		t.Fatal(err)
	}
	if n := create(f.resident, version, 13); n != 0 {
		t.Errorf("after new opening hours the old version booked %d", n)
	}
}

// TestBrokenRulesAnswerWithTheRule checks each rule's code and message, and
// that a refused request writes nothing.
func TestBrokenRulesAnswerWithTheRule(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	weekdays := booking.WeekHours{}
	for d := time.Monday; d <= time.Saturday; d++ {
		weekdays = append(weekdays, booking.Hours{Weekday: d, Opens: 8 * 60, Closes: 22 * 60})
	}
	workshop := f.MustCreateResource(t, "Workshop", booking.Workshop, booking.Rules{
		Hours: weekdays, MinMinutes: 30, MaxMinutes: 180, HorizonDays: 14, WhoMayBook: booking.Residents,
	})
	f.MustBook(t, workshop, f.resident, f.at(5, 9, 0), f.at(5, 10, 0))
	if _, _, err := f.svc.AddBlackout(context.Background(), &app.Principal{Member: f.coordinator, CoordinatorOf: []int64{f.site.ID}},
		workshop.ID, f.at(6, 0, 0), f.at(7, 0, 0), "new floor"); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name       string
		who        app.Member
		start, end time.Time
		code, msg  string
	}{
		{"closing time", f.resident, f.at(4, 21, 0), f.at(4, 22, 30), "outside_opening_hours", "The workshop closes at 22:00."},
		{"opening time", f.resident, f.at(4, 7, 30), f.at(4, 9, 0), "outside_opening_hours", "The workshop opens at 08:00."},
		{"closed day", f.resident, f.at(8, 10, 0), f.at(8, 11, 0), "outside_opening_hours", "The workshop is closed on Sundays."},
		{"too short", f.resident, f.at(4, 10, 0), f.at(4, 10, 15), "too_short", "The workshop must be booked for at least 30 minutes."},
		{"too long", f.resident, f.at(4, 10, 0), f.at(4, 14, 0), "too_long", "The workshop can be booked for at most 3 hours at a time."},
		{"too far ahead", f.resident, f.at(17, 10, 0), f.at(17, 11, 0), "too_far_ahead", "Bookings for the workshop open 14 days ahead: you can book times starting up to Monday 16 March."},
		{"in the past", f.resident, f.at(2, 7, 0), f.at(2, 8, 0), "in_the_past", "That time has passed; choose a time from now on."},
		{"blackout", f.resident, f.at(6, 10, 0), f.at(6, 11, 0), "in_blackout", "The workshop is closed from Fri 6 Mar 00:00 to Sat 7 Mar 00:00 (new floor)."},
		{"visitor", f.visitor, f.at(4, 10, 0), f.at(4, 11, 0), "not_allowed_to_book", "Only residents of Linden Yard may book the workshop."},
		{"ends before starts", f.resident, f.at(4, 11, 0), f.at(4, 10, 0), "ends_before_starts", "The end must come after the start."},
		{"zero length", f.resident, f.at(4, 11, 0), f.at(4, 11, 0), "ends_before_starts", "The end must come after the start."},
		{"absurd length", f.resident, f.at(4, 11, 0), f.at(4, 11, 0).AddDate(1, 0, 0), "too_long", "A booking can last at most 31 days."},
		{"seconds", f.resident, f.at(4, 11, 0).Add(time.Second), f.at(4, 12, 0), "not_whole_minutes", "Give times in whole minutes, like 09:30."},
		{"conflict", f.neighbour, f.at(5, 9, 30), f.at(5, 10, 30), "booking_conflict", "The workshop is already booked at that time."},
	}
	for _, c := range cases {
		_, err := f.book(workshop, c.who, c.start, c.end)
		e, ok := app.AsError(err)
		if !ok {
			t.Errorf("%s: got %v, want %s", c.name, err, c.code)
			continue
		}
		if e.Code != c.code || e.Message != c.msg {
			t.Errorf("%s: got %s %q, want %s %q", c.name, e.Code, e.Message, c.code, c.msg)
		}
	}
	if n := f.MustCount(t, `SELECT count(*) FROM bookings WHERE resource_id = $1`, workshop.ID); n != 1 {
		t.Errorf("bookings written: got %d, want only the first", n)
	}
}

// TestBufferCountsForConflicts: a buffer keeps time free after each
// booking, whichever booking was made first.
func TestBufferCountsForConflicts(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	r := f.MustCreateResource(t, "Car", booking.Car, booking.Rules{BufferMinutes: 30})
	f.MustBook(t, r, f.resident, f.at(4, 10, 0), f.at(4, 12, 0))
	for _, c := range []struct {
		start, end time.Time
		code       string
	}{
		{f.at(4, 12, 0), f.at(4, 13, 0), "booking_conflict"}, // inside the buffer after
		{f.at(4, 9, 0), f.at(4, 9, 45), "booking_conflict"},  // its own buffer runs into the booking
		{f.at(4, 12, 30), f.at(4, 13, 0), ""},                // right after the buffer
		{f.at(4, 8, 0), f.at(4, 9, 30), ""},                  // ends a buffer before
		{f.at(4, 9, 30), f.at(4, 9, 45), "booking_conflict"}, // squeezed between: buffer to 10:15
	} {
		_, err := f.book(r, f.neighbour, c.start, c.end)
		if got := apptest.Code(err); got != c.code {
			t.Errorf("%s–%s: got %q, want %q", c.start.Format("15:04"), c.end.Format("15:04"), got, c.code)
		}
	}
}

// TestOpeningHoursFollowTheSiteAcrossDST: on the day Berlin moves its
// clocks (29 March 2026), 08:00–22:00 is still 08:00–22:00 local, and
// times given with any offset are judged in the site's zone.
func TestOpeningHoursFollowTheSiteAcrossDST(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	var daily booking.WeekHours
	for d := time.Sunday; d <= time.Saturday; d++ {
		daily = append(daily, booking.Hours{Weekday: d, Opens: 8 * 60, Closes: 22 * 60})
	}
	r := f.MustCreateResource(t, "Kitchen", booking.CommonKitchen, booking.Rules{Hours: daily})
	// 20:00–22:00 local on 29 March is 18:00–20:00 UTC (CEST, +02:00).
	b := f.MustBook(t, r, f.resident, time.Date(2026, 3, 29, 18, 0, 0, 0, time.UTC), time.Date(2026, 3, 29, 20, 0, 0, 0, time.UTC))
	if got, want := b.StartsAt.Format(time.RFC3339), "2026-03-29T20:00:00+02:00"; got != want {
		t.Errorf("answer: got %s, want %s", got, want)
	}
	// 21:00–23:00 UTC-04:00 on 28 March is 02:00–04:00 Berlin time.
	ny := time.FixedZone("", -4*3600)
	_, err := f.book(r, f.resident, time.Date(2026, 3, 27, 21, 0, 0, 0, ny), time.Date(2026, 3, 27, 23, 0, 0, 0, ny))
	if got, want := apptest.Code(err), "outside_opening_hours"; got != want {
		t.Errorf("02:00 Berlin given in another offset: got %q, want %q", got, want)
	}
}

// TestLocalTimeRefusesSkippedClock: a wall-clock time that a DST change
// skips is refused rather than silently moved.
func TestLocalTimeRefusesSkippedClock(t *testing.T) {
	t.Parallel()
	loc, _ := time.LoadLocation("America/Los_Angeles")
	if _, err := booking.LocalTime(loc, "2026-03-08", "02:30"); apptest.Code(err) != "nonexistent_local_time" {
		t.Errorf("02:30 on the spring-forward day: got %v", err)
	}
	got, err := booking.LocalTime(loc, "2026-11-01", "09:00")
	if err != nil || got.Format(time.RFC3339) != "2026-11-01T09:00:00-08:00" {
		t.Errorf("09:00 after fall-back: got %v %v", got, err)
	}
	for _, bad := range [][2]string{{"2026-13-01", "09:00"}, {"2026-03-01", "9am"}, {"2026-03-01", "24:00"}} {
		if _, err := booking.LocalTime(loc, bad[0], bad[1]); app.ErrorKind(err) != app.KindUnprocessable {
			t.Errorf("%v: got %v", bad, err)
		}
	}
	if _, err := booking.Location("Mars/Olympus_Mons"); apptest.Code(err) != "unknown_timezone" {
		t.Errorf("unknown zone: got %v", err)
	}
}
