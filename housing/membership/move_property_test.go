package membership_test

import (
	"context"
	"flag"
	"fmt"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"hearth/app"
	"hearth/app/apptest"
	"hearth/finance/equity"
	"hearth/finance/equity/charges"
	"hearth/finance/equity/loans"
	"hearth/finance/ledger"
	"hearth/housing/membership"
)

// TestMovesConserveValue runs random sequences of days passing, monthly
// charge runs, appraisals and moves between a net-asset-value site and two
// limited-equity sites, all with mortgages, whose two residents each bought
// in with cash and a share loan. Every completed move must keep the identity of
// docs/moves.md in the amounts its entries and register rows actually
// moved; every refused one must write nothing; and at the end the trial
// balance is zero, each site's share register reconciles with its equity
// accounts and its holdings, each member's share loan in the ledger is the
// loan's balance, nobody keeps shares at a site they moved away from, and
// nothing is left in settlement accounts.
func TestMovesConserveValue(t *testing.T) {
	if f := flag.Lookup("rapid.checks"); f != nil && f.Value.String() == f.DefValue {
		f.Value.Set("20") // each sequence makes six admissions and a few dozen entries; 20 keep the test quick
	}
	ctx := context.Background()
	db := apptest.NewDB(t)
	seq, completed, refused := 0, 0, 0
	rapid.Check(t, func(rt *rapid.T) {
		// The sequences share one database. Each has its own sites and
		// members, and a year of its own three years before the last
		// sequence's: a charge run then sees only its own residents and
		// loans, for it charges the residencies of its month and the
		// installments of loans started before it.
		seq++
		e := &moveEnv{t: t, db: db, today: time.Date(2700-3*seq, 1, 1, 0, 0, 0, 0, time.UTC)}
		e.eq = equity.New(db, ledger.New(db, "USD"))
		e.eq.Now = func() time.Time { return e.today }
		e.svc = membership.New(db, e.eq, loans.New(e.eq))
		start := e.today.Format(time.DateOnly)
		nav := apptest.MustCreateSite(t, db, fmt.Sprintf("Net Asset %d", seq), "UTC").ID
		e.must("nav policy", func(tx *sqlx.Tx) error {
			_, err := e.eq.SetPolicyTx(ctx, tx, equity.NewPolicy{SiteID: nav, EffectiveFrom: e.today, Kind: equity.NetAssetValue, BasePrice: dec("100")})
			return err
		})
		e.harbor = e.site(fmt.Sprintf("Harbor %d", seq), "50", "0", start)
		e.linden = e.site(fmt.Sprintf("Linden %d", seq), "40", "0", start)
		sites := []int64{nav, e.harbor, e.linden}
		var members []int64
		for i, site := range sites {
			e.must("mortgage", func(tx *sqlx.Tx) error {
				_, err := e.svc.Loans.CreateMortgageTx(ctx, tx, loans.NewMortgage{SiteID: site, Principal: dec("300000"), YearlyRatePct: dec("4.5"),
					Months: 360, IdempotencyKey: fmt.Sprintf("mortgage-%d", site)})
				return err
			})
			for u := range 4 {
				required := decimal.New(rapid.Int64Range(2_000_000, 6_000_000).Draw(rt, "required"), -2)
				unit := e.unit(site, fmt.Sprintf("U%d-%d", i, u), required.String())
				if _, err := e.db.Exec(`UPDATE units SET monthly_charge = $2 WHERE id = $1`, unit,
					rapid.SampledFrom([]string{"1050.00", "1320.00", "1460.00"}).Draw(rt, "charge")); err != nil {
					rt.Fatal(err)
				}
				if u >= 2 { // two free units a site
					continue
				}
				m := e.member(fmt.Sprintf("Member %d-%d", i, u))
				loan := required.Mul(decimal.NewFromInt(int64(rapid.IntRange(0, 80).Draw(rt, "loan percent")))).Div(decimal.NewFromInt(100)).Truncate(2)
				e.admit(m, unit, required.Sub(loan).String(), loan.String(), rapid.SampledFrom([]string{"0", "5.5"}).Draw(rt, "loan rate"))
				members = append(members, m)
			}
		}
		lastRun := e.today.AddDate(0, -1, 0)
		e.today = e.today.AddDate(0, 0, 1) // the residents moved in yesterday
		var moved []membership.Move
		steps := rapid.IntRange(3, 10).Draw(rt, "steps")
		for range steps {
			// Moves are drawn three times as often as anything else.
			switch rapid.SampledFrom([]int{0, 1, 2, 3, 3, 3}).Draw(rt, "op") {
			case 0: // days pass
				e.today = e.today.AddDate(0, 0, rapid.IntRange(1, 40).Draw(rt, "days"))
			case 1: // the net-asset-value site is appraised, in effect from tomorrow
				amount := decimal.New(rapid.Int64Range(35_000_000, 45_000_000).Draw(rt, "appraisal"), -2)
				e.must("appraisal", func(tx *sqlx.Tx) error {
					_, err := e.eq.RecordAppraisalTx(ctx, tx, equity.NewAppraisal{SiteID: nav, Amount: amount, EffectiveOn: e.today.AddDate(0, 0, 1)})
					return err
				})
				e.today = e.today.AddDate(0, 0, 1)
			case 2: // the next month is charged, if it is over
				month := lastRun.AddDate(0, 1, 0)
				if month.AddDate(0, 1, -1).After(e.today) {
					continue
				}
				if _, err := charges.New(e.eq, e.svc.Loans).RunScheduledCharges(ctx, month); err != nil {
					rt.Fatalf("charges for %s: %v", month.Format("2006-01"), err)
				}
				lastRun = month
			case 3: // a member moves to a free unit at another site today
				m := rapid.SampledFrom(members).Draw(rt, "mover")
				var units []int64
				if err := e.db.Select(&units, `
					SELECT u.id FROM units u WHERE u.site_id = ANY($3)
					AND u.site_id <> (SELECT site_id FROM residencies WHERE member_id = $1 AND ends_on IS NULL)
					AND NOT EXISTS (SELECT 1 FROM residencies_from($2::date) r WHERE r.unit_id = u.id)
					ORDER BY u.id`, m, e.today.Format(time.DateOnly), pq.Array(sites)); err != nil {
					rt.Fatal(err)
				}
				if len(units) == 0 {
					continue
				}
				unit := rapid.SampledFrom(units).Draw(rt, "unit")
				surplus := rapid.SampledFrom([]membership.Surplus{membership.SurplusPayout, membership.SurplusPaydown}).Draw(rt, "surplus")
				shortfall := rapid.SampledFrom([]membership.Shortfall{membership.ShortfallCash, membership.ShortfallLoan}).Draw(rt, "shortfall")
				before := e.rows()
				mv, err := e.move(m, unit, surplus, shortfall)
				switch apptest.Code(err) {
				case "":
					checkMoveIdentity(rt, e, mv)
					moved = append(moved, mv)
					completed++
				case "beyond_loan_to_value", "move_date_too_early", "move_month_charged":
					refused++
					// Refused, as it should be: nothing was written.
					for k, n := range e.rows() {
						if n != before[k] {
							rt.Fatalf("a refused move (%v) changed %s from %d to %d rows", err, k, before[k], n)
						}
					}
				default:
					rt.Fatalf("move of member %d to unit %d: %v", m, unit, err)
				}
			}
		}
		checkBooks(rt, e, sites, members, moved)
	})
	t.Logf("%d moves completed, %d refused, over %d sequences", completed, refused, seq)
	if completed == 0 {
		t.Error("no sequence completed a move")
	}
}

// checkMoveIdentity reads what a completed move wrote, from the register,
// the ledger and the loan changes rather than from its completion record,
// and checks value redeemed = fee + required equity + payout − cash in +
// paydown − loan increase, and that the record says the same.
func checkMoveIdentity(rt *rapid.T, e *moveEnv, mv membership.Move) {
	key := fmt.Sprintf("move:%d", mv.ID)
	var got struct {
		Value        decimal.Decimal `db:"value"`
		Fee          decimal.Decimal `db:"fee"`
		Payout       decimal.Decimal `db:"payout"`
		Required     decimal.Decimal `db:"required"`
		CashIn       decimal.Decimal `db:"cash_in"`
		Paydown      decimal.Decimal `db:"paydown"`
		LoanIncrease decimal.Decimal `db:"loan_increase"`
	}
	posted := func(eventKey, account string) string {
		return fmt.Sprintf(`coalesce((SELECT sum(p.amount) FROM share_events e JOIN ledger_postings p ON p.entry_id = e.entry_id
			JOIN ledger_accounts a ON a.id = p.account_id WHERE e.idempotency_key = '%s' AND a.code = '%s'), 0)`, eventKey, account)
	}
	if err := e.db.Get(&got, `SELECT
		coalesce((SELECT -value FROM share_events WHERE idempotency_key = $1 || ':out'), 0) AS value,
		-`+posted(key+":out", equity.AccountsOfSite(mv.FromSiteID).TransferFees)+` AS fee,
		-`+posted(key+":out", equity.AccountBank)+` AS payout,
		coalesce((SELECT amount FROM share_events WHERE idempotency_key = $1 || ':in'), 0) AS required,
		`+posted(key+":in", equity.AccountBank)+` AS cash_in,
		coalesce((SELECT -delta FROM loan_changes WHERE idempotency_key = $1 || ':paydown'), 0) AS paydown,
		coalesce((SELECT delta FROM loan_changes WHERE idempotency_key = $1 || ':loan'), 0) AS loan_increase`, key); err != nil {
		rt.Fatal(err)
	}
	rhs := got.Fee.Add(got.Required).Add(got.Payout).Sub(got.CashIn).Add(got.Paydown).Sub(got.LoanIncrease)
	if !got.Value.Equal(rhs) {
		rt.Fatalf("move %d: value redeemed %s ≠ fee %s + required %s + payout %s − cash in %s + paydown %s − loan increase %s = %s",
			mv.ID, got.Value, got.Fee, got.Required, got.Payout, got.CashIn, got.Paydown, got.LoanIncrease, rhs)
	}
	c := mv.Completion.Figures
	if !c.Conserved() || !c.ValueRedeemed.Equal(got.Value) || !c.Fee.Equal(got.Fee) || !c.Payout.Equal(got.Payout) ||
		!c.RequiredEquity.Equal(got.Required) || !c.CashIn.Equal(got.CashIn) || !c.Paydown.Equal(got.Paydown) || !c.LoanIncrease.Equal(got.LoanIncrease) {
		rt.Fatalf("move %d: completion %+v, written %+v", mv.ID, c, got)
	}
}

func checkBooks(rt *rapid.T, e *moveEnv, sites, members []int64, moved []membership.Move) {
	ctx := context.Background()
	if tb, err := ledger.New(e.db, "USD").TrialBalance(ctx, &app.Principal{Member: app.Member{Role: app.RoleAdmin}}, nil); err != nil || !tb.Total.IsZero() {
		rt.Fatalf("trial balance = %s (%v)", tb.Total, err)
	}
	for _, site := range sites {
		var reg struct {
			Value  decimal.Decimal `db:"value"`
			Amount decimal.Decimal `db:"amount"`
			Bad    int             `db:"bad"`
		}
		if err := e.db.Get(&reg, `
			SELECT coalesce(sum(value), 0) AS value,
			       -- what was paid for shares, with the principal of charges that bought none
			       coalesce(sum(amount), 0) + (SELECT coalesce(sum(principal), 0) FROM unit_charges
			                                   WHERE site_id = $1 AND share_event_id IS NULL) AS amount,
			       (SELECT count(*) FROM (SELECT member_id, sum(quantity) AS q FROM share_events WHERE site_id = $1 GROUP BY member_id) r
			        FULL JOIN (SELECT member_id, quantity FROM share_holdings WHERE site_id = $1) h USING (member_id)
			        WHERE coalesce(r.q, 0) <> coalesce(h.quantity, 0)) AS bad
			FROM share_events WHERE site_id = $1`, site); err != nil {
			rt.Fatal(err)
		}
		a := equity.AccountsOfSite(site)
		if capital := e.balance(a.SharesPaidIn).Add(e.balance(a.SharesEarned)).Neg(); !capital.Equal(reg.Value) {
			rt.Fatalf("site %d: share capital %s, register value %s", site, capital, reg.Value)
		}
		if rounding := e.balance(a.Rounding).Neg(); !rounding.Equal(reg.Amount.Sub(reg.Value)) {
			rt.Fatalf("site %d: rounding %s, paid for shares − their value %s", site, rounding, reg.Amount.Sub(reg.Value))
		}
		if reg.Bad > 0 {
			rt.Fatalf("site %d: %d holdings differ from the register", site, reg.Bad)
		}
	}
	for _, m := range members {
		ma := equity.AccountsOfMember(m)
		if got := e.balance(ma.Settlement); !got.IsZero() {
			rt.Fatalf("member %d: %s left in settlement", m, got)
		}
		owed := decimal.Zero
		loan, err := readTx(e.db, func(tx *sqlx.Tx) (loans.Loan, error) { return e.svc.Loans.ShareLoanOfTx(ctx, tx, m) })
		if err == nil {
			owed = loan.Balance()
		} else if app.ErrorKind(err) != app.KindNotFound {
			rt.Fatal(err)
		}
		if got := e.balance(ma.ShareLoan); !got.Equal(owed) {
			rt.Fatalf("member %d: share loan account %s, loan balance %s", m, got, owed)
		}
	}
	// Each move redeemed every share the member held at the site they left
	// (charges for the months before a move, posted after it, may buy them
	// a few more there later).
	for _, mv := range moved {
		if mv.Completion.RedeemEventID == nil {
			continue
		}
		var left decimal.Decimal
		if err := e.db.Get(&left, `SELECT coalesce(sum(quantity), 0) FROM share_events WHERE site_id = $1 AND member_id = $2 AND id <= $3`,
			mv.FromSiteID, mv.MemberID, *mv.Completion.RedeemEventID); err != nil {
			rt.Fatal(err)
		}
		if !left.IsZero() {
			rt.Fatalf("move %d: the member kept %s shares at the site they left", mv.ID, left)
		}
	}
}
