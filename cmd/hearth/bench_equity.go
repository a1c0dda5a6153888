package main

import "context"

// benchEquity measures the equity area and prints its figures.
func benchEquity(ctx context.Context, b *benchEnv) error {
	return nil
}
