package web_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"hearth/app"
	"hearth/app/apptest"
)

// equityWorld is a site with three units asking 40,000 of equity, its
// coordinator, the treasurer, a resident since January and two members
// without a home.
type equityWorld struct {
	ts                            *testServer
	site, u1, u2, u3              int64
	admin, coord, ada, ben, chloe app.Member
	today                         time.Time
}

func newEquityWorld(t *testing.T) *equityWorld {
	t.Helper()
	ts := newTestServer(t)
	w := &equityWorld{ts: ts, today: time.Now()}
	w.admin = apptest.MustCreateMember(t, ts.DB, "Tamsin Reyes", app.RoleAdmin)
	w.coord = apptest.MustCreateMember(t, ts.DB, "Grace Kim", app.RoleMember)
	w.ada = apptest.MustCreateMember(t, ts.DB, "Ada Okafor", app.RoleMember)
	w.ben = apptest.MustCreateMember(t, ts.DB, "Ben Lindqvist", app.RoleMember)
	w.chloe = apptest.MustCreateMember(t, ts.DB, "Chloé Martin", app.RoleMember)
	w.site = apptest.MustCreateSite(t, ts.DB, "Harbor House", "UTC").ID
	apptest.MustMakeCoordinator(t, ts.DB, w.site, w.coord.ID)
	w.u1 = apptest.MustCreateUnit(t, ts.DB, w.site, "H1", "1200.00")
	w.u2 = apptest.MustCreateUnit(t, ts.DB, w.site, "H2", "1200.00")
	w.u3 = apptest.MustCreateUnit(t, ts.DB, w.site, "H3", "1200.00")
	if _, err := ts.DB.Exec(`UPDATE units SET required_equity = 40000 WHERE site_id = $1`, w.site); err != nil {
		t.Fatal(err)
	}
	apptest.MustAddResidency(t, ts.DB, w.site, w.u3, w.chloe.ID, "2026-01-01")
	return w
}

// open adopts a net-asset-value policy from today (opening price 100), a
// mortgage of 300,000 at 5% over 30 years and an appraisal of 300,000.
func (w *equityWorld) open(t *testing.T) {
	t.Helper()
	admin, coord := w.ts.token(t, w.admin), w.ts.token(t, w.coord)
	today := w.today.Format(time.DateOnly)
	for _, c := range []struct {
		token, path string
		body        map[string]any
	}{
		{admin, "/price-policies", map[string]any{"effective_from": today, "kind": "nav", "base_price": "100"}},
		{admin, "/mortgages", map[string]any{"principal": "300000.00", "yearly_rate_pct": "5", "months": 360, "idempotency_key": "harbor-mortgage"}},
		{coord, "/appraisals", map[string]any{"amount": "300000.00", "appraiser": "Quay Valuers"}},
	} {
		if status, body := w.ts.call(t, "POST", w.sitePath(c.path), c.token, c.body); status != 201 {
			t.Fatalf("POST %s: %d %v", c.path, status, body)
		}
	}
}

func (w *equityWorld) sitePath(rest string) string {
	return fmt.Sprintf("/api/v1/sites/%d%s", w.site, rest)
}

func TestEquityAPIAdmissionAndStatement(t *testing.T) {
	t.Parallel()
	w := newEquityWorld(t)
	ts := w.ts
	admin, coord, ada, ben := ts.token(t, w.admin), ts.token(t, w.coord), ts.token(t, w.ada), ts.token(t, w.ben)
	w.open(t)

	if status, body := ts.call(t, "GET", w.sitePath("/share-price"), ben, nil); status != 403 {
		t.Errorf("a member of no site reads the price: %d %v", status, body)
	}
	status, price := ts.call(t, "GET", w.sitePath("/share-price"), coord, nil)
	if status != 200 || price["price"] != "100.000000" || !strings.Contains(price["formula"].(string), "opening price") {
		t.Fatalf("price: %d %v", status, price)
	}

	admit := map[string]any{"unit_id": w.u1, "member_id": w.ada.ID, "cash": "10000.00", "loan": "30000.00",
		"quoted_price": "100.000000", "idempotency_key": "ada-h1"}
	status, a := ts.call(t, "POST", w.sitePath("/admissions"), coord, admit)
	if status != 201 || a["quantity"] != "400.000000" || a["price"] != "100.000000" {
		t.Fatalf("admission: %d %v", status, a)
	}
	if status, again := ts.call(t, "POST", w.sitePath("/admissions"), coord, admit); status != 200 || again["id"] != a["id"] {
		t.Errorf("the same admission again: %d %v, want 200 with id %v", status, again, a["id"])
	}
	for _, tc := range []struct {
		name   string
		body   map[string]any
		token  string
		status int
		code   string
	}{
		{"an occupied unit", map[string]any{"unit_id": w.u1, "member_id": w.ben.ID, "cash": "40000", "loan": "0", "idempotency_key": "ben-h1"}, coord, 409, "unit_occupied"},
		{"beyond the loan-to-value limit", map[string]any{"unit_id": w.u2, "member_id": w.ben.ID, "cash": "7999.99", "loan": "32000.01", "idempotency_key": "ben-ltv"}, coord, 422, "beyond_loan_to_value"},
		{"a stale price", map[string]any{"unit_id": w.u2, "member_id": w.ben.ID, "cash": "40000", "loan": "0", "quoted_price": "99.000000", "idempotency_key": "ben-stale"}, coord, 409, "price_changed"},
		{"short of the required equity", map[string]any{"unit_id": w.u2, "member_id": w.ben.ID, "cash": "100", "loan": "0", "idempotency_key": "ben-short"}, coord, 422, "payment_mismatch"},
		{"not the coordinator", map[string]any{"unit_id": w.u2, "member_id": w.ben.ID, "cash": "40000", "loan": "0", "idempotency_key": "ben-self"}, ben, 403, "forbidden"},
	} {
		status, body := ts.call(t, "POST", w.sitePath("/admissions"), tc.token, tc.body)
		if status != tc.status || errorCode(body) != tc.code {
			t.Errorf("%s: %d %v, want %d %s", tc.name, status, body, tc.status, tc.code)
		}
	}
	if n := count(t, ts, "admissions"); n != 1 {
		t.Errorf("%d admissions, want 1: refusals write nothing", n)
	}

	adaPath := fmt.Sprintf("/api/v1/members/%d/equity", w.ada.ID)
	status, st := ts.call(t, "GET", adaPath, ada, nil)
	if status != 200 {
		t.Fatalf("statement: %d %v", status, st)
	}
	holdings := st["holdings"].([]any)
	if len(holdings) != 1 || holdings[0].(map[string]any)["quantity"] != "400.000000" || holdings[0].(map[string]any)["value"] != "40000.00" ||
		st["loan_balance"] != "30000.00" || st["net_equity"] != "10000.00" {
		t.Errorf("statement: %v", st)
	}
	if status, body := ts.call(t, "GET", adaPath, ben, nil); status != 403 {
		t.Errorf("another member reads Ada's statement: %d %v", status, body)
	}
	if status, _ := ts.call(t, "GET", adaPath, admin, nil); status != 200 {
		t.Errorf("the treasurer reads Ada's statement: %d", status)
	}
	if status, _ := ts.call(t, "GET", adaPath+".csv", ben, nil); status != 403 {
		t.Errorf("another member downloads Ada's CSV: %d", status)
	}
	loan := st["share_loan"].(map[string]any)
	loanPath := fmt.Sprintf("/api/v1/loans/%v", loan["id"])
	status, l := ts.call(t, "GET", loanPath, ada, nil)
	if status != 200 || len(l["schedule"].([]any)) != 300 || l["loan"].(map[string]any)["monthly_payment"] != "184.23" {
		t.Errorf("Ada's loan: %d %v", status, l["loan"])
	}
	if status, _ := ts.call(t, "GET", loanPath, ben, nil); status != 403 {
		t.Errorf("another member reads Ada's loan: %d", status)
	}
	if status, q := ts.call(t, "GET", loanPath+"/payoff", ada, nil); status != 200 || q["total"] != "30000.00" {
		t.Errorf("payoff today: %d %v", status, q)
	}
}

func TestEquityAPIBadInput(t *testing.T) {
	t.Parallel()
	w := newEquityWorld(t)
	ts := w.ts
	admin, member := ts.token(t, w.admin), ts.token(t, w.ada)
	yesterday := w.today.AddDate(0, 0, -1).Format(time.DateOnly)
	for _, tc := range []struct {
		name, token, method, path string
		body                      any
		status                    int
		code                      string
	}{
		{"zero principal", admin, "POST", "/mortgages", map[string]any{"principal": "0", "yearly_rate_pct": "5", "months": 360, "idempotency_key": "a"}, 422, "principal_not_positive"},
		{"negative principal", admin, "POST", "/mortgages", map[string]any{"principal": "-5", "yearly_rate_pct": "5", "months": 360, "idempotency_key": "b"}, 422, "principal_not_positive"},
		{"zero months", admin, "POST", "/mortgages", map[string]any{"principal": "1000", "yearly_rate_pct": "5", "months": 0, "idempotency_key": "c"}, 422, "term_not_positive"},
		{"money as a JSON number", admin, "POST", "/mortgages", `{"principal": 1000, "yearly_rate_pct": "5", "months": 12, "idempotency_key": "d"}`, 400, "malformed_json"},
		{"a policy from yesterday", admin, "POST", "/price-policies", map[string]any{"effective_from": yesterday, "kind": "nav", "base_price": "100"}, 422, "policy_backdated"},
		{"an unknown policy", admin, "POST", "/price-policies", map[string]any{"effective_from": w.today.Format(time.DateOnly), "kind": "auction", "base_price": "100"}, 422, "invalid_policy_kind"},
		{"a member adopts a policy", member, "POST", "/price-policies", map[string]any{"effective_from": w.today.Format(time.DateOnly), "kind": "nav", "base_price": "100"}, 403, "forbidden"},
		{"no policy yet", member, "GET", "/share-price", nil, 403, "forbidden"},
	} {
		status, body := ts.call(t, tc.method, w.sitePath(tc.path), tc.token, tc.body)
		if status != tc.status || errorCode(body) != tc.code {
			t.Errorf("%s: %d %v, want %d %s", tc.name, status, body, tc.status, tc.code)
		}
	}
	if n := count(t, ts, "loans") + count(t, ts, "price_policies"); n != 0 {
		t.Errorf("refusals wrote %d rows", n)
	}
	status, st := ts.call(t, "GET", "/api/v1/equity/settings", member, nil)
	if status != 200 || st["loan_to_value_pct"] != "80" {
		t.Errorf("settings: %d %v", status, st)
	}
	if status, _ := ts.call(t, "PUT", "/api/v1/equity/settings", member, map[string]any{"loan_to_value_pct": "95"}); status != 403 {
		t.Errorf("a member changes the settings: %d", status)
	}
	if status, st := ts.call(t, "PUT", "/api/v1/equity/settings", admin, map[string]any{"loan_to_value_pct": "101"}); status != 422 || errorCode(st) != "invalid_percent" {
		t.Errorf("LTV of 101%%: %d %v", status, st)
	}
}

func TestChargesAPIRunsAMonthOnce(t *testing.T) {
	t.Parallel()
	w := newEquityWorld(t)
	ts := w.ts
	admin, chloe := ts.token(t, w.admin), ts.token(t, w.chloe)
	w.open(t)
	last := time.Date(w.today.Year(), w.today.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -1, 0).Format("2006-01")
	run := map[string]any{"month": last}
	status, r := ts.call(t, "POST", "/api/v1/charges/runs", admin, run)
	if status != 201 || r["posted"] != 1.0 || r["total"] != "1200.00" {
		t.Fatalf("first run: %d %v", status, r)
	}
	status, r = ts.call(t, "POST", "/api/v1/charges/runs", admin, run)
	if status != 200 || r["posted"] != 0.0 || r["skipped"] != 1.0 || !strings.Contains(r["message"].(string), "already charged") {
		t.Errorf("second run: %d %v", status, r)
	}
	thisMonth := w.today.Format("2006-01")
	if status, r := ts.call(t, "POST", "/api/v1/charges/runs", admin, map[string]any{"month": thisMonth}); status != 422 || errorCode(r) != "month_not_over" {
		t.Errorf("this month: %d %v", status, r)
	}
	if status, r := ts.call(t, "POST", "/api/v1/charges/runs", admin, map[string]any{"month": "2026-13"}); status != 422 || errorCode(r) != "invalid_month" {
		t.Errorf("month 13: %d %v", status, r)
	}
	if status, _ := ts.call(t, "POST", "/api/v1/charges/runs", chloe, run); status != 403 {
		t.Errorf("a member runs the charges: %d", status)
	}
	status, cs := ts.call(t, "GET", "/api/v1/charges/"+last, admin, nil)
	if status != 200 || len(cs["charges"].([]any)) != 1 {
		t.Fatalf("charges of %s: %d %v", last, status, cs)
	}
	c := cs["charges"].([]any)[0].(map[string]any)
	// 1200 − mortgage part (a third of 1610.46) − reserves 120.
	if c["total"] != "1200.00" || c["reserves"] != "120.00" || c["member_name"] != "Chloé Martin" {
		t.Errorf("charge: %v", c)
	}
	status, mine := ts.call(t, "GET", fmt.Sprintf("/api/v1/members/%d/charges", w.chloe.ID), chloe, nil)
	if status != 200 || len(mine["charges"].([]any)) != 1 {
		t.Errorf("Chloé's charges: %d %v", status, mine)
	}
	if status, _ := ts.call(t, "GET", "/api/v1/charges/"+last, chloe, nil); status != 403 {
		t.Errorf("a member reads everyone's charges: %d", status)
	}
}

// TestSharePoolHidesNeighboursCharges: a share pool, like its site, shows a
// resident the monthly charge of their own unit and of vacant ones, never
// what a neighbour pays; its coordinators and the treasurer see them all.
func TestSharePoolHidesNeighboursCharges(t *testing.T) {
	t.Parallel()
	w := newEquityWorld(t)
	ts := w.ts
	w.open(t)
	apptest.MustAddResidency(t, ts.DB, w.site, w.u2, w.ada.ID, "2026-01-01")
	if _, err := ts.DB.Exec(`UPDATE units SET monthly_charge = 1333.33 WHERE id = $1`, w.u3); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		who  app.Member
		want map[string]any // by unit, the charge shown (nil: left out)
	}{
		{w.ada, map[string]any{"H1": "1200", "H2": "1200", "H3": nil}},
		{w.chloe, map[string]any{"H1": "1200", "H2": nil, "H3": "1333.33"}},
		{w.coord, map[string]any{"H1": "1200", "H2": "1200", "H3": "1333.33"}},
		{w.admin, map[string]any{"H1": "1200", "H2": "1200", "H3": "1333.33"}},
	} {
		status, pool := ts.call(t, "GET", w.sitePath("/share-pool"), ts.token(t, tt.who), nil)
		if status != 200 {
			t.Fatalf("%s reads the pool: %d %v", tt.who.Name, status, pool)
		}
		units, _ := pool["units"].([]any)
		if len(units) != 3 {
			t.Fatalf("%s reads the pool: units %v", tt.who.Name, pool["units"])
		}
		for _, u := range units {
			u := u.(map[string]any)
			if got, want := u["monthly_charge"], tt.want[u["name"].(string)]; got != want {
				t.Errorf("%s reads the charge of %s: got %v, want %v", tt.who.Name, u["name"], got, want)
			}
		}
	}

	page := fmt.Sprintf("/equity/sites/%d", w.site)
	if _, body := signInPages(t, ts, w.ada).get(page); strings.Contains(body, "1333.33") {
		t.Errorf("the pool page shows ada what chloe pays")
	}
	if _, body := signInPages(t, ts, w.coord).get(page); !strings.Contains(body, "1333.33") {
		t.Errorf("the pool page does not show the coordinator what chloe pays")
	}
}
