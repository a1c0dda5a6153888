package web

import (
	"github.com/gofiber/fiber/v2"

	"hearth/app"
)

// A member's own account: their password, and where they are signed in
// (browser sessions and API tokens), each of which they can end.

// mountAccountAPI registers the account routes of the JSON API. Changing a
// password checks one, so it shares the sign-in limits.
func (s *Server) mountAccountAPI(api fiber.Router, signIn []fiber.Handler) {
	api.Get("/me/sessions", s.apiSessions)
	api.Delete("/me/sessions/:session_id", s.apiEndSession)
	api.Get("/me/tokens", s.apiTokens)
	api.Delete("/me/tokens/:token_id", s.apiRevokeTokenByID)
	api.Put("/me/password", append(signIn, s.apiChangePassword)...)
	api.Post("/me/sign-out-everywhere", s.apiSignOutEverywhere)
}

// mountAccountPages registers the account page and its forms.
func (s *Server) mountAccountPages(pages fiber.Router, signIn []fiber.Handler) {
	pages.Get("/account", s.accountPage)
	pages.Post("/account/password", append(signIn, s.changePassword)...)
	pages.Post("/account/sessions/:session_id/end", s.endSession)
	pages.Post("/account/tokens/:token_id/revoke", s.revokeTokenByID)
	pages.Post("/account/sign-out-everywhere", s.signOutEverywhere)
}

type passwordRequest struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

func (s *Server) apiSessions(c *fiber.Ctx) error {
	ss, err := s.accounts.Sessions(c.UserContext(), principal(c))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"sessions": ss})
}

func (s *Server) apiEndSession(c *fiber.Ctx) error {
	id, err := paramID(c, "session_id")
	if err != nil {
		return err
	}
	if err := s.accounts.EndSessionOf(c.UserContext(), principal(c), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) apiTokens(c *fiber.Ctx) error {
	ts, err := s.accounts.Tokens(c.UserContext(), principal(c))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"tokens": ts})
}

func (s *Server) apiRevokeTokenByID(c *fiber.Ctx) error {
	id, err := paramID(c, "token_id")
	if err != nil {
		return err
	}
	if err := s.accounts.RevokeTokenOf(c.UserContext(), principal(c), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) apiChangePassword(c *fiber.Ctx) error {
	var req passwordRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if err := s.accounts.ChangePassword(c.UserContext(), principal(c), app.PasswordChange{Current: req.CurrentPassword, New: req.NewPassword}); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) apiSignOutEverywhere(c *fiber.Ctx) error {
	if err := s.accounts.SignOutEverywhere(c.UserContext(), principal(c)); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) accountPage(c *fiber.Ctx) error { return s.renderAccount(c, nil) }

// renderAccount shows the account page, with a refused password form when
// f is set.
func (s *Server) renderAccount(c *fiber.Ctx, f *Form) error {
	p := principal(c)
	sessions, err := s.accounts.Sessions(c.UserContext(), p)
	if err != nil {
		return err
	}
	tokens, err := s.accounts.Tokens(c.UserContext(), p)
	if err != nil {
		return err
	}
	data := fiber.Map{"Title": "Your account", "Sessions": sessions, "Tokens": tokens, "Form": f}
	if f != nil {
		return s.renderForm(c, "account/index", data)
	}
	return s.render(c, "account/index", data)
}

func (s *Server) changePassword(c *fiber.Ctx) error {
	f := newForm(c)
	err := s.accounts.ChangePassword(c.UserContext(), principal(c), app.PasswordChange{
		Current: f.Value("current_password"), New: f.Value("new_password"),
	})
	if formError(f, err) {
		return s.renderAccount(c, f)
	}
	if err != nil {
		return err
	}
	s.flash(c, "Your password is changed, and you are signed out everywhere else.")
	return redirect(c, "/account")
}

func (s *Server) endSession(c *fiber.Ctx) error {
	id, err := paramID(c, "session_id")
	if err != nil {
		return err
	}
	p := principal(c)
	if err := s.accounts.EndSessionOf(c.UserContext(), p, id); err != nil {
		return err
	}
	if p.Credential == app.CredentialSession && p.CredentialID == id {
		return s.signedOut(c, "You are signed out.")
	}
	s.flash(c, "That session is ended; the browser that had it must sign in again.")
	return redirect(c, "/account")
}

func (s *Server) revokeTokenByID(c *fiber.Ctx) error {
	id, err := paramID(c, "token_id")
	if err != nil {
		return err
	}
	if err := s.accounts.RevokeTokenOf(c.UserContext(), principal(c), id); err != nil {
		return err
	}
	s.flash(c, "The API token is revoked; programs using it can no longer sign in with it.")
	return redirect(c, "/account")
}

func (s *Server) signOutEverywhere(c *fiber.Ctx) error {
	if err := s.accounts.SignOutEverywhere(c.UserContext(), principal(c)); err != nil {
		return err
	}
	return s.signedOut(c, "You are signed out everywhere: every browser and every API token.")
}
