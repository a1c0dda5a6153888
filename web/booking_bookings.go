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

// Bookings, each operation one handler at its API route and its page
// route: booking a space (once or repeating), the waitlist, "my bookings"
// with cancelling and accepting an offer, and the coordinators' approvals.
// Bookings of other members show as taken time only: who holds them, notes
// and series are for the member themself, the site's coordinators and
// admins (booking.Booking.VisibleTo).

type bookingJSON struct {
	ID             int64          `json:"id"`
	ResourceID     int64          `json:"resource_id"`
	ResourceName   string         `json:"resource_name"`
	StartsAt       time.Time      `json:"starts_at"`
	EndsAt         time.Time      `json:"ends_at"`
	Status         booking.Status `json:"status"`
	Mine           bool           `json:"mine"`
	Member         *personJSON    `json:"member,omitempty"`
	SeriesID       *int64         `json:"series_id,omitempty"`
	OfferExpiresAt *time.Time     `json:"offer_expires_at,omitempty"`
	Note           string         `json:"note,omitempty"`
}

func newBookingJSON(b booking.Booking, p *app.Principal) bookingJSON {
	out := bookingJSON{
		ID: b.ID, ResourceID: b.ResourceID, ResourceName: b.ResourceName,
		StartsAt: b.StartsAt, EndsAt: b.EndsAt, Status: b.Status, Mine: b.MemberID == p.ID,
	}
	if b.VisibleTo(p) {
		out.Member = &personJSON{MemberID: b.MemberID, Name: b.MemberName}
		out.SeriesID, out.OfferExpiresAt, out.Note = b.SeriesID, b.OfferExpiresAt, b.Note
	}
	return out
}

func bookingsJSON(bs []booking.Booking, p *app.Principal) []bookingJSON {
	out := make([]bookingJSON, len(bs))
	for i, b := range bs {
		out[i] = newBookingJSON(b, p)
	}
	return out
}

type waitlistJSON struct {
	ID           int64     `json:"id"`
	ResourceID   int64     `json:"resource_id"`
	ResourceName string    `json:"resource_name"`
	StartsAt     time.Time `json:"starts_at"`
	EndsAt       time.Time `json:"ends_at"`
	Status       string    `json:"status"`
}

func newWaitlistJSON(w booking.WaitlistEntry) waitlistJSON {
	return waitlistJSON{ID: w.ID, ResourceID: w.ResourceID, ResourceName: w.ResourceName, StartsAt: w.StartsAt, EndsAt: w.EndsAt, Status: w.Status}
}

type occurrenceJSON struct {
	StartsAt  time.Time      `json:"starts_at"`
	EndsAt    time.Time      `json:"ends_at"`
	BookingID *int64         `json:"booking_id,omitempty"`
	Status    booking.Status `json:"status,omitempty"`
	Code      string         `json:"code,omitempty"`
	Message   string         `json:"message,omitempty"`
}

func occurrencesJSON(res booking.SeriesResult) []occurrenceJSON {
	out := make([]occurrenceJSON, len(res.Occurrences))
	for i, o := range res.Occurrences {
		out[i] = occurrenceJSON{StartsAt: o.StartsAt, EndsAt: o.EndsAt, Code: o.Code, Message: o.Message}
		if o.Booking != nil {
			out[i].BookingID, out[i].Status = &o.Booking.ID, o.Booking.Status
		}
	}
	return out
}

// bookingTarget reads the resource a booking or a waitlist entry asks for,
// the input into in, and the time asked for from its range: the API names
// the resource by id and sends instants; a page's form sends local dates
// and clock times, read in the resource's zone, and the page needs the
// resource to show its form again. The resource is nil when there is none
// to show a form of.
func (h *bookingHandlers) bookingTarget(c *fiber.Ctx, in any, times *timeRange) (*booking.Resource, booking.Request, error) {
	id, err := paramID(c, "resource_id")
	if err != nil {
		return nil, booking.Request{}, err
	}
	r := &booking.Resource{ID: id}
	if !isAPI(c) {
		if r, err = h.pageResource(c); err != nil {
			return nil, booking.Request{}, err
		}
	}
	req := booking.Request{ResourceID: id, MemberID: principal(c).ID}
	if err := bind(c, in); err != nil {
		return r, req, err
	}
	req.StartsAt, req.EndsAt, err = times.instants(c, r.Location())
	return r, req, err
}

// book books a time of a space for the caller: 201 with the booking, or a
// page's flash; a page's form that repeats books a series (bookSeries).
func (h *bookingHandlers) book(c *fiber.Ctx) error {
	var in seriesRequest
	var input any = &in.timeRange // the API's bookings route takes no repeat
	if !isAPI(c) {
		input = &in
	}
	r, req, err := h.bookingTarget(c, input, &in.timeRange)
	if r == nil {
		return err
	}
	if err == nil && !isAPI(c) {
		if in.RRule, err = seriesRule(newForm(c)); err == nil && in.RRule != "" {
			return h.bookSeriesOf(c, r, req, &in)
		}
	}
	var b booking.Booking
	if err == nil {
		b, err = h.svc.Create(c.UserContext(), principal(c), req)
	}
	when := b.StartsAt.Format("Mon 2 Jan 15:04") + "–" + b.EndsAt.Format("15:04")
	flash := fmt.Sprintf("%s is booked for you %s.", b.ResourceName, when)
	if b.Status == booking.Pending {
		flash = fmt.Sprintf("%s is held for you %s, waiting for a coordinator's approval. You will see the decision under My bookings.", b.ResourceName, when)
	}
	return h.reply(c, err, answer{
		Status: fiber.StatusCreated, JSON: newBookingJSON(b, principal(c)), Flash: flash,
		To: fmt.Sprintf("/spaces/%d?week=%s", r.ID, b.StartsAt.Format("2006-01-02")),
	}, func(f *Form) error {
		return h.renderSpaceForm(c, r, f, fiber.Map{"OfferWaitlist": app.ErrorKind(err) == app.KindConflict})
	})
}

// seriesRequest asks for a repeating booking: the API gives the RRULE and
// the mode; a page's form the repeat chosen with its count (seriesRule),
// or an RRULE typed in, and a box to skip the times that are taken.
type seriesRequest struct {
	timeRange
	RRule string `json:"rrule"`
	Mode  string `json:"mode"`
}

// seriesMode reads how a series treats occurrences that cannot be booked.
// Errors: invalid_mode (422).
func seriesMode(mode string) (skipConflicts bool, err error) {
	switch mode {
	case "", "all_or_nothing":
		return false, nil
	case "skip_conflicts":
		return true, nil
	}
	return false, app.Unprocessable("invalid_mode", "The mode is all_or_nothing or skip_conflicts.").OnField("mode")
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

// bookSeries books a repeating time of a space for the caller (the API's
// series route; a page books a series through book).
func (h *bookingHandlers) bookSeries(c *fiber.Ctx) error {
	var in seriesRequest
	r, req, err := h.bookingTarget(c, &in, &in.timeRange)
	if err != nil {
		return err
	}
	return h.bookSeriesOf(c, r, req, &in)
}

// bookSeriesOf books the series in asks for: 201 with the occurrences; a
// refused series answers its error with the occurrences and why each was
// refused, or on a page the form again with the refused times.
func (h *bookingHandlers) bookSeriesOf(c *fiber.Ctx, r *booking.Resource, req booking.Request, in *seriesRequest) error {
	skip, err := c.FormValue("skip_conflicts") != "", error(nil)
	if isAPI(c) {
		skip, err = seriesMode(in.Mode)
	}
	var res booking.SeriesResult
	if err == nil {
		res, err = h.svc.CreateSeries(c.UserContext(), principal(c), booking.SeriesRequest{Request: req, RRule: in.RRule, SkipConflicts: skip})
	}
	if e, ok := app.AsError(err); ok && e.Code == "series_refused" && isAPI(c) {
		// The error, and which occurrences were refused and why.
		return c.Status(statusOf[e.Kind]).JSON(fiber.Map{
			"error":       errorDetail{Code: e.Code, Message: e.Message},
			"occurrences": occurrencesJSON(res),
		})
	}
	var refused []booking.Occurrence
	for _, o := range res.Occurrences {
		if o.Booking == nil {
			refused = append(refused, o)
		}
	}
	flash := ""
	if err == nil && !isAPI(c) {
		flash = seriesFlash(r, req, res.Created(), refused)
	}
	return h.reply(c, err, answer{
		Status: fiber.StatusCreated, Flash: flash, To: "/bookings",
		JSON: fiber.Map{"series_id": res.SeriesID, "created": res.Created(), "occurrences": occurrencesJSON(res)},
	}, func(f *Form) error { return h.renderSpaceForm(c, r, f, fiber.Map{"Refused": refused}) })
}

// seriesFlash tells a page what a series booked and skipped.
func seriesFlash(r *booking.Resource, req booking.Request, created int, refused []booking.Occurrence) string {
	msg := fmt.Sprintf("%s is booked for you %d times, from %s.", r.Name, created, req.StartsAt.In(r.Location()).Format("Mon 2 Jan 15:04"))
	if len(refused) > 0 {
		var skipped []string
		for _, o := range refused {
			skipped = append(skipped, o.StartsAt.Format("Mon 2 Jan")+" ("+o.Message+")")
		}
		msg += " Skipped: " + strings.Join(skipped, "; ")
	}
	return msg
}

// joinWaitlist puts the caller in line for a taken time of a space.
func (h *bookingHandlers) joinWaitlist(c *fiber.Ctx) error {
	var in timeRange
	r, req, err := h.bookingTarget(c, &in, &in)
	if r == nil {
		return err
	}
	var w booking.WaitlistEntry
	if err == nil {
		w, err = h.svc.JoinWaitlist(c.UserContext(), principal(c), req)
	}
	return h.reply(c, err, answer{
		Status: fiber.StatusCreated, JSON: newWaitlistJSON(w), To: "/bookings#waitlist",
		Flash: "You are on the waitlist. If the time is freed, it is offered to you here for 24 hours.",
	}, func(f *Form) error { return h.renderSpaceForm(c, r, f, nil) })
}

// leaveWaitlist withdraws the caller's waiting entry.
func (h *bookingHandlers) leaveWaitlist(c *fiber.Ctx) error {
	id, err := paramID(c, "entry_id")
	if err == nil {
		err = h.svc.LeaveWaitlist(c.UserContext(), principal(c), id)
	}
	return h.reply(c, err, answer{Status: fiber.StatusNoContent, Flash: "You left the waitlist.", To: "/bookings"}, nil)
}

// myBookings shows the caller's bookings, offers and waitlist entries.
func (h *bookingHandlers) myBookings(c *fiber.Ctx) error {
	p := principal(c)
	my, err := h.svc.Mine(c.UserContext(), p)
	if err != nil {
		return err
	}
	if !isAPI(c) {
		return h.render(c, "booking/mine", fiber.Map{"Title": "My bookings", "My": my})
	}
	waiting := make([]waitlistJSON, len(my.Waiting))
	for i, w := range my.Waiting {
		waiting[i] = newWaitlistJSON(w)
	}
	return c.JSON(fiber.Map{
		"offers": bookingsJSON(my.Offers, p), "pending": bookingsJSON(my.Pending, p), "upcoming": bookingsJSON(my.Upcoming, p),
		"waitlist": waiting, "past": bookingsJSON(my.Past, p),
	})
}

// showBooking answers one booking to whoever may see it (API).
func (h *bookingHandlers) showBooking(c *fiber.Ctx) error {
	id, err := paramID(c, "booking_id")
	if err != nil {
		return err
	}
	b, err := h.svc.Booking(c.UserContext(), principal(c), id)
	if err != nil {
		return err
	}
	return c.JSON(newBookingJSON(b, principal(c)))
}

// cancelRequest is a cancellation's note (the API's query, a page's form),
// and where a page goes back to.
type cancelRequest struct {
	Note string `json:"note"`
	Back string `json:"back"`
}

// cancelBooking cancels an active booking: its owner's, or any at a site
// the caller coordinates.
func (h *bookingHandlers) cancelBooking(c *fiber.Ctx) error {
	p := principal(c)
	id, err := paramID(c, "booking_id")
	if err != nil {
		return err
	}
	var in cancelRequest
	if isAPI(c) {
		err = bindQuery(c, &in)
	} else {
		err = bind(c, &in)
	}
	var b booking.Booking
	if err == nil {
		b, err = h.svc.Cancel(c.UserContext(), p, id, in.Note)
	}
	flash := fmt.Sprintf("%s's booking of %s on %s is cancelled.", b.MemberName, b.ResourceName, b.StartsAt.Format("Mon 2 Jan 15:04"))
	if b.MemberID == p.ID {
		flash = fmt.Sprintf("Your booking of %s on %s is cancelled.", b.ResourceName, b.StartsAt.Format("Mon 2 Jan 15:04"))
	}
	return h.reply(c, err, answer{Status: fiber.StatusNoContent, Flash: flash, To: localPath(in.Back, "/bookings")}, nil)
}

// cancelSeries cancels the bookings of a series from a time on (now when
// not given): the API reads ?from= strictly, a page's hidden field leniently.
func (h *bookingHandlers) cancelSeries(c *fiber.Ctx) error {
	id, err := paramID(c, "series_id")
	if err != nil {
		return err
	}
	from := time.Now()
	if isAPI(c) {
		if v := c.Query("from"); v != "" {
			from, err = parseInstant("from", v, nil)
		}
	} else if t, perr := parseInstant("from", c.FormValue("from"), nil); perr == nil {
		from = t
	}
	n := 0
	if err == nil {
		n, err = h.svc.CancelSeries(c.UserContext(), principal(c), id, from)
	}
	return h.reply(c, err, answer{
		JSON: fiber.Map{"cancelled": n}, To: "/bookings",
		Flash: fmt.Sprintf("%d booking%s of the series cancelled.", n, pluralS(n)),
	}, nil)
}

// acceptOffer turns a waitlist offer to the caller into their booking.
func (h *bookingHandlers) acceptOffer(c *fiber.Ctx) error {
	id, err := paramID(c, "booking_id")
	if err != nil {
		return err
	}
	b, err := h.svc.AcceptOffer(c.UserContext(), principal(c), id)
	flash := fmt.Sprintf("%s is booked for you on %s.", b.ResourceName, b.StartsAt.Format("Mon 2 Jan 15:04"))
	if b.Status == booking.Pending {
		flash = fmt.Sprintf("%s on %s is yours once a coordinator approves.", b.ResourceName, b.StartsAt.Format("Mon 2 Jan 15:04"))
	}
	return h.reply(c, err, answer{JSON: newBookingJSON(b, principal(c)), Flash: flash, To: "/bookings"}, nil)
}

// approvals shows the bookings waiting for the caller's approval.
func (h *bookingHandlers) approvals(c *fiber.Ctx) error {
	if isAPI(c) {
		bs, err := h.svc.Pending(c.UserContext(), principal(c))
		if err != nil {
			return err
		}
		return c.JSON(fiber.Map{"bookings": bookingsJSON(bs, principal(c))})
	}
	return h.renderApprovals(c, newForm(c), false)
}

func (h *bookingHandlers) renderApprovals(c *fiber.Ctx, f *Form, refused bool) error {
	pending, err := h.svc.Pending(c.UserContext(), principal(c))
	if err != nil {
		return err
	}
	data := fiber.Map{"Title": "Approvals", "Pending": pending, "Form": f}
	if refused {
		return h.renderForm(c, "booking/approvals", data)
	}
	return h.render(c, "booking/approvals", data)
}

// decisionRequest is a coordinator's word on a pending booking. The API
// says approve or decline by its route and may leave the body out; the
// approvals page says it with the button pressed.
type decisionRequest struct {
	Note     string `json:"note"`
	Decision string `json:"-"`
}

// decide approves or declines a pending booking.
func (h *bookingHandlers) decide(c *fiber.Ctx) error {
	id, err := paramID(c, "booking_id")
	if err != nil {
		return err
	}
	var in decisionRequest
	switch {
	case !isAPI(c):
		err = bind(c, &in)
		in.Decision = c.FormValue("decision")
	case len(c.Body()) > 0:
		err = decodeJSON(c, &in)
	}
	if isAPI(c) {
		in.Decision = c.Route().Path[strings.LastIndexByte(c.Route().Path, '/')+1:]
	}
	decide, verb := h.svc.Approve, "approved"
	if in.Decision == "decline" {
		decide, verb = h.svc.Decline, "declined"
	}
	var b booking.Booking
	if err == nil {
		b, err = decide(c.UserContext(), principal(c), id, in.Note)
	}
	return h.reply(c, err, answer{
		JSON: newBookingJSON(b, principal(c)), To: "/spaces/approvals",
		Flash: fmt.Sprintf("%s's booking of %s on %s is %s.", b.MemberName, b.ResourceName, b.StartsAt.Format("Mon 2 Jan 15:04"), verb),
	}, func(f *Form) error {
		f.Values["booking_id"] = strconv.FormatInt(id, 10)
		return h.renderApprovals(c, f, true)
	})
}
