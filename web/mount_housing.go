package web

import (
	"github.com/gofiber/fiber/v2"

	"hearth/housing"
)

// housingHandlers serve the sites, units, coordinators and residencies of
// the cooperative, as pages and as API.
type housingHandlers struct {
	*Server
	svc *housing.Service
}

func (s *Server) newHousingHandlers() *housingHandlers {
	return &housingHandlers{Server: s, svc: &housing.Service{DB: s.db}}
}

// mountHousingAPI registers the housing routes of the JSON API.
func (s *Server) mountHousingAPI(api fiber.Router) {
	h := s.newHousingHandlers()
	api.Get("/sites", h.apiSites)
	api.Post("/sites", h.apiCreateSite)
	api.Get("/sites/:site_id", h.apiSite)
	api.Patch("/sites/:site_id", h.apiUpdateSite)
	api.Post("/sites/:site_id/units", h.apiCreateUnit)
	api.Patch("/sites/:site_id/units/:unit_id", h.apiUpdateUnit)
	api.Post("/sites/:site_id/coordinators", h.apiAppointCoordinator)
	api.Delete("/sites/:site_id/coordinators/:member_id", h.apiRemoveCoordinator)
	api.Get("/sites/:site_id/residencies", h.apiResidencies)
	api.Post("/sites/:site_id/residencies", h.apiPlaceMember)
	api.Post("/sites/:site_id/residencies/:residency_id/end", h.apiEndResidency)
}

// mountHousingPages registers the housing pages.
func (s *Server) mountHousingPages(pages fiber.Router) {
	h := s.newHousingHandlers()
	pages.Get("/sites", h.sitesPage)
	pages.Post("/sites", h.createSite)
	pages.Get("/sites/new", h.newSitePage) // before /sites/:site_id
	pages.Get("/sites/:site_id", h.sitePage)
	pages.Get("/sites/:site_id/edit", h.editSitePage)
	pages.Post("/sites/:site_id/edit", h.updateSite)
	pages.Post("/sites/:site_id/units", h.createUnit)
	pages.Get("/sites/:site_id/units/:unit_id/edit", h.editUnitPage)
	pages.Post("/sites/:site_id/units/:unit_id/edit", h.updateUnit)
	pages.Post("/sites/:site_id/residencies", h.placeMember)
	pages.Post("/sites/:site_id/residencies/:residency_id/end", h.endResidency)
	pages.Post("/sites/:site_id/coordinators", h.appointCoordinator)
	pages.Post("/sites/:site_id/coordinators/:member_id/remove", h.removeCoordinator)
}
