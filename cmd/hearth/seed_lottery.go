package main

import (
	"context"

	"github.com/jmoiron/sqlx"
)

// seedLottery adds a peak-allocation lottery to the demo cooperative.
func seedLottery(ctx context.Context, tx *sqlx.Tx, d *demo) error { return nil }
