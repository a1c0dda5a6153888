package main

import (
	"errors"
	"io"
)

// runCharges runs `hearth charges run --month YYYY-MM`.
func runCharges(args []string, stdout io.Writer) error {
	return errors.New("charges: not available yet")
}
