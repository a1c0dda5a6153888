package web

import (
	"fmt"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"hearth/app"
	"hearth/housing/booking"
)

// Shared spaces (resources): the lists, a space's page with its calendar
// and booking form, and creating and renaming a space. Resources and their
// rules are not secret: any signed-in member may read them; the booking
// service decides who may change them.

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

// bookableResources lists the spaces the caller may book (API).
func (h *bookingHandlers) bookableResources(c *fiber.Ctx) error {
	rs, err := h.svc.Bookable(c.UserContext(), principal(c))
	if err != nil {
		return err
	}
	return c.JSON(resourcesJSON(rs, principal(c)))
}

// siteResources lists the spaces of a site (API).
func (h *bookingHandlers) siteResources(c *fiber.Ctx) error {
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

// showResource answers a space with its rules (API).
func (h *bookingHandlers) showResource(c *fiber.Ctx) error {
	r, err := h.resource(c)
	if err != nil {
		return err
	}
	return c.JSON(newResourceJSON(r, principal(c)))
}

// spacesPage lists the spaces the member sees, grouped by the booking
// service.
func (h *bookingHandlers) spacesPage(c *fiber.Ctx) error {
	sp, err := h.svc.Spaces(c.UserContext(), principal(c))
	if err != nil {
		return err
	}
	return h.render(c, "booking/spaces", fiber.Map{
		"Title": "Shared spaces", "Groups": sp.Groups, "Coordinated": sp.Coordinates, "PendingCount": sp.PendingCount,
	})
}

// pageResource loads the :resource_id of a page request.
func (h *bookingHandlers) pageResource(c *fiber.Ctx) (*booking.Resource, error) {
	r, err := h.resource(c)
	return &r, err
}

func (h *bookingHandlers) spacePage(c *fiber.Ctx) error {
	r, err := h.pageResource(c)
	if err != nil {
		return err
	}
	f := &Form{Values: map[string]string{}, Errors: map[string]string{}}
	// A click on a free hour of the calendar fills the form in.
	if date, start := c.Query("date"), c.Query("start"); date != "" && start != "" {
		if t, err := booking.LocalTime(r.Location(), date, start); err == nil {
			minutes := max(60, r.MinMinutes)
			if r.MaxMinutes > 0 {
				minutes = min(minutes, r.MaxMinutes)
			}
			end := t.Add(time.Duration(minutes) * time.Minute)
			f.Values["start_date"], f.Values["start_time"] = t.Format("2006-01-02"), t.Format("15:04")
			f.Values["end_date"], f.Values["end_time"] = end.Format("2006-01-02"), end.Format("15:04")
		}
	}
	data, err := h.spaceData(c, r, f)
	if err != nil {
		return err
	}
	return h.render(c, "booking/space", data)
}

// bookingRepeats are the repeat choices of the booking form, as RRULE parts.
var bookingRepeats = []struct{ Value, Label string }{
	{"", "Does not repeat"},
	{"FREQ=DAILY", "Every day"},
	{"FREQ=WEEKLY", "Every week"},
	{"FREQ=WEEKLY;INTERVAL=2", "Every two weeks"},
	{"FREQ=MONTHLY", "Every month"},
}

// spaceData gathers what the space page shows: the calendar of the week or
// month asked for, the blackouts coming, and the booking form.
func (h *bookingHandlers) spaceData(c *fiber.Ctx, r *booking.Resource, f *Form) (fiber.Map, error) {
	p := principal(c)
	ctx := c.UserContext()
	now := time.Now()
	week := c.Query("week")
	if week == "" && f.Value("start_date") != "" && c.Query("month") == "" {
		week = f.Value("start_date")
	}
	from, to, isMonth := calendarPeriod(r, week, c.Query("month"), now)
	bs, err := h.svc.Bookings(ctx, r, from, to)
	if err != nil {
		return nil, err
	}
	free, err := h.svc.FreeTime(ctx, r, from, to)
	if err != nil {
		return nil, err
	}
	blackouts, err := h.svc.Blackouts(ctx, r, now)
	if err != nil {
		return nil, err
	}
	focus := calendarFocus(r.Location(), from, to, now, c.Query("date"), week)
	cal := newWeekView(r, from, to, bs, free, p, now, focus)
	if isMonth {
		cal = newMonthView(r, from, to, bs, free, p, now)
	}
	if f.Value("start_date") == "" {
		first := now.In(r.Location()) // the form's first day: today, or the period's first day to come
		if from.After(first) {
			first = from
		}
		f.Values["start_date"] = first.Format("2006-01-02")
		f.Values["end_date"] = f.Values["start_date"]
	}
	return fiber.Map{
		"Title": r.Name, "Resource": r, "Calendar": cal, "Blackouts": blackouts, "Form": f, "Now": now,
		"MayBook": r.MayBook(p), "Coordinates": r.ManagedBy(p), "Repeats": bookingRepeats,
		"WaitlistFields": []string{"start_date", "start_time", "end_date", "end_time"},
	}, nil
}

func (h *bookingHandlers) renderResourceForm(c *fiber.Ctx, f *Form, refused bool) error {
	sites, err := h.svc.SpaceSites(c.UserContext(), principal(c))
	if err != nil {
		return err
	}
	data := fiber.Map{"Title": "New space", "Form": f, "Sites": sites, "Kinds": booking.Kinds}
	if refused {
		return h.renderForm(c, "booking/resource_form", data)
	}
	return h.render(c, "booking/resource_form", data)
}

func (h *bookingHandlers) newResourcePage(c *fiber.Ctx) error {
	return h.renderResourceForm(c, newForm(c), false)
}

// resourceSite reads the site a new space is for: the API's route names
// it, the page's form chooses it (an unknown choice is nobody's site).
func resourceSite(c *fiber.Ctx) (int64, error) {
	if isAPI(c) {
		return paramID(c, "site_id")
	}
	id, _ := strconv.ParseInt(c.FormValue("site_id"), 10, 64)
	return id, nil
}

// createResource adds a space to a site the caller coordinates; a page
// goes on to its rules.
func (h *bookingHandlers) createResource(c *fiber.Ctx) error {
	siteID, err := resourceSite(c)
	if err != nil {
		return err
	}
	var in resourceRequest
	var r booking.Resource
	if err = bind(c, &in); err == nil {
		r, err = h.svc.CreateResource(c.UserContext(), principal(c), booking.NewResource{
			SiteID: siteID, Name: in.Name, Kind: in.Kind, Description: in.Description,
		})
	}
	return h.reply(c, err, answer{
		Status: fiber.StatusCreated, JSON: newResourceJSON(r, principal(c)), To: fmt.Sprintf("/spaces/%d/rules", r.ID),
		Flash: r.Name + " is created. Set its rules: until then any member may book it for any length.",
	}, func(f *Form) error { return h.renderResourceForm(c, f, true) })
}

// updateResource renames or re-describes a space.
func (h *bookingHandlers) updateResource(c *fiber.Ctx) error {
	id, err := paramID(c, "resource_id")
	if err != nil {
		return err
	}
	var in resourceRequest
	var r booking.Resource
	if err = bind(c, &in); err == nil {
		r, err = h.svc.UpdateResource(c.UserContext(), principal(c), id,
			booking.NewResource{Name: in.Name, Kind: in.Kind, Description: in.Description})
	}
	return h.reply(c, err, answer{JSON: newResourceJSON(r, principal(c)), Flash: r.Name + " is saved.", To: fmt.Sprintf("/spaces/%d/rules", id)},
		func(f *Form) error { return h.renderRulesPage(c, id, ruleForms{Details: f}, true) })
}

// renderSpaceForm shows the space page again with a refused booking form.
func (h *bookingHandlers) renderSpaceForm(c *fiber.Ctx, r *booking.Resource, f *Form, extra fiber.Map) error {
	data, err := h.spaceData(c, r, f)
	if err != nil {
		return err
	}
	for k, v := range extra {
		data[k] = v
	}
	return h.renderForm(c, "booking/space", data)
}
