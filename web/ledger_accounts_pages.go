package web

import (
	"bufio"
	"context"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"hearth/app"
	"hearth/finance/ledger"
)

// The treasurer's ledger pages: the chart of accounts with balances and a
// form to open an account, each account's statement (with CSV), and the
// trial balance.

// accountPath is the statement page of an account.
func accountPath(code string) string { return "/ledger/accounts/" + url.PathEscape(code) }

// accountGroup is the accounts of one type in the chart, with their total.
type accountGroup struct {
	Type     ledger.AccountType
	Accounts []ledger.AccountBalance
	Total    ledger.AccountBalance // the sum, as a pseudo-account for the debit/credit cells
}

func groupAccounts(list []ledger.AccountBalance) []accountGroup {
	groups := make([]accountGroup, len(ledger.AccountTypes))
	index := map[ledger.AccountType]int{}
	for i, t := range ledger.AccountTypes {
		groups[i].Type, groups[i].Total.Type = t, t
		index[t] = i
	}
	for _, a := range list {
		g := &groups[index[a.Type]]
		g.Accounts = append(g.Accounts, a)
		g.Total.Balance = g.Total.Balance.Add(a.Balance)
	}
	return groups
}

func (h *ledgerHandlers) chartPage(c *fiber.Ctx) error {
	return h.renderChart(c, newForm(c), false)
}

// renderChart shows the chart of accounts with the new-account form, filled
// in and with its errors when it was refused.
func (h *ledgerHandlers) renderChart(c *fiber.Ctx, f *Form, refused bool) error {
	asOf, err := queryDate(c, "as_of")
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	accounts, err := h.led.Accounts(ctx, h.db, asOf)
	if err != nil {
		return err
	}
	sites, err := h.svc.Housing.Sites(ctx, principal(c))
	if err != nil {
		return err
	}
	members, err := h.accounts.Members(ctx)
	if err != nil {
		return err
	}
	data := fiber.Map{
		"Title": "Ledger", "Groups": groupAccounts(accounts), "Count": len(accounts), "AsOf": asOf,
		"Form": f, "Types": ledger.AccountTypes, "Sites": sites, "Members": members, "Places": h.led.Places,
	}
	if refused {
		return h.renderForm(c, "ledger/chart", data)
	}
	return h.render(c, "ledger/chart", data)
}

func (h *ledgerHandlers) createAccount(c *fiber.Ctx) error {
	f := newForm(c)
	a := ledger.Account{
		Code: strings.TrimSpace(f.Value("code")), Type: ledger.AccountType(f.Value("type")),
		Name: f.Value("name"), NonNegative: f.Value("non_negative") != "",
	}
	var err error
	if a.SiteID, err = optionalFormID(f, "site_id"); err == nil {
		a.MemberID, err = optionalFormID(f, "member_id")
	}
	if err == nil {
		_, err = h.led.OpenAccount(c.UserContext(), a)
	}
	if err != nil {
		if formError(f, err) {
			return h.renderChart(c, f, true)
		}
		return err
	}
	h.flash(c, "Account "+a.Code+" is open.")
	return redirect(c, accountPath(a.Code))
}

// optionalFormID reads an optional id chosen in a select. Errors: invalid_choice (400).
func optionalFormID(f *Form, name string) (*int64, error) {
	s := f.Value(name)
	if s == "" {
		return nil, nil
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return nil, app.Invalid("invalid_choice", "Choose from the list.").OnField(name)
	}
	return &id, nil
}

func (h *ledgerHandlers) statementPage(c *fiber.Ctx) error {
	code := paramCode(c)
	q, err := statementQuery(c)
	if err != nil {
		return err
	}
	st, err := h.led.Statement(c.UserContext(), code, q)
	if err != nil {
		return err
	}
	return h.render(c, "ledger/statement", fiber.Map{
		"Title": "Statement of " + code, "St": st, "Query": q, "Places": h.led.Places,
		"CSV":  accountPath(code) + "/statement.csv?" + periodQuery(q.Period),
		"Next": nextPageURL(c, st.Next),
	})
}

// periodQuery writes a period as from and to query parameters.
func periodQuery(p ledger.Period) string {
	v := url.Values{}
	if p.From != nil {
		v.Set("from", p.From.Format(ledger.DateLayout))
	}
	if p.To != nil {
		v.Set("to", p.To.Format(ledger.DateLayout))
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

// sendCSV answers with a CSV attachment that write streams after the
// handler returns, so an export of a million lines never sits in memory.
// Errors that happen mid-stream can only be logged: the status is sent.
func (h *ledgerHandlers) sendCSV(c *fiber.Ctx, filename string, write func(ctx context.Context, w *bufio.Writer) error) error {
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+filename+`"`)
	log, path := h.log, logPath(c)
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		if err := write(ctx, w); err != nil {
			log.Error("csv export failed", "path", path, "err", err)
		}
		w.Flush()
	})
	return nil
}

// csvName makes a file name of an account code and a period.
func csvName(prefix string, p ledger.Period) string {
	name := strings.ReplaceAll(prefix, ":", "-")
	if p.From != nil {
		name += "_from-" + p.From.Format(ledger.DateLayout)
	}
	if p.To != nil {
		name += "_to-" + p.To.Format(ledger.DateLayout)
	}
	return name + ".csv"
}

func (h *ledgerHandlers) statementCSV(c *fiber.Ctx) error {
	code := paramCode(c)
	p, err := queryPeriod(c)
	if err != nil {
		return err
	}
	// Refuse a missing account before the stream starts, while an error
	// can still be a proper answer.
	if _, err := h.led.Account(c.UserContext(), h.db, code, nil); err != nil {
		return err
	}
	return h.sendCSV(c, csvName(code, p), func(ctx context.Context, w *bufio.Writer) error {
		return h.led.WriteStatementCSV(ctx, w, code, p)
	})
}

func (h *ledgerHandlers) trialBalancePage(c *fiber.Ctx) error {
	asOf, err := queryDate(c, "as_of")
	if err != nil {
		return err
	}
	tb, err := h.led.TrialBalance(c.UserContext(), h.db, asOf)
	if err != nil {
		return err
	}
	return h.render(c, "ledger/trial_balance", fiber.Map{"Title": "Trial balance", "TB": tb, "Places": h.led.Places})
}
