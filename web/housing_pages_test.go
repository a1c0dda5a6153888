package web_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"hearth/app"
	"hearth/app/apptest"
)

// pageSession is a signed-in HTTP client without JavaScript and the CSRF
// token its forms carry.
type pageSession struct {
	t    *testing.T
	ts   *testServer
	c    *http.Client
	csrf string
}

func signInPages(t *testing.T, ts *testServer, m app.Member) *pageSession {
	t.Helper()
	c := ts.browser(t)
	token := csrfField.FindStringSubmatch(get(t, c, ts.URL+"/signin"))[1]
	res, err := c.PostForm(ts.URL+"/signin", url.Values{"_csrf": {token}, "email": {m.Email}, "password": {apptest.Password}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 303 {
		t.Fatalf("sign in %s: %d", m.Name, res.StatusCode)
	}
	// Signing in starts a new CSRF token: forms carry the one the next page
	// shows, as they do in a browser.
	return &pageSession{t: t, ts: ts, c: c, csrf: csrfField.FindStringSubmatch(get(t, c, ts.URL+"/"))[1]}
}

// get returns a page's status and body.
func (p *pageSession) get(path string) (int, string) {
	p.t.Helper()
	res, err := p.c.Get(p.ts.URL + path)
	if err != nil {
		p.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// post submits a form and returns the status, the body and where a
// redirect leads.
func (p *pageSession) post(path string, fields map[string]string) (int, string, string) {
	p.t.Helper()
	v := url.Values{"_csrf": {p.csrf}}
	for k, val := range fields {
		v.Set(k, val)
	}
	res, err := p.c.PostForm(p.ts.URL+path, v)
	if err != nil {
		p.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b), res.Header.Get("Location")
}

func count(t *testing.T, ts *testServer, table string) int {
	t.Helper()
	var n int
	if err := ts.DB.Get(&n, `SELECT count(*) FROM `+table); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestSitePagesFlow walks the site pages without JavaScript: the treasurer
// creates a site and appoints a coordinator, who adds a unit, places a
// member, and ends the residency; every mistake re-renders its form with the
// message beside the field and changes nothing.
func TestSitePagesFlow(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	admin := apptest.MustCreateMember(t, ts.DB, "Tess Treasurer", app.RoleAdmin)
	chloe := apptest.MustCreateMember(t, ts.DB, "Chloe Coordinator", app.RoleMember)
	ada := apptest.MustCreateMember(t, ts.DB, "Ada Okafor", app.RoleMember)
	ben := apptest.MustCreateMember(t, ts.DB, "Ben Adler", app.RoleMember)
	tess := signInPages(t, ts, admin)

	status, body, _ := tess.post("/sites", map[string]string{"name": "Elm Court", "address": "12 Elm Street", "timezone": "Pacific/Nowhere"})
	if status != 422 || !strings.Contains(body, "is not a time zone we know") || !strings.Contains(body, `value="Elm Court"`) {
		t.Errorf("unknown zone: %d, want 422 with the message and the name kept", status)
	}
	if n := count(t, ts, "sites"); n != 0 {
		t.Errorf("a refused site was written: %d sites", n)
	}
	status, _, loc := tess.post("/sites", map[string]string{"name": "Elm Court", "address": "12 Elm Street", "timezone": "America/Los_Angeles"})
	if status != 303 || !strings.HasPrefix(loc, "/sites/") {
		t.Fatalf("create site: %d to %q", status, loc)
	}
	sitePath := loc
	if _, list := tess.get("/sites"); !strings.Contains(list, "Elm Court") || !strings.Contains(list, "No units yet") {
		t.Errorf("the sites page does not list Elm Court with its occupancy")
	}
	if status, _, _ := tess.post(sitePath+"/coordinators", map[string]string{"member_id": fmt.Sprint(chloe.ID)}); status != 303 {
		t.Fatalf("appoint Chloe: %d", status)
	}
	status, body, _ = tess.post(sitePath+"/coordinators", map[string]string{"member_id": fmt.Sprint(chloe.ID)})
	if status != 422 || !strings.Contains(body, "already coordinates this site") {
		t.Errorf("appoint twice: %d, want 422 with the message", status)
	}

	// Plain members get 403; the coordinator gets in.
	adaPages := signInPages(t, ts, ada)
	for _, path := range []string{"/sites", sitePath, "/sites/new"} {
		if status, _ := adaPages.get(path); status != 403 {
			t.Errorf("a plain member opens %s: %d, want 403", path, status)
		}
	}
	chl := signInPages(t, ts, chloe)
	if status, _ := chl.get("/sites/new"); status != 403 {
		t.Errorf("a coordinator opens the new-site page: %d, want 403", status)
	}

	status, body, _ = chl.post(sitePath+"/units", map[string]string{"name": "E1", "bedrooms": "2", "monthly_charge": "-5"})
	if status != 422 || !strings.Contains(body, "cannot be negative") || !strings.Contains(body, `value="E1"`) {
		t.Errorf("negative charge: %d, want 422 with the message and the name kept", status)
	}
	if status, _, _ := chl.post(sitePath+"/units", map[string]string{"name": "E1", "bedrooms": "2", "monthly_charge": "1180.00"}); status != 303 {
		t.Fatalf("add unit: %d", status)
	}
	var unitID int64
	if err := ts.DB.Get(&unitID, `SELECT id FROM units WHERE name = 'E1'`); err != nil {
		t.Fatal(err)
	}
	status, body, _ = chl.post(sitePath+"/units", map[string]string{"name": "E1", "bedrooms": "1", "monthly_charge": "800"})
	if status != 422 || !strings.Contains(body, "already has a unit with that name") {
		t.Errorf("duplicate unit: %d", status)
	}

	place := map[string]string{"unit_id": fmt.Sprint(unitID), "member_id": fmt.Sprint(ada.ID), "starts_on": "2025-03-01"}
	if status, _, _ := chl.post(sitePath+"/residencies", place); status != 303 {
		t.Fatalf("place Ada: %d", status)
	}
	_, page := chl.get(sitePath)
	if !strings.Contains(page, "Ada Okafor") || !strings.Contains(page, "since 1 Mar 2025") {
		t.Errorf("the site page does not show Ada in E1")
	}
	status, body, _ = chl.post(sitePath+"/residencies", map[string]string{"unit_id": fmt.Sprint(unitID), "member_id": fmt.Sprint(ben.ID), "starts_on": "2025-06-01"})
	if status != 422 || !strings.Contains(body, "Someone else lives in that unit") {
		t.Errorf("placing Ben in Ada's unit: %d, want 422 with the message", status)
	}
	status, body, _ = chl.post(sitePath+"/residencies", map[string]string{"unit_id": fmt.Sprint(unitID), "member_id": fmt.Sprint(ben.ID), "starts_on": "2030-06-01", "ends_on": "2030-01-01"})
	if status != 422 || !strings.Contains(body, "must come after the move-in date") {
		t.Errorf("an end before the start: %d, want 422 with the message", status)
	}
	if n := count(t, ts, "residencies"); n != 1 {
		t.Errorf("refused placements were written: %d residencies", n)
	}

	var resID int64
	if err := ts.DB.Get(&resID, `SELECT id FROM residencies`); err != nil {
		t.Fatal(err)
	}
	end := fmt.Sprintf("%s/residencies/%d/end", sitePath, resID)
	status, body, _ = chl.post(end, map[string]string{"ends_on": "2024-01-01"})
	if status != 422 || !strings.Contains(body, "must come after the move-in date") {
		t.Errorf("ending before the start: %d", status)
	}
	if status, _, _ := chl.post(end, map[string]string{"ends_on": "2025-09-01"}); status != 303 {
		t.Errorf("end the residency: %d", status)
	}
	_, page = chl.get(sitePath)
	if !strings.Contains(page, "Former residents (1)") {
		t.Errorf("the ended residency is not listed as former")
	}

	// Edit the unit.
	editPath := fmt.Sprintf("%s/units/%d/edit", sitePath, unitID)
	if _, form := chl.get(editPath); !strings.Contains(form, `value="1180.00"`) {
		t.Errorf("the edit form does not show the current charge")
	}
	status, body, _ = chl.post(editPath, map[string]string{"name": "E1", "bedrooms": "many", "monthly_charge": "1200"})
	if status != 422 || !strings.Contains(body, "whole number") {
		t.Errorf("bedrooms not a number: %d", status)
	}
	if status, _, _ := chl.post(editPath, map[string]string{"name": "E1a", "bedrooms": "3", "monthly_charge": "1200"}); status != 303 {
		t.Errorf("edit unit: %d", status)
	}
	if _, page := chl.get(sitePath); !strings.Contains(page, "E1a") || !strings.Contains(page, "1200.00") {
		t.Errorf("the edited unit is not shown")
	}

	// The treasurer edits the site.
	if _, form := tess.get(sitePath + "/edit"); !strings.Contains(form, "America/Los_Angeles") {
		t.Errorf("the edit form does not show the zone")
	}
	status, _, _ = tess.post(sitePath+"/edit", map[string]string{"name": "Elm Court", "address": "12 Elm St", "timezone": "Mars/Base"})
	if status != 422 {
		t.Errorf("edit with a bad zone: %d", status)
	}
	if status, _, _ := chl.post(sitePath+"/edit", map[string]string{"name": "Mine", "timezone": "UTC"}); status != 403 {
		t.Errorf("a coordinator edits the site: %d, want 403", status)
	}
	if status, _, _ := tess.post(fmt.Sprintf("%s/coordinators/%d/remove", sitePath, chloe.ID), nil); status != 303 {
		t.Errorf("remove Chloe: %d", status)
	}
	if status, _ := chl.get(sitePath); status != 403 {
		t.Errorf("a removed coordinator opens the site: %d, want 403", status)
	}
}

// TestBrowserCoordinatorPlacesMember drives a real Chromium: a coordinator
// opens her site, places a member in a vacant unit, and sees them live there.
func TestBrowserCoordinatorPlacesMember(t *testing.T) {
	ts := newTestServer(t)
	chloe := apptest.MustCreateMember(t, ts.DB, "Chloe Coordinator", app.RoleMember)
	ada := apptest.MustCreateMember(t, ts.DB, "Ada Okafor", app.RoleMember)
	site := apptest.MustCreateSite(t, ts.DB, "Elm Court", "America/Los_Angeles")
	apptest.MustCreateUnit(t, ts.DB, site.ID, "E1", "1180.00")
	e2 := apptest.MustCreateUnit(t, ts.DB, site.ID, "E2", "890.00")
	apptest.MustMakeCoordinator(t, ts.DB, site.ID, chloe.ID)
	ctx := newBrowser(t)
	signInWithBrowser(t, ctx, ts, chloe)

	row := fmt.Sprintf(`#unit-%d`, e2)
	err := chromedp.Do(ctx,
		chromedp.Click(`nav a[href="/sites"]`),
		chromedp.WaitVisible(`table.striped`),
		chromedp.Click(`a[href="/sites/`+fmt.Sprint(site.ID)+`"]`),
		chromedp.WaitVisible(`#place form`),
		chromedp.SetValue(`#place select[name=unit_id]`, fmt.Sprint(e2)),
		chromedp.SetValue(`#place select[name=member_id]`, fmt.Sprint(ada.ID)),
		chromedp.SetValue(`#place input[name=starts_on]`, "2026-02-01"),
		chromedp.Click(`#place button[type=submit]`),
		chromedp.WaitVisible(`p.flash`),
	)
	if err != nil {
		t.Fatalf("place a member: %v", err)
	}
	if got := mustText(t, ctx, `p.flash`); !strings.Contains(got, "1 Feb 2026") {
		t.Errorf("flash = %q", got)
	}
	if got := mustText(t, ctx, row); !strings.Contains(got, "Ada Okafor") {
		t.Errorf("E2 row = %q, want Ada Okafor", got)
	}
	var n int
	if err := ts.DB.Get(&n, `SELECT count(*) FROM residencies WHERE unit_id = $1 AND member_id = $2 AND starts_on = '2026-02-01'`, e2, ada.ID); err != nil || n != 1 {
		t.Errorf("residency rows = %d (%v), want 1", n, err)
	}
}
