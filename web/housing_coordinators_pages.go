package web

import (
	"github.com/gofiber/fiber/v2"
)

// appointCoordinator appoints a coordinator from the site page (admin).
func (h *housingHandlers) appointCoordinator(c *fiber.Ctx) error {
	if err := principal(c).RequireAdmin(); err != nil {
		return err
	}
	siteID, err := paramID(c, "site_id")
	if err != nil {
		return err
	}
	f := newForm(c)
	memberID, err := formID(f, "member_id", "member_required", "Choose a member.")
	if err == nil {
		err = h.svc.AppointCoordinator(c.UserContext(), siteID, memberID)
	}
	if err != nil {
		if formError(f, err) {
			return h.renderSite(c, siteID, siteForms{Coordinator: f})
		}
		return err
	}
	h.flash(c, "The new coordinator is appointed.")
	return redirect(c, sitePath(siteID)+"#coordinators")
}

// removeCoordinator ends a member's coordination of a site (admin).
func (h *housingHandlers) removeCoordinator(c *fiber.Ctx) error {
	siteID, err := h.removeCoordinatorOf(c)
	if err != nil {
		return err
	}
	h.flash(c, "The coordinator is removed.")
	return redirect(c, sitePath(siteID)+"#coordinators")
}
