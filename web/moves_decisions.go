package web

import (
	"github.com/gofiber/fiber/v2"

	"hearth/housing/membership"
)

// The coordinators' side of moves: the requests into their sites, and
// approving, declining and completing them.

// siteMoves lists the move requests into a site: the open ones, then the
// 50 latest closed ones (API).
func (h *membershipHandlers) siteMoves(c *fiber.Ctx) error {
	siteID, err := paramID(c, "site_id")
	if err != nil {
		return err
	}
	p := principal(c)
	ms, err := h.membership.SiteMoves(c.UserContext(), p, siteID)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"moves": moveViews(p, ms)})
}

// reviewPage lists the move requests into the sites the caller coordinates
// (every site for the treasurer): open ones first, then recent decisions.
func (h *membershipHandlers) reviewPage(c *fiber.Ctx) error {
	r, err := h.membership.ReviewMoves(c.UserContext(), principal(c))
	if err != nil {
		return err
	}
	return h.render(c, "moves/review", fiber.Map{"Title": "Move requests", "Open": r.Open, "Closed": r.Closed, "AllSites": r.AllSites,
		"Today": r.Today})
}

func (h *membershipHandlers) approveMove(c *fiber.Ctx) error {
	id, err := paramID(c, "move_id")
	if err != nil {
		return err
	}
	mv, err := h.membership.ApproveMove(c.UserContext(), principal(c), id)
	return h.moveAction(c, id, mv, err, "The move is approved.")
}

type declineRequest struct {
	Reason string `json:"reason"` // for the member; optional
}

func (h *membershipHandlers) declineMove(c *fiber.Ctx) error {
	id, err := paramID(c, "move_id")
	if err != nil {
		return err
	}
	var in declineRequest
	var mv membership.Move
	if err = h.bindOptional(c, &in); err == nil {
		mv, err = h.membership.DeclineMove(c.UserContext(), principal(c), id, in.Reason)
	}
	return h.moveAction(c, id, mv, err, "The move is declined.")
}

// completeMove completes an approved move on or after its day; completing
// it again answers the same.
func (h *membershipHandlers) completeMove(c *fiber.Ctx) error {
	id, err := paramID(c, "move_id")
	if err != nil {
		return err
	}
	mv, err := h.membership.CompleteMove(c.UserContext(), principal(c), id)
	return h.moveAction(c, id, mv, err, "The move is complete: the equity went with the member and the new home is theirs.")
}
