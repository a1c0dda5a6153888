package web

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/jmoiron/sqlx"

	"hearth/app"
	"hearth/finance/equity"
)

// Pages of share pools: the list, a pool with its price, formula and
// history, and the forms that set policies, record appraisals and
// mortgages, and the cooperative's lending settings.

// poolSummary is a line of the list of pools.
type poolSummary struct {
	equity.Pool
	Price      *equity.Price
	PriceError string
}

func (h *equityHandlers) poolsPage(c *fiber.Ctx) error {
	p := principal(c)
	pools, err := h.eq.Pools(c.UserContext(), h.db)
	if err != nil {
		return err
	}
	var rows []poolSummary
	for _, pool := range pools {
		if err := h.requireSiteView(c, pool.SiteID); err != nil {
			continue
		}
		row := poolSummary{Pool: pool}
		if pool.Open {
			pr, err := h.eq.SharePriceOn(c.UserContext(), h.db, pool.SiteID, h.eq.Today())
			if e, ok := app.AsError(err); ok && e.Kind == app.KindUnprocessable {
				row.PriceError = e.Message
			} else if err != nil {
				return err
			} else {
				row.Price = &pr
			}
		}
		rows = append(rows, row)
	}
	if len(rows) == 1 && !p.IsAdmin() && !p.IsCoordinator() {
		return c.Redirect(equityPoolPath(rows[0].SiteID), fiber.StatusSeeOther)
	}
	return h.render(c, "equity/pools", fiber.Map{"Title": "Share pools", "Pools": rows})
}

// poolForms are the forms of a pool's page, one of them possibly refused.
type poolForms struct {
	Policy, Appraisal, Mortgage, Reserve, Units *Form
	PriceOn                                     string
}

func (h *equityHandlers) poolPage(c *fiber.Ctx) error {
	siteID, err := paramID(c, "site_id")
	if err != nil {
		return err
	}
	return h.renderPool(c, siteID, poolForms{}, false)
}

func (h *equityHandlers) renderPool(c *fiber.Ctx, siteID int64, forms poolForms, refused bool) error {
	if err := h.requireSiteView(c, siteID); err != nil {
		return err
	}
	d, err := h.loadPool(c, siteID)
	if err != nil {
		return err
	}
	empty := func(f **Form) {
		if *f == nil {
			*f = &Form{Values: map[string]string{}, Errors: map[string]string{}}
		}
	}
	for _, f := range []**Form{&forms.Policy, &forms.Appraisal, &forms.Mortgage, &forms.Reserve, &forms.Units} {
		empty(f)
	}
	data := fiber.Map{"Title": "Share pool of " + d.Pool.SiteName, "Pool": d, "Forms": forms, "Today": h.eq.Today(), "FormKey": newFormKey(),
		"Tomorrow": h.eq.Today().AddDate(0, 0, 1)}
	// Any day's price can be looked up again, the way it was found then.
	if on := c.Query("on"); on != "" {
		day, err := formDate("on", on)
		if err == nil {
			var pr equity.Price
			if pr, err = h.eq.SharePriceOn(c.UserContext(), h.db, siteID, day); err == nil {
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

// poolWrite runs a write of a pool's page form: on a user's mistake the
// page comes back with the form filled in and the message beside its field.
func (h *equityHandlers) poolWrite(c *fiber.Ctx, siteID int64, f *Form, which func(*poolForms) **Form, done string,
	fn func(tx *sqlx.Tx) error) error {
	err := app.InTx(c.UserContext(), h.db, fn)
	if err != nil {
		if formError(f, err) {
			var forms poolForms
			*which(&forms) = f
			return h.renderPool(c, siteID, forms, true)
		}
		return err
	}
	h.flash(c, done)
	return redirect(c, equityPoolPath(siteID))
}

func (h *equityHandlers) setPolicy(c *fiber.Ctx) error {
	siteID, err := adminSite(c)
	if err != nil {
		return err
	}
	p := principal(c)
	f := newForm(c)
	rate := f.Value("yearly_rate_pct")
	req := policyRequest{EffectiveFrom: f.Value("effective_from"), Kind: f.Value("kind"), BasePrice: f.Value("base_price"),
		BaseDate: f.Value("base_date"), IndexSeries: f.Value("index_series"), Note: f.Value("note")}
	if req.Kind == string(equity.LimitedEquity) && req.IndexSeries == "" {
		req.YearlyRatePct = &rate
	}
	return h.poolWrite(c, siteID, f, func(p *poolForms) **Form { return &p.Policy }, "The new price policy is recorded.", func(tx *sqlx.Tx) error {
		in, err := req.policy(siteID, p.ID)
		if err != nil {
			return err
		}
		_, err = h.eq.SetPolicy(c.UserContext(), tx, in)
		return err
	})
}

func (h *equityHandlers) recordAppraisal(c *fiber.Ctx) error {
	siteID, err := coordinatedSite(c)
	if err != nil {
		return err
	}
	p := principal(c)
	f := newForm(c)
	req := appraisalRequest{Amount: f.Value("amount"), AppraisedOn: f.Value("appraised_on"), EffectiveOn: f.Value("effective_on"),
		Appraiser: f.Value("appraiser"), Note: f.Value("note")}
	return h.poolWrite(c, siteID, f, func(p *poolForms) **Form { return &p.Appraisal }, "The appraisal is recorded.", func(tx *sqlx.Tx) error {
		in, err := req.appraisal(siteID, p.ID)
		if err != nil {
			return err
		}
		_, err = h.eq.RecordAppraisal(c.UserContext(), tx, in)
		return err
	})
}

func (h *equityHandlers) createMortgage(c *fiber.Ctx) error {
	siteID, err := adminSite(c)
	if err != nil {
		return err
	}
	f := newForm(c)
	months, err := strconv.Atoi(strings.TrimSpace(f.Value("months")))
	req := mortgageRequest{Lender: f.Value("lender"), Principal: f.Value("principal"), YearlyRatePct: f.Value("rate"),
		Months: months, StartsOn: f.Value("starts_on"), IdempotencyKey: f.Value("idempotency_key")}
	return h.poolWrite(c, siteID, f, func(p *poolForms) **Form { return &p.Mortgage }, "The mortgage is recorded.", func(tx *sqlx.Tx) error {
		if err != nil {
			return app.Unprocessable("term_not_positive", "Enter the term as a whole number of months.").OnField("months")
		}
		in, err := req.mortgage(siteID)
		if err != nil {
			return err
		}
		_, err = h.eq.CreateMortgage(c.UserContext(), tx, in)
		return err
	})
}

func (h *equityHandlers) updatePool(c *fiber.Ctx) error {
	siteID, err := adminSite(c)
	if err != nil {
		return err
	}
	f := newForm(c)
	return h.poolWrite(c, siteID, f, func(p *poolForms) **Form { return &p.Reserve }, "The reserve rate is saved.", func(*sqlx.Tx) error {
		pct, err := formDecimal("reserve_pct", f.Value("reserve_pct"))
		if err != nil {
			return err
		}
		_, err = h.eq.SetReservePct(c.UserContext(), siteID, pct)
		return err
	})
}

func (h *equityHandlers) setRequiredEquity(c *fiber.Ctx) error {
	siteID, err := adminSite(c)
	if err != nil {
		return err
	}
	unitID, err := paramID(c, "unit_id")
	if err != nil {
		return err
	}
	f := newForm(c)
	f.Values["unit_id"] = strconv.FormatInt(unitID, 10)
	return h.poolWrite(c, siteID, f, func(p *poolForms) **Form { return &p.Units }, "The unit's required equity is saved.", func(*sqlx.Tx) error {
		amount, err := formDecimal("required_equity", f.Value("required_equity"))
		if err != nil {
			return err
		}
		return h.eq.SetRequiredEquity(c.UserContext(), siteID, unitID, amount)
	})
}

// settingsPage shows the cooperative's lending rules and price indexes;
// the treasurer edits them.
func (h *equityHandlers) settingsPage(c *fiber.Ctx) error {
	if err := principal(c).RequireAdmin(); err != nil {
		return err
	}
	return h.renderSettings(c, nil, nil)
}

func (h *equityHandlers) renderSettings(c *fiber.Ctx, settings, index *Form) error {
	st, err := h.eq.Settings(c.UserContext(), h.db)
	if err != nil {
		return err
	}
	refused := settings != nil || index != nil
	if settings == nil {
		settings = &Form{Values: map[string]string{
			"loan_to_value_pct": st.LoanToValuePct.String(), "share_loan_rate_pct": st.ShareLoanRatePct.String(),
			"share_loan_months": strconv.Itoa(st.ShareLoanMonths), "transfer_fee_pct": st.TransferFeePct.String(),
		}, Errors: map[string]string{}}
	}
	if index == nil {
		index = &Form{Values: map[string]string{"effective_on": dayText(h.eq.Today())}, Errors: map[string]string{}}
	}
	var series []string
	if err := h.db.SelectContext(c.UserContext(), &series, `SELECT DISTINCT series FROM price_index_points ORDER BY series`); err != nil {
		return err
	}
	indexes := map[string][]equity.IndexPoint{}
	for _, s := range series {
		if indexes[s], err = h.eq.IndexPoints(c.UserContext(), h.db, s); err != nil {
			return err
		}
	}
	data := fiber.Map{"Title": "Lending settings", "Settings": st, "Form": settings, "IndexForm": index, "Indexes": indexes}
	if refused {
		return h.renderForm(c, "equity/settings", data)
	}
	return h.render(c, "equity/settings", data)
}

func (h *equityHandlers) updateSettings(c *fiber.Ctx) error {
	p := principal(c)
	if err := p.RequireAdmin(); err != nil {
		return err
	}
	f := newForm(c)
	err := func() error {
		st, err := h.eq.Settings(c.UserContext(), h.db)
		if err != nil {
			return err
		}
		months, err := strconv.Atoi(strings.TrimSpace(f.Value("share_loan_months")))
		if err != nil {
			return app.Unprocessable("term_not_positive", "Enter the term as a whole number of months.").OnField("share_loan_months")
		}
		ltv, rate, fee := f.Value("loan_to_value_pct"), f.Value("share_loan_rate_pct"), f.Value("transfer_fee_pct")
		if st, err = (settingsRequest{LoanToValuePct: &ltv, ShareLoanRatePct: &rate, ShareLoanMonths: &months, TransferFeePct: &fee}).apply(st); err != nil {
			return err
		}
		_, err = h.eq.UpdateSettings(c.UserContext(), st, &p.ID)
		return err
	}()
	if err != nil {
		if formError(f, err) {
			return h.renderSettings(c, f, nil)
		}
		return err
	}
	h.flash(c, "The lending settings are saved.")
	return redirect(c, "/equity/settings")
}

func (h *equityHandlers) recordIndexPoint(c *fiber.Ctx) error {
	if err := principal(c).RequireAdmin(); err != nil {
		return err
	}
	f := newForm(c)
	err := app.InTx(c.UserContext(), h.db, func(tx *sqlx.Tx) error {
		pt := equity.IndexPoint{Series: f.Value("series")}
		var err error
		if pt.Value, err = formDecimal("value", f.Value("value")); err != nil {
			return err
		}
		if pt.EffectiveOn, err = formDate("effective_on", f.Value("effective_on")); err != nil {
			return err
		}
		_, err = h.eq.RecordIndexPoint(c.UserContext(), tx, pt)
		return err
	})
	if err != nil {
		if formError(f, err) {
			return h.renderSettings(c, nil, f)
		}
		return err
	}
	h.flash(c, "The index value is recorded.")
	return redirect(c, "/equity/settings#indexes")
}
