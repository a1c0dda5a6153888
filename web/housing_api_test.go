package web_test

import (
	"fmt"
	"testing"

	"hearth/app"
	"hearth/app/apptest"
)

// housingCast is a cooperative for the housing tests: an admin, a
// coordinator of Elm, a coordinator of Harbor and a plain member.
type housingCast struct {
	ts                                   *testServer
	admin, chloe, grace, ada             app.Member
	adminTok, chloeTok, graceTok, adaTok string
	elm, harbor                          apptest.Site
}

func newHousingCast(t *testing.T) *housingCast {
	t.Helper()
	ts := newTestServer(t)
	h := &housingCast{ts: ts}
	h.admin = apptest.MustCreateMember(t, ts.DB, "Tess Treasurer", app.RoleAdmin)
	h.chloe = apptest.MustCreateMember(t, ts.DB, "Chloe Coordinator", app.RoleMember)
	h.grace = apptest.MustCreateMember(t, ts.DB, "Grace Harbor", app.RoleMember)
	h.ada = apptest.MustCreateMember(t, ts.DB, "Ada Okafor", app.RoleMember)
	h.elm = apptest.MustCreateSite(t, ts.DB, "Elm Court", "America/Los_Angeles")
	h.harbor = apptest.MustCreateSite(t, ts.DB, "Harbor House", "America/Halifax")
	apptest.MustMakeCoordinator(t, ts.DB, h.elm.ID, h.chloe.ID)
	apptest.MustMakeCoordinator(t, ts.DB, h.harbor.ID, h.grace.ID)
	h.adminTok, h.chloeTok = ts.token(t, h.admin), ts.token(t, h.chloe)
	h.graceTok, h.adaTok = ts.token(t, h.grace), ts.token(t, h.ada)
	return h
}

// refusal is a request that the API must refuse with status and code.
type refusal struct {
	name   string
	token  string
	body   any
	status int
	code   string
}

// checkRefusals sends every request to method path and checks how it is refused.
func (ts *testServer) checkRefusals(t *testing.T, method, path string, cases []refusal) {
	t.Helper()
	for _, tc := range cases {
		status, body := ts.call(t, method, path, tc.token, tc.body)
		if status != tc.status || errorCode(body) != tc.code {
			t.Errorf("%s: %d %q, want %d %q", tc.name, status, errorCode(body), tc.status, tc.code)
		}
	}
}

func TestSitesAPI(t *testing.T) {
	t.Parallel()
	h := newHousingCast(t)
	ts := h.ts

	status, body := ts.call(t, "POST", "/api/v1/sites", h.adminTok, map[string]string{"name": "Linden Yard", "timezone": "Europe/Berlin"})
	if status != 201 {
		t.Fatalf("create site: %d %v", status, body)
	}
	id := int64(body["id"].(float64))
	ts.checkRefusals(t, "POST", "/api/v1/sites", []refusal{
		{"plain member", h.adaTok, map[string]string{"name": "X", "timezone": "UTC"}, 403, "forbidden"},
		{"coordinator", h.chloeTok, map[string]string{"name": "X", "timezone": "UTC"}, 403, "forbidden"},
		{"unknown zone", h.adminTok, map[string]string{"name": "X", "timezone": "Europe/Atlantis"}, 422, "unknown_timezone"},
		{"duplicate name", h.adminTok, map[string]string{"name": "Linden Yard", "timezone": "UTC"}, 409, "site_name_taken"},
		{"unknown field", h.adminTok, map[string]string{"name": "X", "timezone": "UTC", "owner": "me"}, 400, "malformed_json"},
		{"not JSON", h.adminTok, "{", 400, "malformed_json"},
	})
	if status, _ := ts.call(t, "POST", "/api/v1/sites", "", map[string]string{"name": "X", "timezone": "UTC"}); status != 401 {
		t.Errorf("anonymous: %d, want 401", status)
	}

	status, body = ts.call(t, "GET", "/api/v1/sites", h.adaTok, nil)
	if status != 200 {
		t.Fatalf("list sites: %d", status)
	}
	if got, want := len(body["sites"].([]any)), 3; got != want {
		t.Errorf("sites = %d, want %d: refused requests must write nothing", got, want)
	}

	path := fmt.Sprintf("/api/v1/sites/%d", id)
	status, body = ts.call(t, "PATCH", path, h.adminTok, map[string]string{"address": "Lindenstraße 40, Berlin"})
	if status != 200 || body["address"] != "Lindenstraße 40, Berlin" || body["timezone"] != "Europe/Berlin" {
		t.Errorf("edit site: %d %v", status, body)
	}
	if status, body := ts.call(t, "PATCH", path, h.adminTok, map[string]string{"timezone": "Berlin"}); status != 422 || errorCode(body) != "unknown_timezone" {
		t.Errorf("edit site with a bad zone: %d %v", status, body)
	}
	if status, _ := ts.call(t, "PATCH", path, h.chloeTok, map[string]string{"name": "Mine"}); status != 403 {
		t.Errorf("coordinator edits a site: %d, want 403", status)
	}
	if status, body := ts.call(t, "GET", "/api/v1/sites/999999", h.adaTok, nil); status != 404 || errorCode(body) != "site_not_found" {
		t.Errorf("unknown site: %d %v", status, body)
	}
}

func TestUnitsAndResidentsAPI(t *testing.T) {
	t.Parallel()
	h := newHousingCast(t)
	ts := h.ts
	units := fmt.Sprintf("/api/v1/sites/%d/units", h.elm.ID)

	status, body := ts.call(t, "POST", units, h.chloeTok, map[string]any{"name": "E1", "bedrooms": 2, "monthly_charge": "1180.00"})
	if status != 201 {
		t.Fatalf("coordinator adds a unit: %d %v", status, body)
	}
	e1 := int64(body["id"].(float64))
	status, body = ts.call(t, "POST", units, h.adminTok, map[string]any{"name": "E2", "monthly_charge": "890.00"})
	if status != 201 {
		t.Fatalf("admin adds a unit: %d %v", status, body)
	}
	e2 := int64(body["id"].(float64))
	ts.checkRefusals(t, "POST", units, []refusal{
		{"coordinator of another site", h.graceTok, map[string]any{"name": "E9", "monthly_charge": "1.00"}, 403, "forbidden"},
		{"plain member", h.adaTok, map[string]any{"name": "E9", "monthly_charge": "1.00"}, 403, "forbidden"},
		{"duplicate name", h.chloeTok, map[string]any{"name": "E1", "monthly_charge": "1.00"}, 409, "unit_name_taken"},
		{"negative charge", h.chloeTok, map[string]any{"name": "E9", "monthly_charge": "-10.00"}, 422, "negative_charge"},
		{"charge as a number", h.chloeTok, map[string]any{"name": "E9", "monthly_charge": 10.5}, 400, "malformed_json"},
		{"too many bedrooms", h.chloeTok, map[string]any{"name": "E9", "bedrooms": 99, "monthly_charge": "1.00"}, 422, "invalid_bedrooms"},
	})
	status, body = ts.call(t, "PATCH", fmt.Sprintf("%s/%d", units, e2), h.chloeTok, map[string]any{"monthly_charge": "900"})
	if status != 200 || body["monthly_charge"] != "900.00" || body["name"] != "E2" {
		t.Errorf("edit unit: %d %v", status, body)
	}
	if status, _ := ts.call(t, "PATCH", fmt.Sprintf("/api/v1/sites/%d/units/%d", h.harbor.ID, e2), h.graceTok, map[string]any{"name": "H9"}); status != 404 {
		t.Errorf("editing a unit through another site: %d, want 404", status)
	}

	// Residencies.
	residencies := fmt.Sprintf("/api/v1/sites/%d/residencies", h.elm.ID)
	status, body = ts.call(t, "POST", residencies, h.chloeTok, map[string]any{"unit_id": e1, "member_id": h.ada.ID, "starts_on": "2024-01-01"})
	if status != 201 {
		t.Fatalf("place Ada: %d %v", status, body)
	}
	adaRes := int64(body["id"].(float64))
	ts.checkRefusals(t, "POST", residencies, []refusal{
		{"coordinator of another site", h.graceTok, map[string]any{"unit_id": e2, "member_id": h.grace.ID, "starts_on": "2024-01-01"}, 403, "forbidden"},
		{"plain member", h.adaTok, map[string]any{"unit_id": e2, "member_id": h.ada.ID, "starts_on": "2030-01-01"}, 403, "forbidden"},
		{"unit occupied", h.chloeTok, map[string]any{"unit_id": e1, "member_id": h.grace.ID, "starts_on": "2025-01-01"}, 409, "unit_occupied"},
		{"member lives elsewhere", h.chloeTok, map[string]any{"unit_id": e2, "member_id": h.ada.ID, "starts_on": "2025-01-01"}, 409, "member_already_resident"},
		{"ends before it starts", h.chloeTok, map[string]any{"unit_id": e2, "member_id": h.grace.ID, "starts_on": "2025-01-01", "ends_on": "2024-01-01"}, 422, "residency_ends_before_start"},
		{"bad date", h.chloeTok, map[string]any{"unit_id": e2, "member_id": h.grace.ID, "starts_on": "1 May"}, 422, "invalid_date"},
		{"unit of another site", h.graceTok, map[string]any{"unit_id": e2, "member_id": h.grace.ID, "starts_on": "2025-01-01"}, 403, "forbidden"},
	})
	harborRes := fmt.Sprintf("/api/v1/sites/%d/residencies", h.harbor.ID)
	if status, body := ts.call(t, "POST", harborRes, h.graceTok, map[string]any{"unit_id": e2, "member_id": h.grace.ID, "starts_on": "2025-01-01"}); status != 404 || errorCode(body) != "unit_not_found" {
		t.Errorf("a Harbor coordinator places someone in an Elm unit: %d %v", status, body)
	}

	// Every member sees who lives where, and no neighbour's charge.
	status, body = ts.call(t, "GET", fmt.Sprintf("/api/v1/sites/%d", h.elm.ID), h.graceTok, nil)
	if status != 200 {
		t.Fatalf("site detail: %d %v", status, body)
	}
	us := body["units"].([]any)
	first, second := us[0].(map[string]any), us[1].(map[string]any)
	if r, _ := first["resident"].(map[string]any); r["name"] != "Ada Okafor" {
		t.Errorf("E1 resident = %v, want Ada Okafor", first["resident"])
	}
	if _, shown := first["monthly_charge"]; shown {
		t.Errorf("a neighbour sees Ada's charge: %v", first)
	}
	if second["monthly_charge"] != "900.00" {
		t.Errorf("a vacant unit's charge = %v, want 900.00", second["monthly_charge"])
	}
	coords := body["coordinators"].([]any)
	if len(coords) != 1 || coords[0].(map[string]any)["name"] != "Chloe Coordinator" {
		t.Errorf("coordinators = %v", coords)
	}
	for _, tok := range []string{h.adaTok, h.chloeTok} {
		_, body := ts.call(t, "GET", fmt.Sprintf("/api/v1/sites/%d", h.elm.ID), tok, nil)
		if got := body["units"].([]any)[0].(map[string]any)["monthly_charge"]; got != "1180.00" {
			t.Errorf("the resident or coordinator sees E1's charge as %v, want 1180.00", got)
		}
	}

	// Ending a residency.
	end := fmt.Sprintf("%s/%d/end", residencies, adaRes)
	if status, _ := ts.call(t, "POST", end, h.graceTok, map[string]string{"ends_on": "2026-01-01"}); status != 403 {
		t.Errorf("another site's coordinator ends a residency: %d, want 403", status)
	}
	if status, body := ts.call(t, "POST", end, h.chloeTok, map[string]string{"ends_on": "2023-01-01"}); status != 422 || errorCode(body) != "residency_ends_before_start" {
		t.Errorf("ending before the start: %d %v", status, body)
	}
	status, body = ts.call(t, "POST", end, h.chloeTok, map[string]string{"ends_on": "2025-06-01"})
	if status != 200 || body["ends_on"] != "2025-06-01" {
		t.Errorf("end residency: %d %v", status, body)
	}
	status, body = ts.call(t, "GET", residencies, h.chloeTok, nil)
	if status != 200 || len(body["residencies"].([]any)) != 1 {
		t.Errorf("list residencies: %d %v", status, body)
	}
	if status, _ := ts.call(t, "GET", residencies, h.adaTok, nil); status != 403 {
		t.Errorf("a plain member lists residencies: %d, want 403", status)
	}
}

func TestCoordinatorsAPI(t *testing.T) {
	t.Parallel()
	h := newHousingCast(t)
	ts := h.ts
	path := fmt.Sprintf("/api/v1/sites/%d/coordinators", h.elm.ID)
	if status, _ := ts.call(t, "POST", path, h.chloeTok, map[string]any{"member_id": h.ada.ID}); status != 403 {
		t.Errorf("a coordinator appoints: %d, want 403", status)
	}
	if status, body := ts.call(t, "POST", path, h.adminTok, map[string]any{"member_id": h.ada.ID}); status != 201 {
		t.Fatalf("appoint: %d %v", status, body)
	}
	if status, body := ts.call(t, "POST", path, h.adminTok, map[string]any{"member_id": h.ada.ID}); status != 409 || errorCode(body) != "already_coordinator" {
		t.Errorf("appoint twice: %d %v", status, body)
	}
	if status, body := ts.call(t, "POST", path, h.adminTok, map[string]any{"member_id": 999999}); status != 404 || errorCode(body) != "member_not_found" {
		t.Errorf("appoint an unknown member: %d %v", status, body)
	}
	// Ada now coordinates Elm and may add a unit there.
	units := fmt.Sprintf("/api/v1/sites/%d/units", h.elm.ID)
	if status, body := ts.call(t, "POST", units, h.adaTok, map[string]any{"name": "E7", "monthly_charge": "1.00"}); status != 201 {
		t.Errorf("new coordinator adds a unit: %d %v", status, body)
	}
	remove := fmt.Sprintf("%s/%d", path, h.ada.ID)
	if status, _ := ts.call(t, "DELETE", remove, h.adaTok, nil); status != 403 {
		t.Errorf("a coordinator removes herself: %d, want 403", status)
	}
	if status, _ := ts.call(t, "DELETE", remove, h.adminTok, nil); status != 204 {
		t.Errorf("remove: %d, want 204", status)
	}
	if status, body := ts.call(t, "DELETE", remove, h.adminTok, nil); status != 404 || errorCode(body) != "not_coordinator" {
		t.Errorf("remove again: %d %v", status, body)
	}
	if status, _ := ts.call(t, "POST", units, h.adaTok, map[string]any{"name": "E8", "monthly_charge": "1.00"}); status != 403 {
		t.Errorf("a removed coordinator adds a unit: %d, want 403", status)
	}
}

// TestRacingPlacementsAPI fires 20 placements of different members into one
// unit at once: exactly one gets 201, every other one 409 unit_occupied,
// none a 500.
func TestRacingPlacementsAPI(t *testing.T) {
	t.Parallel()
	h := newHousingCast(t)
	ts := h.ts
	unit := apptest.MustCreateUnit(t, ts.DB, h.elm.ID, "E1", "1000.00")
	path := fmt.Sprintf("/api/v1/sites/%d/residencies", h.elm.ID)
	var members []int64
	for i := range 20 {
		members = append(members, apptest.MustCreateMember(t, ts.DB, fmt.Sprintf("Racer %d", i), app.RoleMember).ID)
	}
	type result struct {
		status int
		code   string
	}
	results := make(chan result, len(members))
	start := make(chan struct{})
	for i, m := range members {
		go func() {
			<-start
			status, body := ts.call(t, "POST", path, h.chloeTok, map[string]any{
				"unit_id": unit, "member_id": m, "starts_on": fmt.Sprintf("2026-03-%02d", i+1)})
			results <- result{status, errorCode(body)}
		}()
	}
	close(start)
	got := map[result]int{}
	for range members {
		got[<-results]++
	}
	want := map[result]int{{201, ""}: 1, {409, "unit_occupied"}: len(members) - 1}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("results = %v, want %v", got, want)
	}
}
