package web

import "github.com/gofiber/fiber/v2"

// mountHousingAPI registers the housing routes of the JSON API.
func (s *Server) mountHousingAPI(api fiber.Router) {}

// mountHousingPages registers the housing pages.
func (s *Server) mountHousingPages(pages fiber.Router) {}
