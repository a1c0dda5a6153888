package web

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"hearth/app"
	"hearth/housing/booking"
)

// Bookings of other members show as taken time only: who holds them, notes
// and series are for the member themself, the site's coordinators and
// admins.

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

type bookingRequest struct {
	StartsAt string `json:"starts_at"`
	EndsAt   string `json:"ends_at"`
}

// decodeBookingRequest reads a booking body into a request of the signed-in
// member.
func decodeBookingRequest(c *fiber.Ctx) (booking.Request, error) {
	var body bookingRequest
	if err := decodeJSON(c, &body); err != nil {
		return booking.Request{}, err
	}
	return body.request(c)
}

// request turns a booking body into a request of the signed-in member.
func (r bookingRequest) request(c *fiber.Ctx) (booking.Request, error) {
	id, err := paramID(c, "resource_id")
	if err != nil {
		return booking.Request{}, err
	}
	start, end, err := parseBookingRange(r.StartsAt, r.EndsAt)
	return booking.Request{ResourceID: id, MemberID: principal(c).ID, StartsAt: start, EndsAt: end}, err
}

type seriesRequest struct {
	bookingRequest
	RRule string `json:"rrule"`
	Mode  string `json:"mode"`
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

type noteRequest struct {
	Note string `json:"note"`
}

// optionalNoteJSON decodes a body that may be left out.
func optionalNoteJSON(c *fiber.Ctx, v any) error {
	if len(c.Body()) == 0 {
		return nil
	}
	return decodeJSON(c, v)
}

func (h *bookingHandlers) apiResourceBookings(c *fiber.Ctx) error {
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

func (h *bookingHandlers) apiCreateBooking(c *fiber.Ctx) error {
	req, err := decodeBookingRequest(c)
	if err != nil {
		return err
	}
	b, err := h.svc.Create(c.UserContext(), req)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(newBookingJSON(b, principal(c)))
}

func (h *bookingHandlers) apiCreateSeries(c *fiber.Ctx) error {
	var body seriesRequest
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	req, err := body.request(c)
	if err != nil {
		return err
	}
	skip, err := seriesMode(body.Mode)
	if err != nil {
		return err
	}
	res, err := h.svc.CreateSeries(c.UserContext(), booking.SeriesRequest{Request: req, RRule: body.RRule, SkipConflicts: skip})
	if e, ok := app.AsError(err); ok && e.Code == "series_refused" {
		// The error, and which occurrences were refused and why.
		return c.Status(statusOf[e.Kind]).JSON(fiber.Map{
			"error":       errorDetail{Code: e.Code, Message: e.Message},
			"occurrences": occurrencesJSON(res),
		})
	}
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{
		"series_id": res.SeriesID, "created": res.Created(), "occurrences": occurrencesJSON(res),
	})
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

func (h *bookingHandlers) apiCancelSeries(c *fiber.Ctx) error {
	id, err := paramID(c, "series_id")
	if err != nil {
		return err
	}
	from := time.Now()
	if v := c.Query("from"); v != "" {
		if from, err = parseInstant("from", v, nil); err != nil {
			return err
		}
	}
	n, err := h.svc.CancelSeries(c.UserContext(), principal(c), id, from)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"cancelled": n})
}

func (h *bookingHandlers) apiJoinWaitlist(c *fiber.Ctx) error {
	req, err := decodeBookingRequest(c)
	if err != nil {
		return err
	}
	w, err := h.svc.JoinWaitlist(c.UserContext(), req)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(newWaitlistJSON(w))
}

func (h *bookingHandlers) apiLeaveWaitlist(c *fiber.Ctx) error {
	id, err := paramID(c, "entry_id")
	if err != nil {
		return err
	}
	if err := h.svc.LeaveWaitlist(c.UserContext(), principal(c), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *bookingHandlers) apiMyBookings(c *fiber.Ctx) error {
	p := principal(c)
	my, err := h.svc.Mine(c.UserContext(), p)
	if err != nil {
		return err
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

func (h *bookingHandlers) apiBooking(c *fiber.Ctx) error {
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

func (h *bookingHandlers) apiCancelBooking(c *fiber.Ctx) error {
	id, err := paramID(c, "booking_id")
	if err != nil {
		return err
	}
	if _, err := h.svc.Cancel(c.UserContext(), principal(c), id, c.Query("note")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *bookingHandlers) apiApprove(c *fiber.Ctx) error { return h.apiDecide(c, h.svc.Approve) }
func (h *bookingHandlers) apiDecline(c *fiber.Ctx) error { return h.apiDecide(c, h.svc.Decline) }

// bookingDecision is a coordinator's approval or decline of a pending booking.
type bookingDecision func(ctx context.Context, by *app.Principal, id int64, note string) (booking.Booking, error)

func (h *bookingHandlers) apiDecide(c *fiber.Ctx, decide bookingDecision) error {
	id, err := paramID(c, "booking_id")
	if err != nil {
		return err
	}
	var body noteRequest
	if err := optionalNoteJSON(c, &body); err != nil {
		return err
	}
	b, err := decide(c.UserContext(), principal(c), id, body.Note)
	if err != nil {
		return err
	}
	return c.JSON(newBookingJSON(b, principal(c)))
}

func (h *bookingHandlers) apiAcceptOffer(c *fiber.Ctx) error {
	id, err := paramID(c, "booking_id")
	if err != nil {
		return err
	}
	b, err := h.svc.AcceptOffer(c.UserContext(), principal(c), id)
	if err != nil {
		return err
	}
	return c.JSON(newBookingJSON(b, principal(c)))
}

func (h *bookingHandlers) apiApprovals(c *fiber.Ctx) error {
	p := principal(c)
	bs, err := h.svc.Pending(c.UserContext(), p)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"bookings": bookingsJSON(bs, p)})
}
