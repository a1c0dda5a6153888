package apptest

import (
	"slices"
	"testing"

	"hearth/app"
)

// CheckRefusal fails t unless err is an *app.Error of kind whose code is one
// of codes (any code when none are given), and returns it. Parsers of
// outside input refuse with the client's fault, invalid (400) or
// unprocessable (422), never with an internal error; fuzz targets use this
// to say so.
func CheckRefusal(t testing.TB, err error, kind app.Kind, codes ...string) *app.Error {
	t.Helper()
	e, ok := app.AsError(err)
	if !ok {
		t.Fatalf("error %v (%T) is not an *app.Error", err, err)
	}
	if e.Kind != kind {
		t.Fatalf("error %v has kind %s, want %s", e, e.Kind, kind)
	}
	if len(codes) > 0 && !slices.Contains(codes, e.Code) {
		t.Fatalf("error %v has code %q, want one of %q", e, e.Code, codes)
	}
	return e
}
