package main

import (
	"context"

	"github.com/jmoiron/sqlx"
)

// seedEquity adds the equity part of the demo cooperative.
func seedEquity(ctx context.Context, tx *sqlx.Tx, d *demo) error { return nil }
