package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/shopspring/decimal"

	"hearth/finance/ledger"
)

// seedLedger writes a year of the cooperative's day-to-day bookkeeping, up
// to today: opening balances at the credit union, vendor bills accrued and
// paid per site (utilities, cleaning and grounds, repairs, insurance,
// property tax), monthly transfers into the reserve savings account and the
// interest it earns, laundry and parking fees charged to members' accounts
// and paid, bank fees, a roof repair paid from reserves, and a bill entered
// twice and reversed. Carrying charges, mortgages and shares are the equity
// area's part of the demo and use the same chart of accounts.
func seedLedger(ctx context.Context, tx *sqlx.Tx, d *demo) error {
	treasurer := d.members["treasurer"].ID
	s := &ledgerSeed{ctx: ctx, tx: tx, d: d, l: d.svc.Ledger, r: rand.New(rand.NewPCG(2026, 4)), by: &treasurer}
	return s.run()
}

// ledgerSeed posts the demo's entries; r makes amounts vary believably and
// the same way on every run.
type ledgerSeed struct {
	ctx context.Context
	tx  *sqlx.Tx
	d   *demo
	l   *ledger.Ledger
	r   *rand.Rand
	by  *int64 // the treasurer, who posts every entry
}

const (
	seedBank     = "assets:bank:operating"
	seedReserve  = "assets:bank:reserve"
	seedPayable  = "liabilities:payable:vendors"
	seedOpening  = "equity:opening-balances"
	seedInterest = "income:bank-interest"
	seedBankFees = "expenses:bank-fees"
)

// siteCosts are a site's usual monthly running costs, before seasons and chance.
type siteCosts struct {
	key                           string
	utilities, grounds, insurance decimal.Decimal // insurance is quarterly
	propertyTax                   decimal.Decimal // twice a year
}

var seedSiteCosts = []siteCosts{
	{"elm", decimal.RequireFromString("610"), decimal.RequireFromString("240"), decimal.RequireFromString("1850"), decimal.RequireFromString("4300")},
	{"harbor", decimal.RequireFromString("540"), decimal.RequireFromString("210"), decimal.RequireFromString("1640"), decimal.RequireFromString("3700")},
	{"linden", decimal.RequireFromString("670"), decimal.RequireFromString("260"), decimal.RequireFromString("1720"), decimal.RequireFromString("3950")},
}

func siteCode(prefix string, siteID int64) string {
	return prefix + ":site:" + strconv.FormatInt(siteID, 10)
}

func memberReceivable(memberID int64) string {
	return "assets:receivables:member:" + strconv.FormatInt(memberID, 10)
}

// roundHalfAway rounds to the currency's places, halves away from zero.
func (s *ledgerSeed) roundHalfAway(d decimal.Decimal) decimal.Decimal { return d.Round(s.l.Places) }

// vary returns base times a factor between 1-spread and 1+spread.
func (s *ledgerSeed) vary(base decimal.Decimal, spread float64) decimal.Decimal {
	f := 1 + spread*(2*s.r.Float64()-1)
	return s.roundHalfAway(base.Mul(decimal.NewFromFloat(f)))
}

func (s *ledgerSeed) account(a ledger.Account) error { return s.l.EnsureAccountTx(s.ctx, s.tx, a) }

// post writes a two-sided entry: amount debited to one account, credited to another.
func (s *ledgerSeed) post(key, desc string, day time.Time, debit, credit string, amount decimal.Decimal) (int64, error) {
	p, err := s.l.PostTx(s.ctx, s.tx, ledger.Entry{
		IdempotencyKey: "seed:" + key, Description: desc, EffectiveDate: day,
		PostedBy: s.by,
		Postings: []ledger.Posting{{Account: debit, Amount: amount}, {Account: credit, Amount: amount.Neg()}},
	})
	if err != nil {
		return 0, fmt.Errorf("entry %s: %w", key, err)
	}
	return p.ID, nil
}

// bill accrues a vendor's bill to an expense and pays it from the bank some
// days later, unless that day is still to come.
func (s *ledgerSeed) bill(key, desc string, day time.Time, expense string, amount decimal.Decimal, payAfter int, today time.Time) error {
	if _, err := s.post(key, desc, day, expense, seedPayable, amount); err != nil {
		return err
	}
	paid := day.AddDate(0, 0, payAfter)
	if paid.After(today) {
		return nil
	}
	_, err := s.post(key+":paid", "Paid: "+desc, paid, seedPayable, seedBank, amount)
	return err
}

func (s *ledgerSeed) run() error {
	today := ledger.Day(time.Now())
	start := time.Date(today.Year()-1, today.Month(), 1, 0, 0, 0, 0, time.UTC)
	residents, err := s.chart()
	if err != nil {
		return err
	}
	if _, err := s.post("opening:bank", "Opening balance of the operating account", start, seedBank, seedOpening, decimal.RequireFromString("186000.00")); err != nil {
		return err
	}
	if _, err := s.post("opening:reserve", "Opening balance of the reserve savings account", start, seedReserve, seedOpening, decimal.RequireFromString("142500.00")); err != nil {
		return err
	}
	for month := start; !month.After(today); month = month.AddDate(0, 1, 0) {
		if err := s.month(month, today, residents); err != nil {
			return err
		}
	}

	// A roof repair at Harbor House paid from the reserves, and a utility
	// bill entered twice by mistake, then reversed.
	roof := start.AddDate(0, 7, 11)
	if _, err := s.post("roof:harbor", "Roof repair after the March storm, Harbor House (Coastline Roofing, invoice 2291)", roof,
		siteCode("expenses:repairs", s.d.sites["harbor"]), seedReserve, decimal.RequireFromString("18400.00")); err != nil {
		return err
	}
	dupDay := start.AddDate(0, 9, 5)
	dup, err := s.post("utilities:duplicate", "Utilities, "+dupDay.Format("January 2006")+" (entered twice)", dupDay,
		siteCode("expenses:utilities", s.d.sites["elm"]), seedPayable, decimal.RequireFromString("612.40"))
	if err != nil {
		return err
	}
	_, err = s.l.ReverseTx(s.ctx, s.tx, ledger.Reversal{EntryID: dup, Reason: "The same bill was entered twice", EffectiveDate: dupDay.AddDate(0, 0, 2), PostedBy: s.by})
	return err
}

// seedResident is a member living at a site today, whose account the
// ledger seed charges.
type seedResident struct {
	MemberID int64 `db:"member_id"`
	SiteID   int64 `db:"site_id"`
}

// chart opens the cooperative's accounts, each site's, and each resident's,
// and returns the residents.
func (s *ledgerSeed) chart() ([]seedResident, error) {
	for _, a := range []ledger.Account{
		{Code: seedBank, Type: ledger.Asset, Name: "Operating account at the credit union"},
		{Code: seedReserve, Type: ledger.Asset, Name: "Reserve savings at the credit union", NonNegative: true},
		{Code: seedPayable, Type: ledger.Liability, Name: "Bills to pay", NonNegative: true},
		{Code: seedOpening, Type: ledger.Equity, Name: "Opening balances"},
		{Code: seedInterest, Type: ledger.Income, Name: "Interest on savings"},
		{Code: seedBankFees, Type: ledger.Expense, Name: "Bank fees"},
	} {
		if err := s.account(a); err != nil {
			return nil, err
		}
	}
	for _, c := range seedSiteCosts {
		site := s.d.sites[c.key]
		for _, a := range []ledger.Account{
			{Code: siteCode("income:laundry", site), Type: ledger.Income, Name: "Laundry cards"},
			{Code: siteCode("income:parking", site), Type: ledger.Income, Name: "Parking permits"},
			{Code: siteCode("expenses:utilities", site), Type: ledger.Expense, Name: "Water, heat and power of the common areas"},
			{Code: siteCode("expenses:grounds", site), Type: ledger.Expense, Name: "Cleaning and grounds"},
			{Code: siteCode("expenses:repairs", site), Type: ledger.Expense, Name: "Repairs and maintenance"},
			{Code: siteCode("expenses:insurance", site), Type: ledger.Expense, Name: "Property insurance"},
			{Code: siteCode("expenses:property-tax", site), Type: ledger.Expense, Name: "Property tax"},
		} {
			a.SiteID = &site
			if err := s.account(a); err != nil {
				return nil, err
			}
		}
	}
	var residents []seedResident
	if err := s.tx.SelectContext(s.ctx, &residents, `
		SELECT member_id, site_id FROM residencies_from(current_date) ORDER BY member_id`); err != nil {
		return nil, err
	}
	for _, r := range residents {
		m := r.MemberID
		if err := s.account(ledger.Account{Code: memberReceivable(m), Type: ledger.Asset, Name: "Member's account", MemberID: &m}); err != nil {
			return nil, err
		}
	}

	return residents, nil
}

// month posts one month of the books, up to today: each site's bills,
// transfers and fees, then members' charges and payments.
func (s *ledgerSeed) month(month, today time.Time, residents []seedResident) error {
	label := month.Format("January 2006")
	mkey := month.Format("2006-01")
	day := func(n int) time.Time { return month.AddDate(0, 0, n-1) }
	past := func(n int) bool { return !day(n).After(today) }
	winter := month.Month() <= time.March || month.Month() >= time.November

	for _, c := range seedSiteCosts {
		site := s.d.sites[c.key]
		k := mkey + ":" + c.key
		if past(3) {
			if err := s.bill("grounds:"+k, "Cleaning and grounds, "+label, day(3), siteCode("expenses:grounds", site), s.vary(c.grounds, 0.1), 12, today); err != nil {
				return err
			}
		}
		if past(6) {
			base := c.utilities
			if winter {
				base = base.Mul(decimal.RequireFromString("1.45"))
			}
			if err := s.bill("utilities:"+k, "Utilities, "+label, day(6), siteCode("expenses:utilities", site), s.vary(base, 0.12), 21, today); err != nil {
				return err
			}
		}
		for i, n := 0, s.r.IntN(3); i < n; i++ {
			d := 2 + s.r.IntN(26)
			if !past(d) {
				break
			}
			what := []string{"Plumber: leaking pipe", "Electrician: hallway lights", "Locksmith: front door", "Gutter cleaning", "Boiler service", "Window repair"}[s.r.IntN(6)]
			amount := s.roundHalfAway(decimal.NewFromFloat(120 + 900*s.r.Float64()))
			if err := s.bill(fmt.Sprintf("repair:%s:%d", k, i), what+", "+label, day(d), siteCode("expenses:repairs", site), amount, 7, today); err != nil {
				return err
			}
		}
		if month.Month()%3 == 1 && past(10) {
			if _, err := s.post("insurance:"+k, "Property insurance, quarter from "+label, day(10), siteCode("expenses:insurance", site), seedBank, c.insurance); err != nil {
				return err
			}
		}
		if (month.Month() == time.April || month.Month() == time.October) && past(15) {
			if _, err := s.post("property-tax:"+k, "Property tax, half-year from "+label, day(15), siteCode("expenses:property-tax", site), seedBank, c.propertyTax); err != nil {
				return err
			}
		}
		if past(28) {
			if _, err := s.post("reserve:"+k, "Monthly transfer to reserves, "+c.key+", "+label, day(28), seedReserve, seedBank, decimal.RequireFromString("500.00")); err != nil {
				return err
			}
		}
	}

	if err := s.members(month, today, residents); err != nil {
		return err
	}
	if past(28) {
		if _, err := s.post("bank-fees:"+mkey, "Account fees, "+label, day(28), seedBankFees, seedBank, decimal.RequireFromString("12.50")); err != nil {
			return err
		}
		reserve, err := s.l.BalanceTx(s.ctx, s.tx, seedReserve, nil)
		if err != nil {
			return err
		}
		// 3.6% a year, paid monthly on the balance, rounded to the cent.
		interest := s.roundHalfAway(reserve.Mul(decimal.RequireFromString("0.003")))
		if _, err := s.post("interest:"+mkey, "Interest on reserve savings, "+label, day(28), seedReserve, seedInterest, interest); err != nil {
			return err
		}
	}
	return nil
}

// members charges residents' laundry cards and parking permits for the
// month and records their payments.
func (s *ledgerSeed) members(month, today time.Time, residents []seedResident) error {
	label := month.Format("January 2006")
	mkey := month.Format("2006-01")
	late := s.d.members["ben"].ID
	parking := map[int64]bool{}
	for _, key := range []string{"ada", "dev", "elena", "hugo", "jonas"} {
		parking[s.d.members[key].ID] = true
	}

	// Members' laundry cards and parking permits are charged to their
	// accounts at the end of the month and paid early the next.
	end := month.AddDate(0, 1, -1)
	if !end.After(today) {
		for _, r := range residents {
			k := fmt.Sprintf("%s:member:%d", mkey, r.MemberID)
			if _, err := s.post("laundry:"+k, "Laundry card, "+label, end, memberReceivable(r.MemberID), siteCode("income:laundry", r.SiteID), s.roundHalfAway(decimal.NewFromInt(int64(10+5*s.r.IntN(6))))); err != nil {
				return err
			}
			if parking[r.MemberID] {
				fee := decimal.RequireFromString("45.00")
				if _, err := s.post("parking:"+k, "Parking permit, "+label, end, memberReceivable(r.MemberID), siteCode("income:parking", r.SiteID), fee); err != nil {
					return err
				}
			}
			payDay := end.AddDate(0, 0, 2+s.r.IntN(6))
			if r.MemberID == late {
				payDay = end.AddDate(0, 0, 35) // Ben pays a month late
			}
			if payDay.After(today) {
				continue
			}
			balance, err := s.l.BalanceTx(s.ctx, s.tx, memberReceivable(r.MemberID), nil)
			if err != nil {
				return err
			}
			if _, err := s.post("payment:"+k, "Payment received for "+label, payDay, seedBank, memberReceivable(r.MemberID), balance); err != nil {
				return err
			}
		}
	}
	return nil
}
