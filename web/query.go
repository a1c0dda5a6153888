package web

import (
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"hearth/app"
	"hearth/day"
	"hearth/finance/ledger"
)

// Query parameters are read strictly: a parameter that is given must be
// well formed, or the request is refused; it is never quietly ignored.

// queryDate reads an optional YYYY-MM-DD query parameter with day.Parse.
// Errors: invalid_date (422).
func queryDate(c *fiber.Ctx, name string) (*time.Time, error) {
	s := c.Query(name)
	if s == "" {
		return nil, nil
	}
	t, err := parseDay(name, s)
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// queryPeriod reads the from and to query parameters. Errors: invalid_date,
// invalid_period (422).
func queryPeriod(c *fiber.Ctx) (ledger.Period, error) {
	var p ledger.Period
	var err error
	if p.From, err = queryDate(c, "from"); err != nil {
		return p, err
	}
	if p.To, err = queryDate(c, "to"); err != nil {
		return p, err
	}
	return p, p.Check()
}

// queryInt reads an optional non-negative integer query parameter. Errors:
// invalid_query (400).
func queryInt(c *fiber.Ctx, name string) (int64, error) {
	s := c.Query(name)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, app.Invalid("invalid_query", "The query parameter %s must be a whole number of zero or more.", name)
	}
	return n, nil
}

// queryID reads an optional id query parameter: 0 when absent. Errors:
// invalid_query (400).
func queryID(c *fiber.Ctx, name string) (int64, error) {
	s := c.Query(name)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, app.Invalid("invalid_query", "The query parameter %s must be an id (a whole number above zero).", name)
	}
	return n, nil
}

// parseDay reads a day a form or a query gives for field. Errors:
// invalid_date (422) on the field.
func parseDay(field, s string) (time.Time, error) {
	d, err := day.Parse(s)
	if err != nil {
		return time.Time{}, err.(*app.Error).OnField(field)
	}
	return d.Time(), nil
}

// bindQuery reads a request's query parameters into the struct in points
// to, each named by its json tag, as bind reads a page's form: for the
// operations that read their input from the query both as API and as page.
func bindQuery(c *fiber.Ctx, in any) error {
	args := c.Request().URI().QueryArgs()
	v := reflect.ValueOf(in).Elem()
	for i := range v.NumField() {
		name, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		raw := args.Peek(name)
		if raw == nil {
			continue
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
