package web

import (
	"encoding/hex"
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"hearth/app"
	"hearth/housing/lottery"
)

// Lotteries are transparent to every signed-in member: the windows, their
// commitments, and once drawn the revealed seed, the requests, the weights
// and the result. Opening, drawing and cancelling are for the site's
// coordinators and admins; entering is for those who may book the space.

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

// lotteryWindowID reads :window_id.
func lotteryWindowID(c *fiber.Ctx) (int64, error) { return paramID(c, "window_id") }

func (h *lotteryHandlers) apiWindows(c *fiber.Ctx) error {
	siteID, err := queryID(c, "site_id")
	if err != nil {
		return err
	}
	ws, err := h.svc.Windows(c.UserContext(), siteID)
	if err != nil {
		return err
	}
	out := make([]lotteryWindowJSON, len(ws))
	for i, w := range ws {
		out[i] = newLotteryWindowJSON(w, principal(c))
	}
	return c.JSON(fiber.Map{"windows": out})
}

type lotteryOpenRequest struct {
	Title          string            `json:"title"`
	Description    string            `json:"description"`
	ClosesAt       time.Time         `json:"closes_at"`
	SlotsPerMember int               `json:"slots_per_member"`
	Slots          []lottery.NewSlot `json:"slots"`
	Nights         *lottery.Nights   `json:"nights"`
}

func (h *lotteryHandlers) apiOpenWindow(c *fiber.Ctx) error {
	resourceID, err := paramID(c, "resource_id")
	if err != nil {
		return err
	}
	var req lotteryOpenRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if req.SlotsPerMember == 0 {
		req.SlotsPerMember = 1
	}
	w, err := h.svc.Open(c.UserContext(), principal(c), lottery.NewWindow{
		ResourceID: resourceID, Title: req.Title, Description: req.Description, ClosesAt: req.ClosesAt,
		SlotsPerMember: req.SlotsPerMember, Slots: req.Slots, Nights: req.Nights,
	})
	if err != nil {
		return err
	}
	c.Location(fmt.Sprintf("/api/v1/lottery-windows/%d", w.ID))
	return c.Status(fiber.StatusCreated).JSON(newLotteryWindowJSON(w, principal(c)))
}

func (h *lotteryHandlers) apiWindow(c *fiber.Ctx) error {
	id, err := lotteryWindowID(c)
	if err != nil {
		return err
	}
	d, err := h.svc.Detail(c.UserContext(), principal(c), id)
	if err != nil {
		return err
	}
	return c.JSON(newLotteryDetailJSON(d, principal(c)))
}

// apiRecord answers the published record, the document `hearth lottery
// verify --file` reads.
func (h *lotteryHandlers) apiRecord(c *fiber.Ctx) error {
	id, err := lotteryWindowID(c)
	if err != nil {
		return err
	}
	rec, err := h.svc.Record(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(rec)
}

type lotteryRequestJSON struct {
	SlotIDs []int64 `json:"slot_ids"`
}

func (h *lotteryHandlers) apiRequest(c *fiber.Ctx) error {
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

func (h *lotteryHandlers) apiSetRequest(c *fiber.Ctx) error {
	id, err := lotteryWindowID(c)
	if err != nil {
		return err
	}
	var req lotteryRequestJSON
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if err := h.svc.SetRequest(c.UserContext(), principal(c), id, req.SlotIDs); err != nil {
		return err
	}
	return c.JSON(lotteryRequestJSON{SlotIDs: req.SlotIDs})
}

func (h *lotteryHandlers) apiWithdraw(c *fiber.Ctx) error {
	id, err := lotteryWindowID(c)
	if err != nil {
		return err
	}
	if err := h.svc.Withdraw(c.UserContext(), principal(c), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *lotteryHandlers) apiDraw(c *fiber.Ctx) error {
	id, err := lotteryWindowID(c)
	if err != nil {
		return err
	}
	rec, err := h.svc.Draw(c.UserContext(), principal(c), id)
	if err != nil {
		return err
	}
	return c.JSON(rec)
}

func (h *lotteryHandlers) apiCancel(c *fiber.Ctx) error {
	id, err := lotteryWindowID(c)
	if err != nil {
		return err
	}
	if err := h.svc.Cancel(c.UserContext(), principal(c), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
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
		if *f.into, err = time.Parse(time.DateOnly, v); err != nil {
			return from, to, app.Invalid("invalid_date", "Give %s as a date like 2026-12-01.", f.name).OnField(f.name)
		}
	}
	return from, to, nil
}

func (h *lotteryHandlers) apiUsage(c *fiber.Ctx) error {
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
