package equity

import (
	"sort"

	"github.com/shopspring/decimal"

	"hearth/app"
	"hearth/finance/loan"
)

// The rounding rules of equity. Each is one named function, and nothing else
// in the package rounds.
//
//   - Money is rounded to the cent half away from zero (RoundMoney, the rule
//     of finance/loan): 0.125 becomes 0.13.
//   - Prices are rounded to 6 decimal places, half away from zero (RoundPrice).
//   - A share quantity bought for an amount is the amount over the price cut
//     down to 6 places (SharesFor): a member never gets a fraction of a
//     millionth of a share more than they paid for.
//   - The value of shares is quantity × price rounded as money (ValueOf).
//     What an amount paid and the value of the shares it bought differ by
//     (never negative, at most a cent or so) goes to the site's rounding
//     account, so that the books balance to the cent.
//   - Splitting an amount into parts by weights gives each part its share cut
//     down to the cent and hands the cents left over, one each, to the parts
//     with the largest remainders (ties to the earlier part): SplitCents.
const (
	MoneyPlaces    = 2
	PricePlaces    = 6
	QuantityPlaces = 6
)

var (
	hundred = decimal.NewFromInt(100)
	cent    = decimal.New(1, -MoneyPlaces)
)

// RoundMoney rounds an amount to the cent, half away from zero.
func RoundMoney(d decimal.Decimal) decimal.Decimal { return loan.RoundCents(d) }

// RoundPrice rounds a share price to 6 decimal places, half away from zero.
func RoundPrice(d decimal.Decimal) decimal.Decimal { return d.Round(PricePlaces) }

// SharesFor returns how many shares an amount buys at a price: amount/price
// cut down (toward zero) to 6 decimal places, computed exactly. The price
// must be positive.
func SharesFor(amount, price decimal.Decimal) decimal.Decimal {
	q, _ := amount.QuoRem(price, QuantityPlaces)
	return q
}

// ValueOf returns what a quantity of shares is worth at a price, rounded as
// money.
func ValueOf(quantity, price decimal.Decimal) decimal.Decimal {
	return RoundMoney(quantity.Mul(price))
}

// IsCents reports whether d has no more than two decimal places.
func IsCents(d decimal.Decimal) bool { return d.Equal(d.Truncate(MoneyPlaces)) }

// CheckMoney refuses a negative amount or one finer than a cent. Errors:
// amount_negative, amount_not_cents (422), on the field given.
func CheckMoney(field string, d decimal.Decimal) error {
	if d.IsNegative() {
		return app.Unprocessable("amount_negative", "The amount cannot be negative.").OnField(field)
	}
	if !IsCents(d) {
		return app.Unprocessable("amount_not_cents", "Amounts are in whole cents, such as 2500.50.").OnField(field)
	}
	return nil
}

// SplitCents splits a non-negative amount in cents into parts proportional
// to non-negative weights, by largest remainder: each part first gets its
// exact share cut down to the cent, then the cents left over go one each to
// the parts with the largest cut-off remainders, ties to the earlier part.
// The parts add up to total exactly. When every weight is zero, every part is
// zero (and the total is not distributed: callers check this case).
func SplitCents(total decimal.Decimal, weights []decimal.Decimal) []decimal.Decimal {
	parts := make([]decimal.Decimal, len(weights))
	sum := decimal.Zero
	for _, w := range weights {
		sum = sum.Add(w)
	}
	if !sum.IsPositive() {
		for i := range parts {
			parts[i] = decimal.Zero
		}
		return parts
	}
	type rest struct {
		i int
		r decimal.Decimal
	}
	rests := make([]rest, len(weights))
	given := decimal.Zero
	for i, w := range weights {
		// total·w/sum in cents: the quotient cut down and the exact remainder.
		q, r := total.Mul(w).QuoRem(sum, MoneyPlaces)
		parts[i] = q
		given = given.Add(q)
		rests[i] = rest{i, r}
	}
	sort.SliceStable(rests, func(a, b int) bool { return rests[a].r.GreaterThan(rests[b].r) })
	left := total.Sub(given).Div(cent).IntPart()
	for k := int64(0); k < left; k++ {
		parts[rests[k].i] = parts[rests[k].i].Add(cent)
	}
	return parts
}
