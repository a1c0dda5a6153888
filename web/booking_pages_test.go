package web_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// formTimes fills the date and time fields of a booking or blackout form.
func formTimes(start, end time.Time, more map[string]string) map[string]string {
	f := map[string]string{
		"start_date": start.Format("2006-01-02"), "start_time": start.Format("15:04"),
		"end_date": end.Format("2006-01-02"), "end_time": end.Format("15:04"),
	}
	for k, v := range more {
		f[k] = v
	}
	return f
}

// fieldError returns the first field error message of a page.
var fieldErrorRe = regexp.MustCompile(`<small class="field-error"[^>]*>([^<]*)</small>`)

func fieldError(body string) string {
	if m := fieldErrorRe.FindStringSubmatch(body); m != nil {
		return m[1]
	}
	return ""
}

func countBookings(t *testing.T, w *bookingWorld, resourceID int64) int {
	t.Helper()
	var n int
	if err := w.ts.DB.Get(&n, `SELECT count(*) FROM bookings WHERE resource_id = $1`, resourceID); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestSpacePagesFlow walks the shared-space pages without JavaScript: a
// coordinator creates a workshop and sets its rules; residents book from its
// page, are refused with the rule beside the field, join the waitlist, cancel,
// and accept an offer; a visitor may not book it.
func TestSpacePagesFlow(t *testing.T) {
	t.Parallel()
	w := newBookingWorld(t)
	coord := signInPages(t, w.ts, w.coordinator)

	status, body, _ := coord.post("/spaces", map[string]string{"site_id": fmt.Sprint(w.site.ID), "name": "  ", "kind": "workshop"})
	if status != 422 || fieldError(body) != "Give the space a name of up to 100 characters." {
		t.Errorf("nameless space: %d %q", status, fieldError(body))
	}
	status, _, loc := coord.post("/spaces", map[string]string{"site_id": fmt.Sprint(w.site.ID), "name": "Workshop", "kind": "workshop"})
	var id int64
	if _, err := fmt.Sscanf(loc, "/spaces/%d/rules", &id); status != 303 || err != nil {
		t.Fatalf("create space: %d %q", status, loc)
	}
	rules := map[string]string{"has_hours": "1", "max_minutes": "180", "who_may_book": "residents"}
	for _, d := range []string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"} {
		rules["open_"+d], rules["opens_"+d], rules["closes_"+d] = "1", "08:00", "22:00"
	}
	rules["closes_sunday"] = "25:00"
	status, body, _ = coord.post(fmt.Sprintf("/spaces/%d/rules", id), rules)
	if status != 422 || !strings.Contains(fieldError(body), "closing time like 22:00") {
		t.Errorf("bad closing time: %d %q", status, fieldError(body))
	}
	rules["closes_sunday"] = "22:00"
	if status, _, _ = coord.post(fmt.Sprintf("/spaces/%d/rules", id), rules); status != 303 {
		t.Fatalf("save rules: %d", status)
	}

	ada := signInPages(t, w.ts, w.ada)
	if status, body = ada.get("/spaces"); status != 200 || !strings.Contains(body, fmt.Sprintf(`href="/spaces/%d"`, id)) {
		t.Fatalf("spaces: %d", status)
	}
	if status, body = ada.get(fmt.Sprintf("/spaces/%d?week=%s", id, w.day(2, 0, 0).Format("2006-01-02"))); status != 200 || !strings.Contains(body, `class="cal-free"`) {
		t.Fatalf("calendar: %d", status)
	}
	status, body, _ = ada.post(fmt.Sprintf("/spaces/%d/book", id), formTimes(w.day(2, 21, 0), w.day(2, 22, 30), nil))
	if status != 422 || fieldError(body) != "The workshop closes at 22:00." || !strings.Contains(body, `value="21:00"`) {
		t.Errorf("after hours: %d %q", status, fieldError(body))
	}
	status, body, _ = ada.post(fmt.Sprintf("/spaces/%d/book", id), formTimes(w.day(2, 9, 0), w.day(2, 9, 0).Add(-time.Hour), nil))
	if status != 422 || fieldError(body) != "The end must come after the start." {
		t.Errorf("ends before starts: %d %q", status, fieldError(body))
	}
	if n := countBookings(t, w, id); n != 0 {
		t.Fatalf("refused forms wrote %d bookings", n)
	}
	status, _, loc = ada.post(fmt.Sprintf("/spaces/%d/book", id), formTimes(w.day(2, 18, 0), w.day(2, 20, 0), nil))
	if status != 303 || !strings.HasPrefix(loc, fmt.Sprintf("/spaces/%d?week=", id)) {
		t.Fatalf("book: %d %q", status, loc)
	}
	if _, body = ada.get(loc); !strings.Contains(body, "is booked for you") || !strings.Contains(body, `class="cal-mine"`) {
		t.Errorf("after booking, the page shows neither the flash nor the booking")
	}

	// Ben finds it taken, joins the waitlist; Ada cancels; Ben accepts the offer.
	ben := signInPages(t, w.ts, w.ben)
	status, body, _ = ben.post(fmt.Sprintf("/spaces/%d/book", id), formTimes(w.day(2, 19, 0), w.day(2, 21, 0), nil))
	if status != 422 || fieldError(body) != "The workshop is already booked at that time." || !strings.Contains(body, "Join the waitlist") {
		t.Fatalf("taken: %d %q", status, fieldError(body))
	}
	if status, _, _ = ben.post(fmt.Sprintf("/spaces/%d/waitlist", id), formTimes(w.day(2, 19, 0), w.day(2, 21, 0), nil)); status != 303 {
		t.Fatalf("waitlist: %d", status)
	}
	var bookingID int64
	w.ts.DB.Get(&bookingID, `SELECT id FROM bookings WHERE resource_id = $1`, id)
	if status, _, _ = ben.post(fmt.Sprintf("/bookings/%d/cancel", bookingID), nil); status != 403 {
		t.Errorf("ben cancels ada's booking: %d", status)
	}
	if status, _, _ = ada.post(fmt.Sprintf("/bookings/%d/cancel", bookingID), nil); status != 303 {
		t.Fatalf("cancel: %d", status)
	}
	if _, body = ben.get("/bookings"); !strings.Contains(body, "Offered to you from the waitlist") {
		t.Fatalf("no offer on ben's bookings page")
	}
	var offer int64
	w.ts.DB.Get(&offer, `SELECT id FROM bookings WHERE status = 'offered'`)
	if status, _, _ = ben.post(fmt.Sprintf("/bookings/%d/accept", offer), nil); status != 303 {
		t.Fatalf("accept: %d", status)
	}

	// The coordinator cancels Ben's booking from the space's calendar and is
	// taken back to it.
	status, _, loc = coord.post(fmt.Sprintf("/bookings/%d/cancel", offer), map[string]string{"back": fmt.Sprintf("/spaces/%d?week=x", id)})
	if status != 303 || loc != fmt.Sprintf("/spaces/%d?week=x", id) {
		t.Errorf("coordinator cancels: %d %q", status, loc)
	}

	// A weekly series from the page (the first week is free again).
	status, _, loc = ada.post(fmt.Sprintf("/spaces/%d/book", id), formTimes(w.day(2, 19, 0), w.day(2, 20, 0),
		map[string]string{"repeat": "FREQ=WEEKLY", "count": "3", "skip_conflicts": "1"}))
	if status != 303 || loc != "/bookings" {
		t.Fatalf("series: %d %q", status, loc)
	}
	if _, body = ada.get("/bookings"); !strings.Contains(body, "booked for you 3 times") || !strings.Contains(body, "(repeats)") {
		t.Errorf("series result not shown")
	}

	// A visitor from another site may not book a residents' workshop.
	visitor := signInPages(t, w.ts, w.visitor)
	if _, body = visitor.get("/spaces"); strings.Contains(body, fmt.Sprintf(`href="/spaces/%d"`, id)) {
		t.Errorf("visitor is offered a residents-only space")
	}
	status, body, _ = visitor.post(fmt.Sprintf("/spaces/%d/book", id), formTimes(w.day(3, 10, 0), w.day(3, 11, 0), nil))
	if status != 422 || !strings.Contains(body, "Only residents of Linden Yard may book") {
		t.Errorf("visitor books: %d", status)
	}
	if status, _ = visitor.get(fmt.Sprintf("/spaces/%d/rules", id)); status != 403 {
		t.Errorf("visitor opens the rules page: %d", status)
	}
}

// TestApprovalAndBlackoutPages: a coordinator declines a visitor's pending
// guest-room request with a note the visitor reads, and a blackout cancels
// the bookings inside it.
func TestApprovalAndBlackoutPages(t *testing.T) {
	t.Parallel()
	w := newBookingWorld(t)
	room := w.MustCreateResource(t, "Guest room", "guest_room")
	if status, body := w.ts.call(t, "PUT", fmt.Sprintf("/api/v1/resources/%d/rules", room), w.coordTok, map[string]any{"approval_required": true}); status != 200 {
		t.Fatalf("rules: %d %v", status, body)
	}
	visitor := signInPages(t, w.ts, w.visitor)
	status, _, _ := visitor.post(fmt.Sprintf("/spaces/%d/book", room), formTimes(w.day(10, 15, 0), w.day(12, 11, 0), nil))
	if status != 303 {
		t.Fatalf("request: %d", status)
	}
	if _, body := visitor.get("/bookings"); !strings.Contains(body, "Waiting for a coordinator") {
		t.Errorf("pending request not shown to the visitor")
	}
	ada := signInPages(t, w.ts, w.ada)
	if status, _ := ada.get("/spaces/approvals"); status != 403 {
		t.Errorf("resident opens approvals: %d", status)
	}
	coord := signInPages(t, w.ts, w.coordinator)
	_, body := coord.get("/spaces/approvals")
	if !strings.Contains(body, w.visitor.Name) {
		t.Fatalf("approvals page lacks the request")
	}
	var id int64
	w.ts.DB.Get(&id, `SELECT id FROM bookings WHERE resource_id = $1`, room)
	long := strings.Repeat("x", 501)
	status, body, _ = coord.post(fmt.Sprintf("/spaces/approvals/%d", id), map[string]string{"decision": "decline", "note": long})
	if status != 422 || fieldError(body) != "Keep the note under 500 characters." {
		t.Errorf("long note: %d %q", status, fieldError(body))
	}
	status, _, _ = coord.post(fmt.Sprintf("/spaces/approvals/%d", id), map[string]string{"decision": "decline", "note": "Family staying that weekend."})
	if status != 303 {
		t.Fatalf("decline: %d", status)
	}
	if _, body = visitor.get("/bookings"); !strings.Contains(body, "declined") || !strings.Contains(body, "Family staying that weekend.") {
		t.Errorf("the visitor does not see the decline and its note")
	}

	// A blackout over a confirmed booking cancels it with the reason.
	workshop := w.MustCreateResource(t, "Workshop", "workshop")
	if status, _ := w.bookAPI(t, w.adaTok, workshop, w.day(5, 10, 0), w.day(5, 12, 0)); status != 201 {
		t.Fatalf("book: %d", status)
	}
	status, body, _ = coord.post(fmt.Sprintf("/spaces/%d/blackouts", workshop), formTimes(w.day(6, 0, 0), w.day(5, 0, 0), map[string]string{"reason": "Floor"}))
	if status != 422 || fieldError(body) != "The end must come after the start." {
		t.Errorf("backwards blackout: %d %q", status, fieldError(body))
	}
	status, _, loc := coord.post(fmt.Sprintf("/spaces/%d/blackouts", workshop), formTimes(w.day(5, 0, 0), w.day(6, 0, 0), map[string]string{"reason": "Sanding the floor"}))
	if status != 303 {
		t.Fatalf("blackout: %d", status)
	}
	if _, body = coord.get(loc); !strings.Contains(body, "1 booking inside it was cancelled") {
		t.Errorf("blackout flash missing")
	}
	if _, body = ada.get("/bookings"); !strings.Contains(body, "Sanding the floor") {
		t.Errorf("ada does not see why her booking was cancelled")
	}
}

// TestBrowserBookFromCalendar drives a real Chromium: a resident clicks a
// free hour of the week calendar, finds the form filled in, books, and the
// calendar then shows the hour as theirs.
func TestBrowserBookFromCalendar(t *testing.T) {
	w := newBookingWorld(t)
	workshop := w.MustCreateResource(t, "Workshop", "workshop")
	ctx := newBrowser(t)
	signInWithBrowser(t, ctx, w.ts, w.ada)
	week := w.day(7, 0, 0).Format("2006-01-02")
	cell := fmt.Sprintf(`td.cal-free a[href*="date=%s&start=10:00"]`, week)
	err := chromedp.Do(ctx,
		chromedp.Navigate(fmt.Sprintf("%s/spaces/%d?week=%s", w.ts.URL, workshop, week)),
		chromedp.WaitVisible(cell),
		chromedp.Click(cell),
		chromedp.WaitVisible(`#book input[name=end_time]`),
	)
	if err != nil {
		t.Fatal(err)
	}
	start, err := chromedp.Run(ctx, chromedp.Value(`#book input[name=start_time]`))
	if err != nil {
		t.Fatal(err)
	}
	end, err := chromedp.Run(ctx, chromedp.Value(`#book input[name=end_time]`))
	if err != nil {
		t.Fatal(err)
	}
	if start != "10:00" || end != "11:00" {
		t.Errorf("form filled with %s–%s, want 10:00–11:00", start, end)
	}
	if err := chromedp.Do(ctx,
		chromedp.Click(`#book form button[type=submit]`),
		chromedp.WaitVisible(`p.flash`),
	); err != nil {
		t.Fatal(err)
	}
	if msg := mustText(t, ctx, `p.flash`); !strings.Contains(msg, "Workshop is booked for you") {
		t.Errorf("flash: %q", msg)
	}
	if mine := mustText(t, ctx, `td.cal-mine`); !strings.Contains(mine, "Yours") {
		t.Errorf("calendar does not show the booking as yours: %q", mine)
	}
}

// TestSpaceDayView reads the list a narrow screen shows instead of the week
// grid: the day asked for, its taken hours run together in one line, each
// free hour a link to the booking form filled in, and links to the days
// around it.
func TestSpaceDayView(t *testing.T) {
	t.Parallel()
	w := newBookingWorld(t)
	workshop := w.MustCreateResource(t, "Workshop", "workshop")
	if status, body := w.bookAPI(t, w.benTok, workshop, w.day(3, 10, 0), w.day(3, 12, 0)); status != 201 {
		t.Fatalf("ben books: %d %v", status, body)
	}
	ada := signInPages(t, w.ts, w.ada)
	day, date := w.day(3, 0, 0), w.day(3, 0, 0).Format("2006-01-02")
	status, body := ada.get(fmt.Sprintf("/spaces/%d?week=%s", workshop, date))
	if status != 200 {
		t.Fatalf("space page: %d", status)
	}
	for _, want := range []string{
		`<div class="calday">`,
		`<h3 id="day-title">` + day.Format("Monday 2 January") + `</h3>`,
		fmt.Sprintf(`href="/spaces/%d?week=%s"`, workshop, w.day(2, 0, 0).Format("2006-01-02")),
		fmt.Sprintf(`href="/spaces/%d?week=%s"`, workshop, w.day(4, 0, 0).Format("2006-01-02")),
		`<li class="cal-taken"><span class="slot-time">10:00–12:00</span>`,
		fmt.Sprintf(`<li class="cal-free"><a href="/spaces/%d?week=`, workshop),
		fmt.Sprintf(`&amp;date=%s&amp;start=12:00#book"><span class="slot-time">12:00–13:00</span>`, date),
	} {
		if !strings.Contains(body, want) {
			t.Errorf("day view lacks %s", want)
		}
	}
	if n := strings.Count(body, `aria-current="page"`); n != 2 { // the menu's Spaces and the day's tab
		t.Errorf("%d links marked as the current page, want 2", n)
	}
	if !strings.Contains(body, fmt.Sprintf(`href="/spaces/%d?week=%s" hx-get`, workshop, date)) {
		t.Errorf("the week strip has no tab for %s", date)
	}

	// A click on a free hour keeps its day in view and fills the form in.
	next := w.day(4, 0, 0)
	monday := next.AddDate(0, 0, -((int(next.Weekday()) + 6) % 7))
	_, body = ada.get(fmt.Sprintf("/spaces/%d?week=%s&date=%s&start=09:00", workshop, monday.Format("2006-01-02"), next.Format("2006-01-02")))
	if !strings.Contains(body, `<h3 id="day-title">`+next.Format("Monday 2 January")+`</h3>`) || !strings.Contains(body, `name="start_time" value="09:00"`) {
		t.Errorf("a click on %s 09:00 does not show that day with the form filled in", next.Format("Mon 2"))
	}
}
