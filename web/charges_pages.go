package web

import (
	"github.com/gofiber/fiber/v2"
	"github.com/shopspring/decimal"

	"hearth/finance/equity"
)

// The treasurer's pages of the monthly carrying charges: run a month, see
// past runs, and see a month's charges unit by unit.

func (h *equityHandlers) chargesPage(c *fiber.Ctx) error {
	if err := principal(c).RequireAdmin(); err != nil {
		return err
	}
	return h.renderCharges(c, nil)
}

func (h *equityHandlers) renderCharges(c *fiber.Ctx, f *Form) error {
	runs, err := h.eq.ChargeRuns(c.UserContext(), h.db, 36)
	if err != nil {
		return err
	}
	last := equity.MonthOf(h.eq.Today()).AddDate(0, -1, 0)
	data := fiber.Map{"Title": "Monthly charges", "Runs": runs, "LastMonth": last}
	if f == nil {
		data["Form"] = &Form{Values: map[string]string{"month": last.Format("2006-01")}, Errors: map[string]string{}}
		return h.render(c, "charges/index", data)
	}
	data["Form"] = f
	return h.renderForm(c, "charges/index", data)
}

func (h *equityHandlers) runCharges(c *fiber.Ctx) error {
	p := principal(c)
	if err := p.RequireAdmin(); err != nil {
		return err
	}
	f := newForm(c)
	month, err := equity.ParseMonth(f.Value("month"))
	var run equity.ChargeRun
	if err == nil {
		run, err = h.eq.RunCharges(c.UserContext(), month, &p.ID)
	}
	if err != nil {
		if formError(f, err) {
			return h.renderCharges(c, f)
		}
		return err
	}
	h.flash(c, runSummary(run))
	return redirect(c, "/charges/"+month.Format("2006-01"))
}

// siteCharges groups a month's charges by site with their totals.
type siteCharges struct {
	SiteName                                             string
	Charges                                              []equity.UnitCharge
	Total, Operating, Reserves, Interest, Principal, Qty decimal.Decimal
}

func (h *equityHandlers) monthChargesPage(c *fiber.Ctx) error {
	month, cs, err := h.chargesOfMonth(c)
	if err != nil {
		return err
	}
	var groups []*siteCharges
	for _, ch := range cs {
		if len(groups) == 0 || groups[len(groups)-1].SiteName != ch.SiteName {
			groups = append(groups, &siteCharges{SiteName: ch.SiteName})
		}
		g := groups[len(groups)-1]
		g.Charges = append(g.Charges, ch)
		g.Total, g.Operating, g.Reserves = g.Total.Add(ch.Total), g.Operating.Add(ch.Operating), g.Reserves.Add(ch.Reserves)
		g.Interest, g.Principal, g.Qty = g.Interest.Add(ch.Interest), g.Principal.Add(ch.Principal), g.Qty.Add(ch.Shares)
	}
	return h.render(c, "charges/month", fiber.Map{"Title": "Charges of " + month.Format("January 2006"), "Month": month,
		"Groups": groups, "Prev": month.AddDate(0, -1, 0), "Next": month.AddDate(0, 1, 0)})
}
