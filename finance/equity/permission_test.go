package equity_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"hearth/app"
	"hearth/app/apptest"
	"hearth/finance/equity"
	"hearth/finance/equity/loans"
)

// The people of the permission table: the treasurer, a coordinator and a
// resident of site A, a member who holds shares at A but lives nowhere
// now, and a resident and a coordinator of site B.
const (
	treasurer = iota
	coordinatorA
	residentA
	holderA
	residentB
	coordinatorB
	roles
)

var roleNames = [roles]string{"treasurer", "coordinator of A", "resident of A", "holder at A", "resident of B", "coordinator of B"}

// TestPermissions asks every operation done for someone as each kind of
// person, and compares what it answers with the table: "" is allowed, any
// other text the error code. An allowed write may still be refused for
// what it asks (mortgage_exists): then it got past the permission.
func TestPermissions(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "2026-01-10")
	ctx := context.Background()
	a, b := e.site("Harbor"), e.site("Linden")
	unit := e.unit(a, "H1", "900", "1000")
	e.policyNAV(a, "100")
	e.policyRate(b, "50", "2", "2026-01-01")
	e.must("mortgage", func(tx *sqlx.Tx) error {
		_, err := e.loans.CreateMortgageTx(ctx, tx, loans.NewMortgage{SiteID: a, Principal: dec("100000"), YearlyRatePct: dec("5"), Months: 360, IdempotencyKey: "m"})
		return err
	})
	var ids [roles]int64
	for r := range roles {
		ids[r] = e.member(roleNames[r])
	}
	e.issue(a, ids[holderA], "5000", "5000", "holder")
	loan, err := e.changeLoan(loans.LoanChange{MemberID: ids[holderA], SiteID: a, Delta: dec("1000"), IdempotencyKey: "loan"})
	if err != nil {
		t.Fatal(err)
	}
	e.must("loan to cash", func(tx *sqlx.Tx) error {
		_, err := e.svc.PayOutSettlementTx(ctx, tx, ids[holderA], dec("1000"), "loan-out")
		return err
	})
	var mortgage int64
	if err := e.db.Get(&mortgage, `SELECT id FROM loans WHERE kind = 'mortgage'`); err != nil {
		t.Fatal(err)
	}
	who := [roles]*app.Principal{
		{Member: app.Member{ID: ids[treasurer], Role: app.RoleAdmin}},
		{Member: app.Member{ID: ids[coordinatorA], Role: app.RoleMember}, CoordinatorOf: []int64{a}},
		{Member: app.Member{ID: ids[residentA], Role: app.RoleMember}, Home: &app.Residence{SiteID: a}},
		{Member: app.Member{ID: ids[holderA], Role: app.RoleMember}},
		{Member: app.Member{ID: ids[residentB], Role: app.RoleMember}, Home: &app.Residence{SiteID: b}},
		{Member: app.Member{ID: ids[coordinatorB], Role: app.RoleMember}, CoordinatorOf: []int64{b}},
	}
	n := 0
	later := func() time.Time { n++; return e.today.AddDate(1, 0, n) }
	key := func() string { n++; return fmt.Sprint("key-", n) }
	const no = "forbidden"
	seesA := [roles]string{"", "", "", "", no, no}
	money := [roles]string{"", no, no, "", no, no}
	treasurers := [roles]string{"", no, no, no, no, no}
	for _, c := range []struct {
		name string
		do   func(p *app.Principal) error
		want [roles]string
	}{
		{"see A's pool", func(p *app.Principal) error { _, err := e.loans.PoolDetail(ctx, p, a); return err }, seesA},
		{"see A's share price", func(p *app.Principal) error { _, err := e.svc.SharePrice(ctx, p, a, time.Time{}); return err }, seesA},
		{"see A's mortgage", func(p *app.Principal) error { _, err := e.loans.Loan(ctx, p, mortgage); return err }, seesA},
		{"see a share loan", func(p *app.Principal) error { _, err := e.loans.Loan(ctx, p, loan.Open.ID); return err }, money},
		{"quote its payoff", func(p *app.Principal) error {
			_, err := e.loans.PayoffQuote(ctx, p, loan.Open.ID, time.Time{})
			return err
		}, money},
		{"see its installments", func(p *app.Principal) error { _, err := e.loans.Installments(ctx, p, loan.Open.ID); return err }, money},
		{"see a member's statement", func(p *app.Principal) error { _, err := e.stmt.MemberStatement(ctx, p, ids[holderA]); return err }, money},
		{"see a member's charges", func(p *app.Principal) error { _, err := e.charges.ChargesOfMember(ctx, p, ids[holderA]); return err }, money},
		{"see a loan that is not there", func(p *app.Principal) error { _, err := e.loans.Loan(ctx, p, 999999); return err },
			[roles]string{"loan_not_found", "loan_not_found", "loan_not_found", "loan_not_found", "loan_not_found", "loan_not_found"}},
		{"set a price policy", func(p *app.Principal) error {
			_, err := e.svc.SetPolicy(ctx, p, equity.NewPolicy{SiteID: a, EffectiveFrom: later(), Kind: equity.NetAssetValue, BasePrice: dec("100")})
			return err
		}, treasurers},
		{"record an appraisal", func(p *app.Principal) error {
			_, err := e.svc.RecordAppraisal(ctx, p, equity.NewAppraisal{SiteID: a, Amount: dec("500000"), EffectiveOn: later()})
			return err
		}, [roles]string{"", "", no, no, no, no}},
		{"record a mortgage", func(p *app.Principal) error {
			_, err := e.loans.CreateMortgage(ctx, p, loans.NewMortgage{SiteID: a, Principal: dec("1000"), YearlyRatePct: dec("5"), Months: 12, IdempotencyKey: key()})
			return err
		}, [roles]string{"mortgage_exists", no, no, no, no, no}},
		{"set the reserve rate", func(p *app.Principal) error { _, err := e.svc.SetReservePct(ctx, p, a, dec("10")); return err }, treasurers},
		{"set required equity", func(p *app.Principal) error { return e.svc.SetRequiredEquity(ctx, p, a, unit, dec("1000")) }, treasurers},
		{"change the settings", func(p *app.Principal) error {
			_, err := e.svc.UpdateSettings(ctx, p, equity.SettingsChange{})
			return err
		}, treasurers},
		{"record an index value", func(p *app.Principal) error {
			_, err := e.svc.RecordIndexPoint(ctx, p, equity.IndexPoint{Series: "CPI", EffectiveOn: later(), Value: dec("300")})
			return err
		}, treasurers},
		{"see the indexes", func(p *app.Principal) error { _, err := e.svc.Indexes(ctx, p); return err }, treasurers},
		{"run the charges", func(p *app.Principal) error { _, err := e.charges.RunCharges(ctx, p, day("2025-12-01")); return err }, treasurers},
		{"see the runs", func(p *app.Principal) error { _, err := e.charges.ChargeRuns(ctx, p, 10); return err }, treasurers},
		{"see a month's charges", func(p *app.Principal) error {
			_, err := e.charges.ChargesOfMonth(ctx, p, day("2025-12-01"))
			return err
		}, treasurers},
		{"see every member's equity", func(p *app.Principal) error { _, err := e.svc.MembersOverview(ctx, p); return err }, treasurers},
		{"pay down a member's loan", func(p *app.Principal) error {
			_, err := e.loans.PayDownShareLoan(ctx, p, loans.Paydown{MemberID: ids[holderA], Amount: dec("1"), IdempotencyKey: key()})
			return err
		}, treasurers},
		{"pay down a loan by its id", func(p *app.Principal) error {
			_, err := e.loans.PayDownShareLoan(ctx, p, loans.Paydown{LoanID: mortgage, Amount: dec("1"), IdempotencyKey: key()})
			return err
		}, [roles]string{"not_found", no, no, no, no, no}},
	} {
		for r, p := range who {
			if got := apptest.Code(c.do(p)); got != c.want[r] {
				t.Errorf("%s as the %s: %q, want %q", c.name, roleNames[r], got, c.want[r])
			}
		}
	}

	// The list of pools shows each person the pools they may see.
	wantPools := [roles]int{2, 1, 1, 1, 1, 1}
	for r, p := range who {
		pools, err := e.svc.Pools(ctx, p)
		if err != nil || len(pools) != wantPools[r] {
			t.Errorf("pools the %s sees: %d (%v), want %d", roleNames[r], len(pools), err, wantPools[r])
		}
	}
}
