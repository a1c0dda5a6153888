package web

import (
	"github.com/gofiber/fiber/v2"

	"hearth/housing/feeds"
	"hearth/housing/lottery"
)

// lotteryHandlers serve the peak-allocation lotteries and the calendar
// feeds, as pages and as API. Who may see and do what, the lottery and
// feeds services decide.
type lotteryHandlers struct {
	*Server
	svc   *lottery.Service
	feeds *feeds.Service
}

// mountLottery registers the lottery, usage and calendar-feed operations:
// each handler at its API route and, where people do it in a browser, at
// its page route.
func (s *Server) mountLottery(api, pages fiber.Router) {
	h := &lotteryHandlers{Server: s, svc: s.svc.Lottery, feeds: s.svc.Feeds}
	api.Get("/lottery-windows", h.windows)
	pages.Get("/lotteries", h.windows)
	pages.Get("/lotteries/new", h.newWindowPage)
	api.Post("/resources/:resource_id/lottery-windows", h.openWindow)
	pages.Post("/lotteries", h.openWindow)
	api.Get("/sites/:site_id/lottery-usage", h.usage)
	pages.Get("/lotteries/usage", h.usagePage) // before /lotteries/:window_id
	api.Get("/lottery-windows/:window_id", h.window)
	pages.Get("/lotteries/:window_id", h.window)
	api.Get("/lottery-windows/:window_id/record", h.record)
	pages.Get("/lotteries/:window_id/record.json", h.record)
	api.Get("/lottery-windows/:window_id/request", h.showRequest)
	api.Put("/lottery-windows/:window_id/request", h.setRequest)
	pages.Post("/lotteries/:window_id/request", h.setRequest)
	api.Delete("/lottery-windows/:window_id/request", h.withdraw)
	pages.Post("/lotteries/:window_id/withdraw", h.withdraw)
	api.Post("/lottery-windows/:window_id/draw", h.draw)
	pages.Post("/lotteries/:window_id/draw", h.draw)
	api.Post("/lottery-windows/:window_id/cancel", h.cancelWindow)
	pages.Post("/lotteries/:window_id/cancel", h.cancelWindow)

	api.Get("/calendar-feeds", h.calendars)
	pages.Get("/calendars", h.calendars)
	api.Post("/calendar-feeds/mine", h.newFeedLink)
	api.Post("/calendar-feeds/resources/:resource_id", h.newFeedLink)
	pages.Post("/calendars/:which/new", h.newFeedLink)
	api.Delete("/calendar-feeds/mine", h.revokeFeedLink)
	api.Delete("/calendar-feeds/resources/:resource_id", h.revokeFeedLink)
	pages.Post("/calendars/:which/revoke", h.revokeFeedLink)
}
