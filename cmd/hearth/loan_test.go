package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestLoanSchedule(t *testing.T) {
	var out bytes.Buffer
	err := runLoan(strings.Fields("schedule --principal 100000 --rate 6 --months 360 --start 2027-01-01"), &out)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if got, want := len(lines), 1+360; got != want {
		t.Fatalf("got %d lines, want %d", got, want)
	}
	if got, want := lines[0], "period,date,payment,interest,principal,balance"; got != want {
		t.Errorf("header = %q, want %q", got, want)
	}
	// 100000·0.005 = 500.00 interest; 599.55 − 500.00 = 99.55 principal.
	if got, want := lines[1], "1,2027-02-01,599.55,500.00,99.55,99900.45"; got != want {
		t.Errorf("first row = %q, want %q", got, want)
	}
	if got, want := lines[360], "360,2057-01-01,"; !strings.HasPrefix(got, want) {
		t.Errorf("last row = %q, want it to start with %q", got, want)
	}
	if got, want := lines[360], ",0.00"; !strings.HasSuffix(got, want) {
		t.Errorf("last row = %q, want it to end with %q", got, want)
	}
}

func TestLoanScheduleDefaultStart(t *testing.T) {
	var out bytes.Buffer
	if err := runLoan(strings.Fields("schedule --principal 1000 --rate 0 --months 4"), &out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if got, want := len(lines), 5; got != want {
		t.Fatalf("got %d lines, want %d:\n%s", got, want, out.String())
	}
	first := today().AddDate(0, 1, 0).Format("2006-01-02")
	if got := lines[1]; !strings.HasPrefix(got, "1,") || !strings.HasSuffix(got, ",250.00,0.00,250.00,750.00") {
		t.Errorf("first row = %q, want 1,<about %s>,250.00,0.00,250.00,750.00", got, first)
	}
}

func TestLoanAPR(t *testing.T) {
	for _, tc := range []struct{ args, want string }{
		// The API's example, Regulation Z Appendix J (c)(1)(i) moved to 2027.
		{"apr --amount 5000 --payment 230 --count 24 --frequency monthly --advance-date 2027-01-10 --first-payment 2027-02-10", "9.69\n"},
		// Appendix J (c)(1)(v), a long odd first period.
		{"apr --amount 500 --payment 17.60 --count 30 --frequency weekly --advance-date 1978-03-20 --first-payment 1978-04-21", "14.96\n"},
		{"apr --amount=1200 --payment=100 --count=12 --frequency=monthly --advance-date=2027-01-01 --first-payment=2027-02-01", "0.00\n"},
	} {
		var out bytes.Buffer
		if err := runLoan(strings.Fields(tc.args), &out); err != nil {
			t.Errorf("%s: %v", tc.args, err)
			continue
		}
		if got, want := out.String(), tc.want; got != want {
			t.Errorf("%s: printed %q, want %q", tc.args, got, want)
		}
	}
}

func TestLoanErrors(t *testing.T) {
	for _, tc := range []struct{ args, want string }{
		{"", "schedule or apr"},
		{"amortize", `unknown calculation "amortize"`},
		{"schedule --rate 6 --months 360", "missing --principal"},
		{"schedule", "missing --principal, --rate, --months"},
		{"schedule --principal lots --rate 6 --months 360", `--principal "lots" is not a number`},
		// The same parsers as the API and the pages: money.Parse, day.Parse.
		{"schedule --principal 1e3 --rate 6 --months 360", `--principal "1e3" is not a number`},
		{"schedule --principal --5 --rate 6 --months 360", `--principal "--5" is not a number`},
		{"schedule --principal 1000.005 --rate 6 --months 360", `--principal "1000.005": 1000.005 has more than 2 decimal places`},
		{"schedule --principal 1000 --rate 6 --months 12 --start 2027-02-30", `--start "2027-02-30" is not a date`},
		{"schedule --principal 1000 --rate 6 --months 12 --start 2027-2-3", `--start "2027-2-3" is not a date`},
		{"schedule --principal 1000 --rate 6 --months twelve", `invalid value "twelve" for flag -months`},
		{"schedule --principal 1000 --rate 6 --months 12 --start 01/01/2027", `--start "01/01/2027" is not a date`},
		{"schedule --principal 1000 --rate 6 --months 12 --colour red", "flag provided but not defined: -colour"},
		{"schedule --principal 1000 --rate 6 --months 12 extra", `unexpected argument "extra"`},
		{"schedule --principal 0 --rate 6 --months 12", "principal_not_positive"},
		{"schedule --principal 1000 --rate 6 --months 0", "term_not_positive"},
		{"schedule --principal 1000 --rate -1 --months 12", "rate_negative"},
		{"apr --amount 5000 --payment 230 --count 24 --frequency yearly --advance-date 2027-01-10 --first-payment 2027-02-10", "frequency_unknown"},
		{"apr --amount 5000 --payment 230 --count 24 --frequency monthly --advance-date 2027-01-10", "missing --first-payment"},
		{"apr --amount 5000 --payment 200 --count 24 --frequency monthly --advance-date 2027-01-10 --first-payment 2027-02-10", "payments_below_amount"},
	} {
		var out bytes.Buffer
		err := runLoan(strings.Fields(tc.args), &out)
		if err == nil {
			t.Errorf("%q: no error, want one saying %q", tc.args, tc.want)
			continue
		}
		if got := err.Error(); !strings.Contains(got, tc.want) {
			t.Errorf("%q: error %q, want it to say %q", tc.args, got, tc.want)
		}
		if out.Len() != 0 {
			t.Errorf("%q: printed %q on error", tc.args, out.String())
		}
	}
}

func TestLoanHelp(t *testing.T) {
	var out bytes.Buffer
	if err := runLoan([]string{"apr", "-h"}, &out); err != nil {
		t.Fatal(err)
	}
	if got, want := out.String(), "-first-payment"; !strings.Contains(got, want) {
		t.Errorf("help = %q, want it to mention %q", got, want)
	}
}
