package web

import (
	"github.com/gofiber/fiber/v2"

	"hearth/housing/booking"
)

// bookingHandlers serve shared spaces (resources, their rules and
// blackouts) and their bookings, as pages and as API. Who may see and do
// what, the booking service decides.
type bookingHandlers struct {
	*Server
	svc *booking.Service
}

// mountBooking registers the space and booking operations: each handler at
// its API route and, where people do it in a browser, at its page route.
func (s *Server) mountBooking(api, pages fiber.Router) {
	h := &bookingHandlers{Server: s, svc: s.svc.Booking}
	api.Get("/resources", h.bookableResources)
	pages.Get("/spaces", h.spacesPage)
	api.Get("/sites/:site_id/resources", h.siteResources)
	api.Post("/sites/:site_id/resources", h.createResource)
	pages.Post("/spaces", h.createResource)
	pages.Get("/spaces/new", h.newResourcePage) // before /spaces/:resource_id
	api.Get("/resources/:resource_id", h.showResource)
	api.Put("/resources/:resource_id", h.updateResource)
	pages.Post("/spaces/:resource_id/details", h.updateResource)
	api.Get("/resources/:resource_id/rules", h.showRules)
	pages.Get("/spaces/:resource_id/rules", h.rulesPage)
	api.Put("/resources/:resource_id/rules", h.setRules)
	pages.Post("/spaces/:resource_id/rules", h.setRules)
	api.Get("/resources/:resource_id/blackouts", h.blackouts)
	api.Post("/resources/:resource_id/blackouts", h.addBlackout)
	pages.Post("/spaces/:resource_id/blackouts", h.addBlackout)
	api.Delete("/blackouts/:blackout_id", h.removeBlackout)
	pages.Post("/spaces/:resource_id/blackouts/:blackout_id/delete", h.removeBlackout)
	api.Get("/resources/:resource_id/free", h.freeTime)
	api.Get("/resources/:resource_id/bookings", h.resourceBookings)

	api.Get("/approvals", h.approvals)
	pages.Get("/spaces/approvals", h.approvals) // before /spaces/:resource_id
	api.Post("/bookings/:booking_id/approve", h.decide)
	api.Post("/bookings/:booking_id/decline", h.decide)
	pages.Post("/spaces/approvals/:booking_id", h.decide)
	pages.Get("/spaces/:resource_id", h.spacePage)
	api.Post("/resources/:resource_id/bookings", h.book)
	pages.Post("/spaces/:resource_id/book", h.book)
	api.Post("/resources/:resource_id/series", h.bookSeries)
	api.Post("/resources/:resource_id/waitlist", h.joinWaitlist)
	pages.Post("/spaces/:resource_id/waitlist", h.joinWaitlist)

	api.Get("/bookings", h.myBookings)
	pages.Get("/bookings", h.myBookings)
	api.Get("/bookings/:booking_id", h.showBooking)
	api.Delete("/bookings/:booking_id", h.cancelBooking)
	pages.Post("/bookings/:booking_id/cancel", h.cancelBooking)
	api.Post("/bookings/:booking_id/accept", h.acceptOffer)
	pages.Post("/bookings/:booking_id/accept", h.acceptOffer)
	api.Delete("/series/:series_id", h.cancelSeries)
	pages.Post("/bookings/series/:series_id/cancel", h.cancelSeries)
	api.Delete("/waitlist/:entry_id", h.leaveWaitlist)
	pages.Post("/bookings/waitlist/:entry_id/leave", h.leaveWaitlist)
}

// mountPublicPages registers pages reachable without signing in, such as
// calendar feeds at unguessable URLs.
func (s *Server) mountPublicPages(pages fiber.Router) { s.mountFeeds(pages) }
