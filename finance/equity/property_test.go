package equity_test

import (
	"context"
	"flag"
	"fmt"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"hearth/app/apptest"
	"hearth/finance/equity"
	"hearth/finance/equity/loans"
)

// TestValueIsConserved runs random sequences of share issues, redemptions,
// appraisals and monthly charge runs at a net-asset-value site and a
// limited-equity site, and checks after each sequence that every entry
// balanced, that the share register reconciles with the equity accounts to
// the cent (value in share capital, what rounding left in the rounding
// account, with the principal of charges too small to buy a share,
// quantity × price within half a cent a line), that holdings are
// the register's sums, that members were billed exactly their charges and
// that nothing is left in settlement accounts.
//
// The sequences share one database: each one gets its own sites, members
// and year, so that a run of the monthly charges sees only its own residents.
func TestValueIsConserved(t *testing.T) {
	if f := flag.Lookup("rapid.checks"); f != nil && f.Value.String() == f.DefValue {
		f.Value.Set("25") // each sequence writes a few dozen entries; 25 keep the test quick
	}
	e := newEnv(t, "2100-01-01")
	ctx := context.Background()
	seq := 0
	rapid.Check(t, func(rt *rapid.T) {
		seq++
		year := 2100 + seq
		e.today = time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
		end := fmt.Sprintf("%d-01-01", year+1)
		nav := e.site(fmt.Sprintf("NAV %d", seq))
		le := e.site(fmt.Sprintf("LE %d", seq))
		sites := []int64{nav, le}
		var members []int64
		for i, site := range sites {
			for u := range 3 {
				// Every charge covers a third of the NAV site's mortgage
				// installment (715.77) and its reserves: a lower one is refused.
				unit := e.unit(site, fmt.Sprintf("U%d", u), rapid.SampledFrom([]string{"1050.00", "1320.00", "1460.00"}).Draw(rt, "charge"), "0")
				m := e.member(fmt.Sprintf("Member %d-%d-%d", seq, i, u))
				if _, err := e.db.Exec(`INSERT INTO residencies (site_id, unit_id, member_id, starts_on, ends_on) VALUES ($1, $2, $3, $4, $5)`,
					site, unit, m, e.today.AddDate(0, 0, rapid.IntRange(0, 60).Draw(rt, "move-in")).Format(time.DateOnly), end); err != nil {
					rt.Fatal(err)
				}
				members = append(members, m)
			}
		}
		e.policyNAV(nav, "100")
		e.policyRate(le, rapid.SampledFrom([]string{"80", "125.5", "49999.99"}).Draw(rt, "le base"), "2.5", fmt.Sprintf("%d-01-01", year-3))
		must := func(what string, fn func(tx *sqlx.Tx) error) {
			if err := e.tx(fn); err != nil {
				rt.Fatalf("%s: %v", what, err)
			}
		}
		must("mortgage", func(tx *sqlx.Tx) error {
			_, err := e.loans.CreateMortgageTx(ctx, tx, loans.NewMortgage{SiteID: nav, Principal: dec("400000.00"), YearlyRatePct: dec("5"),
				Months: 360, IdempotencyKey: fmt.Sprintf("m-%d", seq)})
			return err
		})
		lastRun := e.today.AddDate(0, -1, 0)
		steps := rapid.IntRange(3, 14).Draw(rt, "steps")
		for k := range steps {
			key := fmt.Sprintf("%d-%d", seq, k)
			switch rapid.IntRange(0, 4).Draw(rt, "op") {
			case 0: // days pass
				e.today = e.today.AddDate(0, 0, rapid.IntRange(1, 45).Draw(rt, "days"))
			case 1: // a member buys shares
				site := rapid.SampledFrom(sites).Draw(rt, "site")
				m := rapid.SampledFrom(members).Draw(rt, "member")
				cents := rapid.Int64Range(1, 6_000_000).Draw(rt, "cents")
				amount := decimal.New(cents, -2)
				err := e.tx(func(tx *sqlx.Tx) error {
					_, err := e.svc.IssueSharesTx(ctx, tx, equity.IssueRequest{SiteID: site, MemberID: m, Kind: equity.Issue,
						Amount: amount, Cash: amount, IdempotencyKey: "issue-" + key})
					return err
				})
				if err != nil && apptest.Code(err) != "amount_too_small" { // a few cents may buy nothing at a high price
					rt.Fatalf("issue: %v", err)
				}
			case 2: // a member sells some or all of their shares; the proceeds less a fee are paid out
				site := rapid.SampledFrom(sites).Draw(rt, "site")
				m := rapid.SampledFrom(members).Draw(rt, "member")
				var held decimal.Decimal
				err := e.tx(func(tx *sqlx.Tx) (err error) {
					held, err = e.svc.HoldingAtTx(ctx, tx, site, m)
					return err
				})
				if err != nil {
					rt.Fatal(err)
				}
				if !held.IsPositive() {
					continue
				}
				qty := held.Mul(decimal.NewFromInt(int64(rapid.IntRange(1, 100).Draw(rt, "percent")))).Div(decimal.NewFromInt(100)).Truncate(6)
				if !qty.IsPositive() {
					continue
				}
				err = e.tx(func(tx *sqlx.Tx) error {
					ev, err := e.svc.RedeemSharesTx(ctx, tx, equity.RedemptionRequest{SiteID: site, MemberID: m, Kind: equity.Redemption,
						Quantity: qty, IdempotencyKey: "redeem-" + key})
					if err != nil {
						return err
					}
					value := ev.Value.Neg()
					fee := equity.RoundMoney(value.Mul(dec("0.01")))
					if fee.IsPositive() {
						// A fee is taken out of what is held for the member, like a transfer fee.
						if _, err := e.svc.PayOutSettlementTx(ctx, tx, m, fee, "fee-"+key); err != nil {
							return err
						}
					}
					if rest := value.Sub(fee); rest.IsPositive() {
						_, err = e.svc.PayOutSettlementTx(ctx, tx, m, rest, "payout-"+key)
					}
					return err
				})
				if err != nil && apptest.Code(err) != "quantity_too_small" { // a few millionths of a share may be worth no cent
					rt.Fatalf("redeem: %v", err)
				}
			case 3: // the NAV site is appraised, in effect from tomorrow
				amount := decimal.New(rapid.Int64Range(45_000_000, 90_000_000).Draw(rt, "appraisal"), -2)
				must("appraisal", func(tx *sqlx.Tx) error {
					_, err := e.svc.RecordAppraisalTx(ctx, tx, equity.NewAppraisal{SiteID: nav, Amount: amount, EffectiveOn: e.today.AddDate(0, 0, 1)})
					return err
				})
				e.today = e.today.AddDate(0, 0, 1)
			case 4: // the next month is charged, if it is over
				month := lastRun.AddDate(0, 1, 0)
				if month.AddDate(0, 1, -1).After(e.today) {
					continue
				}
				if _, err := e.charges.RunScheduledCharges(ctx, month); err != nil {
					rt.Fatalf("charges for %s: %v", month.Format("2006-01"), err)
				}
				lastRun = month
			}
		}
		checkConservation(rt, e, sites, members)
		// Later sequences live in later years: their charge runs should not
		// pay this sequence's mortgage.
		if _, err := e.db.Exec(`UPDATE loans SET closed_on = $2 WHERE site_id = $1 AND closed_on IS NULL`, nav, e.today.Format(time.DateOnly)); err != nil {
			rt.Fatal(err)
		}
	})
}

func checkConservation(rt *rapid.T, e *env, sites, members []int64) {
	if tb := e.trialBalance(); !tb.IsZero() {
		rt.Fatalf("trial balance = %s", tb)
	}
	for _, site := range sites {
		var reg struct {
			N      int64           `db:"n"`
			Value  decimal.Decimal `db:"value"`
			Amount decimal.Decimal `db:"amount"`
			Exact  decimal.Decimal `db:"exact"`
		}
		if err := e.db.Get(&reg, `
			SELECT count(*) AS n, coalesce(sum(value), 0) AS value, coalesce(sum(quantity * price), 0) AS exact,
			       -- what was paid for shares, with the principal of charges that bought none
			       coalesce(sum(amount), 0) + (SELECT coalesce(sum(principal), 0) FROM unit_charges
			                                   WHERE site_id = $1 AND share_event_id IS NULL) AS amount
			FROM share_events WHERE site_id = $1`, site); err != nil {
			rt.Fatal(err)
		}
		a := equity.AccountsOfSite(site)
		capital := e.balance(a.SharesPaidIn, -1).Add(e.balance(a.SharesEarned, -1))
		if !capital.Equal(reg.Value) {
			rt.Fatalf("site %d: share capital %s, register value %s", site, capital, reg.Value)
		}
		if rounding := e.balance(a.Rounding, -1); !rounding.Equal(reg.Amount.Sub(reg.Value)) {
			rt.Fatalf("site %d: rounding account %s, paid for shares − their value %s", site, rounding, reg.Amount.Sub(reg.Value))
		}
		if gap, limit := reg.Exact.Sub(reg.Value).Abs(), dec("0.005").Mul(decimal.NewFromInt(reg.N)); gap.GreaterThan(limit) {
			rt.Fatalf("site %d: quantity × price differs from value by %s over %d lines", site, gap, reg.N)
		}
		var bad int
		if err := e.db.Get(&bad, `
			SELECT count(*) FROM (SELECT member_id, sum(quantity) AS q FROM share_events WHERE site_id = $1 GROUP BY member_id) r
			FULL JOIN (SELECT member_id, quantity FROM share_holdings WHERE site_id = $1) h USING (member_id)
			WHERE coalesce(r.q, 0) <> coalesce(h.quantity, 0)`, site); err != nil {
			rt.Fatal(err)
		}
		if bad > 0 {
			rt.Fatalf("site %d: %d holdings differ from the register", site, bad)
		}
	}
	for _, m := range members {
		var billed decimal.Decimal
		if err := e.db.Get(&billed, `SELECT coalesce(sum(total), 0) FROM unit_charges WHERE member_id = $1`, m); err != nil {
			rt.Fatal(err)
		}
		ma := equity.AccountsOfMember(m)
		if got := e.balance(ma.Receivable, 1); !got.Equal(billed) {
			rt.Fatalf("member %d: account %s, charges %s", m, got, billed)
		}
		if got := e.balance(ma.Settlement, -1); !got.IsZero() {
			rt.Fatalf("member %d: %s left in settlement", m, got)
		}
	}
}
