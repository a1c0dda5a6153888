package web

import (
	"bytes"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"hearth/app"
)

var errHeadersTooLarge = app.Errorf(app.KindHeadersTooLarge, "headers_too_large",
	"The request's line and headers are larger than %d bytes.", headerLimit)

// limitHeaders refuses a request whose line and headers are larger than
// headerLimit. Errors: headers_too_large (431).
func limitHeaders(c *fiber.Ctx) error {
	if len(c.Request().Header.RawHeaders())+len(c.Request().RequestURI()) > headerLimit {
		return errHeadersTooLarge
	}
	return c.Next()
}

// refuseBadText refuses, before anything else reads the request, text that
// no field of Hearth accepts and PostgreSQL cannot store: a NUL character
// or bytes that are not UTF-8, in the path, the query, a form or a JSON
// body. Checking once at the edge keeps every handler and every domain
// parser from having to, and turns what would be a database error deep in
// a write into a clear 400. Errors: invalid_text (400).
func refuseBadText(c *fiber.Ctx) error {
	req := c.Request()
	path, err := url.PathUnescape(string(req.URI().PathOriginal()))
	if err != nil || !cleanText(path) {
		return badText("the address")
	}
	var where string
	c.Context().QueryArgs().VisitAll(func(k, v []byte) {
		if where == "" && !(cleanBytes(k) && cleanBytes(v)) {
			where = "the query parameter " + printable(k)
		}
	})
	if where != "" {
		return badText(where)
	}
	switch ct := string(req.Header.ContentType()); {
	case strings.HasPrefix(ct, fiber.MIMEApplicationForm):
		req.PostArgs().VisitAll(func(k, v []byte) {
			if where == "" && !(cleanBytes(k) && cleanBytes(v)) {
				where = "the form field " + printable(k)
			}
		})
	case strings.HasPrefix(ct, fiber.MIMEApplicationJSON):
		if body := req.Body(); !utf8.Valid(body) || hasJSONNul(body) {
			where = "the JSON body"
		}
	}
	if where != "" {
		return badText(where)
	}
	return c.Next()
}

func badText(where string) error {
	return app.Invalid("invalid_text", "The request has a NUL character or bytes that are not UTF-8 text in %s. Send UTF-8 text.", where)
}

func cleanText(s string) bool { return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 }

func cleanBytes(b []byte) bool { return utf8.Valid(b) && bytes.IndexByte(b, 0) < 0 }

// printable names a form or query field in a message, which must not carry
// the bad bytes on.
func printable(name []byte) string {
	if cleanBytes(name) && len(name) <= 64 {
		return string(name)
	}
	return "(unreadable name)"
}

// hasJSONNul reports whether a JSON text holds the escape \u0000, which
// decodes to NUL. A raw NUL byte is not valid JSON, and the JSON decoder
// refuses it on its own; the escape it accepts. An escape is one whose
// backslash is not itself escaped, so the run of backslashes before the u
// is odd.
func hasJSONNul(body []byte) bool {
	for i := 0; ; {
		j := bytes.Index(body[i:], []byte(`u0000`))
		if j < 0 {
			return false
		}
		j += i
		n := 0
		for k := j - 1; k >= 0 && body[k] == '\\'; k-- {
			n++
		}
		if n%2 == 1 {
			return true
		}
		i = j + 1
	}
}
