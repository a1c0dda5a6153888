package web

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"hearth/app"
	"hearth/housing/booking"
)

// Instants of shared-space bookings: the API gives them as RFC 3339 times
// with an offset; a page's form as a local date and clock time in the zone
// of the space's site; a calendar query also as a date alone. These are the
// only readers of them.

// parseInstant reads a time given as RFC 3339 with an offset. Where loc is
// given (calendar queries), a date alone (2026-03-14) means local midnight
// at the site. A "+" that a query string turned into a space is put back.
// Errors: invalid_time (400) on the field.
func parseInstant(field, v string, loc *time.Location) (time.Time, error) {
	v = strings.ReplaceAll(strings.TrimSpace(v), " ", "+")
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	if loc != nil {
		if d, err := time.ParseInLocation(time.DateOnly, v, loc); err == nil {
			return d, nil
		}
	}
	return time.Time{}, app.Invalid("invalid_time",
		"%s must be an RFC 3339 time with an offset, like 2026-03-14T09:00:00+01:00.", field).OnField(field)
}

// calendarWindow reads ?from=&to= of a calendar query, dates alone in loc:
// from defaults to now and to to a week after from.
func calendarWindow(c *fiber.Ctx, loc *time.Location) (from, to time.Time, err error) {
	from = time.Now()
	if v := c.Query("from"); v != "" {
		if from, err = parseInstant("from", v, loc); err != nil {
			return
		}
	}
	to = from.AddDate(0, 0, 7)
	if v := c.Query("to"); v != "" {
		to, err = parseInstant("to", v, loc)
	}
	return
}

// timeRange is the time a booking, a waitlist entry or a blackout asks
// for, as the API sends it.
type timeRange struct {
	StartsAt string `json:"starts_at"`
	EndsAt   string `json:"ends_at"`
}

// instants reads the range: the API's RFC 3339 instants, or a page's
// start_date, start_time, end_date and end_time in loc. Errors:
// invalid_time (400), or those of booking.LocalTime, on the starts_at or
// ends_at field.
func (r timeRange) instants(c *fiber.Ctx, loc *time.Location) (start, end time.Time, err error) {
	if !isAPI(c) {
		return localRange(c, loc)
	}
	return r.parse()
}

// parse reads the API's RFC 3339 instants. Errors: invalid_time (400) on
// the starts_at or ends_at field.
func (r timeRange) parse() (start, end time.Time, err error) {
	if start, err = parseInstant("starts_at", r.StartsAt, nil); err != nil {
		return
	}
	end, err = parseInstant("ends_at", r.EndsAt, nil)
	return
}

// localRange reads the local dates and clock times of a page's form.
func localRange(c *fiber.Ctx, loc *time.Location) (start, end time.Time, err error) {
	if start, err = booking.LocalTime(loc, c.FormValue("start_date"), c.FormValue("start_time")); err != nil {
		return start, end, errorOnField(err, "starts_at")
	}
	if end, err = booking.LocalTime(loc, c.FormValue("end_date"), c.FormValue("end_time")); err != nil {
		return start, end, errorOnField(err, "ends_at")
	}
	return start, end, nil
}

func errorOnField(err error, field string) error {
	if e, ok := app.AsError(err); ok {
		return e.OnField(field)
	}
	return err
}

// localMinute reads a page's local date and time like 2026-03-14T18:00 in
// loc. Errors: invalid_time (422) on the field.
func localMinute(field, v string, loc *time.Location, msg string) (time.Time, error) {
	t, err := time.ParseInLocation("2006-01-02T15:04", v, loc)
	if err != nil {
		return t, app.Unprocessable("invalid_time", "%s", msg).OnField(field)
	}
	return t, nil
}
