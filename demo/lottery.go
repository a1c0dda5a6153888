package demo

import (
	"context"
	"crypto/rand"
	"fmt"
	mrand "math/rand/v2"
	"slices"
	"time"

	"github.com/jmoiron/sqlx"

	"hearth/app"
	"hearth/housing/booking"
	"hearth/housing/lottery"
)

// demoGuestRoom is a site's guest room as the lottery seed needs it.
type demoGuestRoom struct {
	ID            int64  `db:"id"`
	SiteID        int64  `db:"site_id"`
	BufferMinutes int    `db:"buffer_minutes"`
	Timezone      string `db:"timezone"`
	loc           *time.Location
}

// demoPeak is a past peak period of a guest room that was allocated by lottery.
type demoPeak struct {
	site, title string
	month, day  int // the first night, in the most recent year it has passed
	nights      int
	perMember   int
	entrants    []string
	// fixed periods (New Year) keep their dates even where a night was
	// booked beforehand; others moved by a week or two to where the guest
	// room was free.
	fixed bool
}

// seedLottery adds a year of peak-allocation lotteries for the guest rooms:
// the peak periods of the past year at Elm Court and Linden Yard, drawn and
// booked (their history written as it happened, with the same draw the
// service runs), a Linden lottery whose requests closed yesterday waiting for
// Hugo to draw it, and an Elm lottery taking requests, opened and entered
// through the service.
func seedLottery(ctx context.Context, tx *sqlx.Tx, d *demo) error {
	rooms := map[string]*demoGuestRoom{}
	for _, site := range []string{"elm", "linden"} {
		var r demoGuestRoom
		err := tx.GetContext(ctx, &r, `
			SELECT r.id, r.site_id, r.buffer_minutes, s.timezone FROM resources r JOIN sites s ON s.id = r.site_id
			WHERE r.site_id = $1 AND r.kind = 'guest_room' ORDER BY r.id LIMIT 1`, d.sites[site])
		if app.ErrNoRows(err) {
			return nil // no guest rooms in this demo: nothing to allocate
		}
		if err != nil {
			return err
		}
		if r.loc, err = booking.Location(r.Timezone); err != nil {
			return err
		}
		rooms[site] = &r
	}
	// The past lotteries cannot be written through the lottery service: the
	// schema's guards refuse slots, requests and draws not made at the
	// database's now (the transaction's start), which no clock of the
	// service can move. The demo's history is written as it happened, with
	// those guards paused for this transaction only; the bookings of its
	// allocations go through the booking service, at the draw's time.
	guards := [][2]string{
		{"lottery_slots", "lottery_slots_guard"}, {"lottery_requests", "lottery_requests_guard"},
		{"lottery_entrants", "lottery_entrants_guard"}, {"lottery_blocked_slots", "lottery_blocked_slots_guard"},
		{"lottery_allocations", "lottery_allocations_guard"},
	}
	for _, g := range guards {
		if _, err := tx.ExecContext(ctx, fmt.Sprintf(`ALTER TABLE %s DISABLE TRIGGER %s`, g[0], g[1])); err != nil {
			return err
		}
	}
	rng := mrand.New(mrand.NewPCG(2026, 12))
	h := &demoLotteryHistory{tx: tx, d: d, rng: rng, won: map[int64][]time.Time{}}
	h.bookings = d.svc.Booking
	h.bookings.Now = func() time.Time { return h.at }
	peaks := []demoPeak{
		{"elm", "New Year in the guest room", 12, 29, 4, 1, []string{"ada", "ben", "chloe", "dev", "elena"}, true},
		{"linden", "Silvester im Gästezimmer", 12, 29, 4, 1, []string{"hugo", "ines", "jonas", "kemi", "ada"}, true},
		{"elm", "Spring long weekend", 4, 3, 3, 1, []string{"ada", "ben", "dev", "hugo"}, false},
		{"linden", "Pfingstwochenende", 5, 22, 3, 1, []string{"ines", "jonas", "kemi", "farid"}, false},
		{"elm", "Summer festival week", 8, 13, 5, 2, []string{"ada", "ben", "chloe", "dev", "elena"}, false},
	}
	// Draw them in the order they happened, so each sees the ones before.
	starts := map[string]time.Time{}
	for _, p := range peaks {
		first, err := h.freePeriod(ctx, rooms[p.site], p)
		if err != nil {
			return err
		}
		starts[p.title] = first
	}
	slices.SortFunc(peaks, func(a, b demoPeak) int { return starts[a.title].Compare(starts[b.title]) })
	for _, p := range peaks {
		if err := h.pastWindow(ctx, rooms[p.site], p, starts[p.title]); err != nil {
			return fmt.Errorf("%s: %w", p.title, err)
		}
	}
	if err := h.closedWindow(ctx, rooms["linden"]); err != nil {
		return err
	}
	for _, g := range guards {
		if _, err := tx.ExecContext(ctx, fmt.Sprintf(`ALTER TABLE %s ENABLE TRIGGER %s`, g[0], g[1])); err != nil {
			return err
		}
	}
	h.bookings.Now = nil // the coming lottery is opened now
	return h.openWindow(ctx, rooms["elm"])
}

// mostRecentNight is the latest night on month/day at least three weeks
// ago (its lottery was drawn two weeks before it), at the 15:00 check-in.
func mostRecentNight(loc *time.Location, month, day int) time.Time {
	limit := time.Now().AddDate(0, 0, -21)
	for y := limit.Year(); ; y-- {
		t := time.Date(y, time.Month(month), day, 15, 0, 0, 0, loc)
		if t.Before(limit) {
			return t
		}
	}
}

// freePeriod returns the first night of a peak: its most recent date, or
// for a movable peak the nearest week to it with the fewest nights already
// booked.
func (h *demoLotteryHistory) freePeriod(ctx context.Context, r *demoGuestRoom, p demoPeak) (time.Time, error) {
	first := mostRecentNight(r.loc, p.month, p.day)
	if p.fixed {
		return first, nil
	}
	best, fewest := first, p.nights+1
	for _, weeks := range []int{0, -1, 1, -2, 2, -3, 3} {
		start := first.AddDate(0, 0, 7*weeks)
		if start.After(time.Now().AddDate(0, 0, -21)) {
			continue
		}
		taken := 0
		for _, s := range demoNights(start, p.nights) {
			free, err := h.free(ctx, r, s)
			if err != nil {
				return first, err
			}
			if !free {
				taken++
			}
		}
		if taken < fewest {
			best, fewest = start, taken
		}
	}
	return best, nil
}

// free reports whether a slot of the guest room is still free, counting the
// buffer the way the bookings' exclusion constraint does.
func (h *demoLotteryHistory) free(ctx context.Context, r *demoGuestRoom, s lottery.Slot) (bool, error) {
	var taken bool
	err := h.tx.GetContext(ctx, &taken, `
		SELECT EXISTS (SELECT 1 FROM bookings WHERE site_id = $1 AND resource_id = $2
		               AND status IN ('pending', 'confirmed', 'offered') AND blocks && tstzrange($3, $4, '[)'))`,
		r.SiteID, r.ID, s.StartsAt, s.EndsAt.Add(time.Duration(r.BufferMinutes)*time.Minute))
	return !taken, err
}

// demoLotteryHistory writes lotteries and remembers who won what when, for
// the weights of the later ones.
type demoLotteryHistory struct {
	tx  *sqlx.Tx
	d   *demo
	rng *mrand.Rand
	won map[int64][]time.Time // member → drawn_at of each slot they received
	// bookings books the allocations of a past draw, at the draw's time
	// (at), as the service's draw does.
	bookings *booking.Service
	at       time.Time
}

// demoNights are the one-night slots from the check-in of first, ending 11:00.
func demoNights(first time.Time, n int) []lottery.Slot {
	slots := make([]lottery.Slot, n)
	for i := range slots {
		s := first.AddDate(0, 0, i)
		y, m, d := s.Date()
		slots[i] = lottery.Slot{Label: s.Format("Mon 2 Jan 2006"), StartsAt: s, EndsAt: time.Date(y, m, d+1, 11, 0, 0, 0, s.Location())}
	}
	return slots
}

// preferences ranks some of the slots: most people want the peak night
// (the middle one) first, then a few others.
func (h *demoLotteryHistory) preferences(ids []int64) []int64 {
	prefs := slices.Clone(ids)
	h.rng.Shuffle(len(prefs), func(i, j int) { prefs[i], prefs[j] = prefs[j], prefs[i] })
	if peak := ids[len(ids)/2]; h.rng.IntN(3) > 0 {
		i := slices.Index(prefs, peak)
		prefs = append([]int64{peak}, slices.Delete(prefs, i, i+1)...)
	}
	return prefs[:1+h.rng.IntN(len(prefs))]
}

// insertWindow writes a window with its seed and slots, returning the slots
// with their ids.
func (h *demoLotteryHistory) insertWindow(ctx context.Context, r *demoGuestRoom, title string, coordinator int64, perMember int,
	openedAt, closesAt time.Time, slots []lottery.Slot) (int64, []byte, []lottery.Slot, error) {
	seed := make([]byte, lottery.SeedSize)
	rand.Read(seed)
	var id int64
	if err := h.tx.GetContext(ctx, &id, `
		INSERT INTO lottery_windows (site_id, resource_id, title, slots_per_member, opened_by, opened_at, closes_at, seed, seed_hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, sha256($8)) RETURNING id`,
		r.SiteID, r.ID, title, perMember, coordinator, openedAt, closesAt, seed); err != nil {
		return 0, nil, nil, err
	}
	for i := range slots {
		if err := h.tx.GetContext(ctx, &slots[i].ID, `
			INSERT INTO lottery_slots (site_id, window_id, label, during) VALUES ($1, $2, $3, tstzrange($4, $5, '[)')) RETURNING id`,
			r.SiteID, id, slots[i].Label, slots[i].StartsAt, slots[i].EndsAt); err != nil {
			return 0, nil, nil, err
		}
	}
	return id, seed, slots, nil
}

// insertRequests writes each entrant's ranked request, made between the
// opening and the close.
func (h *demoLotteryHistory) insertRequests(ctx context.Context, r *demoGuestRoom, windowID int64, entrants []lottery.Entrant, openedAt, closesAt time.Time) error {
	for _, e := range entrants {
		at := openedAt.Add(time.Duration(h.rng.Int64N(int64(closesAt.Sub(openedAt)))))
		for rank, slot := range e.Preferences {
			if _, err := h.tx.ExecContext(ctx, `
				INSERT INTO lottery_requests (site_id, window_id, member_id, slot_id, rank, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
				r.SiteID, windowID, e.MemberID, slot, rank+1, at); err != nil {
				return err
			}
		}
	}
	return nil
}

func (h *demoLotteryHistory) entrants(keys []string, slots []lottery.Slot) []lottery.Entrant {
	ids := make([]int64, len(slots))
	for i, s := range slots {
		ids[i] = s.ID
	}
	return h.entrantsFor(keys, ids)
}

// entrantsFor gives each member a random ranked request among the slot ids.
func (h *demoLotteryHistory) entrantsFor(keys []string, ids []int64) []lottery.Entrant {
	out := make([]lottery.Entrant, len(keys))
	for i, k := range keys {
		m := h.d.members[k]
		out[i] = lottery.Entrant{MemberID: m.ID, Name: m.Name, Preferences: h.preferences(ids)}
	}
	return out
}

// pastWindow writes a lottery that opened six weeks before its first night,
// closed three weeks before and was drawn the next morning, with the
// bookings of its winners.
func (h *demoLotteryHistory) pastWindow(ctx context.Context, r *demoGuestRoom, p demoPeak, first time.Time) error {
	var coordinator int64
	if err := h.tx.GetContext(ctx, &coordinator, `SELECT min(member_id) FROM site_coordinators WHERE site_id = $1`, r.SiteID); err != nil {
		return err
	}
	closesAt := first.AddDate(0, 0, -21).Add(3 * time.Hour) // 18:00
	openedAt, drawnAt := closesAt.AddDate(0, 0, -21), closesAt.Add(16*time.Hour)
	id, seed, slots, err := h.insertWindow(ctx, r, fmt.Sprintf("%s %d", p.title, first.Year()), coordinator, p.perMember, openedAt, closesAt, demoNights(first, p.nights))
	if err != nil {
		return err
	}
	entrants := h.entrants(p.entrants, slots)
	if err := h.insertRequests(ctx, r, id, entrants, openedAt, closesAt); err != nil {
		return err
	}
	// The same input the service's draw reads: the slots still free (the
	// guest room is also booked outside lotteries) and each entrant's
	// allocations in the year before the close.
	for i := range slots {
		if slots[i].Available, err = h.free(ctx, r, slots[i]); err != nil {
			return err
		}
	}
	for i := range entrants {
		for _, at := range h.won[entrants[i].MemberID] {
			if !at.Before(closesAt.AddDate(0, 0, -365)) && at.Before(closesAt) {
				entrants[i].PastAllocations++
			}
		}
	}
	result, err := lottery.Draw(lottery.DrawInput{Seed: seed, SlotsPerMember: p.perMember, Slots: slots, Entrants: entrants})
	if err != nil {
		return err
	}
	if _, err := h.tx.ExecContext(ctx, `UPDATE lottery_windows SET status = 'drawn', drawn_at = $2, drawn_by = opened_by WHERE id = $1`, id, drawnAt); err != nil {
		return err
	}
	past := map[int64]int{}
	for _, e := range entrants {
		past[e.MemberID] = e.PastAllocations
	}
	for i, m := range result.Order {
		if _, err := h.tx.ExecContext(ctx, `
			INSERT INTO lottery_entrants (site_id, window_id, member_id, past_allocations, position) VALUES ($1, $2, $3, $4, $5)`,
			r.SiteID, id, m, past[m], i+1); err != nil {
			return err
		}
	}
	byID := map[int64]lottery.Slot{}
	for _, s := range slots {
		byID[s.ID] = s
		if !s.Available {
			if _, err := h.tx.ExecContext(ctx, `INSERT INTO lottery_blocked_slots (site_id, window_id, slot_id) VALUES ($1, $2, $3)`,
				r.SiteID, id, s.ID); err != nil {
				return err
			}
		}
	}
	for _, a := range result.Allocations {
		s := byID[a.SlotID]
		h.at = drawnAt
		b, err := h.bookings.Book(ctx, h.tx, booking.Request{ResourceID: r.ID, MemberID: a.MemberID, StartsAt: s.StartsAt, EndsAt: s.EndsAt, Allocated: true})
		if err != nil {
			return fmt.Errorf("booking %s: %w", s.Label, err)
		}
		if _, err := h.tx.ExecContext(ctx, `
			INSERT INTO lottery_allocations (site_id, window_id, slot_id, member_id, rank, round, booking_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, r.SiteID, id, a.SlotID, a.MemberID, a.Rank, a.Round, b.ID); err != nil {
			return err
		}
		h.won[a.MemberID] = append(h.won[a.MemberID], drawnAt)
	}
	return nil
}

// closedWindow writes a Linden lottery for a long weekend nine weeks ahead
// whose requests closed yesterday evening: the demo's coordinator Hugo can
// draw it.
func (h *demoLotteryHistory) closedWindow(ctx context.Context, r *demoGuestRoom) error {
	now := time.Now().In(r.loc)
	first := time.Date(now.Year(), now.Month(), now.Day()+63, 15, 0, 0, 0, r.loc)
	for first.Weekday() != time.Friday {
		first = first.AddDate(0, 0, 1)
	}
	closesAt := time.Date(now.Year(), now.Month(), now.Day()-1, 18, 0, 0, 0, r.loc)
	openedAt := closesAt.AddDate(0, 0, -14)
	title := "Long weekend in the guest room, " + first.Format("2 January")
	id, _, slots, err := h.insertWindow(ctx, r, title, h.d.members["hugo"].ID, 1, openedAt, closesAt, demoNights(first, 3))
	if err != nil {
		return err
	}
	return h.insertRequests(ctx, r, id, h.entrants([]string{"ines", "jonas", "kemi", "hugo", "ada"}, slots), openedAt, closesAt)
}

// openWindow opens an Elm lottery ten weeks ahead through the service, as
// Chloé would, and enters the requests of four members.
func (h *demoLotteryHistory) openWindow(ctx context.Context, r *demoGuestRoom) error {
	svc := h.d.svc.Lottery
	chloe := &app.Principal{Member: h.d.members["chloe"], CoordinatorOf: []int64{r.SiteID}}
	now := time.Now().In(r.loc)
	first := time.Date(now.Year(), now.Month(), now.Day()+70, 0, 0, 0, 0, r.loc)
	for first.Weekday() != time.Thursday {
		first = first.AddDate(0, 0, 1)
	}
	w, err := svc.OpenTx(ctx, h.tx, chloe, lottery.NewWindow{
		ResourceID: r.ID, Title: "Four nights in the guest room from " + first.Format("Monday 2 January"),
		Description: "The guest room is popular that week: rank the nights you would like. The draw favours households " +
			"who had fewer peak nights this year.",
		ClosesAt:       time.Date(now.Year(), now.Month(), now.Day()+12, 18, 0, 0, 0, r.loc),
		SlotsPerMember: 1,
		Nights: &lottery.Nights{First: first.Format(time.DateOnly), Last: first.AddDate(0, 0, 3).Format(time.DateOnly),
			CheckIn: "15:00", CheckOut: "11:00", PerSlot: 1},
	})
	if err != nil {
		return err
	}
	var ids []int64
	if err := h.tx.SelectContext(ctx, &ids, `SELECT id FROM lottery_slots WHERE window_id = $1 ORDER BY lower(during)`, w.ID); err != nil {
		return err
	}
	keys := []string{"ada", "ben", "dev", "elena"}
	for i, e := range h.entrantsFor(keys, ids) {
		who := &app.Principal{Member: h.d.members[keys[i]]}
		if err := svc.SetRequestTx(ctx, h.tx, who, w.ID, e.Preferences); err != nil {
			return err
		}
	}
	return nil
}
