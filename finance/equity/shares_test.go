package equity_test

import (
	"context"
	"testing"

	"github.com/jmoiron/sqlx"

	"hearth/app/apptest"
	"hearth/finance/equity"
	"hearth/finance/equity/loans"
)

// A net-asset-value site, by hand: appraisal 1,500,000, mortgage 1,200,000,
// no reserves. The first 30,000 buys 300 shares at the opening price of 100;
// the next day (1,500,000 − (1,200,000 − 30,000) − 0) / 300 = 1,100.
// Issuing and redeeming at that price leave it unchanged.
func TestNetAssetValueFromTheBooks(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "2026-01-05")
	ctx := context.Background()
	site := e.site("Harbor")
	ada, ben := e.member("Ada"), e.member("Ben")
	e.policyNAV(site, "100")
	e.must("mortgage and appraisal", func(tx *sqlx.Tx) error {
		if _, err := e.loans.CreateMortgageTx(ctx, tx, loans.NewMortgage{SiteID: site, Principal: dec("1200000.00"),
			YearlyRatePct: dec("6"), Months: 360, IdempotencyKey: "m1"}); err != nil {
			return err
		}
		_, err := e.svc.RecordAppraisalTx(ctx, tx, equity.NewAppraisal{SiteID: site, Amount: dec("1500000.00"), Appraiser: "Quay Valuers"})
		return err
	})
	if p := e.price(site); !p.Price.Equal(dec("100")) {
		t.Fatalf("opening price = %s (%s), want 100", p.Price, p.Formula)
	}
	ev := e.issue(site, ada, "30000.00", "30000.00", "ada-1")
	if !ev.Quantity.Equal(dec("300")) || !ev.Value.Equal(dec("30000.00")) {
		t.Fatalf("issue: %s shares worth %s, want 300 worth 30000.00", ev.Quantity, ev.Value)
	}

	e.setToday("2026-01-06")
	p := e.price(site)
	if !p.Price.Equal(dec("1100")) {
		t.Fatalf("price = %s, want 1100: %s", p.Price, p.Formula)
	}
	if got, want := p.Formula, "(appraisal − site debt − reserves) / shares outstanding = (1500000.00 − 1170000.00 − 0.00) / 300.000000 = 1100.000000"; got != want {
		t.Errorf("formula = %q, want %q", got, want)
	}
	e.issue(site, ben, "11000.00", "11000.00", "ben-1")

	e.setToday("2026-01-07")
	if p := e.price(site); !p.Price.Equal(dec("1100")) {
		t.Errorf("after an issue at the price: %s, want 1100 (%s)", p.Price, p.Formula)
	}
	var red equity.ShareEvent
	e.must("redeem", func(tx *sqlx.Tx) error {
		var err error
		red, err = e.svc.RedeemSharesTx(ctx, tx, equity.RedemptionRequest{SiteID: site, MemberID: ada, Kind: equity.Redemption,
			Fee: dec("3300.00"), Payout: dec("326700.00"), IdempotencyKey: "ada-out"})
		return err
	})
	if !red.Quantity.Equal(dec("-300")) || !red.Value.Equal(dec("-330000.00")) {
		t.Fatalf("redemption: %s shares worth %s, want -300 worth -330000.00", red.Quantity, red.Value)
	}
	e.setToday("2026-01-08")
	if p := e.price(site); !p.Price.Equal(dec("1100")) {
		t.Errorf("after a redemption at the price: %s, want 1100 (%s)", p.Price, p.Formula)
	}
	if got := e.balance(equity.AccountsOfSite(site).TransferFees, -1); !got.Equal(dec("3300")) {
		t.Errorf("fees = %s, want 3300.00", got)
	}
	if tb := e.trialBalance(); !tb.IsZero() {
		t.Errorf("trial balance = %s, want 0", tb)
	}

	// Redeeming more than is held is refused and writes nothing.
	err := e.tx(func(tx *sqlx.Tx) error {
		_, err := e.svc.RedeemSharesTx(ctx, tx, equity.RedemptionRequest{SiteID: site, MemberID: ben, Kind: equity.Redemption,
			Quantity: dec("11"), IdempotencyKey: "ben-too-much"})
		return err
	})
	if apptest.Code(err) != "quantity_exceeds_holding" {
		t.Errorf("redeem too much: %v, want quantity_exceeds_holding", err)
	}
}

// Policies and appraisals never rewrite a past day's price.
func TestPriceHistoryIsFixed(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "2026-03-01")
	ctx := context.Background()
	site := e.site("Linden")
	m := e.member("Hugo")
	e.policyRate(site, "100", "3", "2020-03-01")
	if p := e.price(site); !p.Price.Equal(dec("119.40523")) {
		t.Errorf("price = %s, want 100 × 1.03^6 = 119.405230", p.Price)
	}
	e.issue(site, m, "1000.00", "1000.00", "h1")

	for _, tc := range []struct {
		name string
		fn   func(tx *sqlx.Tx) error
		code string
	}{
		{"policy from yesterday", func(tx *sqlx.Tx) error {
			_, err := e.svc.SetPolicyTx(ctx, tx, equity.NewPolicy{SiteID: site, EffectiveFrom: day("2026-02-28"), Kind: equity.NetAssetValue, BasePrice: dec("1")})
			return err
		}, "policy_backdated"},
		{"policy from today, after shares changed hands today", func(tx *sqlx.Tx) error {
			_, err := e.svc.SetPolicyTx(ctx, tx, equity.NewPolicy{SiteID: site, EffectiveFrom: day("2026-03-01"), Kind: equity.NetAssetValue, BasePrice: dec("1")})
			return err
		}, "policy_backdated"},
		{"appraisal in effect today", func(tx *sqlx.Tx) error {
			_, err := e.svc.RecordAppraisalTx(ctx, tx, equity.NewAppraisal{SiteID: site, Amount: dec("5")})
			return err
		}, "policy_backdated"},
		{"limited equity without growth", func(tx *sqlx.Tx) error {
			_, err := e.svc.SetPolicyTx(ctx, tx, equity.NewPolicy{SiteID: site, EffectiveFrom: day("2026-04-01"), Kind: equity.LimitedEquity, BasePrice: dec("1")})
			return err
		}, "growth_required"},
		{"zero base price", func(tx *sqlx.Tx) error {
			_, err := e.svc.SetPolicyTx(ctx, tx, equity.NewPolicy{SiteID: site, EffectiveFrom: day("2026-04-01"), Kind: equity.NetAssetValue, BasePrice: dec("0")})
			return err
		}, "price_not_positive"},
	} {
		if err := e.tx(tc.fn); apptest.Code(err) != tc.code {
			t.Errorf("%s: %v, want %s", tc.name, err, tc.code)
		}
	}
	e.must("policy from tomorrow", func(tx *sqlx.Tx) error {
		idx := "CPI"
		if _, err := e.svc.RecordIndexPointTx(ctx, tx, equity.IndexPoint{Series: idx, EffectiveOn: day("2026-03-01"), Value: dec("250")}); err != nil {
			return err
		}
		if _, err := e.svc.RecordIndexPointTx(ctx, tx, equity.IndexPoint{Series: idx, EffectiveOn: day("2026-03-02"), Value: dec("262.5")}); err != nil {
			return err
		}
		_, err := e.svc.SetPolicyTx(ctx, tx, equity.NewPolicy{SiteID: site, EffectiveFrom: day("2026-03-02"), Kind: equity.LimitedEquity,
			BasePrice: dec("110"), BaseDate: day("2026-03-01"), IndexSeries: idx})
		return err
	})
	if p := e.price(site); !p.Price.Equal(dec("119.40523")) {
		t.Errorf("today's price changed to %s", p.Price)
	}
	e.setToday("2026-03-02")
	if p := e.price(site); !p.Price.Equal(dec("115.5")) {
		t.Errorf("index price = %s, want 110 × 262.5 / 250 = 115.5 (%s)", p.Price, p.Formula)
	}
	if _, err := e.db.Exec(`UPDATE price_policies SET base_price = 1`); err == nil {
		t.Error("the database let a policy be edited")
	}
}
