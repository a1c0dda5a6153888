package web

import (
	"encoding/json"
	"testing"

	"github.com/gofiber/fiber/v2"
)

// FuzzTokenRequest sends bodies of POST /api/v1/auth/token through
// decodeJSON. A body is refused as malformed JSON (400), or it gives an
// email and a password of valid UTF-8 (free of NUL once nulRefused) that,
// encoded again, decode to the same.
func FuzzTokenRequest(f *testing.F) {
	for _, s := range jsonSeeds {
		f.Add([]byte(s))
	}
	for _, s := range []string{
		`{"email":"ada@hearth.example","password":"hearth-demo"}`,
		`{"email":" ADA@hearth.example ","password":""}`,
		`{"email":"ada@hearth.example"}`,
		`{"email":"ada@hearth.example","password":"x","remember":true}`,
		`{"email":"ada@hearth.example","password":1}`,
		`{"email":"ada\u0000@hearth.example","password":"p\u0000"}`,
		"{\"email\":\"ada\xff@hearth.example\",\"password\":\"\xff\"}",
		`{"email":"\ud800@hearth.example","password":"\udfff"}`,
		`{"email":"ada@hearth.example\r\nBcc: x@evil.example","password":"p"}`,
		`{"EMAIL":"ada@hearth.example","email":"ben@hearth.example","password":"p"}`,
		`{"email":"ada@hearth.example","password":"p"}{"email":"ben@hearth.example"}`,
	} {
		f.Add([]byte(s))
	}
	var got struct {
		req tokenRequest
		err error
		ran bool
	}
	r := newRoute(fiber.MethodPost, "/api/v1/auth/token", "/api/v1/auth/token", nil, func(c *fiber.Ctx) error {
		got.ran, got.req = true, tokenRequest{}
		got.err = decodeJSON(c, &got.req)
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
		if got.err != nil {
			checkDecodeError(t, body, got.err)
			return
		}
		req := got.req
		checkText(t, "email", req.Email)
		checkText(t, "password", req.Password)
		again, _ := json.Marshal(req)
		got.ran = false
		r.serve(again)
		if !got.ran || got.err != nil || got.req != req {
			t.Fatalf("body %q gives %+v, but encoded again as %q it gives %+v, %v", body, req, again, got.req, got.err)
		}
	})
}
