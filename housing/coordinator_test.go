package housing_test

import (
	"context"
	"testing"

	"hearth/app/apptest"
)

func TestCoordinators(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc := newService(t)
	site := apptest.MustCreateSite(t, svc.DB, "Elm Court", "UTC")
	chloe := apptest.MustCreateMember(t, svc.DB, "Chloe", "member")
	if err := svc.AppointCoordinator(ctx, treasurer, site.ID, chloe.ID); err != nil {
		t.Fatalf("AppointCoordinator: %v", err)
	}
	for _, tc := range []struct {
		name         string
		site, member int64
		want         string
	}{
		{"twice", site.ID, chloe.ID, "already_coordinator"},
		{"unknown member", site.ID, 999999, "member_not_found"},
		{"unknown site", 999999, chloe.ID, "site_not_found"},
	} {
		if got := errorCode(svc.AppointCoordinator(ctx, treasurer, tc.site, tc.member)); got != tc.want {
			t.Errorf("%s: code = %q, want %q", tc.name, got, tc.want)
		}
	}
	d, err := svc.SiteDetail(ctx, treasurer, site.ID)
	if cs := d.Coordinators; err != nil || len(cs) != 1 || cs[0].MemberID != chloe.ID {
		t.Fatalf("Coordinators = %+v, %v", cs, err)
	}
	if err := svc.RemoveCoordinator(ctx, treasurer, site.ID, chloe.ID); err != nil {
		t.Fatalf("RemoveCoordinator: %v", err)
	}
	if got, want := errorCode(svc.RemoveCoordinator(ctx, treasurer, site.ID, chloe.ID)), "not_coordinator"; got != want {
		t.Errorf("removing again: code = %q, want %q", got, want)
	}
}
