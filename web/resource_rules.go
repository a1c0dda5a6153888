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

// A space's rules, blackouts and calendar: reading them (any member, API),
// and the coordinators' rules page with setting the rules and adding and
// removing blackouts.

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

// blackoutRequest closes a space for a time, with the reason members see.
type blackoutRequest struct {
	timeRange
	Reason string `json:"reason"`
}

// showRules answers a space's rules (API).
func (h *bookingHandlers) showRules(c *fiber.Ctx) error {
	r, err := h.resource(c)
	if err != nil {
		return err
	}
	return c.JSON(newResourceJSON(r, principal(c)).Rules)
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

// bindRules reads the rules to set: the API's JSON, or the rules page's
// form (rulesFromForm), whose opening hours are a row of fields a day.
func bindRules(c *fiber.Ctx) (booking.Rules, error) {
	var rules booking.Rules
	if isAPI(c) {
		return rules, decodeJSON(c, &rules)
	}
	return rulesFromForm(newForm(c))
}

// setRules replaces the rules of a space.
func (h *bookingHandlers) setRules(c *fiber.Ctx) error {
	id, err := paramID(c, "resource_id")
	if err != nil {
		return err
	}
	var r booking.Resource
	rules, err := bindRules(c)
	if err == nil {
		r, err = h.svc.SetRules(c.UserContext(), principal(c), id, rules)
	}
	return h.reply(c, err, answer{
		JSON: newResourceJSON(r, principal(c)).Rules, Flash: "The rules of " + r.Name + " are saved.", To: fmt.Sprintf("/spaces/%d/rules", id),
	}, func(f *Form) error { return h.renderRulesPage(c, id, ruleForms{Rules: f}, true) })
}

// blackouts lists the blackouts of a space still to come (API).
func (h *bookingHandlers) blackouts(c *fiber.Ctx) error {
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

// addBlackout closes a space for a time, cancelling the bookings inside it.
func (h *bookingHandlers) addBlackout(c *fiber.Ctx) error {
	id, err := paramID(c, "resource_id")
	if err != nil {
		return err
	}
	loc := (*time.Location)(nil) // the API sends instants
	if !isAPI(c) {
		r, err := h.pageResource(c)
		if err != nil {
			return err
		}
		loc = r.Location()
	}
	var in blackoutRequest
	var k booking.Blackout
	cancelled := 0
	if err = bind(c, &in); err == nil {
		var start, end time.Time
		if start, end, err = in.instants(c, loc); err == nil {
			k, cancelled, err = h.svc.AddBlackout(c.UserContext(), principal(c), id, start, end, in.Reason)
		}
	}
	flash := "The blackout is added."
	if cancelled > 0 {
		flash += fmt.Sprintf(" %d booking%s inside it %s cancelled; the members see your reason.", cancelled, pluralS(cancelled), map[bool]string{true: "was", false: "were"}[cancelled == 1])
	}
	return h.reply(c, err, answer{
		Status: fiber.StatusCreated, JSON: fiber.Map{"id": k.ID, "cancelled_bookings": cancelled},
		Flash: flash, To: fmt.Sprintf("/spaces/%d/rules#blackouts", id),
	}, func(f *Form) error { return h.renderRulesPage(c, id, ruleForms{Blackout: f}, true) })
}

func pluralS(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// removeBlackout opens a space again; a page names the space in its route
// to go back to.
func (h *bookingHandlers) removeBlackout(c *fiber.Ctx) error {
	var spaceID int64
	if !isAPI(c) {
		var err error
		if spaceID, err = paramID(c, "resource_id"); err != nil {
			return err
		}
	}
	id, err := paramID(c, "blackout_id")
	if err == nil {
		err = h.svc.RemoveBlackout(c.UserContext(), principal(c), id)
	}
	return h.reply(c, err, answer{Status: fiber.StatusNoContent, Flash: "The blackout is removed.",
		To: fmt.Sprintf("/spaces/%d/rules#blackouts", spaceID)}, nil)
}

// freeTime lists the stretches of a calendar window in which a booking of
// the space could start and end (API).
func (h *bookingHandlers) freeTime(c *fiber.Ctx) error {
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

// resourceBookings lists the bookings of a space in a calendar window
// (API), as taken time to all but those who may see who holds them.
func (h *bookingHandlers) resourceBookings(c *fiber.Ctx) error {
	r, from, to, err := h.resourceCalendar(c)
	if err != nil {
		return err
	}
	bs, err := h.svc.Bookings(c.UserContext(), &r, from, to)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"bookings": bookingsJSON(bs, principal(c))})
}
