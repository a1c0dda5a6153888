package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestEquityPagesFlow walks the equity pages without JavaScript: the
// coordinator admits Ada, whose first try asks for too big a loan; Ada sees
// her statement with its chart, CSV and printable form; Ben may not see it;
// the treasurer charges last month twice and sees it charged once.
func TestEquityPagesFlow(t *testing.T) {
	t.Parallel()
	w := newEquityWorld(t)
	ts := w.ts
	w.open(t)
	coord := signInPages(t, ts, w.coord)
	admitPath := fmt.Sprintf("/equity/sites/%d/admit", w.site)
	status, body := coord.get(admitPath)
	if status != 200 || !strings.Contains(body, "100.000000") || !strings.Contains(body, "H1") || !strings.Contains(body, "32000.00") {
		t.Fatalf("admit page: %d", status)
	}
	form := map[string]string{"unit_id": fmt.Sprint(w.u1), "member_id": fmt.Sprint(w.ada.ID), "date": w.today.Format(time.DateOnly),
		"cash": "5000.00", "loan": "35000.00", "quoted_price": "100.000000", "idempotency_key": "page-ada"}
	status, body, _ = coord.post(admitPath, form)
	if status != 422 || !strings.Contains(body, "the credit union lends at most 32000.00") || !strings.Contains(body, `value="35000.00"`) {
		t.Errorf("loan beyond the limit: %d, want 422 with the message beside the kept values", status)
	}
	form["cash"], form["loan"] = "10000.00", "30000.00"
	status, _, to := coord.post(admitPath, form)
	if status != 303 || to != admitPath {
		t.Fatalf("admission: %d → %q", status, to)
	}
	if _, body := coord.get(admitPath); !strings.Contains(body, "Welcome!") || !strings.Contains(body, "Ada Okafor") {
		t.Errorf("after the admission the page does not greet Ada")
	}

	ada := signInPages(t, ts, w.ada)
	status, body = ada.get("/equity")
	if status != 200 || !strings.Contains(body, "400.000000") || !strings.Contains(body, "10000.00") || !strings.Contains(body, "<svg") {
		t.Errorf("Ada's statement: %d; want her shares, net equity and the chart", status)
	}
	res, err := ada.c.Get(ts.URL + "/equity/statement.csv")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
		t.Errorf("CSV: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if status, body := ada.get("/equity/print"); status != 200 || !strings.Contains(body, "Equity statement of Ada Okafor") {
		t.Errorf("printable statement: %d", status)
	}
	if status, body := ada.get(fmt.Sprintf("/equity/sites/%d", w.site)); status != 200 || !strings.Contains(body, "(appraisal − site debt − reserves)") && !strings.Contains(body, "opening price") {
		t.Errorf("Ada's pool page: %d", status)
	}

	ben := signInPages(t, ts, w.ben)
	if status, _ := ben.get(fmt.Sprintf("/equity/members/%d", w.ada.ID)); status != http.StatusForbidden {
		t.Errorf("Ben opens Ada's statement: %d, want 403", status)
	}
	if status, _ := ben.get(fmt.Sprintf("/equity/sites/%d", w.site)); status != http.StatusForbidden {
		t.Errorf("Ben opens a pool he has nothing in: %d, want 403", status)
	}

	admin := signInPages(t, ts, w.admin)
	last := time.Date(w.today.Year(), w.today.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -1, 0).Format("2006-01")
	for range 2 {
		status, _, to := admin.post("/charges/runs", map[string]string{"month": last})
		if status != 303 || to != "/charges/"+last {
			t.Fatalf("charge run: %d → %q", status, to)
		}
	}
	status, body = admin.get("/charges/" + last)
	if status != 200 || strings.Count(body, "Chloé Martin") != 1 || !strings.Contains(body, "already charged") {
		t.Errorf("the month's page after two runs: %d; want Chloé charged once and the second run reported", status)
	}
	status, body, _ = admin.post("/charges/runs", map[string]string{"month": w.today.Format("2006-01")})
	if status != 422 || !strings.Contains(body, "can be charged from its last day") {
		t.Errorf("this month: %d, want 422 with the reason", status)
	}
	status, body, _ = admin.post(fmt.Sprintf("/equity/sites/%d/policies", w.site), map[string]string{
		"kind": "nav", "effective_from": w.today.AddDate(0, 0, -1).Format(time.DateOnly), "base_price": "1"})
	if status != 422 || !strings.Contains(body, "Prices of past days never change") {
		t.Errorf("a backdated policy: %d, want 422 with the message", status)
	}
	if status, body := admin.get(fmt.Sprintf("/equity/members/%d", w.ada.ID)); status != 200 || !strings.Contains(body, "Equity of Ada Okafor") {
		t.Errorf("the treasurer opens Ada's statement: %d", status)
	}
	if status, body := admin.get("/equity/members"); status != 200 || !strings.Contains(body, "Harbor House") {
		t.Errorf("members' equity: %d", status)
	}
}

// TestBrowserCoordinatorAdmitsMember drives Chromium through the main flow
// of the area: the coordinator picks a free unit and a member, splits the
// buy-in between cash and a share loan, and the new member's statement shows
// their shares.
func TestBrowserCoordinatorAdmitsMember(t *testing.T) {
	t.Parallel()
	w := newEquityWorld(t)
	w.open(t)
	ctx := newBrowser(t)
	signInWithBrowser(t, ctx, w.ts, w.coord)
	err := chromedp.Do(ctx,
		chromedp.Navigate(fmt.Sprintf("%s/equity/sites/%d/admit", w.ts.URL, w.site)),
		chromedp.WaitVisible(`select[name=unit_id]`),
		chromedp.SetValue(`select[name=unit_id]`, fmt.Sprint(w.u2)),
		chromedp.SetValue(`select[name=member_id]`, fmt.Sprint(w.ben.ID)),
		chromedp.SetValue(`input[name=cash]`, "12000.00"),
		chromedp.SetValue(`input[name=loan]`, "28000.00"),
		chromedp.Click(`form[action$="/admit"] button[type=submit]`),
		chromedp.WaitVisible(`p.flash`),
	)
	if err != nil {
		t.Fatal(err)
	}
	if got := mustText(t, ctx, `p.flash`); !strings.Contains(got, "400.000000 shares at 100.000000") {
		t.Errorf("flash = %q", got)
	}
	var n int
	if err := w.ts.DB.Get(&n, `SELECT count(*) FROM share_events WHERE member_id = $1`, w.ben.ID); err != nil || n != 1 {
		t.Errorf("Ben's share events: %d (%v), want 1", n, err)
	}
}
