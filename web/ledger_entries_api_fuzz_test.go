package web

import (
	"encoding/json"
	"regexp"
	"testing"

	"github.com/gofiber/fiber/v2"

	"hearth/app"
	"hearth/app/apptest"
	"hearth/finance/ledger"
)

// plainAmountText is the written form of an amount the ledger accepts.
var plainAmountText = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)

// FuzzLedgerEntryRequest sends bodies of POST /api/v1/ledger/entries
// through decodeJSON and postEntryRequest.entry, for a currency of 0 to 4
// places. A body is refused as malformed JSON (400), or its date or an
// amount as unprocessable (422); or it gives an entry whose day is the date
// written, between 1900 and 2999, whose postings are those of the body in
// order, each amount sent as a JSON string in plain decimal form, within
// the currency's places and below ledger.MaxAmount, and whose text is
// valid UTF-8 (and free of NUL once nulRefused).
func FuzzLedgerEntryRequest(f *testing.F) {
	for _, s := range jsonSeeds {
		f.Add([]byte(s), uint8(2))
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
	} {
		f.Add([]byte(s), uint8(2))
	}
	f.Add([]byte(`{"idempotency_key":"k1","effective_date":"2027-01-31","postings":[{"account":"a","amount":"100"},{"account":"b","amount":"100.5"}]}`), uint8(0))
	f.Add([]byte(`{"idempotency_key":"k1","effective_date":"2027-01-31","postings":[{"account":"a","amount":"1.2345"}]}`), uint8(4))
	var got struct {
		req   postEntryRequest
		entry ledger.Entry
		err   error
		ran   bool
	}
	var places int32
	r := newRoute(fiber.MethodPost, "/api/v1/ledger/entries", "/api/v1/ledger/entries", nil, func(c *fiber.Ctx) error {
		got.ran, got.req = true, postEntryRequest{}
		if got.err = decodeJSON(c, &got.req); got.err == nil {
			got.entry, got.err = got.req.entry(places)
		}
		return nil
	})
	f.Fuzz(func(t *testing.T, body []byte, p uint8) {
		places = int32(p % 5)
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
		if e.EffectiveDate.Format(ledger.DateLayout) != req.EffectiveDate || !e.EffectiveDate.Equal(ledger.Day(e.EffectiveDate)) ||
			e.EffectiveDate.Year() < 1900 || e.EffectiveDate.Year() > 2999 {
			t.Fatalf("body %q: effective date %q gives %v", body, req.EffectiveDate, e.EffectiveDate)
		}
		if len(e.Postings) != len(req.Postings) {
			t.Fatalf("body %q: %d postings give %d", body, len(req.Postings), len(e.Postings))
		}
		for i, p := range e.Postings {
			var written string
			if err := json.Unmarshal(req.Postings[i].Amount, &written); err != nil {
				t.Fatalf("body %q: posting %d's amount %s, not a JSON string, was accepted as %s", body, i, req.Postings[i].Amount, p.Amount)
			}
			if !plainAmountText.MatchString(written) {
				t.Fatalf("body %q: posting %d's amount %q, not a plain decimal, was accepted as %s", body, i, written, p.Amount)
			}
			if !p.Amount.Equal(p.Amount.Truncate(places)) || p.Amount.Abs().GreaterThanOrEqual(ledger.MaxAmount) {
				t.Fatalf("body %q: posting %d's amount %s, beyond %d places or too large", body, i, p.Amount, places)
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
