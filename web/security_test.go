package web_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"hearth/app"
	"hearth/app/apptest"
)

// syncBuffer is a log destination that tests read while the server writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// send makes a raw request and returns the status, the headers and the body.
func send(t *testing.T, c *http.Client, method, u, contentType, body string, header map[string]string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	if c == nil {
		c = http.DefaultClient
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, string(b)
}

// TestBadTextIsRefusedAtTheEdge: a NUL character or bytes that are not
// UTF-8, anywhere a client can put them, answer 400 invalid_text, write
// nothing and are logged as the client's mistake, not as ours.
func TestBadTextIsRefusedAtTheEdge(t *testing.T) {
	t.Parallel()
	logs := &syncBuffer{}
	ts := newTestServerLogging(t, newTestConfig(), slog.New(slog.NewJSONHandler(logs, nil)))
	admin := ts.token(t, apptest.MustCreateMember(t, ts.DB, "Tamsin", app.RoleAdmin))
	bearer := map[string]string{"Authorization": "Bearer " + admin}
	const jsonType = "application/json"
	for _, tt := range []struct {
		name, method, path, contentType, body string
		header                                map[string]string
	}{
		{"a NUL in a sign-in email", "POST", "/api/v1/auth/token", jsonType, `{"email":"a\u0000b@x.org","password":"whatever1"}`, nil},
		{"a NUL in a site's name", "POST", "/api/v1/sites", jsonType, `{"name":"Elm\u0000Court","timezone":"UTC"}`, bearer},
		{"a NUL after an escaped backslash", "POST", "/api/v1/sites", jsonType, `{"name":"Elm\\\u0000","timezone":"UTC"}`, bearer},
		{"raw bytes that are not UTF-8 in JSON", "POST", "/api/v1/sites", jsonType, "{\"name\":\"Elm \xff\",\"timezone\":\"UTC\"}", bearer},
		{"bytes that are not UTF-8 in the path", "GET", "/api/v1/ledger/accounts/%ff%fe", "", "", bearer},
		{"a NUL in the path", "GET", "/api/v1/ledger/accounts/a%00b", "", "", bearer},
		{"a NUL in a query", "GET", "/api/v1/sites?x=%00", "", "", bearer},
		{"bytes that are not UTF-8 in a form's email", "POST", "/signin", "application/x-www-form-urlencoded", "email=%ff&password=x", nil},
		{"a NUL in a form field", "POST", "/signin", "application/x-www-form-urlencoded", "email=a%00b&password=x", nil},
	} {
		status, _, body := send(t, nil, tt.method, ts.URL+tt.path, tt.contentType, tt.body, tt.header)
		if status != 400 || (strings.HasPrefix(tt.path, "/api/") && !strings.Contains(body, `"code":"invalid_text"`)) {
			t.Errorf("%s: got %d %s, want 400 invalid_text", tt.name, status, body)
		}
	}
	if n := count(t, ts, "sites"); n != 0 {
		t.Errorf("%d sites written, want none", n)
	}
	// A backslash followed by u0000 as text, not as an escape, is fine.
	status, _, body := send(t, nil, "POST", ts.URL+"/api/v1/sites", jsonType, `{"name":"Elm \\u0000","timezone":"UTC"}`, bearer)
	if status != 201 {
		t.Errorf(`a name with the text \u0000: got %d %s, want 201`, status, body)
	}
	if strings.Contains(logs.String(), "internal error") || strings.Contains(logs.String(), `"level":"ERROR"`) {
		t.Errorf("bad text was logged as an internal error:\n%s", logs.String())
	}
}

// TestFeedSecretsStayOutOfTheLogs: polling a calendar feed logs its path
// with the secret replaced, and links are built on the public address
// whatever Host header the request names.
func TestFeedSecretsStayOutOfTheLogs(t *testing.T) {
	t.Parallel()
	logs := &syncBuffer{}
	cfg := newTestConfig()
	cfg.PublicURL = "https://hearth.example.org"
	ts := newTestServerLogging(t, cfg, slog.New(slog.NewJSONHandler(logs, nil)))
	ada := ts.token(t, apptest.MustCreateMember(t, ts.DB, "Ada", app.RoleMember))

	status, _, body := send(t, nil, "POST", ts.URL+"/api/v1/calendar-feeds/mine", "", "",
		map[string]string{"Authorization": "Bearer " + ada, "Host": "evil.example", "X-Forwarded-Host": "evil.example"})
	if status != 201 || !strings.Contains(body, `"url":"https://hearth.example.org/calendars/`) ||
		!strings.Contains(body, `"webcal_url":"webcal://hearth.example.org/calendars/`) {
		t.Fatalf("new link: %d %s, want links on the public address", status, body)
	}
	link := body[strings.Index(body, "/calendars/"):]
	link = link[:strings.Index(link, ".ics")+len(".ics")]
	token := strings.TrimSuffix(strings.TrimPrefix(link, "/calendars/"), ".ics")
	if status, _, _ := send(t, nil, "GET", ts.URL+link, "", "", nil); status != 200 {
		t.Fatalf("feed: %d", status)
	}
	if strings.Contains(logs.String(), token) {
		t.Errorf("the feed's secret is in the logs:\n%s", logs.String())
	}
	if !strings.Contains(logs.String(), `"path":"/calendars/[secret].ics"`) {
		t.Errorf("the feed's poll is not logged with its secret redacted:\n%s", logs.String())
	}
}

// TestLowFindings covers the probe's smaller findings: static directories,
// oversized headers, query ids, cookies, HSTS and caching.
func TestLowFindings(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ada := apptest.MustCreateMember(t, ts.DB, "Ada", app.RoleMember)
	token := ts.token(t, ada)

	for _, p := range []string{"/static", "/static/", "/static/nothing.css"} {
		if status, _, _ := send(t, nil, "GET", ts.URL+p, "", "", nil); status != 404 {
			t.Errorf("GET %s: %d, want 404", p, status)
		}
	}
	if status, _, _ := send(t, nil, "GET", ts.URL+"/static/hearth.css", "", "", nil); status != 200 {
		t.Errorf("GET /static/hearth.css: %d", status)
	}

	big := map[string]string{"X-Big": strings.Repeat("a", 9000)}
	status, header, body := send(t, nil, "GET", ts.URL+"/api/v1/me", "", "", big)
	if status != 431 || !strings.HasPrefix(header.Get("Content-Type"), "application/json") || !strings.Contains(body, `"code":"headers_too_large"`) {
		t.Errorf("API with 9 KB of headers: %d %s %s, want 431 headers_too_large as JSON", status, header.Get("Content-Type"), body)
	}
	if status, _, _ := send(t, nil, "GET", ts.URL+"/signin", "", "", big); status != 431 {
		t.Errorf("page with 9 KB of headers: %d, want 431", status)
	}
	huge := map[string]string{"X-Big": strings.Repeat("a", 40000)}
	if status, _, body := send(t, nil, "GET", ts.URL+"/api/v1/me", "", "", huge); status != 431 || !strings.Contains(body, `"code":"headers_too_large"`) {
		t.Errorf("40 KB of headers, refused before routing: %d %s, want 431 headers_too_large", status, body)
	}

	for _, p := range []string{"/api/v1/lottery-windows?site_id=abc", "/api/v1/lottery-windows?site_id=-1"} {
		if status, body := ts.call(t, "GET", p, token, nil); status != 400 || errorCode(body) != "invalid_query" {
			t.Errorf("GET %s: %d %v, want 400 invalid_query", p, status, body)
		}
	}

	for _, p := range []string{"/api/v1/me", "/api/v1/members/" + fmt.Sprint(ada.ID) + "/equity.csv"} {
		_, header, _ := send(t, nil, "GET", ts.URL+p, "", "", map[string]string{"Authorization": "Bearer " + token})
		if got := header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("GET %s: Cache-Control %q, want no-store", p, got)
		}
	}
	pages := signInPages(t, ts, ada)
	for _, p := range []string{"/equity", "/equity/statement.csv", "/charges", "/account"} {
		res, err := pages.c.Get(ts.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if got := res.Header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("GET %s: %d, Cache-Control %q, want no-store", p, res.StatusCode, got)
		}
	}
	if _, header, _ := send(t, nil, "GET", ts.URL+"/signin", "", "", nil); header.Get("Strict-Transport-Security") != "" {
		t.Errorf("HSTS over plain HTTP: %q", header.Get("Strict-Transport-Security"))
	}
}

// TestSecureDeployment: with a public https address every cookie is
// Secure and every answer asks browsers to stay on HTTPS.
func TestSecureDeployment(t *testing.T) {
	t.Parallel()
	cfg := newTestConfig()
	cfg.PublicURL, cfg.SecureCookies = "https://hearth.example.org", true
	ts := newTestServerWith(t, cfg)
	m := apptest.MustCreateMember(t, ts.DB, "Ada", app.RoleMember)

	c := ts.browser(t)
	page := get(t, c, ts.URL+"/signin")
	res, err := c.PostForm(ts.URL+"/signin", url.Values{"_csrf": {csrfField.FindStringSubmatch(page)[1]}, "email": {m.Email}, "password": {apptest.Password}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 303 {
		t.Fatalf("sign-in: %d", res.StatusCode)
	}
	if got := res.Header.Get("Strict-Transport-Security"); !strings.HasPrefix(got, "max-age=") {
		t.Errorf("HSTS: %q", got)
	}
	names := map[string]bool{}
	for _, line := range res.Header.Values("Set-Cookie") {
		name, _, _ := strings.Cut(line, "=")
		names[name] = true
		if !strings.Contains(strings.ToLower(line), "secure") {
			t.Errorf("cookie without Secure: %s", line)
		}
	}
	if !names["hearth_session"] || !names["hearth_flash"] {
		t.Errorf("sign-in set cookies %v, want the session and the flash", names)
	}
}

// TestCSRFTokenBelongsToTheSession: a token is renewed at sign-in and
// sign-out, and one issued to somebody else is refused.
func TestCSRFTokenBelongsToTheSession(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ada := apptest.MustCreateMember(t, ts.DB, "Ada", app.RoleMember)
	ben := apptest.MustCreateMember(t, ts.DB, "Ben", app.RoleMember)

	c := ts.browser(t)
	before := csrfField.FindStringSubmatch(get(t, c, ts.URL+"/signin"))[1]
	res, _ := c.PostForm(ts.URL+"/signin", url.Values{"_csrf": {before}, "email": {ada.Email}, "password": {apptest.Password}})
	res.Body.Close()
	after := csrfField.FindStringSubmatch(get(t, c, ts.URL+"/"))[1]
	if after == before {
		t.Fatalf("the CSRF token did not change at sign-in")
	}
	res, _ = c.PostForm(ts.URL+"/account/sign-out-everywhere", url.Values{"_csrf": {before}})
	res.Body.Close()
	if res.StatusCode != 403 {
		t.Errorf("a post with the token from before sign-in: %d, want 403", res.StatusCode)
	}

	// Ben's browser is given Ada's token and cookie (planted, say, through
	// a sibling domain): it is no good to Ben's session.
	bens := signInPages(t, ts, ben)
	u, _ := url.Parse(ts.URL)
	bens.c.Jar.SetCookies(u, []*http.Cookie{{Name: "hearth_csrf", Value: after, Path: "/"}})
	status, _, _ := bens.post("/account/sign-out-everywhere", map[string]string{"_csrf": after})
	if status != 403 {
		t.Errorf("Ben posts with Ada's token: %d, want 403", status)
	}
	// Ada's own token still works, and signing out renews it.
	res, _ = c.PostForm(ts.URL+"/signout", url.Values{"_csrf": {after}})
	res.Body.Close()
	if res.StatusCode != 303 {
		t.Fatalf("sign-out: %d", res.StatusCode)
	}
	if again := csrfField.FindStringSubmatch(get(t, c, ts.URL+"/signin"))[1]; again == after {
		t.Errorf("the CSRF token did not change at sign-out")
	}
}

// TestSignInLimitsBehindAProxy: behind a trusted proxy each client address
// has its own limit (an address the client wrote itself counts for
// nothing), and failed attempts on one account are limited from wherever
// they come.
func TestSignInLimitsBehindAProxy(t *testing.T) {
	t.Parallel()
	cfg := newTestConfig()
	cfg.SignInLimit, cfg.SignInAccountLimit, cfg.TrustedProxies = 3, 4, []string{"127.0.0.0/8"}
	ts := newTestServerWith(t, cfg)
	ada := apptest.MustCreateMember(t, ts.DB, "Ada", app.RoleMember)
	ben := apptest.MustCreateMember(t, ts.DB, "Ben", app.RoleMember)

	attempt := func(forwardedFor string, m app.Member, password string) int {
		body := fmt.Sprintf(`{"email":%q,"password":%q}`, m.Email, password)
		status, _, _ := send(t, nil, "POST", ts.URL+"/api/v1/auth/token", "application/json", body,
			map[string]string{"X-Forwarded-For": forwardedFor})
		return status
	}
	// Successful sign-ins count against the address, not the account.
	for i := range 3 {
		if got := attempt("203.0.113.1", ben, apptest.Password); got != 200 {
			t.Fatalf("sign-in %d from one address: %d", i+1, got)
		}
	}
	if got := attempt("203.0.113.1", ben, apptest.Password); got != 429 {
		t.Errorf("fourth sign-in from one address: %d, want 429", got)
	}
	if got := attempt("198.51.100.7, 203.0.113.1", ben, apptest.Password); got != 429 {
		t.Errorf("the same client naming another address itself: %d, want 429", got)
	}
	if got := attempt("203.0.113.2", ben, apptest.Password); got != 200 {
		t.Errorf("another client behind the proxy: %d, want 200", got)
	}
	// Four wrong passwords for Ada, each from its own address, lock her
	// account for a while, even to the right password; Ben's is untouched.
	for i := range 4 {
		if got := attempt(fmt.Sprintf("192.0.2.%d", i+1), ada, "wrong password"); got != 401 {
			t.Fatalf("wrong password %d: %d, want 401", i+1, got)
		}
	}
	if got := attempt("192.0.2.50", ada, apptest.Password); got != 429 {
		t.Errorf("Ada after four failures: %d, want 429", got)
	}
	if got := attempt("192.0.2.51", ben, apptest.Password); got != 200 {
		t.Errorf("Ben while Ada is locked: %d, want 200", got)
	}
}

// TestEquityCSVKeepsFormulasInert: text in the equity statement's CSV that a
// spreadsheet would run as a formula is written as text.
func TestEquityCSVKeepsFormulasInert(t *testing.T) {
	t.Parallel()
	w := newEquityWorld(t)
	ts := w.ts
	if _, err := ts.DB.Exec(`UPDATE sites SET name = '=HYPERLINK("https://evil.example","Harbor")' WHERE id = $1`, w.site); err != nil {
		t.Fatal(err)
	}
	w.open(t)
	coord := ts.token(t, w.coord)
	if status, body := ts.call(t, "POST", w.sitePath("/admissions"), coord, map[string]any{"unit_id": w.u1, "member_id": w.ada.ID,
		"cash": "40000.00", "loan": "0", "idempotency_key": "ada-h1"}); status != 201 {
		t.Fatalf("admission: %d %v", status, body)
	}
	_, _, body := send(t, nil, "GET", fmt.Sprintf("%s/api/v1/members/%d/equity.csv", ts.URL, w.ada.ID), "", "",
		map[string]string{"Authorization": "Bearer " + ts.token(t, w.ada)})
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil || len(rows) < 2 {
		t.Fatalf("statement CSV: %v %q", err, body)
	}
	for _, row := range rows[1:] {
		for _, cell := range row {
			if strings.HasPrefix(cell, "=") || strings.HasPrefix(cell, "@") || strings.HasPrefix(cell, "+") {
				t.Errorf("a cell a spreadsheet would run: %q in %v", cell, row)
			}
		}
		if row[3] != "" && row[3] != `'=HYPERLINK("https://evil.example","Harbor")` {
			t.Errorf("site cell %q, want the name as text", row[3])
		}
	}
}
