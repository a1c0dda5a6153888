package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"hearth/app"
	"hearth/app/apptest"
)

// TestOpenAPIDescribesTheAnswers checks what the busiest operations answer
// against the schemas of the served document: a client generated from the
// document must be able to read every answer, so each property must be
// documented with its type, and each required one sent. What the server
// accepted is checked against the request schemas too.
func TestOpenAPIDescribesTheAnswers(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	c := &openAPIClient{t: t, ts: ts, doc: servedOpenAPIDoc(t, ts)}
	adminM := apptest.MustCreateMember(t, ts.DB, "Tamsin Reyes", app.RoleAdmin)
	adaM := apptest.MustCreateMember(t, ts.DB, "Ada Okafor", app.RoleMember)
	benM := apptest.MustCreateMember(t, ts.DB, "Ben Lindqvist", app.RoleMember)
	admin, ada, ben := ts.token(t, adminM), ts.token(t, adaM), ts.token(t, benM)
	today := time.Now().UTC().Format(time.DateOnly)

	// A site with two units: Ben lives in one and coordinates the site.
	site := fmt.Sprintf("/api/v1/sites/%v", c.do(admin, "POST", "/api/v1/sites",
		map[string]any{"name": "Schema Court", "address": "1 Schema Lane", "timezone": "UTC"})["id"])
	u1 := c.do(admin, "POST", site+"/units", map[string]any{"name": "S1", "bedrooms": 2, "monthly_charge": "1200.00"})["id"]
	u2 := c.do(admin, "POST", site+"/units", map[string]any{"name": "S2", "monthly_charge": "900.00"})["id"]
	c.do(admin, "POST", site+"/residencies", map[string]any{"unit_id": u2, "member_id": benM.ID, "starts_on": today})
	c.do(admin, "POST", site+"/coordinators", map[string]any{"member_id": benM.ID})
	c.do(ben, "GET", "/api/v1/me", nil)
	c.do(admin, "GET", "/api/v1/me", nil)
	c.do(ada, "GET", "/api/v1/me/sessions", nil)
	c.do(ada, "GET", "/api/v1/me/tokens", nil)
	c.do(admin, "GET", "/api/v1/members", nil)
	c.do(ada, "GET", "/api/v1/sites", nil)
	c.do(ada, "GET", site, nil)
	c.do(ben, "GET", site, nil)
	c.do(ben, "GET", site+"/residencies", nil)

	// Equity: a price policy, a mortgage, and Ada admitted to the other unit
	// with a share loan.
	c.do(admin, "PUT", fmt.Sprintf("%s/units/%v/required-equity", site, u1), map[string]any{"required_equity": "40000.00"})
	c.do(admin, "POST", site+"/price-policies", map[string]any{"effective_from": today, "kind": "nav", "base_price": "100"})
	mortgage := c.do(admin, "POST", site+"/mortgages", map[string]any{"principal": "300000.00", "yearly_rate_pct": "5", "months": 360, "idempotency_key": "schema-mortgage"})
	c.do(ben, "POST", site+"/admissions", map[string]any{"unit_id": u1, "member_id": adaM.ID, "cash": "10000.00", "loan": "30000.00", "idempotency_key": "ada-s1"})
	st := c.do(ada, "GET", fmt.Sprintf("/api/v1/members/%d/equity", adaM.ID), nil)
	c.do(ada, "GET", fmt.Sprintf("/api/v1/loans/%v", st["share_loan"].(map[string]any)["id"]), nil)
	c.do(admin, "GET", fmt.Sprintf("/api/v1/loans/%v", mortgage["id"]), nil)
	c.do(ben, "GET", fmt.Sprintf("/api/v1/members/%d/equity", benM.ID), nil)
	c.do(ada, "GET", fmt.Sprintf("/api/v1/members/%d/charges", adaM.ID), nil)
	c.do(ada, "GET", site+"/share-pool", nil)
	c.do(ada, "GET", site+"/share-price", nil)
	c.do(ben, "GET", site+"/admissions", nil)
	c.do(ada, "GET", "/api/v1/equity/settings", nil)
	c.do(ada, "GET", "/api/v1/me", nil)
	c.do(admin, "PATCH", site+"/share-pool", map[string]any{"reserve_pct": "10"})
	c.do(admin, "PUT", "/api/v1/equity/settings", map[string]any{"transfer_fee_pct": "1"})
	c.do(admin, "POST", "/api/v1/price-indexes/CPI/points", map[string]any{"value": "100.5"})
	c.do(ben, "GET", site+"/free-units", nil)
	paydown := map[string]any{"amount": "100.00", "idempotency_key": "ada-paydown"}
	c.expect(admin, "POST", fmt.Sprintf("/api/v1/members/%d/share-loan/paydowns", adaM.ID), paydown, 201)
	c.expect(admin, "POST", fmt.Sprintf("/api/v1/members/%d/share-loan/paydowns", adaM.ID), paydown, 200)
	c.do(ada, "GET", fmt.Sprintf("/api/v1/members/%d/equity.csv", adaM.ID), nil)
	c.do(admin, "GET", "/api/v1/charges/runs", nil)

	// Bookings: one on a space without rules; a place on its waitlist, a
	// series and a blackout, each undone; one that a coordinator approves.
	res := c.do(ben, "POST", site+"/resources", map[string]any{"name": "Workshop", "kind": "workshop"})
	resPath := fmt.Sprintf("/api/v1/resources/%v", res["id"])
	at := func(d time.Duration) string { return time.Now().Add(d).Truncate(time.Hour).Format(time.RFC3339) }
	slot := map[string]any{"starts_at": at(48 * time.Hour), "ends_at": at(49 * time.Hour)}
	booked := c.do(ada, "POST", resPath+"/bookings", slot)
	c.do(ada, "GET", resPath+"/bookings?from="+url.QueryEscape(at(47*time.Hour)), nil)
	c.do(ben, "GET", resPath+"/bookings?from="+url.QueryEscape(at(47*time.Hour)), nil)
	c.do(ada, "GET", fmt.Sprintf("/api/v1/bookings/%v", booked["id"]), nil)
	waiting := c.do(ben, "POST", resPath+"/waitlist", slot)
	c.do(ben, "GET", "/api/v1/bookings", nil)
	c.do(ben, "DELETE", fmt.Sprintf("/api/v1/waitlist/%v", waiting["id"]), nil)
	series := c.do(ada, "POST", resPath+"/series", map[string]any{"starts_at": at(72 * time.Hour), "ends_at": at(73 * time.Hour), "rrule": "FREQ=DAILY;COUNT=2"})
	c.do(ada, "DELETE", fmt.Sprintf("/api/v1/series/%v", series["series_id"]), nil)
	blackout := c.do(ben, "POST", resPath+"/blackouts", map[string]any{"starts_at": at(240 * time.Hour), "ends_at": at(242 * time.Hour), "reason": "Cleaning"})
	c.do(ada, "GET", resPath+"/blackouts", nil)
	c.do(ben, "DELETE", fmt.Sprintf("/api/v1/blackouts/%v", blackout["id"]), nil)
	c.do(ada, "GET", resPath+"/free", nil)
	c.do(ben, "PUT", resPath, map[string]any{"name": "Workshop", "kind": "workshop", "description": "Benches and tools"})
	c.do(ben, "PUT", resPath+"/rules", map[string]any{"opening_hours": []map[string]any{{"weekday": "monday", "opens": "08:00", "closes": "24:00"}}, "max_minutes": 240})
	c.do(ada, "GET", resPath, nil)
	c.do(ada, "GET", resPath+"/rules", nil)
	c.do(ada, "GET", site+"/resources", nil)
	c.do(ada, "GET", "/api/v1/resources", nil)
	room := c.do(ben, "POST", site+"/resources", map[string]any{"name": "Guest room", "kind": "guest_room"})
	c.do(ben, "PUT", fmt.Sprintf("/api/v1/resources/%v/rules", room["id"]), map[string]any{"approval_required": true, "who_may_book": "members"})
	pending := c.do(ada, "POST", fmt.Sprintf("/api/v1/resources/%v/bookings", room["id"]), slot)
	c.do(ben, "GET", "/api/v1/approvals", nil)
	c.do(ben, "POST", fmt.Sprintf("/api/v1/bookings/%v/approve", pending["id"]), map[string]any{"note": "Welcome"})
	c.do(ada, "GET", "/api/v1/bookings", nil)

	// Calendar feeds, and the feed itself at the root.
	feed := c.do(ada, "POST", fmt.Sprintf("/api/v1/calendar-feeds/resources/%v", res["id"]), nil)
	c.do(ada, "POST", "/api/v1/calendar-feeds/mine", nil)
	c.do(ada, "GET", "/api/v1/calendar-feeds", nil)
	feedURL, err := url.Parse(feed["url"].(string))
	if err != nil {
		t.Fatal(err)
	}
	c.do("", "GET", feedURL.Path, nil)
	c.do(ada, "DELETE", fmt.Sprintf("/api/v1/calendar-feeds/resources/%v", res["id"]), nil)
	c.do("", "GET", "/healthz", nil)
	c.do("", "GET", "/readyz", nil)

	// The ledger.
	for _, a := range []map[string]any{{"code": "assets:schema", "type": "asset"}, {"code": "income:schema", "type": "income", "name": "Schema income"}} {
		c.do(admin, "POST", "/api/v1/ledger/accounts", a)
	}
	c.do(admin, "POST", "/api/v1/ledger/entries", map[string]any{
		"idempotency_key": "schema-1", "description": "Schema check", "effective_date": today, "metadata": map[string]string{"why": "schema"},
		"postings": []map[string]any{{"account": "assets:schema", "amount": "10.00"}, {"account": "income:schema", "amount": "-10.00"}},
	})
	c.do(admin, "GET", "/api/v1/ledger/accounts/assets:schema", nil)
	c.do(admin, "GET", "/api/v1/ledger/accounts/assets:schema?as_of="+today, nil)
	c.do(admin, "GET", "/api/v1/ledger/accounts/assets:schema/statement", nil)
	c.do(admin, "GET", "/api/v1/ledger/entries", nil)
	c.do(admin, "GET", "/api/v1/ledger/trial-balance", nil)

	// Lotteries and moves, none yet.
	c.do(ada, "GET", "/api/v1/lottery-windows", nil)
	c.do(ada, "GET", "/api/v1/moves", nil)
	c.do(ben, "GET", site+"/moves", nil)

	// Errors answer the shared Error schema.
	c.expect(ada, "GET", "/api/v1/ledger/trial-balance", nil, 403)
	c.expect(ada, "GET", "/api/v1/sites/0", nil, 404)
	c.expect("", "GET", "/api/v1/me", nil, 401)
}

// openAPIClient calls the server and checks every exchange against the
// served OpenAPI document.
type openAPIClient struct {
	t   *testing.T
	ts  *testServer
	doc *openAPIDoc
}

// do makes a call that must succeed and returns its decoded answer.
func (c *openAPIClient) do(token, method, path string, body any) map[string]any {
	c.t.Helper()
	return c.expect(token, method, path, body, 0)
}

// expect makes a call that must answer status (any 2xx for 0), checks it
// against the document and returns its decoded answer.
func (c *openAPIClient) expect(token, method, path string, body any, status int) map[string]any {
	c.t.Helper()
	var sent []byte
	if body != nil {
		sent, _ = json.Marshal(body)
	}
	req, _ := http.NewRequest(method, c.ts.URL+path, bytes.NewReader(sent))
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if status == 0 && (res.StatusCode < 200 || res.StatusCode > 299) || status != 0 && res.StatusCode != status {
		c.t.Fatalf("%s %s: %d %s", method, path, res.StatusCode, raw)
	}
	for _, p := range c.doc.checkExchange(method, path, sent, res.StatusCode, res.Header.Get("Content-Type"), raw) {
		c.t.Errorf("%s", p)
	}
	var out map[string]any
	if len(raw) > 0 && strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(raw, &out); err != nil {
			c.t.Fatalf("%s %s: %v", method, path, err)
		}
	}
	return out
}
