package web

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"hearth/day"
	"hearth/housing/membership"
)

// Admissions: a coordinator admits a member to a free unit of their site,
// who buys in with cash and a share loan at today's share price. The page
// shows the price and what each free unit asks, and confirms the buy-in at
// the price shown (a changed price sends the form back with the new
// figures).

// admitRequest admits a member: from the API's JSON body or the admission
// page's form, under the same names. Amounts are decimal strings; an empty
// date is today.
type admitRequest struct {
	UnitID         int64   `json:"unit_id"`
	MemberID       int64   `json:"member_id"`
	Date           day.Day `json:"date"`
	Cash           string  `json:"cash"`
	Loan           string  `json:"loan"`
	QuotedPrice    string  `json:"quoted_price"`
	LoanRatePct    string  `json:"loan_rate_pct"`
	LoanMonths     int     `json:"loan_months"`
	IdempotencyKey string  `json:"idempotency_key"`
}

func admitPath(siteID int64) string { return fmt.Sprintf("/equity/sites/%d/admit", siteID) }

// admit admits a member to a free unit of the site: 201 with the admission,
// or 200 when the idempotency key replays an earlier one; a page goes back
// to the admission page, which greets the new member.
func (h *membershipHandlers) admit(c *fiber.Ctx) error {
	siteID, err := paramID(c, "site_id")
	if err != nil {
		return err
	}
	var in admitRequest
	var a membership.Admission
	if err = bind(c, &in); err == nil {
		a, err = h.membership.Admit(c.UserContext(), principal(c), membership.AdmitRequest{SiteID: siteID, UnitID: in.UnitID,
			MemberID: in.MemberID, Date: in.Date.Time(), Cash: in.Cash, Loan: in.Loan, QuotedPrice: in.QuotedPrice,
			LoanRatePct: in.LoanRatePct, LoanMonths: in.LoanMonths, IdempotencyKey: in.IdempotencyKey})
	}
	status := fiber.StatusCreated
	if a.Replayed {
		status = fiber.StatusOK
	}
	return h.reply(c, err, answer{
		Status: status, JSON: admissionView(a), To: admitPath(siteID),
		Flash: "Welcome! The member is admitted from " + dayText(a.AdmittedOn) + " with " + sharesText(a.Quantity) + " shares at " + priceText(a.Price) + ".",
	}, func(f *Form) error { return h.renderAdmissionDesk(c, siteID, f) })
}

// admissionDesk shows the page that admits a member to a site.
func (h *membershipHandlers) admissionDesk(c *fiber.Ctx) error {
	siteID, err := paramID(c, "site_id")
	if err != nil {
		return err
	}
	return h.renderAdmissionDesk(c, siteID, nil)
}

// renderAdmissionDesk shows the admission page, with a refused form filled
// in when there is one. The form confirms the buy-in at today's price.
func (h *membershipHandlers) renderAdmissionDesk(c *fiber.Ctx, siteID int64, refused *Form) error {
	d, err := h.membership.AdmissionDesk(c.UserContext(), principal(c), siteID)
	if err != nil {
		return err
	}
	data := fiber.Map{"Title": "Admit a member to " + d.Pool.SiteName, "Pool": d.Pool, "Quotes": d.Offers, "Members": d.Candidates,
		"Settings": d.Settings, "Today": d.Today, "Admissions": d.Admissions, "FormKey": newFormKey()}
	f := refused
	if f == nil {
		f = &Form{Values: map[string]string{"date": dayText(d.Today), "cash": "", "loan": "0"}, Errors: map[string]string{}}
	}
	if d.Price != nil {
		data["Price"] = *d.Price
		f.Values["quoted_price"] = priceText(d.Price.Price) // a refused form too is confirmed at today's price
	} else {
		data["PriceError"] = d.PriceError
	}
	data["Form"] = f
	if refused != nil {
		return h.renderForm(c, "equity/admit", data)
	}
	return h.render(c, "equity/admit", data)
}

// admissions lists the site's admissions, latest first (API).
func (h *membershipHandlers) admissions(c *fiber.Ctx) error {
	siteID, err := paramID(c, "site_id")
	if err != nil {
		return err
	}
	as, err := h.membership.AdmissionsOf(c.UserContext(), principal(c), siteID)
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

// freeUnits lists the units of the site nobody lives in from a day on
// (today by default), with what each asks (API).
func (h *membershipHandlers) freeUnits(c *fiber.Ctx) error {
	siteID, err := paramID(c, "site_id")
	if err != nil {
		return err
	}
	var in struct {
		From day.Day `json:"from"`
	}
	if err := bindQuery(c, &in); err != nil {
		return err
	}
	l, err := h.membership.FreeUnits(c.UserContext(), principal(c), siteID, in.From.Time())
	if err != nil {
		return err
	}
	out := make([]fiber.Map, len(l.Units))
	for i, u := range l.Units {
		out[i] = fiber.Map{"id": u.ID, "name": u.Name, "bedrooms": u.Bedrooms, "monthly_charge": moneyText(u.MonthlyCharge),
			"required_equity": moneyText(u.RequiredEquity)}
	}
	return c.JSON(fiber.Map{"from": dayText(l.From), "units": out})
}
