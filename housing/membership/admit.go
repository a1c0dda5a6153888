// Package membership moves members into and between the cooperative's
// units together with their equity: admission (buy-in) here, moves between
// sites beside it. Each operation is one database transaction that places
// the member (hearth/housing) and moves the money (hearth/finance/equity).
package membership

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/shopspring/decimal"

	"hearth/app"
	"hearth/finance/equity"
	"hearth/finance/equity/loans"
	"hearth/housing"
	"hearth/money"
)

// Service admits members to units and moves them between sites.
type Service struct {
	DB     *sqlx.DB
	Equity *equity.Service
	Loans  *loans.Service
}

// New returns the membership service.
func New(db *sqlx.DB, eq *equity.Service, ln *loans.Service) *Service {
	return &Service{DB: db, Equity: eq, Loans: ln}
}

// AdmitRequest admits a member to a unit of a site: they buy shares of the
// site worth the unit's required equity, paid by Cash and a share Loan that
// add up to it, and move in on Date. Amounts are written as people write
// them ("2500.50"); an empty one is zero.
type AdmitRequest struct {
	SiteID   int64 // the site admitting the member; the unit must be one of its
	UnitID   int64
	MemberID int64
	Date     time.Time // move-in day: today (when zero) or later
	Cash     string    // in cents
	Loan     string    // in cents
	// QuotedPrice is the share price the member was shown (empty to accept
	// today's price whatever it is); a different price today is refused
	// with price_changed, so the member sees the new figures first.
	QuotedPrice string
	// LoanRatePct and LoanMonths set the share loan's terms; empty and zero
	// take the cooperative's settings.
	LoanRatePct    string
	LoanMonths     int
	IdempotencyKey string
}

// CanAdmit returns forbidden unless p may admit members to the site: its
// coordinators and the treasurer.
func CanAdmit(p *app.Principal, siteID int64) error { return p.RequireCoordinator(siteID) }

// Admission is an admitted member's buy-in.
type Admission struct {
	ID             int64           `db:"id" json:"id"`
	SiteID         int64           `db:"site_id" json:"site_id"`
	UnitID         int64           `db:"unit_id" json:"unit_id"`
	MemberID       int64           `db:"member_id" json:"member_id"`
	ResidencyID    int64           `db:"residency_id" json:"residency_id"`
	AdmittedOn     time.Time       `db:"admitted_on" json:"admitted_on"`
	Price          decimal.Decimal `db:"price" json:"price"`
	Quantity       decimal.Decimal `db:"quantity" json:"quantity"`
	RequiredEquity decimal.Decimal `db:"required_equity" json:"required_equity"`
	Cash           decimal.Decimal `db:"cash" json:"cash"`
	Loan           decimal.Decimal `db:"loan" json:"loan"`
	LoanID         *int64          `db:"loan_id" json:"loan_id"`
	ShareEventID   int64           `db:"share_event_id" json:"share_event_id"`
	CreatedAt      time.Time       `db:"created_at" json:"created_at"`
	// Replayed is true when an earlier request with the same idempotency
	// key made this admission.
	Replayed bool `db:"-" json:"-"`
}

// Admit admits a member in a transaction of its own; see AdmitTx.
func (s *Service) Admit(ctx context.Context, p *app.Principal, req AdmitRequest) (Admission, error) {
	var a Admission
	err := app.InTx(ctx, s.DB, func(tx *sqlx.Tx) error {
		var err error
		a, err = s.AdmitTx(ctx, tx, p, req)
		return err
	})
	return a, err
}

// AdmitTx admits a member to a unit inside the caller's transaction (an
// intake flow composes it with its own writes), for p: a coordinator of the
// site or the treasurer (CanAdmit). It starts the residency, lends the Loan
// as a share loan, issues shares worth the unit's required equity at
// today's price paid by the cash and the loan, and checks the cooperative's
// loan-to-value limit. Everything is dated today but the residency, which
// starts on Date. The same idempotency key with the same request returns
// the first admission.
//
// Errors: forbidden (403); unit_not_found, member_not_found (404);
// unit_required, member_required, invalid_idempotency_key, invalid_amount,
// too_many_places, amount_too_large, amount_negative, move_in_in_past,
// no_required_equity, payment_mismatch, beyond_loan_to_value (422), and
// those of equity.SharePriceOn; unit_occupied, member_already_resident,
// price_changed, idempotency_key_reused (409).
func (s *Service) AdmitTx(ctx context.Context, tx *sqlx.Tx, p *app.Principal, req AdmitRequest) (Admission, error) {
	var a Admission
	if err := CanAdmit(p, req.SiteID); err != nil {
		return a, err
	}
	in, err := req.amounts()
	if err != nil {
		return a, err
	}
	cash, loan := in.cash, in.loan
	today := s.Equity.Today()
	date := equity.Day(req.Date)
	if req.Date.IsZero() {
		date = today
	}
	if date.Before(today) {
		return a, app.Unprocessable("move_in_in_past", "The move-in day is today or later.").OnField("date")
	}
	// Requests with the same key run one after the other, so that a replay
	// finds the first admission rather than racing it.
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('admission:' || $1, 0))`, req.IdempotencyKey); err != nil {
		return a, fmt.Errorf("membership: unable to lock: %w", err)
	}
	if done, err := s.replayAdmission(ctx, tx, req, date, cash, loan, &a); done || err != nil {
		return a, err
	}
	var unit struct {
		SiteID   int64           `db:"site_id"`
		Required decimal.Decimal `db:"required_equity"`
	}
	err = tx.GetContext(ctx, &unit, `SELECT site_id, required_equity FROM units WHERE id = $1`, req.UnitID)
	if app.ErrNoRows(err) || (err == nil && unit.SiteID != req.SiteID) {
		return a, app.Errorf(app.KindNotFound, "unit_not_found", "There is no such unit at this site.").OnField("unit_id")
	}
	if err != nil {
		return a, fmt.Errorf("membership: unable to read unit: %w", err)
	}
	if !unit.Required.IsPositive() {
		return a, app.Unprocessable("no_required_equity", "This unit asks no equity of its resident yet: set its required equity first.").OnField("unit_id")
	}
	if !cash.Add(loan).Equal(unit.Required) {
		return a, app.Unprocessable("payment_mismatch",
			"Cash and loan must add up to the unit's required equity of %s; they add up to %s.",
			unit.Required.StringFixed(2), cash.Add(loan).StringFixed(2)).OnField("cash")
	}
	settings, err := s.Equity.SettingsTx(ctx, tx)
	if err != nil {
		return a, err
	}
	if limit := loans.LoanLimit(unit.Required, settings.LoanToValuePct); loan.GreaterThan(limit) {
		return a, app.Unprocessable("beyond_loan_to_value",
			"A share loan of %s is more than %s%% of the %s the shares are worth: the credit union lends at most %s.",
			loan.StringFixed(2), settings.LoanToValuePct.String(), unit.Required.StringFixed(2), limit.StringFixed(2)).OnField("loan")
	}
	res, err := housing.StartResidencyTx(ctx, tx, housing.NewResidency{UnitID: req.UnitID, MemberID: req.MemberID, StartsOn: date})
	if err != nil {
		return a, err
	}
	a = Admission{SiteID: unit.SiteID, UnitID: req.UnitID, MemberID: req.MemberID, ResidencyID: res.ID, AdmittedOn: date,
		RequiredEquity: unit.Required, Cash: cash, Loan: loan}
	if loan.IsPositive() {
		change, err := s.Loans.ChangeShareLoanTx(ctx, tx, loans.LoanChange{MemberID: req.MemberID, SiteID: unit.SiteID, Delta: loan,
			YearlyRatePct: in.rate, Months: req.LoanMonths, IdempotencyKey: "admission:" + req.IdempotencyKey})
		if err != nil {
			return a, err
		}
		a.LoanID = &change.Open.ID
	}
	ev, err := s.Equity.IssueSharesTx(ctx, tx, equity.IssueRequest{SiteID: unit.SiteID, MemberID: req.MemberID, Kind: equity.BuyIn,
		Amount: unit.Required, Cash: cash, QuotedPrice: in.quoted, IdempotencyKey: "admission:" + req.IdempotencyKey,
		Description: fmt.Sprintf("Buy-in: %s, paid %s in cash and %s by share loan", unit.Required.StringFixed(2), cash.StringFixed(2), loan.StringFixed(2))})
	if err != nil {
		return a, err
	}
	if err := s.Loans.CheckLoanToValueTx(ctx, tx, req.MemberID); err != nil {
		return a, err
	}
	a.ShareEventID, a.Price, a.Quantity = ev.ID, ev.Price, ev.Quantity
	err = tx.GetContext(ctx, &a.ID, `
		INSERT INTO admissions (site_id, unit_id, member_id, residency_id, admitted_on, price, required_equity, cash, loan,
		                        loan_id, share_event_id, admitted_by, idempotency_key)
		VALUES ($1, $2, $3, $4, $5::date, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
		a.SiteID, a.UnitID, a.MemberID, a.ResidencyID, date.Format(time.DateOnly), a.Price, a.RequiredEquity, a.Cash, a.Loan,
		a.LoanID, a.ShareEventID, p.ID, req.IdempotencyKey)
	if err != nil {
		return a, fmt.Errorf("membership: unable to record admission: %w", err)
	}
	return a, nil
}

// admissionAmounts are an admission request's amounts, read.
type admissionAmounts struct {
	cash, loan, quoted decimal.Decimal
	rate               *decimal.Decimal // nil: the cooperative's share loan rate
}

// amounts checks what an admission request names and reads its amounts.
func (req AdmitRequest) amounts() (admissionAmounts, error) {
	var in admissionAmounts
	if req.UnitID <= 0 {
		return in, app.Unprocessable("unit_required", "Choose a free unit.").OnField("unit_id")
	}
	if req.MemberID <= 0 {
		return in, app.Unprocessable("member_required", "Choose the member to admit.").OnField("member_id")
	}
	if n := len(req.IdempotencyKey); n == 0 || n > 100 {
		return in, app.Unprocessable("invalid_idempotency_key", "An idempotency key has 1 to 100 characters.").OnField("idempotency_key")
	}
	var err error
	if in.cash, err = readAmount("cash", req.Cash, equity.MoneyPlaces); err != nil {
		return in, err
	}
	if in.loan, err = readAmount("loan", req.Loan, equity.MoneyPlaces); err != nil {
		return in, err
	}
	for field, d := range map[string]decimal.Decimal{"cash": in.cash, "loan": in.loan} {
		if d.IsNegative() {
			return in, app.Unprocessable("amount_negative", "The amount cannot be negative.").OnField(field)
		}
	}
	if in.quoted, err = readAmount("quoted_price", req.QuotedPrice, equity.PricePlaces); err != nil {
		return in, err
	}
	if strings.TrimSpace(req.LoanRatePct) != "" {
		// The rate's own rule (its places and bounds) is the share loan's.
		r, err := readAmount("loan_rate_pct", req.LoanRatePct, money.MaxPlaces)
		if err != nil {
			return in, err
		}
		in.rate = &r
	}
	return in, nil
}

// replayAdmission fills a with the admission an earlier request with the
// same key made. Errors: idempotency_key_reused (409) when that request
// was another.
func (s *Service) replayAdmission(ctx context.Context, tx *sqlx.Tx, req AdmitRequest, date time.Time, cash, loan decimal.Decimal, a *Admission) (bool, error) {
	err := tx.GetContext(ctx, a, `
		SELECT a.id, a.site_id, a.unit_id, a.member_id, a.residency_id, a.admitted_on, a.price, e.quantity, a.required_equity,
		       a.cash, a.loan, a.loan_id, a.share_event_id, a.created_at
		FROM admissions a JOIN share_events e ON e.id = a.share_event_id WHERE a.idempotency_key = $1`, req.IdempotencyKey)
	if app.ErrNoRows(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("membership: unable to read admission: %w", err)
	}
	a.AdmittedOn = equity.Day(a.AdmittedOn)
	if a.UnitID != req.UnitID || a.MemberID != req.MemberID || !a.AdmittedOn.Equal(date) || !a.Cash.Equal(cash) || !a.Loan.Equal(loan) {
		return true, app.Conflict("idempotency_key_reused", "Idempotency key %q was already used for a different admission.", req.IdempotencyKey).OnField("idempotency_key")
	}
	a.Replayed = true
	return true, nil
}

// readAmount reads an amount a person wrote for field, with at most places
// decimal places (money.Parse); empty is zero. Errors: invalid_amount,
// too_many_places, amount_too_large (422) on the field.
func readAmount(field, s string, places int32) (decimal.Decimal, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return decimal.Zero, nil
	}
	d, err := money.Parse(s, places)
	if e, ok := app.AsError(err); ok {
		return d, e.OnField(field)
	}
	return d, err
}

// AdmissionsOf lists a site's admissions, latest first (its coordinators
// and the treasurer). Errors: forbidden (403).
func (s *Service) AdmissionsOf(ctx context.Context, p *app.Principal, siteID int64) ([]AdmissionView, error) {
	if err := CanAdmit(p, siteID); err != nil {
		return nil, err
	}
	return admissionsOf(ctx, s.DB, siteID)
}

func admissionsOf(ctx context.Context, q sqlx.QueryerContext, siteID int64) ([]AdmissionView, error) {
	as := []AdmissionView{}
	err := sqlx.SelectContext(ctx, q, &as, `
		SELECT a.id, a.site_id, a.unit_id, a.member_id, a.residency_id, a.admitted_on, a.price, e.quantity, a.required_equity,
		       a.cash, a.loan, a.loan_id, a.share_event_id, a.created_at, m.name AS member_name, u.name AS unit_name
		FROM admissions a JOIN share_events e ON e.id = a.share_event_id
		JOIN members m ON m.id = a.member_id JOIN units u ON u.id = a.unit_id
		WHERE a.site_id = $1 ORDER BY a.created_at DESC, a.id DESC`, siteID)
	if err != nil {
		return nil, fmt.Errorf("membership: unable to list admissions: %w", err)
	}
	for i := range as {
		as[i].AdmittedOn = equity.Day(as[i].AdmittedOn)
	}
	return as, nil
}

// AdmissionView is an admission with the names a page shows.
type AdmissionView struct {
	Admission
	MemberName string `db:"member_name"`
	UnitName   string `db:"unit_name"`
}

// FreeUnit is a unit of a site that nobody lives in from a day on.
type FreeUnit struct {
	ID             int64           `db:"id" json:"id"`
	Name           string          `db:"name" json:"name"`
	Bedrooms       int             `db:"bedrooms" json:"bedrooms"`
	MonthlyCharge  decimal.Decimal `db:"monthly_charge" json:"monthly_charge"`
	RequiredEquity decimal.Decimal `db:"required_equity" json:"required_equity"`
}

// FreeUnitList is the units of a site free from a day on.
type FreeUnitList struct {
	From  time.Time
	Units []FreeUnit
}

// FreeUnits lists the units of a site with no residency on or after a day
// (today when zero), the units an admission from that day can fill (its
// coordinators and the treasurer). Errors: forbidden (403).
func (s *Service) FreeUnits(ctx context.Context, p *app.Principal, siteID int64, from time.Time) (FreeUnitList, error) {
	l := FreeUnitList{From: equity.Day(from)}
	if err := CanAdmit(p, siteID); err != nil {
		return l, err
	}
	if from.IsZero() {
		l.From = s.Equity.Today()
	}
	var err error
	l.Units, err = freeUnits(ctx, s.DB, siteID, l.From)
	return l, err
}

func freeUnits(ctx context.Context, q sqlx.QueryerContext, siteID int64, from time.Time) ([]FreeUnit, error) {
	us := []FreeUnit{}
	err := sqlx.SelectContext(ctx, q, &us, `
		SELECT u.id, u.name, u.bedrooms, u.monthly_charge, u.required_equity FROM units u
		WHERE u.site_id = $1 AND NOT EXISTS (
		    SELECT 1 FROM residencies_from($2::date) r WHERE r.unit_id = u.id)
		ORDER BY u.name`, siteID, sqlDate(from))
	if err != nil {
		return nil, fmt.Errorf("membership: unable to list free units: %w", err)
	}
	return us, nil
}

// Candidate is a member who lives nowhere from a day on: someone a site
// can admit.
type Candidate struct {
	ID    int64  `db:"id"`
	Name  string `db:"name"`
	Email string `db:"email"`
}

// candidates lists, by name, the members with no residency on or after a
// day.
func candidates(ctx context.Context, q sqlx.QueryerContext, from time.Time) ([]Candidate, error) {
	cs := []Candidate{}
	err := sqlx.SelectContext(ctx, q, &cs, `
		SELECT m.id, m.name, m.email FROM members m
		WHERE NOT EXISTS (SELECT 1 FROM residencies_from($1::date) r WHERE r.member_id = m.id)
		ORDER BY m.name, m.id`, sqlDate(from))
	if err != nil {
		return nil, fmt.Errorf("membership: unable to list members without a home: %w", err)
	}
	return cs, nil
}

// UnitOffer is a free unit at today's share price: the shares its
// required equity buys and the largest share loan the loan-to-value limit
// allows for it.
type UnitOffer struct {
	FreeUnit
	Shares  decimal.Decimal // equity.SharesFor(required equity, price)
	MaxLoan decimal.Decimal // loans.LoanLimit(required equity, loan-to-value percent)
}

// AdmissionDesk is what a coordinator needs to admit a member to a site:
// its share pool and lending rules, today's price and what each free unit
// asks at it, the members who could move in, and the admissions so far.
type AdmissionDesk struct {
	Pool       equity.Pool
	Settings   equity.Settings
	Today      time.Time
	Price      *equity.Price // nil when the site has no price today; PriceError says why
	PriceError string
	Offers     []UnitOffer     // the units free from today on, when there is a price
	Candidates []Candidate     // members who live nowhere from today on, by name
	Admissions []AdmissionView // latest first
}

// AdmissionDesk returns what admitting a member to a site needs (its
// coordinators and the treasurer). Errors: forbidden (403); site_not_found
// (404).
func (s *Service) AdmissionDesk(ctx context.Context, p *app.Principal, siteID int64) (AdmissionDesk, error) {
	var d AdmissionDesk
	if err := CanAdmit(p, siteID); err != nil {
		return d, err
	}
	err := app.InTx(ctx, s.DB, func(tx *sqlx.Tx) error {
		var err error
		if d.Pool, err = s.Equity.PoolTx(ctx, tx, siteID); err != nil {
			return err
		}
		if d.Settings, err = s.Equity.SettingsTx(ctx, tx); err != nil {
			return err
		}
		d.Today = s.Equity.Today()
		units, err := freeUnits(ctx, tx, siteID, d.Today)
		if err != nil {
			return err
		}
		if d.Candidates, err = candidates(ctx, tx, d.Today); err != nil {
			return err
		}
		if d.Admissions, err = admissionsOf(ctx, tx, siteID); err != nil {
			return err
		}
		price, err := s.Equity.SharePriceOnTx(ctx, tx, siteID, d.Today)
		if e, ok := app.AsError(err); ok && e.Kind == app.KindUnprocessable {
			d.PriceError = e.Message // no policy yet: nobody can buy in
			return nil
		}
		if err != nil {
			return err
		}
		d.Price = &price
		for _, u := range units {
			d.Offers = append(d.Offers, UnitOffer{FreeUnit: u, Shares: equity.SharesFor(u.RequiredEquity, price.Price),
				MaxLoan: loans.LoanLimit(u.RequiredEquity, d.Settings.LoanToValuePct)})
		}
		return nil
	})
	return d, err
}
