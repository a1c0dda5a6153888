package web

import (
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"hearth/day"
	"hearth/finance/ledger"
)

// An account's statement: its postings of a period with the balance after
// each, a page at a time (the API's JSON, the account's page).

type statementLineJSON struct {
	PostingID     int64  `json:"posting_id"`
	EntryID       int64  `json:"entry_id"`
	EffectiveDate string `json:"effective_date"`
	Description   string `json:"description"`
	Amount        string `json:"amount"`
	Balance       string `json:"balance"`
}

// statement answers a page of an account's statement: JSON, or the
// account's page with its CSV export and the next page's link.
func (h *ledgerHandlers) statement(c *fiber.Ctx) error {
	code := paramCode(c)
	q, err := statementQuery(c)
	if err != nil {
		return err
	}
	st, err := h.led.Statement(c.UserContext(), principal(c), code, q)
	if err != nil {
		return err
	}
	if !isAPI(c) {
		return h.render(c, "ledger/statement", fiber.Map{
			"Title": "Statement of " + code, "St": st, "Query": q, "Places": h.led.Places,
			"CSV":  accountPath(code) + "/statement.csv?" + periodQuery(q.Period),
			"Next": nextPageURL(c, st.Next),
		})
	}
	lines := make([]statementLineJSON, len(st.Lines))
	for i, l := range st.Lines {
		lines[i] = statementLineJSON{
			PostingID: l.PostingID, EntryID: l.EntryID, EffectiveDate: l.EffectiveDate.Format(day.Layout),
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

// periodQuery writes a period as from and to query parameters.
func periodQuery(p ledger.Period) string {
	v := url.Values{}
	if p.From != nil {
		v.Set("from", p.From.Format(day.Layout))
	}
	if p.To != nil {
		v.Set("to", p.To.Format(day.Layout))
	}
	return v.Encode()
}

// nextPageURL is the current page's URL with after set to next, "" when
// there is no next page.
func nextPageURL(c *fiber.Ctx, next int64) string {
	if next == 0 {
		return ""
	}
	v, _ := url.ParseQuery(string(c.Request().URI().QueryString()))
	v.Set("after", strconv.FormatInt(next, 10))
	return c.Path() + "?" + v.Encode()
}
