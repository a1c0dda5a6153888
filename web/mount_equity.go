package web

import (
	"github.com/gofiber/fiber/v2"

	"hearth/app"
	"hearth/finance/equity"
	"hearth/housing/membership"
)

// equityHandlers serve share pools, prices, loans, admissions, the monthly
// charges and members' equity statements, as pages and as API.
type equityHandlers struct {
	*Server
	eq  *equity.Service
	mem *membership.Service
}

func (s *Server) newEquityHandlers() *equityHandlers {
	return &equityHandlers{Server: s, eq: s.svc.Equity, mem: s.svc.Membership}
}

// mountEquityAPI registers the equity routes of the JSON API.
func (s *Server) mountEquityAPI(api fiber.Router) {
	h := s.newEquityHandlers()
	api.Get("/equity/settings", h.apiSettings)
	api.Put("/equity/settings", h.apiUpdateSettings)
	api.Get("/sites/:site_id/share-pool", h.apiPool)
	api.Patch("/sites/:site_id/share-pool", h.apiUpdatePool)
	api.Get("/sites/:site_id/share-price", h.apiSharePrice)
	api.Post("/sites/:site_id/price-policies", h.apiSetPolicy)
	api.Post("/sites/:site_id/appraisals", h.apiRecordAppraisal)
	api.Post("/sites/:site_id/mortgages", h.apiCreateMortgage)
	api.Put("/sites/:site_id/units/:unit_id/required-equity", h.apiSetRequiredEquity)
	api.Post("/price-indexes/:series/points", h.apiRecordIndexPoint)
	api.Get("/loans/:loan_id", h.apiLoan)
	api.Get("/loans/:loan_id/payoff", h.apiPayoff)
	api.Post("/members/:member_id/share-loan/paydowns", h.apiPaydown)
	api.Get("/members/:member_id/equity", h.apiStatement)
	api.Get("/members/:member_id/equity.csv", h.apiStatementCSV)
	api.Get("/members/:member_id/charges", h.apiMemberCharges)
	api.Post("/charges/runs", h.apiRunCharges)
	api.Get("/charges/runs", h.apiChargeRuns)
	api.Get("/charges/:month", h.apiChargesOfMonth)
}

// mountEquityPages registers the equity, admission and charges pages.
func (s *Server) mountEquityPages(pages fiber.Router) {
	h := s.newEquityHandlers()
	pages.Get("/equity", h.myEquityPage)
	pages.Get("/equity/statement.csv", h.myStatementCSV)
	pages.Get("/equity/print", h.myStatementPrint)
	pages.Get("/equity/members", h.membersEquityPage)
	pages.Get("/equity/members/:member_id", h.memberEquityPage)
	pages.Get("/equity/members/:member_id/statement.csv", h.memberStatementCSV)
	pages.Get("/equity/members/:member_id/print", h.memberStatementPrint)
	pages.Get("/equity/settings", h.settingsPage)
	pages.Post("/equity/settings", h.updateSettings)
	pages.Post("/equity/indexes", h.recordIndexPoint)
	pages.Get("/equity/sites", h.poolsPage)
	pages.Get("/equity/sites/:site_id", h.poolPage)
	pages.Post("/equity/sites/:site_id/pool", h.updatePool)
	pages.Post("/equity/sites/:site_id/policies", h.setPolicy)
	pages.Post("/equity/sites/:site_id/appraisals", h.recordAppraisal)
	pages.Post("/equity/sites/:site_id/mortgages", h.createMortgage)
	pages.Post("/equity/sites/:site_id/units/:unit_id/required-equity", h.setRequiredEquity)
	pages.Get("/equity/loans/:loan_id", h.loanPage)
	pages.Post("/equity/loans/:loan_id/paydown", h.paydown)
	pages.Get("/charges", h.chargesPage)
	pages.Post("/charges/runs", h.runCharges)
	pages.Get("/charges/:month", h.monthChargesPage)
}

// requireSiteView lets through whoever may see a site's share pool: an
// admin, the site's coordinators, its residents, and members holding shares
// there. Errors: forbidden.
func (h *equityHandlers) requireSiteView(c *fiber.Ctx, siteID int64) error {
	p := principal(c)
	if p.Coordinates(siteID) || p.LivesAt(siteID) {
		return nil
	}
	held, err := h.eq.HoldingAt(c.UserContext(), h.db, siteID, p.ID)
	if err != nil {
		return err
	}
	if held.IsPositive() {
		return nil
	}
	return app.Forbidden("You can see the share pool of the site you live at or hold shares in.")
}

// visibleLoan returns a loan the caller may see: a mortgage to whoever sees
// its site, a share loan to its member and the treasurer. Errors:
// loan_not_found (404), forbidden.
func (h *equityHandlers) visibleLoan(c *fiber.Ctx) (equity.Loan, error) {
	id, err := paramID(c, "loan_id")
	if err != nil {
		return equity.Loan{}, err
	}
	l, err := h.eq.Loan(c.UserContext(), h.db, id)
	if err != nil {
		return l, err
	}
	if l.Kind == equity.Mortgage {
		return l, h.requireSiteView(c, l.SiteID)
	}
	return l, principal(c).RequireMoneyOf(*l.MemberID)
}

// coordinatedSite reads the :site_id of a request that only the site's
// coordinators and admins may make. Errors: those of paramID; forbidden.
func coordinatedSite(c *fiber.Ctx) (int64, error) {
	siteID, err := paramID(c, "site_id")
	if err != nil {
		return 0, err
	}
	return siteID, principal(c).RequireCoordinator(siteID)
}

// adminSite reads the site of the route for the treasurer (an admin): the
// site's money settings (pool, mortgages, required equity) are theirs.
func adminSite(c *fiber.Ctx) (int64, error) {
	siteID, err := paramID(c, "site_id")
	if err != nil {
		return 0, err
	}
	return siteID, principal(c).RequireAdmin()
}
