package web

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"hearth/app"
	"hearth/day"
	"hearth/finance/ledger"
)

// The chart of accounts: every account with its balance now or as of a
// day (the API's list, the page's chart with the form to open an account),
// one account, and opening an account.

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

// isoDate writes an optional day as YYYY-MM-DD, null when there is none.
func isoDate(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := t.Format(day.Layout)
	return &s
}

// chart lists the chart of accounts with balances now or as_of a day: the
// API's list, or the chart page with the form to open an account.
func (h *ledgerHandlers) chart(c *fiber.Ctx) error {
	return h.renderChart(c, newForm(c), false)
}

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

// renderChart answers the accounts as JSON, or shows the chart of accounts
// with the new-account form, filled in and with its errors when it was
// refused.
func (h *ledgerHandlers) renderChart(c *fiber.Ctx, f *Form, refused bool) error {
	asOf, err := queryDate(c, "as_of")
	if err != nil {
		return err
	}
	ctx, p := c.UserContext(), principal(c)
	accounts, err := h.led.Accounts(ctx, p, asOf)
	if err != nil {
		return err
	}
	if isAPI(c) {
		out := make([]ledgerAccountJSON, len(accounts))
		for i, a := range accounts {
			out[i] = h.accountJSON(a, asOf)
		}
		return c.JSON(fiber.Map{"accounts": out})
	}
	// The form links an account to a site or a member, chosen from lists.
	sites, err := h.svc.Housing.Sites(ctx, p)
	if err != nil {
		return err
	}
	members, err := h.svc.Accounts.Members(ctx, p)
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

// openAccountRequest opens an account. The page's form sends the same
// fields; its site and member come from lists where "" is none.
type openAccountRequest struct {
	Code        string     `json:"code"`
	Type        string     `json:"type"`
	Name        string     `json:"name"`
	SiteID      optionalID `json:"site_id"`
	MemberID    optionalID `json:"member_id"`
	NonNegative bool       `json:"non_negative"`
}

// openAccount opens an account: 201 with the account, or for a page the
// account's statement.
func (h *ledgerHandlers) openAccount(c *fiber.Ctx) error {
	var in openAccountRequest
	var a ledger.AccountBalance
	err := bind(c, &in)
	if err == nil {
		a, err = h.led.OpenAccount(c.UserContext(), principal(c), ledger.Account{
			Code: in.Code, Type: ledger.AccountType(in.Type), Name: in.Name,
			SiteID: in.SiteID.ID, MemberID: in.MemberID.ID, NonNegative: in.NonNegative,
		})
	}
	return h.reply(c, err, answer{
		Status: fiber.StatusCreated, JSON: h.accountJSON(a, nil),
		Flash: "Account " + a.Code + " is open.", To: accountPath(a.Code),
	}, func(f *Form) error { return h.renderChart(c, f, true) })
}

// optionalID is an id chosen from a list, or none: in JSON a number or
// null, in a form an id or "" (the list's "None").
type optionalID struct{ ID *int64 }

// UnmarshalJSON reads a number or null; anything else is malformed JSON.
func (o *optionalID) UnmarshalJSON(b []byte) error { return json.Unmarshal(b, &o.ID) }

// UnmarshalText reads a form's choice. Errors: invalid_choice (400).
func (o *optionalID) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		o.ID = nil
		return nil
	}
	id, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil || id <= 0 {
		return app.Invalid("invalid_choice", "Choose from the list.")
	}
	o.ID = &id
	return nil
}

// account answers one account with its balance now or as_of a day (API).
func (h *ledgerHandlers) account(c *fiber.Ctx) error {
	asOf, err := queryDate(c, "as_of")
	if err != nil {
		return err
	}
	a, err := h.led.Account(c.UserContext(), principal(c), paramCode(c), asOf)
	if err != nil {
		return err
	}
	return c.JSON(h.accountJSON(a, asOf))
}
