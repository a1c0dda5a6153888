package web

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"hearth/housing"
)

type coordinatorJSON struct {
	MemberID int64     `json:"member_id"`
	Name     string    `json:"name"`
	Since    time.Time `json:"since"`
}

func newCoordinatorJSON(co housing.Coordinator) coordinatorJSON {
	return coordinatorJSON{MemberID: co.MemberID, Name: co.Name, Since: co.Since}
}

type appointCoordinatorRequest struct {
	MemberID int64 `json:"member_id"`
}

// apiAppointCoordinator makes a member a coordinator of a site (admin).
func (h *housingHandlers) apiAppointCoordinator(c *fiber.Ctx) error {
	if err := principal(c).RequireAdmin(); err != nil {
		return err
	}
	siteID, err := paramID(c, "site_id")
	if err != nil {
		return err
	}
	var req appointCoordinatorRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if err := h.svc.AppointCoordinator(c.UserContext(), siteID, req.MemberID); err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"site_id": siteID, "member_id": req.MemberID})
}

// apiRemoveCoordinator ends a member's coordination of a site (admin).
func (h *housingHandlers) apiRemoveCoordinator(c *fiber.Ctx) error {
	if _, err := h.removeCoordinatorOf(c); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// removeCoordinatorOf ends the coordination of the request's :member_id of
// its :site_id (admin) and returns the site, for the API and the site page.
func (h *housingHandlers) removeCoordinatorOf(c *fiber.Ctx) (int64, error) {
	if err := principal(c).RequireAdmin(); err != nil {
		return 0, err
	}
	siteID, err := paramID(c, "site_id")
	if err != nil {
		return 0, err
	}
	memberID, err := paramID(c, "member_id")
	if err != nil {
		return 0, err
	}
	return siteID, h.svc.RemoveCoordinator(c.UserContext(), siteID, memberID)
}
