package web

import (
	"github.com/gofiber/fiber/v2"

	"hearth/app"
	"hearth/housing/membership"
)

// moveHandlers serve moves between sites, as pages and as API. The moving
// member and the treasurer see a move's money; the coordinators of both
// sites see who moves where and when, and those of the destination decide.
type moveHandlers struct {
	*Server
	svc *membership.Service
}

func (s *Server) newMoveHandlers() *moveHandlers {
	return &moveHandlers{Server: s, svc: s.svc.Membership}
}

// mountMovesAPI registers the moves routes of the JSON API.
func (s *Server) mountMovesAPI(api fiber.Router) {
	h := s.newMoveHandlers()
	api.Get("/moves", h.apiMyMoves)
	api.Post("/moves", h.apiRequestMove)
	api.Get("/moves/quote", h.apiQuote) // before /moves/:move_id
	api.Get("/moves/:move_id", h.apiMove)
	api.Post("/moves/:move_id/confirm", h.apiConfirm)
	api.Post("/moves/:move_id/approve", h.apiApprove)
	api.Post("/moves/:move_id/decline", h.apiDecline)
	api.Post("/moves/:move_id/withdraw", h.apiWithdraw)
	api.Post("/moves/:move_id/complete", h.apiComplete)
	api.Get("/sites/:site_id/moves", h.apiSiteMoves)
}

// mountMovesPages registers the moves pages.
func (s *Server) mountMovesPages(pages fiber.Router) {
	h := s.newMoveHandlers()
	pages.Get("/moves", h.movesPage)
	pages.Post("/moves", h.requestMove)
	pages.Get("/moves/new", h.newMovePage) // before /moves/:move_id
	pages.Get("/moves/review", h.reviewPage)
	pages.Get("/moves/:move_id", h.movePage)
	pages.Post("/moves/:move_id/confirm", h.confirmMove)
	pages.Post("/moves/:move_id/approve", h.approveMove)
	pages.Post("/moves/:move_id/decline", h.declineMove)
	pages.Post("/moves/:move_id/withdraw", h.withdrawMove)
	pages.Post("/moves/:move_id/complete", h.completeMove)
}

// visibleMove loads the move of the path if the caller may see it: the
// moving member, the treasurer, and the coordinators of both sites. Others
// are told there is no such move.
func (h *moveHandlers) visibleMove(c *fiber.Ctx) (membership.Move, error) {
	id, err := paramID(c, "move_id")
	if err != nil {
		return membership.Move{}, err
	}
	mv, err := h.svc.Move(c.UserContext(), h.db, id)
	if err != nil {
		return mv, err
	}
	p := principal(c)
	if p.ID != mv.MemberID && !p.Coordinates(mv.SiteID) && !p.Coordinates(mv.FromSiteID) {
		return mv, app.Errorf(app.KindNotFound, "move_not_found", "There is no such move request.")
	}
	return mv, nil
}

// requireMover refuses anyone but the moving member (and, when admin is
// true, the treasurer). Errors: forbidden.
func requireMover(p *app.Principal, mv membership.Move, admin bool) error {
	if p.ID == mv.MemberID || (admin && p.IsAdmin()) {
		return nil
	}
	return app.Forbidden("Only the member who asked for this move can do that.")
}
