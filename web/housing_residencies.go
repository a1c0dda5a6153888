package web

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"hearth/day"
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

// placementRequest places a member in a unit; without ends_on the
// residency is open-ended.
type placementRequest struct {
	UnitID   int64   `json:"unit_id"`
	MemberID int64   `json:"member_id"`
	StartsOn day.Day `json:"starts_on"`
	EndsOn   day.Day `json:"ends_on"`
}

type endResidencyRequest struct {
	EndsOn day.Day `json:"ends_on"`
}

// residencies lists a site's residencies (API).
func (h *housingHandlers) residencies(c *fiber.Ctx) error {
	siteID, err := paramID(c, "site_id")
	if err != nil {
		return err
	}
	rs, err := h.housing.Residencies(c.UserContext(), principal(c), siteID)
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

func (h *housingHandlers) placeMember(c *fiber.Ctx) error {
	siteID, err := paramID(c, "site_id")
	if err != nil {
		return err
	}
	var in placementRequest
	var r housing.Residency
	if err = bind(c, &in); err == nil {
		nr := housing.NewResidency{UnitID: in.UnitID, MemberID: in.MemberID, StartsOn: in.StartsOn.Time()}
		if !in.EndsOn.IsZero() {
			e := in.EndsOn.Time()
			nr.EndsOn = &e
		}
		r, err = h.housing.PlaceMember(c.UserContext(), principal(c), siteID, nr)
	}
	return h.reply(c, err, answer{
		Status: fiber.StatusCreated, JSON: fiber.Map{"id": r.ID},
		Flash: "The residency starts on " + r.StartsOn.Format("2 Jan 2006") + ".", To: sitePath(siteID) + "#residencies",
	}, h.refusedOnSite(c, siteID, func(f *Form) siteForms { return siteForms{Place: f} }))
}

// endResidency sets a residency's move-out day.
func (h *housingHandlers) endResidency(c *fiber.Ctx) error {
	siteID, err := paramID(c, "site_id")
	if err != nil {
		return err
	}
	id, err := paramID(c, "residency_id")
	if err != nil {
		return err
	}
	var in endResidencyRequest
	var r housing.Residency
	if err = bind(c, &in); err == nil {
		r, err = h.housing.EndSiteResidency(c.UserContext(), principal(c), siteID, id, in.EndsOn.Time())
	}
	return h.reply(c, err, answer{
		JSON:  newResidencyJSON(r),
		Flash: "The move-out day is set to " + in.EndsOn.Time().Format("2 Jan 2006") + ".", To: sitePath(siteID) + "#residencies",
	}, h.refusedOnSite(c, siteID, func(f *Form) siteForms {
		f.Values["residency_id"] = strconv.FormatInt(id, 10)
		return siteForms{End: f}
	}))
}
