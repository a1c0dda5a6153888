package loan_test

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"hearth/app"
	"hearth/finance/loan"
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func terms(principal, rate string, months int) loan.Terms {
	return loan.Terms{Principal: dec(principal), YearlyRatePct: dec(rate), Months: months, Start: date(2027, 1, 1)}
}

// errorCode returns the code of an *app.Error, failing the test for any other error.
func errorCode(t *testing.T, err error) string {
	t.Helper()
	if err == nil {
		return ""
	}
	e, ok := app.AsError(err)
	if !ok {
		t.Fatalf("error %v is not an *app.Error", err)
	}
	if got, want := e.Kind, app.KindUnprocessable; got != want {
		t.Errorf("error %v: kind %q, want %q", err, got, want)
	}
	return e.Code
}

func TestRoundCents(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"0.125", "0.13"}, // half up, where banker's rounding would give 0.12
		{"0.135", "0.14"},
		{"0.1249999", "0.12"},
		{"2.98505", "2.99"},
		{"599.55", "599.55"},
		{"-0.125", "-0.13"}, // away from zero
	} {
		if got, want := loan.RoundCents(dec(tc.in)), dec(tc.want); !got.Equal(want) {
			t.Errorf("RoundCents(%s) = %s, want %s", tc.in, got, want)
		}
	}
}

func TestMonthlyPayment(t *testing.T) {
	for _, tc := range []struct {
		name  string
		terms loan.Terms
		want  string
	}{
		// The textbook figure: 100000·0.005 / (1 − 1.005^−360) = 599.5505…
		{"textbook 30 years at 6%", terms("100000", "6", 360), "599.55"},
		// One month at 1%: the whole principal plus one month's interest, 1000·1.01.
		{"one month", terms("1000", "12", 1), "1010.00"},
		// r = 0.01: 10 / (1 − 1/1.0201) = 10 / 0.0197039…  = 507.5124…
		{"two months at 1% a month", terms("1000", "12", 2), "507.51"},
		// r = 0.01: 10 / (1 − 1/1.030301) = 10 / 0.0294098… = 340.0221…
		{"three months at 1% a month", terms("1000", "12", 3), "340.02"},
		// r = 0.05/12: 10000·r / (1 − (1+r)^−12) = 856.0748…
		{"a year at 5%", terms("10000", "5", 12), "856.07"},
		// 0%: principal / months, 1200 / 12.
		{"zero rate", terms("1200", "0", 12), "100.00"},
		// 0%: 1000 / 3 = 333.333…
		{"zero rate, repeating", terms("1000", "0", 3), "333.33"},
		// 0%: 1 / 8 = 0.125, a tie, rounds half up.
		{"zero rate, tie", terms("1", "0", 8), "0.13"},
		{"invalid terms", terms("0", "6", 360), "0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got, want := loan.MonthlyPayment(tc.terms), dec(tc.want); !got.Equal(want) {
				t.Errorf("MonthlyPayment = %s, want %s", got, want)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		name  string
		terms loan.Terms
		want  string
	}{
		{"valid", terms("100000", "6", 360), ""},
		{"valid at 0%", terms("1", "0", 1), ""},
		{"valid at the limits", terms("0.01", "100", 1200), ""},
		{"zero principal", terms("0", "6", 360), "principal_not_positive"},
		{"negative principal", terms("-100", "6", 360), "principal_not_positive"},
		{"fraction of a cent", terms("100.005", "6", 360), "principal_not_cents"},
		{"zero months", terms("100000", "6", 0), "term_not_positive"},
		{"negative months", terms("100000", "6", -12), "term_not_positive"},
		{"too many months", terms("100000", "6", 1201), "term_too_long"},
		{"negative rate", terms("100000", "-0.5", 360), "rate_negative"},
		{"rate above 100%", terms("100000", "100.01", 360), "rate_too_high"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got, want := errorCode(t, tc.terms.Validate()), tc.want; got != want {
				t.Errorf("Validate() code = %q, want %q", got, want)
			}
			if tc.want == "" {
				return
			}
			_, err := loan.Schedule(tc.terms)
			if got, want := errorCode(t, err), tc.want; got != want {
				t.Errorf("Schedule error code = %q, want %q", got, want)
			}
		})
	}
}

func TestScheduleByHand(t *testing.T) {
	// 1000 at 12% (1% a month) over 3 months, funded on January 31 so that the
	// due dates show the month-end rule. Payment 340.02 (see TestMonthlyPayment).
	//   1: interest 1000.00·0.01 = 10.00,   principal 330.02, balance 669.98
	//   2: interest  669.98·0.01 = 6.6998 → 6.70, principal 333.32, balance 336.66
	//   3: interest  336.66·0.01 = 3.3666 → 3.37, principal 336.66 (all that is left),
	//      payment 340.03, balance 0.00
	tm := loan.Terms{Principal: dec("1000"), YearlyRatePct: dec("12"), Months: 3, Start: date(2027, 1, 31)}
	want := []loan.Installment{
		{Period: 1, Date: date(2027, 2, 28), Payment: dec("340.02"), Interest: dec("10.00"), Principal: dec("330.02"), Balance: dec("669.98")},
		{Period: 2, Date: date(2027, 3, 31), Payment: dec("340.02"), Interest: dec("6.70"), Principal: dec("333.32"), Balance: dec("336.66")},
		{Period: 3, Date: date(2027, 4, 30), Payment: dec("340.03"), Interest: dec("3.37"), Principal: dec("336.66"), Balance: dec("0.00")},
	}
	got, err := loan.Schedule(tm)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("got %d installments, want %d", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Period != w.Period || !g.Date.Equal(w.Date) || !g.Payment.Equal(w.Payment) ||
			!g.Interest.Equal(w.Interest) || !g.Principal.Equal(w.Principal) || !g.Balance.Equal(w.Balance) {
			t.Errorf("installment %d:\n got %+v\nwant %+v", i+1, g, w)
		}
	}
}

func TestScheduleTextbook(t *testing.T) {
	rows, err := loan.Schedule(terms("100000", "6", 360))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(rows), 360; got != want {
		t.Fatalf("got %d installments, want %d", got, want)
	}
	// First month: interest 100000·0.005 = 500.00, principal 599.55 − 500.00 = 99.55.
	first := rows[0]
	if !first.Payment.Equal(dec("599.55")) || !first.Interest.Equal(dec("500.00")) ||
		!first.Principal.Equal(dec("99.55")) || !first.Balance.Equal(dec("99900.45")) ||
		!first.Date.Equal(date(2027, 2, 1)) {
		t.Errorf("first installment = %+v", first)
	}
	// Last month: interest on the balance left is rounded like every other
	// month's, and the payment is that balance plus its interest.
	prev, last := rows[358], rows[359]
	if got, want := last.Interest, loan.RoundCents(prev.Balance.Mul(dec("0.005"))); !got.Equal(want) {
		t.Errorf("last interest = %s, want %s", got, want)
	}
	if got, want := last.Payment, prev.Balance.Add(last.Interest); !got.Equal(want) {
		t.Errorf("last payment = %s, want %s", got, want)
	}
	if got, want := last.Balance.StringFixed(2), "0.00"; got != want {
		t.Errorf("final balance = %s, want %s", got, want)
	}
	if got, want := last.Date, date(2057, 1, 1); !got.Equal(want) {
		t.Errorf("last due date = %s, want %s", got, want)
	}
}

// TestScheduleInvariants checks, for many random terms, that the schedule
// repays exactly the principal and ends at 0.00 without ever borrowing more.
func TestScheduleInvariants(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		tm := loan.Terms{
			Principal:     decimal.New(rapid.Int64Range(1, 1_000_000_000).Draw(t, "cents"), -2),
			YearlyRatePct: decimal.New(rapid.Int64Range(0, 100_000).Draw(t, "rate_thousandths"), -3),
			Months:        rapid.IntRange(1, loan.MaxMonths).Draw(t, "months"),
			Start:         date(2027, time.Month(rapid.IntRange(1, 12).Draw(t, "month")), rapid.IntRange(1, 31).Draw(t, "day")),
		}
		rows, err := loan.Schedule(tm)
		if err != nil {
			t.Fatalf("Schedule(%+v): %v", tm, err)
		}
		if got, want := len(rows), tm.Months; got != want {
			t.Fatalf("got %d installments, want %d", got, want)
		}
		payment := loan.MonthlyPayment(tm)
		sum := decimal.Zero
		balance := tm.Principal
		for i, r := range rows {
			if got, want := r.Period, i+1; got != want {
				t.Fatalf("row %d has period %d", want, got)
			}
			if got, want := r.Payment, r.Interest.Add(r.Principal); !got.Equal(want) {
				t.Fatalf("period %d: payment %s != interest %s + principal %s", r.Period, got, r.Interest, r.Principal)
			}
			if r.Interest.IsNegative() || r.Principal.IsNegative() {
				t.Fatalf("period %d: negative part %+v", r.Period, r)
			}
			if got, want := r.Balance, balance.Sub(r.Principal); !got.Equal(want) {
				t.Fatalf("period %d: balance %s, want %s", r.Period, got, want)
			}
			// Before the last, every installment is the level payment, unless
			// it repaid a loan of a few cents early.
			if i < len(rows)-1 && !r.Payment.Equal(payment) && !(r.Balance.IsZero() && r.Payment.LessThan(payment)) {
				t.Fatalf("period %d: payment %s, want the level %s", r.Period, r.Payment, payment)
			}
			if i > 0 && !r.Date.After(rows[i-1].Date) {
				t.Fatalf("period %d: due %s, not after %s", r.Period, r.Date, rows[i-1].Date)
			}
			balance = r.Balance
			sum = sum.Add(r.Principal)
		}
		if got, want := rows[len(rows)-1].Balance.StringFixed(2), "0.00"; got != want {
			t.Fatalf("final balance %s, want %s", got, want)
		}
		if got, want := sum, tm.Principal; !got.Equal(want) {
			t.Fatalf("principal repaid %s, want %s", got, want)
		}
	})
}

func TestAllocate(t *testing.T) {
	for _, tc := range []struct {
		name                             string
		payment, interestDue, balance    string
		interest, principal, overpayment string
	}{
		{"regular installment", "599.55", "500.00", "100000.00", "500.00", "99.55", "0"},
		{"short of the interest", "400.00", "500.00", "100000.00", "400.00", "0", "0"},
		{"exactly the interest", "500.00", "500.00", "100000.00", "500.00", "0", "0"},
		{"pays off exactly", "610.00", "10.00", "600.00", "10.00", "600.00", "0"},
		{"pays off with some over", "700.00", "10.00", "600.00", "10.00", "600.00", "90.00"},
		{"nothing owed", "50.00", "0", "0", "0", "0", "50.00"},
		{"zero payment", "0", "10.00", "600.00", "0", "0", "0"},
		{"negative payment counts as zero", "-5.00", "10.00", "600.00", "0", "0", "0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			i, p, o := loan.Allocate(dec(tc.payment), dec(tc.interestDue), dec(tc.balance))
			if !i.Equal(dec(tc.interest)) || !p.Equal(dec(tc.principal)) || !o.Equal(dec(tc.overpayment)) {
				t.Errorf("Allocate(%s, %s, %s) = (%s, %s, %s), want (%s, %s, %s)",
					tc.payment, tc.interestDue, tc.balance, i, p, o, tc.interest, tc.principal, tc.overpayment)
			}
		})
	}
}

func TestPayoffQuote(t *testing.T) {
	tm := terms("100000", "6", 360) // funded 2027-01-01, first due 2027-02-01
	for _, tc := range []struct {
		name                    string
		paid                    int
		on                      time.Time
		balance, accrued, total string
		days                    int
	}{
		// Nothing paid, quoted on the funding day: no interest yet.
		{"on the funding day", 0, date(2027, 1, 1), "100000.00", "0.00", "100000.00", 0},
		// 2027 is not a leap year: 365 days at 6% is exactly 6000.00.
		{"a year unpaid", 0, date(2028, 1, 1), "100000.00", "6000.00", "106000.00", 365},
		// After installment 1 (due 2027-02-01) the balance is 99900.45;
		// 15 days: 99900.45·0.06·15/365 = 246.3298… → 246.33.
		{"mid-month after one installment", 1, date(2027, 2, 16), "99900.45", "246.33", "100146.78", 15},
		// On a due date, just after paying it: no interest accrued.
		{"on the due date of the last paid installment", 1, date(2027, 2, 1), "99900.45", "0.00", "99900.45", 0},
		{"all paid", 360, date(2057, 1, 1), "0.00", "0.00", "0.00", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := loan.PayoffQuote(tm, tc.paid, tc.on)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Balance.Equal(dec(tc.balance)) || !got.AccruedInterest.Equal(dec(tc.accrued)) ||
				!got.Total.Equal(dec(tc.total)) || got.Days != tc.days {
				t.Errorf("PayoffQuote = %+v, want balance %s, accrued %s, total %s over %d days",
					got, tc.balance, tc.accrued, tc.total, tc.days)
			}
		})
	}

	for _, tc := range []struct {
		name  string
		terms loan.Terms
		paid  int
		on    time.Time
		want  string
	}{
		{"negative paid periods", tm, -1, date(2027, 3, 1), "paid_periods_out_of_range"},
		{"more paid than scheduled", tm, 361, date(2057, 3, 1), "paid_periods_out_of_range"},
		{"before the funding day", tm, 0, date(2026, 12, 31), "payoff_date_too_early"},
		{"before the last paid due date", tm, 2, date(2027, 2, 28), "payoff_date_too_early"},
		{"invalid terms", terms("100000", "-1", 360), 0, date(2027, 3, 1), "rate_negative"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := loan.PayoffQuote(tc.terms, tc.paid, tc.on)
			if got, want := errorCode(t, err), tc.want; got != want {
				t.Errorf("error code = %q, want %q", got, want)
			}
		})
	}
}
