package web

import (
	"github.com/gofiber/fiber/v2"
)

type trialBalanceLineJSON struct {
	Code    string `json:"code"`
	Type    string `json:"type"`
	Balance string `json:"balance"`
}

// trialBalance answers every account's balance now or as_of a day, with
// the totals of debits and credits: JSON, or the trial balance page.
func (h *ledgerHandlers) trialBalance(c *fiber.Ctx) error {
	asOf, err := queryDate(c, "as_of")
	if err != nil {
		return err
	}
	tb, err := h.led.TrialBalance(c.UserContext(), principal(c), asOf)
	if err != nil {
		return err
	}
	if !isAPI(c) {
		return h.render(c, "ledger/trial_balance", fiber.Map{"Title": "Trial balance", "TB": tb, "Places": h.led.Places})
	}
	lines := make([]trialBalanceLineJSON, len(tb.Accounts))
	for i, a := range tb.Accounts {
		lines[i] = trialBalanceLineJSON{Code: a.Code, Type: string(a.Type), Balance: h.led.FormatAmount(a.Balance)}
	}
	return c.JSON(fiber.Map{
		"as_of":    isoDate(asOf),
		"accounts": lines,
		"debits":   h.led.FormatAmount(tb.Debits),
		"credits":  h.led.FormatAmount(tb.Credits),
		"total":    h.led.FormatAmount(tb.Total),
	})
}
