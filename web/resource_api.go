package web

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"hearth/app"
	"hearth/housing/booking"
)

// Resources and their rules are not secret: any signed-in member may read
// them. Changing them is for the site's coordinators and admins.

type resourceJSON struct {
	ID          int64         `json:"id"`
	SiteID      int64         `json:"site_id"`
	SiteName    string        `json:"site_name"`
	Timezone    string        `json:"timezone"`
	Name        string        `json:"name"`
	Kind        booking.Kind  `json:"kind"`
	Description string        `json:"description"`
	Rules       booking.Rules `json:"rules"`
	Summary     []string      `json:"rules_summary"`
	MayBook     bool          `json:"may_book"`
}

func newResourceJSON(r booking.Resource, p *app.Principal) resourceJSON {
	rules := r.Rules
	if rules.Hours == nil {
		rules.Hours = booking.WeekHours{}
	}
	return resourceJSON{
		ID: r.ID, SiteID: r.SiteID, SiteName: r.SiteName, Timezone: r.Timezone, Name: r.Name, Kind: r.Kind,
		Description: r.Description, Rules: rules, Summary: r.Summary(), MayBook: r.MayBook(p),
	}
}

func resourcesJSON(rs []booking.Resource, p *app.Principal) fiber.Map {
	out := make([]resourceJSON, len(rs))
	for i, r := range rs {
		out[i] = newResourceJSON(r, p)
	}
	return fiber.Map{"resources": out}
}

type resourceRequest struct {
	Name        string       `json:"name"`
	Kind        booking.Kind `json:"kind"`
	Description string       `json:"description"`
}

type intervalJSON struct {
	StartsAt time.Time `json:"starts_at"`
	EndsAt   time.Time `json:"ends_at"`
}

type blackoutJSON struct {
	ID       int64     `json:"id"`
	StartsAt time.Time `json:"starts_at"`
	EndsAt   time.Time `json:"ends_at"`
	Reason   string    `json:"reason"`
}

type blackoutRequest struct {
	StartsAt string `json:"starts_at"`
	EndsAt   string `json:"ends_at"`
	Reason   string `json:"reason"`
}

// parseInstant reads a time given as RFC 3339 with an offset. Where loc is
// given (calendar queries), a date alone (2026-03-14) means local midnight
// at the site. A "+" that a query string turned into a space is put back.
// Errors: invalid_time (400) on the field.
func parseInstant(field, v string, loc *time.Location) (time.Time, error) {
	v = strings.ReplaceAll(strings.TrimSpace(v), " ", "+")
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	if loc != nil {
		if d, err := time.ParseInLocation("2006-01-02", v, loc); err == nil {
			return d, nil
		}
	}
	return time.Time{}, app.Invalid("invalid_time",
		"%s must be an RFC 3339 time with an offset, like 2026-03-14T09:00:00+01:00.", field).OnField(field)
}

// calendarWindow reads ?from=&to= for calendar queries; from defaults to now and to
// to a week after from.
func calendarWindow(c *fiber.Ctx, loc *time.Location) (from, to time.Time, err error) {
	from = time.Now()
	if v := c.Query("from"); v != "" {
		if from, err = parseInstant("from", v, loc); err != nil {
			return
		}
	}
	to = from.AddDate(0, 0, 7)
	if v := c.Query("to"); v != "" {
		to, err = parseInstant("to", v, loc)
	}
	return
}

// resource reads the :resource_id of a request and loads it.
func (h *bookingHandlers) resource(c *fiber.Ctx) (booking.Resource, error) {
	id, err := paramID(c, "resource_id")
	if err != nil {
		return booking.Resource{}, err
	}
	return h.svc.Resource(c.UserContext(), id)
}

// resourceCalendar reads the :resource_id and the ?from=&to= of a calendar
// query of a resource, the dates in the site's zone.
func (h *bookingHandlers) resourceCalendar(c *fiber.Ctx) (r booking.Resource, from, to time.Time, err error) {
	if r, err = h.resource(c); err != nil {
		return
	}
	from, to, err = calendarWindow(c, r.Location())
	return
}

func (h *bookingHandlers) apiBookableResources(c *fiber.Ctx) error {
	rs, err := h.svc.Bookable(c.UserContext(), principal(c))
	if err != nil {
		return err
	}
	return c.JSON(resourcesJSON(rs, principal(c)))
}

func (h *bookingHandlers) apiSiteResources(c *fiber.Ctx) error {
	siteID, err := paramID(c, "site_id")
	if err != nil {
		return err
	}
	rs, err := h.svc.SiteResources(c.UserContext(), siteID)
	if err != nil {
		return err
	}
	return c.JSON(resourcesJSON(rs, principal(c)))
}

func (h *bookingHandlers) apiCreateResource(c *fiber.Ctx) error {
	siteID, err := paramID(c, "site_id")
	if err != nil {
		return err
	}
	var req resourceRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	r, err := h.svc.CreateResource(c.UserContext(), principal(c), booking.NewResource{SiteID: siteID, Name: req.Name, Kind: req.Kind, Description: req.Description})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(newResourceJSON(r, principal(c)))
}

func (h *bookingHandlers) apiResource(c *fiber.Ctx) error {
	r, err := h.resource(c)
	if err != nil {
		return err
	}
	return c.JSON(newResourceJSON(r, principal(c)))
}

func (h *bookingHandlers) apiUpdateResource(c *fiber.Ctx) error {
	id, err := paramID(c, "resource_id")
	if err != nil {
		return err
	}
	var req resourceRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	r, err := h.svc.UpdateResource(c.UserContext(), principal(c), id, booking.NewResource{Name: req.Name, Kind: req.Kind, Description: req.Description})
	if err != nil {
		return err
	}
	return c.JSON(newResourceJSON(r, principal(c)))
}

func (h *bookingHandlers) apiRules(c *fiber.Ctx) error {
	r, err := h.resource(c)
	if err != nil {
		return err
	}
	return c.JSON(newResourceJSON(r, principal(c)).Rules)
}

func (h *bookingHandlers) apiSetRules(c *fiber.Ctx) error {
	id, err := paramID(c, "resource_id")
	if err != nil {
		return err
	}
	var rules booking.Rules
	if err := decodeJSON(c, &rules); err != nil {
		return err
	}
	r, err := h.svc.SetRules(c.UserContext(), principal(c), id, rules)
	if err != nil {
		return err
	}
	return c.JSON(newResourceJSON(r, principal(c)).Rules)
}

func (h *bookingHandlers) apiBlackouts(c *fiber.Ctx) error {
	r, err := h.resource(c)
	if err != nil {
		return err
	}
	ks, err := h.svc.Blackouts(c.UserContext(), &r, time.Now())
	if err != nil {
		return err
	}
	out := make([]blackoutJSON, len(ks))
	for i, k := range ks {
		out[i] = blackoutJSON{ID: k.ID, StartsAt: k.StartsAt, EndsAt: k.EndsAt, Reason: k.Reason}
	}
	return c.JSON(fiber.Map{"blackouts": out})
}

func (h *bookingHandlers) apiAddBlackout(c *fiber.Ctx) error {
	id, err := paramID(c, "resource_id")
	if err != nil {
		return err
	}
	var req blackoutRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	start, end, err := parseBookingRange(req.StartsAt, req.EndsAt)
	if err != nil {
		return err
	}
	k, cancelled, err := h.svc.AddBlackout(c.UserContext(), principal(c), id, start, end, req.Reason)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"id": k.ID, "cancelled_bookings": cancelled})
}

// parseBookingRange reads the starts_at and ends_at of a request body.
func parseBookingRange(startsAt, endsAt string) (start, end time.Time, err error) {
	if start, err = parseInstant("starts_at", startsAt, nil); err != nil {
		return
	}
	end, err = parseInstant("ends_at", endsAt, nil)
	return
}

func (h *bookingHandlers) apiRemoveBlackout(c *fiber.Ctx) error {
	id, err := paramID(c, "blackout_id")
	if err != nil {
		return err
	}
	if err := h.svc.RemoveBlackout(c.UserContext(), principal(c), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *bookingHandlers) apiFreeTime(c *fiber.Ctx) error {
	r, from, to, err := h.resourceCalendar(c)
	if err != nil {
		return err
	}
	free, err := h.svc.FreeTime(c.UserContext(), &r, from, to)
	if err != nil {
		return err
	}
	out := make([]intervalJSON, len(free))
	for i, f := range free {
		out[i] = intervalJSON{f.StartsAt, f.EndsAt}
	}
	return c.JSON(fiber.Map{"free": out})
}
