package web

import "github.com/gofiber/fiber/v2"

// mountBookingAPI registers the booking routes of the JSON API.
func (s *Server) mountBookingAPI(api fiber.Router) {}

// mountBookingPages registers the booking pages.
func (s *Server) mountBookingPages(pages fiber.Router) {}

// mountPublicPages registers pages reachable without signing in, such as
// calendar feeds at unguessable URLs.
func (s *Server) mountPublicPages(pages fiber.Router) {}
