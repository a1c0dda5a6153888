package web

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"hearth/app"
	"hearth/housing"
)

// unitInputFrom reads the unit form. Errors: invalid_bedrooms (422).
func unitInputFrom(f *Form) (housing.UnitInput, error) {
	in := housing.UnitInput{Name: f.Value("name"), MonthlyCharge: f.Value("monthly_charge")}
	b, err := strconv.Atoi(strings.TrimSpace(f.Value("bedrooms")))
	if err != nil {
		return in, app.Unprocessable("invalid_bedrooms", "Enter the number of bedrooms as a whole number.").OnField("bedrooms")
	}
	in.Bedrooms = b
	return in, nil
}

// createUnit adds a unit from the site page (admin or the site's coordinator).
func (h *housingHandlers) createUnit(c *fiber.Ctx) error {
	siteID, err := coordinatedSite(c)
	if err != nil {
		return err
	}
	f := newForm(c)
	in, err := unitInputFrom(f)
	var u housing.Unit
	if err == nil {
		u, err = h.svc.CreateUnit(c.UserContext(), siteID, in)
	}
	if err != nil {
		if formError(f, err) {
			return h.renderSite(c, siteID, siteForms{Unit: f})
		}
		return err
	}
	h.flash(c, "Unit "+u.Name+" is added.")
	return redirect(c, sitePath(siteID)+"#units")
}

func (h *housingHandlers) renderUnitForm(c *fiber.Ctx, siteID, unitID int64, f *Form, refused bool) error {
	site, err := h.svc.Site(c.UserContext(), siteID)
	if err != nil {
		return err
	}
	u, err := h.svc.Unit(c.UserContext(), siteID, unitID)
	if err != nil {
		return err
	}
	if !refused {
		f.Values["name"], f.Values["bedrooms"] = u.Name, strconv.Itoa(u.Bedrooms)
		f.Values["monthly_charge"] = u.MonthlyCharge.StringFixed(2)
	}
	data := fiber.Map{"Title": "Edit unit " + u.Name, "Site": site, "Unit": u, "Form": f}
	if refused {
		return h.renderForm(c, "housing/unit_form", data)
	}
	return h.render(c, "housing/unit_form", data)
}

// siteAndUnit reads the path of a unit page and checks that the caller
// coordinates the site.
func siteAndUnit(c *fiber.Ctx) (siteID, unitID int64, err error) {
	if siteID, err = coordinatedSite(c); err != nil {
		return
	}
	unitID, err = paramID(c, "unit_id")
	return
}

func (h *housingHandlers) editUnitPage(c *fiber.Ctx) error {
	siteID, unitID, err := siteAndUnit(c)
	if err != nil {
		return err
	}
	return h.renderUnitForm(c, siteID, unitID, newForm(c), false)
}

func (h *housingHandlers) updateUnit(c *fiber.Ctx) error {
	siteID, unitID, err := siteAndUnit(c)
	if err != nil {
		return err
	}
	f := newForm(c)
	in, err := unitInputFrom(f)
	var u housing.Unit
	if err == nil {
		u, err = h.svc.UpdateUnit(c.UserContext(), siteID, unitID, housing.UnitChanges{
			Name: &in.Name, Bedrooms: &in.Bedrooms, MonthlyCharge: &in.MonthlyCharge,
		})
	}
	if err != nil {
		if formError(f, err) {
			return h.renderUnitForm(c, siteID, unitID, f, true)
		}
		return err
	}
	h.flash(c, "Unit "+u.Name+" is saved.")
	return redirect(c, sitePath(siteID)+"#units")
}
