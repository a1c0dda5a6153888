package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/jmoiron/sqlx"

	"hearth/app"
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

// seedBookings gives each demo site its shared spaces with rules, and about
// a year of bookings by its residents: past history written directly, the
// coming weeks booked through the booking service so that every rule
// holds, plus a recurring laundry slot, pending guest-room requests from
// visitors, a waitlist entry and a maintenance blackout.
func seedBookings(ctx context.Context, tx *sqlx.Tx, d *demo) error {
	svc := &booking.Service{}
	rng := rand.New(rand.NewPCG(2026, 3))
	now := time.Now()
	resources := map[string]booking.Resource{} // by site/name
	for _, dr := range demoResources() {
		var id int64
		if err := tx.GetContext(ctx, &id, `INSERT INTO resources (site_id, name, kind, description, min_minutes, max_minutes,
			horizon_days, weekly_quota_bookings, weekly_quota_minutes, buffer_minutes, approval_required, who_may_book)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
			d.sites[dr.site], dr.name, dr.kind, dr.description, dr.rules.MinMinutes, dr.rules.MaxMinutes, dr.rules.HorizonDays,
			dr.rules.WeeklyQuotaBookings, dr.rules.WeeklyQuotaMinutes, dr.rules.BufferMinutes, dr.rules.ApprovalRequired,
			dr.rules.WhoMayBook); err != nil {
			return err
		}
		for _, h := range dr.rules.Hours {
			if _, err := tx.ExecContext(ctx, `INSERT INTO resource_hours (site_id, resource_id, weekday, opens, closes) VALUES ($1, $2, $3, $4, $5)`,
				d.sites[dr.site], id, int(h.Weekday), int(h.Opens), int(h.Closes)); err != nil {
				return err
			}
		}
		var r booking.Resource
		if err := tx.GetContext(ctx, &r, `
			SELECT r.id, r.site_id, s.timezone, r.buffer_minutes FROM resources r JOIN sites s ON s.id = r.site_id WHERE r.id = $1`, id); err != nil {
			return err
		}
		resources[dr.site+"/"+dr.name] = r
	}

	// The recurring laundry slot: Ada's Tuesday evening wash since ten weeks
	// ago, twenty weeks in all.
	ada := d.members["ada"]
	if err := seedSeries(ctx, tx, resources["elm/Laundry"], ada.ID, "FREQ=WEEKLY;BYDAY=TU;COUNT=20", 10, 19*60); err != nil {
		return err
	}
	if err := seedBookingMoments(ctx, tx, d, svc, resources); err != nil {
		return err
	}

	for _, dr := range demoResources() {
		r := resources[dr.site+"/"+dr.name]
		loc, err := booking.Location(r.Timezone)
		if err != nil {
			return err
		}
		today := time.Date(now.In(loc).Year(), now.In(loc).Month(), now.In(loc).Day(), 0, 0, 0, 0, loc)
		bookers := demoResidents[dr.site]
		if dr.rules.WhoMayBook == booking.Members {
			bookers = append(bookers, "ada", "elena", "hugo") // visitors from the other sites too
		}
		for day := today.AddDate(-1, 0, 0); day.Before(today.AddDate(0, 0, 42)); day = day.AddDate(0, 0, 1) {
			// perWeek bookings a week on average, a little busier at weekends.
			chance := float64(dr.perWeek) / 7
			if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
				chance *= 1.5
			}
			if rng.Float64() >= chance {
				continue
			}
			start, end := dr.makeSlot(day, rng)
			who := d.members[bookers[rng.IntN(len(bookers))]]
			if start.After(now) {
				b, err := seedUpcoming(ctx, tx, svc, r, who.ID, start, end)
				if err != nil {
					return err
				}
				// The coordinator has already approved most coming stays.
				if b != nil && b.Status == booking.Pending {
					if _, err := tx.ExecContext(ctx, `UPDATE bookings SET status = 'confirmed', decided_by = $2, decided_at = now() WHERE id = $1`,
						b.ID, d.members[demoCoordinators[dr.site]].ID); err != nil {
						return err
					}
				}
				continue
			}
			status := booking.Confirmed
			if rng.IntN(20) == 0 {
				status = booking.Cancelled
			}
			if err := seedPast(ctx, tx, r, who.ID, start, end, status, dr.rules.Buffer(), start.AddDate(0, 0, -1-rng.IntN(10))); err != nil {
				return err
			}
		}
	}
	return nil
}

// seedPast writes one booking of the past as it was, skipping it when the
// time was already taken: rules are for bookings made today.
func seedPast(ctx context.Context, tx *sqlx.Tx, r booking.Resource, memberID int64, start, end time.Time, status booking.Status,
	buffer time.Duration, made time.Time) error {
	_, err := tx.ExecContext(ctx, `
		INSERT INTO bookings (site_id, resource_id, member_id, during, blocks, status, created_at, cancelled_by, cancelled_at)
		SELECT $1, $2, $3, tstzrange($4, $5, '[)'), tstzrange($4, $6, '[)'), $7, $8,
		       CASE WHEN $7 = 'cancelled' THEN $3::bigint END, CASE WHEN $7 = 'cancelled' THEN $8::timestamptz + interval '1 day' END
		WHERE NOT EXISTS (SELECT 1 FROM bookings
		                  WHERE site_id = $1 AND resource_id = $2 AND status IN ('pending', 'confirmed', 'offered')
		                    AND blocks && tstzrange($4, $6, '[)'))`,
		r.SiteID, r.ID, memberID, start, end, end.Add(buffer), status, made)
	return err
}

// seedUpcoming books a coming time through the booking service, as a
// member would; a time refused by a rule or a conflict is left out (nil).
func seedUpcoming(ctx context.Context, tx *sqlx.Tx, svc *booking.Service, r booking.Resource, memberID int64, start, end time.Time) (*booking.Booking, error) {
	if _, err := tx.ExecContext(ctx, `SAVEPOINT demo_booking`); err != nil {
		return nil, err
	}
	b, err := svc.Book(ctx, tx, booking.Request{ResourceID: r.ID, MemberID: memberID, StartsAt: start, EndsAt: end})
	if e, ok := app.AsError(err); ok && (e.Kind == app.KindConflict || e.Kind == app.KindUnprocessable) {
		_, err = tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT demo_booking`)
		return nil, err
	}
	if err != nil {
		return nil, err
	}
	_, err = tx.ExecContext(ctx, `RELEASE SAVEPOINT demo_booking`)
	return &b, err
}

// seedSeries writes a weekly series that began weeksAgo weeks ago at the
// local clock time (minutes), one hour and a half each.
func seedSeries(ctx context.Context, tx *sqlx.Tx, r booking.Resource, memberID int64, rule string, weeksAgo, clock int) error {
	loc, err := booking.Location(r.Timezone)
	if err != nil {
		return err
	}
	now := time.Now().In(loc)
	first := time.Date(now.Year(), now.Month(), now.Day()-7*weeksAgo, clock/60, clock%60, 0, 0, loc)
	for first.Weekday() != time.Tuesday {
		first = first.AddDate(0, 0, 1)
	}
	var seriesID int64
	if err := tx.GetContext(ctx, &seriesID, `
		INSERT INTO booking_series (site_id, resource_id, member_id, rrule, first_during, created_at)
		VALUES ($1, $2, $3, $4, tstzrange($5, $6, '[)'), $7) RETURNING id`,
		r.SiteID, r.ID, memberID, rule, first, first.Add(90*time.Minute), first.AddDate(0, 0, -3)); err != nil {
		return err
	}
	for i := range 20 {
		start := time.Date(first.Year(), first.Month(), first.Day()+7*i, clock/60, clock%60, 0, 0, loc)
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO bookings (site_id, resource_id, member_id, during, blocks, status, series_id, created_at)
			VALUES ($1, $2, $3, tstzrange($4, $5, '[)'), tstzrange($4, $5, '[)'), 'confirmed', $6, $7)`,
			r.SiteID, r.ID, memberID, start, start.Add(90*time.Minute), seriesID, first.AddDate(0, 0, -3)); err != nil {
			return fmt.Errorf("series occurrence %d: %w", i, err)
		}
	}
	return nil
}

// seedBookingMoments adds the things a demo should show: visitors' guest
// room requests waiting for approval, a declined one with the
// coordinator's note, a waitlist entry on a taken workshop slot, and a
// maintenance blackout.
func seedBookingMoments(ctx context.Context, tx *sqlx.Tx, d *demo, svc *booking.Service, resources map[string]booking.Resource) error {
	local := func(r booking.Resource, days, hour int) time.Time {
		loc, _ := booking.Location(r.Timezone)
		n := time.Now().In(loc)
		return time.Date(n.Year(), n.Month(), n.Day()+days, hour, 0, 0, 0, loc)
	}
	// Pending: Ada visits Linden Yard, Elena visits Elm Court.
	linden, elm := resources["linden/Guest room"], resources["elm/Guest room"]
	for _, p := range []struct {
		r            booking.Resource
		who          string
		days, nights int
	}{{linden, "ada", 24, 3}, {elm, "elena", 31, 2}} {
		start := local(p.r, p.days, 15)
		end := local(p.r, p.days+p.nights, 11)
		if err := seedPast(ctx, tx, p.r, d.members[p.who].ID, start, end, booking.Pending, p.r.Buffer(), time.Now().AddDate(0, 0, -2)); err != nil {
			return err
		}
	}
	// Declined, with a note: Ben asked for the Elm guest room during the
	// roof repairs.
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO bookings (site_id, resource_id, member_id, during, blocks, status, note, decided_by, decided_at, created_at)
		VALUES ($1, $2, $3, tstzrange($4, $5, '[)'), tstzrange($4, $5, '[)'), 'declined',
		        'Sorry Ben, the roofers sleep there that week.', $6, $7, $7)`,
		elm.SiteID, elm.ID, d.members["ben"].ID, local(elm, 45, 15), local(elm, 47, 11), d.members["chloe"].ID, time.Now().AddDate(0, 0, -1)); err != nil {
		return err
	}
	// A taken workshop slot next Saturday with Dev waiting for it.
	workshop := resources["elm/Workshop"]
	sat := 1
	for local(workshop, sat, 0).Weekday() != time.Saturday {
		sat++
	}
	if _, err := seedUpcoming(ctx, tx, svc, workshop, d.members["ben"].ID, local(workshop, sat, 10), local(workshop, sat, 13)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO waitlist_entries (site_id, resource_id, member_id, wanted)
		SELECT $1, $2, $3, tstzrange($4, $5, '[)')
		WHERE EXISTS (SELECT 1 FROM bookings WHERE resource_id = $2 AND status IN ('pending', 'confirmed')
		              AND blocks && tstzrange($4, $5, '[)'))`,
		workshop.SiteID, workshop.ID, d.members["dev"].ID, local(workshop, sat, 10), local(workshop, sat, 12)); err != nil {
		return err
	}
	// Harbor's workshop closes for a day to replace the dust extractor.
	harbor := resources["harbor/Workshop"]
	from := local(harbor, 9, 8)
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO resource_blackouts (site_id, resource_id, during, reason, created_by) VALUES ($1, $2, tstzrange($3, $4, '[)'), $5, $6)`,
		harbor.SiteID, harbor.ID, from, from.Add(10*time.Hour), "Replacing the dust extractor", d.members["grace"].ID); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `
		UPDATE bookings SET status = 'cancelled', note = 'Cancelled: the space is closed at that time (Replacing the dust extractor).',
		       cancelled_by = $3, cancelled_at = now()
		WHERE resource_id = $1 AND status IN ('pending', 'confirmed') AND during && tstzrange($2::timestamptz, $2::timestamptz + interval '10 hours', '[)')`,
		harbor.ID, from, d.members["grace"].ID)
	return err
}
