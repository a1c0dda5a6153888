package web

import (
	"crypto/rand"
	"encoding/hex"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"hearth/finance/equity"
)

// Pages of members' equity: one's own statement, the treasurer's view of
// any member's, their CSV and printable forms, and the treasurer's list.

func (h *equityHandlers) myEquityPage(c *fiber.Ctx) error {
	return h.renderStatement(c, principal(c).ID, "equity/statement")
}

func (h *equityHandlers) myStatementPrint(c *fiber.Ctx) error {
	return h.renderStatement(c, principal(c).ID, "equity/print")
}

func (h *equityHandlers) myStatementCSV(c *fiber.Ctx) error {
	st, err := h.eq.MemberStatement(c.UserContext(), principal(c).ID)
	if err != nil {
		return err
	}
	return sendStatementCSV(c, st)
}

func (h *equityHandlers) memberEquityPage(c *fiber.Ctx) error {
	id, err := paramID(c, "member_id")
	if err != nil {
		return err
	}
	if err := principal(c).RequireMoneyOf(id); err != nil {
		return err
	}
	return h.renderStatement(c, id, "equity/statement")
}

func (h *equityHandlers) memberStatementPrint(c *fiber.Ctx) error {
	id, err := paramID(c, "member_id")
	if err != nil {
		return err
	}
	if err := principal(c).RequireMoneyOf(id); err != nil {
		return err
	}
	return h.renderStatement(c, id, "equity/print")
}

func (h *equityHandlers) memberStatementCSV(c *fiber.Ctx) error {
	st, err := h.memberStatement(c)
	if err != nil {
		return err
	}
	return sendStatementCSV(c, st)
}

// renderStatement shows a member's statement; the caller has checked that
// the viewer may see it.
func (h *equityHandlers) renderStatement(c *fiber.Ctx, memberID int64, page string) error {
	st, err := h.eq.MemberStatement(c.UserContext(), memberID)
	if err != nil {
		return err
	}
	own := memberID == principal(c).ID
	base := "/equity"
	title := "My equity"
	if !own {
		base = memberEquityPath(memberID)
		title = "Equity of " + st.MemberName
	}
	// The statement lists the latest lines first.
	events := make([]equity.StatementEvent, len(st.Events))
	for i, e := range st.Events {
		events[len(events)-1-i] = e
	}
	return h.render(c, page, fiber.Map{
		"Title": title, "Statement": st, "Events": events, "Own": own, "Base": base,
		"Chart": equityChart(st), "Home": principal(c).Home,
	})
}

func (h *equityHandlers) membersEquityPage(c *fiber.Ctx) error {
	if err := principal(c).RequireAdmin(); err != nil {
		return err
	}
	rows, err := h.eq.MembersOverview(c.UserContext())
	if err != nil {
		return err
	}
	return h.render(c, "equity/members", fiber.Map{"Title": "Members' equity", "Members": rows})
}

func memberEquityPath(id int64) string { return "/equity/members/" + strconv.FormatInt(id, 10) }
func equityPoolPath(id int64) string   { return "/equity/sites/" + strconv.FormatInt(id, 10) }
func equityLoanPath(id int64) string   { return "/equity/loans/" + strconv.FormatInt(id, 10) }

// newFormKey is a fresh idempotency key for a page form, so that posting the
// same form twice (a double click, a reload) does the thing once.
func newFormKey() string {
	b := make([]byte, 12)
	rand.Read(b)
	return hex.EncodeToString(b)
}
