package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"hearth"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"hearth/app"
	"hearth/app/apptest"
	"hearth/web"
)

func TestMain(m *testing.M) { os.Exit(apptest.Main(m)) }

// testServer is the real Hearth server on a loopback port with a database of
// its own.
type testServer struct {
	URL string
	DB  *sqlx.DB
	Srv *web.Server
	Svc *hearth.Services // the services the server runs on, for tests that set the scene through the domain
}

func newTestConfig() app.Config {
	cfg, err := app.ConfigFromEnv()
	if err != nil {
		panic(err)
	}
	cfg.SignInLimit = 1000
	cfg.PublicURL = "" // the server's own address once it listens
	return cfg
}

// newTestServer starts the server with the default test configuration.
func newTestServer(t testing.TB) *testServer {
	t.Helper()
	return newTestServerWith(t, newTestConfig())
}

func newTestServerWith(t testing.TB, cfg app.Config) *testServer {
	t.Helper()
	return newTestServerLogging(t, cfg, apptest.Logger())
}

// newTestServerLogging starts a server that logs to log, for tests of what
// the logs say.
func newTestServerLogging(t testing.TB, cfg app.Config, log *slog.Logger) *testServer {
	t.Helper()
	db, err := app.OpenDB(context.Background(), apptest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	return startTestServer(t, cfg, db, log)
}

// startTestServer serves an open database on a loopback port, for tests
// that fill the database first; it closes the database afterwards.
func startTestServer(t testing.TB, cfg app.Config, db *sqlx.DB, log *slog.Logger) *testServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.PublicURL == "" {
		cfg.PublicURL = "http://" + ln.Addr().String()
	}
	svc := hearth.NewServices(cfg, db)
	srv := web.New(cfg, svc, log)
	go srv.App.Listener(ln)
	t.Cleanup(func() {
		srv.Shutdown(5 * time.Second)
		db.Close()
	})
	return &testServer{URL: "http://" + ln.Addr().String(), DB: db, Srv: srv, Svc: svc}
}

// token signs a member in through the API and returns a bearer token.
func (ts *testServer) token(t testing.TB, m app.Member) string {
	t.Helper()
	status, body := ts.call(t, "POST", "/api/v1/auth/token", "", map[string]string{"email": m.Email, "password": apptest.Password})
	if status != 200 {
		t.Fatalf("token for %s: %d %v", m.Email, status, body)
	}
	return body["token"].(string)
}

// checkEveryCall, set by HEARTH_CHECK_OPENAPI=1, checks every call of every
// test against the OpenAPI document: what a request sent that the server
// accepted, and everything it answered.
var checkEveryCall = os.Getenv("HEARTH_CHECK_OPENAPI") == "1"

// call sends a JSON request (body nil for none) and decodes the JSON answer.
func (ts *testServer) call(t testing.TB, method, path, token string, body any) (int, map[string]any) {
	t.Helper()
	var r io.Reader
	var sent []byte
	if body != nil {
		if s, ok := body.(string); ok {
			sent = []byte(s)
		} else {
			sent, _ = json.Marshal(body)
		}
		r = bytes.NewReader(sent)
	}
	req, _ := http.NewRequest(method, ts.URL+path, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if checkEveryCall && servedOpenAPIDoc(t, ts).documents(method, path) {
		for _, p := range servedOpenAPIDoc(t, ts).checkExchange(method, path, sent, res.StatusCode, res.Header.Get("Content-Type"), raw) {
			t.Errorf("OpenAPI: %s", p)
		}
	}
	var out map[string]any
	if len(raw) > 0 && strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatalf("%s %s: bad JSON %q", method, path, raw)
		}
	}
	return res.StatusCode, out
}

// errorCode returns the code of an error answer.
func errorCode(body map[string]any) string {
	e, _ := body["error"].(map[string]any)
	code, _ := e["code"].(string)
	return code
}

// browser is an HTTP client with a cookie jar that does not follow redirects,
// for page tests that need no JavaScript.
func (ts *testServer) browser(t testing.TB) *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}
