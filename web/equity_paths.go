package web

import (
	"crypto/rand"
	"encoding/hex"
	"strconv"
)

// Paths of the equity pages, and the idempotency keys of their forms.

func memberEquityPath(id int64) string { return "/equity/members/" + strconv.FormatInt(id, 10) }
func equityPoolPath(id int64) string   { return "/equity/sites/" + strconv.FormatInt(id, 10) }
func equityLoanPath(id int64) string   { return "/equity/loans/" + strconv.FormatInt(id, 10) }

// newFormKey is a fresh idempotency key for a page form, so that posting the
// same form twice (a double click, a reload) does the thing once.
func newFormKey() string {
	b := make([]byte, 12)
	rand.Read(b)
	return hex.EncodeToString(b)
}
