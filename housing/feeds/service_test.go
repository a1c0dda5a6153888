package feeds_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/jmoiron/sqlx"

	"hearth/app"
	"hearth/app/apptest"
	"hearth/housing/booking"
	"hearth/housing/feeds"
	"hearth/housing/feeds/feedstest"
)

func TestMain(m *testing.M) { os.Exit(apptest.Main(m)) }

type world struct {
	db       *sqlx.DB
	svc      *feeds.Service
	bookings *booking.Service
	room     int64
	ada, ben *app.Principal
	site     apptest.Site
}

func principalOf(t *testing.T, db *sqlx.DB, m app.Member) *app.Principal {
	t.Helper()
	p, err := (&app.Accounts{DB: db}).Principal(context.Background(), m)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// newWorld: Elm Court with a guest room for its residents, Ada and Ben.
func newWorld(t *testing.T) *world {
	t.Helper()
	db := apptest.NewDB(t)
	w := &world{db: db, svc: &feeds.Service{DB: db}, bookings: &booking.Service{DB: db}}
	w.site = apptest.MustCreateSite(t, db, "Elm Court", "America/Los_Angeles")
	res, err := w.bookings.CreateResource(context.Background(), &app.Principal{Member: app.Member{Role: app.RoleAdmin}}, booking.NewResource{SiteID: w.site.ID, Name: "Guest room", Kind: booking.GuestRoom})
	if err != nil {
		t.Fatal(err)
	}
	w.room = res.ID
	if _, err := db.Exec(`UPDATE resources SET who_may_book = 'residents' WHERE id = $1`, w.room); err != nil {
		t.Fatal(err)
	}
	for i, name := range []string{"Ada Okafor", "Ben Lindqvist"} {
		m := apptest.MustCreateMember(t, db, name, app.RoleMember)
		unit := apptest.MustCreateUnit(t, db, w.site.ID, name[:1], "900.00")
		apptest.MustAddResidency(t, db, w.site.ID, unit, m.ID, "2024-01-01")
		p := principalOf(t, db, m)
		if i == 0 {
			w.ada = p
		} else {
			w.ben = p
		}
	}
	return w
}

func (w *world) mustBook(t *testing.T, p *app.Principal, daysAhead int) booking.Booking {
	t.Helper()
	start := time.Now().Truncate(time.Hour).AddDate(0, 0, daysAhead)
	b, err := w.bookings.Create(context.Background(), p, booking.Request{ResourceID: w.room, MemberID: p.ID, StartsAt: start, EndsAt: start.Add(20 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// mustFeed fetches and validates the feed of a token.
func (w *world) mustFeed(t *testing.T, token string) (*ics.Calendar, string) {
	t.Helper()
	c, err := w.svc.Calendar(context.Background(), token)
	if err != nil {
		t.Fatalf("Calendar: %v", err)
	}
	var buf bytes.Buffer
	if err := feeds.Write(&buf, c, time.Now()); err != nil {
		t.Fatal(err)
	}
	return feedstest.MustValidate(t, buf.Bytes()), buf.String()
}

// TestMemberFeedCarriesTheirBookings: the member's feed holds their own
// bookings (a cancelled one as CANCELLED with a higher SEQUENCE) and nobody
// else's.
func TestMemberFeedCarriesTheirBookings(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	kept := w.mustBook(t, w.ada, 3)
	dropped := w.mustBook(t, w.ada, 5)
	other := w.mustBook(t, w.ben, 7)
	if _, err := w.bookings.Cancel(ctx, w.ada, dropped.ID, "plans changed"); err != nil {
		t.Fatal(err)
	}
	token, err := w.svc.NewLink(ctx, w.ada, 0)
	if err != nil {
		t.Fatal(err)
	}
	cal, raw := w.mustFeed(t, token)
	for _, c := range []struct {
		id             int64
		status, seq    string
		summaryContain string
	}{
		{kept.ID, "CONFIRMED", "2", "Guest room, Elm Court"},
		{dropped.ID, "CANCELLED", "3", "(cancelled)"},
	} {
		ev := feedstest.Event(cal, "booking-"+itoa(c.id)+"@hearth")
		if ev == nil {
			t.Fatalf("booking %d is not in the feed:\n%s", c.id, raw)
		}
		if got := feedstest.Value(ev, ics.ComponentPropertyStatus); got != c.status {
			t.Errorf("booking %d STATUS: got %s, want %s", c.id, got, c.status)
		}
		if got := feedstest.Value(ev, ics.ComponentPropertySequence); got != c.seq {
			t.Errorf("booking %d SEQUENCE: got %s, want %s", c.id, got, c.seq)
		}
		if got := ics.FromText(feedstest.Value(ev, ics.ComponentPropertySummary)); !strings.Contains(got, c.summaryContain) {
			t.Errorf("booking %d SUMMARY %q lacks %q", c.id, got, c.summaryContain)
		}
	}
	if feedstest.Event(cal, "booking-"+itoa(other.ID)+"@hearth") != nil {
		t.Error("another member's booking is in the feed")
	}
	if got, want := len(cal.Events()), 2; got != want {
		t.Errorf("events: got %d, want %d", got, want)
	}
	// UIDs are stable from one fetch to the next.
	again, _ := w.mustFeed(t, token)
	if feedstest.Event(again, "booking-"+itoa(kept.ID)+"@hearth") == nil {
		t.Error("UID changed between fetches")
	}
}

// TestNewLinkRevokesTheOldOne: a new link replaces the old, which then
// answers not_found; only the hash of a token is stored.
func TestNewLinkRevokesTheOldOne(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	first, err := w.svc.NewLink(ctx, w.ada, 0)
	if err != nil {
		t.Fatal(err)
	}
	second, err := w.svc.NewLink(ctx, w.ada, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != 64 || first == second {
		t.Fatalf("tokens %q and %q: want two distinct 256-bit tokens", first, second)
	}
	if _, err := w.svc.Calendar(ctx, first); apptest.Code(err) != "not_found" {
		t.Errorf("old link: got %v, want not_found", err)
	}
	w.mustFeed(t, second)
	var stored [][]byte
	if err := w.db.Select(&stored, `SELECT token_hash FROM calendar_feeds WHERE member_id = $1`, w.ada.ID); err != nil {
		t.Fatal(err)
	}
	want := sha256.Sum256([]byte(second))
	found := false
	for _, h := range stored {
		if bytes.Contains(h, []byte(second)) {
			t.Error("a token is stored as it is")
		}
		found = found || bytes.Equal(h, want[:])
	}
	if !found {
		t.Error("the live token's SHA-256 is not stored")
	}
	if err := w.svc.Revoke(ctx, w.ada, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Calendar(ctx, second); apptest.Code(err) != "not_found" {
		t.Errorf("revoked link: got %v, want not_found", err)
	}
	for _, guess := range []string{"", "x", strings.Repeat("a", 64)} {
		if _, err := w.svc.Calendar(ctx, guess); apptest.Code(err) != "not_found" {
			t.Errorf("guessed token %q: got %v", guess, err)
		}
	}
}

// TestResourceFeedShowsBusyTimeToThoseWhoMayFollowIt: the resource feed
// shows when the space is taken without saying by whom, only residents may
// follow a residents' space, and a link stops working when its holder moves
// away.
func TestResourceFeedShowsBusyTimeToThoseWhoMayFollowIt(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	b := w.mustBook(t, w.ben, 2)
	outsider := principalOf(t, w.db, apptest.MustCreateMember(t, w.db, "Visitor", app.RoleMember))
	if _, err := w.svc.NewLink(ctx, outsider, w.room); apptest.Code(err) != "not_found" {
		t.Errorf("a member of no site following a residents' space: got %v", err)
	}
	token, err := w.svc.NewLink(ctx, w.ada, w.room)
	if err != nil {
		t.Fatal(err)
	}
	cal, raw := w.mustFeed(t, token)
	ev := feedstest.Event(cal, "booking-"+itoa(b.ID)+"-busy@hearth")
	if ev == nil {
		t.Fatalf("Ben's booking is not in the resource feed:\n%s", raw)
	}
	if strings.Contains(raw, "Ben") || strings.Contains(raw, "Lindqvist") {
		t.Error("the resource feed names the member who booked")
	}
	overview, err := w.svc.Overview(ctx, w.ada)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(overview.Resources), 1; got != want || overview.Resources[0].Link == nil || overview.Own != nil {
		t.Errorf("overview: %+v", overview)
	}
	if _, err := w.db.Exec(`UPDATE residencies SET ends_on = current_date - 1 WHERE member_id = $1`, w.ada.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Calendar(ctx, token); apptest.Code(err) != "not_found" {
		t.Errorf("link of a member who moved away: got %v", err)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
