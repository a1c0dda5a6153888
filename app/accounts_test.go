package app_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/alexedwards/argon2id"

	"hearth/app"
	"hearth/app/apptest"
)

func TestMain(m *testing.M) { os.Exit(apptest.Main(m)) }

func newAccounts(t *testing.T) *app.Accounts {
	db := apptest.NewDB(t)
	return &app.Accounts{DB: db, SessionTTL: time.Hour, TokenTTL: time.Hour}
}

// treasurer manages members; TestOnlyTheTreasurerManagesMembers tries others.
var treasurer = &app.Principal{Member: app.Member{ID: -1, Role: app.RoleAdmin}}

// TestOnlyTheTreasurerManagesMembers: the list of every member (with their
// email addresses) and new accounts are the treasurer's; anyone else is
// refused with forbidden and nothing is written.
func TestOnlyTheTreasurerManagesMembers(t *testing.T) {
	t.Parallel()
	a := newAccounts(t)
	ctx := context.Background()
	callers := []struct {
		name string
		p    *app.Principal
		want string
	}{
		{"treasurer", treasurer, ""},
		{"member", &app.Principal{Member: app.Member{ID: 1, Role: app.RoleMember}}, "forbidden"},
		{"coordinator", &app.Principal{Member: app.Member{ID: 2, Role: app.RoleMember}, CoordinatorOf: []int64{1}}, "forbidden"},
		{"nobody", nil, "forbidden"},
	}
	for i, c := range callers {
		_, err := a.Members(ctx, c.p)
		if got := errorCode(err); got != c.want {
			t.Errorf("%s lists members: got %q, want %q", c.name, got, c.want)
		}
		_, err = a.CreateMember(ctx, c.p, app.NewMember{Email: fmt.Sprintf("new%d@example.org", i), Password: "long enough", Name: "New"})
		if got := errorCode(err); got != c.want {
			t.Errorf("%s adds a member: got %q, want %q", c.name, got, c.want)
		}
	}
	list, err := a.Members(ctx, treasurer)
	if err != nil || len(list) != 1 {
		t.Errorf("members = %v, %v; want the treasurer's one", list, err)
	}
}

func errorCode(err error) string {
	if e, ok := app.AsError(err); ok {
		return e.Code
	}
	if err != nil {
		return "internal: " + err.Error()
	}
	return ""
}

func TestCreateMemberRefusesBadInput(t *testing.T) {
	t.Parallel()
	a := newAccounts(t)
	ctx := context.Background()
	good := app.NewMember{Email: "ada@example.org", Password: "long enough", Name: "Ada"}
	if _, err := a.CreateMember(ctx, treasurer, good); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		in   app.NewMember
		code string
	}{
		{"duplicate email", good, "email_taken"},
		{"duplicate email other case", app.NewMember{Email: "ADA@example.org", Password: "long enough", Name: "A"}, "email_taken"},
		{"bad email", app.NewMember{Email: "ada", Password: "long enough", Name: "Ada"}, "invalid_email"},
		{"short password", app.NewMember{Email: "b@example.org", Password: "short", Name: "B"}, "weak_password"},
		{"no name", app.NewMember{Email: "c@example.org", Password: "long enough", Name: " "}, "invalid_name"},
		{"bad role", app.NewMember{Email: "d@example.org", Password: "long enough", Name: "D", Role: "root"}, "invalid_role"},
	}
	for _, tt := range tests {
		_, err := a.CreateMember(ctx, treasurer, tt.in)
		e, ok := app.AsError(err)
		if !ok || e.Code != tt.code {
			t.Errorf("%s: got %v, want code %s", tt.name, err, tt.code)
		}
	}
	var n int
	a.DB.Get(&n, `SELECT count(*) FROM members`)
	if got, want := n, 1; got != want {
		t.Errorf("members: got %d, want %d", got, want)
	}
}

func TestSessionsAndTokens(t *testing.T) {
	t.Parallel()
	a := newAccounts(t)
	ctx := context.Background()
	m, err := a.CreateMember(ctx, treasurer, app.NewMember{Email: "ada@example.org", Password: "long enough", Name: "Ada"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Authenticate(ctx, "ada@example.org", "wrong password"); app.ErrorKind(err) != app.KindUnauthorized {
		t.Errorf("wrong password: got %v", err)
	}
	if _, err := a.Authenticate(ctx, "nobody@example.org", "long enough"); app.ErrorKind(err) != app.KindUnauthorized {
		t.Errorf("unknown email: got %v", err)
	}
	if got, err := a.Authenticate(ctx, "ada@example.org", "long enough"); err != nil || got.ID != m.ID {
		t.Fatalf("good credentials: got %v, %v", got, err)
	}

	session, err := a.StartSession(ctx, m.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := a.SessionPrincipal(ctx, session); err != nil || got.ID != m.ID {
		t.Fatalf("session: got %v, %v", got, err)
	}
	a.EndSession(ctx, session)
	if _, err := a.SessionPrincipal(ctx, session); app.ErrorKind(err) != app.KindUnauthorized {
		t.Errorf("ended session: got %v", err)
	}

	token, err := a.IssueToken(ctx, m.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := a.TokenPrincipal(ctx, token); err != nil || got.ID != m.ID {
		t.Fatalf("token: got %v, %v", got, err)
	}
	a.RevokeToken(ctx, token)
	if _, err := a.TokenPrincipal(ctx, token); app.ErrorKind(err) != app.KindUnauthorized {
		t.Errorf("revoked token: got %v", err)
	}
	a.DB.Exec(`UPDATE api_tokens SET revoked_at = NULL, expires_at = now() - interval '1 second'`)
	if _, err := a.TokenPrincipal(ctx, token); app.ErrorKind(err) != app.KindUnauthorized {
		t.Errorf("expired token: got %v", err)
	}
}

func TestPrincipal(t *testing.T) {
	t.Parallel()
	a := newAccounts(t)
	ctx := context.Background()
	m := apptest.MustCreateMember(t, a.DB, "Ada", app.RoleMember)
	site := apptest.MustCreateSite(t, a.DB, "Elm Court", "Europe/Berlin")
	other := apptest.MustCreateSite(t, a.DB, "Oak Row", "America/New_York")
	unit := apptest.MustCreateUnit(t, a.DB, site.ID, "A1", "900.00")
	apptest.MustAddResidency(t, a.DB, site.ID, unit, m.ID, "2020-01-01")
	apptest.MustMakeCoordinator(t, a.DB, other.ID, m.ID)

	p, err := a.Principal(ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	if !p.LivesAt(site.ID) || p.LivesAt(other.ID) {
		t.Errorf("LivesAt wrong: home %+v", p.Home)
	}
	if !p.Coordinates(other.ID) || p.Coordinates(site.ID) {
		t.Errorf("Coordinates wrong: %v", p.CoordinatorOf)
	}
	if p.IsAdmin() || p.CanSeeMoneyOf(m.ID+1) || !p.CanSeeMoneyOf(m.ID) {
		t.Errorf("money visibility wrong")
	}
}

// signedIn is a member with two browser sessions and two API tokens.
type signedIn struct {
	a                  *app.Accounts
	m                  app.Member
	session1, session2 string
	token1, token2     string
}

func newSignedIn(t *testing.T) *signedIn {
	t.Helper()
	a := newAccounts(t)
	a.SessionIdle = time.Hour
	ctx := context.Background()
	m, err := a.CreateMember(ctx, treasurer, app.NewMember{Email: "ada@example.org", Password: "long enough", Name: "Ada"})
	if err != nil {
		t.Fatal(err)
	}
	s := &signedIn{a: a, m: m}
	for _, p := range []*string{&s.session1, &s.session2} {
		if *p, err = a.StartSession(ctx, m.ID, "Firefox"); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []*string{&s.token1, &s.token2} {
		if *p, err = a.IssueToken(ctx, m.ID, "curl/8"); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// live reports which of the member's credentials still sign in.
func (s *signedIn) live(t *testing.T) (sessions, tokens []bool) {
	t.Helper()
	ctx := context.Background()
	for _, v := range []string{s.session1, s.session2} {
		_, err := s.a.SessionPrincipal(ctx, v)
		sessions = append(sessions, err == nil)
	}
	for _, v := range []string{s.token1, s.token2} {
		_, err := s.a.TokenPrincipal(ctx, v)
		tokens = append(tokens, err == nil)
	}
	return sessions, tokens
}

func TestChangePassword(t *testing.T) {
	t.Parallel()
	s := newSignedIn(t)
	ctx := context.Background()
	p, err := s.a.SessionPrincipal(ctx, s.session1)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		ch   app.PasswordChange
		code string
	}{
		{"wrong current password", app.PasswordChange{Current: "not it at all", New: "a new password"}, "wrong_password"},
		{"too short", app.PasswordChange{Current: "long enough", New: "short"}, "weak_password"},
	} {
		if got := apptest.Code(s.a.ChangePassword(ctx, p, tt.ch)); got != tt.code {
			t.Errorf("%s: got %q, want %s", tt.name, got, tt.code)
		}
	}
	if sessions, tokens := s.live(t); !sessions[0] || !sessions[1] || !tokens[0] || !tokens[1] {
		t.Fatalf("a refused change ended credentials: %v %v", sessions, tokens)
	}

	if err := s.a.ChangePassword(ctx, p, app.PasswordChange{Current: "long enough", New: "a new password"}); err != nil {
		t.Fatal(err)
	}
	if sessions, tokens := s.live(t); !sessions[0] || sessions[1] || tokens[0] || tokens[1] {
		t.Errorf("after the change: sessions %v, tokens %v, want only the session that asked", sessions, tokens)
	}
	if _, err := s.a.Authenticate(ctx, s.m.Email, "long enough"); app.ErrorKind(err) != app.KindUnauthorized {
		t.Errorf("the old password still signs in: %v", err)
	}
	if _, err := s.a.Authenticate(ctx, s.m.Email, "a new password"); err != nil {
		t.Errorf("the new password: %v", err)
	}
}

func TestSessionsAndTokensAreTheMembersOwn(t *testing.T) {
	t.Parallel()
	s := newSignedIn(t)
	ctx := context.Background()
	p, _ := s.a.TokenPrincipal(ctx, s.token1)
	sessions, err := s.a.Sessions(ctx, p)
	if err != nil || len(sessions) != 2 || sessions[0].UserAgent != "Firefox" || sessions[0].Current {
		t.Fatalf("sessions: %+v %v", sessions, err)
	}
	tokens, err := s.a.Tokens(ctx, p)
	if err != nil || len(tokens) != 2 {
		t.Fatalf("tokens: %+v %v", tokens, err)
	}
	current := 0
	for _, tk := range tokens {
		if tk.Current {
			current++
		}
	}
	if current != 1 {
		t.Errorf("%d tokens marked current, want 1", current)
	}

	other := apptest.MustCreateMember(t, s.a.DB, "Ben", app.RoleMember)
	ben, _ := s.a.Principal(ctx, other)
	if got := apptest.Code(s.a.EndSessionOf(ctx, ben, sessions[0].ID)); got != "not_found" {
		t.Errorf("Ben ends Ada's session: %q, want not_found", got)
	}
	if got := apptest.Code(s.a.RevokeTokenOf(ctx, ben, tokens[0].ID)); got != "not_found" {
		t.Errorf("Ben revokes Ada's token: %q, want not_found", got)
	}
	if err := s.a.EndSessionOf(ctx, p, sessions[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := s.a.RevokeTokenOf(ctx, p, tokens[0].ID); err != nil {
		t.Fatal(err)
	}
	if ss, ts := s.live(t); ss[0] == ss[1] || ts[0] == ts[1] {
		t.Errorf("ending one of each: sessions %v, tokens %v", ss, ts)
	}
	if err := s.a.SignOutEverywhere(ctx, p); err != nil {
		t.Fatal(err)
	}
	if ss, ts := s.live(t); ss[0] || ss[1] || ts[0] || ts[1] {
		t.Errorf("after signing out everywhere: sessions %v, tokens %v", ss, ts)
	}
}

func TestIdleSessionsEndAndDeadCredentialsAreSwept(t *testing.T) {
	t.Parallel()
	s := newSignedIn(t)
	ctx := context.Background()
	if _, err := s.a.DB.Exec(`UPDATE sessions SET last_used_at = now() - interval '61 minutes' WHERE token_hash = $1`, sha(s.session2)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.a.DB.Exec(`UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE token_hash = $1`, sha(s.token2)); err != nil {
		t.Fatal(err)
	}
	s.a.RevokeToken(ctx, s.token1)
	if ss, _ := s.live(t); !ss[0] || ss[1] {
		t.Errorf("sessions %v, want the idle one ended", ss)
	}
	if err := s.a.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	var sessions, tokens int
	s.a.DB.Get(&sessions, `SELECT count(*) FROM sessions`)
	s.a.DB.Get(&tokens, `SELECT count(*) FROM api_tokens`)
	if sessions != 1 || tokens != 0 {
		t.Errorf("after the sweep: %d sessions, %d tokens, want 1 and 0", sessions, tokens)
	}
}

func TestOldPasswordHashesAreReplacedAtSignIn(t *testing.T) {
	t.Parallel()
	a := newAccounts(t)
	ctx := context.Background()
	m := apptest.MustCreateMember(t, a.DB, "Ada", app.RoleMember)
	old, err := argon2id.CreateHash(apptest.Password, &argon2id.Params{Memory: 16 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32})
	if err != nil {
		t.Fatal(err)
	}
	a.DB.MustExec(`UPDATE members SET password_hash = $2 WHERE id = $1`, m.ID, old)
	if _, err := a.Authenticate(ctx, m.Email, apptest.Password); err != nil {
		t.Fatal(err)
	}
	var hash string
	a.DB.Get(&hash, `SELECT password_hash FROM members WHERE id = $1`, m.ID)
	if hash == old || !strings.HasPrefix(hash, "$argon2id$v=19$m=65536,t=1,p=2$") {
		t.Errorf("hash after sign-in: %s", hash)
	}
}

func sha(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}
