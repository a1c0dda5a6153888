package equity_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"
	"github.com/shopspring/decimal"

	"hearth/app/apptest"
	"hearth/finance/equity"
	"hearth/finance/equity/loans"
	"hearth/finance/equity/statement"
)

// A member who bought in with a loan at a NAV site, paid three months of
// charges and saw an appraisal: the statement values their shares at
// today's price, takes off the loan, and marks each charge and the appraisal.
func TestMemberStatement(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "2026-01-01")
	ctx := context.Background()
	site := e.site("Harbor House")
	unit := e.unit(site, "H1", "1050.00", "40000")
	m := e.member("Elena")
	apptest.MustAddResidency(t, e.db, site, unit, m, "2026-01-01")
	e.policyNAV(site, "100")
	e.must("buy-in", func(tx *sqlx.Tx) error {
		if _, err := e.loans.CreateMortgageTx(ctx, tx, loans.NewMortgage{SiteID: site, Principal: dec("150000"), YearlyRatePct: dec("5"), Months: 360, IdempotencyKey: "m"}); err != nil {
			return err
		}
		if _, err := e.svc.RecordAppraisalTx(ctx, tx, equity.NewAppraisal{SiteID: site, Amount: dec("150000")}); err != nil {
			return err
		}
		if _, err := e.loans.ChangeShareLoanTx(ctx, tx, loans.LoanChange{MemberID: m, SiteID: site, Delta: dec("30000"), IdempotencyKey: "loan"}); err != nil {
			return err
		}
		_, err := e.svc.IssueSharesTx(ctx, tx, equity.IssueRequest{SiteID: site, MemberID: m, Kind: equity.BuyIn, Amount: dec("40000"), Cash: dec("10000"), IdempotencyKey: "buy"})
		return err
	})
	for _, month := range []string{"2026-01-01", "2026-02-01", "2026-03-01"} {
		e.today = day(month).AddDate(0, 1, 0)
		if _, err := e.charges.RunScheduledCharges(ctx, day(month)); err != nil {
			t.Fatal(err)
		}
	}
	e.must("appraisal", func(tx *sqlx.Tx) error {
		_, err := e.svc.RecordAppraisalTx(ctx, tx, equity.NewAppraisal{SiteID: site, Amount: dec("180000"), EffectiveOn: day("2026-04-02")})
		return err
	})
	e.setToday("2026-04-10")
	st, err := e.stmt.MemberStatement(ctx, admin, m)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Holdings) != 1 {
		t.Fatalf("%d holdings, want 1", len(st.Holdings))
	}
	h := st.Holdings[0]
	if want := equity.ValueOf(h.Quantity, h.Price.Price); !h.Value.Equal(want) || !st.SharesValue.Equal(want) {
		t.Errorf("value %s, shares value %s, want quantity × price = %s", h.Value, st.SharesValue, want)
	}
	if !st.LoanBalance.IsPositive() || !st.NetEquity.Equal(st.SharesValue.Sub(st.LoanBalance)) {
		t.Errorf("loan %s, net %s: net should be value − loan", st.LoanBalance, st.NetEquity)
	}
	marks := map[statement.MarkKind]int{}
	var charged []string
	for _, mk := range st.Marks {
		marks[mk.Kind]++
		if mk.Kind == statement.MarkCharge {
			charged = append(charged, mk.Date.Format("2006-01-02"))
		}
	}
	if got, want := strings.Join(charged, " "), "2026-02-01 2026-03-01 2026-04-01"; got != want {
		t.Errorf("charges dated %s, want the run days %s", got, want)
	}
	if marks[statement.MarkCharge] != 3 || marks[statement.MarkAppraisal] != 2 || marks[statement.MarkBuyIn] != 1 {
		t.Errorf("marks = %v, want 3 charges, 2 appraisals, 1 buy-in", marks)
	}
	if n := len(st.Series); n != 5 || !st.Series[0].Date.Equal(day("2026-01-01")) || !st.Series[n-1].Date.Equal(e.today) {
		t.Fatalf("series of %d points %v, want the buy-in day, the ends of January, February and March, and today", n, st.Series)
	}
	if last := st.Series[len(st.Series)-1]; !last.Net.Equal(st.NetEquity) {
		t.Errorf("today's point %s, statement %s", last.Net, st.NetEquity)
	}
	// The appraisal raised the price: equity at the end grows over the months.
	if first, last := st.Series[0], st.Series[len(st.Series)-1]; !last.Net.GreaterThan(first.Net) {
		t.Errorf("net equity went from %s to %s, want growth", first.Net, last.Net)
	}
}

// The statement prices many days at once; each must be what SharePriceOn
// says for that day, at a site whose price followed a mortgage, charges,
// appraisals, a policy change and an index.
func TestPriceHistoryMatchesSharePriceOn(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "2026-01-01")
	ctx := context.Background()
	nav, le := e.site("Harbor"), e.site("Elm")
	m := e.member("Grace")
	apptest.MustAddResidency(t, e.db, nav, e.unit(nav, "H3", "1320.00", "48000"), m, "2026-01-01")
	apptest.MustAddResidency(t, e.db, le, e.unit(le, "E1", "1180.00", "42000"), e.member("Ada"), "2026-01-01")
	e.policyNAV(nav, "100")
	e.must("set up", func(tx *sqlx.Tx) error {
		if _, err := e.loans.CreateMortgageTx(ctx, tx, loans.NewMortgage{SiteID: nav, Principal: dec("150000"), YearlyRatePct: dec("4.5"), Months: 300, IdempotencyKey: "m"}); err != nil {
			return err
		}
		if _, err := e.svc.RecordAppraisalTx(ctx, tx, equity.NewAppraisal{SiteID: nav, Amount: dec("152000")}); err != nil {
			return err
		}
		if _, err := e.svc.RecordIndexPointTx(ctx, tx, equity.IndexPoint{Series: "CPI", Value: dec("300")}); err != nil {
			return err
		}
		if _, err := e.svc.SetPolicyTx(ctx, tx, equity.NewPolicy{SiteID: le, EffectiveFrom: e.today, Kind: equity.LimitedEquity, BasePrice: dec("50"), IndexSeries: "CPI"}); err != nil {
			return err
		}
		if _, err := e.svc.IssueSharesTx(ctx, tx, equity.IssueRequest{SiteID: le, MemberID: m, Kind: equity.Issue, Amount: dec("5000"), Cash: dec("5000"), IdempotencyKey: "le"}); err != nil {
			return err
		}
		_, err := e.svc.IssueSharesTx(ctx, tx, equity.IssueRequest{SiteID: nav, MemberID: m, Kind: equity.BuyIn, Amount: dec("48000"), Cash: dec("48000"), IdempotencyKey: "b"})
		return err
	})
	for i, month := range []string{"2026-01-01", "2026-02-01", "2026-03-01", "2026-04-01"} {
		e.today = day(month).AddDate(0, 1, 0)
		if _, err := e.charges.RunScheduledCharges(ctx, day(month)); err != nil {
			t.Fatal(err)
		}
		e.must("appraisal and index", func(tx *sqlx.Tx) error {
			if _, err := e.svc.RecordAppraisalTx(ctx, tx, equity.NewAppraisal{SiteID: nav, Amount: dec("152000").Add(dec("3000").Mul(decimal.NewFromInt(int64(i + 1)))),
				EffectiveOn: e.today.AddDate(0, 0, 10)}); err != nil {
				return err
			}
			_, err := e.svc.RecordIndexPointTx(ctx, tx, equity.IndexPoint{Series: "CPI", EffectiveOn: e.today.AddDate(0, 0, 3), Value: dec("300").Add(decimal.NewFromInt(int64(i + 1)))})
			return err
		})
	}
	e.setToday("2026-05-20")
	st, err := e.stmt.MemberStatement(ctx, admin, m)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range st.Series {
		want := decimal.Zero
		for _, site := range []int64{nav, le} {
			price, err := e.svc.SharePrice(ctx, admin, site, p.Date)
			if err != nil {
				t.Fatal(err)
			}
			var held decimal.Decimal
			if err := e.db.Get(&held, `SELECT coalesce(sum(quantity), 0) FROM share_events WHERE member_id = $1 AND site_id = $2 AND effective_on <= $3`,
				m, site, p.Date); err != nil {
				t.Fatal(err)
			}
			want = want.Add(equity.ValueOf(held, price.Price))
		}
		if !p.SharesValue.Equal(want) {
			t.Errorf("%s: statement values the shares at %s, SharePriceOn at %s", p.Date.Format("2006-01-02"), p.SharesValue, want)
		}
	}
}
