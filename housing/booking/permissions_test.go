package booking_test

import (
	"context"
	"testing"

	"hearth/app"
	"hearth/app/apptest"
	"hearth/housing/booking"
)

// TestSpacePermissions: who may manage spaces, approve bookings and see a
// booking's holder, role by role.
func TestSpacePermissions(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	room := f.MustCreateResource(t, "Guest room", booking.GuestRoom, booking.Rules{ApprovalRequired: true})
	b := f.MustBook(t, room, f.resident, f.at(13, 15, 0), f.at(14, 11, 0))
	roles := []struct {
		name                      string
		p                         *app.Principal
		manage, approve, seeOwner string // the error code, "" when allowed
	}{
		{"the booking's owner", f.as(f.resident), "forbidden", "forbidden", ""},
		{"a neighbour", f.as(f.neighbour), "forbidden", "forbidden", "not_found"},
		{"a visitor", f.as(f.visitor), "forbidden", "forbidden", "not_found"},
		{"the site's coordinator", f.as(f.coordinator), "", "", ""},
		{"a coordinator of another site", &app.Principal{Member: f.visitor, CoordinatorOf: []int64{f.site.ID + 1000}}, "forbidden", "", "not_found"},
		{"an admin", admin, "", "", ""},
	}
	for _, r := range roles {
		_, err := f.svc.CreateResource(ctx, r.p, booking.NewResource{SiteID: f.site.ID, Name: "Space of " + r.name, Kind: booking.Other})
		if got := apptest.Code(err); got != r.manage {
			t.Errorf("%s creates a space: got %q, want %q", r.name, got, r.manage)
		}
		_, err = f.svc.ManagedResource(ctx, r.p, room.ID)
		if got := apptest.Code(err); got != r.manage {
			t.Errorf("%s manages the room: got %q, want %q", r.name, got, r.manage)
		}
		_, err = f.svc.Pending(ctx, r.p)
		if got := apptest.Code(err); got != r.approve {
			t.Errorf("%s lists approvals: got %q, want %q", r.name, got, r.approve)
		}
		_, err = f.svc.SpaceSites(ctx, r.p)
		if got := apptest.Code(err); got != r.approve { // any coordinator may add spaces, to their own sites
			t.Errorf("%s lists the sites to add spaces to: got %q, want %q", r.name, got, r.approve)
		}
		_, err = f.svc.Booking(ctx, r.p, b.ID)
		if got := apptest.Code(err); got != r.seeOwner {
			t.Errorf("%s reads the booking: got %q, want %q", r.name, got, r.seeOwner)
		}
	}
}

// TestSpacesGroups: a member sees their home's spaces; a coordinator also
// each site they coordinate elsewhere, with every space of it.
func TestSpacesGroups(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	f.MustCreateResource(t, "Workshop", booking.Workshop, booking.Rules{WhoMayBook: booking.Residents})
	visitor := f.as(f.visitor)
	visitor.Home = &app.Residence{SiteID: f.site.ID + 1000, SiteName: "Elm Court"}
	s, err := f.svc.Spaces(ctx, visitor)
	if err != nil {
		t.Fatal(err)
	}
	if s.Coordinates || len(s.Groups) != 2 || len(s.Groups[0].Resources) != 0 || len(s.Groups[1].Resources) != 0 {
		t.Errorf("a visitor sees a residents' space: %+v", s)
	}
	visitor.CoordinatorOf = []int64{f.site.ID}
	s, err = f.svc.Spaces(ctx, visitor)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Coordinates || len(s.Groups) != 3 || s.Groups[1].Heading != "Linden Yard (you coordinate it)" || len(s.Groups[1].Resources) != 1 {
		t.Errorf("a coordinator from elsewhere does not see the site's spaces: %+v", s)
	}
}

// TestBookingForOneself: a member books, repeats a booking and waits for a
// time for themself only, whatever they coordinate.
func TestBookingForOneself(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	laundry := f.MustCreateResource(t, "Laundry", booking.Laundry, booking.Rules{})
	taken := f.MustBook(t, laundry, f.neighbour, f.at(3, 9, 0), f.at(3, 10, 0))
	req := booking.Request{ResourceID: laundry.ID, MemberID: f.resident.ID, StartsAt: f.at(4, 9, 0), EndsAt: f.at(4, 10, 0)}
	for _, by := range []*app.Principal{f.as(f.neighbour), f.as(f.coordinator), admin, nil} {
		if _, err := f.svc.Create(ctx, by, req); apptest.Code(err) != "forbidden" {
			t.Errorf("%v books for the resident: got %v, want forbidden", by, err)
		}
		if _, err := f.svc.CreateSeries(ctx, by, booking.SeriesRequest{Request: req, RRule: "FREQ=DAILY;COUNT=2"}); apptest.Code(err) != "forbidden" {
			t.Errorf("%v books a series for the resident: got %v, want forbidden", by, err)
		}
		wait := req
		wait.StartsAt, wait.EndsAt = taken.StartsAt, taken.EndsAt
		if _, err := f.svc.JoinWaitlist(ctx, by, wait); apptest.Code(err) != "forbidden" {
			t.Errorf("%v puts the resident on the waitlist: got %v, want forbidden", by, err)
		}
	}
	if _, err := f.svc.Create(ctx, f.as(f.resident), req); err != nil {
		t.Errorf("the resident books for themself: %v", err)
	}
}
