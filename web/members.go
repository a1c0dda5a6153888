package web

import (
	"github.com/gofiber/fiber/v2"

	"hearth/app"
)

// The treasurer's list of member accounts, and adding one. (Intake with
// votes will add members through its own flow; this is the direct way.)
// Who may is app.CanManageMembers: the treasurer.

// mountMembers registers the members' operations at their API and page
// routes.
func (s *Server) mountMembers(api, pages fiber.Router) {
	api.Get("/members", s.members)
	pages.Get("/members", s.members)
	api.Post("/members", s.createMember)
	pages.Post("/members", s.createMember)
}

// members answers every member by name: JSON, or the members page with the
// form to add one.
func (s *Server) members(c *fiber.Ctx) error {
	return s.renderMembers(c, nil)
}

// renderMembers answers the members as JSON, or shows them with the form
// to add one, filled in and with its errors when f was refused.
func (s *Server) renderMembers(c *fiber.Ctx, f *Form) error {
	members, err := s.accounts.Members(c.UserContext(), principal(c))
	if err != nil {
		return err
	}
	if isAPI(c) {
		return c.JSON(fiber.Map{"members": members})
	}
	data := fiber.Map{"Title": "Members", "Members": members, "Form": f}
	if f != nil {
		return s.renderForm(c, "members/index", data)
	}
	return s.render(c, "members/index", data)
}

// newMemberRequest adds a member account; the page's form sends the same
// fields.
type newMemberRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	Name     string `json:"name"`
	Role     string `json:"role"`
}

// createMember adds a member: 201 with the new id, or for a page the list
// with a message saying how they sign in.
func (s *Server) createMember(c *fiber.Ctx) error {
	var in newMemberRequest
	var m app.Member
	err := bind(c, &in)
	if !isAPI(c) {
		// A password is kept as typed, spaces and all, as signing in reads
		// it: bind trims what a form sends.
		in.Password = string(c.Request().PostArgs().Peek("password"))
	}
	if err == nil {
		m, err = s.accounts.CreateMember(c.UserContext(), principal(c), app.NewMember(in))
	}
	return s.reply(c, err, answer{
		Status: fiber.StatusCreated, JSON: fiber.Map{"id": m.ID},
		Flash: m.Name + " can now sign in as " + m.Email + ".", To: "/members",
	}, func(f *Form) error { return s.renderMembers(c, f) })
}
