package web_test

import (
	"regexp"
	"strings"
	"testing"
)

// TestOpenAPICoversEveryRoute fails when a registered API route is missing
// from the OpenAPI document.
func TestOpenAPICoversEveryRoute(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	status, doc := ts.call(t, "GET", "/api/v1/openapi.json", "", nil)
	if status != 200 {
		t.Fatalf("openapi.json: %d", status)
	}
	paths, _ := doc["paths"].(map[string]any)
	param := regexp.MustCompile(`:([a-zA-Z_]+)`)
	for _, r := range ts.Srv.App.GetRoutes(true) {
		if !strings.HasPrefix(r.Path, "/api/v1/") || r.Method == "HEAD" || r.Method == "USE" {
			continue
		}
		p := param.ReplaceAllString(strings.TrimPrefix(r.Path, "/api/v1"), "{$1}")
		op, _ := paths[p].(map[string]any)
		if op[strings.ToLower(r.Method)] == nil {
			t.Errorf("%s %s is not in the OpenAPI document (as %s)", r.Method, r.Path, p)
		}
	}
}
