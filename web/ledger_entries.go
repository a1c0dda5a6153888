package web

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/shopspring/decimal"

	"hearth/app"
	"hearth/day"
	"hearth/finance/ledger"
	"hearth/money"
)

// The journal: entries of a period (the API's pages, the journal page of a
// month), one entry (with the page's reversal form), posting an entry (the
// API's body, the page's manual entry form) and reversing one.

func entryPath(id int64) string { return "/ledger/entries/" + strconv.FormatInt(id, 10) }

type postingJSON struct {
	Account string `json:"account"`
	Amount  string `json:"amount"`
}

type ledgerEntryJSON struct {
	ID              int64             `json:"id"`
	IdempotencyKey  string            `json:"idempotency_key"`
	Description     string            `json:"description"`
	EffectiveDate   string            `json:"effective_date"`
	Metadata        map[string]string `json:"metadata"`
	ReversesEntryID *int64            `json:"reverses_entry_id"`
	ReversedBy      *int64            `json:"reversed_by_entry_id"`
	PostedBy        *int64            `json:"posted_by"`
	CreatedAt       time.Time         `json:"created_at"`
	Postings        []postingJSON     `json:"postings"`
}

func (h *ledgerHandlers) entryJSON(e ledger.PostedEntry) ledgerEntryJSON {
	out := ledgerEntryJSON{
		ID: e.ID, IdempotencyKey: e.IdempotencyKey, Description: e.Description,
		EffectiveDate: e.EffectiveDate.Format(day.Layout), Metadata: e.Metadata,
		ReversesEntryID: e.ReversesEntryID, ReversedBy: e.ReversedBy, PostedBy: e.PostedBy, CreatedAt: e.CreatedAt,
		Postings: make([]postingJSON, len(e.Postings)),
	}
	if out.Metadata == nil {
		out.Metadata = map[string]string{}
	}
	for i, p := range e.Postings {
		out.Postings[i] = postingJSON{Account: p.Account, Amount: h.led.FormatAmount(p.Amount)}
	}
	return out
}

// entries answers a page of the journal: JSON for the period asked, or
// the journal page, of the current month unless the query names a period
// or all.
func (h *ledgerHandlers) entries(c *fiber.Ctx) error {
	var q ledger.EntryQuery
	var err error
	if isAPI(c) {
		q.Period, err = queryPeriod(c)
	} else {
		q.Period, err = h.journalPeriod(c)
	}
	if err != nil {
		return err
	}
	if q.After, err = queryInt(c, "after"); err != nil {
		return err
	}
	q.Limit = 100 // a page's
	if isAPI(c) {
		limit, err := queryInt(c, "limit")
		if err != nil {
			return err
		}
		q.Limit = int(min(limit, 1000))
	}
	page, err := h.led.Entries(c.UserContext(), principal(c), q)
	if err != nil {
		return err
	}
	if isAPI(c) {
		out := make([]ledgerEntryJSON, len(page.Entries))
		for i, e := range page.Entries {
			out[i] = h.entryJSON(e)
		}
		return c.JSON(fiber.Map{"entries": out, "next_after": nextCursor(page.Next)})
	}
	p := q.Period
	data := fiber.Map{
		"Title": "Journal", "Period": p, "Page": page, "Places": h.led.Places,
		"CSV": "/ledger/entries.csv?" + periodQuery(p), "Next": nextPageURL(c, page.Next),
	}
	if p.From != nil && p.To != nil && p.From.Day() == 1 && p.To.Equal(p.From.AddDate(0, 1, -1)) {
		// A whole month: offer the months before and after.
		prev, next := p.From.AddDate(0, -1, 0), p.From.AddDate(0, 1, 0)
		data["PrevMonth"] = periodQuery(ledger.Period{From: &prev, To: ptrTo(p.From.AddDate(0, 0, -1))})
		data["NextMonth"] = periodQuery(ledger.Period{From: &next, To: ptrTo(next.AddDate(0, 1, -1))})
	}
	return h.render(c, "ledger/journal", data)
}

// journalPeriod is the period the journal page shows: the query's, or the
// books' current month when the query names none.
func (h *ledgerHandlers) journalPeriod(c *fiber.Ctx) (ledger.Period, error) {
	p, err := queryPeriod(c)
	if err != nil || p.From != nil || p.To != nil || c.Query("all") != "" {
		return p, err
	}
	month := h.led.Today().Month()
	from, to := month.Time(), month.AddMonths(1).AddDays(-1).Time()
	return ledger.Period{From: &from, To: &to}, nil
}

func ptrTo[T any](v T) *T { return &v }

// entry answers one entry with its postings: JSON, or its page with the
// reversal form.
func (h *ledgerHandlers) entry(c *fiber.Ctx) error {
	id, err := paramID(c, "entry_id")
	if err != nil {
		return err
	}
	return h.renderEntry(c, id, newForm(c), false)
}

// renderEntry answers an entry as JSON, or shows it with its reversal
// form, filled in and with its errors when it was refused.
func (h *ledgerHandlers) renderEntry(c *fiber.Ctx, id int64, f *Form, refused bool) error {
	e, err := h.led.Entry(c.UserContext(), principal(c), id)
	if err != nil {
		return err
	}
	if isAPI(c) {
		return c.JSON(h.entryJSON(e))
	}
	var debits decimal.Decimal
	for _, p := range e.Postings {
		if p.Amount.IsPositive() {
			debits = debits.Add(p.Amount)
		}
	}
	data := fiber.Map{
		"Title": fmt.Sprintf("Entry #%d", e.ID), "Entry": e, "Debits": debits, "Places": h.led.Places,
		"Form": f, "Today": h.led.Today().Time(),
	}
	if refused {
		return h.renderForm(c, "ledger/entry", data)
	}
	return h.render(c, "ledger/entry", data)
}

// entryHead is what an entry says besides its postings; the manual entry
// form sends these fields as the API's body does. The effective date is
// read with day.Parse when it is given; an entry without one is refused
// by the ledger, after it has decided whether the caller may post at all.
// It stays text in JSON, so that a date sent as a number is a malformed
// body (400), as the API has always said.
type entryHead struct {
	IdempotencyKey string `json:"idempotency_key"`
	Description    string `json:"description"`
	EffectiveDate  string `json:"effective_date"`
}

// entryRequest is the body of POST /api/v1/ledger/entries. Amounts are
// money.Text, read by money.Parse (a JSON number is refused as an amount);
// the ledger holds them to the currency's places.
type entryRequest struct {
	entryHead
	Metadata map[string]string `json:"metadata"`
	Postings []postingRequest  `json:"postings"`
}

type postingRequest struct {
	Account string     `json:"account"`
	Amount  money.Text `json:"amount"`
}

// entry turns the request into an entry. Errors: invalid_date,
// invalid_amount (422).
func (r entryRequest) entry() (ledger.Entry, error) {
	e := ledger.Entry{IdempotencyKey: r.IdempotencyKey, Description: r.Description, Metadata: r.Metadata}
	if r.EffectiveDate != "" {
		d, err := parseDay("effective_date", r.EffectiveDate)
		if err != nil {
			return e, err
		}
		e.EffectiveDate = d
	}
	for i, p := range r.Postings {
		if !p.Amount.Given() {
			return e, app.Unprocessable("invalid_amount", "Posting %d has no amount: send it as a decimal string such as \"100.00\".", i+1).
				OnField(fmt.Sprintf("postings[%d].amount", i))
		}
		e.Postings = append(e.Postings, ledger.Posting{Account: p.Account, Amount: p.Amount.Decimal})
	}
	return e, nil
}

// postedStatus is 201 for a new entry and 200 for a replay.
func postedStatus(p ledger.Posted) int {
	if p.Replayed {
		return fiber.StatusOK
	}
	return fiber.StatusCreated
}

// postEntry posts an entry: 201 with its id (200 for a replay of the same
// key and content), or for a page the new entry's page.
func (h *ledgerHandlers) postEntry(c *fiber.Ctx) error {
	in, rowOf, err := readEntry(c)
	var posted ledger.Posted
	if err == nil {
		var e ledger.Entry
		if e, err = in.entry(); err == nil {
			posted, err = h.led.PostEntry(c.UserContext(), principal(c), e)
		}
	}
	flash := fmt.Sprintf("Entry #%d is posted.", posted.ID)
	if posted.Replayed {
		flash = fmt.Sprintf("Entry #%d was already posted from this form.", posted.ID)
	}
	return h.reply(c, onFormRow(err, rowOf), answer{
		Status: postedStatus(posted), JSON: fiber.Map{"id": posted.ID, "replayed": posted.Replayed},
		Flash: flash, To: entryPath(posted.ID),
	}, func(f *Form) error { return h.renderEntryForm(c, f, true) })
}

// entryFormRows is how many posting rows the manual entry form offers;
// empty rows are ignored.
const entryFormRows = 6

// readEntry reads the entry to post: the API's JSON body, or the manual
// entry form, each filled row of which is a posting of an account with a
// debit or a credit. rowOf maps each posting to its row of the form.
// Errors: those of bind; invalid_amount, too_many_places,
// amount_too_large, debit_and_credit (422) on a row.
func readEntry(c *fiber.Ctx) (in entryRequest, rowOf []int, err error) {
	if isAPI(c) {
		err = bind(c, &in)
		return in, nil, err
	}
	if err = bind(c, &in.entryHead); err != nil {
		return in, nil, err
	}
	form := c.Request().PostArgs()
	for i := range entryFormRows {
		n := strconv.Itoa(i)
		account := strings.TrimSpace(string(form.Peek("account_" + n)))
		debit, credit := strings.TrimSpace(string(form.Peek("debit_"+n))), strings.TrimSpace(string(form.Peek("credit_"+n)))
		if account == "" && debit == "" && credit == "" {
			continue
		}
		if debit != "" && credit != "" {
			return in, nil, app.Unprocessable("debit_and_credit", "A row is a debit or a credit, not both.").OnField("amount_" + n)
		}
		var amount money.Text
		if err := amount.UnmarshalText([]byte(debit + credit)); err != nil {
			return in, nil, err.(*app.Error).OnField("amount_" + n)
		}
		if credit != "" {
			amount.Decimal = amount.Neg()
		}
		in.Postings = append(in.Postings, postingRequest{Account: account, Amount: amount})
		rowOf = append(rowOf, i)
	}
	return in, rowOf, nil
}

var postingField = regexp.MustCompile(`^postings\[(\d+)\]\.(account|amount)$`)

// onFormRow moves an error about the nth posting beside its row of the
// manual entry form.
func onFormRow(err error, rowOf []int) error {
	ae, ok := app.AsError(err)
	if !ok {
		return err
	}
	if m := postingField.FindStringSubmatch(ae.Field); m != nil {
		if i, _ := strconv.Atoi(m[1]); i < len(rowOf) {
			return ae.OnField(m[2] + "_" + strconv.Itoa(rowOf[i]))
		}
	}
	return err
}

// entryRow is one posting row of the manual entry form.
type entryRow struct {
	N                        int
	Account, Debit, Credit   string
	AccountErr, AmountErr    string
	AccountField, DebitField string
	CreditField              string
}

func entryRows(f *Form) []entryRow {
	rows := make([]entryRow, entryFormRows)
	for i := range rows {
		n := strconv.Itoa(i)
		rows[i] = entryRow{
			N: i + 1, AccountField: "account_" + n, DebitField: "debit_" + n, CreditField: "credit_" + n,
			Account: f.Value("account_" + n), Debit: f.Value("debit_" + n), Credit: f.Value("credit_" + n),
			AccountErr: f.Error("account_" + n), AmountErr: f.Error("amount_" + n),
		}
	}
	return rows
}

// newEntryPage shows the manual entry form, dated the books' today.
func (h *ledgerHandlers) newEntryPage(c *fiber.Ctx) error {
	f := newForm(c)
	f.Values["effective_date"] = h.led.Today().String()
	return h.renderEntryForm(c, f, false)
}

// renderEntryForm shows the manual entry form. Its idempotency key is made
// when the form is first shown and travels with it, so that a form sent
// twice (a double click, a reload) posts one entry.
func (h *ledgerHandlers) renderEntryForm(c *fiber.Ctx, f *Form, refused bool) error {
	accounts, err := h.led.Accounts(c.UserContext(), principal(c), nil)
	if err != nil {
		return err
	}
	if f.Value("idempotency_key") == "" {
		b := make([]byte, 12)
		rand.Read(b)
		f.Values["idempotency_key"] = "manual-" + hex.EncodeToString(b)
	}
	data := fiber.Map{"Title": "New journal entry", "Form": f, "Rows": entryRows(f), "Accounts": accounts}
	if refused {
		return h.renderForm(c, "ledger/entry_form", data)
	}
	return h.render(c, "ledger/entry_form", data)
}

// reversalRequest reverses an entry for a reason, dated effective_date
// (the books' today when it is empty or left out).
type reversalRequest struct {
	Reason        string `json:"reason"`
	EffectiveDate string `json:"effective_date"`
}

// reverseEntry reverses an entry: 201 with the reversal's id (200 for the
// same reversal again), or for a page the reversal's page.
func (h *ledgerHandlers) reverseEntry(c *fiber.Ctx) error {
	id, err := paramID(c, "entry_id")
	if err != nil {
		return err
	}
	var in reversalRequest
	var posted ledger.Posted
	if err = bind(c, &in); err == nil {
		r := ledger.Reversal{EntryID: id, Reason: in.Reason}
		if in.EffectiveDate != "" {
			r.EffectiveDate, err = parseDay("effective_date", in.EffectiveDate)
		}
		if err == nil {
			posted, err = h.led.ReverseEntry(c.UserContext(), principal(c), r)
		}
	}
	return h.reply(c, err, answer{
		Status: postedStatus(posted), JSON: fiber.Map{"id": posted.ID, "replayed": posted.Replayed},
		Flash: fmt.Sprintf("Entry #%d is reversed by entry #%d.", id, posted.ID), To: entryPath(posted.ID),
	}, func(f *Form) error { return h.renderEntry(c, id, f, true) })
}
