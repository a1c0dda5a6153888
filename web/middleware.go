package web

import (
	"regexp"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"hearth/app"
)

const sessionCookie = "hearth_session"

// logRequests writes one structured line per request.
func (s *Server) logRequests(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	if err != nil {
		// Let the error handler set the status before it is logged.
		if herr := c.App().ErrorHandler(c, err); herr != nil {
			c.Status(fiber.StatusInternalServerError)
		}
	}
	s.log.Info("request", "request_id", requestID(c), "method", c.Method(), "path", logPath(c),
		"status", c.Response().StatusCode(), "duration", time.Since(start))
	return nil
}

// secretSegment matches a path segment that is a secret: a calendar feed's
// token, and any credential carried in a URL later, is 32 or more
// URL-safe characters, which no name or id in Hearth's paths is.
var secretSegment = regexp.MustCompile(`/[A-Za-z0-9_-]{32,}`)

// logPath is the request's path as logs may keep it: whoever reads the logs
// must not be able to follow a member's calendar feed. Queries are never
// logged.
func logPath(c *fiber.Ctx) string {
	p := c.Path()
	if len(p) < 33 {
		return p
	}
	return secretSegment.ReplaceAllString(p, "/[secret]")
}

// authenticateBearer loads the Principal of an API request's bearer token.
// A request without one stays anonymous; a bad one is refused outright.
func (s *Server) authenticateBearer(c *fiber.Ctx) error {
	h := c.Get(fiber.HeaderAuthorization)
	if h == "" {
		return c.Next()
	}
	token, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || token == "" {
		return app.Errorf(app.KindUnauthorized, "unauthorized", "Send the token as: Authorization: Bearer <token>.")
	}
	p, err := s.accounts.TokenPrincipal(c.UserContext(), token)
	if err != nil {
		return err
	}
	c.Locals("principal", p)
	return c.Next()
}

// authenticateSession loads the Principal of a browser session cookie.
func (s *Server) authenticateSession(c *fiber.Ctx) error {
	token := c.Cookies(sessionCookie)
	if token == "" {
		return c.Next()
	}
	p, err := s.accounts.SessionPrincipal(c.UserContext(), token)
	if app.ErrorKind(err) == app.KindUnauthorized {
		s.clearSessionCookie(c)
		return c.Next()
	}
	if err != nil {
		return err
	}
	c.Locals("principal", p)
	return c.Next()
}

// requireSignIn refuses anonymous requests. Every route registered after it
// needs a signed-in member.
func requireSignIn(c *fiber.Ctx) error {
	if principal(c) == nil {
		return app.Errorf(app.KindUnauthorized, "unauthorized", "Please sign in first.")
	}
	return c.Next()
}

// principal returns the signed-in member, nil when anonymous.
func principal(c *fiber.Ctx) *app.Principal {
	p, _ := c.Locals("principal").(*app.Principal)
	return p
}
