package main

import (
	"context"

	"github.com/jmoiron/sqlx"
)

// seedBookings adds the bookings part of the demo cooperative.
func seedBookings(ctx context.Context, tx *sqlx.Tx, d *demo) error { return nil }
