package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestMovePagesFlow walks the move pages without JavaScript: Farid sees the
// free units with what his equity buys, reads the quote, asks at a price
// that is no longer today's and is shown the new figures, then asks; Hugo
// finds the request, sees no money, refuses an overlong reason, approves
// and completes it; Farid's home is then Linden Yard.
func TestMovePagesFlow(t *testing.T) {
	t.Parallel()
	w := newMoveWorld(t)
	farid, hugo, elena := signInPages(t, w.ts, w.farid), signInPages(t, w.ts, w.hugo), signInPages(t, w.ts, w.elena)

	status, body := farid.get("/moves")
	if status != 200 || !strings.Contains(body, fmt.Sprintf("/moves/new?unit_id=%d", w.l5)) || !strings.Contains(body, "39600.00") ||
		!strings.Contains(body, "9600.00 over") {
		t.Fatalf("moves page: %d, want L5 with 40,000 − 400 = 39,600 carried and 9,600 over", status)
	}
	status, body = farid.get(fmt.Sprintf("/moves/new?unit_id=%d&move_on=%s&surplus=paydown", w.l5, w.day(0)))
	for _, want := range []string{"Transfer fee", "800.000000 shares × 50.000000", "40000.00", "−400.00", "750.000000 shares at 40.000000",
		"9600.00", "Paid out to you", "base price × (1 &#43; yearly rate)^years", "You have no share loan"} {
		if !strings.Contains(body, want) {
			t.Errorf("quote page (%d) does not show %q", status, want)
		}
	}

	ask := map[string]string{"unit_id": fmt.Sprint(w.l5), "move_on": w.day(0), "surplus": "payout", "shortfall": "cash",
		"from_price": "49.5", "to_price": "40", "idempotency_key": "farid-form"}
	status, body, _ = farid.post("/moves", ask)
	if status != 422 || !strings.Contains(body, "The share price changed since you saw the quote") || !strings.Contains(body, `name="from_price" value="50"`) {
		t.Errorf("asking at a stale price: %d, want 422 with the message and today's figures", status)
	}
	if n := count(t, w.ts, "move_requests"); n != 0 {
		t.Errorf("a refused request was written: %d", n)
	}
	ask["from_price"] = "50"
	status, _, loc := farid.post("/moves", ask)
	if status != 303 || !strings.HasPrefix(loc, "/moves/") {
		t.Fatalf("ask: %d to %q", status, loc)
	}
	if status, _, again := farid.post("/moves", ask); status != 303 || again != loc {
		t.Errorf("the same form posted twice: %d to %q, want the first request %q", status, again, loc)
	}
	if _, body := farid.get(loc); !strings.Contains(body, "Awaiting a coordinator") || !strings.Contains(body, "The figures you confirmed") {
		t.Errorf("Farid's move page does not show the request with its figures")
	}
	if status, _ := elena.get(loc); status != 404 {
		t.Errorf("Elena opens Farid's move: %d, want 404", status)
	}
	if status, _ := elena.get("/moves/review"); status != 403 {
		t.Errorf("Elena opens the review page: %d, want 403", status)
	}

	if _, body := hugo.get("/moves/review"); !strings.Contains(body, "Farid Haddad") || !strings.Contains(body, loc) {
		t.Errorf("Hugo's review page does not list Farid's request")
	}
	status, body = hugo.get(loc)
	if status != 200 || strings.Contains(body, "40000.00") || !strings.Contains(body, "the member's and the treasurer's to see") ||
		!strings.Contains(body, "Approve the move") {
		t.Errorf("Hugo's view of the move: %d, want no money and an approve button", status)
	}
	status, body, _ = hugo.post(loc+"/decline", map[string]string{"reason": strings.Repeat("no ", 200)})
	if status != 422 || !strings.Contains(body, "at most 500 characters") {
		t.Errorf("an overlong reason: %d, want 422 with the message", status)
	}
	if status, _, _ := hugo.post(loc+"/approve", nil); status != 303 {
		t.Fatalf("approve: %d", status)
	}
	if status, _, _ := farid.post(loc+"/complete", nil); status != 403 {
		t.Errorf("Farid completes his own move: %d, want 403", status)
	}
	if status, _, _ := hugo.post(loc+"/complete", nil); status != 303 {
		t.Fatalf("complete: %d", status)
	}
	if _, body := farid.get(loc); !strings.Contains(body, "What the move settled") || !strings.Contains(body, "Completed") {
		t.Errorf("Farid's completed move page does not show what it settled")
	}
	if _, body := farid.get("/"); !strings.Contains(body, "Linden Yard") {
		t.Errorf("Farid's home page does not show Linden Yard")
	}
}

// TestBrowserMoveFlow drives Chromium through the main flow: Farid asks to
// move after reading the quote; Hugo approves and completes the move; Farid
// sees his new home and his equity at Linden Yard.
func TestBrowserMoveFlow(t *testing.T) {
	w := newMoveWorld(t)
	ctx := newBrowser(t)
	signInWithBrowser(t, ctx, w.ts, w.farid)
	if err := chromedp.Do(ctx,
		chromedp.Navigate(w.ts.URL+"/moves"),
		chromedp.Click(fmt.Sprintf(`a[href^="/moves/new?unit_id=%d"]`, w.l5)),
		chromedp.WaitVisible(`#quote`),
	); err != nil {
		t.Fatal(err)
	}
	quote := mustText(t, ctx, `#quote`)
	for _, want := range []string{"Transfer fee", "40000.00", "400.00", "30000.00", "9600.00"} {
		if !strings.Contains(quote, want) {
			t.Errorf("the quote does not show %s: %q", want, quote)
		}
	}
	if err := chromedp.Do(ctx,
		chromedp.Click(`#request button[type=submit]`),
		chromedp.WaitVisible(`#confirmed`),
	); err != nil {
		t.Fatal(err)
	}
	if got := mustText(t, ctx, `main hgroup`); !strings.Contains(got, "Awaiting a coordinator") {
		t.Errorf("after asking: %q", got)
	}
	signOutWithBrowser(t, ctx)

	signInWithBrowser(t, ctx, w.ts, w.hugo)
	if err := chromedp.Do(ctx,
		chromedp.Navigate(w.ts.URL+"/moves/review"),
		chromedp.Click(`#open a`),
		chromedp.WaitVisible(`form[action$="/approve"]`),
		chromedp.Click(`form[action$="/approve"] button`),
		chromedp.WaitVisible(`form[action$="/complete"]`),
		// Take the approval's flash away, so that waiting for a flash waits
		// for the page the completion leads to.
		chromedp.Evaluate[chromedp.Void](`document.querySelectorAll('.flash').forEach(e => e.remove())`),
		chromedp.Click(`form[action$="/complete"] button`),
		chromedp.WaitVisible(`.flash`),
	); err != nil {
		t.Fatal(err)
	}
	if got := mustText(t, ctx, `main hgroup`); !strings.Contains(got, "Completed") {
		t.Errorf("after completing: %q", got)
	}
	signOutWithBrowser(t, ctx)

	signInWithBrowser(t, ctx, w.ts, w.farid)
	if home := mustText(t, ctx, `main hgroup p`); !strings.Contains(home, "Linden Yard") || !strings.Contains(home, "L5") {
		t.Errorf("Farid's home after the move: %q", home)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(w.ts.URL+"/equity"), chromedp.WaitVisible(`#holdings`)); err != nil {
		t.Fatal(err)
	}
	if equity := mustText(t, ctx, `main`); !strings.Contains(equity, "Linden Yard") || !strings.Contains(equity, "750.000000") {
		t.Errorf("Farid's equity does not show 750 shares at Linden Yard")
	}
}

func signOutWithBrowser(t *testing.T, ctx context.Context) {
	t.Helper()
	if err := chromedp.Do(ctx,
		chromedp.Click(`form[action="/signout"] button`),
		chromedp.WaitVisible(`input[name=email]`),
	); err != nil {
		t.Fatalf("sign out: %v", err)
	}
}

// TestMovePageShowsNewFigures: when the figures of Elena's approved move
// change, her move page shows today's beside the confirmed ones and she
// confirms them there.
func TestMovePageShowsNewFigures(t *testing.T) {
	t.Parallel()
	w := newMoveWorld(t)
	status, mv := w.ts.call(t, "POST", "/api/v1/moves", w.ts.token(t, w.elena), map[string]any{"unit_id": w.l4, "move_on": w.day(7)})
	if status != 201 {
		t.Fatalf("request: %d %v", status, mv)
	}
	path := fmt.Sprintf("/moves/%v", mv["id"])
	if _, err := w.ts.DB.Exec(`UPDATE units SET required_equity = 31000 WHERE id = $1`, w.l4); err != nil {
		t.Fatal(err)
	}
	elena := signInPages(t, w.ts, w.elena)
	_, body := elena.get(path)
	if !strings.Contains(body, "Today's figures differ") || !strings.Contains(body, "31000.00") || !strings.Contains(body, "Confirm today's figures") {
		t.Fatalf("Elena's move page does not offer today's figures")
	}
	if status, _, loc := elena.post(path+"/confirm", map[string]string{"from_price": "50", "to_price": "40"}); status != 303 || loc != path {
		t.Fatalf("confirm: %d to %q", status, loc)
	}
	if _, body := elena.get(path); strings.Contains(body, "Today's figures differ") || !strings.Contains(body, "8600.00") {
		t.Errorf("after confirming, the page still shows a difference or not the new surplus of 8,600")
	}
}
