package web_test

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"hearth/app"
	"hearth/app/apptest"
)

func TestHealthAndReady(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	for _, path := range []string{"/healthz", "/readyz"} {
		res, err := http.Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if got, want := res.StatusCode, 200; got != want {
			t.Errorf("%s: got %d, want %d", path, got, want)
		}
	}
	ts.DB.Close()
	res, err := http.Get(ts.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if got, want := res.StatusCode, 503; got != want {
		t.Errorf("readyz with the database gone: got %d, want %d", got, want)
	}
}

func TestAPIToken(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	m := apptest.MustCreateMember(t, ts.DB, "Ada", app.RoleMember)

	tests := []struct {
		name   string
		body   any
		status int
		code   string
	}{
		{"wrong password", map[string]string{"email": m.Email, "password": "nope nope"}, 401, "invalid_credentials"},
		{"unknown email", map[string]string{"email": "who@example.org", "password": apptest.Password}, 401, "invalid_credentials"},
		{"malformed JSON", `{"email":`, 400, "malformed_json"},
		{"unknown field", `{"email":"a@b.c","password":"x","admin":true}`, 400, "malformed_json"},
		{"two objects", `{"email":"a@b.c","password":"x"}{}`, 400, "malformed_json"},
	}
	for _, tt := range tests {
		status, body := ts.call(t, "POST", "/api/v1/auth/token", "", tt.body)
		if status != tt.status || errorCode(body) != tt.code {
			t.Errorf("%s: got %d %v, want %d %s", tt.name, status, body, tt.status, tt.code)
		}
	}

	token := ts.token(t, m)
	status, me := ts.call(t, "GET", "/api/v1/me", token, nil)
	if status != 200 || me["email"] != m.Email {
		t.Fatalf("me: got %d %v", status, me)
	}
	if status, body := ts.call(t, "GET", "/api/v1/me", "", nil); status != 401 || errorCode(body) != "unauthorized" {
		t.Errorf("me without token: got %d %v", status, body)
	}
	if status, _ := ts.call(t, "DELETE", "/api/v1/auth/token", token, nil); status != 204 {
		t.Errorf("revoke: got %d", status)
	}
	if status, body := ts.call(t, "GET", "/api/v1/me", token, nil); status != 401 || errorCode(body) != "unauthorized" {
		t.Errorf("me with revoked token: got %d %v", status, body)
	}
	if status, body := ts.call(t, "GET", "/api/v1/no/such/route", ts.token(t, m), nil); status != 404 || errorCode(body) != "not_found" {
		t.Errorf("unknown route: got %d %v", status, body)
	}
	if status, body := ts.call(t, "GET", "/api/v1/no/such/route", "", nil); status != 401 {
		t.Errorf("unknown route, anonymous: got %d %v", status, body)
	}
}

func TestOversizedBody(t *testing.T) {
	t.Parallel()
	cfg := newTestConfig()
	cfg.BodyLimit = 1024
	ts := newTestServerWith(t, cfg)
	big := `{"email":"` + strings.Repeat("a", 4096) + `","password":"x"}`
	status, body := ts.call(t, "POST", "/api/v1/auth/token", "", big)
	if status != 413 || errorCode(body) != "body_too_large" {
		t.Errorf("got %d %v, want 413 body_too_large", status, body)
	}
}

func TestSignInIsRateLimited(t *testing.T) {
	t.Parallel()
	cfg := newTestConfig()
	cfg.SignInLimit = 3
	ts := newTestServerWith(t, cfg)
	var status int
	var body map[string]any
	for range 4 {
		status, body = ts.call(t, "POST", "/api/v1/auth/token", "", map[string]string{"email": "x@example.org", "password": "whatever1"})
	}
	if status != 429 || errorCode(body) != "too_many_requests" {
		t.Errorf("fourth attempt: got %d %v, want 429", status, body)
	}
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// TestSignInPageFlow walks the sign-in form without JavaScript: a wrong
// password shows the form again with a message, a right one signs in, and a
// post without a CSRF token is refused.
func TestSignInPageFlow(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	m := apptest.MustCreateMember(t, ts.DB, "Ada", app.RoleMember)
	c := ts.browser(t)

	res, _ := c.Get(ts.URL + "/")
	res.Body.Close()
	if got := res.Header.Get("Location"); res.StatusCode != 303 || !strings.HasPrefix(got, "/signin") {
		t.Fatalf("home when signed out: got %d to %q", res.StatusCode, got)
	}
	page := get(t, c, ts.URL+"/signin")
	token := csrfField.FindStringSubmatch(page)[1]

	res, _ = c.PostForm(ts.URL+"/signin", url.Values{"_csrf": {token}, "email": {m.Email}, "password": {"wrong one"}})
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 422 || !strings.Contains(string(b), "The email or password is not right.") || !strings.Contains(string(b), m.Email) {
		t.Errorf("wrong password: got %d, body without the message or the email", res.StatusCode)
	}

	res, _ = c.PostForm(ts.URL+"/signin", url.Values{"email": {m.Email}, "password": {apptest.Password}})
	res.Body.Close()
	if res.StatusCode != 403 {
		t.Errorf("sign-in without CSRF token: got %d, want 403", res.StatusCode)
	}

	res, _ = c.PostForm(ts.URL+"/signin", url.Values{"_csrf": {token}, "email": {m.Email}, "password": {apptest.Password}})
	res.Body.Close()
	if res.StatusCode != 303 {
		t.Fatalf("sign-in: got %d", res.StatusCode)
	}
	if home := get(t, c, ts.URL+"/"); !strings.Contains(home, "Hello, Ada") {
		t.Errorf("home does not greet the member")
	}
	if res := getStatus(t, c, ts.URL+"/no-such-page"); res != 404 {
		t.Errorf("unknown page: got %d", res)
	}
}

func get(t testing.TB, c *http.Client, u string) string {
	t.Helper()
	res, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", u, res.StatusCode, b)
	}
	return string(b)
}

func getStatus(t testing.TB, c *http.Client, u string) int {
	t.Helper()
	res, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

func TestMembersAPIIsForTheTreasurer(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	admin := ts.token(t, apptest.MustCreateMember(t, ts.DB, "Tamsin", app.RoleAdmin))
	member := ts.token(t, apptest.MustCreateMember(t, ts.DB, "Ada", app.RoleMember))

	if status, body := ts.call(t, "GET", "/api/v1/members", member, nil); status != 403 || errorCode(body) != "forbidden" {
		t.Errorf("member lists members: got %d %v", status, body)
	}
	newcomer := map[string]string{"email": "new@example.org", "password": "long enough", "name": "New"}
	if status, _ := ts.call(t, "POST", "/api/v1/members", member, newcomer); status != 403 {
		t.Errorf("member creates a member: got %d", status)
	}
	if status, body := ts.call(t, "POST", "/api/v1/members", admin, newcomer); status != 201 || body["id"] == nil {
		t.Errorf("admin creates a member: got %d %v", status, body)
	}
	if status, body := ts.call(t, "POST", "/api/v1/members", admin, newcomer); status != 409 || errorCode(body) != "email_taken" {
		t.Errorf("duplicate email: got %d %v", status, body)
	}
	if status, body := ts.call(t, "POST", "/api/v1/members", admin, map[string]string{"email": "x@example.org", "password": "short", "name": "X"}); status != 422 || errorCode(body) != "weak_password" {
		t.Errorf("weak password: got %d %v", status, body)
	}
}

// TestReturnAddressStaysLocal: a return address chosen by whoever made the
// link (the sign-in's next, a cancel form's back) never leaves the site and
// never writes a header of its own into the answer.
func TestReturnAddressStaysLocal(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	m := apptest.MustCreateMember(t, ts.DB, "Ada", app.RoleMember)
	for _, tt := range []struct{ next, want string }{
		{"/bookings?week=2027-01-04", "/bookings?week=2027-01-04"},
		{"/\r\nSet-Cookie: hearth_session=planted", "/"},
		{"/%0d%0aSet-Cookie:%20x=y", "/"},
		{"/\t/evil.example", "/"},
		{"//evil.example", "/"},
		{"/\\evil.example", "/"},
		{"/%5Cevil.example", "/"},
		{"https://evil.example/", "/"},
		{"javascript:alert(1)", "/"},
	} {
		c := ts.browser(t)
		page := get(t, c, ts.URL+"/signin?next="+url.QueryEscape(tt.next))
		token := csrfField.FindStringSubmatch(page)[1]
		res, err := c.PostForm(ts.URL+"/signin", url.Values{"_csrf": {token}, "email": {m.Email}, "password": {apptest.Password}, "next": {tt.next}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if got := res.Header.Get("Location"); res.StatusCode != 303 || got != tt.want {
			t.Errorf("next=%q: got %d to %q, want 303 to %q", tt.next, res.StatusCode, got, tt.want)
		}
		for _, ck := range res.Cookies() {
			if strings.Contains(ck.Value, "planted") || ck.Name == "x" {
				t.Errorf("next=%q planted a cookie: %v", tt.next, ck)
			}
		}
	}
}

// TestFirstPagesRenderedTogether: the first pages a new server renders may
// come at the same moment (run with -race, as make test does).
func TestFirstPagesRenderedTogether(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := http.Get(ts.URL + "/signin")
			if err != nil {
				t.Error(err)
				return
			}
			res.Body.Close()
			if res.StatusCode != 200 {
				t.Errorf("sign-in page: %d", res.StatusCode)
			}
		}()
	}
	wg.Wait()
}
