package main

import "context"

// benchLedger measures the ledger area and prints its figures.
func benchLedger(ctx context.Context, b *benchEnv) error {
	return nil
}
