// Package membership moves members into and between the cooperative's
// units together with their equity: admission (buy-in) here, moves between
// sites beside it. Each operation is one database transaction that places
// the member (hearth/housing) and moves the money (hearth/finance/equity).
package membership

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/shopspring/decimal"

	"hearth/app"
	"hearth/finance/equity"
	"hearth/housing"
)

// Service admits members to units and moves them between sites.
type Service struct {
	DB     *sqlx.DB
	Equity *equity.Service
}

// New returns the membership service.
func New(db *sqlx.DB, eq *equity.Service) *Service { return &Service{DB: db, Equity: eq} }

// AdmitRequest admits a member to a unit: they buy shares of the unit's site
// worth the unit's required equity, paid by Cash and a share Loan that add
// up to it, and move in on Date.
type AdmitRequest struct {
	SiteID   int64 // when set, the unit must belong to this site
	UnitID   int64
	MemberID int64
	Date     time.Time // move-in day: today or later
	Cash     decimal.Decimal
	Loan     decimal.Decimal
	// QuotedPrice is the share price the member was shown (zero to accept
	// today's price whatever it is); a different price today is refused
	// with price_changed, so the member sees the new figures first.
	QuotedPrice decimal.Decimal
	// LoanRatePct and LoanMonths set the share loan's terms; zero takes the
	// cooperative's settings.
	LoanRatePct    *decimal.Decimal
	LoanMonths     int
	IdempotencyKey string
	By             *int64 // the coordinator admitting the member
}

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
func (s *Service) Admit(ctx context.Context, req AdmitRequest) (Admission, error) {
	var a Admission
	err := app.InTx(ctx, s.DB, func(tx *sqlx.Tx) error {
		var err error
		a, err = s.AdmitTx(ctx, tx, req)
		return err
	})
	return a, err
}

// AdmitTx admits a member to a unit inside the caller's transaction (an
// intake flow composes it with its own writes): it starts the residency,
// lends the Loan as a share loan, issues shares worth the unit's required
// equity at today's price paid by the cash and the loan, and checks the
// cooperative's loan-to-value limit. Everything is dated today but the
// residency, which starts on Date. The same idempotency key with the same
// request returns the first admission.
//
// Errors: unit_not_found, member_not_found (404); invalid_idempotency_key,
// move_in_in_past, amount_negative, amount_not_cents, no_required_equity,
// payment_mismatch, beyond_loan_to_value (422), and those of
// equity.SharePriceOn; unit_occupied, member_already_resident,
// price_changed, idempotency_key_reused (409).
func (s *Service) AdmitTx(ctx context.Context, tx *sqlx.Tx, req AdmitRequest) (Admission, error) {
	var a Admission
	if n := len(req.IdempotencyKey); n == 0 || n > 100 {
		return a, app.Unprocessable("invalid_idempotency_key", "An idempotency key has 1 to 100 characters.").OnField("idempotency_key")
	}
	for field, d := range map[string]decimal.Decimal{"cash": req.Cash, "loan": req.Loan} {
		if d.IsNegative() {
			return a, app.Unprocessable("amount_negative", "The amount cannot be negative.").OnField(field)
		}
		if !d.Equal(d.Truncate(equity.MoneyPlaces)) {
			return a, app.Unprocessable("amount_not_cents", "Amounts are in whole cents, such as 2500.50.").OnField(field)
		}
	}
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
	if done, err := s.replayAdmission(ctx, tx, req, date, &a); done || err != nil {
		return a, err
	}
	var unit struct {
		SiteID   int64           `db:"site_id"`
		Required decimal.Decimal `db:"required_equity"`
	}
	err := tx.GetContext(ctx, &unit, `SELECT site_id, required_equity FROM units WHERE id = $1`, req.UnitID)
	if app.ErrNoRows(err) || (err == nil && req.SiteID != 0 && unit.SiteID != req.SiteID) {
		return a, app.Errorf(app.KindNotFound, "unit_not_found", "There is no such unit at this site.").OnField("unit_id")
	}
	if err != nil {
		return a, fmt.Errorf("membership: unable to read unit: %w", err)
	}
	if !unit.Required.IsPositive() {
		return a, app.Unprocessable("no_required_equity", "This unit asks no equity of its resident yet: set its required equity first.").OnField("unit_id")
	}
	if !req.Cash.Add(req.Loan).Equal(unit.Required) {
		return a, app.Unprocessable("payment_mismatch",
			"Cash and loan must add up to the unit's required equity of %s; they add up to %s.",
			unit.Required.StringFixed(2), req.Cash.Add(req.Loan).StringFixed(2)).OnField("cash")
	}
	settings, err := s.Equity.Settings(ctx, tx)
	if err != nil {
		return a, err
	}
	if limit := equity.LoanLimit(unit.Required, settings.LoanToValuePct); req.Loan.GreaterThan(limit) {
		return a, app.Unprocessable("beyond_loan_to_value",
			"A share loan of %s is more than %s%% of the %s the shares are worth: the credit union lends at most %s.",
			req.Loan.StringFixed(2), settings.LoanToValuePct.String(), unit.Required.StringFixed(2), limit.StringFixed(2)).OnField("loan")
	}
	res, err := housing.StartResidency(ctx, tx, housing.NewResidency{UnitID: req.UnitID, MemberID: req.MemberID, StartsOn: date})
	if err != nil {
		return a, err
	}
	a = Admission{SiteID: unit.SiteID, UnitID: req.UnitID, MemberID: req.MemberID, ResidencyID: res.ID, AdmittedOn: date,
		RequiredEquity: unit.Required, Cash: req.Cash, Loan: req.Loan}
	if req.Loan.IsPositive() {
		change, err := s.Equity.ChangeShareLoan(ctx, tx, equity.LoanChange{MemberID: req.MemberID, SiteID: unit.SiteID, Delta: req.Loan,
			YearlyRatePct: req.LoanRatePct, Months: req.LoanMonths, IdempotencyKey: "admission:" + req.IdempotencyKey})
		if err != nil {
			return a, err
		}
		a.LoanID = &change.Open.ID
	}
	ev, err := s.Equity.IssueShares(ctx, tx, equity.IssueRequest{SiteID: unit.SiteID, MemberID: req.MemberID, Kind: equity.BuyIn,
		Amount: unit.Required, Cash: req.Cash, QuotedPrice: req.QuotedPrice, IdempotencyKey: "admission:" + req.IdempotencyKey,
		Description: fmt.Sprintf("Buy-in: %s, paid %s in cash and %s by share loan", unit.Required.StringFixed(2), req.Cash.StringFixed(2), req.Loan.StringFixed(2))})
	if err != nil {
		return a, err
	}
	if err := s.Equity.CheckLoanToValue(ctx, tx, req.MemberID); err != nil {
		return a, err
	}
	a.ShareEventID, a.Price, a.Quantity = ev.ID, ev.Price, ev.Quantity
	err = tx.GetContext(ctx, &a.ID, `
		INSERT INTO admissions (site_id, unit_id, member_id, residency_id, admitted_on, price, required_equity, cash, loan,
		                        loan_id, share_event_id, admitted_by, idempotency_key)
		VALUES ($1, $2, $3, $4, $5::date, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
		a.SiteID, a.UnitID, a.MemberID, a.ResidencyID, date.Format(time.DateOnly), a.Price, a.RequiredEquity, a.Cash, a.Loan,
		a.LoanID, a.ShareEventID, req.By, req.IdempotencyKey)
	if err != nil {
		return a, fmt.Errorf("membership: unable to record admission: %w", err)
	}
	return a, nil
}

// replayAdmission fills a with the admission an earlier request with the
// same key made. Errors: idempotency_key_reused (409) when that request
// was another.
func (s *Service) replayAdmission(ctx context.Context, tx *sqlx.Tx, req AdmitRequest, date time.Time, a *Admission) (bool, error) {
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
	if a.UnitID != req.UnitID || a.MemberID != req.MemberID || !a.AdmittedOn.Equal(date) || !a.Cash.Equal(req.Cash) || !a.Loan.Equal(req.Loan) {
		return true, app.Conflict("idempotency_key_reused", "Idempotency key %q was already used for a different admission.", req.IdempotencyKey).OnField("idempotency_key")
	}
	a.Replayed = true
	return true, nil
}

// AdmissionsOf lists a site's admissions, latest first.
func (s *Service) AdmissionsOf(ctx context.Context, siteID int64) ([]AdmissionView, error) {
	as := []AdmissionView{}
	err := s.DB.SelectContext(ctx, &as, `
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

// FreeUnits lists the units of a site with no residency on or after a day,
// the units an admission from that day can fill.
func (s *Service) FreeUnits(ctx context.Context, siteID int64, from time.Time) ([]FreeUnit, error) {
	us := []FreeUnit{}
	err := s.DB.SelectContext(ctx, &us, `
		SELECT u.id, u.name, u.bedrooms, u.monthly_charge, u.required_equity FROM units u
		WHERE u.site_id = $1 AND NOT EXISTS (
		    SELECT 1 FROM residencies_from($2::date) r WHERE r.unit_id = u.id)
		ORDER BY u.name`, siteID, from.Format(time.DateOnly))
	if err != nil {
		return nil, fmt.Errorf("membership: unable to list free units: %w", err)
	}
	return us, nil
}
