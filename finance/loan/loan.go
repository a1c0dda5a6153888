// Package loan holds the pure mathematics of the cooperative's fixed-rate
// loans: monthly payment, amortization schedule, payment allocation, payoff
// quotes and the annual percentage rate of Regulation Z. It touches no
// database; callers store what it computes.
//
// Money is decimal.Decimal throughout and is rounded to cents only by
// RoundCents's rule (half away from zero), at the places each doc comment names.
package loan

import (
	"math/big"
	"time"

	"github.com/shopspring/decimal"

	"hearth/app"
)

// Limits on Terms. A century of months and a 100% yearly rate are far past
// any real loan; they exist so that a typo cannot ask for a schedule of a
// million rows.
const (
	MaxMonths     = 1200
	MaxYearlyRate = 100
)

var (
	hundred    = decimal.NewFromInt(100)
	monthsRate = decimal.NewFromInt(1200) // a yearly percent over 12 months and 100 percent
)

// Terms describe a fixed-rate loan repaid in equal monthly installments.
//
// The loan is funded on Start and installment k (1-based) is due k months
// after Start, on the same day of the month; where that month is shorter
// the due date is its last day (a loan started on January 31 is due
// February 28, March 31, April 30, ...). Only Start's calendar date counts.
type Terms struct {
	Principal     decimal.Decimal // amount lent, in whole cents
	YearlyRatePct decimal.Decimal // nominal yearly rate in percent: 6 means 6% a year, 0.5% a month
	Months        int             // number of monthly installments
	Start         time.Time       // the day the loan is funded
}

// Installment is one row of an amortization schedule: Payment is due on Date
// and splits into Interest and Principal; Balance is what is still owed after it.
type Installment struct {
	Period    int
	Date      time.Time
	Payment   decimal.Decimal
	Interest  decimal.Decimal
	Principal decimal.Decimal
	Balance   decimal.Decimal
}

// Payoff is what it takes to close a loan on a given day: the principal still
// owed after the installments paid so far plus the interest accrued since.
type Payoff struct {
	Balance         decimal.Decimal // principal outstanding after the paid installments
	AccruedInterest decimal.Decimal // interest from Since to the quote's day, rounded to the cent
	Total           decimal.Decimal // Balance + AccruedInterest
	Since           time.Time       // due date of the last paid installment, or Start when none is paid
	Days            int             // actual days from Since to the quote's day
}

// RoundCents rounds an amount to whole cents, half away from zero, which
// for the positive amounts of a loan is "half up": 0.125 becomes 0.13 and
// 0.1249 becomes 0.12. It is the only rounding rule this package applies to money.
func RoundCents(d decimal.Decimal) decimal.Decimal {
	return d.Round(2)
}

// ratCents rounds an exact fraction to cents by RoundCents's rule. Quotients
// are kept exact up to this point so that the rounding is decided on the
// true value, not on a value already cut to some number of digits.
func ratCents(num, den decimal.Decimal) decimal.Decimal {
	return num.DivRound(den, 2)
}

// Validate checks the terms. It returns an *app.Error of kind unprocessable
// with one of the codes principal_not_positive, principal_not_cents,
// term_not_positive, term_too_long, rate_negative or rate_too_high.
func (t Terms) Validate() error {
	switch {
	case !t.Principal.IsPositive():
		return app.Unprocessable("principal_not_positive", "The principal must be more than zero.").OnField("principal")
	case !RoundCents(t.Principal).Equal(t.Principal):
		return app.Unprocessable("principal_not_cents", "The principal must be in whole cents, such as 2500.50.").OnField("principal")
	case t.Months <= 0:
		return app.Unprocessable("term_not_positive", "The term must be at least one month.").OnField("months")
	case t.Months > MaxMonths:
		return app.Unprocessable("term_too_long", "The term can be at most %d months.", MaxMonths).OnField("months")
	case t.YearlyRatePct.IsNegative():
		return app.Unprocessable("rate_negative", "The interest rate cannot be negative.").OnField("rate")
	case t.YearlyRatePct.GreaterThan(decimal.NewFromInt(MaxYearlyRate)):
		return app.Unprocessable("rate_too_high", "The interest rate can be at most %d%% a year.", MaxYearlyRate).OnField("rate")
	}
	return nil
}

// MonthlyPayment returns the level monthly payment of an annuity loan,
//
//	payment = P·r / (1 − (1+r)^−n),  r = YearlyRatePct/1200,
//
// computed exactly and rounded once with RoundCents; at a 0% rate it is
// Principal/Months rounded the same way. 100000 at 6% over 360 months pays
// 599.55. It returns zero for terms that fail Validate.
func MonthlyPayment(t Terms) decimal.Decimal {
	if t.Validate() != nil {
		return decimal.Zero
	}
	n := t.Months
	if t.YearlyRatePct.IsZero() {
		return ratCents(t.Principal, decimal.NewFromInt(int64(n)))
	}
	// With r = c/d in integers, (1+r)^n = a^n/d^n where a = d+c, and
	// payment = P·c·a^n / (d·(a^n − d^n)): integers only, so no digit is lost
	// before the single rounding.
	r := new(big.Rat).Quo(t.YearlyRatePct.Rat(), monthsRate.Rat())
	c, d := r.Num(), r.Denom()
	a := new(big.Int).Add(d, c)
	an := new(big.Int).Exp(a, big.NewInt(int64(n)), nil)
	dn := new(big.Int).Exp(d, big.NewInt(int64(n)), nil)
	num := t.Principal.Mul(decimal.NewFromBigInt(new(big.Int).Mul(c, an), 0))
	den := decimal.NewFromBigInt(new(big.Int).Mul(d, new(big.Int).Sub(an, dn)), 0)
	return ratCents(num, den)
}

// Schedule returns the amortization schedule of the terms, one installment
// per month (see Terms for the due dates). Each month's interest is
// Balance·YearlyRatePct/1200 rounded with RoundCents, the principal part is
// the payment less that interest, and the last installment pays whatever
// principal is left, so the final balance is exactly 0.00 and the principal
// parts add up to Principal. (Only for loans of a few cents, where rounding
// the payment up repays them early, does an installment pay less than the
// level payment before the last one.) It returns Validate's errors.
func Schedule(t Terms) ([]Installment, error) {
	if err := t.Validate(); err != nil {
		return nil, err
	}
	payment := MonthlyPayment(t)
	balance := t.Principal
	rows := make([]Installment, 0, t.Months)
	for k := 1; k <= t.Months; k++ {
		interest := monthInterest(balance, t.YearlyRatePct)
		principal := payment.Sub(interest)
		// The last installment takes whatever rounding left. A loan of a few
		// cents can have its payment rounded up enough to be repaid early;
		// the installments after that are 0.00 rather than negative.
		if k == t.Months || principal.GreaterThan(balance) {
			principal = balance
		}
		balance = balance.Sub(principal)
		rows = append(rows, Installment{
			Period:    k,
			Date:      addMonths(t.Start, k),
			Payment:   interest.Add(principal),
			Interest:  interest,
			Principal: principal,
			Balance:   balance,
		})
	}
	return rows, nil
}

// monthInterest is one month of interest on balance, rounded to the cent.
func monthInterest(balance, yearlyPct decimal.Decimal) decimal.Decimal {
	return ratCents(balance.Mul(yearlyPct), monthsRate)
}

// Allocate splits a payment received against a loan: first the interest due,
// then principal up to the balance; whatever is left over is overpayment,
// for the caller to refund or hold. The three parts add up to payment.
// Amounts are taken as given (no rounding); a negative argument counts as zero.
func Allocate(payment, interestDue, balance decimal.Decimal) (interest, principal, overpayment decimal.Decimal) {
	payment = decimal.Max(payment, decimal.Zero)
	interest = decimal.Min(payment, decimal.Max(interestDue, decimal.Zero))
	rest := payment.Sub(interest)
	principal = decimal.Min(rest, decimal.Max(balance, decimal.Zero))
	return interest, principal, rest.Sub(principal)
}

// PayoffQuote returns what closes the loan on the day on, after paidPeriods
// installments of its schedule have been paid: the schedule's balance after
// installment paidPeriods, plus simple interest on that balance from the due
// date of that installment (Start when none is paid) to on, counted
// actual/365 (calendar days over 365, leap years included) and rounded with
// RoundCents. Interest keeps accruing this way past a missed due date.
// Besides Validate's errors it returns unprocessable paid_periods_out_of_range
// when paidPeriods is below zero or above Months, and payoff_date_too_early
// when on is before the date interest runs from.
func PayoffQuote(t Terms, paidPeriods int, on time.Time) (Payoff, error) {
	rows, err := Schedule(t)
	if err != nil {
		return Payoff{}, err
	}
	if paidPeriods < 0 || paidPeriods > t.Months {
		return Payoff{}, app.Unprocessable("paid_periods_out_of_range",
			"The number of paid installments must be between 0 and %d.", t.Months).OnField("paid_periods")
	}
	balance, since := t.Principal, t.Start
	if paidPeriods > 0 {
		balance, since = rows[paidPeriods-1].Balance, rows[paidPeriods-1].Date
	}
	days := daysBetween(since, on)
	if days < 0 {
		return Payoff{}, app.Unprocessable("payoff_date_too_early",
			"A payoff quote must be for %s or later.", since.Format(time.DateOnly)).OnField("on")
	}
	accrued := ratCents(balance.Mul(t.YearlyRatePct).Mul(decimal.NewFromInt(int64(days))), hundred.Mul(decimal.NewFromInt(365)))
	return Payoff{
		Balance:         balance,
		AccruedInterest: accrued,
		Total:           balance.Add(accrued),
		Since:           since,
		Days:            days,
	}, nil
}

// addMonths returns the date n months after d, on d's day of the month or
// the last day of a shorter month. It counts from d every time instead of
// stepping month by month, so that January 31 gives February 28 and then
// March 31, not March 28.
func addMonths(d time.Time, n int) time.Time {
	y, m, day := d.Date()
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, d.Location())
	if last := first.AddDate(0, 1, -1).Day(); day > last {
		day = last
	}
	return time.Date(first.Year(), first.Month(), day, 0, 0, 0, 0, d.Location())
}

// daysBetween counts calendar days from a to b by their dates alone, so that
// clock times and daylight-saving shifts cannot make a day of 23 hours count as none.
func daysBetween(a, b time.Time) int {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	da := time.Date(ay, am, ad, 0, 0, 0, 0, time.UTC)
	db := time.Date(by, bm, bd, 0, 0, 0, 0, time.UTC)
	return int(db.Sub(da).Hours() / 24)
}
