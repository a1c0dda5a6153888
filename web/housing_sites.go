package web

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"hearth/housing"
)

// Sites: the list, a site's detail (API) and the page that runs it, and
// creating and changing them.

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

// siteRequest creates a site, or changes the fields it names.
type siteRequest struct {
	Name     *string `json:"name"`
	Address  *string `json:"address"`
	Timezone *string `json:"timezone"`
}

// commonTimezones are suggested in the time-zone field; any IANA name works.
var commonTimezones = []string{
	"America/Anchorage", "America/Chicago", "America/Denver", "America/Halifax", "America/Los_Angeles",
	"America/Mexico_City", "America/New_York", "America/Phoenix", "America/St_Johns", "America/Toronto",
	"America/Vancouver", "Asia/Tokyo", "Australia/Melbourne", "Australia/Sydney", "Europe/Amsterdam",
	"Europe/Berlin", "Europe/Brussels", "Europe/Copenhagen", "Europe/Dublin", "Europe/Lisbon", "Europe/London",
	"Europe/Madrid", "Europe/Oslo", "Europe/Paris", "Europe/Rome", "Europe/Stockholm", "Europe/Vienna",
	"Europe/Zurich", "Pacific/Auckland", "UTC",
}

func sitePath(id int64) string { return "/sites/" + strconv.FormatInt(id, 10) }

// sites lists every site (API).
func (h *housingHandlers) sites(c *fiber.Ctx) error {
	sites, err := h.housing.Sites(c.UserContext(), principal(c))
	if err != nil {
		return err
	}
	out := make([]siteSummaryJSON, len(sites))
	for i, s := range sites {
		out[i] = siteSummaryJSON{siteJSON: newSiteJSON(s.Site), Units: s.Units, Occupied: s.Occupied}
	}
	return c.JSON(fiber.Map{"sites": out})
}

// managedSites is the page of the sites the caller runs.
func (h *housingHandlers) managedSites(c *fiber.Ctx) error {
	sites, err := h.housing.ManagedSites(c.UserContext(), principal(c))
	if err != nil {
		return err
	}
	return h.render(c, "housing/sites", fiber.Map{"Title": "Sites", "Sites": sites})
}

func (h *housingHandlers) renderSiteForm(c *fiber.Ctx, site *housing.Site, f *Form, refused bool) error {
	title := "New site"
	if site != nil {
		title = "Edit " + site.Name
	}
	data := fiber.Map{"Title": title, "Site": site, "Form": f, "Timezones": commonTimezones}
	if refused {
		return h.renderForm(c, "housing/site_form", data)
	}
	return h.render(c, "housing/site_form", data)
}

func (h *housingHandlers) newSitePage(c *fiber.Ctx) error {
	if err := housing.CanChangeSites(principal(c)); err != nil {
		return err
	}
	return h.renderSiteForm(c, nil, newForm(c), false)
}

func (h *housingHandlers) createSite(c *fiber.Ctx) error {
	var in siteRequest
	var site housing.Site
	err := bind(c, &in)
	if err == nil {
		site, err = h.housing.CreateSite(c.UserContext(), principal(c), housing.SiteInput{
			Name: deref(in.Name), Address: deref(in.Address), Timezone: deref(in.Timezone),
		})
	}
	return h.reply(c, err, answer{
		Status: fiber.StatusCreated, JSON: fiber.Map{"id": site.ID},
		Flash: site.Name + " is ready. Add its units next.", To: sitePath(site.ID),
	}, func(f *Form) error { return h.renderSiteForm(c, nil, f, true) })
}

// site is a site with its units, residents and coordinators (API).
func (h *housingHandlers) site(c *fiber.Ctx) error {
	id, err := paramID(c, "site_id")
	if err != nil {
		return err
	}
	p := principal(c)
	d, err := h.housing.SiteDetail(c.UserContext(), p, id)
	if err != nil {
		return err
	}
	out := siteDetailJSON{
		siteJSON:     newSiteJSON(d.Site),
		Today:        d.Today.Format(time.DateOnly),
		Units:        make([]unitJSON, len(d.Units)),
		Coordinators: make([]coordinatorJSON, len(d.Coordinators)),
	}
	for i, u := range d.Units {
		out.Units[i] = newUnitJSON(u.Unit, u.ChargeVisibleTo(p))
		if r := u.Resident; r != nil {
			out.Units[i].Resident = &personJSON{MemberID: r.MemberID, Name: r.Name}
		}
	}
	for i, co := range d.Coordinators {
		out.Coordinators[i] = newCoordinatorJSON(co)
	}
	return c.JSON(out)
}

// siteForms holds the refused form of a site page, if any; the others stay
// nil and render empty.
type siteForms struct {
	Unit, Place, End, Coordinator *Form
}

func (h *housingHandlers) siteAdminPage(c *fiber.Ctx) error {
	id, err := paramID(c, "site_id")
	if err != nil {
		return err
	}
	return h.renderSiteAdmin(c, id, siteForms{})
}

// renderSiteAdmin shows the page that runs a site, with a refused form
// filled in when there is one.
func (h *housingHandlers) renderSiteAdmin(c *fiber.Ctx, id int64, forms siteForms) error {
	a, err := h.housing.SiteAdmin(c.UserContext(), principal(c), id)
	if err != nil {
		return err
	}
	data := fiber.Map{"Title": a.Name, "Site": a.SiteDetail, "Current": a.Current, "Past": a.Past, "Members": a.Members, "Forms": forms}
	if forms != (siteForms{}) {
		return h.renderForm(c, "housing/site", data)
	}
	return h.render(c, "housing/site", data)
}

func (h *housingHandlers) editSitePage(c *fiber.Ctx) error {
	p := principal(c)
	if err := housing.CanChangeSites(p); err != nil {
		return err
	}
	id, err := paramID(c, "site_id")
	if err != nil {
		return err
	}
	site, err := h.housing.Site(c.UserContext(), p, id)
	if err != nil {
		return err
	}
	f := newForm(c)
	f.Values["name"], f.Values["address"], f.Values["timezone"] = site.Name, site.Address, site.Timezone
	return h.renderSiteForm(c, &site, f, false)
}

func (h *housingHandlers) updateSite(c *fiber.Ctx) error {
	id, err := paramID(c, "site_id")
	if err != nil {
		return err
	}
	var in siteRequest
	var site housing.Site
	p := principal(c)
	if err = bind(c, &in); err == nil {
		site, err = h.housing.UpdateSite(c.UserContext(), p, id, housing.SiteChanges(in))
	}
	return h.reply(c, err, answer{JSON: newSiteJSON(site), Flash: site.Name + " is saved.", To: sitePath(site.ID)},
		func(f *Form) error {
			cur, err := h.housing.Site(c.UserContext(), p, id)
			if err != nil {
				return err
			}
			return h.renderSiteForm(c, &cur, f, true)
		})
}
