package web_test

import (
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"hearth/housing/lottery"
	"hearth/housing/lottery/lotterytest"
)

var (
	lotteryLocation = regexp.MustCompile(`^/lotteries/(\d+)$`)
	rankSelect      = regexp.MustCompile(`name="rank_(\d+)"`)
	freshFeedURL    = regexp.MustCompile(`value="(http://[^"]+/calendars/[0-9a-f]{64}\.ics)"`)
)

// openLotteryByPage opens a window through the coordinator's form and
// returns its id.
func openLotteryByPage(t *testing.T, c *lotteryCast, chloe *pageSession) int64 {
	t.Helper()
	year := time.Now().Year() + 1
	form := map[string]string{
		"resource_id": fmt.Sprint(c.room), "title": "New Year in the guest room",
		"closes_at":   time.Now().AddDate(0, 0, 10).Format("2006-01-02") + "T18:00",
		"first_night": fmt.Sprintf("%d-12-30", year), "last_night": fmt.Sprintf("%d-12-31", year),
		"check_in": "15:00", "check_out": "11:00", "nights_per_slot": "1", "slots_per_member": "1",
	}
	status, _, location := chloe.post("/lotteries", form)
	m := lotteryLocation.FindStringSubmatch(location)
	if status != 303 || m == nil {
		t.Fatalf("open a lottery: %d → %q", status, location)
	}
	var id int64
	fmt.Sscan(m[1], &id)
	return id
}

// TestLotteryPagesFlow walks a lottery through its pages without
// JavaScript: a coordinator opens it (a refused form keeps its values), a
// resident ranks slots, the coordinator draws, and the page shows the
// revealed seed with the checks re-run, the order and the allocations; the
// record downloads and verifies, and the usage page counts it.
func TestLotteryPagesFlow(t *testing.T) {
	t.Parallel()
	c := newLotteryCast(t)
	ts := c.ts
	chloe := signInPages(t, ts, c.chloe)
	ada := signInPages(t, ts, c.ada)

	if status, body := chloe.get("/lotteries/new"); status != 200 || !strings.Contains(body, "Guest room — Elm Court") {
		t.Fatalf("new lottery page: %d", status)
	}
	if status, _ := ada.get("/lotteries/new"); status != 403 {
		t.Errorf("a resident opens the new lottery page: %d, want 403", status)
	}
	status, body, _ := chloe.post("/lotteries", map[string]string{"resource_id": fmt.Sprint(c.room), "title": "Kept title",
		"closes_at": "2020-01-01T18:00", "first_night": "2020-12-30", "last_night": "2020-12-31",
		"check_in": "15:00", "check_out": "11:00", "nights_per_slot": "1", "slots_per_member": "1"})
	if status != 422 || !strings.Contains(body, "Requests must close in the future.") || !strings.Contains(body, `value="Kept title"`) {
		t.Errorf("refused lottery form: %d, message or value missing", status)
	}
	if got := count(t, ts, "lottery_windows"); got != 0 {
		t.Errorf("a refused form wrote %d windows", got)
	}

	id := openLotteryByPage(t, c, chloe)
	page := fmt.Sprintf("/lotteries/%d", id)
	_, body = ada.get(page)
	if !strings.Contains(body, "taking requests") || !strings.Contains(body, "Save my request") {
		t.Fatalf("Ada's view of an open lottery lacks the request form")
	}
	var commitment string
	ts.DB.Get(&commitment, `SELECT encode(seed_hash, 'hex') FROM lottery_windows WHERE id = $1`, id)
	if !strings.Contains(body, commitment) {
		t.Error("the page does not publish the seed's SHA-256")
	}
	slots := rankSelect.FindAllStringSubmatch(body, -1)
	if len(slots) != 2 {
		t.Fatalf("slot selects: %v", slots)
	}
	if status, body, _ := ada.post(page+"/request", map[string]string{"rank_" + slots[0][1]: "1", "rank_" + slots[1][1]: "1"}); status != 422 ||
		!strings.Contains(body, "different place") {
		t.Errorf("two slots ranked 1: %d", status)
	}
	if status, _, _ := ada.post(page+"/request", map[string]string{"rank_" + slots[0][1]: "2", "rank_" + slots[1][1]: "1"}); status != 303 {
		t.Fatalf("save request: %d", status)
	}
	if _, body := ada.get(page); !strings.Contains(body, `<option value="1" selected>1</option>`) {
		t.Error("Ada's saved ranks are not shown")
	}

	lotterytest.MustClose(t, ts.DB, id)
	if _, body := chloe.get(page); !strings.Contains(body, "Draw now") {
		t.Error("a closed lottery offers its coordinator no draw button")
	}
	if status, _, _ := ada.post(page+"/draw", nil); status != 403 {
		t.Errorf("a resident draws: %d", status)
	}
	if status, _, _ := chloe.post(page+"/draw", nil); status != 303 {
		t.Fatalf("draw: %d", status)
	}
	_, body = ada.get(page)
	for _, want := range []string{"Revealed seed", "Ada Okafor", "choice 1", "holds"} {
		if !strings.Contains(body, want) {
			t.Errorf("the drawn lottery's page lacks %q", want)
		}
	}
	if strings.Contains(body, `badge bad">fails`) {
		t.Error("a check fails on the drawn lottery's page")
	}

	res, err := ada.c.Get(ts.URL + page + "/record.json")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if got := res.Header.Get("Content-Disposition"); !strings.Contains(got, fmt.Sprintf("lottery-%d.json", id)) {
		t.Errorf("record download: Content-Disposition %q", got)
	}
	var rec lottery.Record
	if err := json.Unmarshal(raw, &rec); err != nil {
		t.Fatal(err)
	}
	if v, err := lottery.Verify(rec); err != nil || !v.OK() {
		t.Errorf("the downloaded record does not verify: %v %+v", err, v.Checks)
	}

	if _, body := ada.get("/lotteries"); !strings.Contains(body, "New Year in the guest room") {
		t.Error("the list does not show the lottery")
	}
	if _, body := ada.get(fmt.Sprintf("/lotteries/usage?site_id=%d", c.site.ID)); !strings.Contains(body, "Ada Okafor") || !strings.Contains(body, "1.00") {
		t.Error("the usage page does not show Ada's slot")
	}
}

// TestCalendarsPageShowsANewLinkOnce: the link appears in full right after
// it is made and never again; the feed it names works without signing in.
func TestCalendarsPageShowsANewLinkOnce(t *testing.T) {
	t.Parallel()
	c := newLotteryCast(t)
	ada := signInPages(t, c.ts, c.ada)
	if status, body := ada.get("/calendars"); status != 200 || !strings.Contains(body, "Make a link") || !strings.Contains(body, "Guest room") {
		t.Fatalf("calendars page: %d", status)
	}
	if status, _, location := ada.post("/calendars/mine/new", nil); status != 303 || location != "/calendars" {
		t.Fatalf("new link: %d → %s", status, location)
	}
	_, body := ada.get("/calendars")
	m := freshFeedURL.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("the new link is not shown")
	}
	if _, again := ada.get("/calendars"); freshFeedURL.MatchString(again) || !strings.Contains(again, "not fetched yet") {
		t.Error("the link is shown a second time, or its state is missing")
	}
	if status, _, _ := fetchFeed(t, m[1]); status != 200 {
		t.Errorf("feed from the page's link: %d", status)
	}
	if _, again := ada.get("/calendars"); !strings.Contains(again, "last fetched") {
		t.Error("the page does not say the link was fetched")
	}
	if status, _, _ := ada.post(fmt.Sprintf("/calendars/%d/new", c.room), nil); status != 303 {
		t.Errorf("new link to the guest room: %d", status)
	}
	if status, _, _ := ada.post("/calendars/mine/revoke", nil); status != 303 {
		t.Errorf("turn off: %d", status)
	}
	if status, _, _ := fetchFeed(t, m[1]); status != 404 {
		t.Errorf("turned-off link: %d, want 404", status)
	}
}

// TestBrowserMemberEntersLottery drives Chromium: a resident opens the
// lottery page, ranks the second night first, saves, and sees her request
// kept.
func TestBrowserMemberEntersLottery(t *testing.T) {
	c := newLotteryCast(t)
	id := openLotteryByPage(t, c, signInPages(t, c.ts, c.chloe))
	ctx := newBrowser(t)
	signInWithBrowser(t, ctx, c.ts, c.ada)
	page := fmt.Sprintf("%s/lotteries/%d", c.ts.URL, id)
	if err := chromedp.Do(ctx,
		chromedp.Navigate(page),
		chromedp.WaitVisible(`form#request`),
		chromedp.SetValue(`form#request tbody tr:nth-child(2) select`, "1"),
		chromedp.SetValue(`form#request tbody tr:nth-child(1) select`, "2"),
		chromedp.Click(`form#request button[type=submit]`),
		chromedp.WaitVisible(`p.flash`),
	); err != nil {
		t.Fatal(err)
	}
	if got := mustText(t, ctx, `p.flash`); !strings.Contains(got, "Your request is saved") {
		t.Errorf("flash: %q", got)
	}
	second, err := chromedp.Run(ctx, chromedp.Value(`form#request tbody tr:nth-child(2) select`))
	if err != nil {
		t.Fatal(err)
	}
	if second != "1" {
		t.Errorf("the second night's rank after saving: got %q, want 1", second)
	}
}
