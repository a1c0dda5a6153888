package web

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"hearth/finance/equity"
)

// The cooperative's lending settings and price indexes: every member reads
// the settings through the API; the treasurer's page edits them and
// records index values.

// settings answers the lending settings (API), or shows the treasurer's
// page of settings and price indexes.
func (h *equityHandlers) settings(c *fiber.Ctx) error {
	if isAPI(c) {
		st, err := h.eq.Settings(c.UserContext())
		if err != nil {
			return err
		}
		return c.JSON(settingsView(st))
	}
	return h.renderSettings(c, nil, nil)
}

// renderSettings shows the settings page with its two forms, one of them
// possibly refused (then the page answers 422).
func (h *equityHandlers) renderSettings(c *fiber.Ctx, settings, index *Form) error {
	indexes, err := h.eq.Indexes(c.UserContext(), principal(c))
	if err != nil {
		return err
	}
	st, err := h.eq.Settings(c.UserContext())
	if err != nil {
		return err
	}
	refused := settings != nil || index != nil
	if settings == nil {
		settings = &Form{Values: map[string]string{
			"loan_to_value_pct": st.LoanToValuePct.String(), "share_loan_rate_pct": st.ShareLoanRatePct.String(),
			"share_loan_months": strconv.Itoa(st.ShareLoanMonths), "transfer_fee_pct": st.TransferFeePct.String(),
		}, Errors: map[string]string{}}
	}
	if index == nil {
		index = &Form{Values: map[string]string{"effective_on": dayText(h.eq.Today())}, Errors: map[string]string{}}
	}
	data := fiber.Map{"Title": "Lending settings", "Settings": st, "Form": settings, "IndexForm": index, "Indexes": indexes}
	if refused {
		return h.renderForm(c, "equity/settings", data)
	}
	return h.render(c, "equity/settings", data)
}

// settingsRequest changes some of the lending settings; a field left out
// (or left empty on the page) stays as it is.
type settingsRequest struct {
	LoanToValuePct   *string `json:"loan_to_value_pct"`
	ShareLoanRatePct *string `json:"share_loan_rate_pct"`
	ShareLoanMonths  *int    `json:"share_loan_months"`
	TransferFeePct   *string `json:"transfer_fee_pct"`
}

// change reads the request's numbers. Errors: invalid_number (422).
func (r settingsRequest) change() (equity.SettingsChange, error) {
	ch := equity.SettingsChange{ShareLoanMonths: r.ShareLoanMonths}
	var err error
	if ch.LoanToValuePct, err = formOptionalDecimal("loan_to_value_pct", r.LoanToValuePct); err != nil {
		return ch, err
	}
	if ch.ShareLoanRatePct, err = formOptionalDecimal("share_loan_rate_pct", r.ShareLoanRatePct); err != nil {
		return ch, err
	}
	ch.TransferFeePct, err = formOptionalDecimal("transfer_fee_pct", r.TransferFeePct)
	return ch, err
}

// updateSettings changes the lending settings (the treasurer).
func (h *equityHandlers) updateSettings(c *fiber.Ctx) error {
	var in settingsRequest
	var st equity.Settings
	err := bind(c, &in)
	if err == nil {
		var ch equity.SettingsChange
		if ch, err = in.change(); err == nil {
			st, err = h.eq.UpdateSettings(c.UserContext(), principal(c), ch)
		}
	}
	return h.reply(c, err, answer{JSON: settingsView(st), Flash: "The lending settings are saved.", To: "/equity/settings"},
		func(f *Form) error { return h.renderSettings(c, f, nil) })
}

// indexPointRequest is a value of a price index. The API names the series
// in the path; the settings page's form has it as a field.
type indexPointRequest struct {
	EffectiveOn string `json:"effective_on"`
	Value       string `json:"value"`
}

// recordIndexPoint records a value of a price index (the treasurer).
func (h *equityHandlers) recordIndexPoint(c *fiber.Ctx) error {
	var in indexPointRequest
	pt := equity.IndexPoint{Series: c.Params("series")}
	if !isAPI(c) {
		pt.Series = c.FormValue("series")
	}
	err := bind(c, &in)
	if err == nil {
		pt, err = in.point(pt)
	}
	if err == nil {
		pt, err = h.eq.RecordIndexPoint(c.UserContext(), principal(c), pt)
	}
	return h.reply(c, err, answer{Status: fiber.StatusCreated,
		JSON:  fiber.Map{"series": pt.Series, "effective_on": dayText(pt.EffectiveOn), "value": pt.Value.String()},
		Flash: "The index value is recorded.", To: "/equity/settings#indexes"},
		func(f *Form) error { return h.renderSettings(c, nil, f) })
}

// point reads the request's value and day into pt. Errors: invalid_number,
// invalid_date (422).
func (r indexPointRequest) point(pt equity.IndexPoint) (equity.IndexPoint, error) {
	var err error
	if pt.Value, err = formDecimal("value", r.Value); err != nil {
		return pt, err
	}
	pt.EffectiveOn, err = formDate("effective_on", r.EffectiveOn)
	return pt, err
}
