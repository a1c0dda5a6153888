package web

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"hearth/finance/ledger"
)

// ledgerHandlers serve the treasurer's books, as pages and as API. The
// ledger decides who may read and write them (ledger.CanKeepBooks: the
// treasurer alone); members see their own money through the equity and
// charges areas, never here.
type ledgerHandlers struct {
	*Server
	led *ledger.Ledger
}

// mountLedger registers the ledger's operations: each handler at its API
// route and, where the treasurer does it in a browser, at its page route.
func (s *Server) mountLedger(api, pages fiber.Router) {
	h := &ledgerHandlers{Server: s, led: s.svc.Ledger}
	api.Get("/ledger/accounts", h.chart)
	pages.Get("/ledger", h.chart)
	api.Post("/ledger/accounts", h.openAccount)
	pages.Post("/ledger/accounts", h.openAccount)
	api.Get("/ledger/accounts/:code", h.account)
	api.Get("/ledger/accounts/:code/statement", h.statement)
	pages.Get("/ledger/accounts/:code", h.statement)
	pages.Get("/ledger/accounts/:code/statement.csv", h.statementCSV)

	api.Get("/ledger/entries", h.entries)
	pages.Get("/ledger/entries", h.entries)
	pages.Get("/ledger/entries.csv", h.journalCSV)
	pages.Get("/ledger/entries/new", h.newEntryPage) // before /ledger/entries/:entry_id
	api.Post("/ledger/entries", h.postEntry)
	pages.Post("/ledger/entries", h.postEntry)
	api.Get("/ledger/entries/:entry_id", h.entry)
	pages.Get("/ledger/entries/:entry_id", h.entry)
	api.Post("/ledger/entries/:entry_id/reversal", h.reverseEntry)
	pages.Post("/ledger/entries/:entry_id/reversal", h.reverseEntry)

	api.Get("/ledger/trial-balance", h.trialBalance)
	pages.Get("/ledger/trial-balance", h.trialBalance)
}

// paramCode reads an account code from the path, percent-encoded or not.
func paramCode(c *fiber.Ctx) string {
	code, err := url.PathUnescape(c.Params("code"))
	if err != nil {
		return c.Params("code")
	}
	return code
}

// accountPath is the statement page of an account.
func accountPath(code string) string { return "/ledger/accounts/" + url.PathEscape(code) }
