package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"mime"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/shopspring/decimal"

	"hearth/app"
)

// templateFuncs are available in every template.
var templateFuncs = template.FuncMap{
	"money": func(d decimal.Decimal) string { return d.StringFixed(2) },
	"date":  func(t time.Time) string { return t.Format("2 Jan 2006") },
	"isodate": func(t time.Time) string {
		return t.Format("2006-01-02")
	},
	"datetime":  func(t time.Time) string { return t.Format("Mon 2 Jan 2006, 15:04") },
	"clock":     func(t time.Time) string { return t.Format("15:04") },
	"negative":  func(d decimal.Decimal) bool { return d.IsNegative() },
	"add":       func(a, b int) int { return a + b },
	"hasPrefix": strings.HasPrefix,
	"dict": func(kv ...any) map[string]any {
		m := make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			m[fmt.Sprint(kv[i])] = kv[i+1]
		}
		return m
	},
}

// Form carries a page form's submitted values and its errors, so that a
// refused form comes back filled in with each message beside its field.
type Form struct {
	Values  map[string]string
	Errors  map[string]string
	Message string // an error that belongs to no one field
}

// Value returns a submitted value.
func (f *Form) Value(name string) string {
	if f == nil {
		return ""
	}
	return f.Values[name]
}

// Error returns a field's error message.
func (f *Form) Error(name string) string {
	if f == nil {
		return ""
	}
	return f.Errors[name]
}

// newForm captures the submitted form values of a request.
func newForm(c *fiber.Ctx) *Form {
	f := &Form{Values: map[string]string{}, Errors: map[string]string{}}
	c.Request().PostArgs().VisitAll(func(k, v []byte) {
		if string(k) != "_csrf" {
			f.Values[string(k)] = string(v)
		}
	})
	return f
}

// formError attaches a user's mistake to the form and reports true, or
// reports false for errors that are not the user's (those go to the error
// handler).
func formError(f *Form, err error) bool {
	e, ok := app.AsError(err)
	if !ok {
		return false
	}
	switch e.Kind {
	case app.KindInvalid, app.KindUnprocessable, app.KindConflict, app.KindUnauthorized, app.KindRateLimited:
	default:
		return false
	}
	if e.Field != "" {
		f.Errors[e.Field] = e.Message
	} else {
		f.Message = e.Message
	}
	return true
}

const flashCookie = "hearth_flash"

// render renders a page inside the layout with the data every page needs.
func (s *Server) render(c *fiber.Ctx, name string, data fiber.Map) error {
	return s.renderStatus(c, fiber.StatusOK, name, data)
}

func (s *Server) renderStatus(c *fiber.Ctx, status int, name string, data fiber.Map) error {
	if data == nil {
		data = fiber.Map{}
	}
	data["Principal"] = principal(c)
	data["CSRF"] = c.Locals("csrf")
	data["Flash"] = takeFlash(c)
	data["Path"] = c.Path()
	data["Currency"] = s.cfg.Currency
	if _, ok := data["Title"]; !ok {
		data["Title"] = "Hearth"
	}
	c.Status(status)
	return c.Render("templates/"+name, data)
}

// renderForm renders a page whose form was refused, with status 422 so that
// scripts and tests can tell a refused form from a fresh one.
func (s *Server) renderForm(c *fiber.Ctx, name string, data fiber.Map) error {
	return s.renderStatus(c, fiber.StatusUnprocessableEntity, name, data)
}

// flash leaves a one-time message for the next page the browser shows.
func (s *Server) flash(c *fiber.Ctx, msg string) {
	c.Cookie(&fiber.Cookie{Name: flashCookie, Value: url.QueryEscape(msg), Path: "/", HTTPOnly: true, SameSite: "Lax", Secure: s.cfg.SecureCookies})
}

func takeFlash(c *fiber.Ctx) string {
	v := c.Cookies(flashCookie)
	if v == "" {
		return ""
	}
	c.ClearCookie(flashCookie)
	msg, _ := url.QueryUnescape(v)
	return msg
}

// redirect answers a form post with 303 See Other, so reloading the next page
// does not post again.
func redirect(c *fiber.Ctx, to string) error {
	return c.Redirect(to, fiber.StatusSeeOther)
}

// decodeJSON reads a JSON request body strictly: one object, no unknown
// fields. Errors: malformed_json (400).
func decodeJSON(c *fiber.Ctx, v any) error {
	if mt, _, err := mime.ParseMediaType(c.Get(fiber.HeaderContentType)); err != nil || mt != fiber.MIMEApplicationJSON {
		return app.Invalid("unsupported_media_type", "Send the request body as application/json.")
	}
	dec := json.NewDecoder(bytes.NewReader(c.Body()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if e, ok := app.AsError(err); ok {
			return e // a field's own reader refused its value (a day, an amount)
		}
		return app.Invalid("malformed_json", "The request body is not valid JSON for this call: %s.", jsonProblem(err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return app.Invalid("malformed_json", "The request body must hold exactly one JSON object.")
	}
	return nil
}

func jsonProblem(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("field %q must be a %s", te.Field, te.Type.String())
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

// paramID reads a positive integer path parameter. Errors: not_found.
func paramID(c *fiber.Ctx, name string) (int64, error) {
	id, err := c.ParamsInt(name)
	if err != nil || id <= 0 {
		return 0, app.NotFound("There is no %s %q.", strings.TrimSuffix(name, "_id"), c.Params(name))
	}
	return int64(id), nil
}
