package equity_test

import (
	"context"
	"strconv"
	"sync"
	"testing"

	"github.com/jmoiron/sqlx"

	"hearth/app/apptest"
	"hearth/finance/equity"
	"hearth/finance/equity/charges"
	"hearth/finance/equity/loans"
)

// February 2026 at a site of three units (1180, 890, 1460 a month; 10%
// reserves) whose mortgage of 100,000 at 6% over 30 years started on 15
// January: its first installment, due 15 February, is 599.55 (500.00
// interest, 99.55 principal). E1 is lived in all month, E2 from the 15th,
// E3 is empty. Shares cost 50.
func TestMonthlyChargeRun(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "2026-01-15")
	ctx := context.Background()
	site := e.site("Elm Court")
	e1 := e.unit(site, "E1", "1180.00", "0")
	e2 := e.unit(site, "E2", "890.00", "0")
	e.unit(site, "E3", "1460.00", "0")
	ada, ben := e.member("Ada"), e.member("Ben")
	apptest.MustAddResidency(t, e.db, site, e1, ada, "2025-01-01")
	apptest.MustAddResidency(t, e.db, site, e2, ben, "2026-02-15")
	e.policyRate(site, "50", "0", "2026-01-01")
	e.must("mortgage", func(tx *sqlx.Tx) error {
		_, err := e.loans.CreateMortgageTx(ctx, tx, loans.NewMortgage{SiteID: site, Principal: dec("100000.00"), YearlyRatePct: dec("6"),
			Months: 360, IdempotencyKey: "elm-mortgage"})
		return err
	})

	e.setToday("2026-02-27")
	if _, err := e.charges.RunScheduledCharges(ctx, day("2026-02-01")); apptest.Code(err) != "month_not_over" {
		t.Errorf("February before its last day: %v, want month_not_over", err)
	}

	e.setToday("2026-03-01")
	run, err := e.charges.RunScheduledCharges(ctx, day("2026-02-01"))
	if err != nil {
		t.Fatal(err)
	}
	if run.Posted != 2 || run.Skipped != 0 || !run.Total.Equal(dec("1625.00")) || run.Installments != 1 {
		t.Errorf("run: posted %d, skipped %d, total %s, installments %d; want 2, 0, 1625.00 (1180 + 445), 1",
			run.Posted, run.Skipped, run.Total, run.Installments)
	}
	posted, err := e.charges.ChargesOfMonth(ctx, admin, day("2026-02-01"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][7]string{ // days, total, interest, principal, reserves, operating, shares
		"E1": {"28", "1180.00", "167.14", "33.28", "118.00", "861.58", "0.6656"},
		"E2": {"14", "445.00", "63.03", "12.55", "44.50", "324.92", "0.251"},
	}
	if len(posted) != 2 {
		t.Fatalf("%d charges, want 2", len(posted))
	}
	for _, c := range posted {
		w := want[c.UnitName]
		got := [7]string{strconv.Itoa(c.Days), c.Total.StringFixed(2), c.Interest.StringFixed(2), c.Principal.StringFixed(2),
			c.Reserves.StringFixed(2), c.Operating.StringFixed(2), c.Shares.String()}
		if got != w {
			t.Errorf("%s: got %v, want %v", c.UnitName, got, w)
		}
	}
	sa := equity.AccountsOfSite(site)
	for _, c := range []struct {
		code   string
		normal int64
		want   string
	}{
		{sa.Mortgage, -1, "99900.45"},     // 100,000 − 99.55
		{sa.InterestExpense, 1, "500.00"}, // paid to the credit union
		{sa.InterestIncome, -1, "230.17"}, // collected: 167.14 + 63.03
		{sa.SharesEarned, -1, "45.83"},    // 33.28 + 12.55
		{sa.Reserves, -1, "162.50"},       // 118.00 + 44.50
		{sa.Operating, -1, "1186.50"},     // 861.58 + 324.92
		{equity.AccountsOfMember(ada).Receivable, 1, "1180.00"},
		{equity.AccountsOfMember(ben).Receivable, 1, "445.00"},
	} {
		if got := e.balance(c.code, c.normal); !got.Equal(dec(c.want)) {
			t.Errorf("%s = %s, want %s", c.code, got, c.want)
		}
	}

	// Running February again changes nothing and says so.
	entries := e.count(`SELECT count(*) FROM ledger_entries`)
	again, err := e.charges.RunScheduledCharges(ctx, day("2026-02-01"))
	if err != nil {
		t.Fatal(err)
	}
	if again.Posted != 0 || again.Skipped != 2 || again.Installments != 0 {
		t.Errorf("second run: posted %d, skipped %d, installments %d; want 0, 2, 0", again.Posted, again.Skipped, again.Installments)
	}
	if got := e.count(`SELECT count(*) FROM ledger_entries`); got != entries {
		t.Errorf("second run wrote %d entries", got-entries)
	}
	if tb := e.trialBalance(); !tb.IsZero() {
		t.Errorf("trial balance = %s", tb)
	}
	if _, err := charges.ParseMonth("2026-13"); apptest.Code(err) != "invalid_month" {
		t.Errorf("month 13: %v, want invalid_month", err)
	}
}

// Four runs of the same month at once charge each residency once: the
// site's pool is locked while its charges are checked and posted.
func TestConcurrentRunsChargeOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "2025-12-10")
	ctx := context.Background()
	site := e.site("Linden Yard")
	for i := range 6 {
		unit := e.unit(site, "L"+strconv.Itoa(i+1), "1240.00", "0")
		apptest.MustAddResidency(t, e.db, site, unit, e.member("Resident "+strconv.Itoa(i)), "2025-06-01")
	}
	e.policyRate(site, "100", "2", "2022-03-01")
	e.must("mortgage", func(tx *sqlx.Tx) error {
		_, err := e.loans.CreateMortgageTx(ctx, tx, loans.NewMortgage{SiteID: site, Principal: dec("500000"), YearlyRatePct: dec("4.25"), Months: 300, IdempotencyKey: "m"})
		return err
	})
	e.setToday("2026-02-01")
	var wg sync.WaitGroup
	posted := make([]int, 4)
	errs := make([]error, 4)
	for i := range 4 {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			run, err := e.charges.RunScheduledCharges(ctx, day("2026-01-01"))
			posted[i], errs[i] = run.Posted, err
		}(i)
	}
	wg.Wait()
	total := 0
	for i := range 4 {
		if errs[i] != nil {
			t.Errorf("run %d: %v", i, errs[i])
		}
		total += posted[i]
	}
	if total != 6 {
		t.Errorf("the runs posted %v charges, %d in all; want 6 in all", posted, total)
	}
	if n := e.count(`SELECT count(*) FROM unit_charges`); n != 6 {
		t.Errorf("%d charges recorded, want 6", n)
	}
	if n := e.count(`SELECT count(*) FROM loan_installments`); n != 1 {
		t.Errorf("%d mortgage installments posted, want 1", n)
	}
	if got := e.balance(equity.AccountsOfSite(site).Operating, -1).Add(e.balance(equity.AccountsOfSite(site).Reserves, -1)).
		Add(e.balance(equity.AccountsOfSite(site).InterestIncome, -1)).Add(e.balance(equity.AccountsOfSite(site).SharesEarned, -1)).
		Add(e.balance(equity.AccountsOfSite(site).Rounding, -1)); !got.Equal(dec("7440")) {
		t.Errorf("the site was credited %s, want 6 × 1240 = 7440", got)
	}
}
