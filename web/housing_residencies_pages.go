package web

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"hearth/app"
	"hearth/housing"
)

// formID reads a chosen id (a select's value) from a form. Errors: a 422
// with the given code on the field when nothing was chosen.
func formID(f *Form, field, code, msg string) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimSpace(f.Value(field)), 10, 64)
	if err != nil || id <= 0 {
		return 0, app.Unprocessable(code, "%s", msg).OnField(field)
	}
	return id, nil
}

// placeMember places a member in a unit from the site page.
func (h *housingHandlers) placeMember(c *fiber.Ctx) error {
	siteID, err := coordinatedSite(c)
	if err != nil {
		return err
	}
	f := newForm(c)
	r, err := h.placementFrom(c, siteID, f)
	if err != nil {
		if formError(f, err) {
			return h.renderSite(c, siteID, siteForms{Place: f})
		}
		return err
	}
	h.flash(c, "The residency starts on "+r.StartsOn.Format("2 Jan 2006")+".")
	return redirect(c, sitePath(siteID)+"#residencies")
}

func (h *housingHandlers) placementFrom(c *fiber.Ctx, siteID int64, f *Form) (housing.Residency, error) {
	unitID, err := formID(f, "unit_id", "unit_required", "Choose a unit.")
	if err != nil {
		return housing.Residency{}, err
	}
	memberID, err := formID(f, "member_id", "member_required", "Choose a member.")
	if err != nil {
		return housing.Residency{}, err
	}
	nr, err := newResidencyFrom(unitID, memberID, f.Value("starts_on"), strings.TrimSpace(f.Value("ends_on")))
	if err != nil {
		return housing.Residency{}, err
	}
	return h.svc.PlaceMember(c.UserContext(), siteID, nr)
}

// endResidency sets a residency's move-out day from the site page.
func (h *housingHandlers) endResidency(c *fiber.Ctx) error {
	siteID, err := coordinatedSite(c)
	if err != nil {
		return err
	}
	id, err := paramID(c, "residency_id")
	if err != nil {
		return err
	}
	f := newForm(c)
	f.Values["residency_id"] = strconv.FormatInt(id, 10)
	endsOn, err := housing.ParseDate("ends_on", f.Value("ends_on"))
	if err == nil {
		_, err = h.svc.EndSiteResidency(c.UserContext(), siteID, id, endsOn)
	}
	if err != nil {
		if formError(f, err) {
			return h.renderSite(c, siteID, siteForms{End: f})
		}
		return err
	}
	h.flash(c, "The move-out day is set to "+endsOn.Format("2 Jan 2006")+".")
	return redirect(c, sitePath(siteID)+"#residencies")
}
