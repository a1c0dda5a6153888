package app_test

import (
	"context"
	"os"
	"testing"
	"time"

	"hearth/app"
	"hearth/app/apptest"
)

func TestMain(m *testing.M) { os.Exit(apptest.Main(m)) }

func newAccounts(t *testing.T) *app.Accounts {
	db := apptest.NewDB(t)
	return &app.Accounts{DB: db, SessionTTL: time.Hour, TokenTTL: time.Hour}
}

func TestCreateMemberRefusesBadInput(t *testing.T) {
	t.Parallel()
	a := newAccounts(t)
	ctx := context.Background()
	good := app.NewMember{Email: "ada@example.org", Password: "long enough", Name: "Ada"}
	if _, err := a.CreateMember(ctx, a.DB, good); err != nil {
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
		_, err := a.CreateMember(ctx, a.DB, tt.in)
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
	m, err := a.CreateMember(ctx, a.DB, app.NewMember{Email: "ada@example.org", Password: "long enough", Name: "Ada"})
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

	session, err := a.StartSession(ctx, m.ID)
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

	token, err := a.IssueToken(ctx, m.ID)
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
