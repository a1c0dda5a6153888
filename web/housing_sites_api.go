package web

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"hearth/app"
	"hearth/housing"
)

// Sites are not secret: any signed-in member may list them and see who
// lives where (neighbours know each other), but never anyone's money.

type siteJSON struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Address   string    `json:"address"`
	Timezone  string    `json:"timezone"`
	CreatedAt time.Time `json:"created_at"`
}

func newSiteJSON(s housing.Site) siteJSON {
	return siteJSON{ID: s.ID, Name: s.Name, Address: s.Address, Timezone: s.Timezone, CreatedAt: s.CreatedAt}
}

type siteSummaryJSON struct {
	siteJSON
	Units    int `json:"units"`
	Occupied int `json:"occupied"`
}

type siteDetailJSON struct {
	siteJSON
	Today        string            `json:"today"`
	Units        []unitJSON        `json:"units"`
	Coordinators []coordinatorJSON `json:"coordinators"`
}

type personJSON struct {
	MemberID int64  `json:"member_id"`
	Name     string `json:"name"`
}

type createSiteRequest struct {
	Name     string `json:"name"`
	Address  string `json:"address"`
	Timezone string `json:"timezone"`
}

type updateSiteRequest struct {
	Name     *string `json:"name"`
	Address  *string `json:"address"`
	Timezone *string `json:"timezone"`
}

func (h *housingHandlers) apiSites(c *fiber.Ctx) error {
	sites, err := h.svc.Sites(c.UserContext())
	if err != nil {
		return err
	}
	out := make([]siteSummaryJSON, len(sites))
	for i, s := range sites {
		out[i] = siteSummaryJSON{siteJSON: newSiteJSON(s.Site), Units: s.Units, Occupied: s.Occupied}
	}
	return c.JSON(fiber.Map{"sites": out})
}

func (h *housingHandlers) apiSite(c *fiber.Ctx) error {
	id, err := paramID(c, "site_id")
	if err != nil {
		return err
	}
	d, err := h.svc.SiteDetail(c.UserContext(), id)
	if err != nil {
		return err
	}
	p := principal(c)
	out := siteDetailJSON{
		siteJSON:     newSiteJSON(d.Site),
		Today:        d.Today.Format(time.DateOnly),
		Units:        make([]unitJSON, len(d.Units)),
		Coordinators: make([]coordinatorJSON, len(d.Coordinators)),
	}
	for i, u := range d.Units {
		var resident *int64
		if r := u.Resident; r != nil {
			resident = &r.MemberID
		}
		out.Units[i] = newUnitJSON(u.Unit, chargeVisible(p, u.SiteID, resident))
		if r := u.Resident; r != nil {
			out.Units[i].Resident = &personJSON{MemberID: r.MemberID, Name: r.Name}
		}
	}
	for i, co := range d.Coordinators {
		out.Coordinators[i] = newCoordinatorJSON(co)
	}
	return c.JSON(out)
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

// chargeVisible says whether p may see the monthly charge of a unit of a
// site whose resident today is residentID (nil when vacant): what a
// neighbour pays is their money, so a plain member sees the charge of their
// own unit and of vacant ones (which they might move into); coordinators and
// admins, who set the charges, see all of them.
func chargeVisible(p *app.Principal, siteID int64, residentID *int64) bool {
	return p.Coordinates(siteID) || residentID == nil || p.CanSeeMoneyOf(*residentID)
}

func (h *housingHandlers) apiCreateSite(c *fiber.Ctx) error {
	if err := principal(c).RequireAdmin(); err != nil {
		return err
	}
	var req createSiteRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	site, err := h.svc.CreateSite(c.UserContext(), housing.SiteInput(req))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"id": site.ID})
}

func (h *housingHandlers) apiUpdateSite(c *fiber.Ctx) error {
	if err := principal(c).RequireAdmin(); err != nil {
		return err
	}
	id, err := paramID(c, "site_id")
	if err != nil {
		return err
	}
	var req updateSiteRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	site, err := h.svc.UpdateSite(c.UserContext(), id, housing.SiteChanges(req))
	if err != nil {
		return err
	}
	return c.JSON(newSiteJSON(site))
}
