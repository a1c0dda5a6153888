// Package equity keeps the cooperative's share pools and their prices:
// each site's pool, price policies, appraisals and price indexes, the
// lending settings, the share register (shares issued and redeemed at the
// day's price, and money held for a member between the two), and the
// ledger accounts they post to. Its subpackages do one job each on top of
// it: loans (site mortgages and share loans), charges (the monthly run) and
// statement (a member's equity statement); the arrows point only that way.
//
// Money moves only through the ledger (hearth/finance/ledger): every
// operation posts balanced entries in its transaction (or the caller's,
// for a …Tx method) and records, beside the entry's id, the facts the
// ledger does not hold (share quantities, prices, loan terms).
// docs/equity.md describes the chart of accounts, the formulas and every
// rounding rule.
//
// Every operation that writes takes an idempotency key: the same key with the
// same content returns the first result; the same key with other content is
// refused with idempotency_key_reused (409).
package equity

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/shopspring/decimal"

	"hearth/app"
	"hearth/day"
	"hearth/finance/ledger"
	"hearth/finance/loan"
)

// Service is the equity area. Its public methods decide whether the
// principal may, and own their transaction; a method named …Tx takes the
// caller's instead, so that an admission or a move (housing/membership), or
// the demo seed, composes it with others in one transaction.
type Service struct {
	DB     *sqlx.DB
	Ledger *ledger.Ledger
	// Now is the clock that decides "today" for the rules that protect
	// history (a policy never takes effect in the past). Nil means the real
	// clock, read in each site's zone; the demo seed and the tests set it to
	// replay days, and then it names the day itself.
	Now func() time.Time
}

// New returns the equity service on the database and its ledger.
func New(db *sqlx.DB, l *ledger.Ledger) *Service {
	return &Service{DB: db, Ledger: l}
}

// Today is the cooperative's day, the calendar date of the service's clock
// (UTC), at midnight UTC: the day of a charge run and of a price index's
// values. A site's own day is todayAt its zone.
func (s *Service) Today() time.Time {
	if s.Now != nil {
		return Day(s.Now())
	}
	return Day(time.Now())
}

// todayAt is today at a site whose zone is the IANA name zone (UTC when
// unknown): the calendar day there (day.Today). A replay clock (Now) names
// the day itself, the same at every site, so that the demo seed and the
// tests replay days whatever the zone.
func (s *Service) todayAt(zone string) time.Time {
	if s.Now != nil {
		return Day(s.Now())
	}
	return day.Today(siteZone(zone)).Time()
}

// zones caches the sites' locations: loading one reads the zone database.
var zones sync.Map

// siteZone returns the location of an IANA zone name, UTC when unknown.
func siteZone(name string) *time.Location {
	if loc, ok := zones.Load(name); ok {
		return loc.(*time.Location)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		loc = time.UTC
	}
	zones.Store(name, loc)
	return loc
}

// SiteToday is today at a site (its calendar day in its zone; the replay
// clock's day when there is one). Errors: site_not_found (404).
func (s *Service) SiteToday(ctx context.Context, siteID int64) (time.Time, error) {
	return s.siteToday(ctx, s.DB, siteID)
}

// SiteTodayTx is SiteToday inside the caller's transaction.
func (s *Service) SiteTodayTx(ctx context.Context, tx *sqlx.Tx, siteID int64) (time.Time, error) {
	return s.siteToday(ctx, tx, siteID)
}

func (s *Service) siteToday(ctx context.Context, q sqlx.QueryerContext, siteID int64) (time.Time, error) {
	if s.Now != nil {
		return Day(s.Now()), nil
	}
	var zone string
	err := sqlx.GetContext(ctx, q, &zone, `SELECT timezone FROM sites WHERE id = $1`, siteID)
	if app.ErrNoRows(err) {
		return time.Time{}, app.Errorf(app.KindNotFound, "site_not_found", "There is no such site.")
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("equity: unable to read site: %w", err)
	}
	return s.todayAt(zone), nil
}

// Day returns the calendar date of t (its year, month and day in its own
// location) at midnight UTC, the form every date in this package takes.
func Day(t time.Time) time.Time { return ledger.Day(t) }

// MonthOf returns the first day of the month of t.
func MonthOf(t time.Time) time.Time {
	y, m, _ := t.Date()
	return time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
}

// SQLDate writes a date for a date parameter; the text keeps PostgreSQL from
// reading a time zone into it.
func SQLDate(t time.Time) string { return Day(t).Format(time.DateOnly) }

// The chart of accounts this package posts to (docs/equity.md explains each).
// Site and member accounts are created when first needed.
const (
	AccountBank              = "assets:bank:operating"
	AccountShareLoanFunding  = "liabilities:credit-union:share-loans"
	accountPropertyPrefix    = "assets:property:site:"
	accountReceivablePrefix  = "assets:receivables:member:"
	accountShareLoanPrefix   = "assets:share-loans:member:"
	accountSettlementPrefix  = "liabilities:settlement:member:"
	accountMortgagePrefix    = "liabilities:mortgage:site:"
	accountSharesPrefix      = "equity:shares:site:"
	accountReservesPrefix    = "equity:reserves:site:"
	accountRoundingPrefix    = "equity:rounding:site:"
	accountOperatingPrefix   = "income:charges:operating:site:"
	accountInterestInPrefix  = "income:charges:mortgage-interest:site:"
	accountFeesPrefix        = "income:transfer-fees:site:"
	accountInterestOutPrefix = "expenses:mortgage-interest:site:"
)

func id(n int64) string { return strconv.FormatInt(n, 10) }

// SiteAccounts names the ledger accounts of one site's share pool.
type SiteAccounts struct {
	Property        string // the property, at what its mortgages paid for it
	Mortgage        string // principal owed on the site's mortgage
	SharesPaidIn    string // share capital paid in (buy-ins, moves in) less redemptions
	SharesEarned    string // share capital earned by the principal part of carrying charges
	Reserves        string // the reserve fund built by carrying charges
	Rounding        string // what share quantities rounded down to 6 places left over
	Operating       string // the operating part of carrying charges
	InterestIncome  string // the mortgage-interest part of carrying charges
	TransferFees    string // fees taken when members move away
	InterestExpense string // mortgage interest paid to the credit union
	SiteID          int64
}

// AccountsOfSite returns the account codes of a site.
func AccountsOfSite(siteID int64) SiteAccounts {
	s := id(siteID)
	return SiteAccounts{
		Property:        accountPropertyPrefix + s,
		Mortgage:        accountMortgagePrefix + s,
		SharesPaidIn:    accountSharesPrefix + s + ":paid-in",
		SharesEarned:    accountSharesPrefix + s + ":earned",
		Reserves:        accountReservesPrefix + s,
		Rounding:        accountRoundingPrefix + s,
		Operating:       accountOperatingPrefix + s,
		InterestIncome:  accountInterestInPrefix + s,
		TransferFees:    accountFeesPrefix + s,
		InterestExpense: accountInterestOutPrefix + s,
		SiteID:          siteID,
	}
}

// MemberAccounts names the ledger accounts of one member.
type MemberAccounts struct {
	Receivable string // what the member owes for charges and loan installments (debit) or is owed (credit)
	ShareLoan  string // principal the member owes on their share loan
	Settlement string // money held for the member between a redemption or loan and the shares it buys; never negative
}

// AccountsOfMember returns the account codes of a member.
func AccountsOfMember(memberID int64) MemberAccounts {
	m := id(memberID)
	return MemberAccounts{
		Receivable: accountReceivablePrefix + m,
		ShareLoan:  accountShareLoanPrefix + m,
		Settlement: accountSettlementPrefix + m,
	}
}

// ensureSiteAccounts creates the accounts of a site's pool that are missing.
func (s *Service) ensureSiteAccounts(ctx context.Context, tx *sqlx.Tx, siteID int64) error {
	a := AccountsOfSite(siteID)
	site := &siteID
	for _, acc := range []ledger.Account{
		{Code: AccountBank, Type: ledger.Asset, Name: "Operating account at the credit union"},
		{Code: AccountShareLoanFunding, Type: ledger.Liability, Name: "Share loans funded by the credit union"},
		{Code: a.Property, Type: ledger.Asset, Name: "Property", SiteID: site},
		{Code: a.Mortgage, Type: ledger.Liability, Name: "Blanket mortgage", SiteID: site},
		{Code: a.SharesPaidIn, Type: ledger.Equity, Name: "Share capital paid in", SiteID: site},
		{Code: a.SharesEarned, Type: ledger.Equity, Name: "Share capital earned through charges", SiteID: site},
		{Code: a.Reserves, Type: ledger.Equity, Name: "Reserve fund", SiteID: site},
		{Code: a.Rounding, Type: ledger.Equity, Name: "Share rounding", SiteID: site},
		{Code: a.Operating, Type: ledger.Income, Name: "Carrying charges: operating", SiteID: site},
		{Code: a.InterestIncome, Type: ledger.Income, Name: "Carrying charges: mortgage interest", SiteID: site},
		{Code: a.TransferFees, Type: ledger.Income, Name: "Transfer fees", SiteID: site},
		{Code: a.InterestExpense, Type: ledger.Expense, Name: "Mortgage interest", SiteID: site},
	} {
		if err := s.Ledger.EnsureAccountTx(ctx, tx, acc); err != nil {
			return err
		}
	}
	return nil
}

// EnsureMemberAccountsTx creates the accounts of a member that are missing.
func (s *Service) EnsureMemberAccountsTx(ctx context.Context, tx *sqlx.Tx, memberID int64) error {
	a := AccountsOfMember(memberID)
	member := &memberID
	for _, acc := range []ledger.Account{
		{Code: AccountBank, Type: ledger.Asset, Name: "Operating account at the credit union"},
		{Code: AccountShareLoanFunding, Type: ledger.Liability, Name: "Share loans funded by the credit union"},
		{Code: a.Receivable, Type: ledger.Asset, Name: "Member's account", MemberID: member},
		{Code: a.ShareLoan, Type: ledger.Asset, Name: "Share loan", MemberID: member},
		{Code: a.Settlement, Type: ledger.Liability, Name: "Held for the member", MemberID: member, NonNegative: true},
	} {
		if err := s.Ledger.EnsureAccountTx(ctx, tx, acc); err != nil {
			return err
		}
	}
	return nil
}

// Balance reads an account's balance in its normal direction (sign
// DebitNormal or CreditNormal: what a treasurer reads, a liability of 100
// owed is 100), now (asOf nil) or at the end of a day. A missing account
// has balance zero. Like the ledger's, it checks no one's permission: its
// callers do.
func (s *Service) Balance(ctx context.Context, code string, asOf *time.Time, sign int64) (decimal.Decimal, error) {
	return s.balance(ctx, s.DB, code, asOf, sign)
}

// BalanceTx is Balance inside the caller's transaction.
func (s *Service) BalanceTx(ctx context.Context, tx *sqlx.Tx, code string, asOf *time.Time, sign int64) (decimal.Decimal, error) {
	return s.balance(ctx, tx, code, asOf, sign)
}

func (s *Service) balance(ctx context.Context, q sqlx.QueryerContext, code string, asOf *time.Time, sign int64) (decimal.Decimal, error) {
	var b decimal.Decimal
	var err error
	if tx, ok := q.(*sqlx.Tx); ok {
		b, err = s.Ledger.BalanceTx(ctx, tx, code, asOf)
	} else {
		b, err = s.Ledger.Balance(ctx, code, asOf)
	}
	if app.ErrorKind(err) == app.KindNotFound {
		return decimal.Zero, nil
	}
	if err != nil {
		return decimal.Zero, err
	}
	return b.Mul(decimal.NewFromInt(sign)), nil
}

// Debit-normal accounts read as they are, credit-normal ones negated.
const (
	DebitNormal  = 1
	CreditNormal = -1
)

// Settings are the cooperative's lending rules.
type Settings struct {
	LoanToValuePct   decimal.Decimal `db:"loan_to_value_pct"`   // a share loan may be at most this percent of the shares' value
	ShareLoanRatePct decimal.Decimal `db:"share_loan_rate_pct"` // yearly rate of new share loans
	ShareLoanMonths  int             `db:"share_loan_months"`   // term of new share loans
	TransferFeePct   decimal.Decimal `db:"transfer_fee_pct"`    // percent of the value redeemed that a move may take as a fee
	UpdatedAt        time.Time       `db:"updated_at"`
}

// Settings returns the cooperative's lending rules. Every member may read
// them: they are the terms a member borrows and moves on.
func (s *Service) Settings(ctx context.Context) (Settings, error) {
	return s.settings(ctx, s.DB)
}

// SettingsTx is Settings inside the caller's transaction (an admission or a
// move reads the terms it lends on).
func (s *Service) SettingsTx(ctx context.Context, tx *sqlx.Tx) (Settings, error) {
	return s.settings(ctx, tx)
}

func (s *Service) settings(ctx context.Context, q sqlx.QueryerContext) (Settings, error) {
	var st Settings
	err := sqlx.GetContext(ctx, q, &st, `
		SELECT loan_to_value_pct, share_loan_rate_pct, share_loan_months, transfer_fee_pct, updated_at FROM equity_settings`)
	if err != nil {
		return st, fmt.Errorf("equity: unable to read settings: %w", err)
	}
	return st, nil
}

// CanChangeSettings reports whether p may change the cooperative's money
// rules: the lending settings and the price indexes are the treasurer's.
func CanChangeSettings(p *app.Principal) bool { return p.IsAdmin() }

// SettingsChange changes some of the lending rules; nil leaves one as it is.
type SettingsChange struct {
	LoanToValuePct   *decimal.Decimal
	ShareLoanRatePct *decimal.Decimal
	ShareLoanMonths  *int
	TransferFeePct   *decimal.Decimal
}

// apply overlays the change on the current rules.
func (c SettingsChange) apply(st Settings) Settings {
	for _, f := range []struct {
		in  *decimal.Decimal
		dst *decimal.Decimal
	}{{c.LoanToValuePct, &st.LoanToValuePct}, {c.ShareLoanRatePct, &st.ShareLoanRatePct}, {c.TransferFeePct, &st.TransferFeePct}} {
		if f.in != nil {
			*f.dst = *f.in
		}
	}
	if c.ShareLoanMonths != nil {
		st.ShareLoanMonths = *c.ShareLoanMonths
	}
	return st
}

// UpdateSettings changes the lending rules (the treasurer); they apply to
// operations from now on. Errors: forbidden (403); invalid_percent,
// rate_negative, rate_too_high, term_not_positive, term_too_long (422).
func (s *Service) UpdateSettings(ctx context.Context, p *app.Principal, c SettingsChange) (Settings, error) {
	if !CanChangeSettings(p) {
		return Settings{}, app.Forbidden("Only the treasurer (an admin) can do that.")
	}
	st, err := s.Settings(ctx)
	if err != nil {
		return st, err
	}
	st = c.apply(st)
	pct := func(field string, d decimal.Decimal) error {
		if d.IsNegative() || d.GreaterThan(hundred) || !d.Equal(d.Round(2)) {
			return app.Unprocessable("invalid_percent", "Enter a percentage between 0 and 100 with at most two decimals.").OnField(field)
		}
		return nil
	}
	if err := pct("loan_to_value_pct", st.LoanToValuePct); err != nil {
		return st, err
	}
	if err := pct("transfer_fee_pct", st.TransferFeePct); err != nil {
		return st, err
	}
	if err := CheckRateAndTerm(st.ShareLoanRatePct, st.ShareLoanMonths); err != nil {
		return st, err
	}
	_, err = s.DB.ExecContext(ctx, `
		UPDATE equity_settings SET loan_to_value_pct = $1, share_loan_rate_pct = $2, share_loan_months = $3,
		       transfer_fee_pct = $4, updated_at = now(), updated_by = $5`,
		st.LoanToValuePct, st.ShareLoanRatePct, st.ShareLoanMonths, st.TransferFeePct, p.ID)
	if err != nil {
		return st, fmt.Errorf("equity: unable to update settings: %w", err)
	}
	return s.Settings(ctx)
}

// CheckRateAndTerm checks a yearly rate and a term as finance/loan would.
// Errors: rate_negative, rate_too_high, term_not_positive, term_too_long (422).
func CheckRateAndTerm(ratePct decimal.Decimal, months int) error {
	t := loan.Terms{Principal: decimal.NewFromInt(1), YearlyRatePct: ratePct, Months: months}
	if err := t.Validate(); err != nil {
		return err
	}
	if !ratePct.Equal(ratePct.Round(4)) {
		return app.Unprocessable("rate_too_high", "The yearly rate has at most four decimals.").OnField("rate")
	}
	return nil
}

// CheckIdempotencyKey refuses an empty or overlong key. Errors:
// invalid_idempotency_key (422).
func CheckIdempotencyKey(key string) error {
	if n := len(key); n == 0 || n > 150 {
		return app.Unprocessable("invalid_idempotency_key", "An idempotency key has 1 to 150 characters.").OnField("idempotency_key")
	}
	return nil
}

// KeyReused is the error for a key used before with other content.
func KeyReused(key string) error {
	return app.Conflict("idempotency_key_reused", "Idempotency key %q was already used for a different request.", key).OnField("idempotency_key")
}
