package web

import (
	"encoding/json"
	"time"

	"github.com/gofiber/fiber/v2"

	"hearth/app"
	"hearth/finance/ledger"
)

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
		EffectiveDate: e.EffectiveDate.Format(ledger.DateLayout), Metadata: e.Metadata,
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

// postEntryRequest keeps each amount raw so that an amount sent as a JSON
// number is refused as an amount (422 invalid_amount), not as bad JSON.
type postEntryRequest struct {
	IdempotencyKey string            `json:"idempotency_key"`
	Description    string            `json:"description"`
	EffectiveDate  string            `json:"effective_date"`
	Metadata       map[string]string `json:"metadata"`
	Postings       []struct {
		Account string          `json:"account"`
		Amount  json.RawMessage `json:"amount"`
	} `json:"postings"`
}

// entry turns the request into an entry. Errors: invalid_date,
// invalid_amount, too_many_places, amount_too_large (422).
func (r postEntryRequest) entry(places int32) (ledger.Entry, error) {
	e := ledger.Entry{IdempotencyKey: r.IdempotencyKey, Description: r.Description, Metadata: r.Metadata}
	day, err := ledger.ParseDate(r.EffectiveDate)
	if err != nil {
		return e, err.(*app.Error).OnField("effective_date")
	}
	e.EffectiveDate = day
	for i, p := range r.Postings {
		var s string
		if err := json.Unmarshal(p.Amount, &s); err != nil {
			return e, app.Unprocessable("invalid_amount", "Posting %d: send the amount as a decimal string such as \"100.00\", not %s.", i+1, truncateRaw(p.Amount))
		}
		amount, err := ledger.ParseAmount(s, places)
		if err != nil {
			ae := err.(*app.Error)
			return e, app.Unprocessable(ae.Code, "Posting %d: %s", i+1, ae.Message)
		}
		e.Postings = append(e.Postings, ledger.Posting{Account: p.Account, Amount: amount})
	}
	return e, nil
}

func truncateRaw(raw json.RawMessage) string {
	if len(raw) == 0 {
		return "nothing"
	}
	if len(raw) > 30 {
		return string(raw[:30]) + "…"
	}
	return string(raw)
}

// postedStatus is 201 for a new entry and 200 for a replay.
func postedStatus(p ledger.Posted) int {
	if p.Replayed {
		return fiber.StatusOK
	}
	return fiber.StatusCreated
}

func (h *ledgerHandlers) apiPostEntry(c *fiber.Ctx) error {
	var req postEntryRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	e, err := req.entry(h.led.Places)
	if err != nil {
		return err
	}
	e.PostedBy = &principal(c).ID
	posted, err := h.led.PostEntry(c.UserContext(), e)
	if err != nil {
		return err
	}
	return c.Status(postedStatus(posted)).JSON(fiber.Map{"id": posted.ID, "replayed": posted.Replayed})
}

func (h *ledgerHandlers) apiEntries(c *fiber.Ctx) error {
	var q ledger.EntryQuery
	var err error
	if q.Period, err = queryPeriod(c); err != nil {
		return err
	}
	if q.After, err = queryInt(c, "after"); err != nil {
		return err
	}
	limit, err := queryInt(c, "limit")
	if err != nil {
		return err
	}
	q.Limit = int(min(limit, 1000))
	page, err := h.led.Entries(c.UserContext(), h.db, q)
	if err != nil {
		return err
	}
	out := make([]ledgerEntryJSON, len(page.Entries))
	for i, e := range page.Entries {
		out[i] = h.entryJSON(e)
	}
	return c.JSON(fiber.Map{"entries": out, "next_after": nextCursor(page.Next)})
}

func (h *ledgerHandlers) apiEntry(c *fiber.Ctx) error {
	id, err := paramID(c, "entry_id")
	if err != nil {
		return err
	}
	e, err := h.led.Entry(c.UserContext(), h.db, id)
	if err != nil {
		return err
	}
	return c.JSON(h.entryJSON(e))
}

type reverseEntryRequest struct {
	Reason        string `json:"reason"`
	EffectiveDate string `json:"effective_date"`
}

func (h *ledgerHandlers) apiReverseEntry(c *fiber.Ctx) error {
	id, err := paramID(c, "entry_id")
	if err != nil {
		return err
	}
	var req reverseEntryRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	r := ledger.Reversal{EntryID: id, Reason: req.Reason, PostedBy: &principal(c).ID}
	if req.EffectiveDate != "" {
		if r.EffectiveDate, err = ledger.ParseDate(req.EffectiveDate); err != nil {
			return err
		}
	}
	posted, err := h.led.ReverseEntry(c.UserContext(), r)
	if err != nil {
		return err
	}
	return c.Status(postedStatus(posted)).JSON(fiber.Map{"id": posted.ID, "replayed": posted.Replayed})
}
