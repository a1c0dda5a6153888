package web

import (
	"github.com/gofiber/fiber/v2"
)

// coordinatedSite reads the :site_id of a request that only the site's
// coordinators and admins may make. Errors: those of paramID; forbidden.
func coordinatedSite(c *fiber.Ctx) (int64, error) {
	siteID, err := paramID(c, "site_id")
	if err != nil {
		return 0, err
	}
	return siteID, principal(c).RequireCoordinator(siteID)
}
