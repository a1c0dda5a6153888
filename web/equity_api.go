package web

import (
	"github.com/gofiber/fiber/v2"
	"github.com/jmoiron/sqlx"
	"github.com/shopspring/decimal"

	"hearth/app"
	"hearth/finance/equity"
)

// JSON API of share pools: lending settings, pools, prices, policies,
// appraisals, mortgages, required equity and price indexes.

func (h *equityHandlers) apiSettings(c *fiber.Ctx) error {
	st, err := h.eq.Settings(c.UserContext(), h.db)
	if err != nil {
		return err
	}
	return c.JSON(settingsView(st))
}

type settingsRequest struct {
	LoanToValuePct   *string `json:"loan_to_value_pct"`
	ShareLoanRatePct *string `json:"share_loan_rate_pct"`
	ShareLoanMonths  *int    `json:"share_loan_months"`
	TransferFeePct   *string `json:"transfer_fee_pct"`
}

// apply overlays the request on the current settings. Errors: invalid_number.
func (r settingsRequest) apply(st equity.Settings) (equity.Settings, error) {
	for _, f := range []struct {
		name string
		in   *string
		dst  *decimal.Decimal
	}{
		{"loan_to_value_pct", r.LoanToValuePct, &st.LoanToValuePct},
		{"share_loan_rate_pct", r.ShareLoanRatePct, &st.ShareLoanRatePct},
		{"transfer_fee_pct", r.TransferFeePct, &st.TransferFeePct},
	} {
		d, err := formOptionalDecimal(f.name, f.in)
		if err != nil {
			return st, err
		}
		if d != nil {
			*f.dst = *d
		}
	}
	if r.ShareLoanMonths != nil {
		st.ShareLoanMonths = *r.ShareLoanMonths
	}
	return st, nil
}

func (h *equityHandlers) apiUpdateSettings(c *fiber.Ctx) error {
	p := principal(c)
	if err := p.RequireAdmin(); err != nil {
		return err
	}
	var req settingsRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	st, err := h.eq.Settings(c.UserContext(), h.db)
	if err != nil {
		return err
	}
	if st, err = req.apply(st); err != nil {
		return err
	}
	if st, err = h.eq.UpdateSettings(c.UserContext(), st, &p.ID); err != nil {
		return err
	}
	return c.JSON(settingsView(st))
}

type poolJSON struct {
	SiteID     int64           `json:"site_id"`
	SiteName   string          `json:"site_name"`
	Open       bool            `json:"open"`
	ReservePct string          `json:"reserve_pct"`
	Price      *priceJSON      `json:"price"`
	PriceError *errorDetail    `json:"price_error,omitempty"`
	Policies   []policyJSON    `json:"policies"`
	Appraisals []appraisalJSON `json:"appraisals"`
	Mortgages  []loanJSON      `json:"mortgages"`
	Units      []poolUnit      `json:"units"`
}

// poolUnit is a unit of a share pool as the caller may see it: the monthly
// charge of a neighbour's unit is left out (Principal.CanSeeChargeOf), as on the site.
type poolUnit struct {
	ID             int64            `json:"id"`
	Name           string           `json:"name"`
	Bedrooms       int              `json:"bedrooms"`
	MonthlyCharge  *decimal.Decimal `json:"monthly_charge,omitempty"`
	RequiredEquity decimal.Decimal  `json:"required_equity"`
	Resident       *string          `json:"resident"`
}

// poolData gathers what a pool's page and API show.
type poolData struct {
	Pool       equity.Pool
	Price      *equity.Price
	PriceError *app.Error
	Policies   []equity.Policy
	Appraisals []equity.Appraisal
	Mortgages  []equity.Loan
	Units      []poolUnit
}

func (h *equityHandlers) loadPool(c *fiber.Ctx, siteID int64) (poolData, error) {
	ctx := c.UserContext()
	var d poolData
	var err error
	if d.Pool, err = h.eq.Pool(ctx, h.db, siteID); err != nil {
		return d, err
	}
	if p, err := h.eq.SharePriceOn(ctx, h.db, siteID, h.eq.Today()); err == nil {
		d.Price = &p
	} else if e, ok := app.AsError(err); ok && e.Kind == app.KindUnprocessable {
		d.PriceError = e
	} else {
		return d, err
	}
	if d.Policies, err = h.eq.Policies(ctx, h.db, siteID); err != nil {
		return d, err
	}
	if d.Appraisals, err = h.eq.Appraisals(ctx, h.db, siteID); err != nil {
		return d, err
	}
	if d.Mortgages, err = h.eq.SiteLoans(ctx, h.db, siteID); err != nil {
		return d, err
	}
	units, err := h.eq.UnitsOf(ctx, h.db, siteID)
	if err != nil {
		return d, err
	}
	p := principal(c)
	d.Units = make([]poolUnit, len(units))
	for i, u := range units {
		d.Units[i] = poolUnit{ID: u.ID, Name: u.Name, Bedrooms: u.Bedrooms, RequiredEquity: u.RequiredEquity, Resident: u.Resident}
		if p.CanSeeChargeOf(siteID, u.ResidentID) {
			d.Units[i].MonthlyCharge = &units[i].MonthlyCharge
		}
	}
	return d, nil
}

func (h *equityHandlers) apiPool(c *fiber.Ctx) error {
	siteID, err := paramID(c, "site_id")
	if err != nil {
		return err
	}
	if err := h.requireSiteView(c, siteID); err != nil {
		return err
	}
	d, err := h.loadPool(c, siteID)
	if err != nil {
		return err
	}
	v := poolJSON{SiteID: siteID, SiteName: d.Pool.SiteName, Open: d.Pool.Open, ReservePct: d.Pool.ReservePct.String(),
		Policies: []policyJSON{}, Appraisals: []appraisalJSON{}, Mortgages: []loanJSON{}, Units: d.Units}
	if d.Price != nil {
		pv := priceView(*d.Price)
		v.Price = &pv
	}
	if d.PriceError != nil {
		v.PriceError = &errorDetail{Code: d.PriceError.Code, Message: d.PriceError.Message}
	}
	for _, p := range d.Policies {
		v.Policies = append(v.Policies, policyView(p))
	}
	for _, a := range d.Appraisals {
		v.Appraisals = append(v.Appraisals, appraisalView(a))
	}
	for _, l := range d.Mortgages {
		v.Mortgages = append(v.Mortgages, loanView(l))
	}
	return c.JSON(v)
}

func (h *equityHandlers) apiUpdatePool(c *fiber.Ctx) error {
	siteID, err := adminSite(c)
	if err != nil {
		return err
	}
	var req struct {
		ReservePct string `json:"reserve_pct"`
	}
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	pct, err := formDecimal("reserve_pct", req.ReservePct)
	if err != nil {
		return err
	}
	p, err := h.eq.SetReservePct(c.UserContext(), siteID, pct)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"site_id": p.SiteID, "open": p.Open, "reserve_pct": p.ReservePct.String()})
}

func (h *equityHandlers) apiSharePrice(c *fiber.Ctx) error {
	siteID, err := paramID(c, "site_id")
	if err != nil {
		return err
	}
	if err := h.requireSiteView(c, siteID); err != nil {
		return err
	}
	on, err := h.dayOrToday(c)
	if err != nil {
		return err
	}
	p, err := h.eq.SharePriceOn(c.UserContext(), h.db, siteID, on)
	if err != nil {
		return err
	}
	return c.JSON(priceView(p))
}

// policyRequest is a new price policy, from JSON or a page form.
type policyRequest struct {
	EffectiveFrom string  `json:"effective_from"`
	Kind          string  `json:"kind"`
	BasePrice     string  `json:"base_price"`
	BaseDate      string  `json:"base_date"`
	YearlyRatePct *string `json:"yearly_rate_pct"`
	IndexSeries   string  `json:"index_series"`
	Note          string  `json:"note"`
}

func (r policyRequest) policy(siteID int64, by int64) (equity.NewPolicy, error) {
	in := equity.NewPolicy{SiteID: siteID, Kind: equity.PolicyKind(r.Kind), IndexSeries: r.IndexSeries, Note: r.Note, By: &by}
	var err error
	if in.EffectiveFrom, err = formDate("effective_from", r.EffectiveFrom); err != nil {
		return in, err
	}
	if in.EffectiveFrom.IsZero() {
		return in, app.Unprocessable("date_required", "Say from which day the policy applies.").OnField("effective_from")
	}
	if in.BaseDate, err = formDate("base_date", r.BaseDate); err != nil {
		return in, err
	}
	if in.BasePrice, err = formDecimal("base_price", r.BasePrice); err != nil {
		return in, err
	}
	in.YearlyRatePct, err = formOptionalDecimal("yearly_rate_pct", r.YearlyRatePct)
	return in, err
}

func (h *equityHandlers) apiSetPolicy(c *fiber.Ctx) error {
	siteID, err := adminSite(c)
	if err != nil {
		return err
	}
	p := principal(c)
	var req policyRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	in, err := req.policy(siteID, p.ID)
	if err != nil {
		return err
	}
	var pol equity.Policy
	err = app.InTx(c.UserContext(), h.db, func(tx *sqlx.Tx) error {
		pol, err = h.eq.SetPolicy(c.UserContext(), tx, in)
		return err
	})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(policyView(pol))
}

// appraisalRequest is a new appraisal, from JSON or a page form.
type appraisalRequest struct {
	Amount      string `json:"amount"`
	AppraisedOn string `json:"appraised_on"`
	EffectiveOn string `json:"effective_on"`
	Appraiser   string `json:"appraiser"`
	Note        string `json:"note"`
}

func (r appraisalRequest) appraisal(siteID, by int64) (equity.NewAppraisal, error) {
	in := equity.NewAppraisal{SiteID: siteID, Appraiser: r.Appraiser, Note: r.Note, By: &by}
	var err error
	if in.Amount, err = formDecimal("amount", r.Amount); err != nil {
		return in, err
	}
	if in.AppraisedOn, err = formDate("appraised_on", r.AppraisedOn); err != nil {
		return in, err
	}
	in.EffectiveOn, err = formDate("effective_on", r.EffectiveOn)
	return in, err
}

func (h *equityHandlers) apiRecordAppraisal(c *fiber.Ctx) error {
	siteID, err := coordinatedSite(c)
	if err != nil {
		return err
	}
	p := principal(c)
	var req appraisalRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	in, err := req.appraisal(siteID, p.ID)
	if err != nil {
		return err
	}
	var a equity.Appraisal
	err = app.InTx(c.UserContext(), h.db, func(tx *sqlx.Tx) error {
		a, err = h.eq.RecordAppraisal(c.UserContext(), tx, in)
		return err
	})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(appraisalView(a))
}

// mortgageRequest is a new site mortgage, from JSON or a page form.
type mortgageRequest struct {
	Lender         string `json:"lender"`
	Principal      string `json:"principal"`
	YearlyRatePct  string `json:"yearly_rate_pct"`
	Months         int    `json:"months"`
	StartsOn       string `json:"starts_on"`
	IdempotencyKey string `json:"idempotency_key"`
}

func (r mortgageRequest) mortgage(siteID int64) (equity.NewMortgage, error) {
	in := equity.NewMortgage{SiteID: siteID, Lender: r.Lender, Months: r.Months, IdempotencyKey: r.IdempotencyKey}
	var err error
	if in.Principal, err = formDecimal("principal", r.Principal); err != nil {
		return in, err
	}
	if in.YearlyRatePct, err = formDecimal("rate", r.YearlyRatePct); err != nil {
		return in, err
	}
	in.StartsOn, err = formDate("starts_on", r.StartsOn)
	return in, err
}

func (h *equityHandlers) apiCreateMortgage(c *fiber.Ctx) error {
	siteID, err := adminSite(c)
	if err != nil {
		return err
	}
	var req mortgageRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	in, err := req.mortgage(siteID)
	if err != nil {
		return err
	}
	var l equity.Loan
	err = app.InTx(c.UserContext(), h.db, func(tx *sqlx.Tx) error {
		l, err = h.eq.CreateMortgage(c.UserContext(), tx, in)
		return err
	})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(loanView(l))
}

func (h *equityHandlers) apiSetRequiredEquity(c *fiber.Ctx) error {
	siteID, err := adminSite(c)
	if err != nil {
		return err
	}
	unitID, err := paramID(c, "unit_id")
	if err != nil {
		return err
	}
	var req struct {
		RequiredEquity string `json:"required_equity"`
	}
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	amount, err := formDecimal("required_equity", req.RequiredEquity)
	if err != nil {
		return err
	}
	if err := h.eq.SetRequiredEquity(c.UserContext(), siteID, unitID, amount); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"unit_id": unitID, "required_equity": moneyText(amount)})
}

func (h *equityHandlers) apiRecordIndexPoint(c *fiber.Ctx) error {
	if err := principal(c).RequireAdmin(); err != nil {
		return err
	}
	var req struct {
		EffectiveOn string `json:"effective_on"`
		Value       string `json:"value"`
	}
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	pt := equity.IndexPoint{Series: c.Params("series")}
	var err error
	if pt.Value, err = formDecimal("value", req.Value); err != nil {
		return err
	}
	if pt.EffectiveOn, err = formDate("effective_on", req.EffectiveOn); err != nil {
		return err
	}
	err = app.InTx(c.UserContext(), h.db, func(tx *sqlx.Tx) error {
		pt, err = h.eq.RecordIndexPoint(c.UserContext(), tx, pt)
		return err
	})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"series": pt.Series, "effective_on": dayText(pt.EffectiveOn), "value": pt.Value.String()})
}
