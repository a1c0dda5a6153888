package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"

	"hearth/app"
	"hearth/housing"
	"hearth/housing/booking"
)

// Booking benchmark sizes: the issue's 16 clients over 20 resources, and a
// resource with 100,000 bookings for the free-time query.
const (
	bookingBenchClients   = 16
	bookingBenchResources = 20
	bookingBenchHistory   = 100_000
	bookingBenchFreeRuns  = 500
)

// benchAdmin sets the benchmark's site and spaces up, as the treasurer would.
var benchAdmin = &app.Principal{Member: app.Member{Role: app.RoleAdmin}}

// benchBooking measures booking creation with 16 concurrent clients over 20
// resources, through the Go API and through HTTP, beside pgbench inserting
// straight into the same table; then the free-time query over a week of a
// resource with 100,000 bookings. HEARTH_BENCH_SECONDS sets the length of
// each run (default 10).
func benchBooking(ctx context.Context, b *benchEnv) error {
	seconds := 10
	if s, err := strconv.Atoi(os.Getenv("HEARTH_BENCH_SECONDS")); err == nil && s > 0 {
		seconds = s
	}
	run := time.Duration(seconds) * time.Second
	svc := b.svc.Booking
	w, err := bookingBenchSetup(ctx, b)
	if err != nil {
		return err
	}
	siteID, resources, members, bookers, tokens := w.siteID, w.resources, w.members, w.bookers, w.tokens

	// Every booking gets a slot of its own: the n-th goes to resource n mod
	// 20, fifteen minutes after the previous one there. Each run starts from
	// its own day so that runs never collide.
	slot := func(base time.Time, n int64) (int64, time.Time, time.Time) {
		start := base.Add(time.Duration(n/bookingBenchResources) * 15 * time.Minute)
		return resources[n%bookingBenchResources], start, start.Add(15 * time.Minute)
	}
	tomorrow := time.Now().Truncate(24 * time.Hour).Add(24 * time.Hour)

	goRate, goFailed, err := bookingBenchRun(ctx, run, func(client int, n int64) error {
		rid, start, end := slot(tomorrow, n)
		_, err := svc.Create(ctx, bookers[client], booking.Request{ResourceID: rid, MemberID: members[client], StartsAt: start, EndsAt: end})
		return err
	})
	if err != nil {
		return err
	}

	server, err := b.serverURL()
	if err != nil {
		return err
	}
	web := newBenchHTTP(server)
	httpBase := tomorrow.AddDate(0, 0, 200)
	httpRate, httpFailed, err := bookingBenchRun(ctx, run, func(client int, n int64) error {
		rid, start, end := slot(httpBase, n)
		_, err := web.do("POST", fmt.Sprintf("/api/v1/resources/%d/bookings", rid), tokens[client],
			`{"starts_at":"`+start.Format(time.RFC3339)+`","ends_at":"`+end.Format(time.RFC3339)+`"}`, http.StatusCreated)
		return err
	})
	if err != nil {
		return err
	}

	// For reference: what the API's sign-in check alone allows, the floor
	// under every HTTP figure.
	meRate, _, err := bookingBenchRun(ctx, run, func(client int, n int64) error {
		_, err := web.do("GET", "/api/v1/me", tokens[client], "", http.StatusOK)
		return err
	})
	if err != nil {
		return err
	}

	rawRate, err := bookingBenchPgbench(ctx, b, seconds, siteID, resources[0], members[0])
	if err != nil {
		return err
	}

	fmt.Fprintf(b.out, "Bookings of 15 minutes, each in a free slot, by %d concurrent clients over %d resources, %ds per run. "+
		"Raw SQL is pgbench inserting the same rows straight into bookings (exclusion constraint included) with %d clients.\n\n",
		bookingBenchClients, bookingBenchResources, seconds, bookingBenchClients)
	fmt.Fprintln(b.out, "| bookings created | per second | failed | goal |")
	fmt.Fprintln(b.out, "| --- | ---: | ---: | --- |")
	fmt.Fprintf(b.out, "| through the Go API (booking.Service.Create) | %.0f | %d | |\n", goRate, goFailed)
	fmt.Fprintf(b.out, "| through HTTP (POST /api/v1/resources/{id}/bookings) | %.0f | %d | at least half the raw rate |\n", httpRate, httpFailed)
	fmt.Fprintf(b.out, "| raw SQL INSERT (pgbench) | %.0f | | |\n", rawRate)
	fmt.Fprintf(b.out, "| for reference: GET /api/v1/me, the sign-in check alone | %.0f | | |\n", meRate)
	fmt.Fprintf(b.out, "| HTTP / raw | %.2f | | ≥ 0.50 |\n", httpRate/rawRate)
	fmt.Fprintf(b.out, "| Go API / raw | %.2f | | |\n\n", goRate/rawRate)

	return bookingBenchFreeTime(ctx, b, svc, siteID)
}

// bookingBenchWorld is the benchmark's site: its resources, and its
// members with their principals and API tokens.
type bookingBenchWorld struct {
	siteID    int64
	resources []int64
	members   []int64
	bookers   []*app.Principal // who books, each for themself
	tokens    []string
}

// bookingBenchSetup makes the benchmark's site, resources and members
// through the services.
func bookingBenchSetup(ctx context.Context, b *benchEnv) (*bookingBenchWorld, error) {
	site, err := b.svc.Housing.CreateSite(ctx, benchAdmin, housing.SiteInput{Name: "Bench Yard", Timezone: "Europe/Berlin"})
	if err != nil {
		return nil, err
	}
	w := &bookingBenchWorld{siteID: site.ID, resources: make([]int64, bookingBenchResources),
		members: make([]int64, bookingBenchClients), bookers: make([]*app.Principal, bookingBenchClients),
		tokens: make([]string, bookingBenchClients)}
	for i := range w.resources {
		r, err := b.svc.Booking.CreateResource(ctx, benchAdmin, booking.NewResource{SiteID: site.ID, Name: fmt.Sprintf("Room %d", i+1), Kind: booking.Other})
		if err != nil {
			return nil, err
		}
		w.resources[i] = r.ID
	}
	for i := range w.members {
		var m app.Member
		err := app.InTx(ctx, b.db, func(tx *sqlx.Tx) error {
			var err error
			m, err = b.svc.Accounts.CreateMemberTx(ctx, tx, app.NewMember{
				Email: fmt.Sprintf("bench%d@hearth.example", i), Password: "bench-password", Name: fmt.Sprintf("Bench %d", i),
			})
			return err
		})
		if err != nil {
			return nil, err
		}
		w.members[i], w.bookers[i] = m.ID, &app.Principal{Member: m}
		if w.tokens[i], err = b.svc.Accounts.IssueToken(ctx, m.ID, "hearth bench"); err != nil {
			return nil, err
		}
	}
	return w, nil
}

// bookingBenchRun runs op from bookingBenchClients goroutines for d and
// returns the successful operations per second and the failures. It stops
// early with the first failure's error if every operation fails.
func bookingBenchRun(ctx context.Context, d time.Duration, op func(client int, n int64) error) (float64, int64, error) {
	var next, done, failed atomic.Int64
	var firstErr error
	var once sync.Once
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	start := time.Now()
	for client := range bookingBenchClients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) && ctx.Err() == nil {
				if err := op(client, next.Add(1)-1); err != nil {
					failed.Add(1)
					once.Do(func() { firstErr = err })
					continue
				}
				done.Add(1)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	if done.Load() == 0 && firstErr != nil {
		return 0, failed.Load(), fmt.Errorf("every booking failed: %w", firstErr)
	}
	return float64(done.Load()) / elapsed.Seconds(), failed.Load(), nil
}

var bookingBenchTPS = regexp.MustCompile(`tps = ([0-9.]+)`)

// bookingBenchPgbench inserts bookings straight into the table with
// pgbench: one INSERT per transaction, each into a slot of its own (a
// sequence numbers the slots), times set far past the other runs'.
func bookingBenchPgbench(ctx context.Context, b *benchEnv, seconds int, siteID, firstResource, memberID int64) (float64, error) {
	if _, err := b.db.ExecContext(ctx, `CREATE SEQUENCE IF NOT EXISTS bench_booking_slots`); err != nil {
		return 0, err
	}
	script := fmt.Sprintf(`\set r random(0, %d)
INSERT INTO bookings (site_id, resource_id, member_id, during, blocks, status)
SELECT %d, %d + :r, %d, tstzrange(t, t + interval '15 minutes', '[)'), tstzrange(t, t + interval '15 minutes', '[)'), 'confirmed'
FROM (SELECT timestamptz '2040-01-01 00:00+00' + nextval('bench_booking_slots') * interval '15 minutes' AS t) s;
`, bookingBenchResources-1, siteID, firstResource, memberID)
	out, err := b.pgbench(ctx, script, "-n", "-M", "prepared", "-c", strconv.Itoa(bookingBenchClients), "-j", "4", "-T", strconv.Itoa(seconds))
	if err != nil {
		return 0, err
	}
	m := bookingBenchTPS.FindStringSubmatch(out)
	if m == nil {
		return 0, fmt.Errorf("pgbench: no tps in %q", out)
	}
	return strconv.ParseFloat(m[1], 64)
}

// bookingBenchFreeTime loads a resource with 100,000 bookings (one and a
// half hours apart, half of them past) and times FreeTime over a week.
func bookingBenchFreeTime(ctx context.Context, b *benchEnv, svc *booking.Service, siteID int64) error {
	r, err := svc.CreateResource(ctx, benchAdmin, booking.NewResource{SiteID: siteID, Name: "Busy room", Kind: booking.Other})
	if err != nil {
		return err
	}
	loaded := time.Now()
	// The history is loaded with one INSERT on purpose: 100,000 bookings
	// through the service would take minutes and measure nothing here, and
	// the exclusion constraint still guards them.
	if _, err := b.db.ExecContext(ctx, `
		INSERT INTO bookings (site_id, resource_id, member_id, during, blocks, status)
		SELECT $1, $2, (SELECT min(id) FROM members),
		       tstzrange(t, t + interval '1 hour', '[)'), tstzrange(t, t + interval '1 hour', '[)'), 'confirmed'
		FROM (SELECT date_trunc('day', now()) + (i - $3 / 2) * interval '90 minutes' AS t
		      FROM generate_series(0, $3 - 1) i) s`, siteID, r.ID, bookingBenchHistory); err != nil {
		return err
	}
	if _, err := b.db.ExecContext(ctx, `ANALYZE bookings`); err != nil {
		return err
	}
	load := time.Since(loaded)
	from := time.Now().AddDate(0, 0, 30)
	to := from.AddDate(0, 0, 7)
	var free []booking.Interval
	times := make([]time.Duration, bookingBenchFreeRuns)
	for i := range times {
		t0 := time.Now()
		if free, err = svc.FreeTime(ctx, &r, from, to); err != nil {
			return err
		}
		times[i] = time.Since(t0)
	}
	slices.Sort(times)
	fmt.Fprintf(b.out, "Free time over one week of a resource with %d bookings (loaded in %s); %d runs, %d free stretches each.\n\n",
		bookingBenchHistory, load.Round(time.Millisecond), bookingBenchFreeRuns, len(free))
	fmt.Fprintln(b.out, "| free-time query | median | p95 | goal |")
	fmt.Fprintln(b.out, "| --- | ---: | ---: | --- |")
	fmt.Fprintf(b.out, "| booking.Service.FreeTime, one week | %s | %s | median < 2 ms |\n",
		times[len(times)/2].Round(time.Microsecond), times[len(times)*95/100].Round(time.Microsecond))
	return nil
}
