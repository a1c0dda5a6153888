package equity_test

import (
	"context"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/shopspring/decimal"

	"hearth/app/apptest"
	"hearth/finance/equity"
	"hearth/finance/equity/loans"
	"hearth/finance/loan"
)

func (e *env) changeLoan(c loans.LoanChange) (loans.LoanChangeResult, error) {
	var res loans.LoanChangeResult
	err := e.tx(func(tx *sqlx.Tx) error {
		var err error
		res, err = e.loans.ChangeShareLoanTx(context.Background(), tx, c)
		return err
	})
	return res, err
}

// A share loan of 30,000 at 5.5% pays for shares; 40 days later it grows by
// 5,000 (the 40 days' interest, 30,000 × 5.5% × 40/365 = 180.82, is billed);
// 10 days after that 10,000 in cash pays it down, interest first
// (35,000 × 5.5% × 10/365 = 52.74), principal 9,947.26; then it is paid off.
func TestShareLoanLifecycle(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "2026-01-10")
	ctx := context.Background()
	site := e.site("Linden")
	m := e.member("Jonas")
	e.policyRate(site, "50", "0", "2026-01-01")
	rate := dec("5.5")
	open, err := e.changeLoan(loans.LoanChange{MemberID: m, SiteID: site, Delta: dec("30000"), YearlyRatePct: &rate, Months: 300, IdempotencyKey: "open"})
	if err != nil {
		t.Fatal(err)
	}
	ma := equity.AccountsOfMember(m)
	if got := e.balance(ma.Settlement, -1); !got.Equal(dec("30000")) {
		t.Errorf("held for the member after the loan = %s, want 30000", got)
	}
	e.must("shares from the loan", func(tx *sqlx.Tx) error {
		_, err := e.svc.IssueSharesTx(ctx, tx, equity.IssueRequest{SiteID: site, MemberID: m, Kind: equity.BuyIn, Amount: dec("30000"), IdempotencyKey: "buy"})
		return err
	})
	if got := e.balance(ma.Settlement, -1); !got.IsZero() {
		t.Errorf("held after buying = %s, want 0", got)
	}
	if err := e.tx(func(tx *sqlx.Tx) error { return e.loans.CheckLoanToValueTx(ctx, tx, m) }); apptest.Code(err) != "beyond_loan_to_value" {
		t.Errorf("a loan of the shares' whole value: %v, want beyond_loan_to_value", err)
	}

	e.setToday("2026-02-19")
	grown, err := e.changeLoan(loans.LoanChange{MemberID: m, SiteID: site, Delta: dec("5000"), IdempotencyKey: "grow"})
	if err != nil {
		t.Fatal(err)
	}
	if grown.Closed == nil || grown.Closed.ID != open.Open.ID || grown.Open == nil || !grown.Open.Principal.Equal(dec("35000")) ||
		grown.Open.Months != 300 || !grown.Interest.Equal(dec("180.82")) {
		t.Fatalf("increase: closed %+v, open %+v, interest %s", grown.Closed, grown.Open, grown.Interest)
	}
	if got := e.balance(ma.Receivable, 1); !got.Equal(dec("180.82")) {
		t.Errorf("billed interest = %s, want 180.82", got)
	}

	e.setToday("2026-03-01")
	down, err := e.changeLoan(loans.LoanChange{MemberID: m, SiteID: site, Delta: dec("-10000"), FromCash: true, IdempotencyKey: "down"})
	if err != nil {
		t.Fatal(err)
	}
	if !down.Interest.Equal(dec("52.74")) || !down.Open.Principal.Equal(dec("25052.74")) {
		t.Errorf("paydown: interest %s, new principal %s; want 52.74, 25052.74", down.Interest, down.Open.Principal)
	}
	if got := e.balance(ma.ShareLoan, 1); !got.Equal(dec("25052.74")) {
		t.Errorf("loan account = %s, want 25052.74", got)
	}
	if _, err := e.changeLoan(loans.LoanChange{MemberID: m, SiteID: site, Delta: dec("-25052.75"), FromCash: true, IdempotencyKey: "too much"}); apptest.Code(err) != "paydown_exceeds_loan" {
		t.Errorf("paying down more than owed: %v, want paydown_exceeds_loan", err)
	}
	quote, err := e.loans.PayoffQuote(ctx, admin, down.Open.ID, e.today)
	if err != nil {
		t.Fatal(err)
	}
	off, err := e.changeLoan(loans.LoanChange{MemberID: m, SiteID: site, Delta: quote.Total.Neg(), FromCash: true, IdempotencyKey: "payoff"})
	if err != nil {
		t.Fatal(err)
	}
	if off.Open != nil || e.balance(ma.ShareLoan, 1).Sign() != 0 || e.balance(equity.AccountShareLoanFunding, -1).Sign() != 0 {
		t.Errorf("after payoff: open %+v, loan %s, funding %s", off.Open, e.balance(ma.ShareLoan, 1), e.balance(equity.AccountShareLoanFunding, -1))
	}
	if again, err := e.changeLoan(loans.LoanChange{MemberID: m, SiteID: site, Delta: quote.Total.Neg(), FromCash: true, IdempotencyKey: "payoff"}); err != nil || !again.Replayed {
		t.Errorf("payoff replayed: %v, replayed %v", err, again.Replayed)
	}
	if _, err := e.changeLoan(loans.LoanChange{MemberID: m, SiteID: site, Delta: dec("-1"), FromCash: true, IdempotencyKey: "none left"}); apptest.Code(err) != "no_share_loan" {
		t.Errorf("paying down no loan: %v, want no_share_loan", err)
	}
	if tb := e.trialBalance(); !tb.IsZero() {
		t.Errorf("trial balance %s", tb)
	}
}

// The monthly runs post a share loan's installments exactly as its
// schedule has them, billed to the member, and close it with the last.
func TestShareLoanInstallmentsFollowTheSchedule(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "2026-01-31")
	ctx := context.Background()
	site := e.site("Elm")
	m := e.member("Dev")
	rate := dec("7")
	res, err := e.changeLoan(loans.LoanChange{MemberID: m, SiteID: site, Delta: dec("1000"), YearlyRatePct: &rate, Months: 12, IdempotencyKey: "l"})
	if err != nil {
		t.Fatal(err)
	}
	e.must("pay out what was lent", func(tx *sqlx.Tx) error {
		_, err := e.svc.PayOutSettlementTx(ctx, tx, m, dec("1000"), "out")
		return err
	})
	for month := day("2026-02-01"); month.Before(day("2027-02-01")); month = month.AddDate(0, 1, 0) {
		e.today = month.AddDate(0, 1, 0)
		if _, err := e.charges.RunScheduledCharges(ctx, month); err != nil {
			t.Fatalf("%s: %v", month.Format("2006-01"), err)
		}
	}
	want, err := loan.Schedule(loan.Terms{Principal: dec("1000"), YearlyRatePct: rate, Months: 12, Start: day("2026-01-31")})
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.loans.Installments(ctx, admin, res.Open.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d installments posted, want %d", len(got), len(want))
	}
	paid := decimal.Zero
	for i := range want {
		g, w := got[i], want[i]
		if g.Period != w.Period || !g.DueOn.Equal(w.Date) || !g.Payment.Equal(w.Payment) || !g.Interest.Equal(w.Interest) || !g.Principal.Equal(w.Principal) {
			t.Errorf("installment %d: got %+v, want %+v", i+1, g, w)
		}
		paid = paid.Add(w.Payment)
	}
	l, err := e.loans.Loan(ctx, admin, res.Open.ID)
	if err != nil {
		t.Fatal(err)
	}
	if l.Open() || !l.Balance().IsZero() {
		t.Errorf("after the last installment: open %v, balance %s", l.Open(), l.Balance())
	}
	ma := equity.AccountsOfMember(m)
	if got := e.balance(ma.Receivable, 1); !got.Equal(paid) {
		t.Errorf("billed %s, want the schedule's payments %s", got, paid)
	}
	if got := e.balance(ma.ShareLoan, 1); !got.IsZero() {
		t.Errorf("loan account %s, want 0", got)
	}
}

func TestLoanRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "2026-05-01")
	ctx := context.Background()
	site := e.site("Harbor")
	mortgage := func(principal string, rate string, months int, start time.Time, key string) error {
		return e.tx(func(tx *sqlx.Tx) error {
			_, err := e.loans.CreateMortgageTx(ctx, tx, loans.NewMortgage{SiteID: site, Principal: dec(principal), YearlyRatePct: dec(rate),
				Months: months, StartsOn: start, IdempotencyKey: key})
			return err
		})
	}
	for _, tc := range []struct {
		name, principal, rate string
		months                int
		start                 time.Time
		code                  string
	}{
		{"zero principal", "0", "5", 360, time.Time{}, "principal_not_positive"},
		{"negative principal", "-100", "5", 360, time.Time{}, "principal_not_positive"},
		{"principal in fractions of a cent", "100.005", "5", 360, time.Time{}, "principal_not_cents"},
		{"zero months", "100000", "5", 0, time.Time{}, "term_not_positive"},
		{"negative rate", "100000", "-1", 360, time.Time{}, "rate_negative"},
		{"started in the past", "100000", "5", 360, day("2026-04-30"), "loan_start_in_past"},
	} {
		if err := mortgage(tc.principal, tc.rate, tc.months, tc.start, tc.name); apptest.Code(err) != tc.code {
			t.Errorf("%s: %v, want %s", tc.name, err, tc.code)
		}
	}
	if n := e.count(`SELECT count(*) FROM loans`); n != 0 {
		t.Errorf("refused mortgages wrote %d loans", n)
	}
	if err := mortgage("100000", "5", 360, time.Time{}, "first"); err != nil {
		t.Fatal(err)
	}
	if err := mortgage("100000", "5", 360, time.Time{}, "first"); err != nil {
		t.Errorf("the same mortgage again: %v, want the first back", err)
	}
	if err := mortgage("200000", "5", 360, time.Time{}, "first"); apptest.Code(err) != "idempotency_key_reused" {
		t.Errorf("same key, other mortgage: %v, want idempotency_key_reused", err)
	}
	if err := mortgage("100000", "5", 360, time.Time{}, "second"); apptest.Code(err) != "mortgage_exists" {
		t.Errorf("a second open mortgage: %v, want mortgage_exists", err)
	}
	m := e.member("Farid")
	if _, err := e.changeLoan(loans.LoanChange{MemberID: m, SiteID: site, Delta: dec("5000"), Months: -3, IdempotencyKey: "bad term"}); apptest.Code(err) != "term_not_positive" {
		t.Errorf("share loan of -3 months: %v, want term_not_positive", err)
	}
	if _, err := e.changeLoan(loans.LoanChange{MemberID: m, SiteID: site, IdempotencyKey: "zero"}); apptest.Code(err) != "loan_change_zero" {
		t.Errorf("zero change: %v, want loan_change_zero", err)
	}
	pool, err := e.loans.PoolDetail(ctx, admin, site)
	ls := pool.Mortgages
	if err != nil || len(ls) != 1 {
		t.Fatalf("site loans: %v, %d", err, len(ls))
	}
	if got := ls[0].MonthlyPayment(); !got.Equal(dec("536.82")) {
		t.Errorf("payment of 100,000 at 5%% over 30 years = %s, want 536.82", got)
	}
	if apr, err := ls[0].APR(); err != nil || !apr.Equal(dec("5")) {
		t.Errorf("APR = %s (%v), want 5.00", apr, err)
	}
}
