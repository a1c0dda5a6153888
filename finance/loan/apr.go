package loan

import (
	"math/big"
	"time"

	"github.com/shopspring/decimal"

	"hearth/app"
)

// Frequency is how often a level payment falls due. It is the unit-period of
// Regulation Z Appendix J: the period that occurs most often in a loan whose
// payments are all the same distance apart.
type Frequency string

const (
	Weekly      Frequency = "weekly"
	Semimonthly Frequency = "semimonthly"
	Monthly     Frequency = "monthly"
	Quarterly   Frequency = "quarterly"
)

// MaxPaymentCount bounds APRInput.Count: fifty years of weekly payments.
const MaxPaymentCount = 2600

// unitPeriod holds what Appendix J (b)(5) says about counting one frequency:
// how many unit-periods make a year, how many days one unit-period counts
// when odd days are turned into a fraction, and whether whole months are
// counted first (every month counting 30 days) or plain days.
type unitPeriod struct {
	perYear    int64
	days       int
	monthBased bool
}

var unitPeriods = map[Frequency]unitPeriod{
	Weekly:      {perYear: 52, days: 7},                    // (b)(5)(iv): days / 7
	Semimonthly: {perYear: 24, days: 15, monthBased: true}, // (b)(5)(iii): (30·months + days) / 15
	Monthly:     {perYear: 12, days: 30, monthBased: true}, // (b)(5)(ii): months, then days / 30
	Quarterly:   {perYear: 4, days: 90, monthBased: true},  // (b)(5)(iii): (30·months + days) / 90
}

// APRInput describes a single-advance loan repaid by Count level payments of
// Payment, one every unit-period of Frequency from FirstPaymentDate on. The
// Amount financed is advanced on AdvanceDate, where the term begins. Only
// the calendar dates of the two times count.
type APRInput struct {
	Amount           decimal.Decimal
	Payment          decimal.Decimal
	Count            int
	Frequency        Frequency
	AdvanceDate      time.Time
	FirstPaymentDate time.Time
}

// APR returns the annual percentage rate of the loan, in percent, by the
// actuarial method of Regulation Z (12 CFR 1026) Appendix J: the unit-period
// rate i solving the general equation (b)(8) for one advance and level payments,
//
//	Amount = Σ_{k=0}^{Count−1} Payment / ((1 + f·i)·(1 + i)^(t+k)),
//
// times the unit-periods in a year (52, 24, 12 or 4). The first period is
// counted per (b)(5): weekly, the days from the advance to the first payment
// over 7; monthly, the whole months measured back from the first payment date
// (on the same day of the month, or the month's last day where it is
// shorter, per (b)(3)(iv)) plus the remaining days over 30; semimonthly and
// quarterly, 30 days for each of those whole months plus the remaining days,
// over 15 or 90. t is the whole unit-periods of that count and f the fraction
// left. One date cannot tell a series due on the 30th from one due at each
// month's end, so a first payment on April 30 is taken as the 30th (measured
// back to March 30); on the 31st it is the month's end either way. The rate is found by bisection at 128-bit precision and rounded half
// up to two decimals ("9.69" for 9.69%).
//
// It returns an *app.Error of kind unprocessable with code
// amount_not_positive, payment_not_positive, count_not_positive,
// count_too_large, frequency_unknown, first_payment_not_after_advance, or
// payments_below_amount when the payments do not repay the amount (the rate
// would be negative).
func APR(a APRInput) (decimal.Decimal, error) {
	u, ok := unitPeriods[a.Frequency]
	switch {
	case !a.Amount.IsPositive():
		return decimal.Zero, app.Unprocessable("amount_not_positive", "The amount financed must be more than zero.").OnField("amount")
	case !a.Payment.IsPositive():
		return decimal.Zero, app.Unprocessable("payment_not_positive", "The payment must be more than zero.").OnField("payment")
	case a.Count <= 0:
		return decimal.Zero, app.Unprocessable("count_not_positive", "There must be at least one payment.").OnField("count")
	case a.Count > MaxPaymentCount:
		return decimal.Zero, app.Unprocessable("count_too_large", "There can be at most %d payments.", MaxPaymentCount).OnField("count")
	case !ok:
		return decimal.Zero, app.Unprocessable("frequency_unknown",
			"The payment frequency %q is not one of weekly, semimonthly, monthly or quarterly.", string(a.Frequency)).OnField("frequency")
	case daysBetween(a.AdvanceDate, a.FirstPaymentDate) <= 0:
		return decimal.Zero, app.Unprocessable("first_payment_not_after_advance",
			"The first payment must fall due after the advance date.").OnField("first_payment")
	}
	total := a.Payment.Mul(decimal.NewFromInt(int64(a.Count)))
	switch total.Cmp(a.Amount) {
	case -1:
		return decimal.Zero, app.Unprocessable("payments_below_amount",
			"The payments add up to %s, less than the amount financed of %s.", total.StringFixed(2), a.Amount.StringFixed(2))
	case 0:
		return decimal.Zero, nil
	}

	t, f := firstPeriod(u, a.AdvanceDate, a.FirstPaymentDate)
	amount, payment := bigFloat(a.Amount.Rat()), bigFloat(a.Payment.Rat())
	// The present value falls as the rate rises, so a rate whose value is
	// below the amount bounds the root from above. Rates double from 100% a
	// unit-period; payments that add up to more than the amount always get there.
	lo, hi := newFloat(0), newFloat(1)
	for presentValue(hi, payment, a.Count, t, f).Cmp(amount) > 0 {
		hi.Mul(hi, newFloat(2))
	}
	for range precision {
		mid := newFloat(0).Add(lo, hi)
		mid.Quo(mid, newFloat(2))
		if presentValue(mid, payment, a.Count, t, f).Cmp(amount) > 0 {
			lo = mid
		} else {
			hi = mid
		}
	}
	pct := newFloat(0).Mul(hi, newFloat(float64(u.perYear*100)))
	apr, err := decimal.NewFromString(pct.Text('f', 30))
	if err != nil {
		return decimal.Zero, err
	}
	return apr.Round(2), nil
}

// firstPeriod returns t, the whole unit-periods from the advance to the first
// payment, and f, the fraction of a unit-period left over, counted as
// Appendix J (b)(5) says (see APR).
func firstPeriod(u unitPeriod, advance, first time.Time) (t int64, f *big.Float) {
	days := daysBetween(advance, first)
	if u.monthBased {
		ay, am, _ := advance.Date()
		fy, fm, _ := first.Date()
		months := (fy-ay)*12 + int(fm-am)
		if daysBetween(advance, addMonths(first, -months)) < 0 {
			months--
		}
		days = 30*months + daysBetween(advance, addMonths(first, -months))
	}
	return int64(days / u.days), bigFloat(big.NewRat(int64(days%u.days), int64(u.days)))
}

// precision is the mantissa of the rate search, in bits. Bisection halves the
// bracket once a step, so as many steps leave the rate exact far beyond the
// two decimals shown, even for a bracket widened to rates of 2^64.
const precision = 128

// presentValue is the right side of APR's equation at unit-period rate i:
// payment · v^t · (1 − v^n)/(1 − v) / (1 + f·i) with v = 1/(1+i). i > 0.
func presentValue(i, payment *big.Float, n int, t int64, f *big.Float) *big.Float {
	one := newFloat(1)
	onePlus := newFloat(0).Add(one, i)
	v := newFloat(0).Quo(one, onePlus)
	annuity := newFloat(0).Sub(one, pow(v, int64(n))) // (1 − v^n)
	annuity.Quo(annuity, newFloat(0).Sub(one, v))     // ÷ (1 − v) = Σ v^k, k < n
	odd := newFloat(0).Mul(f, i)
	odd.Add(odd, one)
	pv := newFloat(0).Mul(payment, pow(v, t))
	pv.Mul(pv, annuity)
	return pv.Quo(pv, odd)
}

// pow returns x^n for n ≥ 0 by repeated squaring.
func pow(x *big.Float, n int64) *big.Float {
	result, base := newFloat(1), newFloat(0).Set(x)
	for ; n > 0; n >>= 1 {
		if n&1 == 1 {
			result.Mul(result, base)
		}
		base.Mul(base, base)
	}
	return result
}

func newFloat(x float64) *big.Float {
	return new(big.Float).SetPrec(precision).SetFloat64(x)
}

func bigFloat(r *big.Rat) *big.Float {
	return new(big.Float).SetPrec(precision).SetRat(r)
}
