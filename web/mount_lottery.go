package web

import "github.com/gofiber/fiber/v2"

// mountLotteryAPI registers the peak-allocation lottery routes of the JSON API.
func (s *Server) mountLotteryAPI(api fiber.Router) {}

// mountLotteryPages registers the lottery and usage pages.
func (s *Server) mountLotteryPages(pages fiber.Router) {}
