package housing_test

import (
	"context"
	"testing"

	"hearth/app/apptest"
	"hearth/housing"
)

func TestUnits(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc := newService(t)
	elm := apptest.MustCreateSite(t, svc.DB, "Elm Court", "UTC")
	harbor := apptest.MustCreateSite(t, svc.DB, "Harbor House", "UTC")
	u, err := svc.CreateUnit(ctx, treasurer, elm.ID, housing.UnitInput{Name: "E1", Bedrooms: 2, MonthlyCharge: "1180.5"})
	if err != nil {
		t.Fatalf("CreateUnit: %v", err)
	}
	if got, want := u.MonthlyCharge.StringFixed(2), "1180.50"; got != want {
		t.Errorf("charge = %s, want %s", got, want)
	}
	// The same name at another site is fine.
	if _, err := svc.CreateUnit(ctx, treasurer, harbor.ID, housing.UnitInput{Name: "E1", Bedrooms: 1, MonthlyCharge: "0"}); err != nil {
		t.Errorf("same name at another site: %v", err)
	}
	for _, tc := range []struct {
		name string
		in   housing.UnitInput
		want string
	}{
		{"duplicate name", housing.UnitInput{Name: "E1", Bedrooms: 1, MonthlyCharge: "100.00"}, "unit_name_taken"},
		{"duplicate name in other case", housing.UnitInput{Name: "e1", Bedrooms: 1, MonthlyCharge: "100.00"}, "unit_name_taken"},
		{"negative charge", housing.UnitInput{Name: "E2", Bedrooms: 1, MonthlyCharge: "-1.00"}, "negative_charge"},
		{"fractions of a cent", housing.UnitInput{Name: "E2", Bedrooms: 1, MonthlyCharge: "100.001"}, "too_many_places"},
		{"not a number", housing.UnitInput{Name: "E2", Bedrooms: 1, MonthlyCharge: "lots"}, "invalid_amount"},
		{"absurd charge", housing.UnitInput{Name: "E2", Bedrooms: 1, MonthlyCharge: "1000000000000"}, "amount_too_large"},
		{"negative bedrooms", housing.UnitInput{Name: "E2", Bedrooms: -1, MonthlyCharge: "100"}, "invalid_bedrooms"},
		{"blank name", housing.UnitInput{Name: " ", Bedrooms: 1, MonthlyCharge: "100"}, "invalid_name"},
	} {
		_, err := svc.CreateUnit(ctx, treasurer, elm.ID, tc.in)
		if got := errorCode(err); got != tc.want {
			t.Errorf("%s: code = %q, want %q", tc.name, got, tc.want)
		}
	}
	if _, err := svc.CreateUnit(ctx, treasurer, 999999, housing.UnitInput{Name: "X", MonthlyCharge: "1"}); errorCode(err) != "site_not_found" {
		t.Errorf("unknown site: err = %v", err)
	}
	elmDetail, err := svc.SiteDetail(ctx, treasurer, elm.ID)
	if err != nil {
		t.Fatal(err)
	}
	units := elmDetail.Units
	if got, want := len(units), 1; got != want {
		t.Errorf("units at Elm = %d, want %d", got, want)
	}

	changed, err := svc.UpdateUnit(ctx, treasurer, elm.ID, u.ID, housing.UnitChanges{Bedrooms: ptr(3), MonthlyCharge: ptr("1460.00")})
	if err != nil {
		t.Fatalf("UpdateUnit: %v", err)
	}
	if got, want := changed.Name+" "+changed.MonthlyCharge.StringFixed(2), "E1 1460.00"; got != want || changed.Bedrooms != 3 {
		t.Errorf("updated = %+v", changed)
	}
	if _, err := svc.UpdateUnit(ctx, treasurer, harbor.ID, u.ID, housing.UnitChanges{Bedrooms: ptr(1)}); errorCode(err) != "unit_not_found" {
		t.Errorf("editing a unit through another site: err = %v", err)
	}
	if _, err := svc.UpdateUnit(ctx, treasurer, elm.ID, u.ID, housing.UnitChanges{MonthlyCharge: ptr("-5")}); errorCode(err) != "negative_charge" {
		t.Errorf("negative charge: err = %v", err)
	}
}
