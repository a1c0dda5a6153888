package web

import (
	"encoding/hex"
	"slices"
	"time"

	"hearth/app"
	"hearth/housing/lottery"
)

// Lotteries as the API answers them and as their pages show them. They are
// transparent to every signed-in member: the windows, their commitments,
// and once drawn the revealed seed, the requests, the weights and the
// result.

type lotterySlotJSON struct {
	ID        int64     `json:"id"`
	Label     string    `json:"label"`
	StartsAt  time.Time `json:"starts_at"`
	EndsAt    time.Time `json:"ends_at"`
	Available *bool     `json:"available,omitempty"` // known once drawn
}

type lotteryWindowJSON struct {
	ID             int64             `json:"id"`
	SiteID         int64             `json:"site_id"`
	SiteName       string            `json:"site_name"`
	Timezone       string            `json:"timezone"`
	ResourceID     int64             `json:"resource_id"`
	ResourceName   string            `json:"resource_name"`
	Title          string            `json:"title"`
	Description    string            `json:"description"`
	SlotsPerMember int               `json:"slots_per_member"`
	OpenedAt       time.Time         `json:"opened_at"`
	ClosesAt       time.Time         `json:"closes_at"`
	Status         string            `json:"status"`
	Phase          string            `json:"phase"`
	DrawnAt        *time.Time        `json:"drawn_at,omitempty"`
	SeedSHA256     string            `json:"seed_sha256"`
	Entrants       int               `json:"entrants"`
	MayEnter       bool              `json:"may_enter"`
	Slots          []lotterySlotJSON `json:"slots,omitempty"`
	MyRequest      []int64           `json:"my_request,omitempty"`
}

// lotteryPhase says where a window stands for people: open, closed (waiting for
// its draw), drawn or cancelled.
func lotteryPhase(w lottery.Window, now time.Time) string {
	if w.AwaitingDraw(now) {
		return "closed"
	}
	return string(w.Status)
}

// newLotteryWindowJSON answers in the site's zone.
func newLotteryWindowJSON(w lottery.Window, p *app.Principal) lotteryWindowJSON {
	loc := w.Location()
	out := lotteryWindowJSON{
		ID: w.ID, SiteID: w.SiteID, SiteName: w.SiteName, Timezone: w.Timezone, ResourceID: w.ResourceID,
		ResourceName: w.ResourceName, Title: w.Title, Description: w.Description, SlotsPerMember: w.SlotsPerMember,
		OpenedAt: w.OpenedAt.In(loc), ClosesAt: w.ClosesAt.In(loc), Status: string(w.Status), Phase: lotteryPhase(w, time.Now()),
		SeedSHA256: hex.EncodeToString(w.SeedHash), Entrants: w.Entrants, MayEnter: w.MayEnter(p),
	}
	if w.DrawnAt != nil {
		at := w.DrawnAt.In(loc)
		out.DrawnAt = &at
	}
	return out
}

func newLotteryDetailJSON(d lottery.Detail, p *app.Principal) lotteryWindowJSON {
	out := newLotteryWindowJSON(d.Window, p)
	loc := d.Location()
	for _, s := range d.Record.Slots {
		sj := lotterySlotJSON{ID: s.ID, Label: s.Label, StartsAt: s.StartsAt.In(loc), EndsAt: s.EndsAt.In(loc)}
		if d.Status == lottery.StatusDrawn {
			sj.Available = &s.Available
		}
		out.Slots = append(out.Slots, sj)
	}
	out.MyRequest = d.MyRequest
	return out
}

const (
	lotteryStamp     = "Mon 2 Jan 2006, 15:04 MST"
	lotterySlotStamp = "Mon 2 Jan 15:04"
)

// lotteryWindowRow is a window in the list.
type lotteryWindowRow struct {
	lottery.Window
	Phase    string
	ClosesAt string
	Dates    string
}

func newLotteryWindowRow(w lottery.Window, now time.Time) lotteryWindowRow {
	loc := w.Location()
	return lotteryWindowRow{
		Window: w, Phase: lotteryPhase(w, now), ClosesAt: w.ClosesAt.In(loc).Format(lotteryStamp),
		Dates: w.FirstSlot.In(loc).Format("2 Jan") + " – " + w.LastSlot.In(loc).Format("2 Jan 2006"),
	}
}

// lotterySlotView is a row of a window's slot table.
type lotterySlotView struct {
	lottery.Slot
	When        string
	MyRank      int
	Winner      string
	WinnerRank  int
	Unavailable bool
}

// lotteryEntrantView is a row of a drawn window's order.
type lotteryEntrantView struct {
	Position int
	lottery.RecordEntrant
	Got []string
}

// lotteryWindowView is a window as its page shows it.
type lotteryWindowView struct {
	lottery.Detail
	Phase, OpenedAt, ClosesAt, DrawnAt string
	Slots                              []lotterySlotView
	Ranks                              []int
	Order                              []lotteryEntrantView
	SetAside                           []int64
	Verification                       *lottery.Verification
	VerifyError                        string
	MayEnter, MayCoordinate            bool
	AcceptsRequests, AwaitingDraw      bool
}

func newLotteryWindowView(d lottery.Detail, p *app.Principal, now time.Time) lotteryWindowView {
	loc := d.Location()
	v := lotteryWindowView{
		Detail: d, Phase: lotteryPhase(d.Window, now),
		OpenedAt: d.OpenedAt.In(loc).Format(lotteryStamp), ClosesAt: d.ClosesAt.In(loc).Format(lotteryStamp),
		SetAside: d.Record.SetAside, MayEnter: d.MayEnter(p), MayCoordinate: d.CoordinatedBy(p),
		AcceptsRequests: d.AcceptsRequests(now), AwaitingDraw: d.AwaitingDraw(now),
	}
	if d.DrawnAt != nil {
		v.DrawnAt = d.DrawnAt.In(loc).Format(lotteryStamp)
	}
	names := map[int64]string{}
	for _, e := range d.Record.Entrants {
		names[e.MemberID] = e.Name
	}
	won := map[int64]lottery.Allocation{}
	got := map[int64][]string{}
	labels := map[int64]string{}
	if d.Record.Result != nil {
		for _, a := range d.Record.Result.Allocations {
			won[a.SlotID] = a
		}
	}
	for _, s := range d.Record.Slots {
		labels[s.ID] = s.Label
		sv := lotterySlotView{Slot: s, When: s.StartsAt.In(loc).Format(lotterySlotStamp) + " – " + s.EndsAt.In(loc).Format(lotterySlotStamp),
			MyRank: slices.Index(d.MyRequest, s.ID) + 1}
		if a, ok := won[s.ID]; ok {
			sv.Winner, sv.WinnerRank = names[a.MemberID], a.Rank
			got[a.MemberID] = append(got[a.MemberID], s.Label)
		}
		sv.Unavailable = d.Status == lottery.StatusDrawn && !s.Available
		v.Slots = append(v.Slots, sv)
		v.Ranks = append(v.Ranks, len(v.Ranks)+1)
	}
	if d.Record.Result != nil {
		byMember := map[int64]lottery.RecordEntrant{}
		for _, e := range d.Record.Entrants {
			byMember[e.MemberID] = e
		}
		for i, m := range d.Record.Result.Order {
			v.Order = append(v.Order, lotteryEntrantView{Position: i + 1, RecordEntrant: byMember[m], Got: got[m]})
		}
		// Re-run the draw on the page itself, from the record it publishes.
		checked, err := lottery.Verify(d.Record)
		if err != nil {
			v.VerifyError = err.Error()
		} else {
			v.Verification = &checked
		}
	}
	return v
}
