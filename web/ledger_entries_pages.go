package web

import (
	"bufio"
	"context"
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
	"hearth/finance/ledger"
)

// The journal pages: entries of a period (with CSV), one entry with its
// reversal form, and the form for a manual journal entry.

func entryPath(id int64) string { return "/ledger/entries/" + strconv.FormatInt(id, 10) }

// journalPeriod is the period the journal shows: the query's, or the
// current month when the query names none.
func journalPeriod(c *fiber.Ctx) (ledger.Period, error) {
	p, err := queryPeriod(c)
	if err != nil || p.From != nil || p.To != nil || c.Query("all") != "" {
		return p, err
	}
	y, m, _ := time.Now().Date()
	from := time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
	to := from.AddDate(0, 1, -1)
	return ledger.Period{From: &from, To: &to}, nil
}

func (h *ledgerHandlers) journalPage(c *fiber.Ctx) error {
	p, err := journalPeriod(c)
	if err != nil {
		return err
	}
	after, err := queryInt(c, "after")
	if err != nil {
		return err
	}
	page, err := h.led.Entries(c.UserContext(), h.db, ledger.EntryQuery{Period: p, After: after, Limit: 100})
	if err != nil {
		return err
	}
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

func ptrTo[T any](v T) *T { return &v }

func (h *ledgerHandlers) journalCSV(c *fiber.Ctx) error {
	p, err := queryPeriod(c)
	if err != nil {
		return err
	}
	return h.sendCSV(c, csvName("journal", p), func(ctx context.Context, w *bufio.Writer) error {
		return h.led.WriteJournalCSV(ctx, w, p)
	})
}

func (h *ledgerHandlers) entryPage(c *fiber.Ctx) error {
	id, err := paramID(c, "entry_id")
	if err != nil {
		return err
	}
	return h.renderEntry(c, id, newForm(c), false)
}

// renderEntry shows an entry with its reversal form, filled in and with its
// errors when it was refused.
func (h *ledgerHandlers) renderEntry(c *fiber.Ctx, id int64, f *Form, refused bool) error {
	e, err := h.led.Entry(c.UserContext(), h.db, id)
	if err != nil {
		return err
	}
	var debits decimal.Decimal
	for _, p := range e.Postings {
		if p.Amount.IsPositive() {
			debits = debits.Add(p.Amount)
		}
	}
	data := fiber.Map{
		"Title": fmt.Sprintf("Entry #%d", e.ID), "Entry": e, "Debits": debits, "Places": h.led.Places,
		"Form": f, "Today": ledger.Day(time.Now()),
	}
	if refused {
		return h.renderForm(c, "ledger/entry", data)
	}
	return h.render(c, "ledger/entry", data)
}

func (h *ledgerHandlers) reverseEntry(c *fiber.Ctx) error {
	id, err := paramID(c, "entry_id")
	if err != nil {
		return err
	}
	f := newForm(c)
	r := ledger.Reversal{EntryID: id, Reason: f.Value("reason"), PostedBy: &principal(c).ID}
	var posted ledger.Posted
	if r.EffectiveDate, err = ledger.ParseDate(f.Value("effective_date")); err == nil {
		posted, err = h.led.ReverseEntry(c.UserContext(), r)
	} else {
		err = err.(*app.Error).OnField("effective_date")
	}
	if err != nil {
		if formError(f, err) {
			return h.renderEntry(c, id, f, true)
		}
		return err
	}
	h.flash(c, fmt.Sprintf("Entry #%d is reversed by entry #%d.", id, posted.ID))
	return redirect(c, entryPath(posted.ID))
}

// entryFormRows is how many posting rows the manual entry form offers;
// empty rows are ignored.
const entryFormRows = 6

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

func (h *ledgerHandlers) newEntryPage(c *fiber.Ctx) error {
	f := newForm(c)
	f.Values["effective_date"] = ledger.Day(time.Now()).Format(ledger.DateLayout)
	return h.renderEntryForm(c, f, false)
}

// renderEntryForm shows the manual entry form. Its idempotency key is made
// when the form is first shown and travels with it, so that a form sent
// twice (a double click, a reload) posts one entry.
func (h *ledgerHandlers) renderEntryForm(c *fiber.Ctx, f *Form, refused bool) error {
	if f.Value("idempotency_key") == "" {
		b := make([]byte, 12)
		rand.Read(b)
		f.Values["idempotency_key"] = "manual-" + hex.EncodeToString(b)
	}
	accounts, err := h.led.Accounts(c.UserContext(), h.db, nil)
	if err != nil {
		return err
	}
	data := fiber.Map{"Title": "New journal entry", "Form": f, "Rows": entryRows(f), "Accounts": accounts}
	if refused {
		return h.renderForm(c, "ledger/entry_form", data)
	}
	return h.render(c, "ledger/entry_form", data)
}

var postingField = regexp.MustCompile(`^postings\[(\d+)\]\.(account|amount)$`)

func (h *ledgerHandlers) postEntry(c *fiber.Ctx) error {
	f := newForm(c)
	e, rowOf, err := h.formEntry(f)
	if err == nil {
		e.PostedBy = &principal(c).ID
		var posted ledger.Posted
		if posted, err = h.led.PostEntry(c.UserContext(), e); err == nil {
			if posted.Replayed {
				h.flash(c, fmt.Sprintf("Entry #%d was already posted from this form.", posted.ID))
			} else {
				h.flash(c, fmt.Sprintf("Entry #%d is posted.", posted.ID))
			}
			return redirect(c, entryPath(posted.ID))
		}
	}
	// Errors about the nth posting belong next to its row of the form.
	if ae, ok := app.AsError(err); ok {
		if m := postingField.FindStringSubmatch(ae.Field); m != nil {
			i, _ := strconv.Atoi(m[1])
			err = ae.OnField(m[2] + "_" + strconv.Itoa(rowOf[i]))
		}
	}
	if formError(f, err) {
		return h.renderEntryForm(c, f, true)
	}
	return err
}

// formEntry reads the manual entry form: each filled row is a posting with
// a debit or a credit. rowOf maps each posting to its row. Errors:
// invalid_date, invalid_amount, too_many_places, amount_too_large,
// debit_and_credit (422).
func (h *ledgerHandlers) formEntry(f *Form) (ledger.Entry, []int, error) {
	e := ledger.Entry{IdempotencyKey: f.Value("idempotency_key"), Description: f.Value("description")}
	day, err := ledger.ParseDate(f.Value("effective_date"))
	if err != nil {
		return e, nil, err.(*app.Error).OnField("effective_date")
	}
	e.EffectiveDate = day
	var rowOf []int
	for i := range entryFormRows {
		n := strconv.Itoa(i)
		account := strings.TrimSpace(f.Value("account_" + n))
		debit, credit := strings.TrimSpace(f.Value("debit_"+n)), strings.TrimSpace(f.Value("credit_"+n))
		if account == "" && debit == "" && credit == "" {
			continue
		}
		if debit != "" && credit != "" {
			return e, nil, app.Unprocessable("debit_and_credit", "A row is a debit or a credit, not both.").OnField("amount_" + n)
		}
		s := debit
		if credit != "" {
			s = credit
		}
		amount, err := ledger.ParseAmount(s, h.led.Places)
		if err != nil {
			return e, nil, err.(*app.Error).OnField("amount_" + n)
		}
		if credit != "" {
			amount = amount.Neg()
		}
		e.Postings = append(e.Postings, ledger.Posting{Account: account, Amount: amount})
		rowOf = append(rowOf, i)
	}
	return e, rowOf, nil
}
