package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"hearth/app"
	"hearth/app/apptest"
)

// The size of an iPhone's screen in CSS pixels, and the smallest tap target
// the pages give a phone (Apple's and WCAG 2.5.5's 44 by 44).
const (
	phoneWidth, phoneHeight = 390, 844
	tapTarget               = 44
)

// phoneWorld is the moves' world (Harbor House and Linden Yard, their
// coordinators Grace and Hugo, the treasurer, residents with shares) with
// what makes the other pages worth a look on a phone: a laundry and a guest
// room at Linden Yard with a booking and a lottery open, a move waiting for
// Hugo and last month's charges posted.
type phoneWorld struct {
	*moveWorld
	laundry, room, move, entry, h3 int64
	lastMonth                      string
}

func newPhoneWorld(t *testing.T) *phoneWorld {
	t.Helper()
	w := &phoneWorld{moveWorld: newMoveWorld(t)}
	ts := w.ts
	hugo, farid, admin := ts.token(t, w.hugo), ts.token(t, w.farid), ts.token(t, w.admin)
	resource := func(name, kind string) int64 {
		status, body := ts.call(t, "POST", fmt.Sprintf("/api/v1/sites/%d/resources", w.linden), hugo, map[string]string{"name": name, "kind": kind})
		if status != 201 {
			t.Fatalf("create %s: %d %v", name, status, body)
		}
		return int64(body["id"].(float64))
	}
	w.laundry, w.room = resource("Laundry", "laundry"), resource("Guest room", "guest_room")
	w.h3 = apptest.MustCreateUnit(t, ts.DB, w.harbor, "H3", "1050.00")
	// Hugo holds the laundry the day after tomorrow in the morning.
	loc, _ := time.LoadLocation("UTC")
	y, m, d := time.Now().In(loc).Date()
	start := time.Date(y, m, d+2, 8, 0, 0, 0, loc)
	if status, body := ts.call(t, "POST", fmt.Sprintf("/api/v1/resources/%d/bookings", w.laundry), hugo,
		map[string]string{"starts_at": start.Format(time.RFC3339), "ends_at": start.Add(90 * time.Minute).Format(time.RFC3339)}); status != 201 {
		t.Fatalf("hugo books the laundry: %d %v", status, body)
	}
	if status, body := ts.call(t, "POST", fmt.Sprintf("/api/v1/resources/%d/lottery-windows", w.room), hugo, newYearWindow()); status != 201 {
		t.Fatalf("open a lottery: %d %v", status, body)
	}
	status, mv := ts.call(t, "POST", "/api/v1/moves", farid, map[string]any{"unit_id": w.l5, "move_on": w.day(14)})
	if status != 201 {
		t.Fatalf("farid asks to move: %d %v", status, mv)
	}
	w.move = int64(mv["id"].(float64))
	w.lastMonth = time.Date(y, m, 1, 0, 0, 0, 0, time.UTC).AddDate(0, -1, 0).Format("2006-01")
	if status, body := ts.call(t, "POST", "/api/v1/charges/runs", admin, map[string]any{"month": w.lastMonth}); status != 201 {
		t.Fatalf("charges of %s: %d %v", w.lastMonth, status, body)
	}
	if err := ts.DB.Get(&w.entry, `SELECT max(id) FROM ledger_entries`); err != nil {
		t.Fatal(err)
	}
	return w
}

// newPhone starts a browser whose window is a phone's screen.
func newPhone(t *testing.T) context.Context {
	t.Helper()
	ctx := newBrowserFor(t, 4*time.Minute)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(phoneWidth, phoneHeight, chromedp.EmulatePortrait)); err != nil {
		t.Fatal(err)
	}
	return ctx
}

// signInOnPhone signs m in through the sign-in page; the menu is folded.
func signInOnPhone(t *testing.T, ctx context.Context, ts *testServer, m app.Member) {
	t.Helper()
	err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/signin"),
		chromedp.WaitVisible(`input[name=email]`),
		chromedp.SendKeys(`input[name=email]`, m.Email),
		chromedp.SendKeys(`input[name=password]`, apptest.Password),
		chromedp.Click(`form[action="/signin"] button[type=submit]`),
		chromedp.WaitVisible(`details.menu > summary`),
	)
	if err != nil {
		t.Fatalf("sign in %s on a phone: %v", m.Name, err)
	}
}

// openMenu unfolds the main menu and returns the texts of its visible links.
func openMenu(t *testing.T, ctx context.Context) []string {
	t.Helper()
	if err := chromedp.Do(ctx,
		chromedp.Click(`details.menu > summary`),
		chromedp.WaitVisible(`details.menu[open] form[action="/signout"] button`),
	); err != nil {
		t.Fatalf("open the menu: %v", err)
	}
	links, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
		`[...document.querySelectorAll('details.menu a')].filter(a => a.checkVisibility()).map(a => a.textContent.trim())`))
	if err != nil {
		t.Fatal(err)
	}
	return links
}

// signOutOnPhone signs out from the menu.
func signOutOnPhone(t *testing.T, ctx context.Context) {
	t.Helper()
	openMenu(t, ctx)
	if err := chromedp.Do(ctx,
		chromedp.Click(`details.menu form[action="/signout"] button`),
		chromedp.WaitVisible(`input[name=email]`),
	); err != nil {
		t.Fatalf("sign out on a phone: %v", err)
	}
}

// size is the width and height of an element's box in CSS pixels.
type size struct{ W, H float64 }

func sizesOf(t *testing.T, ctx context.Context, sel string) []size {
	t.Helper()
	sizes, err := chromedp.Run(ctx, chromedp.Evaluate[[]size](fmt.Sprintf(
		`[...document.querySelectorAll(%q)].filter(e => e.checkVisibility()).map(e => { const r = e.getBoundingClientRect(); return {W: r.width, H: r.height} })`, sel)))
	if err != nil {
		t.Fatal(err)
	}
	return sizes
}

// assertTappable fails unless every visible element matching sel is at
// least tapTarget pixels wide and high, and there is at least one.
func assertTappable(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	sizes := sizesOf(t, ctx, sel)
	if len(sizes) == 0 {
		t.Errorf("no %s to tap", sel)
	}
	for _, s := range sizes {
		if s.W < tapTarget || s.H < tapTarget {
			t.Errorf("%s is %.0f×%.0f pixels, smaller than %d×%d to tap", sel, s.W, s.H, tapTarget, tapTarget)
			return
		}
	}
}

// assertFitsPhone visits path and fails if the page is wider than the
// phone's screen, so that it would scroll sideways (a wide table may scroll
// in its own box). It returns the page's main heading.
func assertFitsPhone(t *testing.T, ctx context.Context, base, path string) string {
	t.Helper()
	res, err := chromedp.Run(ctx, chromedp.NavigateResponse(base+path))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if res.Status != 200 {
		t.Errorf("%s: status %d", path, res.Status)
	}
	type widths struct{ Scroll, Inner int }
	w, err := chromedp.Run(ctx, chromedp.Evaluate[widths](
		`({Scroll: document.documentElement.scrollWidth, Inner: window.innerWidth})`))
	if err != nil {
		t.Fatal(err)
	}
	heading, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector('main h1') || {}).textContent || ''`))
	if w.Inner != phoneWidth {
		t.Errorf("%s: the window is %d pixels wide, want %d", path, w.Inner, phoneWidth)
	}
	if w.Scroll > w.Inner {
		wide, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll('body *')]
			.filter(e => e.checkVisibility() && e.getBoundingClientRect().right > window.innerWidth && e.parentElement.getBoundingClientRect().right <= window.innerWidth)
			.slice(0, 3).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')).join(', ')`))
		t.Errorf("%s (%q) is %d pixels wide on a %d-pixel phone; too wide: %s", path, heading, w.Scroll, w.Inner, wide)
	}
	return heading
}

// TestBrowserPhone holds a phone: a resident finds the menu folded, books
// the laundry from the day view of its calendar, and no page a resident, a
// coordinator or the treasurer reaches is wider than the screen.
func TestBrowserPhone(t *testing.T) {
	w := newPhoneWorld(t)
	ctx := newPhone(t)
	base := w.ts.URL

	// Kemi lives at Linden Yard. The menu is one button until it is opened.
	signInOnPhone(t, ctx, w.ts, w.kemi)
	if s := sizesOf(t, ctx, `nav[aria-label=Main] a[href="/bookings"]`); len(s) != 0 {
		t.Errorf("the menu's links show before the menu is opened")
	}
	assertTappable(t, ctx, `details.menu > summary`)
	links := openMenu(t, ctx)
	if got, want := strings.Join(links, ", "), "Spaces, My bookings, Lotteries, My equity, Moves, Kemi Adeyemi"; got != want {
		t.Errorf("the resident's menu: %s, want %s", got, want)
	}
	assertTappable(t, ctx, `details.menu li a`)
	if err := chromedp.Do(ctx,
		chromedp.Click(`details.menu a[href="/spaces"]`),
		chromedp.WaitVisible(fmt.Sprintf(`main a[href="/spaces/%d"]`, w.laundry)),
		chromedp.Click(fmt.Sprintf(`main a[href="/spaces/%d"]`, w.laundry)),
		chromedp.WaitVisible(`.calday ul.slots`),
	); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(`details.menu > summary`), chromedp.WaitVisible(`details.menu a[aria-current=page]`)); err != nil {
		t.Fatal(err)
	}
	if got := mustText(t, ctx, `details.menu a[aria-current=page]`); got != "Spaces" {
		t.Errorf("the menu marks %q as the current page, want Spaces", got)
	}
	if err := chromedp.Do(ctx, chromedp.Click(`details.menu > summary`)); err != nil {
		t.Fatal(err)
	}

	// The week grid is for wide screens; the phone shows today as a list
	// and moves on a day with a plain link.
	if s := sizesOf(t, ctx, `.calendar table.week`); len(s) != 0 {
		t.Errorf("the week grid shows on a phone")
	}
	today := time.Now().UTC()
	tomorrow, after := today.AddDate(0, 0, 1), today.AddDate(0, 0, 2)
	if got, want := mustText(t, ctx, `.calday h3`), today.Format("Monday 2 January"); got != want {
		t.Errorf("the day view opens on %q, want today, %s", got, want)
	}
	assertTappable(t, ctx, `.calday .daytabs a`)
	assertTappable(t, ctx, `.calday .daynav a`)
	if err := chromedp.Do(ctx,
		chromedp.Click(`.calday .daynav li:last-child a`),
		chromedp.WaitVisible(fmt.Sprintf(`.calday ul.slots a[href*="date=%s&start=10:00"]`, tomorrow.Format("2006-01-02"))),
		chromedp.Click(`.calday .daynav li:last-child a`),
		chromedp.WaitVisible(fmt.Sprintf(`.calday ul.slots a[href*="date=%s&start=10:00"]`, after.Format("2006-01-02"))),
	); err != nil {
		t.Fatal(err)
	}
	if got, want := mustText(t, ctx, `.calday h3`), after.Format("Monday 2 January"); got != want {
		t.Errorf("two days on, the day view shows %q, want %s", got, want)
	}
	if taken := mustText(t, ctx, `.calday li.cal-taken`); !strings.Contains(taken, "08:00–09:00") {
		t.Errorf("Hugo's booking from 08:00 is not shown as taken: %q", taken)
	}
	assertTappable(t, ctx, `.calday ul.slots a`)

	// Booking: a tap on 10:00 fills the form in, as a click on the grid does.
	slot := fmt.Sprintf(`.calday ul.slots a[href*="date=%s&start=10:00"]`, after.Format("2006-01-02"))
	if err := chromedp.Do(ctx, chromedp.Click(slot), chromedp.WaitVisible(`#book input[name=end_time]`)); err != nil {
		t.Fatal(err)
	}
	start, _ := chromedp.Run(ctx, chromedp.Value(`#book input[name=start_time]`))
	end, _ := chromedp.Run(ctx, chromedp.Value(`#book input[name=end_time]`))
	day, _ := chromedp.Run(ctx, chromedp.Value(`#book input[name=start_date]`))
	if start != "10:00" || end != "11:00" || day != after.Format("2006-01-02") {
		t.Errorf("the form is filled with %s %s–%s, want %s 10:00–11:00", day, start, end, after.Format("2006-01-02"))
	}
	assertTappable(t, ctx, `#book form button[type=submit]`)
	if err := chromedp.Do(ctx, chromedp.Click(`#book form button[type=submit]`), chromedp.WaitVisible(`p.flash`)); err != nil {
		t.Fatal(err)
	}
	if msg := mustText(t, ctx, `p.flash`); !strings.Contains(msg, "Laundry is booked for you") {
		t.Errorf("flash: %q", msg)
	}
	if got := mustText(t, ctx, `.calday h3`); got != after.Format("Monday 2 January") {
		t.Errorf("after booking, the day view shows %q, not the booking's day", got)
	}
	if mine := mustText(t, ctx, `.calday li.cal-mine`); !strings.Contains(mine, "10:00–11:00") || !strings.Contains(mine, "Yours") {
		t.Errorf("the day view does not show 10:00–11:00 as Kemi's: %q", mine)
	}

	// Every page a resident reaches fits the phone.
	for _, path := range []string{
		"/", "/spaces", fmt.Sprintf("/spaces/%d", w.laundry), fmt.Sprintf("/spaces/%d", w.room),
		fmt.Sprintf("/spaces/%d?month=%s", w.laundry, today.Format("2006-01")), "/bookings",
		"/lotteries", "/lotteries/usage", "/calendars", "/equity", "/moves", fmt.Sprintf("/moves/new?unit_id=%d&move_on=%s", w.h3, w.day(30)), "/account",
	} {
		assertFitsPhone(t, ctx, base, path)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/lotteries"), chromedp.Click(`main table a[href^="/lotteries/"]`), chromedp.WaitVisible(`main h1`)); err != nil {
		t.Fatal(err)
	}
	if lottery, _ := chromedp.Run(ctx, chromedp.Location()); !strings.Contains(lottery, "/lotteries/") {
		t.Errorf("no lottery page: %s", lottery)
	} else {
		assertFitsPhone(t, ctx, "", lottery)
	}
	signOutOnPhone(t, ctx)

	// Hugo coordinates Linden Yard.
	signInOnPhone(t, ctx, w.ts, w.hugo)
	if got := strings.Join(openMenu(t, ctx), ", "); !strings.Contains(got, "Sites") {
		t.Errorf("the coordinator's menu has no Sites: %s", got)
	}
	for _, path := range []string{
		"/spaces", "/spaces/approvals", "/spaces/new", fmt.Sprintf("/spaces/%d/rules", w.laundry),
		"/moves/review", fmt.Sprintf("/moves/%d", w.move), "/lotteries/new",
		"/sites", fmt.Sprintf("/sites/%d", w.linden),
		"/equity/sites", fmt.Sprintf("/equity/sites/%d", w.linden),
	} {
		assertFitsPhone(t, ctx, base, path)
	}
	signOutOnPhone(t, ctx)

	// The treasurer keeps the books.
	signInOnPhone(t, ctx, w.ts, w.admin)
	if got, want := strings.Join(openMenu(t, ctx), ", "), "Spaces, My bookings, Lotteries, My equity, Moves, Sites, Ledger, Charges, Members, Tamsin Reyes"; got != want {
		t.Errorf("the treasurer's menu: %s, want %s", got, want)
	}
	if err := chromedp.Do(ctx, chromedp.Click(`details.menu a[href="/members"]`), chromedp.WaitVisible(`main h1`)); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{
		"/ledger", "/ledger/entries", "/ledger/entries/new", fmt.Sprintf("/ledger/entries/%d", w.entry), "/ledger/trial-balance",
		"/charges", "/charges/" + w.lastMonth, "/members", "/equity/members", fmt.Sprintf("/equity/members/%d", w.farid.ID),
		"/equity/settings", fmt.Sprintf("/equity/sites/%d/admit", w.harbor), "/sites", "/sites/new", fmt.Sprintf("/sites/%d", w.harbor), fmt.Sprintf("/sites/%d/edit", w.harbor), "/account",
	} {
		assertFitsPhone(t, ctx, base, path)
	}
	signOutOnPhone(t, ctx)
}
