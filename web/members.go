package web

import (
	"github.com/gofiber/fiber/v2"

	"hearth/app"
)

// The treasurer's list of member accounts, and the form to add one. (Intake
// with votes will add members through its own flow; this is the direct way.)

func (s *Server) membersPage(c *fiber.Ctx) error {
	if err := principal(c).RequireAdmin(); err != nil {
		return err
	}
	return s.renderMembers(c, nil)
}

func (s *Server) renderMembers(c *fiber.Ctx, f *Form) error {
	members, err := s.accounts.Members(c.UserContext())
	if err != nil {
		return err
	}
	data := fiber.Map{"Title": "Members", "Members": members, "Form": f}
	if f != nil {
		return s.renderForm(c, "members/index", data)
	}
	return s.render(c, "members/index", data)
}

func (s *Server) addMember(c *fiber.Ctx) error {
	if err := principal(c).RequireAdmin(); err != nil {
		return err
	}
	f := newForm(c)
	m, err := s.accounts.CreateMember(c.UserContext(), s.db, app.NewMember{
		Email: f.Value("email"), Password: f.Value("password"), Name: f.Value("name"), Role: f.Value("role"),
	})
	if err != nil {
		if formError(f, err) {
			return s.renderMembers(c, f)
		}
		return err
	}
	s.flash(c, m.Name+" can now sign in as "+m.Email+".")
	return redirect(c, "/members")
}

type newMemberRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	Name     string `json:"name"`
	Role     string `json:"role"`
}

func (s *Server) apiMembers(c *fiber.Ctx) error {
	if err := principal(c).RequireAdmin(); err != nil {
		return err
	}
	members, err := s.accounts.Members(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"members": members})
}

func (s *Server) apiCreateMember(c *fiber.Ctx) error {
	if err := principal(c).RequireAdmin(); err != nil {
		return err
	}
	var req newMemberRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	m, err := s.accounts.CreateMember(c.UserContext(), s.db, app.NewMember(req))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"id": m.ID})
}
