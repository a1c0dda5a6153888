package web_test

import (
	"fmt"
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"hearth/app"
	"hearth/app/apptest"
)

var entryLocation = regexp.MustCompile(`^/ledger/entries/(\d+)$`)

// TestLedgerPagesFlow walks the treasurer's pages without JavaScript: open
// accounts, post a manual entry (refused first, then accepted, then sent
// again), read the chart, the statement, the journal, the CSV exports and
// the trial balance, and reverse the entry with a reason.
func TestLedgerPagesFlow(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	admin := signInPages(t, ts, apptest.MustCreateMember(t, ts.DB, "Tess Treasurer", app.RoleAdmin))

	for _, a := range []map[string]string{
		{"code": "assets:bank:operating", "type": "asset", "name": "Operating account", "non_negative": "1"},
		{"code": "income:charges", "type": "income"},
	} {
		status, _, loc := admin.post("/ledger/accounts", a)
		if status != 303 || loc != "/ledger/accounts/"+strings.ReplaceAll(a["code"], ":", "%3A") && loc != "/ledger/accounts/"+a["code"] {
			t.Fatalf("open %s: %d → %q", a["code"], status, loc)
		}
	}
	status, body, _ := admin.post("/ledger/accounts", map[string]string{"code": "Bank Account", "type": "asset"})
	if status != 422 || !strings.Contains(body, "lowercase words") || !strings.Contains(body, `value="Bank Account"`) {
		t.Errorf("bad account code: %d, want 422 with the message and the value kept", status)
	}

	status, body = admin.get("/ledger/entries/new")
	key := regexp.MustCompile(`name="idempotency_key" value="([^"]+)"`).FindStringSubmatch(body)
	if status != 200 || key == nil {
		t.Fatalf("new entry form: %d", status)
	}
	entry := map[string]string{
		"idempotency_key": key[1], "description": "May charge, unit E1", "effective_date": "2026-05-01",
		"account_0": "assets:bank:operating", "debit_0": "1180.00",
		"account_2": "income:charges", "credit_2": "1180.01",
	}
	status, body, _ = admin.post("/ledger/entries", entry)
	if status != 422 || !strings.Contains(body, "sum to") || !strings.Contains(body, `value="1180.01"`) {
		t.Errorf("unbalanced manual entry: %d, want 422 with the message and values kept", status)
	}
	entry["credit_2"] = "1180.005"
	status, body, _ = admin.post("/ledger/entries", entry)
	if status != 422 || !strings.Contains(body, "more than 2 decimal places") {
		t.Errorf("too precise: %d, want 422 next to the row", status)
	}
	entry["credit_2"] = "1180.00"
	status, _, loc := admin.post("/ledger/entries", entry)
	m := entryLocation.FindStringSubmatch(loc)
	if status != 303 || m == nil {
		t.Fatalf("post entry: %d → %q", status, loc)
	}
	id := m[1]
	// The same form sent again (a double click) posts nothing new.
	if _, _, again := admin.post("/ledger/entries", entry); again != loc {
		t.Errorf("form sent twice went to %q, want %q", again, loc)
	}
	if got, want := count(t, ts, "ledger_entries"), 1; got != want {
		t.Errorf("%d entries, want %d", got, want)
	}

	for _, c := range []struct{ path, want string }{
		{"/ledger", "1180.00"},
		{"/ledger", "never below zero"},
		{"/ledger/accounts/assets:bank:operating", "May charge, unit E1"},
		{"/ledger/accounts/assets:bank:operating?from=2026-05-02", "No postings in this period"},
		{"/ledger/accounts/income:charges", "1180.00&nbsp;Cr"},
		{"/ledger/entries?from=2026-05-01&to=2026-05-31", "#" + id},
		{"/ledger/entries/" + id, "Reverse entry #" + id},
		{"/ledger/trial-balance", "balanced"},
		{"/ledger/trial-balance?as_of=2026-04-30", "0.00 — balanced"},
	} {
		status, body := admin.get(c.path)
		if status != 200 || !strings.Contains(body, c.want) {
			t.Errorf("GET %s: %d, want 200 containing %q", c.path, status, c.want)
		}
	}
	status, csv := admin.get("/ledger/accounts/assets:bank:operating/statement.csv?from=2026-05-01")
	if want := "date,entry_id,description,debit,credit,balance\n2026-05-01," + id + ",\"May charge, unit E1\",1180.00,,1180.00\n"; status != 200 || csv != want {
		t.Errorf("statement CSV: %d %q, want %q", status, csv, want)
	}
	status, csv = admin.get("/ledger/entries.csv?from=2026-05-01&to=2026-05-31")
	if status != 200 || strings.Count(csv, "\n") != 3 || !strings.Contains(csv, id+",2026-05-01,") {
		t.Errorf("journal CSV: %d %q", status, csv)
	}

	status, body, _ = admin.post("/ledger/entries/"+id+"/reversal", map[string]string{"reason": "", "effective_date": "2026-05-03"})
	if status != 422 || !strings.Contains(body, "Say why") {
		t.Errorf("reversal without a reason: %d, want 422 asking for one", status)
	}
	status, _, loc = admin.post("/ledger/entries/"+id+"/reversal", map[string]string{"reason": "Unit E1 was vacant in May", "effective_date": "2026-05-03"})
	if status != 303 || !entryLocation.MatchString(loc) {
		t.Fatalf("reversal: %d → %q", status, loc)
	}
	if status, body := admin.get(loc); status != 200 || !strings.Contains(body, "Unit E1 was vacant in May") || !strings.Contains(body, "This entry reverses") {
		t.Errorf("reversal page: %d", status)
	}
	if _, body := admin.get("/ledger/entries/" + id); !strings.Contains(body, "Reversed by") || strings.Contains(body, "Reverse entry #") {
		t.Errorf("a reversed entry still offers its reversal")
	}
	if _, body := admin.get("/ledger/accounts/assets:bank:operating"); !strings.Contains(body, "0.00") {
		t.Errorf("bank after the reversal is not back to 0.00")
	}
}

// TestLedgerReadsAmountsAndDatesAlike sends the same mistakes in an
// entry's amount and effective date through the API and through the
// manual entry form: one parser for each (money.Parse, day.Parse, then the
// ledger's places), so each mistake gets one code and one message, on the
// API's error and beside the form's field alike.
func TestLedgerReadsAmountsAndDatesAlike(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	tess := apptest.MustCreateMember(t, ts.DB, "Tess Treasurer", app.RoleAdmin)
	token := ts.token(t, tess)
	mustLedgerAccounts(t, ts, token,
		map[string]any{"code": "assets:bank", "type": "asset"},
		map[string]any{"code": "income:charges", "type": "income"},
	)
	page := signInPages(t, ts, tess)
	for i, c := range []struct {
		amount, date, want string
	}{
		{"1e3", "2027-03-01", "invalid_amount"},
		{"--5", "2027-03-01", "invalid_amount"},
		{"12.345", "2027-03-01", "too_many_places"},
		{"12.34", "2027-02-30", "invalid_date"},
		{"12.34", "2027-2-3", "invalid_date"},
	} {
		key := fmt.Sprintf("same-%d", i)
		credit := "-" + strings.TrimPrefix(c.amount, "-")
		status, body := ts.call(t, "POST", "/api/v1/ledger/entries", token,
			ledgerEntry(key, c.date, [2]any{"assets:bank", c.amount}, [2]any{"income:charges", credit}))
		if got, want := fmt.Sprint(status, " ", errorCode(body)), "422 "+c.want; got != want {
			t.Errorf("API, amount %q on %s: %s, want %s", c.amount, c.date, got, want)
			continue
		}
		message := body["error"].(map[string]any)["message"].(string)
		status, form, _ := page.post("/ledger/entries", map[string]string{
			"idempotency_key": key, "description": "entry " + key, "effective_date": c.date,
			"account_0": "assets:bank", "debit_0": c.amount, "account_1": "income:charges", "credit_1": strings.TrimPrefix(c.amount, "-"),
		})
		if status != 422 || !strings.Contains(form, html.EscapeString(message)) {
			t.Errorf("page, amount %q on %s: %d, want 422 saying %q", c.amount, c.date, status, message)
		}
	}
	if got := count(t, ts, "ledger_entries"); got != 0 {
		t.Errorf("%d entries were posted", got)
	}
}

// TestLedgerPagesAreForTheTreasurer: a member (even a coordinator) opens no
// ledger page and posts no ledger form.
func TestLedgerPagesAreForTheTreasurer(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	m := apptest.MustCreateMember(t, ts.DB, "Ada", app.RoleMember)
	site := apptest.MustCreateSite(t, ts.DB, "Elm", "Europe/Berlin")
	apptest.MustMakeCoordinator(t, ts.DB, site.ID, m.ID)
	member := signInPages(t, ts, m)
	for _, path := range []string{"/ledger", "/ledger/accounts/assets:bank", "/ledger/accounts/assets:bank/statement.csv",
		"/ledger/entries", "/ledger/entries.csv", "/ledger/entries/new", "/ledger/entries/1", "/ledger/trial-balance"} {
		if status, _ := member.get(path); status != 403 {
			t.Errorf("member GET %s: %d, want 403", path, status)
		}
	}
	for _, path := range []string{"/ledger/accounts", "/ledger/entries", "/ledger/entries/1/reversal"} {
		if status, _, _ := member.post(path, map[string]string{"code": "assets:x", "type": "asset"}); status != 403 {
			t.Errorf("member POST %s: %d, want 403", path, status)
		}
	}
	if got := count(t, ts, "ledger_accounts"); got != 0 {
		t.Errorf("a member's form opened %d accounts", got)
	}
	if _, body := member.get("/"); strings.Contains(body, `href="/ledger"`) {
		t.Errorf("a member's menu links to the ledger")
	}
}

// TestBrowserTreasurerPostsAndReverses drives a real Chromium through the
// main flow: from the journal to a new manual entry, then its reversal.
func TestBrowserTreasurerPostsAndReverses(t *testing.T) {
	ts := newTestServer(t)
	treasurer := apptest.MustCreateMember(t, ts.DB, "Tess Treasurer", app.RoleAdmin)
	token := ts.token(t, treasurer)
	mustLedgerAccounts(t, ts, token,
		map[string]any{"code": "assets:bank:operating", "type": "asset"},
		map[string]any{"code": "expenses:repairs", "type": "expense"},
	)
	ctx := newBrowser(t)
	signInWithBrowser(t, ctx, ts, treasurer)
	err := chromedp.Do(ctx,
		chromedp.Click(`nav a[href="/ledger"]`),
		chromedp.WaitVisible(`#new-account`),
		chromedp.Click(`nav.subnav a[href="/ledger/entries/new"]`),
		chromedp.WaitVisible(`input[name=description]`),
		chromedp.SendKeys(`input[name=description]`, "Gutter repair"),
		chromedp.SetValue(`input[name=effective_date]`, "2026-06-10"),
		chromedp.SendKeys(`input[name=account_0]`, "expenses:repairs"),
		chromedp.SendKeys(`input[name=debit_0]`, "240.00"),
		chromedp.SendKeys(`input[name=account_1]`, "assets:bank:operating"),
		chromedp.SendKeys(`input[name=credit_1]`, "240.00"),
		chromedp.Click(`form[action="/ledger/entries"] button[type=submit]`),
		chromedp.WaitVisible(`#reverse`),
	)
	if err != nil {
		t.Fatalf("post a manual entry: %v", err)
	}
	if got := mustText(t, ctx, `p.flash`); !strings.Contains(got, "is posted") {
		t.Errorf("flash = %q", got)
	}
	// Take the posting's flash away, so that waiting for a flash waits for
	// the page the reversal leads to, not the one still showing.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('p.flash').remove(), true`)); err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx,
		chromedp.SendKeys(`#reverse textarea[name=reason]`, "Paid from the wrong account"),
		chromedp.SetValue(`#reverse input[name=effective_date]`, "2026-06-11"),
		chromedp.Click(`#reverse button[type=submit]`),
		chromedp.WaitVisible(`p.flash`),
	)
	if err != nil {
		t.Fatalf("reverse: %v", err)
	}
	if got := mustText(t, ctx, `main hgroup p`); !strings.Contains(got, "Paid from the wrong account") {
		t.Errorf("reversal description = %q", got)
	}
	var balance string
	if err := ts.DB.Get(&balance, `SELECT coalesce(sum(amount), 0)::text FROM ledger_postings`); err != nil || balance != "0.00" && balance != "0" {
		t.Errorf("postings sum to %s (%v)", balance, err)
	}
	if got, want := count(t, ts, "ledger_entries"), 2; got != want {
		t.Errorf("%d entries, want %d", got, want)
	}
}
