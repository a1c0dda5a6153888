package web

import "github.com/gofiber/fiber/v2"

// mountLedgerAPI registers the ledger routes of the JSON API.
func (s *Server) mountLedgerAPI(api fiber.Router) {}

// mountLedgerPages registers the ledger pages.
func (s *Server) mountLedgerPages(pages fiber.Router) {}
