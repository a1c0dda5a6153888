package housing_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"hearth/app"
	"hearth/app/apptest"
	"hearth/housing"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func dayPtr(s string) *time.Time {
	t := day(s)
	return &t
}

// startResidency runs StartResidencyTx in a transaction of its own.
func startResidency(db *sqlx.DB, r housing.NewResidency) (housing.Residency, error) {
	var res housing.Residency
	err := app.InTx(context.Background(), db, func(tx *sqlx.Tx) error {
		var err error
		res, err = housing.StartResidencyTx(context.Background(), tx, r)
		return err
	})
	return res, err
}

func endResidency(db *sqlx.DB, id int64, on time.Time) error {
	return app.InTx(context.Background(), db, func(tx *sqlx.Tx) error {
		return housing.EndResidencyTx(context.Background(), tx, id, on)
	})
}

func errorCode(err error) string {
	if e, ok := app.AsError(err); ok {
		return e.Code
	}
	if err != nil {
		return "internal: " + err.Error()
	}
	return ""
}

func TestResidencyLifecycle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := apptest.NewDB(t)
	site := apptest.MustCreateSite(t, db, "Elm", "America/Los_Angeles")
	unit := apptest.MustCreateUnit(t, db, site.ID, "E1", "1000.00")
	ada := apptest.MustCreateMember(t, db, "Ada", "member")
	ben := apptest.MustCreateMember(t, db, "Ben", "member")

	r, err := startResidency(db, housing.NewResidency{UnitID: unit, MemberID: ada.ID, StartsOn: day("2025-01-01")})
	if err != nil {
		t.Fatalf("StartResidencyTx: %v", err)
	}
	if got, want := r.SiteID, site.ID; got != want {
		t.Errorf("site = %d, want %d", got, want)
	}
	got, err := housing.CurrentResidency(ctx, db, ada.ID, day("2025-06-01"))
	if err != nil {
		t.Fatalf("CurrentResidency: %v", err)
	}
	if got != r {
		t.Errorf("CurrentResidency = %+v, want %+v", got, r)
	}
	if _, err := housing.CurrentResidency(ctx, db, ada.ID, day("2024-12-31")); errorCode(err) != "not_resident" {
		t.Errorf("before the move-in: err = %v, want not_resident", err)
	}

	// Ben cannot move in while Ada lives there, but can from her move-out day.
	_, err = startResidency(db, housing.NewResidency{UnitID: unit, MemberID: ben.ID, StartsOn: day("2025-07-01")})
	if got, want := errorCode(err), "unit_occupied"; got != want {
		t.Errorf("overlap: code = %q, want %q", got, want)
	}
	if err := endResidency(db, r.ID, day("2025-07-01")); err != nil {
		t.Fatalf("EndResidencyTx: %v", err)
	}
	if _, err := startResidency(db, housing.NewResidency{UnitID: unit, MemberID: ben.ID, StartsOn: day("2025-07-01")}); err != nil {
		t.Fatalf("StartResidencyTx on the move-out day: %v", err)
	}
	if _, err := housing.CurrentResidency(ctx, db, ada.ID, day("2025-07-01")); errorCode(err) != "not_resident" {
		t.Errorf("on the move-out day: err = %v, want not_resident", err)
	}
	occupant, err := housing.UnitResidency(ctx, db, unit, day("2025-07-01"))
	if err != nil || occupant.MemberID != ben.ID {
		t.Errorf("UnitResidency = %+v, %v; want Ben's", occupant, err)
	}
	if err := endResidency(db, r.ID, day("2025-08-01")); errorCode(err) != "residency_already_ended" {
		t.Errorf("extending an ended residency: err = %v, want residency_already_ended", err)
	}
}

func TestResidencyRefusals(t *testing.T) {
	t.Parallel()
	db := apptest.NewDB(t)
	site := apptest.MustCreateSite(t, db, "Elm", "America/Los_Angeles")
	e1 := apptest.MustCreateUnit(t, db, site.ID, "E1", "1000.00")
	e2 := apptest.MustCreateUnit(t, db, site.ID, "E2", "1000.00")
	ada := apptest.MustCreateMember(t, db, "Ada", "member")
	first, err := startResidency(db, housing.NewResidency{UnitID: e1, MemberID: ada.ID, StartsOn: day("2025-01-01"), EndsOn: dayPtr("2026-01-01")})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		r    housing.NewResidency
		want string
	}{
		{"ends before it starts", housing.NewResidency{UnitID: e2, MemberID: ada.ID, StartsOn: day("2027-01-01"), EndsOn: dayPtr("2026-12-01")}, "residency_ends_before_start"},
		{"ends the day it starts", housing.NewResidency{UnitID: e2, MemberID: ada.ID, StartsOn: day("2027-01-01"), EndsOn: dayPtr("2027-01-01")}, "residency_ends_before_start"},
		{"member lives elsewhere", housing.NewResidency{UnitID: e2, MemberID: ada.ID, StartsOn: day("2025-12-31")}, "member_already_resident"},
		{"unknown unit", housing.NewResidency{UnitID: 999999, MemberID: ada.ID, StartsOn: day("2027-01-01")}, "unit_not_found"},
		{"unknown member", housing.NewResidency{UnitID: e2, MemberID: 999999, StartsOn: day("2027-01-01")}, "member_not_found"},
	} {
		_, err := startResidency(db, tc.r)
		if got := errorCode(err); got != tc.want {
			t.Errorf("%s: code = %q, want %q", tc.name, got, tc.want)
		}
	}
	if err := endResidency(db, first.ID, day("2024-12-01")); errorCode(err) != "residency_ends_before_start" {
		t.Errorf("ending before the start: err = %v", err)
	}
	if err := endResidency(db, 999999, day("2026-01-01")); errorCode(err) != "residency_not_found" {
		t.Errorf("ending an unknown residency: err = %v", err)
	}
	var n int
	if err := db.Get(&n, `SELECT count(*) FROM residencies`); err != nil || n != 1 {
		t.Errorf("residencies = %d (%v), want 1: refusals must write nothing", n, err)
	}
}

// race runs n placements at once and counts the winners and each error code.
func race(t *testing.T, svc *housing.Service, siteID int64, rs []housing.NewResidency) (wins int, codes map[string]int) {
	t.Helper()
	var wg sync.WaitGroup
	var mu sync.Mutex
	start := make(chan struct{})
	codes = map[string]int{}
	for _, r := range rs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, err := svc.PlaceMember(context.Background(), treasurer, siteID, r)
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				wins++
			} else {
				codes[errorCode(err)]++
			}
		}()
	}
	close(start)
	wg.Wait()
	return wins, codes
}

// TestRacingPlacementsInOneUnit places 20 different members in the same unit
// for overlapping dates at once: the database lets exactly one in.
func TestRacingPlacementsInOneUnit(t *testing.T) {
	t.Parallel()
	svc := newService(t)
	site := apptest.MustCreateSite(t, svc.DB, "Elm Court", "UTC")
	unit := apptest.MustCreateUnit(t, svc.DB, site.ID, "E1", "1000.00")
	var rs []housing.NewResidency
	for i := range 20 {
		m := apptest.MustCreateMember(t, svc.DB, fmt.Sprintf("Member %d", i), "member")
		// Staggered starts, all open-ended: every pair overlaps.
		rs = append(rs, housing.NewResidency{UnitID: unit, MemberID: m.ID, StartsOn: day("2026-01-01").AddDate(0, 0, i)})
	}
	wins, codes := race(t, svc, site.ID, rs)
	if got, want := wins, 1; got != want {
		t.Errorf("winners = %d, want %d (errors %v)", got, want, codes)
	}
	if got, want := codes["unit_occupied"], len(rs)-1; got != want {
		t.Errorf("unit_occupied = %d, want %d (errors %v)", got, want, codes)
	}
	var n int
	if err := svc.DB.Get(&n, `SELECT count(*) FROM residencies WHERE unit_id = $1`, unit); err != nil || n != 1 {
		t.Errorf("residencies of the unit = %d (%v), want 1", n, err)
	}
}

// TestRacingPlacementsOfOneMember places one member in 20 units at once.
func TestRacingPlacementsOfOneMember(t *testing.T) {
	t.Parallel()
	svc := newService(t)
	site := apptest.MustCreateSite(t, svc.DB, "Elm Court", "UTC")
	ada := apptest.MustCreateMember(t, svc.DB, "Ada", "member")
	var rs []housing.NewResidency
	for i := range 20 {
		unit := apptest.MustCreateUnit(t, svc.DB, site.ID, fmt.Sprintf("E%d", i), "1000.00")
		rs = append(rs, housing.NewResidency{UnitID: unit, MemberID: ada.ID, StartsOn: day("2026-01-01"), EndsOn: dayPtr("2027-01-01")})
	}
	wins, codes := race(t, svc, site.ID, rs)
	if got, want := wins, 1; got != want {
		t.Errorf("winners = %d, want %d (errors %v)", got, want, codes)
	}
	if got, want := codes["member_already_resident"], len(rs)-1; got != want {
		t.Errorf("member_already_resident = %d, want %d (errors %v)", got, want, codes)
	}
}

func TestPlaceMemberChecksTheSite(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc := newService(t)
	elm := apptest.MustCreateSite(t, svc.DB, "Elm Court", "UTC")
	harbor := apptest.MustCreateSite(t, svc.DB, "Harbor House", "UTC")
	h1 := apptest.MustCreateUnit(t, svc.DB, harbor.ID, "H1", "1000.00")
	ada := apptest.MustCreateMember(t, svc.DB, "Ada", "member")
	if _, err := svc.PlaceMember(ctx, treasurer, elm.ID, housing.NewResidency{UnitID: h1, MemberID: ada.ID, StartsOn: day("2026-01-01")}); errorCode(err) != "unit_not_found" {
		t.Errorf("placing through another site: err = %v, want unit_not_found", err)
	}
	r, err := svc.PlaceMember(ctx, treasurer, harbor.ID, housing.NewResidency{UnitID: h1, MemberID: ada.ID, StartsOn: day("2026-01-01")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.EndSiteResidency(ctx, treasurer, elm.ID, r.ID, day("2026-06-01")); errorCode(err) != "residency_not_found" {
		t.Errorf("ending through another site: err = %v, want residency_not_found", err)
	}
	ended, err := svc.EndSiteResidency(ctx, treasurer, harbor.ID, r.ID, day("2026-06-01"))
	if err != nil {
		t.Fatal(err)
	}
	if ended.EndsOn == nil || !ended.EndsOn.Equal(day("2026-06-01")) {
		t.Errorf("ends on %v, want 2026-06-01", ended.EndsOn)
	}
	views, err := svc.Residencies(ctx, treasurer, harbor.ID)
	if err != nil || len(views) != 1 || views[0].MemberName != "Ada" || views[0].UnitName != "H1" {
		t.Errorf("Residencies = %+v, %v", views, err)
	}
}
