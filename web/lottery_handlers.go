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
	"hearth/day"
	"hearth/housing/lottery"
)

// The lottery operations, each one handler at its API route and its page
// route: the list of windows, opening one, a window with its record, a
// member's request, the draw and the cancellation, and each household's
// usage over a lotterySeason. Opening, drawing and cancelling are for the
// site's coordinators and admins, entering for those who may book the
// space: the lottery service decides.

// lotteryWindowID reads :window_id.
func lotteryWindowID(c *fiber.Ctx) (int64, error) { return paramID(c, "window_id") }

func lotteryPath(id int64) string { return fmt.Sprintf("/lotteries/%d", id) }

// windows lists the windows, latest first; the API may ask for one site's.
func (h *lotteryHandlers) windows(c *fiber.Ctx) error {
	siteID, err := queryID(c, "site_id")
	if err != nil {
		return err
	}
	ws, err := h.svc.Windows(c.UserContext(), siteID)
	if err != nil {
		return err
	}
	if !isAPI(c) {
		now := time.Now()
		rows := make([]lotteryWindowRow, len(ws))
		for i, w := range ws {
			rows[i] = newLotteryWindowRow(w, now)
		}
		return h.render(c, "lottery/index", fiber.Map{"Title": "Peak lotteries", "Windows": rows})
	}
	out := make([]lotteryWindowJSON, len(ws))
	for i, w := range ws {
		out[i] = newLotteryWindowJSON(w, principal(c))
	}
	return c.JSON(fiber.Map{"windows": out})
}

// newWindowData is what the form to open a window needs: the spaces the
// caller may open one for (forbidden when none).
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

// lotteryOpenRequest is the API's window to open; a page's form gives the
// nights field by field (openFormRequest).
type lotteryOpenRequest struct {
	Title          string            `json:"title"`
	Description    string            `json:"description"`
	ClosesAt       time.Time         `json:"closes_at"`
	SlotsPerMember int               `json:"slots_per_member"`
	Slots          []lottery.NewSlot `json:"slots"`
	Nights         *lottery.Nights   `json:"nights"`
}

// openJSONRequest reads the API's window to open for the :resource_id.
func openJSONRequest(c *fiber.Ctx) (lottery.NewWindow, error) {
	resourceID, err := paramID(c, "resource_id")
	if err != nil {
		return lottery.NewWindow{}, err
	}
	var req lotteryOpenRequest
	if err := decodeJSON(c, &req); err != nil {
		return lottery.NewWindow{}, err
	}
	if req.SlotsPerMember == 0 {
		req.SlotsPerMember = 1
	}
	return lottery.NewWindow{
		ResourceID: resourceID, Title: req.Title, Description: req.Description, ClosesAt: req.ClosesAt,
		SlotsPerMember: req.SlotsPerMember, Slots: req.Slots, Nights: req.Nights,
	}, nil
}

// openFormRequest reads the form to open a window, for one of the spaces
// the form offered, with the closing time in that space's site zone.
func openFormRequest(c *fiber.Ctx, choices []lottery.ResourceChoice) (lottery.NewWindow, error) {
	resourceID, _ := strconv.ParseInt(c.FormValue("resource_id"), 10, 64)
	choice, err := lottery.Choose(choices, resourceID)
	if err != nil {
		return lottery.NewWindow{}, err
	}
	loc, err := choice.Location()
	if err != nil {
		return lottery.NewWindow{}, err
	}
	closes, err := localMinute("closes_at", c.FormValue("closes_at"), loc, "Give the date and time requests close.")
	if err != nil {
		return lottery.NewWindow{}, err
	}
	perSlot, _ := strconv.Atoi(c.FormValue("nights_per_slot"))
	perMember, _ := strconv.Atoi(c.FormValue("slots_per_member"))
	return lottery.NewWindow{
		ResourceID: resourceID, Title: c.FormValue("title"), Description: c.FormValue("description"),
		ClosesAt: closes, SlotsPerMember: perMember,
		Nights: &lottery.Nights{First: c.FormValue("first_night"), Last: c.FormValue("last_night"),
			CheckIn: c.FormValue("check_in"), CheckOut: c.FormValue("check_out"), PerSlot: perSlot},
	}, nil
}

// openWindow opens a lottery for a space: 201 with the window and its
// address, or the window's page.
func (h *lotteryHandlers) openWindow(c *fiber.Ctx) error {
	var n lottery.NewWindow
	var data fiber.Map
	var err error
	if isAPI(c) {
		n, err = openJSONRequest(c)
	} else {
		if data, err = h.newWindowData(c, newForm(c)); err != nil {
			return err
		}
		n, err = openFormRequest(c, data["Resources"].([]lottery.ResourceChoice))
	}
	var w lottery.Window
	if err == nil {
		w, err = h.svc.Open(c.UserContext(), principal(c), n)
	}
	if err == nil && isAPI(c) {
		c.Location(fmt.Sprintf("/api/v1/lottery-windows/%d", w.ID))
	}
	return h.reply(c, err, answer{
		Status: fiber.StatusCreated, JSON: newLotteryWindowJSON(w, principal(c)), To: lotteryPath(w.ID),
		Flash: "The lottery is open. The fingerprint of its secret seed is published below; the seed is revealed at the draw.",
	}, func(f *Form) error {
		data["Form"] = f
		return h.renderForm(c, "lottery/new", data)
	})
}

// window shows a window with its record and the caller's request.
func (h *lotteryHandlers) window(c *fiber.Ctx) error {
	id, err := lotteryWindowID(c)
	if err != nil {
		return err
	}
	if !isAPI(c) {
		return h.renderWindow(c, id, nil)
	}
	d, err := h.svc.Detail(c.UserContext(), principal(c), id)
	if err != nil {
		return err
	}
	return c.JSON(newLotteryDetailJSON(d, principal(c)))
}

// renderWindow shows a window's page; f, when given, is a refused form.
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

// record answers the published record, the document `hearth lottery
// verify --file` reads; a page downloads it as a file.
func (h *lotteryHandlers) record(c *fiber.Ctx) error {
	id, err := lotteryWindowID(c)
	if err != nil {
		return err
	}
	rec, err := h.svc.Record(c.UserContext(), id)
	if err != nil {
		return err
	}
	if isAPI(c) {
		return c.JSON(rec)
	}
	b, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="lottery-%d.json"`, id))
	return c.Send(append(b, '\n'))
}

type lotteryRequestJSON struct {
	SlotIDs []int64 `json:"slot_ids"`
}

// showRequest answers the caller's request in a window (API).
func (h *lotteryHandlers) showRequest(c *fiber.Ctx) error {
	id, err := lotteryWindowID(c)
	if err != nil {
		return err
	}
	ids, err := h.svc.Request(c.UserContext(), principal(c), id)
	if err != nil {
		return err
	}
	return c.JSON(lotteryRequestJSON{SlotIDs: ids})
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

// bindRequest reads the slots wanted, best first: the API's slot_ids, or
// the page's rank of each slot (lotteryRankedSlots).
func bindRequest(c *fiber.Ctx) ([]int64, error) {
	if !isAPI(c) {
		return lotteryRankedSlots(c)
	}
	var req lotteryRequestJSON
	err := decodeJSON(c, &req)
	return req.SlotIDs, err
}

// windowAction answers an action on a window: the API's answer a, or the
// window's page with done, or with the reason a user's mistake was refused.
func (h *lotteryHandlers) windowAction(c *fiber.Ctx, id int64, err error, a answer, done string) error {
	a.Flash, a.To = done, lotteryPath(id)
	return h.reply(c, err, a, func(f *Form) error { return h.renderWindow(c, id, f) })
}

// setRequest enters the caller in a window, or changes their request.
func (h *lotteryHandlers) setRequest(c *fiber.Ctx) error {
	id, err := lotteryWindowID(c)
	if err != nil {
		return err
	}
	ids, err := bindRequest(c)
	if err == nil {
		err = h.svc.SetRequest(c.UserContext(), principal(c), id, ids)
	}
	return h.windowAction(c, id, err, answer{JSON: lotteryRequestJSON{SlotIDs: ids}},
		fmt.Sprintf("Your request is saved: slots you want, in your order of preference: %d.", len(ids)))
}

// withdraw takes the caller's request out of a window.
func (h *lotteryHandlers) withdraw(c *fiber.Ctx) error {
	id, err := lotteryWindowID(c)
	if err != nil {
		return err
	}
	err = h.svc.Withdraw(c.UserContext(), principal(c), id)
	return h.windowAction(c, id, err, answer{Status: fiber.StatusNoContent}, "You have withdrawn from this lottery.")
}

// draw draws a closed window and books what it allocates.
func (h *lotteryHandlers) draw(c *fiber.Ctx) error {
	id, err := lotteryWindowID(c)
	if err != nil {
		return err
	}
	rec, err := h.svc.Draw(c.UserContext(), principal(c), id)
	done := ""
	if err == nil {
		done = fmt.Sprintf("The lottery is drawn: %d of %d slots allocated and booked. The seed is revealed below.",
			len(rec.Result.Allocations), len(rec.Slots))
	}
	return h.windowAction(c, id, err, answer{JSON: rec}, done)
}

// cancelWindow cancels an undrawn window.
func (h *lotteryHandlers) cancelWindow(c *fiber.Ctx) error {
	id, err := lotteryWindowID(c)
	if err != nil {
		return err
	}
	err = h.svc.Cancel(c.UserContext(), principal(c), id)
	return h.windowAction(c, id, err, answer{Status: fiber.StatusNoContent}, "The lottery is cancelled; nobody was allocated anything.")
}

// lotterySeason reads ?from=&to= (YYYY-MM-DD). By default it runs from a year
// ago to two years ahead, as far as bookings can be made, so that it covers
// every drawn window of the past year. Errors: invalid_date (400).
func lotterySeason(c *fiber.Ctx) (from, to time.Time, err error) {
	today := time.Now().UTC().Truncate(24 * time.Hour)
	from, to = today.AddDate(-1, 0, 0), today.AddDate(2, 0, 0)
	for _, f := range []struct {
		name string
		into *time.Time
	}{{"from", &from}, {"to", &to}} {
		v := c.Query(f.name)
		if v == "" {
			continue
		}
		d, err := day.Parse(v)
		if err != nil {
			return from, to, app.Invalid("invalid_date", "Give %s as a date like 2026-12-01.", f.name).OnField(f.name)
		}
		*f.into = d.Time()
	}
	return from, to, nil
}

// usage answers each household's lottery usage at a site (API).
func (h *lotteryHandlers) usage(c *fiber.Ctx) error {
	siteID, err := paramID(c, "site_id")
	if err != nil {
		return err
	}
	from, to, err := lotterySeason(c)
	if err != nil {
		return err
	}
	u, err := h.svc.Usage(c.UserContext(), siteID, from, to)
	if err != nil {
		return err
	}
	return c.JSON(u)
}

// usagePage shows the usage of a site chosen, by default the caller's.
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
