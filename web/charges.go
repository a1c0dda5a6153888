package web

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/shopspring/decimal"

	"hearth/finance/equity"
	"hearth/finance/equity/charges"
)

// The monthly carrying charges (the treasurer's): run a month, see past
// runs, and see a month's charges unit by unit.

type chargeRunJSON struct {
	ID           int64                       `json:"id"`
	Month        string                      `json:"month"`
	RunOn        string                      `json:"run_on"`
	Posted       int                         `json:"posted"`
	Skipped      int                         `json:"skipped"`
	Total        string                      `json:"total"`
	Installments int                         `json:"installments"`
	Sites        []charges.SiteChargeSummary `json:"sites"`
	NoPool       []string                    `json:"sites_without_pool"`
	Message      string                      `json:"message"`
}

func chargeRunView(r charges.ChargeRun) chargeRunJSON {
	out := chargeRunJSON{ID: r.ID, Month: r.Month.Format("2006-01"), RunOn: dayText(r.RunOn), Posted: r.Posted, Skipped: r.Skipped,
		Total: moneyText(r.Total), Installments: r.Installments, Sites: r.Sites, NoPool: r.NoPool, Message: runSummary(r)}
	if out.Sites == nil {
		out.Sites = []charges.SiteChargeSummary{}
	}
	if out.NoPool == nil {
		out.NoPool = []string{}
	}
	return out
}

// runSummary says what a run did in a sentence.
func runSummary(r charges.ChargeRun) string {
	month := r.Month.Format("January 2006")
	if r.Posted == 0 && r.Skipped > 0 {
		return month + " was already charged: this run changed nothing (" + strconv.Itoa(r.Skipped) + " charges were posted before)."
	}
	msg := month + ": " + strconv.Itoa(r.Posted) + " charges posted for " + moneyText(r.Total)
	if r.Skipped > 0 {
		msg += ", " + strconv.Itoa(r.Skipped) + " already charged before"
	}
	if r.Installments > 0 {
		msg += ", " + strconv.Itoa(r.Installments) + " loan installments"
	}
	return msg + "."
}

// chargeRunRequest asks for the charges of a month, YYYY-MM.
type chargeRunRequest struct {
	Month string `json:"month"`
}

// runCharges posts the carrying charges of a month: 201 when it posted
// some, 200 when the month was already charged; a page goes on to the
// month's charges.
func (h *equityHandlers) runCharges(c *fiber.Ctx) error {
	var in chargeRunRequest
	var run charges.ChargeRun
	err := bind(c, &in)
	if err == nil {
		var month time.Time
		if month, err = charges.ParseMonth(in.Month); err == nil {
			run, err = h.charges.RunCharges(c.UserContext(), principal(c), month)
		}
	}
	status := fiber.StatusCreated
	if run.Posted == 0 {
		status = fiber.StatusOK
	}
	return h.reply(c, err, answer{Status: status, JSON: chargeRunView(run), Flash: runSummary(run), To: "/charges/" + run.Month.Format("2006-01")},
		func(f *Form) error { return h.renderCharges(c, f) })
}

// chargeRuns answers the last hundred runs (API), or shows the charges
// page: the last three years of runs and the form that runs a month.
func (h *equityHandlers) chargeRuns(c *fiber.Ctx) error {
	if !isAPI(c) {
		return h.renderCharges(c, nil)
	}
	runs, err := h.charges.ChargeRuns(c.UserContext(), principal(c), 100)
	if err != nil {
		return err
	}
	out := make([]fiber.Map, len(runs))
	for i, r := range runs {
		out[i] = fiber.Map{"id": r.ID, "month": r.Month.Format("2006-01"), "posted": r.Posted, "skipped": r.Skipped,
			"total": moneyText(r.Total), "duration_ms": r.DurationMS, "created_at": r.CreatedAt, "run_by": r.RunBy}
	}
	return c.JSON(fiber.Map{"runs": out})
}

// renderCharges shows the charges page with its form f (refused when not
// nil: the page answers 422).
func (h *equityHandlers) renderCharges(c *fiber.Ctx, f *Form) error {
	runs, err := h.charges.ChargeRuns(c.UserContext(), principal(c), 36)
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

// siteCharges groups a month's charges by site with their totals.
type siteCharges struct {
	SiteName                                             string
	Charges                                              []charges.UnitCharge
	Total, Operating, Reserves, Interest, Principal, Qty decimal.Decimal
}

// chargesOfMonth answers the charges of the route's :month (API), or shows
// them grouped by site.
func (h *equityHandlers) chargesOfMonth(c *fiber.Ctx) error {
	month, err := charges.ParseMonth(c.Params("month"))
	var cs []charges.UnitCharge
	if err == nil {
		cs, err = h.charges.ChargesOfMonth(c.UserContext(), principal(c), month)
	}
	if err != nil {
		return err
	}
	if isAPI(c) {
		return c.JSON(fiber.Map{"month": month.Format("2006-01"), "charges": chargeViews(cs)})
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
