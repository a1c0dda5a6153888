package web

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"hearth/app"
	"hearth/housing"
)

// The site pages are for admins and coordinators: the list of sites, a new
// site, and each site's page with its units, residents and coordinators and
// the forms that change them.

// commonTimezones are suggested in the time-zone field; any IANA name works.
var commonTimezones = []string{
	"America/Anchorage", "America/Chicago", "America/Denver", "America/Halifax", "America/Los_Angeles",
	"America/Mexico_City", "America/New_York", "America/Phoenix", "America/St_Johns", "America/Toronto",
	"America/Vancouver", "Asia/Tokyo", "Australia/Melbourne", "Australia/Sydney", "Europe/Amsterdam",
	"Europe/Berlin", "Europe/Brussels", "Europe/Copenhagen", "Europe/Dublin", "Europe/Lisbon", "Europe/London",
	"Europe/Madrid", "Europe/Oslo", "Europe/Paris", "Europe/Rome", "Europe/Stockholm", "Europe/Vienna",
	"Europe/Zurich", "Pacific/Auckland", "UTC",
}

// siteForms holds the refused form of a site page, if any; the others stay
// nil and render empty.
type siteForms struct {
	Unit, Place, End, Coordinator *Form
}

// requireSitePages lets admins and coordinators of some site in.
func requireSitePages(p *app.Principal) error {
	if !p.IsAdmin() && !p.IsCoordinator() {
		return app.Forbidden("Only coordinators and the treasurer manage sites.")
	}
	return nil
}

func (h *housingHandlers) sitesPage(c *fiber.Ctx) error {
	p := principal(c)
	if err := requireSitePages(p); err != nil {
		return err
	}
	all, err := h.svc.Sites(c.UserContext())
	if err != nil {
		return err
	}
	var sites []housing.SiteSummary
	for _, s := range all {
		if p.Coordinates(s.ID) {
			sites = append(sites, s)
		}
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
	if err := principal(c).RequireAdmin(); err != nil {
		return err
	}
	return h.renderSiteForm(c, nil, newForm(c), false)
}

func (h *housingHandlers) createSite(c *fiber.Ctx) error {
	if err := principal(c).RequireAdmin(); err != nil {
		return err
	}
	f := newForm(c)
	site, err := h.svc.CreateSite(c.UserContext(), housing.SiteInput{
		Name: f.Value("name"), Address: f.Value("address"), Timezone: f.Value("timezone"),
	})
	if err != nil {
		if formError(f, err) {
			return h.renderSiteForm(c, nil, f, true)
		}
		return err
	}
	h.flash(c, site.Name+" is ready. Add its units next.")
	return redirect(c, "/sites/"+strconv.FormatInt(site.ID, 10))
}

func (h *housingHandlers) editSitePage(c *fiber.Ctx) error {
	if err := principal(c).RequireAdmin(); err != nil {
		return err
	}
	id, err := paramID(c, "site_id")
	if err != nil {
		return err
	}
	site, err := h.svc.Site(c.UserContext(), id)
	if err != nil {
		return err
	}
	f := newForm(c)
	f.Values["name"], f.Values["address"], f.Values["timezone"] = site.Name, site.Address, site.Timezone
	return h.renderSiteForm(c, &site, f, false)
}

func (h *housingHandlers) updateSite(c *fiber.Ctx) error {
	if err := principal(c).RequireAdmin(); err != nil {
		return err
	}
	id, err := paramID(c, "site_id")
	if err != nil {
		return err
	}
	f := newForm(c)
	name, address, tz := f.Value("name"), f.Value("address"), f.Value("timezone")
	site, err := h.svc.UpdateSite(c.UserContext(), id, housing.SiteChanges{Name: &name, Address: &address, Timezone: &tz})
	if err != nil {
		if formError(f, err) {
			cur, lerr := h.svc.Site(c.UserContext(), id)
			if lerr != nil {
				return lerr
			}
			return h.renderSiteForm(c, &cur, f, true)
		}
		return err
	}
	h.flash(c, site.Name+" is saved.")
	return redirect(c, sitePath(site.ID))
}

func sitePath(id int64) string { return "/sites/" + strconv.FormatInt(id, 10) }

func (h *housingHandlers) sitePage(c *fiber.Ctx) error {
	id, err := paramID(c, "site_id")
	if err != nil {
		return err
	}
	return h.renderSite(c, id, siteForms{})
}

// renderSite shows a site's page to its coordinators and admins, with a
// refused form filled in when there is one.
func (h *housingHandlers) renderSite(c *fiber.Ctx, id int64, forms siteForms) error {
	if err := principal(c).RequireCoordinator(id); err != nil {
		return err
	}
	ctx := c.UserContext()
	d, err := h.svc.SiteDetail(ctx, id)
	if err != nil {
		return err
	}
	rs, err := h.svc.Residencies(ctx, id)
	if err != nil {
		return err
	}
	members, err := h.svc.MemberChoices(ctx)
	if err != nil {
		return err
	}
	var current, past []housing.ResidencyView
	for _, r := range rs {
		if r.EndedBy(d.Today) {
			past = append(past, r)
		} else {
			current = append(current, r)
		}
	}
	data := fiber.Map{"Title": d.Name, "Site": d, "Current": current, "Past": past, "Members": members, "Forms": forms}
	if forms != (siteForms{}) {
		return h.renderForm(c, "housing/site", data)
	}
	return h.render(c, "housing/site", data)
}
