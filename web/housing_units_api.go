package web

import (
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

type createUnitRequest struct {
	Name          string `json:"name"`
	Bedrooms      *int   `json:"bedrooms"`
	MonthlyCharge string `json:"monthly_charge"`
}

type updateUnitRequest struct {
	Name          *string `json:"name"`
	Bedrooms      *int    `json:"bedrooms"`
	MonthlyCharge *string `json:"monthly_charge"`
}

// apiCreateUnit adds a unit (admin or the site's coordinator). Bedrooms
// default to 1, as in the schema.
func (h *housingHandlers) apiCreateUnit(c *fiber.Ctx) error {
	siteID, err := coordinatedSite(c)
	if err != nil {
		return err
	}
	var req createUnitRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	in := housing.UnitInput{Name: req.Name, Bedrooms: 1, MonthlyCharge: req.MonthlyCharge}
	if req.Bedrooms != nil {
		in.Bedrooms = *req.Bedrooms
	}
	u, err := h.svc.CreateUnit(c.UserContext(), siteID, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"id": u.ID})
}

func (h *housingHandlers) apiUpdateUnit(c *fiber.Ctx) error {
	siteID, err := coordinatedSite(c)
	if err != nil {
		return err
	}
	unitID, err := paramID(c, "unit_id")
	if err != nil {
		return err
	}
	var req updateUnitRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	u, err := h.svc.UpdateUnit(c.UserContext(), siteID, unitID, housing.UnitChanges(req))
	if err != nil {
		return err
	}
	return c.JSON(newUnitJSON(u, true))
}
