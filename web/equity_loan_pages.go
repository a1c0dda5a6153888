package web

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"hearth/app"
	"hearth/finance/loan"
)

// The page of a loan: its terms, APR, schedule with the installments
// posted so far, a payoff quote for any day, and (for a share loan) the
// treasurer's form to record a paydown.

func (h *equityHandlers) loanPage(c *fiber.Ctx) error {
	return h.renderLoan(c, nil)
}

func (h *equityHandlers) renderLoan(c *fiber.Ctx, f *Form) error {
	l, err := h.visibleLoan(c)
	if err != nil {
		return err
	}
	rows, err := l.Schedule()
	if err != nil {
		return err
	}
	apr, err := l.APR()
	if err != nil {
		return err
	}
	refused := f != nil
	if !refused {
		f = &Form{Values: map[string]string{}, Errors: map[string]string{}}
	}
	data := fiber.Map{"Title": l.Kind.Label() + " " + l.Lender, "Loan": l, "Schedule": rows, "APR": apr, "Form": f, "FormKey": newFormKey()}
	if l.Open() {
		// The next year of installments shows; the whole schedule folds away.
		data["Upcoming"] = rows[min(l.PaidPeriods, len(rows)):min(l.PaidPeriods+12, len(rows))]
	}
	if l.Open() {
		on := h.eq.Today()
		if q := c.Query("on"); q != "" {
			d, err := formDate("on", q)
			if err == nil {
				on = d
			} else if e, ok := app.AsError(err); ok {
				data["QuoteError"] = e.Message
			}
		}
		data["On"] = on
		var quote loan.Payoff
		if quote, err = h.eq.PayoffQuote(c.UserContext(), h.db, l.ID, on); err == nil {
			data["Quote"] = quote
		} else if e, ok := app.AsError(err); ok {
			data["QuoteError"] = e.Message
		} else {
			return err
		}
	}
	if refused {
		return h.renderForm(c, "equity/loan", data)
	}
	return h.render(c, "equity/loan", data)
}

// paydown records cash a member paid against their share loan.
func (h *equityHandlers) paydown(c *fiber.Ctx) error {
	l, err := h.visibleLoan(c)
	if err != nil {
		return err
	}
	if err := principal(c).RequireAdmin(); err != nil {
		return err
	}
	f := newForm(c)
	if l.MemberID == nil {
		return app.NotFound("Only share loans are paid down here.")
	}
	res, err := h.paydownShareLoan(c, *l.MemberID, f.Value("amount"), f.Value("idempotency_key"))
	if err != nil {
		if formError(f, err) {
			return h.renderLoan(c, f)
		}
		return err
	}
	if res.Open == nil {
		h.flash(c, "The share loan is paid off.")
		return redirect(c, memberEquityPath(*l.MemberID))
	}
	h.flash(c, "The paydown is recorded: "+moneyText(res.Open.Principal)+" is left to repay over "+strconv.Itoa(res.Open.Months)+" months.")
	return redirect(c, equityLoanPath(res.Open.ID))
}
