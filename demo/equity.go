package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/shopspring/decimal"

	"hearth/finance/equity"
	"hearth/finance/equity/loans"
	"hearth/finance/ledger"
)

// seedEquity gives the demo cooperative about a year of equity history up
// to last month: Harbor House priced by net asset value with appraisals,
// Linden Yard by limited equity at a yearly rate (changed by a vote in the
// summer), Elm Court by limited equity following a price index; each site's
// blanket mortgage; each resident's buy-in, most with a share loan; and a
// run of the monthly charges for every month since, paid by the residents
// a few days later (all but the last month). It replays the months with the
// equity service's clock, so every price, entry and share is dated the day
// it would have been made. Liam, who has no home, and the free units E5, H4
// and L5 are left for an admission.
func seedEquity(ctx context.Context, tx *sqlx.Tx, d *demo) error {
	svc := d.svc.Equity
	today := equity.Day(time.Now())
	start := equity.MonthOf(today).AddDate(0, -13, 0)
	clock := start
	svc.Now = func() time.Time { return clock }
	s := &equitySeed{ctx: ctx, tx: tx, d: d, svc: svc, loans: d.svc.Loans, led: d.svc.Ledger, treasurer: d.members["treasurer"].ID, start: start}

	if err := s.open(start); err != nil {
		return err
	}
	last := equity.MonthOf(today).AddDate(0, -1, 0)
	for month := start; !month.After(last); month = month.AddDate(0, 1, 0) {
		clock = month.AddDate(0, 1, 0)
		if _, err := d.svc.Charges.RunChargesTx(ctx, tx, month, &s.treasurer); err != nil {
			return fmt.Errorf("charges of %s: %w", month.Format("2006-01"), err)
		}
		if month.Before(last) {
			if err := s.payMonth(month, clock.AddDate(0, 0, 5)); err != nil {
				return err
			}
		}
		if err := s.events(month, clock); err != nil {
			return err
		}
	}
	return nil
}

type equitySeed struct {
	ctx       context.Context
	tx        *sqlx.Tx
	d         *demo
	svc       *equity.Service
	loans     *loans.Service
	led       *ledger.Ledger
	treasurer int64
	start     time.Time
}

func seedDec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// requiredEquity is what each unit asks of a new resident, about three
// years of its monthly charge.
var requiredEquity = map[string]string{
	"E1": "42000", "E2": "30000", "E3": "55000", "E4": "42000", "E5": "30000",
	"H1": "38000", "H2": "38000", "H3": "48000", "H4": "26000",
	"L1": "45000", "L2": "32000", "L3": "56000", "L4": "45000", "L5": "45000",
}

// buyIns are the residents' buy-ins when the equity records opened: cash
// and share loan, the loans within the credit union's 80%.
var buyIns = []struct{ member, site, unit, cash, loan string }{
	{"ada", "elm", "E1", "12000", "30000"},
	{"ben", "elm", "E2", "30000", "0"},
	{"chloe", "elm", "E3", "20000", "35000"},
	{"dev", "elm", "E4", "15000", "27000"},
	{"elena", "harbor", "H1", "8000", "30000"},
	{"farid", "harbor", "H2", "38000", "0"},
	{"grace", "harbor", "H3", "18000", "30000"},
	{"hugo", "linden", "L1", "45000", "0"},
	{"ines", "linden", "L2", "7000", "25000"},
	{"jonas", "linden", "L3", "16000", "40000"},
	{"kemi", "linden", "L4", "10000", "35000"},
}

// open sets up the pools, policies, mortgages and buy-ins on the first day.
func (s *equitySeed) open(start time.Time) error {
	ctx, tx, svc := s.ctx, s.tx, s.svc
	for unit, amount := range requiredEquity {
		if _, err := tx.ExecContext(ctx, `UPDATE units SET required_equity = $2 WHERE name = $1`, unit, amount); err != nil {
			return err
		}
	}
	by := &s.treasurer
	elm, harbor, linden := s.d.sites["elm"], s.d.sites["harbor"], s.d.sites["linden"]
	if _, err := svc.RecordIndexPointTx(ctx, tx, equity.IndexPoint{Series: "CPI-U", EffectiveOn: start, Value: seedDec("321.465")}); err != nil {
		return err
	}
	rate := seedDec("2.5")
	for _, p := range []equity.NewPolicy{
		{SiteID: harbor, EffectiveFrom: start, Kind: equity.NetAssetValue, BasePrice: seedDec("100"), By: by,
			Note: "Adopted by the members' vote of " + start.AddDate(0, -1, 12).Format("2 January 2006") + "."},
		{SiteID: linden, EffectiveFrom: start, Kind: equity.LimitedEquity, BasePrice: seedDec("100"), BaseDate: time.Date(2022, 3, 1, 0, 0, 0, 0, time.UTC),
			YearlyRatePct: &rate, By: by, Note: "Limited equity from the founding in March 2022: 2.5% a year."},
		{SiteID: elm, EffectiveFrom: start, Kind: equity.LimitedEquity, BasePrice: seedDec("50"), BaseDate: start, IndexSeries: "CPI-U", By: by,
			Note: "Resale price follows the consumer price index."},
	} {
		if _, err := svc.SetPolicyTx(ctx, tx, p); err != nil {
			return err
		}
	}
	for _, m := range []loans.NewMortgage{
		{SiteID: harbor, Lender: "Maritime Credit Union", Principal: seedDec("480000.00"), YearlyRatePct: seedDec("4.5"), Months: 300, IdempotencyKey: "seed:mortgage:harbor"},
		{SiteID: linden, Lender: "Maritime Credit Union", Principal: seedDec("700000.00"), YearlyRatePct: seedDec("4.25"), Months: 300, IdempotencyKey: "seed:mortgage:linden"},
		{SiteID: elm, Lender: "Maritime Credit Union", Principal: seedDec("640000.00"), YearlyRatePct: seedDec("5"), Months: 300, IdempotencyKey: "seed:mortgage:elm"},
	} {
		if _, err := s.loans.CreateMortgageTx(ctx, tx, m); err != nil {
			return err
		}
	}
	if _, err := svc.RecordAppraisalTx(ctx, tx, equity.NewAppraisal{SiteID: harbor, AppraisedOn: start.AddDate(0, 0, -12), Amount: seedDec("482000.00"),
		Appraiser: "Quay Valuers", Note: "Opening valuation", By: by}); err != nil {
		return err
	}
	for _, b := range buyIns {
		member, site := s.d.members[b.member].ID, s.d.sites[b.site]
		if loan := seedDec(b.loan); loan.IsPositive() {
			if _, err := s.loans.ChangeShareLoanTx(ctx, tx, loans.LoanChange{MemberID: member, SiteID: site, Delta: loan,
				IdempotencyKey: "seed:buy-in-loan:" + b.member}); err != nil {
				return fmt.Errorf("share loan of %s: %w", b.member, err)
			}
		}
		if _, err := svc.IssueSharesTx(ctx, tx, equity.IssueRequest{SiteID: site, MemberID: member, Kind: equity.BuyIn,
			Amount: seedDec(requiredEquity[b.unit]), Cash: seedDec(b.cash), IdempotencyKey: "seed:buy-in:" + b.member,
			Description: fmt.Sprintf("Buy-in for %s, carried over when the equity records opened: %s cash, %s share loan", b.unit, b.cash, b.loan)}); err != nil {
			return fmt.Errorf("buy-in of %s: %w", b.member, err)
		}
		if err := s.loans.CheckLoanToValueTx(ctx, tx, member); err != nil {
			return fmt.Errorf("buy-in of %s: %w", b.member, err)
		}
	}
	return nil
}

// payMonth posts each member's payment of what the month's run billed them
// (carrying charge and share loan installment), on the day given.
func (s *equitySeed) payMonth(month, on time.Time) error {
	var bills []struct {
		MemberID int64           `db:"member_id"`
		Amount   decimal.Decimal `db:"amount"`
	}
	if err := s.tx.SelectContext(s.ctx, &bills, `
		SELECT member_id, sum(amount) AS amount FROM (
		    SELECT member_id, total AS amount FROM unit_charges WHERE month = $1::date
		    UNION ALL
		    SELECT l.member_id, i.payment FROM loan_installments i JOIN loans l ON l.id = i.loan_id
		    WHERE l.kind = 'share_loan' AND i.due_on >= $1::date AND i.due_on < ($1::date + interval '1 month')
		) b GROUP BY member_id ORDER BY member_id`, month.Format(time.DateOnly)); err != nil {
		return err
	}
	for _, b := range bills {
		if _, err := s.led.PostTx(s.ctx, s.tx, ledger.Entry{
			IdempotencyKey: fmt.Sprintf("seed:equity:payment:%d:%s", b.MemberID, month.Format("2006-01")),
			Description:    "Payment received: carrying charge and share loan, " + month.Format("January 2006"),
			EffectiveDate:  on,
			PostedBy:       &s.treasurer,
			Postings: []ledger.Posting{
				{Account: equity.AccountBank, Amount: b.Amount},
				{Account: equity.AccountsOfMember(b.MemberID).Receivable, Amount: b.Amount.Neg()},
			},
		}); err != nil {
			return err
		}
	}
	return nil
}

// events are what happens in the months after a run, on the run day: the
// index's monthly value, Harbor's appraisals, Grace's paydown and Linden's
// new rate.
func (s *equitySeed) events(month, day time.Time) error {
	ctx, tx, svc := s.ctx, s.tx, s.svc
	// The index rises about 0.23% a month.
	n := int64((month.Year()-s.start.Year())*12 + int(month.Month()-s.start.Month()) + 1)
	cpi := seedDec("321.465").Mul(decimal.NewFromInt(10000 + 23*n)).Div(decimal.NewFromInt(10000)).Round(3)
	if _, err := svc.RecordIndexPointTx(ctx, tx, equity.IndexPoint{Series: "CPI-U", EffectiveOn: day.AddDate(0, 0, 14), Value: cpi}); err != nil {
		return err
	}
	harbor, linden := s.d.sites["harbor"], s.d.sites["linden"]
	switch day.Month() {
	case time.March:
		if _, err := svc.RecordAppraisalTx(ctx, tx, equity.NewAppraisal{SiteID: harbor, AppraisedOn: day.AddDate(0, 0, 9),
			EffectiveOn: day.AddDate(0, 0, 15), Amount: seedDec("505000.00"), Appraiser: "Quay Valuers", Note: "New roof and windows", By: &s.treasurer}); err != nil {
			return err
		}
	case time.June:
		grace := s.d.members["grace"].ID
		if _, err := s.loans.ChangeShareLoanTx(ctx, tx, loans.LoanChange{MemberID: grace, SiteID: harbor, Delta: seedDec("-5000"), FromCash: true,
			IdempotencyKey: "seed:paydown:grace"}); err != nil {
			return err
		}
	case time.July:
		// The members of Linden voted a lower rate from the day after the run;
		// the new policy starts from the price it replaces.
		p, err := svc.SharePriceOnTx(ctx, tx, linden, day)
		if err != nil {
			return err
		}
		rate := seedDec("2")
		if _, err := svc.SetPolicyTx(ctx, tx, equity.NewPolicy{SiteID: linden, EffectiveFrom: day.AddDate(0, 0, 1), Kind: equity.LimitedEquity,
			BasePrice: p.Price, BaseDate: day.AddDate(0, 0, 1), YearlyRatePct: &rate, By: &s.treasurer,
			Note: "Members' vote of " + day.AddDate(0, 0, -9).Format("2 January 2006") + ": 2% a year from now on."}); err != nil {
			return err
		}
	case time.September:
		if _, err := svc.RecordAppraisalTx(ctx, tx, equity.NewAppraisal{SiteID: harbor, AppraisedOn: day.AddDate(0, 0, 6),
			EffectiveOn: day.AddDate(0, 0, 14), Amount: seedDec("516000.00"), Appraiser: "Quay Valuers", By: &s.treasurer}); err != nil {
			return err
		}
	}
	return nil
}
