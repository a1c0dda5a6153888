package web

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"hearth/app"
	"hearth/app/apptest"
	"hearth/day"
	"hearth/finance/ledger"
	"hearth/money"
)

// plainAmountText is the written form of an amount the ledger accepts.
var plainAmountText = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)

// FuzzLedgerEntryRequest sends bodies of POST /api/v1/ledger/entries
// through the handler's reading (readEntry, then entryRequest.entry). A
// body is refused as malformed JSON (400), or its date or an amount as
// unprocessable (422); or it gives an entry whose day is the date written
// (or none, which the ledger refuses), between 1900 and 2999, whose
// postings are those of the body in order, each amount sent as a JSON
// string in plain decimal form, within money.MaxPlaces (the ledger then
// holds it to the currency's) and below money.MaxAmount, and whose text
// is valid UTF-8 (and free of NUL once nulRefused).
func FuzzLedgerEntryRequest(f *testing.F) {
	for _, s := range jsonSeeds {
		f.Add([]byte(s))
	}
	for _, s := range []string{
		`{"idempotency_key":"k1","description":"Rent","effective_date":"2027-01-31","postings":[{"account":"assets:bank","amount":"100.00"},{"account":"income:charges","amount":"-100.00"}]}`,
		`{"idempotency_key":"k1","description":"Rent","effective_date":"2027-01-31","metadata":{"unit":"E1"},"postings":[]}`,
		`{"idempotency_key":"k1","effective_date":"2027-01-31","postings":[{"account":"a","amount":100}]}`,
		`{"idempotency_key":"k1","effective_date":"2027-01-31","postings":[{"account":"a","amount":"1e3"}]}`,
		`{"idempotency_key":"k1","effective_date":"2027-01-31","postings":[{"account":"a","amount":"--5"}]}`,
		`{"idempotency_key":"k1","effective_date":"2027-01-31","postings":[{"account":"a","amount":"12.345"}]}`,
		`{"idempotency_key":"k1","effective_date":"2027-01-31","postings":[{"account":"a","amount":"\u0031.00"}]}`,
		`{"idempotency_key":"k1","effective_date":"2027-01-31","postings":[{"account":"a","amount":null}]}`,
		`{"idempotency_key":"k1","effective_date":"2027-01-31","postings":[{"account":"a"}]}`,
		`{"idempotency_key":"k1","effective_date":"2027-01-31","postings":[{"account":"a","amount":"999999999999999.99"}]}`,
		`{"idempotency_key":"k1","effective_date":"2027-02-30","postings":[]}`,
		`{"idempotency_key":"k1","effective_date":"2027-2-3","postings":[]}`,
		`{"idempotency_key":"k1","effective_date":"1899-12-31","postings":[]}`,
		`{"idempotency_key":"k\u0000","description":"\u0000","effective_date":"2027-01-31","metadata":{"\u0000":"\u0000"},"postings":[{"account":"a\u0000","amount":"1.00"}]}`,
		"{\"idempotency_key\":\"k\xff\",\"description\":\"\xff\xfe\",\"effective_date\":\"2027-01-31\",\"postings\":[{\"account\":\"a\xff\",\"amount\":\"1.00\"}]}",
		`{"idempotency_key":"k1","description":"\ud800","effective_date":"2027-01-31","postings":[]}`,
		`{"idempotency_key":"k1","description":"a\r\nb","effective_date":"2027-01-31\r\n","postings":[]}`,
		`{"idempotency_key":"k1","Description":"x","DESCRIPTION":"y","effective_date":"2027-01-31","postings":[]}`,
		`{"idempotency_key":"k1","effective_date":"2027-01-31","postings":[],"currency":"EUR"}`,
		`{"idempotency_key":"k1","effective_date":" 2027-01-31 ","postings":[]}`,
		`{"idempotency_key":"k1","effective_date":"","postings":[]}`,
		`{"idempotency_key":"k1","effective_date":null,"postings":[]}`,
		`{"idempotency_key":"k1","effective_date":20270131,"postings":[]}`,
		`{"idempotency_key":"k1","effective_date":"2027-01-31","postings":[{"account":"a","amount":"100"},{"account":"b","amount":"100.5"}]}`,
		`{"idempotency_key":"k1","effective_date":"2027-01-31","postings":[{"account":"a","amount":"1.2345"}]}`,
		`{"idempotency_key":"k1","effective_date":"2027-01-31","postings":[{"account":"a","amount":"0.00000000001"}]}`,
	} {
		f.Add([]byte(s))
	}
	var got struct {
		req   entryRequest
		entry ledger.Entry
		err   error
		ran   bool
	}
	r := newRoute(fiber.MethodPost, "/api/v1/ledger/entries", "/api/v1/ledger/entries", nil, func(c *fiber.Ctx) error {
		got.ran = true
		if got.req, _, got.err = readEntry(c); got.err == nil {
			got.entry, got.err = got.req.entry()
		}
		return nil
	})
	f.Fuzz(func(t *testing.T, body []byte) {
		got.ran = false
		if r.serve(body) {
			return // refused at the edge, before any handler
		}
		if !got.ran {
			t.Fatal("the route did not run")
		}
		req, e, err := got.req, got.entry, got.err
		if err != nil {
			if ae, _ := app.AsError(err); ae != nil && ae.Code == "malformed_json" {
				checkDecodeError(t, body, err)
				return
			}
			apptest.CheckRefusal(t, err, app.KindUnprocessable, "invalid_date", "invalid_amount", "too_many_places", "amount_too_large")
			return
		}
		if req.EffectiveDate == "" {
			if !e.EffectiveDate.IsZero() {
				t.Fatalf("body %q: no effective date gives %v", body, e.EffectiveDate)
			}
		} else if e.EffectiveDate.Format(day.Layout) != strings.TrimSpace(req.EffectiveDate) || !e.EffectiveDate.Equal(ledger.Day(e.EffectiveDate)) ||
			e.EffectiveDate.Year() < 1900 || e.EffectiveDate.Year() > 2999 {
			t.Fatalf("body %q: effective date %q gives %v", body, req.EffectiveDate, e.EffectiveDate)
		}
		if len(e.Postings) != len(req.Postings) {
			t.Fatalf("body %q: %d postings give %d", body, len(req.Postings), len(e.Postings))
		}
		// The amounts as the body wrote them, read again as raw JSON.
		var raw struct {
			Postings []struct {
				Amount json.RawMessage `json:"amount"`
			} `json:"postings"`
		}
		if err := json.Unmarshal(body, &raw); err != nil || len(raw.Postings) != len(e.Postings) {
			t.Fatalf("body %q: accepted, but its postings read again as %d, %v", body, len(raw.Postings), err)
		}
		for i, p := range e.Postings {
			var written string
			if err := json.Unmarshal(raw.Postings[i].Amount, &written); err != nil {
				t.Fatalf("body %q: posting %d's amount %s, not a JSON string, was accepted as %s", body, i, raw.Postings[i].Amount, p.Amount)
			}
			if !plainAmountText.MatchString(written) {
				t.Fatalf("body %q: posting %d's amount %q, not a plain decimal, was accepted as %s", body, i, written, p.Amount)
			}
			if !p.Amount.Equal(p.Amount.Truncate(money.MaxPlaces)) || p.Amount.Abs().GreaterThanOrEqual(money.MaxAmount) {
				t.Fatalf("body %q: posting %d's amount %s, beyond %d places or too large", body, i, p.Amount, money.MaxPlaces)
			}
			if p.Account != req.Postings[i].Account {
				t.Fatalf("body %q: posting %d's account %q became %q", body, i, req.Postings[i].Account, p.Account)
			}
			checkText(t, "account", p.Account)
		}
		checkText(t, "idempotency key", e.IdempotencyKey)
		checkText(t, "description", e.Description)
		for k, v := range e.Metadata {
			checkText(t, "metadata key", k)
			checkText(t, "metadata value", v)
		}
	})
}
