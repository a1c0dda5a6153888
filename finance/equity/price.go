package equity

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/shopspring/decimal"

	"hearth/app"
)

// PolicyKind is how a site prices its shares.
type PolicyKind string

// The price policies of DESIGN.md.
const (
	// NetAssetValue: price = (latest appraisal − outstanding site debt −
	// reserves) / shares outstanding.
	NetAssetValue PolicyKind = "nav"
	// LimitedEquity: price = base price × (1 + yearly rate)^(whole years since
	// the base date), or base price × index now / index at the base date.
	LimitedEquity PolicyKind = "limited_equity"
)

// Label names a policy kind for people.
func (k PolicyKind) Label() string {
	switch k {
	case NetAssetValue:
		return "Net asset value"
	case LimitedEquity:
		return "Limited equity"
	}
	return string(k)
}

// Policy is a site's price policy from EffectiveFrom until the next one.
//
// For net asset value, BasePrice is the price while no shares are
// outstanding or no appraisal is in effect yet. For limited equity exactly
// one of YearlyRatePct and IndexSeries is set.
type Policy struct {
	ID            int64            `db:"id" json:"id"`
	SiteID        int64            `db:"site_id" json:"site_id"`
	EffectiveFrom time.Time        `db:"effective_from" json:"effective_from"`
	Kind          PolicyKind       `db:"kind" json:"kind"`
	BasePrice     decimal.Decimal  `db:"base_price" json:"base_price"`
	BaseDate      time.Time        `db:"base_date" json:"base_date"`
	YearlyRatePct *decimal.Decimal `db:"yearly_rate_pct" json:"yearly_rate_pct"`
	IndexSeries   *string          `db:"index_series" json:"index_series"`
	Note          string           `db:"note" json:"note"`
	CreatedAt     time.Time        `db:"created_at" json:"created_at"`
}

func (p *Policy) normalize() {
	p.EffectiveFrom, p.BaseDate = Day(p.EffectiveFrom), Day(p.BaseDate)
}

// NewPolicy is what setting a price policy needs. BaseDate defaults to
// EffectiveFrom.
type NewPolicy struct {
	SiteID        int64
	EffectiveFrom time.Time
	Kind          PolicyKind
	BasePrice     decimal.Decimal
	BaseDate      time.Time
	YearlyRatePct *decimal.Decimal
	IndexSeries   string
	Note          string
	By            *int64
}

// Appraisal is a dated valuation of a site's property. It enters the price
// from EffectiveOn.
type Appraisal struct {
	ID          int64           `db:"id" json:"id"`
	SiteID      int64           `db:"site_id" json:"site_id"`
	AppraisedOn time.Time       `db:"appraised_on" json:"appraised_on"`
	EffectiveOn time.Time       `db:"effective_on" json:"effective_on"`
	Amount      decimal.Decimal `db:"amount" json:"amount"`
	Appraiser   string          `db:"appraiser" json:"appraiser"`
	Note        string          `db:"note" json:"note"`
	CreatedAt   time.Time       `db:"created_at" json:"created_at"`
}

func (a *Appraisal) normalize() {
	a.AppraisedOn, a.EffectiveOn = Day(a.AppraisedOn), Day(a.EffectiveOn)
}

// NewAppraisal is what recording an appraisal needs. EffectiveOn defaults
// to today.
type NewAppraisal struct {
	SiteID      int64
	AppraisedOn time.Time
	EffectiveOn time.Time
	Amount      decimal.Decimal
	Appraiser   string
	Note        string
	By          *int64
}

// IndexPoint is a value of a price index in force from EffectiveOn.
type IndexPoint struct {
	Series      string          `db:"series" json:"series"`
	EffectiveOn time.Time       `db:"effective_on" json:"effective_on"`
	Value       decimal.Decimal `db:"value" json:"value"`
}

// PriceInput is one input of a price's formula, for people: its name, its
// value as shown, and where it comes from.
type PriceInput struct {
	Name   string `json:"name"`
	Value  string `json:"value"`
	Source string `json:"source"`
}

// Price is a site's share price on a day with how it was found: the policy,
// the formula with the numbers put in, and each input. The price of a day is
// fixed at the start of that day: it reads ledger balances and shares
// outstanding at the end of the day before, and the appraisals, index values
// and policy in force on the day, so whatever happens on the day is priced
// alike and the price of any past day can be computed again.
type Price struct {
	SiteID  int64           `json:"site_id"`
	On      time.Time       `json:"on"`
	Price   decimal.Decimal `json:"price"`
	Policy  Policy          `json:"policy"`
	Formula string          `json:"formula"`
	Inputs  []PriceInput    `json:"inputs"`

	// Net asset value inputs (zero for limited equity).
	Appraisal         *Appraisal      `json:"appraisal,omitempty"`
	MortgageBalance   decimal.Decimal `json:"mortgage_balance"`
	PaidInCapital     decimal.Decimal `json:"paid_in_capital"`
	SiteDebt          decimal.Decimal `json:"site_debt"` // MortgageBalance − PaidInCapital
	Reserves          decimal.Decimal `json:"reserves"`
	SharesOutstanding decimal.Decimal `json:"shares_outstanding"`
}

// --- policies ---------------------------------------------------------------

const policyColumns = `id, site_id, effective_from, kind, base_price, base_date, yearly_rate_pct, index_series, note, created_at`

// SetPolicy adds a price policy to a site from a date on, opening the site's
// share pool (and its ledger accounts) with the first one. It never changes
// the price of a day already past: the date must be today or later, and
// after the last day on which shares of the site changed hands.
//
// Errors: site_not_found (404); invalid_policy_kind, price_not_positive,
// rate_negative, rate_too_high, base_date_after_start, index_series_invalid,
// note_too_long, policy_backdated (422); policy_exists (409) when the site
// already has a policy from that date; forbidden (403) unless p may change
// the pool (CanChangePool).
func (s *Service) SetPolicy(ctx context.Context, p *app.Principal, in NewPolicy) (Policy, error) {
	var pol Policy
	if err := requirePoolChange(p); err != nil {
		return pol, err
	}
	in.By = &p.ID
	err := app.InTx(ctx, s.DB, func(tx *sqlx.Tx) error {
		var err error
		pol, err = s.SetPolicyTx(ctx, tx, in)
		return err
	})
	return pol, err
}

// SetPolicyTx is SetPolicy inside the caller's transaction, for the demo
// seed, which opens its pools in its one transaction.
func (s *Service) SetPolicyTx(ctx context.Context, tx *sqlx.Tx, in NewPolicy) (Policy, error) {
	var p Policy
	from := Day(in.EffectiveFrom)
	base := from
	if !in.BaseDate.IsZero() {
		base = Day(in.BaseDate)
	}
	var rate *decimal.Decimal
	var series *string
	switch in.Kind {
	case NetAssetValue:
	case LimitedEquity:
		in.IndexSeries = strings.TrimSpace(in.IndexSeries)
		switch {
		case in.IndexSeries == "" && in.YearlyRatePct == nil:
			return p, app.Unprocessable("growth_required", "A limited-equity policy grows by a yearly rate or follows an index: give one.").OnField("yearly_rate_pct")
		case in.IndexSeries != "" && in.YearlyRatePct != nil:
			return p, app.Unprocessable("growth_ambiguous", "Give a yearly rate or an index series, not both.").OnField("index_series")
		case in.IndexSeries != "":
			if !validSeries(in.IndexSeries) {
				return p, app.Unprocessable("index_series_invalid", "An index series is named with up to 40 letters, digits, spaces, dots, dashes or underscores.").OnField("index_series")
			}
			series = &in.IndexSeries
		default:
			r := *in.YearlyRatePct
			if r.IsNegative() {
				return p, app.Unprocessable("rate_negative", "The yearly rate cannot be negative.").OnField("yearly_rate_pct")
			}
			if r.GreaterThan(hundred) || !r.Equal(r.Round(4)) {
				return p, app.Unprocessable("rate_too_high", "The yearly rate is a percentage up to 100 with at most four decimals.").OnField("yearly_rate_pct")
			}
			rate = &r
		}
	default:
		return p, app.Unprocessable("invalid_policy_kind", "A price policy is net asset value (nav) or limited equity (limited_equity).").OnField("kind")
	}
	if !in.BasePrice.IsPositive() || !in.BasePrice.Equal(RoundPrice(in.BasePrice)) {
		return p, app.Unprocessable("price_not_positive", "The base price must be more than zero, with at most six decimals.").OnField("base_price")
	}
	if base.After(from) {
		return p, app.Unprocessable("base_date_after_start", "The base date cannot come after the day the policy takes effect.").OnField("base_date")
	}
	if len(in.Note) > 500 {
		return p, app.Unprocessable("note_too_long", "A note has at most 500 characters.").OnField("note")
	}
	if err := s.OpenPoolTx(ctx, tx, in.SiteID); err != nil {
		return p, err
	}
	if err := s.checkNotBackdated(ctx, tx, in.SiteID, from, "effective_from"); err != nil {
		return p, err
	}
	err := tx.GetContext(ctx, &p, `
		INSERT INTO price_policies (site_id, effective_from, kind, base_price, base_date, yearly_rate_pct, index_series, note, created_by)
		VALUES ($1, $2::date, $3, $4, $5::date, $6, $7, $8, $9)
		RETURNING `+policyColumns,
		in.SiteID, SQLDate(from), in.Kind, in.BasePrice, SQLDate(base), rate, series, strings.TrimSpace(in.Note), in.By)
	if app.PQConstraint(err) == "price_policies_site_from_key" {
		return p, app.Conflict("policy_exists", "This site already has a price policy from %s.", SQLDate(from)).OnField("effective_from")
	}
	if err != nil {
		return p, fmt.Errorf("equity: unable to set policy: %w", err)
	}
	p.normalize()
	return p, nil
}

// OpenPoolTx creates the site's share pool and ledger accounts unless they
// exist, and locks the pool row so that price history is written by one
// transaction at a time. Errors: site_not_found (404).
func (s *Service) OpenPoolTx(ctx context.Context, tx *sqlx.Tx, siteID int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO share_pools (site_id) VALUES ($1) ON CONFLICT DO NOTHING`, siteID)
	if app.PQConstraint(err) == "share_pools_site_id_fkey" {
		return app.Errorf(app.KindNotFound, "site_not_found", "There is no such site.")
	}
	if err != nil {
		return fmt.Errorf("equity: unable to open share pool: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `SELECT 1 FROM share_pools WHERE site_id = $1 FOR UPDATE`, siteID); err != nil {
		return fmt.Errorf("equity: unable to lock share pool: %w", err)
	}
	return s.ensureSiteAccounts(ctx, tx, siteID)
}

// checkNotBackdated refuses a change of price history dated before today
// at the site or on or before the last day shares of the site changed
// hands. Errors: policy_backdated (422).
func (s *Service) checkNotBackdated(ctx context.Context, tx *sqlx.Tx, siteID int64, from time.Time, field string) error {
	today, err := s.SiteTodayTx(ctx, tx, siteID)
	if err != nil {
		return err
	}
	if from.Before(today) {
		return app.Unprocessable("policy_backdated",
			"Prices of past days never change: choose %s or a later date.", SQLDate(today)).OnField(field)
	}
	var last *time.Time
	if err := tx.GetContext(ctx, &last, `SELECT max(effective_on) FROM share_events WHERE site_id = $1`, siteID); err != nil {
		return fmt.Errorf("equity: unable to read the register: %w", err)
	}
	if last != nil && !from.After(Day(*last)) {
		return app.Unprocessable("policy_backdated",
			"Shares of this site changed hands on %s at the price of that day: choose a later date.", SQLDate(*last)).OnField(field)
	}
	return nil
}

// policies lists a site's policies, latest first.
func (s *Service) policies(ctx context.Context, siteID int64) ([]Policy, error) {
	ps := []Policy{}
	if err := s.DB.SelectContext(ctx, &ps, `SELECT `+policyColumns+` FROM price_policies WHERE site_id = $1 ORDER BY effective_from DESC`, siteID); err != nil {
		return nil, fmt.Errorf("equity: unable to list policies: %w", err)
	}
	for i := range ps {
		ps[i].normalize()
	}
	return ps, nil
}

// policyOn returns the policy in force on a day. Errors: no_price_policy (422).
func policyOn(ctx context.Context, q sqlx.QueryerContext, siteID int64, on time.Time) (Policy, error) {
	var p Policy
	err := sqlx.GetContext(ctx, q, &p, `
		SELECT `+policyColumns+` FROM price_policies WHERE site_id = $1 AND effective_from <= $2::date
		ORDER BY effective_from DESC LIMIT 1`, siteID, SQLDate(on))
	if app.ErrNoRows(err) {
		return p, app.Unprocessable("no_price_policy", "This site has no share price policy in force on %s.", SQLDate(on))
	}
	if err != nil {
		return p, fmt.Errorf("equity: unable to read policy: %w", err)
	}
	p.normalize()
	return p, nil
}

// --- appraisals ---------------------------------------------------------------

const appraisalColumns = `id, site_id, appraised_on, effective_on, amount, appraiser, note, created_at`

// RecordAppraisal records a valuation of a site's property. It enters the
// price from EffectiveOn (today when zero), which may not be in the past or
// on or before the last day shares of the site changed hands.
//
// Errors: site_not_found (404); amount_not_positive, amount_not_cents,
// appraised_in_future, policy_backdated, note_too_long (422);
// appraisal_exists (409) when the site already has one in effect from that
// day; forbidden (403) unless p may record it (CanRecordAppraisal).
func (s *Service) RecordAppraisal(ctx context.Context, p *app.Principal, in NewAppraisal) (Appraisal, error) {
	var a Appraisal
	if !CanRecordAppraisal(p, in.SiteID) {
		return a, app.Forbidden("Only a coordinator of this site can do that.")
	}
	in.By = &p.ID
	err := app.InTx(ctx, s.DB, func(tx *sqlx.Tx) error {
		var err error
		a, err = s.RecordAppraisalTx(ctx, tx, in)
		return err
	})
	return a, err
}

// CanRecordAppraisal reports whether p may record an appraisal of a site:
// its coordinators, who commission them, and the treasurer.
func CanRecordAppraisal(p *app.Principal, siteID int64) bool { return p.Coordinates(siteID) }

// RecordAppraisalTx is RecordAppraisal inside the caller's transaction, for
// the demo seed.
func (s *Service) RecordAppraisalTx(ctx context.Context, tx *sqlx.Tx, in NewAppraisal) (Appraisal, error) {
	var a Appraisal
	eff, err := s.SiteTodayTx(ctx, tx, in.SiteID)
	if err != nil {
		return a, err
	}
	if !in.EffectiveOn.IsZero() {
		eff = Day(in.EffectiveOn)
	}
	appraised := Day(in.AppraisedOn)
	if in.AppraisedOn.IsZero() {
		appraised = eff
	}
	if !in.Amount.IsPositive() {
		return a, app.Unprocessable("amount_not_positive", "The appraised value must be more than zero.").OnField("amount")
	}
	if !IsCents(in.Amount) {
		return a, app.Unprocessable("amount_not_cents", "Amounts are in whole cents, such as 2500.50.").OnField("amount")
	}
	if appraised.After(eff) {
		return a, app.Unprocessable("appraised_in_future", "An appraisal takes effect on or after the day it was made.").OnField("appraised_on")
	}
	if len(in.Appraiser) > 200 || len(in.Note) > 500 {
		return a, app.Unprocessable("note_too_long", "The appraiser has at most 200 characters and the note 500.").OnField("note")
	}
	if err := s.OpenPoolTx(ctx, tx, in.SiteID); err != nil {
		return a, err
	}
	if err := s.checkNotBackdated(ctx, tx, in.SiteID, eff, "effective_on"); err != nil {
		return a, err
	}
	err = tx.GetContext(ctx, &a, `
		INSERT INTO appraisals (site_id, appraised_on, effective_on, amount, appraiser, note, created_by)
		VALUES ($1, $2::date, $3::date, $4, $5, $6, $7) RETURNING `+appraisalColumns,
		in.SiteID, SQLDate(appraised), SQLDate(eff), in.Amount, strings.TrimSpace(in.Appraiser), strings.TrimSpace(in.Note), in.By)
	if app.PQConstraint(err) == "appraisals_site_effective_key" {
		return a, app.Conflict("appraisal_exists", "An appraisal of this site already takes effect on %s.", SQLDate(eff)).OnField("effective_on")
	}
	if err != nil {
		return a, fmt.Errorf("equity: unable to record appraisal: %w", err)
	}
	a.normalize()
	return a, nil
}

// Appraisals lists a site's appraisals, latest first, for a member's
// statement of the sites they held shares at (its caller decides who may
// see it).
func (s *Service) Appraisals(ctx context.Context, siteID int64) ([]Appraisal, error) {
	return s.appraisals(ctx, siteID)
}

// appraisals lists a site's appraisals, latest first.
func (s *Service) appraisals(ctx context.Context, siteID int64) ([]Appraisal, error) {
	as := []Appraisal{}
	if err := s.DB.SelectContext(ctx, &as, `SELECT `+appraisalColumns+` FROM appraisals WHERE site_id = $1 ORDER BY effective_on DESC`, siteID); err != nil {
		return nil, fmt.Errorf("equity: unable to list appraisals: %w", err)
	}
	for i := range as {
		as[i].normalize()
	}
	return as, nil
}

// --- index series ---------------------------------------------------------------

func validSeries(s string) bool {
	if len(s) == 0 || len(s) > 40 {
		return false
	}
	for i, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || (i > 0 && strings.ContainsRune(" ._-", r))
		if !ok {
			return false
		}
	}
	return true
}

// RecordIndexPoint adds a value of a price index in force from a day, which
// may not be in the past (past prices never change). Errors:
// index_series_invalid, value_not_positive, policy_backdated (422);
// index_point_exists (409); forbidden (403) unless p may change the
// settings (CanChangeSettings).
func (s *Service) RecordIndexPoint(ctx context.Context, p *app.Principal, pt IndexPoint) (IndexPoint, error) {
	if !CanChangeSettings(p) {
		return pt, app.Forbidden("Only the treasurer (an admin) can do that.")
	}
	err := app.InTx(ctx, s.DB, func(tx *sqlx.Tx) error {
		var err error
		pt, err = s.RecordIndexPointTx(ctx, tx, pt)
		return err
	})
	return pt, err
}

// RecordIndexPointTx is RecordIndexPoint inside the caller's transaction,
// for the demo seed.
func (s *Service) RecordIndexPointTx(ctx context.Context, tx *sqlx.Tx, pt IndexPoint) (IndexPoint, error) {
	pt.Series = strings.TrimSpace(pt.Series)
	if !validSeries(pt.Series) {
		return pt, app.Unprocessable("index_series_invalid", "An index series is named with up to 40 letters, digits, spaces, dots, dashes or underscores.").OnField("series")
	}
	if !pt.Value.IsPositive() || !pt.Value.Equal(pt.Value.Round(PricePlaces)) {
		return pt, app.Unprocessable("value_not_positive", "An index value is more than zero, with at most six decimals.").OnField("value")
	}
	if pt.EffectiveOn.IsZero() {
		pt.EffectiveOn = s.Today()
	}
	pt.EffectiveOn = Day(pt.EffectiveOn)
	if pt.EffectiveOn.Before(s.Today()) {
		return pt, app.Unprocessable("policy_backdated", "Prices of past days never change: an index value takes effect today or later.").OnField("effective_on")
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO price_index_points (series, effective_on, value) VALUES ($1, $2::date, $3)`,
		pt.Series, SQLDate(pt.EffectiveOn), pt.Value)
	if app.PQConstraint(err) == "price_index_points_pkey" {
		return pt, app.Conflict("index_point_exists", "Series %s already has a value from %s.", pt.Series, SQLDate(pt.EffectiveOn)).OnField("effective_on")
	}
	if err != nil {
		return pt, fmt.Errorf("equity: unable to record index value: %w", err)
	}
	return pt, nil
}

// Indexes lists the values of every price index series, latest first, for
// whoever may change them (CanChangeSettings). Errors: forbidden (403).
func (s *Service) Indexes(ctx context.Context, p *app.Principal) (map[string][]IndexPoint, error) {
	if !CanChangeSettings(p) {
		return nil, app.Forbidden("Only the treasurer (an admin) can do that.")
	}
	var pts []IndexPoint
	if err := s.DB.SelectContext(ctx, &pts, `SELECT series, effective_on, value FROM price_index_points ORDER BY series, effective_on DESC`); err != nil {
		return nil, fmt.Errorf("equity: unable to list index values: %w", err)
	}
	out := map[string][]IndexPoint{}
	for _, pt := range pts {
		pt.EffectiveOn = Day(pt.EffectiveOn)
		out[pt.Series] = append(out[pt.Series], pt)
	}
	return out, nil
}

// indexPoints lists the values of a series, latest first.
func (s *Service) indexPoints(ctx context.Context, series string) ([]IndexPoint, error) {
	pts := []IndexPoint{}
	if err := s.DB.SelectContext(ctx, &pts, `SELECT series, effective_on, value FROM price_index_points WHERE series = $1 ORDER BY effective_on DESC`, series); err != nil {
		return nil, fmt.Errorf("equity: unable to list index values: %w", err)
	}
	for i := range pts {
		pts[i].EffectiveOn = Day(pts[i].EffectiveOn)
	}
	return pts, nil
}

func indexOn(ctx context.Context, q sqlx.QueryerContext, series string, on time.Time) (IndexPoint, error) {
	var pt IndexPoint
	err := sqlx.GetContext(ctx, q, &pt, `
		SELECT series, effective_on, value FROM price_index_points WHERE series = $1 AND effective_on <= $2::date
		ORDER BY effective_on DESC LIMIT 1`, series, SQLDate(on))
	if app.ErrNoRows(err) {
		return pt, app.Unprocessable("index_missing", "Index series %s has no value in force on %s.", series, SQLDate(on))
	}
	if err != nil {
		return pt, fmt.Errorf("equity: unable to read index: %w", err)
	}
	pt.EffectiveOn = Day(pt.EffectiveOn)
	return pt, nil
}

// --- the price ---------------------------------------------------------------

// SharePrice returns a site's share price on a day (today at the site when
// on is zero) with its formula and inputs (see Price for which state of the
// books it reads). The same day always gives the same price.
//
// Errors: no_price_policy, index_missing (422) when the policy's index has
// no value for a date it needs, price_not_positive (422) when the site's
// debt and reserves reach its appraised value; forbidden (403) unless p may
// see the site's pool (poolVisibleTo).
func (s *Service) SharePrice(ctx context.Context, p *app.Principal, siteID int64, on time.Time) (Price, error) {
	if err := s.requirePoolView(ctx, s.DB, p, siteID); err != nil {
		return Price{}, err
	}
	if on.IsZero() {
		var err error
		if on, err = s.SiteToday(ctx, siteID); err != nil {
			return Price{}, err
		}
	}
	return s.sharePriceOn(ctx, s.DB, siteID, on)
}

// SharePriceOnTx is the price of a day inside the caller's transaction, for
// an admission or a move to quote and trade at.
func (s *Service) SharePriceOnTx(ctx context.Context, tx *sqlx.Tx, siteID int64, on time.Time) (Price, error) {
	return s.sharePriceOn(ctx, tx, siteID, on)
}

func (s *Service) sharePriceOn(ctx context.Context, q sqlx.QueryerContext, siteID int64, on time.Time) (Price, error) {
	on = Day(on)
	pol, err := policyOn(ctx, q, siteID, on)
	if err != nil {
		return Price{}, err
	}
	pr := Price{SiteID: siteID, On: on, Policy: pol}
	if pol.Kind == LimitedEquity {
		return s.limitedEquityPrice(ctx, q, pr)
	}
	return s.navPrice(ctx, q, pr)
}

func (s *Service) limitedEquityPrice(ctx context.Context, q sqlx.QueryerContext, pr Price) (Price, error) {
	pol := pr.Policy
	base := PriceInput{"Base price", pol.BasePrice.StringFixed(PricePlaces), "set by the policy from " + SQLDate(pol.EffectiveFrom)}
	baseDate := PriceInput{"Base date", SQLDate(pol.BaseDate), "the day the base price applied"}
	if pol.YearlyRatePct != nil {
		years := WholeYears(pol.BaseDate, pr.On)
		pr.Price = LimitedEquityByRate(pol.BasePrice, *pol.YearlyRatePct, years)
		growth := decimal.NewFromInt(1).Add(pol.YearlyRatePct.Div(hundred))
		pr.Formula = fmt.Sprintf("base price × (1 + yearly rate)^years = %s × %s^%d = %s",
			pol.BasePrice.StringFixed(PricePlaces), growth.String(), years, pr.Price.StringFixed(PricePlaces))
		pr.Inputs = []PriceInput{base, baseDate,
			{"Yearly rate", pol.YearlyRatePct.String() + "%", "set by the policy"},
			{"Years", fmt.Sprint(years), "whole years from the base date to " + SQLDate(pr.On)},
		}
		return pr, nil
	}
	series := *pol.IndexSeries
	then, err := indexOn(ctx, q, series, pol.BaseDate)
	if err != nil {
		return pr, err
	}
	now, err := indexOn(ctx, q, series, pr.On)
	if err != nil {
		return pr, err
	}
	pr.Price = LimitedEquityByIndex(pol.BasePrice, then.Value, now.Value)
	pr.Formula = fmt.Sprintf("base price × index now / index at base date = %s × %s / %s = %s",
		pol.BasePrice.StringFixed(PricePlaces), now.Value.String(), then.Value.String(), pr.Price.StringFixed(PricePlaces))
	pr.Inputs = []PriceInput{base, baseDate,
		{"Index at base date", then.Value.String(), series + " from " + SQLDate(then.EffectiveOn)},
		{"Index now", now.Value.String(), series + " from " + SQLDate(now.EffectiveOn)},
	}
	return pr, nil
}

// navPrice computes a net-asset-value price: its ledger and register
// inputs are read at the end of the day before the price's day.
func (s *Service) navPrice(ctx context.Context, q sqlx.QueryerContext, pr Price) (Price, error) {
	pol := pr.Policy
	eve := pr.On.AddDate(0, 0, -1)
	acc := AccountsOfSite(pr.SiteID)
	var err error
	if pr.MortgageBalance, err = s.balance(ctx, q, acc.Mortgage, &eve, CreditNormal); err != nil {
		return pr, err
	}
	if pr.PaidInCapital, err = s.balance(ctx, q, acc.SharesPaidIn, &eve, CreditNormal); err != nil {
		return pr, err
	}
	if pr.Reserves, err = s.balance(ctx, q, acc.Reserves, &eve, CreditNormal); err != nil {
		return pr, err
	}
	if err := sqlx.GetContext(ctx, q, &pr.SharesOutstanding, `
		SELECT coalesce(sum(quantity), 0) FROM share_events WHERE site_id = $1 AND effective_on < $2::date`,
		pr.SiteID, SQLDate(pr.On)); err != nil {
		return pr, fmt.Errorf("equity: unable to count shares: %w", err)
	}
	var ap Appraisal
	err = sqlx.GetContext(ctx, q, &ap, `
		SELECT `+appraisalColumns+` FROM appraisals WHERE site_id = $1 AND effective_on <= $2::date
		ORDER BY effective_on DESC LIMIT 1`, pr.SiteID, SQLDate(pr.On))
	switch {
	case err == nil:
		ap.normalize()
		pr.Appraisal = &ap
	case !app.ErrNoRows(err):
		return pr, fmt.Errorf("equity: unable to read appraisal: %w", err)
	}
	pr.SiteDebt = pr.MortgageBalance.Sub(pr.PaidInCapital)
	eveDay := "ledger at the end of " + SQLDate(eve)
	pr.Inputs = []PriceInput{
		{"Mortgage principal owed", FormatMoney(pr.MortgageBalance), eveDay},
		{"Share capital paid in", FormatMoney(pr.PaidInCapital), eveDay + " (buy-ins and moves in, less redemptions: held against the mortgage)"},
		{"Outstanding site debt", FormatMoney(pr.SiteDebt), "mortgage principal owed − share capital paid in"},
		{"Reserves", FormatMoney(pr.Reserves), eveDay},
		{"Shares outstanding", pr.SharesOutstanding.StringFixed(QuantityPlaces), "share register at the end of " + SQLDate(eve)},
	}
	price, err := navOrOpening(pol, pr.On, pr.Appraisal, pr.SiteDebt, pr.Reserves, pr.SharesOutstanding)
	if err != nil {
		return pr, err
	}
	pr.Price = price
	if pr.Appraisal == nil || !pr.SharesOutstanding.IsPositive() {
		why := "no appraisal is in effect yet"
		if !pr.SharesOutstanding.IsPositive() {
			why = "no shares are outstanding yet"
		}
		pr.Formula = fmt.Sprintf("opening price, because %s = %s", why, pol.BasePrice.StringFixed(PricePlaces))
		pr.Inputs = append([]PriceInput{{"Opening price", pol.BasePrice.StringFixed(PricePlaces), "set by the policy from " + SQLDate(pol.EffectiveFrom)}}, pr.Inputs...)
		return pr, nil
	}
	pr.Inputs = append([]PriceInput{{"Latest appraisal", FormatMoney(ap.Amount),
		fmt.Sprintf("appraised %s, in effect from %s", SQLDate(ap.AppraisedOn), SQLDate(ap.EffectiveOn))}}, pr.Inputs...)
	pr.Formula = fmt.Sprintf("(appraisal − site debt − reserves) / shares outstanding = (%s − %s − %s) / %s = %s",
		FormatMoney(ap.Amount), FormatMoney(pr.SiteDebt), FormatMoney(pr.Reserves), pr.SharesOutstanding.StringFixed(QuantityPlaces), price.StringFixed(PricePlaces))
	return pr, nil
}

// navOrOpening is the net-asset-value rule: the policy's opening price while
// no appraisal is in force or no shares are outstanding, else
// NetAssetValuePrice. Errors: price_not_positive (422).
func navOrOpening(pol Policy, on time.Time, ap *Appraisal, debt, reserves, shares decimal.Decimal) (decimal.Decimal, error) {
	if ap == nil || !shares.IsPositive() {
		return pol.BasePrice, nil
	}
	price, ok := NetAssetValuePrice(ap.Amount, debt, reserves, shares)
	if !ok {
		return decimal.Zero, app.Unprocessable("price_not_positive",
			"The share price of this site is not positive on %s: its debt and reserves (%s) reach its appraised value (%s).",
			SQLDate(on), FormatMoney(debt.Add(reserves)), FormatMoney(ap.Amount))
	}
	return price, nil
}

// FormatMoney writes an amount with its cents, for messages.
func FormatMoney(d decimal.Decimal) string { return d.StringFixed(MoneyPlaces) }

// NetAssetValuePrice is (appraisal − debt − reserves) / shares rounded by
// RoundPrice; ok is false when the result would not be positive or there are
// no shares.
func NetAssetValuePrice(appraisal, debt, reserves, shares decimal.Decimal) (price decimal.Decimal, ok bool) {
	net := appraisal.Sub(debt).Sub(reserves)
	if !net.IsPositive() || !shares.IsPositive() {
		return decimal.Zero, false
	}
	// Divide to well past the price's places, then round once.
	p := RoundPrice(net.DivRound(shares, PricePlaces+12))
	return p, p.IsPositive()
}

// LimitedEquityByRate is base × (1 + ratePct/100)^years, computed exactly
// and rounded by RoundPrice.
func LimitedEquityByRate(base, ratePct decimal.Decimal, years int) decimal.Decimal {
	growth := decimal.NewFromInt(1).Add(ratePct.Div(hundred))
	p := base
	for range years {
		p = p.Mul(growth)
	}
	return RoundPrice(p)
}

// LimitedEquityByIndex is base × now / then, rounded by RoundPrice.
func LimitedEquityByIndex(base, then, now decimal.Decimal) decimal.Decimal {
	return RoundPrice(base.Mul(now).DivRound(then, PricePlaces+12))
}

// WholeYears counts the anniversaries of from that fall on or before to: a
// base date of 29 February has its anniversary on 28 February in other years.
func WholeYears(from, to time.Time) int {
	from, to = Day(from), Day(to)
	n := to.Year() - from.Year()
	if n > 0 && addYears(from, n).After(to) {
		n--
	}
	if n < 0 {
		return 0
	}
	return n
}

// addYears returns the anniversary of d n years on, the month's last day
// when d's day does not exist then.
func addYears(d time.Time, n int) time.Time {
	y, m, day := d.Date()
	first := time.Date(y+n, m, 1, 0, 0, 0, 0, time.UTC)
	if last := first.AddDate(0, 1, -1).Day(); day > last {
		day = last
	}
	return time.Date(y+n, m, day, 0, 0, 0, 0, time.UTC)
}
