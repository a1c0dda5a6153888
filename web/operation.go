package web

import (
	"encoding"
	"reflect"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"hearth/app"
)

// Every operation is one handler, mounted at its API route and at its page
// route. It reads its input with bind (the JSON body for the API, the form
// for a page, with the same field names), calls one domain method with the
// caller, who the domain decides may or may not, and answers with reply:
// JSON for the API; for a page a redirect with a message, or the form again
// with the user's mistake beside its field. A handler that shows something
// answers JSON or renders its page by isAPI.

// bind reads a request's input into the struct in points to. The API's JSON
// body is read strictly (decodeJSON); a page's form is read field by field,
// each named by its json tag: strings, ints and bools, pointers to them
// (set only when the form has the field, so that nil means "unchanged"),
// and any type that reads itself from text (days, amounts). A value a
// field cannot take is the user's mistake on that field.
func bind(c *fiber.Ctx, in any) error {
	if isAPI(c) {
		return decodeJSON(c, in)
	}
	v := reflect.ValueOf(in).Elem()
	for i := range v.NumField() {
		ft := v.Type().Field(i)
		name, _, _ := strings.Cut(ft.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		raw := c.Request().PostArgs().Peek(name)
		if raw == nil {
			continue // not in the form: the zero value, or nil for a pointer
		}
		if err := setField(v.Field(i), strings.TrimSpace(string(raw))); err != nil {
			if e, ok := app.AsError(err); ok {
				return e.OnField(name)
			}
			return err
		}
	}
	return nil
}

var textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()

// setField sets one field from a form value.
func setField(f reflect.Value, s string) error {
	if f.Kind() == reflect.Pointer {
		p := reflect.New(f.Type().Elem())
		if err := setField(p.Elem(), s); err != nil {
			return err
		}
		f.Set(p)
		return nil
	}
	if f.Addr().Type().Implements(textUnmarshaler) {
		return f.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(s))
	}
	switch f.Kind() {
	case reflect.String:
		f.SetString(s)
	case reflect.Int, reflect.Int32, reflect.Int64:
		if s == "" {
			return nil
		}
		n, err := strconv.ParseInt(s, 10, f.Type().Bits())
		if err != nil {
			return app.Unprocessable("invalid_number", "Enter a whole number.")
		}
		f.SetInt(n)
	case reflect.Bool:
		f.SetBool(s == "on" || s == "true" || s == "1")
	default:
		panic("web: bind cannot read a form field into " + f.Type().String())
	}
	return nil
}

// answer is what an operation answers when it succeeds.
type answer struct {
	Status int    // API: the status, 200 when 0
	JSON   any    // API: the body; nil sends none
	Flash  string // page: the message the next page shows
	To     string // page: where the browser goes next
}

// reply answers an operation that failed with err or succeeded with a. A
// page whose operation a user's mistake refused shows its form again
// through again, with the values sent and the message beside its field;
// without again, or for any other error, the error handler answers.
func (s *Server) reply(c *fiber.Ctx, err error, a answer, again func(*Form) error) error {
	if err != nil {
		if !isAPI(c) && again != nil {
			if f := newForm(c); formError(f, err) {
				return again(f)
			}
		}
		return err
	}
	if isAPI(c) {
		status := a.Status
		if status == 0 {
			status = fiber.StatusOK
		}
		if a.JSON == nil {
			return c.SendStatus(status)
		}
		return c.Status(status).JSON(a.JSON)
	}
	if a.Flash != "" {
		s.flash(c, a.Flash)
	}
	return redirect(c, a.To)
}

// deref returns what p points to, or the zero value for nil: a field a
// request left out.
func deref[T any](p *T) T {
	var v T
	if p != nil {
		v = *p
	}
	return v
}

// derefOr returns what p points to, or def for nil.
func derefOr[T any](p *T, def T) T {
	if p != nil {
		return *p
	}
	return def
}
