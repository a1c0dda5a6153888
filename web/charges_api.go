package web

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"hearth/finance/equity"
)

// JSON API of the monthly carrying charges (the treasurer's).

type chargeRunJSON struct {
	ID           int64                      `json:"id"`
	Month        string                     `json:"month"`
	RunOn        string                     `json:"run_on"`
	Posted       int                        `json:"posted"`
	Skipped      int                        `json:"skipped"`
	Total        string                     `json:"total"`
	Installments int                        `json:"installments"`
	Sites        []equity.SiteChargeSummary `json:"sites"`
	NoPool       []string                   `json:"sites_without_pool"`
	Message      string                     `json:"message"`
}

// runSummary says what a run did in a sentence.
func runSummary(r equity.ChargeRun) string {
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

func (h *equityHandlers) apiRunCharges(c *fiber.Ctx) error {
	p := principal(c)
	if err := p.RequireAdmin(); err != nil {
		return err
	}
	var req struct {
		Month string `json:"month"`
	}
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	month, err := equity.ParseMonth(req.Month)
	if err != nil {
		return err
	}
	r, err := h.eq.RunCharges(c.UserContext(), month, &p.ID)
	if err != nil {
		return err
	}
	out := chargeRunJSON{ID: r.ID, Month: r.Month.Format("2006-01"), RunOn: dayText(r.RunOn), Posted: r.Posted, Skipped: r.Skipped,
		Total: moneyText(r.Total), Installments: r.Installments, Sites: r.Sites, NoPool: r.NoPool, Message: runSummary(r)}
	if out.Sites == nil {
		out.Sites = []equity.SiteChargeSummary{}
	}
	if out.NoPool == nil {
		out.NoPool = []string{}
	}
	status := fiber.StatusCreated
	if r.Posted == 0 {
		status = fiber.StatusOK
	}
	return c.Status(status).JSON(out)
}

func (h *equityHandlers) apiChargeRuns(c *fiber.Ctx) error {
	if err := principal(c).RequireAdmin(); err != nil {
		return err
	}
	runs, err := h.eq.ChargeRuns(c.UserContext(), h.db, 100)
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

// chargesOfMonth reads the charges of the route's :month for the
// treasurer. Errors: forbidden, invalid_month (422).
func (h *equityHandlers) chargesOfMonth(c *fiber.Ctx) (time.Time, []equity.UnitCharge, error) {
	if err := principal(c).RequireAdmin(); err != nil {
		return time.Time{}, nil, err
	}
	month, err := equity.ParseMonth(c.Params("month"))
	if err != nil {
		return month, nil, err
	}
	cs, err := h.eq.ChargesOfMonth(c.UserContext(), h.db, month)
	return month, cs, err
}

func (h *equityHandlers) apiChargesOfMonth(c *fiber.Ctx) error {
	month, cs, err := h.chargesOfMonth(c)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"month": month.Format("2006-01"), "charges": chargeViews(cs)})
}
