package booking

import (
	"context"

	"hearth/app"
)

// Spaces is the list of shared spaces as one member sees it: those of their
// home, of each other site they coordinate, and those other sites open to
// visitors; and, for coordinators, how many bookings wait for them.
type Spaces struct {
	Groups       []SpaceGroup
	Coordinates  bool // p manages spaces (ManageSpaces)
	PendingCount int
}

// SpaceGroup is a heading of the spaces list with its resources.
type SpaceGroup struct {
	Heading   string
	Empty     string // what the group says when it has no resources
	Resources []Resource
	siteID    int64
}

// Spaces gathers the spaces p may see, grouped: the spaces p may book at
// home, every space of the sites p coordinates but does not live at (a
// group each), and the spaces of other sites p may book as a visitor.
func (s *Service) Spaces(ctx context.Context, p *app.Principal) (Spaces, error) {
	bookable, err := s.Bookable(ctx, p)
	if err != nil {
		return Spaces{}, err
	}
	out := Spaces{Coordinates: ManageSpaces(p) == nil}
	var coordinated []Resource
	if out.Coordinates {
		if coordinated, err = s.coordinated(ctx, p); err != nil {
			return out, err
		}
		waiting, err := s.Pending(ctx, p)
		if err != nil {
			return out, err
		}
		out.PendingCount = len(waiting)
	}
	out.Groups = spaceGroups(p, bookable, coordinated)
	return out, nil
}

// spaceGroups sorts the resources into the groups of Spaces; coordinated
// comes ordered by site.
func spaceGroups(p *app.Principal, bookable, coordinated []Resource) []SpaceGroup {
	var groups []SpaceGroup
	if p.Home != nil {
		home := SpaceGroup{Heading: "At " + p.Home.SiteName, Empty: "Your site has no shared spaces yet."}
		for _, r := range bookable {
			if r.SiteID == p.Home.SiteID {
				home.Resources = append(home.Resources, r)
			}
		}
		groups = append(groups, home)
	}
	for _, r := range coordinated {
		if p.LivesAt(r.SiteID) {
			continue
		}
		if n := len(groups); n == 0 || groups[n-1].siteID != r.SiteID {
			groups = append(groups, SpaceGroup{Heading: r.SiteName + " (you coordinate it)", siteID: r.SiteID})
		}
		groups[len(groups)-1].Resources = append(groups[len(groups)-1].Resources, r)
	}
	visiting := SpaceGroup{Heading: "Visiting other sites", Empty: "No other site opens its spaces to visitors yet."}
	for _, r := range bookable {
		if !p.LivesAt(r.SiteID) && !p.Coordinates(r.SiteID) {
			visiting.Resources = append(visiting.Resources, r)
		}
	}
	return append(groups, visiting)
}
