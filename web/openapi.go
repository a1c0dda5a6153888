package web

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// The OpenAPI document is kept as one JSON fragment per area under openapi/
// (base.json holds info, security and shared schemas) and merged once at
// start-up, so each area documents its routes beside the others' without
// editing a shared file.
//
//go:embed openapi/*.json
var openAPIFS embed.FS

var openAPI = mustMergeOpenAPI()

func mustMergeOpenAPI() map[string]any {
	doc, err := mergeOpenAPI(openAPIFS)
	if err != nil {
		panic(err)
	}
	return doc
}

func mergeOpenAPI(fsys fs.FS) (map[string]any, error) {
	names, err := fs.Glob(fsys, "openapi/*.json")
	if err != nil {
		return nil, err
	}
	paths, components := map[string]any{}, map[string]any{}
	doc := map[string]any{"paths": paths, "components": components}
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		var part map[string]any
		if err := json.Unmarshal(b, &part); err != nil {
			return nil, fmt.Errorf("openapi: %s: %w", name, err)
		}
		for key, v := range part {
			switch key {
			case "paths":
				for p, ops := range asMap(v) {
					if err := mergeInto(paths, p, asMap(ops)); err != nil {
						return nil, fmt.Errorf("openapi: %s: path %s: %w", name, p, err)
					}
				}
			case "components":
				for section, entries := range asMap(v) {
					if err := mergeInto(components, section, asMap(entries)); err != nil {
						return nil, fmt.Errorf("openapi: %s: components %s: %w", name, section, err)
					}
				}
			default:
				doc[key] = v
			}
		}
	}
	return doc, nil
}

// mergeInto adds entries to parent[key], creating it when absent. An entry
// that another fragment has made already is refused: two areas describing
// one schema or operation would leave one of them silently unserved.
func mergeInto(parent map[string]any, key string, entries map[string]any) error {
	m := asMap(parent[key])
	if m == nil {
		m = map[string]any{}
		parent[key] = m
	}
	for _, k := range slices.Sorted(maps.Keys(entries)) {
		if _, ok := m[k]; ok {
			return fmt.Errorf("%s is described twice", k)
		}
		m[k] = entries[k]
	}
	return nil
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func (s *Server) openAPIDocument(c *fiber.Ctx) error {
	return c.JSON(openAPI)
}

// apiOperation is one row of the readable API page.
type apiOperation struct {
	Method, Path, Summary, Description string
	Public                             bool
}

func (s *Server) apiDocsPage(c *fiber.Ctx) error {
	var ops []apiOperation
	paths := asMap(openAPI["paths"])
	for _, p := range slices.Sorted(maps.Keys(paths)) {
		for _, method := range []string{"get", "post", "put", "patch", "delete"} {
			op := asMap(asMap(paths[p])[method])
			if op == nil {
				continue
			}
			summary, _ := op["summary"].(string)
			desc, _ := op["description"].(string)
			sec, hasSec := op["security"].([]any)
			ops = append(ops, apiOperation{
				Method: strings.ToUpper(method), Path: "/api/v1" + p, Summary: summary, Description: desc,
				Public: hasSec && len(sec) == 0,
			})
		}
	}
	return s.render(c, "apidocs", fiber.Map{"Title": "API", "Operations": ops, "Info": asMap(openAPI["info"])})
}
