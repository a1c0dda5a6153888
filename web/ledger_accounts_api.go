package web

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"hearth/finance/ledger"
)

type ledgerAccountJSON struct {
	Code        string  `json:"code"`
	Type        string  `json:"type"`
	Name        string  `json:"name"`
	SiteID      *int64  `json:"site_id"`
	MemberID    *int64  `json:"member_id"`
	NonNegative bool    `json:"non_negative"`
	Balance     string  `json:"balance"`
	AsOf        *string `json:"as_of,omitempty"`
}

func (h *ledgerHandlers) accountJSON(a ledger.AccountBalance, asOf *time.Time) ledgerAccountJSON {
	return ledgerAccountJSON{
		Code: a.Code, Type: string(a.Type), Name: a.Name, SiteID: a.SiteID, MemberID: a.MemberID,
		NonNegative: a.NonNegative, Balance: h.led.FormatAmount(a.Balance), AsOf: isoDate(asOf),
	}
}

func isoDate(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := t.Format(ledger.DateLayout)
	return &s
}

type createLedgerAccountRequest struct {
	Code        string `json:"code"`
	Type        string `json:"type"`
	Name        string `json:"name"`
	SiteID      *int64 `json:"site_id"`
	MemberID    *int64 `json:"member_id"`
	NonNegative bool   `json:"non_negative"`
}

func (r createLedgerAccountRequest) account() ledger.Account {
	return ledger.Account{Code: r.Code, Type: ledger.AccountType(r.Type), Name: r.Name, SiteID: r.SiteID, MemberID: r.MemberID, NonNegative: r.NonNegative}
}

func (h *ledgerHandlers) apiCreateAccount(c *fiber.Ctx) error {
	var req createLedgerAccountRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	a, err := h.led.OpenAccount(c.UserContext(), req.account())
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(h.accountJSON(a, nil))
}

func (h *ledgerHandlers) apiAccounts(c *fiber.Ctx) error {
	asOf, err := queryDate(c, "as_of")
	if err != nil {
		return err
	}
	list, err := h.led.Accounts(c.UserContext(), h.db, asOf)
	if err != nil {
		return err
	}
	out := make([]ledgerAccountJSON, len(list))
	for i, a := range list {
		out[i] = h.accountJSON(a, asOf)
	}
	return c.JSON(fiber.Map{"accounts": out})
}

func (h *ledgerHandlers) apiAccount(c *fiber.Ctx) error {
	asOf, err := queryDate(c, "as_of")
	if err != nil {
		return err
	}
	a, err := h.led.Account(c.UserContext(), h.db, paramCode(c), asOf)
	if err != nil {
		return err
	}
	return c.JSON(h.accountJSON(a, asOf))
}

type statementLineJSON struct {
	PostingID     int64  `json:"posting_id"`
	EntryID       int64  `json:"entry_id"`
	EffectiveDate string `json:"effective_date"`
	Description   string `json:"description"`
	Amount        string `json:"amount"`
	Balance       string `json:"balance"`
}

func (h *ledgerHandlers) apiStatement(c *fiber.Ctx) error {
	q, err := statementQuery(c)
	if err != nil {
		return err
	}
	st, err := h.led.Statement(c.UserContext(), paramCode(c), q)
	if err != nil {
		return err
	}
	lines := make([]statementLineJSON, len(st.Lines))
	for i, l := range st.Lines {
		lines[i] = statementLineJSON{
			PostingID: l.PostingID, EntryID: l.EntryID, EffectiveDate: l.EffectiveDate.Format(ledger.DateLayout),
			Description: l.Description, Amount: h.led.FormatAmount(l.Amount), Balance: h.led.FormatAmount(l.Balance),
		}
	}
	return c.JSON(fiber.Map{
		"account":      h.accountJSON(st.Account, q.To),
		"from":         isoDate(q.From),
		"to":           isoDate(q.To),
		"opening":      h.led.FormatAmount(st.Opening),
		"page_opening": h.led.FormatAmount(st.PageOpening),
		"closing":      h.led.FormatAmount(st.Closing),
		"lines":        lines,
		"next_after":   nextCursor(st.Next),
	})
}

// statementQuery reads from, to, after and limit. Errors: invalid_date,
// invalid_period (422), invalid_query (400).
func statementQuery(c *fiber.Ctx) (ledger.StatementQuery, error) {
	var q ledger.StatementQuery
	var err error
	if q.Period, err = queryPeriod(c); err != nil {
		return q, err
	}
	if q.After, err = queryInt(c, "after"); err != nil {
		return q, err
	}
	limit, err := queryInt(c, "limit")
	q.Limit = int(min(limit, 1000))
	return q, err
}

// nextCursor is the after parameter of the next page, null on the last.
func nextCursor(next int64) *int64 {
	if next == 0 {
		return nil
	}
	return &next
}

type trialBalanceLineJSON struct {
	Code    string `json:"code"`
	Type    string `json:"type"`
	Balance string `json:"balance"`
}

func (h *ledgerHandlers) apiTrialBalance(c *fiber.Ctx) error {
	asOf, err := queryDate(c, "as_of")
	if err != nil {
		return err
	}
	tb, err := h.led.TrialBalance(c.UserContext(), h.db, asOf)
	if err != nil {
		return err
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
