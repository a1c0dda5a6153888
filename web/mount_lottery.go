package web

import (
	"github.com/gofiber/fiber/v2"

	"hearth/housing/feeds"
	"hearth/housing/lottery"
)

// lotteryHandlers serve the peak-allocation lotteries and the calendar
// feeds, as pages and as API.
type lotteryHandlers struct {
	*Server
	svc   *lottery.Service
	feeds *feeds.Service
}

func (s *Server) newLotteryHandlers() *lotteryHandlers {
	return &lotteryHandlers{
		Server: s,
		svc:    s.svc.Lottery,
		feeds:  s.svc.Feeds,
	}
}

// mountLotteryAPI registers the peak-allocation lottery and calendar-feed
// routes of the JSON API.
func (s *Server) mountLotteryAPI(api fiber.Router) {
	h := s.newLotteryHandlers()
	api.Get("/lottery-windows", h.apiWindows)
	api.Post("/resources/:resource_id/lottery-windows", h.apiOpenWindow)
	api.Get("/lottery-windows/:window_id", h.apiWindow)
	api.Get("/lottery-windows/:window_id/record", h.apiRecord)
	api.Get("/lottery-windows/:window_id/request", h.apiRequest)
	api.Put("/lottery-windows/:window_id/request", h.apiSetRequest)
	api.Delete("/lottery-windows/:window_id/request", h.apiWithdraw)
	api.Post("/lottery-windows/:window_id/draw", h.apiDraw)
	api.Post("/lottery-windows/:window_id/cancel", h.apiCancel)
	api.Get("/sites/:site_id/lottery-usage", h.apiUsage)

	api.Get("/calendar-feeds", h.apiFeeds)
	api.Post("/calendar-feeds/mine", h.apiNewFeedLink)
	api.Delete("/calendar-feeds/mine", h.apiRevokeFeedLink)
	api.Post("/calendar-feeds/resources/:resource_id", h.apiNewFeedLink)
	api.Delete("/calendar-feeds/resources/:resource_id", h.apiRevokeFeedLink)
}

// mountLotteryPages registers the lottery, usage and calendar-feed pages.
func (s *Server) mountLotteryPages(pages fiber.Router) {
	h := s.newLotteryHandlers()
	pages.Get("/lotteries", h.windowsPage)
	pages.Get("/lotteries/new", h.newWindowPage)
	pages.Post("/lotteries", h.openWindow)
	pages.Get("/lotteries/usage", h.usagePage)
	pages.Get("/lotteries/:window_id", h.windowPage)
	pages.Get("/lotteries/:window_id/record.json", h.recordDownload)
	pages.Post("/lotteries/:window_id/request", h.saveRequest)
	pages.Post("/lotteries/:window_id/withdraw", h.withdrawRequest)
	pages.Post("/lotteries/:window_id/draw", h.drawWindow)
	pages.Post("/lotteries/:window_id/cancel", h.cancelWindow)

	pages.Get("/calendars", h.calendarsPage)
	pages.Post("/calendars/:which/new", h.newFeedLink)
	pages.Post("/calendars/:which/revoke", h.revokeFeedLink)
}
