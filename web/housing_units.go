package web

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"hearth/housing"
)

type unitJSON struct {
	ID            int64       `json:"id"`
	SiteID        int64       `json:"site_id"`
	Name          string      `json:"name"`
	Bedrooms      int         `json:"bedrooms"`
	MonthlyCharge string      `json:"monthly_charge,omitempty"`
	CreatedAt     time.Time   `json:"created_at"`
	Resident      *personJSON `json:"resident,omitempty"`
}

// newUnitJSON renders a unit; withCharge false leaves the charge out for
// callers who may not see it.
func newUnitJSON(u housing.Unit, withCharge bool) unitJSON {
	out := unitJSON{ID: u.ID, SiteID: u.SiteID, Name: u.Name, Bedrooms: u.Bedrooms, CreatedAt: u.CreatedAt}
	if withCharge {
		out.MonthlyCharge = u.MonthlyCharge.StringFixed(2)
	}
	return out
}

// unitRequest adds a unit, or changes the fields it names.
type unitRequest struct {
	Name          *string `json:"name"`
	Bedrooms      *int    `json:"bedrooms"`
	MonthlyCharge *string `json:"monthly_charge"`
}

// createUnit adds a unit to a site. Bedrooms default to 1, as in the schema.
func (h *housingHandlers) createUnit(c *fiber.Ctx) error {
	siteID, err := paramID(c, "site_id")
	if err != nil {
		return err
	}
	var in unitRequest
	var u housing.Unit
	if err = bind(c, &in); err == nil {
		u, err = h.housing.CreateUnit(c.UserContext(), principal(c), siteID, housing.UnitInput{
			Name: deref(in.Name), Bedrooms: derefOr(in.Bedrooms, 1), MonthlyCharge: deref(in.MonthlyCharge),
		})
	}
	return h.reply(c, err, answer{
		Status: fiber.StatusCreated, JSON: fiber.Map{"id": u.ID},
		Flash: "Unit " + u.Name + " is added.", To: sitePath(siteID) + "#units",
	}, h.refusedOnSite(c, siteID, func(f *Form) siteForms { return siteForms{Unit: f} }))
}

// refusedOnSite shows the site's page again with a refused form in the
// place forms puts it.
func (h *housingHandlers) refusedOnSite(c *fiber.Ctx, siteID int64, forms func(*Form) siteForms) func(*Form) error {
	return func(f *Form) error { return h.renderSiteAdmin(c, siteID, forms(f)) }
}

func (h *housingHandlers) renderUnitForm(c *fiber.Ctx, siteID, unitID int64, f *Form, refused bool) error {
	p := principal(c)
	u, err := h.housing.Unit(c.UserContext(), p, siteID, unitID)
	if err != nil {
		return err
	}
	site, err := h.housing.Site(c.UserContext(), p, siteID)
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

// unitPath reads the site and unit of a unit's route.
func unitPath(c *fiber.Ctx) (siteID, unitID int64, err error) {
	if siteID, err = paramID(c, "site_id"); err != nil {
		return
	}
	unitID, err = paramID(c, "unit_id")
	return
}

func (h *housingHandlers) editUnitPage(c *fiber.Ctx) error {
	siteID, unitID, err := unitPath(c)
	if err != nil {
		return err
	}
	return h.renderUnitForm(c, siteID, unitID, newForm(c), false)
}

func (h *housingHandlers) updateUnit(c *fiber.Ctx) error {
	siteID, unitID, err := unitPath(c)
	if err != nil {
		return err
	}
	var in unitRequest
	var u housing.Unit
	if err = bind(c, &in); err == nil {
		u, err = h.housing.UpdateUnit(c.UserContext(), principal(c), siteID, unitID, housing.UnitChanges(in))
	}
	return h.reply(c, err, answer{JSON: newUnitJSON(u, true), Flash: "Unit " + u.Name + " is saved.", To: sitePath(siteID) + "#units"},
		func(f *Form) error { return h.renderUnitForm(c, siteID, unitID, f, true) })
}
