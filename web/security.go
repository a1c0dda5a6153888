package web

import (
	"bytes"
	"encoding/json"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/csrf"
	"github.com/gofiber/fiber/v2/middleware/limiter"

	"hearth/app"
)

// noStore keeps pages and API answers out of every cache: they show a
// member's money, bookings and home, and a shared computer's browser cache
// must not keep them after sign-out.
func noStore(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Next()
}

// strictTransportSecurity tells browsers to reach Hearth only over HTTPS
// from now on. It is sent when the configured public address is https,
// whether TLS ends here or at a proxy in front.
func strictTransportSecurity(c *fiber.Ctx) error {
	c.Set(fiber.HeaderStrictTransportSecurity, "max-age=31536000; includeSubDomains")
	return c.Next()
}

// proxies are the reverse proxies whose X-Forwarded-For is believed.
type proxies []*net.IPNet

// newProxies reads addresses and CIDR ranges that the configuration has
// already checked.
func newProxies(list []string) proxies {
	var ps proxies
	for _, p := range list {
		if _, n, err := net.ParseCIDR(p); err == nil {
			ps = append(ps, n)
		} else if ip := net.ParseIP(p); ip != nil {
			bits := 8 * len(ip.To16())
			if ip.To4() != nil {
				ip, bits = ip.To4(), 32
			}
			ps = append(ps, &net.IPNet{IP: ip, Mask: net.CIDRMask(bits, bits)})
		}
	}
	return ps
}

func (ps proxies) trusted(ip net.IP) bool {
	for _, n := range ps {
		if n.Contains(ip) {
			return true
		}
	}
	return false
}

// clientIP is the address of the client a request comes from. Behind
// trusted proxies it is the last address in X-Forwarded-For that is not one
// of them: each proxy appends the address it was reached from, so the
// addresses before are the client's to choose, and the first one (which
// Fiber's own IP reading takes) would let anyone pick a fresh address per
// attempt.
func (s *Server) clientIP(c *fiber.Ctx) string {
	addr := c.Context().RemoteIP()
	if !s.proxies.trusted(addr) {
		return addr.String()
	}
	hops := strings.Split(c.Get(fiber.HeaderXForwardedFor), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		ip := net.ParseIP(strings.TrimSpace(hops[i]))
		if ip == nil {
			break
		}
		addr = ip
		if !s.proxies.trusted(ip) {
			break
		}
	}
	return addr.String()
}

// signInLimits guard every place a password is checked: at most
// HEARTH_SIGNIN_LIMIT attempts a minute from one client address, and at
// most HEARTH_SIGNIN_ACCOUNT_LIMIT failed ones in 15 minutes for one
// account, from wherever they come (a slow guesser spreading over many
// addresses). A locked account unlocks by itself after the window.
func (s *Server) signInLimits() []fiber.Handler {
	tooMany := func(c *fiber.Ctx) error {
		return app.Errorf(app.KindRateLimited, "too_many_requests", "Too many sign-in attempts. Please wait a while and try again.")
	}
	return []fiber.Handler{
		limiter.New(limiter.Config{
			Max:          s.cfg.SignInLimit,
			Expiration:   time.Minute,
			Storage:      s.kv,
			KeyGenerator: func(c *fiber.Ctx) string { return "signin:" + s.clientIP(c) },
			LimitReached: tooMany,
		}),
		limiter.New(limiter.Config{
			Max:                    s.cfg.SignInAccountLimit,
			Expiration:             15 * time.Minute,
			Storage:                s.kv,
			KeyGenerator:           signInAccount,
			SkipSuccessfulRequests: true,
			LimitReached:           tooMany,
		}),
		settle,
	}
}

// settle answers a handler's error on the spot, so that the limiters before
// it see the status the client gets: a refused password is a failure to
// count, not the 200 the response holds until the error handler runs.
func settle(c *fiber.Ctx) error {
	if err := c.Next(); err != nil {
		return c.App().ErrorHandler(c, err)
	}
	return nil
}

// signInAccount names the account an attempt is for: the signed-in member
// (changing a password) or the email given (signing in), as the API's JSON
// or a page's form carries it.
func signInAccount(c *fiber.Ctx) string {
	if p := principal(c); p != nil {
		return "signin-account:" + strconv.FormatInt(p.ID, 10)
	}
	email := c.FormValue("email")
	if strings.HasPrefix(c.Get(fiber.HeaderContentType), fiber.MIMEApplicationJSON) {
		var body struct {
			Email string `json:"email"`
		}
		json.Unmarshal(c.Body(), &body) // malformed bodies are refused by the handler
		email = body.Email
	}
	return "signin-account:" + strings.ToLower(strings.TrimSpace(email))
}

// CSRF tokens are Fiber's double-submit tokens, tied here to the session
// they were issued to: a token is recorded as belonging to a session (or to
// no one signed in), and a token presented with another session is
// forgotten, so a token planted in a member's browser, or kept from before
// they signed in, is worth nothing. Sign-in and sign-out start a new token.

const (
	csrfCookie     = "hearth_csrf"
	csrfHandlerKey = "csrf_handler"
	csrfLifetime   = 12 * time.Hour
)

func csrfOwnerKey(token string) string { return "csrf-owner:" + token }

// csrfOwner names whom the request's CSRF token should belong to.
func csrfOwner(c *fiber.Ctx) []byte {
	if token := c.Cookies(sessionCookie); token != "" && principal(c) != nil {
		return []byte(app.SecretKey(token))
	}
	return []byte("anonymous")
}

// forgetForeignCSRF runs before the CSRF middleware and ignores a token that
// belongs to someone else: on a page view the middleware then issues a new
// one, and a form post with it is refused.
func (s *Server) forgetForeignCSRF(c *fiber.Ctx) error {
	token := c.Cookies(csrfCookie)
	if token == "" {
		return c.Next()
	}
	owner, err := s.kv.Get(csrfOwnerKey(token))
	if err != nil {
		return err
	}
	if !bytes.Equal(owner, csrfOwner(c)) {
		// Forget it for this request only: the token may well be its owner's
		// in their own browser still.
		c.Request().Header.DelCookie(csrfCookie)
	}
	return c.Next()
}

// bindCSRF runs after the CSRF middleware and records whom the request's
// token belongs to, for as long as the token lives.
func (s *Server) bindCSRF(c *fiber.Ctx) error {
	if token, _ := c.Locals("csrf").(string); token != "" {
		if err := s.kv.Set(csrfOwnerKey(token), csrfOwner(c), csrfLifetime); err != nil {
			return err
		}
	}
	return c.Next()
}

// forgetCSRF deletes a token and its owner. Fiber's CSRF middleware keeps a
// token in its storage under the token itself.
func (s *Server) forgetCSRF(token string) error {
	if err := s.kv.Delete(token); err != nil {
		return err
	}
	return s.kv.Delete(csrfOwnerKey(token))
}

// renewCSRF ends the request's CSRF token when who is signed in changes;
// the next page gets a new one.
func (s *Server) renewCSRF(c *fiber.Ctx) error {
	token := c.Cookies(csrfCookie)
	if token == "" {
		return nil
	}
	if h, ok := c.Locals(csrfHandlerKey).(*csrf.CSRFHandler); ok {
		if err := h.DeleteToken(c); err != nil {
			return err
		}
	}
	return s.forgetCSRF(token)
}
