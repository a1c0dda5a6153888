package web

import (
	"github.com/gofiber/fiber/v2"

	"hearth/housing/booking"
)

// bookingHandlers serve shared spaces (resources, their rules and
// blackouts) and their bookings, as pages and as API.
type bookingHandlers struct {
	*Server
	svc *booking.Service
}

func (s *Server) newBookingHandlers() *bookingHandlers {
	return &bookingHandlers{Server: s, svc: s.svc.Booking}
}

// mountBookingAPI registers the booking routes of the JSON API.
func (s *Server) mountBookingAPI(api fiber.Router) {
	h := s.newBookingHandlers()
	api.Get("/resources", h.apiBookableResources)
	api.Get("/sites/:site_id/resources", h.apiSiteResources)
	api.Post("/sites/:site_id/resources", h.apiCreateResource)
	api.Get("/resources/:resource_id", h.apiResource)
	api.Put("/resources/:resource_id", h.apiUpdateResource)
	api.Get("/resources/:resource_id/rules", h.apiRules)
	api.Put("/resources/:resource_id/rules", h.apiSetRules)
	api.Get("/resources/:resource_id/blackouts", h.apiBlackouts)
	api.Post("/resources/:resource_id/blackouts", h.apiAddBlackout)
	api.Delete("/blackouts/:blackout_id", h.apiRemoveBlackout)
	api.Get("/resources/:resource_id/free", h.apiFreeTime)
	api.Get("/resources/:resource_id/bookings", h.apiResourceBookings)
	api.Post("/resources/:resource_id/bookings", h.apiCreateBooking)
	api.Post("/resources/:resource_id/series", h.apiCreateSeries)
	api.Delete("/series/:series_id", h.apiCancelSeries)
	api.Post("/resources/:resource_id/waitlist", h.apiJoinWaitlist)
	api.Delete("/waitlist/:entry_id", h.apiLeaveWaitlist)
	api.Get("/bookings", h.apiMyBookings)
	api.Get("/bookings/:booking_id", h.apiBooking)
	api.Delete("/bookings/:booking_id", h.apiCancelBooking)
	api.Post("/bookings/:booking_id/approve", h.apiApprove)
	api.Post("/bookings/:booking_id/decline", h.apiDecline)
	api.Post("/bookings/:booking_id/accept", h.apiAcceptOffer)
	api.Get("/approvals", h.apiApprovals)
}

// mountBookingPages registers the booking pages.
func (s *Server) mountBookingPages(pages fiber.Router) {
	h := s.newBookingHandlers()
	pages.Get("/spaces", h.spacesPage)
	pages.Post("/spaces", h.createResource)
	pages.Get("/spaces/new", h.newResourcePage) // before /spaces/:resource_id
	pages.Get("/spaces/approvals", h.approvalsPage)
	pages.Post("/spaces/approvals/:booking_id", h.decide)
	pages.Get("/spaces/:resource_id", h.spacePage)
	pages.Post("/spaces/:resource_id/book", h.book)
	pages.Post("/spaces/:resource_id/waitlist", h.joinWaitlist)
	pages.Get("/spaces/:resource_id/rules", h.rulesPage)
	pages.Post("/spaces/:resource_id/rules", h.saveRules)
	pages.Post("/spaces/:resource_id/details", h.saveDetails)
	pages.Post("/spaces/:resource_id/blackouts", h.addBlackout)
	pages.Post("/spaces/:resource_id/blackouts/:blackout_id/delete", h.removeBlackout)
	pages.Get("/bookings", h.myBookingsPage)
	pages.Post("/bookings/:booking_id/cancel", h.cancelBooking)
	pages.Post("/bookings/:booking_id/accept", h.acceptOffer)
	pages.Post("/bookings/series/:series_id/cancel", h.cancelSeries)
	pages.Post("/bookings/waitlist/:entry_id/leave", h.leaveWaitlist)
}

// mountPublicPages registers pages reachable without signing in, such as
// calendar feeds at unguessable URLs.
func (s *Server) mountPublicPages(pages fiber.Router) { s.mountFeeds(pages) }
