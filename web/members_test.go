package web_test

import (
	"net/url"
	"strings"
	"testing"

	"hearth/app"
	"hearth/app/apptest"
)

// TestMembersPage walks the treasurer's members page without JavaScript:
// a refused form keeps its values and says why, an added member signs in
// with the password exactly as it was typed, and a member sees no list.
func TestMembersPage(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	tess := signInPages(t, ts, apptest.MustCreateMember(t, ts.DB, "Tess Treasurer", app.RoleAdmin))

	status, body, _ := tess.post("/members", map[string]string{"name": "Ada Okafor", "email": "ada@example.org", "password": "short", "role": "member"})
	if status != 422 || !strings.Contains(body, "at least 8 characters") || !strings.Contains(body, `value="ada@example.org"`) {
		t.Errorf("weak password: %d, want 422 with the message and the values kept", status)
	}
	const password = "  spaced out, on purpose  "
	status, _, loc := tess.post("/members", map[string]string{"name": "Ada Okafor", "email": "ada@example.org", "password": password, "role": "member"})
	if status != 303 || loc != "/members" {
		t.Fatalf("add member: %d → %q", status, loc)
	}
	if status, body := tess.get("/members"); status != 200 || !strings.Contains(body, "Ada Okafor can now sign in as ada@example.org.") {
		t.Errorf("members page after adding: %d, want the list saying how Ada signs in", status)
	}

	c := ts.browser(t)
	token := csrfField.FindStringSubmatch(get(t, c, ts.URL+"/signin"))[1]
	res, err := c.PostForm(ts.URL+"/signin", url.Values{"_csrf": {token}, "email": {"ada@example.org"}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 303 {
		t.Errorf("Ada signs in with the password as typed: %d, want 303", res.StatusCode)
	}

	ben := signInPages(t, ts, apptest.MustCreateMember(t, ts.DB, "Ben Adler", app.RoleMember))
	if status, _ := ben.get("/members"); status != 403 {
		t.Errorf("a member opens the members page: %d, want 403", status)
	}
	if status, _, _ := ben.post("/members", map[string]string{"name": "Eve", "email": "eve@example.org", "password": "long enough", "role": "admin"}); status != 403 {
		t.Errorf("a member adds a member: %d, want 403", status)
	}
	if got := count(t, ts, "members"); got != 3 {
		t.Errorf("%d members, want 3", got)
	}
}
