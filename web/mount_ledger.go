package web

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"hearth/finance/ledger"
)

// ledgerHandlers serve the treasurer's books, as pages and as API. The
// ledger is the treasurer's alone: members see their own money through the
// equity and charges areas, never here.
type ledgerHandlers struct {
	*Server
	led *ledger.Ledger
}

func (s *Server) newLedgerHandlers() *ledgerHandlers {
	return &ledgerHandlers{Server: s, led: s.svc.Ledger}
}

// requireAdmin guards every ledger route: the group middleware makes it
// impossible to add a ledger route that forgets the check.
func requireAdmin(c *fiber.Ctx) error {
	if err := principal(c).RequireAdmin(); err != nil {
		return err
	}
	return c.Next()
}

// mountLedgerAPI registers the ledger routes of the JSON API.
func (s *Server) mountLedgerAPI(api fiber.Router) {
	h := s.newLedgerHandlers()
	g := api.Group("/ledger", requireAdmin)
	g.Get("/accounts", h.apiAccounts)
	g.Post("/accounts", h.apiCreateAccount)
	g.Get("/accounts/:code", h.apiAccount)
	g.Get("/accounts/:code/statement", h.apiStatement)
	g.Get("/entries", h.apiEntries)
	g.Post("/entries", h.apiPostEntry)
	g.Get("/entries/:entry_id", h.apiEntry)
	g.Post("/entries/:entry_id/reversal", h.apiReverseEntry)
	g.Get("/trial-balance", h.apiTrialBalance)
}

// mountLedgerPages registers the ledger pages.
func (s *Server) mountLedgerPages(pages fiber.Router) {
	h := s.newLedgerHandlers()
	g := pages.Group("/ledger", requireAdmin)
	g.Get("/", h.chartPage)
	g.Post("/accounts", h.createAccount)
	g.Get("/accounts/:code", h.statementPage)
	g.Get("/accounts/:code/statement.csv", h.statementCSV)
	g.Get("/entries", h.journalPage)
	g.Get("/entries.csv", h.journalCSV)
	g.Get("/entries/new", h.newEntryPage) // before /entries/:entry_id
	g.Post("/entries", h.postEntry)
	g.Get("/entries/:entry_id", h.entryPage)
	g.Post("/entries/:entry_id/reversal", h.reverseEntry)
	g.Get("/trial-balance", h.trialBalancePage)
}

// paramCode reads an account code from the path, percent-encoded or not.
func paramCode(c *fiber.Ctx) string {
	code, err := url.PathUnescape(c.Params("code"))
	if err != nil {
		return c.Params("code")
	}
	return code
}
