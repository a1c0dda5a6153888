package web_test

import (
	"fmt"
	"sync"
	"testing"

	"hearth/app"
	"hearth/app/apptest"
)

// ledgerEntry builds the body of POST /api/v1/ledger/entries.
func ledgerEntry(key, date string, postings ...[2]any) map[string]any {
	ps := []map[string]any{}
	for _, p := range postings {
		ps = append(ps, map[string]any{"account": p[0], "amount": p[1]})
	}
	return map[string]any{"idempotency_key": key, "description": "entry " + key, "effective_date": date, "postings": ps}
}

// mustLedgerAccounts creates accounts through the API.
func mustLedgerAccounts(t *testing.T, ts *testServer, token string, accounts ...map[string]any) {
	t.Helper()
	for _, a := range accounts {
		if status, body := ts.call(t, "POST", "/api/v1/ledger/accounts", token, a); status != 201 {
			t.Fatalf("create account %v: %d %v", a, status, body)
		}
	}
}

func TestLedgerAPIPostEntries(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	admin := ts.token(t, apptest.MustCreateMember(t, ts.DB, "Treasurer", app.RoleAdmin))
	mustLedgerAccounts(t, ts, admin,
		map[string]any{"code": "assets:bank:operating", "type": "asset", "non_negative": true},
		map[string]any{"code": "income:charges", "type": "income"},
	)
	status, body := ts.call(t, "POST", "/api/v1/ledger/accounts", admin, map[string]any{"code": "assets:bank:operating", "type": "asset"})
	if got, want := fmt.Sprint(status, " ", errorCode(body)), "409 account_exists"; got != want {
		t.Errorf("duplicate account: %s, want %s", got, want)
	}

	charge := ledgerEntry("charge-1", "2026-11-24", [2]any{"assets:bank:operating", "100.00"}, [2]any{"income:charges", "-100.00"})
	status, body = ts.call(t, "POST", "/api/v1/ledger/entries", admin, charge)
	if status != 201 {
		t.Fatalf("post: %d %v", status, body)
	}
	id := body["id"]
	status, body = ts.call(t, "POST", "/api/v1/ledger/entries", admin, charge)
	if got, want := fmt.Sprint(status, " ", body["id"]), fmt.Sprint(200, " ", id); got != want {
		t.Errorf("replay: %s, want %s", got, want)
	}
	other := ledgerEntry("charge-1", "2026-11-24", [2]any{"assets:bank:operating", "101.00"}, [2]any{"income:charges", "-101.00"})
	status, body = ts.call(t, "POST", "/api/v1/ledger/entries", admin, other)
	if got, want := fmt.Sprint(status, " ", errorCode(body)), "409 idempotency_key_reused"; got != want {
		t.Errorf("reused key: %s, want %s", got, want)
	}

	bad := []struct {
		name string
		body any
		want string
	}{
		{"unbalanced", ledgerEntry("b1", "2026-11-24", [2]any{"assets:bank:operating", "100.00"}, [2]any{"income:charges", "-99.99"}), "422 unbalanced_entry"},
		{"unknown account", ledgerEntry("b2", "2026-11-24", [2]any{"assets:bank:operating", "1.00"}, [2]any{"income:nothing", "-1.00"}), "422 unknown_account"},
		{"one posting", ledgerEntry("b3", "2026-11-24", [2]any{"assets:bank:operating", "0.00"}), "422 too_few_postings"},
		{"no postings", ledgerEntry("b4", "2026-11-24"), "422 too_few_postings"},
		{"number amount", ledgerEntry("b5", "2026-11-24", [2]any{"assets:bank:operating", 1.5}, [2]any{"income:charges", "-1.50"}), "422 invalid_amount"},
		{"exponent", ledgerEntry("b6", "2026-11-24", [2]any{"assets:bank:operating", "1e2"}, [2]any{"income:charges", "-100"}), "422 invalid_amount"},
		{"NaN", ledgerEntry("b7", "2026-11-24", [2]any{"assets:bank:operating", "NaN"}, [2]any{"income:charges", "NaN"}), "422 invalid_amount"},
		{"three places", ledgerEntry("b8", "2026-11-24", [2]any{"assets:bank:operating", "1.005"}, [2]any{"income:charges", "-1.005"}), "422 too_many_places"},
		{"huge", ledgerEntry("b9", "2026-11-24", [2]any{"assets:bank:operating", "99999999999999999999"}, [2]any{"income:charges", "-99999999999999999999"}), "422 amount_too_large"},
		{"no such day", ledgerEntry("b10", "2026-02-30", [2]any{"assets:bank:operating", "1.00"}, [2]any{"income:charges", "-1.00"}), "422 invalid_date"},
		{"overdraft", ledgerEntry("b11", "2026-11-25", [2]any{"assets:bank:operating", "-100.01"}, [2]any{"income:charges", "100.01"}), "422 insufficient_funds"},
		{"date as number", `{"idempotency_key":"b12","description":"x","effective_date":20261124,"postings":[]}`, "400 malformed_json"},
		{"unknown field", `{"idempotency_key":"b13","description":"x","effective_date":"2026-11-24","postings":[],"currency":"EUR"}`, "400 malformed_json"},
		{"not JSON", `{"idempotency_key":`, "400 malformed_json"},
	}
	for _, c := range bad {
		status, body := ts.call(t, "POST", "/api/v1/ledger/entries", admin, c.body)
		if got := fmt.Sprint(status, " ", errorCode(body)); got != c.want {
			t.Errorf("%s: %s, want %s (%v)", c.name, got, c.want, body)
		}
	}

	status, body = ts.call(t, "GET", "/api/v1/ledger/trial-balance", admin, nil)
	if status != 200 || body["total"] != "0.00" || len(body["accounts"].([]any)) != 2 {
		t.Errorf("trial balance: %d %v", status, body)
	}
	status, body = ts.call(t, "GET", "/api/v1/ledger/accounts/assets:bank:operating", admin, nil)
	if got, want := fmt.Sprint(status, " ", body["code"], " ", body["type"], " ", body["balance"]), "200 assets:bank:operating asset 100.00"; got != want {
		t.Errorf("account: %s, want %s", got, want)
	}
	status, body = ts.call(t, "GET", "/api/v1/ledger/accounts/income%3Acharges?as_of=2026-11-23", admin, nil)
	if got, want := fmt.Sprint(status, " ", body["balance"]), "200 0.00"; got != want {
		t.Errorf("balance as of the day before: %s, want %s", got, want)
	}
	status, body = ts.call(t, "GET", "/api/v1/ledger/accounts/income:charges?as_of=2026-11-31", admin, nil)
	if got, want := fmt.Sprint(status, " ", errorCode(body)), "422 invalid_date"; got != want {
		t.Errorf("bad as_of: %s, want %s", got, want)
	}
	status, _ = ts.call(t, "GET", "/api/v1/ledger/accounts/income:nothing", admin, nil)
	if status != 404 {
		t.Errorf("missing account: %d, want 404", status)
	}
}

func TestLedgerAPIReadsAndReversal(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	admin := ts.token(t, apptest.MustCreateMember(t, ts.DB, "Treasurer", app.RoleAdmin))
	mustLedgerAccounts(t, ts, admin,
		map[string]any{"code": "assets:bank", "type": "asset", "name": "Operating account"},
		map[string]any{"code": "income:charges", "type": "income"},
	)
	for i, day := range []string{"2026-01-05", "2026-02-05", "2026-03-05"} {
		e := ledgerEntry(fmt.Sprintf("c%d", i), day, [2]any{"assets:bank", "250.00"}, [2]any{"income:charges", "-250.00"})
		e["metadata"] = map[string]string{"unit": "A1"}
		if status, body := ts.call(t, "POST", "/api/v1/ledger/entries", admin, e); status != 201 {
			t.Fatalf("post: %d %v", status, body)
		}
	}
	status, body := ts.call(t, "GET", "/api/v1/ledger/entries?from=2026-02-01&limit=1", admin, nil)
	entries, _ := body["entries"].([]any)
	if status != 200 || len(entries) != 1 || body["next_after"] == nil {
		t.Fatalf("entries: %d %v", status, body)
	}
	first := entries[0].(map[string]any)
	if got, want := fmt.Sprint(first["effective_date"], " ", first["metadata"]), "2026-02-05 map[unit:A1]"; got != want {
		t.Errorf("first entry of February: %s, want %s", got, want)
	}
	id := int64(first["id"].(float64))

	status, body = ts.call(t, "GET", "/api/v1/ledger/accounts/assets:bank/statement?from=2026-02-01", admin, nil)
	lines, _ := body["lines"].([]any)
	if status != 200 || body["opening"] != "250.00" || body["closing"] != "750.00" || len(lines) != 2 {
		t.Fatalf("statement: %d %v", status, body)
	}
	if got, want := lines[1].(map[string]any)["balance"], "750.00"; got != want {
		t.Errorf("running balance: %v, want %v", got, want)
	}

	status, body = ts.call(t, "POST", fmt.Sprintf("/api/v1/ledger/entries/%d/reversal", id), admin, map[string]any{"reason": "Charged in error", "effective_date": "2026-02-06"})
	if status != 201 {
		t.Fatalf("reversal: %d %v", status, body)
	}
	rev := body["id"]
	status, body = ts.call(t, "POST", fmt.Sprintf("/api/v1/ledger/entries/%d/reversal", id), admin, map[string]any{"reason": "Charged in error", "effective_date": "2026-02-06"})
	if got, want := fmt.Sprint(status, " ", body["id"]), fmt.Sprint(200, " ", rev); got != want {
		t.Errorf("reversal replay: %s, want %s", got, want)
	}
	status, body = ts.call(t, "POST", fmt.Sprintf("/api/v1/ledger/entries/%d/reversal", id), admin, map[string]any{"reason": "Again"})
	if got, want := fmt.Sprint(status, " ", errorCode(body)), "409 already_reversed"; got != want {
		t.Errorf("second reversal: %s, want %s", got, want)
	}
	status, body = ts.call(t, "GET", fmt.Sprintf("/api/v1/ledger/entries/%d", id), admin, nil)
	if got, want := fmt.Sprint(status, " ", body["reversed_by_entry_id"]), fmt.Sprint(200, " ", rev); got != want {
		t.Errorf("reversed entry: %s, want %s", got, want)
	}
	status, body = ts.call(t, "GET", "/api/v1/ledger/accounts", admin, nil)
	accounts, _ := body["accounts"].([]any)
	if status != 200 || len(accounts) != 2 || accounts[0].(map[string]any)["balance"] != "500.00" {
		t.Errorf("accounts: %d %v", status, body)
	}
	status, body = ts.call(t, "GET", "/api/v1/ledger/trial-balance?as_of=2026-02-05", admin, nil)
	if status != 200 || body["total"] != "0.00" || body["debits"] != "500.00" {
		t.Errorf("trial balance as of 5 February: %d %v", status, body)
	}
}

// TestLedgerAPIIsForTheTreasurer: members, coordinators included, see no
// ledger route, and anonymous callers are asked to sign in.
func TestLedgerAPIIsForTheTreasurer(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	m := apptest.MustCreateMember(t, ts.DB, "Ada", app.RoleMember)
	site := apptest.MustCreateSite(t, ts.DB, "Elm", "Europe/Berlin")
	apptest.MustMakeCoordinator(t, ts.DB, site.ID, m.ID)
	member := ts.token(t, m)
	for _, r := range []struct {
		method, path string
		body         any
	}{
		{"GET", "/api/v1/ledger/accounts", nil},
		{"POST", "/api/v1/ledger/accounts", map[string]any{"code": "assets:x", "type": "asset"}},
		{"GET", "/api/v1/ledger/accounts/assets:x", nil},
		{"GET", "/api/v1/ledger/accounts/assets:x/statement", nil},
		{"GET", "/api/v1/ledger/entries", nil},
		{"POST", "/api/v1/ledger/entries", ledgerEntry("k", "2026-01-01")},
		{"GET", "/api/v1/ledger/entries/1", nil},
		{"POST", "/api/v1/ledger/entries/1/reversal", map[string]any{"reason": "x"}},
		{"GET", "/api/v1/ledger/trial-balance", nil},
	} {
		if status, _ := ts.call(t, r.method, r.path, member, r.body); status != 403 {
			t.Errorf("member %s %s: %d, want 403", r.method, r.path, status)
		}
		if status, _ := ts.call(t, r.method, r.path, "", r.body); status != 401 {
			t.Errorf("anonymous %s %s: %d, want 401", r.method, r.path, status)
		}
	}
}

// TestLedgerAPIReplaysRace sends the same entry 20 times at once: one
// answer is 201, the others 200 with the same id, and one entry exists.
func TestLedgerAPIReplaysRace(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	admin := ts.token(t, apptest.MustCreateMember(t, ts.DB, "Treasurer", app.RoleAdmin))
	mustLedgerAccounts(t, ts, admin,
		map[string]any{"code": "assets:bank", "type": "asset"},
		map[string]any{"code": "income:charges", "type": "income"},
	)
	entry := ledgerEntry("payment-77", "2026-11-24", [2]any{"assets:bank", "640.00"}, [2]any{"income:charges", "-640.00"})
	const n = 20
	statuses := make([]int, n)
	ids := make([]any, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var body map[string]any
			statuses[i], body = ts.call(t, "POST", "/api/v1/ledger/entries", admin, entry)
			ids[i] = body["id"]
		}()
	}
	wg.Wait()
	created := 0
	for i := range n {
		switch {
		case statuses[i] == 201:
			created++
		case statuses[i] != 200:
			t.Errorf("post %d: status %d", i, statuses[i])
		}
		if ids[i] != ids[0] {
			t.Errorf("post %d got id %v, post 0 got %v", i, ids[i], ids[0])
		}
	}
	if created != 1 {
		t.Errorf("%d posts answered 201, want 1", created)
	}
	if got := count(t, ts, "ledger_entries"); got != 1 {
		t.Errorf("%d entries stored, want 1", got)
	}
}
