package lottery_test

import (
	"context"
	"testing"

	"hearth/app"
	"hearth/app/apptest"
)

// TestLotteryPermissions: who may open a window (the coordinators of the
// space's site and admins; Openable lists nothing to anyone else), and
// that a member reads only their own request, of a window that exists.
func TestLotteryPermissions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t, 2)
	win, slots := w.mustOpenNewYear(t)
	mustRequest(t, w.svc, w.residents[0], win.ID, slots[0].ID)
	admin := &app.Principal{Member: app.Member{Role: app.RoleAdmin}}
	for _, c := range []struct {
		name string
		p    *app.Principal
		want string
	}{
		{"a resident", w.residents[0], "forbidden"},
		{"the site's coordinator", w.coordinator, ""},
		{"an admin", admin, ""},
	} {
		choices, err := w.svc.Openable(ctx, c.p)
		if got := apptest.Code(err); got != c.want || (err == nil && len(choices) == 0) {
			t.Errorf("%s lists the spaces to open a lottery for: got %q (%d), want %q", c.name, got, len(choices), c.want)
		}
	}
	for i, want := range []int{1, 0} {
		got, err := w.svc.Request(ctx, w.residents[i], win.ID)
		if err != nil || len(got) != want {
			t.Errorf("resident %d reads their request: got %v %v, want %d slots", i, got, err, want)
		}
		d, err := w.svc.Detail(ctx, w.residents[i], win.ID)
		if err != nil || len(d.MyRequest) != want {
			t.Errorf("resident %d reads the window: got %v %v, want %d slots of theirs", i, d.MyRequest, err, want)
		}
	}
	if _, err := w.svc.Request(ctx, w.residents[0], win.ID+1000); apptest.Code(err) != "not_found" {
		t.Errorf("request in a window that does not exist: got %v, want not_found", err)
	}
}
