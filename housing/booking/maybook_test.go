package booking_test

import (
	"context"
	"testing"
	"time"

	"hearth/app"
	"hearth/app/apptest"
	"hearth/housing/booking"
)

// booking.MayBook, which pages ask, and the SQL function may_book, which the
// booking engine asks, give the same answer for everyone: residents, a
// coordinator, a visitor, an admin who neither lives at nor coordinates the
// site, and a member who moved out today.
func TestMayBookGoAndSQLAgree(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	treasurer := apptest.MustCreateMember(t, f.db, "Tess", app.RoleAdmin)
	gone := mustResident(t, f.db, f.site.ID, "Gus", "L9")
	if _, err := f.db.Exec(`UPDATE residencies SET ends_on = site_today($2) WHERE member_id = $1`, gone.ID, f.site.Timezone); err != nil {
		t.Fatal(err)
	}
	accounts := &app.Accounts{DB: f.db, SessionTTL: time.Hour, TokenTTL: time.Hour}
	for _, m := range []app.Member{f.resident, f.coordinator, f.visitor, treasurer, gone} {
		p, err := accounts.Principal(ctx, m)
		if err != nil {
			t.Fatal(err)
		}
		for _, who := range []booking.Audience{booking.Residents, booking.Members} {
			var inSQL bool
			if err := f.db.Get(&inSQL, `SELECT EXISTS (SELECT FROM may_book($1, $2, $3, now()))`, f.site.ID, who, m.ID); err != nil {
				t.Fatal(err)
			}
			inGo := booking.MayBook(p, f.site.ID, who)
			if inGo != inSQL {
				t.Errorf("%s, space for %s: booking.MayBook %v, may_book %v", m.Name, who, inGo, inSQL)
			}
			want := who == booking.Members || m.ID == f.resident.ID || m.ID == f.coordinator.ID
			if inSQL != want {
				t.Errorf("%s, space for %s: may book %v, want %v", m.Name, who, inSQL, want)
			}
		}
	}
}
