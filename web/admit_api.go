package web

import (
	"github.com/gofiber/fiber/v2"

	"hearth/housing/membership"
)

// JSON API of admissions: a coordinator admits a member to a free unit of
// their site, with the buy-in.

// admitRequest is an admission, from JSON or the page form.
type admitRequest struct {
	UnitID         int64   `json:"unit_id"`
	MemberID       int64   `json:"member_id"`
	Date           string  `json:"date"`
	Cash           string  `json:"cash"`
	Loan           string  `json:"loan"`
	QuotedPrice    string  `json:"quoted_price"`
	LoanRatePct    *string `json:"loan_rate_pct"`
	LoanMonths     int     `json:"loan_months"`
	IdempotencyKey string  `json:"idempotency_key"`
}

func (r admitRequest) admission(siteID, by int64) (membership.AdmitRequest, error) {
	in := membership.AdmitRequest{SiteID: siteID, UnitID: r.UnitID, MemberID: r.MemberID, LoanMonths: r.LoanMonths,
		IdempotencyKey: r.IdempotencyKey, By: &by}
	var err error
	if in.Date, err = formDate("date", r.Date); err != nil {
		return in, err
	}
	if r.Cash == "" {
		r.Cash = "0"
	}
	if r.Loan == "" {
		r.Loan = "0"
	}
	if in.Cash, err = formDecimal("cash", r.Cash); err != nil {
		return in, err
	}
	if in.Loan, err = formDecimal("loan", r.Loan); err != nil {
		return in, err
	}
	if r.QuotedPrice != "" {
		if in.QuotedPrice, err = formDecimal("quoted_price", r.QuotedPrice); err != nil {
			return in, err
		}
	}
	in.LoanRatePct, err = formOptionalDecimal("loan_rate_pct", r.LoanRatePct)
	return in, err
}

func (h *equityHandlers) apiAdmit(c *fiber.Ctx) error {
	siteID, err := coordinatedSite(c)
	if err != nil {
		return err
	}
	p := principal(c)
	var req admitRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	in, err := req.admission(siteID, p.ID)
	if err != nil {
		return err
	}
	a, err := h.mem.Admit(c.UserContext(), in)
	if err != nil {
		return err
	}
	status := fiber.StatusCreated
	if a.Replayed {
		status = fiber.StatusOK
	}
	return c.Status(status).JSON(admissionView(a))
}

func (h *equityHandlers) apiAdmissions(c *fiber.Ctx) error {
	siteID, err := coordinatedSite(c)
	if err != nil {
		return err
	}
	as, err := h.mem.AdmissionsOf(c.UserContext(), siteID)
	if err != nil {
		return err
	}
	out := make([]admissionJSON, len(as))
	for i, a := range as {
		out[i] = admissionView(a.Admission)
		out[i].MemberName, out[i].UnitName = &as[i].MemberName, &as[i].UnitName
	}
	return c.JSON(fiber.Map{"admissions": out})
}

func (h *equityHandlers) apiFreeUnits(c *fiber.Ctx) error {
	siteID, err := coordinatedSite(c)
	if err != nil {
		return err
	}
	from, err := formDate("from", c.Query("from"))
	if err != nil {
		return err
	}
	if from.IsZero() {
		from = h.eq.Today()
	}
	us, err := h.mem.FreeUnits(c.UserContext(), siteID, from)
	if err != nil {
		return err
	}
	out := make([]fiber.Map, len(us))
	for i, u := range us {
		out[i] = fiber.Map{"id": u.ID, "name": u.Name, "bedrooms": u.Bedrooms, "monthly_charge": moneyText(u.MonthlyCharge),
			"required_equity": moneyText(u.RequiredEquity)}
	}
	return c.JSON(fiber.Map{"from": dayText(from), "units": out})
}
