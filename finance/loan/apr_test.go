package loan_test

import (
	"math"
	"testing"
	"time"

	"hearth/finance/loan"
)

func aprInput(amount, payment string, count int, freq loan.Frequency, advance, first time.Time) loan.APRInput {
	return loan.APRInput{
		Amount: dec(amount), Payment: dec(payment), Count: count, Frequency: freq,
		AdvanceDate: advance, FirstPaymentDate: first,
	}
}

func TestAPR(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   loan.APRInput
		want string
	}{
		// Regulation Z (12 CFR 1026) Appendix J (c)(1), the examples for a single
		// advance with or without an odd first period; the unit-period counts
		// t and f follow from (b)(5) as noted.
		{"J (c)(1)(i) monthly, regular first period", // t = 1, f = 0
			aprInput("5000", "230", 24, loan.Monthly, date(1978, 1, 10), date(1978, 2, 10)), "9.69"},
		{"J (c)(1)(ii) monthly, long first period", // Apr 1 back to Mar 1, then 19 days from Feb 10: t = 1, f = 19/30
			aprInput("6000", "200", 36, loan.Monthly, date(1978, 2, 10), date(1978, 4, 1)), "11.82"},
		{"J (c)(1)(iii) semimonthly, short first period", // 6 days: t = 0, f = 6/15
			aprInput("5000", "219.17", 24, loan.Semimonthly, date(1978, 2, 23), date(1978, 3, 1)), "10.34"},
		{"J (c)(1)(iv) quarterly, long first period", // 4 months and 9 days = 129 days: t = 1, f = 39/90
			aprInput("10000", "385", 40, loan.Quarterly, date(1978, 5, 23), date(1978, 10, 1)), "8.97"},
		{"J (c)(1)(v) weekly, long first period", // 32 days: t = 4, f = 4/7
			aprInput("500", "17.60", 30, loan.Weekly, date(1978, 3, 20), date(1978, 4, 21)), "14.96"},

		// Single payments whose rate solves by hand.
		// 1000 = 1010 / (1+i): i = 0.01, ×12.
		{"one month, one payment", aprInput("1000", "1010", 1, loan.Monthly, date(2027, 1, 1), date(2027, 2, 1)), "12.00"},
		// Mar 31 back one month is Feb 28, the funding day: t = 1, f = 0, as above.
		{"month-end first payment", aprInput("1000", "1010", 1, loan.Monthly, date(2027, 2, 28), date(2027, 3, 31)), "12.00"},
		// Feb 1 back one month is Jan 1, before Jan 16: t = 0, f = 16/30.
		// 1000 = 1008 / (1 + 16i/30): i = 0.008·30/16 = 0.015, ×12.
		{"monthly, odd days only", aprInput("1000", "1008", 1, loan.Monthly, date(2027, 1, 16), date(2027, 2, 1)), "18.00"},
		// 20 days: t = 1, f = 5/15. At i = 0.03, (1 + 0.01)(1.03) = 1.0403, ×24.
		{"semimonthly, odd days", aprInput("1000", "1040.30", 1, loan.Semimonthly, date(2027, 1, 1), date(2027, 1, 21)), "72.00"},
		// May 16 back 4 months is Jan 16, then 15 days: 135 days, t = 1, f = 45/90.
		// At i = 0.02, (1 + 0.01)(1.02) = 1.0302, ×4.
		{"quarterly, odd days", aprInput("1000", "1030.20", 1, loan.Quarterly, date(2027, 1, 1), date(2027, 5, 16)), "8.00"},
		// 12 days: t = 1, f = 5/7. At i = 0.07, (1 + 0.05)(1.07) = 1.1235, ×52.
		{"weekly, odd days", aprInput("1000", "1123.50", 1, loan.Weekly, date(2027, 1, 1), date(2027, 1, 13)), "364.00"},

		// The textbook loan's own payments give back its rate: 599.55 is
		// 599.5505 rounded down, so the APR is a hair under 6.
		{"textbook loan", aprInput("100000", "599.55", 360, loan.Monthly, date(2027, 1, 1), date(2027, 2, 1)), "6.00"},
		{"payments equal to the amount", aprInput("1200", "100", 12, loan.Monthly, date(2027, 1, 1), date(2027, 2, 1)), "0.00"},
		// One cent of finance charge over 2600 weeks is 0.0000…% a year.
		{"next to nothing", aprInput("100000", "100000.01", 1, loan.Weekly, date(2027, 1, 1), date(2027, 1, 8)), "0.00"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := loan.APR(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := got.StringFixed(2), tc.want; got != want {
				t.Errorf("APR = %s, want %s", got, want)
			}
		})
	}
}

// TestAPRRegularMonthly checks the API's example against a rate found here
// independently: with no odd period, 5000 = 230·Σ_{k=1..24} (1+i)^−k, solved
// by plain float64 bisection.
func TestAPRRegularMonthly(t *testing.T) {
	presentValue := func(i float64) float64 {
		pv := 0.0
		for k := 1; k <= 24; k++ {
			pv += 230 / math.Pow(1+i, float64(k))
		}
		return pv
	}
	lo, hi := 0.0, 1.0
	for range 200 {
		mid := (lo + hi) / 2
		if presentValue(mid) > 5000 {
			lo = mid
		} else {
			hi = mid
		}
	}
	want := math.Round(lo*12*100*100) / 100 // 9.69: i = 0.0080771…

	got, err := loan.APR(aprInput("5000", "230", 24, loan.Monthly, date(2027, 1, 10), date(2027, 2, 10)))
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := got.Float64(); got != want {
		t.Errorf("APR = %v, want %v", got, want)
	}
	if got, want := got.StringFixed(2), "9.69"; got != want {
		t.Errorf("APR = %s, want %s", got, want)
	}
}

func TestAPRErrors(t *testing.T) {
	jan1, feb1 := date(2027, 1, 1), date(2027, 2, 1)
	for _, tc := range []struct {
		name string
		in   loan.APRInput
		want string
	}{
		{"zero amount", aprInput("0", "230", 24, loan.Monthly, jan1, feb1), "amount_not_positive"},
		{"negative payment", aprInput("5000", "-230", 24, loan.Monthly, jan1, feb1), "payment_not_positive"},
		{"no payments", aprInput("5000", "230", 0, loan.Monthly, jan1, feb1), "count_not_positive"},
		{"too many payments", aprInput("5000", "230", loan.MaxPaymentCount+1, loan.Weekly, jan1, feb1), "count_too_large"},
		{"unknown frequency", aprInput("5000", "230", 24, loan.Frequency("fortnightly"), jan1, feb1), "frequency_unknown"},
		{"first payment on the advance date", aprInput("5000", "230", 24, loan.Monthly, jan1, jan1), "first_payment_not_after_advance"},
		{"first payment before the advance", aprInput("5000", "230", 24, loan.Monthly, feb1, jan1), "first_payment_not_after_advance"},
		{"payments short of the amount", aprInput("5000", "200", 24, loan.Monthly, jan1, feb1), "payments_below_amount"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := loan.APR(tc.in)
			if got, want := errorCode(t, err), tc.want; got != want {
				t.Errorf("error code = %q, want %q", got, want)
			}
		})
	}
}
