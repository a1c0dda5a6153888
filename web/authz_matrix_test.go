package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"hearth"
	"io"
	"maps"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/shopspring/decimal"

	"hearth/app"
	"hearth/app/apptest"
	"hearth/demo"
	"hearth/finance/ledger"
	"hearth/housing"
	"hearth/housing/booking"
	"hearth/housing/lottery"
	"hearth/housing/membership"
)

// TestAuthorizationMatrix calls every route of the router as each kind of
// person, on the demo cooperative, and compares the status with the table
// in (*matrix).rows: one row per route, one cell per role. A route without
// a row fails the test, so every new route has to say who may use it.
//
// Allowed roles get valid requests, and so the real success status;
// requests that change something get objects made afresh for their cell.
// Anonymous pages answer 303 to the sign-in page, the pages' 401.
func TestAuthorizationMatrix(t *testing.T) {
	t.Parallel()
	m := newMatrix(t)
	rows := m.rows()

	registered := map[string]bool{}
	for _, r := range m.ts.Srv.App.GetRoutes(true) {
		if r.Method != "HEAD" && r.Method != "USE" {
			registered[r.Method+" "+r.Path] = true
		}
	}
	inTable := map[string]bool{}
	for _, rw := range rows {
		key := rw.method + " " + rw.route
		if inTable[key] {
			t.Errorf("%s has two rows in the matrix", key)
		}
		inTable[key] = true
		if !registered[key] {
			t.Errorf("%s has a row in the matrix but no route", key)
		}
	}
	for key := range registered {
		if !inTable[key] {
			t.Errorf("%s is a route without a row in the authorization matrix: say who may use it", key)
		}
	}

	// A few rows at a time, each row's cells one after the other.
	todo := make(chan row)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for rw := range todo {
				t.Run(rw.method+" "+rw.route, func(t *testing.T) { m.check(t, rw) })
			}
		}()
	}
	var last []row
	for _, rw := range rows {
		switch {
		case !registered[rw.method+" "+rw.route]:
		case endsEverything[rw.method+" "+rw.route]:
			last = append(last, rw)
		default:
			todo <- rw
		}
	}
	close(todo)
	wg.Wait()
	for _, rw := range last {
		t.Run(rw.method+" "+rw.route, func(t *testing.T) { m.check(t, rw) })
	}
}

// endsEverything are the routes that end every session and token of the
// member who calls them: they run after every other row, which need the
// roles' own.
var endsEverything = map[string]bool{
	"POST /api/v1/me/sign-out-everywhere": true,
	"POST /account/sign-out-everywhere":   true,
}

// check calls a row's route as each role.
func (m *matrix) check(t *testing.T, rw row) {
	for r := range roles {
		if got, code := m.cell(t, rw, r); got != rw.want[r] {
			t.Errorf("%s %s as %s: got %d%s, want %d", rw.method, rw.route, roleNames[r], got, code, rw.want[r])
		}
	}
}

// cell makes a role's call of a row and sends it.
func (m *matrix) cell(t *testing.T, rw row, r role) (int, string) {
	c := rw.prep.call(t, r)
	if c.done != nil {
		defer c.done()
	}
	return m.do(t, rw, r, c)
}

// role is a kind of person calling a route; each is a demo member.
type role int

// The roles, in the order of every row's cells.
const (
	anonymous    role = iota // nobody signed in
	homeless                 // liam: a member without a home
	residentA                // ada: lives at Elm Court (site A)
	coordinatorA             // chloe: lives at and coordinates Elm Court
	residentB                // elena: lives at Harbor House (site B), coordinates nothing
	coordinatorB             // grace: lives at and coordinates Harbor House
	treasurer                // the admin
	roles
)

var roleNames = [roles]string{"anonymous", "liam (no home)", "ada (resident of A)", "chloe (coordinator of A)",
	"elena (resident of B)", "grace (coordinator of B)", "the treasurer"}

var roleEmails = [roles]string{"", "liam@hearth.example", "ada@hearth.example", "chloe@hearth.example",
	"elena@hearth.example", "grace@hearth.example", "treasurer@hearth.example"}

// cells are the statuses a row expects, one per role.
type cells [roles]int

// row is a route and who may use it.
type row struct {
	method, route string
	prep          prep
	want          cells
}

// call is what one cell sends: the route's parameters, a query, and a
// body, as JSON for the API and as a form for pages (the CSRF token is
// added). token and browser replace the role's own credentials for
// routes that end them; done runs after the request.
type call struct {
	params map[string]string
	query  string
	json   any
	form   url.Values
	token  string
	client *browser
	done   func()
}

// prep makes one role's call of a row. Preps of requests that change
// something make the objects the call changes, afresh for each cell.
type prep func(t *testing.T, r role) call

// at is a prep of fixed path parameters, given as name, value pairs.
func at(kv ...any) prep {
	params := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		params[kv[i].(string)] = fmt.Sprint(kv[i+1])
	}
	return func(*testing.T, role) call { return call{params: params} }
}

// body adds a body to a prep, made afresh for each cell (n is unique): JSON
// for the API, the same fields as a form for pages.
func (p prep) body(f func(n int64) map[string]any) prep {
	return func(t *testing.T, r role) call {
		c := p.call(t, r)
		fields := f(seq.Add(1))
		c.json = fields
		c.form = formOf(fields)
		return c
	}
}

func (p prep) call(t *testing.T, r role) call {
	if p == nil {
		return call{}
	}
	return p(t, r)
}

// asIs is a body of fields as they are, so that writing it changes nothing.
func asIs(fields map[string]any) func(int64) map[string]any {
	return func(int64) map[string]any { return maps.Clone(fields) }
}

// seq numbers the names and keys that must be unique.
var seq atomic.Int64

func formOf(fields map[string]any) url.Values {
	f := url.Values{}
	for k, v := range fields {
		f.Set(k, fmt.Sprint(v))
	}
	return f
}

// rows is the matrix. Cells: anonymous, liam (no home), ada (lives at A),
// chloe (coordinates A), elena (lives at B), grace (coordinates B), the
// treasurer. Site A is Elm Court, B Harbor House.
func (m *matrix) rows() []row {
	A := m.siteA
	siteA := at("site_id", A)
	return []row{
		// Open to everyone.
		{"GET", "/healthz", nil, cells{200, 200, 200, 200, 200, 200, 200}},
		{"GET", "/readyz", nil, cells{200, 200, 200, 200, 200, 200, 200}},
		{"GET", "/api/v1/openapi.json", nil, cells{200, 200, 200, 200, 200, 200, 200}},
		{"GET", "/api/docs", nil, cells{200, 200, 200, 200, 200, 200, 200}},
		{"GET", "/calendars/:token.ics", at("token", m.benFeed), cells{200, 200, 200, 200, 200, 200, 200}}, // the token is the credential
		{"GET", "/signin", nil, cells{200, 303, 303, 303, 303, 303, 303}},                                  // signed in: on to the home page
		{"POST", "/signin", m.signIn, cells{303, 303, 303, 303, 303, 303, 303}},                            // each with their own password
		{"POST", "/api/v1/auth/token", m.issueToken, cells{200, 200, 200, 200, 200, 200, 200}},             // each with their own password
		{"DELETE", "/api/v1/auth/token", m.ownToken, cells{401, 204, 204, 204, 204, 204, 204}},
		{"POST", "/signout", m.ownSession, cells{303, 303, 303, 303, 303, 303, 303}}, // anonymous: to /signin too

		// One's own account: password, sessions and tokens, each member their own.
		{"GET", "/account", nil, cells{303, 200, 200, 200, 200, 200, 200}},
		{"GET", "/api/v1/me/sessions", nil, cells{401, 200, 200, 200, 200, 200, 200}},
		{"GET", "/api/v1/me/tokens", nil, cells{401, 200, 200, 200, 200, 200, 200}},
		{"DELETE", "/api/v1/me/sessions/:session_id", m.ownSessionID, cells{401, 204, 204, 204, 204, 204, 204}},
		{"POST", "/account/sessions/:session_id/end", m.ownSessionID, cells{303, 303, 303, 303, 303, 303, 303}},
		{"DELETE", "/api/v1/me/tokens/:token_id", m.ownTokenID, cells{401, 204, 204, 204, 204, 204, 204}},
		{"POST", "/account/tokens/:token_id/revoke", m.ownTokenID, cells{303, 303, 303, 303, 303, 303, 303}},
		// A wrong current password, so that the demo's stay: 422 says the change was the member's to try.
		{"PUT", "/api/v1/me/password", at().body(wrongPassword), cells{401, 422, 422, 422, 422, 422, 422}},
		{"POST", "/account/password", at().body(wrongPassword), cells{303, 422, 422, 422, 422, 422, 422}},
		// These end every credential of the member, so they run last (endsEverything).
		{"POST", "/api/v1/me/sign-out-everywhere", m.ownToken, cells{401, 204, 204, 204, 204, 204, 204}},
		{"POST", "/account/sign-out-everywhere", m.ownSession, cells{303, 303, 303, 303, 303, 303, 303}},

		// Every member: their own things, and what the cooperative shows to all.
		{"GET", "/", nil, cells{303, 200, 200, 200, 200, 200, 200}},
		{"GET", "/api/v1/me", nil, cells{401, 200, 200, 200, 200, 200, 200}},
		{"GET", "/api/v1/sites", nil, cells{401, 200, 200, 200, 200, 200, 200}},
		{"GET", "/api/v1/sites/:site_id", siteA, cells{401, 200, 200, 200, 200, 200, 200}},
		{"GET", "/api/v1/resources", nil, cells{401, 200, 200, 200, 200, 200, 200}},
		{"GET", "/api/v1/sites/:site_id/resources", siteA, cells{401, 200, 200, 200, 200, 200, 200}},
		{"GET", "/api/v1/resources/:resource_id", at("resource_id", m.laundryA), cells{401, 200, 200, 200, 200, 200, 200}},
		{"GET", "/api/v1/resources/:resource_id/rules", at("resource_id", m.laundryA), cells{401, 200, 200, 200, 200, 200, 200}},
		{"GET", "/api/v1/resources/:resource_id/blackouts", at("resource_id", m.laundryA), cells{401, 200, 200, 200, 200, 200, 200}},
		{"GET", "/api/v1/resources/:resource_id/free", at("resource_id", m.laundryA), cells{401, 200, 200, 200, 200, 200, 200}},
		{"GET", "/api/v1/resources/:resource_id/bookings", at("resource_id", m.laundryA), cells{401, 200, 200, 200, 200, 200, 200}},
		{"GET", "/api/v1/bookings", nil, cells{401, 200, 200, 200, 200, 200, 200}},
		{"GET", "/api/v1/lottery-windows", nil, cells{401, 200, 200, 200, 200, 200, 200}},
		{"GET", "/api/v1/lottery-windows/:window_id", at("window_id", m.demoWindowA), cells{401, 200, 200, 200, 200, 200, 200}},
		{"GET", "/api/v1/lottery-windows/:window_id/record", at("window_id", m.demoWindowA), cells{401, 200, 200, 200, 200, 200, 200}},
		{"GET", "/api/v1/lottery-windows/:window_id/request", at("window_id", m.demoWindowA), cells{401, 200, 200, 200, 200, 200, 200}},
		{"GET", "/api/v1/sites/:site_id/lottery-usage", siteA, cells{401, 200, 200, 200, 200, 200, 200}},
		{"GET", "/api/v1/calendar-feeds", nil, cells{401, 200, 200, 200, 200, 200, 200}},
		{"POST", "/api/v1/calendar-feeds/mine", nil, cells{401, 201, 201, 201, 201, 201, 201}},
		{"DELETE", "/api/v1/calendar-feeds/mine", nil, cells{401, 204, 204, 204, 204, 204, 204}},
		{"GET", "/api/v1/equity/settings", nil, cells{401, 200, 200, 200, 200, 200, 200}},
		{"GET", "/api/v1/moves", nil, cells{401, 200, 200, 200, 200, 200, 200}},
		{"GET", "/api/v1/moves/quote", m.quoteC, cells{401, 422, 200, 200, 200, 200, 422}}, // 422: no home to move from
		{"GET", "/spaces", nil, cells{303, 200, 200, 200, 200, 200, 200}},
		{"GET", "/spaces/:resource_id", at("resource_id", m.laundryA), cells{303, 200, 200, 200, 200, 200, 200}},
		{"GET", "/bookings", nil, cells{303, 200, 200, 200, 200, 200, 200}},
		{"GET", "/lotteries", nil, cells{303, 200, 200, 200, 200, 200, 200}},
		{"GET", "/lotteries/usage", nil, cells{303, 200, 200, 200, 200, 200, 200}},
		{"GET", "/lotteries/:window_id", at("window_id", m.demoWindowA), cells{303, 200, 200, 200, 200, 200, 200}},
		{"GET", "/lotteries/:window_id/record.json", at("window_id", m.demoWindowA), cells{303, 200, 200, 200, 200, 200, 200}},
		{"GET", "/calendars", nil, cells{303, 200, 200, 200, 200, 200, 200}},
		{"GET", "/equity", nil, cells{303, 200, 200, 200, 200, 200, 200}},
		{"GET", "/equity/statement.csv", nil, cells{303, 200, 200, 200, 200, 200, 200}},
		{"GET", "/equity/print", nil, cells{303, 200, 200, 200, 200, 200, 200}},
		{"GET", "/equity/sites", nil, cells{303, 200, 303, 200, 303, 200, 200}}, // 303: a resident goes on to their one pool
		{"GET", "/moves", nil, cells{303, 200, 200, 200, 200, 200, 200}},
		{"GET", "/moves/new", m.quoteC, cells{303, 422, 200, 200, 200, 200, 422}}, // 422: no home to move from
		{"POST", "/api/v1/moves", m.requestMove, cells{401, 422, 201, 201, 201, 201, 422}},
		{"POST", "/moves", m.requestMove, cells{303, 422, 303, 303, 303, 303, 422}},

		// Calendar feeds of a space follow who may book it: Elm Court's laundry is for its residents.
		{"POST", "/api/v1/calendar-feeds/resources/:resource_id", at("resource_id", m.laundryA), cells{401, 404, 201, 201, 404, 404, 201}},
		{"DELETE", "/api/v1/calendar-feeds/resources/:resource_id", at("resource_id", m.laundryA), cells{401, 404, 204, 204, 404, 404, 204}},
		{"POST", "/calendars/:which/new", at("which", m.laundryA), cells{303, 404, 303, 303, 404, 404, 303}},
		{"POST", "/calendars/:which/revoke", at("which", m.laundryA), cells{303, 404, 303, 303, 404, 404, 303}},

		// Bookings. Spaces made for a cell are residents-only spaces of A: not_allowed_to_book (422) for
		// those who live elsewhere, the treasurer too (as the database rules).
		{"GET", "/api/v1/bookings/:booking_id", at("booking_id", m.adaBooking), cells{401, 404, 200, 200, 404, 404, 200}},
		{"POST", "/api/v1/resources/:resource_id/bookings", m.freeSlot, cells{401, 422, 201, 201, 422, 422, 422}},
		{"POST", "/spaces/:resource_id/book", m.freeSlot, cells{303, 422, 303, 303, 422, 422, 422}},
		{"POST", "/api/v1/resources/:resource_id/series", m.freeSeries, cells{401, 422, 201, 201, 422, 422, 422}},
		{"POST", "/api/v1/resources/:resource_id/waitlist", m.takenSlot, cells{401, 422, 201, 201, 422, 422, 422}},
		{"POST", "/spaces/:resource_id/waitlist", m.takenSlot, cells{303, 422, 303, 303, 422, 422, 422}},
		{"DELETE", "/api/v1/bookings/:booking_id", m.bookingOfAda, cells{401, 403, 204, 204, 403, 403, 204}},
		{"POST", "/bookings/:booking_id/cancel", m.bookingOfAda, cells{303, 403, 303, 303, 403, 403, 303}},
		{"DELETE", "/api/v1/series/:series_id", m.seriesOfAda, cells{401, 403, 200, 200, 403, 403, 200}},
		{"POST", "/bookings/series/:series_id/cancel", m.seriesOfAda, cells{303, 403, 303, 303, 403, 403, 303}},
		{"DELETE", "/api/v1/waitlist/:entry_id", m.waitlistEntryOfAda, cells{401, 404, 204, 404, 404, 404, 404}},
		{"POST", "/bookings/waitlist/:entry_id/leave", m.waitlistEntryOfAda, cells{303, 404, 303, 404, 404, 404, 404}},
		{"POST", "/api/v1/bookings/:booking_id/accept", m.offerToAda, cells{401, 404, 200, 404, 404, 404, 404}},
		{"POST", "/bookings/:booking_id/accept", m.offerToAda, cells{303, 404, 303, 404, 404, 404, 404}},
		{"GET", "/api/v1/approvals", nil, cells{401, 403, 403, 200, 403, 200, 200}},
		{"GET", "/spaces/approvals", nil, cells{303, 403, 403, 200, 403, 200, 200}},
		{"POST", "/api/v1/bookings/:booking_id/approve", m.pendingOfAda, cells{401, 403, 403, 200, 403, 403, 200}},
		{"POST", "/api/v1/bookings/:booking_id/decline", m.pendingOfAda, cells{401, 403, 403, 200, 403, 403, 200}},
		{"POST", "/spaces/approvals/:booking_id", m.pendingOfAda, cells{303, 403, 403, 303, 403, 403, 303}},

		// Spaces and their rules: the site's coordinators and the treasurer.
		{"GET", "/spaces/new", nil, cells{303, 403, 403, 200, 403, 200, 200}},
		{"POST", "/api/v1/sites/:site_id/resources", siteA.body(newSpace), cells{401, 403, 403, 201, 403, 403, 201}},
		{"POST", "/spaces", at().body(func(n int64) map[string]any {
			f := newSpace(n)
			f["site_id"] = fmt.Sprint(A)
			return f
		}), cells{303, 403, 403, 303, 403, 403, 303}},
		{"PUT", "/api/v1/resources/:resource_id", at("resource_id", m.renameSpaceA).body(newSpace), cells{401, 403, 403, 200, 403, 403, 200}},
		{"POST", "/spaces/:resource_id/details", at("resource_id", m.renameSpaceA).body(newSpace), cells{303, 403, 403, 303, 403, 403, 303}},
		{"GET", "/spaces/:resource_id/rules", at("resource_id", m.laundryA), cells{303, 403, 403, 200, 403, 403, 200}},
		{"PUT", "/api/v1/resources/:resource_id/rules", m.rules, cells{401, 403, 403, 200, 403, 403, 200}},
		{"POST", "/spaces/:resource_id/rules", m.rules, cells{303, 403, 403, 303, 403, 403, 303}},
		{"POST", "/api/v1/resources/:resource_id/blackouts", m.blackoutSlot, cells{401, 403, 403, 201, 403, 403, 201}},
		{"POST", "/spaces/:resource_id/blackouts", m.blackoutSlot, cells{303, 403, 403, 303, 403, 403, 303}},
		{"DELETE", "/api/v1/blackouts/:blackout_id", m.blackout, cells{401, 403, 403, 204, 403, 403, 204}},
		{"POST", "/spaces/:resource_id/blackouts/:blackout_id/delete", m.blackout, cells{303, 403, 403, 303, 403, 403, 303}},

		// Lotteries: all may read; coordinators open, draw and cancel; who may book a space may enter its lottery.
		{"GET", "/lotteries/new", nil, cells{303, 403, 403, 200, 403, 200, 200}},
		{"POST", "/api/v1/resources/:resource_id/lottery-windows", m.nights, cells{401, 403, 403, 201, 403, 403, 201}},
		{"POST", "/lotteries", m.nights, cells{303, 403, 403, 303, 403, 422, 303}}, // grace: not a space of her sites, a form error
		{"POST", "/api/v1/lottery-windows/:window_id/draw", m.closedWindow, cells{401, 403, 403, 200, 403, 403, 200}},
		{"POST", "/lotteries/:window_id/draw", m.closedWindow, cells{303, 403, 403, 303, 403, 403, 303}},
		{"POST", "/api/v1/lottery-windows/:window_id/cancel", m.openWindow, cells{401, 403, 403, 204, 403, 403, 204}},
		{"POST", "/lotteries/:window_id/cancel", m.openWindow, cells{303, 403, 403, 303, 403, 403, 303}},
		{"PUT", "/api/v1/lottery-windows/:window_id/request", m.enterWindow, cells{401, 403, 200, 200, 403, 403, 403}},
		{"POST", "/lotteries/:window_id/request", m.enterWindow, cells{303, 403, 303, 303, 403, 403, 403}},
		{"DELETE", "/api/v1/lottery-windows/:window_id/request", m.enterWindow, cells{401, 403, 204, 204, 403, 403, 403}},
		{"POST", "/lotteries/:window_id/withdraw", m.enterWindow, cells{303, 403, 303, 303, 403, 403, 403}},

		// Sites: anyone reads the API; the site pages and units, residencies are for the site's coordinators;
		// creating sites and appointing coordinators for the treasurer.
		{"GET", "/sites", nil, cells{303, 403, 403, 200, 403, 200, 200}},
		{"GET", "/sites/:site_id", siteA, cells{303, 403, 403, 200, 403, 403, 200}},
		{"GET", "/api/v1/sites/:site_id/residencies", siteA, cells{401, 403, 403, 200, 403, 403, 200}},
		{"GET", "/sites/new", nil, cells{303, 403, 403, 403, 403, 403, 200}},
		{"POST", "/api/v1/sites", at().body(newSite), cells{401, 403, 403, 403, 403, 403, 201}},
		{"POST", "/sites", at().body(newSite), cells{303, 403, 403, 403, 403, 403, 303}},
		{"GET", "/sites/:site_id/edit", siteA, cells{303, 403, 403, 403, 403, 403, 200}},
		{"PATCH", "/api/v1/sites/:site_id", siteA.body(asIs(m.siteAAsIs)), cells{401, 403, 403, 403, 403, 403, 200}},
		{"POST", "/sites/:site_id/edit", siteA.body(asIs(m.siteAAsIs)), cells{303, 403, 403, 403, 403, 403, 303}},
		{"POST", "/api/v1/sites/:site_id/units", siteA.body(newUnit), cells{401, 403, 403, 201, 403, 403, 201}},
		{"POST", "/sites/:site_id/units", siteA.body(newUnit), cells{303, 403, 403, 303, 403, 403, 303}},
		{"GET", "/sites/:site_id/units/:unit_id/edit", at("site_id", A, "unit_id", m.unitA), cells{303, 403, 403, 200, 403, 403, 200}},
		{"PATCH", "/api/v1/sites/:site_id/units/:unit_id", at("site_id", A, "unit_id", m.unitA).body(asIs(m.unitAAsIs)), cells{401, 403, 403, 200, 403, 403, 200}},
		{"POST", "/sites/:site_id/units/:unit_id/edit", at("site_id", A, "unit_id", m.unitA).body(asIs(m.unitAAsIs)), cells{303, 403, 403, 303, 403, 403, 303}},
		{"POST", "/api/v1/sites/:site_id/residencies", m.placement, cells{401, 403, 403, 201, 403, 403, 201}},
		{"POST", "/sites/:site_id/residencies", m.placement, cells{303, 403, 403, 303, 403, 403, 303}},
		{"POST", "/api/v1/sites/:site_id/residencies/:residency_id/end", m.residency, cells{401, 403, 403, 200, 403, 403, 200}},
		{"POST", "/sites/:site_id/residencies/:residency_id/end", m.residency, cells{303, 403, 403, 303, 403, 403, 303}},
		{"POST", "/api/v1/sites/:site_id/coordinators", m.newcomer, cells{401, 403, 403, 403, 403, 403, 201}},
		{"POST", "/sites/:site_id/coordinators", m.newcomer, cells{303, 403, 403, 403, 403, 403, 303}},
		{"DELETE", "/api/v1/sites/:site_id/coordinators/:member_id", m.coordinator, cells{401, 403, 403, 403, 403, 403, 204}},
		{"POST", "/sites/:site_id/coordinators/:member_id/remove", m.coordinator, cells{303, 403, 403, 403, 403, 403, 303}},

		// Members' accounts: the treasurer.
		{"GET", "/api/v1/members", nil, cells{401, 403, 403, 403, 403, 403, 200}},
		{"GET", "/members", nil, cells{303, 403, 403, 403, 403, 403, 200}},
		{"POST", "/api/v1/members", at().body(newMember), cells{401, 403, 403, 403, 403, 403, 201}},
		{"POST", "/members", at().body(newMember), cells{303, 403, 403, 403, 403, 403, 303}},

		// Members' money: the member and the treasurer, never a neighbour or a coordinator.
		{"GET", "/api/v1/members/:member_id/equity", at("member_id", m.ada), cells{401, 403, 200, 403, 403, 403, 200}},
		{"GET", "/api/v1/members/:member_id/equity.csv", at("member_id", m.ada), cells{401, 403, 200, 403, 403, 403, 200}},
		{"GET", "/api/v1/members/:member_id/charges", at("member_id", m.ada), cells{401, 403, 200, 403, 403, 403, 200}},
		{"GET", "/equity/members", nil, cells{303, 403, 403, 403, 403, 403, 200}},
		{"GET", "/equity/members/:member_id", at("member_id", m.ada), cells{303, 403, 200, 403, 403, 403, 200}},
		{"GET", "/equity/members/:member_id/statement.csv", at("member_id", m.ada), cells{303, 403, 200, 403, 403, 403, 200}},
		{"GET", "/equity/members/:member_id/print", at("member_id", m.ada), cells{303, 403, 200, 403, 403, 403, 200}},
		{"GET", "/api/v1/loans/:loan_id", at("loan_id", m.adaLoan), cells{401, 403, 200, 403, 403, 403, 200}},
		{"GET", "/api/v1/loans/:loan_id/payoff", at("loan_id", m.adaLoan), cells{401, 403, 200, 403, 403, 403, 200}},
		{"GET", "/equity/loans/:loan_id", at("loan_id", m.adaLoan), cells{303, 403, 200, 403, 403, 403, 200}},
		// Paydowns change Inès's and Dev's share loans (not ada's, whose loan the rows above read).
		{"POST", "/api/v1/members/:member_id/share-loan/paydowns", at("member_id", m.ines).body(paydown), cells{401, 403, 403, 403, 403, 403, 201}},
		{"POST", "/equity/loans/:loan_id/paydown", m.loanOfDev, cells{303, 403, 403, 403, 403, 403, 303}},

		// Share pools: who lives at the site or holds shares there, its coordinators and the treasurer
		// read them; coordinators record appraisals; the money settings are the treasurer's.
		{"GET", "/api/v1/sites/:site_id/share-pool", siteA, cells{401, 403, 200, 200, 403, 403, 200}},
		{"GET", "/api/v1/sites/:site_id/share-price", siteA, cells{401, 403, 200, 200, 403, 403, 200}},
		{"GET", "/equity/sites/:site_id", siteA, cells{303, 403, 200, 200, 403, 403, 200}},
		{"PATCH", "/api/v1/sites/:site_id/share-pool", siteA.body(asIs(m.reserveAAsIs)), cells{401, 403, 403, 403, 403, 403, 200}},
		{"POST", "/equity/sites/:site_id/pool", siteA.body(asIs(m.reserveAAsIs)), cells{303, 403, 403, 403, 403, 403, 303}},
		{"POST", "/api/v1/sites/:site_id/price-policies", siteA.body(m.futurePolicy), cells{401, 403, 403, 403, 403, 403, 201}},
		{"POST", "/equity/sites/:site_id/policies", siteA.body(m.futurePolicy), cells{303, 403, 403, 403, 403, 403, 303}},
		{"POST", "/api/v1/sites/:site_id/appraisals", siteA.body(m.futureAppraisal), cells{401, 403, 403, 201, 403, 403, 201}},
		{"POST", "/equity/sites/:site_id/appraisals", siteA.body(m.futureAppraisal), cells{303, 403, 403, 303, 403, 403, 303}},
		// Elm Court has its mortgage, and a site has one at a time: the treasurer's valid mortgage is refused
		// after authorization, 409 mortgage_exists (the page shows the form again, 422).
		{"POST", "/api/v1/sites/:site_id/mortgages", m.mortgage, cells{401, 403, 403, 403, 403, 403, 409}},
		{"POST", "/equity/sites/:site_id/mortgages", m.mortgage, cells{303, 403, 403, 403, 403, 403, 422}},
		{"PUT", "/api/v1/sites/:site_id/units/:unit_id/required-equity", at("site_id", A, "unit_id", m.unitA).body(requiredEquity), cells{401, 403, 403, 403, 403, 403, 200}},
		{"POST", "/equity/sites/:site_id/units/:unit_id/required-equity", at("site_id", A, "unit_id", m.unitA).body(requiredEquity), cells{303, 403, 403, 403, 403, 403, 303}},
		{"GET", "/equity/settings", nil, cells{303, 403, 403, 403, 403, 403, 200}},
		{"PUT", "/api/v1/equity/settings", at().body(asIs(m.settingsAsIs)), cells{401, 403, 403, 403, 403, 403, 200}},
		{"POST", "/equity/settings", at().body(asIs(m.settingsAsIs)), cells{303, 403, 403, 403, 403, 403, 303}},
		{"POST", "/api/v1/price-indexes/:series/points", at("series", "matrix").body(m.indexPoint), cells{401, 403, 403, 403, 403, 403, 201}},
		{"POST", "/equity/indexes", at().body(m.indexForm), cells{303, 403, 403, 403, 403, 403, 303}},

		// Admissions: the site's coordinators.
		{"GET", "/api/v1/sites/:site_id/free-units", siteA, cells{401, 403, 403, 200, 403, 403, 200}},
		{"GET", "/api/v1/sites/:site_id/admissions", siteA, cells{401, 403, 403, 200, 403, 403, 200}},
		{"GET", "/equity/sites/:site_id/admit", siteA, cells{303, 403, 403, 200, 403, 403, 200}},
		{"POST", "/api/v1/sites/:site_id/admissions", m.admission, cells{401, 403, 403, 201, 403, 403, 201}},
		{"POST", "/equity/sites/:site_id/admit", m.admission, cells{303, 403, 403, 303, 403, 403, 303}},

		// Monthly charges: the treasurer. The run is of a month charged long ago, so it changes nothing.
		{"GET", "/api/v1/charges/runs", nil, cells{401, 403, 403, 403, 403, 403, 200}},
		{"GET", "/charges", nil, cells{303, 403, 403, 403, 403, 403, 200}},
		{"GET", "/api/v1/charges/:month", at("month", m.chargedMonth), cells{401, 403, 403, 403, 403, 403, 200}},
		{"GET", "/charges/:month", at("month", m.chargedMonth), cells{303, 403, 403, 403, 403, 403, 200}},
		{"POST", "/api/v1/charges/runs", at().body(m.chargeRun), cells{401, 403, 403, 403, 403, 403, 200}},
		{"POST", "/charges/runs", at().body(m.chargeRun), cells{303, 403, 403, 403, 403, 403, 303}},

		// Moves from B to A: the mover sees and confirms or withdraws; the coordinators of both sites see it,
		// those of the destination decide; the treasurer sees all and withdraws for a member.
		{"GET", "/api/v1/moves/:move_id", at("move_id", m.elenaMove), cells{401, 404, 404, 200, 200, 200, 200}},
		{"GET", "/moves/:move_id", at("move_id", m.elenaMove), cells{303, 404, 404, 200, 200, 200, 200}},
		{"GET", "/api/v1/sites/:site_id/moves", siteA, cells{401, 403, 403, 200, 403, 403, 200}},
		{"GET", "/moves/review", nil, cells{303, 403, 403, 200, 403, 200, 200}},
		{"POST", "/api/v1/moves/:move_id/confirm", m.moveOfElena, cells{401, 404, 404, 403, 200, 403, 403}},
		{"POST", "/moves/:move_id/confirm", m.moveOfElena, cells{303, 404, 404, 403, 303, 403, 403}},
		{"POST", "/api/v1/moves/:move_id/withdraw", m.moveOfElena, cells{401, 404, 404, 403, 200, 403, 200}},
		{"POST", "/moves/:move_id/withdraw", m.moveOfElena, cells{303, 404, 404, 403, 303, 403, 303}},
		// Deciding: a newcomer living at B asks to move to A, so elena is no one here.
		{"POST", "/api/v1/moves/:move_id/approve", m.newcomerMove, cells{401, 404, 404, 200, 404, 403, 200}},
		{"POST", "/moves/:move_id/approve", m.newcomerMove, cells{303, 404, 404, 303, 404, 403, 303}},
		{"POST", "/api/v1/moves/:move_id/decline", m.newcomerMove, cells{401, 404, 404, 200, 404, 403, 200}},
		{"POST", "/moves/:move_id/decline", m.newcomerMove, cells{303, 404, 404, 303, 404, 403, 303}},
		{"POST", "/api/v1/moves/:move_id/complete", m.dueMove, cells{401, 404, 404, 200, 404, 403, 200}},
		{"POST", "/moves/:move_id/complete", m.dueMove, cells{303, 404, 404, 303, 404, 403, 303}},

		// The books: the treasurer alone.
		{"GET", "/api/v1/ledger/accounts", nil, cells{401, 403, 403, 403, 403, 403, 200}},
		{"POST", "/api/v1/ledger/accounts", at().body(newAccount), cells{401, 403, 403, 403, 403, 403, 201}},
		{"GET", "/api/v1/ledger/accounts/:code", at("code", "assets:bank:operating"), cells{401, 403, 403, 403, 403, 403, 200}},
		{"GET", "/api/v1/ledger/accounts/:code/statement", at("code", "assets:bank:operating"), cells{401, 403, 403, 403, 403, 403, 200}},
		{"GET", "/api/v1/ledger/entries", nil, cells{401, 403, 403, 403, 403, 403, 200}},
		{"POST", "/api/v1/ledger/entries", m.entry, cells{401, 403, 403, 403, 403, 403, 201}},
		{"GET", "/api/v1/ledger/entries/:entry_id", at("entry_id", m.entryID), cells{401, 403, 403, 403, 403, 403, 200}},
		{"POST", "/api/v1/ledger/entries/:entry_id/reversal", m.postedEntry, cells{401, 403, 403, 403, 403, 403, 201}},
		{"GET", "/api/v1/ledger/trial-balance", nil, cells{401, 403, 403, 403, 403, 403, 200}},
		{"GET", "/ledger", nil, cells{303, 403, 403, 403, 403, 403, 200}},
		{"POST", "/ledger/accounts", at().body(newAccount), cells{303, 403, 403, 403, 403, 403, 303}},
		{"GET", "/ledger/accounts/:code", at("code", "assets:bank:operating"), cells{303, 403, 403, 403, 403, 403, 200}},
		{"GET", "/ledger/accounts/:code/statement.csv", at("code", "assets:bank:operating"), cells{303, 403, 403, 403, 403, 403, 200}},
		{"GET", "/ledger/entries", nil, cells{303, 403, 403, 403, 403, 403, 200}},
		{"GET", "/ledger/entries.csv", nil, cells{303, 403, 403, 403, 403, 403, 200}},
		{"GET", "/ledger/entries/new", nil, cells{303, 403, 403, 403, 403, 403, 200}},
		{"POST", "/ledger/entries", m.entry, cells{303, 403, 403, 403, 403, 403, 303}},
		{"GET", "/ledger/entries/:entry_id", at("entry_id", m.entryID), cells{303, 403, 403, 403, 403, 403, 200}},
		{"POST", "/ledger/entries/:entry_id/reversal", m.postedEntry, cells{303, 403, 403, 403, 403, 403, 303}},
		{"GET", "/ledger/trial-balance", nil, cells{303, 403, 403, 403, 403, 403, 200}},
	}
}

// matrix is the demo cooperative served by the real server, with its
// members signed in, the ids the rows use, and the domain services that
// make each cell's objects.
type matrix struct {
	ts       *testServer
	db       *sqlx.DB
	ctx      context.Context
	members  [roles]app.Member
	tokens   [roles]string
	browsers [roles]*browser

	siteA, siteB, siteC int64
	ada, ben, dev, ines int64 // members
	laundryA            int64 // Elm Court's laundry, for residents
	adaBooking          int64 // a coming booking of ada's at Elm Court
	adaLoan             int64 // ada's share loan
	elenaMove           int64 // elena's request to move from Harbor House to Elm Court
	demoWindowA         int64 // the open lottery of Elm Court's guest room
	entryID             int64 // a journal entry
	chargedMonth        string
	benFeed             string // the token of Ben's calendar feed

	unitA        int64 // a free unit of Elm Court made for the matrix
	moveUnitA    int64 // a free unit of Elm Court that moves ask for
	unitC        int64 // a free unit of Linden Yard that moves ask for, requiring 45,000.00 of equity
	renameSpaceA int64 // a space of Elm Court whose name the rows change
	rulesSpaceA  int64 // a space of Elm Court whose rules the rows set
	windowA      int64 // an open lottery of a residents' space of Elm Court
	windowSlot   int64 // one of its slots
	closing      chan closingWindow

	// Bodies that write things as they are.
	siteAAsIs, unitAAsIs, reserveAAsIs, settingsAsIs map[string]any

	svc *hearth.Services

	mu    sync.Mutex
	locks map[int64]*sync.Mutex // by member: their move requests
}

// browser is a cookie jar signed in to the pages, with its CSRF token.
type browser struct {
	*http.Client
	csrf string
}

func newMatrix(t *testing.T) *matrix {
	ctx := context.Background()
	db, err := app.OpenDB(ctx, apptest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := demo.Seed(ctx, db, apptest.Logger(), io.Discard, false); err != nil {
		t.Fatal(err)
	}
	cfg := newTestConfig()
	m := &matrix{ts: startTestServer(t, cfg, db, apptest.Logger()), db: db, ctx: ctx, locks: map[int64]*sync.Mutex{}}
	m.svc = m.ts.Svc

	for r := homeless; r < roles; r++ {
		m.members[r] = m.member(t, roleEmails[r])
	}
	m.ada = m.members[residentA].ID
	m.ben = m.member(t, "ben@hearth.example").ID
	m.dev = m.member(t, "dev@hearth.example").ID
	m.ines = m.member(t, "ines@hearth.example").ID
	m.lookUp(t)
	m.makeFixtures(t)

	// Sign everyone in, through the API and through the sign-in form.
	var wg sync.WaitGroup
	for r := range roles {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m.browsers[r] = m.signInBrowser(t, r)
			if r != anonymous {
				m.tokens[r] = m.issue(t, roleEmails[r])
			}
		}()
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	return m
}

func (m *matrix) member(t *testing.T, email string) app.Member {
	var mb app.Member
	if err := m.db.Get(&mb, `SELECT id, email, name, role, created_at FROM members WHERE email = $1`, email); err != nil {
		t.Fatalf("member %s: %v", email, err)
	}
	return mb
}

// get reads one value of the demo data, failing the test when it is not there.
func (m *matrix) get(t *testing.T, dst any, query string, args ...any) {
	t.Helper()
	if err := m.db.Get(dst, query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// lookUp finds the demo data the rows read, by name.
func (m *matrix) lookUp(t *testing.T) {
	m.get(t, &m.siteA, `SELECT id FROM sites WHERE name = 'Elm Court'`)
	m.get(t, &m.siteB, `SELECT id FROM sites WHERE name = 'Harbor House'`)
	m.get(t, &m.siteC, `SELECT id FROM sites WHERE name = 'Linden Yard'`)
	m.get(t, &m.laundryA, `SELECT id FROM resources WHERE site_id = $1 AND name = 'Laundry'`, m.siteA)
	m.get(t, &m.adaBooking, `SELECT id FROM bookings WHERE member_id = $1 AND site_id = $2 AND status = 'confirmed'
		AND lower(during) > now() ORDER BY lower(during) LIMIT 1`, m.ada, m.siteA)
	m.get(t, &m.adaLoan, `SELECT id FROM loans WHERE member_id = $1 AND kind = 'share_loan' AND closed_on IS NULL`, m.ada)
	m.get(t, &m.elenaMove, `SELECT id FROM move_requests WHERE member_id = $1 AND site_id = $2`, m.members[residentB].ID, m.siteA)
	m.get(t, &m.demoWindowA, `SELECT id FROM lottery_windows WHERE site_id = $1 AND status = 'open'`, m.siteA)
	m.get(t, &m.entryID, `SELECT min(id) FROM ledger_entries`)
	var month time.Time
	m.get(t, &month, `SELECT min(month) FROM unit_charges`)
	m.chargedMonth = month.Format("2006-01")
}

// makeFixtures makes what several cells share and none changes in a way
// the others notice.
func (m *matrix) makeFixtures(t *testing.T) {
	m.unitA = m.newUnit(t, m.siteA)
	m.moveUnitA = m.newUnit(t, m.siteA)
	m.unitC = m.newUnit(t, m.siteC)
	m.fail(t, "required equity", m.svc.Equity.SetRequiredEquity(m.ctx, m.principal(t, m.members[treasurer].ID), m.siteC, m.unitC, decimal.RequireFromString("45000.00")))
	var site struct{ Name, Address, Timezone string }
	m.get(t, &site, `SELECT name, address, timezone FROM sites WHERE id = $1`, m.siteA)
	m.siteAAsIs = map[string]any{"name": site.Name, "address": site.Address, "timezone": site.Timezone}
	var unit struct {
		Name          string
		Bedrooms      int
		MonthlyCharge string `db:"monthly_charge"`
	}
	m.get(t, &unit, `SELECT name, bedrooms, monthly_charge::text FROM units WHERE id = $1`, m.unitA)
	m.unitAAsIs = map[string]any{"name": unit.Name, "bedrooms": unit.Bedrooms, "monthly_charge": unit.MonthlyCharge}
	var reserve string
	m.get(t, &reserve, `SELECT reserve_pct::text FROM share_pools WHERE site_id = $1`, m.siteA)
	m.reserveAAsIs = map[string]any{"reserve_pct": reserve}
	st, err := m.svc.Equity.Settings(m.ctx)
	m.fail(t, "settings", err)
	m.settingsAsIs = map[string]any{"loan_to_value_pct": st.LoanToValuePct.String(), "share_loan_rate_pct": st.ShareLoanRatePct.String(),
		"share_loan_months": st.ShareLoanMonths, "transfer_fee_pct": st.TransferFeePct.String()}

	m.renameSpaceA = m.newSpace(t, m.siteA, booking.Rules{WhoMayBook: booking.Residents})
	m.rulesSpaceA = m.newSpace(t, m.siteA, booking.Rules{WhoMayBook: booking.Residents})

	w := m.newWindow(t, m.newSpace(t, m.siteA, booking.Rules{WhoMayBook: booking.Residents}))
	m.windowA = w
	m.get(t, &m.windowSlot, `SELECT min(id) FROM lottery_slots WHERE window_id = $1`, w)

	for _, a := range []ledger.Account{
		{Code: "assets:matrix:cash", Type: ledger.AccountType("asset"), Name: "Matrix cash"},
		{Code: "equity:matrix:capital", Type: ledger.AccountType("equity"), Name: "Matrix capital"},
	} {
		if _, err := m.svc.Ledger.OpenAccount(m.ctx, m.principal(t, m.members[treasurer].ID), a); err != nil {
			t.Fatal(err)
		}
	}
	m.benFeed, err = m.svc.Feeds.NewLink(m.ctx, m.principal(t, m.ben), 0)
	m.fail(t, "calendar feed", err)

	// Lotteries to draw, closing in a moment, one for each cell of the two
	// rows that draw.
	m.closing = make(chan closingWindow, 2*roles)
	for range 2 * roles {
		space := m.newSpace(t, m.siteA, booking.Rules{WhoMayBook: booking.Residents})
		closesAt := time.Now().Add(4 * time.Second)
		w := closingWindow{id: m.openLottery(t, space, closesAt), closesAt: closesAt}
		var slot int64
		m.get(t, &slot, `SELECT min(id) FROM lottery_slots WHERE window_id = $1`, w.id)
		m.fail(t, "request", m.svc.Lottery.SetRequest(m.ctx, m.principal(t, m.ada), w.id, []int64{slot}))
		m.closing <- w
	}
}

// closingWindow is a lottery that closes at closesAt.
type closingWindow struct {
	id       int64
	closesAt time.Time
}

// principal loads a member's relations, for calls of the domain services.
func (m *matrix) principal(t *testing.T, id int64) *app.Principal {
	p, err := m.svc.Accounts.Principal(m.ctx, app.Member{ID: id})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// issue signs in through the API.
func (m *matrix) issue(t *testing.T, email string) string {
	b, _ := json.Marshal(map[string]string{"email": email, "password": demo.Password})
	res, err := http.Post(m.ts.URL+"/api/v1/auth/token", "application/json", strings.NewReader(string(b)))
	if err != nil {
		t.Error(err)
		return ""
	}
	defer res.Body.Close()
	var answer struct{ Token string }
	if err := json.NewDecoder(res.Body).Decode(&answer); err != nil || res.StatusCode != 200 {
		t.Errorf("token for %s: %d %v", email, res.StatusCode, err)
	}
	return answer.Token
}

// signInBrowser signs a role in through the sign-in form and reads the
// CSRF token of its session afterwards.
func (m *matrix) signInBrowser(t *testing.T, r role) *browser {
	c := m.ts.browser(t)
	csrf, err := m.csrfOf(c, "/signin")
	if err != nil || r == anonymous {
		if err != nil {
			t.Error(err)
		}
		return &browser{c, csrf}
	}
	res, err := c.PostForm(m.ts.URL+"/signin", url.Values{"_csrf": {csrf}, "email": {roleEmails[r]}, "password": {demo.Password}})
	if err != nil {
		t.Error(err)
		return &browser{c, ""}
	}
	res.Body.Close()
	if res.StatusCode != 303 {
		t.Errorf("sign-in of %s: %d", roleEmails[r], res.StatusCode)
	}
	csrf, err = m.csrfOf(c, "/")
	if err != nil {
		t.Error(err)
	}
	return &browser{c, csrf}
}

var csrfInPage = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// csrfOf reads the CSRF token of a page's forms.
func (m *matrix) csrfOf(c *http.Client, path string) (string, error) {
	res, err := c.Get(m.ts.URL + path)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	found := csrfInPage.FindSubmatch(b)
	if found == nil {
		return "", fmt.Errorf("GET %s: %d without a CSRF token", path, res.StatusCode)
	}
	return string(found[1]), nil
}

var routeParam = regexp.MustCompile(`:[a-z_]+`)

// do sends one cell's call and returns the status, with the code of an
// API error for the failure message; redirects are not followed.
func (m *matrix) do(t *testing.T, rw row, r role, c call) (int, string) {
	t.Helper()
	path := routeParam.ReplaceAllStringFunc(rw.route, func(p string) string {
		v, ok := c.params[p[1:]]
		if !ok {
			t.Fatalf("%s %s: no value for %s", rw.method, rw.route, p)
		}
		return v
	})
	if c.query != "" {
		path += "?" + c.query
	}
	var req *http.Request
	client := http.DefaultClient
	if strings.HasPrefix(rw.route, "/api/v1/") {
		var body io.Reader
		if c.json != nil {
			b, _ := json.Marshal(c.json)
			body = strings.NewReader(string(b))
		}
		req, _ = http.NewRequest(rw.method, m.ts.URL+path, body)
		if c.json != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		token := m.tokens[r]
		if c.token != "" {
			token = c.token
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
	} else {
		b := m.browsers[r]
		if c.client != nil {
			b = c.client
		}
		client = b.Client
		var body io.Reader
		if rw.method != "GET" {
			form := url.Values{}
			for k, v := range c.form {
				form[k] = v
			}
			form.Set("_csrf", b.csrf)
			body = strings.NewReader(form.Encode())
		}
		req, _ = http.NewRequest(rw.method, m.ts.URL+path, body)
		if body != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
	}
	res, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s as %s: %v", rw.method, path, roleNames[r], err)
	}
	defer res.Body.Close()
	var answer struct {
		Error struct{ Code string }
	}
	if json.NewDecoder(res.Body).Decode(&answer) == nil && answer.Error.Code != "" {
		return res.StatusCode, " (" + answer.Error.Code + ")"
	}
	return res.StatusCode, ""
}

// --- the objects cells make -----------------------------------------------

func (m *matrix) fail(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// newUnit makes a free unit of a site that requires no equity.
func (m *matrix) newUnit(t *testing.T, siteID int64) int64 {
	u, err := m.svc.Housing.CreateUnit(m.ctx, m.principal(t, m.members[treasurer].ID), siteID, housing.UnitInput{Name: fmt.Sprintf("M%d", seq.Add(1)), Bedrooms: 1, MonthlyCharge: "700.00"})
	m.fail(t, "unit", err)
	return u.ID
}

// newcomerID makes a member who never signs in.
func (m *matrix) newcomerID(t *testing.T) int64 {
	var id int64
	n := seq.Add(1)
	m.fail(t, "member", m.db.Get(&id, `INSERT INTO members (email, name, password_hash) VALUES ($1, $2, 'none') RETURNING id`,
		fmt.Sprintf("newcomer%d@matrix.example", n), fmt.Sprintf("Newcomer %d", n)))
	return id
}

// place makes a member live in a unit from a day on.
func (m *matrix) place(t *testing.T, siteID, unitID, memberID int64, from time.Time) int64 {
	r, err := m.svc.Housing.PlaceMember(m.ctx, m.principal(t, m.members[treasurer].ID), siteID, housing.NewResidency{UnitID: unitID, MemberID: memberID, StartsOn: from})
	m.fail(t, "residency", err)
	return r.ID
}

// newSpace makes a space of a site with rules.
func (m *matrix) newSpace(t *testing.T, siteID int64, rules booking.Rules) int64 {
	r, err := m.svc.Booking.CreateResource(m.ctx, m.principal(t, m.members[treasurer].ID), booking.NewResource{SiteID: siteID, Name: fmt.Sprintf("Matrix space %d", seq.Add(1)), Kind: booking.Kind("other")})
	m.fail(t, "space", err)
	_, err = m.svc.Booking.SetRules(m.ctx, m.principal(t, m.members[treasurer].ID), r.ID, rules)
	m.fail(t, "rules", err)
	return r.ID
}

// tomorrow is 10:00 to 11:00 tomorrow at Elm Court.
func (m *matrix) tomorrow() (time.Time, time.Time) {
	loc, _ := time.LoadLocation("America/Los_Angeles")
	n := time.Now().In(loc)
	start := time.Date(n.Year(), n.Month(), n.Day()+1, 10, 0, 0, 0, loc)
	return start, start.Add(time.Hour)
}

// book books a space for a member.
func (m *matrix) book(t *testing.T, space, memberID int64) booking.Booking {
	start, end := m.tomorrow()
	b, err := m.svc.Booking.Create(m.ctx, m.principal(t, memberID), booking.Request{ResourceID: space, MemberID: memberID, StartsAt: start, EndsAt: end})
	m.fail(t, "booking", err)
	return b
}

// slotCall is a time of a space, in the API's and in the form's words.
func slotCall(space int64, start, end time.Time) call {
	return call{params: map[string]string{"resource_id": fmt.Sprint(space)},
		json: map[string]string{"starts_at": start.Format(time.RFC3339), "ends_at": end.Format(time.RFC3339)},
		form: url.Values{"start_date": {start.Format("2006-01-02")}, "start_time": {start.Format("15:04")},
			"end_date": {end.Format("2006-01-02")}, "end_time": {end.Format("15:04")}}}
}

// freeSlot is a free hour of a new residents' space of A.
func (m *matrix) freeSlot(t *testing.T, r role) call {
	start, end := m.tomorrow()
	return slotCall(m.newSpace(t, m.siteA, booking.Rules{WhoMayBook: booking.Residents}), start, end)
}

// freeSeries is that hour on two days running.
func (m *matrix) freeSeries(t *testing.T, r role) call {
	c := m.freeSlot(t, r)
	c.json.(map[string]string)["rrule"] = "FREQ=DAILY;COUNT=2"
	return c
}

// takenSlot is an hour Ben has booked in a new residents' space of A.
func (m *matrix) takenSlot(t *testing.T, r role) call {
	space := m.newSpace(t, m.siteA, booking.Rules{WhoMayBook: booking.Residents})
	b := m.book(t, space, m.ben)
	return slotCall(space, b.StartsAt, b.EndsAt)
}

// bookingOfAda is a new booking of ada's at A.
func (m *matrix) bookingOfAda(t *testing.T, r role) call {
	b := m.book(t, m.newSpace(t, m.siteA, booking.Rules{WhoMayBook: booking.Residents}), m.ada)
	return call{params: map[string]string{"booking_id": fmt.Sprint(b.ID)}}
}

// pendingOfAda is a new booking of ada's at A waiting for approval.
func (m *matrix) pendingOfAda(t *testing.T, r role) call {
	b := m.book(t, m.newSpace(t, m.siteA, booking.Rules{WhoMayBook: booking.Residents, ApprovalRequired: true}), m.ada)
	return call{params: map[string]string{"booking_id": fmt.Sprint(b.ID)}, form: url.Values{"decision": {"approve"}}}
}

// seriesOfAda is a new series of two daily bookings of ada's at A.
func (m *matrix) seriesOfAda(t *testing.T, r role) call {
	space := m.newSpace(t, m.siteA, booking.Rules{WhoMayBook: booking.Residents})
	start, end := m.tomorrow()
	res, err := m.svc.Booking.CreateSeries(m.ctx, m.principal(t, m.ada), booking.SeriesRequest{
		Request: booking.Request{ResourceID: space, MemberID: m.ada, StartsAt: start, EndsAt: end}, RRule: "FREQ=DAILY;COUNT=2"})
	m.fail(t, "series", err)
	return call{params: map[string]string{"series_id": fmt.Sprint(res.SeriesID)}}
}

// waitlistEntryOfAda is ada waiting for an hour Ben has booked at A.
func (m *matrix) waitlistEntryOfAda(t *testing.T, r role) call {
	space := m.newSpace(t, m.siteA, booking.Rules{WhoMayBook: booking.Residents})
	b := m.book(t, space, m.ben)
	w, err := m.svc.Booking.JoinWaitlist(m.ctx, m.principal(t, m.ada), booking.Request{ResourceID: space, MemberID: m.ada, StartsAt: b.StartsAt, EndsAt: b.EndsAt})
	m.fail(t, "waitlist", err)
	return call{params: map[string]string{"entry_id": fmt.Sprint(w.ID)}}
}

// offerToAda is the hour Ben cancelled, offered to ada who waited for it.
func (m *matrix) offerToAda(t *testing.T, r role) call {
	space := m.newSpace(t, m.siteA, booking.Rules{WhoMayBook: booking.Residents})
	b := m.book(t, space, m.ben)
	_, err := m.svc.Booking.JoinWaitlist(m.ctx, m.principal(t, m.ada), booking.Request{ResourceID: space, MemberID: m.ada, StartsAt: b.StartsAt, EndsAt: b.EndsAt})
	m.fail(t, "waitlist", err)
	_, err = m.svc.Booking.Cancel(m.ctx, m.principal(t, m.ben), b.ID, "")
	m.fail(t, "cancel", err)
	var id int64
	m.get(t, &id, `SELECT id FROM bookings WHERE resource_id = $1 AND member_id = $2 AND status = 'offered'`, space, m.ada)
	return call{params: map[string]string{"booking_id": fmt.Sprint(id)}}
}

// blackoutSlot is a day to close a new space of A.
func (m *matrix) blackoutSlot(t *testing.T, r role) call {
	space := m.newSpace(t, m.siteA, booking.Rules{WhoMayBook: booking.Residents})
	start, _ := m.tomorrow()
	c := slotCall(space, start, start.Add(8*time.Hour))
	c.json.(map[string]string)["reason"] = "Painting"
	c.form.Set("reason", "Painting")
	return c
}

// blackout is a new blackout of a new space of A.
func (m *matrix) blackout(t *testing.T, r role) call {
	space := m.newSpace(t, m.siteA, booking.Rules{WhoMayBook: booking.Residents})
	start, _ := m.tomorrow()
	k, _, err := m.svc.Booking.AddBlackout(m.ctx, m.principal(t, m.members[treasurer].ID), space, start, start.Add(8*time.Hour), "Painting")
	m.fail(t, "blackout", err)
	return call{params: map[string]string{"resource_id": fmt.Sprint(space), "blackout_id": fmt.Sprint(k.ID)}}
}

// rules are rules for the rules space of A.
func (m *matrix) rules(t *testing.T, r role) call {
	return call{params: map[string]string{"resource_id": fmt.Sprint(m.rulesSpaceA)},
		json: map[string]any{"opening_hours": []any{}, "max_minutes": 120, "who_may_book": "residents"},
		form: url.Values{"max_minutes": {"120"}, "who_may_book": {"residents"}}}
}

func newSpace(n int64) map[string]any {
	return map[string]any{"name": fmt.Sprintf("Matrix space %d", n), "kind": "other", "description": "Made by the matrix."}
}

// nights are two nights from 40 days on of a new space of A, in the words
// of the API and of the form.
func (m *matrix) nights(t *testing.T, r role) call {
	space := m.newSpace(t, m.siteA, booking.Rules{WhoMayBook: booking.Residents})
	loc, _ := time.LoadLocation("America/Los_Angeles")
	now := time.Now().In(loc)
	first, last := now.AddDate(0, 0, 40).Format("2006-01-02"), now.AddDate(0, 0, 41).Format("2006-01-02")
	closes := now.AddDate(0, 0, 7)
	return call{params: map[string]string{"resource_id": fmt.Sprint(space)},
		json: map[string]any{"title": "Matrix nights", "closes_at": closes.Format(time.RFC3339),
			"nights": map[string]any{"first_night": first, "last_night": last, "check_in": "15:00", "check_out": "11:00", "nights_per_slot": 1}},
		form: url.Values{"resource_id": {fmt.Sprint(space)}, "title": {"Matrix nights"}, "closes_at": {closes.Format("2006-01-02T15:04")},
			"first_night": {first}, "last_night": {last}, "check_in": {"15:00"}, "check_out": {"11:00"},
			"nights_per_slot": {"1"}, "slots_per_member": {"1"}},
	}
}

// newWindow opens a lottery of two nights of a space for a week, as the
// treasurer.
func (m *matrix) newWindow(t *testing.T, space int64) int64 {
	return m.openLottery(t, space, time.Now().AddDate(0, 0, 7))
}

// openLottery opens a lottery of two nights of a space, as the treasurer.
func (m *matrix) openLottery(t *testing.T, space int64, closesAt time.Time) int64 {
	loc, _ := time.LoadLocation("America/Los_Angeles")
	now := time.Now().In(loc)
	w, err := m.svc.Lottery.Open(m.ctx, m.principal(t, m.members[treasurer].ID), lottery.NewWindow{
		ResourceID: space, Title: "Matrix nights", ClosesAt: closesAt, SlotsPerMember: 1,
		Nights: &lottery.Nights{First: now.AddDate(0, 0, 40).Format("2006-01-02"), Last: now.AddDate(0, 0, 41).Format("2006-01-02"),
			CheckIn: "15:00", CheckOut: "11:00", PerSlot: 1}})
	m.fail(t, "lottery", err)
	return w.ID
}

// openWindow is a new open lottery of a new space of A.
func (m *matrix) openWindow(t *testing.T, r role) call {
	w := m.newWindow(t, m.newSpace(t, m.siteA, booking.Rules{WhoMayBook: booking.Residents}))
	return call{params: map[string]string{"window_id": fmt.Sprint(w)}}
}

// closedWindow is a lottery of a new space of A, with ada's request,
// whose requests have closed: one of those makeFixtures opened to close a
// moment later, since a window's closing time never changes.
func (m *matrix) closedWindow(t *testing.T, r role) call {
	var w closingWindow
	select {
	case w = <-m.closing:
	default:
		t.Fatal("no lottery left to draw: make more in makeFixtures")
	}
	time.Sleep(time.Until(w.closesAt.Add(50 * time.Millisecond)))
	return call{params: map[string]string{"window_id": fmt.Sprint(w.id)}}
}

// enterWindow is a request in the open lottery of a residents' space of A.
func (m *matrix) enterWindow(t *testing.T, r role) call {
	slot := fmt.Sprint(m.windowSlot)
	return call{params: map[string]string{"window_id": fmt.Sprint(m.windowA)},
		json: map[string]any{"slot_ids": []int64{m.windowSlot}}, form: url.Values{"rank_" + slot: {"1"}}}
}

func newSite(n int64) map[string]any {
	return map[string]any{"name": fmt.Sprintf("Matrix site %d", n), "address": "1 Test Lane", "timezone": "UTC"}
}

func newUnit(n int64) map[string]any {
	return map[string]any{"name": fmt.Sprintf("N%d", n), "bedrooms": 2, "monthly_charge": "650.00"}
}

// placement is a newcomer for a new unit of A, from today.
func (m *matrix) placement(t *testing.T, r role) call {
	unit, member := m.newUnit(t, m.siteA), m.newcomerID(t)
	today := m.svc.Equity.Today().Format("2006-01-02")
	return call{params: map[string]string{"site_id": fmt.Sprint(m.siteA)},
		json: map[string]any{"unit_id": unit, "member_id": member, "starts_on": today},
		form: url.Values{"unit_id": {fmt.Sprint(unit)}, "member_id": {fmt.Sprint(member)}, "starts_on": {today}}}
}

// residency is a newcomer's new home at A, to end in a month.
func (m *matrix) residency(t *testing.T, r role) call {
	today := m.svc.Equity.Today()
	id := m.place(t, m.siteA, m.newUnit(t, m.siteA), m.newcomerID(t), today)
	ends := today.AddDate(0, 1, 0).Format("2006-01-02")
	return call{params: map[string]string{"site_id": fmt.Sprint(m.siteA), "residency_id": fmt.Sprint(id)},
		json: map[string]string{"ends_on": ends}, form: url.Values{"ends_on": {ends}}}
}

// newcomer is a member to appoint coordinator of A.
func (m *matrix) newcomer(t *testing.T, r role) call {
	id := m.newcomerID(t)
	return call{params: map[string]string{"site_id": fmt.Sprint(m.siteA)},
		json: map[string]any{"member_id": id}, form: url.Values{"member_id": {fmt.Sprint(id)}}}
}

// coordinator is a newcomer appointed coordinator of A.
func (m *matrix) coordinator(t *testing.T, r role) call {
	id := m.newcomerID(t)
	m.fail(t, "appointment", m.svc.Housing.AppointCoordinator(m.ctx, m.principal(t, m.members[treasurer].ID), m.siteA, id))
	return call{params: map[string]string{"site_id": fmt.Sprint(m.siteA), "member_id": fmt.Sprint(id)}}
}

func newMember(n int64) map[string]any {
	return map[string]any{"email": fmt.Sprintf("new%d@matrix.example", n), "password": "long enough", "name": "New", "role": "member"}
}

func paydown(n int64) map[string]any {
	return map[string]any{"amount": "1.00", "idempotency_key": fmt.Sprintf("matrix-paydown-%d", n)}
}

// loanOfDev is Dev's share loan as it is now.
func (m *matrix) loanOfDev(t *testing.T, r role) call {
	var id int64
	m.get(t, &id, `SELECT id FROM loans WHERE member_id = $1 AND kind = 'share_loan' AND closed_on IS NULL`, m.dev)
	return call{params: map[string]string{"loan_id": fmt.Sprint(id)},
		form: url.Values{"amount": {"1.00"}, "idempotency_key": {fmt.Sprintf("matrix-paydown-%d", seq.Add(1))}}}
}

// future is a day years ahead, different for each n, so that price
// history written by the matrix never changes a price of today.
func (m *matrix) future(n int64) string {
	return m.svc.Equity.Today().AddDate(3, 0, int(n)).Format("2006-01-02")
}

func (m *matrix) futurePolicy(n int64) map[string]any {
	return map[string]any{"effective_from": m.future(n), "kind": "limited_equity", "base_price": "100.000000", "yearly_rate_pct": "2"}
}

func (m *matrix) futureAppraisal(n int64) map[string]any {
	return map[string]any{"amount": "2500000.00", "appraised_on": m.svc.Equity.Today().Format("2006-01-02"), "effective_on": m.future(n)}
}

// mortgage is a new mortgage of A from today.
func (m *matrix) mortgage(t *testing.T, r role) call {
	today, key := m.svc.Equity.Today().Format("2006-01-02"), fmt.Sprintf("matrix-mortgage-%d", seq.Add(1))
	return call{params: map[string]string{"site_id": fmt.Sprint(m.siteA)},
		json: map[string]any{"lender": "Credit union", "principal": "100000.00", "yearly_rate_pct": "5", "months": 120,
			"starts_on": today, "idempotency_key": key},
		form: url.Values{"lender": {"Credit union"}, "principal": {"100000.00"}, "rate": {"5"}, "months": {"120"},
			"starts_on": {today}, "idempotency_key": {key}}}
}

func requiredEquity(int64) map[string]any { return map[string]any{"required_equity": "1000.00"} }

// indexPoint is a value of the matrix's price index on a future day.
func (m *matrix) indexPoint(n int64) map[string]any {
	return map[string]any{"effective_on": m.future(n), "value": "101.5"}
}

// indexForm is indexPoint with its series, as the settings page sends it.
func (m *matrix) indexForm(n int64) map[string]any {
	f := m.indexPoint(n)
	f["series"] = "matrix"
	return f
}

// admission is a newcomer for a new unit of A asking 1,000.00 of equity,
// paid in cash, from today.
func (m *matrix) admission(t *testing.T, r role) call {
	unit, member := m.newUnit(t, m.siteA), m.newcomerID(t)
	m.fail(t, "required equity", m.svc.Equity.SetRequiredEquity(m.ctx, m.principal(t, m.members[treasurer].ID), m.siteA, unit, decimal.RequireFromString("1000.00")))
	fields := map[string]any{"unit_id": fmt.Sprint(unit), "member_id": fmt.Sprint(member), "date": m.svc.Equity.Today().Format("2006-01-02"),
		"cash": "1000.00", "loan": "0", "idempotency_key": fmt.Sprintf("matrix-admission-%d", seq.Add(1))}
	return call{params: map[string]string{"site_id": fmt.Sprint(m.siteA)},
		json: map[string]any{"unit_id": unit, "member_id": member, "date": fields["date"], "cash": "1000.00", "loan": "0",
			"idempotency_key": fields["idempotency_key"]},
		form: formOf(fields)}
}

func (m *matrix) chargeRun(int64) map[string]any { return map[string]any{"month": m.chargedMonth} }

func newAccount(n int64) map[string]any {
	return map[string]any{"code": fmt.Sprintf("assets:matrix:a%d", n), "type": "asset", "name": "Matrix account"}
}

// entry moves 1.00 between the matrix's two accounts.
func (m *matrix) entry(t *testing.T, r role) call {
	key, today := fmt.Sprintf("matrix-entry-%d", seq.Add(1)), ledger.Day(time.Now()).Format(time.DateOnly)
	return call{
		json: map[string]any{"idempotency_key": key, "description": "Matrix entry", "effective_date": today,
			"postings": []map[string]string{{"account": "assets:matrix:cash", "amount": "1.00"}, {"account": "equity:matrix:capital", "amount": "-1.00"}}},
		form: url.Values{"idempotency_key": {key}, "description": {"Matrix entry"}, "effective_date": {today},
			"account_0": {"assets:matrix:cash"}, "debit_0": {"1.00"}, "account_1": {"equity:matrix:capital"}, "credit_1": {"1.00"}}}
}

// postedEntry is a new entry of the matrix's, to reverse.
func (m *matrix) postedEntry(t *testing.T, r role) call {
	posted, err := m.svc.Ledger.PostEntry(m.ctx, m.principal(t, m.members[treasurer].ID), ledger.Entry{IdempotencyKey: fmt.Sprintf("matrix-entry-%d", seq.Add(1)),
		Description: "Matrix entry", EffectiveDate: ledger.Day(time.Now()), Postings: []ledger.Posting{
			{Account: "assets:matrix:cash", Amount: decimal.RequireFromString("1.00")},
			{Account: "equity:matrix:capital", Amount: decimal.RequireFromString("-1.00")}}})
	m.fail(t, "entry", err)
	today := ledger.Day(time.Now()).Format(time.DateOnly)
	return call{params: map[string]string{"entry_id": fmt.Sprint(posted.ID)},
		json: map[string]string{"reason": "Matrix reversal"}, form: url.Values{"reason": {"Matrix reversal"}, "effective_date": {today}}}
}

// --- sessions and tokens of their own, for the routes that end them ----------

// freshBrowser is a browser of its own for a role: a new session (none for
// anonymous) and its CSRF token.
func (m *matrix) freshBrowser(t *testing.T, r role) *browser {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	page := "/signin"
	if r != anonymous {
		token, err := m.svc.Accounts.StartSession(m.ctx, m.members[r].ID, "matrix")
		m.fail(t, "session", err)
		u, _ := url.Parse(m.ts.URL)
		jar.SetCookies(u, []*http.Cookie{{Name: "hearth_session", Value: token, Path: "/"}})
		page = "/"
	}
	csrf, err := m.csrfOf(c, page)
	m.fail(t, "CSRF token", err)
	return &browser{c, csrf}
}

// ownEmail is the email a role signs in with; anonymous uses Liam's, as
// anyone who knows a password may.
func ownEmail(r role) string {
	if r == anonymous {
		return roleEmails[homeless]
	}
	return roleEmails[r]
}

// signIn is the sign-in form filled in, in a browser of its own.
func (m *matrix) signIn(t *testing.T, r role) call {
	return call{client: m.freshBrowser(t, r), form: url.Values{"email": {ownEmail(r)}, "password": {demo.Password}}}
}

// issueToken is a role's email and password.
func (m *matrix) issueToken(t *testing.T, r role) call {
	return call{json: map[string]string{"email": ownEmail(r), "password": demo.Password}}
}

// ownToken is a new token of the role's, to revoke.
func (m *matrix) ownToken(t *testing.T, r role) call {
	if r == anonymous {
		return call{}
	}
	token, err := m.svc.Accounts.IssueToken(m.ctx, m.members[r].ID, "matrix")
	m.fail(t, "token", err)
	return call{token: token}
}

// ownSessionID is the id of a new session of the role's, to end.
func (m *matrix) ownSessionID(t *testing.T, r role) call {
	id := int64(1 << 40) // anonymous: no session
	if r != anonymous {
		token, err := m.svc.Accounts.StartSession(m.ctx, m.members[r].ID, "matrix")
		m.fail(t, "session", err)
		m.get(t, &id, `SELECT id FROM sessions WHERE token_hash = sha256($1::bytea)`, token)
	}
	return call{params: map[string]string{"session_id": fmt.Sprint(id)}}
}

// ownTokenID is the id of a new API token of the role's, to revoke.
func (m *matrix) ownTokenID(t *testing.T, r role) call {
	id := int64(1 << 40) // anonymous: no token
	if r != anonymous {
		token, err := m.svc.Accounts.IssueToken(m.ctx, m.members[r].ID, "matrix")
		m.fail(t, "token", err)
		m.get(t, &id, `SELECT id FROM api_tokens WHERE token_hash = sha256($1::bytea)`, token)
	}
	return call{params: map[string]string{"token_id": fmt.Sprint(id)}}
}

// wrongPassword is a password change whose current password is wrong.
func wrongPassword(int64) map[string]any {
	return map[string]any{"current_password": "not the password", "new_password": "a brand new password"}
}

// ownSession is a new session of the role's, to end.
func (m *matrix) ownSession(t *testing.T, r role) call {
	return call{client: m.freshBrowser(t, r)}
}

// --- moves ------------------------------------------------------------------

// lockMoves keeps a member's move requests for one cell at a time, since a
// member has one open request at most; it returns the unlock.
func (m *matrix) lockMoves(memberID int64) func() {
	m.mu.Lock()
	l := m.locks[memberID]
	if l == nil {
		l = &sync.Mutex{}
		m.locks[memberID] = l
	}
	m.mu.Unlock()
	l.Lock()
	return l.Unlock
}

// withdrawMoves withdraws a member's open move requests.
func (m *matrix) withdrawMoves(memberID int64) error {
	var ids []int64
	if err := m.db.Select(&ids, `SELECT id FROM move_requests WHERE member_id = $1 AND status IN ('requested', 'approved')`, memberID); err != nil {
		return err
	}
	admin, err := m.svc.Accounts.Principal(m.ctx, app.Member{ID: m.members[treasurer].ID})
	if err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := m.svc.Membership.WithdrawMove(m.ctx, admin, id); err != nil {
			return err
		}
	}
	return nil
}

// inTwoWeeks is the day moves of the matrix ask for.
func (m *matrix) inTwoWeeks() string {
	return m.svc.Equity.Today().AddDate(0, 0, 14).Format("2006-01-02")
}

// quoteC asks what a move of the caller to a free unit of Linden Yard
// (site C) would look like.
func (m *matrix) quoteC(t *testing.T, r role) call {
	return call{query: fmt.Sprintf("unit_id=%d&move_on=%s&surplus=payout&shortfall=cash", m.unitC, m.inTwoWeeks())}
}

// requestMove asks for a move of the caller to a free unit of Linden Yard,
// the caller's earlier open request withdrawn first.
func (m *matrix) requestMove(t *testing.T, r role) call {
	c := call{
		json: map[string]any{"unit_id": m.unitC, "move_on": m.inTwoWeeks(), "surplus": "payout", "shortfall": "cash"},
		form: url.Values{"unit_id": {fmt.Sprint(m.unitC)}, "move_on": {m.inTwoWeeks()}, "surplus": {"payout"}, "shortfall": {"cash"}},
	}
	if r != anonymous {
		c.done = m.lockMoves(m.members[r].ID)
		if err := m.withdrawMoves(m.members[r].ID); err != nil {
			c.done()
			t.Fatalf("withdrawing the moves of %s: %v", roleNames[r], err)
		}
	}
	return c
}

// moveOfElena is a new request of elena's to move from Harbor House to a
// free unit of Elm Court; her earlier open request is withdrawn first.
func (m *matrix) moveOfElena(t *testing.T, r role) call {
	elena := m.members[residentB].ID
	done := m.lockMoves(elena)
	err := m.withdrawMoves(elena)
	var mv membership.Move
	if err == nil {
		mv, err = m.svc.Membership.RequestMove(m.ctx, m.principal(t, elena), membership.MoveRequest{QuoteRequest: membership.QuoteRequest{MemberID: elena,
			UnitID: m.moveUnitA, MoveOn: m.svc.Equity.Today().AddDate(0, 0, 14), Surplus: membership.SurplusPaydown, Shortfall: membership.ShortfallCash}})
	}
	if err != nil {
		done()
		t.Fatalf("move of elena: %v", err)
	}
	return call{params: map[string]string{"move_id": fmt.Sprint(mv.ID)}, done: done}
}

// newcomersMove is the request of a newcomer who has lived at Harbor House
// since yesterday to move to a new unit of Elm Court on a day.
func (m *matrix) newcomersMove(t *testing.T, on time.Time) int64 {
	newcomer := m.newcomerID(t)
	m.place(t, m.siteB, m.newUnit(t, m.siteB), newcomer, m.svc.Equity.Today().AddDate(0, 0, -1))
	mv, err := m.svc.Membership.RequestMove(m.ctx, m.principal(t, newcomer), membership.MoveRequest{QuoteRequest: membership.QuoteRequest{MemberID: newcomer,
		UnitID: m.newUnit(t, m.siteA), MoveOn: on, Surplus: membership.SurplusPayout, Shortfall: membership.ShortfallCash}})
	m.fail(t, "move", err)
	return mv.ID
}

// newcomerMove is a newcomer's request to move from B to A in two weeks.
func (m *matrix) newcomerMove(t *testing.T, r role) call {
	id := m.newcomersMove(t, m.svc.Equity.Today().AddDate(0, 0, 14))
	return call{params: map[string]string{"move_id": fmt.Sprint(id)}, form: url.Values{"reason": {"No room this year."}}}
}

// dueMove is a newcomer's request to move from B to A today, approved by
// chloe.
func (m *matrix) dueMove(t *testing.T, r role) call {
	id := m.newcomersMove(t, m.svc.Equity.Today())
	_, err := m.svc.Membership.ApproveMove(m.ctx, m.principal(t, m.members[coordinatorA].ID), id)
	m.fail(t, "approval", err)
	return call{params: map[string]string{"move_id": fmt.Sprint(id)}}
}
