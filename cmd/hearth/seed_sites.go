package main

import (
	"context"

	"github.com/jmoiron/sqlx"
)

// seedSites creates the three demo sites, their units, coordinators and
// residents. The housing area extends it with resources and rules.
func seedSites(ctx context.Context, tx *sqlx.Tx, d *demo) error {
	sites := []struct{ key, name, address, tz string }{
		{"elm", "Elm Court", "12 Elm Street, Portland, OR", "America/Los_Angeles"},
		{"harbor", "Harbor House", "3 Quay Road, Halifax, NS", "America/Halifax"},
		{"linden", "Linden Yard", "Lindenstraße 40, Berlin", "Europe/Berlin"},
	}
	for _, s := range sites {
		var id int64
		if err := tx.GetContext(ctx, &id, `INSERT INTO sites (name, address, timezone) VALUES ($1, $2, $3) RETURNING id`,
			s.name, s.address, s.tz); err != nil {
			return err
		}
		d.sites[s.key] = id
	}
	units := []struct {
		site, name string
		bedrooms   int
		charge     string
		resident   string
		since      string
	}{
		{"elm", "E1", 2, "1180.00", "ada", "2023-04-01"},
		{"elm", "E2", 1, "890.00", "ben", "2024-09-01"},
		{"elm", "E3", 3, "1460.00", "chloe", "2022-06-01"},
		{"elm", "E4", 2, "1180.00", "dev", "2025-02-01"},
		{"elm", "E5", 1, "890.00", "", ""},
		{"harbor", "H1", 2, "1050.00", "elena", "2023-01-01"},
		{"harbor", "H2", 2, "1050.00", "farid", "2024-05-01"},
		{"harbor", "H3", 3, "1320.00", "grace", "2021-11-01"},
		{"harbor", "H4", 1, "780.00", "", ""},
		{"linden", "L1", 2, "1240.00", "hugo", "2022-03-01"},
		{"linden", "L2", 1, "940.00", "ines", "2024-01-01"},
		{"linden", "L3", 3, "1510.00", "jonas", "2023-08-01"},
		{"linden", "L4", 2, "1240.00", "kemi", "2025-06-01"},
		{"linden", "L5", 2, "1240.00", "", ""},
	}
	for _, u := range units {
		var id int64
		if err := tx.GetContext(ctx, &id, `INSERT INTO units (site_id, name, bedrooms, monthly_charge) VALUES ($1, $2, $3, $4) RETURNING id`,
			d.sites[u.site], u.name, u.bedrooms, u.charge); err != nil {
			return err
		}
		if u.resident == "" {
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO residencies (site_id, unit_id, member_id, starts_on) VALUES ($1, $2, $3, $4)`,
			d.sites[u.site], id, d.members[u.resident].ID, u.since); err != nil {
			return err
		}
	}
	coordinators := map[string]string{"elm": "chloe", "harbor": "grace", "linden": "hugo"}
	for site, member := range coordinators {
		if _, err := tx.ExecContext(ctx, `INSERT INTO site_coordinators (site_id, member_id) VALUES ($1, $2)`,
			d.sites[site], d.members[member].ID); err != nil {
			return err
		}
	}
	return nil
}
