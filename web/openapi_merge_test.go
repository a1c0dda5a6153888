package web

import (
	"strings"
	"testing"
	"testing/fstest"
)

// TestMergeOpenAPIRefusesDuplicates: two fragments may describe other
// methods of one path, but not the same operation or schema twice.
func TestMergeOpenAPIRefusesDuplicates(t *testing.T) {
	t.Parallel()
	frag := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	ok := fstest.MapFS{
		"openapi/a.json": frag(`{"paths": {"/x": {"get": {}}}, "components": {"schemas": {"A": {}}}}`),
		"openapi/b.json": frag(`{"paths": {"/x": {"post": {}}}, "components": {"schemas": {"B": {}}}}`),
	}
	doc, err := mergeOpenAPI(ok)
	if err != nil {
		t.Fatal(err)
	}
	if ops := asMap(asMap(doc["paths"])["/x"]); len(ops) != 2 {
		t.Errorf("/x has %v, want get and post", ops)
	}
	for name, fsys := range map[string]fstest.MapFS{
		"an operation": {
			"openapi/a.json": frag(`{"paths": {"/x": {"get": {}}}}`),
			"openapi/b.json": frag(`{"paths": {"/x": {"get": {}}}}`),
		},
		"a schema": {
			"openapi/a.json": frag(`{"components": {"schemas": {"A": {}}}}`),
			"openapi/b.json": frag(`{"components": {"schemas": {"A": {}}}}`),
		},
	} {
		if _, err := mergeOpenAPI(fsys); err == nil || !strings.Contains(err.Error(), "described twice") {
			t.Errorf("%s described twice: %v, want an error", name, err)
		}
	}
}
