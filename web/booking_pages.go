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

// The booking pages: booking from a space's page (once or repeating),
// joining the waitlist, "my bookings" with its cancel and accept buttons,
// and the coordinators' approvals.

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

// seriesRule builds the RRULE of the booking form: the rule typed in, or
// the repeat chosen with its count. Empty when the booking does not repeat.
// Errors: invalid_count (422) on the count field.
func seriesRule(f *Form) (string, error) {
	if rule := strings.TrimSpace(f.Value("rrule")); rule != "" {
		return rule, nil
	}
	repeat := f.Value("repeat")
	if repeat == "" {
		return "", nil
	}
	known := false
	for _, r := range bookingRepeats {
		known = known || r.Value == repeat
	}
	n, err := strconv.Atoi(f.Value("count"))
	if !known || err != nil || n < 2 || n > booking.MaxOccurrences {
		return "", app.Unprocessable("invalid_count", "Repeat between 2 and %d times.", booking.MaxOccurrences).OnField("count")
	}
	return fmt.Sprintf("%s;COUNT=%d", repeat, n), nil
}

func (h *bookingHandlers) book(c *fiber.Ctx) error {
	r, err := h.pageResource(c)
	if err != nil {
		return err
	}
	f := newForm(c)
	start, end, err := formRange(f, r.Location())
	var rule string
	if err == nil {
		rule, err = seriesRule(f)
	}
	if err != nil {
		if formError(f, err) {
			return h.renderSpaceForm(c, r, f, nil)
		}
		return err
	}
	req := booking.Request{ResourceID: r.ID, MemberID: principal(c).ID, StartsAt: start, EndsAt: end}
	if rule != "" {
		return h.bookSeries(c, r, f, booking.SeriesRequest{Request: req, RRule: rule, SkipConflicts: f.Value("skip_conflicts") != ""})
	}
	b, err := h.svc.Create(c.UserContext(), req)
	if err != nil {
		if formError(f, err) {
			return h.renderSpaceForm(c, r, f, fiber.Map{"OfferWaitlist": app.ErrorKind(err) == app.KindConflict})
		}
		return err
	}
	when := b.StartsAt.Format("Mon 2 Jan 15:04") + "–" + b.EndsAt.Format("15:04")
	if b.Status == booking.Pending {
		h.flash(c, fmt.Sprintf("%s is held for you %s, waiting for a coordinator's approval. You will see the decision under My bookings.", r.Name, when))
	} else {
		h.flash(c, fmt.Sprintf("%s is booked for you %s.", r.Name, when))
	}
	return redirect(c, fmt.Sprintf("/spaces/%d?week=%s", r.ID, b.StartsAt.Format("2006-01-02")))
}

func (h *bookingHandlers) bookSeries(c *fiber.Ctx, r *booking.Resource, f *Form, req booking.SeriesRequest) error {
	res, err := h.svc.CreateSeries(c.UserContext(), req)
	var refused []booking.Occurrence
	for _, o := range res.Occurrences {
		if o.Booking == nil {
			refused = append(refused, o)
		}
	}
	if err != nil {
		if formError(f, err) {
			return h.renderSpaceForm(c, r, f, fiber.Map{"Refused": refused})
		}
		return err
	}
	msg := fmt.Sprintf("%s is booked for you %d times, from %s.", r.Name, res.Created(), req.StartsAt.In(r.Location()).Format("Mon 2 Jan 15:04"))
	if len(refused) > 0 {
		var skipped []string
		for _, o := range refused {
			skipped = append(skipped, o.StartsAt.Format("Mon 2 Jan")+" ("+o.Message+")")
		}
		msg += " Skipped: " + strings.Join(skipped, "; ")
	}
	h.flash(c, msg)
	return redirect(c, "/bookings")
}

func (h *bookingHandlers) joinWaitlist(c *fiber.Ctx) error {
	r, err := h.pageResource(c)
	if err != nil {
		return err
	}
	f := newForm(c)
	start, end, err := formRange(f, r.Location())
	if err == nil {
		_, err = h.svc.JoinWaitlist(c.UserContext(), booking.Request{ResourceID: r.ID, MemberID: principal(c).ID, StartsAt: start, EndsAt: end})
	}
	if err != nil {
		if formError(f, err) {
			return h.renderSpaceForm(c, r, f, nil)
		}
		return err
	}
	h.flash(c, "You are on the waitlist. If the time is freed, it is offered to you here for 24 hours.")
	return redirect(c, "/bookings#waitlist")
}

func (h *bookingHandlers) myBookingsPage(c *fiber.Ctx) error {
	my, err := h.svc.Mine(c.UserContext(), principal(c))
	if err != nil {
		return err
	}
	return h.render(c, "booking/mine", fiber.Map{"Title": "My bookings", "My": my})
}

func (h *bookingHandlers) cancelBooking(c *fiber.Ctx) error {
	id, err := paramID(c, "booking_id")
	if err != nil {
		return err
	}
	b, err := h.svc.Cancel(c.UserContext(), principal(c), id, c.FormValue("note"))
	if err != nil {
		return err
	}
	if b.MemberID == principal(c).ID {
		h.flash(c, fmt.Sprintf("Your booking of %s on %s is cancelled.", b.ResourceName, b.StartsAt.Format("Mon 2 Jan 15:04")))
	} else {
		h.flash(c, fmt.Sprintf("%s's booking of %s on %s is cancelled.", b.MemberName, b.ResourceName, b.StartsAt.Format("Mon 2 Jan 15:04")))
	}
	if back := c.FormValue("back"); back != "" {
		return redirect(c, localPath(back, "/bookings"))
	}
	return redirect(c, "/bookings")
}

func (h *bookingHandlers) cancelSeries(c *fiber.Ctx) error {
	id, err := paramID(c, "series_id")
	if err != nil {
		return err
	}
	from, err := time.Parse(time.RFC3339, c.FormValue("from"))
	if err != nil {
		from = time.Now()
	}
	n, err := h.svc.CancelSeries(c.UserContext(), principal(c), id, from)
	if err != nil {
		return err
	}
	h.flash(c, fmt.Sprintf("%d booking%s of the series cancelled.", n, pluralS(n)))
	return redirect(c, "/bookings")
}

func (h *bookingHandlers) acceptOffer(c *fiber.Ctx) error {
	id, err := paramID(c, "booking_id")
	if err != nil {
		return err
	}
	b, err := h.svc.AcceptOffer(c.UserContext(), principal(c), id)
	if err != nil {
		return err
	}
	if b.Status == booking.Pending {
		h.flash(c, fmt.Sprintf("%s on %s is yours once a coordinator approves.", b.ResourceName, b.StartsAt.Format("Mon 2 Jan 15:04")))
	} else {
		h.flash(c, fmt.Sprintf("%s is booked for you on %s.", b.ResourceName, b.StartsAt.Format("Mon 2 Jan 15:04")))
	}
	return redirect(c, "/bookings")
}

func (h *bookingHandlers) leaveWaitlist(c *fiber.Ctx) error {
	id, err := paramID(c, "entry_id")
	if err != nil {
		return err
	}
	if err := h.svc.LeaveWaitlist(c.UserContext(), principal(c), id); err != nil {
		return err
	}
	h.flash(c, "You left the waitlist.")
	return redirect(c, "/bookings")
}

func (h *bookingHandlers) renderApprovals(c *fiber.Ctx, f *Form, refused bool) error {
	p := principal(c)
	pending, err := h.svc.Pending(c.UserContext(), p)
	if err != nil {
		return err
	}
	data := fiber.Map{"Title": "Approvals", "Pending": pending, "Form": f}
	if refused {
		return h.renderForm(c, "booking/approvals", data)
	}
	return h.render(c, "booking/approvals", data)
}

func (h *bookingHandlers) approvalsPage(c *fiber.Ctx) error {
	return h.renderApprovals(c, newForm(c), false)
}

func (h *bookingHandlers) decide(c *fiber.Ctx) error {
	id, err := paramID(c, "booking_id")
	if err != nil {
		return err
	}
	f := newForm(c)
	f.Values["booking_id"] = strconv.FormatInt(id, 10)
	decide, verb := h.svc.Approve, "approved"
	if f.Value("decision") == "decline" {
		decide, verb = h.svc.Decline, "declined"
	}
	b, err := decide(c.UserContext(), principal(c), id, f.Value("note"))
	if err != nil {
		if formError(f, err) {
			return h.renderApprovals(c, f, true)
		}
		return err
	}
	h.flash(c, fmt.Sprintf("%s's booking of %s on %s is %s.", b.MemberName, b.ResourceName, b.StartsAt.Format("Mon 2 Jan 15:04"), verb))
	return redirect(c, "/spaces/approvals")
}
