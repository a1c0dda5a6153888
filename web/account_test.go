package web_test

import (
	"fmt"
	"strings"
	"testing"

	"hearth/app"
	"hearth/app/apptest"
)

// TestAccountAPI: a member lists and ends their own sessions and tokens,
// changes their password (the old one required) and signs out everywhere.
func TestAccountAPI(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ada := apptest.MustCreateMember(t, ts.DB, "Ada", app.RoleMember)
	ben := apptest.MustCreateMember(t, ts.DB, "Ben", app.RoleMember)
	first, second := ts.token(t, ada), ts.token(t, ada)
	benToken := ts.token(t, ben)
	browser := signInPages(t, ts, ada)

	status, body := ts.call(t, "GET", "/api/v1/me/tokens", first, nil)
	tokens, _ := body["tokens"].([]any)
	if status != 200 || len(tokens) != 2 {
		t.Fatalf("tokens: %d %v", status, body)
	}
	status, body = ts.call(t, "GET", "/api/v1/me/sessions", first, nil)
	sessions, _ := body["sessions"].([]any)
	if status != 200 || len(sessions) != 1 {
		t.Fatalf("sessions: %d %v", status, body)
	}
	sessionID := sessions[0].(map[string]any)["id"]

	// Ben cannot end Ada's session.
	if status, body := ts.call(t, "DELETE", fmt.Sprintf("/api/v1/me/sessions/%v", sessionID), benToken, nil); status != 404 {
		t.Errorf("Ben ends Ada's session: %d %v, want 404", status, body)
	}

	for _, tt := range []struct {
		name   string
		body   any
		status int
		code   string
	}{
		{"wrong current password", map[string]string{"current_password": "nope nope", "new_password": "brand new words"}, 422, "wrong_password"},
		{"weak new password", map[string]string{"current_password": apptest.Password, "new_password": "short"}, 422, "weak_password"},
		{"unknown field", `{"password":"x"}`, 400, "malformed_json"},
	} {
		if status, body := ts.call(t, "PUT", "/api/v1/me/password", first, tt.body); status != tt.status || errorCode(body) != tt.code {
			t.Errorf("%s: %d %v, want %d %s", tt.name, status, body, tt.status, tt.code)
		}
	}
	if status, body := ts.call(t, "PUT", "/api/v1/me/password", first,
		map[string]string{"current_password": apptest.Password, "new_password": "brand new words"}); status != 204 {
		t.Fatalf("change password: %d %v", status, body)
	}
	if status, _ := ts.call(t, "GET", "/api/v1/me", first, nil); status != 200 {
		t.Errorf("the token that changed the password: %d, want 200", status)
	}
	if status, _ := ts.call(t, "GET", "/api/v1/me", second, nil); status != 401 {
		t.Errorf("another token after the change: %d, want 401", status)
	}
	if status, _ := browser.get("/account"); status != 303 {
		t.Errorf("the browser session after the change: %d, want 303 to sign in", status)
	}
	if status, _ := ts.call(t, "POST", "/api/v1/auth/token", "", map[string]string{"email": ada.Email, "password": "brand new words"}); status != 200 {
		t.Errorf("sign-in with the new password: %d", status)
	}

	if status, _ := ts.call(t, "POST", "/api/v1/me/sign-out-everywhere", first, nil); status != 204 {
		t.Fatalf("sign out everywhere: %d", status)
	}
	if status, _ := ts.call(t, "GET", "/api/v1/me", first, nil); status != 401 {
		t.Errorf("after signing out everywhere: %d, want 401", status)
	}
	if status, _ := ts.call(t, "GET", "/api/v1/me", benToken, nil); status != 200 {
		t.Errorf("Ben after Ada signed out everywhere: %d, want 200", status)
	}
}

// TestAccountPagesFlow walks the account page without JavaScript.
func TestAccountPagesFlow(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	ada := apptest.MustCreateMember(t, ts.DB, "Ada", app.RoleMember)
	ts.token(t, ada)
	other := signInPages(t, ts, ada)
	p := signInPages(t, ts, ada)

	status, page := p.get("/account")
	if status != 200 || strings.Count(page, "/end\"") != 2 || !strings.Contains(page, "this browser") || !strings.Contains(page, "/revoke\"") {
		t.Fatalf("account page: %d, want two sessions, this browser marked, one token", status)
	}

	status, page, _ = p.post("/account/password", map[string]string{"current_password": "nope nope", "new_password": "brand new words"})
	if status != 422 || !strings.Contains(page, "Your current password is not right.") {
		t.Errorf("wrong current password: %d, want 422 with the message", status)
	}
	status, _, to := p.post("/account/password", map[string]string{"current_password": apptest.Password, "new_password": "brand new words"})
	if status != 303 || to != "/account" {
		t.Fatalf("change password: %d to %q", status, to)
	}
	if status, page := p.get("/account"); status != 200 || !strings.Contains(page, "signed out everywhere else") || strings.Count(page, "/end\"") != 1 {
		t.Errorf("after the change: %d, want the flash and one session", status)
	}
	if status, _ := other.get("/account"); status != 303 {
		t.Errorf("the other browser after the change: %d, want 303 to sign in", status)
	}

	status, _, to = p.post("/account/sign-out-everywhere", nil)
	if status != 303 || to != "/signin" {
		t.Errorf("sign out everywhere: %d to %q", status, to)
	}
	if status, _ := p.get("/account"); status != 303 {
		t.Errorf("after signing out everywhere: %d, want 303 to sign in", status)
	}
}
