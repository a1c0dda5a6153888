package web

import (
	"bytes"
	"encoding/csv"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"hearth/finance/equity/statement"
	"hearth/finance/ledger"
)

// Members' equity: a member's statement (one's own at /equity, any
// member's for the treasurer), its CSV and printable forms, their charges,
// and the treasurer's list of members' equity.

// statementMember is the member whose statement a request asks for: the
// :member_id of the route, or the caller on their own pages.
func statementMember(c *fiber.Ctx) (int64, error) {
	if c.Params("member_id") == "" {
		return principal(c).ID, nil
	}
	return paramID(c, "member_id")
}

// memberStatement reads the member of the request and builds their
// statement, which the member themself and the treasurer may see.
func (h *equityHandlers) memberStatement(c *fiber.Ctx) (statement.Statement, error) {
	id, err := statementMember(c)
	if err != nil {
		return statement.Statement{}, err
	}
	return h.statements.MemberStatement(c.UserContext(), principal(c), id)
}

// statement answers a member's statement (API), or shows its page.
func (h *equityHandlers) statement(c *fiber.Ctx) error {
	st, err := h.memberStatement(c)
	if err != nil {
		return err
	}
	if isAPI(c) {
		return c.JSON(statementView(st))
	}
	return h.renderStatement(c, st, "equity/statement")
}

// statementPrint shows a member's statement to print.
func (h *equityHandlers) statementPrint(c *fiber.Ctx) error {
	st, err := h.memberStatement(c)
	if err != nil {
		return err
	}
	return h.renderStatement(c, st, "equity/print")
}

// statementCSV answers a member's statement as a CSV download: one line
// per event, then today's valuation of each holding, the loan balance and
// the net equity (docs/equity.md lists the columns). Text that members and
// coordinators wrote (site names, descriptions) is kept from running as a
// spreadsheet formula.
func (h *equityHandlers) statementCSV(c *fiber.Ctx) error {
	st, err := h.memberStatement(c)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write([]string{"date", "type", "kind", "site", "shares", "price", "value", "amount", "description"})
	for _, e := range st.Events {
		w.Write([]string{dayText(e.Date), string(e.Type), ledger.CSVText(e.Kind), ledger.CSVText(e.SiteName), sharesText(e.Quantity), priceText(e.Price),
			moneyText(e.Value), moneyText(e.Amount), ledger.CSVText(e.Description)})
	}
	today := dayText(st.On)
	for _, hd := range st.Holdings {
		w.Write([]string{today, string(statement.EventValuation), "", ledger.CSVText(hd.SiteName), sharesText(hd.Quantity), priceText(hd.Price.Price),
			moneyText(hd.Value), "", ledger.CSVText(hd.Price.Formula)})
	}
	w.Write([]string{today, string(statement.EventShareLoan), "", "", "", "", "", moneyText(st.LoanBalance.Neg()), "Share loan owed"})
	w.Write([]string{today, string(statement.EventNetEquity), "", "", "", "", moneyText(st.NetEquity), "", "Shares' value less the share loan"})
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="equity-%d-%s.csv"`, st.MemberID, today))
	return c.Send(buf.Bytes())
}

// renderStatement shows a member's statement on a page.
func (h *equityHandlers) renderStatement(c *fiber.Ctx, st statement.Statement, page string) error {
	own := st.MemberID == principal(c).ID
	base := "/equity"
	title := "My equity"
	if !own {
		base = memberEquityPath(st.MemberID)
		title = "Equity of " + st.MemberName
	}
	// The statement lists the latest lines first.
	events := make([]statement.StatementEvent, len(st.Events))
	for i, e := range st.Events {
		events[len(events)-1-i] = e
	}
	return h.render(c, page, fiber.Map{
		"Title": title, "Statement": st, "Events": events, "Own": own, "Base": base,
		"Chart": equityChart(st), "Home": principal(c).Home,
	})
}

// memberCharges answers a member's carrying charges, latest first.
func (h *equityHandlers) memberCharges(c *fiber.Ctx) error {
	id, err := paramID(c, "member_id")
	if err != nil {
		return err
	}
	cs, err := h.charges.ChargesOfMember(c.UserContext(), principal(c), id)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"charges": chargeViews(cs)})
}

// membersEquityPage shows the treasurer every member's equity.
func (h *equityHandlers) membersEquityPage(c *fiber.Ctx) error {
	rows, err := h.eq.MembersOverview(c.UserContext(), principal(c))
	if err != nil {
		return err
	}
	return h.render(c, "equity/members", fiber.Map{"Title": "Members' equity", "Members": rows})
}
