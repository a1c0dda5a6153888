package housing_test

import (
	"context"
	"testing"

	"hearth/app"
	"hearth/app/apptest"
	"hearth/housing"
)

func newService(t *testing.T) *housing.Service {
	t.Helper()
	return &housing.Service{DB: apptest.NewDB(t)}
}

func ptr[T any](v T) *T { return &v }

// treasurer may do everything; the permission tests use other callers.
var treasurer = &app.Principal{Member: app.Member{ID: -1, Role: app.RoleAdmin}}

func TestCreateSite(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc := newService(t)
	site, err := svc.CreateSite(ctx, treasurer, housing.SiteInput{Name: "  Elm Court ", Address: "12 Elm Street", Timezone: "America/Los_Angeles"})
	if err != nil {
		t.Fatalf("CreateSite: %v", err)
	}
	if got, want := site.Name, "Elm Court"; got != want {
		t.Errorf("name = %q, want %q", got, want)
	}
	for _, tc := range []struct {
		name string
		in   housing.SiteInput
		want string
	}{
		{"unknown zone", housing.SiteInput{Name: "Harbor", Timezone: "Mars/Olympus_Mons"}, "unknown_timezone"},
		{"no zone", housing.SiteInput{Name: "Harbor", Timezone: ""}, "unknown_timezone"},
		{"the machine's zone", housing.SiteInput{Name: "Harbor", Timezone: "Local"}, "unknown_timezone"},
		{"path in zone", housing.SiteInput{Name: "Harbor", Timezone: "../../etc/passwd"}, "unknown_timezone"},
		{"blank name", housing.SiteInput{Name: "   ", Timezone: "UTC"}, "invalid_name"},
		{"duplicate name", housing.SiteInput{Name: "Elm Court", Timezone: "UTC"}, "site_name_taken"},
		{"duplicate name in other case", housing.SiteInput{Name: "ELM COURT", Timezone: "UTC"}, "site_name_taken"},
	} {
		_, err := svc.CreateSite(ctx, treasurer, tc.in)
		if got := errorCode(err); got != tc.want {
			t.Errorf("%s: code = %q, want %q", tc.name, got, tc.want)
		}
	}
	sites, err := svc.Sites(ctx, treasurer)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(sites), 1; got != want {
		t.Errorf("sites = %d, want %d: refused sites must not be written", got, want)
	}
}

// TestTimezoneGuardedBySchema checks that the schema refuses an unknown zone
// from writers that bypass the service.
func TestTimezoneGuardedBySchema(t *testing.T) {
	t.Parallel()
	db := apptest.NewDB(t)
	_, err := db.Exec(`INSERT INTO sites (name, timezone) VALUES ('Elm Court', 'Mars/Olympus_Mons')`)
	if got, want := app.PQConstraint(err), "sites_timezone_check"; got != want {
		t.Errorf("constraint = %q (%v), want %q", got, err, want)
	}
}

func TestUpdateSite(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc := newService(t)
	elm, err := svc.CreateSite(ctx, treasurer, housing.SiteInput{Name: "Elm Court", Timezone: "America/Los_Angeles"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateSite(ctx, treasurer, housing.SiteInput{Name: "Harbor House", Timezone: "America/Halifax"}); err != nil {
		t.Fatal(err)
	}
	got, err := svc.UpdateSite(ctx, treasurer, elm.ID, housing.SiteChanges{Address: ptr("12 Elm Street"), Timezone: ptr("America/Vancouver")})
	if err != nil {
		t.Fatalf("UpdateSite: %v", err)
	}
	want := elm
	want.Address, want.Timezone = "12 Elm Street", "America/Vancouver"
	if got != want {
		t.Errorf("updated = %+v, want %+v", got, want)
	}
	if _, err := svc.UpdateSite(ctx, treasurer, elm.ID, housing.SiteChanges{Name: ptr("Harbor House")}); errorCode(err) != "site_name_taken" {
		t.Errorf("renaming to a taken name: err = %v", err)
	}
	if _, err := svc.UpdateSite(ctx, treasurer, elm.ID, housing.SiteChanges{Timezone: ptr("Nowhere/Special")}); errorCode(err) != "unknown_timezone" {
		t.Errorf("unknown zone: err = %v", err)
	}
	if _, err := svc.UpdateSite(ctx, treasurer, 999999, housing.SiteChanges{}); errorCode(err) != "site_not_found" {
		t.Errorf("unknown site: err = %v", err)
	}
	after, err := svc.Site(ctx, treasurer, elm.ID)
	if err != nil {
		t.Fatal(err)
	}
	if after != got {
		t.Errorf("refused updates changed the site: %+v, want %+v", after, got)
	}
}

func TestSiteDetailAndOccupancy(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc := newService(t)
	db := svc.DB
	site := apptest.MustCreateSite(t, db, "Elm Court", "UTC")
	e1 := apptest.MustCreateUnit(t, db, site.ID, "E1", "1180.00")
	e2 := apptest.MustCreateUnit(t, db, site.ID, "E2", "890.00")
	apptest.MustCreateUnit(t, db, site.ID, "E3", "890.00")
	ada := apptest.MustCreateMember(t, db, "Ada", "member")
	ben := apptest.MustCreateMember(t, db, "Ben", "member")
	chloe := apptest.MustCreateMember(t, db, "Chloe", "member")
	apptest.MustMakeCoordinator(t, db, site.ID, chloe.ID)
	apptest.MustAddResidency(t, db, site.ID, e1, ada.ID, "2020-01-01")
	// Ben moves into E2 in the future; an old residency of E2 ended long ago.
	apptest.MustAddResidency(t, db, site.ID, e2, ben.ID, "2999-01-01")
	if _, err := db.Exec(`INSERT INTO residencies (site_id, unit_id, member_id, starts_on, ends_on) VALUES ($1, $2, $3, '2019-01-01', '2019-12-31')`,
		site.ID, e2, chloe.ID); err != nil {
		t.Fatal(err)
	}

	d, err := svc.SiteDetail(ctx, treasurer, site.ID)
	if err != nil {
		t.Fatalf("SiteDetail: %v", err)
	}
	if got, want := len(d.Units), 3; got != want {
		t.Fatalf("units = %d, want %d", got, want)
	}
	if r := d.Units[0].Resident; r == nil || r.Name != "Ada" {
		t.Errorf("E1 resident = %+v, want Ada", r)
	}
	if r, n := d.Units[1].Resident, d.Units[1].Next; r != nil || n == nil || n.Name != "Ben" {
		t.Errorf("E2 resident = %+v, next = %+v; want vacant with Ben next", r, n)
	}
	if got, want := len(d.Coordinators), 1; got != want || d.Coordinators[0].Name != "Chloe" {
		t.Errorf("coordinators = %+v, want Chloe", d.Coordinators)
	}
	sites, err := svc.Sites(ctx, treasurer)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := [2]int{sites[0].Units, sites[0].Occupied}, [2]int{3, 1}; got != want {
		t.Errorf("units, occupied = %v, want %v", got, want)
	}
	if _, err := svc.SiteDetail(ctx, treasurer, 999999); errorCode(err) != "site_not_found" {
		t.Errorf("unknown site: err = %v", err)
	}
}
