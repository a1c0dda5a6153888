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

type coordinatorRequest struct {
	MemberID int64 `json:"member_id"`
}

// appointCoordinator makes a member a coordinator of a site.
func (h *housingHandlers) appointCoordinator(c *fiber.Ctx) error {
	siteID, err := paramID(c, "site_id")
	if err != nil {
		return err
	}
	var in coordinatorRequest
	if err = bind(c, &in); err == nil {
		err = h.housing.AppointCoordinator(c.UserContext(), principal(c), siteID, in.MemberID)
	}
	return h.reply(c, err, answer{
		Status: fiber.StatusCreated, JSON: fiber.Map{"site_id": siteID, "member_id": in.MemberID},
		Flash: "The new coordinator is appointed.", To: sitePath(siteID) + "#coordinators",
	}, h.refusedOnSite(c, siteID, func(f *Form) siteForms { return siteForms{Coordinator: f} }))
}

// removeCoordinator ends a member's coordination of a site.
func (h *housingHandlers) removeCoordinator(c *fiber.Ctx) error {
	siteID, err := paramID(c, "site_id")
	if err != nil {
		return err
	}
	memberID, err := paramID(c, "member_id")
	if err != nil {
		return err
	}
	err = h.housing.RemoveCoordinator(c.UserContext(), principal(c), siteID, memberID)
	return h.reply(c, err, answer{Status: fiber.StatusNoContent, Flash: "The coordinator is removed.", To: sitePath(siteID) + "#coordinators"}, nil)
}
