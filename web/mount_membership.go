package web

import (
	"github.com/gofiber/fiber/v2"

	"hearth/housing/membership"
)

// membershipHandlers serve admissions and moves between sites, as pages and
// as API. Who may see and do what, the membership service decides.
type membershipHandlers struct {
	*Server
	membership *membership.Service
}

// mountMembership registers the admission and move operations: each
// handler at its API route and, where people do it in a browser, at its
// page route.
func (s *Server) mountMembership(api, pages fiber.Router) {
	h := &membershipHandlers{Server: s, membership: s.svc.Membership}
	api.Get("/sites/:site_id/free-units", h.freeUnits)
	api.Get("/sites/:site_id/admissions", h.admissions)
	pages.Get("/equity/sites/:site_id/admit", h.admissionDesk)
	api.Post("/sites/:site_id/admissions", h.admit)
	pages.Post("/equity/sites/:site_id/admit", h.admit)

	api.Get("/moves", h.myMoves)
	pages.Get("/moves", h.movesPage)
	api.Post("/moves", h.requestMove)
	pages.Post("/moves", h.requestMove)
	api.Get("/moves/quote", h.quoteMove) // before /moves/:move_id
	pages.Get("/moves/new", h.quoteMove)
	pages.Get("/moves/review", h.reviewPage)
	api.Get("/moves/:move_id", h.move)
	pages.Get("/moves/:move_id", h.move)
	api.Post("/moves/:move_id/confirm", h.confirmMove)
	pages.Post("/moves/:move_id/confirm", h.confirmMove)
	api.Post("/moves/:move_id/withdraw", h.withdrawMove)
	pages.Post("/moves/:move_id/withdraw", h.withdrawMove)
	api.Post("/moves/:move_id/approve", h.approveMove)
	pages.Post("/moves/:move_id/approve", h.approveMove)
	api.Post("/moves/:move_id/decline", h.declineMove)
	pages.Post("/moves/:move_id/decline", h.declineMove)
	api.Post("/moves/:move_id/complete", h.completeMove)
	pages.Post("/moves/:move_id/complete", h.completeMove)
	api.Get("/sites/:site_id/moves", h.siteMoves)
}
