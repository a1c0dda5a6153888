package main

import (
	"context"

	"github.com/jmoiron/sqlx"
)

// seedLedger adds the ledger part of the demo cooperative.
func seedLedger(ctx context.Context, tx *sqlx.Tx, d *demo) error { return nil }
