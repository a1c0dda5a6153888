package web

import "github.com/gofiber/fiber/v2"

// mountEquityAPI registers the equity routes of the JSON API.
func (s *Server) mountEquityAPI(api fiber.Router) {}

// mountEquityPages registers the equity pages.
func (s *Server) mountEquityPages(pages fiber.Router) {}
