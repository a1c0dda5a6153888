package web

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"hearth/app"
	"hearth/app/apptest"
)

// nulRefused says that text holding NUL (sent in JSON as \u0000) is
// refused with 400 at the edge (refuseBadText, which every route of the
// targets runs behind, as the server's do) before it reaches the domain.
// (Invalid UTF-8 never comes out of decodeJSON: encoding/json replaces each
// bad byte with U+FFFD, and the edge refuses such bodies first.)
const nulRefused = true

// route is a Fiber app with one route, for fuzz targets that need a real
// *fiber.Ctx (path parameters, locals) without a server or a database.
type route struct {
	method, path string
	handler      fasthttp.RequestHandler
}

// newRoute routes method pattern to fn; principal, when not nil, is the
// signed-in member of every request.
func newRoute(method, pattern, path string, principal *app.Principal, fn fiber.Handler) route {
	a := fiber.New(fiber.Config{DisableStartupMessage: true})
	a.Use(refuseBadText)
	a.Add(method, pattern, func(c *fiber.Ctx) error {
		if principal != nil {
			c.Locals("principal", principal)
		}
		return fn(c)
	})
	return route{method, path, a.Handler()}
}

// serve sends one JSON request through the route and reports whether the
// edge refused it as text no field takes.
func (r route) serve(body []byte) (refused bool) {
	var ctx fasthttp.RequestCtx
	ctx.Request.Header.SetMethod(r.method)
	ctx.Request.SetRequestURI(r.path)
	ctx.Request.Header.SetContentType(fiber.MIMEApplicationJSON)
	ctx.Request.SetBody(body)
	r.handler(&ctx)
	return strings.HasPrefix(string(ctx.Response.Body()), "invalid_text:")
}

// checkDecodeError fails t unless err is decodeJSON's refusal.
func checkDecodeError(t *testing.T, body []byte, err error) {
	t.Helper()
	if e := apptest.CheckRefusal(t, err, app.KindInvalid, "malformed_json"); e.Field != "" {
		t.Fatalf("decodeJSON(%q): error on field %q", body, e.Field)
	}
}

// checkText fails t if decoded text that goes on to the domain is not
// valid UTF-8 or, once nulRefused, holds NUL.
func checkText(t *testing.T, what, s string) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Fatalf("%s %q is not valid UTF-8", what, s)
	}
	if nulRefused && strings.IndexByte(s, 0) >= 0 {
		t.Fatalf("%s %q holds NUL", what, s)
	}
}

// jsonSeeds are bodies that any of the routes must survive.
var jsonSeeds = []string{
	``, ` `, `null`, `[]`, `{}`, `{}{}`, `{} x`, `{`, `"x"`, `1e3`, `{"unknown":1}`, "{\"a\":\"\x00\"}", "\xff",
	"{\r\n}", `{"a":` + strings.Repeat(`[`, 10000), strings.Repeat(" ", 10000) + `{}`,
}
