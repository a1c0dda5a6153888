package web_test

import (
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// Programs outside Hearth call it through clients generated from the served
// OpenAPI document. These tests keep the document one that generators take.

// TestOpenAPIGeneratesAGoClient generates a Go client (types and client)
// from the served document with oapi-codegen, pinned by the tool directive
// of go.mod, and compiles it in the module under testdata/openapiclient,
// which holds the client's runtime. After the first run both work from the
// module and build caches, without the network, in a few seconds.
func TestOpenAPIGeneratesAGoClient(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and compiles a client")
	}
	t.Parallel()
	ts := newTestServer(t)
	res, err := http.Get(ts.URL + "/api/v1/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("openapi.json: %d %v", res.StatusCode, err)
	}

	dir := t.TempDir()
	spec := filepath.Join(dir, "openapi.json")
	must(t, os.WriteFile(spec, doc, 0o644))
	for _, name := range []string{"go.mod", "go.sum"} {
		b, err := os.ReadFile(filepath.Join("testdata", "openapiclient", name))
		must(t, err)
		must(t, os.WriteFile(filepath.Join(dir, name), b, 0o644))
	}
	goCmd(t, ".", "tool", "oapi-codegen", "-generate", "types,client", "-package", "hearthclient",
		"-o", filepath.Join(dir, "client.gen.go"), spec)
	// -trimpath keeps the temporary directory out of the build cache's keys,
	// so that the next run finds the compiled client there.
	goCmd(t, dir, "build", "-trimpath", "./...")
}

// goCmd runs the go command in dir and fails the test with its output when
// it fails.
func goCmd(t *testing.T, dir string, args ...string) {
	t.Helper()
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goBin); err != nil {
		goBin = "go"
	}
	cmd := exec.Command(goBin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestOpenAPINamesAreGeneratable checks, without running a generator, what
// the Go generators have refused in this document before:
//   - every operation has an operationId, unique, so that client methods
//     have stable names;
//   - a $ref names a whole component, never a part of one (oapi-codegen
//     refuses #/components/schemas/Error/properties/error);
//   - an object or array item written inline in a property of a component
//     schema is named by ogen after the component and the property
//     (Move.quote becomes MoveQuote), so no component may have that name;
//   - every operation has a default response, or none does (ogen 1.25
//     generates a client that does not compile when only some have one).
func TestOpenAPINamesAreGeneratable(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	d := servedOpenAPIDoc(t, ts)

	ids := map[string]string{}
	withDefault, without := 0, 0
	for path, item := range asObject(d.doc["paths"]) {
		for method, v := range asObject(item) {
			if method == "parameters" || method == "servers" {
				continue
			}
			op := asObject(v)
			where := strings.ToUpper(method) + " " + path
			id, _ := op["operationId"].(string)
			switch {
			case id == "":
				t.Errorf("%s has no operationId", where)
			case ids[id] != "":
				t.Errorf("%s and %s share the operationId %s", ids[id], where, id)
			}
			ids[id] = where
			if _, ok := asObject(op["responses"])["default"]; ok {
				withDefault++
			} else {
				without++
			}
		}
	}
	if withDefault > 0 && without > 0 {
		t.Errorf("%d operations have a default response and %d have none: give all or none one", withDefault, without)
	}

	whole := regexp.MustCompile(`^#/components/[A-Za-z]+/[A-Za-z0-9_.-]+$`)
	var refs func(v any, at string)
	refs = func(v any, at string) {
		switch v := v.(type) {
		case map[string]any:
			if ref, ok := v["$ref"].(string); ok && !whole.MatchString(ref) {
				t.Errorf("%s: $ref %s names a part of a component, not a whole one", at, ref)
			}
			for k, e := range v {
				refs(e, at+"/"+k)
			}
		case []any:
			for i, e := range v {
				refs(e, fmt.Sprintf("%s/%d", at, i))
			}
		}
	}
	refs(d.doc, "#")

	schemas := asObject(asObject(d.doc["components"])["schemas"])
	taken := map[string]string{}
	for name := range schemas {
		taken[foldName(name)] = name
	}
	for _, name := range slices.Sorted(maps.Keys(schemas)) {
		for prop, ps := range asObject(asObject(schemas[name])["properties"]) {
			p := asObject(ps)
			derived := name + "_" + prop
			if p["type"] == "array" {
				p, derived = asObject(p["items"]), derived+"_item"
			}
			if _, isRef := p["$ref"]; isRef || (p["type"] != "object" && p["properties"] == nil && p["allOf"] == nil) {
				continue
			}
			if other, ok := taken[foldName(derived)]; ok {
				t.Errorf("%s.%s is an inline schema that ogen names like the component %s: make it a component of its own", name, prop, other)
			}
		}
	}
}

// foldName folds a name the way generators' names compare: no case, no
// underscores.
func foldName(s string) string { return strings.ToLower(strings.ReplaceAll(s, "_", "")) }
