// Package loans keeps the cooperative's loans from the credit union: each
// site's blanket mortgage and the members' share loans, their schedules,
// the installments a charge run posts, payoff quotes, paydowns, and the
// loan-to-value limit. It stands on the share pools of finance/equity: a
// mortgage opens its site's pool, and shares secure a share loan.
package loans

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/shopspring/decimal"

	"hearth/app"
	"hearth/finance/equity"
	"hearth/finance/ledger"
	"hearth/finance/loan"
)

// Service is the loans area, on the equity service's pools, ledger and
// clock.
type Service struct {
	DB     *sqlx.DB
	Ledger *ledger.Ledger
	Equity *equity.Service
}

// New returns the loans service on the equity service.
func New(eq *equity.Service) *Service {
	return &Service{DB: eq.DB, Ledger: eq.Ledger, Equity: eq}
}

// requirePoolChange refuses p a change of a pool's money settings, such as
// its mortgage (equity.CanChangePool). Errors: forbidden (403).
func requirePoolChange(p *app.Principal) error {
	if !equity.CanChangePool(p) {
		return app.Forbidden("Only the treasurer (an admin) can do that.")
	}
	return nil
}

func id(n int64) string { return strconv.FormatInt(n, 10) }

var hundred = decimal.NewFromInt(100)

// LoanKind tells a site's blanket mortgage from a member's share loan.
type LoanKind string

// The kinds of loan from the credit union.
const (
	Mortgage  LoanKind = "mortgage"
	ShareLoan LoanKind = "share_loan"
)

// Label names a loan kind for people.
func (k LoanKind) Label() string {
	if k == Mortgage {
		return "Blanket mortgage"
	}
	return "Share loan"
}

// Loan is a fixed-rate loan from the credit union, amortized monthly by
// finance/loan. Its terms never change: a paydown or an increase of a share
// loan closes it and opens a replacement (ReplacesLoanID) for the new balance
// over the remaining months.
type Loan struct {
	ID             int64           `db:"id" json:"id"`
	Kind           LoanKind        `db:"kind" json:"kind"`
	SiteID         int64           `db:"site_id" json:"site_id"`
	SiteName       string          `db:"site_name" json:"site_name"`
	MemberID       *int64          `db:"member_id" json:"member_id"`
	MemberName     *string         `db:"member_name" json:"member_name"`
	Lender         string          `db:"lender" json:"lender"`
	Principal      decimal.Decimal `db:"principal" json:"principal"`
	YearlyRatePct  decimal.Decimal `db:"yearly_rate_pct" json:"yearly_rate_pct"`
	Months         int             `db:"months" json:"months"`
	StartsOn       time.Time       `db:"starts_on" json:"starts_on"`
	ReplacesLoanID *int64          `db:"replaces_loan_id" json:"replaces_loan_id"`
	ClosedOn       *time.Time      `db:"closed_on" json:"closed_on"`
	PaidPeriods    int             `db:"paid_periods" json:"paid_periods"`
	PaidPrincipal  decimal.Decimal `db:"paid_principal" json:"-"`
	Key            string          `db:"idempotency_key" json:"-"`
}

func (l *Loan) normalize() {
	l.StartsOn = equity.Day(l.StartsOn)
	if l.ClosedOn != nil {
		c := equity.Day(*l.ClosedOn)
		l.ClosedOn = &c
	}
}

// Terms returns the loan's terms for finance/loan.
func (l Loan) Terms() loan.Terms {
	return loan.Terms{Principal: l.Principal, YearlyRatePct: l.YearlyRatePct, Months: l.Months, Start: l.StartsOn}
}

// MonthlyPayment is the level monthly payment (loan.MonthlyPayment).
func (l Loan) MonthlyPayment() decimal.Decimal { return loan.MonthlyPayment(l.Terms()) }

// Open reports whether the loan is still running.
func (l Loan) Open() bool { return l.ClosedOn == nil }

// Schedule is the loan's amortization schedule (loan.Schedule).
func (l Loan) Schedule() ([]loan.Installment, error) { return loan.Schedule(l.Terms()) }

// Balance is the principal owed after the paid installments (the
// schedule's balance after them); zero once the loan is closed. The ledger
// account of the open loan holds the same amount.
func (l Loan) Balance() decimal.Decimal {
	if !l.Open() {
		return decimal.Zero
	}
	return l.Principal.Sub(l.PaidPrincipal)
}

// installment returns installment k of the loan's schedule from the
// balance before it and the level payment: one step of loan.Schedule
// (interest = balance × rate / 1200 rounded to the cent, principal = payment
// − interest, the last installment taking the whole balance), so that a run
// over ten thousand loans need not compute ten thousand whole schedules.
// TestShareLoanInstallmentsFollowTheSchedule checks that the monthly runs
// post exactly loan.Schedule's installments.
func (l Loan) installment(k int, balance, payment decimal.Decimal) loan.Installment {
	interest := balance.Mul(l.YearlyRatePct).DivRound(decimal.NewFromInt(1200), equity.MoneyPlaces)
	principal := payment.Sub(interest)
	if k == l.Months || principal.GreaterThan(balance) {
		principal = balance
	}
	return loan.Installment{
		Period: k, Date: dueDate(l.StartsOn, k),
		Payment: interest.Add(principal), Interest: interest, Principal: principal, Balance: balance.Sub(principal),
	}
}

// APR is the annual percentage rate of the loan by Regulation Z Appendix J
// (loan.APR): the principal advanced on the start day, repaid by Months
// level payments from one month later.
func (l Loan) APR() (decimal.Decimal, error) {
	return loan.APR(loan.APRInput{
		Amount:           l.Principal,
		Payment:          l.MonthlyPayment(),
		Count:            l.Months,
		Frequency:        loan.Monthly,
		AdvanceDate:      l.StartsOn,
		FirstPaymentDate: l.StartsOn.AddDate(0, 1, 0),
	})
}

const selectLoans = `
SELECT l.id, l.kind, l.site_id, s.name AS site_name, l.member_id, m.name AS member_name, l.lender, l.principal,
       l.yearly_rate_pct, l.months, l.starts_on, l.replaces_loan_id, l.closed_on, l.idempotency_key,
       coalesce(i.paid_periods, 0) AS paid_periods, coalesce(i.paid_principal, 0) AS paid_principal
FROM loans l
LEFT JOIN LATERAL (SELECT count(*) AS paid_periods, sum(principal) AS paid_principal
                   FROM loan_installments WHERE loan_id = l.id) i ON true JOIN sites s ON s.id = l.site_id LEFT JOIN members m ON m.id = l.member_id`

func (s *Service) loanWhere(ctx context.Context, q sqlx.QueryerContext, where string, args ...any) ([]Loan, error) {
	ls := []Loan{}
	if err := sqlx.SelectContext(ctx, q, &ls, selectLoans+" WHERE "+where, args...); err != nil {
		return nil, fmt.Errorf("equity: unable to read loans: %w", err)
	}
	for i := range ls {
		ls[i].normalize()
	}
	return ls, nil
}

// requireLoanView refuses p a loan they may not see: a site mortgage is seen by
// whoever sees the site's pool (poolVisibleTo), a share loan by its member
// and the treasurer. Errors: forbidden (403).
func (s *Service) requireLoanView(ctx context.Context, p *app.Principal, l Loan) error {
	if l.Kind == Mortgage {
		return s.Equity.RequirePoolView(ctx, p, l.SiteID)
	}
	return p.RequireMoneyOf(*l.MemberID)
}

// Loan returns a loan to whoever may see it (requireLoanView). Errors:
// loan_not_found (404); forbidden (403).
func (s *Service) Loan(ctx context.Context, p *app.Principal, loanID int64) (Loan, error) {
	l, err := s.loan(ctx, s.DB, loanID)
	if err != nil {
		return l, err
	}
	return l, s.requireLoanView(ctx, p, l)
}

// loan returns one loan. Errors: loan_not_found (404).
func (s *Service) loan(ctx context.Context, q sqlx.QueryerContext, loanID int64) (Loan, error) {
	ls, err := s.loanWhere(ctx, q, "l.id = $1", loanID)
	if err != nil {
		return Loan{}, err
	}
	if len(ls) == 0 {
		return Loan{}, app.Errorf(app.KindNotFound, "loan_not_found", "There is no such loan.")
	}
	return ls[0], nil
}

// ShareLoan returns a member's open share loan to the member and the
// treasurer. Errors: forbidden (403); no_share_loan (404).
func (s *Service) ShareLoan(ctx context.Context, p *app.Principal, memberID int64) (Loan, error) {
	if err := p.RequireMoneyOf(memberID); err != nil {
		return Loan{}, err
	}
	return s.shareLoanOf(ctx, s.DB, memberID)
}

// ShareLoanOfTx returns a member's open share loan inside the caller's
// transaction, for a move to quote. Errors: no_share_loan (404).
func (s *Service) ShareLoanOfTx(ctx context.Context, tx *sqlx.Tx, memberID int64) (Loan, error) {
	return s.shareLoanOf(ctx, tx, memberID)
}

func (s *Service) shareLoanOf(ctx context.Context, q sqlx.QueryerContext, memberID int64) (Loan, error) {
	ls, err := s.loanWhere(ctx, q, "l.member_id = $1 AND l.kind = 'share_loan' AND l.closed_on IS NULL", memberID)
	if err != nil {
		return Loan{}, err
	}
	if len(ls) == 0 {
		return Loan{}, app.Errorf(app.KindNotFound, "no_share_loan", "The member has no open share loan.")
	}
	return ls[0], nil
}

// NewMortgage is what recording a site's blanket mortgage needs.
type NewMortgage struct {
	SiteID         int64
	Lender         string // default "Credit union"
	Principal      decimal.Decimal
	YearlyRatePct  decimal.Decimal
	Months         int
	StartsOn       time.Time // the day it is funded; today when zero, never in the past
	IdempotencyKey string
}

// CreateMortgage records a site's blanket mortgage, funded on StartsOn, and
// posts its principal: the property it paid for against the mortgage owed.
// The monthly charge run posts its installments. A site has one open
// mortgage at a time; an existing mortgage is entered as a new loan of its
// current balance over its remaining months (docs/equity.md).
//
// Errors: site_not_found (404); principal_not_positive, principal_not_cents,
// term_not_positive, term_too_long, rate_negative, rate_too_high,
// loan_start_in_past, invalid_idempotency_key (422); mortgage_exists,
// idempotency_key_reused (409); forbidden (403) unless p may change the
// pool (CanChangePool).
func (s *Service) CreateMortgage(ctx context.Context, p *app.Principal, in NewMortgage) (Loan, error) {
	var l Loan
	if err := requirePoolChange(p); err != nil {
		return l, err
	}
	err := app.InTx(ctx, s.DB, func(tx *sqlx.Tx) error {
		var err error
		l, err = s.CreateMortgageTx(ctx, tx, in)
		return err
	})
	return l, err
}

// CreateMortgageTx is CreateMortgage inside the caller's transaction, for
// the demo seed.
func (s *Service) CreateMortgageTx(ctx context.Context, tx *sqlx.Tx, in NewMortgage) (Loan, error) {
	if err := equity.CheckIdempotencyKey(in.IdempotencyKey); err != nil {
		return Loan{}, err
	}
	today, err := s.Equity.SiteTodayTx(ctx, tx, in.SiteID)
	if err != nil {
		return Loan{}, err
	}
	start := today
	if !in.StartsOn.IsZero() {
		start = equity.Day(in.StartsOn)
	}
	in.Lender = strings.TrimSpace(in.Lender)
	if in.Lender == "" {
		in.Lender = "Credit union"
	}
	t := loan.Terms{Principal: in.Principal, YearlyRatePct: in.YearlyRatePct, Months: in.Months, Start: start}
	if err := t.Validate(); err != nil {
		return Loan{}, err
	}
	if err := equity.CheckRateAndTerm(in.YearlyRatePct, in.Months); err != nil {
		return Loan{}, err
	}
	if start.Before(today) {
		return Loan{}, app.Unprocessable("loan_start_in_past",
			"A loan is recorded from the day it is funded, today or later. Enter an older mortgage as a loan of its balance today over its remaining months.").OnField("starts_on")
	}
	if len(in.Lender) > 200 {
		return Loan{}, app.Unprocessable("lender_too_long", "The lender's name has at most 200 characters.").OnField("lender")
	}
	if prior, err := s.loanWhere(ctx, tx, "l.idempotency_key = $1", in.IdempotencyKey); err != nil {
		return Loan{}, err
	} else if len(prior) == 1 {
		p := prior[0]
		if p.Kind != Mortgage || p.SiteID != in.SiteID || !p.Principal.Equal(in.Principal) || p.Months != in.Months ||
			!p.YearlyRatePct.Equal(in.YearlyRatePct) || !p.StartsOn.Equal(start) {
			return Loan{}, equity.KeyReused(in.IdempotencyKey)
		}
		return p, nil
	}
	if err := s.Equity.OpenPoolTx(ctx, tx, in.SiteID); err != nil {
		return Loan{}, err
	}
	var loanID int64
	err = tx.GetContext(ctx, &loanID, `
		INSERT INTO loans (kind, site_id, lender, principal, yearly_rate_pct, months, starts_on, idempotency_key)
		VALUES ('mortgage', $1, $2, $3, $4, $5, $6::date, $7) RETURNING id`,
		in.SiteID, in.Lender, in.Principal, in.YearlyRatePct, in.Months, equity.SQLDate(start), in.IdempotencyKey)
	if err != nil {
		return Loan{}, loanError(err)
	}
	acc := equity.AccountsOfSite(in.SiteID)
	if _, err := s.Ledger.PostTx(ctx, tx, ledger.Entry{
		IdempotencyKey: fmt.Sprintf("equity:loan:%d:funded", loanID),
		Description:    fmt.Sprintf("Blanket mortgage from %s: %s at %s%% over %d months", in.Lender, equity.FormatMoney(in.Principal), in.YearlyRatePct.String(), in.Months),
		EffectiveDate:  today,
		Metadata:       map[string]string{"site_id": id(in.SiteID), "loan_id": id(loanID)},
		Postings: []ledger.Posting{
			{Account: acc.Property, Amount: in.Principal},
			{Account: acc.Mortgage, Amount: in.Principal.Neg()},
		},
	}); err != nil {
		return Loan{}, err
	}
	return s.loan(ctx, tx, loanID)
}

func loanError(err error) error {
	switch app.PQConstraint(err) {
	case "loans_one_open_mortgage":
		return app.Conflict("mortgage_exists", "This site already has an open blanket mortgage.")
	case "loans_one_open_share_loan":
		return app.Conflict("share_loan_exists", "The member already has an open share loan.")
	case "loans_idempotency_key_key":
		return app.Conflict("idempotency_key_reused", "That idempotency key was already used for another loan.")
	case "loans_site_id_fkey":
		return app.Errorf(app.KindNotFound, "site_not_found", "There is no such site.")
	case "loans_member_id_fkey":
		return app.Errorf(app.KindNotFound, "member_not_found", "There is no such member.")
	}
	return fmt.Errorf("equity: unable to write loan: %w", err)
}

// Payoff is what closes a loan on a day (loan.PayoffQuote).
type Payoff struct {
	loan.Payoff
	On time.Time // the day of the quote
}

// PayoffQuote returns what closes an open loan on a day (today at its site
// when zero) to whoever may see the loan: the schedule's balance after the
// paid installments plus interest accrued since the last one. The day is
// in the answer also when the loan cannot be closed on it. Errors:
// loan_not_found (404); forbidden (403); loan_closed,
// payoff_date_too_early (422).
func (s *Service) PayoffQuote(ctx context.Context, p *app.Principal, loanID int64, on time.Time) (Payoff, error) {
	l, err := s.Loan(ctx, p, loanID)
	if err != nil {
		return Payoff{}, err
	}
	if on.IsZero() {
		if on, err = s.Equity.SiteToday(ctx, l.SiteID); err != nil {
			return Payoff{}, err
		}
	}
	q, err := payoffQuote(l, on)
	return Payoff{Payoff: q, On: equity.Day(on)}, err
}

// PayoffQuoteTx is PayoffQuote inside the caller's transaction, for a move
// to quote. Errors: loan_not_found (404); loan_closed,
// payoff_date_too_early (422).
func (s *Service) PayoffQuoteTx(ctx context.Context, tx *sqlx.Tx, loanID int64, on time.Time) (loan.Payoff, error) {
	l, err := s.loan(ctx, tx, loanID)
	if err != nil {
		return loan.Payoff{}, err
	}
	return payoffQuote(l, on)
}

func payoffQuote(l Loan, on time.Time) (loan.Payoff, error) {
	if !l.Open() {
		return loan.Payoff{}, app.Unprocessable("loan_closed", "This loan was closed on %s.", equity.SQLDate(*l.ClosedOn))
	}
	return loan.PayoffQuote(l.Terms(), l.PaidPeriods, equity.Day(on))
}

// LoanChange changes a member's share loan today: a positive Delta lends
// more (opening a loan when there is none), a negative Delta pays it down.
// The money lent is credited to the member's settlement account, for
// IssueSharesTx in the same transaction; a paydown comes from the settlement
// account (the proceeds of RedeemShares) or, when FromCash, from cash the
// member pays now.
type LoanChange struct {
	MemberID int64
	SiteID   int64           // the site whose shares secure the new loan
	Delta    decimal.Decimal // in cents, not zero
	FromCash bool
	// YearlyRatePct and Months set the terms of a new loan (the settings'
	// share-loan terms when zero); a changed loan keeps its rate and end.
	YearlyRatePct  *decimal.Decimal
	Months         int
	IdempotencyKey string
}

// LoanChangeResult says what ChangeShareLoanTx did: the loan it closed (if
// any), the loan now open (nil after a payoff), the interest accrued since
// the last installment that it settled, and the ledger entry.
type LoanChangeResult struct {
	Closed   *Loan
	Open     *Loan
	Interest decimal.Decimal
	EntryID  int64
	Replayed bool
}

// ChangeShareLoanTx opens, increases, pays down or pays off a member's share
// loan today, inside the caller's transaction. The open loan, if any, is
// closed at its payoff quote: the interest accrued since its last
// installment is settled (first out of a paydown, as loan.Allocate
// allocates a payment, the rest billed to the member's account) and a
// replacement loan is opened for the new principal over the months left, at
// the same rate. It does not check the loan-to-value limit, because the
// shares the loan pays for are issued after it: call CheckLoanToValueTx at the
// end of the transaction.
//
// Errors: invalid_idempotency_key, loan_change_zero, amount_not_cents,
// no_share_loan, paydown_exceeds_loan, and the term errors of finance/loan
// (422); idempotency_key_reused (409); settlement_short (422) when the
// settlement account does not hold a paydown.
func (s *Service) ChangeShareLoanTx(ctx context.Context, tx *sqlx.Tx, in LoanChange) (LoanChangeResult, error) {
	var res LoanChangeResult
	if err := equity.CheckIdempotencyKey(in.IdempotencyKey); err != nil {
		return res, err
	}
	if in.Delta.IsZero() {
		return res, app.Unprocessable("loan_change_zero", "Say how much to lend or to pay down.").OnField("loan")
	}
	if !equity.IsCents(in.Delta) {
		return res, app.Unprocessable("amount_not_cents", "Amounts are in whole cents, such as 2500.50.").OnField("loan")
	}
	if done, err := s.replayLoanChange(ctx, tx, in, &res); done || err != nil {
		return res, err
	}
	if err := s.Equity.EnsureMemberAccountsTx(ctx, tx, in.MemberID); err != nil {
		return res, err
	}
	ch := loanChange{LoanChange: in, today: s.Equity.Today()}
	ls, err := s.loanWhere(ctx, tx, "l.member_id = $1 AND l.kind = 'share_loan' AND l.closed_on IS NULL FOR UPDATE OF l", in.MemberID)
	if err != nil {
		return res, err
	}
	if len(ls) == 0 {
		err = s.planNewLoan(ctx, tx, &ch)
	} else {
		err = s.closeForChange(ctx, tx, ls[0], &ch, &res)
	}
	if err != nil {
		return res, err
	}
	if in.Delta.IsPositive() {
		macc := equity.AccountsOfMember(in.MemberID)
		ch.postings = append(ch.postings,
			ledger.Posting{Account: macc.ShareLoan, Amount: in.Delta},
			ledger.Posting{Account: macc.Settlement, Amount: in.Delta.Neg()},
			ledger.Posting{Account: equity.AccountBank, Amount: in.Delta}, // advanced by the credit union
			ledger.Posting{Account: equity.AccountShareLoanFunding, Amount: in.Delta.Neg()},
		)
	}
	if ch.terms.Principal.IsPositive() {
		if res.Open, err = s.openReplacement(ctx, tx, ch); err != nil {
			return res, err
		}
	}
	return res, s.recordLoanChange(ctx, tx, ch, &res)
}

// loanChange is a change of a share loan as ChangeShareLoanTx works it out.
type loanChange struct {
	LoanChange
	today    time.Time
	postings []ledger.Posting
	replaces *int64     // the loan closed, if any
	terms    loan.Terms // of the loan opened (none when its principal is zero)
}

// planNewLoan plans the first share loan of a member, on the settings'
// terms unless the change gives its own. Errors: no_share_loan (422) for a
// paydown.
func (s *Service) planNewLoan(ctx context.Context, tx *sqlx.Tx, ch *loanChange) error {
	if ch.Delta.IsNegative() {
		return app.Unprocessable("no_share_loan", "The member has no share loan to pay down.").OnField("loan")
	}
	st, err := s.Equity.SettingsTx(ctx, tx)
	if err != nil {
		return err
	}
	ch.terms = loan.Terms{YearlyRatePct: st.ShareLoanRatePct, Months: st.ShareLoanMonths, Principal: ch.Delta}
	if ch.YearlyRatePct != nil {
		ch.terms.YearlyRatePct = *ch.YearlyRatePct
	}
	if ch.Months != 0 {
		ch.terms.Months = ch.Months
	}
	return nil
}

// closeForChange closes a member's open share loan at its payoff quote and
// plans its replacement: the interest accrued since its last installment
// is settled (first out of a paydown, as loan.Allocate allocates a payment,
// the rest billed to the member's account); the replacement keeps its rate
// over the months left. Errors: paydown_exceeds_loan (422).
func (s *Service) closeForChange(ctx context.Context, tx *sqlx.Tx, old Loan, ch *loanChange, res *LoanChangeResult) error {
	macc := equity.AccountsOfMember(ch.MemberID)
	balance, accrued := old.Balance(), decimal.Zero
	if quote, err := loan.PayoffQuote(old.Terms(), old.PaidPeriods, ch.today); err == nil {
		accrued = quote.AccruedInterest
	}
	billed, principal := accrued, balance.Add(ch.Delta)
	if ch.Delta.IsNegative() {
		pay := ch.Delta.Neg()
		interest, paid, over := loan.Allocate(pay, accrued, balance)
		if over.IsPositive() {
			return app.Unprocessable("paydown_exceeds_loan",
				"The loan is paid off with %s today; %s is %s too much.", equity.FormatMoney(balance.Add(accrued)), equity.FormatMoney(pay), equity.FormatMoney(over)).OnField("loan")
		}
		source := macc.Settlement
		if ch.FromCash {
			source = equity.AccountBank
		}
		billed, principal = accrued.Sub(interest), balance.Sub(paid)
		ch.postings = append(ch.postings,
			ledger.Posting{Account: source, Amount: pay},
			ledger.Posting{Account: equity.AccountBank, Amount: pay.Neg()}, // passed on to the credit union
			ledger.Posting{Account: macc.ShareLoan, Amount: paid.Neg()},
			ledger.Posting{Account: equity.AccountShareLoanFunding, Amount: paid},
		)
	}
	if billed.IsPositive() {
		// Interest the paydown did not cover: the cooperative pays it to
		// the credit union and bills the member.
		ch.postings = append(ch.postings,
			ledger.Posting{Account: macc.Receivable, Amount: billed},
			ledger.Posting{Account: equity.AccountBank, Amount: billed.Neg()})
	}
	res.Interest = accrued
	ch.replaces = &old.ID
	ch.terms = loan.Terms{YearlyRatePct: old.YearlyRatePct, Months: max(old.Months-old.PaidPeriods, 1), Principal: principal}
	if _, err := tx.ExecContext(ctx, `UPDATE loans SET closed_on = $2::date WHERE id = $1`, old.ID, equity.SQLDate(ch.today)); err != nil {
		return loanError(err)
	}
	closed := old
	closed.ClosedOn = &ch.today
	res.Closed = &closed
	return nil
}

// openReplacement opens the share loan a change plans, from today. Errors:
// the term errors of finance/loan (422).
func (s *Service) openReplacement(ctx context.Context, tx *sqlx.Tx, ch loanChange) (*Loan, error) {
	t := ch.terms
	t.Start = ch.today
	if err := t.Validate(); err != nil {
		return nil, err
	}
	if err := equity.CheckRateAndTerm(t.YearlyRatePct, t.Months); err != nil {
		return nil, err
	}
	var lid int64
	err := tx.GetContext(ctx, &lid, `
		INSERT INTO loans (kind, site_id, member_id, principal, yearly_rate_pct, months, starts_on, replaces_loan_id, idempotency_key)
		VALUES ('share_loan', $1, $2, $3, $4, $5, $6::date, $7, $8) RETURNING id`,
		ch.SiteID, ch.MemberID, t.Principal, t.YearlyRatePct, t.Months, equity.SQLDate(ch.today), ch.replaces, "loan-change:"+ch.IdempotencyKey)
	if err != nil {
		return nil, loanError(err)
	}
	l, err := s.loan(ctx, tx, lid)
	return &l, err
}

// recordLoanChange posts a change's entry and records the change.
func (s *Service) recordLoanChange(ctx context.Context, tx *sqlx.Tx, ch loanChange, res *LoanChangeResult) error {
	desc := fmt.Sprintf("Share loan: %s lent", equity.FormatMoney(ch.Delta))
	if ch.Delta.IsNegative() {
		desc = fmt.Sprintf("Share loan: %s paid down", equity.FormatMoney(ch.Delta.Neg()))
	}
	posted, err := s.Ledger.PostTx(ctx, tx, ledger.Entry{
		IdempotencyKey: "equity:loan-change:" + ch.IdempotencyKey,
		Description:    desc,
		EffectiveDate:  ch.today,
		Metadata:       map[string]string{"member_id": id(ch.MemberID), "site_id": id(ch.SiteID)},
		Postings:       equity.NetPostings(ch.postings...),
	})
	if err != nil {
		return equity.TranslateLedger(err)
	}
	res.EntryID = posted.ID
	var toLoan *int64
	if res.Open != nil {
		toLoan = &res.Open.ID
	}
	_, err = tx.ExecContext(ctx, `
		INSERT INTO loan_changes (site_id, member_id, from_loan_id, to_loan_id, changed_on, delta, interest, from_cash, entry_id, idempotency_key)
		VALUES ($1, $2, $3, $4, $5::date, $6, $7, $8, $9, $10)`,
		ch.SiteID, ch.MemberID, ch.replaces, toLoan, equity.SQLDate(ch.today), ch.Delta, res.Interest, ch.FromCash, posted.ID, ch.IdempotencyKey)
	if app.PQConstraint(err) == "loan_changes_idempotency_key_key" {
		return equity.KeyReused(ch.IdempotencyKey)
	}
	if err != nil {
		return fmt.Errorf("equity: unable to record loan change: %w", err)
	}
	return nil
}

// Paydown is cash a member paid against their open share loan: the loan of
// MemberID, or of the member whose loan LoanID is (a loan's page).
type Paydown struct {
	MemberID       int64
	LoanID         int64
	Amount         decimal.Decimal
	IdempotencyKey string
}

// PayDownShareLoan records a paydown (the treasurer's): the member's open
// share loan is replaced by one of the balance left (ChangeShareLoanTx).
// Errors: loan_not_found (404) and forbidden (403) for a LoanID the caller
// may not see; forbidden (403); not_found (404) for a mortgage;
// amount_not_positive (422); no_share_loan (404); those of
// ChangeShareLoanTx.
func (s *Service) PayDownShareLoan(ctx context.Context, p *app.Principal, in Paydown) (LoanChangeResult, error) {
	var res LoanChangeResult
	if in.LoanID != 0 {
		l, err := s.Loan(ctx, p, in.LoanID)
		if err != nil {
			return res, err
		}
		if err := p.RequireAdmin(); err != nil {
			return res, err
		}
		if l.MemberID == nil {
			return res, app.NotFound("Only share loans are paid down here.")
		}
		in.MemberID = *l.MemberID
	}
	if err := p.RequireAdmin(); err != nil {
		return res, err
	}
	if !in.Amount.IsPositive() {
		return res, app.Unprocessable("amount_not_positive", "The amount must be more than zero.").OnField("amount")
	}
	l, err := s.shareLoanOf(ctx, s.DB, in.MemberID)
	if err != nil {
		return res, err
	}
	err = app.InTx(ctx, s.DB, func(tx *sqlx.Tx) error {
		res, err = s.ChangeShareLoanTx(ctx, tx, LoanChange{MemberID: in.MemberID, SiteID: l.SiteID, Delta: in.Amount.Neg(),
			FromCash: true, IdempotencyKey: in.IdempotencyKey})
		return err
	})
	return res, err
}

// replayLoanChange fills res from an earlier change with the same key.
func (s *Service) replayLoanChange(ctx context.Context, tx *sqlx.Tx, in LoanChange, res *LoanChangeResult) (bool, error) {
	var prior struct {
		MemberID int64           `db:"member_id"`
		Delta    decimal.Decimal `db:"delta"`
		FromCash bool            `db:"from_cash"`
		From     *int64          `db:"from_loan_id"`
		To       *int64          `db:"to_loan_id"`
		Interest decimal.Decimal `db:"interest"`
		EntryID  int64           `db:"entry_id"`
	}
	err := tx.GetContext(ctx, &prior, `
		SELECT member_id, delta, from_cash, from_loan_id, to_loan_id, interest, entry_id FROM loan_changes WHERE idempotency_key = $1`, in.IdempotencyKey)
	if app.ErrNoRows(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("equity: unable to read loan changes: %w", err)
	}
	if prior.MemberID != in.MemberID || !prior.Delta.Equal(in.Delta) || prior.FromCash != in.FromCash {
		return true, equity.KeyReused(in.IdempotencyKey)
	}
	*res = LoanChangeResult{Interest: prior.Interest, EntryID: prior.EntryID, Replayed: true}
	for _, p := range []struct {
		id  *int64
		dst **Loan
	}{{prior.From, &res.Closed}, {prior.To, &res.Open}} {
		if p.id == nil {
			continue
		}
		l, err := s.loan(ctx, tx, *p.id)
		if err != nil {
			return true, err
		}
		*p.dst = &l
	}
	return true, nil
}

// CheckLoanToValueTx refuses a member's share loan that is more than the
// cooperative's loan-to-value limit of the value of all their shares at
// today's prices. Call it at the end of a transaction that lends or issues.
// Errors: beyond_loan_to_value (422), and those of SharePriceOn.
func (s *Service) CheckLoanToValueTx(ctx context.Context, tx *sqlx.Tx, memberID int64) error {
	owed, err := s.Equity.BalanceTx(ctx, tx, equity.AccountsOfMember(memberID).ShareLoan, nil, equity.DebitNormal)
	if err != nil || !owed.IsPositive() {
		return err
	}
	st, err := s.Equity.SettingsTx(ctx, tx)
	if err != nil {
		return err
	}
	hs, err := s.Equity.HoldingsTx(ctx, tx, memberID)
	if err != nil {
		return err
	}
	value := decimal.Zero
	for _, h := range hs {
		value = value.Add(h.Value)
	}
	limit := LoanLimit(value, st.LoanToValuePct)
	if owed.GreaterThan(limit) {
		return app.Unprocessable("beyond_loan_to_value",
			"A share loan of %s is more than %s%% of the shares' value %s: the credit union lends at most %s.",
			equity.FormatMoney(owed), st.LoanToValuePct.String(), equity.FormatMoney(value), equity.FormatMoney(limit)).OnField("loan")
	}
	return nil
}

// LoanLimit is the most a share loan may be against shares worth value:
// value × pct / 100, cut down to the cent (the limit is never rounded up).
func LoanLimit(value, pct decimal.Decimal) decimal.Decimal {
	return value.Mul(pct).Div(hundred).Truncate(equity.MoneyPlaces)
}

// postMortgageInstallment posts an installment of a site mortgage (the next
// unpaid one), dated today, from the operating account: interest to the
// site's expense, principal off the mortgage (interest first, by
// loan.Allocate). The mortgage closes with its last installment.
func (s *Service) postMortgageInstallment(ctx context.Context, tx *sqlx.Tx, l Loan, row loan.Installment) error {
	interest, principal, _ := loan.Allocate(row.Payment, row.Interest, row.Balance.Add(row.Principal))
	acc := equity.AccountsOfSite(l.SiteID)
	today := s.Equity.Today()
	posted, err := s.Ledger.PostTx(ctx, tx, ledger.Entry{
		IdempotencyKey: fmt.Sprintf("equity:loan:%d:installment:%d", l.ID, row.Period),
		Description:    fmt.Sprintf("%s installment %d of %d, due %s", l.Kind.Label(), row.Period, l.Months, equity.SQLDate(row.Date)),
		EffectiveDate:  today,
		Metadata:       map[string]string{"loan_id": id(l.ID), "site_id": id(l.SiteID)},
		Postings: equity.NetPostings(
			ledger.Posting{Account: acc.Mortgage, Amount: principal},
			ledger.Posting{Account: acc.InterestExpense, Amount: interest},
			ledger.Posting{Account: equity.AccountBank, Amount: row.Payment.Neg()},
		),
	})
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO loan_installments (loan_id, period, site_id, due_on, payment, interest, principal, entry_id)
		VALUES ($1, $2, $3, $4::date, $5, $6, $7, $8)`,
		l.ID, row.Period, l.SiteID, equity.SQLDate(row.Date), row.Payment, interest, principal, posted.ID); err != nil {
		return fmt.Errorf("equity: unable to record installment: %w", err)
	}
	if row.Period == l.Months {
		if _, err := tx.ExecContext(ctx, `UPDATE loans SET closed_on = $2::date WHERE id = $1`, l.ID, equity.SQLDate(today)); err != nil {
			return loanError(err)
		}
	}
	return nil
}

// Installments lists the posted installments of a loan to whoever may see
// it. Errors: loan_not_found (404); forbidden (403).
func (s *Service) Installments(ctx context.Context, p *app.Principal, loanID int64) ([]PostedInstallment, error) {
	if _, err := s.Loan(ctx, p, loanID); err != nil {
		return nil, err
	}
	var out []PostedInstallment
	if err := s.DB.SelectContext(ctx, &out, `
		SELECT period, due_on, payment, interest, principal, entry_id FROM loan_installments WHERE loan_id = $1 ORDER BY period`, loanID); err != nil {
		return nil, fmt.Errorf("equity: unable to list installments: %w", err)
	}
	for i := range out {
		out[i].DueOn = equity.Day(out[i].DueOn)
	}
	return out, nil
}

// PostedInstallment is an installment of a loan that has been posted.
type PostedInstallment struct {
	Period    int             `db:"period" json:"period"`
	DueOn     time.Time       `db:"due_on" json:"due_on"`
	Payment   decimal.Decimal `db:"payment" json:"payment"`
	Interest  decimal.Decimal `db:"interest" json:"interest"`
	Principal decimal.Decimal `db:"principal" json:"principal"`
	EntryID   int64           `db:"entry_id" json:"entry_id"`
}

// PostMortgageInstallmentsTx posts, in order, the installments of a
// mortgage up to period that are not posted yet, inside the caller's
// transaction (a site's charge run), and returns how many it posted.
func (s *Service) PostMortgageInstallmentsTx(ctx context.Context, tx *sqlx.Tx, loanID int64, upTo int) (int, error) {
	ls, err := s.loanWhere(ctx, tx, "l.id = $1 FOR UPDATE OF l", loanID)
	if err != nil || len(ls) == 0 {
		return 0, err
	}
	l := ls[0]
	if !l.Open() || l.PaidPeriods >= upTo {
		return 0, nil
	}
	payment, balance := l.MonthlyPayment(), l.Balance()
	n := 0
	for k := l.PaidPeriods + 1; k <= upTo && k <= l.Months; k++ {
		row := l.installment(k, balance, payment)
		if err := s.postMortgageInstallment(ctx, tx, l, row); err != nil {
			return n, err
		}
		balance = row.Balance
		n++
	}
	return n, nil
}

// Due says up to which installment a share loan is due.
type Due struct {
	LoanID int64
	UpTo   int
}

// ShareLoansDue lists the open share loans with installments due up to the
// end of a month, by loan, for its charge run.
func (s *Service) ShareLoansDue(ctx context.Context, month time.Time) ([]Due, error) {
	return s.shareLoansDue(ctx, s.DB, month)
}

// ShareLoansDueTx is ShareLoansDue inside the caller's transaction.
func (s *Service) ShareLoansDueTx(ctx context.Context, tx *sqlx.Tx, month time.Time) ([]Due, error) {
	return s.shareLoansDue(ctx, tx, month)
}

func (s *Service) shareLoansDue(ctx context.Context, q sqlx.QueryerContext, month time.Time) ([]Due, error) {
	next := month.AddDate(0, 1, 0)
	ls, err := s.loanWhere(ctx, q, "l.kind = 'share_loan' AND l.closed_on IS NULL AND l.starts_on < $1::date ORDER BY l.id", equity.SQLDate(month))
	if err != nil {
		return nil, err
	}
	var dues []Due
	for _, l := range ls {
		upTo := l.PaidPeriods
		for upTo < l.Months && dueDate(l.StartsOn, upTo+1).Before(next) {
			upTo++
		}
		if upTo > l.PaidPeriods {
			dues = append(dues, Due{l.ID, upTo})
		}
	}
	sort.Slice(dues, func(i, j int) bool { return dues[i].LoanID < dues[j].LoanID })
	return dues, nil
}

// MortgageDue is a site mortgage and its installment due in a month.
type MortgageDue struct {
	Loan        Loan
	Installment loan.Installment
}

// MortgagesDue returns, by site, the installment of each site's mortgage
// due in a month, for its charge run.
func (s *Service) MortgagesDue(ctx context.Context, siteIDs []int64, month time.Time) (map[int64]MortgageDue, error) {
	return s.mortgagesDue(ctx, s.DB, siteIDs, month)
}

// MortgagesDueTx is MortgagesDue inside the caller's transaction.
func (s *Service) MortgagesDueTx(ctx context.Context, tx *sqlx.Tx, siteIDs []int64, month time.Time) (map[int64]MortgageDue, error) {
	return s.mortgagesDue(ctx, tx, siteIDs, month)
}

func (s *Service) mortgagesDue(ctx context.Context, q sqlx.QueryerContext, siteIDs []int64, month time.Time) (map[int64]MortgageDue, error) {
	next := month.AddDate(0, 1, 0)
	mortgages, err := s.loanWhere(ctx, q, "l.kind = 'mortgage' AND l.site_id = ANY($1) AND (l.closed_on IS NULL OR l.closed_on >= $2::date)",
		pq.Array(siteIDs), equity.SQLDate(month))
	if err != nil {
		return nil, err
	}
	out := map[int64]MortgageDue{}
	for _, m := range mortgages {
		rows, err := m.Schedule()
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			if !r.Date.Before(month) && r.Date.Before(next) && (m.ClosedOn == nil || !m.ClosedOn.Before(r.Date)) {
				out[m.SiteID] = MortgageDue{Loan: m, Installment: r}
			}
		}
	}
	return out, nil
}

// LoansPerEntry bounds the share loans whose installments one ledger entry
// bills: two postings a loan stay under the ledger's 1,000 an entry.
const LoansPerEntry = 400

// PostShareLoanInstallmentsTx posts, in one ledger entry, the due installments of a
// batch of share loans: each billed to its member's account (payment) and
// taken off their loan (principal; interest first, by loan.Allocate), the
// payments passed on to the credit union. A loan closes with its last
// installment. Loans locked first are re-read, so installments another run
// posted meanwhile are not posted again.
func (s *Service) PostShareLoanInstallmentsTx(ctx context.Context, tx *sqlx.Tx, runID int64, batch int, dues []Due) (int, error) {
	ids := make([]int64, len(dues))
	upTo := make(map[int64]int, len(dues))
	for i, d := range dues {
		ids[i], upTo[d.LoanID] = d.LoanID, d.UpTo
	}
	ls, err := s.loanWhere(ctx, tx, "l.id = ANY($1) AND l.closed_on IS NULL ORDER BY l.id FOR UPDATE OF l", pq.Array(ids))
	if err != nil {
		return 0, err
	}
	var (
		postings                               []ledger.Posting
		funding, paid                          decimal.Decimal
		loanIDs, periods, sites, closing       []int64
		dueOn, payments, interests, principals []string
	)
	for _, l := range ls {
		payment, balance := l.MonthlyPayment(), l.Balance()
		macc := equity.AccountsOfMember(*l.MemberID)
		for k := l.PaidPeriods + 1; k <= upTo[l.ID] && k <= l.Months; k++ {
			row := l.installment(k, balance, payment)
			interest, principal, _ := loan.Allocate(row.Payment, row.Interest, balance)
			postings = append(postings,
				ledger.Posting{Account: macc.Receivable, Amount: row.Payment},
				ledger.Posting{Account: macc.ShareLoan, Amount: principal.Neg()})
			funding, paid = funding.Add(principal), paid.Add(row.Payment)
			loanIDs, periods, sites = append(loanIDs, l.ID), append(periods, int64(k)), append(sites, l.SiteID)
			dueOn, payments = append(dueOn, equity.SQLDate(row.Date)), append(payments, row.Payment.String())
			interests, principals = append(interests, interest.String()), append(principals, principal.String())
			if k == l.Months {
				closing = append(closing, l.ID)
			}
			balance = row.Balance
		}
	}
	if len(loanIDs) == 0 {
		return 0, nil
	}
	today := s.Equity.Today()
	postings = append(postings,
		ledger.Posting{Account: equity.AccountShareLoanFunding, Amount: funding},
		ledger.Posting{Account: equity.AccountBank, Amount: paid.Neg()})
	posted, err := s.Ledger.PostTx(ctx, tx, ledger.Entry{
		IdempotencyKey: fmt.Sprintf("equity:share-loan-installments:run:%d:batch:%d", runID, batch),
		Description:    fmt.Sprintf("Share loan installments: %d, billed to the members and passed on to the credit union", len(loanIDs)),
		EffectiveDate:  today,
		Metadata:       map[string]string{"run_id": id(runID)},
		Postings:       equity.NetPostings(postings...),
	})
	if err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO loan_installments (loan_id, period, site_id, due_on, payment, interest, principal, entry_id)
		SELECT l, p, s, d, pay, i, pr, $8
		FROM unnest($1::bigint[], $2::int[], $3::bigint[], $4::date[], $5::numeric[], $6::numeric[], $7::numeric[])
		     AS x (l, p, s, d, pay, i, pr)`,
		pq.Array(loanIDs), pq.Array(periods), pq.Array(sites), pq.Array(dueOn), pq.Array(payments), pq.Array(interests),
		pq.Array(principals), posted.ID); err != nil {
		return 0, fmt.Errorf("equity: unable to record installments: %w", err)
	}
	if len(closing) > 0 {
		if _, err := tx.ExecContext(ctx, `UPDATE loans SET closed_on = $2::date WHERE id = ANY($1)`, pq.Array(closing), equity.SQLDate(today)); err != nil {
			return 0, loanError(err)
		}
	}
	return len(loanIDs), nil
}

// dueDate is the due date of installment k of a loan started on start, as
// finance/loan counts it: k months after the start, on the start's day of
// the month or the month's last day when it is shorter.
func dueDate(start time.Time, k int) time.Time {
	y, m, day := start.Date()
	first := time.Date(y, m+time.Month(k), 1, 0, 0, 0, 0, time.UTC)
	if last := first.AddDate(0, 1, -1).Day(); day > last {
		day = last
	}
	return time.Date(first.Year(), first.Month(), day, 0, 0, 0, 0, time.UTC)
}

// PoolDetail is a share pool as its page and the API show it: the pool
// (equity.PoolDetail) with the mortgages that carry it, the open one first.
type PoolDetail struct {
	equity.PoolDetail
	Mortgages []Loan
}

// PoolDetail returns a site's share pool with its mortgages to whoever may
// see the pool. Errors: those of equity.Service.PoolDetail.
func (s *Service) PoolDetail(ctx context.Context, p *app.Principal, siteID int64) (PoolDetail, error) {
	d, err := s.Equity.PoolDetail(ctx, p, siteID)
	if err != nil {
		return PoolDetail{}, err
	}
	ms, err := s.loanWhere(ctx, s.DB, "l.site_id = $1 AND l.kind = 'mortgage' ORDER BY l.closed_on DESC NULLS FIRST, l.id DESC", siteID)
	return PoolDetail{PoolDetail: d, Mortgages: ms}, err
}
