package web_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/shopspring/decimal"

	"hearth/app"
	"hearth/app/apptest"
	"hearth/finance/equity"
	"hearth/finance/ledger"
)

// moveWorld is Harbor House (50 a share) and Linden Yard (40 a share),
// limited equity at 0% from today, with their coordinators Grace and Hugo,
// the treasurer, Farid and Elena living at Harbor since January with 800
// shares each (40,000 paid in cash), Kemi living in Linden's L1, Liam with
// no home, and Linden's L4 and L5 free, each requiring 30,000.
type moveWorld struct {
	ts                                           *testServer
	harbor, linden, l1, l4, l5                   int64
	admin, grace, hugo, farid, elena, kemi, liam app.Member
	today                                        time.Time
}

func newMoveWorld(t *testing.T) *moveWorld {
	t.Helper()
	ts := newTestServer(t)
	db := ts.DB
	w := &moveWorld{ts: ts, today: equity.Day(time.Now())}
	member := func(name, role string) app.Member { return apptest.MustCreateMember(t, db, name, role) }
	w.admin, w.grace, w.hugo = member("Tamsin Reyes", app.RoleAdmin), member("Grace Kim", app.RoleMember), member("Hugo Schmidt", app.RoleMember)
	w.farid, w.elena, w.kemi, w.liam = member("Farid Haddad", app.RoleMember), member("Elena Rossi", app.RoleMember),
		member("Kemi Adeyemi", app.RoleMember), member("Liam O'Connor", app.RoleMember)
	w.harbor = apptest.MustCreateSite(t, db, "Harbor House", "UTC").ID
	w.linden = apptest.MustCreateSite(t, db, "Linden Yard", "UTC").ID
	apptest.MustMakeCoordinator(t, db, w.harbor, w.grace.ID)
	apptest.MustMakeCoordinator(t, db, w.linden, w.hugo.ID)
	h1 := apptest.MustCreateUnit(t, db, w.harbor, "H1", "1050.00")
	h2 := apptest.MustCreateUnit(t, db, w.harbor, "H2", "1050.00")
	w.l1 = apptest.MustCreateUnit(t, db, w.linden, "L1", "1240.00")
	w.l4 = apptest.MustCreateUnit(t, db, w.linden, "L4", "1240.00")
	w.l5 = apptest.MustCreateUnit(t, db, w.linden, "L5", "1240.00")
	if _, err := db.Exec(`UPDATE units SET required_equity = CASE WHEN site_id = $1 THEN 40000 ELSE 30000 END`, w.harbor); err != nil {
		t.Fatal(err)
	}
	apptest.MustAddResidency(t, db, w.harbor, h1, w.elena.ID, "2026-01-01")
	apptest.MustAddResidency(t, db, w.harbor, h2, w.farid.ID, "2026-01-01")
	apptest.MustAddResidency(t, db, w.linden, w.l1, w.kemi.ID, "2026-01-01")
	eq := equity.New(db, ledger.New(db, "USD"))
	zero := decimal.Zero
	err := app.InTx(context.Background(), db, func(tx *sqlx.Tx) error {
		for site, price := range map[int64]string{w.harbor: "50", w.linden: "40"} {
			if _, err := eq.SetPolicyTx(context.Background(), tx, equity.NewPolicy{SiteID: site, EffectiveFrom: w.today, Kind: equity.LimitedEquity,
				BasePrice: decimal.RequireFromString(price), YearlyRatePct: &zero}); err != nil {
				return err
			}
		}
		for _, m := range []app.Member{w.farid, w.elena} {
			amount := decimal.NewFromInt(40000)
			if _, err := eq.IssueSharesTx(context.Background(), tx, equity.IssueRequest{SiteID: w.harbor, MemberID: m.ID, Kind: equity.Issue,
				Amount: amount, Cash: amount, IdempotencyKey: fmt.Sprintf("shares-%d", m.ID)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *moveWorld) day(days int) string { return w.today.AddDate(0, 0, days).Format(time.DateOnly) }

// field digs a value out of a decoded JSON answer by its path.
func field(v any, path ...string) any {
	for _, k := range path {
		m, _ := v.(map[string]any)
		v = m[k]
	}
	return v
}

// TestMovesAPIFlow: Farid quotes a move to Linden's L5, asks for it, Hugo
// (Linden's coordinator) approves and completes it; each sees what they may.
func TestMovesAPIFlow(t *testing.T) {
	t.Parallel()
	w := newMoveWorld(t)
	ts := w.ts
	farid, elena, grace, hugo, admin := ts.token(t, w.farid), ts.token(t, w.elena), ts.token(t, w.grace), ts.token(t, w.hugo), ts.token(t, w.admin)

	status, q := ts.call(t, "GET", fmt.Sprintf("/api/v1/moves/quote?unit_id=%d&move_on=%s", w.l5, w.day(0)), farid, nil)
	if status != 200 {
		t.Fatalf("quote: %d %v", status, q)
	}
	// 800 × 50 = 40,000.00; fee 1% = 400.00; L5 requires 30,000.00 = 750 shares at 40; 9,600.00 paid out.
	for k, want := range map[string]string{"from_price": "50.000000", "shares_redeemed": "800.000000", "value_redeemed": "40000.00",
		"fee": "400.00", "to_price": "40.000000", "required_equity": "30000.00", "shares_issued": "750.000000", "difference": "9600.00",
		"payout": "9600.00", "cash_in": "0.00", "paydown": "0.00", "loan_increase": "0.00"} {
		if got := field(q, "figures", k); got != want {
			t.Errorf("quote %s = %v, want %s", k, got, want)
		}
	}
	if f, _ := field(q, "from_pricing", "formula").(string); f == "" {
		t.Errorf("the quote shows no formula for Harbor's price: %v", q["from_pricing"])
	}

	status, mv := ts.call(t, "POST", "/api/v1/moves", farid, map[string]any{"unit_id": w.l5, "move_on": w.day(0), "surplus": "payout",
		"shortfall": "cash", "from_price": "50.000000", "to_price": "40.000000", "idempotency_key": "farid-l5"})
	if status != 201 || mv["status"] != "requested" || field(mv, "quote", "figures", "payout") != "9600.00" {
		t.Fatalf("request: %d %v", status, mv)
	}
	id := int64(mv["id"].(float64))
	path := fmt.Sprintf("/api/v1/moves/%d", id)
	if status, again := ts.call(t, "POST", "/api/v1/moves", farid, map[string]any{"unit_id": w.l5, "move_on": w.day(0), "idempotency_key": "farid-l5"}); status != 200 || again["id"] != mv["id"] {
		t.Errorf("replayed request: %d %v", status, again)
	}

	// Who sees what: Farid and the treasurer the money; both coordinators
	// the move without it; Elena nothing.
	for _, c := range []struct {
		who, token string
		status     int
		money      bool
	}{{"Farid", farid, 200, true}, {"the treasurer", admin, 200, true}, {"Hugo", hugo, 200, false}, {"Grace", grace, 200, false}, {"Elena", elena, 404, false}} {
		status, body := ts.call(t, "GET", path, c.token, nil)
		if status != c.status || (body["quote"] != nil) != c.money {
			t.Errorf("%s reads the move: %d, quote shown %v; want %d, %v", c.who, status, body["quote"] != nil, c.status, c.money)
		}
	}
	if status, body := ts.call(t, "GET", path, farid, nil); field(body, "quote", "stale") != false {
		t.Errorf("fresh quote marked stale: %d %v", status, body["quote"])
	}
	status, list := ts.call(t, "GET", fmt.Sprintf("/api/v1/sites/%d/moves", w.linden), hugo, nil)
	if moves, _ := list["moves"].([]any); status != 200 || len(moves) != 1 || field(moves[0], "quote") != nil {
		t.Errorf("Linden's moves for Hugo: %d %v", status, list)
	}
	if status, _ := ts.call(t, "GET", fmt.Sprintf("/api/v1/sites/%d/moves", w.linden), grace, nil); status != 403 {
		t.Errorf("Grace lists Linden's moves: %d, want 403", status)
	}

	// Grace coordinates the site Farid leaves, not the one he moves to.
	if status, body := ts.call(t, "POST", path+"/approve", grace, nil); status != 403 {
		t.Errorf("Grace approves: %d %v, want 403", status, body)
	}
	if status, body := ts.call(t, "POST", path+"/complete", hugo, nil); status != 409 || errorCode(body) != "move_not_approved" {
		t.Errorf("complete before approval: %d %v", status, body)
	}
	if status, body := ts.call(t, "POST", path+"/approve", hugo, nil); status != 200 || body["status"] != "approved" || body["quote"] != nil {
		t.Fatalf("Hugo approves: %d %v", status, body)
	}
	status, done := ts.call(t, "POST", path+"/complete", hugo, nil)
	if status != 200 || done["status"] != "completed" {
		t.Fatalf("Hugo completes: %d %v", status, done)
	}
	status, done = ts.call(t, "GET", path, farid, nil)
	if status != 200 || field(done, "completion", "figures", "payout") != "9600.00" || field(done, "completion", "figures", "shares_issued") != "750.000000" {
		t.Errorf("the completed move for Farid: %d %v", status, done["completion"])
	}
	if status, again := ts.call(t, "POST", path+"/complete", hugo, nil); status != 200 || again["status"] != "completed" {
		t.Errorf("complete again: %d %v", status, again)
	}
	if status, me := ts.call(t, "GET", "/api/v1/me", farid, nil); status != 200 || field(me, "home", "site_name") != "Linden Yard" || field(me, "home", "unit_name") != "L5" {
		t.Errorf("Farid's home after the move: %d %v", status, me["home"])
	}
	status, eqs := ts.call(t, "GET", fmt.Sprintf("/api/v1/members/%d/equity", w.farid.ID), farid, nil)
	holdings, _ := eqs["holdings"].([]any)
	if status != 200 || len(holdings) != 1 || field(holdings[0], "site_name") != "Linden Yard" || field(holdings[0], "value") != "30000.00" {
		t.Errorf("Farid's equity after the move: %d %v", status, eqs["holdings"])
	}
	if status, tb := ts.call(t, "GET", "/api/v1/ledger/trial-balance", admin, nil); status != 200 || tb["total"] != "0.00" {
		t.Errorf("trial balance: %d %v", status, tb["total"])
	}
	if status, body := ts.call(t, "POST", path+"/withdraw", farid, nil); status != 409 || errorCode(body) != "move_closed" {
		t.Errorf("withdraw a completed move: %d %v", status, body)
	}
}

// TestMovesAPIRefusals: bad requests get clear errors and write nothing.
func TestMovesAPIRefusals(t *testing.T) {
	t.Parallel()
	w := newMoveWorld(t)
	ts := w.ts
	farid, liam, hugo := ts.token(t, w.farid), ts.token(t, w.liam), ts.token(t, w.hugo)
	var h3 int64
	if err := ts.DB.Get(&h3, `INSERT INTO units (site_id, name, required_equity) VALUES ($1, 'H3', 10000) RETURNING id`, w.harbor); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name   string
		token  string
		body   any
		status int
		code   string
	}{
		{"an occupied unit", farid, map[string]any{"unit_id": w.l1, "move_on": w.day(0)}, 409, "unit_taken"},
		{"the site one lives at", farid, map[string]any{"unit_id": h3, "move_on": w.day(0)}, 422, "same_site"},
		{"someone who lives nowhere", liam, map[string]any{"unit_id": w.l5, "move_on": w.day(0)}, 422, "no_home"},
		{"a day in the past", farid, map[string]any{"unit_id": w.l5, "move_on": w.day(-1)}, 422, "move_date_in_past"},
		{"a day too far ahead", farid, map[string]any{"unit_id": w.l5, "move_on": w.day(181)}, 422, "move_date_too_far"},
		{"a stale price", farid, map[string]any{"unit_id": w.l5, "move_on": w.day(0), "from_price": "49.000000"}, 409, "stale_quote"},
		{"a malformed date", farid, map[string]any{"unit_id": w.l5, "move_on": "next week"}, 422, "invalid_date"},
		{"an unknown choice", farid, map[string]any{"unit_id": w.l5, "move_on": w.day(0), "shortfall": "barter"}, 422, "invalid_shortfall_choice"},
		{"no such unit", farid, map[string]any{"unit_id": 999999, "move_on": w.day(0)}, 404, "unit_not_found"},
		{"a number for a price", farid, `{"unit_id": 1, "move_on": "2027-01-01", "from_price": 50}`, 400, "malformed_json"},
	} {
		status, body := ts.call(t, "POST", "/api/v1/moves", c.token, c.body)
		if status != c.status || errorCode(body) != c.code {
			t.Errorf("%s: %d %s, want %d %s", c.name, status, errorCode(body), c.status, c.code)
		}
	}
	// A unit asking 39,000 leaves Farid 600 over: no loan, asked and withdrawn.
	if _, err := ts.DB.Exec(`UPDATE units SET required_equity = 39000 WHERE id = $1`, w.l4); err != nil {
		t.Fatal(err)
	}
	if status, body := ts.call(t, "POST", "/api/v1/moves", farid, map[string]any{"unit_id": w.l4, "move_on": w.day(0), "shortfall": "loan"}); status != 201 {
		t.Fatalf("a move within the limit: %d %v", status, body)
	} else if status, body := ts.call(t, "POST", fmt.Sprintf("/api/v1/moves/%v/withdraw", body["id"]), farid, nil); status != 200 || body["status"] != "withdrawn" {
		t.Errorf("withdraw: %d %v", status, body)
	}
	if _, err := ts.DB.Exec(`UPDATE units SET required_equity = 60000 WHERE id = $1`, w.l4); err != nil {
		t.Fatal(err)
	}
	// Asking 60,000, it leaves him 20,400 short; lent against shares worth
	// 60,000 that is beyond a loan-to-value limit of 30% (18,000).
	if _, err := ts.DB.Exec(`UPDATE equity_settings SET loan_to_value_pct = 30`); err != nil {
		t.Fatal(err)
	}
	status, body := ts.call(t, "POST", "/api/v1/moves", farid, map[string]any{"unit_id": w.l4, "move_on": w.day(0), "shortfall": "loan"})
	if status != 422 || errorCode(body) != "beyond_loan_to_value" {
		t.Errorf("beyond the loan-to-value limit: %d %v", status, body)
	}
	status, q := ts.call(t, "GET", fmt.Sprintf("/api/v1/moves/quote?unit_id=%d&shortfall=loan", w.l4), farid, nil)
	if status != 200 || field(q, "share_loan", "within_limit") != false || field(q, "share_loan", "after") != "20400.00" || field(q, "share_loan", "limit") != "18000.00" {
		t.Errorf("quote beyond the limit: %d %v", status, q["share_loan"])
	}
	for table, want := range map[string]int{"move_completions": 0, "share_events": 2, "loans": 0} {
		if got := count(t, ts, table); got != want {
			t.Errorf("%s has %d rows, want %d", table, got, want)
		}
	}
	status, list := ts.call(t, "GET", "/api/v1/moves", farid, nil)
	if moves, _ := list["moves"].([]any); status != 200 || len(moves) != 1 || field(moves[0], "status") != "withdrawn" {
		t.Errorf("Farid's moves: %d %v", status, list)
	}
	if status, body := ts.call(t, "POST", "/api/v1/moves/999999/approve", hugo, nil); status != 404 || errorCode(body) != "move_not_found" {
		t.Errorf("approve no such move: %d %v", status, body)
	}
}

// TestMovesAPIRace: Farid and Elena both have an approved move into L5; 20
// completions race, ten each: Farid's or Elena's move completes (its ten
// answers are the same completion) and the other's ten are told the unit
// is taken, having written nothing.
func TestMovesAPIRace(t *testing.T) {
	t.Parallel()
	w := newMoveWorld(t)
	ts := w.ts
	hugo := ts.token(t, w.hugo)
	var paths []string
	for _, m := range []app.Member{w.farid, w.elena} {
		status, mv := ts.call(t, "POST", "/api/v1/moves", ts.token(t, m), map[string]any{"unit_id": w.l5, "move_on": w.day(0)})
		if status != 201 {
			t.Fatalf("request: %d %v", status, mv)
		}
		path := fmt.Sprintf("/api/v1/moves/%v", mv["id"])
		if status, body := ts.call(t, "POST", path+"/approve", hugo, nil); status != 200 {
			t.Fatalf("approve: %d %v", status, body)
		}
		paths = append(paths, path)
	}
	type answer struct {
		status    int
		code      string
		residency any
	}
	answers := make([][]answer, 2)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func(who int) {
			defer wg.Done()
			status, body := ts.call(t, "POST", paths[who]+"/complete", hugo, nil)
			mu.Lock()
			defer mu.Unlock()
			answers[who] = append(answers[who], answer{status, errorCode(body), field(body, "completion", "started_residency_id")})
		}(i % 2)
	}
	wg.Wait()
	winners := 0
	for who, as := range answers {
		if as[0].status == 200 {
			winners++
		}
		for _, a := range as {
			if a.status != as[0].status || a.code != as[0].code || fmt.Sprint(a.residency) != fmt.Sprint(as[0].residency) {
				t.Errorf("mover %d: answers differ: %+v and %+v", who, a, as[0])
			}
			if a.status != 200 && (a.status != 409 || a.code != "unit_taken") {
				t.Errorf("mover %d: %d %s, want 200 or 409 unit_taken", who, a.status, a.code)
			}
		}
	}
	if winners != 1 {
		t.Errorf("%d moves completed, want exactly 1", winners)
	}
	for table, want := range map[string]int{"move_completions": 1, "unit_vacancies": 1} {
		if got := count(t, ts, table); got != want {
			t.Errorf("%s has %d rows, want %d", table, got, want)
		}
	}
	var moveEvents int
	if err := ts.DB.Get(&moveEvents, `SELECT count(*) FROM share_events WHERE kind IN ('move_out', 'move_in')`); err != nil || moveEvents != 2 {
		t.Errorf("%d move share events (%v), want the winner's 2", moveEvents, err)
	}
}

// TestMovesAPIConfirmAfterChange: after Elena's request is approved, L4's
// required equity rises; completing at the old figures is refused with
// stale_quote until Elena confirms today's.
func TestMovesAPIConfirmAfterChange(t *testing.T) {
	t.Parallel()
	w := newMoveWorld(t)
	ts := w.ts
	elena, hugo := ts.token(t, w.elena), ts.token(t, w.hugo)
	status, mv := ts.call(t, "POST", "/api/v1/moves", elena, map[string]any{"unit_id": w.l4, "move_on": w.day(0)})
	if status != 201 {
		t.Fatalf("request: %d %v", status, mv)
	}
	path := fmt.Sprintf("/api/v1/moves/%v", mv["id"])
	if status, body := ts.call(t, "POST", path+"/approve", hugo, nil); status != 200 {
		t.Fatalf("approve: %d %v", status, body)
	}
	if _, err := ts.DB.Exec(`UPDATE units SET required_equity = 32000 WHERE id = $1`, w.l4); err != nil {
		t.Fatal(err)
	}
	if status, body := ts.call(t, "POST", path+"/complete", hugo, nil); status != 409 || errorCode(body) != "stale_quote" {
		t.Fatalf("complete at the old figures: %d %v", status, body)
	}
	if n := count(t, ts, "move_completions"); n != 0 {
		t.Errorf("a stale completion wrote %d completions", n)
	}
	if status, body := ts.call(t, "GET", path, elena, nil); status != 200 || field(body, "quote", "stale") != true {
		t.Errorf("the stale quote for Elena: %d %v", status, body["quote"])
	}
	if status, body := ts.call(t, "POST", path+"/confirm", hugo, map[string]any{}); status != 403 {
		t.Errorf("Hugo confirms for Elena: %d %v, want 403", status, body)
	}
	status, confirmed := ts.call(t, "POST", path+"/confirm", elena, map[string]any{"from_price": "50.000000", "to_price": "40.000000"})
	if status != 200 || confirmed["status"] != "approved" || field(confirmed, "quote", "figures", "payout") != "7600.00" {
		t.Fatalf("confirm: %d %v; want still approved, 39,600 − 32,000 = 7,600 paid out", status, confirmed)
	}
	if status, done := ts.call(t, "POST", path+"/complete", hugo, nil); status != 200 || done["status"] != "completed" {
		t.Errorf("complete after confirming: %d %v", status, done)
	}
}
