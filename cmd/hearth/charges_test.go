package main

import (
	"bytes"
	"strings"
	"testing"
)

// The charges command explains a mistake before it touches a database.
func TestChargesCommandErrors(t *testing.T) {
	for _, tc := range []struct{ args, want string }{
		{"", "usage: hearth charges run --month YYYY-MM"},
		{"post --month 2027-01", "usage: hearth charges run --month YYYY-MM"},
		{"run", "missing --month"},
		{"run --month 2027-13", `--month "2027-13": Write the month as YYYY-MM`},
		{"run --month January", `--month "January": Write the month as YYYY-MM`},
		{"run --month 2027-01 extra", `unexpected argument "extra"`},
	} {
		var out bytes.Buffer
		err := runCharges(strings.Fields(tc.args), &out)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want one saying %q", tc.args, err, tc.want)
		}
	}
}
