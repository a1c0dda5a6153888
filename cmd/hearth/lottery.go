package main

import (
	"errors"
	"io"
)

// runLottery runs `hearth lottery verify ...`.
func runLottery(args []string, stdout io.Writer) error {
	return errors.New("lottery: not available yet")
}
