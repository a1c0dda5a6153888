package web

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"hearth/app"
	"hearth/finance/equity/loans"
	"hearth/finance/loan"
)

// Loans: a loan with its schedule (and on its page its APR, a payoff quote
// for any day and the treasurer's paydown form), a payoff quote, and a
// paydown of a member's share loan.

type scheduleRowJSON struct {
	Period    int    `json:"period"`
	Date      string `json:"date"`
	Payment   string `json:"payment"`
	Interest  string `json:"interest"`
	Principal string `json:"principal"`
	Balance   string `json:"balance"`
	Posted    bool   `json:"posted"`
}

// loanAndSchedule reads the loan of the path, if the caller may see it,
// and its whole schedule.
func (h *equityHandlers) loanAndSchedule(c *fiber.Ctx) (loans.Loan, []loan.Installment, error) {
	id, err := paramID(c, "loan_id")
	if err != nil {
		return loans.Loan{}, nil, err
	}
	l, err := h.loans.Loan(c.UserContext(), principal(c), id)
	if err != nil {
		return l, nil, err
	}
	rows, err := l.Schedule()
	return l, rows, err
}

// loan answers a loan with its schedule (API), or shows its page.
func (h *equityHandlers) loan(c *fiber.Ctx) error {
	if !isAPI(c) {
		return h.renderLoan(c, nil)
	}
	l, rows, err := h.loanAndSchedule(c)
	if err != nil {
		return err
	}
	sched := make([]scheduleRowJSON, len(rows))
	for i, r := range rows {
		sched[i] = scheduleRowJSON{Period: r.Period, Date: dayText(r.Date), Payment: moneyText(r.Payment), Interest: moneyText(r.Interest),
			Principal: moneyText(r.Principal), Balance: moneyText(r.Balance), Posted: r.Period <= l.PaidPeriods}
	}
	return c.JSON(fiber.Map{"loan": loanView(l), "schedule": sched})
}

// renderLoan shows a loan's page: its terms, APR, the next year of
// installments, a payoff quote for ?on= (today by default) while it is
// open, and the paydown form f (refused when not nil: the page answers 422).
func (h *equityHandlers) renderLoan(c *fiber.Ctx, f *Form) error {
	l, rows, err := h.loanAndSchedule(c)
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
		if err := h.quoteOnPage(c, l, data); err != nil {
			return err
		}
	}
	if refused {
		return h.renderForm(c, "equity/loan", data)
	}
	return h.render(c, "equity/loan", data)
}

// quoteOnPage puts the payoff quote of an open loan for ?on= (today at its
// site by default) on its page, or why there is none.
func (h *equityHandlers) quoteOnPage(c *fiber.Ctx, l loans.Loan, data fiber.Map) error {
	var on time.Time
	if q := c.Query("on"); q != "" {
		d, err := formDate("on", q)
		if err == nil {
			on = d
		} else if e, ok := app.AsError(err); ok {
			data["QuoteError"] = e.Message
		}
	}
	quote, err := h.loans.PayoffQuote(c.UserContext(), principal(c), l.ID, on)
	data["On"] = quote.On
	if err == nil {
		data["Quote"] = quote
		return nil
	}
	if e, ok := app.AsError(err); ok {
		data["QuoteError"] = e.Message
		return nil
	}
	return err
}

// payoff answers what closes a loan on ?on=YYYY-MM-DD (today at its site by
// default).
func (h *equityHandlers) payoff(c *fiber.Ctx) error {
	id, err := paramID(c, "loan_id")
	if err != nil {
		return err
	}
	on, err := formDate("on", c.Query("on"))
	if err != nil {
		return err
	}
	q, err := h.loans.PayoffQuote(c.UserContext(), principal(c), id, on)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"loan_id": id, "on": dayText(q.On), "balance": moneyText(q.Balance),
		"accrued_interest": moneyText(q.AccruedInterest), "total": moneyText(q.Total), "interest_since": dayText(q.Since), "days": q.Days})
}

// paydownRequest is cash a member paid against their share loan.
type paydownRequest struct {
	Amount         string `json:"amount"`
	IdempotencyKey string `json:"idempotency_key"`
}

// paydown records cash a member paid against their share loan (the
// treasurer): the API names the member, the loan's page the loan. 201 with
// what it did, or 200 when the key replays an earlier paydown.
func (h *equityHandlers) paydown(c *fiber.Ctx) error {
	var in loans.Paydown
	var err error
	if isAPI(c) {
		in.MemberID, err = paramID(c, "member_id")
	} else {
		in.LoanID, err = paramID(c, "loan_id")
	}
	if err != nil {
		return err
	}
	var req paydownRequest
	var res loans.LoanChangeResult
	if err = bind(c, &req); err == nil {
		in.IdempotencyKey = req.IdempotencyKey
		if in.Amount, err = formDecimal("amount", req.Amount); err == nil {
			res, err = h.loans.PayDownShareLoan(c.UserContext(), principal(c), in)
		}
	}
	return h.reply(c, err, paydownAnswer(res), func(f *Form) error { return h.renderLoan(c, f) })
}

// paydownAnswer says what a paydown did: the API's JSON, or the page's
// message and where it goes next (the member's equity after a payoff, else
// the loan that replaced the one paid down).
func paydownAnswer(res loans.LoanChangeResult) answer {
	out := fiber.Map{"interest": moneyText(res.Interest), "entry_id": res.EntryID, "loan": nil}
	if res.Closed != nil {
		out["closed_loan_id"] = res.Closed.ID
	}
	a := answer{Status: fiber.StatusCreated, JSON: out, Flash: "The share loan is paid off."}
	if res.Replayed {
		a.Status = fiber.StatusOK
	}
	if res.Open != nil {
		out["loan"] = loanView(*res.Open)
		a.Flash = "The paydown is recorded: " + moneyText(res.Open.Principal) + " is left to repay over " + strconv.Itoa(res.Open.Months) + " months."
		a.To = equityLoanPath(res.Open.ID)
	} else if res.Closed != nil && res.Closed.MemberID != nil {
		a.To = memberEquityPath(*res.Closed.MemberID)
	}
	return a
}
