package web

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"hearth/app"
	"hearth/housing/booking"
)

// The space pages: the list of spaces a member may book, each space's
// calendar with its booking form, and the coordinators' pages to create a
// space and set its rules and blackouts.

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
	from, to, isMonth := calendarRange(r, week, c.Query("month"), now)
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
		f.Values["start_date"] = latestOf(from, now.In(r.Location())).Format("2006-01-02")
		f.Values["end_date"] = f.Values["start_date"]
	}
	return fiber.Map{
		"Title": r.Name, "Resource": r, "Calendar": cal, "Blackouts": blackouts, "Form": f, "Now": now,
		"MayBook": r.MayBook(p), "Coordinates": p.Coordinates(r.SiteID), "Repeats": bookingRepeats,
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

func (h *bookingHandlers) createResource(c *fiber.Ctx) error {
	f := newForm(c)
	siteID, _ := strconv.ParseInt(f.Value("site_id"), 10, 64)
	r, err := h.svc.CreateResource(c.UserContext(), principal(c), booking.NewResource{
		SiteID: siteID, Name: f.Value("name"), Kind: booking.Kind(f.Value("kind")), Description: f.Value("description"),
	})
	if err != nil {
		if formError(f, err) {
			return h.renderResourceForm(c, f, true)
		}
		return err
	}
	h.flash(c, r.Name+" is created. Set its rules: until then any member may book it for any length.")
	return redirect(c, fmt.Sprintf("/spaces/%d/rules", r.ID))
}

// ruleForms holds the forms of the rules page; the one refused comes back
// with its values and errors, the others are filled from the resource.
type ruleForms struct {
	Rules, Blackout, Details *Form
}

// rulesWeekdays lists the week from Monday, as the rules form shows it.
var rulesWeekdays = func() []struct{ Key, Label string } {
	var out []struct{ Key, Label string }
	for i := 1; i <= 7; i++ {
		d := time.Weekday(i % 7)
		out = append(out, struct{ Key, Label string }{strings.ToLower(d.String()), d.String()})
	}
	return out
}()

// rulesFormOf fills the rules form from the stored rules.
func rulesFormOf(r *booking.Resource) *Form {
	f := &Form{Values: map[string]string{}, Errors: map[string]string{}}
	for name, v := range map[string]int{
		"min_minutes": r.MinMinutes, "max_minutes": r.MaxMinutes, "buffer_minutes": r.BufferMinutes, "horizon_days": r.HorizonDays,
		"weekly_quota_bookings": r.WeeklyQuotaBookings, "weekly_quota_minutes": r.WeeklyQuotaMinutes,
	} {
		f.Values[name] = strconv.Itoa(v)
	}
	f.Values["who_may_book"] = string(r.WhoMayBook)
	if r.ApprovalRequired {
		f.Values["approval_required"] = "1"
	}
	if len(r.Hours) > 0 {
		f.Values["has_hours"] = "1"
	}
	for _, d := range rulesWeekdays {
		f.Values["opens_"+d.Key], f.Values["closes_"+d.Key] = "08:00", "22:00"
	}
	for _, h := range r.Hours {
		key := strings.ToLower(h.Weekday.String())
		f.Values["open_"+key] = "1"
		f.Values["opens_"+key], f.Values["closes_"+key] = h.Opens.String(), h.Closes.String()
	}
	return f
}

// rulesFromForm reads the rules form. Errors: invalid_number (422) on the
// field, and those of booking.ParseClock on "hours".
func rulesFromForm(f *Form) (booking.Rules, error) {
	rules := booking.Rules{
		WhoMayBook:       booking.Audience(f.Value("who_may_book")),
		ApprovalRequired: f.Value("approval_required") != "",
	}
	for name, dst := range map[string]*int{
		"min_minutes": &rules.MinMinutes, "max_minutes": &rules.MaxMinutes, "buffer_minutes": &rules.BufferMinutes,
		"horizon_days": &rules.HorizonDays, "weekly_quota_bookings": &rules.WeeklyQuotaBookings, "weekly_quota_minutes": &rules.WeeklyQuotaMinutes,
	} {
		v := strings.TrimSpace(f.Value(name))
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			return rules, app.Unprocessable("invalid_number", "Give a whole number.").OnField(name)
		}
		*dst = n
	}
	if f.Value("has_hours") == "" {
		return rules, nil
	}
	for _, d := range rulesWeekdays {
		if f.Value("open_"+d.Key) == "" {
			continue
		}
		wd, _ := booking.ParseWeekday(d.Key)
		opens, err := booking.ParseClock(f.Value("opens_" + d.Key))
		if err != nil {
			return rules, app.Unprocessable("invalid_hours", "Give %s's opening time like 08:00.", d.Label).OnField("hours")
		}
		closes, err := booking.ParseClock(f.Value("closes_" + d.Key))
		if err != nil {
			return rules, app.Unprocessable("invalid_hours", "Give %s's closing time like 22:00 (24:00 for midnight).", d.Label).OnField("hours")
		}
		rules.Hours = append(rules.Hours, booking.Hours{Weekday: wd, Opens: opens, Closes: closes})
	}
	if len(rules.Hours) == 0 {
		return rules, app.Unprocessable("invalid_hours", "Tick at least one open day, or untick \"Only during these hours\".").OnField("hours")
	}
	return rules, nil
}

// renderRulesPage shows the rules page of a resource to a coordinator of
// its site, with the forms given (refused ones carry their values and
// errors).
func (h *bookingHandlers) renderRulesPage(c *fiber.Ctx, id int64, forms ruleForms, refused bool) error {
	res, err := h.svc.ManagedResource(c.UserContext(), principal(c), id)
	if err != nil {
		return err
	}
	r := &res
	if forms.Rules == nil {
		forms.Rules = rulesFormOf(r)
	}
	if forms.Blackout == nil {
		forms.Blackout = &Form{Values: map[string]string{}, Errors: map[string]string{}}
	}
	if forms.Details == nil {
		forms.Details = &Form{Values: map[string]string{"name": r.Name, "kind": string(r.Kind), "description": r.Description}, Errors: map[string]string{}}
	}
	blackouts, err := h.svc.Blackouts(c.UserContext(), r, time.Now())
	if err != nil {
		return err
	}
	data := fiber.Map{
		"Title": r.Name + ": rules", "Resource": r, "Forms": forms, "Blackouts": blackouts,
		"Weekdays": rulesWeekdays, "Kinds": booking.Kinds,
	}
	if refused {
		return h.renderForm(c, "booking/rules", data)
	}
	return h.render(c, "booking/rules", data)
}

func (h *bookingHandlers) rulesPage(c *fiber.Ctx) error {
	id, err := paramID(c, "resource_id")
	if err != nil {
		return err
	}
	return h.renderRulesPage(c, id, ruleForms{}, false)
}

func (h *bookingHandlers) saveRules(c *fiber.Ctx) error {
	r, err := h.pageResource(c)
	if err != nil {
		return err
	}
	f := newForm(c)
	rules, err := rulesFromForm(f)
	if err == nil {
		_, err = h.svc.SetRules(c.UserContext(), principal(c), r.ID, rules)
	}
	if err != nil {
		if formError(f, err) {
			return h.renderRulesPage(c, r.ID, ruleForms{Rules: f}, true)
		}
		return err
	}
	h.flash(c, "The rules of "+r.Name+" are saved.")
	return redirect(c, fmt.Sprintf("/spaces/%d/rules", r.ID))
}

func (h *bookingHandlers) saveDetails(c *fiber.Ctx) error {
	r, err := h.pageResource(c)
	if err != nil {
		return err
	}
	f := newForm(c)
	updated, err := h.svc.UpdateResource(c.UserContext(), principal(c), r.ID,
		booking.NewResource{Name: f.Value("name"), Kind: booking.Kind(f.Value("kind")), Description: f.Value("description")})
	if err != nil {
		if formError(f, err) {
			return h.renderRulesPage(c, r.ID, ruleForms{Details: f}, true)
		}
		return err
	}
	h.flash(c, updated.Name+" is saved.")
	return redirect(c, fmt.Sprintf("/spaces/%d/rules", r.ID))
}

// formRange reads the start_date, start_time, end_date and end_time of a
// page form as instants in loc. Errors: those of booking.LocalTime, on the
// starts_at or ends_at field.
func formRange(f *Form, loc *time.Location) (start, end time.Time, err error) {
	if start, err = booking.LocalTime(loc, f.Value("start_date"), f.Value("start_time")); err != nil {
		return start, end, errorOnField(err, "starts_at")
	}
	if end, err = booking.LocalTime(loc, f.Value("end_date"), f.Value("end_time")); err != nil {
		return start, end, errorOnField(err, "ends_at")
	}
	return start, end, nil
}

func errorOnField(err error, field string) error {
	if e, ok := app.AsError(err); ok {
		return e.OnField(field)
	}
	return err
}

func (h *bookingHandlers) addBlackout(c *fiber.Ctx) error {
	r, err := h.pageResource(c)
	if err != nil {
		return err
	}
	f := newForm(c)
	start, end, err := formRange(f, r.Location())
	cancelled := 0
	if err == nil {
		_, cancelled, err = h.svc.AddBlackout(c.UserContext(), principal(c), r.ID, start, end, f.Value("reason"))
	}
	if err != nil {
		if formError(f, err) {
			return h.renderRulesPage(c, r.ID, ruleForms{Blackout: f}, true)
		}
		return err
	}
	msg := "The blackout is added."
	if cancelled > 0 {
		msg += fmt.Sprintf(" %d booking%s inside it %s cancelled; the members see your reason.", cancelled, pluralS(cancelled), map[bool]string{true: "was", false: "were"}[cancelled == 1])
	}
	h.flash(c, msg)
	return redirect(c, fmt.Sprintf("/spaces/%d/rules#blackouts", r.ID))
}

func pluralS(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func (h *bookingHandlers) removeBlackout(c *fiber.Ctx) error {
	rid, err := paramID(c, "resource_id")
	if err != nil {
		return err
	}
	id, err := paramID(c, "blackout_id")
	if err != nil {
		return err
	}
	if err := h.svc.RemoveBlackout(c.UserContext(), principal(c), id); err != nil {
		return err
	}
	h.flash(c, "The blackout is removed.")
	return redirect(c, fmt.Sprintf("/spaces/%d/rules#blackouts", rid))
}
