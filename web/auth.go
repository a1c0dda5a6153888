package web

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"hearth/app"
)

func (s *Server) signInPage(c *fiber.Ctx) error {
	if principal(c) != nil {
		return redirect(c, "/")
	}
	return s.render(c, "signin", fiber.Map{"Title": "Sign in", "Next": localPath(c.Query("next"), "/")})
}

func (s *Server) signIn(c *fiber.Ctx) error {
	f := newForm(c)
	m, err := s.accounts.Authenticate(c.UserContext(), c.FormValue("email"), c.FormValue("password"))
	if err != nil {
		if formError(f, err) {
			return s.renderForm(c, "signin", fiber.Map{"Title": "Sign in", "Form": f, "Next": localPath(c.FormValue("next"), "/")})
		}
		return err
	}
	token, err := s.accounts.StartSession(c.UserContext(), m.ID, c.Get(fiber.HeaderUserAgent))
	if err != nil {
		return err
	}
	if err := s.renewCSRF(c); err != nil {
		return err
	}
	c.Cookie(&fiber.Cookie{
		Name: sessionCookie, Value: token, Path: "/", HTTPOnly: true, SameSite: "Lax",
		Secure: s.cfg.SecureCookies, MaxAge: int(s.cfg.SessionTTL.Seconds()),
	})
	s.flash(c, "Welcome back, "+m.Name+".")
	return redirect(c, localPath(c.FormValue("next"), "/"))
}

// clearSessionCookie removes the session cookie from the browser with the
// attributes it was set with.
func (s *Server) clearSessionCookie(c *fiber.Ctx) {
	c.Cookie(&fiber.Cookie{
		Name: sessionCookie, Path: "/", HTTPOnly: true, SameSite: "Lax", Secure: s.cfg.SecureCookies,
		Expires: time.Unix(0, 0), MaxAge: -1,
	})
}

func (s *Server) signOut(c *fiber.Ctx) error {
	if err := s.accounts.EndSession(c.UserContext(), c.Cookies(sessionCookie)); err != nil {
		return err
	}
	return s.signedOut(c, "You are signed out.")
}

// signedOut finishes a request whose session has ended: the browser forgets
// the cookie and the CSRF token, and goes to the sign-in page.
func (s *Server) signedOut(c *fiber.Ctx, msg string) error {
	if err := s.renewCSRF(c); err != nil {
		return err
	}
	s.clearSessionCookie(c)
	s.flash(c, msg)
	return redirect(c, "/signin")
}

type tokenRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

type tokenResponse struct {
	Token string `json:"token"`
}

func (s *Server) apiIssueToken(c *fiber.Ctx) error {
	var req tokenRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	m, err := s.accounts.Authenticate(c.UserContext(), req.Email, req.Password)
	if err != nil {
		return err
	}
	token, err := s.accounts.IssueToken(c.UserContext(), m.ID, c.Get(fiber.HeaderUserAgent))
	if err != nil {
		return err
	}
	return c.JSON(tokenResponse{Token: token})
}

func (s *Server) apiRevokeToken(c *fiber.Ctx) error {
	token, _ := strings.CutPrefix(c.Get(fiber.HeaderAuthorization), "Bearer ")
	if err := s.accounts.RevokeToken(c.UserContext(), token); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

type meResponse struct {
	app.Member
	CoordinatorOf []int64        `json:"coordinator_of"`
	Home          *app.Residence `json:"home"`
}

func (s *Server) apiMe(c *fiber.Ctx) error {
	p := principal(c)
	return c.JSON(meResponse{Member: p.Member, CoordinatorOf: p.CoordinatorOf, Home: p.Home})
}

func (s *Server) homePage(c *fiber.Ctx) error {
	return s.render(c, "home", fiber.Map{"Title": "Home"})
}
