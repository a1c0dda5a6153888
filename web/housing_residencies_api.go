package web

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"hearth/housing"
)

// Residencies are dates, not instants: starts_on and ends_on are written
// YYYY-MM-DD, and ends_on is the move-out day (exclusive).

type residencyJSON struct {
	ID         int64   `json:"id"`
	SiteID     int64   `json:"site_id"`
	UnitID     int64   `json:"unit_id"`
	UnitName   string  `json:"unit_name,omitempty"`
	MemberID   int64   `json:"member_id"`
	MemberName string  `json:"member_name,omitempty"`
	StartsOn   string  `json:"starts_on"`
	EndsOn     *string `json:"ends_on"`
}

func newResidencyJSON(r housing.Residency) residencyJSON {
	out := residencyJSON{ID: r.ID, SiteID: r.SiteID, UnitID: r.UnitID, MemberID: r.MemberID, StartsOn: r.StartsOn.Format(time.DateOnly)}
	if r.EndsOn != nil {
		e := r.EndsOn.Format(time.DateOnly)
		out.EndsOn = &e
	}
	return out
}

type placeMemberRequest struct {
	UnitID   int64   `json:"unit_id"`
	MemberID int64   `json:"member_id"`
	StartsOn string  `json:"starts_on"`
	EndsOn   *string `json:"ends_on"`
}

type endResidencyRequest struct {
	EndsOn string `json:"ends_on"`
}

// newResidencyFrom parses the dates of a placement, from the API or a form.
// An empty end date means open-ended.
func newResidencyFrom(unitID, memberID int64, startsOn, endsOn string) (housing.NewResidency, error) {
	r := housing.NewResidency{UnitID: unitID, MemberID: memberID}
	var err error
	if r.StartsOn, err = housing.ParseDate("starts_on", startsOn); err != nil {
		return r, err
	}
	if endsOn != "" {
		e, err := housing.ParseDate("ends_on", endsOn)
		if err != nil {
			return r, err
		}
		r.EndsOn = &e
	}
	return r, nil
}

// apiResidencies lists a site's residencies (admin or the site's coordinator).
func (h *housingHandlers) apiResidencies(c *fiber.Ctx) error {
	siteID, err := coordinatedSite(c)
	if err != nil {
		return err
	}
	if _, err := h.svc.Site(c.UserContext(), siteID); err != nil {
		return err
	}
	rs, err := h.svc.Residencies(c.UserContext(), siteID)
	if err != nil {
		return err
	}
	out := make([]residencyJSON, len(rs))
	for i, r := range rs {
		out[i] = newResidencyJSON(r.Residency)
		out[i].UnitName, out[i].MemberName = r.UnitName, r.MemberName
	}
	return c.JSON(fiber.Map{"residencies": out})
}

// apiPlaceMember places a member in a unit (admin or the site's coordinator).
func (h *housingHandlers) apiPlaceMember(c *fiber.Ctx) error {
	siteID, err := coordinatedSite(c)
	if err != nil {
		return err
	}
	var req placeMemberRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	endsOn := ""
	if req.EndsOn != nil {
		endsOn = *req.EndsOn
	}
	nr, err := newResidencyFrom(req.UnitID, req.MemberID, req.StartsOn, endsOn)
	if err != nil {
		return err
	}
	r, err := h.svc.PlaceMember(c.UserContext(), siteID, nr)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"id": r.ID})
}

// apiEndResidency sets a residency's move-out day (admin or the site's coordinator).
func (h *housingHandlers) apiEndResidency(c *fiber.Ctx) error {
	siteID, err := coordinatedSite(c)
	if err != nil {
		return err
	}
	id, err := paramID(c, "residency_id")
	if err != nil {
		return err
	}
	var req endResidencyRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	endsOn, err := housing.ParseDate("ends_on", req.EndsOn)
	if err != nil {
		return err
	}
	r, err := h.svc.EndSiteResidency(c.UserContext(), siteID, id, endsOn)
	if err != nil {
		return err
	}
	return c.JSON(newResidencyJSON(r))
}
