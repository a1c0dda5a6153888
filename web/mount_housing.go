package web

import (
	"github.com/gofiber/fiber/v2"

	"hearth/housing"
)

// housingHandlers serve the sites, units, coordinators and residencies of
// the cooperative, as pages and as API.
type housingHandlers struct {
	*Server
	housing *housing.Service
}

// mountHousing registers the housing operations: each handler at its API
// route and, where people do it in a browser, at its page route.
func (s *Server) mountHousing(api, pages fiber.Router) {
	h := &housingHandlers{Server: s, housing: s.svc.Housing}
	api.Get("/sites", h.sites)
	pages.Get("/sites", h.managedSites)
	api.Post("/sites", h.createSite)
	pages.Post("/sites", h.createSite)
	pages.Get("/sites/new", h.newSitePage) // before /sites/:site_id
	api.Get("/sites/:site_id", h.site)
	pages.Get("/sites/:site_id", h.siteAdminPage)
	pages.Get("/sites/:site_id/edit", h.editSitePage)
	api.Patch("/sites/:site_id", h.updateSite)
	pages.Post("/sites/:site_id/edit", h.updateSite)

	api.Post("/sites/:site_id/units", h.createUnit)
	pages.Post("/sites/:site_id/units", h.createUnit)
	pages.Get("/sites/:site_id/units/:unit_id/edit", h.editUnitPage)
	api.Patch("/sites/:site_id/units/:unit_id", h.updateUnit)
	pages.Post("/sites/:site_id/units/:unit_id/edit", h.updateUnit)

	api.Post("/sites/:site_id/coordinators", h.appointCoordinator)
	pages.Post("/sites/:site_id/coordinators", h.appointCoordinator)
	api.Delete("/sites/:site_id/coordinators/:member_id", h.removeCoordinator)
	pages.Post("/sites/:site_id/coordinators/:member_id/remove", h.removeCoordinator)

	api.Get("/sites/:site_id/residencies", h.residencies)
	api.Post("/sites/:site_id/residencies", h.placeMember)
	pages.Post("/sites/:site_id/residencies", h.placeMember)
	api.Post("/sites/:site_id/residencies/:residency_id/end", h.endResidency)
	pages.Post("/sites/:site_id/residencies/:residency_id/end", h.endResidency)
}
