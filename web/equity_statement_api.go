package web

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jmoiron/sqlx"

	"hearth/app"
	"hearth/finance/equity"
	"hearth/finance/ledger"
)

// JSON API of members' equity: the statement, its CSV, their charges, and
// their share loans.

// memberStatement reads the member of the path and builds their statement,
// for the member themself and the treasurer only. Errors: forbidden,
// member_not_found.
func (h *equityHandlers) memberStatement(c *fiber.Ctx) (equity.Statement, error) {
	id, err := paramID(c, "member_id")
	if err != nil {
		return equity.Statement{}, err
	}
	if err := principal(c).RequireMoneyOf(id); err != nil {
		return equity.Statement{}, err
	}
	return h.eq.MemberStatement(c.UserContext(), id)
}

func (h *equityHandlers) apiStatement(c *fiber.Ctx) error {
	st, err := h.memberStatement(c)
	if err != nil {
		return err
	}
	return c.JSON(statementView(st))
}

func (h *equityHandlers) apiStatementCSV(c *fiber.Ctx) error {
	st, err := h.memberStatement(c)
	if err != nil {
		return err
	}
	return sendStatementCSV(c, st)
}

// sendStatementCSV answers with the statement as a CSV download: one line
// per event, then today's valuation of each holding, the loan balance and
// the net equity (docs/equity.md lists the columns). Text that members and
// coordinators wrote (site names, descriptions) is kept from running as a
// spreadsheet formula.
func sendStatementCSV(c *fiber.Ctx, st equity.Statement) error {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write([]string{"date", "type", "kind", "site", "shares", "price", "value", "amount", "description"})
	for _, e := range st.Events {
		w.Write([]string{dayText(e.Date), string(e.Type), ledger.CSVText(e.Kind), ledger.CSVText(e.SiteName), sharesText(e.Quantity), priceText(e.Price),
			moneyText(e.Value), moneyText(e.Amount), ledger.CSVText(e.Description)})
	}
	today := dayText(st.On)
	for _, hd := range st.Holdings {
		w.Write([]string{today, string(equity.EventValuation), "", ledger.CSVText(hd.SiteName), sharesText(hd.Quantity), priceText(hd.Price.Price),
			moneyText(hd.Value), "", ledger.CSVText(hd.Price.Formula)})
	}
	w.Write([]string{today, string(equity.EventShareLoan), "", "", "", "", "", moneyText(st.LoanBalance.Neg()), "Share loan owed"})
	w.Write([]string{today, string(equity.EventNetEquity), "", "", "", "", moneyText(st.NetEquity), "", "Shares' value less the share loan"})
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="equity-%d-%s.csv"`, st.MemberID, today))
	return c.Send(buf.Bytes())
}

func (h *equityHandlers) apiMemberCharges(c *fiber.Ctx) error {
	id, err := paramID(c, "member_id")
	if err != nil {
		return err
	}
	if err := principal(c).RequireMoneyOf(id); err != nil {
		return err
	}
	cs, err := h.eq.ChargesOfMember(c.UserContext(), h.db, id)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"charges": chargeViews(cs)})
}

type scheduleRowJSON struct {
	Period    int    `json:"period"`
	Date      string `json:"date"`
	Payment   string `json:"payment"`
	Interest  string `json:"interest"`
	Principal string `json:"principal"`
	Balance   string `json:"balance"`
	Posted    bool   `json:"posted"`
}

func (h *equityHandlers) apiLoan(c *fiber.Ctx) error {
	l, err := h.visibleLoan(c)
	if err != nil {
		return err
	}
	rows, err := l.Schedule()
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

// dayOrToday reads the day a figure is asked for, ?on=YYYY-MM-DD, today by
// default. Errors: invalid_date (422).
func (h *equityHandlers) dayOrToday(c *fiber.Ctx) (time.Time, error) {
	on, err := formDate("on", c.Query("on"))
	if err != nil || !on.IsZero() {
		return on, err
	}
	return h.eq.Today(), nil
}

func (h *equityHandlers) apiPayoff(c *fiber.Ctx) error {
	l, err := h.visibleLoan(c)
	if err != nil {
		return err
	}
	on, err := h.dayOrToday(c)
	if err != nil {
		return err
	}
	q, err := h.eq.PayoffQuote(c.UserContext(), h.db, l.ID, on)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"loan_id": l.ID, "on": dayText(on), "balance": moneyText(q.Balance),
		"accrued_interest": moneyText(q.AccruedInterest), "total": moneyText(q.Total), "interest_since": dayText(q.Since), "days": q.Days})
}

// paydown records cash a member paid against their share loan (treasurer).
func (h *equityHandlers) paydownShareLoan(c *fiber.Ctx, memberID int64, amount, key string) (equity.LoanChangeResult, error) {
	var res equity.LoanChangeResult
	if err := principal(c).RequireAdmin(); err != nil {
		return res, err
	}
	d, err := formDecimal("amount", amount)
	if err != nil {
		return res, err
	}
	if !d.IsPositive() {
		return res, app.Unprocessable("amount_not_positive", "The amount must be more than zero.").OnField("amount")
	}
	l, err := h.eq.ShareLoanOf(c.UserContext(), h.db, memberID)
	if err != nil {
		return res, err
	}
	err = app.InTx(c.UserContext(), h.db, func(tx *sqlx.Tx) error {
		res, err = h.eq.ChangeShareLoan(c.UserContext(), tx, equity.LoanChange{MemberID: memberID, SiteID: l.SiteID, Delta: d.Neg(),
			FromCash: true, IdempotencyKey: key})
		return err
	})
	return res, err
}

func (h *equityHandlers) apiPaydown(c *fiber.Ctx) error {
	id, err := paramID(c, "member_id")
	if err != nil {
		return err
	}
	var req struct {
		Amount         string `json:"amount"`
		IdempotencyKey string `json:"idempotency_key"`
	}
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	res, err := h.paydownShareLoan(c, id, req.Amount, req.IdempotencyKey)
	if err != nil {
		return err
	}
	out := fiber.Map{"interest": moneyText(res.Interest), "entry_id": res.EntryID, "loan": nil}
	if res.Closed != nil {
		out["closed_loan_id"] = res.Closed.ID
	}
	if res.Open != nil {
		out["loan"] = loanView(*res.Open)
	}
	status := fiber.StatusCreated
	if res.Replayed {
		status = fiber.StatusOK
	}
	return c.Status(status).JSON(out)
}
