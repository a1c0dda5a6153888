package demo

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"hearth/app"
	"hearth/day"
	"hearth/housing"
)

// seedSites creates the three demo sites, their units, coordinators and
// residents, present and past. Residents today: every unit but E5, H4 and L5.
func seedSites(ctx context.Context, tx *sqlx.Tx, d *demo) error {
	sites := []struct{ key, name, address, tz string }{
		{"elm", "Elm Court", "12 Elm Street, Portland, OR", "America/Los_Angeles"},
		{"harbor", "Harbor House", "3 Quay Road, Halifax, NS", "America/Halifax"},
		{"linden", "Linden Yard", "Lindenstraße 40, Berlin", "Europe/Berlin"},
	}
	treasurer := &app.Principal{Member: d.members["treasurer"]}
	for _, s := range sites {
		site, err := d.svc.Housing.CreateSiteTx(ctx, tx, treasurer, housing.SiteInput{Name: s.name, Address: s.address, Timezone: s.tz})
		if err != nil {
			return err
		}
		d.sites[s.key] = site.ID
	}
	unitList := []struct {
		site, name string
		bedrooms   int
		charge     string
	}{
		{"elm", "E1", 2, "1180.00"},
		{"elm", "E2", 1, "890.00"},
		{"elm", "E3", 3, "1460.00"},
		{"elm", "E4", 2, "1180.00"},
		{"elm", "E5", 1, "890.00"},
		{"harbor", "H1", 2, "1050.00"},
		{"harbor", "H2", 2, "1050.00"},
		{"harbor", "H3", 3, "1320.00"},
		{"harbor", "H4", 1, "780.00"},
		{"linden", "L1", 2, "1240.00"},
		{"linden", "L2", 1, "940.00"},
		{"linden", "L3", 3, "1510.00"},
		{"linden", "L4", 2, "1240.00"},
		{"linden", "L5", 2, "1240.00"},
	}
	units := map[string]int64{} // by name, unique across the demo
	for _, u := range unitList {
		unit, err := d.svc.Housing.CreateUnitTx(ctx, tx, treasurer, d.sites[u.site], housing.UnitInput{Name: u.name, Bedrooms: u.bedrooms, MonthlyCharge: u.charge})
		if err != nil {
			return fmt.Errorf("unit %s: %w", u.name, err)
		}
		units[u.name] = unit.ID
	}
	// A few years of comings and goings, through the same functions a move
	// uses: Ben lived at Linden and Dev at Harbor before both moved to Elm.
	// Liam has never had a home here yet.
	history := []struct {
		unit, member, from, until string
	}{
		{"L5", "ben", "2022-03-01", "2024-09-01"},
		{"H4", "dev", "2022-09-01", "2025-02-01"},
		{"E1", "ada", "2023-04-01", ""},
		{"E2", "ben", "2024-09-01", ""},
		{"E3", "chloe", "2022-06-01", ""},
		{"E4", "dev", "2025-02-01", ""},
		{"H1", "elena", "2023-01-01", ""},
		{"H2", "farid", "2024-05-01", ""},
		{"H3", "grace", "2021-11-01", ""},
		{"L1", "hugo", "2022-03-01", ""},
		{"L2", "ines", "2024-01-01", ""},
		{"L3", "jonas", "2023-08-01", ""},
		{"L4", "kemi", "2025-06-01", ""},
	}
	for _, h := range history {
		from, err := day.Parse(h.from)
		if err != nil {
			return err
		}
		r, err := housing.StartResidencyTx(ctx, tx, housing.NewResidency{UnitID: units[h.unit], MemberID: d.members[h.member].ID, StartsOn: from.Time()})
		if err != nil {
			return fmt.Errorf("residency of %s in %s: %w", h.member, h.unit, err)
		}
		if h.until == "" {
			continue
		}
		until, err := day.Parse(h.until)
		if err != nil {
			return err
		}
		if err := housing.EndResidencyTx(ctx, tx, r.ID, until.Time()); err != nil {
			return err
		}
	}
	coordinators := map[string]string{"elm": "chloe", "harbor": "grace", "linden": "hugo"}
	for site, member := range coordinators {
		if err := d.svc.Housing.AppointCoordinatorTx(ctx, tx, treasurer, d.sites[site], d.members[member].ID); err != nil {
			return err
		}
	}
	return nil
}
