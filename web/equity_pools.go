package web

import (
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/shopspring/decimal"

	"hearth/app"
	"hearth/finance/equity"
	"hearth/finance/equity/loans"
)

// Share pools: the list, a pool with its price, formula and history, a
// share price on any day, and a pool's price policies, appraisals,
// mortgages, reserve rate and required equity.

func (h *equityHandlers) poolsPage(c *fiber.Ctx) error {
	p := principal(c)
	rows, err := h.eq.Pools(c.UserContext(), p)
	if err != nil {
		return err
	}
	if len(rows) == 1 && !p.IsAdmin() && !p.IsCoordinator() {
		return c.Redirect(equityPoolPath(rows[0].SiteID), fiber.StatusSeeOther)
	}
	return h.render(c, "equity/pools", fiber.Map{"Title": "Share pools", "Pools": rows})
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
// charge of a neighbour's unit is left out (UnitEquity.ChargeShown).
type poolUnit struct {
	ID             int64            `json:"id"`
	Name           string           `json:"name"`
	Bedrooms       int              `json:"bedrooms"`
	MonthlyCharge  *decimal.Decimal `json:"monthly_charge,omitempty"`
	RequiredEquity decimal.Decimal  `json:"required_equity"`
	Resident       *string          `json:"resident"`
}

// poolData is what a pool's page and API show.
type poolData struct {
	loans.PoolDetail
	Units []poolUnit
}

func newPoolData(d loans.PoolDetail) poolData {
	out := poolData{PoolDetail: d, Units: make([]poolUnit, len(d.Units))}
	for i, u := range d.Units {
		out.Units[i] = poolUnit{ID: u.ID, Name: u.Name, Bedrooms: u.Bedrooms, RequiredEquity: u.RequiredEquity, Resident: u.Resident}
		if u.ChargeShown {
			out.Units[i].MonthlyCharge = &d.Units[i].MonthlyCharge
		}
	}
	return out
}

func (d poolData) view() poolJSON {
	v := poolJSON{SiteID: d.Pool.SiteID, SiteName: d.Pool.SiteName, Open: d.Pool.Open, ReservePct: d.Pool.ReservePct.String(),
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
	return v
}

// pool answers a site's share pool (API), or shows its page with the
// treasurer's and coordinators' forms.
func (h *equityHandlers) pool(c *fiber.Ctx) error {
	siteID, err := paramID(c, "site_id")
	if err != nil {
		return err
	}
	if isAPI(c) {
		d, err := h.loans.PoolDetail(c.UserContext(), principal(c), siteID)
		if err != nil {
			return err
		}
		return c.JSON(newPoolData(d).view())
	}
	return h.renderPool(c, siteID, poolForms{}, false)
}

// poolForms are the forms of a pool's page, one of them possibly refused.
type poolForms struct {
	Policy, Appraisal, Mortgage, Reserve, Units *Form
	PriceOn                                     string
}

func (h *equityHandlers) renderPool(c *fiber.Ctx, siteID int64, forms poolForms, refused bool) error {
	d, err := h.loans.PoolDetail(c.UserContext(), principal(c), siteID)
	if err != nil {
		return err
	}
	for _, f := range []**Form{&forms.Policy, &forms.Appraisal, &forms.Mortgage, &forms.Reserve, &forms.Units} {
		if *f == nil {
			*f = &Form{Values: map[string]string{}, Errors: map[string]string{}}
		}
	}
	data := fiber.Map{"Title": "Share pool of " + d.Pool.SiteName, "Pool": newPoolData(d), "Forms": forms, "Today": d.Today,
		"FormKey": newFormKey(), "Tomorrow": d.Today.AddDate(0, 0, 1)}
	// Any day's price can be looked up again, the way it was found then.
	if on := c.Query("on"); on != "" {
		day, err := formDate("on", on)
		if err == nil {
			var pr equity.Price
			if pr, err = h.eq.SharePrice(c.UserContext(), principal(c), siteID, day); err == nil {
				data["PriceOn"] = pr
			}
		}
		if e, ok := app.AsError(err); ok {
			data["PriceOnError"] = e.Message
		} else if err != nil {
			return err
		}
		data["On"] = on
	}
	if refused {
		return h.renderForm(c, "equity/pool", data)
	}
	return h.render(c, "equity/pool", data)
}

// poolAgain shows a pool's page again with one of its forms refused.
func (h *equityHandlers) poolAgain(c *fiber.Ctx, siteID int64, which func(*poolForms) **Form) func(*Form) error {
	return func(f *Form) error {
		var forms poolForms
		*which(&forms) = f
		return h.renderPool(c, siteID, forms, true)
	}
}

// sharePrice answers a site's share price on ?on=YYYY-MM-DD (today at the
// site by default).
func (h *equityHandlers) sharePrice(c *fiber.Ctx) error {
	siteID, err := paramID(c, "site_id")
	if err != nil {
		return err
	}
	on, err := formDate("on", c.Query("on"))
	if err != nil {
		return err
	}
	p, err := h.eq.SharePrice(c.UserContext(), principal(c), siteID, on)
	if err != nil {
		return err
	}
	return c.JSON(priceView(p))
}

// reserveRequest is a pool's new reserve rate.
type reserveRequest struct {
	ReservePct string `json:"reserve_pct"`
}

// updatePool sets the part of the carrying charges that goes to a pool's
// reserves (the treasurer).
func (h *equityHandlers) updatePool(c *fiber.Ctx) error {
	siteID, err := paramID(c, "site_id")
	if err != nil {
		return err
	}
	var in reserveRequest
	var pool equity.Pool
	if err = bind(c, &in); err == nil {
		var pct decimal.Decimal
		if pct, err = formDecimal("reserve_pct", in.ReservePct); err == nil {
			pool, err = h.eq.SetReservePct(c.UserContext(), principal(c), siteID, pct)
		}
	}
	return h.reply(c, err, answer{JSON: fiber.Map{"site_id": pool.SiteID, "open": pool.Open, "reserve_pct": pool.ReservePct.String()},
		Flash: "The reserve rate is saved.", To: equityPoolPath(siteID)},
		h.poolAgain(c, siteID, func(p *poolForms) **Form { return &p.Reserve }))
}

// policyRequest is a new price policy.
type policyRequest struct {
	EffectiveFrom string  `json:"effective_from"`
	Kind          string  `json:"kind"`
	BasePrice     string  `json:"base_price"`
	BaseDate      string  `json:"base_date"`
	YearlyRatePct *string `json:"yearly_rate_pct"`
	IndexSeries   string  `json:"index_series"`
	Note          string  `json:"note"`
}

func (r policyRequest) policy(siteID int64) (equity.NewPolicy, error) {
	in := equity.NewPolicy{SiteID: siteID, Kind: equity.PolicyKind(r.Kind), IndexSeries: r.IndexSeries, Note: r.Note}
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

// setPolicy adds a price policy to a site (the treasurer). The page's form
// has a yearly rate field for every kind; it counts only for a limited
// equity policy without an index.
func (h *equityHandlers) setPolicy(c *fiber.Ctx) error {
	siteID, err := paramID(c, "site_id")
	if err != nil {
		return err
	}
	var in policyRequest
	var pol equity.Policy
	if err = bind(c, &in); err == nil {
		if !isAPI(c) && (in.Kind != string(equity.LimitedEquity) || in.IndexSeries != "") {
			in.YearlyRatePct = nil
		}
		var np equity.NewPolicy
		if np, err = in.policy(siteID); err == nil {
			pol, err = h.eq.SetPolicy(c.UserContext(), principal(c), np)
		}
	}
	return h.reply(c, err, answer{Status: fiber.StatusCreated, JSON: policyView(pol), Flash: "The new price policy is recorded.", To: equityPoolPath(siteID)},
		h.poolAgain(c, siteID, func(p *poolForms) **Form { return &p.Policy }))
}

// appraisalRequest is a new appraisal.
type appraisalRequest struct {
	Amount      string `json:"amount"`
	AppraisedOn string `json:"appraised_on"`
	EffectiveOn string `json:"effective_on"`
	Appraiser   string `json:"appraiser"`
	Note        string `json:"note"`
}

func (r appraisalRequest) appraisal(siteID int64) (equity.NewAppraisal, error) {
	in := equity.NewAppraisal{SiteID: siteID, Appraiser: r.Appraiser, Note: r.Note}
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

// recordAppraisal records a valuation of a site (its coordinators and the
// treasurer).
func (h *equityHandlers) recordAppraisal(c *fiber.Ctx) error {
	siteID, err := paramID(c, "site_id")
	if err != nil {
		return err
	}
	var in appraisalRequest
	var a equity.Appraisal
	if err = bind(c, &in); err == nil {
		var na equity.NewAppraisal
		if na, err = in.appraisal(siteID); err == nil {
			a, err = h.eq.RecordAppraisal(c.UserContext(), principal(c), na)
		}
	}
	return h.reply(c, err, answer{Status: fiber.StatusCreated, JSON: appraisalView(a), Flash: "The appraisal is recorded.", To: equityPoolPath(siteID)},
		h.poolAgain(c, siteID, func(p *poolForms) **Form { return &p.Appraisal }))
}

// mortgageRequest is a new site mortgage. The page's form names the rate
// "rate" (the field its errors are shown beside).
type mortgageRequest struct {
	Lender         string `json:"lender"`
	Principal      string `json:"principal"`
	YearlyRatePct  string `json:"yearly_rate_pct"`
	Months         int    `json:"months"`
	StartsOn       string `json:"starts_on"`
	IdempotencyKey string `json:"idempotency_key"`
}

func (r mortgageRequest) mortgage(siteID int64) (loans.NewMortgage, error) {
	in := loans.NewMortgage{SiteID: siteID, Lender: r.Lender, Months: r.Months, IdempotencyKey: r.IdempotencyKey}
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

// createMortgage records a site's blanket mortgage (the treasurer).
func (h *equityHandlers) createMortgage(c *fiber.Ctx) error {
	siteID, err := paramID(c, "site_id")
	if err != nil {
		return err
	}
	var in mortgageRequest
	var l loans.Loan
	if err = bind(c, &in); err == nil {
		if !isAPI(c) {
			in.YearlyRatePct = c.FormValue("rate")
		}
		var nm loans.NewMortgage
		if nm, err = in.mortgage(siteID); err == nil {
			l, err = h.loans.CreateMortgage(c.UserContext(), principal(c), nm)
		}
	}
	return h.reply(c, err, answer{Status: fiber.StatusCreated, JSON: loanView(l), Flash: "The mortgage is recorded.", To: equityPoolPath(siteID)},
		h.poolAgain(c, siteID, func(p *poolForms) **Form { return &p.Mortgage }))
}

// requiredEquityRequest is what a unit asks of a new resident.
type requiredEquityRequest struct {
	RequiredEquity string `json:"required_equity"`
}

// setRequiredEquity sets the equity a unit asks of a new resident (the
// treasurer).
func (h *equityHandlers) setRequiredEquity(c *fiber.Ctx) error {
	siteID, err := paramID(c, "site_id")
	if err != nil {
		return err
	}
	unitID, err := paramID(c, "unit_id")
	if err != nil {
		return err
	}
	var in requiredEquityRequest
	var amount decimal.Decimal
	if err = bind(c, &in); err == nil {
		if amount, err = formDecimal("required_equity", in.RequiredEquity); err == nil {
			err = h.eq.SetRequiredEquity(c.UserContext(), principal(c), siteID, unitID, amount)
		}
	}
	return h.reply(c, err, answer{JSON: fiber.Map{"unit_id": unitID, "required_equity": moneyText(amount)},
		Flash: "The unit's required equity is saved.", To: equityPoolPath(siteID)},
		func(f *Form) error {
			f.Values["unit_id"] = strconv.FormatInt(unitID, 10)
			return h.poolAgain(c, siteID, func(p *poolForms) **Form { return &p.Units })(f)
		})
}
