package web

import (
	"github.com/gofiber/fiber/v2"

	"hearth/finance/equity"
	"hearth/finance/equity/charges"
	"hearth/finance/equity/loans"
	"hearth/finance/equity/statement"
)

// equityHandlers serve share pools, prices, loans, the monthly charges and
// members' equity statements, as pages and as API. Who may see and do
// what, the equity service decides.
type equityHandlers struct {
	*Server
	eq         *equity.Service
	loans      *loans.Service
	charges    *charges.Service
	statements *statement.Service
}

// mountEquity registers the equity and charges operations: each handler at
// its API route and, where people do it in a browser, at its page route.
func (s *Server) mountEquity(api, pages fiber.Router) {
	h := &equityHandlers{Server: s, eq: s.svc.Equity, loans: s.svc.Loans, charges: s.svc.Charges, statements: s.svc.Statements}
	api.Get("/equity/settings", h.settings)
	pages.Get("/equity/settings", h.settings)
	api.Put("/equity/settings", h.updateSettings)
	pages.Post("/equity/settings", h.updateSettings)
	api.Post("/price-indexes/:series/points", h.recordIndexPoint)
	pages.Post("/equity/indexes", h.recordIndexPoint)

	pages.Get("/equity/sites", h.poolsPage)
	api.Get("/sites/:site_id/share-pool", h.pool)
	pages.Get("/equity/sites/:site_id", h.pool)
	api.Patch("/sites/:site_id/share-pool", h.updatePool)
	pages.Post("/equity/sites/:site_id/pool", h.updatePool)
	api.Get("/sites/:site_id/share-price", h.sharePrice)
	api.Post("/sites/:site_id/price-policies", h.setPolicy)
	pages.Post("/equity/sites/:site_id/policies", h.setPolicy)
	api.Post("/sites/:site_id/appraisals", h.recordAppraisal)
	pages.Post("/equity/sites/:site_id/appraisals", h.recordAppraisal)
	api.Post("/sites/:site_id/mortgages", h.createMortgage)
	pages.Post("/equity/sites/:site_id/mortgages", h.createMortgage)
	api.Put("/sites/:site_id/units/:unit_id/required-equity", h.setRequiredEquity)
	pages.Post("/equity/sites/:site_id/units/:unit_id/required-equity", h.setRequiredEquity)

	api.Get("/loans/:loan_id", h.loan)
	pages.Get("/equity/loans/:loan_id", h.loan)
	api.Get("/loans/:loan_id/payoff", h.payoff)
	api.Post("/members/:member_id/share-loan/paydowns", h.paydown)
	pages.Post("/equity/loans/:loan_id/paydown", h.paydown)

	pages.Get("/equity", h.statement)
	api.Get("/members/:member_id/equity", h.statement)
	pages.Get("/equity/members/:member_id", h.statement)
	pages.Get("/equity/statement.csv", h.statementCSV)
	api.Get("/members/:member_id/equity.csv", h.statementCSV)
	pages.Get("/equity/members/:member_id/statement.csv", h.statementCSV)
	pages.Get("/equity/print", h.statementPrint)
	pages.Get("/equity/members/:member_id/print", h.statementPrint)
	pages.Get("/equity/members", h.membersEquityPage)
	api.Get("/members/:member_id/charges", h.memberCharges)

	api.Post("/charges/runs", h.runCharges)
	pages.Post("/charges/runs", h.runCharges)
	api.Get("/charges/runs", h.chargeRuns)
	pages.Get("/charges", h.chargeRuns)
	api.Get("/charges/:month", h.chargesOfMonth)
	pages.Get("/charges/:month", h.chargesOfMonth)
}
