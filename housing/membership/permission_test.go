package membership_test

import (
	"context"
	"testing"

	"hearth/app"
	"hearth/app/apptest"
	"hearth/housing/membership"
)

// Who may do what with a move: Elena moves from Harbor House, whose
// coordinator is Grace, to Linden Yard, whose coordinator is Hugo; the
// treasurer decides everything; Kemi lives at Linden and coordinates
// nothing; Oskar coordinates a third site. Each operation is tried by each
// caller: a refusal says forbidden, or not_found to those who may not know
// of the move, before anything about the move's state; an allowed caller
// gets neither (the move completes on the way, and those who may decline
// or withdraw it then hear that it is closed).
func TestMovePermissions(t *testing.T) {
	t.Parallel()
	e := newMoveEnv(t)
	ctx := context.Background()
	elena := e.resident(e.harbor, "Elena", "40000", "40000", "0", "0")
	kemi := e.resident(e.linden, "Kemi", "30000", "30000", "0", "0")
	l5 := e.unit(e.linden, "L5", "30000")
	oak := apptest.MustCreateSite(t, e.db, "Oak Row", "UTC").ID
	grace, hugo, oskar := e.member("Grace"), e.member("Hugo"), e.member("Oskar")
	e.today = day("2026-06-15")
	mover := as(elena)
	callers := []struct {
		name string
		p    *app.Principal
	}{
		{"the mover", mover},
		{"the origin's coordinator", as(grace, e.harbor)},
		{"the destination's coordinator", as(hugo, e.linden)},
		{"the treasurer", e.treasurer()},
		{"a resident of the destination", as(kemi)},
		{"another site's coordinator", as(oskar, oak)},
	}

	if _, err := e.svc.QuoteMove(ctx, as(kemi), membership.QuoteRequest{MemberID: elena, UnitID: l5}); apptest.Code(err) != "forbidden" {
		t.Errorf("Kemi quotes Elena's move: %v, want forbidden", err)
	}
	if _, err := e.svc.RequestMove(ctx, e.treasurer(), membership.MoveRequest{QuoteRequest: membership.QuoteRequest{MemberID: elena, UnitID: l5}}); apptest.Code(err) != "forbidden" {
		t.Errorf("the treasurer asks for Elena's move: %v, want forbidden", err)
	}
	if _, err := e.svc.QuoteMove(ctx, mover, membership.QuoteRequest{UnitID: l5}); err != nil {
		t.Errorf("Elena quotes her move: %v", err)
	}
	mv, err := e.svc.RequestMove(ctx, mover, membership.MoveRequest{QuoteRequest: membership.QuoteRequest{UnitID: l5}})
	if err != nil {
		t.Fatal(err)
	}

	// What each sees of the move: "" is the move, with its money or not.
	sees := map[string]struct {
		code  string
		money bool
	}{
		"the mover":                     {"", true},
		"the origin's coordinator":      {"", false},
		"the destination's coordinator": {"", false},
		"the treasurer":                 {"", true},
		"a resident of the destination": {"move_not_found", false},
		"another site's coordinator":    {"move_not_found", false},
	}
	for _, c := range callers {
		d, err := e.svc.MoveDetail(ctx, c.p, mv.ID)
		want := sees[c.name]
		if apptest.Code(err) != want.code || d.SeesMoney != want.money || (d.Current != nil) != want.money {
			t.Errorf("%s sees the move: %q, money %v (quote %v); want %q, %v", c.name, apptest.Code(err), d.SeesMoney, d.Current != nil, want.code, want.money)
		}
	}

	const ok, forbidden, hidden = "", "forbidden", "move_not_found"
	id := mv.ID
	for _, op := range []struct {
		name string
		do   func(*app.Principal) error
		want map[string]string // by caller; missing is hidden
	}{
		{"confirm", func(p *app.Principal) error {
			_, err := e.svc.ConfirmMove(ctx, p, id, membership.Confirm{})
			return err
		}, map[string]string{"the mover": ok, "the origin's coordinator": forbidden, "the destination's coordinator": forbidden, "the treasurer": forbidden}},
		{"approve", func(p *app.Principal) error {
			_, err := e.svc.ApproveMove(ctx, p, id)
			return err
		}, map[string]string{"the mover": forbidden, "the origin's coordinator": forbidden, "the destination's coordinator": ok, "the treasurer": ok}},
		{"complete", func(p *app.Principal) error {
			_, err := e.svc.CompleteMove(ctx, p, id)
			return err
		}, map[string]string{"the mover": forbidden, "the origin's coordinator": forbidden, "the destination's coordinator": ok, "the treasurer": ok}},
		{"decline", func(p *app.Principal) error {
			_, err := e.svc.DeclineMove(ctx, p, id, "")
			if apptest.Code(err) == "move_closed" {
				return nil // allowed; the move is completed already
			}
			return err
		}, map[string]string{"the mover": forbidden, "the origin's coordinator": forbidden, "the destination's coordinator": ok, "the treasurer": ok}},
		{"withdraw", func(p *app.Principal) error {
			_, err := e.svc.WithdrawMove(ctx, p, id)
			if apptest.Code(err) == "move_closed" {
				return nil // allowed; the move is completed already
			}
			return err
		}, map[string]string{"the mover": ok, "the origin's coordinator": forbidden, "the destination's coordinator": forbidden, "the treasurer": ok}},
	} {
		for _, c := range callers {
			want, listed := op.want[c.name]
			if !listed {
				want = hidden
			}
			if got := apptest.Code(op.do(c.p)); got != want {
				t.Errorf("%s by %s: %q, want %q", op.name, c.name, got, want)
			}
		}
	}
}

// Who lists moves: a site's list is for its coordinators and the
// treasurer; the review of every site one decides is for coordinators and
// the treasurer; a member's own list is theirs.
func TestMoveListPermissions(t *testing.T) {
	t.Parallel()
	e := newMoveEnv(t)
	ctx := context.Background()
	elena := e.resident(e.harbor, "Elena", "40000", "40000", "0", "0")
	l5 := e.unit(e.linden, "L5", "30000")
	grace, hugo := e.member("Grace"), e.member("Hugo")
	e.today = day("2026-06-15")
	if _, err := e.svc.RequestMove(ctx, as(elena), membership.MoveRequest{QuoteRequest: membership.QuoteRequest{UnitID: l5}}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name    string
		p       *app.Principal
		code    string
		moves   int
		reviews bool
	}{
		{"the destination's coordinator", as(hugo, e.linden), "", 1, true},
		{"the origin's coordinator", as(grace, e.harbor), "forbidden", 0, true},
		{"the treasurer", e.treasurer(), "", 1, true},
		{"the mover", as(elena), "forbidden", 0, false},
	} {
		ms, err := e.svc.SiteMoves(ctx, c.p, e.linden)
		if apptest.Code(err) != c.code || len(ms) != c.moves {
			t.Errorf("%s lists Linden's moves: %q, %d moves; want %q, %d", c.name, apptest.Code(err), len(ms), c.code, c.moves)
		}
		r, err := e.svc.ReviewMoves(ctx, c.p)
		wantCode := ""
		if !c.reviews {
			wantCode = "forbidden"
		}
		if apptest.Code(err) != wantCode || len(r.Open) != c.moves || r.AllSites != c.p.IsAdmin() {
			t.Errorf("%s reviews moves: %q, %d open, all sites %v; want %q, %d", c.name, apptest.Code(err), len(r.Open), r.AllSites, wantCode, c.moves)
		}
		m, err := e.svc.Moves(ctx, c.p, e.today)
		if err != nil || m.Reviews != c.reviews || m.ToReview != c.moves {
			t.Errorf("%s's moves: %v, reviews %v, %d to review; want %v, %d", c.name, err, m.Reviews, m.ToReview, c.reviews, c.moves)
		}
		if mine := len(m.Mine); (mine == 1) != (c.p.ID == elena) {
			t.Errorf("%s has %d moves of their own", c.name, mine)
		}
	}
}

// Admissions are for the site's coordinators and the treasurer.
func TestAdmissionPermissions(t *testing.T) {
	t.Parallel()
	e := newAdmitEnv(t)
	ctx := context.Background()
	liam := apptest.MustCreateMember(t, e.db, "Liam", app.RoleMember)
	treasurer := apptest.MustCreateMember(t, e.db, "Tamsin", app.RoleAdmin)
	elm := apptest.MustCreateSite(t, e.db, "Elm Court", "UTC").ID
	for _, c := range []struct {
		name string
		p    *app.Principal
		code string
	}{
		{"a member", &app.Principal{Member: liam}, "forbidden"},
		{"another site's coordinator", &app.Principal{Member: liam, CoordinatorOf: []int64{elm}}, "forbidden"},
		{"the site's coordinator", e.coord, ""},
		{"the treasurer", &app.Principal{Member: treasurer}, ""},
	} {
		if _, err := e.svc.AdmissionDesk(ctx, c.p, e.site); apptest.Code(err) != c.code {
			t.Errorf("%s opens the admission desk: %v, want %q", c.name, err, c.code)
		}
		if _, err := e.svc.AdmissionsOf(ctx, c.p, e.site); apptest.Code(err) != c.code {
			t.Errorf("%s lists admissions: %v, want %q", c.name, err, c.code)
		}
		if _, err := e.svc.FreeUnits(ctx, c.p, e.site, e.eq.Today()); apptest.Code(err) != c.code {
			t.Errorf("%s lists free units: %v, want %q", c.name, err, c.code)
		}
		// A refused admission says forbidden before anything about the request.
		_, err := e.svc.Admit(ctx, c.p, membership.AdmitRequest{SiteID: e.site, UnitID: e.unit, MemberID: liam.ID, Cash: "1"})
		want := c.code
		if want == "" {
			want = "invalid_idempotency_key"
		}
		if apptest.Code(err) != want {
			t.Errorf("%s admits: %v, want %s", c.name, err, want)
		}
	}
	desk, err := e.svc.AdmissionDesk(ctx, e.coord, e.site)
	if err != nil {
		t.Fatal(err)
	}
	if len(desk.Offers) != 1 || !desk.Offers[0].Shares.Equal(dec("800")) || !desk.Offers[0].MaxLoan.Equal(dec("32000")) {
		t.Errorf("offers: %+v, want L5's 800 shares and a loan of at most 32,000", desk.Offers)
	}
	found := false
	for _, m := range desk.Candidates {
		found = found || m.ID == liam.ID
	}
	if !found || desk.Price == nil || desk.Pool.SiteID != e.site {
		t.Errorf("desk: candidates %+v, price %v, pool %+v; want Liam among them and today's price", desk.Candidates, desk.Price, desk.Pool)
	}
}
