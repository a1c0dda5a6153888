package equity_test

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"hearth/app/apptest"
	"hearth/finance/equity"
	"hearth/finance/equity/charges"
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func decs(ss ...string) []decimal.Decimal {
	out := make([]decimal.Decimal, len(ss))
	for i, s := range ss {
		out[i] = dec(s)
	}
	return out
}

func sameDecimals(got, want []decimal.Decimal) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if !got[i].Equal(want[i]) {
			return false
		}
	}
	return true
}

// (1,500,000 − 1,050,000 − 12,000) / 4,000 = 438,000 / 4,000 = 109.5.
func TestNetAssetValuePriceByHand(t *testing.T) {
	t.Parallel()
	got, ok := equity.NetAssetValuePrice(dec("1500000.00"), dec("1050000.00"), dec("12000.00"), dec("4000"))
	if !ok || !got.Equal(dec("109.5")) {
		t.Errorf("NAV price = %s (%v), want 109.500000", got, ok)
	}
	// 100,000 / 3 shares = 33,333.333333 (rounded to six places).
	got, _ = equity.NetAssetValuePrice(dec("300000.00"), dec("200000.00"), dec("0"), dec("3"))
	if want := dec("33333.333333"); !got.Equal(want) {
		t.Errorf("NAV price = %s, want %s", got, want)
	}
	if _, ok := equity.NetAssetValuePrice(dec("100"), dec("100"), dec("0"), dec("5")); ok {
		t.Error("a site whose debt equals its appraisal has no positive price")
	}
}

// 100 × 1.03^years, where years counts anniversaries of 29 February 2020
// (on 28 February in other years).
func TestLimitedEquityPriceByHand(t *testing.T) {
	t.Parallel()
	base := day("2020-02-29")
	for _, tc := range []struct {
		on    string
		years int
		price string
	}{
		{"2020-02-29", 0, "100"},
		{"2021-02-27", 0, "100"},
		{"2021-02-28", 1, "103"},
		{"2023-02-27", 2, "106.09"},
		{"2023-02-28", 3, "109.2727"},
		{"2024-02-29", 4, "112.550881"},
	} {
		years := equity.WholeYears(base, day(tc.on))
		if years != tc.years {
			t.Errorf("%s: %d whole years, want %d", tc.on, years, tc.years)
		}
		if got := equity.LimitedEquityByRate(dec("100"), dec("3"), years); !got.Equal(dec(tc.price)) {
			t.Errorf("%s: price %s, want %s", tc.on, got, tc.price)
		}
	}
	// 100 × 262.5 / 250 = 105; 100 × 251 / 247 = 101.619433 (rounded half up).
	if got := equity.LimitedEquityByIndex(dec("100"), dec("250"), dec("262.5")); !got.Equal(dec("105")) {
		t.Errorf("index price = %s, want 105", got)
	}
	if got := equity.LimitedEquityByIndex(dec("100"), dec("247"), dec("251")); !got.Equal(dec("101.619433")) {
		t.Errorf("index price = %s, want 101.619433", got)
	}
}

func TestSharesAndValueRounding(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ amount, price, shares, value string }{
		{"1000.00", "100", "10", "1000.00"},
		{"33.28", "50", "0.6656", "33.28"},
		{"1000.00", "3", "333.333333", "1000.00"},    // 999.999999 rounds to 1000.00
		{"1000.01", "50000", "0.0200002", "1000.01"}, // not cut: shown below
		{"100.00", "123456.789", "0.00081", "100.00"},
	} {
		got := equity.SharesFor(dec(tc.amount), dec(tc.price))
		want := dec(tc.shares).Truncate(6)
		if !got.Equal(want) {
			t.Errorf("SharesFor(%s, %s) = %s, want %s", tc.amount, tc.price, got, want)
		}
	}
	// 1000.01 at 50,000 buys 0.020000 shares worth 1000.00: the cent left
	// over goes to the rounding account.
	q := equity.SharesFor(dec("1000.01"), dec("50000"))
	if v := equity.ValueOf(q, dec("50000")); !v.Equal(dec("1000.00")) {
		t.Errorf("value of %s shares at 50000 = %s, want 1000.00", q, v)
	}
	if got := equity.RoundMoney(dec("0.125")); !got.Equal(dec("0.13")) {
		t.Errorf("RoundMoney(0.125) = %s, want 0.13 (half away from zero)", got)
	}
}

func TestSplitCentsByLargestRemainder(t *testing.T) {
	t.Parallel()
	// 1500 by 1180:890:1460 is 501.4164, 378.1869, 620.3966: the two cents
	// left after cutting go to the second and third.
	if got, want := equity.SplitCents(dec("1500.00"), decs("1180", "890", "1460")), decs("501.41", "378.19", "620.40"); !sameDecimals(got, want) {
		t.Errorf("split = %v, want %v", got, want)
	}
	if got, want := equity.SplitCents(dec("0.02"), decs("1", "1", "1")), decs("0.01", "0.01", "0"); !sameDecimals(got, want) {
		t.Errorf("ties go to the earlier part: %v, want %v", got, want)
	}
	if got, want := equity.SplitCents(dec("10.00"), decs("0", "0")), decs("0", "0"); !sameDecimals(got, want) {
		t.Errorf("zero weights: %v, want %v", got, want)
	}
}

// The carrying charges of three units (1180, 890, 1460 a month; 10%
// reserves) under an installment of 500.00 interest and 99.55 principal.
func TestChargeSplitByHand(t *testing.T) {
	t.Parallel()
	units := []charges.UnitWeight{
		{UnitID: 1, Name: "E1", MonthlyCharge: dec("1180.00")},
		{UnitID: 2, Name: "E2", MonthlyCharge: dec("890.00")},
		{UnitID: 3, Name: "E3", MonthlyCharge: dec("1460.00")},
	}
	splits, err := charges.SplitSiteCharges(units, dec("500.00"), dec("99.55"), dec("10"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64][5]string{ // total, interest, principal, reserves, operating
		1: {"1180.00", "167.14", "33.28", "118.00", "861.58"},
		2: {"890.00", "126.06", "25.10", "89.00", "649.84"},
		3: {"1460.00", "206.80", "41.17", "146.00", "1066.03"},
	}
	for id, w := range want {
		s := splits[id]
		got := []decimal.Decimal{s.Total, s.Interest, s.Principal, s.Reserves, s.Operating}
		if !sameDecimals(got, decs(w[:]...)) {
			t.Errorf("unit %d: got %v, want %v", id, got, w)
		}
	}
	// Half of February for E2: 890 × 14/28 = 445.00, split like the month.
	half := charges.Prorate(splits[2], 14, 28)
	if got, want := []decimal.Decimal{half.Total, half.Interest, half.Principal, half.Reserves, half.Operating},
		decs("445.00", "63.03", "12.55", "44.50", "324.92"); !sameDecimals(got, want) {
		t.Errorf("prorated: got %v, want %v", got, want)
	}
	// 17 of 31 days of 1180 (412.17 interest, 180.40 principal, 118.00
	// reserves, 469.43 operating): 647.0967… rounds to 647.10; each part cut
	// to the cent leaves four cents, one for each part.
	p := charges.Prorate(charges.ChargeSplit{Total: dec("1180.00"), Interest: dec("412.17"), Principal: dec("180.40"),
		Reserves: dec("118.00"), Operating: dec("469.43")}, 17, 31)
	if got, want := []decimal.Decimal{p.Total, p.Interest, p.Principal, p.Reserves, p.Operating},
		decs("647.10", "226.03", "98.93", "64.71", "257.43"); !sameDecimals(got, want) {
		t.Errorf("prorated 17/31: got %v, want %v", got, want)
	}

	// A charge below its share of the mortgage is refused.
	if _, err := charges.SplitSiteCharges(units, dec("4000.00"), dec("0"), dec("10")); apptest.Code(err) != "charge_too_low" {
		t.Errorf("charge below the mortgage: got %v, want charge_too_low", err)
	}
}
