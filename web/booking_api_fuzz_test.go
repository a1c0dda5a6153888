package web

import (
	"encoding/json"
	"testing"

	"github.com/gofiber/fiber/v2"

	"hearth/app"
	"hearth/app/apptest"
	"hearth/housing/booking"
)

// FuzzBookingRequest sends bodies of POST /api/v1/resources/:id/bookings
// through the reading of the booking handler (bookingTarget). A body is refused as malformed JSON (400),
// or its times as invalid on their field (400); or it gives a request of
// the signed-in member for the resource of the path, whose times read back
// the same, and the body, encoded again, decodes to the same request.
func FuzzBookingRequest(f *testing.F) {
	for _, s := range jsonSeeds {
		f.Add([]byte(s))
	}
	for _, s := range []string{
		`{"starts_at":"2027-03-14T09:00:00+01:00","ends_at":"2027-03-14T10:00:00+01:00"}`,
		`{"starts_at":"2027-03-28T02:30:00+01:00","ends_at":"2027-03-28T03:30:00+02:00"}`,
		`{"starts_at":"2027-03-14T09:00:00Z"}`,
		`{"starts_at":"2027-03-14T09:00:00Z","ends_at":"2027-03-14T10:00:00Z","rrule":"FREQ=DAILY;COUNT=2"}`,
		`{"starts_at":"2027-03-14T09:00:00Z","ends_at":"2027-03-14T10:00:00Z","member_id":1}`,
		`{"starts_at":"2027-03-14T09:00:00Z","ends_at":"2027-03-14T10:00:00Z"} {}`,
		`{"starts_at":"2027-03-14T09:00:00Z","STARTS_AT":"2027-03-15T09:00:00Z","ends_at":"2027-03-15T10:00:00Z"}`,
		`{"starts_at":1773478800,"ends_at":"2027-03-14T10:00:00Z"}`,
		`{"starts_at":"2027-03-14T09:00:00Z\u0000","ends_at":"2027-03-14T10:00:00Z"}`,
		"{\"starts_at\":\"2027-03-14T09:00:00Z\xff\",\"ends_at\":\"2027-03-14T10:00:00Z\"}",
		`{"starts_at":"2027-02-30T09:00:00Z","ends_at":"2027-2-3T10:00:00Z"}`,
		`{"starts_at":"2027-03-14T09:00:00 01:00","ends_at":"2027-03-14T10:00:00\r\n"}`,
	} {
		f.Add([]byte(s))
	}
	me := &app.Principal{Member: app.Member{ID: 42}}
	var got struct {
		req booking.Request
		err error
		ran bool
	}
	r := newRoute(fiber.MethodPost, "/api/v1/resources/:resource_id/bookings", "/api/v1/resources/7/bookings", me,
		func(c *fiber.Ctx) error {
			var in timeRange
			_, got.req, got.err = (&bookingHandlers{}).bookingTarget(c, &in, &in)
			got.ran = true
			return nil
		})
	f.Fuzz(func(t *testing.T, body []byte) {
		got.ran = false
		if r.serve(body) {
			return // refused at the edge, before any handler
		}
		if !got.ran {
			t.Fatal("the route did not run")
		}
		req, err := got.req, got.err
		if err != nil {
			e, _ := app.AsError(err)
			if e != nil && e.Code == "malformed_json" {
				checkDecodeError(t, body, err)
				return
			}
			e = apptest.CheckRefusal(t, err, app.KindInvalid, "invalid_time")
			if e.Field != "starts_at" && e.Field != "ends_at" {
				t.Fatalf("body %q: error on field %q", body, e.Field)
			}
			return
		}
		if req.ResourceID != 7 || req.MemberID != me.ID || req.Allocated {
			t.Fatalf("body %q gives %+v", body, req)
		}
		var b timeRange
		if err := json.Unmarshal(body, &b); err != nil {
			t.Fatalf("decodeJSON accepted %q, which encoding/json refuses: %v", body, err)
		}
		checkInstant(t, b.StartsAt, req.StartsAt)
		checkInstant(t, b.EndsAt, req.EndsAt)
		again, _ := json.Marshal(b)
		got.ran = false
		r.serve(again)
		if !got.ran || got.err != nil || !got.req.StartsAt.Equal(req.StartsAt) || !got.req.EndsAt.Equal(req.EndsAt) {
			t.Fatalf("body %q gives %+v, but encoded again as %q it gives %+v, %v", body, req, again, got.req, got.err)
		}
	})
}
