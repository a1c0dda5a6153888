package web_test

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"hearth/app"
	"hearth/app/apptest"
)

// newBrowser starts a headless Chromium (Debian's package) for one test and
// returns a context to drive it with chromedp. The test is skipped only when
// no Chromium is installed and HEARTH_REQUIRE_BROWSER is unset; CI sets it.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	return newBrowserFor(t, 60*time.Second)
}

// newBrowserFor is newBrowser for a test that may take up to timeout.
func newBrowserFor(t *testing.T, timeout time.Duration) context.Context {
	t.Helper()
	path := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		if os.Getenv("HEARTH_REQUIRE_BROWSER") != "" {
			t.Fatal("no Chromium found; install Debian's chromium package")
		}
		t.Skip("no Chromium found; install Debian's chromium package to run browser tests")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, timeout)
	t.Cleanup(func() {
		cancelTimeout()
		cancelCtx()
		cancelAlloc()
	})
	return ctx
}

// signInWithBrowser signs a member in through the sign-in page.
func signInWithBrowser(t *testing.T, ctx context.Context, ts *testServer, m app.Member) {
	t.Helper()
	err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/signin"),
		chromedp.WaitVisible(`input[name=email]`),
		chromedp.SendKeys(`input[name=email]`, m.Email),
		chromedp.SendKeys(`input[name=password]`, apptest.Password),
		chromedp.Click(`form[action="/signin"] button[type=submit]`),
		chromedp.WaitVisible(`form[action="/signout"]`),
	)
	if err != nil {
		t.Fatalf("sign in with the browser: %v", err)
	}
}

// mustText returns the visible text of the first element matching sel.
func mustText(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	text, err := chromedp.Run(ctx, chromedp.Text(sel))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return text
}

// TestBrowserSignInAndOut drives a real Chromium: sign in, see the home page,
// sign out, and a form posted without its CSRF token is refused.
func TestBrowserSignInAndOut(t *testing.T) {
	ts := newTestServer(t)
	m := apptest.MustCreateMember(t, ts.DB, "Ada Okafor", app.RoleMember)
	site := apptest.MustCreateSite(t, ts.DB, "Elm Court", "America/Los_Angeles")
	unit := apptest.MustCreateUnit(t, ts.DB, site.ID, "E1", "1180.00")
	apptest.MustAddResidency(t, ts.DB, site.ID, unit, m.ID, "2024-01-01")
	ctx := newBrowser(t)

	signInWithBrowser(t, ctx, ts, m)
	heading := mustText(t, ctx, `main h1`)
	home := mustText(t, ctx, `main hgroup p`)
	if got, want := heading, "Hello, Ada Okafor"; got != want {
		t.Errorf("heading: got %q, want %q", got, want)
	}
	if !strings.Contains(home, "Elm Court") || !strings.Contains(home, "E1") {
		t.Errorf("home does not say where the member lives: %q", home)
	}

	// A form whose CSRF token was tampered with is refused and changes nothing.
	if err := chromedp.Do(ctx,
		chromedp.SetValue(`form[action="/signout"] input[name=_csrf]`, "forged"),
		chromedp.Click(`form[action="/signout"] button`),
		chromedp.WaitVisible(`main article h1`),
	); err != nil {
		t.Fatal(err)
	}
	refused := mustText(t, ctx, `main article`)
	if !strings.Contains(refused, "This form has expired") {
		t.Errorf("forged CSRF token: got page %q", refused)
	}

	if err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/"),
		chromedp.WaitVisible(`form[action="/signout"]`),
		chromedp.Click(`form[action="/signout"] button`),
		chromedp.WaitVisible(`input[name=email]`),
	); err != nil {
		t.Fatal(err)
	}
	signinHeading := mustText(t, ctx, `main h1`)
	if got, want := signinHeading, "Sign in"; got != want {
		t.Errorf("after sign-out: got %q, want %q", got, want)
	}
}
