package lottery_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"hearth/app"
	"hearth/app/apptest"
	"hearth/housing/booking"
	"hearth/housing/lottery"
	"hearth/housing/lottery/lotterytest"
)

// world is a site with a guest room, its coordinator and residents.
type world struct {
	db          *sqlx.DB
	svc         *lottery.Service
	bookings    *booking.Service
	site        apptest.Site
	room        int64
	coordinator *app.Principal
	residents   []*app.Principal
}

func mustPrincipal(t testing.TB, db *sqlx.DB, m app.Member) *app.Principal {
	t.Helper()
	p, err := (&app.Accounts{DB: db}).Principal(context.Background(), m)
	if err != nil {
		t.Fatalf("principal: %v", err)
	}
	return p
}

// newWorld builds a site with a guest room open to its residents, a
// coordinator who lives there, and n more residents.
func newWorld(t testing.TB, n int) *world {
	t.Helper()
	db := apptest.NewDB(t)
	bookings := &booking.Service{DB: db}
	w := &world{db: db, bookings: bookings, svc: &lottery.Service{DB: db, Bookings: bookings}}
	w.site = apptest.MustCreateSite(t, db, "Elm Court", "America/Los_Angeles")
	res, err := bookings.CreateResource(context.Background(), &app.Principal{Member: app.Member{Role: app.RoleAdmin}}, booking.NewResource{SiteID: w.site.ID, Name: "Guest room", Kind: booking.GuestRoom})
	if err != nil {
		t.Fatal(err)
	}
	w.room = res.ID
	if _, err := db.Exec(`UPDATE resources SET who_may_book = 'residents' WHERE id = $1`, w.room); err != nil {
		t.Fatal(err)
	}
	coord := apptest.MustCreateMember(t, db, "Chloé Martin", app.RoleMember)
	apptest.MustMakeCoordinator(t, db, w.site.ID, coord.ID)
	w.coordinator = w.mustResident(t, coord, "C0")
	for i := range n {
		m := apptest.MustCreateMember(t, db, "Resident "+string(rune('A'+i)), app.RoleMember)
		w.residents = append(w.residents, w.mustResident(t, m, "R"+string(rune('A'+i))))
	}
	return w
}

func (w *world) mustResident(t testing.TB, m app.Member, unit string) *app.Principal {
	t.Helper()
	u := apptest.MustCreateUnit(t, w.db, w.site.ID, unit, "900.00")
	apptest.MustAddResidency(t, w.db, w.site.ID, u, m.ID, "2024-01-01")
	return mustPrincipal(t, w.db, m)
}

// newYear returns a window over the nights of 30 and 31 December next year,
// closing in a week.
func (w *world) newYear(perMember int) lottery.NewWindow {
	loc, _ := time.LoadLocation(w.site.Timezone)
	year := time.Now().Year() + 1
	slots, err := lottery.Nights{
		First:   time.Date(year, 12, 30, 0, 0, 0, 0, time.UTC).Format(time.DateOnly),
		Last:    time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC).Format(time.DateOnly),
		CheckIn: "15:00", CheckOut: "11:00", PerSlot: 1,
	}.Slots(loc)
	if err != nil {
		panic(err)
	}
	return lottery.NewWindow{
		ResourceID: w.room, Title: "New Year in the guest room", ClosesAt: time.Now().Add(7 * 24 * time.Hour),
		SlotsPerMember: perMember, Slots: slots,
	}
}

// shifted returns the window with every slot moved by days.
func shifted(n lottery.NewWindow, days int) lottery.NewWindow {
	n.Slots = slices.Clone(n.Slots)
	for i := range n.Slots {
		n.Slots[i].StartsAt = n.Slots[i].StartsAt.AddDate(0, 0, days)
		n.Slots[i].EndsAt = n.Slots[i].EndsAt.AddDate(0, 0, days)
	}
	return n
}

// mustOpenNewYear opens the window of newYear(1) and returns it with its slots.
func (w *world) mustOpenNewYear(t testing.TB) (lottery.Window, []lottery.Slot) {
	t.Helper()
	win := w.mustOpen(t, w.newYear(1))
	return win, w.mustSlots(t, win.ID)
}

// mustCloseAndDraw closes a window's requests now and draws it as the
// coordinator.
func (w *world) mustCloseAndDraw(t testing.TB, windowID int64) lottery.Record {
	t.Helper()
	lotterytest.MustClose(t, w.db, windowID)
	rec, err := w.svc.Draw(context.Background(), w.coordinator, windowID)
	if err != nil {
		t.Fatalf("Draw: %v", err)
	}
	return rec
}

func (w *world) mustOpen(t testing.TB, n lottery.NewWindow) lottery.Window {
	t.Helper()
	win, err := w.svc.Open(context.Background(), w.coordinator, n)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return win
}

func (w *world) mustSlots(t testing.TB, windowID int64) []lottery.Slot {
	t.Helper()
	slots, err := w.svc.Slots(context.Background(), windowID)
	if err != nil {
		t.Fatal(err)
	}
	return slots
}

func mustRequest(t testing.TB, svc *lottery.Service, p *app.Principal, windowID int64, slots ...int64) {
	t.Helper()
	if err := svc.SetRequest(context.Background(), p, windowID, slots); err != nil {
		t.Fatalf("SetRequest for %s: %v", p.Name, err)
	}
}
