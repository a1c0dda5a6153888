package web

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"hearth/app"
	"hearth/housing/lottery"
)

// The lottery pages: the list of windows, opening one, each window's page
// (requests, the commitment, and after the draw the revealed seed, weights,
// order and allocations with the checks re-run on the page), the record
// download, and each household's usage over a lotterySeason.

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

func (h *lotteryHandlers) windowsPage(c *fiber.Ctx) error {
	ws, err := h.svc.Windows(c.UserContext(), 0)
	if err != nil {
		return err
	}
	now := time.Now()
	rows := make([]lotteryWindowRow, len(ws))
	for i, w := range ws {
		rows[i] = newLotteryWindowRow(w, now)
	}
	return h.render(c, "lottery/index", fiber.Map{"Title": "Peak lotteries", "Windows": rows})
}

// newWindowData is what the form to open a window needs.
func (h *lotteryHandlers) newWindowData(c *fiber.Ctx, f *Form) (fiber.Map, error) {
	choices, err := h.svc.Openable(c.UserContext(), principal(c))
	if err != nil {
		return nil, err
	}
	return fiber.Map{"Title": "Open a lottery", "Form": f, "Resources": choices}, nil
}

func (h *lotteryHandlers) newWindowPage(c *fiber.Ctx) error {
	f := newForm(c)
	next := time.Now().AddDate(0, 1, 0)
	for k, v := range map[string]string{
		"resource_id": c.Query("resource_id"), "check_in": "15:00", "check_out": "11:00",
		"nights_per_slot": "1", "slots_per_member": "1",
		"closes_at":   next.Format("2006-01-02") + "T18:00",
		"first_night": next.AddDate(0, 0, 14).Format(time.DateOnly),
		"last_night":  next.AddDate(0, 0, 16).Format(time.DateOnly),
	} {
		f.Values[k] = v
	}
	data, err := h.newWindowData(c, f)
	if err != nil {
		return err
	}
	return h.render(c, "lottery/new", data)
}

func (h *lotteryHandlers) openWindow(c *fiber.Ctx) error {
	f := newForm(c)
	data, err := h.newWindowData(c, f)
	if err != nil {
		return err
	}
	w, err := h.openFromForm(c, data["Resources"].([]lottery.ResourceChoice))
	if err != nil {
		if formError(f, err) {
			return h.renderForm(c, "lottery/new", data)
		}
		return err
	}
	h.flash(c, "The lottery is open. The fingerprint of its secret seed is published below; the seed is revealed at the draw.")
	return redirect(c, fmt.Sprintf("/lotteries/%d", w.ID))
}

// openFromForm reads the form to open a window, with the closing time in
// the chosen resource's site zone.
func (h *lotteryHandlers) openFromForm(c *fiber.Ctx, choices []lottery.ResourceChoice) (lottery.Window, error) {
	resourceID, _ := strconv.ParseInt(c.FormValue("resource_id"), 10, 64)
	choice, err := lottery.Choose(choices, resourceID)
	if err != nil {
		return lottery.Window{}, err
	}
	loc, err := choice.Location()
	if err != nil {
		return lottery.Window{}, err
	}
	closes, err := time.ParseInLocation("2006-01-02T15:04", c.FormValue("closes_at"), loc)
	if err != nil {
		return lottery.Window{}, app.Unprocessable("invalid_time", "Give the date and time requests close.").OnField("closes_at")
	}
	perSlot, _ := strconv.Atoi(c.FormValue("nights_per_slot"))
	perMember, _ := strconv.Atoi(c.FormValue("slots_per_member"))
	return h.svc.Open(c.UserContext(), principal(c), lottery.NewWindow{
		ResourceID: resourceID, Title: c.FormValue("title"), Description: c.FormValue("description"),
		ClosesAt: closes, SlotsPerMember: perMember,
		Nights: &lottery.Nights{First: c.FormValue("first_night"), Last: c.FormValue("last_night"),
			CheckIn: c.FormValue("check_in"), CheckOut: c.FormValue("check_out"), PerSlot: perSlot},
	})
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
		SetAside: d.Record.SetAside, MayEnter: d.MayEnter(p), MayCoordinate: p.Coordinates(d.SiteID),
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

// renderWindow shows a window's page; refused carries a refused form.
func (h *lotteryHandlers) renderWindow(c *fiber.Ctx, id int64, f *Form) error {
	d, err := h.svc.Detail(c.UserContext(), principal(c), id)
	if err != nil {
		return err
	}
	data := fiber.Map{"Title": d.Title, "W": newLotteryWindowView(d, principal(c), time.Now()), "Form": f}
	if f != nil {
		return h.renderForm(c, "lottery/window", data)
	}
	return h.render(c, "lottery/window", data)
}

func (h *lotteryHandlers) windowPage(c *fiber.Ctx) error {
	id, err := lotteryWindowID(c)
	if err != nil {
		return err
	}
	return h.renderWindow(c, id, nil)
}

// windowAction runs a button's action on a window: on a user's mistake the
// page comes back with the message, on success with a flash.
func (h *lotteryHandlers) windowAction(c *fiber.Ctx, act func(id int64) (string, error)) error {
	id, err := lotteryWindowID(c)
	if err != nil {
		return err
	}
	f := newForm(c)
	msg, err := act(id)
	if err != nil {
		if formError(f, err) {
			return h.renderWindow(c, id, f)
		}
		return err
	}
	h.flash(c, msg)
	return redirect(c, fmt.Sprintf("/lotteries/%d", id))
}

// lotteryRankedSlots reads the request form: a rank_<slot id> select per slot, ""
// for not wanted. Errors: duplicate_rank (422).
func lotteryRankedSlots(c *fiber.Ctx) ([]int64, error) {
	type choice struct {
		rank int
		slot int64
	}
	var chosen []choice
	c.Request().PostArgs().VisitAll(func(k, v []byte) {
		slot, ok := strings.CutPrefix(string(k), "rank_")
		if !ok {
			return
		}
		id, err1 := strconv.ParseInt(slot, 10, 64)
		rank, err2 := strconv.Atoi(string(v))
		if err1 == nil && err2 == nil && rank > 0 {
			chosen = append(chosen, choice{rank, id})
		}
	})
	slices.SortFunc(chosen, func(a, b choice) int { return a.rank - b.rank })
	ids := make([]int64, len(chosen))
	for i, ch := range chosen {
		if i > 0 && chosen[i-1].rank == ch.rank {
			return nil, app.Unprocessable("duplicate_rank", "Give each slot you want a different place in your order.").OnField("slots")
		}
		ids[i] = ch.slot
	}
	return ids, nil
}

func (h *lotteryHandlers) saveRequest(c *fiber.Ctx) error {
	return h.windowAction(c, func(id int64) (string, error) {
		ids, err := lotteryRankedSlots(c)
		if err != nil {
			return "", err
		}
		if err := h.svc.SetRequest(c.UserContext(), principal(c), id, ids); err != nil {
			return "", err
		}
		return fmt.Sprintf("Your request is saved: slots you want, in your order of preference: %d.", len(ids)), nil
	})
}

func (h *lotteryHandlers) withdrawRequest(c *fiber.Ctx) error {
	return h.windowAction(c, func(id int64) (string, error) {
		return "You have withdrawn from this lottery.", h.svc.Withdraw(c.UserContext(), principal(c), id)
	})
}

func (h *lotteryHandlers) drawWindow(c *fiber.Ctx) error {
	return h.windowAction(c, func(id int64) (string, error) {
		rec, err := h.svc.Draw(c.UserContext(), principal(c), id)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("The lottery is drawn: %d of %d slots allocated and booked. The seed is revealed below.",
			len(rec.Result.Allocations), len(rec.Slots)), nil
	})
}

func (h *lotteryHandlers) cancelWindow(c *fiber.Ctx) error {
	return h.windowAction(c, func(id int64) (string, error) {
		return "The lottery is cancelled; nobody was allocated anything.", h.svc.Cancel(c.UserContext(), principal(c), id)
	})
}

// recordDownload serves the published record as a file, for `hearth lottery
// verify --file`.
func (h *lotteryHandlers) recordDownload(c *fiber.Ctx) error {
	id, err := lotteryWindowID(c)
	if err != nil {
		return err
	}
	rec, err := h.svc.Record(c.UserContext(), id)
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="lottery-%d.json"`, id))
	return c.Send(append(b, '\n'))
}

func (h *lotteryHandlers) usagePage(c *fiber.Ctx) error {
	sites, err := h.svc.SitesWithWindows(c.UserContext())
	if err != nil {
		return err
	}
	data := fiber.Map{"Title": "Lottery usage", "Sites": sites}
	siteID, err := queryID(c, "site_id")
	if err != nil {
		return err
	}
	if siteID == 0 {
		if p := principal(c); p.Home != nil {
			siteID = p.Home.SiteID
		} else if len(sites) > 0 {
			siteID = sites[0].ID
		}
	}
	if siteID == 0 {
		return h.render(c, "lottery/usage", data)
	}
	from, to, err := lotterySeason(c)
	if err != nil {
		return err
	}
	u, err := h.svc.Usage(c.UserContext(), siteID, from, to)
	if err != nil {
		return err
	}
	data["Usage"] = u
	return h.render(c, "lottery/usage", data)
}
