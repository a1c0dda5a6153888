package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/jmoiron/sqlx"

	"hearth/app"
	"hearth/day"
	"hearth/housing/booking"
)

// demoResource is a shared space of a demo site with its rules.
type demoResource struct {
	site, name  string
	kind        booking.Kind
	description string
	rules       booking.Rules
	// pattern makes its history: how many bookings a week, and their shape.
	perWeek  int
	makeSlot func(day time.Time, rng *rand.Rand) (start, end time.Time)
}

// demoDaily returns the same opening window for every day of the week.
func demoDaily(opens, closes booking.Clock) booking.WeekHours {
	var w booking.WeekHours
	for d := time.Sunday; d <= time.Saturday; d++ {
		w = append(w, booking.Hours{Weekday: d, Opens: opens, Closes: closes})
	}
	return w
}

// demoSlot returns a slot on day starting at a random hour in [from, to) lasting
// one of the given lengths in minutes.
func demoSlot(day time.Time, rng *rand.Rand, from, to int, lengths ...int) (time.Time, time.Time) {
	y, m, d := day.Date()
	start := time.Date(y, m, d, from+rng.IntN(to-from), 30*rng.IntN(2), 0, 0, day.Location())
	return start, start.Add(time.Duration(lengths[rng.IntN(len(lengths))]) * time.Minute)
}

func demoResources() []demoResource {
	var out []demoResource
	for _, site := range []string{"elm", "harbor", "linden"} {
		out = append(out,
			demoResource{site: site, name: "Guest room", kind: booking.GuestRoom,
				description: "Double bed, own shower, towels in the cupboard. Strip the bed when you leave.",
				rules: booking.Rules{MinMinutes: 12 * 60, MaxMinutes: 7 * 24 * 60, HorizonDays: 180, BufferMinutes: 180,
					ApprovalRequired: true, WhoMayBook: booking.Members},
				perWeek: 1, makeSlot: func(day time.Time, rng *rand.Rand) (time.Time, time.Time) {
					y, m, d := day.Date()
					start := time.Date(y, m, d, 15, 0, 0, 0, day.Location())
					return start, time.Date(y, m, d+1+rng.IntN(3), 11, 0, 0, 0, day.Location())
				}},
			demoResource{site: site, name: "Workshop", kind: booking.Workshop,
				description: "Workbench, drill press, hand tools. Sweep up and log any broken tool on the board.",
				rules:       booking.Rules{Hours: demoDaily(8*60, 22*60), MinMinutes: 30, MaxMinutes: 180, HorizonDays: 30, WhoMayBook: booking.Residents},
				perWeek:     3, makeSlot: func(day time.Time, rng *rand.Rand) (time.Time, time.Time) {
					return demoSlot(day, rng, 9, 19, 60, 90, 120, 180)
				}},
			demoResource{site: site, name: "Laundry", kind: booking.Laundry,
				description: "Two washers and a dryer in the basement.",
				rules:       booking.Rules{Hours: demoDaily(7*60, 22*60), MinMinutes: 60, MaxMinutes: 120, WeeklyQuotaBookings: 3, WhoMayBook: booking.Residents},
				perWeek:     6, makeSlot: func(day time.Time, rng *rand.Rand) (time.Time, time.Time) {
					return demoSlot(day, rng, 7, 20, 60, 90, 120)
				}},
			demoResource{site: site, name: "Shared car", kind: booking.Car,
				description: "Electric hatchback, parked in bay 3. Plug it in when you are back.",
				rules: booking.Rules{MaxMinutes: 24 * 60, HorizonDays: 60, WeeklyQuotaMinutes: 12 * 60, BufferMinutes: 30,
					WhoMayBook: booking.Residents},
				perWeek: 3, makeSlot: func(day time.Time, rng *rand.Rand) (time.Time, time.Time) {
					return demoSlot(day, rng, 8, 16, 120, 180, 240, 360)
				}},
			demoResource{site: site, name: "Common kitchen", kind: booking.CommonKitchen,
				description: "Seats twenty. The big pots are in the left cupboard.",
				rules:       booking.Rules{Hours: demoDaily(7*60, booking.EndOfDay), MaxMinutes: 6 * 60, HorizonDays: 90, WhoMayBook: booking.Residents},
				perWeek:     1, makeSlot: func(day time.Time, rng *rand.Rand) (time.Time, time.Time) {
					return demoSlot(day, rng, 16, 19, 180, 240)
				}},
		)
	}
	return out
}

// demoCoordinators coordinate the demo sites (see seedSites).
var demoCoordinators = map[string]string{"elm": "chloe", "harbor": "grace", "linden": "hugo"}

// demoResidents are the residents of each demo site (see seedSites).
var demoResidents = map[string][]string{
	"elm":    {"ada", "ben", "chloe", "dev"},
	"harbor": {"elena", "farid", "grace"},
	"linden": {"hugo", "ines", "jonas", "kemi"},
}

// bookingSeed writes the shared spaces and their bookings through the
// booking service, in the demo's transaction. The service's clock replays
// the past: each booking of the history is made when its member made it,
// days before its time, under the rules of the space, and decided or
// cancelled when that happened.
type bookingSeed struct {
	ctx context.Context
	tx  *sqlx.Tx
	d   *demo
	svc *booking.Service
	at  time.Time // the service's clock
	now time.Time // the real now, where the history ends
}

// seedBookings gives each demo site its shared spaces with rules, and about
// a year of bookings by its residents, all through the booking service:
// the past replayed on its clock, the coming weeks booked now; plus a
// recurring laundry slot, pending guest-room requests from visitors, a
// declined one, a waitlist entry and a maintenance blackout.
func seedBookings(ctx context.Context, tx *sqlx.Tx, d *demo) error {
	s := &bookingSeed{ctx: ctx, tx: tx, d: d, now: time.Now()}
	s.svc = d.svc.Booking
	s.svc.Now = func() time.Time { return s.at }
	defer func() { s.svc.Now = nil }()
	s.at = s.now.AddDate(-1, 0, -14)           // the spaces were there before their history
	resources := map[string]booking.Resource{} // by site/name
	for _, dr := range demoResources() {
		r, err := s.svc.CreateResourceTx(ctx, tx, s.coordinator(dr.site), booking.NewResource{
			SiteID: d.sites[dr.site], Name: dr.name, Kind: dr.kind, Description: dr.description})
		if err != nil {
			return fmt.Errorf("%s: %w", dr.name, err)
		}
		if r, err = s.svc.SetRulesTx(ctx, tx, s.coordinator(dr.site), r.ID, dr.rules); err != nil {
			return fmt.Errorf("%s: rules: %w", dr.name, err)
		}
		resources[dr.site+"/"+dr.name] = r
	}
	// The recurring laundry slot: Ada's Tuesday evening wash since ten weeks
	// ago, twenty weeks in all.
	if err := s.series(resources["elm/Laundry"], "ada", "FREQ=WEEKLY;BYDAY=TU;COUNT=20", 10, 19*60); err != nil {
		return err
	}
	if err := s.moments(resources); err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(2026, 3))
	for _, dr := range demoResources() {
		if err := s.history(dr, resources[dr.site+"/"+dr.name], rng); err != nil {
			return fmt.Errorf("%s: %w", dr.name, err)
		}
	}
	return nil
}

// coordinator is the principal of a demo site's coordinator.
func (s *bookingSeed) coordinator(site string) *app.Principal {
	return &app.Principal{Member: s.d.members[demoCoordinators[site]], CoordinatorOf: []int64{s.d.sites[site]}}
}

// member is the principal of a demo member acting for themself.
func (s *bookingSeed) member(key string) *app.Principal {
	return &app.Principal{Member: s.d.members[key]}
}

// history books a space over the past year and the coming six weeks:
// perWeek bookings a week on average, a little busier at weekends. A
// booking of the past is made one to ten days before its time, and one in
// twenty is cancelled by its member the day after; most coming guest-room
// stays are already approved. A time the rules or another booking refuse
// is left out.
func (s *bookingSeed) history(dr demoResource, r booking.Resource, rng *rand.Rand) error {
	bookers := demoResidents[dr.site]
	if dr.rules.WhoMayBook == booking.Members {
		bookers = append(bookers, "ada", "elena", "hugo") // visitors from the other sites too
	}
	today := day.Of(s.now.In(r.Location())).In(r.Location())
	for d := today.AddDate(-1, 0, 0); d.Before(today.AddDate(0, 0, 42)); d = d.AddDate(0, 0, 1) {
		chance := float64(dr.perWeek) / 7
		if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
			chance *= 1.5
		}
		if rng.Float64() >= chance {
			continue
		}
		start, end := dr.makeSlot(d, rng)
		who := bookers[rng.IntN(len(bookers))]
		s.at = s.now
		cancelled := false
		if start.Before(s.now) {
			cancelled = rng.IntN(20) == 0
			s.at = start.AddDate(0, 0, -1-rng.IntN(10))
		}
		b, err := s.book(r, who, start, end)
		if err != nil {
			return err
		}
		if b == nil {
			continue
		}
		if b.Status == booking.Pending {
			if start.Before(s.now) {
				s.at = s.at.Add(2 * time.Hour) // the coordinator approved the stay soon after
			}
			if _, err := s.svc.ApproveTx(s.ctx, s.tx, s.coordinator(dr.site), b.ID, ""); err != nil {
				return err
			}
		}
		if cancelled {
			s.at = s.at.AddDate(0, 0, 1)
			if _, err := s.svc.CancelTx(s.ctx, s.tx, s.member(who), b.ID, ""); err != nil {
				return err
			}
		}
	}
	return nil
}

// book books a time for a member at the service's clock, as they would; a
// time refused by a rule or a conflict is left out (nil).
func (s *bookingSeed) book(r booking.Resource, who string, start, end time.Time) (*booking.Booking, error) {
	var b booking.Booking
	ok, err := s.try(func() error {
		var err error
		b, err = s.svc.Book(s.ctx, s.tx, booking.Request{ResourceID: r.ID, MemberID: s.d.members[who].ID, StartsAt: start, EndsAt: end})
		return err
	})
	if !ok || err != nil {
		return nil, err
	}
	return &b, nil
}

// try runs fn inside a savepoint: a refusal (a conflict, a broken rule)
// rolls it back and reports false; any other error ends the seed.
func (s *bookingSeed) try(fn func() error) (bool, error) {
	if _, err := s.tx.ExecContext(s.ctx, `SAVEPOINT demo_booking`); err != nil {
		return false, err
	}
	err := fn()
	if e, ok := app.AsError(err); ok && (e.Kind == app.KindConflict || e.Kind == app.KindUnprocessable) {
		_, err = s.tx.ExecContext(s.ctx, `ROLLBACK TO SAVEPOINT demo_booking`)
		return false, err
	}
	if err != nil {
		return false, err
	}
	_, err = s.tx.ExecContext(s.ctx, `RELEASE SAVEPOINT demo_booking`)
	return true, err
}

// series books a weekly series that began weeksAgo weeks ago, on the
// Tuesday at the local clock time (minutes), one hour and a half each, as
// its member booked it three days before the first.
func (s *bookingSeed) series(r booking.Resource, who, rule string, weeksAgo, clock int) error {
	loc := r.Location()
	now := s.now.In(loc)
	first := time.Date(now.Year(), now.Month(), now.Day()-7*weeksAgo, clock/60, clock%60, 0, 0, loc)
	for first.Weekday() != time.Tuesday {
		first = first.AddDate(0, 0, 1)
	}
	s.at = first.AddDate(0, 0, -3)
	_, err := s.svc.CreateSeriesTx(s.ctx, s.tx, s.member(who), booking.SeriesRequest{
		Request: booking.Request{ResourceID: r.ID, MemberID: s.d.members[who].ID, StartsAt: first, EndsAt: first.Add(90 * time.Minute)},
		RRule:   rule, SkipConflicts: true,
	})
	return err
}

// moments adds the things a demo should show: visitors' guest room
// requests waiting for approval, a declined one with the coordinator's
// note, a waitlist entry on a taken workshop slot, and a maintenance
// blackout.
func (s *bookingSeed) moments(resources map[string]booking.Resource) error {
	local := func(r booking.Resource, days, hour int) time.Time {
		n := s.now.In(r.Location())
		return time.Date(n.Year(), n.Month(), n.Day()+days, hour, 0, 0, 0, r.Location())
	}
	// Pending: Ada visits Linden Yard, Elena visits Elm Court; they asked
	// two days ago.
	linden, elm := resources["linden/Guest room"], resources["elm/Guest room"]
	s.at = s.now.AddDate(0, 0, -2)
	for _, p := range []struct {
		r            booking.Resource
		who          string
		days, nights int
	}{{linden, "ada", 24, 3}, {elm, "elena", 31, 2}} {
		if _, err := s.book(p.r, p.who, local(p.r, p.days, 15), local(p.r, p.days+p.nights, 11)); err != nil {
			return err
		}
	}
	// Declined, with a note: Ben asked for the Elm guest room during the
	// roof repairs.
	s.at = s.now.AddDate(0, 0, -1)
	b, err := s.book(elm, "ben", local(elm, 45, 15), local(elm, 47, 11))
	if err != nil {
		return err
	}
	if b != nil {
		if _, err := s.svc.DeclineTx(s.ctx, s.tx, s.coordinator("elm"), b.ID, "Sorry Ben, the roofers sleep there that week."); err != nil {
			return err
		}
	}
	// A taken workshop slot next Saturday with Dev waiting for it.
	s.at = s.now
	workshop := resources["elm/Workshop"]
	sat := 1
	for local(workshop, sat, 0).Weekday() != time.Saturday {
		sat++
	}
	if _, err := s.book(workshop, "ben", local(workshop, sat, 10), local(workshop, sat, 13)); err != nil {
		return err
	}
	if _, err := s.try(func() error {
		_, err := s.svc.JoinWaitlistTx(s.ctx, s.tx, s.member("dev"), booking.Request{ResourceID: workshop.ID, MemberID: s.d.members["dev"].ID,
			StartsAt: local(workshop, sat, 10), EndsAt: local(workshop, sat, 12)})
		return err
	}); err != nil {
		return err
	}
	// Harbor's workshop closes for a day to replace the dust extractor.
	harbor := resources["harbor/Workshop"]
	from := local(harbor, 9, 8)
	_, _, err = s.svc.AddBlackoutTx(s.ctx, s.tx, s.coordinator("harbor"), harbor.ID, from, from.Add(10*time.Hour), "Replacing the dust extractor")
	return err
}
