package web

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"hearth/app"
	"hearth/finance/equity"
	"hearth/housing/membership"
)

// The coordinator's page to admit a member to a free unit of their site:
// it shows today's share price and what each free unit asks, and the buy-in
// is confirmed at the price shown (a changed price sends the form back with
// the new figures).

func (h *equityHandlers) admitPage(c *fiber.Ctx) error {
	return h.renderAdmit(c, nil)
}

func (h *equityHandlers) renderAdmit(c *fiber.Ctx, f *Form) error {
	siteID, err := coordinatedSite(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	pool, err := h.eq.Pool(ctx, h.db, siteID)
	if err != nil {
		return err
	}
	today := h.eq.Today()
	units, err := h.mem.FreeUnits(ctx, siteID, today)
	if err != nil {
		return err
	}
	settings, err := h.eq.Settings(ctx, h.db)
	if err != nil {
		return err
	}
	var homeless []struct {
		ID    int64  `db:"id"`
		Name  string `db:"name"`
		Email string `db:"email"`
	}
	// Members who live nowhere from today on are the ones who can be admitted.
	if err := h.db.SelectContext(ctx, &homeless, `
		SELECT m.id, m.name, m.email FROM members m
		WHERE NOT EXISTS (SELECT 1 FROM residencies_from($1::date) r WHERE r.member_id = m.id)
		ORDER BY m.name`, dayText(today)); err != nil {
		return err
	}
	data := fiber.Map{"Title": "Admit a member to " + pool.SiteName, "Pool": pool, "Units": units, "Members": homeless,
		"Settings": settings, "Today": today, "Admissions": nil, "FormKey": newFormKey()}
	if as, err := h.mem.AdmissionsOf(ctx, siteID); err == nil {
		data["Admissions"] = as
	} else {
		return err
	}
	price, err := h.eq.SharePriceOn(ctx, h.db, siteID, today)
	if e, ok := app.AsError(err); ok && e.Kind == app.KindUnprocessable {
		data["PriceError"] = e.Message
	} else if err != nil {
		return err
	} else {
		data["Price"] = price
		type quote struct {
			membership.FreeUnit
			Shares, MaxLoan string
		}
		var quotes []quote
		for _, u := range units {
			quotes = append(quotes, quote{FreeUnit: u, Shares: sharesText(equity.SharesFor(u.RequiredEquity, price.Price)),
				MaxLoan: moneyText(equity.LoanLimit(u.RequiredEquity, settings.LoanToValuePct))})
		}
		data["Quotes"] = quotes
	}
	if f == nil {
		f = &Form{Values: map[string]string{"date": dayText(today), "cash": "", "loan": "0"}, Errors: map[string]string{}}
		if p, ok := data["Price"].(equity.Price); ok {
			f.Values["quoted_price"] = priceText(p.Price)
		}
		data["Form"] = f
		return h.render(c, "equity/admit", data)
	}
	if p, ok := data["Price"].(equity.Price); ok {
		f.Values["quoted_price"] = priceText(p.Price) // a refused form is confirmed at today's price
	}
	data["Form"] = f
	return h.renderForm(c, "equity/admit", data)
}

func (h *equityHandlers) admit(c *fiber.Ctx) error {
	siteID, err := coordinatedSite(c)
	if err != nil {
		return err
	}
	p := principal(c)
	f := newForm(c)
	a, err := func() (membership.Admission, error) {
		unitID, err := strconv.ParseInt(strings.TrimSpace(f.Value("unit_id")), 10, 64)
		if err != nil {
			return membership.Admission{}, app.Unprocessable("unit_required", "Choose a free unit.").OnField("unit_id")
		}
		memberID, err := strconv.ParseInt(strings.TrimSpace(f.Value("member_id")), 10, 64)
		if err != nil {
			return membership.Admission{}, app.Unprocessable("member_required", "Choose the member to admit.").OnField("member_id")
		}
		req := admitRequest{UnitID: unitID, MemberID: memberID, Date: f.Value("date"), Cash: f.Value("cash"), Loan: f.Value("loan"),
			QuotedPrice: f.Value("quoted_price"), IdempotencyKey: f.Value("idempotency_key")}
		in, err := req.admission(siteID, p.ID)
		if err != nil {
			return membership.Admission{}, err
		}
		return h.mem.Admit(c.UserContext(), in)
	}()
	if err != nil {
		if formError(f, err) {
			return h.renderAdmit(c, f)
		}
		return err
	}
	h.flash(c, "Welcome! The member is admitted from "+dayText(a.AdmittedOn)+" with "+sharesText(a.Quantity)+" shares at "+priceText(a.Price)+".")
	return redirect(c, equityPoolPath(siteID)+"/admit")
}
