package web_test

import (
	"regexp"
	"strings"
	"testing"
)

// routesOutsideAPI are the routes outside /api/v1 that programs rather than
// people call; the OpenAPI document describes them with a server of "/".
var routesOutsideAPI = []string{"GET /healthz", "GET /readyz", "GET /calendars/:token.ics"}

// TestOpenAPICoversEveryRoute fails when a registered API route is missing
// from the OpenAPI document, and when the document describes an operation
// that no route serves.
func TestOpenAPICoversEveryRoute(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	status, doc := ts.call(t, "GET", "/api/v1/openapi.json", "", nil)
	if status != 200 {
		t.Fatalf("openapi.json: %d", status)
	}

	routes := map[string]bool{} // "GET /api/v1/sites/:site_id"
	for _, r := range ts.Srv.App.GetRoutes(true) {
		if strings.HasPrefix(r.Path, "/api/v1/") && r.Method != "HEAD" && r.Method != "USE" {
			routes[r.Method+" "+r.Path] = true
		}
	}
	for _, r := range routesOutsideAPI {
		routes[r] = true
	}

	documented := map[string]bool{}
	param := regexp.MustCompile(`\{([a-zA-Z_]+)\}`)
	paths, _ := doc["paths"].(map[string]any)
	for p, v := range paths {
		item, _ := v.(map[string]any)
		prefix := "/api/v1"
		if servers, ok := item["servers"].([]any); ok && len(servers) == 1 && servers[0].(map[string]any)["url"] == "/" {
			prefix = ""
		}
		for method := range item {
			if method == "servers" || method == "parameters" {
				continue
			}
			key := strings.ToUpper(method) + " " + prefix + param.ReplaceAllString(p, ":$1")
			documented[key] = true
			if !routes[key] {
				t.Errorf("the OpenAPI document describes %s %s, which no route serves (as %s)", strings.ToUpper(method), p, key)
			}
		}
	}
	for r := range routes {
		if !documented[r] {
			t.Errorf("%s is not in the OpenAPI document", r)
		}
	}
}
